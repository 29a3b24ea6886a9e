"""Reading updates while polling: one update PTB cannot read never stops the others.

PTB reads a getUpdates batch whole. An update it cannot read (an older Bot API
server's poll without fields PTB now requires, say) fails the whole batch, the
Updater's offset never moves past it, and the same batch is fetched again and
again: nobody is answered. FaqBot.get_updates then fetches the batch again raw
(the offset is unchanged, so it is the same batch, perhaps with more after it),
reads each update on its own and puts a bare Update (its id only, which no
handler takes) in place of each one it cannot read, so the Updater confirms it
like any other. Each skipped update is one WARNING line with its id, never its
content.

Each batch read (not merely fetched) is reported to `on_read`: the heartbeat
that `faqbot health` checks, so a bot that fetches but cannot read goes stale.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

log = logging.getLogger(__name__)
# do_api_request("getUpdates") makes PTB suggest get_updates instead: that is
# the call that just failed. Only that suggestion is silenced, once, here (a
# warnings.catch_warnings() around an await would change the filters of every
# task meanwhile).
warnings.filterwarnings(
    "ignore", message=r"Please use 'Bot\.getUpdates' instead", category=PTBUserWarning
)


class FaqBot(ExtBot[int]):
    """ExtBot (its rate limiter's per-request argument an int) that skips unreadable updates."""

    def __init__(
        self, *args: Any, on_read: Callable[[], None] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._on_read = on_read

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: Any = None,  # noqa: ASYNC109 (PTB's signature: the long poll's wait)
        allowed_updates: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> tuple[Update, ...]:
        try:
            updates = await super().get_updates(
                offset=offset,
                limit=limit,
                timeout=timeout,
                allowed_updates=allowed_updates,
                **kwargs,
            )
        except TelegramError:
            raise  # the Updater's retry loop handles these
        except Exception:  # PTB could not read the batch (it logged a redacted line)
            updates = await self._read_one_by_one(offset, limit, allowed_updates)
        if self._on_read is not None:
            self._on_read()
        return updates

    async def _read_one_by_one(
        self,
        offset: int | None,
        limit: int | None,
        allowed_updates: Sequence[str] | None,
    ) -> tuple[Update, ...]:
        parameters: dict[str, Any] = {"offset": offset, "limit": limit, "timeout": 0}
        if allowed_updates is not None:
            parameters["allowed_updates"] = list(allowed_updates)
        raw = await self.do_api_request("getUpdates", api_kwargs=parameters)
        updates = []
        for data in raw if isinstance(raw, list) else []:
            update_id = data.get("update_id") if isinstance(data, dict) else None
            if not isinstance(update_id, int):
                continue  # not an update at all: nothing to confirm it by
            try:
                update = Update.de_json(data, self)
            except Exception as failure:  # whatever PTB raises on data it cannot read
                log.warning(
                    "skipped update %d: it could not be read (%s)",
                    update_id,
                    type(failure).__name__,
                )
                update = Update(update_id)  # confirmed by the Updater, taken by no handler
            self.insert_callback_data(update)
            updates.append(update)
        return tuple(updates)
