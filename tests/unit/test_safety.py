"""The emergency detector's indexes find exactly what its plain definition finds:
a message word hits the pattern words `_Word.matches` says it hits, and a message
gets the first sign, in file order, whose pattern occurs, whatever the detector
has seen before."""

from __future__ import annotations

import functools
import random
import string

import pytest
import yaml

from bot import safety
from bot.content import Content, Emergency, EmergencySign
from bot.safety import EmergencyDetector, _Pattern, _Word
from bot.text import words
from tests.support import DATA


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


def _one_edits(word: str) -> set[str]:
    """Every single slip of the word: each letter changed (to one of its own letters,
    "x", "1" or "é"), each letter dropped, a letter added anywhere, each pair swapped."""
    alphabet = set(word) | {"x", "1", "é"}
    out = {word}
    for i in range(len(word) + 1):
        out |= {word[:i] + ch + word[i:] for ch in alphabet}
        if i < len(word):
            out |= {word[:i] + ch + word[i + 1 :] for ch in alphabet}
            out.add(word[:i] + word[i + 1 :])
        if i + 1 < len(word):
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return {w for w in out if w}


def test_every_single_slip_of_a_pattern_word_finds_it_exactly_when_it_matches(
    detector: EmergencyDetector,
) -> None:
    # The candidate index must never leave out a pattern word that matches; a slip
    # at every position, in words and in stems followed by more letters, tries it.
    for i, w in enumerate(detector._words):
        for token in _one_edits(w.text):
            for t in (token, token + "s", token + "ing"):
                assert (i in detector._hits(t)) == w.matches(t), (w, t)


def test_short_stems_and_words_are_found_as_their_definition_says() -> None:
    # A one-letter stem makes the index compare first letters only.
    patterns = ("x* ray", "ab", "q", "dizzy*", "faint", "numb*", "sudden* blind*")
    detector = EmergencyDetector(Emergency("", (EmergencySign("sign", patterns),), ()))
    tokens = {"x", "xy", "a", "ab", "abc", "q", "qq", "", *words(" ".join(patterns))}
    for w in detector._words:
        tokens |= {t + end for t in _one_edits(w.text) for end in ("", "s", "ness")}
    for token in sorted(tokens):
        expected = {i for i, w in enumerate(detector._words) if w.matches(token)}
        assert detector._hits(token) == expected, token


@functools.cache
def _plain_hits(pattern_words: tuple[_Word, ...], token: str) -> frozenset[int]:
    """Every pattern word tried on the message word (remembered: tests ask often)."""
    return frozenset(i for i, w in enumerate(pattern_words) if w.matches(token))


def _plain_occurs(pattern: _Pattern, hits: list[frozenset[int]]) -> bool:
    """Each other word of the pattern hits a message word within WINDOW words of one
    that its first word hits."""
    first, rest = pattern.words[0], pattern.words[1:]
    return any(
        all(
            any(w in h for h in hits[max(0, i - safety.WINDOW) : i + safety.WINDOW + 1])
            for w in rest
        )
        for i, here in enumerate(hits)
        if first in here
    )


def _plain_detect(detector: EmergencyDetector, text: str) -> str | None:
    """Every pattern in file order, each message word against every pattern word."""
    hits = [_plain_hits(detector._words, t) for t in words(text)]
    pattern: _Pattern
    for pattern in detector._patterns:
        if _plain_occurs(pattern, hits):
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


def test_pattern_words_near_and_far_apart_match_as_their_definition_says(
    detector: EmergencyDetector,
) -> None:
    # Each pattern's words with a few words between them, or about WINDOW words (the
    # edges of the window), or many; in order and reversed, and its first word once
    # more far away.
    w = safety.WINDOW
    texts = []
    for pattern in detector._patterns:
        parts = [detector._words[i].text for i in pattern.words]
        for gap in (0, 2, w - 2, w - 1, w, w + 1, 2 * w):
            between = f" {'so ' * gap}"
            spaced = between.join(parts)
            texts += [spaced, between.join(parts[::-1]), f"{parts[0]}{between * 2}{spaced}"]
            texts.append(f"{parts[0]}{between}{' '.join(parts[1:])}")
    too_far = 0
    for text in texts:
        expected = _plain_detect(detector, text)
        assert detector.detect(text) == expected, text
        too_far += expected is None
    assert too_far > 100


def _variants(texts: list[str], rng: random.Random) -> list[str]:
    """Messages run together, cut short, shouted, or with punctuation between words."""
    out = []
    for _ in range(300):
        a, b = rng.choice(texts), rng.choice(texts)
        out += [f"{a} {b}", a[: rng.randrange(len(a) + 1)], b.upper(), "...".join(a.split())]
    return out


def test_fresh_warm_and_forgetful_detectors_answer_alike(
    content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _messages()
    texts = _variants(texts, random.Random(11)) + texts[::7]
    fresh = EmergencyDetector(content.emergency)
    expected = [_plain_detect(fresh, text) for text in texts]
    assert [fresh.detect(text) for text in texts] == expected  # first sight
    assert [fresh.detect(text) for text in reversed(texts)] == expected[::-1]  # all known
    # A detector whose memory of words fills up and starts afresh, many times over.
    monkeypatch.setattr(safety, "KNOWN_WORDS_MAX", 7)
    forgetful = EmergencyDetector(content.emergency)
    assert [forgetful.detect(text) for text in texts] == expected
    assert len(forgetful._known) <= 7


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
