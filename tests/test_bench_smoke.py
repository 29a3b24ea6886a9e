"""Smoke test of the benchmark: `python -m bench --quick` runs every section.

It checks what is printed and written, never how fast anything was: timings
depend on the machine and are for docs/benchmarks.md, not for CI.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.stats import percentile
from bench.synthetic import synthetic_faq, synthetic_queries
from bot.content import Content

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = (
    "== Machine ==",
    "== 1. Match latency on the real faq.yaml ==",
    "== 2. Scale: synthetic FAQs ==",
    "== 3. End-to-end throughput",
    "== 4. Start-up time and memory ==",
    "== 5. What each answer feature costs",
    "== Targets ==",
)
TARGET_LABELS = (
    "match p99, real FAQ",
    "end-to-end throughput",
    "start-up to first poll",
    "peak RSS",
)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, object], Path]:
    out = tmp_path_factory.mktemp("bench")
    figures, chart = out / "figures.json", out / "latency.png"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(figures), "--chart", str(chart)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data: dict[str, object] = json.loads(figures.read_text(encoding="utf-8"))
    return done.stdout, data, chart


def test_every_section_is_printed(quick_run: tuple[str, dict[str, object], Path]) -> None:
    stdout, _, _ = quick_run
    positions = [stdout.find(header) for header in SECTIONS]
    missing = [h for h, p in zip(SECTIONS, positions, strict=True) if p < 0]
    assert not missing
    assert positions == sorted(positions)
    for needle in ("CPU ", "rapidfuzz", "python-telegram-bot"):
        assert needle in stdout


def test_every_target_gets_a_verdict(quick_run: tuple[str, dict[str, object], Path]) -> None:
    stdout, data, _ = quick_run
    summary = stdout[stdout.index("== Targets ==") :]
    for label in TARGET_LABELS:
        lines = [line for line in summary.splitlines() if label in line]
        assert lines, label
        assert all(line.split()[0] in {"PASS", "MISS"} for line in lines), lines
    # --quick leaves out the 10,000-entry FAQ and says so.
    assert "match p99, 10,000 entries < 5 ms: not measured  SKIP" in stdout
    targets = data["targets"]
    assert isinstance(targets, list)
    assert {t["verdict"] for t in targets} <= {"PASS", "MISS"}


def test_figures_are_written(quick_run: tuple[str, dict[str, object], Path]) -> None:
    _, data, chart = quick_run
    for key in ("machine", "code", "latency", "scale", "e2e", "startup", "targets", "load"):
        assert key in data, key
    variants = data["features"]
    assert isinstance(variants, list)
    assert [v["name"] for v in variants] == [
        "as built",
        '"and" in one sentence',
        "one question",
        "whole message only",
        "no second opinion",
    ]
    # Each variant answers the cross-validation sets (its figures are percentages).
    assert all(0 < v["answered"] <= 100 for v in variants)
    e2e = data["e2e"]
    assert isinstance(e2e, list)
    for run in e2e:
        assert run["replies"] == run["messages"]  # every message got its reply
        assert run["errors"] == 0  # and the fake Bot API refused nothing
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_percentile_interpolates_between_ranks() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([3.0], 99) == 3.0


def test_synthetic_faq_is_reproducible(content: Content) -> None:
    first, again = synthetic_faq(content, 50), synthetic_faq(content, 50)
    assert first.content.entries == again.content.entries
    assert len(first.content.entries) == 50
    assert all(len(e.phrasings) == 8 for e in first.content.entries)
    queries = synthetic_queries(first, 40)
    assert [q.text for q in queries] == [q.text for q in synthetic_queries(again, 40)]
    assert {q.kind for q in queries} == {"typo phrasing", "keywords", "off-topic"}
