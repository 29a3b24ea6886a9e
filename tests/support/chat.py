"""A Telegram user in one chat, talking to the bot through the local Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tests.fake_bot_api import BotMessage, FakeBotAPI

# Seconds a test waits for the bot's reply before it fails: the waits end as soon as
# the reply is there, so a generous limit costs nothing, and a /reload (a new brain
# trained in about a second) still fits on a machine that is busy elsewhere.
WAIT = 15.0

Snapshot = list[tuple[int, str, Any]]


class Chat:
    """One user in one chat, talking to the bot through the fake server."""

    def __init__(
        self, server: FakeBotAPI, chat_id: int, user_id: int, chat_type: str = "private"
    ) -> None:
        self.server, self.chat_id, self.user_id, self.chat_type = (
            server,
            chat_id,
            user_id,
            chat_type,
        )

    def messages(self) -> list[BotMessage]:
        return self.server.bot_messages(self.chat_id)

    def snapshot(self) -> Snapshot:
        return [(m.message_id, m.text, m.reply_markup) for m in self.messages()]

    async def wait(self, predicate: Callable[[], bool], what: str) -> None:
        await asyncio.to_thread(self.server.wait_until, predicate, WAIT, what)

    async def change(self, before: Snapshot) -> BotMessage:
        """The message the bot sent or edited since `before` (once the bot has taken
        every update: in process, that is once it has handled them)."""

        def answered() -> bool:
            return self.snapshot() != before and not self.server.pending_updates

        await self.wait(answered, "the bot did not answer")
        old = {m[0]: m for m in before}
        for message in reversed(self.messages()):
            key = (message.message_id, message.text, message.reply_markup)
            if old.get(message.message_id) != key:
                return message
        raise AssertionError("no changed message")

    async def say(self, text: str, **kwargs: Any) -> BotMessage:
        before = self.snapshot()
        self.send(text, **kwargs)
        return await self.change(before)

    def send(self, text: str, **kwargs: Any) -> dict[str, Any]:
        return self.server.send_message(
            text,
            user_id=self.user_id,
            chat_id=self.chat_id,
            chat_type=self.chat_type,
            **kwargs,
        )

    async def silence(self, act: Callable[[], object]) -> None:
        """`act` gets no reply at all."""
        before = self.snapshot()
        act()
        await asyncio.to_thread(self.server.wait_idle, WAIT)
        assert self.snapshot() == before

    async def press_data(
        self, message_id: int, data: str, **kwargs: Any
    ) -> tuple[BotMessage, dict[str, Any]]:
        before = self.snapshot()
        query = self.server.press_button(message_id, self.chat_id, data, self.user_id, **kwargs)
        answer = await asyncio.to_thread(self.server.wait_for_callback_answer, query, WAIT)
        return await self.change(before), answer

    async def press(self, message: BotMessage, label: str) -> BotMessage:
        data = message.button(label)["callback_data"]
        reply, answer = await self.press_data(message.message_id, data)
        assert "text" not in answer  # a plain answer: the spinner stops, no alert
        return reply
