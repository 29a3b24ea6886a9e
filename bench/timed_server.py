"""The fake Bot API (tests/fake_bot_api, unchanged) with timestamps, and a way to
run it in a child process.

`TimedFakeBotAPI` subclasses the server and records, under the server's lock,
when each user message is queued, when each sendMessage arrives, and when the
first getUpdates arrives. It never changes what the server answers.

`ServerProcess` runs one in a child process, driven over a pipe, so that the
bot measured in the parent has a core to itself and the server's work (HTTP
parsing, HTML validation, deep copies) is not billed to the bot.

One difference from the server the tests start: a listen backlog of 1024
instead of socketserver's 5. The bot handles several updates at once and opens
that many connections in a burst; with a backlog of 5 the kernel drops some
(TcpExtListenOverflows), httpx reports ReadError and replies get lost, which
measures the fake server rather than the bot.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any
from unittest import mock

from tests.fake_bot_api import FakeBotAPI
from tests.fake_bot_api import server as fake_server

LISTEN_BACKLOG = 1024

JSONDict = dict[str, Any]
SPAWN = multiprocessing.get_context("spawn")


class _DeepBacklogHTTPServer(fake_server._HTTPServer):
    request_queue_size = LISTEN_BACKLOG


class TimedFakeBotAPI(FakeBotAPI):
    """FakeBotAPI recording time.perf_counter() of queued messages, replies and polls."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queued_at: dict[int, list[float]] = {}
        self.replied_at: dict[int, list[float]] = {}
        self.replies = 0
        self.first_poll_at: float | None = None
        self.polls = 0

    def start(self) -> FakeBotAPI:
        with mock.patch.object(fake_server, "_HTTPServer", _DeepBacklogHTTPServer):
            return super().start()

    def reset_timings(self) -> None:
        with self._cond:
            self.queued_at.clear()
            self.replied_at.clear()
            self.replies = 0
            self.clear_records()

    def _enqueue(self, update: JSONDict) -> JSONDict:
        now = time.perf_counter()
        result = super()._enqueue(update)
        message = update.get("message")
        if isinstance(message, dict):
            self.queued_at.setdefault(int(message["chat"]["id"]), []).append(now)
        return result

    def _api_send_message(self, params: JSONDict) -> JSONDict:
        result = super()._api_send_message(params)
        self.replied_at.setdefault(int(result["chat"]["id"]), []).append(time.perf_counter())
        self.replies += 1
        return result

    def _api_get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.first_poll_at is None:
            self.first_poll_at = time.perf_counter()
        self.polls += 1
        return super()._api_get_updates(params)

    def latency_pairs(self) -> list[tuple[float, float]]:
        """(queued, replied) per message: the k-th reply in a chat answers its k-th message
        (each private text message gets exactly one reply, handled in order)."""
        with self._cond:
            pairs: list[tuple[float, float]] = []
            for chat_id, queued in self.queued_at.items():
                replied = self.replied_at.get(chat_id, [])
                pairs.extend(zip(queued, replied, strict=False))
            return pairs


@dataclass
class RunRecord:
    """What the server saw of one batch of messages."""

    pairs: list[tuple[float, float]]
    messages: int
    replies: int
    errors: int
    server_cpu_s: float
    wall_s: float
    first_queued: float
    last_replied: float
    timed_out: bool = False
    error_samples: list[str] = field(default_factory=list)


def _send(server: TimedFakeBotAPI, batch: Sequence[tuple[int, str]], rate: float) -> None:
    start = time.perf_counter()
    for i, (user_id, text) in enumerate(batch):
        if rate > 0:
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        server.send_message(text, user_id=user_id)


def _serve(conn: Connection) -> None:
    """Child process: run a TimedFakeBotAPI and obey commands from the pipe."""
    server = TimedFakeBotAPI()
    server.start()
    conn.send((server.base_url, server.token))
    try:
        while True:
            command, args = conn.recv()
            if command == "stop":
                break
            if command == "reset":
                server.reset_timings()
                conn.send(None)
            elif command == "run":
                batch, rate, timeout = args
                conn.send(_run(server, batch, rate, timeout))
    finally:
        server.stop()
        conn.close()


def _run(
    server: TimedFakeBotAPI, batch: Sequence[tuple[int, str]], rate: float, timeout: float
) -> RunRecord:
    server.reset_timings()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    sender = threading.Thread(target=_send, args=(server, batch, rate), daemon=True)
    sender.start()
    timed_out = False
    try:
        server.wait_until(lambda: server.replies >= len(batch), timeout=timeout)
    except AssertionError:
        timed_out = True
    sender.join()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    pairs = server.latency_pairs()
    errors = server.errors
    queued = [t for times in server.queued_at.values() for t in times]
    replied = [t for times in server.replied_at.values() for t in times]
    return RunRecord(
        pairs=pairs,
        messages=len(batch),
        replies=server.replies,
        errors=len(errors),
        server_cpu_s=cpu,
        wall_s=wall,
        first_queued=min(queued, default=0.0),
        last_replied=max(replied, default=0.0),
        timed_out=timed_out,
        error_samples=[f"{m}: {status} {d}" for m, _, status, d in errors[:3]],
    )


class ServerProcess:
    """A TimedFakeBotAPI in a child process (spawned: no state shared with the parent)."""

    def __init__(self) -> None:
        self._conn, child = SPAWN.Pipe()
        self._process = SPAWN.Process(target=_serve, args=(child,), name="bench-fake-bot-api")
        self._process.start()
        child.close()
        self.base_url, self.token = self._conn.recv()

    def run(
        self, batch: Sequence[tuple[int, str]], rate: float = 0.0, timeout: float = 120.0
    ) -> RunRecord:
        """Queue the messages (all at once, or `rate` per second) and return once every
        one has its reply (or after `timeout` seconds). Blocks: call it in a thread."""
        self._conn.send(("run", (list(batch), rate, timeout)))
        record: RunRecord = self._conn.recv()
        return record

    def stop(self) -> None:
        if self._process.is_alive():
            self._conn.send(("stop", None))
            self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
        self._conn.close()
