"""PicklePersistence that keeps a user's data only while there is something to keep.

PTB writes user_data for every user it has seen, so a plain PicklePersistence
would keep the id of everyone who ever talked to the bot (with an empty dict).
Here an empty user_data is dropped from the file instead: what stays on disk is
exactly the doctor checks in progress.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telegram.ext import PersistenceInput, PicklePersistence

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
