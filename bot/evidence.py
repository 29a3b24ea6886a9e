"""A second opinion on which entry a message asks about: a learned classifier.

The overlap scores of bot/matcher.py judge a message by the phrasings it
resembles most, word for word. This model instead weighs everything in the
message at once: its words, its word pairs and the letter sequences inside its
words (so "twitchy", "twitchin" and "twitching" share most of their features
even where no synonym or spelling rule joins them). It is an averaged
perceptron, a linear classifier, trained when the content is loaded on every
phrasing of every entry and on the out-of-scope questions (the one more group
of bot/matcher.py). Long messages full of personal context ("I'm 58, my
daughter says...") dilute an overlap score although most of their features
point one way; short ones can resemble a single phrasing of the wrong entry.
The matcher blends this opinion into the leading candidates' scores and lets
it decide at the edges (Matcher._judge in bot/matcher.py).
"""

from __future__ import annotations

import math
import random
import struct
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import pairwise

# Letter sequences of these lengths inside each word (with its edges marked).
CHAR_GRAMS = (3, 4, 5)
# Passes over the phrasings, in a fixed shuffled order (grouped CV, docs/quality.md).
EPOCHS = 4
SEED = 20261207
# Scores are turned into probabilities by a softmax at this temperature (the
# perceptron's margins are not probabilities; chosen by cross-validation).
TEMPERATURE = 14.0


def features(words: Sequence[str]) -> list[str]:
    """A message's features: its (canonical) words, neighbouring word pairs and
    the letter sequences of each word; each once."""
    found = dict.fromkeys(f"w {w}" for w in words)
    found.update(dict.fromkeys(f"b {a} {b}" for a, b in pairwise(words)))
    for w in words:
        found.update(dict.fromkeys(_letter_grams(w)))
    return list(found)


@lru_cache(maxsize=16384)
def _letter_grams(word: str) -> tuple[str, ...]:
    """The letter sequences of a word with its edges marked, shortest first.
    Remembered: words recur across phrasings, and across a message's parts."""
    padded = f"<{word}>"
    return tuple(padded[i : i + n] for n in CHAR_GRAMS for i in range(len(padded) - n + 1))


# Each feature's weights for all groups are packed into one integer, LANE bits
# per group (a weight below 2^(LANE-1) in size, negative ones included), so
# that adding up a message's features is one sum of integers, not a loop over
# groups: training at start-up takes a fraction of a second.
LANE = 64
_HALF = 1 << (LANE - 1)


class PhrasingClassifier:
    """Per feature, a weight for each group (entry or the out-of-scope pseudo
    entry), packed (LANE)."""

    def __init__(self, groups: Sequence[Iterable[Sequence[str]]]) -> None:
        """`groups[i]` holds the tokenised phrasings of group i."""
        examples = [(tokens, g) for g, phrasings in enumerate(groups) for tokens in phrasings]
        random.Random(SEED).shuffle(examples)  # noqa: S311 (a fixed order, not a secret)
        self._groups = len(groups)
        self._bias = sum(_HALF << LANE * g for g in range(self._groups))
        self._layout = f"<{self._groups}Q"  # 64-bit ("Q", LANE) unsigned lanes, group 0 first
        # Features are numbered in order of first sight, so that the weights are
        # lists (reading a list is about twice as fast as a dict). Each example's
        # features are made only as it is numbered: every example's feature
        # strings made first, then numbered, left the bot about 7 MB more resident
        # memory (94 MB, not 87, after the brain is built; python -m bench).
        number: dict[str, int] = {}
        numbered = [
            (tuple([number.setdefault(f, len(number)) for f in features(tokens)]), g)
            for tokens, g in examples
        ]
        del examples
        # Averaged perceptron: the weights w, and u, the sum of every update times
        # the step it was made at; step times the average weight over all steps
        # is step * w - u, an integer.
        weights = [0] * len(number)
        stamped = [0] * len(number)
        step = 1
        for _ in range(EPOCHS):
            for indices, truth in numbered:
                scores = self._unpack(sum(map(weights.__getitem__, indices)))
                guess = scores.index(max(scores))  # ties go to the lower group
                if guess != truth:
                    delta = (1 << LANE * truth) - (1 << LANE * guess)
                    for i in indices:
                        weights[i] += delta
                        stamped[i] += step * delta
                step += 1
        self._steps = step
        del numbered  # before the averaged weights are built: a lower peak of memory
        # A feature whose average weight is zero in every group reads as unseen
        # (posteriors use .get(f, 0)), so it is not kept: over half of the red-flag
        # opinion's features, some megabytes of memory.
        averaged = ((f, step * weights[i] - stamped[i]) for f, i in number.items())
        self._weights = {f: a for f, a in averaged if a}

    def _unpack(self, packed: int) -> list[int]:
        """The per-group values of a packed sum, group 0 first: with 2^(LANE-1)
        added to each lane, every lane is a plain unsigned number."""
        raw = (packed + self._bias).to_bytes(self._groups * LANE // 8, "little")
        return [value - _HALF for value in struct.unpack(self._layout, raw)]

    def posteriors(self, words: Sequence[str], among: Iterable[int]) -> dict[int, float]:
        """How likely each group of `among` is for a message with these words (a
        softmax of the averaged scores); empty without words or groups."""
        groups = sorted(set(among))
        if not words or not groups:
            return {}
        packed = sum(self._weights.get(f, 0) for f in features(words))
        scores = self._unpack(packed)
        top = max(scores[g] for g in groups)
        scale = self._steps * TEMPERATURE
        weights = [math.exp((scores[g] - top) / scale) for g in groups]
        total = sum(weights)
        return {g: w / total for g, w in zip(groups, weights, strict=True)}


def most_likely(posteriors: Mapping[int, float]) -> tuple[int, float]:
    """The group with the highest posterior, and that posterior; ties go to the
    lower index (the entry earlier in faq.yaml)."""
    return max(posteriors.items(), key=lambda gp: (gp[1], -gp[0]))
