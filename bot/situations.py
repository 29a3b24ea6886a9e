"""Messages that need advice of their own before anything else: thoughts of
suicide or self-harm, tablets swallowed in excess (an overdose, a child who
got into them), warning signs in pregnancy, "calling 111" (when 999 may be
the number) and driving someone to A&E (when an ambulance may be what they
need). None is one of the emergency signs of bot/safety.py (which are
read first and win: a sign happening now gets the emergency advice), and none
is answered well by "call 999 now" alone or by a topic answer.

Each situation's phrases and advice are in faq.yaml (`emergency.situations`).
A phrase is words in order, with at most GAP other words between two of them
("took a whole bottle" is "took whole bottle"); "a|b" is either word (one
word each: "with me|away" is the two places "with" and "me|away") and
"word*" any word starting so; a last word "!a|b" names words that must not
follow it ("killing myself !at": "killing myself at the gym" is a figure of
speech); "a b & c d" holds when both "a b" and "c d" are in the message,
anywhere and in any order ("@saving & @meds & all once": a plan told in words
of its own), and a part that begins with "!" must not be in it ("& !can i": a
question about dosing is no plan). A whole word of SLIP_MIN letters or more
also fits with a letter changed or two swapped ("killign"); a stem does not,
so its misspellings are listed ("sucid*"). A negation just before a phrase
denies it ("I don't want to die" is fear, not a wish). faq.yaml's `emergency.situation_words` name
lists of words ("meds": the medicines) that a phrase uses as "@meds"; they are
replaced by their words when faq.yaml is read (bot/content.py), so this module
sees plain phrases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from bot.content import Situation
from bot.safety_reading import normalize_all
from bot.safety_words import NEGATIONS

GAP = 2
# "OD'd" (overdosed) would read as the word "odd" once its apostrophe goes.
OD_D = re.compile(r"\bod['’]d\b", re.IGNORECASE)
# A negation this many words or fewer before a phrase denies it.
NEGATED_REACH = 3
# Words (and stems) this long fit a token one letter away.
SLIP_MIN = 6


def _slip(a: str, b: str) -> bool:
    return OSA.distance(a, b, score_cutoff=1) <= 1


@dataclass(frozen=True)
class _Word:
    """One word of a phrase: its alternatives, whole words and stems."""

    whole: frozenset[str]
    stems: tuple[str, ...]

    @classmethod
    def of(cls, raw: str) -> _Word:
        alternatives = raw.split("|")
        whole = frozenset(a for a in alternatives if not a.endswith("*"))
        return cls(whole, tuple(a[:-1] for a in alternatives if a.endswith("*")))

    def fits(self, token: str) -> bool:
        if token in self.whole or token.startswith(self.stems):
            return True
        # A whole word slips by a letter changed or two swapped, not one added or
        # dropped ("overdose" is not a slip of "overdosed"). Stems never slip
        # ("subsides" would be "suicid*"): their common misspellings are listed.
        same = (w for w in self.whole if len(w) == len(token) >= SLIP_MIN)
        return any(_slip(token, w) for w in same)


@dataclass(frozen=True)
class _Phrase:
    words: tuple[_Word, ...]
    not_next: frozenset[str] = frozenset()  # words that must not follow its last word
    absent: bool = False  # a part that must NOT be in the message ("& !can i")

    @classmethod
    def of(cls, raw: str) -> _Phrase:
        parts = raw.split()
        absent = parts[0].startswith("!")
        if absent:
            parts[0] = parts[0][1:]
        if len(parts) > 1 and parts[-1].startswith("!"):
            words, not_next = parts[:-1], frozenset(parts[-1][1:].split("|"))
            return cls(tuple(map(_Word.of, words)), not_next, absent)
        return cls(tuple(map(_Word.of, parts)), absent=absent)

    def occurs(self, tokens: Sequence[str], hits: Sequence[frozenset[_Word]]) -> bool:
        """Whether the phrase is in the message; `hits[i]`: the words token i fits."""

        def rest(at: int, words: Sequence[_Word]) -> bool:
            if not words:
                return not self.not_next.intersection(tokens[at + 1 : at + 2])
            after = range(at + 1, min(len(tokens), at + 2 + GAP))
            return any(words[0] in hits[j] and rest(j, words[1:]) for j in after)

        first, *others = self.words
        return any(
            first in hits[i]
            and not NEGATIONS.intersection(tokens[max(0, i - NEGATED_REACH) : i])
            and rest(i, others)
            for i in range(len(tokens))
        )


# Tokens whose fitting words are remembered (most recur from message to message).
KNOWN_TOKENS_MAX = 16384


def _parts(raw: str) -> tuple[_Phrase, ...]:
    """A phrase's parts ("a b & c d"), each to be found in the message, or not
    found for a part that begins with "!" ("& !can i")."""
    return tuple(_Phrase.of(part) for part in raw.split(" & "))


class SituationFinder:
    def __init__(self, situations: Iterable[Situation]) -> None:
        self._situations = [(s, [_parts(p) for p in s.phrases]) for s in situations]
        words = {w for _, ps in self._situations for parts in ps for p in parts for w in p.words}
        # Each word by what a token is compared with: whole words exactly (and, by
        # length, with a slip), stems by the token's beginning.
        self._exact: dict[str, set[_Word]] = {}
        self._by_length: dict[int, list[tuple[str, _Word]]] = {}
        self._stems = [(s, w) for w in words for s in w.stems]
        for w in words:
            for text in w.whole:
                self._exact.setdefault(text, set()).add(w)
                if len(text) >= SLIP_MIN:
                    self._by_length.setdefault(len(text), []).append((text, w))
        self._known: dict[str, frozenset[_Word]] = {}

    def _hits(self, token: str) -> frozenset[_Word]:
        """The phrase words `token` fits (_Word.fits), remembered."""
        hits = self._known.get(token)
        if hits is None:
            if len(self._known) >= KNOWN_TOKENS_MAX:
                self._known.clear()
            found = set(self._exact.get(token, ()))
            found.update(w for stem, w in self._stems if token.startswith(stem))
            found.update(w for text, w in self._by_length.get(len(token), ()) if _slip(token, text))
            hits = self._known[token] = frozenset(found)
        return hits

    def find(self, text: str) -> Situation | None:
        """The first situation (in faq.yaml's order) one of whose phrases the
        message holds."""
        if not self._situations:
            return None
        tokens = normalize_all(OD_D.sub("oded", text)).split()
        hits = [self._hits(t) for t in tokens]
        present = frozenset().union(*hits)
        if not present:
            return None
        for situation, phrases in self._situations:
            # Only phrases all of whose words fit some token can occur.
            if any(
                all(
                    (present.issuperset(p.words) and p.occurs(tokens, hits)) != p.absent
                    for p in parts
                )
                for parts in phrases
            ):
                return situation
        return None
