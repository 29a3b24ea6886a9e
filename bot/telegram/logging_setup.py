"""Logging for the Telegram bot: no bot tokens and no user text in the logs.

* httpx/httpcore log every request URL, and PTB puts the token in the URL: they
  are kept at WARNING.
* PTB logs whole updates and request parameters at DEBUG; its loggers are kept
  at INFO or above whatever LOG_LEVEL says, so what users write is never logged
  (DEBUG applies to the bot's own loggers, which never log user text either).
* A filter on the root handlers redacts anything that looks like a bot token
  from every record: message, arguments, exception text and stack.
* PTB logs a batch of updates it cannot read at CRITICAL with the raw updates
  (names, ids, what people wrote): a filter on its loggers keeps only the
  exception's type and the update ids of that line (redact_raw_updates, also
  installed by build_application, whoever configures logging).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any

from telegram.error import InvalidToken

# A bot token: the bot's numeric id, a colon, then the secret. Telegram's secrets are
# 35 characters today, but other servers (and future tokens) differ, so any length
# from 8 counts; shorter ones would catch times like "10:30" and ports.
TOKEN_PATTERN = re.compile(r"\d+:[A-Za-z0-9_-]{8,}")
REDACTED = "<redacted-token>"
QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler")
# Loggers that would print update contents below INFO.
NEVER_DEBUG_LOGGERS = ("telegram",)
# PTB's loggers that report a batch of updates it could not read, and the start of that
# line (Bot.get_updates; an ExtBot logs as telegram.ext.ExtBot) and of the Updater's.
RAW_UPDATES_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot", "telegram.ext.Updater")
RAW_UPDATES_LINES = (
    "Error while parsing updates",
    "Something went wrong processing the data received from Telegram",
)
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str) -> str:
    return TOKEN_PATTERN.sub(REDACTED, text)


def _redact_arg(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    text = str(value)
    return redact(text) if TOKEN_PATTERN.search(text) else value


class TokenRedactingFilter(logging.Filter):
    """Replaces bot tokens in a record before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        elif TOKEN_PATTERN.search(str(record.msg)):
            record.msg = redact(str(record.msg))
        if isinstance(record.args, Mapping):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(v) for v in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RejectedTokenFilter(logging.Filter):
    """Drops PTB's report of a rejected token (a traceback that contains the token):
    run_telegram says it in one line of its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], InvalidToken))


def _update_ids(value: Any) -> list[int]:
    """The update ids in PTB's raw batch (a list of dicts), nothing else of it."""
    if not isinstance(value, list):
        return []
    return [
        u["update_id"] for u in value if isinstance(u, dict) and isinstance(u.get("update_id"), int)
    ]


class RawUpdatesFilter(logging.Filter):
    """Rewrites PTB's report of updates it could not read: the raw updates (and the
    exception's text and traceback, which may quote them) become the exception's
    type and the update ids."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str) or not record.msg.startswith(RAW_UPDATES_LINES):
            return True
        line = next(start for start in RAW_UPDATES_LINES if record.msg.startswith(start))
        args = record.args if isinstance(record.args, tuple) else ()
        ids = _update_ids(args[0]) if args else []
        error = record.exc_info[1] if record.exc_info else None
        kind = type(error).__name__ if error is not None else "unknown error"
        record.msg = "%s (%s); update ids %s (their content is not logged)"
        record.args = (line, kind, ids)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def redact_raw_updates() -> None:
    """Install RawUpdatesFilter on PTB's loggers that would log raw updates (once)."""
    for name in RAW_UPDATES_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RawUpdatesFilter) for f in logger.filters):
            logger.addFilter(RawUpdatesFilter())


def setup_logging(level: str = "INFO") -> None:
    """Log to stderr at `level`, through the token filter."""
    root = logging.getLogger()
    if not root.handlers:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(stream)
    root.setLevel(level)
    for handler in root.handlers:
        for kind in (RejectedTokenFilter, RawUpdatesFilter, TokenRedactingFilter):
            if not any(isinstance(f, kind) for f in handler.filters):
                handler.addFilter(kind())
    redact_raw_updates()
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    floor = max(logging.getLevelName(level), logging.INFO)
    for name in NEVER_DEBUG_LOGGERS:
        logging.getLogger(name).setLevel(floor)
