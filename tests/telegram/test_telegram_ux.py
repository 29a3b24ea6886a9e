"""End to end, what people and the operator notice: one vote per answer, answers
opened from buttons counted, captions and edits answered like messages, the
bot's profile, the doctor check's message closing when left."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from pathlib import Path

import pytest

from bot.content import Content
from tests.fake_bot_api import BotMessage, FakeBotAPI
from tests.support.bots import running
from tests.support.chat import WAIT, Chat
from tests.support.state import event_store

USER = 7201
ADMIN = 9201


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
    votes = sorted((r.entry, r.vote) for r in event_store(state_file).feedback_rows())
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
    rows = event_store(state_file).questions()
    answered = [r.entry for r in rows if r.outcome == "answer"]
    assert len(answered) == 5
    assert answered[1:3] == [related.id, "daily-amount"]
    assert answered[-1] == "supplements"
    assert [r.outcome for r in rows].count("clarify") == 1


def _private(**fields: object) -> dict[str, object]:
    return {
        "from": {"id": USER, "is_bot": False, "first_name": "Ann"},
        "chat": {"id": USER, "type": "private", "first_name": "Ann"},
        "date": int(time.time()),
        **fields,
    }


PHOTO = [{"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90}]
RED_FLAG = "my face is drooping on one side and my lip twitches"


@pytest.mark.asyncio
async def test_captions_edits_and_forwards_go_through_the_same_brain(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    emergency = content.emergency.message
    foods = content.by_id["foods"].answer
    async with running(server, content, state_file):

        async def reply_to(update: dict[str, object]) -> str:
            before = chat.snapshot()
            server.send_update(update)
            return (await chat.change(before)).text

        assert foods in await reply_to(
            {"message": _private(photo=PHOTO, caption="magnesium foods?")}
        )
        assert emergency in await reply_to({"message": _private(photo=PHOTO, caption=RED_FLAG)})
        document = {"file_id": "d1", "file_unique_id": "du1", "file_name": "labs.pdf"}
        assert emergency in await reply_to(
            {"message": _private(document=document, caption=RED_FLAG)}
        )
        # A photo without a caption is still "I can only read text".
        assert await reply_to({"message": _private(photo=PHOTO)}) == content.ui["unsupported"]

        # Edits: the edited text is answered; a red flag added in an edit wins.
        before = chat.snapshot()
        sent = chat.send("which foods have magnesium")
        assert foods in (await chat.change(before)).text
        edit = _private(
            message_id=sent["message"]["message_id"], edit_date=int(time.time()), text=RED_FLAG
        )
        assert emergency in await reply_to({"edited_message": edit})

        forwarded = _private(
            text="can low magnesium cause lip twitching",
            forward_origin={"type": "hidden_user", "sender_user_name": "Bob", "date": 1},
        )
        assert content.by_id["cause"].answer in await reply_to({"message": forwarded})
        # During the check a red flag in a caption still gets the emergency advice first.
        await chat.say("/doctor")
        assert emergency in await reply_to({"message": _private(photo=PHOTO, caption=RED_FLAG)})


@pytest.mark.asyncio
async def test_stats_takes_a_period_and_strangers_get_unknown_command(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    admin, user = Chat(server, ADMIN, ADMIN), Chat(server, USER, USER)
    async with running(server, content, state_file, admin_user_ids=frozenset({ADMIN})):
        await user.say("magnesium for sleep?")
        stranger = await user.say("/stats")
        assert stranger.text == content.ui["unknown_command"]
        month = await admin.say("/stats 30")
        first = month.text.splitlines()[0]
        since, until = (
            datetime.strptime(d, "%Y-%m-%d %H:%M UTC")
            for d in first[7:].split(": ")[0].split(" .. ")
        )
        assert (until - since).days == 30
        assert "magnesium for sleep?" in month.text
        for bad in ("/stats abc", "/stats 0", "/stats 7 8", "/stats -3"):
            usage = await admin.say(bad)
            assert usage.text.startswith("Usage: /stats [days]"), bad


@pytest.mark.asyncio
async def test_the_bot_sets_its_description_from_faq_yaml(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    async with running(server, content, state_file):
        pass
    assert server.descriptions == {"": content.profile["description"]}
    assert server.short_descriptions == {"": content.profile["short_description"]}
    for text in content.profile.values():
        assert "not a doctor" in text.lower()
        assert all(number in text for number in ("999", "112", "911"))


@pytest.mark.asyncio
async def test_a_failing_description_is_one_warning_and_the_bot_runs_on(
    server: FakeBotAPI, content: Content, state_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.inject("setMyDescription", 400, times=1)
    chat = Chat(server, USER, USER)
    with caplog.at_level(logging.WARNING, logger="bot.telegram.profile"):
        async with running(server, content, state_file):
            answer = await chat.say("which foods have magnesium?")
            assert content.by_id["foods"].answer in answer.text
        server.clear_records()  # the refused call was the test's own doing
    warnings = [r for r in caplog.records if r.name == "bot.telegram.profile"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING


@pytest.mark.asyncio
async def test_one_live_copy_of_the_check_and_leaving_it_closes_its_message(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    closed = content.ui["check_closed"]

    def shown(message_id: int) -> tuple[str, list[str]]:
        (message,) = [m for m in chat.messages() if m.message_id == message_id]
        return message.text, message.button_texts

    async def settled() -> None:
        await asyncio.to_thread(server.wait_idle, WAIT)

    async with running(server, content, state_file):
        for leave in ("/start", "/topics", "/doctor", "/menu", "/forget"):
            check = await chat.say("/doctor")
            await settled()  # (after the /doctor leave: a new /doctor closes that one)
            nudge = await chat.say("just the twitch really")
            assert content.check_ui["nudge"] in nudge.text
            await settled()
            # Typing made a new copy: only that one has buttons.
            assert shown(check.message_id)[1] == []
            assert shown(nudge.message_id)[1] == check.button_texts
            await chat.say(leave)
            await settled()
            assert shown(nudge.message_id) == (closed, []), leave
        # Finishing a check through its buttons closes nothing: the outcome stays.
        live = await chat.say("/doctor")
        flow = content.doctor_check
        message = live
        while message.button_texts[-1] == content.buttons["cancel"]:
            step = next(
                s for s in flow.steps.values() if s.question.splitlines()[0] in message.text
            )
            message = await chat.press(message, step.options[-1].label)
        await settled()
        assert message.message_id == live.message_id
        assert shown(live.message_id)[0] == message.text != closed
        assert message.text.startswith(tuple(o.title for o in flow.outcomes.values()))

        # A client that still shows an old copy's buttons (Telegram may lag): the
        # press moves nothing, the old copy shows where the check is, and only it
        # has buttons from then on.
        first = flow.steps[flow.start]
        no = first.options[-1]
        assert no.next is not None
        second = flow.steps[no.next]
        check = await chat.say("/doctor")
        old_yes = check.button(first.options[0].label)["callback_data"]
        nudge = await chat.say("just the twitch really")
        step2 = await chat.press(nudge, no.label)  # the check moves on in the new copy
        await settled()
        await chat.press_data(check.message_id, old_yes)
        await settled()
        text, live_buttons = shown(check.message_id)
        assert content.check_ui["stale"] in text
        assert second.question.splitlines()[0] in text  # nothing was chosen
        assert shown(step2.message_id)[1] == []
        assert content.buttons["back"] in live_buttons
        again = await chat.say("still just the twitch")
        await settled()
        assert shown(check.message_id)[1] == []
        assert shown(again.message_id)[1] == live_buttons


VOICE = {"file_id": "v1", "file_unique_id": "vu1", "duration": 2}
AUDIO = {"file_id": "a1", "file_unique_id": "au1", "duration": 2}


@pytest.mark.asyncio
async def test_every_caption_and_every_edited_ask_is_read(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    group = Chat(server, -100_7201, USER, "supergroup")
    emergency = content.emergency.message
    async with running(server, content, state_file):

        async def reply_to(update: dict[str, object], where: Chat = chat) -> str:
            before = where.snapshot()
            server.send_update(update)
            return (await where.change(before)).text

        # A caption is the question, whatever it is on.
        for media in ({"voice": VOICE}, {"audio": AUDIO}):
            assert emergency in await reply_to({"message": _private(caption=RED_FLAG, **media)})
        # A voice message without a caption is still "I can only read text".
        assert await reply_to({"message": _private(voice=VOICE)}) == content.ui["unsupported"]

        # An edited /ask is answered like an edited message, in private and in groups.
        before = chat.snapshot()
        sent = chat.send("/ask how much magnesium a day")
        assert content.by_id["daily-amount"].answer in (await chat.change(before)).text
        text = f"/ask {RED_FLAG}"
        edit = {
            **sent["message"],
            "edit_date": int(time.time()),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": 4}],
        }
        assert emergency in await reply_to({"edited_message": edit})

        original = group.send(f"/ask@{server.bot_username} magnesium foods")
        await group.change([])
        command = f"/ask@{server.bot_username}"
        edit = {
            **original["message"],
            "edit_date": int(time.time()),
            "text": f"{command} {RED_FLAG}",
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        }
        assert emergency in await reply_to({"edited_message": edit}, group)


@pytest.mark.asyncio
async def test_a_double_tap_of_any_button_is_handled_once(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    b, ui, check_ui = content.buttons, content.ui, content.check_ui
    flow = content.doctor_check
    first = flow.steps[flow.start]
    yes, no = first.options[0], first.options[-1]
    assert yes.outcome == "emergency"
    assert no.next is not None

    def current(message: BotMessage) -> BotMessage:
        return next(m for m in chat.messages() if m.message_id == message.message_id)

    async with running(server, content, state_file):

        async def twice(message: BotMessage, label: str) -> list[BotMessage]:
            """Two taps on a button; the messages the bot sent (not edited) since."""
            before = {m.message_id for m in chat.messages()}
            data = message.button(label)["callback_data"]
            assert await _double_tap(server, chat, message.message_id, data) == ["", ""]
            await asyncio.to_thread(server.wait_idle, WAIT)
            return [m for m in chat.messages() if m.message_id not in before]

        topics = await chat.say("/topics")
        [answer] = await twice(topics, content.by_id["foods"].short)
        assert content.by_id["foods"].answer in answer.text

        start = await chat.say("/start")
        [check] = await twice(start, b["doctor_check"])
        assert check_ui["intro"] in check.text

        assert await twice(check, no.label) == []
        step2 = current(check)
        assert flow.steps[no.next].question.splitlines()[0] in step2.text
        assert await twice(step2, b["cancel"]) == []
        assert check_ui["cancelled"] in current(check).text

        check = await chat.say("/doctor")
        assert await twice(check, yes.label) == []
        assert current(check).text != check.text  # the outcome, once
        assert not [m for m in chat.messages() if ui["expired"] in m.text]
        assert not [m for m in chat.messages() if ui["check_closed"] in m.text]

        # Once the first tap has changed the message, a press is no double tap.
        expired, toast = await chat.press_data(
            check.message_id, check.button(yes.label)["callback_data"]
        )
        assert toast["text"] == ui["expired_short"]
        assert ui["expired"] in expired.text


@pytest.mark.asyncio
async def test_an_edit_is_answered_as_a_reply_to_it_and_only_if_its_text_changed(
    server: FakeBotAPI, content: Content, state_file: Path
) -> None:
    chat = Chat(server, USER, USER)
    group = Chat(server, -100_7202, USER, "supergroup")
    foods = content.by_id["foods"].answer
    async with running(server, content, state_file):
        before = chat.snapshot()
        sent = chat.send("which foods have magnesum")["message"]
        first = await chat.change(before)
        assert first.reply_to_message_id is None  # a new message in private: no quote

        def edited(message: dict[str, object], text: str, **fields: object) -> dict[str, object]:
            return {
                "edited_message": {**message, "edit_date": int(time.time()), "text": text, **fields}
            }

        # The same text made bold: nothing new to answer.
        bold = [{"type": "bold", "offset": 0, "length": 5}]
        await chat.silence(
            lambda: server.send_update(edited(sent, "which foods have magnesum", entities=bold))
        )
        # A changed text: answered, quoting the edited message.
        before = chat.snapshot()
        server.send_update(edited(sent, "which foods have magnesium"))
        reply = await chat.change(before)
        assert foods in reply.text
        assert reply.reply_to_message_id == sent["message_id"]

        server.group_privacy = False  # the bot reads the group's messages (mentions too)
        mention = f"@{server.bot_username}"
        entities = [{"type": "mention", "offset": 0, "length": len(mention)}]
        before = group.snapshot()
        asked = group.send(f"{mention} magnesium foods", entities=entities)["message"]
        await group.change(before)
        await group.silence(
            lambda: server.send_update(
                edited(asked, f"{mention} magnesium foods", entities=entities)
            )
        )
        before = group.snapshot()
        server.send_update(edited(asked, f"{mention} {RED_FLAG}", entities=entities))
        reply = await group.change(before)
        assert content.emergency.message in reply.text
        assert reply.reply_to_message_id == asked["message_id"]
