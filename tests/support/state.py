"""What the bot left on disk: its state file and its event store."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from bot.events import EventStore


def stored_user_data(state_file: Path) -> dict[int, Any]:
    """The user_data of the state file; nothing else may be stored."""
    with state_file.open("rb") as f:
        data = pickle.load(f)  # our own file, written by the test
    assert data["chat_data"] == {}
    assert data["bot_data"] == {}
    assert data["callback_data"] is None
    user_data: dict[int, Any] = data["user_data"]
    return user_data


def event_store(state_file: Path) -> EventStore:
    """The bot's event store, beside its state file."""
    return EventStore(state_file.parent / "events.sqlite3")
