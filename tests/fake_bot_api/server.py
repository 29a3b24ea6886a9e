"""A local stand-in for the Telegram Bot API, for end-to-end tests of the bot.

The server speaks just enough of the Bot API over HTTP for python-telegram-bot's
``Application`` to run against it unchanged::

    with FakeBotAPI() as server:
        app = ApplicationBuilder().token(server.token).base_url(server.base_url).build()
        ...
        server.send_message("/start", user_id=42)
        server.wait_for_messages(42, 1)

PTB appends the token to ``base_url`` and posts to ``{base_url}{token}/{method}``, so
requests arrive at ``/bot<TOKEN>/<method>``. PTB encodes parameters as
``application/x-www-form-urlencoded`` (``multipart/form-data`` when files are uploaded);
strings are sent as they are, every other value (numbers, booleans, ``reply_markup``,
``commands``, ``results`` ...) as a JSON string. JSON bodies are accepted as well.

Simulated users write to the bot with :meth:`FakeBotAPI.send_message`,
:meth:`FakeBotAPI.press_button`, :meth:`FakeBotAPI.inline_query` and
:meth:`FakeBotAPI.send_update`; everything the bot sends is validated the way
Telegram validates it (rejections get status 400/403 and Telegram's descriptions)
and recorded for assertions. Fault injection covers flood limits (429), server
errors, hanging requests, blocked users and a competing poller (409).

Deliberate differences from Telegram:

* Only the methods the bot calls exist (getMe, getUpdates, setWebhook,
  deleteWebhook, sendMessage, editMessageText, editMessageReplyMarkup,
  answerCallbackQuery, answerInlineQuery, setMyCommands, setMyDescription,
  setMyShortDescription); any other method is
  404 "Not Found", so a bot that starts calling something new fails its tests
  until the fake learns that method's rules.
* HTML is validated a little more strictly than Telegram does: a bare ``&`` and
  named entities other than ``&lt; &gt; &amp; &quot;`` are rejected (Telegram
  shows them literally), because they reveal text that was not escaped.
* Markdown/MarkdownV2 text is accepted without validation; the stored plain text
  is then the raw text.
* In groups, "privacy mode" is on (:attr:`FakeBotAPI.group_privacy`): the bot only
  receives commands meant for it and replies to its own messages; other group
  messages are withheld (see :attr:`FakeBotAPI.withheld_updates`).
* Descriptions of rarer errors are close to, but not guaranteed to be, Telegram's.
"""

from __future__ import annotations

import contextlib
import copy
import email.policy
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "BOT_BLOCKED",
    "BUTTON_DATA_INVALID",
    "CHAT_NOT_FOUND",
    "CONFLICT_OTHER_POLLER",
    "DEFAULT_TOKEN",
    "DEFAULT_USER_ID",
    "EDIT_NOT_FOUND",
    "MESSAGE_NOT_MODIFIED",
    "QUERY_TOO_OLD",
    "TEXT_EMPTY",
    "TEXT_TOO_LONG",
    "BotMessage",
    "FakeBotAPI",
    "parse_html",
]

JSONDict = dict[str, Any]

DEFAULT_TOKEN: Final = "123456:AAFakeBotApiTokenForLocalTests_0123"
DEFAULT_USER_ID: Final = 1001

# Telegram's descriptions of the errors tests are most likely to assert on.
UNAUTHORIZED: Final = "Unauthorized"
NOT_FOUND: Final = "Not Found"
JSON: Final = "application/json"
# What nginx sends when the upstream fails: HTML, not the Bot API's JSON.
PROXY_PAGE: Final = (
    "<html>\r\n<head><title>{status} {description}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {description}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
CHAT_NOT_FOUND: Final = "Bad Request: chat not found"
TEXT_EMPTY: Final = "Bad Request: message text is empty"
TEXT_TOO_LONG: Final = "Bad Request: message is too long"
CANT_PARSE_ENTITIES: Final = "Bad Request: can't parse entities: "
BUTTON_DATA_INVALID: Final = "Bad Request: BUTTON_DATA_INVALID"
BUTTON_TEXT_INVALID: Final = "Bad Request: BUTTON_TEXT_INVALID"
BUTTON_URL_INVALID: Final = "Bad Request: BUTTON_URL_INVALID"
BUTTON_NO_ACTION: Final = "Bad Request: text buttons are unallowed in the inline keyboard"
BUTTONS_TOO_MUCH: Final = "Bad Request: BUTTONS_TOO_MUCH"
MARKUP_UNPARSABLE: Final = "Bad Request: can't parse reply keyboard markup JSON object"
INLINE_KEYBOARD_EXPECTED: Final = "Bad Request: inline keyboard expected"
EDIT_NOT_FOUND: Final = "Bad Request: message to edit not found"
CANT_BE_EDITED: Final = "Bad Request: message can't be edited"
REPLY_NOT_FOUND: Final = "Bad Request: message to be replied not found"
MESSAGE_NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup"
    " are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD: Final = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
CALLBACK_TEXT_TOO_LONG: Final = "Bad Request: MESSAGE_TOO_LONG"
RESULTS_TOO_MUCH: Final = "Bad Request: RESULTS_TOO_MUCH"
RESULT_ID_INVALID: Final = "Bad Request: RESULT_ID_INVALID"
RESULT_ID_DUPLICATE: Final = "Bad Request: RESULT_ID_DUPLICATE"
BOT_COMMAND_INVALID: Final = "Bad Request: BOT_COMMAND_INVALID"
BOT_COMMAND_DESCRIPTION_INVALID: Final = "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
BOT_COMMANDS_TOO_MUCH: Final = "Bad Request: BOT_COMMANDS_TOO_MUCH"
BOT_BLOCKED: Final = "Forbidden: bot was blocked by the user"
CONFLICT_OTHER_POLLER: Final = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance"
    " is running"
)
CONFLICT_WEBHOOK: Final = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to"
    " delete the webhook first"
)

MAX_TEXT_LENGTH: Final = 4096
MAX_CALLBACK_DATA_BYTES: Final = 64
MAX_CALLBACK_ANSWER_LENGTH: Final = 200
MAX_INLINE_RESULTS: Final = 50
MAX_INLINE_RESULT_ID_BYTES: Final = 64
MAX_INLINE_QUERY_LENGTH: Final = 256
MAX_COMMANDS: Final = 100
MAX_BUTTONS: Final = 100
MAX_DESCRIPTION_LENGTH: Final = 512
MAX_SHORT_DESCRIPTION_LENGTH: Final = 120

_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_LEADING_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@([A-Za-z0-9_]{1,64}))?(?![A-Za-z0-9_@])")
_INLINE_BUTTON_ACTIONS: Final = (
    "callback_data",
    "url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "web_app",
    "login_url",
    "callback_game",
    "pay",
    "copy_text",
)
_COMMAND_SCOPES: Final = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
# Update types Telegram leaves out unless they are asked for in allowed_updates.
_OPT_IN_UPDATES: Final = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# Parameters whose form value is text even when it looks like JSON.
_STRING_PARAMS: Final = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "url",
        "language_code",
        "next_offset",
        "switch_pm_text",
        "switch_pm_parameter",
        "emoji",
        "title",
        "question",
        "secret_token",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
        "custom_title",
        "sticker",
        "photo",
        "document",
        "audio",
        "video",
        "voice",
        "animation",
    }
)
# Parameters that must hold a JSON object or array.
_JSON_PARAMS: Final = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "results",
        "reply_parameters",
        "link_preview_options",
        "allowed_updates",
        "menu_button",
        "button",
        "media",
        "message_ids",
    }
)


class _APIError(Exception):
    """An error response of the Bot API."""

    def __init__(
        self,
        status: int,
        description: str,
        parameters: JSONDict | None = None,
        page: str | None = None,
    ):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        # An HTML page sent instead of the JSON body (a proxy's error page).
        self.page = page

    def body(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(description: str) -> _APIError:
    return _APIError(400, description)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _now() -> int:
    return int(time.time())


# --------------------------------------------------------------------------------------
# HTML parse mode
# --------------------------------------------------------------------------------------

_SIMPLE_TAGS: Final = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_NAMED_ENTITIES: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class _EntityError(Exception):
    pass


@dataclass
class _OpenTag:
    tag: str
    start: int
    entity: JSONDict | None


class _TelegramHTML(HTMLParser):
    """Validates text in Telegram's HTML parse mode and computes text and entities."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self._source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._chunks: list[str] = []
        self._length = 0  # UTF-16 code units emitted so far
        self._open: list[_OpenTag] = []
        self._entities: list[JSONDict] = []

    def run(self) -> tuple[str, list[JSONDict]]:
        self.feed(self._source)
        self.close()
        if self._open:
            tag = self._open[-1].tag
            raise _EntityError(f'Can\'t find end tag corresponding to start tag "{tag}"')
        self._entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return "".join(self._chunks), self._entities

    # positions ------------------------------------------------------------------------

    def _index(self, extra: int = 0) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column + extra

    def _byte_offset(self, extra: int = 0) -> int:
        return len(self._source[: self._index(extra)].encode("utf-8"))

    def _emit(self, text: str) -> None:
        self._chunks.append(text)
        self._length += _utf16_len(text)

    def _unsupported(self, tag: str) -> _EntityError:
        return _EntityError(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')

    # HTMLParser callbacks -------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        entity: JSONDict | None
        if tag in _SIMPLE_TAGS:
            entity = {"type": _SIMPLE_TAGS[tag]}
        elif tag == "span":
            if attributes.get("class") != "tg-spoiler":
                raise self._unsupported(tag)
            entity = {"type": "spoiler"}
        elif tag == "a":
            href = attributes.get("href")
            entity = {"type": "text_link", "url": href} if href else None
        elif tag == "code":
            language = attributes.get("class") or ""
            parent = self._open[-1] if self._open else None
            if parent is not None and parent.tag == "pre" and parent.entity is not None:
                if language.startswith("language-"):
                    parent.entity["language"] = language.removeprefix("language-")
                entity = None
            else:
                entity = {"type": "code"}
        elif tag == "pre":
            entity = {"type": "pre"}
        elif tag == "blockquote":
            expandable = "expandable" in attributes
            entity = {"type": "expandable_blockquote" if expandable else "blockquote"}
        elif tag == "tg-emoji":
            emoji_id = attributes.get("emoji-id")
            entity = {"type": "custom_emoji", "custom_emoji_id": emoji_id} if emoji_id else None
        else:
            raise self._unsupported(tag)
        self._open.append(_OpenTag(tag, self._length, entity))

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            raise _EntityError(f"Unexpected end tag at byte offset {self._byte_offset()}")
        top = self._open[-1]
        if top.tag != tag:
            raise _EntityError(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{top.tag}>", found "</{tag}>"'
            )
        self._open.pop()
        if top.entity is not None and self._length > top.start:
            self._entities.append(
                {**top.entity, "offset": top.start, "length": self._length - top.start}
            )

    def handle_data(self, data: str) -> None:
        if "<" in data:
            position = data.index("<")
            match = re.match(r"[^\s>]*", self._source[self._index(position) + 1 :])
            name = match.group() if match else ""
            raise _EntityError(
                f'Unsupported start tag "{name}" at byte offset {self._byte_offset(position)}'
            )
        if "&" in data:
            position = data.index("&")
            raise _EntityError(
                f'Character "&" at byte offset {self._byte_offset(position)} does not start'
                " an HTML entity; escape it as &amp;"
            )
        self._emit(data)

    def _check_terminated(self, reference: str) -> None:
        if not self._source.startswith(f"&{reference};", self._index()):
            raise _EntityError(
                f'Character "&" at byte offset {self._byte_offset()} does not start'
                " an HTML entity; escape it as &amp;"
            )

    def handle_entityref(self, name: str) -> None:
        self._check_terminated(name)
        if name not in _NAMED_ENTITIES:
            raise _EntityError(
                f'Unsupported HTML entity "&{name};" at byte offset {self._byte_offset()}'
            )
        self._emit(_NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        self._check_terminated(f"#{name}")
        try:
            code = int(name[1:], 16) if name[:1] in ("x", "X") else int(name)
            if 0xD800 <= code <= 0xDFFF:
                raise ValueError(name)
            character = chr(code)
        except (ValueError, OverflowError):
            raise _EntityError(
                f'Invalid character reference "&#{name};" at byte offset {self._byte_offset()}'
            ) from None
        self._emit(character)

    def handle_comment(self, data: str) -> None:
        raise self._unsupported("!--")

    def handle_decl(self, decl: str) -> None:
        raise self._unsupported("!" + decl.split(" ", 1)[0])

    def unknown_decl(self, data: str) -> None:
        raise self._unsupported("![")

    def handle_pi(self, data: str) -> None:
        raise self._unsupported("?")


def parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parse ``text`` in Telegram's HTML mode; returns (plain text, entities).

    Raises ``ValueError`` with Telegram's "can't parse entities" reason on invalid markup.
    Entity offsets and lengths are in UTF-16 code units, like Telegram's.
    """
    try:
        return _TelegramHTML(text).run()
    except _EntityError as error:
        raise ValueError(str(error)) from None


def _strip_text(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Trim surrounding whitespace as Telegram does, shifting the entities along."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = _utf16_len(text[: len(text) - len(text.lstrip())])
    limit = _utf16_len(stripped)
    result: list[JSONDict] = []
    for entity in entities:
        start = max(0, entity["offset"] - shift)
        end = min(limit, entity["offset"] + entity["length"] - shift)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


# --------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------


@dataclass
class BotMessage:
    """A message the bot sent, as it currently is (edits update it)."""

    chat_id: int
    message_id: int
    text: str
    """Plain text as users see it (HTML parsed, surrounding whitespace trimmed)."""
    html: str
    """The text exactly as the bot sent it (raw HTML when parse_mode is HTML)."""
    parse_mode: str | None
    entities: list[JSONDict]
    reply_markup: JSONDict | None
    date: int
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    history: list[str] = field(default_factory=list)
    """Earlier plain texts, oldest first, one per edit that changed the text."""
    params: JSONDict = field(default_factory=dict)
    """Parameters of the sendMessage call (or of the last edit)."""

    @property
    def inline_keyboard(self) -> list[list[JSONDict]]:
        """Rows of inline buttons, empty when there are none."""
        if self.reply_markup is None:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [list(row) for row in rows]

    @property
    def buttons(self) -> list[JSONDict]:
        """All inline buttons, row by row."""
        return [button for row in self.inline_keyboard for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [str(button.get("text", "")) for button in self.buttons]

    def button(self, text: str) -> JSONDict:
        """The inline button labelled ``text``; AssertionError if there is none."""
        for button in self.buttons:
            if button.get("text") == text:
                return button
        raise AssertionError(
            f"no button {text!r} on message {self.message_id}; buttons: {self.button_texts!r}"
        )


@dataclass
class _Fault:
    method: str
    status: int | None
    retry_after: int | None
    hang_seconds: float
    remaining: int
    description: str | None
    proxy_page: bool = False


@dataclass
class _PendingQuery:
    query: JSONDict
    answered: bool = False


_ErrorRecord = tuple[str, JSONDict, int, str]
_Handler = Callable[[JSONDict], Any]


class _WithDescription:
    """A successful result that also carries a description (as deleteWebhook's does)."""

    def __init__(self, result: Any, description: str) -> None:
        self.result = result
        self.description = description


# --------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # A bot handling updates concurrently opens many connections at once; with
    # socketserver's default backlog of 5 the kernel drops some (Telegram doesn't).
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], api: FakeBotAPI) -> None:
        self.api = api
        super().__init__(address, _RequestHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients going away (PTB cancelling a long poll, stop()) are expected.
        return


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60
    # Headers and body go out in separate writes; with Nagle's algorithm on, each
    # response would wait for the client's delayed ACK (about 40 ms).
    disable_nagle_algorithm = True

    def _api(self) -> FakeBotAPI:
        server = self.server
        assert isinstance(server, _HTTPServer)
        return server.api

    def setup(self) -> None:
        super().setup()
        self._api()._connection_opened(self.connection)

    def finish(self) -> None:
        self._api()._connection_closed(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        api = self._api()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        content_type = self.headers.get("Content-Type") or ""
        status, payload = api._handle(self.path, content_type, body)
        if isinstance(payload, str):
            data, media_type = payload.encode("utf-8"), "text/html"
        else:
            data, media_type = json.dumps(payload, ensure_ascii=False).encode("utf-8"), JSON
        try:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(data)))
            if api._is_stopping():
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        return


# --------------------------------------------------------------------------------------
# The fake Bot API
# --------------------------------------------------------------------------------------


class FakeBotAPI:
    """A Telegram Bot API server on 127.0.0.1 for tests; see the module docstring."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "magnesium_faq_bot",
        *,
        bot_first_name: str = "Magnesium FAQ",
        group_privacy: bool = True,
    ) -> None:
        bot_id, _, _ = token.partition(":")
        if not bot_id.isdigit():
            raise ValueError("token must look like '<bot id>:<secret>'")
        self.token: Final = token
        self.bot_username: Final = bot_username
        self.bot_id: Final = int(bot_id)
        self.bot_first_name: Final = bot_first_name
        self.group_privacy = group_privacy
        """In groups, deliver only commands for this bot and replies to its messages."""

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._stop_event = threading.Event()
        self._stopping = False
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port = 0
        self._connections: set[socket.socket] = set()

        # updates
        self._updates: list[JSONDict] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._withheld: list[JSONDict] = []
        self._webhook_url = ""
        self._second_poller = False

        # users, chats, messages
        self._users: dict[int, JSONDict] = {}
        self._chats: dict[int, JSONDict] = {}
        self._next_message_id: dict[int, int] = {}
        self._user_messages: dict[tuple[int, int], JSONDict] = {}
        self._bot_messages: dict[int, list[BotMessage]] = {}
        self._bot_index: dict[tuple[int, int], BotMessage] = {}
        self._blocked: set[int] = set()

        # queries
        self._next_query_number = 1
        self._callback_queries: dict[str, _PendingQuery] = {}
        self._inline_queries: dict[str, _PendingQuery] = {}
        self._answered_callbacks: dict[str, JSONDict] = {}
        self._inline_answers: dict[str, JSONDict] = {}

        # bot settings
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._descriptions: dict[str, str] = {}
        self._short_descriptions: dict[str, str] = {}

        # recording
        self._requests: list[tuple[str, JSONDict]] = []
        self._errors: list[_ErrorRecord] = []
        self._faults: list[_Fault] = []
        self._in_flight = 0
        self._last_activity = time.monotonic()

        handlers: list[tuple[str, _Handler]] = [
            ("getMe", self._api_get_me),
            ("getUpdates", self._api_get_updates),
            ("setWebhook", self._api_set_webhook),
            ("deleteWebhook", self._api_delete_webhook),
            ("sendMessage", self._api_send_message),
            ("editMessageText", self._api_edit_message_text),
            ("editMessageReplyMarkup", self._api_edit_message_reply_markup),
            ("answerCallbackQuery", self._api_answer_callback_query),
            ("answerInlineQuery", self._api_answer_inline_query),
            ("setMyCommands", self._api_set_my_commands),
            ("setMyDescription", self._api_set_my_description),
            ("setMyShortDescription", self._api_set_my_short_description),
        ]
        # Telegram treats method names case-insensitively.
        self._methods: dict[str, tuple[str, _Handler]] = {
            name.lower(): (name, handler) for name, handler in handlers
        }

    # ----------------------------------------------------------------------------------
    # lifecycle
    # ----------------------------------------------------------------------------------

    def start(self) -> FakeBotAPI:
        """Listen on 127.0.0.1 (a free port; the same port again after a stop())."""
        if self._httpd is not None:
            raise RuntimeError("FakeBotAPI is already running")
        with self._cond:
            self._stopping = False
        self._stop_event.clear()
        httpd = _HTTPServer(("127.0.0.1", self._port), self)
        self._port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"FakeBotAPI:{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; long polls and hanging requests return at once."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._stop_event.set()
        httpd.shutdown()
        with self._cond:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._port == 0:
            raise RuntimeError("FakeBotAPI has not been started")
        return self._port

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``; PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    def url(self, method: str) -> str:
        """The full URL of a Bot API method, for raw HTTP clients."""
        return f"{self.base_url}{self.token}/{method}"

    def _is_stopping(self) -> bool:
        with self._cond:
            return self._stopping

    def _connection_opened(self, connection: socket.socket) -> None:
        with self._cond:
            self._connections.add(connection)
            stopping = self._stopping
        if stopping:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def _connection_closed(self, connection: socket.socket) -> None:
        with self._cond:
            self._connections.discard(connection)

    # ----------------------------------------------------------------------------------
    # simulated users
    # ----------------------------------------------------------------------------------

    def send_message(
        self,
        text: str,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "Ann",
        reply_to_message_id: int | None = None,
        entities: list[JSONDict] | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        chat_title: str | None = None,
    ) -> JSONDict:
        """A user writes ``text``; returns the update (queued unless group privacy hides it).

        ``chat_id`` defaults to the user's private chat. A leading ``/command`` (also
        ``/command@username``) gets a ``bot_command`` entity unless ``entities`` is given.
        """
        if chat_type == "private":
            if chat_id is not None and chat_id != user_id:
                raise ValueError("a private chat's id is the user's id")
            chat_id = user_id
        elif chat_id is None:
            raise ValueError(f"chat_id is required for a {chat_type} chat")
        with self._cond:
            user = self._register_user(user_id, first_name, last_name, username, language_code)
            chat = self._register_chat(chat_id, chat_type, user, chat_title)
            message: JSONDict = {
                "message_id": self._take_message_id(chat_id),
                "from": dict(user),
                "chat": dict(chat),
                "date": _now(),
                "text": text,
            }
            if entities is None:
                entities = self._command_entities(text)
            if entities:
                message["entities"] = copy.deepcopy(entities)
            if reply_to_message_id is not None:
                message["reply_to_message"] = self._reply_target(chat_id, reply_to_message_id)
            self._user_messages[(chat_id, message["message_id"])] = message
            update: JSONDict = {"message": copy.deepcopy(message)}
            if chat_type != "private" and self.group_privacy and not self._visible(message):
                self._withheld.append(update)
                return copy.deepcopy(update)
            return self._enqueue(update)

    def send_update(self, update: JSONDict) -> JSONDict:
        """Queue an arbitrary update (photo, sticker, edited_message, my_chat_member ...).

        ``update_id`` is assigned when missing; a message's ``message_id`` and ``date`` too.
        Chats, users and callback/inline query ids in it become known to the server.
        """
        update = copy.deepcopy(update)
        with self._cond:
            for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
                message = update.get(kind)
                if isinstance(message, dict):
                    self._absorb_message(message, new=kind in ("message", "channel_post"))
            for kind in ("my_chat_member", "chat_member", "chat_join_request"):
                member_update = update.get(kind)
                if isinstance(member_update, dict):
                    self._absorb_chat(member_update.get("chat"))
                    self._absorb_user(member_update.get("from"))
            callback = update.get("callback_query")
            if isinstance(callback, dict):
                callback.setdefault("id", self._new_query_id())
                callback.setdefault("chat_instance", "0")
                self._absorb_user(callback.get("from"))
                self._callback_queries[str(callback["id"])] = _PendingQuery(callback)
            inline = update.get("inline_query")
            if isinstance(inline, dict):
                inline.setdefault("id", self._new_query_id())
                inline.setdefault("offset", "")
                self._absorb_user(inline.get("from"))
                self._inline_queries[str(inline["id"])] = _PendingQuery(inline)
            return self._enqueue(update)

    def press_button(
        self,
        message_id: int,
        chat_id: int,
        data: str | None,
        user_id: int | None = None,
        *,
        first_name: str = "Ann",
        inaccessible: bool = False,
    ) -> str:
        """A user presses an inline button with ``data`` under a message; returns the query id.

        The message is the stored bot message when there is one (with its current text
        and keyboard), otherwise a forged one. ``inaccessible=True`` sends it the way
        Telegram does for messages the bot can no longer see.
        ``user_id`` defaults to ``chat_id`` for private chats.
        """
        if user_id is None:
            user_id = chat_id if chat_id > 0 else DEFAULT_USER_ID
        with self._cond:
            user = self._users.get(user_id) or self._register_user(
                user_id, first_name, None, None, "en"
            )
            chat = self._chats.get(chat_id)
            if chat is None:
                chat = (
                    self._register_chat(chat_id, "private", user, None)
                    if chat_id == user_id
                    else {"id": chat_id, "type": "group", "title": "Group"}
                )
            record = self._bot_index.get((chat_id, message_id))
            message: JSONDict
            if inaccessible:
                message = {"chat": dict(chat), "message_id": message_id, "date": 0}
            elif record is not None:
                message = self._message_json(record)
            else:
                message = {
                    "message_id": message_id,
                    "from": self._bot_user(),
                    "chat": dict(chat),
                    "date": _now(),
                    "text": "",
                }
            query: JSONDict = {
                "id": self._new_query_id(),
                "from": dict(user),
                "message": message,
                "chat_instance": str((chat_id * 2654435761) % (1 << 62)),
            }
            if data is not None:
                query["data"] = data
            self._callback_queries[query["id"]] = _PendingQuery(query)
            self._enqueue({"callback_query": copy.deepcopy(query)})
            return str(query["id"])

    def click(self, chat_id: int, button_text: str, user_id: int | None = None) -> str:
        """Press the callback button labelled ``button_text`` on the newest bot message
        in the chat that has one; returns the callback query id."""
        with self._cond:
            for record in reversed(self._bot_messages.get(chat_id, [])):
                for button in record.buttons:
                    if button.get("text") == button_text and "callback_data" in button:
                        return self.press_button(
                            record.message_id, chat_id, button["callback_data"], user_id
                        )
            seen = [record.button_texts for record in self._bot_messages.get(chat_id, [])]
        raise AssertionError(
            f"no callback button {button_text!r} in chat {chat_id}; buttons seen: {seen!r}"
        )

    def inline_query(
        self,
        query: str,
        user_id: int = DEFAULT_USER_ID,
        *,
        offset: str = "",
        chat_type: str | None = "sender",
        first_name: str = "Ann",
    ) -> str:
        """A user types ``@bot query``; returns the inline query id."""
        if len(query) > MAX_INLINE_QUERY_LENGTH:
            raise ValueError("Telegram clients send at most 256 characters of inline query")
        with self._cond:
            user = self._users.get(user_id) or self._register_user(
                user_id, first_name, None, None, "en"
            )
            inline: JSONDict = {
                "id": self._new_query_id(),
                "from": dict(user),
                "query": query,
                "offset": offset,
            }
            if chat_type is not None:
                inline["chat_type"] = chat_type
            self._inline_queries[inline["id"]] = _PendingQuery(inline)
            self._enqueue({"inline_query": copy.deepcopy(inline)})
            return str(inline["id"])

    # ----------------------------------------------------------------------------------
    # fault injection and switches
    # ----------------------------------------------------------------------------------

    def inject(
        self,
        method: str,
        status: int | None = None,
        *,
        retry_after: int | None = None,
        hang_seconds: float = 0.0,
        times: int = 1,
        description: str | None = None,
        proxy_page: bool = False,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" for any) fail or hang.

        ``status=429`` answers "Too Many Requests: retry after N" with
        ``parameters.retry_after`` (``retry_after`` defaults to 1); other statuses answer
        with ``description`` or the status' usual text. ``hang_seconds`` delays the call
        (then it fails with ``status`` if given, else is served normally); stop() cuts
        the delay short. ``proxy_page`` answers an HTML error page instead of JSON, as a
        reverse proxy in front of the Bot API does (nginx's "502 Bad Gateway").
        """
        if status is None and hang_seconds <= 0:
            raise ValueError("inject() needs a status or hang_seconds")
        if times < 1:
            raise ValueError("times must be at least 1")
        if status == 429 and retry_after is None:
            retry_after = 1
        entry = self._methods.get(method.lower())
        name = entry[0] if entry is not None and method != "*" else method
        with self._cond:
            self._faults.append(
                _Fault(name, status, retry_after, hang_seconds, times, description, proxy_page)
            )

    def clear_faults(self) -> None:
        with self._cond:
            self._faults.clear()

    def block_user(self, chat_id: int) -> None:
        """From now on sending to ``chat_id`` fails with 403 "bot was blocked by the user"."""
        with self._cond:
            self._blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        with self._cond:
            self._blocked.discard(chat_id)

    @property
    def second_poller(self) -> bool:
        """While True, getUpdates fails with 409 as if another bot instance were polling."""
        with self._cond:
            return self._second_poller

    @second_poller.setter
    def second_poller(self, active: bool) -> None:
        with self._cond:
            self._second_poller = active
            self._cond.notify_all()

    # ----------------------------------------------------------------------------------
    # recorded state
    # ----------------------------------------------------------------------------------

    @property
    def requests(self) -> list[tuple[str, JSONDict]]:
        """Every authorised request as (method, params), in order of arrival."""
        with self._cond:
            return copy.deepcopy(self._requests)

    def calls(self, method: str) -> list[JSONDict]:
        """The params of every request of ``method``."""
        with self._cond:
            return [copy.deepcopy(params) for name, params in self._requests if name == method]

    @property
    def errors(self) -> list[tuple[str, JSONDict, int, str]]:
        """Every rejected request as (method, params, status, description)."""
        with self._cond:
            return copy.deepcopy(self._errors)

    def clear_records(self) -> None:
        """Forget recorded requests and errors (not messages or settings)."""
        with self._cond:
            self._requests.clear()
            self._errors.clear()

    def bot_messages(self, chat_id: int) -> list[BotMessage]:
        """Snapshots of the bot's messages in a chat, oldest first."""
        with self._cond:
            return copy.deepcopy(self._bot_messages.get(chat_id, []))

    @property
    def answered_callbacks(self) -> dict[str, JSONDict]:
        """callback query id -> params of its answerCallbackQuery."""
        with self._cond:
            return copy.deepcopy(self._answered_callbacks)

    @property
    def inline_answers(self) -> dict[str, JSONDict]:
        """inline query id -> params of its answerInlineQuery (results parsed)."""
        with self._cond:
            return copy.deepcopy(self._inline_answers)

    @property
    def descriptions(self) -> dict[str, str]:
        """language code ("" = default) -> description set with setMyDescription."""
        with self._cond:
            return dict(self._descriptions)

    @property
    def short_descriptions(self) -> dict[str, str]:
        with self._cond:
            return dict(self._short_descriptions)

    @property
    def commands(self) -> list[JSONDict]:
        """The command list for the default scope and no language."""
        return self.commands_for()

    def commands_for(
        self, scope: JSONDict | None = None, language_code: str = ""
    ) -> list[JSONDict]:
        with self._cond:
            return copy.deepcopy(self._commands.get(self._scope_key(scope, language_code), []))

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Queued updates not yet confirmed by a getUpdates offset."""
        with self._cond:
            return copy.deepcopy(self._updates)

    @property
    def withheld_updates(self) -> list[JSONDict]:
        """Group messages not delivered because of group privacy mode."""
        with self._cond:
            return copy.deepcopy(self._withheld)

    @property
    def webhook_url(self) -> str:
        with self._cond:
            return self._webhook_url

    # ----------------------------------------------------------------------------------
    # waiting helpers (for tests whose bot runs in another thread or process)
    # ----------------------------------------------------------------------------------

    def wait_until(
        self, predicate: Callable[[], bool], timeout: float = 5.0, message: str = ""
    ) -> None:
        """Return once ``predicate()`` is true; AssertionError after ``timeout`` seconds.

        The predicate is re-checked on every change of the server's state and at least
        every 50 ms, without the server's lock held.
        """
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(message or f"condition not met within {timeout}s")
            with self._cond:
                self._cond.wait(min(remaining, 0.05))

    def wait_for_messages(
        self, chat_id: int, count: int = 1, timeout: float = 5.0
    ) -> list[BotMessage]:
        """Return the chat's bot messages once the bot has sent at least ``count`` there."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._bot_messages.get(chat_id, [])) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._explain_missing_messages(chat_id, count, timeout))
                self._cond.wait(remaining)
            return copy.deepcopy(self._bot_messages[chat_id])

    def wait_for_requests(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[JSONDict]:
        """Return the params of ``method``'s calls once there are at least ``count``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                calls = [params for name, params in self._requests if name == method]
                if len(calls) >= count:
                    return copy.deepcopy(calls)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} {method} request(s) within {timeout}s, got"
                        f" {len(calls)}; errors: {self._errors[-5:]!r}"
                    )
                self._cond.wait(remaining)

    def wait_for_callback_answer(self, callback_id: str, timeout: float = 5.0) -> JSONDict:
        """Return the params of the answerCallbackQuery for ``callback_id``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while callback_id not in self._answered_callbacks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    tried = [
                        (params.get("callback_query_id"), description)
                        for name, params, _, description in self._errors
                        if name == "answerCallbackQuery"
                    ]
                    raise AssertionError(
                        f"callback query {callback_id} not answered within {timeout}s;"
                        f" rejected answers: {tried!r}"
                    )
                self._cond.wait(remaining)
            return copy.deepcopy(self._answered_callbacks[callback_id])

    def wait_idle(self, timeout: float = 5.0, quiet: float = 0.2) -> None:
        """Return once every queued update was confirmed (fetched, then a later offset
        was sent), no request other than a waiting long poll is in progress, and
        nothing has arrived for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                now = time.monotonic()
                silent_for = now - self._last_activity
                if not self._updates and self._in_flight == 0 and silent_for >= quiet:
                    return
                if now >= deadline:
                    raise AssertionError(
                        f"server not idle within {timeout}s: {len(self._updates)} unconfirmed"
                        f" update(s), {self._in_flight} request(s) in progress, last activity"
                        f" {silent_for:.2f}s ago"
                    )
                self._cond.wait(min(deadline - now, max(quiet - silent_for, 0.01)))

    def _explain_missing_messages(self, chat_id: int, count: int, timeout: float) -> str:
        received = [record.text for record in self._bot_messages.get(chat_id, [])]
        lines = [
            f"expected at least {count} bot message(s) in chat {chat_id} within {timeout}s,"
            f" received {len(received)}: {received!r}"
        ]
        if self._errors:
            lines.append(f"rejected requests: {self._errors[-5:]!r}")
        if self._updates:
            lines.append(f"{len(self._updates)} update(s) still unconfirmed (is the bot polling?)")
        withheld = [
            update for update in self._withheld if update["message"]["chat"]["id"] == chat_id
        ]
        if withheld:
            lines.append(f"{len(withheld)} message(s) withheld by group privacy mode")
        return "; ".join(lines)

    # ----------------------------------------------------------------------------------
    # internals: registry
    # ----------------------------------------------------------------------------------

    def _bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _register_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return user

    def _register_chat(
        self, chat_id: int, chat_type: str, user: JSONDict, title: str | None
    ) -> JSONDict:
        chat: JSONDict = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            for key in ("first_name", "last_name", "username"):
                if key in user:
                    chat[key] = user[key]
        else:
            known = self._chats.get(chat_id)
            chat["title"] = title or (known or {}).get("title") or "Test group"
        self._chats[chat_id] = chat
        return chat

    def _absorb_user(self, user: Any) -> None:
        if isinstance(user, dict) and isinstance(user.get("id"), int) and not user.get("is_bot"):
            self._users[user["id"]] = dict(user)

    def _absorb_chat(self, chat: Any) -> None:
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            self._chats[chat["id"]] = dict(chat)

    def _absorb_message(self, message: JSONDict, *, new: bool) -> None:
        chat = message.get("chat")
        if not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
            raise ValueError("a message needs a chat with an integer id")
        self._absorb_chat(chat)
        self._absorb_user(message.get("from"))
        chat_id = chat["id"]
        if "message_id" not in message:
            message["message_id"] = self._take_message_id(chat_id)
        else:
            following = self._next_message_id.get(chat_id, 1)
            self._next_message_id[chat_id] = max(following, int(message["message_id"]) + 1)
        message.setdefault("date", _now())
        if new:
            self._user_messages[(chat_id, message["message_id"])] = copy.deepcopy(message)

    def _take_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _new_query_id(self) -> str:
        number = self._next_query_number
        self._next_query_number += 1
        return str(5_000_000_000_000_000_000 + number)

    def _command_entities(self, text: str) -> list[JSONDict]:
        match = _LEADING_COMMAND.match(text)
        if match is None:
            return []
        return [{"type": "bot_command", "offset": 0, "length": _utf16_len(match.group())}]

    def _visible(self, message: JSONDict) -> bool:
        """Whether group privacy mode lets the bot see a group message."""
        reply = message.get("reply_to_message")
        if isinstance(reply, dict) and (reply.get("from") or {}).get("id") == self.bot_id:
            return True
        for entity in message.get("entities") or []:
            if entity.get("type") == "bot_command" and entity.get("offset") == 0:
                command = message["text"][: entity["length"]]
                _, at, target = command.partition("@")
                return not at or target.lower() == self.bot_username.lower()
        return False

    def _reply_target(self, chat_id: int, message_id: int) -> JSONDict:
        record = self._bot_index.get((chat_id, message_id))
        if record is not None:
            target = self._message_json(record)
        else:
            stored = self._user_messages.get((chat_id, message_id))
            target = (
                copy.deepcopy(stored)
                if stored is not None
                else {
                    "message_id": message_id,
                    "date": _now(),
                    "chat": dict(self._chats[chat_id]),
                }
            )
        target.pop("reply_to_message", None)
        return target

    def _enqueue(self, update: JSONDict) -> JSONDict:
        if "update_id" in update:
            self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        else:
            update["update_id"] = self._next_update_id
            self._next_update_id += 1
        self._updates.append(update)
        self._cond.notify_all()
        return copy.deepcopy(update)

    def _message_json(self, record: BotMessage) -> JSONDict:
        message: JSONDict = {
            "message_id": record.message_id,
            "from": self._bot_user(),
            "chat": dict(self._chats[record.chat_id]),
            "date": record.date,
            "text": record.text,
        }
        if record.entities:
            message["entities"] = copy.deepcopy(record.entities)
        if record.edit_date is not None:
            message["edit_date"] = record.edit_date
        if record.inline_keyboard:
            message["reply_markup"] = copy.deepcopy(record.reply_markup)
        if record.reply_to_message_id is not None:
            message["reply_to_message"] = self._reply_target(
                record.chat_id, record.reply_to_message_id
            )
        return message

    @staticmethod
    def _scope_key(scope: Any, language_code: Any) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")

    # ----------------------------------------------------------------------------------
    # internals: HTTP request handling
    # ----------------------------------------------------------------------------------

    def _handle(self, raw_path: str, content_type: str, body: bytes) -> tuple[int, JSONDict | str]:
        """(status, JSON body, or an HTML page as a proxy would send it)."""
        split = urlsplit(raw_path)
        match = re.fullmatch(r"/bot([^/]*)/([^/]*)", split.path)
        if match is None:
            return 404, _APIError(404, NOT_FOUND).body()
        token, method = match.groups()
        try:
            params = self._parse_params(split.query, content_type, body)
        except _APIError as error:
            with self._cond:
                self._record_error(method, {}, error)
            return error.status, error.body()
        if token != self.token:
            refusal = _APIError(401, UNAUTHORIZED)
            with self._cond:
                self._record_error(method, params, refusal)
            return refusal.status, refusal.body()
        entry = self._methods.get(method.lower())
        with self._cond:
            name = entry[0] if entry is not None else method
            self._requests.append((name, copy.deepcopy(params)))
            # An empty long poll is not activity; a confirming one is (see getUpdates).
            polling = name == "getUpdates"
            if not polling:
                self._in_flight += 1
                self._last_activity = time.monotonic()
            fault = self._take_fault(name)
            self._cond.notify_all()
        result: Any = None
        busy = not polling
        try:
            if fault is not None and fault.hang_seconds > 0:
                self._stop_event.wait(fault.hang_seconds)
            if fault is not None and fault.status is not None:
                raise self._fault_error(fault)
            if entry is None:
                raise _APIError(404, NOT_FOUND)
            with self._cond:
                result = entry[1](params)
            busy = busy or bool(result)
            response: JSONDict = {"ok": True}
            if isinstance(result, _WithDescription):
                response["result"] = result.result
                response["description"] = result.description
            else:
                response["result"] = result
            return 200, response
        except _APIError as error:
            with self._cond:
                self._record_error(name, params, error)
            return error.status, error.page or error.body()
        except Exception as exception:  # a bug in the fake: report it, don't hang the bot
            failure = _APIError(500, f"Internal Server Error: {exception!r}")
            with self._cond:
                self._record_error(name, params, failure)
            return failure.status, failure.body()
        finally:
            with self._cond:
                if not polling:
                    self._in_flight -= 1
                if busy:
                    self._last_activity = time.monotonic()
                self._cond.notify_all()

    def _record_error(self, method: str, params: JSONDict, error: _APIError) -> None:
        self._errors.append((method, copy.deepcopy(params), error.status, error.description))
        self._cond.notify_all()

    def _take_fault(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.method in (method, "*"):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    @staticmethod
    def _fault_error(fault: _Fault) -> _APIError:
        status = fault.status or 500
        if status == 429:
            retry_after = fault.retry_after or 1
            return _APIError(
                429,
                fault.description or f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        default = {
            400: "Bad Request",
            401: UNAUTHORIZED,
            403: "Forbidden",
            404: NOT_FOUND,
            409: CONFLICT_OTHER_POLLER,
            500: "Internal Server Error",
            502: "Bad Gateway",
        }.get(status, "Error")
        parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
        description = fault.description or default
        page = (
            PROXY_PAGE.format(status=status, description=description) if fault.proxy_page else None
        )
        return _APIError(status, description, parameters, page)

    def _parse_params(self, query: str, content_type: str, body: bytes) -> JSONDict:
        params: JSONDict = {}
        for key, value in parse_qsl(query, keep_blank_values=True):
            params[key] = _decode_value(key, value)
        if not body:
            return params
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type == JSON:
            try:
                data = json.loads(body)
            except ValueError:
                raise _bad_request("Bad Request: can't parse JSON request body") from None
            if not isinstance(data, dict):
                raise _bad_request("Bad Request: the JSON request body must be an object")
            for key, value in data.items():
                if key in _JSON_PARAMS and isinstance(value, str):
                    value = _decode_value(key, value)
                params[key] = value
        elif media_type == "multipart/form-data":
            params.update(_parse_multipart(content_type, body))
        else:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise _bad_request("Bad Request: request body is not UTF-8") from None
            for key, value in parse_qsl(text, keep_blank_values=True):
                params[key] = _decode_value(key, value)
        return params

    # ----------------------------------------------------------------------------------
    # internals: validation helpers (called with the lock held)
    # ----------------------------------------------------------------------------------

    def _chat_id(self, params: JSONDict, *, sending: bool = False) -> int:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad_request("Bad Request: chat_id is empty")
        chat_id: int | None = None
        if isinstance(raw, bool):
            chat_id = None
        elif isinstance(raw, int):
            chat_id = raw
        elif isinstance(raw, str) and raw.startswith("@"):
            for known in self._chats.values():
                if str(known.get("username", "")).lower() == raw[1:].lower():
                    chat_id = int(known["id"])
        elif isinstance(raw, str) and re.fullmatch(r"-?\d+", raw):
            chat_id = int(raw)
        if chat_id is None or chat_id not in self._chats:
            raise _bad_request(CHAT_NOT_FOUND)
        if sending and chat_id in self._blocked:
            raise _APIError(403, BOT_BLOCKED)
        return chat_id

    def _text(
        self, raw: Any, parse_mode: Any, entities: Any
    ) -> tuple[str, list[JSONDict], str | None]:
        """Validate message text; returns (plain text, entities, normalised parse_mode)."""
        if raw is None or raw == "":
            raise _bad_request(TEXT_EMPTY)
        text = str(raw)
        mode = str(parse_mode) if parse_mode else None
        parsed_entities: list[JSONDict] = []
        if mode is None:
            if entities is not None:
                if not isinstance(entities, list) or not all(
                    isinstance(entity, dict) for entity in entities
                ):
                    raise _bad_request("Bad Request: can't parse entities JSON object")
                parsed_entities = copy.deepcopy(entities)
            plain = text
        elif mode.lower() == "html":
            try:
                plain, parsed_entities = parse_html(text)
            except ValueError as error:
                raise _bad_request(CANT_PARSE_ENTITIES + str(error)) from None
        elif mode.lower() in ("markdown", "markdownv2"):
            plain = text
        else:
            raise _bad_request(f"Bad Request: unsupported parse_mode {mode}")
        plain, parsed_entities = _strip_text(plain, parsed_entities)
        if not plain:
            raise _bad_request(TEXT_EMPTY)
        if len(plain) > MAX_TEXT_LENGTH:
            raise _bad_request(TEXT_TOO_LONG)
        return plain, parsed_entities, mode

    def _reply_markup(self, markup: Any, *, inline_only: bool = False) -> JSONDict | None:
        """Validate reply_markup; an inline keyboard without buttons counts as none."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad_request(MARKUP_UNPARSABLE)
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            _check_rows(rows)
            count = 0
            for row in rows:
                for button in row:
                    count += 1
                    _check_inline_button(button)
            if count > MAX_BUTTONS:
                raise _bad_request(BUTTONS_TOO_MUCH)
            return copy.deepcopy(markup) if count else None
        if inline_only:
            raise _bad_request(INLINE_KEYBOARD_EXPECTED)
        if "keyboard" in markup:
            rows = markup["keyboard"]
            _check_rows(rows)
            for row in rows:
                for button in row:
                    label = button.get("text") if isinstance(button, dict) else button
                    if not isinstance(label, str) or not label.strip():
                        raise _bad_request(BUTTON_TEXT_INVALID)
            return copy.deepcopy(markup)
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return copy.deepcopy(markup)
        raise _bad_request(MARKUP_UNPARSABLE)

    def _message_exists(self, chat_id: int, message_id: int) -> bool:
        key = (chat_id, message_id)
        return key in self._bot_index or key in self._user_messages

    def _reply_to(self, chat_id: int, params: JSONDict) -> int | None:
        reply = params.get("reply_parameters")
        message_id: Any = None
        allow_missing = bool(params.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
            if reply.get("chat_id") not in (None, chat_id):
                return None  # replies into other chats are not modelled
        elif reply is not None:
            raise _bad_request("Bad Request: can't parse reply parameters JSON object")
        else:
            message_id = params.get("reply_to_message_id")
        if message_id is None:
            return None
        if not isinstance(message_id, int) or not self._message_exists(chat_id, message_id):
            if allow_missing:
                return None
            raise _bad_request(REPLY_NOT_FOUND)
        return message_id

    def _edit_target(self, params: JSONDict) -> BotMessage | None:
        """The bot message an edit refers to; None for inline messages."""
        if params.get("inline_message_id"):
            return None
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise _bad_request("Bad Request: message identifier is not specified")
        if not self._message_exists(chat_id, message_id):
            raise _bad_request(EDIT_NOT_FOUND)
        record = self._bot_index.get((chat_id, message_id))
        if record is None:
            raise _bad_request(CANT_BE_EDITED)
        return record

    # ----------------------------------------------------------------------------------
    # Bot API methods (called with the lock held)
    # ----------------------------------------------------------------------------------

    def _api_get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.group_privacy,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _confirm(self, offset: int) -> None:
        """Forget updates confirmed by ``offset`` and those not subscribed to."""
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        allowed = self._allowed_updates
        self._updates = [
            u
            for u in self._updates
            if (
                (set(u) - {"update_id"}).isdisjoint(_OPT_IN_UPDATES)
                if allowed is None
                else not (set(u) - {"update_id"}).isdisjoint(allowed)
            )
        ]

    def _api_get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self._webhook_url:
            raise _APIError(409, CONFLICT_WEBHOOK)
        if self._second_poller:
            raise _APIError(409, CONFLICT_OTHER_POLLER)
        offset = _int_param(params, "offset", 0)
        limit = min(max(_int_param(params, "limit", 100), 1), 100)
        timeout = params.get("timeout", 0)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise _bad_request("Bad Request: wrong parameter timeout")
        allowed = params.get("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
                raise _bad_request("Bad Request: can't parse allowed updates JSON object")
            self._allowed_updates = frozenset(allowed) if allowed else None
        deadline = time.monotonic() + max(float(timeout), 0.0)
        queued = len(self._updates)
        self._confirm(offset)
        if len(self._updates) < queued:
            self._last_activity = time.monotonic()  # the bot took updates: expect replies
        while True:
            self._confirm(offset)
            if self._updates or self._stopping:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._cond.wait(remaining)
            if self._second_poller:
                raise _APIError(409, CONFLICT_OTHER_POLLER)
        if self._stopping:
            return []
        return copy.deepcopy(self._updates[:limit])

    def _api_set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise _bad_request(
                "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        self._webhook_url = url
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._cond.notify_all()
        return True

    def _api_delete_webhook(self, params: JSONDict) -> _WithDescription:
        had_webhook = bool(self._webhook_url)
        self._webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._cond.notify_all()
        return _WithDescription(
            True, "Webhook was deleted" if had_webhook else "Webhook is already deleted"
        )

    def _api_send_message(self, params: JSONDict) -> JSONDict:
        chat_id = self._chat_id(params, sending=True)
        text, entities, mode = self._text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        markup = self._reply_markup(params.get("reply_markup"))
        reply_to = self._reply_to(chat_id, params)
        record = BotMessage(
            chat_id=chat_id,
            message_id=self._take_message_id(chat_id),
            text=text,
            html=str(params["text"]),
            parse_mode=mode,
            entities=entities,
            reply_markup=markup,
            date=_now(),
            reply_to_message_id=reply_to,
            params=copy.deepcopy(params),
        )
        self._bot_messages.setdefault(chat_id, []).append(record)
        self._bot_index[(chat_id, record.message_id)] = record
        self._cond.notify_all()
        return self._message_json(record)

    def _api_edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        text, entities, mode = self._text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        markup = self._reply_markup(params.get("reply_markup"), inline_only=True)
        record = self._edit_target(params)
        if record is None:
            return True
        current_markup = record.reply_markup if record.inline_keyboard else None
        if (text, entities, markup) == (record.text, record.entities, current_markup):
            raise _bad_request(MESSAGE_NOT_MODIFIED)
        if text != record.text:
            record.history.append(record.text)
        record.text = text
        record.html = str(params["text"])
        record.parse_mode = mode
        record.entities = entities
        record.reply_markup = markup
        record.edit_date = _now()
        record.params = copy.deepcopy(params)
        self._cond.notify_all()
        return self._message_json(record)

    def _api_edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        markup = self._reply_markup(params.get("reply_markup"), inline_only=True)
        record = self._edit_target(params)
        if record is None:
            return True
        current_markup = record.reply_markup if record.inline_keyboard else None
        if markup == current_markup:
            raise _bad_request(MESSAGE_NOT_MODIFIED)
        record.reply_markup = markup
        record.edit_date = _now()
        self._cond.notify_all()
        return self._message_json(record)

    def _api_answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        pending = self._callback_queries.get(query_id)
        if pending is None or pending.answered:
            raise _bad_request(QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request(CALLBACK_TEXT_TOO_LONG)
        pending.answered = True
        self._answered_callbacks[query_id] = copy.deepcopy(params)
        self._cond.notify_all()
        return True

    def _api_answer_inline_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("inline_query_id") or "")
        pending = self._inline_queries.get(query_id)
        if pending is None or pending.answered:
            raise _bad_request(QUERY_TOO_OLD)
        results = params.get("results")
        if not isinstance(results, list):
            raise _bad_request("Bad Request: can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad_request(RESULTS_TOO_MUCH)
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or not isinstance(result.get("type"), str):
                raise _bad_request("Bad Request: can't parse inline query result JSON object")
            result_id = result.get("id")
            if not isinstance(result_id, str) or not (
                1 <= len(result_id.encode("utf-8")) <= MAX_INLINE_RESULT_ID_BYTES
            ):
                raise _bad_request(RESULT_ID_INVALID)
            if result_id in seen:
                raise _bad_request(RESULT_ID_DUPLICATE)
            seen.add(result_id)
            content = result.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                self._text(
                    content.get("message_text"),
                    content.get("parse_mode"),
                    content.get("entities"),
                )
            if result.get("reply_markup") is not None:
                self._reply_markup(result["reply_markup"], inline_only=True)
        next_offset = params.get("next_offset")
        if next_offset is not None and len(str(next_offset).encode("utf-8")) > 64:
            raise _bad_request("Bad Request: NEXT_OFFSET_INVALID")
        pending.answered = True
        self._inline_answers[query_id] = copy.deepcopy(params)
        self._cond.notify_all()
        return True

    def _command_scope(self, params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope")
        if scope is not None:
            if not isinstance(scope, dict) or scope.get("type") not in _COMMAND_SCOPES:
                raise _bad_request("Bad Request: can't parse BotCommandScope JSON object")
            if scope["type"] in ("chat", "chat_administrators", "chat_member"):
                self._chat_id(scope)
        return self._scope_key(scope, params.get("language_code"))

    def _set_text_setting(
        self, store: dict[str, str], params: JSONDict, key: str, limit: int
    ) -> bool:
        value = str(params.get(key) or "")
        if len(value) > limit:
            raise _bad_request(f"Bad Request: {key.replace('_', ' ')} is too long")
        language = str(params.get("language_code") or "")
        if value:
            store[language] = value
        else:
            store.pop(language, None)
        self._cond.notify_all()
        return True

    def _api_set_my_description(self, params: JSONDict) -> bool:
        return self._set_text_setting(
            self._descriptions, params, "description", MAX_DESCRIPTION_LENGTH
        )

    def _api_set_my_short_description(self, params: JSONDict) -> bool:
        return self._set_text_setting(
            self._short_descriptions, params, "short_description", MAX_SHORT_DESCRIPTION_LENGTH
        )

    def _api_set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("Bad Request: can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise _bad_request(BOT_COMMANDS_TOO_MUCH)
        cleaned: list[JSONDict] = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad_request("Bad Request: can't parse BotCommand JSON object")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not _COMMAND_NAME.fullmatch(name):
                raise _bad_request(BOT_COMMAND_INVALID)
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad_request(BOT_COMMAND_DESCRIPTION_INVALID)
            cleaned.append({"command": name, "description": description})
        key = self._command_scope(params)
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        self._cond.notify_all()
        return True


# --------------------------------------------------------------------------------------
# module helpers
# --------------------------------------------------------------------------------------


def _decode_value(key: str, raw: str) -> Any:
    """Turn a form value into what the Bot API means by it."""
    if key in _STRING_PARAMS:
        return raw
    if key in _JSON_PARAMS:
        try:
            return json.loads(raw)
        except ValueError:
            if key == "reply_markup":
                raise _bad_request(MARKUP_UNPARSABLE) from None
            raise _bad_request(f"Bad Request: can't parse {key} JSON object") from None
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return raw if isinstance(value, str) else value


def _parse_multipart(content_type: str, body: bytes) -> JSONDict:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = message_from_bytes(head + body, policy=email.policy.HTTP)
    if not message.is_multipart():
        raise _bad_request("Bad Request: can't parse multipart/form-data body")
    params: JSONDict = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            params[name] = {"file_name": filename, "size": len(content)}
        else:
            params[name] = _decode_value(name, content.decode("utf-8"))
    return params


def _int_param(params: JSONDict, key: str, default: int) -> int:
    value = params.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad_request(f"Bad Request: wrong parameter {key}")
    return value


def _check_rows(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request(MARKUP_UNPARSABLE)


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad_request(MARKUP_UNPARSABLE)
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _bad_request(BUTTON_TEXT_INVALID)
    actions = [key for key in _INLINE_BUTTON_ACTIONS if key in button]
    if not actions:
        raise _bad_request(BUTTON_NO_ACTION)
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not (
            1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
        ):
            raise _bad_request(BUTTON_DATA_INVALID)
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not re.match(r"(https?|tg)://\S+$", url):
            raise _bad_request(BUTTON_URL_INVALID)
