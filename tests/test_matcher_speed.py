"""The matcher's shortcuts score exactly like the plain definitions they replace:
deduplicated phrasings, the leaders-only ranking of `match`, a message's pieces
scored from one pass over the postings (phrasings of the most common words in
groups), words read from remembered readings, and splits left out when no part
can be answered."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from bot.content import Content
from bot.matcher import (
    _SENTENCE_SPLIT,
    BAG_FACTOR,
    MIN_PART_WEIGHT,
    PHRASING_COVERAGE_EXPONENT,
    QUERY_COVERAGE_EXPONENT,
    Analysis,
    Match,
    Matcher,
    _and_splits,
    _Pieces,
)
from bot.text import MAX_READ_CHARS, words

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def matcher(content: Content) -> Matcher:
    return Matcher(content)


@pytest.fixture(scope="module")
def messages() -> list[str]:
    texts: list[str] = []
    for path in sorted(DATA.glob("*.yaml")):
        texts += [str(item["text"]) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    # Two questions in one message, joined as people do.
    joined = [f"{a} and {b}" for a, b in zip(texts[::7], texts[3::7], strict=False)]
    joined += [f"{a}. {b}" for a, b in zip(texts[1::7], texts[5::7], strict=False)]
    return texts + joined


def _plain_scores(matcher: Matcher, content: Content, text: str) -> dict[int, float]:
    """Every phrasing of every entry (duplicates included), no index: the formula."""
    known, unknown = matcher.query_words(text)
    q_total = sum(known.values()) + unknown
    if not known or q_total <= 0:
        return {}
    qe, pe = QUERY_COVERAGE_EXPONENT, PHRASING_COVERAGE_EXPONENT
    scale = 100.0 / q_total**qe
    groups = [(e.phrasings, (e.question, *e.alternates, e.answer)) for e in content.entries]
    groups.append((content.out_of_scope, ()))
    best: dict[int, float] = {}
    for idx, (phrasings, curated) in enumerate(groups):
        for phrasing in phrasings:
            words = matcher.lexicon.content_words(phrasing)
            weights = {t: matcher.idf[t] for t in words}
            shared = 0.0
            for w, weight in known.items():
                if w in weights:
                    shared += weight
            if shared:
                score = scale * shared**qe * (shared / sum(weights.values())) ** pe
                best[idx] = max(best.get(idx, -1.0), score)
        bag = {t for c in curated for t in matcher.lexicon.content_words(c)}
        shared = 0.0
        for w, weight in known.items():
            if w in bag:
                shared += weight
        if shared:
            best[idx] = max(best.get(idx, -1.0), BAG_FACTOR * scale * shared**qe)
    return best


def test_deduplicated_phrasings_score_like_all_of_them(
    matcher: Matcher, content: Content, messages: list[str]
) -> None:
    everything = sum(len(e.phrasings) for e in content.entries) + len(content.out_of_scope)
    assert len(matcher._phrasings) < everything  # some were duplicates
    for text in messages[::5]:
        known, unknown = matcher.query_words(text)
        if not known:
            continue
        ours = matcher._score_all(known, sum(known.values()) + unknown)
        plain = _plain_scores(matcher, content, text)
        assert ours.keys() == plain.keys(), text
        for idx, score in plain.items():
            assert math.isclose(ours[idx], score, rel_tol=1e-12), text


def test_pieces_score_exactly_like_each_piece_alone(matcher: Matcher, messages: list[str]) -> None:
    for text in messages:
        text = text[:MAX_READ_CHARS]
        pieces = [p for p in _SENTENCE_SPLIT.split(text) if p.strip()]
        pieces += [text, *(part for parts in _and_splits(text) for part in parts)]
        scorer = _Pieces(matcher, (w for p in pieces for w in matcher.query_words(p)[0]))
        for piece in pieces:
            assert matcher._top(scorer.score(piece)) == matcher._score(piece), piece


def test_word_by_word_reading_equals_the_definition(
    content: Content, messages: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """query_words reads a message word by word from remembered readings,
    comparing the next words where a synonym phrase may begin; it agrees with
    the definition, also after the memo of readings was emptied for being full."""
    monkeypatch.setattr("bot.matcher.MEMO_SIZE", 300)
    matcher = Matcher(content)
    phrases = [" ".join(key) for key in matcher.lexicon._table if len(key) > 1]
    texts = messages + [f"{t} {p}" for t, p in zip(messages, phrases * 50, strict=False)]
    full = 0
    for text in texts:
        read = matcher._query_words_uncached(text)
        assert read == matcher._query_words_in_full(text), text
        assert list(read[0]) == list(matcher._query_words_in_full(text)[0]), text  # same order
        full += any(matcher._read(t) is None for t in words(text))
    assert full > 100  # where phrases may begin
    assert 0 < len(matcher._readings) <= 300


def test_says_something_stops_at_the_first_content_word(
    matcher: Matcher, messages: list[str]
) -> None:
    pieces = [p for text in messages for p in _SENTENCE_SPLIT.split(text)]
    pieces += ["", "   ", "and the", "is it", "thanks a lot", "very low magnesium"]
    for piece in pieces:
        expected = bool(matcher.lexicon.content_words(piece))
        assert matcher._says_something_uncached(piece) is expected, piece


def test_pieces_fall_back_for_words_the_message_lacks(matcher: Matcher) -> None:
    scorer = _Pieces(matcher, matcher.query_words("magnesium foods")[0])
    text = "lip twitching and magnesium"
    assert matcher._top(scorer.score(text)) == matcher._score(text)


def _plain_match(matcher: Matcher, text: str) -> Match:
    """The leaders of the full ranking, judged with the word evidence."""
    leaders = matcher.score_entries(text)[: matcher.thresholds.max_candidates + 1]
    return matcher._judge(text, leaders)


def test_match_decides_on_the_full_ranking(matcher: Matcher, messages: list[str]) -> None:
    for text in messages:
        assert matcher.match(text) == _plain_match(matcher, text), text


def _plain_analyse(matcher: Matcher, text: str) -> Analysis:
    """Matcher.analyse as first written: every split, every part, full rankings."""
    text = text[:MAX_READ_CHARS]
    whole = _plain_match(matcher, text)
    sentences = [p for p in _SENTENCE_SPLIT.split(text) if matcher.lexicon.content_words(p)]
    splits = [sentences] if len(sentences) >= 2 else []
    splits.extend(_and_splits(text))
    for parts in splits:
        answered: list[Match] = []
        for part in parts:
            if sum(matcher.query_words(part)[0].values()) < MIN_PART_WEIGHT:
                continue
            m = _plain_match(matcher, part)
            if m.entry_id is not None and all(a.entry_id != m.entry_id for a in answered):
                answered.append(m)
        if len(answered) < 2:
            continue
        ids = [a.entry_id for a in answered if a.entry_id]
        if whole.outcome != "answer" or whole.entry_id in ids:
            return Analysis(answered[0], tuple(ids[1:]))
    return Analysis(whole)


def test_analyse_decides_like_trying_every_split(matcher: Matcher, messages: list[str]) -> None:
    several = 0
    for text in messages:
        analysis = matcher.analyse(text)
        assert analysis == _plain_analyse(matcher, text), text
        several += bool(analysis.also)
    assert several > 10  # the sets hold two-question messages


@pytest.fixture(scope="module")
def large(content: Content) -> tuple[Matcher, list[str]]:
    """A synthetic FAQ of 1,000 entries (bench/synthetic.py) and queries for it."""
    from bench.synthetic import synthetic_faq, synthetic_queries

    faq = synthetic_faq(content, 1000)
    return Matcher(faq.content), [q.text for q in synthetic_queries(faq, 600)]


def test_long_postings_keep_the_same_leaders(large: tuple[Matcher, list[str]]) -> None:
    matcher, queries = large
    pruned = 0
    for text in queries:
        known, unknown = matcher.query_words(text)
        if not known:
            continue
        q_total = sum(known.values()) + unknown
        leading = matcher._score_leading(known, q_total)
        everything = matcher._score_all(known, q_total)
        assert matcher._top(leading) == matcher._top(everything), text
        pruned += len(leading) < len(everything)
    assert pruned > 100  # the bound does skip postings


def test_leaders_on_the_real_faq_too(matcher: Matcher, messages: list[str]) -> None:
    for text in messages[::3]:
        known, unknown = matcher.query_words(text)
        if known:
            q_total = sum(known.values()) + unknown
            leading = matcher._score_leading(known, q_total)
            assert matcher._top(leading) == matcher._top(matcher._score_all(known, q_total))


def test_pieces_of_a_large_faq_score_like_each_piece_alone(
    large: tuple[Matcher, list[str]],
) -> None:
    """On 1,000 entries the common words' groups are many (not remembered) and
    dominated groups are dropped: every piece still scores as alone."""
    matcher, queries = large
    joined = [
        f"{a}. {b} and {c}" for a, b, c in zip(queries, queries[1:], queries[2:], strict=False)
    ]
    grouped = 0
    for text in joined[::3]:
        pieces = matcher._pieces(text, matcher._and_splits(text))
        words = dict.fromkeys(w for p in pieces for w in matcher.query_words(p)[0])
        scorer = _Pieces(matcher, words)
        grouped += bool(scorer._common)
        for piece in pieces:
            assert matcher._top(scorer.score(piece)) == matcher._score(piece), piece
    assert grouped > 50
