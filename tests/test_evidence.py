"""The word-evidence model the matcher asks for a second opinion."""

from __future__ import annotations

import pytest

from bot.evidence import WordEvidence

FOODS = [["food", "rich", "magnesium"], ["eat", "spinach", "nut"], ["seed", "magnesium", "eat"]]
DOCTOR = [["see", "doctor"], ["doctor", "twitch", "week"], ["gp", "worri", "twitch"]]
OUT = [["sleep", "magnesium"], ["vitamin", "d"]]


@pytest.fixture
def model() -> WordEvidence:
    return WordEvidence([FOODS, DOCTOR, OUT])


def test_most_words_pointing_one_way_win_with_confidence(model: WordEvidence) -> None:
    best = model.best(["eat", "nut", "magnesium", "week"], range(3))
    assert best is not None
    group, p = best
    assert group == 0
    assert 0.7 < p < 1.0  # "week" is the doctor's word: not certain


def test_a_word_no_group_knows_does_not_veto(model: WordEvidence) -> None:
    best = model.best(["doctor", "twitch", "zzz"], range(3))
    assert best is not None
    assert best[0] == 1


def test_only_the_groups_asked_about_compete(model: WordEvidence) -> None:
    best = model.best(["doctor", "twitch"], [0, 2])
    assert best is not None
    assert best[0] in (0, 2)
    everywhere = model.best(["doctor", "twitch"], range(3))
    assert everywhere is not None
    assert everywhere[0] == 1


def test_posterior_is_a_probability_over_the_groups_asked(model: WordEvidence) -> None:
    one = model.best(["sleep"], [2])
    assert one == (2, 1.0)


def test_nothing_to_judge_gives_no_opinion(model: WordEvidence) -> None:
    assert model.best([], range(3)) is None
    assert model.best(["doctor"], []) is None


def test_ties_go_to_the_earlier_group() -> None:
    twins = WordEvidence([[["lip"]], [["lip"]]])
    best = twins.best(["lip"], [1, 0])
    assert best is not None
    assert best[0] == 0
    assert best[1] == pytest.approx(0.5)
