"""Fixtures of every layer: the real content, a brain built from it, the local Bot API server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.brain import Brain
from bot.content import Content
from tests.fake_bot_api import FakeBotAPI
from tests.support import FAQ, load_content_once


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content_once(FAQ)


@pytest.fixture(scope="session")
def brain(content: Content) -> Brain:
    return Brain(content)


@pytest.fixture
def server() -> Iterator[FakeBotAPI]:
    """A local Bot API server; the test fails if the bot caused any 4xx."""
    with FakeBotAPI() as api:
        yield api
        # The bot never sent anything Telegram would have refused.
        assert api.errors == []
