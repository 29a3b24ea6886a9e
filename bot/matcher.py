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
   answer, and an answer it disagrees with becomes a "did you mean".

Only phrasings that share a word with the message are scored (an inverted
index; for the few most common words, groups of phrasings by which of them
they hold: _Pieces), so the cost grows with the overlap, not with the size of
the FAQ. Every shortcut scores exactly like the plain definition it replaces
(tests/test_matcher_speed.py).
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.content import Content, Thresholds
from bot.evidence import WordEvidence, most_likely
from bot.text import MAX_READ_CHARS, MEMO_SIZE, STOP_WORDS, Lexicon, allowed_typos, words

# What the matcher decides for a message (bot.content.Outcome is a check outcome).
Decision = Literal["answer", "clarify", "fallback"]
OUT_OF_SCOPE = "out-of-scope"

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
# How much covering the message's words matters against covering the phrasing's.
QUERY_COVERAGE_EXPONENT = 0.6
PHRASING_COVERAGE_EXPONENT = 0.4
# A phrasing sharing weight w of a message's words (total weight q, unknown words
# included) scores 100 (w/q)^qe (w/t)^pe, t the phrasing's total weight. Every
# scoring path computes it in one order, so that they agree to the last bit:
# scale * (w ** _POWER * factor), scale = 100 / q^qe, factor = t^-pe (kept per
# phrasing); a bag scores scale * (BAG_FACTOR * w^qe).
_POWER = QUERY_COVERAGE_EXPONENT + PHRASING_COVERAGE_EXPONENT

# The second opinion (bot/evidence.py). These three, like the thresholds in
# faq.yaml, were chosen by leave-one-set-out cross-validation over the tuning
# sets in tests/data (`faqbot cv`, docs/quality.md):
# - the share of a leader's score that is the evidence's posterior (x 100);
EVIDENCE_WEIGHT = 0.15
# - a "did you mean" whose first entry the evidence picks this surely is answered;
EVIDENCE_AGREE = 0.95
# - an answer whose entry the evidence does not pick, when it picks another entry
#   (or the out-of-scope questions) this surely, becomes a "did you mean".
EVIDENCE_DISAGREE = 0.5

# Words with more postings than this (phrasings and bags) are scored only as far
# as they can change the leading entries (cheaper than the plain loop from a few
# hundred postings on).
PRUNE_ABOVE_POSTINGS = 200
# A message of several pieces whose words have at most this many postings has
# its pieces scored from one pass over them (_Pieces).
PIECES_UP_TO_POSTINGS = 3000
# How many of the words with the longest posting lists _Pieces reads through the
# phrasing signatures instead (Matcher._common_groups).
COMMON_WORDS = 6
# The groups of common words remembered per subset of them, if no more than this
# many (a large FAQ has many: they are then derived each time).
COMMON_GROUPS_KEPT = 512

# A part of a multi-question message must carry at least this much known,
# distinctive vocabulary (IDF weight) to count as a question of its own.
MIN_PART_WEIGHT = 1.0

_SENTENCE_SPLIT = re.compile(r"[?!.;\n]+|\b(?:and also|also|plus)\b", re.IGNORECASE)
_AND = re.compile(r"\band\b|[&+]", re.IGNORECASE)


# Matcher._readings: a word not read yet.
_UNREAD: tuple[tuple[str, str | None], ...] = (("", None),)


@lru_cache(maxsize=1024)
def _sentences(text: str) -> tuple[str, ...]:
    """The non-blank pieces of a text split at sentence ends and "also"/"plus"
    (a message and its parts are split several times while it is decided)."""
    return tuple(p for p in _SENTENCE_SPLIT.split(text) if p.strip())


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float


@dataclass(frozen=True)
class Match:
    outcome: Decision
    score: float
    candidates: tuple[Candidate, ...]

    @property
    def entry_id(self) -> str | None:
        return self.candidates[0].entry_id if self.outcome == "answer" else None


@dataclass(frozen=True)
class Analysis:
    """The decision for a whole message, which may hold several questions."""

    match: Match
    also: tuple[str, ...] = ()  # further entries answered for a multi-question message


@dataclass(frozen=True)
class _Phrasing:
    entry: int
    weights: dict[str, float]
    total: float


class Matcher:
    def __init__(self, content: Content) -> None:
        self.thresholds: Thresholds = content.thresholds
        self.lexicon = Lexicon(content.synonyms)
        # Questions the article does not answer form one more, pseudo entry:
        # when it wins, the message is out of scope, and when it comes close,
        # no entry is answered outright.
        self.entry_ids = (*(e.id for e in content.entries), OUT_OF_SCOPE)
        # Per group: phrasings to match one by one, and the curated text whose
        # words form the group's vocabulary ("bag"). Examples are real user
        # messages full of filler words, so they are matched but not bagged;
        # the out-of-scope pseudo entry has no bag at all.
        groups: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
            (e.phrasings, (e.question, *e.alternates, e.answer)) for e in content.entries
        ]
        groups.append((content.out_of_scope, ()))
        tokenised: list[tuple[int, list[str]]] = []
        bags: list[set[str]] = []
        doc_freq: dict[str, int] = {}
        for idx, (phrasings, curated) in enumerate(groups):
            seen: set[str] = set()
            for text in phrasings:
                toks = self.lexicon.content_words(text)
                if toks:
                    tokenised.append((idx, toks))
                    seen.update(toks)
            bag = {t for text in curated for t in self.lexicon.content_words(text)}
            bags.append(bag)
            for t in seen | bag:
                doc_freq[t] = doc_freq.get(t, 0) + 1
        by_group: list[list[list[str]]] = [[] for _ in groups]
        for idx, toks in tokenised:
            by_group[idx].append(toks)
        self.evidence = WordEvidence(by_group)
        self._index_of = {entry_id: i for i, entry_id in enumerate(self.entry_ids)}
        del by_group
        n = len(groups)
        # Weights are rounded to multiples of 2^-36: any sum of a message's
        # weights is then exact, the same in whatever order it is added up, so
        # the pieces of a message share their sums (_Pieces).
        self.idf = {t: _dyadic(math.log(1.0 + n / df)) for t, df in doc_freq.items()}
        self.vocabulary = tuple(sorted(self.idf))
        self._by_initial: dict[str, list[str]] = {}
        for word in self.vocabulary:
            self._by_initial.setdefault(word[0], []).append(word)
        # Phrasings of one group with the same words score alike: only the one
        # with the smallest total weight (the highest score) is kept, the first
        # of them in file order.
        # (The choice is made first and the kept phrasings built after, so that
        # the short-lived keys do not stay interleaved with them in memory.)
        unique: dict[tuple[int, tuple[str, ...]], tuple[float, int]] = {}
        for i, (idx, toks) in enumerate(tokenised):
            total = sum(self.idf[t] for t in toks)  # in word order, as the score's
            key = (idx, tuple(sorted(toks)))
            kept = unique.get(key)
            if kept is None or total < kept[0]:
                unique[key] = (total, i)
        chosen = sorted((-total, i) for total, i in unique.values())
        del unique
        # Numbered from the largest total weight to the smallest, so that of the
        # phrasings sharing the same words with a message the last scores best.
        self._phrasings: list[_Phrasing] = []
        for _, i in chosen:
            idx, toks = tokenised[i]
            weights = {t: self.idf[t] for t in toks}
            self._phrasings.append(_Phrasing(idx, weights, sum(weights.values())))
        del chosen
        self._postings: dict[str, list[int]] = {}
        for pid, phrasing in enumerate(self._phrasings):
            for t in phrasing.weights:
                self._postings.setdefault(t, []).append(pid)
        self._phrasing_entry = [ph.entry for ph in self._phrasings]
        self._phrasing_total = [ph.total for ph in self._phrasings]
        self._phrasing_factor = [t**-PHRASING_COVERAGE_EXPONENT for t in self._phrasing_total]
        # The few words with the longest posting lists ("magnesium", "twitch"):
        # phrasings are grouped by entry and by which of them they hold (their
        # signature), each group from the smallest total weight up, so that a
        # message's pieces need not read those long lists (_Pieces).
        common = sorted(self._postings, key=lambda w: (-len(self._postings[w]), w))
        self._common = {w: 1 << i for i, w in enumerate(common[:COMMON_WORDS])}
        self._signature = [0] * len(self._phrasings)
        for w, bit in self._common.items():
            for pid in self._postings[w]:
                self._signature[pid] |= bit
        # Per cell (signature, entry), the phrasing with the smallest total
        # weight: the highest number. Filed under each common word it holds.
        cells: dict[tuple[int, int], int] = {}
        for pid, signature in enumerate(self._signature):
            if signature:
                cells[signature, self._phrasing_entry[pid]] = pid
        self._cells_by_bit: dict[int, list[tuple[int, int, int]]] = {}
        for (signature, idx), pid in cells.items():
            for bit in self._common.values():
                if signature & bit:
                    self._cells_by_bit.setdefault(bit, []).append((signature, idx, pid))
        del cells
        self._common_groups_of: dict[int, tuple[tuple[int, int, float], ...] | None] = {}
        self._bag_postings: dict[str, list[int]] = {}
        for idx, bag in enumerate(bags):
            for t in bag:
                self._bag_postings.setdefault(t, []).append(idx)
        self._correct = lru_cache(maxsize=16384)(self._correct_uncached)
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
        self._fix_typed = lru_cache(maxsize=16384)(self._fix_typed_uncached)
        self._readings: dict[str, tuple[tuple[str, str | None], ...] | None] = {}
        # The same texts come back (whole messages, their sentences, short
        # keyword queries): remember recent results. They are read-only.
        self.query_words = lru_cache(maxsize=4096)(self._query_words_uncached)
        self._score = lru_cache(maxsize=4096)(self._score_uncached)
        self._analyse = lru_cache(maxsize=1024)(self._analyse_uncached)
        self._says_something = lru_cache(maxsize=1024)(self._says_something_uncached)

    # -- words ------------------------------------------------------------

    def _correct_uncached(self, word: str) -> str | None:
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
        if best is None or abs(len(best[0]) - len(word)) > k:
            return None
        return best[0]

    def _fix_typed_uncached(self, word: str) -> str:
        """A typed word, or the known typed word it is a spelling slip of."""
        k = allowed_typos(len(word))
        if word in self._typed or k == 0 or not word.isalpha():
            return word
        choices = self._typed_by_initial.get(word[0], ())
        best = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=k)
        if best is None or abs(len(best[0]) - len(word)) > k or _inflected(word, best[0]):
            return word
        fixed: str = best[0]
        return fixed

    def _read(self, token: str) -> tuple[tuple[str, str | None], ...] | None:
        """How a typed word reads wherever it stands (remembered): its content
        words, each with the known word it is or is a slip of (None: unknown);
        None when a synonym phrase may begin with it."""
        found = self.lexicon.alone(self._fix_typed(token))
        reading = None if found is None else self._classify(found)
        if len(self._readings) >= MEMO_SIZE:
            self._readings.clear()
        self._readings[token] = reading
        return reading

    def _classify(self, canonical: Iterable[str]) -> tuple[tuple[str, str | None], ...]:
        return tuple((w, self._correct(w)) for w in canonical if w not in STOP_WORDS)

    def _query_words_uncached(self, text: str) -> tuple[dict[str, float], float]:
        """Known words of the message with their weights, and the weight of unknown
        ones: _query_words_in_full, read word by word from remembered readings."""
        known: dict[str, float] = {}
        unknown_count = 0
        seen: set[str] = set()
        readings = self._readings
        tokens = words(text)
        i = 0
        while i < len(tokens):
            reading = readings.get(tokens[i], _UNREAD)
            if reading is _UNREAD:
                reading = self._read(tokens[i])
            if reading is None:
                # A synonym phrase may begin here: compare the next (fixed) words.
                fixed = [self._fix_typed(t) for t in tokens[i : i + self.lexicon.longest]]
                found, used = self.lexicon.read_at(fixed, 0)
                reading = self._classify(found)
                i += used
            else:
                i += 1
            for w, known_as in reading:
                if w in seen:
                    continue
                seen.add(w)
                if known_as is None:
                    # A slip of a stop word ("waht") or a number carries no meaning.
                    if not w.isdigit():
                        unknown_count += 1
                elif known_as not in STOP_WORDS:
                    known[known_as] = self.idf[known_as]
        return known, UNKNOWN_WEIGHT * unknown_count**UNKNOWN_EXPONENT

    def _common_groups(self, held: int) -> tuple[tuple[int, int, float], ...]:
        """For a message holding the common words `held` (their signature bits):
        the phrasings holding some of them, grouped by which ones and by entry,
        as (those words' bits, entry, factor of the group's best phrasing). At
        most one set per subset of the common words: remembered while small."""
        found = self._common_groups_of.get(held)
        if found:
            return found
        best: dict[tuple[int, int], int] = {}
        for bit in self._common.values():
            if held & bit:
                for signature, entry, pid in self._cells_by_bit.get(bit, ()):
                    if signature & held & (bit - 1):
                        continue  # met under a lower bit already
                    key = (signature & held, entry)
                    if pid > best.get(key, -1):
                        best[key] = pid
        # A group whose words are a subset of another's of the same entry, with no
        # larger factor, never scores more than it for any piece: left out.
        factor_of = self._phrasing_factor
        by_factor = sorted(
            ((factor_of[pid], shared, entry) for (shared, entry), pid in best.items()),
            reverse=True,
        )
        front: dict[int, list[int]] = {}
        kept: list[tuple[int, int, float]] = []
        for factor, shared, entry in by_factor:
            above = front.setdefault(entry, [])
            if not any(shared & other == shared for other in above):
                above.append(shared)
                kept.append((shared, entry, factor))
        found = tuple(kept)
        # Remembered if small; else only that they are many (see _few_groups).
        self._common_groups_of[held] = found if len(found) <= COMMON_GROUPS_KEPT else None
        return found

    def _few_groups(self, words: Iterable[str]) -> bool:
        """Whether _Pieces would score one piece with these words over at most
        PRUNE_ABOVE_POSTINGS groups and postings: then it is the cheaper way (a
        small FAQ), otherwise the pruned scoring of _score_words is."""
        held, postings, cells = 0, 0, 0
        for w in words:
            bit = self._common.get(w)
            if bit is None:
                postings += len(self._postings.get(w, ()))
            elif not held & bit:
                held |= bit
                cells += len(self._cells_by_bit.get(bit, ()))
        # The groups are no more than the cells they come from: derive them only
        # when that many are remembered (else it is a large FAQ: many groups).
        if cells > COMMON_GROUPS_KEPT or postings > PRUNE_ABOVE_POSTINGS:
            return False
        groups = self._common_groups(held) if held else ()
        return len(groups) + postings <= PRUNE_ABOVE_POSTINGS

    def _query_words_in_full(self, text: str) -> tuple[dict[str, float], float]:
        """_query_words_uncached for a text with a synonym phrase in it (the
        definition, which the word-by-word reading above follows)."""
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

    def _says_something_uncached(self, text: str) -> bool:
        """Whether a sentence has a content word (as typed, before corrections):
        bool(lexicon.content_words(text)), stopping at the first one."""
        tokens = words(text)
        i = 0
        while i < len(tokens):
            found, used = self.lexicon.read_at(tokens, i)
            if any(w not in STOP_WORDS for w in found):
                return True
            i += used
        return False

    # -- scoring ----------------------------------------------------------

    def score_entries(self, text: str) -> list[Candidate]:
        """Every entry sharing a word with the message, best first (ties in file
        order). In a message of several sentences an entry scores as the best
        of the whole message and each sentence, so that a greeting or a story
        around the question does not drown it."""
        text = text[:MAX_READ_CHARS]
        best = dict(self._score(text))
        sentences = _sentences(text)
        if len(sentences) > 1:
            for sentence in sentences:
                for idx, score in self._score(sentence).items():
                    score *= SENTENCE_FACTOR
                    if score > best.get(idx, -1.0):
                        best[idx] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        return [Candidate(self.entry_ids[i], round(s, 2)) for i, s in ranked]

    def _score_uncached(self, text: str) -> dict[int, float]:
        """Best score per group (entry index) for one piece of text. Read-only result."""
        known, unknown = self.query_words(text)
        q_total = sum(known.values()) + unknown
        if not known or q_total <= 0:
            return {}
        return self._top(self._score_words(known, q_total))

    def _top(self, best: dict[int, float]) -> dict[int, float]:
        # Only the leaders can matter: an entry in the final top k is in the top
        # k of the piece where it scored best. Keeping few keeps the cache small
        # and the sorting cheap however large the FAQ grows.
        keep = self.thresholds.max_candidates + 3
        if len(best) > keep:
            best = dict(heapq.nlargest(keep, best.items(), key=lambda kv: (kv[1], -kv[0])))
        return best

    def _postings_of(self, words: Iterable[str]) -> int:
        """How many postings (phrasings and bags) these words have."""
        postings, bags = self._postings, self._bag_postings
        return sum(len(postings.get(w, ())) + len(bags.get(w, ())) for w in words)

    def _score_words(self, known: dict[str, float], q_total: float) -> dict[int, float]:
        """Best score per group for these known words: every group sharing one of
        them when that is cheap, otherwise only the groups that can lead."""
        if self._postings_of(known) > PRUNE_ABOVE_POSTINGS:
            return self._score_leading(known, q_total)
        return self._score_all(known, q_total)

    def _score_all(self, known: dict[str, float], q_total: float) -> dict[int, float]:
        """Every group sharing a word with the message."""
        # Accumulate the shared weight per phrasing straight from the postings.
        shared: dict[int, float] = {}
        get = shared.get
        for w, weight in known.items():
            for pid in self._postings.get(w, ()):
                shared[pid] = get(pid, 0.0) + weight
        best: dict[int, float] = {}
        entry_of, factor_of = self._phrasing_entry, self._phrasing_factor
        qe = QUERY_COVERAGE_EXPONENT
        scale = 100.0 / q_total**qe
        for pid, weight in shared.items():
            score = scale * (weight**_POWER * factor_of[pid])
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
            score = scale * (BAG_FACTOR * weight**qe)
            if score > best.get(idx, -1.0):
                best[idx] = score
        return best

    def _score_leading(self, known: dict[str, float], q_total: float) -> dict[int, float]:
        """_score_words for words with long postings (a large FAQ), exact for the
        groups that can be among the `max_candidates + 3` kept.

        Words are taken from the shortest postings to the longest; each phrasing
        or bag met is scored in full (its shared weight summed in the message's
        word order, as the plain loop does). Once `keep` groups are scored, a
        phrasing or bag sharing only words not yet taken cannot score more than
        if it shared all of them and nothing else; when that bound is below the
        keep-th best score so far, the remaining postings are skipped: whatever
        they hold ranks below every group kept.
        """
        keep = self.thresholds.max_candidates + 3
        postings, bag_postings = self._postings, self._bag_postings
        phrasings, entry_of, total_of = self._phrasings, self._phrasing_entry, self._phrasing_total
        factor_of = self._phrasing_factor
        items = list(known.items())
        order = sorted(known, key=lambda w: len(postings.get(w, ())) + len(bag_postings.get(w, ())))
        rest = [0.0] * (len(order) + 1)  # weight of the words from order[j] on
        for j in range(len(order) - 1, -1, -1):
            rest[j] = rest[j + 1] + known[order[j]]
        qe, pe = QUERY_COVERAGE_EXPONENT, PHRASING_COVERAGE_EXPONENT
        scale = 100.0 / q_total**qe
        best: dict[int, float] = {}
        scored: set[int] = set()
        bagged: set[int] = set()

        def cutoff(r: float) -> tuple[float, float]:
            """The floor to reach, and the largest phrasing total that can reach it
            sharing at most weight r: r**qe * (r / total)**pe * scale >= floor."""
            if len(best) < keep:
                return -1.0, math.inf
            floor = heapq.nlargest(keep, best.values())[-1]
            ceiling = scale * r**qe * (1.0 + 1e-9)
            if floor <= 0.0 or ceiling < floor:
                return floor, -1.0 if ceiling < floor else math.inf
            return floor, r * (ceiling / floor) ** (1.0 / pe) * (1.0 + 1e-9)

        for j, w in enumerate(order):
            # Phrasings and bags not met yet share at most the words from w on
            # (weight r). Phrasings are numbered by decreasing total, so a posting
            # list read backwards goes from the best placed (smallest total) up.
            r = rest[j]
            floor, longest = cutoff(r)
            if longest < 0.0:
                break
            for pid in reversed(postings.get(w, ())):
                if pid in scored:
                    continue
                if total_of[pid] > longest:
                    break
                scored.add(pid)
                weights = phrasings[pid].weights
                shared = 0.0
                for v, weight in items:
                    if v in weights:
                        shared += weight
                score = scale * (shared**_POWER * factor_of[pid])
                entry = entry_of[pid]
                if score > best.get(entry, -1.0):
                    best[entry] = score
                    if longest == math.inf and len(best) >= keep:
                        floor, longest = cutoff(r)  # the floor is known from here on
            floor, _ = cutoff(r)
            if BAG_FACTOR * scale * r**qe * (1.0 + 1e-9) < floor:
                continue
            for idx in bag_postings.get(w, ()):
                if idx in bagged:
                    continue
                bagged.add(idx)
                shared = 0.0
                for v, weight in items:
                    if _contains(bag_postings.get(v, ()), idx):
                        shared += weight
                score = scale * (BAG_FACTOR * shared**qe)
                if score > best.get(idx, -1.0):
                    best[idx] = score
        return best

    def _ceiling(self, text: str) -> float:
        """The highest score any entry can get from this text alone: every known
        word of the message shared with a phrasing made of nothing else."""
        known, unknown = self.query_words(text)
        weight = sum(known.values())
        if not known or weight + unknown <= 0:
            return 0.0
        ceiling: float = 100.0 * (weight / (weight + unknown)) ** QUERY_COVERAGE_EXPONENT
        # Margin for rounding: the scores sum the same weights in other orders.
        return ceiling * (1.0 + 1e-9) + 1e-9

    def _leaders(
        self, text: str, score_piece: Callable[[str], dict[int, float]] | None = None
    ) -> list[Candidate]:
        """The first `max_candidates + 1` of score_entries(text): all that `decide`
        reads (at most one of them is the out-of-scope pseudo entry). A sentence
        is scored only if it could lift an entry among them."""
        text = text[:MAX_READ_CHARS]
        size = self.thresholds.max_candidates + 1
        score_piece = score_piece or self._score
        best = dict(score_piece(text))
        sentences = _sentences(text)
        if len(sentences) > 1:
            for sentence in sentences:
                if len(best) >= size:
                    ceiling = SENTENCE_FACTOR * self._ceiling(sentence)
                    if (
                        ceiling < max(best.values())
                        and ceiling < heapq.nlargest(size, best.values())[-1]
                    ):
                        continue
                for idx, score in score_piece(sentence).items():
                    score *= SENTENCE_FACTOR
                    if score > best.get(idx, -1.0):
                        best[idx] = score
        return self._rank(best)

    def _rank(self, best: dict[int, float]) -> list[Candidate]:
        """The first `max_candidates + 1` entries by score, ties in file order."""
        size = self.thresholds.max_candidates + 1
        order = [(-score, idx) for idx, score in best.items()]
        # sorted() is one C call; a heap pays off only for long lists (a large FAQ).
        ranked = sorted(order)[:size] if len(order) <= 64 else heapq.nsmallest(size, order)
        return [Candidate(self.entry_ids[idx], round(-score, 2)) for score, idx in ranked]

    def _could_answer(self, part: str) -> bool:
        """False when no entry can reach the answer threshold for this part."""
        ceiling = self._ceiling(part[:MAX_READ_CHARS])
        sentences = _sentences(part[:MAX_READ_CHARS])
        if len(sentences) > 1:
            ceiling = max(ceiling, *(SENTENCE_FACTOR * self._ceiling(p) for p in sentences))
        # The evidence can lift a leader by its share, and answer any "did you
        # mean" (a leader at the clarify threshold); scores are rounded to two
        # decimals before the comparison.
        best = (1.0 - EVIDENCE_WEIGHT) * ceiling + 100.0 * EVIDENCE_WEIGHT
        return best >= self.thresholds.clarify - 0.005

    def _may_answer(self, leaders: Sequence[Candidate]) -> bool:
        """False when _judge cannot answer with these leaders: even a posterior of
        1 would not lift the first one to the clarify threshold (the blended
        score is rounded to two decimals)."""
        if not leaders:
            return False
        best = (1.0 - EVIDENCE_WEIGHT) * leaders[0].score + 100.0 * EVIDENCE_WEIGHT
        return best >= self.thresholds.clarify - 0.005

    def decide(self, ranked: Sequence[Candidate]) -> Match:
        th = self.thresholds
        entries = [c for c in ranked if c.entry_id != OUT_OF_SCOPE]
        if not ranked or ranked[0].score < th.clarify or ranked[0].entry_id == OUT_OF_SCOPE:
            # The score reported is always the best real entry's.
            top = entries[0].score if entries else 0.0
            return Match("fallback", top, tuple(entries[: th.max_candidates]))
        top = ranked[0].score
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if top >= th.answer and top - runner_up >= th.min_gap:
            return Match("answer", top, tuple(ranked[: th.max_candidates]))
        close = [c for c in entries if c.score >= th.clarify and top - c.score <= th.clarify_window]
        return Match("clarify", top, tuple(close[: th.max_candidates]))

    def _judge(self, text: str, leaders: list[Candidate]) -> Match:
        """decide() on the leaders with the word evidence's second opinion."""
        known = self.query_words(text[:MAX_READ_CHARS])[0]
        among = [self._index_of[c.entry_id] for c in leaders]
        posterior = self.evidence.posteriors(known, [*among, len(self.entry_ids) - 1])
        if not posterior or not leaders:
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
        if match.outcome == "clarify" and sure >= EVIDENCE_AGREE and first == picked:
            return Match("answer", match.score, match.candidates)
        if match.outcome == "answer" and sure >= EVIDENCE_DISAGREE and first != picked:
            entries = [c for c in match.candidates if c.entry_id != OUT_OF_SCOPE]
            return Match("clarify", match.score, tuple(entries[: self.thresholds.max_candidates]))
        return match

    def match(self, text: str) -> Match:
        return self._judge(text, self._leaders(text))

    def analyse(self, text: str) -> Analysis:
        """Decide for a message that may ask more than one question.

        When the message splits into parts ("...? and ...") that each get a
        confident answer for different entries, all of them are answered, the
        first as the main answer. Otherwise the whole message decides.
        Recent messages' decisions are remembered (they are immutable).
        """
        return self._analyse(text[:MAX_READ_CHARS])

    def _analyse_uncached(self, text: str) -> Analysis:
        and_splits = self._and_splits(text)
        score_piece = self._piece_scorer(self._pieces(text, and_splits))
        whole = self._judge(text, self._leaders(text, score_piece))
        return self._several(text, whole, and_splits, score_piece) or Analysis(whole)

    def _and_splits(self, text: str) -> list[list[str]]:
        """Where "and" may join two questions: the two parts at each seam."""
        return _and_splits(text)

    def _pieces(self, text: str, and_splits: list[list[str]]) -> list[str]:
        """The texts whose scores deciding this message may read: the whole, and
        if it has several, its sentences and the parts of its "and" splits."""
        if len(_sentences(text)) > 1 or and_splits:
            return [text, *_sentences(text), *(part for parts in and_splits for part in parts)]
        return [text]

    def _piece_scorer(self, pieces: list[str]) -> Callable[[str], dict[int, float]]:
        """Scores of the message's pieces derived from one pass over the postings
        (_Pieces), unless the postings are long (a large FAQ: each piece then
        scores only what can lead; one piece alone, unless few groups hold its
        words)."""
        words = dict.fromkeys(w for piece in pieces for w in self.query_words(piece)[0])
        if (
            words
            and self._postings_of(words) <= PIECES_UP_TO_POSTINGS
            and (len(pieces) > 1 or self._few_groups(words))
        ):
            return _Pieces(self, words).score
        return self._score

    def _several(
        self,
        text: str,
        whole: Match,
        and_splits: list[list[str]],
        score_piece: Callable[[str], dict[int, float]],
    ) -> Analysis | None:
        """The answers to a message's questions when its parts ask for different
        entries (and the whole message either is not answered outright or is
        answered with one of them), else None."""
        sentences = _sentences(text)
        if len(sentences) > 1:
            sentences = tuple(p for p in sentences if self._says_something(p))
        splits = [list(sentences)] if len(sentences) >= 2 else []
        splits.extend(and_splits)
        for parts in splits:
            # "why do people say magnesium" alone says too little; a part no entry
            # can be answered for is left out unscored, and so is a split with
            # fewer than two parts left.
            hopeful = [
                part
                for part in parts
                if sum(self.query_words(part)[0].values()) >= MIN_PART_WEIGHT
                and self._could_answer(part)
            ]
            if len(hopeful) < 2:
                continue
            answered: list[Match] = []
            for i, part in enumerate(hopeful):
                if len(answered) + len(hopeful) - i < 2:
                    break  # too few parts left for two answers
                leaders = self._leaders(part, score_piece)
                if not self._may_answer(leaders):
                    continue
                m = self._judge(part, leaders)
                if m.entry_id is not None and all(a.entry_id != m.entry_id for a in answered):
                    answered.append(m)
            if len(answered) < 2:
                continue
            # Answered in the order they were asked.
            ids = [a.entry_id for a in answered if a.entry_id]
            if whole.outcome != "answer" or whole.entry_id in ids:
                return Analysis(answered[0], tuple(ids[1:]))
        return None


class _Pieces:
    """Scores of the pieces of one message (the whole, its sentences, the parts of
    its "and" splits), all derived from one pass over the postings of the
    message's known words (for the most common words, from the groups of
    Matcher._common_groups instead of their long posting lists).

    The phrasings the message touches are grouped by entry and by which of the
    message's words they share; a piece's known words are a subset of those, so
    within a group every phrasing shares the same words with the piece, and the
    one with the smallest total weight scores best. A piece is then scored over
    the groups (tens) instead of the phrasings (hundreds), with the same
    arithmetic as Matcher._score (sums of weights are exact: _dyadic, so the
    pieces share them). A piece with a word the message as a whole lacks is
    scored the plain way.
    """

    def __init__(self, matcher: Matcher, words: Iterable[str]) -> None:
        self._matcher = matcher
        postings, common = matcher._postings, matcher._common
        entry_of = matcher._phrasing_entry
        # The common words keep their signature bits (Matcher._common), so that a
        # phrasing's signature is its mask over them; the others follow.
        self._bit: dict[str, int] = {}
        held = 0  # the signature bits of the common words the message holds
        shift = len(common)
        for w in words:
            if w not in self._bit:
                bit = common.get(w)
                if bit is None:
                    bit, shift = 1 << shift, shift + 1
                else:
                    held |= bit
                self._bit[w] = bit
        # Phrasings holding one of the message's other words, from their postings.
        masks: dict[int, int] = {}
        get = masks.get
        for w, bit in self._bit.items():
            if w not in common:
                for pid in postings.get(w, ()):
                    masks[pid] = get(pid, 0) | bit
        # For each (shared words, entry), the phrasing with the smallest total
        # weight: the highest number (phrasings are numbered by decreasing total).
        smallest: dict[int, int] = {}
        best_of = smallest.get
        signature_of = matcher._signature
        for pid, mask in masks.items():
            key = mask | signature_of[pid] & held | entry_of[pid] << shift
            if pid > best_of(key, -1):
                smallest[key] = pid
        full = (1 << shift) - 1
        factor_of = matcher._phrasing_factor
        self._groups: list[tuple[int, int, float]] = [
            (key & full, key >> shift, factor_of[pid]) for key, pid in smallest.items()
        ]
        # Phrasings with common words only: one group per cell of the same common
        # words and entry, from its best phrasing. That phrasing may hold another
        # of the message's words too; it then scores at least as much in its own
        # group above, so each entry's best score is the same.
        self._common = matcher._common_groups(held) if held else ()
        bags: dict[int, int] = {}
        for w, bit in self._bit.items():
            for idx in matcher._bag_postings.get(w, ()):
                bags[idx] = bags.get(idx, 0) | bit
        self._bags = [(mask, idx) for idx, mask in bags.items()]
        self._weight_by_bit = {bit: matcher.idf[w] for w, bit in self._bit.items()}
        self._summed: dict[int, float] = {}
        self._powered: dict[int, float] = {}
        self._scores: dict[str, dict[int, float]] = {}

    def _weight_of(self, shared: int) -> float:
        """The total weight of the message words whose bits are set (remembered)."""
        weight = self._summed.get(shared)
        if weight is None:
            weight, rest = 0.0, shared
            while rest:
                low = rest & -rest
                weight += self._weight_by_bit[low]
                rest ^= low
            self._summed[shared] = weight
        return weight

    def score(self, text: str) -> dict[int, float]:
        """Matcher._score(text) for a piece of this message, before it is cut to
        the leading entries."""
        scores = self._scores.get(text)
        if scores is None:
            scores = self._scores[text] = self._score(text)
        return scores

    def _score(self, text: str) -> dict[int, float]:
        matcher = self._matcher
        known, unknown = matcher.query_words(text)
        q_total = sum(known.values()) + unknown
        if not known or q_total <= 0:
            return {}
        query = 0
        for w in known:
            bit = self._bit.get(w)
            if bit is None:
                return matcher._score(text)
            query |= bit
        # Sums are exact (Matcher._dyadic): the shared weight of a set of the
        # message's words, and its power, are the same in every piece.
        powered, weight_of = self._powered, self._weight_of
        best: dict[int, float] = {}  # scores before the piece's scale
        powered_of, best_of = powered.get, best.get
        for mask, entry, factor in chain(self._common, self._groups):
            shared = mask & query
            if shared:
                value = powered_of(shared)
                if value is None:
                    value = powered[shared] = weight_of(shared) ** _POWER
                value *= factor
                if value > best_of(entry, -1.0):
                    best[entry] = value
        for mask, entry in self._bags:
            shared = mask & query
            if shared:
                value = BAG_FACTOR * weight_of(shared) ** QUERY_COVERAGE_EXPONENT
                if value > best.get(entry, -1.0):
                    best[entry] = value
        # The same as scaling each score: rounding keeps the order.
        scale = 100.0 / q_total**QUERY_COVERAGE_EXPONENT
        scores = {entry: scale * value for entry, value in best.items()}
        # Cut to the leaders like Matcher._score only when many (a large FAQ):
        # _leaders ranks them all the same, and the pieces are not kept.
        if len(scores) > 4 * (self._matcher.thresholds.max_candidates + 3):
            return self._matcher._top(scores)
        return scores


def _dyadic(weight: float) -> float:
    """The weight rounded to a multiple of 2^-36 (a change below 2e-11). Weights
    are below 2^5 (log(1 + n) for any FAQ of fewer than 10^13 entries) and a
    message read has at most 600 characters, fewer than 2^9 distinct words: any
    sum of weights is a multiple of 2^-36 below 2^14, which the 53 bits of a
    float hold exactly."""
    return round(weight * 2.0**36) / 2.0**36


def _contains(ordered: Sequence[int], value: int) -> bool:
    """Whether an ascending list holds the value (binary search)."""
    i = bisect.bisect_left(ordered, value)
    return i < len(ordered) and ordered[i] == value


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
