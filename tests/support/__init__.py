"""Helpers shared by the test layers (tests import from here, never from each other)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from bot.content import Content, load_content

ROOT = Path(__file__).resolve().parent.parent.parent
FAQ = ROOT / "faq.yaml"
PHRASINGS = ROOT / "faq-phrasings.yaml"
ARTICLE = ROOT / "docs" / "article.txt"
DATA = ROOT / "tests" / "data"


def load_content_once(path: Path | str) -> Content:
    """load_content, parsed once per version of the file (parsing faq.yaml is the
    slow part of many tests; the content itself is immutable)."""
    stat = os.stat(path)
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@functools.cache
def _load(path: str, mtime_ns: int, size: int) -> Content:
    return load_content(path)
