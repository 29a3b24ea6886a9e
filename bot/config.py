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

    @property
    def persistence_file(self) -> Path:
        return self.data_dir / "state.pickle"


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
    return Settings(token, base, faq, data_dir, level)


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_STATE_HOME", "").strip()
    root = Path(xdg) if xdg else Path.home() / ".local" / "state"
    return root / "magnesium-faq-bot"
