"""End to end: the real Application from build_application() against the fake Bot API.

Every test runs the bot as in production (polling, persistence, rate limiter,
error handler) against tests/fake_bot_api, acts as Telegram users, and checks
what the users receive. The fake validates every request the way Telegram
does; a bot that causes a single 4xx fails the test.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.brain import CHECK_KEY, Brain
from bot.content import Content
from bot.telegram.commands import GROUP_COMMANDS, PRIVATE_COMMANDS
from bot.telegram.handlers import CHECK_MESSAGE_KEY
from bot.telegram.resilience import NETWORK_ATTEMPTS
from tests.fake_bot_api import BotMessage, FakeBotAPI
from tests.support.bots import running
from tests.support.chat import WAIT, Chat
from tests.support.state import stored_user_data

USER = 7001
OTHER = 7002
GROUP = -1001234567

# --- fixtures and helpers ---------------------------------------------------


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "state.pickle"


def italic(message: BotMessage) -> list[str]:
    return [_span(message, e) for e in message.entities if e["type"] == "italic"]


def bold(message: BotMessage) -> list[str]:
    return [_span(message, e) for e in message.entities if e["type"] == "bold"]


def _span(message: BotMessage, entity: dict[str, Any]) -> str:
    units = message.text.encode("utf-16-le")
    start, end = 2 * entity["offset"], 2 * (entity["offset"] + entity["length"])
    return units[start:end].decode("utf-16-le")


def menu_labels(content: Content) -> list[str]:
    b = content.buttons
    return [b["topics"], b["doctor_check"], b["how_to_ask"]]


def first_line(text: str) -> str:
    return text.strip().splitlines()[0]


def phrase_of_kind(brain: Brain, kind: str, phrases: list[str]) -> str:
    """A message the brain answers with `kind` (the matcher is being tuned)."""
    for phrase in phrases:
        if brain.on_text({}, phrase).kind == kind:
            return phrase
    raise AssertionError(f"none of {phrases} gives a {kind} reply any more")


# --- /start, deep links, commands -------------------------------------------


@pytest.mark.asyncio
async def test_start_deep_links_and_command_menu(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    async with running(server, content, state_file):
        welcome = await chat.say("/start")
        assert first_line(content.ui["welcome"]) in welcome.text
        assert welcome.button_texts == menu_labels(content)
        assert welcome.parse_mode == "HTML"

        foods = content.by_id["foods"]
        answer = await chat.say("/start foods")
        assert bold(answer) == [foods.question]
        assert foods.answer in answer.text
        assert italic(answer) == [content.disclaimer]

        check = await chat.say("/start check")
        assert content.check_ui["intro"] in check.text
        start = content.doctor_check.steps[content.doctor_check.start]
        assert first_line(start.question) in check.text
        labels = [o.label for o in start.options]
        assert check.button_texts == [*labels, content.buttons["cancel"]]

        unknown = await chat.say("/start no-such-thing")
        assert first_line(content.ui["welcome"]) in unknown.text
        # /start left the check: its message says so and has no buttons left.
        await chat.wait(
            lambda: (
                [m.text for m in chat.messages() if m.message_id == check.message_id]
                == [content.ui["check_closed"]]
            ),
            "the old check message stays open",
        )

        assert [c["command"] for c in server.commands] == list(PRIVATE_COMMANDS)
        group = server.commands_for({"type": "all_group_chats"})
        assert [c["command"] for c in group] == list(GROUP_COMMANDS)

        for command, text in [
            ("/help", first_line(content.ui["how_to_ask"])),
            ("/about", content.source.more_info),
            ("/topics", content.ui["topics_intro"]),
            ("/privacy", first_line(content.ui["privacy"])),
            ("/nonsense", content.ui["unknown_command"]),
            ("/cancel", content.ui["nothing_to_cancel"]),
        ]:
            assert text in (await chat.say(command)).text


# --- questions ------------------------------------------------------------


@pytest.mark.asyncio
async def test_question_answer_clarify_fallback_and_emergency(
    server: FakeBotAPI, content: Content, brain: Brain, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    async with running(server, content, state_file):
        answer = await chat.say("which foods have magnesium?")
        foods = content.by_id["foods"]
        assert foods.answer in answer.text
        assert italic(answer) == [content.disclaimer]
        b = content.buttons
        assert b["topics"] in answer.button_texts
        assert b["doctor_check"] in answer.button_texts
        related = content.by_id[foods.related[0]]
        assert related.short in answer.button_texts

        followup = await chat.press(answer, related.short)
        assert followup.message_id != answer.message_id  # answers are new messages
        assert related.answer in followup.text

        vague = phrase_of_kind(brain, "clarify", ["twitching", "twitch", "lip", "muscle"])
        clarify = await chat.say(vague)
        assert content.ui["clarify_intro"] in clarify.text
        candidates = brain.on_text({}, vague).candidates
        questions = [content.by_id[i].short for i in candidates]
        assert clarify.button_texts == [*questions, b["none_of_these"]]
        picked = await chat.press(clarify, questions[0])
        assert content.by_id[candidates[0]].answer in picked.text
        none = await chat.press(clarify, b["none_of_these"])
        assert first_line(content.ui["none_of_these"]) in none.text

        odd = phrase_of_kind(brain, "fallback", ["what is the weather in paris", "asdkjh qwe"])
        fallback = await chat.say(odd)
        assert first_line(content.ui["fallback"]) in fallback.text
        assert fallback.button_texts[:2] == [e.short for e in content.entries[:2]]

        emergency = await chat.say("my face is drooping and my speech is slurred")
        assert first_line(content.emergency.message) in emergency.text
        assert content.ui["emergency_continue"] in emergency.text
        assert italic(emergency) == [content.disclaimer]
        # A calm reader of the alarm is one tap from the answer to what they asked.
        alarm = await chat.say(
            "my chest hurts and my heart is racing. which foods are high in magnesium?"
        )
        assert alarm.text.startswith(first_line(content.emergency.message))
        assert alarm.button_texts == [b["not_an_emergency"], b["topics"]]
        after = await chat.press(alarm, b["not_an_emergency"])
        assert foods.answer in after.text

        hello = await chat.say("thanks")
        assert hello.text == next(s.reply for s in content.small_talk if s.id == "thanks")


@pytest.mark.asyncio
async def test_long_empty_and_escaped_messages(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    async with running(server, content, state_file):
        long = await chat.say("which foods are rich in magnesium " + "x" * 5000)
        assert content.ui["too_long_note"] in long.text
        assert len(long.text) <= 4096

        empty = await chat.say("?!?! ...")
        assert empty.text == content.ui["empty"]

        # What users type is never echoed, and never breaks the reply's HTML.
        tricky = await chat.say("<b>magnesium</b> & foods <script>")
        assert "<script>" not in tricky.html


@pytest.mark.asyncio
async def test_content_with_html_characters_reaches_users_verbatim(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    question = "Foods <rich> in magnesium & more?"
    answer = 'Spinach & nuts: <30 mg> per 100 g, "more" than you\'d think, for >1 day &amp; so on'
    disclaimer = "Information only & <not> medical advice."
    entries = tuple(
        replace(e, question=question, answer=answer) if e.id == "foods" else e
        for e in content.entries
    )
    odd = replace(content, entries=entries, disclaimer=disclaimer)
    chat = Chat(server, USER, USER)
    async with running(server, odd, state_file):
        shown = await chat.say("/start foods")
        assert shown.text == f"{question}\n{answer}\n\n{disclaimer}"
        assert bold(shown) == [question]
        assert italic(shown) == [disclaimer]
        result = (await inline(server, "foods"))["results"][0]
        assert result["id"] == "foods"
        assert result["title"] == question


# --- the doctor check -----------------------------------------------------


@pytest.mark.asyncio
async def test_every_path_of_the_doctor_check(
    server: FakeBotAPI, content: Content, brain: Brain, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    flow = content.doctor_check
    async with running(server, content, state_file) as app:
        for choices, outcome_id in brain.check.paths():
            message = await chat.say("/doctor")
            for step_id, option in choices:
                step = flow.steps[step_id]
                assert first_line(step.question) in message.text
                edited = await chat.press(message, step.options[option].label)
                assert edited.message_id == message.message_id  # one message moves along
                message = edited
            outcome = flow.outcomes[outcome_id]
            assert bold(message)[-1] == outcome.title
            assert first_line(outcome.text) in message.text
            assert italic(message) == [content.disclaimer]
            b = content.buttons
            assert message.button_texts == [b["restart"], b["topics"], b["menu"]]
            assert CHECK_KEY not in app.user_data[USER]  # answers are not kept
    # Every message and every edit is HTML without a link preview card (the
    # Application's Defaults, set once in build_application).
    sent = server.calls("sendMessage") + server.calls("editMessageText")
    assert len(server.calls("editMessageText")) > 0
    for params in sent:
        assert params.get("parse_mode") == "HTML"
        assert params.get("link_preview_options") == {"is_disabled": True}


@pytest.mark.asyncio
async def test_back_cancel_stale_and_double_taps(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    flow = content.doctor_check
    first = flow.steps[flow.start]
    no = first.options[-1]
    assert no.next is not None
    second = flow.steps[no.next]
    b = content.buttons
    async with running(server, content, state_file):
        check = await chat.say("/doctor")
        stale_data = check.button(no.label)["callback_data"]
        step2 = await chat.press(check, no.label)
        assert first_line(second.question) in step2.text
        assert step2.button_texts[-2:] == [b["back"], b["cancel"]]

        back = await chat.press(step2, b["back"])
        assert first_line(first.question) in back.text
        assert back.message_id == check.message_id

        # A double tap: the second press of the same button is stale by then; the
        # message says so and still shows the question the check is at.
        step2 = await chat.press(back, no.label)
        again, _ = await chat.press_data(check.message_id, stale_data)
        assert content.check_ui["stale"] in again.text
        assert first_line(second.question) in again.text
        assert again.message_id == check.message_id

        # Free text during the check: a nudge with the current step's buttons, and
        # the old copy loses its buttons (one live copy of the question).
        nudge = await chat.say("just the twitch really")
        assert content.check_ui["nudge"] in nudge.text
        assert first_line(second.question) in nudge.text
        await chat.wait(
            lambda: (
                [m.button_texts for m in chat.messages() if m.message_id == check.message_id]
                == [[]]
            ),
            "the old copy of the question keeps its buttons",
        )

        # A question during the check: its answer with the disclaimer, then the
        # question the check is at, in the one live copy.
        answered = await chat.say("which foods have magnesium?")
        assert content.by_id["foods"].answer in answered.text
        assert content.disclaimer in answered.text
        assert first_line(second.question) in answered.text
        assert answered.button_texts == nudge.button_texts
        await chat.wait(
            lambda: (
                [m.button_texts for m in chat.messages() if m.message_id == nudge.message_id]
                == [[]]
            ),
            "the nudge keeps its buttons after the answer",
        )

        cancelled = await chat.press(answered, b["cancel"])
        assert cancelled.message_id == answered.message_id
        assert content.check_ui["cancelled"] in cancelled.text
        assert cancelled.button_texts == menu_labels(content)

        # Buttons of the cancelled run (here: under the nudge) have expired.
        stale, answer = await chat.press_data(
            nudge.message_id, nudge.button(second.options[0].label)["callback_data"]
        )
        assert answer["text"] == content.ui["expired_short"]
        assert content.ui["expired"] in stale.text
        assert stale.button_texts == menu_labels(content)

        restart = await chat.press(stale, b["doctor_check"])
        assert first_line(first.question) in restart.text
        assert content.check_ui["cancelled"] in (await chat.say("/cancel")).text
        await asyncio.to_thread(server.wait_idle, WAIT)  # the left check's message closes
        assert content.ui["nothing_to_cancel"] in (await chat.say("/cancel")).text


@pytest.mark.asyncio
async def test_the_check_survives_a_restart_and_leaves_nothing_behind(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    flow = content.doctor_check
    labels = [flow.steps[flow.start].options[-1].label]  # "No" leads on
    async with running(server, content, state_file):
        check = await chat.say("/doctor")
        step2 = await chat.press(check, labels[0])
    # Stopped: the file holds this user's check in progress and nothing else.
    stored = stored_user_data(state_file)
    assert list(stored) == [USER]
    assert set(stored[USER]) == {CHECK_KEY, CHECK_MESSAGE_KEY}  # the check and its message
    assert len(stored[USER][CHECK_KEY]["path"]) == 2

    async with running(server, content, state_file):
        message = step2
        while message.button_texts[-1] == content.buttons["cancel"]:
            step = next(s for s in flow.steps.values() if first_line(s.question) in message.text)
            message = await chat.press(message, step.options[-1].label)
            assert message.message_id == check.message_id
        assert bold(message)[-1] in {o.title for o in flow.outcomes.values()}
    assert stored_user_data(state_file) == {}


@pytest.mark.asyncio
async def test_leaving_a_check_is_on_disk_before_the_reply(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    # A crash right after the menu shows must not bring the left check back.
    chat = Chat(server, USER, USER)
    async with running(server, content, state_file):
        for leave in ("/menu", "/topics"):
            await chat.say("/doctor")
            assert CHECK_KEY in stored_user_data(state_file)[USER]
            await chat.say(leave)
            assert CHECK_KEY not in stored_user_data(state_file).get(USER, {}), leave


@pytest.mark.asyncio
async def test_privacy_and_forget(server: FakeBotAPI, content: Content, state_file: Path) -> None:
    chat = Chat(server, USER, USER)
    flow = content.doctor_check
    async with running(server, content, state_file) as app:
        check = await chat.say("/doctor")
        await chat.press(check, flow.steps[flow.start].options[-1].label)
        assert app.user_data[USER]
        privacy = await chat.say("/privacy")
        assert privacy.text.startswith(first_line(content.ui["privacy"]))
        forgotten = await chat.say("/forget")
        assert forgotten.text == content.ui["forgotten"]
        assert not app.user_data.get(USER)
        expired, _ = await chat.press_data(
            check.message_id, check.button(flow.steps[flow.start].options[0].label)["callback_data"]
        )
        assert content.ui["expired"] in expired.text
    assert stored_user_data(state_file) == {}


# --- groups ---------------------------------------------------------------


@pytest.mark.asyncio
async def test_groups_answer_ask_replies_and_mentions_only(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    group = Chat(server, GROUP, USER, "supergroup")
    other = Chat(server, GROUP, OTHER, "supergroup")
    foods = content.by_id["foods"]
    async with running(server, content, state_file):
        asked = group.send("/ask@magnesium_faq_bot which foods have magnesium")
        answer = await group.change([])
        assert foods.answer in answer.text
        assert answer.reply_to_message_id == asked["message"]["message_id"]

        hint = await group.say("/ask")
        assert hint.text == content.ui["group_hint"].strip()
        helped = await group.say("/help")
        assert content.ui["group_hint"].strip() in helped.text

        # Privacy mode: the bot does not even see chatter; with it off, it keeps quiet.
        await other.silence(lambda: other.send("lunch at noon?"))
        server.group_privacy = False
        await other.silence(lambda: other.send("magnesium foods anyone?"))
        await other.silence(lambda: other.send("/start@some_other_bot"))

        mention = "@magnesium_faq_bot"
        mentioned = await other.say(
            f"{mention} how much magnesium a day?",
            entities=[{"type": "mention", "offset": 0, "length": len(mention)}],
        )
        assert content.by_id["daily-amount"].answer in mentioned.text

        server.group_privacy = True
        follow = await other.say("and which foods?", reply_to_message_id=answer.message_id)
        assert foods.answer in follow.text

        topics = await group.say("/topics")
        shown = await group.press(topics, foods.short)
        assert foods.answer in shown.text


# --- inline mode ----------------------------------------------------------


async def inline(server: FakeBotAPI, query: str) -> dict[str, Any]:
    query_id = server.inline_query(query, user_id=USER)
    await asyncio.to_thread(
        server.wait_until, lambda: query_id in server.inline_answers, WAIT, "no inline answer"
    )
    answer = server.inline_answers[query_id]
    results = answer["results"]
    assert 0 < len(results) <= 50
    assert len({r["id"] for r in results}) == len(results)
    for result in results:
        assert result["type"] == "article"
        assert 0 < len(result["id"].encode("utf-8")) <= 64
        assert result["input_message_content"]["parse_mode"] == "HTML"
    return answer


@pytest.mark.asyncio
async def test_inline_mode(server: FakeBotAPI, content: Content, state_file: Path) -> None:
    async with running(server, content, state_file):
        answer = await inline(server, "magnesium foods")
        best = answer["results"][0]
        assert best["id"] == "foods"
        assert best["title"] == content.by_id["foods"].question
        html = best["input_message_content"]["message_text"]
        assert content.disclaimer in html
        assert f"<i>{content.disclaimer}</i>" in html
        assert answer["button"]["start_parameter"] == "inline"

        everything = await inline(server, "")
        assert [r["id"] for r in everything["results"]] == [e.id for e in content.entries]

        emergency = await inline(server, "my face is drooping")
        [result] = emergency["results"]
        assert result["id"] == "emergency"
        posted = result["input_message_content"]["message_text"].replace("&amp;", "&")
        assert first_line(content.emergency.message) in posted
        assert content.disclaimer in posted
        # An inline message carries no buttons: nothing points at "the topics".
        assert content.ui["emergency_continue"] not in posted
        assert content.ui["emergency_continue_answer"] not in posted


@pytest.mark.asyncio
async def test_an_inline_query_answered_too_late_is_not_an_error(
    server: FakeBotAPI, content: Content, state_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    async with running(server, content, state_file):
        server.inject("answerInlineQuery", 400, description=too_old)
        server.inline_query("magnesium foods", user_id=USER)
        await asyncio.to_thread(server.wait_idle, WAIT)
        server.clear_records()  # the refused answer was the test's own doing
        assert (await inline(server, "magnesium foods"))["results"][0]["id"] == "foods"
    [line] = [r.getMessage() for r in caplog.records if "inline query" in r.getMessage()]
    assert line.startswith("could not answer an inline query (Query is too old")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# --- what the bot cannot read ------------------------------------------------


def _raw_message(kind: str, value: Any) -> dict[str, Any]:
    return {
        "message": {
            "from": {"id": USER, "is_bot": False, "first_name": "Ann"},
            "chat": {"id": USER, "type": "private", "first_name": "Ann"},
            "date": int(time.time()),
            kind: value,
        }
    }


@pytest.mark.asyncio
async def test_non_text_edits_and_forged_buttons(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    media: list[tuple[str, Any]] = [
        (
            "sticker",
            {
                "file_id": "s1",
                "file_unique_id": "su1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            },
        ),
        ("photo", [{"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90}]),
        ("voice", {"file_id": "v1", "file_unique_id": "vu1", "duration": 2}),
        ("location", {"latitude": 51.5, "longitude": -0.12}),
        ("document", {"file_id": "d1", "file_unique_id": "du1", "file_name": "labs.pdf"}),
    ]
    async with running(server, content, state_file):
        sent = chat.send("hello")
        await chat.change([])
        for kind, value in media:
            before = chat.snapshot()
            server.send_update(_raw_message(kind, value))
            reply = await chat.change(before)
            assert reply.text == content.ui["unsupported"], kind

        edited = _raw_message("text", "which foods have magnesium")["message"]
        edited.update(message_id=sent["message"]["message_id"], edit_date=int(time.time()))
        before = chat.snapshot()
        server.send_update({"edited_message": edited})  # an edit is answered like a message
        assert content.by_id["foods"].answer in (await chat.change(before)).text

        for data in ["c:ffffff:0:0", "e:no-such-entry", "zzz", "b:abc:x", "x:"]:
            reply, answer = await chat.press_data(4242, data)
            assert answer["text"] == content.ui["expired_short"]
            assert content.ui["expired"] in reply.text
            assert reply.button_texts == menu_labels(content)

        topics, answer = await chat.press_data(4242, "t", inaccessible=True)
        assert "text" not in answer
        assert content.ui["topics_intro"] in topics.text


@pytest.mark.asyncio
async def test_a_failing_command_menu_does_not_stop_the_bot(
    server: FakeBotAPI, content: Content, state_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Failing on every attempt (a single 500 is retried: see test_telegram_faults.py).
    server.inject("setMyCommands", 500, times=NETWORK_ATTEMPTS)
    chat = Chat(server, USER, USER)
    async with running(server, content, state_file):
        welcome = await chat.say("/start")
        assert welcome.button_texts == menu_labels(content)
    assert "could not set the command menu" in caplog.text
    assert [e[0] for e in server.errors] == ["setMyCommands"] * NETWORK_ATTEMPTS
    server.clear_records()
