"""Is the bot alive? A heartbeat in polling mode, GET /healthz in webhook mode.

Polling: every batch of updates fetched and read (at least every POLL_TIMEOUT
seconds while the bot is idle; updates.py reports it) touches DATA_DIR/heartbeat;
`faqbot health` reads its age. Fetches that succeed but cannot be read do not
count: such a bot serves nobody. The
same monitor receives the updater's polling errors and logs each kind of
trouble once, when it starts, and once more when polling works again; a 409
Conflict gets a line naming its cause (another process polling this token).

Webhook: the webhook server answers GET /healthz (see webhook.py); `faqbot
health` asks it.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from pathlib import Path

from telegram.error import Conflict, TelegramError

from bot.config import HEALTH_PATH, Settings
from bot.telegram.resilience import describe_failure

log = logging.getLogger(__name__)

# Seconds a long poll waits for updates; an idle bot still calls getUpdates this often.
POLL_TIMEOUT = 10
# `faqbot health` calls a heartbeat older than this stale.
DEFAULT_MAX_AGE = 60.0
# The heartbeat file is touched at most this often.
BEAT_INTERVAL = 1.0
CONFLICT_MESSAGE = (
    "another instance is polling with this token (Telegram answered getUpdates with "
    "409 Conflict): stop the other process; only one may poll a bot token"
)
RECOVERED_MESSAGE = "polling Telegram works again"


class PollingMonitor:
    """The heartbeat file and the updater's error callback."""

    def __init__(self, heartbeat: Path | None) -> None:
        self.heartbeat = heartbeat
        self.trouble: str | None = None
        self._last_beat = float("-inf")
        self._write_failed = False

    def ok(self) -> None:
        """A batch of updates was fetched and read."""
        if self.trouble is not None:
            self.trouble = None
            log.info(RECOVERED_MESSAGE)
        now = time.monotonic()
        if now - self._last_beat >= BEAT_INTERVAL:
            self._last_beat = now
            self._beat()

    def polling_error(self, error: TelegramError) -> None:
        """Updater error callback: one line per kind of trouble, not one per retry."""
        kind = "conflict" if isinstance(error, Conflict) else type(error).__name__
        if kind == self.trouble:
            return
        self.trouble = kind
        if kind == "conflict":
            log.error(CONFLICT_MESSAGE)
        else:
            log.warning("polling Telegram failed (%s); retrying", describe_failure(error))

    def stopped(self) -> None:
        """The bot stopped cleanly: no heartbeat until it polls again."""
        if self.heartbeat is not None:
            self.heartbeat.unlink(missing_ok=True)

    def _beat(self) -> None:
        if self.heartbeat is None:
            return
        try:
            self.heartbeat.touch(mode=0o600)  # owner-only, like all of DATA_DIR...
            self.heartbeat.chmod(0o600)  # ...a heartbeat an older version left too
            self._write_failed = False
        except OSError as error:
            if not self._write_failed:
                log.warning("could not write the heartbeat %s: %s", self.heartbeat, error)
            self._write_failed = True


def check_health(settings: Settings, max_age: float = DEFAULT_MAX_AGE) -> tuple[bool, str]:
    """(healthy, one line) for `faqbot health`."""
    if settings.mode == "webhook":
        return _check_webhook(settings)
    path = settings.heartbeat_file
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return False, f"no heartbeat at {path} (is the bot running, in polling mode?)"
    except OSError as error:
        return False, f"cannot read the heartbeat {path}: {error.strerror}"
    if age > max_age:
        return False, f"stale: the last successful getUpdates was {age:.0f} s ago"
    return True, f"ok: polling, last successful getUpdates {max(age, 0):.0f} s ago"


def health_url(settings: Settings) -> str:
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(  # noqa: S104 (mapping, not binding)
        settings.webhook_listen, settings.webhook_listen
    )
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.webhook_port}{HEALTH_PATH}"


def _check_webhook(settings: Settings) -> tuple[bool, str]:
    url = health_url(settings)
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (http to ourselves)
            status = json.loads(response.read())
    except urllib.error.HTTPError as error:
        return False, f"{url} answered {error.code}"
    except (OSError, ValueError) as error:
        return False, f"no answer from {url}: {error}"
    return True, f"ok: webhook, {status.get('updates_queued', 0)} update(s) queued"
