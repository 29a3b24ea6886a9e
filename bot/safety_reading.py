"""How the emergency check reads a message: sentences and their clauses, long
sentences in pieces, and what a sentence says of time (told as past, dated long
ago, told in the past tense), of everyday triggers and of questions about the
topic. Pure functions over words; the words themselves are in
bot/safety_words.py, the judging in bot/safety.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from bot.safety_words import (
    AFTERMATH,
    CAUSE_VERBS,
    COMPARING,
    COMPARING_REACH,
    CONDITION_STEMS,
    DATE,
    DENIED_REACH,
    FAINT_WARNINGS,
    FUTURE_WORDS,
    GENERIC_YOU,
    HARMLESS,
    NEGATIONS,
    NOT_AGAIN_AFTER,
    NOT_PAST_AFTER,
    NOT_PAST_BEFORE,
    NOT_PAST_DAY_AFTER,
    NOT_PRESENT_AFTER,
    NOT_TEXTED_NOW_AFTER,
    NOT_TEXTED_NOW_BEFORE,
    NOT_TRIGGERS,
    PAST_PHRASES,
    PAST_VERBS,
    PAST_WORDS,
    PERSONAL,
    PERSONS,
    POSSIBLY,
    PRESENT_VERBS,
    PRESENT_WORDS,
    QUESTION_FRAME,
    QUESTION_OPENERS,
    RECENT_PAST,
    RECENT_PAST_PHRASES,
    RECOVERED,
    STORY_TIME,
    TEXTED_NOW,
    TOPIC_QUERY_WORDS,
    TOPIC_STEMS,
    WELL_ASKED,
    WELL_REACH,
    WELL_WORDS,
    YEAR,
    Harmless,
)
from bot.text import normalize

# A longer sentence is read in pieces (split_sentences): a run-on message of this many
# words is rare, and a pasted text must not hold the bot up. Even, and a
# multiple of four.
LONGEST_SENTENCE = 100


@dataclass(frozen=True)
class Sentence:
    tokens: tuple[str, ...]
    clause_of: tuple[int, ...]  # each token's clause (split at commas and "but")
    question: bool
    # Where its signs are judged (token positions): all of it, but for a piece of
    # a long sentence only its middle (split_sentences).
    core: tuple[int, int] = (0, 1 << 30)
    # A piece after the first of a long sentence: it points back to nothing.
    cont: bool = False


SENTENCE_END = re.compile(r"(?<=[.!?;\n])")
# Split with the words kept ("only" is part of "smile only on one side").
CLAUSE_BREAK = re.compile(r"(,|\bbut\b|\bthough\b|\bonly\b)", re.IGNORECASE)


def normalize_all(text: str) -> str:
    """normalize() without the matcher's length limit: safety reads every word."""
    return normalize(text, limit=2 * len(text) + 16)


def read_sentence(raw: str) -> Sentence | None:
    tokens: list[str] = []
    clause_of: list[int] = []
    for c, clause in enumerate(CLAUSE_BREAK.split(raw)):
        words = normalize_all(clause).split()
        tokens += words
        clause_of += [c] * len(words)
    if not tokens:
        return None
    question = raw.rstrip().endswith("?") or tokens[0] in QUESTION_OPENERS
    return Sentence(tuple(tokens), tuple(clause_of), question)


def _asked_apart(raw: str) -> list[str]:
    """A sentence with a question typed after a statement, without a stop between
    them or a question mark ("my lip keeps twitching could it be a stroke",
    "chest pain could it be a heart attack"), as two: the question is about what
    it names, the statement says what is happening."""
    if raw.rstrip().endswith("?"):
        # Asked as one question, as before: split, "my lip swelled up after eating
        # almonds, is that an allergy?" alarmed, and no red flag of the tuning
        # sets gained (docs/quality.md, round 11).
        return [raw]
    starts = [m.start() for m in QUESTION_FRAME.finditer(raw) if raw[: m.start()].strip(" ,")]
    bounds = [0, *starts, len(raw)]
    return [raw[a:b] for a, b in pairwise(bounds)]


def split_sentences(text: str) -> list[tuple[str, Sentence]]:
    """Each sentence with its raw text. A sentence longer than LONGEST_SENTENCE
    words is read in pieces of that many, one starting every half of that, and a
    sign is judged in the piece where it sits in the middle half (the first
    piece's start and the last one's end are their own): so that a sign has a
    quarter piece of its sentence on either side, and a message's reading costs
    time in proportion to its length."""
    out: list[tuple[str, Sentence]] = []
    half, quarter = LONGEST_SENTENCE // 2, LONGEST_SENTENCE // 4
    for raw in (piece for told in SENTENCE_END.split(text) for piece in _asked_apart(told)):
        sentence = read_sentence(raw)
        if sentence is None:
            continue
        n = len(sentence.tokens)
        if n <= LONGEST_SENTENCE:
            out.append((raw, sentence))
            continue
        k = 0
        while True:
            last = k + LONGEST_SENTENCE >= n
            tokens = sentence.tokens[k : k + LONGEST_SENTENCE]
            core = (0 if k == 0 else quarter, len(tokens) if last else quarter + half)
            piece = replace(
                sentence,
                tokens=tokens,
                clause_of=sentence.clause_of[k : k + LONGEST_SENTENCE],
                core=core,
                cont=k > 0,
            )
            out.append((" ".join(tokens), piece))
            if last:
                break
            k += half
    return out


def told_as_past(tokens: tuple[str, ...]) -> bool:
    """Words that put what they tell in the past ("years ago", "in 2019", "on
    the 8th of April")."""
    return (
        any(t in PAST_WORDS or YEAR.match(t) for t in tokens)
        or any(has_phrase(tokens, p) for p in PAST_PHRASES)
        or DATE.search(" ".join(tokens)) is not None
        or AFTERMATH.search(" ".join(tokens)) is not None
        or dated_long_ago(tokens)
    )


def dated_long_ago(tokens: tuple[str, ...]) -> bool:
    """A time long gone that dates an account (STORY_TIME)."""
    return STORY_TIME.search(" ".join(tokens)) is not None


def fainting_warned(words: tuple[str, ...]) -> bool:
    """A warning feature of fainting (FAINT_WARNINGS) anywhere in the message's words."""
    stems = tuple(w for w in FAINT_WARNINGS if " " not in w)
    return any(has_phrase(words, w) for w in FAINT_WARNINGS if " " in w) or any(
        t.startswith(stems) for t in words
    )


def recovered(after: tuple[str, ...]) -> bool:
    """A recovery told in the words after a sign ("... but she's doing just fine
    now"): not denied ("is not fine now"), and nothing in the present after it
    ("was fine now hes grey and sweating")."""
    for j in range(len(after)):
        for phrase in RECOVERED:
            n = len(phrase.split())
            if (
                " ".join(after[j : j + n]) == phrase
                and not NEGATIONS.intersection(after[max(0, j - 2) : j])
                and not PRESENT_VERBS.intersection(after[j + n :])
            ):
                return True
    return False


def told_recently(tokens: tuple[str, ...]) -> bool:
    """A recent day gone by: "yesterday", "the other day", "on Saturday"
    (RECENT_PAST), not a day to come ("until Monday")."""
    if FUTURE_WORDS.intersection(tokens):
        return False
    return any(has_phrase(tokens, p) for p in RECENT_PAST_PHRASES) or any(
        t in RECENT_PAST and (j == 0 or tokens[j - 1] not in NOT_PAST_DAY_AFTER)
        for j, t in enumerate(tokens)
    )


def plural_condition(words: Sequence[str], sentence: Sequence[str]) -> bool:
    """Conditions named in the plural ("seizures", "mini strokes"), none in the
    singular, in a sentence that asks whether they may be (POSSIBLY): a
    condition over time, not one event now ("is it possible that my child is
    having seizures?"; not "is my mom having strokes", "is she having seizures or
    just shaking")."""
    named = [w for w in words if starts_with(w, CONDITION_STEMS) and w != "tia"]
    return (
        bool(named)
        and all(w.endswith("s") for w in named)
        and "a" not in sentence
        and bool(POSSIBLY.intersection(sentence))
    )


def prevented_again(tokens: tuple[str, ...]) -> bool:
    """ "happening again" asked of as a thing to prevent ("how do i stop it
    happening again"), a few words after "stop" or "prevent" (NOT_AGAIN_AFTER)."""
    return any(
        tokens[i : i + 2] == ("happening", "again")
        and NOT_AGAIN_AFTER.intersection(tokens[max(0, i - 3) : i])
        for i in range(len(tokens))
    )


def _well_near(tokens: Sequence[str], i: int, n: int) -> bool:
    """Someone said to be well near the words tokens[i : i + n] (WELL_WORDS within
    WELL_REACH words), not denied ("dont feel so good") nor asked ("is she ok?")."""
    near = range(max(0, i - WELL_REACH), min(len(tokens), i + n + WELL_REACH))
    return any(
        tokens[j] in WELL_WORDS
        and not NEGATIONS.intersection(tokens[max(0, j - 3) : j])
        and WELL_ASKED.search(" ".join(tokens[max(0, j - 4) : j])) is None
        for j in near
    )


def said_well(tokens: tuple[str, ...], phrase: str) -> bool:
    """Every time the phrase (a word of now) is said, someone is said to be well
    next to it: "just lost my balance, im fine" (_well_near)."""
    words = phrase.split()
    n = len(words)
    places = [i for i in range(len(tokens) - n + 1) if list(tokens[i : i + n]) == words]
    return bool(places) and all(_well_near(tokens, i, n) for i in places)


def said_now(tokens: Sequence[str], i: int) -> bool:
    """tokens[i] says now: "now", or "rn" / "atm" texted for it (not "an RN", "the
    atm") with no one said to be well beside it ("rn im totally fine")."""
    if tokens[i] == "now":
        return True
    return (
        tokens[i] in TEXTED_NOW
        and not (i > 0 and tokens[i - 1] in NOT_TEXTED_NOW_AFTER)
        and not (i + 1 < len(tokens) and tokens[i + 1] in NOT_TEXTED_NOW_BEFORE)
        and not _well_near(tokens, i, 1)
    )


def persons_in(tokens: Iterable[str]) -> bool:
    """Someone (PERSONS) named among the tokens, "grandpas" and "mums" too."""
    return any(t in PERSONS or t.removesuffix("s") in PERSONS for t in tokens)


def past_verbs_in(tokens: Sequence[str]) -> set[str]:
    """The verbs in the past of PAST_VERBS among the tokens, not "a bit" nor "left
    arm" (NOT_PAST_BEFORE, NOT_PAST_AFTER)."""
    return {
        t
        for j, t in enumerate(tokens)
        if t in PAST_VERBS
        and not (j > 0 and tokens[j - 1] in NOT_PAST_BEFORE.get(t, ()))
        and not (j + 1 < len(tokens) and tokens[j + 1] in NOT_PAST_AFTER.get(t, ()))
    }


def told_in_past(tokens: tuple[str, ...]) -> bool:
    """A verb in the past and none in the present (PAST_VERBS, PRESENT_WORDS)."""
    past = bool(past_verbs_in(tokens)) or any(len(t) > 4 and t.endswith("ed") for t in tokens)
    present = any(
        t in PRESENT_WORDS and (j == 0 or tokens[j - 1] not in NOT_PRESENT_AFTER)
        for j, t in enumerate(tokens)
    )
    return past and not present


def causes_in_you(lead: Sequence[str]) -> bool:
    """ "make you" or "gives your" among the words just before a sign."""
    return any(a in CAUSE_VERBS and b in GENERIC_YOU for a, b in pairwise(lead))


def topic_query(tokens: Sequence[str]) -> bool:
    """Nothing but the topic, names of conditions and joining words."""
    return any(starts_with(t, TOPIC_STEMS) for t in tokens) and all(
        t in TOPIC_QUERY_WORDS or starts_with(t, TOPIC_STEMS) or starts_with(t, CONDITION_STEMS)
        for t in tokens
    )


def asks_about_topic(sentence: Sentence) -> bool:
    """A question opening with "is", "can", "how"... about the topic, with no one in
    particular in it: "is it hard to breathe with low magnesium?" (not "had a
    convulsion, is it low magnesium?")."""
    tokens = sentence.tokens
    return (
        sentence.question
        and tokens[0] in QUESTION_OPENERS
        and any(starts_with(t, TOPIC_STEMS) for t in tokens)
        and not PERSONAL.intersection(tokens)
    )


def has_phrase(tokens: tuple[str, ...], phrase: str) -> bool:
    return f" {phrase} " in f" {' '.join(tokens)} "


def starts_with(token: str, stems: Iterable[str]) -> bool:
    return any(token.startswith(s) for s in stems)


def triggered(signs: tuple[str, ...], context: tuple[str, ...], spoiled: tuple[str, ...]) -> bool:
    """One of HARMLESS: a sign of it among `signs`, a trigger of it in `context`,
    and none of its spoilers in `spoiled`."""
    return any(
        any(starts_with(t, h.signs) for t in signs)
        and trigger_told(h, context)
        and not any(starts_with(t, h.spoilers) for t in spoiled)
        for h in HARMLESS
    )


def trigger_told(harmless: Harmless, context: tuple[str, ...]) -> bool:
    """A trigger in the context, told as what happened: not as a comparison
    ("my mouth felt like I had a Novocaine injection") and never denied
    ("Except I hadn't been to the dentist, yet my mouth had gone numb")."""
    triggers = harmless.triggers
    if any(has_phrase(context, p) for p in triggers if " " in p):
        return True
    places = [
        j for j, t in enumerate(context) if starts_with(t, triggers) and t not in NOT_TRIGGERS
    ]
    denied = not harmless.missing and any(
        NEGATIONS.intersection(context[max(0, j - DENIED_REACH) : j]) for j in places
    )
    told = any(
        not any(has_phrase(context[max(0, j - COMPARING_REACH) : j], p) for p in COMPARING)
        for j in places
    )
    return told and not denied
