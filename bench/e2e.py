"""End to end: updates per second and reply latency of the real Application.

The bot is `build_application(settings, content)` as production builds it,
polling (`start_polling(poll_interval=0)`) the local Bot API server
(tests/fake_bot_api), which runs in a child process so that the bot has this
process to itself. The server plays many users sending private messages (the
real messages of bench.latency, round robin) and timestamps each message as it
queues it and each sendMessage as it arrives: latency = reply - message.

Flood limits: the local server injects no 429s; the bot's AIORateLimiter holds
its sends to Telegram's 30 messages/s, so tests.support.bots.lift_flood_limits
lifts that limit to measure what the bot itself can handle. A burst queues every message
at once (updates/s); a paced run at half that rate shows the reply latency under
a steady load.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import tempfile
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from unittest import mock

from bench.stats import Latency
from bot.config import Settings
from bot.content import Content
from bot.telegram.app import FaqApplication, build_application
from tests.fake_bot_api import FakeBotAPI
from tests.fake_bot_api import server as fake_server
from tests.support.bots import lift_flood_limits

FIRST_USER = 500_000
WARM_UP = 50
Batch = list[tuple[int, str]]


@dataclass(frozen=True)
class Run:
    mode: str
    messages: int
    replies: int
    errors: int
    updates_per_s: float  # replies / (last reply - first message), wall time
    latency: Latency
    bot_cpu_s: float = math.nan  # CPU time of the bot's process during the run

    @property
    def per_bot_cpu_s(self) -> float:
        """Replies per CPU-second of the bot: its throughput on a core of its own."""
        return self.replies / self.bot_cpu_s if self.bot_cpu_s > 0 else math.nan


class _DeepBacklog(fake_server._HTTPServer):
    # The bot opens several connections at once; socketserver's backlog of 5
    # would drop some, which measures the server rather than the bot.
    request_queue_size = 1024


class _TimedServer(FakeBotAPI):
    """The local server, also noting when each user's messages are queued and answered."""

    def __init__(self) -> None:
        super().__init__()
        self.queued: dict[int, list[float]] = {}
        self.replied: dict[int, list[float]] = {}

    def start(self) -> FakeBotAPI:
        with mock.patch.object(fake_server, "_HTTPServer", _DeepBacklog):
            return super().start()

    def _api_send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = super()._api_send_message(params)
        self.replied.setdefault(int(result["chat"]["id"]), []).append(time.perf_counter())
        return result

    def play(self, batch: Batch, rate: float, timeout: float) -> Run:
        """Queue the batch (at once, or `rate` per second) and wait for every reply."""
        with self._cond:
            self.queued.clear()
            self.replied.clear()
            self.clear_records()
        start = time.perf_counter()
        for i, (user, text) in enumerate(batch):
            if rate > 0:
                time.sleep(max(0.0, start + i / rate - time.perf_counter()))
            self.queued.setdefault(user, []).append(time.perf_counter())
            self.send_message(text, user_id=user)

        def replies() -> int:
            return sum(map(len, self.replied.values()))

        with contextlib.suppress(AssertionError):  # timed out: the figures show what is missing
            self.wait_until(lambda: replies() >= len(batch), timeout)
        with self._cond:
            pairs = [
                (q, r)
                for chat, times in self.queued.items()
                for q, r in zip(times, self.replied.get(chat, []), strict=False)
            ]
        span = max((r for _, r in pairs), default=0.0) - min((q for q, _ in pairs), default=0.0)
        mode = "burst" if rate == 0 else f"paced {rate:.0f}/s"
        latency = Latency.of_ms([(r - q) * 1000 for q, r in pairs])
        per_s = len(pairs) / span if span > 0 else math.nan
        return Run(mode, len(batch), replies(), len(self.errors), per_s, latency)


def _serve(conn: Connection) -> None:
    """Child process: a _TimedServer obeying ("play", batch, rate, timeout) or ("stop",)."""
    server = _TimedServer()
    server.start()
    conn.send((server.base_url, server.token))
    try:
        while (command := conn.recv())[0] == "play":
            conn.send(server.play(*command[1:]))
    finally:
        server.stop()


def _batch(messages: list[str], count: int, users: int, first: int = 0) -> Batch:
    return [
        (FIRST_USER + first + i % users, messages[(first + i) % len(messages)])
        for i in range(count)
    ]


async def _drive(app: FaqApplication, conn: Connection, batches: list[Batch]) -> list[Run]:
    def play(batch: Batch, rate: float) -> Run:
        cpu = time.process_time()  # this process: the bot (the server is the child's)
        conn.send(("play", batch, rate, 300.0))
        run: Run = conn.recv()
        return replace(run, bot_cpu_s=time.process_time() - cpu)

    async with app:
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            warm, burst, paced = batches
            await asyncio.to_thread(play, warm, 0.0)
            runs = [await asyncio.to_thread(play, burst, 0.0)]
            rate = max(10.0, round(runs[0].updates_per_s / 2, -1))  # NaN: 10/s
            runs.append(await asyncio.to_thread(play, paced, rate))
        finally:
            await app.updater.stop()
            await app.stop()
    return runs


def run(content: Content, messages: list[str], count: int, users: int) -> list[Run]:
    spawn = multiprocessing.get_context("spawn")
    conn, child_end = spawn.Pipe()
    child = spawn.Process(target=_serve, args=(child_end,), name="bench-bot-api", daemon=True)
    child.start()
    try:
        base_url, token = conn.recv()
        with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
            data = Path(tmp)
            settings = Settings(token, base_url, Path(content.path), data, "WARNING")
            app = build_application(settings, content)
            lift_flood_limits(app)
            batches = [
                _batch(messages, WARM_UP, WARM_UP, first=2 * count),
                _batch(messages, count, users),
                _batch(messages, count, users, first=count),
            ]
            return asyncio.run(_drive(app, conn, batches))
    finally:
        conn.send(("stop",))
        child.join(timeout=10)
        if child.is_alive():
            child.terminate()
