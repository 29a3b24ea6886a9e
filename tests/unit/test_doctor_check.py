"""The guided check: every path ends in the right disposition, Back/Cancel/Restart work,
stale buttons are refused, and nothing about the answers outlives the check."""

from __future__ import annotations

from typing import Any

import pytest

from bot.brain import CHECK_KEY, Brain
from bot.content import Content
from bot.doctor_check import KEPT_HOURS, DoctorCheckFlow
from bot.replies import Reply


def press(brain: Brain, state: dict[str, Any], reply: Reply, label: str) -> Reply:
    matches = [b for b in reply.flat_buttons if b.label == label]
    assert matches, f"no button {label!r} in {reply.button_labels}"
    return brain.on_button(state, matches[0].data)


def test_every_path_reaches_its_outcome_with_disclaimer(brain: Brain, content: Content) -> None:
    paths = brain.check.paths()
    assert len(paths) >= 10
    dispositions = set()
    for choices, outcome_id in paths:
        state: dict[str, Any] = {}
        reply = brain.start_check(state)
        for step_id, option in choices:
            step = content.doctor_check.steps[step_id]
            assert step.question in reply.text
            reply = press(brain, state, reply, step.options[option].label)
        outcome = content.doctor_check.outcomes[outcome_id]
        assert reply.kind == "check-outcome"
        assert reply.entry == outcome_id
        assert outcome.title in reply.text
        assert outcome.text in reply.text
        assert reply.text.endswith(content.disclaimer)
        assert CHECK_KEY not in state  # answers are gone once the check ends
        dispositions.add(outcome.disposition)
    assert dispositions == {"emergency", "urgent", "see-doctor", "self-care"}


def test_emergency_signs_come_first(brain: Brain) -> None:
    reply = brain.start_check({})
    for sign in ("face drooping", "seizure", "severe headache", "loss of sight", "swelling"):
        assert sign in reply.text


def test_not_sure_on_the_first_question_is_urgent_advice_with_the_emergency_line(
    brain: Brain, content: Content
) -> None:
    state: dict[str, Any] = {}
    outcome = press(brain, state, brain.start_check(state), "Not sure")
    assert outcome.entry == "unsure"
    assert content.doctor_check.outcomes["unsure"].disposition == "urgent"
    assert "NHS 111" in outcome.text
    assert "999" in outcome.text
    assert "at once if any of those signs is happening now" in outcome.text


def _through(brain: Brain, labels: list[str]) -> Reply:
    state: dict[str, Any] = {}
    reply = brain.start_check(state)
    for label in labels:
        reply = press(brain, state, reply, label)
    return reply


def test_all_no_answers_lead_to_self_care(brain: Brain) -> None:
    labels = ["No", "No", "No, I haven't fainted", "No", "No", "Less than 2 weeks", "No", "No"]
    assert _through(brain, labels).entry == "self-care"


def test_chest_pain_without_palpitations_is_asked_about(brain: Brain) -> None:
    assert _through(brain, ["No", "Yes, right now"]).entry == "emergency"
    assert _through(brain, ["No", "Yes, earlier, but it stopped"]).entry == "urgent"
    question = brain.check.flow.steps["heart"].question
    assert "• chest pain" in question
    assert "• sudden breathlessness" in question
    # Not sure is advice today with what to call 999 for, as on the first question.
    unsure = _through(brain, ["No", "Not sure"])
    assert unsure.entry == "urgent"
    assert "If you have chest pain or breathlessness right now, call 999" in unsure.text
    assert "today" in unsure.text


def test_signs_that_came_and_went_days_ago_unchecked_are_urgent_not_self_care(
    brain: Brain,
) -> None:
    # The first question asks about the last 24 hours; a sign before that, never
    # checked, can have been a mini stroke (NHS TIA): an urgent appointment.
    reply = _through(brain, ["Over 24 hours ago, not checked"])
    assert reply.entry == "urgent-tia"
    assert brain.check.flow.outcomes["urgent-tia"].disposition == "urgent"
    assert "today" in reply.text
    assert "comes back" in reply.text
    # Picked for a sign within the day after all, it still says 999 for that,
    # after the advice for what was picked (it opened with the 999 line, which
    # read as the opposite of the button just pressed).
    assert "999 (UK), 112 (EU) or 911 (US) now if you also had one in the last 24 hours" in (
        reply.text
    )
    assert reply.text.index("Speak to a doctor today") < reply.text.index("999")


def test_not_sure_on_the_first_question_still_says_999_for_a_sign_in_the_last_day(
    brain: Brain,
) -> None:
    reply = _through(brain, ["Not sure"])
    assert "in the last 24 hours, even if it has gone, call 999" in reply.text


def test_one_faint_with_full_recovery_is_a_doctor_soon_with_warning_signs_an_emergency(
    brain: Brain,
) -> None:
    # More than once too: there was no option for it ("Once, none of these").
    once = _through(brain, ["No", "No", "Yes, but none of these", "No"])
    assert once.entry == "soon-fainting"
    assert "more than once" in once.text
    assert brain.check.flow.outcomes["soon-fainting"].disposition == "see-doctor"
    assert "999" in once.text  # what to do if it happens again with a warning sign
    assert _through(brain, ["No", "No", "Yes, with one of these"]).entry == "emergency"
    # Not feeling back to normal is one of the warning signs listed.
    assert "not feeling back to normal" in brain.check.flow.steps["fainting"].question
    # Not knowing (how long was I out?) is advice today, not "in a few days".
    unsure = _through(brain, ["No", "No", "Not sure"])
    assert unsure.entry == "urgent-fainting"
    assert brain.check.flow.outcomes["urgent-fainting"].disposition == "urgent"


def test_the_face_is_asked_after_a_faint_and_a_faints_warning_signs_are_asked_first(
    brain: Brain,
) -> None:
    # Someone who fainted without warning signs and has a stiff face on one side
    # is told "today", not "in the next few days".
    after_faint = _through(brain, ["No", "No", "Yes, but none of these", "Yes"])
    assert after_faint.entry == "urgent-face"
    # A faint while exercising is asked about before the face can end the check.
    steps = brain.check.flow.steps
    assert steps["heart"].options[-1].next == "fainting"
    assert steps["face"].question == steps["face-after-fainting"].question


def test_one_sided_face_weakness_is_urgent_today(brain: Brain) -> None:
    for answer in ("Yes", "Not sure"):
        reply = _through(brain, ["No", "No", "No, I haven't fainted", answer])
        assert reply.entry == "urgent-face"
        assert "today" in reply.text
        assert "72 hours" in reply.text


def test_every_outcome_says_concretely_what_to_do_if_it_gets_worse(content: Content) -> None:
    for outcome in content.doctor_check.outcomes.values():
        assert "999" in outcome.text, outcome.id
        assert "112" in outcome.text, outcome.id
        assert "sooner" not in outcome.text, outcome.id
        if outcome.disposition != "emergency":
            assert any(s in outcome.text for s in ("face", "arm", "chest", "faint")), outcome.id


def test_every_outcome_cites_its_sources_by_address(content: Content) -> None:
    for outcome in content.doctor_check.outcomes.values():
        assert any("https://" in s for s in outcome.sources), outcome.id


def test_back_returns_to_the_previous_question(brain: Brain, content: Content) -> None:
    state: dict[str, Any] = {}
    first = brain.start_check(state)
    assert "Back" not in " ".join(first.button_labels)
    second = press(brain, state, first, "No")
    assert content.doctor_check.steps["heart"].question in second.text
    back = press(brain, state, second, content.buttons["back"])
    assert content.doctor_check.steps["emergency-signs"].question in back.text
    assert back.edit
    # The old "No" button of question 2 is stale now: it shows where the check is,
    # and moves nothing.
    stale = press(brain, state, second, "No")
    assert stale.kind == "check"
    assert stale.edit
    assert content.check_ui["stale"] in stale.text
    assert content.doctor_check.steps["emergency-signs"].question in stale.text
    assert content.doctor_check.steps["heart"].question in press(brain, state, stale, "No").text


def test_cancel_forgets_the_answers(brain: Brain, content: Content) -> None:
    state: dict[str, Any] = {}
    reply = press(brain, state, brain.start_check(state), "No")
    cancelled = press(brain, state, reply, content.buttons["cancel"])
    assert content.check_ui["cancelled"] in cancelled.text
    assert state == {}
    assert press(brain, state, reply, "No").kind == "expired"


def test_restart_from_the_outcome_starts_a_fresh_run(brain: Brain, content: Content) -> None:
    state: dict[str, Any] = {}
    first = brain.start_check(state)
    outcome = press(brain, state, first, "Yes")
    restarted = press(brain, state, outcome, content.buttons["restart"])
    assert restarted.kind == "check"
    assert content.doctor_check.steps["emergency-signs"].question in restarted.text
    # Buttons of the first run do not act on the second; pressed, they show it.
    stale = press(brain, state, first, "No")
    assert content.check_ui["stale"] in stale.text
    assert content.doctor_check.steps["emergency-signs"].question in stale.text
    assert brain.check.depth(state[CHECK_KEY]) == 0
    assert brain.in_check(state)


@pytest.mark.parametrize("text", ["just the twitch really", "hello", "what is the weather like"])
def test_free_text_during_the_check_gets_a_nudge_with_the_buttons(
    brain: Brain, content: Content, text: str
) -> None:
    state: dict[str, Any] = {}
    brain.start_check(state)
    reply = brain.on_text(state, text)
    assert reply.kind == "check"
    assert content.check_ui["nudge"] in reply.text
    assert content.buttons["cancel"] in reply.button_labels
    assert content.disclaimer not in reply.text


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("which foods have magnesium", "foods"),
        ("does stress make lip twitching worse?", "stress-caffeine"),
    ],
)
def test_a_question_during_the_check_is_answered_and_the_check_goes_on(
    brain: Brain, content: Content, text: str, entry: str
) -> None:
    state: dict[str, Any] = {}
    press(brain, state, brain.start_check(state), "No")
    reply = brain.on_text(state, text)
    assert reply.kind == "check"
    assert content.by_id[entry].answer in reply.text
    assert reply.text.endswith(content.disclaimer)
    # Below the answer: the question the check was at, with its buttons.
    assert content.check_ui["still_in_check"] in reply.text
    assert content.doctor_check.steps["heart"].question in reply.text
    assert content.check_ui["nudge"] not in reply.text
    assert content.buttons["back"] in reply.button_labels
    assert brain.check.depth(state[CHECK_KEY]) == 1


@pytest.mark.parametrize(
    "bad", [{"nonce": 1}, {"nonce": "x", "path": ["gone"]}, "junk", {"path": []}]
)
def test_state_from_an_older_faq_is_dropped_cleanly(brain: Brain, bad: Any) -> None:
    state: dict[str, Any] = {CHECK_KEY: bad}
    reply = brain.on_text(state, "which foods are rich in magnesium")
    assert reply.kind == "answer"
    assert CHECK_KEY not in state


def test_option_index_out_of_range_is_stale(brain: Brain, content: Content) -> None:
    state: dict[str, Any] = {}
    brain.start_check(state)
    nonce = state[CHECK_KEY]["nonce"]
    # An option the question does not have: the question again, nothing chosen.
    shown = brain.on_button(state, f"c:{nonce}:0:9")
    assert content.check_ui["stale"] in shown.text
    # Data that is no check button at all.
    assert brain.on_button(state, f"c:{nonce}:0:-1").kind == "expired"
    assert brain.on_button(state, f"c:{nonce}:0:x").kind == "expired"
    assert brain.in_check(state)
    assert brain.check.depth(state[CHECK_KEY]) == 0


def test_a_check_left_unfinished_for_a_day_is_over(content: Content) -> None:
    now = [1_000_000 * 3600.0]
    flow = DoctorCheckFlow(content.doctor_check, clock=lambda: now[0])
    state = flow.begin()
    assert state["hour"] == 1_000_000  # the hour only, nothing finer
    now[0] += (KEPT_HOURS - 1) * 3600
    assert flow.is_valid(state)
    now[0] += 3600
    assert not flow.is_valid(state)


def test_the_next_message_after_a_day_is_answered_not_nudged(brain: Brain) -> None:
    state: dict[str, Any] = {}
    brain.start_check(state)
    state[CHECK_KEY]["hour"] -= KEPT_HOURS
    assert brain.forget_ended_check(state)
    assert CHECK_KEY not in state
    assert brain.on_text(state, "which foods have magnesium").entry == "foods"
