"""Emergency-sign detection. It runs before any matching and always wins.

A sign's pattern matches when all of its words occur close together in the
message. A pattern word ending in `*` matches any word starting with it;
longer words tolerate a spelling slip ("siezure", "drooping" -> "droping").
Stop words inside a pattern are ignored, so "pain in my chest" meets
"pain chest".

Speed: which pattern words a message word matches is computed once per
distinct word. Most message words are new on first sight and match nothing,
so that computation only tries the few pattern words an index of their
letters allows (see `_Candidates`) with the plain definition, `_Word.matches`.
A message then tries only the patterns all of whose words it contains, in
file order; one in which no word matches anything stops there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from bot.content import Emergency
from bot.text import normalize

# All words of a pattern must fall within this many message words of each other.
WINDOW = 8
# Pattern words at least this long tolerate one slip (a swap counts as one).
SLIP_MIN_LENGTH = 5
# Message words remembered with their hits; past this many (junk from long-running
# use) the memory starts afresh rather than growing without bound.
KNOWN_WORDS_MAX = 65536

_NO_HITS: frozenset[int] = frozenset()
# Longer than any message word: the upper length bound of a stem (`word*`).
_ANY_LENGTH = 1 << 30


def _one_slip(a: str, b: str) -> bool:
    return OSA.distance(a, b, score_cutoff=1) <= 1


@dataclass(frozen=True)
class _Word:
    text: str
    prefix: bool

    def matches(self, token: str) -> bool:
        """The definition of a hit; EmergencyDetector tries it on a few candidates."""
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


# A pattern word to try on a message word: its index, and the lengths of message
# word it can match (a whole word: its own length, one more or one less with a slip;
# a stem: its length or longer).
_Candidate = tuple[int, int, int]


class _Candidates:
    """The pattern words a message word may match, found by a few of its letters;
    `_Word.matches` then decides. No word that matches is left out:

    A hit starts with the pattern word's first two letters, unless its one slip (a
    letter changed, added or dropped, or two swapped) touches them. Such a slip lies
    within the first three letters, so from its fourth letter on the message word is
    the pattern word as it was: from the third letter if a letter was added, from the
    fifth if one was dropped. A whole word `w` is then found by `w[2:]`, `w[3:]` or
    `w[4:]` equal to the message word's `[3:]`; a stem, compared with as many letters
    of the message word as it has (so its slip adds or drops none), by `w[3:5]`.
    Words that may slip are long enough (SLIP_MIN_LENGTH) to have those letters.
    """

    def __init__(self, pattern_words: tuple[_Word, ...]) -> None:
        # The first letters compared: two, unless a one-letter stem (`x*`) needs one.
        self.head = min([2, *(len(w.text) for w in pattern_words if w.prefix)])
        by_head: dict[str, list[_Candidate]] = {}
        by_rest: dict[str, list[_Candidate]] = {}  # whole words with a slip
        by_middle: dict[str, list[_Candidate]] = {}  # stems with a slip
        for i, w in enumerate(pattern_words):
            n = len(w.text)
            slips = n >= SLIP_MIN_LENGTH
            if w.prefix:
                candidate = (i, n, _ANY_LENGTH)
                if slips:
                    by_middle.setdefault(w.text[3:5], []).append(candidate)
            else:
                candidate = (i, n - 1, n + 1) if slips else (i, n, n)
                if slips:
                    for rest in dict.fromkeys((w.text[2:], w.text[3:], w.text[4:])):
                        by_rest.setdefault(rest, []).append(candidate)
            by_head.setdefault(w.text[: self.head], []).append(candidate)
        self.by_head = {k: tuple(v) for k, v in by_head.items()}
        self.by_rest = {k: tuple(v) for k, v in by_rest.items()}
        self.by_middle = {k: tuple(v) for k, v in by_middle.items()}

    def of(self, token: str) -> tuple[_Candidate, ...]:
        """Candidates for the message word (some twice, some of the wrong length)."""
        return (
            *self.by_head.get(token[: self.head], ()),
            *self.by_rest.get(token[3:], ()),
            *self.by_middle.get(token[3:5], ()),
        )


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
        # The set of words each pattern needs, and the patterns by one of them: the
        # one fewest patterns need, so that a message with a common pattern word
        # ("cant", "face", "arm": dozens of patterns each) checks few patterns.
        self._needs = tuple(frozenset(p.words) for p in patterns)
        needed_by = Counter(w for needs in self._needs for w in needs)
        self._by_rarest: dict[int, list[int]] = {}
        for pid, needs in enumerate(self._needs):
            rarest = min(sorted(needs), key=needed_by.__getitem__)
            self._by_rarest.setdefault(rarest, []).append(pid)
        self._candidates = _Candidates(self._words)
        # The hits of each message word seen: the same words come back message after
        # message. A plain dict, read inline by detect(), costs less per word than a
        # call through functools.lru_cache.
        self._known: dict[str, frozenset[int]] = {}

    def _hits(self, token: str) -> frozenset[int]:
        """The pattern words the message word matches (computed, not remembered)."""
        n = len(token)
        words = self._words
        found: set[int] = set()
        for i, shortest, longest in self._candidates.of(token):
            if shortest <= n <= longest and words[i].matches(token):
                found.add(i)
        return frozenset(found) if found else _NO_HITS

    def _learn(self, token: str) -> frozenset[int]:
        """The hits of a word not seen yet, remembered."""
        if len(self._known) >= KNOWN_WORDS_MAX:
            self._known.clear()
        hits = self._known[token] = self._hits(token)
        return hits

    def detect(self, text: str) -> str | None:
        """The name of the first emergency sign the message mentions, if any."""
        known = self._known
        # normalize(text), as Brain.on_text has just called it: a cache hit there
        # (words(text) passes the limit too, which makes another cache key).
        hits = [known[t] if t in known else self._learn(t) for t in normalize(text).split()]
        # Most messages: no word matches any pattern word.
        if not any(hits):
            return None
        present = frozenset().union(*hits)
        # Only patterns whose words all occur can match; try them in file order.
        needs = self._needs
        tried = sorted(
            pid for w in present for pid in self._by_rarest.get(w, ()) if needs[pid] <= present
        )
        for pid in tried:
            if self._occurs(self._patterns[pid], hits):
                return self._patterns[pid].sign
        return None

    @staticmethod
    def _occurs(pattern: _Pattern, hits: list[frozenset[int]]) -> bool:
        first, rest = pattern.words[0], pattern.words[1:]
        for i, here in enumerate(hits):
            if first not in here:
                continue
            # The other words each hit somewhere in the window: one union and one
            # subset test in C rather than a generator per word and message word.
            near = frozenset().union(*hits[max(0, i - WINDOW) : i + WINDOW + 1])
            if near.issuperset(rest):
                return True
        return False
