"""Section 1: latency per message of the project's matcher on the real faq.yaml.

Series (each message of the mix once per pass, in a shuffled order):
  Brain.on_text, first sight   a fresh Brain (and cleared stemmer cache) per repeat:
                        each message is new to the bot; its words warm the per-word
                        caches for later messages, as in a running bot
  Brain.on_text, repeat pass   the same messages again on that Brain: exact repeats,
                        which per-text caches may answer (informational; the targets
                        are judged on first sight)
  Matcher.analyse       the matcher alone (no emergency check, small talk or reply
                        building), first sight and repeat pass likewise
  EmergencyDetector.detect  the red-flag check that runs before every match (a fresh
                        detector per repeat: first sight)
  baseline              rapidfuzz.process.extractOne(query, questions,
                        processor=rapidfuzz.utils.default_process) over the entries'
                        questions, in the same run; and over every phrasing, for scale
"""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import process, utils

from bench.messages import Message, describe_mix
from bench.stats import Summary, new_user, summarize_ns, time_each
from bot import text as bot_text
from bot.brain import Brain
from bot.content import Content
from bot.matcher import Matcher
from bot.safety import EmergencyDetector

SEED = 20261128


@dataclass
class LatencyResult:
    mix: str
    messages: int
    repeats: int
    entries: int
    phrasings: int
    series: dict[str, Summary]
    by_kind: dict[str, Summary]
    slowest: list[tuple[float, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "mix": self.mix,
            "messages": self.messages,
            "repeats": self.repeats,
            "entries": self.entries,
            "phrasings": self.phrasings,
            "series": {k: v.as_dict() for k, v in self.series.items()},
            "by_kind": {k: v.as_dict() for k, v in self.by_kind.items()},
            "slowest": [{"median_ms": ms, "text": t} for ms, t in self.slowest],
        }


SERIES = (
    ("on_text_first", "Brain.on_text, first sight"),
    ("on_text_repeat", "Brain.on_text, repeat pass"),
    ("analyse_first", "Matcher.analyse, first sight"),
    ("analyse_repeat", "Matcher.analyse, repeat pass"),
    ("detect", "EmergencyDetector.detect, first sight"),
    ("baseline", "rapidfuzz extractOne, questions"),
    ("baseline_all", "rapidfuzz extractOne, all phrasings"),
)


def run_latency(content: Content, mix: list[Message], repeats: int) -> LatencyResult:
    rng = random.Random(SEED)  # noqa: S311 - reproducible order, not secrets
    questions = [e.question for e in content.entries]
    phrasings = [p for e in content.entries for p in e.phrasings]
    samples: dict[str, list[int]] = defaultdict(list)
    per_text: dict[str, list[int]] = defaultdict(list)
    kind_of = {m.text: m.kind for m in mix}
    texts = [m.text for m in mix]

    def extract(query: str) -> object:
        return process.extractOne(query, questions, processor=utils.default_process)

    def extract_all(query: str) -> object:
        return process.extractOne(query, phrasings, processor=utils.default_process)

    for _ in range(repeats):
        order = texts[:]
        rng.shuffle(order)
        bot_text.stem.cache_clear()
        bot_text.normalize.cache_clear()
        brain = Brain(content)
        first = time_each(new_user(brain), order)
        samples["on_text_first"] += first
        for t, ns in zip(order, first, strict=True):
            per_text[t].append(ns)
        samples["on_text_repeat"] += time_each(new_user(brain), order)
        samples["detect"] += time_each(EmergencyDetector(content.emergency).detect, order)
        bot_text.stem.cache_clear()
        bot_text.normalize.cache_clear()
        matcher = Matcher(content)
        samples["analyse_first"] += time_each(matcher.analyse, order)
        samples["analyse_repeat"] += time_each(matcher.analyse, order)
        samples["baseline"] += time_each(extract, order)
        samples["baseline_all"] += time_each(extract_all, order)

    by_kind: dict[str, list[int]] = defaultdict(list)
    for t, values in per_text.items():
        by_kind[kind_of[t]] += values
    medians = sorted(((statistics.median(v) / 1e6, t) for t, v in per_text.items()), reverse=True)
    return LatencyResult(
        mix=describe_mix(mix),
        messages=len(texts),
        repeats=repeats,
        entries=len(content.entries),
        phrasings=len(phrasings),
        series={key: summarize_ns(samples[key]) for key, _ in SERIES},
        by_kind={k: summarize_ns(v) for k, v in sorted(by_kind.items())},
        slowest=medians[:5],
    )
