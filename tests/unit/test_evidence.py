"""The word-evidence model the matcher asks for a second opinion."""

from __future__ import annotations

import pytest

from bot.evidence import WordEvidence, most_likely

FOODS = [["food", "rich", "magnesium"], ["eat", "spinach", "nut"], ["seed", "magnesium", "eat"]]
DOCTOR = [["see", "doctor"], ["doctor", "twitch", "week"], ["gp", "worri", "twitch"]]
OUT = [["sleep", "magnesium"], ["vitamin", "d"]]


@pytest.fixture
def model() -> WordEvidence:
    return WordEvidence([FOODS, DOCTOR, OUT])


def pick(
    model: WordEvidence, words: list[str], among: list[int] | range
) -> tuple[int, float] | None:
    posteriors = model.posteriors(words, among)
    return most_likely(posteriors) if posteriors else None


def test_most_words_pointing_one_way_win_with_confidence(model: WordEvidence) -> None:
    best = pick(model, ["eat", "nut", "magnesium", "week"], range(3))
    assert best is not None
    group, p = best
    assert group == 0
    assert 0.7 < p < 1.0  # "week" is the doctor's word: not certain


def test_a_word_no_group_knows_does_not_veto(model: WordEvidence) -> None:
    best = pick(model, ["doctor", "twitch", "zzz"], range(3))
    assert best is not None
    assert best[0] == 1


def test_only_the_groups_asked_about_compete(model: WordEvidence) -> None:
    best = pick(model, ["doctor", "twitch"], [0, 2])
    assert best is not None
    assert best[0] in (0, 2)
    everywhere = pick(model, ["doctor", "twitch"], range(3))
    assert everywhere is not None
    assert everywhere[0] == 1


def test_posterior_is_a_probability_over_the_groups_asked(model: WordEvidence) -> None:
    one = pick(model, ["sleep"], [2])
    assert one == (2, 1.0)


def test_nothing_to_judge_gives_no_opinion(model: WordEvidence) -> None:
    assert model.posteriors([], range(3)) == {}
    assert model.posteriors(["doctor"], []) == {}


def test_ties_go_to_the_earlier_group() -> None:
    twins = WordEvidence([[["lip"]], [["lip"]]])
    posteriors = twins.posteriors(["lip"], [1, 0])
    assert posteriors == {0: pytest.approx(0.5), 1: pytest.approx(0.5)}
    assert most_likely(posteriors)[0] == 0
