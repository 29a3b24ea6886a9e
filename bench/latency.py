"""Latency per message on the real faq.yaml, beside plain rapidfuzz in the same run.

Messages: every distinct text of the tuning sets in tests/data (eval-tune,
eval-dev*; written by people who never saw faq.yaml: keywords, questions, typos,
off-topic, red flags, small talk). First sight: each pass shuffles them, clears the bot's module-level
caches and builds a fresh Brain, which then sees every message once, as a
running bot sees new messages (the words of earlier ones warm its word caches).
Baseline: rapidfuzz `process.extractOne` over every phrasing of the FAQ with its
default processor, on the same messages in the same order. Judged on the CPU
time of each call (on a shared machine, wall time also counts other processes'
turns on the core); wall time is printed beside it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import process, utils

from bench.stats import Timing, forget_module_caches, time_each
from bot.brain import Brain
from bot.content import Content

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEED = 20261207
# Sets that may be read for anything: the frozen splits (eval-test, eval-holdout,
# eval-final-*, real-final) measure quality and are left alone.
TUNING_SETS = ("eval-tune.yaml", "eval-dev*.yaml")


def real_messages() -> list[str]:
    """Distinct message texts of the tuning sets (read only; never the frozen ones)."""
    seen: dict[str, None] = {}
    for path in sorted(p for pattern in TUNING_SETS for p in DATA.glob(pattern)):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            text = str(item.get("text", "")) if isinstance(item, dict) else ""
            if text.strip() and not text.startswith("/"):  # questions, not commands
                seen.setdefault(text)
    return list(seen)


@dataclass(frozen=True)
class RealFaqLatency:
    entries: int
    phrasings: int
    messages: int
    passes: int
    on_text: Timing
    extract_one: Timing

    @property
    def speedup_p99(self) -> float:
        return self.extract_one.cpu.p99_ms / self.on_text.cpu.p99_ms


def run(content: Content, messages: list[str], passes: int) -> RealFaqLatency:
    rng = random.Random(SEED)  # noqa: S311 - a reproducible order, not a secret
    phrasings = [p for entry in content.entries for p in entry.phrasings]

    def extract_one(text: str) -> object:
        return process.extractOne(text, phrasings, processor=utils.default_process)

    ours: list[Timing] = []
    theirs: list[Timing] = []
    for _ in range(passes):
        order = messages[:]
        rng.shuffle(order)
        forget_module_caches()
        ours.append(time_each(new_user(Brain(content)), order))
        theirs.append(time_each(extract_one, order))
    return RealFaqLatency(
        entries=len(content.entries),
        phrasings=len(phrasings),
        messages=len(messages),
        passes=passes,
        on_text=_median_pass(ours),
        extract_one=_median_pass(theirs),
    )


def new_user(brain: Brain) -> Callable[[str], object]:
    """Brain.on_text as a new user (empty state) sends each message."""
    return lambda text: brain.on_text({}, text)


def _median_pass(passes: list[Timing]) -> Timing:
    """The pass with the median CPU p99 (passes differ by the machine's noise)."""
    return sorted(passes, key=lambda timing: timing.cpu.p99_ms)[len(passes) // 2]


# Messages as long as Telegram allows (4,096 characters), each built to make
# the emergency check judge a sign in every sentence or in one run-on sentence:
# the most work one message can ask of the bot.
TELEGRAM_MAX_CHARS = 4096
LONGEST = {
    "a sign in every sentence": "In 2019 my face drooped. ",
    "fainting in every sentence": "I fainted. ",
    "one run-on sentence of signs": "my face drooped in 2019 and ",
    "a question in every sentence": "is it a stroke? ",
}


def longest_messages(content: Content, times: int) -> dict[str, Timing]:
    """Brain.on_text on each of LONGEST, `times` times each (CPU and wall; at
    least two, for a median)."""
    brain = Brain(content)
    out: dict[str, Timing] = {}
    for name, unit in LONGEST.items():
        text = (unit * (TELEGRAM_MAX_CHARS // len(unit) + 1))[:TELEGRAM_MAX_CHARS]
        out[name] = time_each(new_user(brain), [text] * times)
    return out
