"""The benchmark runs end to end (`python -m bench --quick`) and judges every target.

A smoke test: it checks that the figures exist and every reply arrived, never how fast
(speed is for the benchmark itself, on a quiet machine).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT, light_faq

TARGETS = (
    "p99 < 1 ms",
    ">= 2x faster",
    "p99 < 20 ms at 10,000",
    ">= 500 updates/s",
    "start-up",
    "RSS",
)


def test_quick_run_prints_every_section_and_a_verdict_per_target(tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"
    # faq.yaml without its training phrasings: the sections run as on the real
    # file, without training the learned opinions three times (seconds each).
    faq = light_faq(tmp_path / "content")
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--faq", str(faq), "--json", str(figures)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for section in (
        "== Latency per message",
        "== Longest messages",
        "== Growth",
        "== End to end",
        "== Start-up",
        "== Targets",
    ):
        assert section in done.stdout, section
    data = json.loads(figures.read_text(encoding="utf-8"))
    verdicts = {t["target"].split(":")[0]: t["verdict"] for t in data["targets"]}
    assert [any(label in t for t in verdicts) for label in TARGETS] == [True] * len(TARGETS)
    # --quick leaves the 10,000-entry FAQ out and says so; the rest is judged.
    assert [v for t, v in verdicts.items() if "10,000" in t] == ["SKIP"]
    assert {v for t, v in verdicts.items() if "10,000" not in t} <= {"PASS", "MISS"}
    for run in data["e2e"]:
        assert run["replies"] == run["messages"]  # every message got its reply
        assert run["errors"] == 0  # and the local Bot API server refused nothing
    assert data["startup"]["exit_code"] == 0  # SIGTERM stops the bot cleanly
    assert [p["entries"] for p in data["scale"]] == [100]
    # Each longest message was timed: a number of milliseconds, not "nan".
    medians = [t["cpu"]["p50_ms"] for t in data["longest"].values()]
    assert len(medians) == 4
    assert all(0 < m < 60_000 for m in medians)
