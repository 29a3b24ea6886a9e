"""Emergency-sign detection. It runs before any matching and always wins.

A sign's pattern matches when all of its words occur close together in the
message. A pattern word ending in `*` matches any word starting with it;
longer words tolerate a spelling slip ("siezure", "drooping" -> "droping").
Stop words inside a pattern are ignored, so "pain in my chest" meets
"pain chest".
"""

from __future__ import annotations

from dataclasses import dataclass

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
    words: tuple[_Word, ...]


class EmergencyDetector:
    def __init__(self, emergency: Emergency) -> None:
        patterns: list[_Pattern] = []
        for sign in emergency.signs:
            for raw in sign.patterns:
                parts = [
                    _Word(w.rstrip("*"), w.endswith("*"))
                    for w in raw.lower().replace("'", "").split()
                ]
                patterns.append(_Pattern(sign.name, tuple(p for p in parts if p.text)))
        self._patterns = tuple(p for p in patterns if p.words)

    def detect(self, text: str) -> str | None:
        """The name of the first emergency sign the message mentions, if any."""
        tokens = words(text)
        if not tokens:
            return None
        for pattern in self._patterns:
            if self._occurs(pattern, tokens):
                return pattern.sign
        return None

    @staticmethod
    def _occurs(pattern: _Pattern, tokens: list[str]) -> bool:
        first, rest = pattern.words[0], pattern.words[1:]
        for i, token in enumerate(tokens):
            if not first.matches(token):
                continue
            lo, hi = max(0, i - WINDOW), min(len(tokens), i + WINDOW + 1)
            window = tokens[lo:hi]
            if all(any(w.matches(t) for t in window) for w in rest):
                return True
        return False
