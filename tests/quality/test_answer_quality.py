"""Answer quality on the labelled sets, as `faqbot eval` and `faqbot cv` measure it.

Real wording comes first: real-questions.yaml and real-dev*.yaml hold questions
people typed (their wording is in faq-phrasings.yaml, so they are measured by
10-fold cross-validation grouped by source), and real-final2.yaml, their frozen
twin, is measured by the lead after a round of changes. The annotators' sets,
written from the article, are the second check: eval-tune and eval-dev* are tuning sets (their wording is in
faq-phrasings.yaml); eval-test and eval-holdout were never tuned on or pasted in;
in the end they chose between a few configurations (docs/quality.md), so the
unseen figure is eval-final-*, written last. The floors below are the figures
measured in docs/quality.md less a small margin: they guard against content or
matcher changes that make answers worse.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from bot import evaluation
from bot.brain import Brain
from bot.content import Content
from bot.text import normalize
from tests.support import ROOT

DATA = ROOT / "tests" / "data"


def _report(brain: Brain, content: Content, name: str) -> evaluation.Report:
    ids = [e.id for e in content.entries]
    items = evaluation.load_labelled(DATA / name, set(ids))
    return evaluation.summarize(evaluation.run(brain, items), ids)


@pytest.mark.parametrize("name", ["eval-tune.yaml", "eval-dev.yaml"])
def test_tuned_splits_keep_their_quality(brain: Brain, content: Content, name: str) -> None:
    report = _report(brain, content, name)
    assert report.answered_right >= 80.0
    assert report.wrong_answer <= 3.0
    assert report.off_topic_false_answer <= 5.0
    assert report.red_flag_recall == 100.0
    assert report.small_talk_right >= 90.0
    assert report.in_scope_false_emergency == 0.0


TUNING = [
    "eval-tune.yaml",
    "eval-dev.yaml",
    "eval-dev2.yaml",
    "eval-dev3.yaml",
    "eval-dev4.yaml",
    "eval-dev5.yaml",
    "eval-dev6.yaml",
    "eval-dev7.yaml",
    "eval-dev8.yaml",
]


def _patterns_only(content: Content) -> Content:
    """The content without its red flags, so that no fold trains the emergency
    detector's learned opinion (a second per fold): these tests measure answers,
    and their red flags are all found by the patterns. The opinion is measured on
    the red-flag sets (tests/unit/test_safety.py)."""
    return replace(content, red_flags=())


def _tuning_sets(content: Content) -> dict[str, list[evaluation.LabelledItem]]:
    ids = {e.id for e in content.entries}
    return {name: evaluation.load_labelled(DATA / name, ids) for name in TUNING}


def test_a_held_out_set_is_really_held_out(content: Content) -> None:
    sets = _tuning_sets(content)
    held_out = sets.pop("eval-dev6.yaml")
    others = [i for rest in sets.values() for i in rest]
    fold = evaluation.without_and_with(content, held_out, others)
    known = {normalize(p) for e in fold.entries for p in e.examples} | {
        normalize(p) for p in fold.out_of_scope
    }
    # (a message another set also holds comes back with that set)
    assert not known & ({normalize(i.text) for i in held_out} - {normalize(i.text) for i in others})
    assert {normalize(i.text) for i in others if i.in_scope and not i.also} <= known
    # The hand-written alternates are content, not labelled data: kept.
    assert [e.alternates for e in fold.entries] == [e.alternates for e in content.entries]


def test_content_generalises_to_wording_it_was_not_given(content: Content) -> None:
    """Leave-one-set-out over the tuning sets (`faqbot cv`): the figure that
    predicts how the bot does on new users' wording, unlike an eval of sets
    whose messages are already in faq.yaml."""
    per_set, overall = evaluation.cross_validate(_patterns_only(content), _tuning_sets(content))
    # 87.5 / 94.8 / 2.8 / 3.1 before the 2,153 real messages of real-dev2..11
    # went into faq-phrasings.yaml; 83.9 / 91.9 / 4.0 / 3.0 with them (docs/quality.md).
    assert overall.answered_right >= 83.0
    assert overall.answered_right + overall.clarified_right >= 91.0
    assert overall.wrong_answer <= 4.5
    assert overall.off_topic_false_answer <= 4.0
    assert overall.red_flag_recall == 100.0
    assert all(r.red_flag_recall == 100.0 for r in per_set.values())


REAL = [
    "real-questions.yaml",
    "real-final.yaml",  # frozen until round 4, a tuning set since
    *sorted(p.name for p in DATA.glob("real-dev*.yaml")),
]


def test_real_wording_is_answered_by_folds_of_content_that_was_not_given_it(
    content: Content,
) -> None:
    """10-fold cross-validation over the questions people typed, grouped by
    source (`make cv`): the predictor of the frozen real-final2.yaml and of new
    users."""
    ids = {e.id for e in content.entries}
    sets = {name: evaluation.load_labelled(DATA / name, ids) for name in REAL}
    _, overall = evaluation.cross_validate(_patterns_only(content), sets, folds=10)
    # Over the fifteen real tuning sets of round 4 (1,913 in scope): 65.0 / 85.8 /
    # 3.1 / 4.5; with round 12's real-dev16 (1,979 in scope) at the round's end,
    # 65.7 / 87.0 / 2.7 / 4.7 (docs/quality.md).
    assert overall.answered_right >= 65.0
    assert overall.answered_right + overall.clarified_right >= 86.5
    assert overall.wrong_answer <= 3.0
    assert overall.off_topic_false_answer <= 5.0


def test_folds_never_split_a_site_or_dataset(content: Content) -> None:
    # One page's headings and one dataset's phrasing resemble each other: were
    # they on both sides of a fold, the figure would flatter the bot.
    ids = {e.id for e in content.entries}
    items = [i for name in REAL for i in evaluation.load_labelled(DATA / name, ids)]
    fold_of = evaluation.grouped_folds(items, 10)
    folds_of_group: dict[str, set[int]] = {}
    for item, fold in zip(items, fold_of, strict=True):
        folds_of_group.setdefault(evaluation.source_group(item), set()).add(fold)
    assert all(len(f) == 1 for f in folds_of_group.values())
    assert len(set(fold_of)) == 10
    sizes = [fold_of.count(f) for f in range(10)]
    assert max(sizes) - min(sizes) <= 10
    # A site is its host, a dataset its name, whatever page or item it is.
    a, b = (
        evaluation.LabelledItem("x", "foods", source="https://www.drberg.com/a"),
        evaluation.LabelledItem("y", "foods", source="https://drberg.com/b?q=1"),
    )
    assert evaluation.source_group(a) == evaluation.source_group(b) == "drberg.com"
    c = evaluation.LabelledItem("z", "foods", source="HealthSearchQA (shr7q/MedQA #3)")
    assert evaluation.source_group(c) == "HealthSearchQA"
    # (Red flags in real wording are the emergency detector's to catch: its own
    # sets and tests measure them.)


def test_folds_answer_every_message_with_content_that_was_not_given_it(
    brain: Brain, content: Content
) -> None:
    ids = {e.id for e in content.entries}
    items = evaluation.load_labelled(DATA / "real-dev.yaml", ids)
    per_set, overall = evaluation.cross_validate(
        _patterns_only(content), {"real-dev.yaml": items}, folds=3
    )
    assert per_set["real-dev.yaml"].total == overall.total == len(items)
    # Its wording is in faq-phrasings.yaml: a plain eval looks most of it up.
    looked_up = evaluation.summarize(evaluation.run(brain, items), sorted(ids))
    assert looked_up.answered_right > overall.answered_right + 10.0


# The frozen real splits, each with its floors: answered right, right or
# clarified, wrong at most, off-topic answered at most. real-final.yaml was one
# until round 3 (answered right 64.3 / 63.6 / 72.9 % after rounds 1, 2 and 3) and
# is a tuning set since. real-final2.yaml (238 messages from a third of round
# 4's sites, split off before any of round 4's wording went into
# faq-phrasings.yaml) measured 46.5 / 73.2 / 7.0 / 6.4 before that wording went
# in and 46.5 / 77.9 / 4.7 / 5.0 at the end of round 4. real-final3.yaml (107
# messages from half of round 12's sites, split off before any change was tuned
# on them) measured 75.9 / 88.0 / 5.2 / 4.8 at the start of round 12 (2791d1f)
# and 75.9 / 91.4 / 5.2 / 4.8 at its end (round 12's wording was not pasted).
# Issue 11's floor (80 % / 93 % / <= 3 % / <= 5 %) is met for off-topic answers
# only; these floors keep the bot from getting worse (docs/quality.md).
FROZEN_REAL_FLOORS = {
    "real-final2.yaml": (46.0, 77.5, 5.0, 5.5),
    "real-final3.yaml": (75.0, 91.0, 5.5, 5.0),
}


@pytest.mark.parametrize("name", list(FROZEN_REAL_FLOORS))
def test_frozen_real_split(brain: Brain, content: Content, name: str) -> None:
    report = _report(brain, content, name)
    answered, right_or_clarified, wrong, off_topic = FROZEN_REAL_FLOORS[name]
    assert report.red_flag_recall == 100.0
    assert report.answered_right >= answered
    assert report.answered_right + report.clarified_right >= right_or_clarified
    assert report.wrong_answer <= wrong
    assert report.off_topic_false_answer <= off_topic


# The annotators' frozen splits with each one's floors: answered right, right or
# clarified, wrong at most, off-topic answered at most. Measured at the end of
# round 4 (docs/quality.md): eval-test 85.6 / 91.5 / 5.1 / 9.8, eval-holdout
# 84.8 / 89.3 / 6.1 / 2.6, eval-final-a 84.0 / 90.4 / 5.1 / 3.3, eval-final-b
# 87.8 / 93.6 / 2.6 / 0.0. Round 4's real wording cost them one to four points
# of right-or-clarified and eval-test three more off-topic answers (of 82).
FROZEN_FLOORS = {
    "eval-test.yaml": (85.0, 91.0, 6.0, 10.0),
    "eval-holdout.yaml": (84.0, 89.0, 6.5, 5.5),
    "eval-final-a.yaml": (83.5, 90.0, 6.0, 5.5),
    "eval-final-b.yaml": (87.0, 93.0, 3.5, 3.5),
}
FROZEN = list(FROZEN_FLOORS)


@pytest.mark.parametrize("name", FROZEN)
def test_frozen_split_never_misses_an_emergency_or_answers_off_topic(
    brain: Brain, content: Content, name: str
) -> None:
    report = _report(brain, content, name)
    answered, right_or_clarified, wrong, off_topic = FROZEN_FLOORS[name]
    assert report.red_flag_recall == 100.0
    # Deciding instead of asking back costs a few wrong answers (docs/quality.md).
    assert report.off_topic_false_answer <= off_topic
    assert report.wrong_answer <= wrong
    # The right entry is answered or offered as a "did you mean" button.
    assert report.answered_right + report.clarified_right >= right_or_clarified
    assert report.answered_right >= answered


@pytest.mark.parametrize(
    "name",
    [
        *FROZEN,
        *FROZEN_REAL_FLOORS,
        "redflags-real-final2.yaml",
        "redflags-real-final3.yaml",
        "redflags-real-final4.yaml",
        "redflags-real-final5.yaml",
        "redflags-real-final6.yaml",
        "redflags-real-final7.yaml",
        "redflags-real-final8.yaml",
    ],
)
def test_frozen_split_is_not_copied_into_content(content: Content, name: str) -> None:
    if not (DATA / name).exists():
        pytest.skip(f"{name} is not here yet")
    # Real user wording enters faq.yaml as examples and out-of-scope messages
    # from the tuning sets only. Short messages written independently can still
    # coincide ("magnesium rda"); those are kept out too, so that a frozen
    # figure is never an exact-match lookup.
    items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    learned = {normalize(p) for e in content.entries for p in e.examples}
    learned |= {normalize(p) for p in (*content.out_of_scope, *content.red_flags)}
    learned |= {normalize(p) for p in content.calm_mentions}
    copied = [i["text"] for i in items if normalize(i["text"]) in learned]
    assert copied == []


def test_frozen_test_split_is_not_in_the_hand_written_phrasings(content: Content) -> None:
    # eval-holdout.yaml was written after faq.yaml by an annotator who never saw
    # it; common wordings naturally occur in both, so only the older split can
    # be checked against the alternates.
    items = yaml.safe_load((DATA / "eval-test.yaml").read_text(encoding="utf-8"))
    phrasings = {p.lower().strip() for e in content.entries for p in e.phrasings}
    phrasings |= {p.lower().strip() for p in content.out_of_scope}
    copied = [i["text"] for i in items if i["text"].lower().strip() in phrasings]
    assert copied == []


def test_independent_red_flag_set(brain: Brain) -> None:
    items = yaml.safe_load(Path(DATA / "redflags-extra.yaml").read_text(encoding="utf-8"))
    # The full advice, or for the writer's own fainting told after the fact the
    # NHS's after-fainting line (tests/unit/test_safety.py).
    after_fainting = brain.content.emergency.after_fainting
    missed = [
        i["text"]
        for i in items
        if i["expect"] == "emergency"
        and brain.on_text({}, i["text"]).kind != "emergency"
        and brain.on_text({}, i["text"]).sections[0].text != after_fainting
    ]
    false_alarms = [
        i["text"]
        for i in items
        if i["expect"] != "emergency" and brain.on_text({}, i["text"]).kind == "emergency"
    ]
    assert missed == []
    assert false_alarms == []
