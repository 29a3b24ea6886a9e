"""AiohttpRequest behaves as PTB's HTTPXRequest: same request on the wire, same
exceptions for the same answers and failures, the same timeouts; and ReplyBot's
send_reply sends what send_message sends.

Each behaviour test runs against both classes, so a difference shows up as one
class failing. The servers are tiny asyncio servers on 127.0.0.1 that answer,
hang, or stop reading, as each test needs.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.replybot import ReplyBot
from bot.telegram.request import AiohttpRequest, env_proxy

# Generous bound on any one test's network wait: a hang guard, not a timing assertion.
GUARD = 20.0
TOKEN = "123456:ABC-fake-token"

RequestClass = Callable[..., BaseRequest]


@dataclass
class Seen:
    """What a test server received."""

    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, request: tuple[str, str, dict[str, str], bytes]) -> None:
        self.requests.append(request)
        self.arrived.set()

    async def wait_for(self, count: int) -> None:
        while len(self.requests) < count:
            self.arrived.clear()
            await self.arrived.wait()


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, Seen], Awaitable[None]]


async def read_request(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return method, path, headers, body


def answering(status: int, payload: dict[str, Any]) -> Handler:
    """Answer every request with `status` and the JSON `payload`."""
    data = json.dumps(payload).encode()

    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen
    ) -> None:
        while True:
            try:
                seen.add(await read_request(reader))
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            writer.write(
                f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n".encode()
                + data
            )
            await writer.drain()

    return handle


async def never_answering(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen
) -> None:
    seen.add(await read_request(reader))
    await asyncio.sleep(GUARD * 2)


async def never_reading(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen
) -> None:
    await asyncio.sleep(GUARD * 2)


@asynccontextmanager
async def serving(handler: Handler) -> AsyncIterator[tuple[str, Seen]]:
    """A server on 127.0.0.1 running `handler` per connection; yields (base URL, Seen)."""
    seen = Seen()
    tasks: set[asyncio.Task[None]] = set()

    async def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            await handler(reader, writer, seen)
        except asyncio.CancelledError:
            pass
        finally:
            writer.close()

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a stalled upload stalls soon
    sock.bind(("127.0.0.1", 0))
    server = await asyncio.start_server(on_connection, sock=sock)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/bot{TOKEN}", seen
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


@pytest.fixture(params=[AiohttpRequest, HTTPXRequest], ids=["aiohttp", "httpx"])
def request_class(request: pytest.FixtureRequest) -> RequestClass:
    cls: RequestClass = request.param
    return cls


def params(**values: Any) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in values.items()])


MARKUP = InlineKeyboardMarkup([[InlineKeyboardButton("Yes ✅", callback_data="y:1")]])
TEXT = "<b>Hi</b> & ünïcode 🙂"
SEND = {"chat_id": 42, "text": TEXT, "reply_markup": MARKUP}


async def post(
    request: BaseRequest, url: str, data: RequestData | None = None, **timeouts: float
) -> Any:
    async with request:
        return await asyncio.wait_for(request.post(url, data, **timeouts), GUARD)


# -- the same request on the wire ------------------------------------------------------


@pytest.mark.asyncio
async def test_the_request_on_the_wire_is_httpxs() -> None:
    """Form-encoded JSON parameters, byte for byte; the same method and content type."""
    ok = {"ok": True, "result": True}
    bodies = []
    for cls in (AiohttpRequest, HTTPXRequest):
        async with serving(answering(200, ok)) as (base, seen):
            assert await post(cls(), f"{base}/sendMessage", params(**SEND)) is True
        ((method, path, headers, body),) = seen.requests
        assert (method, path) == ("POST", f"/bot{TOKEN}/sendMessage")
        assert headers["content-type"] == "application/x-www-form-urlencoded"
        assert headers["user-agent"] == BaseRequest.USER_AGENT
        bodies.append(body)
    assert bodies[0] == bodies[1]


@pytest.mark.asyncio
async def test_files_are_uploaded_as_multipart_with_the_other_parameters() -> None:
    ok = {"ok": True, "result": True}
    parts: list[dict[str, tuple[str | None, bytes]]] = []
    for cls in (AiohttpRequest, HTTPXRequest):
        data = params(chat_id=42, document=InputFile(b"%PDF-1.4 bytes", filename="a.pdf"))
        async with serving(answering(200, ok)) as (base, seen):
            await post(cls(), f"{base}/sendDocument", data)
        ((_, _, headers, body),) = seen.requests
        assert headers["content-type"].startswith("multipart/form-data; boundary=")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {headers['content-type']}\r\n\r\n".encode() + body
        )
        found = {}
        for part in message.iter_parts():
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            found[str(part.get_param("name", header="content-disposition"))] = (
                part.get_filename(),
                payload,
            )
        parts.append(found)
    assert parts[0] == parts[1]
    assert parts[0]["chat_id"] == (None, b"42")
    assert ("a.pdf", b"%PDF-1.4 bytes") in parts[0].values()


# -- answers map to PTB's exceptions (BaseRequest does it, for both) ----------------------


@pytest.mark.parametrize(
    ("status", "payload", "error", "text"),
    [
        (429, {"ok": False, "description": "Too Many Requests: retry after 3", "parameters": {"retry_after": 3}}, RetryAfter, "3"),
        (403, {"ok": False, "description": "Forbidden: bot was blocked by the user"}, Forbidden, "blocked"),
        (400, {"ok": False, "description": "Bad Request: chat not found"}, BadRequest, "(?i)chat not found"),
        (500, {"ok": False, "description": "Internal Server Error"}, NetworkError, "Internal"),
        (502, {"ok": False, "description": "Bad Gateway"}, NetworkError, "Bad Gateway"),
    ],
)  # fmt: skip
@pytest.mark.asyncio
async def test_answers_become_ptbs_exceptions(
    request_class: RequestClass,
    status: int,
    payload: dict[str, Any],
    error: type[Exception],
    text: str,
) -> None:
    async with serving(answering(status, payload)) as (base, _):
        with pytest.raises(error, match=text) as raised:
            await post(request_class(), f"{base}/sendMessage", params(**SEND))
    assert type(raised.value) is error


@pytest.mark.asyncio
async def test_a_good_answer_is_parsed(request_class: RequestClass) -> None:
    result = {"message_id": 5, "text": "ünïcode 🙂"}
    async with serving(answering(200, {"ok": True, "result": result})) as (base, _):
        assert await post(request_class(), f"{base}/sendMessage", params(**SEND)) == result


# -- transport failures and timeouts -----------------------------------------------------


@pytest.mark.asyncio
async def test_nothing_listening_is_a_network_error(request_class: RequestClass) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connection refused
        with pytest.raises(NetworkError) as raised:
            await post(request_class(), f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    assert not isinstance(raised.value, TimedOut)


@pytest.mark.asyncio
async def test_an_answer_that_never_comes_times_out(request_class: RequestClass) -> None:
    async with serving(never_answering) as (base, seen):
        with pytest.raises(TimedOut):
            await post(request_class(), f"{base}/sendMessage", params(**SEND), read_timeout=0.3)
    assert len(seen.requests) == 1  # it was sent, once


@pytest.mark.asyncio
async def test_a_server_that_stops_reading_times_out_the_write(
    request_class: RequestClass,
) -> None:
    big = InputFile(b"x" * (32 << 20), filename="big.bin")  # more than the socket buffers hold
    async with serving(never_reading) as (base, _):
        with pytest.raises(TimedOut):
            await post(
                request_class(read_timeout=GUARD * 2),
                f"{base}/sendDocument",
                params(chat_id=1, document=big),
                write_timeout=0.3,
            )


@pytest.mark.asyncio
async def test_a_full_pool_times_out_without_sending(request_class: RequestClass) -> None:
    async with serving(never_answering) as (base, seen):
        request = request_class(connection_pool_size=1, read_timeout=GUARD * 2)
        async with request:
            first = asyncio.create_task(request.post(f"{base}/sendMessage", params(**SEND)))
            await asyncio.wait_for(seen.wait_for(1), GUARD)
            with pytest.raises(TimedOut, match="Pool timeout"):
                await asyncio.wait_for(
                    request.post(f"{base}/sendMessage", params(**SEND), pool_timeout=0.2), GUARD
                )
            first.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first
        assert len(seen.requests) == 1  # the second request never reached the server


@pytest.mark.asyncio
async def test_a_cancelled_request_frees_its_pool_slot() -> None:
    async with serving(never_answering) as (base, seen):
        request = AiohttpRequest(connection_pool_size=1, read_timeout=GUARD * 2)
        async with request:
            for expected in (1, 2):
                task = asyncio.create_task(request.post(f"{base}/getMe"))
                await asyncio.wait_for(seen.wait_for(expected), GUARD)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task


# -- life cycle and settings --------------------------------------------------------------


@pytest.mark.asyncio
async def test_life_cycle() -> None:
    request = AiohttpRequest(read_timeout=7.0)
    assert request.read_timeout == 7.0
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/getMe", "POST")
    await request.shutdown()  # before initialize: nothing to do
    ok = {"ok": True, "result": True}
    async with serving(answering(200, ok)) as (base, _):
        for _ in range(2):  # initialize again after a shutdown
            await request.initialize()
            await request.initialize()  # twice is harmless
            assert await request.post(f"{base}/getMe") is True
            await request.shutdown()
            await request.shutdown()
    with pytest.raises(NetworkError, match="not initialized"):  # BaseRequest wraps it
        await request.post(f"{base}/getMe")


def test_a_pool_needs_a_connection() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        AiohttpRequest(connection_pool_size=0)


def test_proxies_come_from_the_environment_as_for_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    url = "https://api.telegram.org/bot1:x/getMe"
    assert env_proxy(url) is None
    monkeypatch.setenv("ALL_PROXY", "http://all.example:3128")
    assert env_proxy(url) == "http://all.example:3128"
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert env_proxy(url) == "http://proxy.example:3128"
    assert env_proxy("http://127.0.0.1:8081/bot1:x/getMe") == "http://all.example:3128"
    monkeypatch.setenv("NO_PROXY", "api.telegram.org")
    assert env_proxy(url) is None


# -- ReplyBot.send_reply = send_message without parsing the answer -------------------------


class Recording(BaseRequest):
    """Records (url, parameters in order); answers with a sent message."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[tuple[str, str]]]] = []

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        fields = request_data.json_parameters if request_data is not None else {}
        self.calls.append((url, list(fields.items())))
        if url.endswith("/getMe"):
            result: dict[str, Any] = {"id": 1, "is_bot": True, "first_name": "B", "username": "b"}
        else:
            result = {"message_id": 9, "date": 0, "chat": {"id": 42, "type": "private"}}
        return 200, json.dumps({"ok": True, "result": result}).encode()


@pytest.mark.parametrize("reply_to", [None, 17])
@pytest.mark.asyncio
async def test_send_reply_sends_what_send_message_sends(reply_to: int | None) -> None:
    recording = Recording()
    bot = ReplyBot(TOKEN, request=recording, get_updates_request=Recording())
    reply_parameters = (
        ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    )
    async with bot:
        sent = await bot.send_message(
            42,
            TEXT,
            parse_mode=ParseMode.HTML,
            reply_markup=MARKUP,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_parameters=reply_parameters,
        )
        assert sent.message_id == 9
        await bot.send_reply(42, TEXT, reply_markup=MARKUP, reply_parameters=reply_parameters)
        await bot.send_reply(42, "no keyboard")
    _, by_send_message, by_send_reply, plain = recording.calls
    assert by_send_message == by_send_reply
    assert by_send_reply[0].endswith("/sendMessage")
    assert [name for name, _ in plain[1]] == [
        "chat_id",
        "text",
        "link_preview_options",
        "parse_mode",
    ]
