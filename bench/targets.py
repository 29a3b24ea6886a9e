"""The performance targets of issue 5 and their PASS / MISS verdicts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

Direction = Literal["below", "at_least"]


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    limit: float
    unit: str
    direction: Direction = "below"

    def met(self, value: float) -> bool:
        if math.isnan(value):
            return False
        return value < self.limit if self.direction == "below" else value >= self.limit

    def verdict(self, value: float) -> str:
        return "PASS" if self.met(value) else "MISS"

    def describe(self) -> str:
        sign = "<" if self.direction == "below" else ">="
        return f"{sign} {self.limit:g} {self.unit}"


MATCH_P99_REAL = Target("match_p99_real_ms", "match p99, real FAQ", 0.2, "ms")
MATCH_P99_10K = Target("match_p99_10k_ms", "match p99, 10,000 entries", 5.0, "ms")
THROUGHPUT = Target(
    "throughput_updates_per_s", "end-to-end throughput", 1000.0, "updates/s", "at_least"
)
STARTUP = Target("startup_s", "start-up to first poll", 1.0, "s")
RSS = Target("rss_mib", "peak RSS", 100.0, "MiB")


@dataclass(frozen=True)
class Verdict:
    target: Target
    measured: str  # what was measured, e.g. "Brain.on_text, cold caches"
    value: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target.key,
            "label": self.target.label,
            "limit": self.target.limit,
            "unit": self.target.unit,
            "direction": self.target.direction,
            "measured": self.measured,
            "value": self.value,
            "verdict": self.target.verdict(self.value),
        }
