"""The `faqbot` process with a token: start-up, a rejected token, SIGTERM, and its logs.

The processes here read faq.yaml without its phrasings file's real wording
(`light_faq`): what they test is the process (signals, persistence, logs,
polling and webhook), and training on 2,900 phrasings and 1,200 red-flag
messages would cost each start a second of CPU. The full content is answered
in process (tests/telegram) and started as a real process by the benchmark's
smoke run (tests/e2e/test_bench_smoke.py)."""

from __future__ import annotations

import json
import logging
import os
import pickle
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.content import Content
from bot.telegram.health import CONFLICT_MESSAGE, RECOVERED_MESSAGE
from bot.telegram.logging_setup import (
    REDACTED,
    RejectedTokenFilter,
    TokenRedactingFilter,
    setup_logging,
)
from bot.telegram.runner import INVALID_TOKEN_MESSAGE
from bot.telegram.webhook import SECRET_HEADER
from tests.fake_bot_api import BotMessage, FakeBotAPI
from tests.support import light_faq
from tests.support.bots import free_port

WRONG_TOKEN = "654321:" + "W" * 35
USER = 8001
QUESTION = "which foods have magnesium"


def bot_env(server: FakeBotAPI, tmp_path: Path, token: str, **extra: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("WEBHOOK_")},
        "TELEGRAM_BOT_TOKEN": token,
        "BOT_API_BASE_URL": server.base_url,
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "DEBUG",
        "FAQ_PATH": str(light_faq(tmp_path / "faq")),
        **extra,
    }


def faqbot(server: FakeBotAPI, tmp_path: Path, token: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,  # no stray .env
        env=bot_env(server, tmp_path, token, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def health(server: FakeBotAPI, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """`faqbot health` with the bot's own settings."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "health", "--max-age", "30"],
        cwd=tmp_path,
        env=bot_env(server, tmp_path, server.token, **extra),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def stop(proc: subprocess.Popen[str], how: signal.Signals = signal.SIGTERM) -> tuple[str, str]:
    """Signal the bot; its output once it has exited (killed if it takes over 20 s)."""
    try:
        proc.send_signal(how)
        return proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


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
        alive = health(server, tmp_path)
        assert alive.returncode == 0, alive.stderr
        assert alive.stdout.startswith("ok: polling")
        signalled = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
        took = time.monotonic() - signalled
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert took < 5.0, f"SIGTERM took {took:.1f} s"
    gone = health(server, tmp_path)  # a stopped bot is reported at once
    assert gone.returncode == 1
    assert gone.stderr.startswith("faqbot: unhealthy: no heartbeat")
    assert len(server.calls("getMe")) >= 2
    with (tmp_path / "data" / "state.pickle").open("rb") as f:
        stored = pickle.load(f)
    assert list(stored["user_data"]) == [USER]
    assert set(stored["user_data"][USER]) == {"check", "check_message"}  # and its message
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


# --- crashes, a second poller, webhook mode ----------------------------------


def _press(server: FakeBotAPI, message: BotMessage, label: str) -> str:
    return server.press_button(message.message_id, USER, message.button(label)["callback_data"])


def _current(server: FakeBotAPI, message_id: int) -> BotMessage:
    return next(m for m in server.bot_messages(USER) if m.message_id == message_id)


def _press_and_wait(server: FakeBotAPI, message: BotMessage, label: str) -> BotMessage:
    """Press a check button; the message once the bot has moved it on."""
    query = _press(server, message, label)
    server.wait_for_callback_answer(query, timeout=20)
    server.wait_until(lambda: _current(server, message.message_id).text != message.text, 20)
    server.wait_idle()
    return _current(server, message.message_id)


def _check_continues(server: FakeBotAPI, content: Content, stale: BotMessage) -> BotMessage:
    """Press a button of `stale` (a step the bot no longer has): the polite "expired"
    with the menu; its check button starts a check that moves on normally."""
    flow = content.doctor_check
    count = len(server.bot_messages(USER))
    label = stale.buttons[-3]["text"]  # an answer (the last two are Back and Cancel)
    answer = server.wait_for_callback_answer(_press(server, stale, label), timeout=20)
    assert answer["text"] == content.ui["expired_short"]
    [*_, expired] = server.wait_for_messages(USER, count + 1, timeout=20)
    assert content.ui["expired"] in expired.text
    assert content.buttons["doctor_check"] in expired.button_texts
    server.wait_for_callback_answer(
        _press(server, expired, content.buttons["doctor_check"]), timeout=20
    )
    server.wait_until(
        lambda: (
            flow.steps[flow.start].question.splitlines()[0] in server.bot_messages(USER)[-1].text
        ),
        20,
        "the check did not start again",
    )
    server.wait_idle()
    first = server.bot_messages(USER)[-1]
    second = _press_and_wait(server, first, flow.steps[flow.start].options[-1].label)
    assert flow.steps["heart"].question.splitlines()[0] in second.text
    return second


def _stored(state: Path) -> dict[int, dict[str, Any]]:
    """The state file's user data: {user id: {"check": {"nonce": ..., "path": [...]}}}."""
    with state.open("rb") as f:
        users: dict[int, dict[str, Any]] = pickle.load(f)["user_data"]
    return users


def test_kill_9_right_after_an_answer_loses_nothing_and_after_forget_keeps_nothing(
    server: FakeBotAPI, tmp_path: Path, content: Content
) -> None:
    state = tmp_path / "data" / "state.pickle"
    steps = content.doctor_check.steps
    no = steps["emergency-signs"].options[-1].label

    # 1. An answer, then kill -9 as soon as the bot has shown the next step.
    proc = faqbot(server, tmp_path, server.token)
    server.send_message("/doctor", user_id=USER)
    [check] = server.wait_for_messages(USER, 1, timeout=20)
    step2 = _press_and_wait(server, check, no)
    assert steps["heart"].question.splitlines()[0] in step2.text
    stop(proc, signal.SIGKILL)
    assert len(_stored(state)[USER]["check"]["path"]) == 2

    # 2. After the restart the next button continues where she was: step 3, not "expired".
    proc = faqbot(server, tmp_path, server.token)
    step3 = _press_and_wait(server, step2, steps["heart"].options[-1].label)
    after_heart = steps["heart"].options[-1].next or ""
    assert steps[after_heart].question.splitlines()[0] in step3.text
    assert content.ui["expired"] not in step3.text

    # 3. /forget, then kill -9 as soon as the bot has said it is done: the check is gone.
    count = len(server.bot_messages(USER))
    edits = len(server.calls("editMessageText"))
    server.send_message("/forget", user_id=USER)
    [*_, forgotten] = server.wait_for_messages(USER, count + 1, timeout=20)
    assert forgotten.text == content.ui["forgotten"]
    # After "done" the bot closes the check's message; a kill in the middle of
    # that request leaves the server half a request (an error in its log). The
    # state was on disk before "done" either way.
    server.wait_for_requests("editMessageText", edits + 1, timeout=20)
    stop(proc, signal.SIGKILL)
    assert _stored(state) == {}

    # 4. Restarted, her old step-3 buttons are "expired" + the menu; a new check runs.
    proc = faqbot(server, tmp_path, server.token)
    _check_continues(server, content, step3)
    _, err = stop(proc)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert not [e for e in server.errors if e[0] != "getUpdates"]


def test_a_proxy_error_page_while_polling_is_one_warning_line(
    server: FakeBotAPI, tmp_path: Path
) -> None:
    """nginx answering getUpdates with its HTML 502 page, twice: one WARNING line
    naming the status, no traceback, no HTML; then polling recovers and replies flow."""
    server.inject("getUpdates", 502, proxy_page=True, times=2)
    proc = faqbot(server, tmp_path, server.token)
    try:
        server.send_message(QUESTION, user_id=USER)
        server.wait_for_messages(USER, 1, timeout=30)
        server.wait_idle()
    finally:
        _, err = stop(proc)
    assert proc.returncode == 0, err
    [trouble] = [line for line in err.splitlines() if " WARNING " in line or " ERROR " in line]
    assert " WARNING " in trouble
    assert "polling Telegram failed (Bad Gateway (502)); retrying" in trouble
    assert RECOVERED_MESSAGE in err
    assert "Traceback" not in err
    assert "<html" not in err.lower()


def test_a_second_poller_is_named_in_one_log_line(server: FakeBotAPI, tmp_path: Path) -> None:
    proc = faqbot(server, tmp_path, server.token)
    try:
        server.send_message("hi", user_id=USER)
        server.wait_for_messages(USER, 1, timeout=20)
        server.wait_idle()
        server.second_poller = True  # another process polls the same token

        def conflicts() -> int:
            return sum(1 for e in server.errors if e[:1] == ("getUpdates",) and e[2] == 409)

        server.wait_until(lambda: conflicts() >= 3, 15, "the bot stopped polling")
        server.second_poller = False
        server.send_message(QUESTION, user_id=USER)
        server.wait_for_messages(USER, 2, timeout=30)  # it polls (and answers) again
        server.wait_idle()
    finally:
        _, err = stop(proc)
    assert proc.returncode == 0, err
    lines = err.splitlines()
    assert sum(CONFLICT_MESSAGE in line for line in lines) == 1, err
    assert next(line for line in lines if CONFLICT_MESSAGE in line).split()[2] == "ERROR"
    assert sum(RECOVERED_MESSAGE in line for line in lines) == 1
    assert "Traceback" not in err
    assert "another instance is polling with this token" in CONFLICT_MESSAGE


def test_webhook_mode_process(server: FakeBotAPI, tmp_path: Path, content: Content) -> None:
    port = free_port()
    webhook = {
        "WEBHOOK_URL": "https://bot.example.com/faqbot/telegram",
        "WEBHOOK_SECRET": "process-Secret-1",
        "WEBHOOK_PORT": str(port),
    }
    proc = faqbot(server, tmp_path, server.token, **webhook)
    local = f"http://127.0.0.1:{port}"
    try:
        server.wait_for_requests("setWebhook", 1, timeout=20)

        def answering() -> bool:
            try:
                with urllib.request.urlopen(f"{local}/healthz", timeout=1) as response:
                    return bool(response.status == 200)
            except OSError:
                return False

        server.wait_until(answering, 20, "no /healthz")
        alive = health(server, tmp_path, **webhook)
        assert alive.returncode == 0, alive.stderr
        assert alive.stdout.startswith("ok: webhook")

        update = server.send_message("/doctor", user_id=USER)
        request = urllib.request.Request(
            f"{local}/faqbot/telegram",
            data=json.dumps(update).encode(),
            headers={"Content-Type": "application/json", SECRET_HEADER: "process-Secret-1"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
        [check] = server.wait_for_messages(USER, 1, timeout=20)
        assert content.check_ui["intro"] in check.text
        signalled = time.monotonic()
    finally:
        out, err = stop(proc)
    assert time.monotonic() - signalled < 5.0
    assert proc.returncode == 0, err
    assert "webhook mode: listening on 127.0.0.1:" in err
    assert server.token not in out + err
    with (tmp_path / "data" / "state.pickle").open("rb") as f:
        assert list(pickle.load(f)["user_data"]) == [USER]
    gone = health(server, tmp_path, **webhook)
    assert gone.returncode == 1
    assert gone.stderr.startswith("faqbot: unhealthy: no answer from")
