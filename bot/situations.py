"""Messages that need advice of their own before anything else: thoughts of
suicide or self-harm, and tablets swallowed in excess (an overdose, a child who
got into them). Neither is one of the emergency signs of bot/safety.py (which
are read first and win: a sign happening now gets the emergency advice), and
neither is answered well by "call 999 now" alone or by a topic answer.

Each situation's phrases and advice are in faq.yaml (`emergency.situations`).
A phrase is words in order, with at most GAP other words between two of them
("took a whole bottle" is "took whole bottle"); "a|b" is either word and
"word*" any word starting so. A negation just before a phrase denies it ("I
don't want to die" is fear, not a wish).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.content import Situation
from bot.safety_reading import normalize_all
from bot.safety_words import NEGATIONS

GAP = 2
# A negation this many words or fewer before a phrase denies it.
NEGATED_REACH = 2

# Per word of a phrase, its alternatives: (whole words, stems).
_Word = tuple[frozenset[str], tuple[str, ...]]


def _word(raw: str) -> _Word:
    alternatives = raw.split("|")
    whole = frozenset(a for a in alternatives if not a.endswith("*"))
    return whole, tuple(a[:-1] for a in alternatives if a.endswith("*"))


def _fits(token: str, word: _Word) -> bool:
    whole, stems = word
    return token in whole or token.startswith(stems)


def _occurs(tokens: Sequence[str], phrase: Sequence[_Word]) -> bool:
    def rest(at: int, words: Sequence[_Word]) -> bool:
        if not words:
            return True
        after = range(at + 1, min(len(tokens), at + 2 + GAP))
        return any(_fits(tokens[j], words[0]) and rest(j, words[1:]) for j in after)

    return any(
        _fits(t, phrase[0])
        and not NEGATIONS.intersection(tokens[max(0, i - NEGATED_REACH) : i])
        and rest(i, phrase[1:])
        for i, t in enumerate(tokens)
    )


class SituationFinder:
    def __init__(self, situations: Iterable[Situation]) -> None:
        self._situations = [
            (s, [tuple(_word(w) for w in p.split()) for p in s.phrases]) for s in situations
        ]

    def find(self, text: str) -> Situation | None:
        """The first situation (in faq.yaml's order) one of whose phrases the
        message holds."""
        if not self._situations:
            return None
        tokens = normalize_all(text).split()
        for situation, phrases in self._situations:
            if any(_occurs(tokens, p) for p in phrases):
                return situation
        return None
