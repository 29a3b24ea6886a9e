"""Privacy, checked where it matters: the files in DATA_DIR, the logs and groups.

After a completed doctor check, and after /forget in the middle of one, the
persistence file holds no health answers and no entry for the user, and the
event store holds neither the check's answers nor any id. At INFO (and the
bot's own loggers even at DEBUG) no log line carries anything a user wrote.
A check runs only in the private chat: a group never sees it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from bot.brain import CHECK_KEY
from bot.content import Content
from bot.telegram.health import PollingMonitor
from tests.fake_bot_api import BotMessage, FakeBotAPI
from tests.support.bots import serving
from tests.support.chat import Chat

USER = 987_654_321
GROUP = -100_555_444
WAIT = 5.0
# Words no reply, button or log line of the bot contains, sent in every way a user can.
SECRETS = ("Quetzalcoatl", "Xylophagous", "Brobdingnag", "Zyzzyva", "Kwyjibo")


def _pickle(data_dir: Path) -> tuple[bytes, dict[str, Any]]:
    raw = (data_dir / "state.pickle").read_bytes()
    stored = pickle.loads(raw)
    assert isinstance(stored, dict)
    return raw, stored


def _events_dump(data_dir: Path) -> str:
    with sqlite3.connect(data_dir / "events.sqlite3") as db:
        return "\n".join(db.iterdump())


async def _run_check(chat: Chat, content: Content, last: int | None = None) -> BotMessage:
    """/doctor, answering "No" until an outcome (or `last` answers)."""
    flow = content.doctor_check
    message = await chat.say("/doctor")
    answered = 0
    while message.button_texts[-1] == content.buttons["cancel"] and answered != last:
        step = next(s for s in flow.steps.values() if s.question.splitlines()[0] in message.text)
        message = await chat.press(message, step.options[-1].label)
        answered += 1
    return message


@pytest.mark.asyncio
async def test_no_health_answers_are_kept_after_the_check_or_forget(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    chat = Chat(server, USER, USER)
    step_ids = list(content.doctor_check.steps)
    async with serving(server, content, data) as app:
        outcome = await _run_check(chat, content)
        assert outcome.button_texts[0] == content.buttons["restart"]
        assert not app.user_data.get(USER)
    # Each step was on disk while the check ran; its end left nothing behind.
    raw, stored = _pickle(data)
    assert stored["user_data"] == {}
    assert not any(step.encode() in raw for step in step_ids)

    # Checked while the bot runs: the file changes with the check, not at shutdown.
    async with serving(server, content, data):
        await _run_check(chat, content, last=1)
        assert list(_pickle(data)[1]["user_data"]) == [USER]  # on disk at once
        restarted = await chat.say("/doctor")
        await asyncio.to_thread(server.wait_idle, WAIT)  # the left check's message closes
        outcome = await chat.press(
            restarted,
            content.doctor_check.steps["emergency-signs"].options[0].label,  # "Yes": an outcome
        )
        assert outcome.button_texts[0] == content.buttons["restart"]
        raw, stored = _pickle(data)
        assert stored["user_data"] == {}  # the completed check left nothing behind
        assert not any(step.encode() in raw for step in step_ids)

    async with serving(server, content, data):
        await _run_check(chat, content, last=2)
        _, midway = _pickle(data)
        assert list(midway["user_data"]) == [USER]  # kept while the check runs ...
        await chat.say("/forget")
        raw, stored = _pickle(data)
        assert stored["user_data"] == {}  # ... and off the disk once the bot says so
        assert not any(step.encode() in raw for step in step_ids)
        assert b"nonce" not in raw
        assert b"path" not in raw

    dump = _events_dump(data)
    assert str(USER) not in dump
    assert not any(step in dump for step in step_ids)


@pytest.mark.asyncio
async def test_logs_carry_no_user_text(
    server: FakeBotAPI, content: Content, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    a, b, c, d, e = SECRETS
    chat = Chat(server, USER, USER)
    group = Chat(server, GROUP, USER, "supergroup")
    async with serving(server, content, tmp_path / "data"):
        await chat.say(f"{a} which foods have magnesium")  # an answer
        await chat.say(f"{b} {c}")  # a fallback (its text goes to the anonymous store)
        await chat.say(f"/start {d}")
        await chat.say(f"/ask {e} lip twitching")
        await group.say(f"/ask {a} magnesium dose")
        check = await chat.say("/doctor")
        await chat.say(f"{b} while in the check")
        await chat.press(check, content.doctor_check.steps["emergency-signs"].options[-1].label)
        query = server.inline_query(f"{c} magnesium", user_id=USER)
        await asyncio.to_thread(
            server.wait_until, lambda: query in server.inline_answers, WAIT, "no inline answer"
        )
        # A message the bot cannot deliver is logged too: still without its text.
        server.inject("sendMessage", 403, description="Forbidden: bot was blocked by the user")
        chat.send(f"{d} {e}")
        await asyncio.to_thread(server.wait_idle, WAIT)
    server.clear_records()
    assert caplog.records, "nothing was logged at all"
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for word in SECRETS:
        assert word not in logged
        assert word.lower() not in logged.lower()


@pytest.mark.asyncio
async def test_a_private_check_never_shows_in_a_group(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    chat = Chat(server, USER, USER)
    group = Chat(server, GROUP, USER, "supergroup")
    flow = content.doctor_check
    link = f"https://t.me/{server.bot_username}?start=check"
    async with serving(server, content, tmp_path / "data") as app:
        check = await chat.say("/doctor")
        running = app.user_data[USER][CHECK_KEY]

        # Her question in the group is answered there, not with her check's step ...
        answer = await group.say("/ask which foods have magnesium")
        assert content.by_id["foods"].answer in answer.text
        assert flow.steps[flow.start].question.splitlines()[0] not in answer.text
        emergency = await group.say("/ask my face is drooping on one side")
        assert content.emergency.message.splitlines()[0] in emergency.text
        await group.say("/start")
        await group.say("/topics")
        # ... and whatever would start a check there is a button to the private chat.
        menu = await group.say("/menu")
        for started in (
            await group.say("/doctor"),
            await group.say("/start check"),
            await group.press(menu, content.buttons["doctor_check"]),
        ):
            assert started.text == content.ui["check_private"]
            assert started.buttons == [{"text": content.buttons["doctor_check"], "url": link}]
        assert not any(m.reply_markup and "c:" in str(m.reply_markup) for m in group.messages())

        # Her private check was not touched: same step, buttons still live.
        await asyncio.to_thread(server.wait_idle, WAIT)
        assert app.user_data[USER][CHECK_KEY] == running
        assert [m for m in chat.messages() if m.message_id == check.message_id] == [check]
        step = await chat.press(check, flow.steps[flow.start].options[-1].label)
        assert step.message_id == check.message_id
        assert step.button_texts[-2:] == [content.buttons["back"], content.buttons["cancel"]]


@pytest.mark.asyncio
async def test_files_in_an_open_data_dir_are_owner_only(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)  # made by the operator, readable by all
    chat = Chat(server, USER, USER)
    umask = os.umask(0o022)
    try:
        async with serving(server, content, data):
            await chat.say(f"{SECRETS[0]} {SECRETS[1]}")  # a fallback: its text is stored
            files = {"events.sqlite3", "events.sqlite3-wal", "events.sqlite3-shm"}
            assert files <= {p.name for p in data.iterdir()}
            PollingMonitor(data / "heartbeat").ok()
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in data.iterdir()}
    finally:
        os.umask(umask)
    assert {*files, "heartbeat"} <= set(modes)
    assert {name: oct(mode) for name, mode in modes.items()} == dict.fromkeys(modes, oct(0o600))
