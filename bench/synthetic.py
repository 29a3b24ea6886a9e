"""Synthetic FAQs and queries of the old benchmark, kept ONLY because
tests/test_matcher_speed.py imports them: delete this file with that test
(the matcher branch deletes it); the benchmark uses bench/scale.py.

An entry is about a subject (an invented product or ingredient name, drawn with
a Zipf skew so that a few subjects occur in many entries, as "magnesium" does in
the real FAQ), an aspect (a common word: dose, storage, children ...) and a
qualifier (an invented word shared by a couple of entries). It has a question
and 7 alternates (8 phrasings) from phrase templates, a 3-5 sentence answer and
two related entries. Everything else (synonyms, small talk, emergency signs,
thresholds, out-of-scope phrasings) is the real faq.yaml's, via
dataclasses.replace, so the matcher runs exactly as in production.

Queries mix phrasings of random entries with spelling slips injected, short
keyword queries, and strings of off-topic words.
"""

from __future__ import annotations

import itertools
import random
import string
from dataclasses import dataclass, replace

from bot.content import Content, Entry
from bot.text import STOP_WORDS

SEED = 5  # issue 5
PHRASINGS_PER_ENTRY = 8
ZIPF_EXPONENT = 1.0
TYPO_RATE = 0.25
TYPO_MIN_LENGTH = 5

ASPECTS = tuple(
    w
    for w in """
    dose dosage timing storage shelf label tablet capsule powder liquid children pregnancy
    breastfeeding elderly athletes sleep stress anxiety cramps headache migraine fatigue energy
    digestion stomach kidney liver heart blood pressure sugar diabetes allergy skin hair nails
    bones muscles joints recovery exercise diet breakfast coffee alcohol water morning evening
    interaction medication antibiotics overdose absorption test symptoms warning ingredients
    gluten vegan lactose price refund shipping delivery subscription account password order
    warranty battery charger screen cleaning installation update settings travel winter summer
    weight appetite mood memory focus immunity inflammation swelling rash itching nausea
    dizziness thirst sweating fever cough throat teeth gums eyes vision hearing balance posture
    """.split()
    if w not in STOP_WORDS
)
VERBS = tuple(
    w
    for w in """
    take use mix store cause reduce increase improve stop replace combine avoid measure check
    prevent treat affect trigger lower raise dissolve swallow split crush repeat double skip
    """.split()
    if w not in STOP_WORDS
)
FILLER_NOUNS = tuple(
    w
    for w in """
    doctor pharmacist nurse family adult teenager baby dog cat night week month year meal
    snack fridge bottle package pharmacy shop website app brand formula version level amount
    reason result benefit risk problem effect change study evidence guideline advice
    """.split()
    if w not in STOP_WORDS
)
OFF_TOPIC = tuple(
    w
    for w in """
    football weather guitar pizza train holiday movie camera garden bicycle mountain river
    election keyboard painting festival wedding airport hotel recipe chess concert poetry
    volcano rocket planet museum castle dragon kitten puppy laptop printer router tennis
    basketball cinema theatre bakery sandwich lasagna novel author journalist parliament
    """.split()
    if w not in STOP_WORDS
)
SPACERS = ("the", "and", "of", "with", "is", "for", "a", "in", "to", "when", "your", "it")
ONSETS = tuple("b c d f g k l m n p r s t v z br cl dr fl gr pl st tr sk sn".split())
VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou")
CODAS = ("", "", "n", "r", "l", "s", "x", "m")

QUESTION_TEMPLATES = (
    "What is the {a} of {s} {q}?",
    "How does {s} {q} affect {a}?",
    "Can {s} {v} {a} problems?",
    "Is {s} {q} safe for {a}?",
)
ALTERNATE_TEMPLATES = (
    "{s} {a}",
    "{s} {q} {a}",
    "can {s} {v} my {a}",
    "is {s} safe for {n} with {a}",
    "{a} with {s} {q} and {n}",
    "should i {v} {s} for {a}",
    "why does {s} {v} my {a}",
    "how much {s} {q} for {a}",
    "does {s} help with {a} at {n}",
    "tell me about {s} and {a}",
    "{q} {s} {a} {n}",
    "when to {v} {s} {q}",
    "{s} {q} {a} advice from a {n}",
)


@dataclass(frozen=True)
class Query:
    text: str
    kind: str  # "typo phrasing", "keywords" or "off-topic"
    expect: str | None  # the entry the query was made from


class _Words:
    """Invented words: deterministic, pronounceable, unknown to English and the FAQ."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used = set(STOP_WORDS) | set(ASPECTS) | set(VERBS) | set(FILLER_NOUNS)
        self._used |= set(OFF_TOPIC)

    def take(self, count: int) -> list[str]:
        out: list[str] = []
        while len(out) < count:
            syllables = self._rng.randint(2, 3)
            word = "".join(
                self._rng.choice(ONSETS) + self._rng.choice(VOWELS) for _ in range(syllables)
            )
            word += self._rng.choice(CODAS)
            if len(word) >= TYPO_MIN_LENGTH and word not in self._used:
                self._used.add(word)
                out.append(word)
        return out


def _zipf_weights(n: int) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**ZIPF_EXPONENT) for rank in range(1, n + 1)))


def _answer(rng: random.Random, subject: str, aspect: str) -> str:
    sentences = []
    for _ in range(rng.randint(3, 5)):
        length = rng.randint(9, 15)
        pool = [*FILLER_NOUNS, *ASPECTS, *VERBS]
        sentence_words = []
        for _ in range(length):
            roll = rng.random()
            if roll < 0.12:
                sentence_words.append(subject)
            elif roll < 0.2:
                sentence_words.append(aspect)
            elif roll < 0.45:
                sentence_words.append(rng.choice(SPACERS))
            else:
                sentence_words.append(rng.choice(pool))
        text = " ".join(sentence_words)
        sentences.append(text[0].upper() + text[1:] + ".")
    return " ".join(sentences)


@dataclass(frozen=True)
class SyntheticFaq:
    content: Content
    # Per entry: its subject, aspect and qualifier (for keyword queries).
    keys: tuple[tuple[str, str, str], ...]


def synthetic_faq(base: Content, size: int, seed: int = SEED) -> SyntheticFaq:
    """`size` entries of 8 phrasings each, on top of the real content's other sections."""
    rng = random.Random(seed * 1_000_003 + size)  # noqa: S311 - reproducible data
    words = _Words(rng)
    subjects = words.take(max(40, size // 5))
    qualifiers = words.take(max(20, size // 2))
    cumulative = _zipf_weights(len(subjects))
    entries: list[Entry] = []
    keys: list[tuple[str, str, str]] = []
    for index in range(size):
        subject = rng.choices(subjects, cum_weights=cumulative)[0]
        aspect = rng.choice(ASPECTS)
        qualifier = rng.choice(qualifiers)
        templates = [
            rng.choice(QUESTION_TEMPLATES),
            *rng.sample(ALTERNATE_TEMPLATES, PHRASINGS_PER_ENTRY - 1),
        ]
        phrasings = [
            t.format(
                s=subject, a=aspect, q=qualifier, v=rng.choice(VERBS), n=rng.choice(FILLER_NOUNS)
            )
            for t in templates
        ]
        related = tuple(
            f"e{other:05d}"
            for other in sorted(rng.sample(range(size), min(2, size)))
            if other != index
        )
        entries.append(
            Entry(
                id=f"e{index:05d}",
                question=phrasings[0],
                short=f"{subject.title()} {aspect}"[:40],
                alternates=tuple(phrasings[1:]),
                answer=_answer(rng, subject, aspect),
                related=related,
                source="synthetic",
            )
        )
        keys.append((subject, aspect, qualifier))
    content = replace(base, path=f"<synthetic {size} entries>", entries=tuple(entries))
    return SyntheticFaq(content, tuple(keys))


def _typo(rng: random.Random, word: str) -> str:
    """One slip inside the word (never its first letter): swap, drop, double or replace."""
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    if op == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == 1:
        return word[:i] + word[i + 1 :]
    if op == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]


def with_typos(rng: random.Random, text: str) -> str:
    tokens = text.split()
    eligible = [i for i, t in enumerate(tokens) if len(t) >= TYPO_MIN_LENGTH and t.isalpha()]
    if not eligible:
        return text
    hit = {i for i in eligible if rng.random() < TYPO_RATE} or {rng.choice(eligible)}
    return " ".join(_typo(rng, t) if i in hit else t for i, t in enumerate(tokens))


def synthetic_queries(faq: SyntheticFaq, count: int, seed: int = SEED) -> list[Query]:
    """60 % phrasings with slips, 15 % keyword queries, 25 % off-topic word strings."""
    rng = random.Random(seed * 7_919 + len(faq.content.entries))  # noqa: S311
    entries = faq.content.entries
    out: list[Query] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.60:
            index = rng.randrange(len(entries))
            phrasing = rng.choice(entries[index].phrasings)
            out.append(Query(with_typos(rng, phrasing), "typo phrasing", entries[index].id))
        elif roll < 0.75:
            index = rng.randrange(len(entries))
            subject, aspect, qualifier = faq.keys[index]
            text = rng.choice((f"{subject} {aspect}", f"{subject} {qualifier} {aspect}"))
            out.append(
                Query(
                    with_typos(rng, text) if rng.random() < 0.5 else text,
                    "keywords",
                    entries[index].id,
                )
            )
        else:
            length = rng.randint(3, 8)
            chosen = [
                rng.choice(OFF_TOPIC) if rng.random() < 0.7 else rng.choice(SPACERS)
                for _ in range(length)
            ]
            out.append(Query(" ".join(chosen), "off-topic", None))
    return out
