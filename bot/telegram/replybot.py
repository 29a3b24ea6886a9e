"""`ReplyBot`: PTB's ExtBot with `send_reply`, the bot's one way of answering a message.

`send_reply` sends exactly the request `send_message` sends for the same arguments
(same method, parameters and parameter order, through the same rate limiter and
retries, see tests/test_telegram_request.py), but does not build a `telegram.Message`
from Telegram's answer: that answer echoes the whole message with its keyboard,
and turning it into PTB objects took about a fifth of the bot's CPU under load
(`python -m bench --sections e2e`) for a value the bot never reads. Errors are
raised as from send_message. A keyboard is serialised once (PTB would do it for
every message: the same JSON, which PTB passes through as it is when it is a str).
"""

from __future__ import annotations

import functools
import json

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.ext import ExtBot

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Keyboards kept serialised (render.py keeps as many built).
KEYBOARDS_CACHED = 1024


class ReplyBot(ExtBot[int]):
    """ExtBot[int]: the rate limiter's per-request argument is an int (max_retries)."""

    async def send_reply(
        self,
        chat_id: int,
        text: str,
        *,
        reply_markup: InlineKeyboardMarkup | None = None,
        reply_parameters: ReplyParameters | None = None,
    ) -> None:
        """send_message(chat_id, text, parse_mode=HTML, link_preview_options=NO_PREVIEW,
        reply_markup=..., reply_parameters=...), returning nothing."""
        await self._post(
            "sendMessage",
            {
                "chat_id": chat_id,
                "text": text,
                "link_preview_options": NO_PREVIEW,
                "parse_mode": ParseMode.HTML,
                "reply_markup": None if reply_markup is None else _as_json(reply_markup),
                "reply_parameters": reply_parameters,
            },
        )


@functools.lru_cache(maxsize=KEYBOARDS_CACHED)
def _as_json(markup: InlineKeyboardMarkup) -> str:
    """What PTB would send for `markup` (RequestParameter: json.dumps of to_dict())."""
    return json.dumps(markup.to_dict())
