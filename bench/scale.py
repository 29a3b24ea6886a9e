"""Section 2: synthetic FAQs of growing size, each measured by bench.scale_worker
in its own interpreter: index build time (Brain construction, which builds the
Matcher), match latency, and memory of the index.

Latency series per size (queries: bench.synthetic.synthetic_queries):
  on_text_first  Brain.on_text, each query seen once (caches warmed by 200 other queries)
  analyse_first  Matcher.analyse on another query set of the same mix, each seen once
  on_text_warm   Brain.on_text on the first set again: repeats, which per-text caches
                 may answer (informational)
  baseline       rapidfuzz extractOne over the synthetic questions (first queries only)
Memory: tracemalloc peak during a second, traced build (and what it retains); the
growth of VmRSS over the first, untraced build, and after the queries (caches).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from bench.messages import ROOT
from bench.stats import Summary

WORKER_TIMEOUT_S = 900


@dataclass(frozen=True)
class ScalePoint:
    entries: int
    phrasings: int
    queries: int
    build_s: float
    rss_growth_mib: float
    rss_growth_after_queries_mib: float
    tracemalloc_peak_mib: float
    tracemalloc_retained_mib: float
    on_text_first: Summary
    analyse_first: Summary
    on_text_warm: Summary
    baseline: Summary
    answered_right_pct: float
    off_topic_answered_pct: float

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScalePoint:
        return cls(
            entries=int(data["entries"]),
            phrasings=int(data["phrasings"]),
            queries=int(data["queries"]),
            build_s=float(data["build_s"]),
            rss_growth_mib=float(data["rss_growth_mib"]),
            rss_growth_after_queries_mib=float(data["rss_growth_after_queries_mib"]),
            tracemalloc_peak_mib=float(data["tracemalloc_peak_mib"]),
            tracemalloc_retained_mib=float(data["tracemalloc_retained_mib"]),
            on_text_first=Summary(**data["on_text_first"]),
            analyse_first=Summary(**data["analyse_first"]),
            on_text_warm=Summary(**data["on_text_warm"]),
            baseline=Summary(**data["baseline"]),
            answered_right_pct=float(data["answered_right_pct"]),
            off_topic_answered_pct=float(data["off_topic_answered_pct"]),
        )

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            out[key] = value.as_dict() if isinstance(value, Summary) else value
        return out


def run_scale(
    sizes: tuple[int, ...], queries: int, warmup: int, baseline_queries: int
) -> list[ScalePoint]:
    points = []
    for size in sizes:
        command = [
            sys.executable,
            "-m",
            "bench.scale_worker",
            f"--size={size}",
            f"--queries={queries}",
            f"--warmup={warmup}",
            f"--baseline-queries={baseline_queries}",
        ]
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            command,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"scale worker for {size} entries failed:\n{done.stderr}")
        points.append(ScalePoint.from_dict(json.loads(done.stdout.strip().splitlines()[-1])))
    return points
