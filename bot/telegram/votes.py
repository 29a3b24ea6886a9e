"""Buttons already used: one 👍/👎 per answer, one reply per tap.

VotedMessages: which answer messages were already voted on. Kept in memory only
and bounded (the oldest keys go first), keyed on the answer message, never on
the person: the event store gets one anonymous row per answer, and a second
quick tap (Telegram delivers it before the first vote's edit has removed the
buttons) is recognised without storing who voted.

RecentTaps: the buttons tapped in the last few seconds, in memory only. A
double tap reaches the bot as two identical button presses, the second sent
before the first one's reply changed the message; handled twice it would
answer twice, or find its check step already answered ("This button has
expired"). The second press of the same button, by the same person, on the
message as it then was, within DOUBLE_TAP_SECONDS, is recognised here.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Hashable

# Answer messages remembered; a vote on an older one is counted again at worst.
VOTED_REMEMBERED = 10_000

# A press of the same button on the same message this soon after another is a double tap.
DOUBLE_TAP_SECONDS = 5.0

# A chat's message (chat id, message id), or an inline-mode message's id.
MessageKey = tuple[int, int] | str


class VotedMessages:
    def __init__(self, limit: int = VOTED_REMEMBERED) -> None:
        self._limit = limit
        self._keys: OrderedDict[MessageKey, None] = OrderedDict()

    def first_vote(self, key: MessageKey) -> bool:
        """True the first time `key` is seen (the vote counts), False afterwards."""
        if key in self._keys:
            return False
        self._keys[key] = None
        if len(self._keys) > self._limit:
            self._keys.popitem(last=False)
        return True


class RecentTaps:
    def __init__(self, window: float = DOUBLE_TAP_SECONDS) -> None:
        self._window = window
        self._seen: OrderedDict[Hashable, float] = OrderedDict()  # oldest first

    def first_tap(self, key: Hashable) -> bool:
        """False if `key` was tapped in the last `window` seconds (a double tap)."""
        now = time.monotonic()
        while self._seen and next(iter(self._seen.values())) <= now - self._window:
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True
