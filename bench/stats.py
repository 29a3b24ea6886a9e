"""Percentiles, latency summaries and a per-call timer shared by the sections."""

from __future__ import annotations

import gc
import math
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Latency:
    """Median and 99th percentile of one series, in milliseconds."""

    n: int
    p50_ms: float
    p99_ms: float

    @classmethod
    def of_ms(cls, ms: Sequence[float]) -> Latency:
        """Percentiles linear between ranks (statistics' "inclusive" method)."""
        if len(ms) < 2:
            return cls(len(ms), math.nan, math.nan)
        cuts = statistics.quantiles(ms, n=100, method="inclusive")
        return cls(len(ms), cuts[49], cuts[98])

    def __str__(self) -> str:
        return f"p50 {self.p50_ms:.3f} ms, p99 {self.p99_ms:.3f} ms"


@dataclass(frozen=True)
class Timing:
    """Wall time (what a user waits) and CPU time of this thread (what the call
    costs on a core of its own: other processes' use of the cores is left out)."""

    wall: Latency
    cpu: Latency

    def __str__(self) -> str:
        return f"CPU {self.cpu}  (wall {self.wall})"


def time_each(fn: Callable[[str], object], texts: Iterable[str]) -> Timing:
    """Times fn(text) per text (garbage collector on, as in the bot; earlier
    garbage collected first so that it is not billed here)."""
    gc.collect()
    wall_clock, cpu_clock = time.perf_counter_ns, time.thread_time_ns
    wall: list[float] = []
    cpu: list[float] = []
    for text in texts:
        wall0, cpu0 = wall_clock(), cpu_clock()
        fn(text)
        cpu.append((cpu_clock() - cpu0) / 1e6)
        wall.append((wall_clock() - wall0) / 1e6)
    return Timing(Latency.of_ms(wall), Latency.of_ms(cpu))


def forget_module_caches() -> None:
    """Clear every module-level functools cache of the bot (stemming, normalising,
    ...), so that the next messages are seen for the first time."""
    for name, module in list(sys.modules.items()):
        if name == "bot" or name.startswith("bot."):
            for value in vars(module).values():
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()
