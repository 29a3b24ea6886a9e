"""The state file: each user's doctor check in progress, on disk as soon as it changes.

PTB's PicklePersistence rewrites its file in place and has no public hook for an
atomic write, hence this small BasePersistence (PTB's public interface) that keeps only
user_data, and only while it is not empty: what is on disk is exactly the
checks in progress, never the id of someone who merely talked to the bot.

When it is written: whenever a user's data changes. The handlers call
`update_user_data` / `drop_user_data` themselves right after the brain changed
a check and before they reply (handlers.py), so a `kill -9` a second after an
answer loses nothing, and a /forget or a blocked bot is off the disk before the
bot says so. PTB's own periodic run and the one at shutdown find nothing left
to write. A write that fails is logged at ERROR and raises StateNotSaved to the
caller (PTB's `update_persistence()` would swallow it), and the next call
writes again even if nothing changed meanwhile.

How: the whole file (a few hundred bytes per check) is pickled to a temporary
file, synced and renamed over the old one, in a worker thread, so the file on
disk is always a complete earlier or later state. A write takes a few ms (the
syncs); changes of other users made meanwhile share the next write. A file that cannot be read
(cut short, edited, not ours) is moved aside to state.pickle.damaged and the bot
starts with no checks in progress: those people get the polite "expired" reply
and can start again. Reading accepts plain data only (dicts, lists, strings,
numbers): a file that names any class or function is treated as damaged.
"""

from __future__ import annotations

import asyncio
import copy
import io
import logging
import os
import pickle
from pathlib import Path
from typing import Any, NoReturn

from telegram.ext import BasePersistence, PersistenceInput

log = logging.getLogger(__name__)

UserData = dict[Any, Any]
# Only user_data is stored: no chat, bot or callback data.
USER_DATA_ONLY = PersistenceInput(
    bot_data=False, chat_data=False, user_data=True, callback_data=False
)
DAMAGED_SUFFIX = ".damaged"


class StateNotSaved(Exception):
    """The state file could not be written (already logged at ERROR)."""


class _PlainDataUnpickler(pickle.Unpickler):
    """Loads dicts, lists, strings and numbers; refuses anything that names a class."""

    def find_class(self, module: str, name: str) -> NoReturn:
        raise pickle.UnpicklingError(f"the state file names {module}.{name}")


def _load(path: Path) -> dict[int, UserData]:
    """The user data in `path` ({} if there is no file); ValueError if it is damaged."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:
        stored = _PlainDataUnpickler(io.BytesIO(raw)).load()
    except Exception as error:  # a damaged pickle fails in many ways
        raise ValueError(f"{type(error).__name__}: {error}") from error
    users = stored.get("user_data") if isinstance(stored, dict) else None
    if not isinstance(users, dict) or not all(
        isinstance(k, int) and isinstance(v, dict) for k, v in users.items()
    ):
        raise ValueError("not a state file of this bot")
    return users


def _write_atomically(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload`: a synced temporary file renamed over it."""
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(payload)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)


class UserDataPersistence(BasePersistence[UserData, UserData, UserData]):
    def __init__(self, path: Path, update_interval: float = 60) -> None:
        super().__init__(store_data=USER_DATA_ONLY, update_interval=update_interval)
        self.path = path
        self._users: dict[int, UserData] = {}
        # One write at a time, each of the state as it was when it started; changes
        # made while a write runs share the next one (counted in generations).
        self._writing = asyncio.Lock()
        self._changed = 0
        self._saved = 0
        # The last write failed: the file may lag behind memory, so write even
        # when a call changes nothing (a second /forget must reach the disk).
        self._failed = False

    async def get_user_data(self) -> dict[int, UserData]:
        try:
            self._users = _load(self.path)
        except ValueError as error:
            aside = self.path.with_name(self.path.name + DAMAGED_SUFFIX)
            os.replace(self.path, aside)
            log.warning(
                "%s could not be read (%s); moved it to %s and starting with no checks in progress",
                self.path,
                error,
                aside.name,
            )
            self._users = {}
        return copy.deepcopy(self._users)

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        if data:
            if self._users.get(user_id) == data and not self._failed:
                return
            self._users[user_id] = copy.deepcopy(data)
        elif self._users.pop(user_id, None) is None and not self._failed:
            return  # nothing kept about this user, nothing to change
        await self._save()

    async def drop_user_data(self, user_id: int) -> None:
        if self._users.pop(user_id, None) is not None or self._failed:
            await self._save()

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        """Nothing to do: this process is the only writer of the file."""

    async def flush(self) -> None:
        """Nothing to do: every change is on disk already."""

    async def _save(self) -> None:
        """Return once the file holds the in-memory state as it is now."""
        self._changed += 1
        wanted = self._changed
        async with self._writing:
            if self._saved >= wanted:
                return  # a write that began after this change has covered it
            generation = self._changed
            # The layout of PTB's PicklePersistence (single file), so a file written
            # by either loads in the other.
            payload = pickle.dumps(
                {
                    "user_data": self._users,
                    "chat_data": {},
                    "bot_data": {},
                    "callback_data": None,
                    "conversations": {},
                },
                protocol=pickle.HIGHEST_PROTOCOL,
            )
            try:
                await asyncio.to_thread(_write_atomically, self.path, payload)
            except OSError as error:
                self._failed = True
                log.error(
                    "could not write %s (%s: %s); the changes stay in memory only",
                    self.path.name,
                    type(error).__name__,
                    error.strerror,
                )
                raise StateNotSaved(self.path.name) from error
            self._failed = False
            self._saved = generation

    # -- what this bot does not store (store_data is user_data only) ---------------

    async def get_chat_data(self) -> dict[int, UserData]:
        return {}

    async def get_bot_data(self) -> UserData:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> dict[Any, Any]:
        return {}

    async def update_conversation(self, name: str, key: Any, new_state: object | None) -> None:
        """Not stored."""

    async def update_chat_data(self, chat_id: int, data: UserData) -> None:
        """Not stored."""

    async def update_bot_data(self, data: UserData) -> None:
        """Not stored."""

    async def update_callback_data(self, data: Any) -> None:
        """Not stored."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Not stored."""

    async def refresh_chat_data(self, chat_id: int, chat_data: UserData) -> None:
        """Not stored."""

    async def refresh_bot_data(self, bot_data: UserData) -> None:
        """Not stored."""
