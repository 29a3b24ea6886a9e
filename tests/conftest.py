"""Fixtures of every layer: the real content, a brain built from it, the local Bot API server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.brain import Brain
from bot.content import Content
from tests.fake_bot_api import FakeBotAPI
from tests.support import FAQ, brain_once, load_content_once


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content_once(FAQ)


@pytest.fixture(scope="session")
def brain(content: Content) -> Brain:
    return brain_once(content)


@pytest.fixture
def server() -> Iterator[FakeBotAPI]:
    """A local Bot API server; the test fails if the bot caused any 4xx."""
    with FakeBotAPI() as api:
        yield api
        # The bot never sent anything Telegram would have refused.
        assert api.errors == []


# The longest tests (seconds each: a benchmark run, cross-validation folds,
# back-off waits) start first, so that no worker is left with one at the end.
LONG_FIRST = (
    "tests/e2e/test_bench_smoke.py",
    "tests/quality/test_answer_quality.py::test_real_wording_is_answered_by_folds",
    "tests/quality/test_answer_quality.py::test_content_generalises",
    "tests/e2e/test_telegram_runner.py::test_a_second_poller",
    "tests/e2e/test_telegram_webhook.py::test_start_up_retries",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next(
            (i for i, p in enumerate(LONG_FIRST) if item.nodeid.startswith(p)), len(LONG_FIRST)
        )

    items.sort(key=rank)  # stable: the rest keep their order
