"""`python -m bench [--quick] [--json FILE] [--chart FILE.png] [--sections ...]`.

Runs every section in one process (scale sizes and the fake server in child
processes) and prints the figures with PASS / MISS beside each target.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import e2e, features, latency, machine, messages, report, scale, startup
from bot.content import load_content

SECTIONS = ("latency", "scale", "e2e", "startup", "features")


@dataclass(frozen=True)
class Plan:
    """How much of each section to run."""

    latency_every: int  # use every n-th message of the mix
    latency_repeats: int
    scale_sizes: tuple[int, ...]
    scale_skipped: tuple[int, ...]
    scale_queries: int
    scale_warmup: int
    scale_baseline_queries: int
    e2e_messages: int
    e2e_users: int
    e2e_limited_messages: int
    startup_runs: int
    startup_messages: int
    startup_users: int
    features_repeats: int
    features_cv_files: tuple[str, ...]


FULL = Plan(
    latency_every=1,
    latency_repeats=5,
    scale_sizes=(100, 1_000, 10_000),
    scale_skipped=(),
    scale_queries=1_000,
    scale_warmup=200,
    scale_baseline_queries=300,
    e2e_messages=2_000,
    e2e_users=200,
    e2e_limited_messages=300,
    startup_runs=5,
    startup_messages=200,
    startup_users=20,
    features_repeats=10,
    features_cv_files=features.CV_FILES,
)
QUICK = Plan(
    latency_every=4,
    latency_repeats=1,
    scale_sizes=(100, 1_000),
    scale_skipped=(10_000,),
    scale_queries=150,
    scale_warmup=50,
    scale_baseline_queries=100,
    e2e_messages=200,
    e2e_users=20,
    e2e_limited_messages=40,
    startup_runs=1,
    startup_messages=20,
    startup_users=5,
    features_repeats=1,
    features_cv_files=features.CV_FILES[:3],
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmarks of the FAQ bot: match latency, scale, end-to-end "
        "throughput, start-up time and memory (see docs/benchmarks.md).",
    )
    p.add_argument("--quick", action="store_true", help="small counts: a smoke test (< 20 s)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    p.add_argument("--chart", type=Path, metavar="FILE.png", help="draw latency against FAQ size")
    p.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="also write cProfile reports (match, scale, e2e) to DIR",
    )
    p.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"comma-separated subset of {','.join(SECTIONS)} (default: all)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    chosen = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        print(f"bench: unknown section(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    plan = QUICK if args.quick else FULL

    def out(line: str) -> None:
        print(line, flush=True)

    started = time.perf_counter()
    command = "python -m bench" + "".join(f" {a}" for a in (argv or sys.argv[1:]))
    out(
        f"Magnesium FAQ bot benchmarks ({'quick' if args.quick else 'full'} run, "
        f"{time.strftime('%Y-%m-%d %H:%M')})"
    )
    host = machine.describe()
    fingerprint, newest = machine.source_fingerprint(messages.ROOT)
    report.print_machine(out, host, command)
    out(f"  code      bot/ + faq.yaml sha256 {fingerprint} (newest file {newest})")
    figures: dict[str, Any] = {
        "machine": host.as_dict(),
        "code": {"sha256_12": fingerprint, "newest_file": newest},
        "load": {},
        "quick": args.quick,
        "plan": plan.__dict__,
    }

    content = load_content(messages.FAQ)
    mix = messages.load_mix()
    traffic = messages.load_mix(messages.STREAM_FILES)
    lat: latency.LatencyResult | None = None
    points: list[scale.ScalePoint] = []
    runs: list[e2e.RunFigures] = []
    boot: startup.StartupFigures | None = None

    def background(section: str, meter: machine.LoadMeter) -> None:
        load = meter.stop()
        figures["load"][section] = load.as_dict()
        out(f"  ({load.describe()} during this section)")

    if "latency" in chosen:
        meter = machine.LoadMeter()
        lat = latency.run_latency(content, mix[:: plan.latency_every], plan.latency_repeats)
        report.print_latency(out, lat)
        figures["latency"] = lat.as_dict()
        background("latency", meter)
    if "scale" in chosen:
        meter = machine.LoadMeter()
        points = scale.run_scale(
            plan.scale_sizes, plan.scale_queries, plan.scale_warmup, plan.scale_baseline_queries
        )
        report.print_scale(out, points, plan.scale_skipped)
        figures["scale"] = [p.as_dict() for p in points]
        background("scale", meter)
    if "e2e" in chosen:
        meter = machine.LoadMeter()
        runs = e2e.run_e2e(
            content,
            traffic,
            messages=plan.e2e_messages,
            limited_messages=plan.e2e_limited_messages,
            users=plan.e2e_users,
        )
        report.print_e2e(out, runs)
        figures["e2e"] = [r.as_dict() for r in runs]
        background("e2e", meter)
    if "startup" in chosen:
        meter = machine.LoadMeter()
        boot = startup.run_startup(
            traffic, plan.startup_runs, plan.startup_messages, plan.startup_users
        )
        report.print_startup(out, boot)
        figures["startup"] = boot.as_dict()
        background("startup", meter)

    if "features" in chosen:
        meter = machine.LoadMeter()
        costs = features.run_features(
            content, mix[:: plan.latency_every], plan.features_repeats, plan.features_cv_files
        )
        report.print_features(out, costs, len(plan.features_cv_files))
        figures["features"] = [c.as_dict() for c in costs]
        background("features", meter)

    results = report.verdicts(lat, points, runs, boot)
    report.print_targets(out, results)
    figures["targets"] = [v.as_dict() for v in results]
    figures["elapsed_s"] = time.perf_counter() - started

    if args.profile is not None:
        from bench.profiles import write_profiles

        largest = max(plan.scale_sizes)
        for path in write_profiles(
            args.profile, content, traffic, largest, plan.e2e_messages, plan.e2e_users
        ):
            out(f"profile written to {path}")
    if args.chart is not None:
        from bench.chart import draw_chart  # matplotlib only when a chart is asked for

        draw_chart(args.chart, points, lat, host)
        out(f"\nchart written to {args.chart}")
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")
        out(f"figures written to {args.json}")
    out(f"\ndone in {figures['elapsed_s']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
