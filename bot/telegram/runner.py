"""`run_telegram`: run the bot (long polling, or webhook when WEBHOOK_URL is set) until
SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from telegram import Update
from telegram.error import InvalidToken, TelegramError

from bot.config import Settings
from bot.content import Content
from bot.telegram.app import FaqApplication, build_application
from bot.telegram.health import POLL_TIMEOUT, PollingMonitor
from bot.telegram.logging_setup import setup_logging
from bot.telegram.resilience import BOOTSTRAP_RETRIES, describe_failure

log = logging.getLogger(__name__)

INVALID_TOKEN_MESSAGE = "faqbot: Telegram rejected the bot token (check TELEGRAM_BOT_TOKEN)"  # noqa: S105
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGABRT)


def run_telegram(settings: Settings, content: Content) -> int:
    """Serve Telegram until stopped; 0 on a clean stop, 1 if the bot could not start.

    SIGINT, SIGTERM and SIGABRT stop the bot cleanly: updates in progress are
    finished and the persistence file is written one last time.
    """
    setup_logging(settings.log_level)
    monitor = PollingMonitor(settings.heartbeat_file)
    app = build_application(settings, content, monitor=monitor)
    log.info("starting the Telegram bot (%d entries, %s mode)", len(content.entries), settings.mode)
    try:
        with asyncio.Runner() as runner:
            try:
                if settings.mode == "webhook":
                    runner.run(_serve_webhook(app, settings))
                else:
                    runner.get_loop()  # the current event loop, which run_polling uses
                    # Polling errors reach the error handler, which passes them to the monitor.
                    app.run_polling(
                        timeout=POLL_TIMEOUT,
                        allowed_updates=Update.ALL_TYPES,
                        drop_pending_updates=False,
                        bootstrap_retries=BOOTSTRAP_RETRIES,
                        stop_signals=STOP_SIGNALS,
                        close_loop=False,
                    )
            finally:
                # A start-up that failed (rejected token, Telegram unreachable) leaves the
                # bot's HTTP connections open: PTB shuts down only what initialized fully.
                runner.run(app.bot.shutdown())
    except InvalidToken:
        print(INVALID_TOKEN_MESSAGE, file=sys.stderr)
        return 1
    except TelegramError as error:
        print(
            f"faqbot: could not start the Telegram bot: {describe_failure(error)}", file=sys.stderr
        )
        return 1
    except OSError as error:  # e.g. the webhook port is taken
        print(f"faqbot: could not start the Telegram bot: {error}", file=sys.stderr)
        return 1
    finally:
        monitor.stopped()
    log.info("the Telegram bot stopped")
    return 0


async def _serve_webhook(app: FaqApplication, settings: Settings) -> None:
    from bot.telegram.webhook import serve_webhook

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    await serve_webhook(app, settings, stop, bootstrap_retries=BOOTSTRAP_RETRIES)
