"""Updates of one user one at a time and in order; other users' never wait behind them.

PerUserUpdateProcessor is driven directly (the in-process harness hands updates to
Application.process_update one by one, past it), with handlers that run until the
test releases them: what may run, and in what order, follows from events alone.
"""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update

from bot.telegram.resilience import PerUserUpdateProcessor
from tests.support.chat import WAIT

SLOTS = 2
ALICE, BOB, CAROL = 101, 102, 103


def _update(user: int, update_id: int) -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": user, "type": "private"},
                "from": {"id": user, "is_bot": False, "first_name": "U"},
                "text": "hi",
            },
        },
        None,
    )


class Handling:
    """Handlers that note when they start and finish only when released."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.running: set[str] = set()
        self._began: dict[str, asyncio.Event] = {}
        self._release: dict[str, asyncio.Event] = {}

    def _event(self, events: dict[str, asyncio.Event], name: str) -> asyncio.Event:
        return events.setdefault(name, asyncio.Event())

    async def handler(self, name: str) -> None:
        self.started.append(name)
        self.running.add(name)
        self._event(self._began, name).set()
        await self._event(self._release, name).wait()
        self.running.discard(name)

    async def began(self, name: str) -> None:
        await asyncio.wait_for(self._event(self._began, name).wait(), WAIT)

    def release(self, name: str) -> None:
        self._event(self._release, name).set()


async def _settle() -> None:
    """Let every task that can run get as far as it can."""
    for _ in range(20):
        await asyncio.sleep(0)


@pytest.mark.asyncio
async def test_one_users_burst_never_holds_the_slots_others_need() -> None:
    processor = PerUserUpdateProcessor(SLOTS)
    handling = Handling()
    tasks: list[asyncio.Task[None]] = []

    def arrive(user: int, name: str) -> None:
        update = _update(user, len(tasks) + 1)
        coroutine = handling.handler(name)
        tasks.append(asyncio.create_task(processor.process_update(update, coroutine)))

    for n in range(2 * SLOTS + 1):  # Alice's burst: more updates than there are slots
        arrive(ALICE, f"alice-{n}")
    arrive(BOB, "bob")
    # Bob is handled at once, while Alice's first update still runs.
    await handling.began("bob")
    await _settle()
    assert handling.running == {"alice-0", "bob"}

    # The slots are still the limit: Carol waits until one is free.
    arrive(CAROL, "carol")
    await _settle()
    assert "carol" not in handling.started
    handling.release("bob")
    await handling.began("carol")

    # Alice's updates run one at a time, in the order they came.
    for n in range(2 * SLOTS + 1):
        await handling.began(f"alice-{n}")
        await _settle()
        assert [name for name in handling.running if name.startswith("alice")] == [f"alice-{n}"]
        handling.release(f"alice-{n}")
    handling.release("carol")
    await asyncio.gather(*tasks)
    assert [name for name in handling.started if name.startswith("alice")] == [
        f"alice-{n}" for n in range(2 * SLOTS + 1)
    ]
    assert processor._locks == {}  # nothing kept once everyone's updates are done
