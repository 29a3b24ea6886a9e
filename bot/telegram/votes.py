"""Which answer messages were already voted on: one 👍/👎 per answer.

Kept in memory only and bounded (the oldest keys go first), keyed on the
answer message, never on the person: the event store gets one anonymous row
per answer, and a second quick tap (Telegram delivers it before the first
vote's edit has removed the buttons) is recognised without storing who voted.
"""

from __future__ import annotations

from collections import OrderedDict

# Answer messages remembered; a vote on an older one is counted again at worst.
VOTED_REMEMBERED = 10_000

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
