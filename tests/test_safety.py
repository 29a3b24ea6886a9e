"""The emergency detector's indexes find exactly what its plain definition finds:
a message word hits the pattern words `_Word.matches` says it hits, and a message
gets the first sign, in file order, whose pattern occurs."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
import yaml

from bot.content import Content
from bot.safety import EmergencyDetector, _Pattern
from bot.text import words

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def detector(content: Content) -> EmergencyDetector:
    return EmergencyDetector(content.emergency)


def _slips(word: str, rng: random.Random) -> set[str]:
    """The word with one letter inserted, dropped, replaced or swapped, and endings."""
    out = set()
    for _ in range(20):
        i = rng.randrange(len(word) + 1)
        ch = rng.choice(string.ascii_lowercase)
        out |= {
            word[:i] + ch + word[i:],
            word[:i] + word[i + 1 :],
            word[:i] + ch + word[i + 1 :],
            word[:i] + word[i + 1 : i + 2] + word[i : i + 1] + word[i + 2 :],
        }
    out |= {w + end for w in list(out) for end in ("s", "ing", "ed")}
    return {w for w in out if w}


def _messages() -> list[str]:
    texts: list[str] = []
    for path in sorted(DATA.glob("*.yaml")):
        texts += [str(item["text"]) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return texts


def test_hits_are_the_pattern_words_each_word_matches(
    detector: EmergencyDetector, content: Content
) -> None:
    rng = random.Random(5)
    tokens: set[str] = set()
    for w in detector._words:
        tokens |= {w.text, *_slips(w.text, rng)}
    for entry in content.entries:
        for text in (*entry.phrasings, entry.answer):
            tokens.update(words(text))
    for text in _messages():
        tokens.update(words(text))
    for token in sorted(tokens):
        expected = {i for i, w in enumerate(detector._words) if w.matches(token)}
        assert detector._hits(token) == expected, token


def _plain_detect(detector: EmergencyDetector, text: str) -> str | None:
    """Every pattern in file order, each message word against every pattern word."""
    hits = [
        frozenset(i for i, w in enumerate(detector._words) if w.matches(t)) for t in words(text)
    ]
    pattern: _Pattern
    for pattern in detector._patterns:
        if EmergencyDetector._occurs(pattern, hits):
            return pattern.sign
    return None


def test_detect_finds_the_same_sign_as_trying_every_pattern(
    detector: EmergencyDetector,
) -> None:
    texts = _messages()
    found = 0
    for text in texts:
        expected = _plain_detect(detector, text)
        assert detector.detect(text) == expected, text
        found += expected is not None
    assert found > 50  # the sets hold plenty of red flags


def test_the_first_sign_in_file_order_wins(detector: EmergencyDetector) -> None:
    signs = [p.sign for p in detector._patterns]
    assert len(set(signs)) > 1
    # A message naming two signs gets the one listed first in faq.yaml.
    first_of: dict[str, int] = {}
    for i, p in enumerate(detector._patterns):
        first_of.setdefault(p.sign, i)
    a, b = sorted(first_of.values())[:2]
    text_a = " ".join(detector._words[w].text for w in detector._patterns[a].words)
    text_b = " ".join(detector._words[w].text for w in detector._patterns[b].words)
    assert detector.detect(f"{text_b}. {text_a}") == detector._patterns[a].sign


@pytest.mark.parametrize(
    ("message", "sign"),
    [
        ("my face is droping on one side", "face drooping"),
        ("he had a siezure", "seizure"),
        ("he was shaking on the floor and wouldn't respond", "seizure"),
        ("my face went down on one side", "face drooping"),
        ("rite arm went week and my lip wont stop", "one-sided weakness or numbness"),
        # A word shorter than a stem is another word, not a slip of it.
        ("my teenager can't drop off to sleep at night", None),
        ("my lip twitches when i drop my phone", None),
    ],
)
def test_slips_of_signs_count_and_other_words_do_not(
    detector: EmergencyDetector, message: str, sign: str | None
) -> None:
    assert detector.detect(message) == sign
