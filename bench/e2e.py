"""Section 3: end-to-end throughput of the real Application.

The bot is `build_application(settings, content)` as production builds it,
polling (`start_polling(poll_interval=0.0, timeout=1)`) a fake Bot API server
(tests/fake_bot_api, with timestamps: bench/timed_server.py) that runs in a
child process, so the bot has this process to itself. Users are simulated by
the server: N private text messages from many users, from the real message mix
(bench.messages.stream: no exact repeats). Flood limits are not enforced by the
server.

Variants (only the first is the bot exactly as built; the others change things
in bench code only, never in bot/, to show where the time goes):
  as built            with the AIORateLimiter build_application installs (30
                      messages/s overall, Telegram's limit): fewer messages, it is capped
  flood limits off    the app's AIORateLimiter with its flood limits lifted (its
                      retries kept): what the bot itself can handle
  + events off        also Settings(events_enabled=False) (EVENTS_ENABLED=false):
                      the cost of the SQLite event store
  + canned reply      and a Brain whose on_text returns one precomputed answer:
                      the ceiling of the PTB + httpx pipeline alone

Figures per run: updates/s = messages / (last reply - first message queued);
reply latency = sendMessage received - message queued, per message. A burst
queues every message at once, so its latencies are mostly queueing; a paced run
(flood limits off, at about half the burst throughput) shows latency under a steady load.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import dataclasses
import math
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from telegram.ext import AIORateLimiter

import bot.telegram.app as app_module
from bench.machine import listen_overflows
from bench.messages import FAQ, Message, stream
from bench.stats import Summary, summarize_ms
from bench.timed_server import RunRecord, ServerProcess
from bot.brain import Brain, State
from bot.config import Settings
from bot.content import Content
from bot.replies import Reply
from bot.telegram.app import FaqApplication, build_application

FIRST_USER_ID = 500_000
WARMUP_MESSAGES = 20
SETTINGS_FIELDS = frozenset(f.name for f in dataclasses.fields(Settings))


@dataclass(frozen=True)
class Variant:
    name: str
    limiter: bool = False  # keep AIORateLimiter
    events: bool = True  # keep the event store (when Settings has one)
    canned: bool = False  # CannedBrain instead of Brain
    paced: bool = False  # also a paced run after the burst
    capped: bool = False  # send the smaller message count (the limiter caps it)


AS_BUILT = Variant("as built (AIORateLimiter)", limiter=True, capped=True)
NO_LIMITER = Variant("flood limits off (bench-only)", paced=True)
EVENTS_OFF = Variant("+ events off (bench-only)", events=False)
CANNED = Variant("+ canned reply (bench-only)", events=False, canned=True)
VARIANTS = (AS_BUILT, NO_LIMITER, EVENTS_OFF, CANNED)


class CannedBrain(Brain):
    """Bench only: answers every message with the same, precomputed answer."""

    CANNED_QUESTION = "which foods have magnesium"

    def __init__(self, content: Content) -> None:
        super().__init__(content)
        self._canned = super().on_text({}, self.CANNED_QUESTION)

    def on_text(self, state: State, text: str) -> Reply:
        return self._canned


def flood_limits_off(app: FaqApplication) -> None:
    """Bench only: lift the flood limits of the app's AIORateLimiter (whatever
    subclass build_application installs, so its retries stay), leaving it in the
    state AIORateLimiter(overall_max_rate=0, group_max_rate=0) constructs."""
    limiter = app.bot.rate_limiter
    if not isinstance(limiter, AIORateLimiter):
        raise TypeError(f"expected an AIORateLimiter, the app has {type(limiter).__name__}")
    limiter._base_limiter = None
    limiter._group_max_rate = 0
    limiter._group_time_period = 0


@dataclass(frozen=True)
class RunFigures:
    variant: str
    mode: str  # "burst" or "paced at N/s"
    messages: int
    users: int
    replies: int
    errors: int
    updates_per_s: float
    latency: Summary
    bot_cpu_pct: float  # of one core, over the run
    server_cpu_pct: float
    timed_out: bool
    listen_overflows: int = 0  # connections the kernel dropped during the variant

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["latency"] = self.latency.as_dict()
        return out


def batch_of(
    mix: Sequence[Message], count: int, users: int, offset: int = 0
) -> list[tuple[int, str]]:
    """Messages `offset` to `offset + count` of the stream, round-robin over `users` users."""
    texts = stream(list(mix), offset + count)[offset:]
    return [(FIRST_USER_ID + offset + i % users, text) for i, text in enumerate(texts)]


def _figures(
    variant: str, mode: str, users: int, record: RunRecord, bot_cpu_s: float
) -> RunFigures:
    span = record.last_replied - record.first_queued
    latencies = [(replied - queued) * 1000.0 for queued, replied in record.pairs]
    return RunFigures(
        variant=variant,
        mode=mode,
        messages=record.messages,
        users=users,
        replies=record.replies,
        errors=record.errors,
        updates_per_s=record.replies / span if span > 0 else math.nan,
        latency=summarize_ms(latencies),
        bot_cpu_pct=100.0 * bot_cpu_s / record.wall_s if record.wall_s > 0 else math.nan,
        server_cpu_pct=100.0 * record.server_cpu_s / record.wall_s
        if record.wall_s > 0
        else math.nan,
        timed_out=record.timed_out,
    )


async def _measure(
    server: ServerProcess, batch: list[tuple[int, str]], rate: float, wait_s: float
) -> tuple[RunRecord, float]:
    cpu0 = time.process_time()
    record = await asyncio.to_thread(server.run, batch, rate, wait_s)
    return record, time.process_time() - cpu0


async def run_variant(
    variant: Variant,
    content: Content,
    mix: Sequence[Message],
    *,
    messages: int,
    users: int,
    wait_s: float,
    profiler: cProfile.Profile | None = None,
) -> list[RunFigures]:
    """One variant: a fresh server and app, a warm-up, a burst, optionally a paced run.
    `profiler`, if given, profiles the bot (this thread) during the burst."""
    server = ServerProcess()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
            settings = Settings(server.token, server.base_url, FAQ, Path(tmp) / "data", "WARNING")
            if not variant.events and "events_enabled" in SETTINGS_FIELDS:
                settings = dataclasses.replace(settings, events_enabled=False)
            with contextlib.ExitStack() as patches:
                brain = CannedBrain if variant.canned else Brain
                patches.enter_context(mock.patch.object(app_module, "Brain", brain))
                app = build_application(settings, content)
            if not variant.limiter:
                flood_limits_off(app)
            return await _drive(app, server, variant, mix, messages, users, wait_s, profiler)
    finally:
        server.stop()


async def _drive(
    app: FaqApplication,
    server: ServerProcess,
    variant: Variant,
    mix: Sequence[Message],
    messages: int,
    users: int,
    wait_s: float,
    profiler: cProfile.Profile | None,
) -> list[RunFigures]:
    out: list[RunFigures] = []
    async with app:
        if app.post_init is not None:
            await app.post_init(app)  # run_polling would call it; start_polling does not
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            warm = batch_of(mix, WARMUP_MESSAGES, WARMUP_MESSAGES, offset=10_000)
            await _measure(server, warm, 0.0, wait_s)
            if profiler is not None:
                profiler.enable()
            try:
                batch = batch_of(mix, messages, users)
                record, cpu = await _measure(server, batch, 0.0, wait_s)
            finally:
                if profiler is not None:
                    profiler.disable()
            burst = _figures(variant.name, "burst", users, record, cpu)
            out.append(burst)
            if variant.paced and burst.updates_per_s > 0 and not math.isnan(burst.updates_per_s):
                rate = max(10.0, round(burst.updates_per_s / 2, -1))
                batch = batch_of(mix, messages, users, offset=messages)
                record, cpu = await _measure(server, batch, rate, wait_s + messages / rate)
                out.append(_figures(variant.name, f"paced {rate:.0f}/s", users, record, cpu))
        finally:
            await app.updater.stop()
            await app.stop()
    return out


def run_e2e(
    content: Content,
    mix: Sequence[Message],
    *,
    messages: int,
    limited_messages: int,
    users: int,
    wait_s: float = 300.0,
) -> list[RunFigures]:
    results: list[RunFigures] = []
    for variant in VARIANTS:
        if not variant.events and "events_enabled" not in SETTINGS_FIELDS:
            continue  # this version of the bot has no event store
        count = limited_messages if variant.capped else messages
        dropped = listen_overflows()
        runs = asyncio.run(
            run_variant(
                variant, content, mix, messages=count, users=min(users, count), wait_s=wait_s
            )
        )
        dropped = listen_overflows() - dropped
        results += [dataclasses.replace(r, listen_overflows=dropped) for r in runs]
    return results
