"""The anonymous event store, the operator's report and the eval chart."""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from pathlib import Path

import pytest

from bot import report
from bot.brain import Brain
from bot.events import DAY, EventStore
from tests.support.cli import faqbot

NOW = 1_790_000_000.0  # a fixed moment, so the tests do not depend on the clock


def store_at(tmp_path: Path, retention: int = 30) -> EventStore:
    return EventStore(tmp_path / "events.sqlite3", retention)


def test_text_is_kept_only_for_unanswered_questions(tmp_path: Path, brain: Brain) -> None:
    store = store_at(tmp_path)
    for message in ("which foods have magnesium", "magnesium for sleep", "zzz qqq", "twitch", "hi"):
        store.record(brain.on_text({}, message), message, now=NOW)
    rows = store.questions(0, NOW + 1)
    kept = {r.outcome: r.text for r in rows}
    assert kept["answer"] is None
    assert kept["smalltalk"] is None
    assert kept["fallback"] is not None
    assert kept["clarify"] == "twitch"
    assert {r.entry for r in rows if r.outcome == "answer"} == {"foods"}


def test_no_user_or_chat_id_can_reach_the_store(tmp_path: Path, brain: Brain) -> None:
    store = store_at(tmp_path)
    store.record(brain.on_text({}, "zzz 123456789"), "zzz qqq", now=NOW)
    store.feedback("foods", "down", now=NOW)
    with sqlite3.connect(store.path) as db:
        columns = {
            table: [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            for table in ("questions", "feedback")
        }
    assert columns == {
        "questions": ["hour", "outcome", "entry", "score", "text"],
        "feedback": ["hour", "entry", "vote"],
    }
    # Times are rounded to the hour, so rows cannot be lined up with messages.
    assert all(r.hour % 3600 == 0 for r in store.questions(0, NOW + 1))


def test_navigation_is_not_counted_as_a_question(tmp_path: Path, brain: Brain) -> None:
    store = store_at(tmp_path)
    store.record(brain.topics(), "", now=NOW)
    store.record(brain.menu(), "", now=NOW)
    assert store.questions(0, NOW + 1) == []


def test_retention_deletes_old_rows(tmp_path: Path, brain: Brain) -> None:
    store = store_at(tmp_path, retention=30)
    reply = brain.on_text({}, "zzz qqq")
    store.record(reply, "old", now=NOW - 31 * DAY)
    store.record(reply, "recent", now=NOW - 29 * DAY)
    store.feedback("foods", "up", now=NOW - 40 * DAY)
    store.feedback("foods", "up", now=NOW - 1 * DAY)
    assert store.purge(now=NOW) == 2
    assert [r.text for r in store.questions(0, NOW)] == ["recent"]
    assert len(store.feedback_rows(0, NOW)) == 1


def test_the_start_up_purge_logs_its_count(
    tmp_path: Path, brain: Brain, caplog: pytest.LogCaptureFixture
) -> None:
    store = store_at(tmp_path, retention=30)
    store.record(brain.on_text({}, "zzz qqq"), "old", now=time.time() - 31 * DAY)
    store.feedback("foods", "up", now=time.time() - 40 * DAY)
    store.close()
    with caplog.at_level(logging.INFO, logger="bot.events"):
        store_at(tmp_path, retention=30).close()
    assert [r.getMessage() for r in caplog.records] == [
        "deleted 2 events past the retention period"
    ]


def test_bad_votes_and_retention_are_refused(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    with pytest.raises(ValueError, match="vote"):
        store.feedback("foods", "meh")
    with pytest.raises(ValueError, match="retention"):
        EventStore(tmp_path / "x.sqlite3", 0)


def test_unanswered_questions_are_grouped_by_similarity(tmp_path: Path, brain: Brain) -> None:
    store = store_at(tmp_path)
    sleep = [
        "magnesium for sleep",
        "Magnesium for sleep?",
        "does magnesium help sleep",
        "magnesium sleep",
        "mg for sleep",
        "magnesium to sleep better",
        "sleep magnesium",
        "magnesium before sleep",
        "is magnesium good for sleep",
        "magnesium for sleeping",
        "magnesium and sleep",
        "magnesium for better sleep",
    ]
    other = ["best football team", "weather tomorrow"]
    for text in sleep + other:
        store.record(brain.on_text({}, text), text, now=NOW)
    store.record(brain.on_text({}, "which foods have magnesium"), "x", now=NOW)
    store.feedback("foods", "down", now=NOW)
    store.feedback("foods", "down", now=NOW)
    store.feedback("cause", "up", now=NOW)
    result = report.build_report(store, brain.matcher, brain.content, NOW - DAY, NOW + 1)
    assert result.unanswered[0].count == len(sleep)
    assert len(result.unanswered) == 1 + len(other)
    assert result.top_entries == [("foods", 1)]
    assert result.most_disliked == [("foods", 0, 2)]
    text = report.format_report(result)
    assert "Questions by outcome" in text
    assert f"{len(sleep):4d}  " in text
    # Every wording of a group is shown, not "+11 other wordings".
    assert all(repr(t) in text for t in sleep)
    # An entry with only 👍 is listed too.
    assert "   0 👎    1 👍  cause" in text


NEAR_TOPIC = [
    "magnesium for sleep",
    "magnesium for sleep",
    "magnesium for sleep",
    "does magnesium help me sleep",
    "magnesium before sleep",
    "is magnesium good for my hair",
    "can magnesium make my hair grow",
    "will magnesium help insomnia",
    "magnesium for insomnia",
    "best football team",
]


def _groups(texts: list[str], brain: Brain) -> list[set[str]]:
    return [
        {t for t, _ in g.wordings}
        for g in report.group_unanswered(texts, brain.matcher, brain.content)
    ]


def test_unanswered_groups_are_by_what_is_asked_whatever_the_order(brain: Brain) -> None:
    groups = _groups(NEAR_TOPIC, brain)
    sleep = next(g for g in groups if "magnesium for sleep" in g)
    assert sleep == {
        "magnesium for sleep",
        "does magnesium help me sleep",
        "magnesium before sleep",
    }
    assert {"is magnesium good for my hair", "can magnesium make my hair grow"} in groups
    assert {"will magnesium help insomnia", "magnesium for insomnia"} in groups
    for seed in range(5):
        shuffled = NEAR_TOPIC[:]
        random.Random(seed).shuffle(shuffled)
        assert _groups(shuffled, brain) == groups


def test_the_text_report_says_why_the_closest_entry_is_closest(
    tmp_path: Path, brain: Brain
) -> None:
    store = store_at(tmp_path)
    for text in NEAR_TOPIC:
        store.record(brain.on_text({}, text), text, now=NOW)
    result = report.build_report(store, brain.matcher, brain.content, NOW - DAY, NOW + 1)
    sleep = result.unanswered[0]
    assert (sleep.example, sleep.count) == ("magnesium for sleep", 5)
    assert sleep.wordings[0] == ("magnesium for sleep", 3)
    assert sleep.closest is not None
    assert sleep.shared  # e.g. "magnesium": the words it has in common with the entry
    text = report.format_report(result)
    assert f"{sleep.closest} ({sleep.closest_score:.0f}), shares: {', '.join(sleep.shared)}" in text
    assert "  3x 'magnesium for sleep'" in text


def test_report_command_prints_and_writes_html_and_png(tmp_path: Path, brain: Brain) -> None:
    store = store_at(tmp_path)
    now = time.time()
    for text in ("magnesium for sleep", "which foods have magnesium", "zzz"):
        store.record(brain.on_text({}, text), text, now=now)
    html, png = tmp_path / "r.html", tmp_path / "r.png"
    result = faqbot(
        "report", "--db", str(store.path), "--days", "2", "--html", str(html), "--png", str(png)
    )
    assert result.returncode == 0, result.stderr
    assert "3 questions" in result.stdout
    assert "magnesium for sleep" in html.read_text(encoding="utf-8")
    assert png.read_bytes().startswith(b"\x89PNG")


def test_report_without_a_store_says_so(tmp_path: Path) -> None:
    result = faqbot("report", "--db", str(tmp_path / "none.sqlite3"))
    assert result.returncode == 2
    assert "no event store" in result.stderr


def test_eval_draws_the_score_chart(tmp_path: Path) -> None:
    png = tmp_path / "scores.png"
    result = faqbot("eval", "tests/data/eval-tune.yaml", "--png", str(png))
    assert result.returncode == 0, result.stderr
    assert "answered right" in result.stdout  # the usual figures, not JSON
    assert png.read_bytes().startswith(b"\x89PNG")


def test_feedback_buttons_under_every_answer(brain: Brain) -> None:
    reply = brain.on_text({}, "which foods have magnesium")
    assert [b.data for b in reply.buttons[0]] == ["f:foods:up", "f:foods:down"]
    up = brain.on_button({}, "f:foods:up")
    assert (up.kind, up.entry, up.sections) == ("feedback-up", "foods", ())
    assert up.toast
    down = brain.on_button({}, "f:foods:down")
    assert down.kind == "feedback-down"
    assert "t" not in {b.data for b in down.flat_buttons}  # the topics themselves are offered
    assert "e:foods" not in {b.data for b in down.flat_buttons}  # not the one that did not help
    assert "e:cause" in {b.data for b in down.flat_buttons}
    assert brain.on_button({}, "f:nope:up").kind == "expired"


def test_the_html_has_a_title_and_lists_feedback_most_thumbs_down_first(
    tmp_path: Path, brain: Brain
) -> None:
    store = store_at(tmp_path)
    for entry, vote in [
        ("foods", "up"),
        ("cause", "down"),
        ("cause", "down"),
        ("symptoms", "down"),
    ]:
        store.feedback(entry, vote, now=NOW)
    result = report.build_report(store, brain.matcher, brain.content, NOW - DAY, NOW + 1)
    page = tmp_path / "r.html"
    report.write_html(result, page)
    html = page.read_text(encoding="utf-8")
    assert "<title>FAQ bot report: " in html
    feedback = html[html.index("most 👎 first") :]
    assert feedback.index("cause") < feedback.index("symptoms") < feedback.index("foods")
