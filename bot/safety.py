"""Emergency-sign detection. It runs before any matching and always wins.

A sign's pattern matches when all of its words occur close together in the
message. A pattern word ending in `*` matches any word starting with it;
longer words tolerate a spelling slip ("siezure", "drooping" -> "droping").
Stop words inside a pattern are ignored, so "pain in my chest" meets
"pain chest".

Speed: which pattern words a message word matches is computed once per
distinct word, with one rapidfuzz call per group of pattern words (the exact
ones, and the prefixes of each length) instead of one comparison per pattern
word; a message then tries only the patterns all of whose words it contains,
in file order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.content import Emergency
from bot.text import words

# All words of a pattern must fall within this many message words of each other.
WINDOW = 8
# Pattern words at least this long tolerate one slip (a swap counts as one).
SLIP_MIN_LENGTH = 5

_NO_HITS: frozenset[int] = frozenset()


def _one_slip(a: str, b: str) -> bool:
    return OSA.distance(a, b, score_cutoff=1) <= 1


@dataclass(frozen=True)
class _Word:
    text: str
    prefix: bool

    def matches(self, token: str) -> bool:
        """The definition of a hit; EmergencyDetector computes the same in bulk."""
        if self.prefix:
            if token.startswith(self.text):
                return True
            # A slip inside a stem long enough that one changed letter rarely
            # makes another word ("convlusion" for convuls*; not "sour" for slur*).
            # A word shorter than the stem is another word ("drop", not droop*).
            head = token[: len(self.text)]
            return (
                len(self.text) >= SLIP_MIN_LENGTH
                and len(token) >= len(self.text)
                and _one_slip(head, self.text)
            )
        return token == self.text or (
            len(self.text) >= SLIP_MIN_LENGTH and _one_slip(token, self.text)
        )


@dataclass(frozen=True)
class _Pattern:
    sign: str
    words: tuple[int, ...]  # indexes into EmergencyDetector._words


@dataclass(frozen=True)
class _Group:
    """Pattern words compared with a message word (or its first `length` letters)."""

    length: int  # 0: the whole message word (words without `*`)
    equal: dict[str, int]  # text -> word index: equal to the (cut) message word
    fuzzy: tuple[str, ...]  # texts that also match with one slip
    fuzzy_ids: tuple[int, ...]


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
        # Patterns by their first word, and the set of words each one needs.
        self._by_first: dict[int, list[int]] = {}
        for pid, pattern in enumerate(patterns):
            self._by_first.setdefault(pattern.words[0], []).append(pid)
        self._needs = tuple(frozenset(p.words) for p in patterns)
        self._groups = _groups(self._words)
        # Which pattern words a message word matches: computed once per distinct
        # word, since the same words come back message after message.
        self._hits = lru_cache(maxsize=65536)(self._hits_uncached)

    def _hits_uncached(self, token: str) -> frozenset[int]:
        found: set[int] = set()
        for group in self._groups:
            cut = token[: group.length] if group.length else token
            equal = group.equal.get(cut)
            if equal is not None:
                found.add(equal)
            if group.fuzzy and len(cut) >= group.length:
                close = process.extract(
                    cut, group.fuzzy, scorer=OSA.distance, score_cutoff=1, limit=None
                )
                found.update(group.fuzzy_ids[i] for _, _, i in close)
        return frozenset(found) if found else _NO_HITS

    def detect(self, text: str) -> str | None:
        """The name of the first emergency sign the message mentions, if any."""
        hits = [self._hits(t) for t in words(text)]
        present: set[int] = set()
        for here in hits:
            present |= here
        if not present:
            return None
        # Only patterns whose words all occur can match; try them in file order.
        tried = sorted(pid for w in present for pid in self._by_first.get(w, ()))
        for pid in tried:
            if self._needs[pid] <= present and self._occurs(self._patterns[pid], hits):
                return self._patterns[pid].sign
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


def _groups(pattern_words: tuple[_Word, ...]) -> tuple[_Group, ...]:
    """Pattern words grouped by how a message word is compared with them: whole
    (words without `*`) or cut to the length of a prefix (`word*`)."""
    by_length: dict[int, list[tuple[str, int]]] = {}
    for i, w in enumerate(pattern_words):
        by_length.setdefault(len(w.text) if w.prefix else 0, []).append((w.text, i))
    groups = []
    for length, members in sorted(by_length.items()):
        fuzzy = [(t, i) for t, i in members if len(t) >= SLIP_MIN_LENGTH]
        groups.append(
            _Group(
                length,
                dict(members),
                tuple(t for t, _ in fuzzy),
                tuple(i for _, i in fuzzy),
            )
        )
    return tuple(groups)
