"""The chart: match latency (median and p99) against FAQ size, log-log."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt

from bench.latency import LatencyResult
from bench.machine import Machine
from bench.scale import ScalePoint
from bench.targets import MATCH_P99_10K, MATCH_P99_REAL


def draw_chart(
    path: Path, points: list[ScalePoint], real: LatencyResult | None, machine: Machine
) -> None:
    fig, ax = plt.subplots(figsize=(10, 5.5), dpi=120)
    sizes = [p.entries for p in points]
    series = (
        ("Brain.on_text p99", [p.on_text_first.p99_ms for p in points], "tab:red", "-", "o"),
        ("Brain.on_text median", [p.on_text_first.median_ms for p in points], "tab:red", "--", "o"),
        ("Matcher.analyse p99", [p.analyse_first.p99_ms for p in points], "tab:blue", "-", "s"),
        (
            "Matcher.analyse median",
            [p.analyse_first.median_ms for p in points],
            "tab:blue",
            "--",
            "s",
        ),
        ("rapidfuzz extractOne p99", [p.baseline.p99_ms for p in points], "tab:gray", "-", "^"),
        (
            "rapidfuzz extractOne median",
            [p.baseline.median_ms for p in points],
            "tab:gray",
            "--",
            "^",
        ),
    )
    for label, values, color, style, marker in series:
        if sizes:
            ax.plot(sizes, values, linestyle=style, marker=marker, color=color, label=label)
    if real is not None:
        cold = real.series["on_text_first"]
        ax.scatter(
            [real.entries, real.entries],
            [cold.median_ms, cold.p99_ms],
            marker="*",
            s=140,
            color="black",
            zorder=5,
            label=f"real faq.yaml ({real.entries} entries), on_text median / p99",
        )
    ax.axhline(
        MATCH_P99_10K.limit, color="tab:green", linestyle=":", label="target p99 @ 10k: 5 ms"
    )
    ax.axhline(
        MATCH_P99_REAL.limit, color="tab:olive", linestyle=":", label="target p99 real FAQ: 0.2 ms"
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("FAQ entries (synthetic, 8 phrasings each)")
    ax.set_ylabel("latency per message (ms)")
    ax.set_title(f"Match latency against FAQ size\n{machine.cpu}, {machine.python}", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
