"""One synthetic FAQ size, measured in a fresh interpreter so that its memory
figures are not blurred by earlier sizes: `python -m bench.scale_worker --size N`.
Prints one JSON object (see ScalePoint in bench/scale.py)."""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import tracemalloc
from typing import Any

from rapidfuzz import process, utils

from bench.messages import FAQ
from bench.stats import new_user, summarize_ns, time_each
from bench.synthetic import SEED, SyntheticFaq, synthetic_faq, synthetic_queries
from bot import text as bot_text
from bot.brain import Brain
from bot.content import load_content

MIB = 1024 * 1024


def rss_bytes() -> int:
    """Resident set size of this process, from /proc/self/status."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def _latency(
    brain: Brain, faq: SyntheticFaq, queries: int, warmup: int, baseline_queries: int
) -> dict[str, Any]:
    for q in synthetic_queries(faq, warmup, seed=SEED + 1):
        brain.on_text({}, q.text)
    measured = synthetic_queries(faq, queries)
    texts = [q.text for q in measured]
    others = [q.text for q in synthetic_queries(faq, queries, seed=SEED + 2)]
    first = time_each(new_user(brain), texts)
    analyse = time_each(brain.matcher.analyse, others)  # first sight too
    again = time_each(new_user(brain), texts)  # repeats: per-text caches may answer
    questions = [e.question for e in faq.content.entries]

    def extract(text: str) -> object:
        return process.extractOne(text, questions, processor=utils.default_process)

    baseline = time_each(extract, texts[:baseline_queries])

    in_scope = [q for q in measured if q.expect is not None]
    off_topic = [q for q in measured if q.expect is None]
    right = 0
    for q in in_scope:
        reply = brain.on_text({}, q.text)
        right += reply.kind == "answer" and reply.entry == q.expect
    answered_off = sum(brain.on_text({}, q.text).kind == "answer" for q in off_topic)
    return {
        "queries": len(texts),
        "on_text_first": summarize_ns(first).as_dict(),
        "analyse_first": summarize_ns(analyse).as_dict(),
        "on_text_warm": summarize_ns(again).as_dict(),
        "baseline": summarize_ns(baseline).as_dict(),
        "answered_right_pct": 100.0 * right / max(1, len(in_scope)),
        "off_topic_answered_pct": 100.0 * answered_off / max(1, len(off_topic)),
    }


def measure(size: int, queries: int, warmup: int, baseline_queries: int) -> dict[str, Any]:
    faq = synthetic_faq(load_content(FAQ), size)
    content = faq.content

    bot_text.stem.cache_clear()
    bot_text.normalize.cache_clear()
    gc.collect()
    rss_before = rss_bytes()
    start = time.perf_counter()
    brain = Brain(content)
    build_s = time.perf_counter() - start
    gc.collect()
    rss_growth = rss_bytes() - rss_before
    figures = _latency(brain, faq, queries, warmup, baseline_queries)
    gc.collect()
    rss_after_queries = rss_bytes() - rss_before
    del brain

    bot_text.stem.cache_clear()
    bot_text.normalize.cache_clear()
    gc.collect()
    tracemalloc.start()
    traced = Brain(content)
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced

    return {
        "entries": size,
        "phrasings": sum(len(e.phrasings) for e in content.entries),
        "build_s": build_s,
        "rss_growth_mib": rss_growth / MIB,
        "rss_growth_after_queries_mib": rss_after_queries / MIB,
        "tracemalloc_peak_mib": peak / MIB,
        "tracemalloc_retained_mib": retained / MIB,
        **figures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_worker")
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--baseline-queries", type=int, default=300)
    args = parser.parse_args(argv)
    result = measure(args.size, args.queries, args.warmup, args.baseline_queries)
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
