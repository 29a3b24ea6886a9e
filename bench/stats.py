"""Percentiles and small timing helpers shared by the benchmark sections."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bot.brain import Brain
from bot.replies import Reply


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation between ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """Latency figures of one series, in milliseconds."""

    n: int
    median_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize_ns(samples_ns: Sequence[int]) -> Summary:
    ms = [s / 1e6 for s in samples_ns]
    return summarize_ms(ms)


def summarize_ms(ms: Sequence[float]) -> Summary:
    if not ms:
        return Summary(0, math.nan, math.nan, math.nan, math.nan)
    return Summary(len(ms), percentile(ms, 50), percentile(ms, 99), sum(ms) / len(ms), max(ms))


def time_each(fn: Callable[[str], object], texts: Iterable[str]) -> list[int]:
    """Wall time of fn(text) for each text, in nanoseconds (garbage collector left on,
    as in the running bot; a collection first so that earlier garbage is not billed)."""
    gc.collect()
    clock = time.perf_counter_ns
    out: list[int] = []
    append = out.append
    for text in texts:
        start = clock()
        fn(text)
        append(clock() - start)
    return out


def new_user(brain: Brain) -> Callable[[str], Reply]:
    """Brain.on_text as a new user (empty state) sends each message."""

    def ask(text: str) -> Reply:
        return brain.on_text({}, text)

    return ask


def ratio(ours: float, baseline: float) -> float:
    return ours / baseline if baseline > 0 else math.inf
