"""Shared fixtures: the real content and a brain built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.brain import Brain
from bot.content import Content, load_content

ROOT = Path(__file__).resolve().parent.parent
FAQ = ROOT / "faq.yaml"
ARTICLE = ROOT.parent / "shared" / "seed" / "article.txt"


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(FAQ)


@pytest.fixture(scope="session")
def brain(content: Content) -> Brain:
    return Brain(content)
