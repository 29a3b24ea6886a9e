"""The button protocol (bot/callbacks.py): every action survives the trip through
Telegram, nothing exceeds its 64 bytes, and forged data is recognised as such."""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import (
    MAX_CALLBACK_DATA_BYTES,
    Action,
    CallbackDataTooLong,
    CheckAnswer,
    CheckBack,
    CheckCancel,
    Feedback,
    HowToAsk,
    Menu,
    NoneOfThese,
    ShowEntry,
    StartCheck,
    Topics,
    decode,
)
from bot.replies import Button

EVERY_ACTION: list[Action] = [
    ShowEntry("foods"),
    Menu(),
    HowToAsk(),
    NoneOfThese(),
    StartCheck(),
    Topics(),
    Topics(3),
    CheckAnswer("a1b2c3", 2, 1),
    CheckAnswer("123456", 0, 0),  # a nonce of digits only stays a nonce
    CheckBack("a1b2c3", 1),
    CheckCancel("a1b2c3"),
    Feedback("foods", helpful=True),
    Feedback("foods", helpful=False),
]


@pytest.mark.parametrize("action", EVERY_ACTION, ids=repr)
def test_every_action_round_trips(action: Action) -> None:
    data = action.encode()
    assert 0 < len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
    assert decode(data) == action


def test_every_action_kind_is_covered() -> None:
    kinds = {type(a) for a in EVERY_ACTION}
    assert kinds == set(get_args(Action))


@pytest.mark.parametrize(
    ("data", "action"),
    [
        ("e:foods", ShowEntry("foods")),
        ("t", Topics(0)),
        ("t:0", Topics(0)),
        ("c:a1b2c3:0:1", CheckAnswer("a1b2c3", 0, 1)),
        ("f:foods:down", Feedback("foods", helpful=False)),
    ],
)
def test_buttons_already_in_chats_keep_working(data: str, action: Action) -> None:
    """The data format is the one earlier versions sent: old buttons decode the same."""
    assert decode(data) == action


def test_data_past_64_bytes_is_refused_both_ways() -> None:
    longest_id = "x" * 60
    assert len(ShowEntry(longest_id).encode()) == 62
    with pytest.raises(CallbackDataTooLong, match="64"):
        Feedback(longest_id, helpful=False).encode()  # "f:" + 60 + ":down" = 67 bytes
    assert decode("e:" + "x" * 63) is None


@pytest.mark.parametrize(
    "data",
    [
        "",
        "e:",
        "e:foods:extra",
        "e:Ünïcode",
        "e:foods\n",
        "E:foods",
        "t:",
        "t:-1",
        "t:99999",
        "t:²",
        "t:1.5",
        "mm",
        "m:",
        "c:abc:0",
        "c:abc:x:0",
        "c:abc:0:-1",
        "c::0:0",
        "c:ab-c:0:0",
        "b:abc",
        "x:",
        "f:foods",
        "f:foods:sideways",
        "f:foods:UP",
        "<b>e:foods</b>",
        "e:foods ",
    ],
)
def test_forged_or_unknown_data_decodes_to_nothing(data: str) -> None:
    assert decode(data) is None


# Strings close to real data (the protocol's letters, digits and colons) and any text.
NEAR_MISSES = st.text(alphabet="ecbxftmhdnupow:0123456789-_ ", max_size=20)


@given(NEAR_MISSES | st.text(max_size=80))
def test_any_string_is_either_refused_or_exactly_one_action(data: str) -> None:
    action = decode(data)
    if action is not None:
        assert decode(action.encode()) == action
        assert len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES


@pytest.mark.parametrize(
    "make",
    [
        lambda: ShowEntry("has:colon"),
        lambda: ShowEntry(""),
        lambda: Topics(-1),
        lambda: Topics(10_000),
        lambda: CheckAnswer("abc", 0, -1),
        lambda: CheckBack("a:b", 0),
        lambda: CheckCancel(""),
        lambda: Feedback("a b", helpful=True),
    ],
)
def test_an_action_that_could_not_round_trip_cannot_be_made(make: Callable[[], Action]) -> None:
    with pytest.raises(ValueError, match=r"invalid|outside"):
        make()


def test_a_button_carries_an_action() -> None:
    assert Button.of("Foods", ShowEntry("foods")).data == "e:foods"
    with pytest.raises(ValueError, match="invalid button"):
        Button("Foods", "show foods")
