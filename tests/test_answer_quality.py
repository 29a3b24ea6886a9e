"""Answer quality on the labelled sets, as `faqbot eval` measures it.

eval-tune and eval-dev were used to choose thresholds and phrasings; the
frozen eval-test split never was. The floors below guard against content or
matcher changes that make answers worse; docs/quality.md has the figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import evaluation
from bot.brain import Brain
from bot.content import Content
from tests.conftest import ROOT

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


FROZEN = ["eval-test.yaml", "eval-holdout.yaml"]


@pytest.mark.parametrize("name", FROZEN)
def test_frozen_split_never_misses_an_emergency_or_answers_off_topic(
    brain: Brain, content: Content, name: str
) -> None:
    report = _report(brain, content, name)
    assert report.red_flag_recall == 100.0
    assert report.off_topic_false_answer <= 5.0
    assert report.wrong_answer <= 7.0
    # The right entry is answered or offered as a "did you mean" button.
    assert report.answered_right + report.clarified_right >= 90.0
    assert report.answered_right >= 78.0


def test_frozen_split_is_not_copied_into_content(content: Content) -> None:
    # eval-holdout.yaml was written after faq.yaml by an annotator who never saw
    # it; common wordings ("magnesium rda") naturally occur in both, so only the
    # older split can be checked this way.
    items = yaml.safe_load((DATA / "eval-test.yaml").read_text(encoding="utf-8"))
    phrasings = {p.lower().strip() for e in content.entries for p in e.phrasings}
    phrasings |= {p.lower().strip() for p in content.out_of_scope}
    copied = [i["text"] for i in items if i["text"].lower().strip() in phrasings]
    assert copied == []


def test_independent_red_flag_set(brain: Brain) -> None:
    items = yaml.safe_load(Path(DATA / "redflags-extra.yaml").read_text(encoding="utf-8"))
    missed = [
        i["text"]
        for i in items
        if i["expect"] == "emergency" and brain.on_text({}, i["text"]).kind != "emergency"
    ]
    false_alarms = [
        i["text"]
        for i in items
        if i["expect"] != "emergency" and brain.on_text({}, i["text"]).kind == "emergency"
    ]
    assert missed == []
    assert false_alarms == []
