"""Settings from the environment (and a .env file in the working directory)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

from bot.content import default_faq_path

DEFAULT_BASE_URL = "https://api.telegram.org/bot"


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

    @property
    def persistence_file(self) -> Path:
        return self.data_dir / "state.pickle"

    @property
    def events_file(self) -> Path:
        return self.data_dir / "events.sqlite3"


def load_settings(env_file: str | None = ".env") -> Settings:
    if env_file:
        load_dotenv(env_file, override=False)
    env = os.environ
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    base = env.get("BOT_API_BASE_URL", "").strip() or DEFAULT_BASE_URL
    if not base.startswith(("http://", "https://")):
        raise ConfigError(f"BOT_API_BASE_URL must start with http:// or https://, got {base!r}")
    faq = Path(env.get("FAQ_PATH", "").strip() or default_faq_path())
    data_dir = Path(env.get("DATA_DIR", "").strip() or _default_data_dir())
    level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
    return Settings(
        token,
        base,
        faq,
        data_dir,
        level,
        events_enabled=_flag(env.get("EVENTS_ENABLED", "true"), "EVENTS_ENABLED"),
        events_retention_days=_whole(
            env.get("EVENTS_RETENTION_DAYS", "30"), "EVENTS_RETENTION_DAYS"
        ),
        admin_user_ids=_ids(env.get("ADMIN_USER_IDS", ""), "ADMIN_USER_IDS"),
    )


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
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be between {lo} and {hi}, got {value}")
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
