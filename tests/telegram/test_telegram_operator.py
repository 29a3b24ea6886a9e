"""End to end, for the operator: feedback buttons, the anonymous store, /stats,
/reload and hot reload of faq.yaml, through the real Application."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import CallbackContext, CommandHandler

from bot.content import Content, load_content
from bot.telegram import app as app_module
from bot.telegram import handlers as handlers_module
from tests.fake_bot_api import FakeBotAPI
from tests.support import light_faq
from tests.support.bots import running
from tests.support.chat import WAIT, Chat
from tests.support.state import event_store

ADMIN = 9001
USER = 7101
GROUP = -100_888_777


@pytest.fixture
def faq_copy(tmp_path: Path) -> Path:
    # Reloading is what these tests watch, not matching.
    return light_faq(tmp_path / "faq")


@pytest.mark.asyncio
async def test_feedback_buttons_count_per_entry_and_vanish_after_a_vote(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    state_file = tmp_path / "data" / "state.pickle"
    chat = Chat(server, USER, USER)
    b = content.buttons
    async with running(server, content, state_file):
        answer = await chat.say("which foods have magnesium?")
        assert answer.button_texts[:2] == [b["helpful"], b["not_helpful"]]
        up_query = server.press_button(
            answer.message_id, USER, answer.button(b["helpful"])["callback_data"], USER
        )
        answered = await asyncio.to_thread(server.wait_for_callback_answer, up_query, WAIT)
        assert answered.get("text") == content.ui["feedback_thanks"]
        await chat.wait(
            lambda: b["helpful"] not in chat.messages()[-1].button_texts, "buttons stay"
        )
        assert chat.messages()[-1].message_id == answer.message_id  # no new message for 👍
        assert content.by_id["foods"].related[0] in {
            d["callback_data"][2:] for d in chat.messages()[-1].buttons
        }

        second = await chat.say("how much magnesium a day")
        await chat.press_data(second.message_id, second.button(b["not_helpful"])["callback_data"])
        await chat.wait(
            lambda: content.ui["feedback_down"] in chat.messages()[-1].text, "no 👎 follow-up"
        )
        follow_up = chat.messages()[-1]
        # Every topic but the one rated 👎, and the doctor check.
        assert len(follow_up.button_texts) == len(content.entries)
        await chat.wait(
            lambda: b["not_helpful"] not in server.bot_messages(USER)[-2].button_texts,
            "the voted answer keeps its buttons",
        )
    votes = {(r.entry, r.vote) for r in event_store(state_file).feedback_rows()}
    assert votes == {("foods", "up"), ("daily-amount", "down")}


@pytest.mark.asyncio
async def test_the_store_holds_no_user_and_text_only_for_unanswered(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    state_file = tmp_path / "data" / "state.pickle"
    chat = Chat(server, USER, USER)
    async with running(server, content, state_file):
        await chat.say("which foods have magnesium?")
        await chat.say("what is the weather today")
        await chat.say("my face is drooping")
        privacy = await chat.say("/privacy")
        assert "30 days" in privacy.text
    rows = event_store(state_file).questions()
    assert [r.outcome for r in rows] == ["answer", "fallback", "emergency"]
    assert [r.text for r in rows] == [None, "what is the weather today", None]
    with sqlite3.connect(state_file.parent / "events.sqlite3") as db:
        dump = "\n".join(db.iterdump())
    assert str(USER) not in dump
    assert "Ann" not in dump  # the fake user's first name


@pytest.mark.asyncio
async def test_stats_and_reload_are_for_admins_only(
    server: FakeBotAPI, faq_copy: Path, tmp_path: Path
) -> None:
    content = load_content(faq_copy)
    state_file = tmp_path / "data" / "state.pickle"
    admin, user = Chat(server, ADMIN, ADMIN), Chat(server, USER, USER)
    async with running(server, content, state_file, admin_user_ids=frozenset({ADMIN})):
        await user.say("magnesium for sleep?")
        stranger = await user.say("/stats")
        assert "Questions by outcome" not in stranger.text
        stats = await admin.say("/stats")
        assert "Questions by outcome" in stats.text
        assert "magnesium for sleep?" in stats.text

        text = faq_copy.read_text(encoding="utf-8")
        faq_copy.write_text(text.replace("  - id: foods\n", "  - id: cause\n"), encoding="utf-8")
        refused = await admin.say("/reload")
        assert "NOT reloaded" in refused.text
        assert "duplicate id" in refused.text
        still = await user.say("which foods have magnesium?")
        assert content.by_id["foods"].answer in still.text

        faq_copy.write_text(
            text.replace("Excellent food sources of magnesium include", "Good sources include"),
            encoding="utf-8",
        )
        done = await admin.say("/reload")
        assert "reloaded: 14 entries" in done.text
        fresh = await user.say("which foods have magnesium?")
        assert "Good sources include" in fresh.text


@pytest.mark.asyncio
async def test_a_reload_whose_bot_cannot_be_built_keeps_the_previous_one(
    server: FakeBotAPI, faq_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = load_content(faq_copy)
    state_file = tmp_path / "data" / "state.pickle"
    admin, user = Chat(server, ADMIN, ADMIN), Chat(server, USER, USER)
    async with running(server, content, state_file, admin_user_ids=frozenset({ADMIN})):
        text = faq_copy.read_text(encoding="utf-8")
        faq_copy.write_text(
            text.replace("Excellent food sources of magnesium include", "Good sources include"),
            encoding="utf-8",
        )

        def broken(_: Content) -> None:
            raise RuntimeError("a bug in building the bot")

        monkeypatch.setattr(handlers_module, "Brain", broken)
        refused = await admin.say("/reload")
        assert "NOT reloaded" in refused.text
        still = await user.say("which foods have magnesium?")
        assert content.by_id["foods"].answer in still.text


@pytest.mark.asyncio
async def test_stats_and_reload_say_nothing_in_groups(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    # The report quotes what people asked that went unanswered, word for word.
    state_file = tmp_path / "data" / "state.pickle"
    user = Chat(server, USER, USER)
    group = Chat(server, GROUP, ADMIN, "supergroup")
    bot = server.bot_username
    async with running(server, content, state_file, admin_user_ids=frozenset({ADMIN})) as app:
        await user.say("magnesium for my herpes, I am Jane Doe")
        for command in ("/stats", f"/stats@{bot}", "/stats 30", "/reload", f"/reload@{bot}"):
            await group.silence(functools.partial(group.send, command))

        # The handlers refuse a group themselves too, however they are reached.
        raw = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": GROUP, "type": "supergroup", "title": "Group"},
                "from": {"id": ADMIN, "is_bot": False, "first_name": "Admin"},
                "text": "/stats",
            },
        }
        update = Update.de_json(raw, app.bot)
        operator = [
            h
            for h in app.handlers[0]
            if isinstance(h, CommandHandler) and h.commands & {"stats", "reload"}
        ]
        assert len(operator) == 2
        for handler in operator:
            await handler.callback(update, CallbackContext.from_update(update, app))
        await asyncio.to_thread(server.wait_idle, WAIT)
    assert group.messages() == []


@pytest.mark.asyncio
async def test_a_failing_event_store_never_stops_a_reply(
    server: FakeBotAPI, content: Content, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state_file = tmp_path / "data" / "state.pickle"
    chat = Chat(server, USER, USER)
    caplog.set_level(logging.WARNING)
    async with running(server, content, state_file):
        # An unanswered question is stored with its words; one with a lone surrogate
        # (valid JSON from Telegram) cannot be stored as UTF-8.
        fallback = await chat.say("Xylophagous \ud800")
        assert fallback.text.startswith(content.ui["fallback"].splitlines()[0])
        answer = await chat.say("which foods have magnesium \ud800")  # stored without words
        assert content.by_id["foods"].answer in answer.text
    # One line, without the text (the error's own message would quote it).
    assert [r.getMessage() for r in caplog.records] == [
        "could not record an event (UnicodeEncodeError)"
    ]
    assert [r.entry for r in event_store(state_file).questions()] == ["foods"]


@pytest.mark.asyncio
async def test_a_changed_file_is_picked_up_and_a_broken_one_reported(
    server: FakeBotAPI, faq_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "RELOAD_POLL_SECONDS", 0.3)
    content = load_content(faq_copy)
    state_file = tmp_path / "data" / "state.pickle"
    admin, user = Chat(server, ADMIN, ADMIN), Chat(server, USER, USER)
    async with running(server, content, state_file, admin_user_ids=frozenset({ADMIN})):
        await admin.say("/start")  # the admin's chat exists
        before = len(admin.messages())
        text = faq_copy.read_text(encoding="utf-8")
        faq_copy.write_text(text.replace("version: 1\n", "version: 2\n"), encoding="utf-8")
        st = faq_copy.stat()
        os.utime(faq_copy, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        await admin.wait(lambda: len(admin.messages()) > before, "no reload notice")
        notice = admin.messages()[-1].text
        assert "NOT reloaded" in notice
        assert "field 'version': must be 1" in notice
        answer = await user.say("which foods have magnesium?")
        assert content.by_id["foods"].answer in answer.text

        before = len(admin.messages())
        faq_copy.write_text(
            text.replace("Excellent food sources of magnesium include", "Good sources include"),
            encoding="utf-8",
        )
        await admin.wait(lambda: len(admin.messages()) > before, "no reload notice")
        assert "reloaded: 14 entries" in admin.messages()[-1].text
        fresh = await user.say("which foods have magnesium?")
        assert "Good sources include" in fresh.text


@pytest.mark.asyncio
async def test_statistics_can_be_switched_off(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    state_file = tmp_path / "data" / "state.pickle"
    chat = Chat(server, USER, USER)
    async with running(server, content, state_file, events_enabled=False):
        await chat.say("what is the best football team")
        privacy = await chat.say("/privacy")
        assert content.ui["privacy_stats_off"].strip("• ") in privacy.text
    assert not (state_file.parent / "events.sqlite3").exists()


@pytest.mark.asyncio
async def test_a_bug_gets_an_apology_and_the_bot_keeps_serving(
    server: FakeBotAPI, content: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state_file = tmp_path / "data" / "state.pickle"
    chat = Chat(server, USER, USER)
    async with running(server, content, state_file) as app:
        handlers: Any = next(
            getattr(h.callback, "__self__", None)
            for group in app.handlers.values()
            for h in group
            if getattr(h.callback, "__name__", "") == "private_text"
        )
        real = handlers.brain.on_text

        def broken(state: object, text: str) -> object:
            if "boom" in text:
                raise RuntimeError("a bug")
            return real(state, text)

        # The Brain is shared with other tests (tests.support.brain_once): patched
        # for this test only.
        monkeypatch.setattr(handlers.brain, "on_text", broken)
        sorry = await chat.say("boom")
        assert content.ui["error"] in sorry.text
        answer = await chat.say("which foods have magnesium?")
        assert content.by_id["foods"].answer in answer.text


@pytest.mark.asyncio
async def test_stale_buttons_in_groups_only_get_a_toast(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    state_file = tmp_path / "data" / "state.pickle"
    group = Chat(server, -100777, USER, chat_type="group")
    async with running(server, content, state_file):
        answer = await group.say("/ask which foods have magnesium")
        before = len(group.messages())
        query = server.press_button(answer.message_id, -100777, "c:000000:0:0", USER + 1)
        answered = await asyncio.to_thread(server.wait_for_callback_answer, query, WAIT)
        assert answered.get("text") == content.ui["expired_short"]
        await asyncio.to_thread(server.wait_idle, WAIT)
        assert len(group.messages()) == before
