"""PicklePersistence that keeps a user's data only while there is something to keep.

PTB writes user_data for every user it has seen, so a plain PicklePersistence
would keep the id of everyone who ever talked to the bot (with an empty dict).
Here an empty user_data is dropped from the file instead: what stays on disk is
exactly the doctor checks in progress.

Crashes: PTB rewrites the file in place, so a kill (or power cut) during a write
would leave a truncated file that stops the bot from starting again. Here the
file is written to a temporary file, synced and renamed over the old one, so
the file on disk is always a complete earlier or later state. A file that is
damaged anyway (copied half, edited) is moved aside to state.pickle.damaged
and the bot starts with no checks in progress: people whose check is lost get
the polite "expired" reply and can start again.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from telegram.ext import PersistenceInput, PicklePersistence

log = logging.getLogger(__name__)

# Only user_data is stored: no chat, bot or callback data.
USER_DATA_ONLY = PersistenceInput(
    bot_data=False, chat_data=False, user_data=True, callback_data=False
)


class UserDataPersistence(PicklePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, path: Path, update_interval: float = 60) -> None:
        super().__init__(
            filepath=path,
            store_data=USER_DATA_ONLY,
            single_file=True,
            update_interval=update_interval,
        )

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        if data:
            await super().update_user_data(user_id, data)
        elif self.user_data and user_id in self.user_data:
            await super().drop_user_data(user_id)

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        try:
            return await super().get_user_data()
        except TypeError as error:  # PTB's "does not contain valid pickle data"
            aside = self.filepath.with_name(self.filepath.name + ".damaged")
            os.replace(self.filepath, aside)
            log.warning(
                "%s could not be read (%s); moved it to %s and starting with no checks in progress",
                self.filepath,
                error,
                aside.name,
            )
            self.user_data = None
            return await super().get_user_data()

    def _dump_singlefile(self) -> None:
        """PTB's writer, pointed at a temporary file that then replaces the real one."""
        final = self.filepath
        temporary = final.with_name(final.name + ".tmp")
        self.filepath = temporary
        try:
            super()._dump_singlefile()
        finally:
            self.filepath = final
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        temporary.chmod(0o600)
        os.replace(temporary, final)
