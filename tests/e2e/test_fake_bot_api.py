"""Tests of the fake Bot API server itself (plain HTTP), plus one run of a real PTB bot."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fake_bot_api import (
    BOT_BLOCKED,
    BUTTON_DATA_INVALID,
    CHAT_NOT_FOUND,
    CONFLICT_OTHER_POLLER,
    DEFAULT_USER_ID,
    EDIT_NOT_FOUND,
    MESSAGE_NOT_MODIFIED,
    QUERY_TOO_OLD,
    TEXT_EMPTY,
    TEXT_TOO_LONG,
    FakeBotAPI,
)

USER = 4242


@pytest.fixture
def server() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as api:
        yield api


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


def call(client: httpx.Client, server: FakeBotAPI, method: str, **params: Any) -> httpx.Response:
    """POST like PTB does: form fields, strings as they are, everything else as JSON."""
    data = {
        key: value if isinstance(value, str) else json.dumps(value) for key, value in params.items()
    }
    return client.post(server.url(method), data=data)


def ok(response: httpx.Response) -> Any:
    body = response.json()
    assert response.status_code == 200, body
    assert body["ok"] is True
    return body["result"]


def rejected(response: httpx.Response, status: int = 400) -> str:
    body = response.json()
    assert response.status_code == status, body
    assert body["ok"] is False
    assert body["error_code"] == status
    return str(body["description"])


def keyboard(*buttons: tuple[str, str]) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": text, "callback_data": data} for text, data in buttons]]}


# ---------------------------------------------------------------------------------------
# URL scheme, authorisation, getMe
# ---------------------------------------------------------------------------------------


def test_get_me_returns_a_bot_user_ptb_can_parse(server: FakeBotAPI, client: httpx.Client) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}/bot"
    me = ok(call(client, server, "getMe"))
    assert me["is_bot"] is True
    assert me["username"] == "magnesium_faq_bot"
    assert me["id"] == int(server.token.split(":")[0])
    assert me["can_join_groups"] is True
    assert me["supports_inline_queries"] is True
    user = User.de_json(me, None)
    assert user.username == "magnesium_faq_bot"
    # Method names are case-insensitive, as on Telegram; GET works too.
    assert ok(client.get(server.url("getme")))["id"] == me["id"]
    assert [name for name, _ in server.requests] == ["getMe", "getMe"]


def test_wrong_token_and_unknown_method(server: FakeBotAPI, client: httpx.Client) -> None:
    wrong = f"{server.base_url}654321:{'x' * 35}/getMe"
    response = client.post(wrong)
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert rejected(call(client, server, "sendRocket"), 404) == "Not Found"
    assert rejected(client.post(f"http://127.0.0.1:{server.port}/nothing"), 404) == "Not Found"
    assert [(error[0], error[2]) for error in server.errors] == [
        ("getMe", 401),
        ("sendRocket", 404),
    ]


def test_json_and_multipart_bodies_are_accepted(server: FakeBotAPI, client: httpx.Client) -> None:
    server.send_message("hi", user_id=USER)
    markup = keyboard(("Yes", "yes"))
    sent = ok(
        client.post(
            server.url("sendMessage"),
            json={"chat_id": USER, "text": "json", "reply_markup": markup},
        )
    )
    assert sent["reply_markup"] == markup
    form = {"chat_id": str(USER), "text": "multi", "reply_markup": json.dumps(markup)}
    files = {"document": ("a.txt", b"abc", "text/plain")}
    ok(client.post(server.url("sendMessage"), data=form, files=files))
    texts = [message.text for message in server.bot_messages(USER)]
    assert texts == ["json", "multi"]
    assert server.calls("sendMessage")[1]["document"] == {"file_name": "a.txt", "size": 3}
    assert server.bot_messages(USER)[1].reply_markup == markup


# ---------------------------------------------------------------------------------------
# updates
# ---------------------------------------------------------------------------------------


def test_user_messages_become_updates_ptb_can_parse(
    server: FakeBotAPI, client: httpx.Client
) -> None:
    start = server.send_message("/start ref_42", user_id=USER, first_name="Bob")
    group = server.send_message(
        "/help@magnesium_faq_bot", user_id=USER, chat_id=-100, chat_type="group"
    )
    plain = server.send_message("hello", user_id=USER)
    assert start["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert group["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 23}]
    assert "entities" not in plain["message"]
    assert start["message"]["chat"] == {"id": USER, "type": "private", "first_name": "Bob"}
    assert isinstance(start["message"]["date"], int)
    assert start["message"]["date"] <= time.time() < start["message"]["date"] + 5

    updates = ok(call(client, server, "getUpdates", timeout=0))
    assert [update["update_id"] for update in updates] == [
        start["update_id"],
        group["update_id"],
        plain["update_id"],
    ]
    parsed = Update.de_json(updates[0], None)
    assert parsed.effective_message is not None
    assert parsed.effective_message.text == "/start ref_42"
    assert parsed.effective_user is not None
    assert parsed.effective_user.first_name == "Bob"
    group_update = Update.de_json(updates[1], None)
    assert group_update.effective_chat is not None
    assert group_update.effective_chat.type == "group"


def test_get_updates_honours_offset_and_limit(server: FakeBotAPI, client: httpx.Client) -> None:
    ids = [server.send_message(f"m{n}", user_id=USER)["update_id"] for n in range(3)]
    first_two = ok(call(client, server, "getUpdates", limit=2))
    assert [update["update_id"] for update in first_two] == ids[:2]
    # Unconfirmed updates are delivered again.
    assert len(ok(call(client, server, "getUpdates"))) == 3
    rest = ok(call(client, server, "getUpdates", offset=ids[1] + 1))
    assert [update["update_id"] for update in rest] == ids[2:]
    assert len(server.pending_updates) == 1
    assert ok(call(client, server, "getUpdates", offset=ids[2] + 1)) == []
    assert server.pending_updates == []


def test_long_poll_returns_as_soon_as_an_update_is_queued(
    server: FakeBotAPI, client: httpx.Client
) -> None:
    timer = threading.Timer(0.2, server.send_message, args=("wake up",), kwargs={"user_id": USER})
    timer.start()
    started = time.monotonic()
    updates = ok(call(client, server, "getUpdates", timeout=5))
    elapsed = time.monotonic() - started
    timer.join()
    assert [update["message"]["text"] for update in updates] == ["wake up"]
    assert 0.15 <= elapsed < 2


def test_long_poll_without_updates_waits_for_the_timeout(
    server: FakeBotAPI, client: httpx.Client
) -> None:
    started = time.monotonic()
    assert ok(call(client, server, "getUpdates", timeout=1)) == []
    assert 0.9 <= time.monotonic() - started < 3


def test_stop_ends_a_waiting_long_poll_quickly() -> None:
    server = FakeBotAPI().start()
    outcome: list[object] = []

    def poll() -> None:
        with httpx.Client(timeout=30) as http:
            try:
                outcome.append(call(http, server, "getUpdates", timeout=30).status_code)
            except httpx.HTTPError as error:
                outcome.append(error)

    poller = threading.Thread(target=poll)
    poller.start()
    server.wait_for_requests("getUpdates")
    started = time.monotonic()
    server.stop()
    poller.join(timeout=5)
    assert not poller.is_alive()
    assert time.monotonic() - started < 2
    assert len(outcome) == 1


# ---------------------------------------------------------------------------------------
# sendMessage validation and recording
# ---------------------------------------------------------------------------------------


def test_send_message_records_plain_text_html_and_markup(
    server: FakeBotAPI, client: httpx.Client
) -> None:
    server.send_message("hi", user_id=USER)
    markup = keyboard(("Yes", "answer:yes"), ("No", "answer:no"))
    html = "  <b>Magnesium</b> &amp; <i>lip twitching</i> &lt;3\n"
    sent = ok(
        call(
            client,
            server,
            "sendMessage",
            chat_id=USER,
            text=html,
            parse_mode="HTML",
            reply_markup=markup,
        )
    )
    message = Message.de_json(sent, None)
    assert message.text == "Magnesium & lip twitching <3"
    assert message.chat.id == USER
    assert message.from_user is not None
    assert message.from_user.is_bot
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 9),
        ("italic", 12, 13),
    ]

    [record] = server.bot_messages(USER)
    assert record.message_id == sent["message_id"] == 2  # the user's message was 1
    assert record.text == "Magnesium & lip twitching <3"
    assert record.html == html
    assert record.reply_markup == markup
    assert record.button_texts == ["Yes", "No"]
    assert record.button("No")["callback_data"] == "answer:no"
    assert server.errors == []


PARSE_ERROR = "Bad Request: can't parse entities: "


@pytest.mark.parametrize(
    ("text", "parse_mode", "description"),
    [
        pytest.param("", None, TEXT_EMPTY, id="empty"),
        pytest.param(" \n ", None, TEXT_EMPTY, id="whitespace"),
        pytest.param("<b></b>", "HTML", TEXT_EMPTY, id="empty-after-html"),
        pytest.param("x" * 4097, None, TEXT_TOO_LONG, id="4097-chars"),
        pytest.param("<b>" + "é" * 4097 + "</b>", "HTML", TEXT_TOO_LONG, id="4097-after-html"),
        pytest.param("a < b", "HTML", PARSE_ERROR, id="raw-lt"),
        pytest.param("Tom & Jerry", "HTML", PARSE_ERROR, id="raw-amp"),
        pytest.param("<b>unclosed", "HTML", PARSE_ERROR, id="unclosed"),
        pytest.param("<b>x</i>", "HTML", PARSE_ERROR, id="unbalanced"),
        pytest.param("<div>x</div>", "HTML", PARSE_ERROR, id="unknown-tag"),
        pytest.param('<span class="x">x</span>', "HTML", PARSE_ERROR, id="plain-span"),
    ],
)
def test_send_message_rejects_what_telegram_rejects(
    server: FakeBotAPI,
    client: httpx.Client,
    text: str,
    parse_mode: str | None,
    description: str,
) -> None:
    server.send_message("hi", user_id=USER)
    params: dict[str, Any] = {"chat_id": USER, "text": text}
    if parse_mode:
        params["parse_mode"] = parse_mode
    assert rejected(call(client, server, "sendMessage", **params)).startswith(description)
    assert server.bot_messages(USER) == []
    [(method, recorded, status, recorded_description)] = server.errors
    assert (method, status) == ("sendMessage", 400)
    assert recorded["text"] == text
    assert recorded_description.startswith(description)


def test_send_message_limits_count_parsed_text(server: FakeBotAPI, client: httpx.Client) -> None:
    server.send_message("hi", user_id=USER)
    ok(call(client, server, "sendMessage", chat_id=USER, text="x" * 4096))
    long_html = "<b>" + "&lt;" * 4096 + "</b>"
    ok(call(client, server, "sendMessage", chat_id=USER, text=long_html, parse_mode="HTML"))
    # Telegram's Markdown modes are accepted without validation.
    ok(call(client, server, "sendMessage", chat_id=USER, text="*bold*", parse_mode="MarkdownV2"))
    assert server.errors == []


def test_html_error_descriptions_name_the_problem(server: FakeBotAPI, client: httpx.Client) -> None:
    server.send_message("hi", user_id=USER)
    description = rejected(
        call(client, server, "sendMessage", chat_id=USER, text="1 <2", parse_mode="HTML")
    )
    assert (
        description
        == 'Bad Request: can\'t parse entities: Unsupported start tag "2" at byte offset 2'
    )
    description = rejected(
        call(client, server, "sendMessage", chat_id=USER, text="<b>x</i>", parse_mode="HTML")
    )
    assert "Unmatched end tag at byte offset 4" in description


@pytest.mark.parametrize(
    ("data", "accepted"),
    [
        pytest.param("x" * 64, True, id="64-ascii"),
        pytest.param("é" * 32, True, id="32-two-byte-chars"),
        pytest.param("é" * 33, False, id="33-two-byte-chars"),
        pytest.param("🙂" * 17, False, id="17-four-byte-chars"),
        pytest.param("x" * 65, False, id="65-ascii"),
        pytest.param("", False, id="empty"),
    ],
)
def test_callback_data_is_limited_to_64_bytes(
    server: FakeBotAPI, client: httpx.Client, data: str, accepted: bool
) -> None:
    server.send_message("hi", user_id=USER)
    response = call(
        client, server, "sendMessage", chat_id=USER, text="pick", reply_markup=keyboard(("A", data))
    )
    if accepted:
        assert ok(response)["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == data
    else:
        assert rejected(response) == BUTTON_DATA_INVALID


def test_buttons_need_text_and_an_action(server: FakeBotAPI, client: httpx.Client) -> None:
    server.send_message("hi", user_id=USER)
    empty_text = {"inline_keyboard": [[{"text": "", "callback_data": "x"}]]}
    no_action = {"inline_keyboard": [[{"text": "Nothing"}]]}
    assert rejected(
        call(client, server, "sendMessage", chat_id=USER, text="t", reply_markup=empty_text)
    )
    assert rejected(
        call(client, server, "sendMessage", chat_id=USER, text="t", reply_markup=no_action)
    )
    assert len(server.errors) == 2


def test_unknown_and_blocked_chats(server: FakeBotAPI, client: httpx.Client) -> None:
    assert (
        rejected(call(client, server, "sendMessage", chat_id=777, text="hello")) == CHAT_NOT_FOUND
    )
    server.send_message("hi", user_id=777)
    ok(call(client, server, "sendMessage", chat_id=777, text="hello"))
    server.block_user(777)
    assert (
        rejected(call(client, server, "sendMessage", chat_id=777, text="hello"), 403) == BOT_BLOCKED
    )
    server.unblock_user(777)
    ok(call(client, server, "sendMessage", chat_id=777, text="hello"))


def test_replies_need_an_existing_message(server: FakeBotAPI, client: httpx.Client) -> None:
    user_message = server.send_message("question?", user_id=USER)["message"]
    reply = ok(
        call(
            client,
            server,
            "sendMessage",
            chat_id=USER,
            text="answer",
            reply_parameters={"message_id": user_message["message_id"]},
        )
    )
    assert reply["reply_to_message"]["text"] == "question?"
    assert server.bot_messages(USER)[0].reply_to_message_id == user_message["message_id"]
    missing = call(
        client, server, "sendMessage", chat_id=USER, text="x", reply_parameters={"message_id": 99}
    )
    assert rejected(missing) == "Bad Request: message to be replied not found"


# ---------------------------------------------------------------------------------------
# edits and deletion
# ---------------------------------------------------------------------------------------


def test_edits_update_the_record_and_unchanged_edits_are_rejected(
    server: FakeBotAPI, client: httpx.Client
) -> None:
    server.send_message("hi", user_id=USER)
    markup = keyboard(("More", "more"))
    sent = ok(
        call(
            client,
            server,
            "sendMessage",
            chat_id=USER,
            text="<b>One</b>",
            parse_mode="HTML",
            reply_markup=markup,
        )
    )
    target = {"chat_id": USER, "message_id": sent["message_id"]}

    same = call(
        client,
        server,
        "editMessageText",
        **target,
        text="<b>One</b>",
        parse_mode="HTML",
        reply_markup=markup,
    )
    assert rejected(same) == MESSAGE_NOT_MODIFIED
    # Same text, different formatting is a change.
    ok(call(client, server, "editMessageText", **target, text="One", reply_markup=markup))
    edited = ok(
        call(client, server, "editMessageText", **target, text="<i>Two</i>", parse_mode="HTML")
    )
    assert edited["text"] == "Two"
    assert "reply_markup" not in edited  # an edit without reply_markup drops the keyboard
    assert "edit_date" in edited

    [record] = server.bot_messages(USER)
    assert (record.text, record.html, record.reply_markup) == ("Two", "<i>Two</i>", None)
    assert record.history == ["One"]

    new_markup = keyboard(("Back", "back"))
    ok(call(client, server, "editMessageReplyMarkup", **target, reply_markup=new_markup))
    assert server.bot_messages(USER)[0].reply_markup == new_markup
    again = call(client, server, "editMessageReplyMarkup", **target, reply_markup=new_markup)
    assert rejected(again) == MESSAGE_NOT_MODIFIED

    missing = call(client, server, "editMessageText", chat_id=USER, message_id=999, text="x")
    assert rejected(missing) == EDIT_NOT_FOUND
    users = call(client, server, "editMessageText", chat_id=USER, message_id=1, text="x")
    assert rejected(users) == "Bad Request: message can't be edited"


# ---------------------------------------------------------------------------------------
# callback and inline queries
# ---------------------------------------------------------------------------------------


def test_callback_queries_are_answered_once(server: FakeBotAPI, client: httpx.Client) -> None:
    server.send_message("hi", user_id=USER)
    sent = ok(
        call(
            client,
            server,
            "sendMessage",
            chat_id=USER,
            text="Pick",
            reply_markup=keyboard(("A", "a")),
        )
    )
    query_id = server.press_button(sent["message_id"], USER, "a")
    assert server.click(USER, "A") != query_id

    updates = ok(call(client, server, "getUpdates"))
    query = updates[-2]["callback_query"]
    assert query["id"] == query_id
    assert query["data"] == "a"
    assert query["from"]["id"] == USER
    assert query["message"]["text"] == "Pick"
    assert query["message"]["reply_markup"] == keyboard(("A", "a"))
    parsed = Update.de_json(updates[-2], None)
    assert parsed.callback_query is not None
    assert parsed.callback_query.data == "a"

    assert (
        ok(call(client, server, "answerCallbackQuery", callback_query_id=query_id, text="Done"))
        is True
    )
    assert server.wait_for_callback_answer(query_id, timeout=1)["text"] == "Done"
    twice = call(client, server, "answerCallbackQuery", callback_query_id=query_id)
    assert rejected(twice) == QUERY_TOO_OLD
    unknown = call(client, server, "answerCallbackQuery", callback_query_id="12345")
    assert rejected(unknown) == QUERY_TOO_OLD
    [_, second] = [update["callback_query"]["id"] for update in updates[-2:]]
    too_long = call(client, server, "answerCallbackQuery", callback_query_id=second, text="x" * 201)
    assert rejected(too_long).startswith("Bad Request")
    assert list(server.answered_callbacks) == [query_id]


def test_forged_and_inaccessible_button_presses(server: FakeBotAPI, client: httpx.Client) -> None:
    server.send_message("hi", user_id=USER)
    server.press_button(99, USER, "stale")
    server.press_button(98, USER, "old", inaccessible=True)
    forged, inaccessible = (
        Update.de_json(u, None) for u in ok(call(client, server, "getUpdates"))[1:]
    )
    assert forged.callback_query is not None
    assert forged.callback_query.message is not None
    assert forged.callback_query.message.message_id == 99
    assert inaccessible.callback_query is not None
    assert inaccessible.callback_query.message is not None
    assert not inaccessible.callback_query.message.is_accessible


def test_answer_inline_query_validation(server: FakeBotAPI, client: httpx.Client) -> None:
    def article(result_id: str) -> dict[str, Any]:
        return {
            "type": "article",
            "id": result_id,
            "title": "Magnesium",
            "input_message_content": {
                "message_text": "Magnesium <b>helps</b>",
                "parse_mode": "HTML",
            },
        }

    query_id = server.inline_query("twitch", user_id=USER)
    [update] = ok(call(client, server, "getUpdates"))
    assert update["inline_query"] == {
        "id": query_id,
        "from": {"id": USER, "is_bot": False, "first_name": "Ann", "language_code": "en"},
        "query": "twitch",
        "offset": "",
        "chat_type": "sender",
    }

    def answer(results: list[dict[str, Any]]) -> httpx.Response:
        return call(client, server, "answerInlineQuery", inline_query_id=query_id, results=results)

    assert rejected(answer([article(str(n)) for n in range(51)])) == "Bad Request: RESULTS_TOO_MUCH"
    assert rejected(answer([article("é" * 33)])) == "Bad Request: RESULT_ID_INVALID"
    assert rejected(answer([article("1"), article("1")])) == "Bad Request: RESULT_ID_DUPLICATE"
    assert ok(answer([article(str(n)) for n in range(50)])) is True
    assert len(server.inline_answers[query_id]["results"]) == 50
    assert rejected(answer([article("1")])) == QUERY_TOO_OLD


# ---------------------------------------------------------------------------------------
# bot settings
# ---------------------------------------------------------------------------------------


def test_commands_are_validated_and_stored(server: FakeBotAPI, client: httpx.Client) -> None:
    commands = [
        {"command": "start", "description": "Start"},
        {"command": "ask", "description": "Ask"},
    ]
    assert ok(call(client, server, "setMyCommands", commands=commands)) is True
    assert server.commands == commands

    german = [{"command": "start", "description": "Los"}]
    ok(call(client, server, "setMyCommands", commands=german, language_code="de"))
    assert server.commands_for(language_code="de") == german
    assert server.commands == commands

    bad = [
        [{"command": "Start", "description": "Upper case"}],
        [{"command": "x" * 33, "description": "Too long"}],
        [{"command": "ok", "description": ""}],
        [{"command": "ok", "description": "d" * 257}],
        [{"command": f"c{n}", "description": "d"} for n in range(101)],
    ]
    for commands_list in bad:
        assert rejected(call(client, server, "setMyCommands", commands=commands_list)).startswith(
            "Bad Request: BOT_COMMAND"
        )
    assert ok(call(client, server, "setMyCommands", commands=[])) is True
    assert server.commands == []


def test_webhook_methods(server: FakeBotAPI, client: httpx.Client) -> None:
    response = call(client, server, "deleteWebhook", drop_pending_updates=False)
    assert response.json() == {
        "ok": True,
        "result": True,
        "description": "Webhook is already deleted",
    }
    assert server.webhook_url == ""
    ok(call(client, server, "setWebhook", url="https://example.org/hook"))
    assert rejected(call(client, server, "getUpdates"), 409).startswith(
        "Conflict: can't use getUpdates"
    )
    ok(call(client, server, "deleteWebhook"))
    assert ok(call(client, server, "getUpdates")) == []


# ---------------------------------------------------------------------------------------
# fault injection
# ---------------------------------------------------------------------------------------


def test_injected_flood_limit_and_server_errors(server: FakeBotAPI, client: httpx.Client) -> None:
    server.send_message("hi", user_id=USER)
    server.inject("sendMessage", status=429, retry_after=3)
    server.inject("sendMessage", status=500, times=2)
    response = call(client, server, "sendMessage", chat_id=USER, text="x")
    assert response.status_code == 429
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert rejected(call(client, server, "sendMessage", chat_id=USER, text="x"), 500)
    assert rejected(call(client, server, "sendMessage", chat_id=USER, text="x"), 500)
    ok(call(client, server, "getMe"))  # other methods are unaffected
    ok(call(client, server, "sendMessage", chat_id=USER, text="x"))
    assert [error[2] for error in server.errors] == [429, 500, 500]
    assert len(server.bot_messages(USER)) == 1


def test_injected_hang_delays_the_call(server: FakeBotAPI, client: httpx.Client) -> None:
    server.inject("getMe", hang_seconds=0.3)
    started = time.monotonic()
    ok(call(client, server, "getMe"))
    assert time.monotonic() - started >= 0.3
    server.inject("getMe", hang_seconds=5)
    with pytest.raises(httpx.ReadTimeout):
        client.post(server.url("getMe"), timeout=0.2)


def test_second_poller_conflict(server: FakeBotAPI, client: httpx.Client) -> None:
    server.second_poller = True
    assert rejected(call(client, server, "getUpdates"), 409) == CONFLICT_OTHER_POLLER
    server.second_poller = False
    assert ok(call(client, server, "getUpdates")) == []


# ---------------------------------------------------------------------------------------
# groups and waiting helpers
# ---------------------------------------------------------------------------------------


def test_group_privacy_mode_withholds_plain_group_messages(
    server: FakeBotAPI, client: httpx.Client
) -> None:
    def in_group(text: str, reply_to: int | None = None) -> dict[str, Any]:
        return server.send_message(
            text, USER, chat_id=-1001, chat_type="supergroup", reply_to_message_id=reply_to
        )

    in_group("just chatting")
    in_group("/ask@other_bot what?")
    asked = in_group("/ask what is magnesium?")
    sent = ok(call(client, server, "sendMessage", chat_id=-1001, text="Magnesium is a mineral."))
    reply = in_group("thanks", reply_to=sent["message_id"])
    delivered = ok(call(client, server, "getUpdates"))
    assert [update["update_id"] for update in delivered] == [asked["update_id"], reply["update_id"]]
    assert [u["message"]["text"] for u in server.withheld_updates] == [
        "just chatting",
        "/ask@other_bot what?",
    ]


def test_wait_for_messages_reports_what_was_received(
    server: FakeBotAPI, client: httpx.Client
) -> None:
    server.send_message("hi", user_id=USER)
    ok(call(client, server, "sendMessage", chat_id=USER, text="only one"))
    assert [m.text for m in server.wait_for_messages(USER, 1, timeout=0.1)] == ["only one"]
    with pytest.raises(AssertionError, match="received 1: \\['only one'\\]"):
        server.wait_for_messages(USER, 2, timeout=0.1)
    with pytest.raises(AssertionError, match="nope"):
        server.wait_until(lambda: False, timeout=0.1, message="nope")


def test_wait_idle_waits_for_confirmation_and_quiet(
    server: FakeBotAPI, client: httpx.Client
) -> None:
    update = server.send_message("hi", user_id=USER)
    with pytest.raises(AssertionError, match="1 unconfirmed"):
        server.wait_idle(timeout=0.2, quiet=0.05)
    ok(call(client, server, "getUpdates"))
    ok(call(client, server, "getUpdates", offset=update["update_id"] + 1))
    started = time.monotonic()
    server.wait_idle(timeout=2, quiet=0.2)
    assert time.monotonic() - started >= 0.1

    # A bot polling without pause does not keep the server from being idle.
    stop_polling = threading.Event()

    def busy_poller() -> None:
        with httpx.Client(timeout=5) as http:
            while not stop_polling.is_set():
                call(http, server, "getUpdates", offset=update["update_id"] + 1, timeout=0)

    poller = threading.Thread(target=busy_poller)
    poller.start()
    try:
        server.wait_for_requests("getUpdates", count=5)
        server.wait_idle(timeout=2, quiet=0.1)
    finally:
        stop_polling.set()
        poller.join()


def test_restart_keeps_port_and_state(server: FakeBotAPI, client: httpx.Client) -> None:
    server.send_message("hi", user_id=USER)
    base_url = server.base_url
    server.stop()
    with pytest.raises(httpx.ConnectError):
        call(client, server, "getMe")
    server.start()
    assert server.base_url == base_url
    ok(call(client, server, "sendMessage", chat_id=USER, text="back"))
    assert [message.text for message in server.bot_messages(USER)] == ["back"]


# ---------------------------------------------------------------------------------------
# a real PTB application against the server
# ---------------------------------------------------------------------------------------


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    assert update.message.text is not None
    await update.message.reply_text(update.message.text)


async def _menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Sources", callback_data="sources")]])
    await update.message.reply_text(
        "<b>Menu</b> &amp; more", parse_mode=ParseMode.HTML, reply_markup=buttons
    )


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Opening sources")
    await query.edit_message_text(f"You chose {query.data}")


@pytest.mark.asyncio
async def test_real_ptb_application_runs_against_the_server(server: FakeBotAPI) -> None:
    app = ApplicationBuilder().token(server.token).base_url(server.base_url).build()
    app.add_handler(CommandHandler("start", _menu))
    app.add_handler(CallbackQueryHandler(_button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)

        server.send_message("Does magnesium help?", user_id=USER)
        [echo] = await asyncio.to_thread(server.wait_for_messages, USER, 1)
        assert echo.text == "Does magnesium help?"

        server.send_message("/start", user_id=USER)
        menu = (await asyncio.to_thread(server.wait_for_messages, USER, 2))[-1]
        assert menu.text == "Menu & more"
        assert menu.html == "<b>Menu</b> &amp; more"

        query_id = server.click(USER, "Sources")
        answer = await asyncio.to_thread(server.wait_for_callback_answer, query_id)
        assert answer["text"] == "Opening sources"
        await asyncio.to_thread(
            server.wait_until, lambda: server.bot_messages(USER)[-1].text == "You chose sources"
        )
        await asyncio.to_thread(server.wait_idle)

        await app.updater.stop()
        await app.stop()

    assert server.errors == []
    assert server.pending_updates == []
    methods = [name for name, _ in server.requests]
    assert methods[0] == "getMe"
    assert {
        "deleteWebhook",
        "getUpdates",
        "sendMessage",
        "answerCallbackQuery",
        "editMessageText",
    } <= set(methods)
    assert server.bot_messages(DEFAULT_USER_ID) == []
