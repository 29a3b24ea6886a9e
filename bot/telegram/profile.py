"""The bot's Telegram profile (from faq.yaml's `profile`), set when the bot starts:
the description people see in an empty chat before /start, and the short one on
the bot's profile page and in shared links."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.content import Content

log = logging.getLogger(__name__)


async def publish_profile(bot: Bot, content: Content) -> None:
    """setMyDescription and setMyShortDescription. A failure is one WARNING line;
    the bot works without them (Telegram keeps showing the previous texts)."""
    try:
        await bot.set_my_description(content.profile["description"])
        await bot.set_my_short_description(content.profile["short_description"])
    except TelegramError as error:
        log.warning("could not set the bot's description: %s", error)
