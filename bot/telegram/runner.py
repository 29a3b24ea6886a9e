"""`run_telegram`: run the bot with long polling until SIGINT/SIGTERM."""

from __future__ import annotations

import logging
import sys

from telegram import Update
from telegram.error import InvalidToken, TelegramError

from bot.config import Settings
from bot.content import Content
from bot.telegram.app import build_application
from bot.telegram.logging_setup import redact, setup_logging

log = logging.getLogger(__name__)

# Start-up retries of getMe/deleteWebhook on network trouble (with growing pauses,
# about two minutes in all); a rejected token is not retried.
BOOTSTRAP_RETRIES = 10
INVALID_TOKEN_MESSAGE = "faqbot: Telegram rejected the bot token (check TELEGRAM_BOT_TOKEN)"  # noqa: S105


def run_telegram(settings: Settings, content: Content) -> int:
    """Poll Telegram until stopped; 0 on a clean stop, 1 if the bot could not start.

    run_polling's default stop signals (SIGINT, SIGTERM, SIGABRT) stop the bot
    cleanly, which also writes the persistence file one last time.
    """
    setup_logging(settings.log_level)
    app = build_application(settings, content)
    log.info("starting the Telegram bot (%d entries)", len(content.entries))
    try:
        app.run_polling(
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
            bootstrap_retries=BOOTSTRAP_RETRIES,
        )
    except InvalidToken:
        print(INVALID_TOKEN_MESSAGE, file=sys.stderr)
        return 1
    except TelegramError as error:
        print(f"faqbot: could not start the Telegram bot: {redact(str(error))}", file=sys.stderr)
        return 1
    log.info("the Telegram bot stopped")
    return 0
