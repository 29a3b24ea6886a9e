"""Emergency-sign detection. It runs before any matching and always wins.

The whole message is read (up to READ_CHARS: more than Telegram allows). A
sign's pattern (faq.yaml) occurs when all of its words are found within WINDOW
words of each other in one sentence. A pattern word ending in `*` matches any
word starting with it; words of five letters or more tolerate one slip
("siezure", "droping"), four-letter words two swapped letters ("chest pian").

A pattern word `not` stands for any negation ("face not moving" also finds
"her face wasn't moving"). A sentence that points back ("He did: one went
higher than the other") is also read together with the one before it, for a
sign whose words fall in both.

Each occurrence is then read in its sentence, and the message is judged by
its most urgent one:
  - emergency: happening now, or nothing says otherwise: emergency advice first;
  - unclear: a past event ("had a stroke years ago"; a sentence told in the
    past in a story another sentence dates long ago), or a question or
    statement about a condition ("does magnesium lower the risk of stroke?",
    "most seizures are not emergencies"), or what a thing can cause ("a crumb
    can send me into anaphylaxis"), or a sign that is an emergency only when
    sudden (a swollen lip) with nothing saying it is: the person gets one
    emergency line and their answer. The writer's own fainting told after it,
    with no warning feature, gets the NHS's after-fainting line instead;
  - nothing: negated ("no arm weakness") or an everyday harmless trigger
    ("my eyelid droops at the end of a long day").

Patterns miss lay wording they were not written for ("I'm seeing 2 of
everything", "my right hand wouldn't dial the number"), and find signs in
calm messages ("If I ever have a heart attack..."). A learned second opinion,
RedFlagOpinion, is taught real red-flag messages against everything else the
bot knows (faq-phrasings.yaml). It never decides the full advice: when no
pattern finds a sign but the message reads like a red flag, the person gets
the one emergency line and their answer. (Letting it also turn a pattern's
full advice into the line for messages that read calm cut false alarms, but
it read real emergencies told beside a twitching lip as calm: not done.)
A message mostly not in English is told so, with the emergency line.

The words a sentence is read with (negations, words of time, causes, everyday
triggers) are in bot/safety_words.py; how a message is split into sentences and
what a sentence says of time, in bot/safety_reading.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.content import Content, Emergency
from bot.evidence import PhrasingClassifier
from bot.safety_reading import (
    Sentence,
    asks_about_topic,
    causes_in_you,
    dated_long_ago,
    fainting_warned,
    has_phrase,
    normalize_all,
    past_verbs_in,
    persons_in,
    plural_condition,
    prevented_again,
    read_sentence,
    recovered,
    said_now,
    said_well,
    split_sentences,
    starts_with,
    told_as_past,
    told_in_past,
    told_recently,
    topic_query,
    triggered,
)
from bot.safety_words import (
    ABILITIES,
    ABSENCE_AFTER,
    AGAIN_REACH,
    ALLERGY_HELD,
    ALLERGY_REACTING,
    ALMOST,
    ASKING_NOW,
    ASKS_EXPERIENCE,
    AWAKE_AGAIN,
    AWAKE_BETWEEN,
    AWAKE_LEADS,
    BACK_REFERENCES,
    BEFORE_A,
    BEFORE_IT,
    CALL_WORDS,
    CALLS_FOR_HELP,
    CHRONIC,
    COMPARED,
    COMPARING_BEFORE,
    CONDITION_STEMS,
    CONFUSION_STEMS,
    DATE,
    DIED_OF,
    DISORIENTED,
    DISORIENTED_PHRASES,
    EVENT_WORDS,
    FEARED,
    FEARED_AFTER,
    FICTION,
    FIRST_PERSON,
    FITS_IN_WORDS,
    FITTED_NEW,
    FOREIGN_WORDS,
    FRAMING_STEMS,
    FREQUENCY,
    FUTURE_OPENERS,
    GENERAL_WORDS,
    GENERIC_SUBJECTS,
    GENERIC_VERBS,
    GIVING_ME,
    GUESSED_AFTER,
    HABIT_BROKEN,
    HAD_A_CONDITION,
    HAVING_NOT_NOW,
    HYPOTHETICAL,
    HYPOTHETICAL_REACH,
    IDIOMS,
    IMPROVING,
    KNOWN_WHAT,
    LASTING,
    LAUGHS,
    LIFELONG,
    LONG_EARLIER,
    LONG_TERM_STEMS,
    MADE_FEEL,
    NEGATED_LIST_REACH,
    NEGATION_REACH,
    NEGATIONS,
    NOT_NEGATED,
    NOT_NOW,
    NOT_RESPONDING_PEOPLE,
    NOT_SLIPS,
    NOT_WORDS,
    NOW_PHRASES,
    NOW_REACH,
    NOW_UNLESS_WELL,
    ON_EFFORT,
    ONGOING,
    PERSONAL,
    POTENTIAL,
    POTENTIAL_AFTER,
    POTENTIAL_REACH,
    PRESENT_VERBS,
    PUZZLE_TOPIC,
    PUZZLED_BY,
    PUZZLED_REACH,
    RESPOND_TO_THINGS,
    RESPONDING_LESS,
    RESPONDING_THINGS,
    SIGN_OF,
    SPEECH_WORDS,
    STARTED,
    STILL_GOING,
    STILL_NOW,
    STORY_PEOPLE,
    STORY_TELLERS,
    SUBJECT_FILLERS,
    SUBJECT_LEADS,
    SUBJECT_OPENERS,
    SUDDEN_PHRASES,
    SUDDEN_STEMS,
    SUSPECTED,
    TALK_TO,
    TALK_WORDS,
    TEXTED_NOW,
    THING_NOT_WITH,
    THING_OPENERS,
    THINGS_DONE_TO,
    THINGS_REACH,
    THOUGHT_HAD,
    WHEN_DOING,
    WHEN_STATE,
)
from bot.text import MAX_READ_CHARS, STOP_WORDS

# "Don't think" this many words before "having" is a doubt ("I don't think he is
# having a heart attack"), not a sign happening now.
DOUBT_REACH = 4
# All words of a pattern must fall within this many message words of each other.
WINDOW = 8
# Pattern words at least this long tolerate one slip (a swap counts as one).
SLIP_MIN_LENGTH = 5
# Four-letter pattern words tolerate two letters swapped ("pian" for pain).
SWAP_MIN_LENGTH = 4
# Message words remembered with the pattern words they match; past this many the
# memory starts afresh rather than growing without bound.
KNOWN_WORDS_MAX = 65536
# Safety reads this much of a message: four times the longest message Telegram
# lets a person send (4,096 characters), so every real message is read whole,
# while a pasted book cannot hold the bot up.
READ_CHARS = 16_384
# An everyday trigger told before a sign's sentence counts within this many words
# ("I had a filling done. I was numb for hours. Now my lip still droops."); a
# bound, so that a long message costs time in proportion to its length.
EARLIER_WORDS = 120
# The learned opinion (RedFlagOpinion), chosen on real red-flag wording that
# neither it nor the patterns had seen (docs/quality.md): a message of at least
# LEARNED_MIN_WORDS words, at least RED_FLAG_LIKELY likely a red flag, gets the
# emergency line when no pattern finds a sign. Fewer words say too little ("hi",
# "cheers, bye" read as likely as anything).
RED_FLAG_LIKELY = 0.7
LEARNED_MIN_WORDS = 4

Urgency = Literal["emergency", "unclear"]
# How one occurrence of a sign reads: "fainted" is "unclear" with its own line.
Reading = Literal["emergency", "unclear", "fainted"]
# The sign named when only the learned opinion reads a red flag.
LEARNED_SIGN = "red flag (learned)"


@dataclass(frozen=True)
class Assessment:
    """The most urgent sign a message mentions, and how urgent it reads."""

    sign: str
    urgency: Urgency
    # The writer tells of their own fainting, over now, with no warning feature.
    fainted: bool = False


def _one_slip(a: str, b: str) -> bool:
    return OSA.distance(a, b, score_cutoff=1) <= 1


def _swapped(a: str, b: str) -> bool:
    """The same letters with two neighbours swapped ("pian", "pain")."""
    diff = [i for i in range(len(a)) if a[i] != b[i]] if len(a) == len(b) else []
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and (a[diff[0]], a[diff[1]]) == (b[diff[1]], b[diff[0]])
    )


@dataclass(frozen=True)
class _Word:
    text: str
    prefix: bool

    def matches(self, token: str) -> bool:
        """The definition of a hit."""
        if self.text == "not":
            return token in NOT_WORDS
        n = len(self.text)
        if self.prefix:
            if token.startswith(self.text):
                return True
            # A slip inside a stem long enough that one changed letter rarely makes
            # another word ("convlusion" for convuls*; not "sour" for slur*). A word
            # shorter than the stem is another word ("drop", not droop*).
            head = token[:n]
            if len(token) < n or token in NOT_SLIPS:
                return False
            if n >= SLIP_MIN_LENGTH:
                return _one_slip(head, self.text)
            return n >= SWAP_MIN_LENGTH and _swapped(head, self.text)
        if token == self.text:
            return True
        if token in NOT_SLIPS:
            return False
        if n >= SLIP_MIN_LENGTH:
            return abs(len(token) - n) <= 1 and _one_slip(token, self.text)
        return n >= SWAP_MIN_LENGTH and _swapped(token, self.text)


@dataclass(frozen=True)
class _Pattern:
    sign: str
    words: tuple[_Word, ...]
    sudden_only: bool = False  # an emergency only when the sentence says it is sudden


class RedFlagOpinion:
    """How likely a message describes an emergency sign, learned from real
    red-flag messages against the other messages the bot knows (the same
    averaged perceptron as the matcher's second opinion, bot/evidence.py, over
    every word: "my", "his" and "now" say much here)."""

    def __init__(self, red_flags: Iterable[str], others: Iterable[str]) -> None:
        red = set(red_flags)
        calm = set(others) - red
        self._model = PhrasingClassifier(
            [[normalize_all(t).split() for t in sorted(texts)] for texts in (calm, red)]
        )

    @classmethod
    def of(cls, content: Content) -> RedFlagOpinion | None:
        """Taught by the content's red_flags; none without them."""
        if not content.red_flags:
            return None
        others = [p for e in content.entries for p in e.phrasings]
        others += [*content.out_of_scope, *content.calm_mentions]
        others += [p for s in content.small_talk for p in s.phrases]
        return cls(content.red_flags, others)

    def likelihood(self, words: Sequence[str]) -> float:
        """How likely a message with these (normalised) words is a red flag."""
        return self._model.posteriors(words, (0, 1)).get(1, 0.0)


class EmergencyDetector:
    def __init__(
        self,
        emergency: Emergency,
        english: Iterable[str] = (),
        opinion: RedFlagOpinion | None = None,
    ) -> None:
        self._opinion = opinion
        patterns: list[_Pattern] = []
        for sign in emergency.signs:
            for raw, sudden_only in [(p, False) for p in sign.patterns] + [
                (p, True) for p in sign.if_sudden
            ]:
                words = tuple(
                    _Word(w.rstrip("*"), w.endswith("*"))
                    for w in raw.lower().replace("'", "").split()
                    if w.rstrip("*")
                )
                if words:
                    patterns.append(_Pattern(sign.name, words, sudden_only))
        self._patterns = tuple(patterns)
        self._words = frozenset(w for p in patterns for w in p.words)
        # The pattern words by what a new token is compared with (_near): whole
        # words with the whole token, stems of n letters with its first n letters.
        by_length: dict[int, list[_Word]] = {}
        for w in sorted(self._words, key=lambda w: w.text):
            by_length.setdefault(len(w.text) if w.prefix else 0, []).append(w)
        self._by_length = {n: (tuple(ws), [w.text for w in ws]) for n, ws in by_length.items()}
        self._english = frozenset(english) | STOP_WORDS | {w.text for w in self._words}
        # The patterns (by file order) each pattern word belongs to.
        self._patterns_with: dict[_Word, list[int]] = {}
        for i, p in enumerate(patterns):
            for w in set(p.words):
                self._patterns_with.setdefault(w, []).append(i)
        # The pattern words each message word matches: the same words come back.
        self._known: dict[str, frozenset[_Word]] = {}

    # -- finding patterns ----------------------------------------------------

    def _hits(self, token: str) -> frozenset[_Word]:
        hits = self._known.get(token)
        if hits is None:
            if len(self._known) >= KNOWN_WORDS_MAX:
                self._known.clear()
            hits = self._known[token] = frozenset(w for w in self._near(token) if w.matches(token))
        return hits

    def _near(self, token: str) -> Iterator[_Word]:
        """The pattern words one letter or less from the token (from its first
        letters, for a stem), and "not": all it can match, found by rapidfuzz
        (trying every word in Python took a tenth of a millisecond a word)."""
        for n, (words, texts) in self._by_length.items():
            query = token[:n] if n else token
            for _, _, i in process.extract(
                query, texts, scorer=OSA.distance, score_cutoff=1, limit=None
            ):
                yield words[i]
        yield from (w for w in self._words if w.text == "not")

    def _occurrences(self, sentence: Sentence) -> list[tuple[_Pattern, int, int]]:
        """Each place each pattern is found in the sentence: (pattern, first index,
        last index). Every place, not only the first: "he had a seizure last year
        and he is seizing again" is judged at both."""
        where: dict[_Word, list[int]] = {}  # the places each pattern word hits
        for j, token in enumerate(sentence.tokens):
            for w in self._hits(token):
                where.setdefault(w, []).append(j)
        found = []
        # Only patterns one of whose words hit can occur; tried in file order.
        candidates = sorted({i for w in where for i in self._patterns_with[w]})
        for pattern in (self._patterns[i] for i in candidates):
            if not all(w in where for w in pattern.words):
                continue
            for i in where[pattern.words[0]]:
                spots = self._spots(pattern, where, i)
                if spots:
                    found.append((pattern, min(spots), max(spots)))
        return found

    @staticmethod
    def _spots(pattern: _Pattern, where: dict[_Word, list[int]], first: int) -> list[int]:
        """Where the pattern's words stand when its first word is at `first`: each
        later word at the first place near it that no earlier word took (one word
        of the message is one word of the pattern: "swallowed" is not both "swell"
        and "swallow"); none if a word has no such place."""
        spots = [first]
        for w in pattern.words[1:]:
            place = next((j for j in where[w] if abs(j - first) <= WINDOW and j not in spots), None)
            if place is None:
                return []
            spots.append(place)
        return spots

    # -- reading the sentence around them --------------------------------------

    @staticmethod
    def _negated(sentence: Sentence, start: int, end: int, own: frozenset[str]) -> bool:
        # A sign told across a comma is negated in the clause of its first word or
        # of its last ("the left side of my face is fine, not drooping").
        clauses = (sentence.clause_of[start], sentence.clause_of[end])
        tokens = sentence.tokens
        # A sign told with its own "can't" ("my inhaler isn't working, I can't
        # breathe") is not undone by a negation of something else before it.
        if own & NOT_WORDS:
            return start > 0 and tokens[start - 1] in IMPROVING
        for j in range(max(0, start - NEGATED_LIST_REACH), end + 1):
            t, after = tokens[j], tokens[j + 1 : j + 2]
            listed = j >= start - NEGATION_REACH or {"or", "nor"}.intersection(tokens[j:start])
            lost = after == ("longer",) and ABILITIES.intersection(tokens[j + 2 : j + 3])
            if (
                sentence.clause_of[j] in clauses
                and t in NEGATIONS
                and t not in own
                and listed
                and not NOT_NEGATED.intersection(after)
                and not lost
            ):
                return True
        # "My face feels less droopy": getting better.
        return start > 0 and tokens[start - 1] in IMPROVING

    @staticmethod
    def _harmless(sentence: Sentence, occurrence: tuple[str, ...], before: tuple[str, ...]) -> bool:
        """An everyday trigger in the sentence or one before it ("You left the
        dentist. Your lip droops"), and no spoiler in the sentence."""
        return triggered(occurrence, before + sentence.tokens, sentence.tokens)

    @staticmethod
    def _done_to_a_thing(sentence: Sentence, start: int, end: int) -> bool:
        """ "He's fitting new tyres", "lad collapsed the tent": the sign's verb
        with a thing it is done to in its clause (THINGS_DONE_TO)."""
        tokens, clause_of = sentence.tokens, sentence.clause_of
        for j in range(start, end + 1):
            if tokens[j : j + 2] == ("fitting", "in"):
                rest = {t for k, t in enumerate(tokens) if k > j and clause_of[k] == clause_of[j]}
                if FITS_IN_WORDS & rest and not CALLS_FOR_HELP & rest:
                    return True
        if THING_NOT_WITH.intersection(tokens):
            return False
        for j in range(start, end + 1):
            things = next((t for v, t in THINGS_DONE_TO.items() if tokens[j].startswith(v)), None)
            if things is None:
                continue
            after = [
                tokens[k]
                for k in range(j + 1, min(len(tokens), j + 1 + THINGS_REACH))
                if clause_of[k] == clause_of[j]
            ]
            if after and (
                after[0] in FITTED_NEW
                or after[0] in things
                or (after[0] in THING_OPENERS and things.intersection(after[1:]))
            ):
                return True
        return False

    @staticmethod
    def _everyday(words: Sequence[str]) -> bool:
        """A message that names an everyday trigger beside what it triggers ("my
        foot goes numb when I sit on it"), and none of the spoilers: the learned
        opinion, which reads no triggers, is not asked."""
        text = tuple(words)
        return triggered(text, text, text)

    @staticmethod
    def _now(sentence: Sentence) -> bool:
        tokens = sentence.tokens
        # "Earlier this year" is no time of today.
        today = tuple(LONG_EARLIER.sub(" ", " ".join(tokens)).split())
        # "Just had a stroke March 4th": a date says when.
        dated = DATE.search(" ".join(tokens)) is not None
        if any(
            has_phrase(today, p) and (p not in NOW_UNLESS_WELL or not said_well(today, p))
            for p in NOW_PHRASES
            if not (dated and p == "just had")
            and not (p == "happening again" and prevented_again(today))
            and p not in TEXTED_NOW
        ) or any(t in TEXTED_NOW and said_now(today, i) for i, t in enumerate(today)):
            # "rn" and "atm" are "right now" and "at the moment", texted.
            return True
        if ONGOING.search(" ".join(tokens)) is not None:
            return True
        return (
            not FREQUENCY.search(" ".join(tokens))
            and any(
                t == "having"
                and not HAVING_NOT_NOW & set(tokens[max(0, i - 3) : i])
                # "I don't think I'm having a stroke": a doubt, not now.
                and not (
                    "think" in tokens[max(0, i - DOUBT_REACH) : i]
                    and NEGATIONS & set(tokens[max(0, i - DOUBT_REACH) : i])
                )
                and not (sentence.question and plural_condition(tokens[i + 1 : i + 4], tokens))
                for i, t in enumerate(tokens)
            )
        )

    @staticmethod
    def _now_near(sentence: Sentence, start: int, end: int) -> bool:
        """ "now" just before the sign, or "now" or "again" just after it, in its
        clause: whatever came before it in the sentence is over, the sign is not
        ("I had a stroke years ago and now my face is drooping again", "he had a
        seizure last year and he is seizing again"). "Now and then" is no time."""
        tokens = sentence.tokens
        clause = sentence.clause_of[start]
        before = range(max(0, start - NOW_REACH), start)
        after = range(end + 1, min(len(tokens), end + 1 + AGAIN_REACH))
        return any(
            (said_now(tokens, j) or (j > end and tokens[j] == "again"))
            and sentence.clause_of[j] in (clause, sentence.clause_of[end])
            and not any(has_phrase(tokens[max(0, j - 1) : j + 3], p) for p in NOT_NOW)
            for j in (*before, *after)
        )

    @staticmethod
    def _sudden(sentence: Sentence) -> bool:
        tokens = sentence.tokens
        return any(starts_with(t, SUDDEN_STEMS) for t in tokens) or any(
            has_phrase(tokens, p) for p in SUDDEN_PHRASES
        )

    @staticmethod
    def _about_condition(sentence: Sentence, start: int, end: int) -> bool:
        """The subject names a condition ("Most seizures are not emergencies",
        "Thunderclap headache is described as ...") in the sign's own part of the
        sentence (not "the stroke left him weak and now his face is drooping"),
        and the writer is not in it."""
        tokens = sentence.tokens
        k = 0
        while k < len(tokens) - 1 and tokens[k] in SUBJECT_LEADS:
            k += 1
        return (
            k in EmergencyDetector._own_span(sentence, start, end)
            and starts_with(tokens[k], CONDITION_STEMS)
            and bool(GENERIC_VERBS.intersection(tokens[k + 1 :]))
            and not FIRST_PERSON.intersection(tokens)
        )

    @staticmethod
    def _awake_again(sentence: Sentence, start: int, end: int) -> bool:
        """The writer tells of their own fainting in the past ("I passed out at the
        blood bank"). A warning feature anywhere in the message is read by the
        caller (fainting_warned)."""
        tokens = sentence.tokens
        span = tokens[start : end + 1]
        lead = start - 1
        while lead >= 0 and tokens[lead] in AWAKE_BETWEEN:
            lead -= 1
        return (
            any(f" {stem}" in f" {' '.join(span)}" for stem in AWAKE_AGAIN)
            and (any(t.endswith("ed") for t in span) or bool(past_verbs_in(span)))
            and lead >= 0
            and tokens[lead] in AWAKE_LEADS
        )

    @staticmethod
    def _own_span(sentence: Sentence, start: int, end: int) -> range:
        """Where the sign's own part of the sentence is: between the "and"s around it."""
        tokens = sentence.tokens
        ands = [j for j, t in enumerate(tokens) if t == "and" and tokens[j - 1 : j] != ("now",)]
        first = max((j + 1 for j in ands if j < start), default=0)
        last = min((j for j in ands if j > end), default=len(tokens))
        return range(first, last)

    @staticmethod
    def _own_lead(sentence: Sentence, start: int, end: int) -> tuple[str, ...]:
        """The words before the sign in its own part and clause (POTENTIAL_REACH at most)."""
        span = EmergencyDetector._own_span(sentence, start, end)
        clause = sentence.clause_of[start]
        return tuple(
            sentence.tokens[j]
            for j in range(max(span.start, start - POTENTIAL_REACH), start)
            if sentence.clause_of[j] == clause
        )

    @staticmethod
    def _own_part(sentence: Sentence, start: int, end: int) -> tuple[str, ...]:
        """The sign's own part of the sentence."""
        span = EmergencyDetector._own_span(sentence, start, end)
        return sentence.tokens[span.start : span.stop]

    @staticmethod
    def _own_clause(sentence: Sentence, start: int, end: int) -> str:
        """The words of the sign's own part that are in its clause: "he has fits"
        of "he has fits, he won't wake up"."""
        clause = sentence.clause_of[start]
        return " ".join(
            sentence.tokens[j]
            for j in EmergencyDetector._own_span(sentence, start, end)
            if sentence.clause_of[j] == clause
        )

    def _summarised(self, sentence: Sentence, start: int, end: int) -> bool:
        """A stroke or heart attack someone had, named in the past simple
        (HAD_A_CONDITION: "my husband had a stroke"), with nothing in the present
        in its own part, no one suspecting it and no call for help in the
        sentence ("I think my dad had a stroke", "... hes on the floor")."""
        tokens = sentence.tokens
        text = " ".join(tokens)
        for found in HAD_A_CONDITION.finditer(text):
            first = text[: found.start()].count(" ")
            if first <= start and end <= first + found.group().count(" "):
                break
        else:
            return False
        last = first + found.group().count(" ")
        return (
            tokens[first - 1 : first] != ("just",)
            and not PRESENT_VERBS.intersection(self._own_part(sentence, start, end))
            and not PRESENT_VERBS.intersection(tokens[last + 1 :])
            and not SUSPECTED.intersection(tokens)
        )

    def _own_present(self, sentence: Sentence, start: int, end: int) -> bool:
        """The sign's own part of the sentence is in the present tense and tells
        no past of its own: "he had a stroke years ago and his face is drooping".
        "Still" is what an old event left ("... and my smile is still crooked")."""
        part = self._own_part(sentence, start, end)
        clause = tuple(self._own_clause(sentence, start, end).split())
        return any(
            bool(PRESENT_VERBS.intersection(words))
            and "still" not in words
            and not told_as_past(words)
            for words in (part, clause)
        )

    def _urgency(
        self,
        sentence: Sentence,
        before: tuple[str, ...],
        pattern: _Pattern,
        start: int,
        end: int,
        now: bool,
        past: bool = False,
        warned: bool = True,
        urged: bool = False,
    ) -> Reading | None:
        tokens = sentence.tokens
        span = tokens[start : end + 1]
        own = frozenset(t for t in span if any(w.matches(t) for w in pattern.words))
        if self._negated(sentence, start, end, own) or self._harmless(sentence, span, before):
            return None
        # A saying with the sign's word in it ("a stroke of luck") is not the sign.
        if any(has_phrase(tokens, i) and own & set(i.split()) for i in IDIOMS):
            return None
        if self._done_to_a_thing(sentence, start, end):
            return None
        # "The article is confusing": no one is confused.
        if any(t.startswith("confusing") for t in own):
            return None
        # Puzzled: confused about something ("my husband is more confused than usual
        # about the dosing"), or with no one named beside the bot's topic ("so
        # confused today, which is better glycinate or citrate"). Sudden, or about
        # where or who one is, the day or everything (DISORIENTED): the sign.
        if (
            any(starts_with(t, CONFUSION_STEMS) for t in own)
            and not DISORIENTED.intersection(tokens)
            and not any(has_phrase(tokens, p) for p in DISORIENTED_PHRASES)
            and (
                any(
                    starts_with(t, CONFUSION_STEMS)
                    and PUZZLED_BY.intersection(tokens[j + 1 : j + 1 + PUZZLED_REACH])
                    for j, t in enumerate(tokens)
                )
                or (not persons_in(tokens) and any(starts_with(t, PUZZLE_TOPIC) for t in tokens))
            )
        ):
            return "unclear"
        # "My lip won't stop moving" is a twitch, not a lip that cannot move.
        if any(
            tokens[j] in NOT_WORDS and tokens[j + 1 : j + 2] and tokens[j + 1].startswith("stop")
            for j in range(start, end + 1)
        ):
            return None
        if (
            starts_with(tokens[end], TALK_WORDS)
            and TALK_TO.intersection(tokens[end + 1 : end + 2])
            and not any(starts_with(t, SPEECH_WORDS) for t in tokens)
        ):
            return None
        if (
            tokens[end].startswith("respon")
            and TALK_TO.intersection(tokens[end + 1 : end + 2])
            and any(starts_with(t, RESPOND_TO_THINGS) for t in tokens[end + 2 : end + 5])
        ):
            return None
        # "My phone is not responding": a device the subject of it (the word just
        # before, past SUBJECT_FILLERS), with no one named ("found him next to his
        # phone not responding" is a person). "Barely responding" said of a symptom,
        # a treatment or a GP, with no one named: the line.
        if any(t.startswith("respon") for t in own):
            subject = start - 1
            while subject >= 0 and tokens[subject] in SUBJECT_FILLERS:
                subject -= 1
            named = tokens[subject] if subject >= 0 else ""
            if (
                subject >= 1
                and named.removesuffix("s") in RESPONDING_THINGS
                and tokens[subject - 1] in SUBJECT_OPENERS
                and not persons_in(tokens)
            ):
                return None
            if (
                RESPONDING_LESS.intersection(span)
                and (
                    named in NOT_RESPONDING_PEOPLE
                    or named.removesuffix("s") in NOT_RESPONDING_PEOPLE
                )
                and not persons_in(tokens)
            ):
                return "unclear"
        # Asking about a swollen lip ("is that an allergy?") is not a call for help.
        if pattern.sudden_only and sentence.question:
            return "unclear"
        # Asking whether to call ("when should I call 999 for twitching?") names no
        # sign; a sign told beside it is read on its own.
        if sentence.question and own <= CALL_WORDS:
            return "unclear"
        if not warned and self._awake_again(sentence, start, end):
            return "fainted"
        # "she nearly fainted haha": a figure of speech, laughed at, with nothing
        # of now in the sentence ("lol he almost passed out and he's blue").
        if (
            LAUGHS.intersection(tokens)
            and any(
                tokens[j] in ALMOST and sentence.clause_of[j] == sentence.clause_of[start]
                for j in range(max(0, start - 2), start + 1)
            )
            and not STILL_GOING.intersection(tokens)
        ):
            return "unclear"
        if now:
            return "emergency"
        if not urged and self._summarised(sentence, start, end):
            return "unclear"
        # A sign that befalls someone in a story on a screen or a page ("watching
        # greys anatomy and someone had a seizure"), with no one real in the sentence.
        if (
            FICTION.intersection(tokens)
            and STORY_PEOPLE.intersection(tokens)
            and not STORY_TELLERS.intersection(tokens)
        ):
            return "unclear"
        if pattern.sudden_only and not self._sudden(sentence):
            return "unclear"
        clause = sentence.clause_of[start]
        lead = [
            t
            for j, t in enumerate(tokens[max(0, start - HYPOTHETICAL_REACH) : start])
            if sentence.clause_of[max(0, start - HYPOTHETICAL_REACH) + j] == clause
        ]
        if (
            HYPOTHETICAL.intersection(lead)
            or (
                sentence.question
                and ASKS_EXPERIENCE.intersection(tokens)
                and not PERSONAL.intersection(tokens)
            )
            or HYPOTHETICAL.intersection(span)
            or BEFORE_IT.intersection(tokens[start - 1 : start])
            or tokens[max(0, start - 2) : start] in BEFORE_A
            or ABSENCE_AFTER.intersection(tokens[start + 1 : end + 2])
            or (GENERAL_WORDS.intersection(tokens) and not PERSONAL.intersection(tokens))
            or (
                any(t.startswith(("breath", "wind", "puff")) for t in own)
                and ON_EFFORT.search(self._own_clause(sentence, start, end)) is not None
            )
            or (
                ALLERGY_HELD.search(self._own_clause(sentence, start, end)) is not None
                and not ALLERGY_REACTING.intersection(tokens)
            )
            or (sentence.question and causes_in_you(lead) and not PERSONAL.intersection(tokens))
            or POTENTIAL.search(" ".join(self._own_lead(sentence, start, end))) is not None
            or MADE_FEEL.search(" ".join(self._own_lead(sentence, start, end))) is not None
            or (
                KNOWN_WHAT.search(" ".join(self._own_lead(sentence, start, end))) is not None
                and "like" in tokens
            )
            or FEARED.search(" ".join(self._own_lead(sentence, start, end))) is not None
            or DIED_OF.search(" ".join(self._own_lead(sentence, start, end))) is not None
            # "I don't think it's a stroke": a doubt about the condition named, not
            # a denial ("I don't think he's breathing" names none).
            or (
                any(starts_with(t, CONDITION_STEMS) for t in own)
                and any(
                    a in NEGATIONS and b == "think"
                    for a, b in pairwise(self._own_lead(sentence, start, end))
                )
            )
            or FEARED_AFTER.search(" ".join(tokens[end + 1 :])) is not None
            or (
                THOUGHT_HAD.search(" ".join(self._own_lead(sentence, start, end))) is not None
                and not STILL_NOW.intersection(tokens)
            )
            or (
                SIGN_OF.search(" ".join(tokens[end + 1 :])) is not None
                and not PERSONAL.intersection(self._own_part(sentence, start, end))
            )
            or (
                POTENTIAL_AFTER.intersection(tokens[end + 1 : end + 2])
                and not PERSONAL.intersection(tokens)
                and GUESSED_AFTER.match(" ".join(tokens[end + 1 : end + 7])) is None
            )
        ):
            return "unclear"
        condition = any(starts_with(t, CONDITION_STEMS) for t in own)
        # "This is giving me a heart attack": a figure of speech.
        figure = condition and any(" ".join(p) in GIVING_ME for p in pairwise(lead))
        # "Longer than normal" compares; "is it normal" asks.
        framed = any(
            starts_with(t, FRAMING_STEMS)
            and not (
                starts_with(t, COMPARED)
                and COMPARING_BEFORE.intersection(tokens[max(0, j - 4) : j])
            )
            for j, t in enumerate(tokens)
        )
        long_term = any(starts_with(t, LONG_TERM_STEMS) for t in own)
        # An event over elsewhere in the sentence does not make the sign over when
        # "now" or "again" stands by it, or its own part is in the present tense.
        # A sign lasting weeks is no sudden event, whatever tense it is told in.
        lasting = LASTING.search(" ".join(self._own_part(sentence, start, end)))
        recent_over = told_recently(tokens) and not (STILL_NOW | STARTED).intersection(tokens)
        # "She had a seizure on Saturday, but she's doing just fine now": the
        # present tells the recovery, not the sign.
        over_now = bool(past_verbs_in(self._own_part(sentence, start, end))) and (
            recovered(tokens[end + 1 :])
        )
        told_over = over_now or (
            (past or recent_over or told_as_past(tokens))
            and not self._own_present(sentence, start, end)
        )
        over = (told_over or lasting is not None) and not self._now_near(sentence, start, end)
        if (
            over
            or (condition and framed)
            or long_term
            or figure
            or self._about_condition(sentence, start, end)
            or topic_query(tokens)
            or asks_about_topic(sentence)
            or WHEN_STATE.search(" ".join(tokens)) is not None
            or WHEN_DOING.search(" ".join(self._own_part(sentence, start, end))) is not None
            or (
                (
                    CHRONIC.search(self._own_clause(sentence, start, end)) is not None
                    or FREQUENCY.search(self._own_clause(sentence, start, end)) is not None
                )
                # "... a few times a week but this one wont stop": the event now.
                and HABIT_BROKEN.search(" ".join(tokens[end + 1 :])) is None
            )
            or LIFELONG.search(self._own_clause(sentence, start, end)) is not None
        ):
            return "unclear"
        if not sentence.question:
            return "emergency"
        if tokens[0] in FUTURE_OPENERS:
            return "unclear"
        generic = any(t in GENERIC_SUBJECTS for t in tokens)
        if condition and (generic or not any(t in EVENT_WORDS for t in tokens)):
            return "unclear"
        # "Is it possible that my child is having seizures?": a condition over
        # time, not one event now ("is she having a seizure?").
        if plural_condition(tuple(own), tokens):
            return "unclear"
        personal = not condition and any(t in FIRST_PERSON for t in tokens)
        if framed and not personal:
            return "unclear"
        return "emergency"

    # -- the verdict -----------------------------------------------------------

    def assess(self, text: str) -> Assessment | None:
        """The most urgent emergency sign the message mentions, if any, with the
        learned opinion's say (module docstring)."""
        text = text[:READ_CHARS]
        found, seen = self._pattern_assessment(text)
        # A sign the patterns found and judged calm ("my arm is numb from sleeping
        # on it") stays calm: the opinion speaks only where they found none.
        if seen or self._opinion is None:
            return found
        words = normalize_all(text).split()
        if (
            len(words) >= LEARNED_MIN_WORDS
            and not self._everyday(words)
            and self._opinion.likelihood(words) >= RED_FLAG_LIKELY
        ):
            return Assessment(LEARNED_SIGN, "unclear")
        return None

    def _pattern_assessment(self, text: str) -> tuple[Assessment | None, bool]:
        """The most urgent sign the patterns find, judged in its sentence, and
        whether they found any (a negated or harmless one included)."""
        # Most messages hold no word of any pattern: one look at their distinct words.
        words = tuple(normalize_all(text).split())
        if not any(self._hits(t) for t in set(words)):
            return None, False
        seen = False
        unclear: Assessment | None = None
        sentences = split_sentences(text)
        # A question asks now ("... last checked a year ago. Chest pain. Should I go
        # to the ER?"): the account is not all over.
        asking = any(ASKING_NOW.search(" ".join(s.tokens)) is not None for _, s in sentences)
        asks = asking or any(s.question for _, s in sentences)
        # What keeps a stroke someone "had" from being a summary (_summarised): a
        # call for help anywhere ("mum had a stroke!!!") or the present in a later
        # sentence ("my dad had a heart attack. hes on the floor"), not a recovery.
        present_after = [False] * len(sentences)
        if HAD_A_CONDITION.search(" ".join(words)) is not None:  # else never asked
            later = False
            for i in range(len(sentences) - 1, -1, -1):
                present_after[i] = later
                told = sentences[i][1].tokens
                later = later or (bool(PRESENT_VERBS.intersection(told)) and not recovered(told))
        urged = asking or "!!" in text
        dated = [dated_long_ago(s.tokens) and not self._now(s) and not asks for _, s in sentences]
        dated_count = sum(dated)
        # A warning feature anywhere keeps the alarm for fainting told after it.
        warned = fainting_warned(words)
        earlier: tuple[str, ...] = ()
        for i, (raw, sentence) in enumerate(sentences):
            before = sentences[i - 1][1].tokens if i else ()
            points_back = (
                bool(before) and not sentence.cont and sentence.tokens[0] in BACK_REFERENCES
            )
            # A sentence that points back is in the time of the one before it ("I had
            # Bell's palsy years ago. It left my smile crooked."); one with nothing in
            # the present is in the time of an account another sentence dates.
            past_before = (
                points_back
                and told_as_past(sentences[i - 1][1].tokens)
                and not PRESENT_VERBS.intersection(sentence.tokens)
            ) or (dated_count - dated[i] > 0 and told_in_past(sentence.tokens))
            # An everyday trigger may be told sentences before ("I had a filling
            # done. I was numb for hours. Now my lip still droops."): the last
            # EARLIER_WORDS words before the sentence.
            context = earlier
            earlier = (*earlier, *sentence.tokens)[-EARLIER_WORDS:]
            readings = [(sentence, context, 0, past_before)]
            if points_back:
                # Read with the sentence before it: only signs whose words fall in both.
                joined = read_sentence(f"{sentences[i - 1][0]}, {raw}")
                if joined is not None:
                    two_back = context[: len(context) - len(before)] if i > 1 else ()
                    readings.append((joined, two_back, len(before), False))
            for reading, context, boundary, past in readings:
                occurrences = [
                    (p, a, b)
                    for p, a, b in self._occurrences(reading)
                    if (a < boundary <= b or not boundary)
                    and reading.core[0] <= a < reading.core[1]
                ]
                # "Can low magnesium cause fits? My son just had one": the next
                # sentence may say it is happening now.
                now = bool(occurrences) and any(
                    self._now(s) for s in (reading, *(s for _, s in sentences[i + 1 : i + 2]))
                )
                for pattern, start, end in occurrences:
                    seen = True
                    urgency = self._urgency(
                        reading,
                        context,
                        pattern,
                        start,
                        end,
                        now,
                        past,
                        warned,
                        urged or present_after[i],
                    )
                    if urgency == "emergency":
                        return Assessment(pattern.sign, "emergency"), True
                    if urgency in ("unclear", "fainted") and unclear is None:
                        unclear = Assessment(pattern.sign, "unclear", urgency == "fainted")
        return unclear, seen

    def detect(self, text: str) -> str | None:
        """The emergency sign happening now that the message mentions, if any."""
        found = self.assess(text)
        return found.sign if found is not None and found.urgency == "emergency" else None

    def is_foreign(self, text: str) -> bool:
        """Not English: mostly non-Latin letters; or (three words or more) at least a
        quarter of the words another language's common words or accented, and at
        most half English words the bot knows."""
        text = text[:MAX_READ_CHARS]  # the language shows in the first lines
        letters = [ch for ch in text if ch.isalpha()]
        if not letters:
            return False
        latin = sum(1 for ch in letters if unicodedata.name(ch, "").startswith("LATIN"))
        if latin < len(letters) / 2:
            return True
        tokens = [t for t in normalize_all(text).split() if not t.isdigit()]
        foreign = sum(1 for t in tokens if t in FOREIGN_WORDS or not t.isascii())
        known = sum(1 for t in tokens if t in self._english)
        return len(tokens) >= 3 and foreign >= len(tokens) / 4 and known <= len(tokens) / 2


def english_words(content: Content) -> frozenset[str]:
    """Every word of the FAQ's phrasings, answers and small talk: words the bot
    knows to be English."""
    texts = [p for e in content.entries for p in (*e.phrasings, e.answer)]
    texts += [p for s in content.small_talk for p in s.phrases]
    return frozenset(w for t in texts for w in normalize_all(t).split())
