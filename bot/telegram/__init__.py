"""The Telegram front end: PTB handlers around the plain-Python brain.

render.py      Reply -> HTML text and inline keyboard
handlers.py    the async callbacks that call the brain
commands.py    the command menu published at start-up
persistence.py the state file: non-empty user_data only, written atomically at each change
resilience.py  bounded retries of failed requests; per-user ordering of updates
health.py      polling heartbeat, 409 Conflict reporting, `faqbot health`
app.py         build_application(): the one place where the Application is assembled
webhook.py     webhook mode: the HTTP server (secret token check, /healthz)
logging_setup.py, runner.py: logging without tokens or user text; run_telegram()
"""
