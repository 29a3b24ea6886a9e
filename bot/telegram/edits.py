"""Which messages were answered, and what they said, to tell an edit that changes
nothing the bot reads (a word made bold) from one that does.

Kept in memory only, for EDITS_REMEMBERED_SECONDS and at most EDITS_REMEMBERED
messages, keyed by chat and message id, and never the text itself: a keyed
hash of it (the key is random and never leaves the process): nothing written
to disk or logs can be checked against likely texts. (Someone who can read the
process's memory has the key too.)
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import OrderedDict

EDITS_REMEMBERED_SECONDS = 3600.0
EDITS_REMEMBERED = 10_000


class AnsweredTexts:
    def __init__(
        self, seconds: float = EDITS_REMEMBERED_SECONDS, limit: int = EDITS_REMEMBERED
    ) -> None:
        self._seconds = seconds
        self._limit = limit
        self._key = secrets.token_bytes(32)
        self._seen: OrderedDict[tuple[int, int], tuple[float, bytes]] = OrderedDict()

    def _digest(self, text: str) -> bytes:
        return hashlib.blake2b(
            text.encode("utf-8", "replace"), key=self._key, digest_size=16
        ).digest()

    def changed(self, chat_id: int, message_id: int, text: str) -> bool:
        """Remember that the message reads `text`; False if it already read exactly that
        (an edit that changed only the formatting, or nothing the bot reads)."""
        now = time.monotonic()
        while self._seen and next(iter(self._seen.values()))[0] <= now - self._seconds:
            self._seen.popitem(last=False)
        key, digest = (chat_id, message_id), self._digest(text)
        known = self._seen.pop(key, None)
        self._seen[key] = (now, digest)
        if len(self._seen) > self._limit:
            self._seen.popitem(last=False)
        return known is None or known[1] != digest
