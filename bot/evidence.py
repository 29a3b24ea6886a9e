"""A second opinion on which entry a message asks about: word evidence.

The overlap scores of bot/matcher.py judge a message by the phrasings it
resembles most. This model instead weighs every known word of the message
against each entry's whole vocabulary (a multinomial naive Bayes over the
words of all its phrasings, real user examples included). Long messages full
of personal context ("I'm 58, my daughter says...") dilute an overlap score
below the answer threshold although most of their words point one way; short
ones can resemble a single phrasing of the wrong entry. The matcher blends
this opinion into the leading candidates' scores and lets it decide at the
edges (Matcher._judge in bot/matcher.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat

# Additive smoothing of word counts: a word an entry never uses still has a
# small probability, so one odd word cannot veto an entry.
SMOOTHING = 0.5


class WordEvidence:
    """Per group (entry, or the out-of-scope pseudo entry): log P(word | group)."""

    def __init__(self, groups: Sequence[Iterable[Sequence[str]]]) -> None:
        """`groups[i]` holds the tokenised phrasings of group i; a word counts
        once per phrasing it occurs in."""
        counts: list[dict[str, int]] = []
        vocabulary: set[str] = set()
        for phrasings in groups:
            seen: dict[str, int] = {}
            for tokens in phrasings:
                for word in set(tokens):
                    seen[word] = seen.get(word, 0) + 1
            counts.append(seen)
            vocabulary.update(seen)
        size = len(vocabulary)
        self._log_p: list[dict[str, float]] = []
        self._log_unseen: list[float] = []
        for seen in counts:
            denominator = sum(seen.values()) + SMOOTHING * size
            self._log_p.append(
                {w: math.log((n + SMOOTHING) / denominator) for w, n in seen.items()}
            )
            self._log_unseen.append(math.log(SMOOTHING / denominator) if denominator else 0.0)

    def posteriors(self, words: Iterable[str], among: Iterable[int]) -> dict[int, float]:
        """P(group | words) within the groups `among` (equal priors); empty
        without words or groups."""
        terms = list(words)
        groups = sorted(set(among))
        if not terms or not groups:
            return {}
        # Each group's log-likelihood, its terms summed in order (map: no Python
        # frame per word).
        scored = [
            sum(map(self._log_p[g].get, terms, repeat(self._log_unseen[g], len(terms))))
            for g in groups
        ]
        top = max(scored)
        weights = [math.exp(ll - top) for ll in scored]
        total = sum(weights)
        return {g: w / total for g, w in zip(groups, weights, strict=True)}


def most_likely(posteriors: Mapping[int, float]) -> tuple[int, float]:
    """The group with the highest posterior, and that posterior; ties go to the
    lower index (the entry earlier in faq.yaml)."""
    return max(posteriors.items(), key=lambda gp: (gp[1], -gp[0]))
