"""Fuzzy matching of a message against the FAQ entries.

How a message is scored:
1. It is normalised and its lay words mapped to the entries' words (the
   Lexicon: synonyms, then a light stemmer); stop words are dropped.
2. Words the FAQ does not know are corrected to a known word when they are a
   small spelling slip away ("magnesuim" -> "magnesium"), otherwise kept as
   unknown: an unknown word counts against every entry, which is what keeps
   near-topic questions ("magnesium for sleep") from being answered.
3. Each phrasing of each entry (its question and alternates) gets an
   IDF-weighted overlap score that rewards covering the message's words and,
   less, the phrasing's words. An entry scores as its best phrasing.
4. A second opinion, word evidence (bot/evidence.py: how well all of the
   message's known words fit each leading entry's whole vocabulary), is
   blended into the leaders' scores.
5. The decision uses two thresholds and the gap to the runner-up: answer,
   clarify ("did you mean") or fallback. At the edges the second opinion
   decides: a "did you mean" whose first entry it is sure of becomes an
   answer, and an answer it disagrees with, or that it finds likely to be a
   question the article does not answer, becomes a "did you mean".

Only phrasings that share a word with the message are scored (an inverted
index), so the cost grows with the overlap, not with the size of the FAQ.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.content import Content, Thresholds
from bot.evidence import PhrasingClassifier, most_likely
from bot.text import MAX_READ_CHARS, STOP_WORDS, Lexicon, allowed_typos, normalize, words

# What the matcher decides for a message (bot.content.Outcome is a check outcome).
Decision = Literal["answer", "clarify", "fallback"]
OUT_OF_SCOPE = "out-of-scope"

# Someone's age in a message, as normalize() leaves it ("10yo" -> "10 yo",
# "y/o" -> "y o", "i'm 14" -> "im 14"): years, or a baby's months or weeks.
YEARS_OLD = re.compile(
    r" (\d{1,3}) (?:yo|y o|yr old|yrs old|year old|years old) |(?: im| i am| iam) (\d{1,2}) "
    r"| (?:age|aged|hes|shes|he is|she is) (\d{1,2}) (?!mg |g |mcg |ml |percent )"
)
MONTHS_OLD = re.compile(r" \d{1,2} (?:months?|mo|mos|weeks?|wks?) old ")
# A question for the cause of the twitch ("what causes", "why does my lip
# twitch", "what's behind that"), and the words it may hold and name no cause.
WHY_ASKED = re.compile(
    r"\b(?:what (?:causes|can cause|could cause|is causing|would cause|makes)|whats (?:causing|behind)"
    r"|why (?:does|do|is|would|am|are|has)|reasons? (?:for|why|behind)|causes of|causes)\b"
)
WHY_WORDS = (
    "what causes cause causing caused why reason reasons behind makes make lip lips twitch"
    " twitching twitches face mouth eyelid muscle spasm top bottom upper lower keep keeps stop"
    " wont flickering, wont stop, keeps going, all the time"
)
# A phrase of adult_amounts denied by one of these words this close before it.
DENIALS = frozenset("not no dont never without stopped finished isnt arent none".split())
NOT_REACH = 3
# An amount asked about in a message this short, with no answer decided, is
# magnesium's (the amount_asked setting in faq.yaml).
AMOUNT_ALONE_MAX_WORDS = 8
# An amount in milligrams or grams, as typed ("400mg", "1,200 mg", "2g", "0.4 g").
AMOUNT = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?) ?(mg|milligrams?|g|grams?)\b")
# An amount said of magnesium itself ("magnesium oxide 400mg", "400 mg of
# magnesium glycinate"): magnesium's amount however long the message.
OF_MAGNESIUM = re.compile(
    r"\b(?:magnesium|mag|glycinate|bisglycinate|threonate|malate|taurate|orotate)(?: \w+)?"
    r" \d+ ?(?:mg|milligrams?)\b"
    r"|\b\d+ ?(?:mg|milligrams?) (?:of )?(?:\w+ )?(?:magnesium|mag)\b"
)
# A daily amount typed without its unit, as in a follow-up ("so 800 a day is fine
# then?"): three or four digits just before "a day", read as milligrams (in any
# message; the guards of _amount_asked still apply: "i walk 8000 a day" is long
# or has words no entry has).
BARE_DAILY = re.compile(r"(?<![\w.,])(\d{3,4}) (?:a|per|each|every) day\b")
# ... and an age in words below 18 ("a ten year old").
YOUNG_IN_WORDS = re.compile(
    r" (?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen) (?:yo|year old|years old|month old|months old) "
    r"| (?:im|i am|hes|shes|he is|she is) (?:one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen) "
)

# Weight of a message word the FAQ does not know at all, relative to the IDF
# weights of known words (calibrated on tests/data/eval-tune.yaml).
UNKNOWN_WEIGHT = 2.0
# An entry's whole vocabulary (phrasings and answer) can vouch for a message,
# but never as strongly as one phrasing that says the same thing.
BAG_FACTOR = 0.7
# A single sentence of a longer message vouches a little less than the whole.
SENTENCE_FACTOR = 0.8
# How the weight of unknown words grows with their number (1 = linearly).
UNKNOWN_EXPONENT = 0.5
# How much covering the message's words matters against covering the phrasing's:
# a phrasing sharing weight w of a message's words (total weight q, unknown words
# included) scores 100 (w/q)^qe (w/t)^pe, t the phrasing's total weight.
QUERY_COVERAGE_EXPONENT = 0.6
PHRASING_COVERAGE_EXPONENT = 0.4

# The second opinion (bot/evidence.py). These, like the thresholds in faq.yaml
# and the evidence's temperature and epochs, were chosen by cross-validation: 10
# folds of the real sets grouped by source and leave-one-set-out over the
# annotator tuning sets (`make cv`, docs/quality.md):
# - the share of a leader's score that is the evidence's posterior (x 100);
EVIDENCE_WEIGHT = 0.3
# - a "did you mean" whose first entry the evidence picks this surely is answered
#   (from ANSWER_CLARIFIED_SCORE);
EVIDENCE_AGREE = 0.9
# - an answer whose entry the evidence does not pick, when it picks another entry
#   (or the out-of-scope questions) this surely, becomes a "did you mean".
EVIDENCE_DISAGREE = 0.5
# - an answer becomes a "did you mean" too when the evidence gives the
#   out-of-scope questions this much (fewer off-topic answers, which let the
#   perceptron train a fourth epoch).
EVIDENCE_OUT_OF_SCOPE = 0.3

# A "did you mean" is turned into an answer (the evidence sure of its first entry,
# or its first two of one answer_together group) only from this score: below it,
# grouped cross-validation saw as many near-topic questions the article does not
# answer ("how much b-12", "is a stye caused by stress") answered as right ones.
ANSWER_CLARIFIED_SCORE = 60.0

# The score of a message whose words are exactly those of a phrasing.
EXACT = 100.0

# The learned second opinion is trained for a FAQ of at most this many entries
# (its training time grows with entries times phrasings).
MAX_TRAINED_GROUPS = 100

# A part of a multi-question message must carry at least this much known,
# distinctive vocabulary (IDF weight) to count as a question of its own.
MIN_PART_WEIGHT = 0.7

# "Hello doctor, ..." or "Doctor, ...": the person addresses the bot, and the
# word says nothing about seeing a doctor (it drew "my eyelids have been
# twitching lately, what's going on?" to the see-doctor answer).
_ADDRESS = re.compile(
    r"^\W*(?:(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\W+(?:dr|doc|doctor)\b\W*"
    r"|(?:dr|doc|doctor)\s*,\s*)(?=\w)",
    re.IGNORECASE,
)

_SENTENCE_SPLIT = re.compile(r"[?!.;\n]+|\b(?:and also|also|plus)\b", re.IGNORECASE)
# Prefixes that turn a word into its opposite ("hyper-" too much, "hypo-" too little).
_OPPOSITE_PREFIXES = (("hyper", "hypo"),)
_AND = re.compile(r"\band\b|[&+]", re.IGNORECASE)


def _sentences(text: str) -> list[str]:
    """The non-blank pieces of a text split at sentence ends and "also"/"plus"."""
    return [p for p in _SENTENCE_SPLIT.split(text) if p.strip()]


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float


@dataclass(frozen=True)
class Match:
    outcome: Decision
    score: float
    candidates: tuple[Candidate, ...]
    # A "did you mean" where the questions the article does not answer fit the
    # message best: the entries close behind are offered, with that doubt said.
    beyond_article: bool = False

    @property
    def entry_id(self) -> str | None:
        return self.candidates[0].entry_id if self.outcome == "answer" else None


@dataclass(frozen=True)
class Analysis:
    """The decision for a whole message, which may hold several questions."""

    match: Match
    also: tuple[str, ...] = ()  # further entries answered for a multi-question message
    # An entry that answers the question well too (answer_together in faq.yaml):
    # the first follow-up offered.
    next: str | None = None
    # Entries this message must not get as an answer or a button (Matcher.withheld).
    withheld: frozenset[str] = frozenset()


class Matcher:
    def __init__(self, content: Content) -> None:
        self.thresholds: Thresholds = content.thresholds
        self.lexicon = Lexicon(content.synonyms)
        # Questions the article does not answer form one more, pseudo entry:
        # when it wins, the message is out of scope, and when it comes close,
        # no entry is answered outright.
        self.entry_ids = (*(e.id for e in content.entries), OUT_OF_SCOPE)
        self._index_of = {entry_id: i for i, entry_id in enumerate(self.entry_ids)}
        # Per group: phrasings to match one by one, and the curated text whose
        # words form the group's vocabulary ("bag"). Examples are real user
        # messages full of filler words, so they are matched but not bagged;
        # the out-of-scope pseudo entry has no bag at all.
        groups: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
            (e.phrasings, (e.question, *e.alternates, e.answer)) for e in content.entries
        ]
        groups.append((content.out_of_scope, ()))
        tokenised: list[list[list[str]]] = []
        bags: list[set[str]] = []
        doc_freq: dict[str, int] = {}
        for phrasings, curated in groups:
            toks = [t for t in map(self.lexicon.content_words, phrasings) if t]
            bag = {t for text in curated for t in self.lexicon.content_words(text)}
            tokenised.append(toks)
            bags.append(bag)
            for t in {t for tokens in toks for t in tokens} | bag:
                doc_freq[t] = doc_freq.get(t, 0) + 1
        # Trained at start-up only while that takes a fraction of a second; a
        # larger FAQ decides on the overlap scores alone.
        self.evidence = PhrasingClassifier(tokenised) if len(groups) <= MAX_TRAINED_GROUPS else None
        n = len(groups)
        self.idf = {t: math.log(1.0 + n / df) for t, df in doc_freq.items()}
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(self.idf):
            self._by_initial.setdefault(word[0], []).append(word)
        # Phrasings of one entry with the same words score alike: kept once.
        unique = {(idx, frozenset(t)) for idx, toks in enumerate(tokenised) for t in toks}
        self._phrasing_entry = [idx for idx, _ in sorted(unique, key=_phrasing_order)]
        phrasing_words = [ws for _, ws in sorted(unique, key=_phrasing_order)]
        self._phrasing_factor = [
            sum(self.idf[t] for t in sorted(ws)) ** -PHRASING_COVERAGE_EXPONENT
            for ws in phrasing_words
        ]
        # Inverted indexes: word -> phrasings holding it, word -> bags holding it.
        self._postings: dict[str, list[int]] = {}
        for pid, ws in enumerate(phrasing_words):
            for t in ws:
                self._postings.setdefault(t, []).append(pid)
        # Per word, the largest factor among each entry's phrasings holding it:
        # the score of a phrasing sharing only that word (_score).
        self._best_factor: dict[str, dict[int, float]] = {}
        for t, pids in self._postings.items():
            best = self._best_factor[t] = {}
            for pid in pids:
                idx = self._phrasing_entry[pid]
                best[idx] = max(best.get(idx, 0.0), self._phrasing_factor[pid])
        self._holding = {t: frozenset(pids) for t, pids in self._postings.items()}
        self._bag_postings: dict[str, list[int]] = {}
        for idx, bag in enumerate(bags):
            for t in bag:
                self._bag_postings.setdefault(t, []).append(idx)
        # Words as typed that the FAQ knows (phrasings, answers, synonyms), for
        # correcting slips before synonyms apply ("coffe" -> "coffee").
        typed = set(self.lexicon.raw_words) | set(STOP_WORDS)
        for entry in content.entries:
            for text in (*entry.phrasings, entry.answer):
                typed.update(words(text))
        self._typed = typed
        self._typed_by_initial: dict[str, list[str]] = {}
        for word in sorted(typed):
            if len(word) >= 4:
                self._typed_by_initial.setdefault(word[0], []).append(word)
        # An entry's question or alternate, typed as it is written, is that entry
        # ("what is magnesium" holds one known word, which four entries share).
        # One written for two entries is neither's.
        written: dict[str, set[str]] = {}
        for entry in content.entries:
            for text in (entry.question, *entry.alternates):
                written.setdefault(normalize(text), set()).add(entry.id)
        self._curated = {text: ids.pop() for text, ids in written.items() if len(ids) == 1}
        # The words of a "what causes it" question that names no cause.
        self._why_words = set(self._evidence_words(WHY_WORDS))
        # Recent messages' decisions are remembered (they are immutable).
        self._analyse = lru_cache(maxsize=1024)(self._analyse_uncached)
        # A message's sentences are read and scored again when each is judged
        # alone (_several): recent texts' words and scores are remembered too.
        self.query_words = lru_cache(maxsize=256)(self._query_words)
        self._score = lru_cache(maxsize=256)(self._score_text)

    # -- words ------------------------------------------------------------

    def _correct(self, word: str) -> str | None:
        """The known word this one is a spelling slip of, or None."""
        if word in self.idf:
            return word
        k = allowed_typos(len(word))
        if k == 0 or word.isdigit():
            return None
        # Slips rarely hit the first letter; requiring it keeps real words
        # ("thigh") from turning into known ones ("high").
        choices = self._by_initial.get(word[0], ())
        best = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=k)
        if best is None or abs(len(best[0]) - len(word)) > k or _opposite(word, best[0]):
            return None
        fixed: str = best[0]
        return fixed

    def _fix_typed(self, word: str) -> str:
        """A typed word, or the known typed word it is a spelling slip of."""
        k = allowed_typos(len(word))
        if word in self._typed or k == 0 or not word.isalpha():
            return word
        choices = self._typed_by_initial.get(word[0], ())
        best = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=k)
        if (
            best is None
            or abs(len(best[0]) - len(word)) > k
            or _inflected(word, best[0])
            or _opposite(word, best[0])
        ):
            return word
        fixed: str = best[0]
        return fixed

    def _query_words(self, text: str) -> tuple[Mapping[str, float], float]:
        """Known words of the message with their weights, and the weight of
        unknown ones."""
        known: dict[str, float] = {}
        unknown_count = 0
        for w in self.lexicon.content_words(text, fix=self._fix_typed):
            fixed = self._correct(w)
            if fixed is None:
                # A slip of a stop word ("waht") or a number carries no meaning.
                if not w.isdigit() and w not in STOP_WORDS:
                    unknown_count += 1
            elif fixed not in STOP_WORDS:
                known[fixed] = self.idf[fixed]
        # Each further unknown word weighs less: a long message carries filler,
        # while one unknown word in a short one is often the real subject.
        return known, UNKNOWN_WEIGHT * unknown_count**UNKNOWN_EXPONENT

    def spelled_words(self, text: str) -> list[str]:
        """A text's content words, slips corrected to known words (_evidence_words)."""
        return self._evidence_words(text)

    def _evidence_words(self, text: str) -> list[str]:
        """The message's content words for the second opinion: known ones as the
        FAQ spells them, unknown ones as typed (their letters still say much)."""
        return [
            self._correct(w) or w for w in self.lexicon.content_words(text, fix=self._fix_typed)
        ]

    # -- scoring ----------------------------------------------------------

    def _score_text(self, text: str) -> Mapping[int, float]:
        """Best score per group (entry index) for one piece of text."""
        known, unknown = self.query_words(text)
        q_total = sum(known.values()) + unknown
        if not known or q_total <= 0:
            return {}
        scale = 100.0 / q_total**QUERY_COVERAGE_EXPONENT
        power = QUERY_COVERAGE_EXPONENT + PHRASING_COVERAGE_EXPONENT
        # The message's word with the most phrasings ("magnesium") is not read
        # phrasing by phrasing: each entry's phrasings holding it score at least
        # as if they shared that word alone (the best factor of the entry), and
        # those sharing other words too are scored in full below.
        head = max(known, key=lambda w: (len(self._postings.get(w, ())), w))
        head_weight = known[head]
        best = {
            entry: scale * (head_weight**power * factor)
            for entry, factor in self._best_factor.get(head, {}).items()
        }
        # The weight each phrasing shares with the other words, from the postings.
        shared: dict[int, float] = {}
        get = shared.get
        for w, weight in known.items():
            if w != head:
                for pid in self._postings.get(w, ()):
                    shared[pid] = get(pid, 0.0) + weight
        holding_head = self._holding.get(head, frozenset())
        entry_of, factor_of = self._phrasing_entry, self._phrasing_factor
        for pid, weight in shared.items():
            if pid in holding_head:
                weight += head_weight
            score = scale * (weight**power * factor_of[pid])
            entry = entry_of[pid]
            if score > best.get(entry, -1.0):
                best[entry] = score
        # The entry as a whole (its curated phrasings and its answer) vouches
        # for messages whose words are spread over several phrasings.
        bag_hits: dict[int, float] = {}
        for w, weight in known.items():
            for idx in self._bag_postings.get(w, ()):
                bag_hits[idx] = bag_hits.get(idx, 0.0) + weight
        for idx, weight in bag_hits.items():
            score = scale * (BAG_FACTOR * weight**QUERY_COVERAGE_EXPONENT)
            if score > best.get(idx, -1.0):
                best[idx] = score
        return best

    def score_entries(self, text: str) -> list[Candidate]:
        """Every entry sharing a word with the message, best first (ties in file
        order)."""
        ranked = sorted(self._scores(text).items(), key=_best_first)
        return [Candidate(self.entry_ids[i], round(s, 2)) for i, s in ranked]

    def _scores(self, text: str) -> dict[int, float]:
        """Each entry's score. In a message of several sentences an entry scores
        as the best of the whole message and each sentence, so that a greeting
        or a story around the question does not drown it."""
        text = text[:MAX_READ_CHARS]
        best = dict(self._score(text))
        sentences = _sentences(text)
        if len(sentences) > 1:
            for sentence in sentences:
                for idx, score in self._score(sentence).items():
                    score *= SENTENCE_FACTOR
                    if score > best.get(idx, -1.0):
                        best[idx] = score
        return best

    def _leaders(self, text: str) -> list[Candidate]:
        """The first `max_candidates + 1` of score_entries(text): all that
        `decide` reads (at most one of them is the out-of-scope pseudo entry)."""
        size = self.thresholds.max_candidates + 1
        ranked = heapq.nsmallest(size, self._scores(text).items(), key=_best_first)
        return [Candidate(self.entry_ids[i], round(s, 2)) for i, s in ranked]

    # -- deciding ---------------------------------------------------------

    def decide(self, ranked: Sequence[Candidate]) -> Match:
        th = self.thresholds
        entries = [c for c in ranked if c.entry_id != OUT_OF_SCOPE]
        # The score reported is always the best real entry's.
        best = entries[0].score if entries else 0.0
        if not ranked or ranked[0].score < th.clarify:
            return Match("fallback", best, tuple(entries[: th.max_candidates]))
        top = ranked[0].score
        close = [c for c in entries if c.score >= th.clarify and top - c.score <= th.clarify_window]
        if ranked[0].entry_id == OUT_OF_SCOPE:
            # Never answered. Entries close behind are still offered, under "I'm
            # not sure the article answers that": most real in-scope questions
            # that fell back here had the right one among them ("who should take
            # magnesium" is near "who should not take magnesium";
            # docs/quality.md). Not when the message is one of the out-of-scope
            # questions word for word (score EXACT).
            if close and top < EXACT:
                return Match(
                    "clarify", best, tuple(close[: th.max_candidates]), beyond_article=True
                )
            return Match("fallback", best, tuple(entries[: th.max_candidates]))
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if top >= th.answer and top - runner_up >= th.min_gap:
            return Match("answer", top, tuple(ranked[: th.max_candidates]))
        return Match("clarify", top, tuple(close[: th.max_candidates]))

    def _judge(self, text: str, leaders: list[Candidate]) -> Match:
        """decide() on the leaders with the second opinion; then a "did you mean"
        between entries that both answer the question is answered."""
        match = self._with_evidence(text, leaders)
        # A lone keyword ("twitch") says too little to pick for the person.
        if (
            match.outcome == "clarify"
            and not match.beyond_article
            and match.score >= ANSWER_CLARIFIED_SCORE
            and self._together(match.candidates[:2])
            and len(self.query_words(text)[0]) > 1
        ):
            return Match("answer", match.score, match.candidates)
        return match

    def _with_evidence(self, text: str, leaders: list[Candidate]) -> Match:
        """decide() on the leaders with the learned second opinion blended in."""
        among = [self._index_of[c.entry_id] for c in leaders]
        posterior = (
            self.evidence.posteriors(
                self._evidence_words(text[:MAX_READ_CHARS]), [*among, len(self.entry_ids) - 1]
            )
            if self.evidence is not None and leaders
            else {}
        )
        if not posterior or self._lone_keyword(text, leaders):
            return self.decide(leaders)
        w = EVIDENCE_WEIGHT
        # Best first, ties in the leaders' order.
        blended = sorted(
            (-round((1.0 - w) * c.score + w * 100.0 * posterior[i], 2), pos, c.entry_id)
            for pos, (c, i) in enumerate(zip(leaders, among, strict=True))
        )
        match = self.decide([Candidate(entry_id, -score) for score, _, entry_id in blended])
        pick, sure = most_likely(posterior)
        picked = self.entry_ids[pick]
        first = match.candidates[0].entry_id if match.candidates else None
        if (
            match.outcome == "clarify"
            and not match.beyond_article
            and sure >= EVIDENCE_AGREE
            and match.score >= ANSWER_CLARIFIED_SCORE
            and first == picked
        ):
            return Match("answer", match.score, match.candidates)
        out_of_scope = posterior[len(self.entry_ids) - 1]
        doubted = (sure >= EVIDENCE_DISAGREE and first != picked) or (
            out_of_scope >= EVIDENCE_OUT_OF_SCOPE
        )
        # A message whose words are exactly those of one of the entry's phrasings
        # (score 100) is not overruled: "is 500 mg ok" is a too-much question
        # however little its two words tell the classifier.
        exact = leaders[0].score >= EXACT and leaders[0].entry_id != OUT_OF_SCOPE
        if match.outcome == "answer" and doubted and not exact:
            entries = [c for c in match.candidates if c.entry_id != OUT_OF_SCOPE]
            return Match(
                "clarify",
                match.score,
                tuple(entries[: self.thresholds.max_candidates]),
                beyond_article=out_of_scope >= EVIDENCE_OUT_OF_SCOPE,
            )
        return match

    def _lone_keyword(self, text: str, leaders: Sequence[Candidate]) -> bool:
        """Whether the message is one known word ("twitch") that several entries
        hold alike: it says too little for the classifier to pick for the person."""
        tied = len(leaders) > 1 and leaders[0].score - leaders[1].score < self.thresholds.min_gap
        return tied and len(self.query_words(text)[0]) == 1

    def _together(self, candidates: Sequence[Candidate]) -> bool:
        """Whether these are several entries of one answer_together group: the
        first two of a "did you mean" both answer the question well."""
        ids = {c.entry_id for c in candidates}
        return len(ids) > 1 and any(ids <= g for g in self.thresholds.answer_together)

    def match(self, text: str) -> Match:
        return self._judge(text, self._leaders(text))

    def analyse(self, text: str) -> Analysis:
        """Decide for a message that may ask more than one question.

        When the message splits into parts ("...? and ...") that each get a
        confident answer for different entries, all of them are answered, the
        first as the main answer. Otherwise the whole message decides.
        Recent messages' decisions are remembered (they are immutable).
        """
        return self._analyse(_unaddressed(text[:MAX_READ_CHARS]))

    def _analyse_uncached(self, text: str) -> Analysis:
        written = self._curated.get(normalize(text))
        if written is not None:
            analysis = Analysis(Match("answer", 100.0, (Candidate(written, 100.0),)))
        else:
            analysis = self._analyse_questions(text)
        said = f" {' '.join(words(text))} "
        analysis = self._why_both(analysis, text)
        withheld = self.withheld(text)
        analysis = _without(analysis, withheld & self.thresholds.illness_entries)
        analysis = self._amount_asked(analysis, text, said)
        return replace(_without(analysis, withheld), withheld=withheld)

    def withheld(self, text: str) -> frozenset[str]:
        """The entries this message must not get answered or offered, as an answer
        or a button: the cause answers when it names an illness, the adult
        amounts when it is about a child, a pregnancy, kidneys or medicines."""
        said = f" {' '.join(words(text[:MAX_READ_CHARS]))} "
        hidden: frozenset[str] = frozenset()
        if any(f" {p} " in said for p in self.thresholds.illnesses):
            hidden |= self.thresholds.illness_entries
        if not self._for_adults(said):
            hidden |= self.thresholds.adult_amounts
        return hidden

    def _why_both(self, analysis: Analysis, text: str) -> Analysis:
        """ "What causes lip twitching?", naming no cause, answered by one of the
        `why_both` entries: the other one too, below it. The other causes alone
        ("Yes, other factors such as stress ...") left out low magnesium, the
        article's point."""
        both = self.thresholds.why_both
        if not both or analysis.match.entry_id not in both or analysis.also:
            return analysis
        if WHY_ASKED.search(normalize(text)) is None:
            return analysis
        if any(w not in self._why_words for w in self.spelled_words(text)):
            return analysis
        match = analysis.match
        other = next(e for e in both if e != match.entry_id)
        return Analysis(match, (other,), analysis.next if analysis.next != other else None)

    def _amount_asked(self, analysis: Analysis, text: str, said: str) -> Analysis:
        """An amount asked about ("is 400mg ok", "taking 1,200 mg daily, good?", "is
        2g a day ok") gets the upper limit (faq.yaml `amount_asked`) where the
        decision was the daily amounts, a supplement answer or none: those read as
        "fine". Not another substance's amount ("is 400mg of ibuprofen ok")."""
        th = self.thresholds
        if th.amount_entry is None:
            return analysis
        amounts = [
            float(number.replace(",", "")) * (1 if unit.startswith("m") else 1000)
            for number, unit in AMOUNT.findall(text.lower())
        ]
        amounts += [float(number) for number in BARE_DAILY.findall(said)]
        asked = any(f" {w} " in said for w in th.amount_asks)
        if not amounts or not (asked or max(amounts) > th.amount_above_mg):
            return analysis
        # "Is 400 mg a day enough / the right amount": the daily amounts answer it.
        if any(f" {w} " in said for w in th.amount_not_when):
            return analysis
        match = analysis.match
        decided = match.entry_id if match.outcome == "answer" else None
        if decided is not None and decided not in th.amount_instead_of:
            return analysis
        # Undecided, a short message in the words of the entries is about
        # magnesium's amount; a long one, or one with a word no entry has, may be
        # about another medicine's ("is 400mg of ibuprofen ok", "levothyroxine 125
        # mg ... is it safe").
        if (
            decided is None
            and not OF_MAGNESIUM.search(said)
            and (
                len(said.split()) > AMOUNT_ALONE_MAX_WORDS
                or any(
                    not w.isdigit() and w not in self._bag_postings
                    for w in self.spelled_words(text)
                )
            )
        ):
            return analysis
        then = decided if decided not in (None, th.amount_entry) else th.amount_then
        first = Candidate(th.amount_entry, match.score)
        rest = tuple(c for c in match.candidates if c.entry_id != th.amount_entry)
        also = tuple(e for e in analysis.also if e != th.amount_entry)
        return Analysis(Match("answer", match.score, (first, *rest)), also, then)

    def _for_adults(self, said: str) -> bool:
        """Whether the adult amounts fit the message's words (`said`, space-padded):
        no word or phrase of `not_for_adult_amounts` unless denied ("im not
        pregnant", "no meds"); no age below `adult_from_age` ("my 10yo", "a 15 year
        old", "6 months old"); and no word of someone who may be a child ("my
        son") unless only adult ages are given ("my son is 30")."""
        th = self.thresholds
        if any(_told(said, p) for p in th.not_for_adult_amounts):
            return False
        adult = th.adult_from_age
        young = [p for p in th.young_for_adult_amounts if _told(said, p)]
        ages = [int(a or b or c) for a, b, c in YEARS_OLD.findall(said)]
        for p in young:
            ages += map(int, re.findall(rf" {re.escape(p)} (?:is|turned|aged) (\d{{1,2}}) ", said))
        if adult and (
            any(age < adult for age in ages)
            or MONTHS_OLD.search(said)
            or YOUNG_IN_WORDS.search(said)
        ):
            return False
        return not young or (bool(adult) and bool(ages))

    def _analyse_questions(self, text: str) -> Analysis:
        whole = self.match(text)
        several = self._several(text, whole)
        if several is not None:
            return several
        runner_up = whole.candidates[1:2]
        if whole.outcome == "answer" and self._together([*whole.candidates[:1], *runner_up]):
            return Analysis(whole, next=runner_up[0].entry_id)
        return Analysis(whole)

    def _several(self, text: str, whole: Match) -> Analysis | None:
        """The answers to a message's questions when its parts (its sentences, or
        the two sides of an "and") ask for different entries, and the whole
        message either is not answered outright or is answered with one of
        them; else None."""
        sentences = [p for p in _sentences(text) if self.lexicon.content_words(p)]
        splits = [sentences] if len(sentences) >= 2 else []
        splits.extend(_and_splits(text))
        for parts in splits:
            answered: list[Match] = []
            for part in parts:
                # "why do people say magnesium" alone says too little.
                if sum(self.query_words(part)[0].values()) < MIN_PART_WEIGHT:
                    continue
                m = self.match(part)
                if m.entry_id is not None and all(a.entry_id != m.entry_id for a in answered):
                    answered.append(m)
            if len(answered) < 2:
                continue
            # Answered in the order they were asked.
            ids = [a.entry_id for a in answered if a.entry_id]
            if whole.outcome != "answer" or whole.entry_id in ids:
                return Analysis(answered[0], tuple(ids[1:]))
        return None


def _unaddressed(text: str) -> str:
    """The message without a greeting to the doctor it opens with."""
    return _ADDRESS.sub("", text, count=1)


def _told(said: str, phrase: str) -> bool:
    """Whether the phrase is in the space-padded words, once at least without a
    denial among the NOT_REACH words before it ("im not pregnant", "no meds", "i
    dont take any medication")."""
    words_before = said.split(f" {phrase} ")[:-1]
    return any(not DENIALS.intersection(before.split()[-NOT_REACH:]) for before in words_before)


def _without(analysis: Analysis, entries: frozenset[str]) -> Analysis:
    """The analysis with these entries neither answered nor offered: a "did you
    mean" left with nothing to offer, or an answer that was one of them, falls
    back (its other answers, if any, are lost with it)."""
    if not entries:
        return analysis
    match = analysis.match
    kept = tuple(c for c in match.candidates if c.entry_id not in entries)
    if match.entry_id in entries or not kept:
        return Analysis(Match("fallback", match.score, kept))
    return Analysis(
        replace(match, candidates=kept),
        tuple(e for e in analysis.also if e not in entries),
        None if analysis.next in entries else analysis.next,
    )


def _best_first(scored: tuple[int, float]) -> tuple[float, int]:
    """Sort key of (entry index, score): the highest score first, ties in file order."""
    return -scored[1], scored[0]


def _phrasing_order(phrasing: tuple[int, frozenset[str]]) -> tuple[int, list[str]]:
    """A fixed order of (entry, words) pairs, so that scores never depend on set order."""
    return phrasing[0], sorted(phrasing[1])


def _opposite(a: str, b: str) -> bool:
    """Whether the words are each other's opposite by their prefix
    ("hypermagnesemia" / "hypomagnesemia"): never a spelling slip."""
    return any(
        (a.startswith(x) and b.startswith(y)) or (a.startswith(y) and b.startswith(x))
        for x, y in _OPPOSITE_PREFIXES
    )


def _inflected(a: str, b: str) -> bool:
    """Whether one word is the other plus an ending ("sleep"/"sleepy"): another
    word rather than a spelling slip."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and long[len(short) :] in {"s", "y", "d", "ed", "es", "er"}


def _and_splits(text: str) -> list[list[str]]:
    """Two questions joined by 'and' without punctuation: each 'and' is a possible seam."""
    pieces = _AND.split(text)
    out: list[list[str]] = []
    for cut in range(1, min(len(pieces), 4)):
        left, right = " and ".join(pieces[:cut]), " and ".join(pieces[cut:])
        if len(left.split()) >= 3 and len(right.split()) >= 3:
            out.append([left, right])
    return out
