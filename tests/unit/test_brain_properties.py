"""Property-based tests: whatever a person sends, the brain answers validly and never raises."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.brain import Brain
from bot.replies import MAX_BUTTON_DATA_BYTES, Reply
from tests.support import FAQ, brain_once, load_content_once


def _brain() -> Brain:
    """The brain of the real content, shared with the other tests of this
    process (built when first needed, not when the module is collected)."""
    return brain_once(load_content_once(FAQ))


# A typed option label during the check may end it with its outcome; a button's
# label typed ("cancel", "topics", "menu") does what the button does.
KINDS = {
    "check-cancelled",
    "topics",
    "menu",
    "help",
    "answer",
    "clarify",
    "fallback",
    "smalltalk",
    "emergency",
    "empty",
    "check",
    "check-outcome",
}

FRAGMENTS = st.sampled_from(
    [
        "<b>",
        "</i>",
        "&amp;",
        "&",
        "<script>alert(1)</script>",
        "*bold*",
        "_it_",
        "`code`",
        "[link](http://x)",
        "\u200b",
        "\u200f",
        "\u202e",
        "\ufeff",
        "\x00",
        "\x1b[31m",
        "مغنيسيوم",
        "магний",
        "镁",
        "🫦",
        "👨‍👩‍👧",
        "magnesium",
        "lip twitch",
        "foods",
        "?",
        "\n",
        "/start",
        "c:abc:0:0",
        "e:foods",
        " ",
    ]
)
MESSAGES = st.one_of(
    st.text(max_size=300),
    st.lists(FRAGMENTS, max_size=30).map("".join),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=20).map(" ".join),
)


def valid(reply: Reply) -> None:
    assert reply.text.strip()
    assert len(reply.text) < 4096
    assert reply.kind in KINDS
    for button in reply.flat_buttons:
        assert button.label.strip()
        assert 0 < len(button.data.encode()) <= MAX_BUTTON_DATA_BYTES
    if reply.kind in {"answer", "emergency"}:
        assert reply.footer == _brain().content.disclaimer


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MESSAGES)
def test_any_message_gets_a_valid_reply(text: str) -> None:
    valid(_brain().on_text({}, text))


# Each reply depends on the text alone, so each huge text is tried once (drawing
# lists of these four texts at random only repeated the same replies).
@pytest.mark.parametrize("text", ["x" * 100_000, "é" * 50_000, "lip " * 25_000, "\u200b" * 100_000])
def test_huge_messages(text: str) -> None:
    valid(_brain().on_text({}, text))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.binary(max_size=64).map(lambda b: b.decode("latin-1"))))
def test_forged_button_data_never_raises(data: str) -> None:
    state: dict[str, Any] = {}
    reply = _brain().on_button(state, data)
    assert reply.text.strip() or reply.toast
    for button in reply.flat_buttons:
        assert len(button.data.encode()) <= MAX_BUTTON_DATA_BYTES


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(MESSAGES, st.integers(0, 4)), max_size=12))
def test_random_walks_through_the_check_stay_consistent(steps: list[str | int]) -> None:
    """Mixing text and button presses in any order never leaves a broken state."""
    state: dict[str, Any] = {}
    reply = _brain().start_check(state)
    for step in steps:
        if isinstance(step, int):
            buttons = reply.flat_buttons
            if not buttons:
                continue
            reply = _brain().on_button(state, buttons[step % len(buttons)].data)
            assert reply.text.strip() or reply.toast
        else:
            reply = _brain().on_text(state, step)
            valid(reply)
        assert "check" not in state or _brain().check.is_valid(state["check"])
