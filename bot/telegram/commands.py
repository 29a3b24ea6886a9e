"""The bot's command menu (from faq.yaml), published when the bot starts."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats
from telegram.error import TelegramError

from bot.content import Content

log = logging.getLogger(__name__)

# Commands offered in private chats, in menu order.
PRIVATE_COMMANDS = ("start", "topics", "doctor", "cancel", "help", "about", "privacy", "forget")
# In groups the bot reads only commands and replies, so /ask leads.
GROUP_COMMANDS = ("ask", "topics", "help", "about", "privacy")


def bot_commands(content: Content, names: tuple[str, ...]) -> list[BotCommand]:
    return [BotCommand(name, content.commands[name]) for name in names]


async def publish_commands(bot: Bot, content: Content) -> None:
    """setMyCommands for private chats (the default) and for groups.

    A failure is logged and otherwise ignored: the bot works without a menu.
    """
    try:
        await bot.set_my_commands(bot_commands(content, PRIVATE_COMMANDS))
        await bot.set_my_commands(
            bot_commands(content, GROUP_COMMANDS), scope=BotCommandScopeAllGroupChats()
        )
    except TelegramError as error:
        log.warning("could not set the command menu: %s", error)
