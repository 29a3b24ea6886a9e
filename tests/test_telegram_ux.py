"""End to end, what people and the operator notice: one vote per answer, answers
opened from buttons counted, captions and edits answered like messages, the
bot's profile, the doctor check's message closing when left."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.content import Content
from tests.fake_bot_api import FakeBotAPI
from tests.test_telegram_e2e import WAIT, Chat, running
from tests.test_telegram_operator import _events

USER = 7201


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "state.pickle"


async def _double_tap(server: FakeBotAPI, chat: Chat, message_id: int, data: str) -> list[str]:
    """Two taps on one button, the second sent before the bot handled the first;
    the texts of the two button answers."""
    queries = [server.press_button(message_id, chat.chat_id, data, chat.user_id) for _ in (1, 2)]
    answers = [await asyncio.to_thread(server.wait_for_callback_answer, q, WAIT) for q in queries]
    return [a.get("text", "") for a in answers]


@pytest.mark.asyncio
async def test_a_double_tap_on_a_vote_counts_once_and_is_answered_politely(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    b, ui = content.buttons, content.ui
    async with running(server, content, state_file):
        up = await chat.say("which foods have magnesium?")
        texts = await _double_tap(
            server, chat, up.message_id, up.button(b["helpful"])["callback_data"]
        )
        assert texts == [ui["feedback_thanks"], ui["feedback_already"]]

        down = await chat.say("how much magnesium a day")
        texts = await _double_tap(
            server, chat, down.message_id, down.button(b["not_helpful"])["callback_data"]
        )
        assert texts == [ui["feedback_thanks"], ui["feedback_already"]]
        await asyncio.to_thread(server.wait_idle, WAIT)
        follow_ups = [m for m in chat.messages() if ui["feedback_down"] in m.text]
        assert len(follow_ups) == 1
    # (the server fixture checks that no request was refused: no "message is not modified")
    votes = sorted((r.entry, r.vote) for r in _events(state_file).feedback_rows())
    assert votes == [("daily-amount", "down"), ("foods", "up")]


@pytest.mark.asyncio
async def test_answers_opened_from_buttons_and_deep_links_count_as_answers(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    b = content.buttons
    foods = content.by_id["foods"]
    async with running(server, content, state_file):
        answer = await chat.say("which foods have magnesium?")  # typed: 1
        related = content.by_id[foods.related[0]]
        await chat.press(answer, related.short)  # a follow-up: 2
        topics = await chat.say("/topics")
        await chat.press(topics, content.by_id["daily-amount"].short)  # a topic: 3
        clarify = await chat.say("twitch")
        assert clarify.button_texts[-1] == b["none_of_these"]
        await chat.press(clarify, clarify.button_texts[0])  # "Did you mean": 4
        await chat.say("/start supplements")  # a deep link: 5
    rows = _events(state_file).questions()
    answered = [r.entry for r in rows if r.outcome == "answer"]
    assert len(answered) == 5
    assert answered[1:3] == [related.id, "daily-amount"]
    assert answered[-1] == "supplements"
    assert [r.outcome for r in rows].count("clarify") == 1
