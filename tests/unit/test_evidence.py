"""The learned classifier the matcher asks for a second opinion."""

from __future__ import annotations

import pytest

from bot.evidence import PhrasingClassifier, features, most_likely

FOODS = [["food", "rich", "magnesium"], ["eat", "spinach", "nut"], ["seed", "magnesium", "eat"]]
DOCTOR = [["see", "doctor"], ["doctor", "twitching", "week"], ["gp", "worried", "twitching"]]
OUT = [["sleep", "magnesium"], ["vitamin", "d"]]


@pytest.fixture
def model() -> PhrasingClassifier:
    return PhrasingClassifier([FOODS, DOCTOR, OUT])


def pick(
    model: PhrasingClassifier, words: list[str], among: list[int] | range
) -> tuple[int, float] | None:
    posteriors = model.posteriors(words, among)
    return most_likely(posteriors) if posteriors else None


def test_features_are_words_word_pairs_and_letter_sequences() -> None:
    found = features(["lip", "twitch"])
    assert {"w lip", "w twitch", "b lip twitch", "<li", "lip>", "<twi", "itch>"} <= set(found)
    assert len(found) == len(set(found))


def test_most_words_pointing_one_way_win(model: PhrasingClassifier) -> None:
    best = pick(model, ["eat", "nut", "magnesium", "week"], range(3))
    assert best is not None
    assert best[0] == 0


def test_a_spelling_no_phrasing_has_still_counts_by_its_letters(
    model: PhrasingClassifier,
) -> None:
    # "twitchin" is no word of any phrasing; its letters are the doctor group's.
    best = pick(model, ["twitchin"], range(3))
    assert best is not None
    assert best[0] == 1


def test_only_the_groups_asked_about_compete(model: PhrasingClassifier) -> None:
    best = pick(model, ["doctor", "twitching"], [0, 2])
    assert best is not None
    assert best[0] in (0, 2)
    everywhere = pick(model, ["doctor", "twitching"], range(3))
    assert everywhere is not None
    assert everywhere[0] == 1


def test_posteriors_are_probabilities_over_the_groups_asked(model: PhrasingClassifier) -> None:
    posteriors = model.posteriors(["sleep", "doctor"], range(3))
    assert set(posteriors) == {0, 1, 2}
    assert sum(posteriors.values()) == pytest.approx(1.0)
    assert pick(model, ["sleep"], [2]) == (2, 1.0)


def test_nothing_to_judge_gives_no_opinion(model: PhrasingClassifier) -> None:
    assert model.posteriors([], range(3)) == {}
    assert model.posteriors(["doctor"], []) == {}


def test_ties_go_to_the_earlier_group() -> None:
    twins = PhrasingClassifier([[["lip"]], [["lip"]]])
    posteriors = twins.posteriors(["zzz"], [1, 0])
    assert posteriors == {0: pytest.approx(0.5), 1: pytest.approx(0.5)}
    assert most_likely(posteriors)[0] == 0
