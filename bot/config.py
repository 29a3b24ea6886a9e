"""Settings from the environment (and a .env file in the working directory).

Every value is checked when Settings is made (load_settings or in code): a bad
value raises ConfigError with a one-line message naming the variable, which the
`faqbot` command prints before exiting with status 2. `check_data_dir` checks
at start-up that DATA_DIR can be created and written.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from dotenv import load_dotenv

from bot.content import default_faq_path

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1"
DEFAULT_WEBHOOK_PORT = 8443
DEFAULT_REQUEST_TIMEOUT = 10.0
# The bot's own route for health checks on the webhook server.
HEALTH_PATH = "/healthz"
# What Telegram accepts as setWebhook's secret_token.
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Ports Telegram delivers webhooks to.
TELEGRAM_WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})
_PATH_PATTERN = re.compile(r"/[A-Za-z0-9._~/-]*")
_HOSTNAME_PATTERN = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(Exception):
    """A setting is missing or invalid; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    token: str | None
    base_url: str
    faq_path: Path
    data_dir: Path
    log_level: str
    # The anonymous event store behind `faqbot report` and /stats.
    events_enabled: bool = True
    events_retention_days: int = 30
    admin_user_ids: frozenset[int] = frozenset()
    # Webhook mode (instead of long polling) when webhook_url is set.
    webhook_url: str | None = None
    webhook_listen: str = DEFAULT_WEBHOOK_LISTEN
    webhook_port: int = DEFAULT_WEBHOOK_PORT
    # The path the local server answers Telegram on; None: the path of webhook_url.
    webhook_path: str | None = None
    webhook_secret: str | None = None
    # Seconds a request to Telegram may take (connect, write, read) before it is retried.
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def persistence_file(self) -> Path:
        return self.data_dir / "state.pickle"

    @property
    def events_file(self) -> Path:
        return self.data_dir / "events.sqlite3"

    @property
    def heartbeat_file(self) -> Path:
        """Touched after every successful getUpdates (polling mode); see `faqbot health`."""
        return self.data_dir / "heartbeat"

    @property
    def mode(self) -> Literal["polling", "webhook"]:
        return "webhook" if self.webhook_url else "polling"

    @property
    def webhook_route(self) -> str:
        """The local path Telegram's POSTs arrive at (behind the reverse proxy)."""
        if self.webhook_path:
            return self.webhook_path
        path = urlsplit(self.webhook_url or "").path
        return path or "/"


def load_settings(env_file: str | None = ".env") -> Settings:
    if env_file:
        load_dotenv(env_file, override=False)
    env = os.environ

    def get(name: str, default: str = "") -> str:
        return env.get(name, "").strip() or default

    token = get("TELEGRAM_BOT_TOKEN") or None
    faq = Path(get("FAQ_PATH") or default_faq_path())
    data_dir = Path(get("DATA_DIR") or _default_data_dir())
    return Settings(
        token,
        get("BOT_API_BASE_URL", DEFAULT_BASE_URL),
        faq,
        data_dir,
        get("LOG_LEVEL", "INFO").upper(),
        events_enabled=_flag(env.get("EVENTS_ENABLED", "true"), "EVENTS_ENABLED"),
        events_retention_days=_whole(
            env.get("EVENTS_RETENTION_DAYS", "30"), "EVENTS_RETENTION_DAYS"
        ),
        admin_user_ids=_ids(env.get("ADMIN_USER_IDS", ""), "ADMIN_USER_IDS"),
        webhook_url=get("WEBHOOK_URL") or None,
        webhook_listen=get("WEBHOOK_LISTEN", DEFAULT_WEBHOOK_LISTEN),
        webhook_port=_whole(
            get("WEBHOOK_PORT", str(DEFAULT_WEBHOOK_PORT)), "WEBHOOK_PORT", 1, 65535
        ),
        webhook_path=get("WEBHOOK_PATH") or None,
        webhook_secret=get("WEBHOOK_SECRET") or None,
        request_timeout=_seconds(
            get("REQUEST_TIMEOUT", str(DEFAULT_REQUEST_TIMEOUT)), "REQUEST_TIMEOUT", 1, 120
        ),
    )


def check_data_dir(path: Path) -> None:
    """Create DATA_DIR if needed (owner-only) and prove it can be written; ConfigError if not."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        raise ConfigError(f"DATA_DIR {path} is not a directory") from None
    except OSError as error:
        raise ConfigError(f"DATA_DIR {path} cannot be created: {_reason(error)}") from None
    if not path.is_dir():
        raise ConfigError(f"DATA_DIR {path} is not a directory")
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as error:
        raise ConfigError(f"DATA_DIR {path} is not writable: {_reason(error)}") from None


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _validate(s: Settings) -> None:
    if not s.base_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"BOT_API_BASE_URL must start with http:// or https://, got {s.base_url!r}"
        )
    if s.log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {s.log_level!r}")
    _in_range(s.events_retention_days, "EVENTS_RETENTION_DAYS", 1, 3650)
    _in_range(s.webhook_port, "WEBHOOK_PORT", 1, 65535)
    if not 1 <= s.request_timeout <= 120:
        raise ConfigError(
            f"REQUEST_TIMEOUT must be between 1 and 120 seconds, got {s.request_timeout:g}"
        )
    if not _is_host(s.webhook_listen):
        raise ConfigError(
            f"WEBHOOK_LISTEN must be an IP address or host name, got {s.webhook_listen!r}"
        )
    if s.webhook_secret is not None and not WEBHOOK_SECRET_PATTERN.fullmatch(s.webhook_secret):
        raise ConfigError(
            "WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - "
            "(Telegram refuses anything else)"
        )
    if s.webhook_path is not None:
        _check_path(s.webhook_path, "WEBHOOK_PATH", s.token)
    if s.webhook_url is None:
        return
    url = urlsplit(s.webhook_url)
    if url.scheme != "https" or not url.hostname:
        raise ConfigError(
            f"WEBHOOK_URL must be a public https:// URL (Telegram only calls https), "
            f"got {s.webhook_url!r}"
        )
    try:
        port = url.port
    except ValueError:
        raise ConfigError(f"WEBHOOK_URL has an invalid port: {s.webhook_url!r}") from None
    if port is not None and port not in TELEGRAM_WEBHOOK_PORTS:
        raise ConfigError(f"WEBHOOK_URL must use port 443, 80, 88 or 8443 (Telegram's), got {port}")
    if s.token and s.token in s.webhook_url:
        raise ConfigError(
            "WEBHOOK_URL must not contain the bot token; WEBHOOK_SECRET protects the webhook"
        )
    if url.path:
        _check_path(url.path, "WEBHOOK_URL's path", s.token)
    if not s.webhook_secret:
        raise ConfigError(
            "WEBHOOK_SECRET is required when WEBHOOK_URL is set "
            "(1-256 characters of A-Z, a-z, 0-9, _ and -)"
        )


def _check_path(path: str, name: str, token: str | None) -> None:
    if not _PATH_PATTERN.fullmatch(path):
        raise ConfigError(
            f"{name} must start with / and use only letters, digits and . _ ~ - /, got {path!r}"
        )
    if path.rstrip("/") == HEALTH_PATH:
        raise ConfigError(f"{name} must not be {HEALTH_PATH}, the health check's path")
    secret = token.partition(":")[2] if token else ""
    if token and (token in path or (secret and secret in path)):
        raise ConfigError(f"{name} must not contain the bot token")


def _is_host(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return bool(_HOSTNAME_PATTERN.fullmatch(value))
    return True


def _in_range(value: int, name: str, lo: int, hi: int) -> None:
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be between {lo} and {hi}, got {value}")


def _flag(raw: str, name: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on", ""}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _whole(raw: str, name: str, lo: int = 1, hi: int = 3650) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    _in_range(value, name, lo, hi)
    return value


def _seconds(raw: str, name: str, lo: float, hi: float) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not lo <= value <= hi:  # also refuses nan
        raise ConfigError(f"{name} must be between {lo:g} and {hi:g} seconds, got {raw.strip()}")
    return value


def _ids(raw: str, name: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(";", ",").split(","):
        if part.strip():
            try:
                ids.add(int(part.strip()))
            except ValueError:
                raise ConfigError(
                    f"{name} must be Telegram user ids separated by commas, got {part.strip()!r}"
                ) from None
    return frozenset(ids)


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_STATE_HOME", "").strip()
    root = Path(xdg) if xdg else Path.home() / ".local" / "state"
    return root / "magnesium-faq-bot"
