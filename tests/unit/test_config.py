"""Settings: every new variable read from the environment, and every bad value refused
at start-up with one clear line (and `faqbot` exiting non-zero)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bot.config import (
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_WEBHOOK_LISTEN,
    DEFAULT_WEBHOOK_PORT,
    ConfigError,
    Settings,
    check_data_dir,
    load_settings,
)
from tests.support import FAQ, ROOT

TOKEN = "123456:" + "T" * 35
SECRET = "s3cret_-Token"
VARIABLES = (
    "TELEGRAM_BOT_TOKEN",
    "BOT_API_BASE_URL",
    "FAQ_PATH",
    "DATA_DIR",
    "LOG_LEVEL",
    "EVENTS_ENABLED",
    "EVENTS_RETENTION_DAYS",
    "ADMIN_USER_IDS",
    "WEBHOOK_URL",
    "WEBHOOK_LISTEN",
    "WEBHOOK_PORT",
    "WEBHOOK_PATH",
    "WEBHOOK_SECRET",
    "REQUEST_TIMEOUT",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FAQ_PATH", str(FAQ))
    return monkeypatch


def settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "token": TOKEN,
        "base_url": "https://api.telegram.org/bot",
        "faq_path": FAQ,
        "data_dir": Path("/tmp/faqbot-test"),
        "log_level": "INFO",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def test_defaults_are_polling_and_compatible(env: pytest.MonkeyPatch) -> None:
    loaded = load_settings(env_file=None)
    assert loaded.mode == "polling"
    assert loaded.webhook_url is None
    assert (loaded.webhook_listen, loaded.webhook_port) == (
        DEFAULT_WEBHOOK_LISTEN,
        DEFAULT_WEBHOOK_PORT,
    )
    assert loaded.request_timeout == DEFAULT_REQUEST_TIMEOUT
    assert loaded.heartbeat_file == loaded.data_dir / "heartbeat"
    # The positional form the tests and bench use still works, with the same defaults.
    plain = Settings(TOKEN, "http://127.0.0.1:1/bot", FAQ, Path("/tmp/x"), "INFO")
    assert plain.mode == "polling"
    assert plain.events_enabled


def test_webhook_settings_are_read(env: pytest.MonkeyPatch) -> None:
    env.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    env.setenv("WEBHOOK_URL", "https://bot.example.com/faqbot/telegram")
    env.setenv("WEBHOOK_SECRET", SECRET)
    env.setenv("WEBHOOK_LISTEN", "0.0.0.0")
    env.setenv("WEBHOOK_PORT", "9000")
    env.setenv("REQUEST_TIMEOUT", "7.5")
    loaded = load_settings(env_file=None)
    assert loaded.mode == "webhook"
    assert loaded.webhook_secret == SECRET
    assert (loaded.webhook_listen, loaded.webhook_port) == ("0.0.0.0", 9000)
    assert loaded.request_timeout == 7.5
    # The local route is the public URL's path (nginx passes it through) ...
    assert loaded.webhook_route == "/faqbot/telegram"
    # ... unless WEBHOOK_PATH says otherwise.
    env.setenv("WEBHOOK_PATH", "/hook")
    assert load_settings(env_file=None).webhook_route == "/hook"
    env.delenv("WEBHOOK_PATH")
    env.setenv("WEBHOOK_URL", "https://bot.example.com")
    assert load_settings(env_file=None).webhook_route == "/"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"WEBHOOK_PORT": "0"}, "WEBHOOK_PORT must be between 1 and 65535, got 0"),
        ({"WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT must be between 1 and 65535, got 70000"),
        ({"WEBHOOK_PORT": "https"}, "WEBHOOK_PORT must be a whole number, got 'https'"),
        ({"REQUEST_TIMEOUT": "0.5"}, "REQUEST_TIMEOUT must be between 1 and 120 seconds"),
        ({"REQUEST_TIMEOUT": "nan"}, "REQUEST_TIMEOUT must be between 1 and 120 seconds"),
        ({"REQUEST_TIMEOUT": "soon"}, "REQUEST_TIMEOUT must be a number of seconds"),
        ({"EVENTS_RETENTION_DAYS": "0"}, "EVENTS_RETENTION_DAYS must be between 1 and 3650"),
        ({"EVENTS_RETENTION_DAYS": "99999"}, "EVENTS_RETENTION_DAYS must be between 1 and 3650"),
        ({"WEBHOOK_LISTEN": "not a host!"}, "WEBHOOK_LISTEN must be an IP address or host name"),
        (
            {"WEBHOOK_URL": "http://bot.example.com/hook", "WEBHOOK_SECRET": SECRET},
            "WEBHOOK_URL must be a public https:// URL",
        ),
        (
            {"WEBHOOK_URL": "bot.example.com/hook", "WEBHOOK_SECRET": SECRET},
            "WEBHOOK_URL must be a public https:// URL",
        ),
        (
            {"WEBHOOK_URL": "https://bot.example.com:8080/hook", "WEBHOOK_SECRET": SECRET},
            "WEBHOOK_URL must use port 443, 80, 88 or 8443",
        ),
        (
            {"WEBHOOK_URL": f"https://bot.example.com/{TOKEN}", "WEBHOOK_SECRET": SECRET},
            "WEBHOOK_URL must not contain the bot token",
        ),
        (
            {"WEBHOOK_URL": "https://bot.example.com/hook"},
            "WEBHOOK_SECRET is required when WEBHOOK_URL is set",
        ),
        (
            {"WEBHOOK_URL": "https://bot.example.com/hook", "WEBHOOK_SECRET": "has space"},
            "WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -",
        ),
        (
            {"WEBHOOK_URL": "https://bot.example.com/hook", "WEBHOOK_SECRET": "x" * 257},
            "WEBHOOK_SECRET must be 1-256 characters",
        ),
        (
            {"WEBHOOK_URL": "https://bot.example.com/hook", "WEBHOOK_SECRET": "pässwort"},
            "WEBHOOK_SECRET must be 1-256 characters",
        ),
        ({"WEBHOOK_PATH": "hook"}, "WEBHOOK_PATH must start with /"),
        ({"WEBHOOK_PATH": "/healthz"}, "WEBHOOK_PATH must not be /healthz"),
        ({"WEBHOOK_PATH": "/bot" + TOKEN.split(":")[1]}, "WEBHOOK_PATH must not contain the bot"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR"),
        ({"BOT_API_BASE_URL": "ftp://x"}, "BOT_API_BASE_URL must start with http:// or https://"),
    ],
)
def test_bad_values_are_refused_with_one_line(
    env: pytest.MonkeyPatch, variables: dict[str, str], message: str
) -> None:
    env.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    for name, value in variables.items():
        env.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings(env_file=None)
    text = str(raised.value)
    assert message in text
    assert "\n" not in text
    assert TOKEN not in text


def test_settings_made_in_code_are_checked_too() -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_PORT"):
        settings(webhook_port=-1)
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET is required"):
        settings(webhook_url="https://bot.example.com/hook")
    ok = settings(webhook_url="https://bot.example.com:8443/hook", webhook_secret="a")
    assert ok.mode == "webhook"
    longest = settings(webhook_url="https://bot.example.com/hook", webhook_secret="A" * 256)
    assert longest.webhook_secret is not None


def test_data_dir_is_created_owner_only_and_written(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    check_data_dir(target)
    assert target.is_dir()
    assert target.stat().st_mode & 0o777 == 0o700
    assert list(target.iterdir()) == []  # the write test leaves nothing behind


def test_data_dir_that_cannot_be_created_or_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ConfigError, match=r"^DATA_DIR .*file is not a directory$"):
        check_data_dir(blocker)
    with pytest.raises(ConfigError, match=r"^DATA_DIR .* cannot be created: "):
        check_data_dir(blocker / "data")
    unwritable = _unwritable_directory()
    if unwritable is None:
        pytest.skip("no unwritable directory on this machine")
    with pytest.raises(ConfigError, match=r"^DATA_DIR .* is not writable: "):
        check_data_dir(unwritable)


def _unwritable_directory() -> Path | None:
    """A directory nobody (root included) can create files in: sysfs or procfs."""
    for candidate in (Path("/sys/kernel"), Path("/proc/self")):
        if not candidate.is_dir():
            continue
        try:
            with tempfile.NamedTemporaryFile(dir=candidate):
                pass
        except OSError:
            return candidate
    return None


def _faqbot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **env},
        cwd=Path(tempfile.gettempdir()),  # no stray .env
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_faqbot_exits_2_with_one_line_on_bad_settings(tmp_path: Path) -> None:
    base = {"TELEGRAM_BOT_TOKEN": TOKEN, "FAQ_PATH": str(FAQ), "DATA_DIR": str(tmp_path)}
    cases = [
        ({"WEBHOOK_PORT": "99999"}, "faqbot: WEBHOOK_PORT must be between 1 and 65535, got 99999"),
        (
            {"WEBHOOK_URL": "https://bot.example.com/hook"},
            "faqbot: WEBHOOK_SECRET is required when WEBHOOK_URL is set",
        ),
    ]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cases.append(({"DATA_DIR": str(blocker)}, f"faqbot: DATA_DIR {blocker} is not a directory"))
    for extra, start in cases:
        result = _faqbot({**base, **extra})
        assert result.returncode == 2, (extra, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(start), lines
        assert "Traceback" not in result.stderr
        assert TOKEN not in result.stderr
    # An invalid faq.yaml is a ContentError: exit 2, its problems listed (no traceback).
    bad_faq = tmp_path / "faq.yaml"
    bad_faq.write_text("entries: [")
    result = _faqbot({**base, "FAQ_PATH": str(bad_faq)})
    assert result.returncode == 2
    assert result.stderr.startswith(f"faqbot: {bad_faq}: ")
    assert "Traceback" not in result.stderr


def test_every_variable_is_documented() -> None:
    """.env.example explains every variable load_settings reads; the README names them."""
    root = ROOT
    source = (root / "bot" / "config.py").read_text(encoding="utf-8")
    read = set(re.findall(r'get\("([A-Z_]+)"', source)) | set(
        re.findall(r'env\.get\("([A-Z_]+)"', source)
    )
    assert read - {"XDG_STATE_HOME"} == set(VARIABLES)  # XDG: the default DATA_DIR's root
    example = (root / ".env.example").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in VARIABLES:
        assert re.search(rf"^{name}=", example, re.MULTILINE), name
        assert f"`{name}`" in readme, name
