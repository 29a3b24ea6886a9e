"""Emergency-sign detection. It runs before any matching and always wins.

A sign's pattern matches when all of its words occur close together in the
message. A pattern word ending in `*` matches any word starting with it;
longer words tolerate a spelling slip ("siezure", "drooping" -> "droping").
Stop words inside a pattern are ignored, so "pain in my chest" meets
"pain chest".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from bot.content import Emergency
from bot.text import words

# All words of a pattern must fall within this many message words of each other.
WINDOW = 8


def _one_slip(a: str, b: str) -> bool:
    return OSA.distance(a, b, score_cutoff=1) <= 1


@dataclass(frozen=True)
class _Word:
    text: str
    prefix: bool

    def matches(self, token: str) -> bool:
        if self.prefix:
            if token.startswith(self.text):
                return True
            # A slip inside a stem long enough that one changed letter rarely
            # makes another word ("convlusion" for convuls*; not "sour" for slur*).
            head = token[: len(self.text)]
            return len(self.text) >= 5 and _one_slip(head, self.text)
        return token == self.text or (len(self.text) >= 5 and _one_slip(token, self.text))


@dataclass(frozen=True)
class _Pattern:
    sign: str
    words: tuple[int, ...]  # indexes into EmergencyDetector._words


class EmergencyDetector:
    def __init__(self, emergency: Emergency) -> None:
        index: dict[_Word, int] = {}
        patterns: list[_Pattern] = []
        for sign in emergency.signs:
            for raw in sign.patterns:
                parts = [
                    _Word(w.rstrip("*"), w.endswith("*"))
                    for w in raw.lower().replace("'", "").split()
                ]
                ids = tuple(index.setdefault(p, len(index)) for p in parts if p.text)
                if ids:
                    patterns.append(_Pattern(sign.name, ids))
        self._patterns = tuple(patterns)
        self._words = tuple(index)
        # Which pattern words a message word matches: computed once per distinct
        # word, since the same words come back message after message.
        self._hits = lru_cache(maxsize=65536)(self._hits_uncached)

    def _hits_uncached(self, token: str) -> frozenset[int]:
        return frozenset(i for i, w in enumerate(self._words) if w.matches(token))

    def detect(self, text: str) -> str | None:
        """The name of the first emergency sign the message mentions, if any."""
        hits = [self._hits(t) for t in words(text)]
        if not any(hits):
            return None
        for pattern in self._patterns:
            if self._occurs(pattern, hits):
                return pattern.sign
        return None

    @staticmethod
    def _occurs(pattern: _Pattern, hits: list[frozenset[int]]) -> bool:
        first, rest = pattern.words[0], pattern.words[1:]
        for i, here in enumerate(hits):
            if first not in here:
                continue
            window = hits[max(0, i - WINDOW) : i + WINDOW + 1]
            if all(any(w in h for h in window) for w in rest):
                return True
        return False
