"""Growth: synthetic FAQs of 100, 1,000 and 10,000 entries.

Each entry is about an invented subject (a few subjects in many entries, as
"magnesium" is in the real FAQ) and one aspect (dose, sleep, children ...), with
a question and 7 alternates from phrase templates. Everything else (synonyms,
small talk, emergency signs, thresholds) is the real faq.yaml's, so the bot runs
as in production. Build time: Brain(content). Latency: Brain.on_text, first
sight, over queries that are phrasings with a slip of the keyboard (70 %) or
strings of off-topic words (30 %).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, replace

from bench.latency import new_user
from bench.stats import Timing, forget_module_caches, time_each
from bot.brain import Brain
from bot.content import Content, Entry

SEED = 5
ASPECTS = """dose timing storage tablet powder children pregnancy elderly athletes sleep
stress cramps headache fatigue digestion kidney heart pressure diabetes skin bones muscles
exercise coffee alcohol morning interaction medication absorption symptoms vegan price
travel appetite mood memory immunity swelling nausea dizziness fever""".split()
TEMPLATES = (
    "What is the {a} of {s} {q}?",
    "{s} {a}",
    "{s} {q} {a}",
    "can {s} help my {a}",
    "is {s} safe for {a}",
    "should i take {s} {q} for {a}",
    "how much {s} for {a}",
    "tell me about {s} and {a}",
)
OFF_TOPIC = """football weather guitar pizza train holiday movie camera garden bicycle
election keyboard painting wedding airport hotel chess concert volcano rocket planet museum
castle laptop printer tennis cinema bakery sandwich novel parliament""".split()
SYLLABLES = [c + v for c in "bcdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ou")]


@dataclass(frozen=True)
class ScalePoint:
    entries: int
    phrasings: int
    build_s: float  # wall
    build_cpu_s: float
    on_text: Timing


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def synthetic_faq(base: Content, size: int) -> Content:
    rng = random.Random(SEED * 1_000_003 + size)  # noqa: S311 - reproducible data
    subjects = [_word(rng) for _ in range(max(40, size // 5))]
    weights = [1.0 / rank for rank in range(1, len(subjects) + 1)]
    entries = []
    for i in range(size):
        subject = rng.choices(subjects, weights)[0]
        aspect, qualifier = rng.choice(ASPECTS), _word(rng)
        phrasings = [t.format(s=subject, a=aspect, q=qualifier) for t in TEMPLATES]
        entries.append(
            Entry(
                id=f"e{i:05d}",
                question=phrasings[0],
                short=f"{subject} {aspect}"[:40],
                alternates=tuple(phrasings[1:]),
                answer=f"About {subject} and {aspect}: see your pharmacist.",
                related=(),
                source="synthetic",
            )
        )
    return replace(base, path=f"<synthetic, {size} entries>", entries=tuple(entries))


def _slip(rng: random.Random, text: str) -> str:
    """One keyboard slip (two letters swapped) inside one longer word."""
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if long:
        i = rng.choice(long)
        w = words[i]
        j = rng.randrange(1, len(w) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def queries(content: Content, count: int) -> list[str]:
    rng = random.Random(SEED + count)  # noqa: S311
    out: set[str] = set()  # distinct: each one is seen for the first time
    while len(out) < count:
        if rng.random() < 0.7:
            out.add(_slip(rng, rng.choice(rng.choice(content.entries).phrasings)))
        else:
            out.add(" ".join(rng.choices(OFF_TOPIC, k=rng.randint(3, 7))))
    return sorted(out)


def run(base: Content, sizes: tuple[int, ...], count: int) -> list[ScalePoint]:
    points = []
    for size in sizes:
        content = synthetic_faq(base, size)
        texts = queries(content, count)
        random.Random(SEED).shuffle(texts)  # noqa: S311
        forget_module_caches()
        wall, cpu = time.perf_counter(), time.thread_time()
        brain = Brain(content)
        build_s, build_cpu_s = time.perf_counter() - wall, time.thread_time() - cpu
        on_text = time_each(new_user(brain), texts)
        phrasings = sum(len(e.phrasings) for e in content.entries)
        points.append(ScalePoint(size, phrasings, build_s, build_cpu_s, on_text))
        del brain
    return points
