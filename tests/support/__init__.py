"""Helpers shared by the test layers (tests import from here, never from each other)."""

from __future__ import annotations

import copy
import functools
import os
import shutil
from pathlib import Path
from typing import Any

from bot.brain import Brain
from bot.content import Content, load_content, read_yaml

ROOT = Path(__file__).resolve().parent.parent.parent
FAQ = ROOT / "faq.yaml"
PHRASINGS = ROOT / "faq-phrasings.yaml"
ARTICLE = ROOT / "docs" / "article.txt"
DATA = ROOT / "tests" / "data"


def light_faq(folder: Path) -> Path:
    """faq.yaml as it is, in `folder`, beside an empty phrasings file: its entries,
    answers, alternates, emergency patterns and doctor check, without the real
    wording that takes a second of training each time a Brain is built. For
    tests of processes, reloading and the command line, not of matching."""
    faq = folder / FAQ.name
    if not faq.exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(FAQ, faq)
        (folder / PHRASINGS.name).write_text("{}\n", encoding="utf-8")
    return faq


def load_content_once(path: Path | str) -> Content:
    """load_content, parsed once per version of the file (parsing faq.yaml is the
    slow part of many tests; the content itself is immutable)."""
    stat = os.stat(path)
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@functools.cache
def _load(path: str, mtime_ns: int, size: int) -> Content:
    return load_content(path)


# Training the classifier takes most of a second, and many tests build a bot
# from the same few Content objects: each one's Brain (which keeps no
# per-person state) is built once and shared.
_BRAINS: dict[int, tuple[Content, Brain]] = {}


def brain_once(content: Content) -> Brain:
    """Brain(content), built once per Content object."""
    known = _BRAINS.get(id(content))
    if known is None or known[0] is not content:
        known = _BRAINS[id(content)] = (content, Brain(content))
    return known[1]


def labelled_items(path: Path) -> list[dict[str, Any]]:
    """A labelled set (tests/data/*.yaml) as plain data: parsed once per file,
    a fresh copy each call."""
    return copy.deepcopy(_parsed_items(path))


@functools.cache
def _parsed_items(path: Path) -> list[dict[str, Any]]:
    items = read_yaml(path)
    assert isinstance(items, list), path
    return items
