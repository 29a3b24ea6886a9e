"""Telegram misbehaving, end to end through the real Application and the fake Bot API.

Faults are injected in the local server (tests/fake_bot_api): 429 with retry_after,
500/502, a hanging sendMessage, a user who blocked the bot, a deleted chat. In
every case the reply is delayed, not lost (or, where Telegram will never accept
it, dropped after one quiet log line), nothing is retried forever, and other
users keep being served.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from bot.brain import CHECK_KEY
from bot.config import Settings
from bot.content import Content
from bot.telegram.app import FaqApplication
from bot.telegram.health import check_health
from bot.telegram.resilience import NETWORK_ATTEMPTS
from tests.fake_bot_api import BOT_BLOCKED, CHAT_NOT_FOUND, FakeBotAPI
from tests.support.bots import polling
from tests.support.chat import Chat
from tests.support.state import stored_user_data

USER = 7301
OTHER = 7302
WAIT = 10.0
QUESTION = "which foods have magnesium"
SECRET_WORDS = ("zebrafinch", "quokka")


def serving(
    server: FakeBotAPI, content: Content, data_dir: Path, **overrides: Any
) -> AbstractAsyncContextManager[FaqApplication]:
    """The bot as production builds it (polling the fake server), with `overrides`
    applied to its Settings."""
    return polling(server, content, data_dir / "state.pickle", **overrides)


async def ask(chat: Chat, text: str = QUESTION) -> float:
    """Send `text`; seconds until the reply arrived."""
    start = time.monotonic()
    before = chat.snapshot()
    chat.send(text)
    await asyncio.to_thread(
        chat.server.wait_until, lambda: chat.snapshot() != before, WAIT, "no reply"
    )
    return time.monotonic() - start


def faults(server: FakeBotAPI) -> list[tuple[str, int]]:
    """The rejected requests so far, as (method, status); then forgets them."""
    seen = [(method, status) for method, _, status, _ in server.errors]
    server.clear_records()
    return seen


async def wait_until_stored(
    server: FakeBotAPI, data_dir: Path, condition: Callable[[dict[int, Any]], bool]
) -> None:
    """Wait until the state file on disk (not just memory) satisfies `condition`."""
    state = data_dir / "state.pickle"
    await asyncio.to_thread(
        server.wait_until,
        lambda: state.exists() and condition(stored_user_data(state)),
        WAIT,
        "the state file never got there",
    )


def warnings_and_worse(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.asyncio
async def test_flood_limit_429_delays_the_reply_and_keeps_it(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    alice, bob = Chat(server, USER, USER), Chat(server, OTHER, OTHER)
    async with serving(server, content, tmp_path / "data"):
        await ask(alice, "hi")  # warm up
        server.inject("sendMessage", 429, retry_after=1)
        waits = await asyncio.gather(ask(alice), ask(bob))
        waited = dict(zip((USER, OTHER), waits, strict=True))
        # Either reply may be sent first and meet the 429 (the two are handled at once).
        [(_, refused, _, _)] = server.errors
        assert waited[int(refused["chat_id"])] >= 1.0  # Telegram's retry_after was honoured ...
        assert max(waits) < 4.0  # ... and both users were served
        assert len(alice.messages()) == 2
        assert len(bob.messages()) == 1
    assert faults(server) == [("sendMessage", 429)]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "proxy_page"),
    [(500, False), (502, False), (502, True)],
    ids=["500", "502", "502-html-from-a-proxy"],
)
async def test_server_errors_are_retried(
    server: FakeBotAPI,
    content: Content,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    status: int,
    proxy_page: bool,
) -> None:
    caplog.set_level(logging.DEBUG)
    alice = Chat(server, USER, USER)
    async with serving(server, content, tmp_path / "data"):
        server.inject("sendMessage", status, proxy_page=proxy_page)
        waited = await ask(alice)
        assert waited < 3.0
        [reply] = alice.messages()
        assert content.by_id["foods"].answer in reply.text
        assert len(server.calls("sendMessage")) == 2
    assert faults(server) == [("sendMessage", status)]
    # One WARNING line for a transient failure: no traceback, no HTML page.
    [retry] = warnings_and_worse(caplog)
    assert retry.levelno == logging.WARNING
    assert "Telegram sendMessage failed" in retry.getMessage()
    assert "retry 1 of 2" in retry.getMessage()
    assert retry.exc_info is None
    assert retry.exc_text is None
    assert "\n" not in retry.getMessage()
    assert all("<html" not in r.getMessage() for r in caplog.records)


@pytest.mark.asyncio
async def test_a_lasting_outage_is_retried_a_few_times_then_given_up(
    server: FakeBotAPI, content: Content, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    alice = Chat(server, USER, USER)
    async with serving(server, content, tmp_path / "data"):
        server.inject("sendMessage", 500, times=100)
        alice.send(QUESTION)
        await asyncio.to_thread(server.wait_for_requests, "sendMessage", NETWORK_ATTEMPTS, WAIT)
        await asyncio.to_thread(server.wait_idle, WAIT)
        await asyncio.sleep(1.5)  # longer than the next back-off would be
        assert len(server.calls("sendMessage")) == NETWORK_ATTEMPTS  # bounded
        assert server.pending_updates == []  # the update is not fetched again either
        server.clear_faults()
        await ask(alice)  # Telegram is back: the bot answers again
    assert faults(server) == [("sendMessage", 500)] * NETWORK_ATTEMPTS
    lines = [r.getMessage() for r in warnings_and_worse(caplog)]
    assert len(lines) == NETWORK_ATTEMPTS  # two retries and one "gave up"
    assert "gave up" in lines[-1]
    assert all(r.levelno == logging.WARNING for r in warnings_and_worse(caplog))


@pytest.mark.asyncio
async def test_a_hanging_send_delays_only_that_user(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    alice, bob = Chat(server, USER, USER), Chat(server, OTHER, OTHER)
    async with serving(server, content, tmp_path / "data", request_timeout=1.0):
        await ask(alice, "hi")
        server.inject("sendMessage", hang_seconds=3)
        start = time.monotonic()
        alice.send(QUESTION)
        await asyncio.to_thread(server.wait_for_requests, "sendMessage", 2, WAIT)
        # While Alice's reply hangs, Bob asks and is answered at once.
        assert await ask(bob) < 0.9
        assert len(alice.messages()) == 1
        # Alice's send times out after 1 s and is retried: her reply comes in about 1.5 s.
        await alice.wait(lambda: len(alice.messages()) >= 2, "Alice got no reply")
        assert time.monotonic() - start < 2.9
        # The hung request may still be delivered by Telegram: then she has the same
        # reply twice (preferred to none).
        await asyncio.to_thread(server.wait_idle, WAIT)
        replies = alice.messages()[1:]
        assert 1 <= len(replies) <= 2
        assert {m.text for m in replies} == {replies[0].text}
        assert content.by_id["foods"].answer in replies[0].text
    assert faults(server) == []


@pytest.mark.asyncio
async def test_a_user_who_blocked_the_bot_is_logged_once_and_not_retried(
    server: FakeBotAPI, content: Content, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    alice, bob = Chat(server, USER, USER), Chat(server, OTHER, OTHER)
    async with serving(server, content, tmp_path / "data") as app:
        await ask(alice, "/doctor")
        assert CHECK_KEY in app.user_data[USER]
        await wait_until_stored(server, tmp_path / "data", lambda users: USER in users)
        server.block_user(USER)
        caplog.clear()
        alice.send(f"{SECRET_WORDS[0]} magnesium {SECRET_WORDS[1]}")
        await asyncio.to_thread(server.wait_idle, WAIT)
        await asyncio.sleep(1.0)
        assert len(server.calls("sendMessage")) == 2  # /doctor's reply, and one try
        assert len(alice.messages()) == 1
        assert USER not in app.user_data or not app.user_data[USER]  # check deleted ...
        await wait_until_stored(
            server, tmp_path / "data", lambda users: USER not in users
        )  # ... on disk
        assert server.pending_updates == []
        await ask(bob)  # everyone else is served
    assert faults(server) == [("sendMessage", 403)]
    [line] = [r for r in caplog.records if r.levelno >= logging.INFO and r.name.startswith("bot")]
    assert line.levelno == logging.WARNING
    assert "cannot be reached" in line.getMessage()
    assert BOT_BLOCKED.split(": ")[1] in line.getMessage()
    assert not any(word in caplog.text for word in SECRET_WORDS)


@pytest.mark.asyncio
async def test_a_deleted_chat_and_a_deactivated_user_are_logged_quietly(
    server: FakeBotAPI, content: Content, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    alice = Chat(server, USER, USER)
    async with serving(server, content, tmp_path / "data"):
        await ask(alice, "hi")
        caplog.clear()
        server.inject("sendMessage", 400, description=CHAT_NOT_FOUND)
        server.inject("sendMessage", 403, description="Forbidden: user is deactivated")
        for _ in range(2):
            alice.send(QUESTION)
            await asyncio.to_thread(server.wait_idle, WAIT)
        assert len(server.calls("sendMessage")) == 3
    assert faults(server) == [("sendMessage", 400), ("sendMessage", 403)]
    lines = [r for r in caplog.records if r.name.startswith("bot")]
    assert [r.levelno for r in lines] == [logging.WARNING, logging.WARNING]
    assert "chat not found" in lines[0].getMessage().lower()
    assert "user is deactivated" in lines[1].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.asyncio
async def test_blocking_the_bot_deletes_the_check_in_progress(
    server: FakeBotAPI, content: Content, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    alice = Chat(server, USER, USER)
    async with serving(server, content, tmp_path / "data") as app:
        await ask(alice, "/doctor")
        assert app.user_data[USER]
        await wait_until_stored(server, tmp_path / "data", lambda users: USER in users)
        user = {"id": USER, "is_bot": False, "first_name": "Ann"}
        bot = {"id": server.bot_id, "is_bot": True, "first_name": "Bot", "username": "b"}
        server.send_update(
            {
                "my_chat_member": {
                    "chat": {"id": USER, "type": "private", "first_name": "Ann"},
                    "from": user,
                    "date": int(time.time()),
                    "old_chat_member": {"status": "member", "user": bot},
                    "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0},
                }
            }
        )
        await asyncio.to_thread(server.wait_idle, WAIT)
        assert not app.user_data.get(USER)
        # Off the disk while the bot runs, not only at the next periodic write.
        await wait_until_stored(server, tmp_path / "data", lambda users: USER not in users)
    assert "a user blocked the bot" in caplog.text


@pytest.mark.asyncio
async def test_polling_writes_a_heartbeat_the_health_check_reads(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    settings = Settings(server.token, server.base_url, Path(content.path), data, "INFO")
    assert check_health(settings) == (
        False,
        f"no heartbeat at {data / 'heartbeat'} (is the bot running, in polling mode?)",
    )
    async with serving(server, content, data):
        await asyncio.to_thread(
            server.wait_until, settings.heartbeat_file.exists, WAIT, "no heartbeat"
        )
        healthy, line = check_health(settings)
        assert healthy, line
        assert line.startswith("ok: polling")
    old = time.time() - 600
    import os

    os.utime(settings.heartbeat_file, (old, old))
    healthy, line = check_health(settings)
    assert not healthy
    assert line.startswith("stale: the last successful getUpdates was 600 s ago")


# A poll as an older Bot API server sends it: without the fields PTB 22.8 requires
# (options' persistent_id, Bot API 9.6), so PTB cannot read the update.
OLD_POLL = {
    "id": "1",
    "question": "magnesium?",
    "options": [{"text": "a", "voter_count": 0}, {"text": "b", "voter_count": 0}],
    "total_voter_count": 0,
    "is_closed": False,
    "is_anonymous": True,
    "type": "regular",
    "allows_multiple_answers": False,
}


@pytest.mark.asyncio
async def test_an_update_ptb_cannot_read_is_skipped_and_never_logged(
    server: FakeBotAPI, content: Content, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    person = {"id": USER, "is_bot": False, "first_name": "Quokka"}
    other, later = Chat(server, OTHER, OTHER), Chat(server, OTHER + 1, OTHER + 1)
    async with serving(server, content, tmp_path / "data"):
        with server._cond:  # one batch: another user's question, then the unreadable update
            other.send(f"{SECRET_WORDS[0]} {QUESTION}")
            bad = server.send_update(
                {
                    "message": {
                        "from": person,
                        "chat": {**person, "type": "private"},
                        "poll": OLD_POLL,
                    }
                }
            )
        await ask(later)  # a user writing after the batch is answered
        await asyncio.to_thread(server.wait_for_messages, OTHER, 1, WAIT)
        assert len(other.messages()) == 1
        assert server.bot_messages(USER) == []
        # The unreadable update was confirmed too (with the next fetch, which may
        # come a moment after the last answer was sent).
        await asyncio.to_thread(
            server.wait_until, lambda: not server.pending_updates, WAIT, "updates left unconfirmed"
        )
    # Read again as a batch once, then one by one: not fetched again and again.
    assert len(server.calls("getUpdates")) < 20
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for word in (*SECRET_WORDS, "Quokka", str(USER)):
        assert word not in logged
    assert f"skipped update {bad['update_id']}: it could not be read (TypeError)" in caplog.text


@pytest.mark.asyncio
async def test_fetches_that_cannot_be_read_leave_the_heartbeat_stale(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    settings = Settings(server.token, server.base_url, Path(content.path), data, "INFO")
    # getUpdates answered 200, but with a proxy's HTML page: fetched, never read.
    server.inject("getUpdates", 200, proxy_page=True, times=1000)
    async with serving(server, content, data):
        await asyncio.to_thread(
            server.wait_until, lambda: len(server.calls("getUpdates")) >= 2, WAIT, "no polls"
        )
        assert not settings.heartbeat_file.exists()
        assert not check_health(settings)[0]
        server.clear_faults()
        await asyncio.to_thread(
            server.wait_until, settings.heartbeat_file.exists, WAIT, "no heartbeat"
        )
        assert check_health(settings)[0]
    faults(server)
