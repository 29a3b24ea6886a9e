"""A local fake of the Telegram Bot API for end-to-end tests of the bot."""

from tests.fake_bot_api.server import (
    BOT_BLOCKED,
    BUTTON_DATA_INVALID,
    CHAT_NOT_FOUND,
    CONFLICT_OTHER_POLLER,
    DEFAULT_TOKEN,
    DEFAULT_USER_ID,
    EDIT_NOT_FOUND,
    MESSAGE_NOT_MODIFIED,
    QUERY_TOO_OLD,
    TEXT_EMPTY,
    TEXT_TOO_LONG,
    BotMessage,
    FakeBotAPI,
    parse_html,
)

__all__ = [
    "BOT_BLOCKED",
    "BUTTON_DATA_INVALID",
    "CHAT_NOT_FOUND",
    "CONFLICT_OTHER_POLLER",
    "DEFAULT_TOKEN",
    "DEFAULT_USER_ID",
    "EDIT_NOT_FOUND",
    "MESSAGE_NOT_MODIFIED",
    "QUERY_TOO_OLD",
    "TEXT_EMPTY",
    "TEXT_TOO_LONG",
    "BotMessage",
    "FakeBotAPI",
    "parse_html",
]
