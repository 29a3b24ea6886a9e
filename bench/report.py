"""Printing the figures, and the PASS / MISS verdicts against the targets."""

from __future__ import annotations

import math
from collections.abc import Callable

from bench.e2e import NO_LIMITER, RunFigures
from bench.features import FeatureFigures
from bench.latency import SERIES, LatencyResult
from bench.machine import Machine
from bench.scale import ScalePoint
from bench.startup import StartupFigures
from bench.stats import Summary, ratio
from bench.targets import (
    MATCH_P99_10K,
    MATCH_P99_REAL,
    RSS,
    STARTUP,
    THROUGHPUT,
    Target,
    Verdict,
)

Print = Callable[[str], None]
# The throughput target is judged with Telegram's flood limits lifted, as issue 5
# states it; as built, the rate limiter holds the bot to Telegram's ~30 messages/s
# on purpose, and the other variants only show where the time goes.
TARGET_VARIANTS = frozenset({NO_LIMITER.name})

SECTION_TITLES = {
    "machine": "Machine",
    "latency": "1. Match latency on the real faq.yaml",
    "scale": "2. Scale: synthetic FAQs",
    "e2e": "3. End-to-end throughput (real Application, fake Bot API)",
    "startup": "4. Start-up time and memory",
    "features": "5. What each answer feature costs (no target: for decisions)",
    "targets": "Targets",
}


def header(out: Print, key: str) -> None:
    out("")
    out(f"== {SECTION_TITLES[key]} ==")


def _ms(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _mark(target: Target, value: float) -> str:
    return target.verdict(value)


def print_machine(out: Print, machine: Machine, command: str) -> None:
    header(out, "machine")
    out(
        f"  CPU       {machine.cpu} ({machine.logical_cores} logical cores, "
        f"{machine.usable_cores} usable)"
    )
    out(f"  memory    {machine.memory_gib:.1f} GiB")
    out(f"  Python    {machine.python} on {machine.system}")
    out("  packages  " + ", ".join(f"{k} {v}" for k, v in machine.packages.items()))
    out(f"  command   {command}")


def print_latency(out: Print, result: LatencyResult) -> None:
    header(out, "latency")
    out(f"  faq.yaml: {result.entries} entries, {result.phrasings} phrasings")
    out(f"  mix: {result.mix}; {result.repeats} shuffled pass(es) per series")
    base = result.series["baseline"]
    out(f"  {'series':<40} {'median ms':>10} {'p99 ms':>9} {'mean ms':>9}   ratio to baseline")
    for key, label in SERIES:
        s = result.series[key]
        if key == "baseline":
            note = "(baseline)"
        else:
            note = (
                f"{ratio(s.median_ms, base.median_ms):5.1f}x median, "
                f"{ratio(s.p99_ms, base.p99_ms):5.1f}x p99"
            )
        out(f"  {label:<40} {_ms(s.median_ms):>10} {_ms(s.p99_ms):>9} {_ms(s.mean_ms):>9}   {note}")
    kinds = ", ".join(f"{k} {_ms(v.median_ms)}/{_ms(v.p99_ms)}" for k, v in result.by_kind.items())
    out(f"  on_text first sight by kind (median/p99 ms): {kinds}")
    out("  slowest messages (on_text first sight, median ms):")
    for ms, text in result.slowest[:3]:
        shown = text if len(text) <= 70 else text[:67] + "..."
        out(f"    {ms:6.2f}  {shown!r}")
    for key in ("on_text_first", "analyse_first"):
        s = result.series[key]
        out(
            f"  target {MATCH_P99_REAL.label} {MATCH_P99_REAL.describe()}: "
            f"{dict(SERIES)[key]} p99 {_ms(s.p99_ms)} ms  {_mark(MATCH_P99_REAL, s.p99_ms)}"
        )


def print_scale(out: Print, points: list[ScalePoint], sizes_skipped: tuple[int, ...]) -> None:
    header(out, "scale")
    out("  latency in ms (median/p99) per message; memory in MiB; each size in a fresh")
    out("  interpreter. Queries: 60% phrasings with slips, 15% keyword queries, 25% off-topic")
    out("  word strings. 1st = first sight, rep = the same queries again; tm = tracemalloc during")
    out("  the build; RSS + = growth over the build, +q = after the queries too (caches)")
    out(
        f"  {'entries':>7} {'phrasings':>9} {'build s':>7} {'tm peak':>7} {'tm kept':>7}"
        f" {'RSS +':>6} {'+q':>6} {'on_text 1st':>14} {'analyse 1st':>14} {'on_text rep':>14}"
        f" {'rapidfuzz':>13} {'right%':>6} {'off-ans%':>8}"
    )

    def pair(s: Summary) -> str:
        return f"{_ms(s.median_ms)}/{_ms(s.p99_ms)}"

    for p in points:
        out(
            f"  {p.entries:>7} {p.phrasings:>9} {p.build_s:>7.2f} {p.tracemalloc_peak_mib:>7.1f}"
            f" {p.tracemalloc_retained_mib:>7.1f} {p.rss_growth_mib:>6.1f}"
            f" {p.rss_growth_after_queries_mib:>6.1f}"
            f" {pair(p.on_text_first):>14} {pair(p.analyse_first):>14} {pair(p.on_text_warm):>14}"
            f" {pair(p.baseline):>13} {p.answered_right_pct:>6.1f} {p.off_topic_answered_pct:>8.1f}"
        )
    for size in sizes_skipped:
        out(f"  {size:>7}  (not run with --quick)")
    out("  right% = in-scope queries answered with their own entry; off-ans% = off-topic answered")
    ten_k = next((p for p in points if p.entries == 10_000), None)
    if ten_k is None:
        out(f"  target {MATCH_P99_10K.label} {MATCH_P99_10K.describe()}: not measured  SKIP")
    else:
        for label, s in (
            ("Brain.on_text", ten_k.on_text_first),
            ("Matcher.analyse", ten_k.analyse_first),
        ):
            out(
                f"  target {MATCH_P99_10K.label} {MATCH_P99_10K.describe()}: {label} p99 "
                f"{_ms(s.p99_ms)} ms  {_mark(MATCH_P99_10K, s.p99_ms)}"
            )


def print_e2e(out: Print, runs: list[RunFigures]) -> None:
    header(out, "e2e")
    out("  the bot in this process, the fake Bot API in a child process; latency = message")
    out("  queued -> its sendMessage received by the server")
    out(
        f"  {'variant':<30} {'mode':<12} {'msgs':>5} {'users':>5} {'updates/s':>10}"
        f" {'p50 ms':>8} {'p99 ms':>8} {'bot CPU%':>8} {'srv CPU%':>8} {'errors':>6}"
    )
    for r in runs:
        flag = " TIMEOUT" if r.timed_out else ""
        if r.replies != r.messages:
            flag += f" ({r.messages - r.replies} without reply)"
        out(
            f"  {r.variant:<30} {r.mode:<12} {r.messages:>5} {r.users:>5} {r.updates_per_s:>10.1f}"
            f" {_ms(r.latency.median_ms):>8} {_ms(r.latency.p99_ms):>8} {r.bot_cpu_pct:>8.0f}"
            f" {r.server_cpu_pct:>8.0f} {r.errors:>6}{flag}"
        )
    dropped = sum({r.variant: r.listen_overflows for r in runs}.values())
    if dropped:
        out(
            f"  warning: {dropped} connection(s) dropped on this machine (a listen backlog was full)"
        )
    for r in runs:
        if r.mode == "burst" and r.variant in TARGET_VARIANTS:
            out(
                f"  target {THROUGHPUT.label} {THROUGHPUT.describe()}: {r.variant} "
                f"{r.updates_per_s:.0f}/s  {_mark(THROUGHPUT, r.updates_per_s)}"
            )


def print_startup(out: Print, s: StartupFigures) -> None:
    header(out, "startup")
    polls = ", ".join(f"{t:.2f}" for t in s.first_poll_s)
    out(
        f"  python -m bot: spawn -> first getUpdates {s.first_poll_median_s:.2f} s "
        f"(median of {s.runs}: {polls})"
    )
    out(
        f"  python -m bot after {s.messages} messages: VmHWM {s.vm_hwm_mib:.1f} MiB, "
        f"VmRSS {s.vm_rss_mib:.1f} MiB; exit status after SIGTERM {s.exit_code}"
    )
    out(f"  python -m bot ask hi: {s.ask_median_s:.2f} s to exit, VmHWM {s.ask_maxrss_mib:.1f} MiB")
    out(
        f"  python (interpreter only): {s.python_median_s:.3f} s to exit, VmHWM {s.python_maxrss_mib:.1f} MiB"
    )
    out(
        f"  target {STARTUP.label} {STARTUP.describe()}: {s.first_poll_median_s:.2f} s  "
        f"{_mark(STARTUP, s.first_poll_median_s)}"
    )
    out(
        f"  target {RSS.label} {RSS.describe()}: bot VmHWM {s.vm_hwm_mib:.1f} MiB  "
        f"{_mark(RSS, s.vm_hwm_mib)}"
    )


def print_features(out: Print, costs: list[FeatureFigures], cv_sets: int) -> None:
    header(out, "features")
    out("  Brain.on_text first sight on the mix of section 1 (ms); answers by leave-one-set-out")
    out(f"  cross-validation over {cv_sets} tuning sets (%); each variant drops one more feature;")
    out("  2nd q. offered: of two-question messages, the second entry answered or offered")
    out(
        f"  {'variant':<22} {'median':>7} {'p99':>7}   {'answered':>8} {'clarified':>9} "
        f"{'wrong':>6} {'off-topic ans.':>14} {'2nd q. offered':>14}"
    )
    for c in costs:
        s = c.latency
        out(
            f"  {c.name:<22} {_ms(s.median_ms):>7} {_ms(s.p99_ms):>7}   {c.answered:7.1f}% "
            f"{c.clarified:8.1f}% {c.wrong:5.1f}% {c.off_topic_answered:13.1f}% "
            f"{c.second_question:13.1f}%"
        )
    met = [c.name for c in costs if MATCH_P99_REAL.met(c.latency.p99_ms)]
    out(
        f"  variants within {MATCH_P99_REAL.label} {MATCH_P99_REAL.describe()}: {', '.join(met) or 'none'}"
    )


def verdicts(
    latency: LatencyResult | None,
    points: list[ScalePoint],
    runs: list[RunFigures],
    startup: StartupFigures | None,
) -> list[Verdict]:
    out: list[Verdict] = []
    if latency is not None:
        for key in ("on_text_first", "analyse_first"):
            out.append(Verdict(MATCH_P99_REAL, dict(SERIES)[key], latency.series[key].p99_ms))
    ten_k = next((p for p in points if p.entries == 10_000), None)
    if ten_k is not None:
        out.append(Verdict(MATCH_P99_10K, "Brain.on_text, first sight", ten_k.on_text_first.p99_ms))
        out.append(Verdict(MATCH_P99_10K, "Matcher.analyse", ten_k.analyse_first.p99_ms))
    for r in runs:
        if r.mode == "burst" and r.variant in TARGET_VARIANTS:
            out.append(Verdict(THROUGHPUT, r.variant, r.updates_per_s))
    if startup is not None:
        out.append(Verdict(STARTUP, "python -m bot, median", startup.first_poll_median_s))
        out.append(Verdict(RSS, "python -m bot VmHWM", startup.vm_hwm_mib))
        out.append(Verdict(RSS, "python -m bot ask hi", startup.ask_maxrss_mib))
    return out


def print_targets(out: Print, results: list[Verdict]) -> None:
    header(out, "targets")
    for v in results:
        t = v.target
        value = f"{v.value:.3f}" if v.value < 10 else f"{v.value:.1f}"
        out(
            f"  {t.verdict(v.value)}  {t.label:<28} {t.describe():<18} {value:>9} {t.unit:<10} {v.measured}"
        )
    missed = sum(not v.target.met(v.value) for v in results)
    out(f"  {len(results) - missed} PASS, {missed} MISS")
