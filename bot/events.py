"""An anonymous event store (SQLite) for the operator's reports.

What is kept, by design and nothing more:
- for every question: the hour it was asked, the outcome (answer, clarify,
  fallback, emergency, smalltalk), the entry answered and the match score; an
  answer opened from a button or a deep link counts as an answer (score 100);
- the message text ONLY for fallbacks and clarifications, so that the
  operator can see what went unanswered and add phrasings;
- 👍 / 👎 feedback per entry, with the hour.
No user id, chat id, name or message id is ever written. Times are rounded
down to the hour so rows cannot be lined up with a chat's messages. Rows older
than the retention period are deleted.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.replies import Reply

log = logging.getLogger(__name__)

# Outcomes worth counting; menus, topics and the like are navigation, not questions.
QUESTION_OUTCOMES = frozenset({"answer", "clarify", "fallback", "emergency", "smalltalk"})
# Outcomes whose message text is kept (unanswered questions the operator can act on).
TEXT_OUTCOMES = frozenset({"clarify", "fallback"})
VOTES = frozenset({"up", "down"})
# Stored text is cut to this many characters.
MAX_TEXT = 500
HOUR = 3600
DAY = 86400

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    hour    INTEGER NOT NULL,   -- unix time rounded down to the hour
    outcome TEXT    NOT NULL,
    entry   TEXT,               -- entry answered (answer) or best candidate
    score   REAL    NOT NULL,
    text    TEXT                -- only for clarify and fallback
);
CREATE TABLE IF NOT EXISTS feedback (
    hour  INTEGER NOT NULL,
    entry TEXT    NOT NULL,
    vote  TEXT    NOT NULL CHECK (vote IN ('up', 'down'))
);
CREATE INDEX IF NOT EXISTS questions_hour ON questions (hour);
CREATE INDEX IF NOT EXISTS feedback_hour ON feedback (hour);
"""


@dataclass(frozen=True)
class QuestionRow:
    hour: int
    outcome: str
    entry: str | None
    score: float
    text: str | None


@dataclass(frozen=True)
class FeedbackRow:
    hour: int
    entry: str
    vote: str


def _owner_only(path: Path) -> None:
    """Create the database file readable by its owner only, whatever the umask and
    DATA_DIR's mode (it holds unanswered questions' text); SQLite gives its -wal
    and -shm files the database's mode. Files an earlier version left readable
    to others are made owner-only too."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(file, 0o600)


class EventStore:
    """Thread-safe; every call opens a short transaction, so a crash loses nothing written."""

    def __init__(self, path: Path, retention_days: int = 30) -> None:
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        self.path = path
        self.retention_days = retention_days
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        _owner_only(path)
        # One connection for the store's life: opening one per event cost more
        # than the bot's matching. WAL keeps readers (faqbot report) off the
        # writer's back; NORMAL sync is safe with WAL (a power cut may lose the
        # last commits, never the database).
        self._db = sqlite3.connect(path, timeout=5, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._connect() as db:
            db.executescript(SCHEMA)
        gone = self.purge()
        if gone:  # the same line as the hourly purge (telegram/app.py)
            log.info("deleted %d events past the retention period", gone)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one transaction, one thread at a time."""
        with self._lock, self._db:
            yield self._db

    @staticmethod
    def _hour(now: float | None) -> int:
        t = int(time.time() if now is None else now)
        return t - t % HOUR

    def record(self, reply: Reply, message: str, now: float | None = None) -> None:
        """Count the outcome of a question; keep its text only if it went unanswered."""
        if reply.kind not in QUESTION_OUTCOMES:
            return
        entry = reply.entry if reply.kind == "answer" else next(iter(reply.candidates), None)
        text = message.strip()[:MAX_TEXT] if reply.kind in TEXT_OUTCOMES else None
        with self._connect() as db:
            db.execute(
                "INSERT INTO questions (hour, outcome, entry, score, text) VALUES (?, ?, ?, ?, ?)",
                (self._hour(now), reply.kind, entry, float(reply.score), text or None),
            )

    def feedback(self, entry: str, vote: str, now: float | None = None) -> None:
        if vote not in VOTES:
            raise ValueError(f"vote must be up or down, got {vote!r}")
        with self._connect() as db:
            db.execute(
                "INSERT INTO feedback (hour, entry, vote) VALUES (?, ?, ?)",
                (self._hour(now), entry, vote),
            )

    def purge(self, now: float | None = None) -> int:
        """Delete rows older than the retention period; return how many went."""
        cutoff = self._hour(now) - self.retention_days * DAY
        with self._connect() as db:
            gone = db.execute("DELETE FROM questions WHERE hour < ?", (cutoff,)).rowcount
            gone += db.execute("DELETE FROM feedback WHERE hour < ?", (cutoff,)).rowcount
        return int(gone)

    def questions(self, since: float = 0, until: float | None = None) -> list[QuestionRow]:
        end = time.time() if until is None else until
        with self._connect() as db:
            rows = db.execute(
                "SELECT hour, outcome, entry, score, text FROM questions "
                "WHERE hour >= ? AND hour < ? ORDER BY hour",
                (self._hour(since), end),
            ).fetchall()
        return [QuestionRow(*row) for row in rows]

    def feedback_rows(self, since: float = 0, until: float | None = None) -> list[FeedbackRow]:
        end = time.time() if until is None else until
        with self._connect() as db:
            rows = db.execute(
                "SELECT hour, entry, vote FROM feedback WHERE hour >= ? AND hour < ? ORDER BY hour",
                (self._hour(since), end),
            ).fetchall()
        return [FeedbackRow(*row) for row in rows]
