"""The `faqbot` process with a token: start-up, a rejected token, SIGTERM, and its logs."""

from __future__ import annotations

import logging
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.telegram.logging_setup import (
    REDACTED,
    RejectedTokenFilter,
    TokenRedactingFilter,
    setup_logging,
)
from bot.telegram.runner import INVALID_TOKEN_MESSAGE
from tests.fake_bot_api import FakeBotAPI

WRONG_TOKEN = "654321:" + "W" * 35
USER = 8001
QUESTION = "which foods have magnesium"


def faqbot(server: FakeBotAPI, tmp_path: Path, token: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "BOT_API_BASE_URL": server.base_url,
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "DEBUG",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,  # no stray .env
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def server() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as api:
        yield api


def test_a_rejected_token_is_one_clear_line(server: FakeBotAPI, tmp_path: Path) -> None:
    proc = faqbot(server, tmp_path, WRONG_TOKEN)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert err.strip().splitlines()[-1] == INVALID_TOKEN_MESSAGE
    assert err.count("token") == 1
    assert "Traceback" not in err
    assert WRONG_TOKEN not in out + err
    assert WRONG_TOKEN.split(":")[1] not in out + err


def test_sigterm_stops_cleanly_and_saves_the_check(server: FakeBotAPI, tmp_path: Path) -> None:
    server.inject("getMe", 502)  # a transient failure at start-up is retried
    proc = faqbot(server, tmp_path, server.token)
    try:
        server.send_message("/doctor", user_id=USER)
        [check] = server.wait_for_messages(USER, 1, timeout=20)
        server.press_button(check.message_id, USER, check.buttons[-2]["callback_data"])
        server.wait_until(lambda: server.bot_messages(USER)[0].text != check.text, 5)
        server.send_message(QUESTION, user_id=USER)
        server.wait_for_messages(USER, 2)
        server.wait_idle()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert len(server.calls("getMe")) >= 2
    with (tmp_path / "data" / "state.pickle").open("rb") as f:
        stored = pickle.load(f)
    assert list(stored["user_data"]) == [USER]
    assert list(stored["user_data"][USER]) == ["check"]
    # Even at LOG_LEVEL=DEBUG: no token and nothing the user wrote.
    assert server.token not in out + err
    assert server.token.split(":")[1] not in out + err
    assert QUESTION not in out + err
    assert "Application started" in err
    assert [e[:3] for e in server.errors] == [("getMe", {}, 502)]


@pytest.fixture
def clean_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    levels = {n: logging.getLogger(n).level for n in ("httpx", "httpcore", "telegram")}
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    for handler in root.handlers:
        for f in list(handler.filters):
            if isinstance(f, TokenRedactingFilter | RejectedTokenFilter):
                handler.removeFilter(f)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def _record(msg: object, args: object = (), exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    record = logging.LogRecord("x", logging.INFO, __file__, 1, msg, None, exc_info)
    record.args = args  # type: ignore[assignment]
    return record


def test_tokens_are_redacted_from_messages_arguments_and_tracebacks() -> None:
    token = "123456:" + "A" * 30 + "_-b9z"
    url = f"https://api.telegram.org/bot{token}/getMe"
    formatter = logging.Formatter("%(message)s")
    redacting = TokenRedactingFilter()
    cases = [
        _record(f"GET {url}"),
        _record("GET %s -> %d", (url, 200)),
        _record("%(url)s", {"url": url}),
        _record("call %s", (Path(url),)),
    ]
    try:
        raise ValueError(f"The token `{token}` was rejected")
    except ValueError as error:
        cases.append(_record("failed", (), error))
    for record in cases:
        assert redacting.filter(record)
        text = formatter.format(record)
        assert token not in text
        assert REDACTED in text
    assert formatter.format(cases[1]).endswith("-> 200")


@pytest.mark.usefixtures("clean_logging")
def test_setup_logging_quietens_httpx_and_never_debugs_ptb() -> None:
    setup_logging("DEBUG")
    assert logging.getLogger("httpx").level == logging.WARNING
    assert logging.getLogger("httpcore").level == logging.WARNING
    assert logging.getLogger("telegram").level == logging.INFO
    assert logging.getLogger().level == logging.DEBUG
    for handler in logging.getLogger().handlers:
        assert any(isinstance(f, TokenRedactingFilter) for f in handler.filters)
