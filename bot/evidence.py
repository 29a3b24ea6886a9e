"""A second opinion on which entry a message asks about: word evidence.

The overlap scores of bot/matcher.py judge a message by the phrasings it
resembles most. This model instead weighs every known word of the message
against each entry's whole vocabulary (a multinomial naive Bayes over the
words of all its phrasings, real user examples included). Long messages full
of personal context ("I'm 58, my daughter says...") dilute an overlap score
below the answer threshold although most of their words point one way; short
ones can resemble a single phrasing of the wrong entry. So the matcher asks
for this opinion at the edges of its decision:

* a "did you mean" whose first candidate this model also picks, with high
  confidence, becomes an answer;
* an answer this model disagrees with, with fair confidence, becomes a
  "did you mean".

Both rules were chosen by leave-one-set-out cross-validation over the
labelled tuning sets in tests/data (docs/quality.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

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

    def __len__(self) -> int:
        return len(self._log_p)

    def best(
        self, words: Mapping[str, object] | Iterable[str], among: Iterable[int]
    ) -> tuple[int, float] | None:
        """The most likely group among `among` for a message made of `words`,
        and its posterior probability within those groups (equal priors).
        Ties go to the lower index. None without words or groups."""
        terms = list(words)
        if not terms:
            return None
        scored: list[tuple[int, float]] = []
        for g in sorted(set(among)):
            table, unseen = self._log_p[g], self._log_unseen[g]
            scored.append((g, sum(table.get(w, unseen) for w in terms)))
        if not scored:
            return None
        top = max(ll for _, ll in scored)
        weights = [(g, math.exp(ll - top)) for g, ll in scored]
        total = sum(w for _, w in weights)
        group, weight = max(weights, key=lambda gw: (gw[1], -gw[0]))
        return group, weight / total
