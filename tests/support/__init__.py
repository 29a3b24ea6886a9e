"""Helpers shared by the test layers (tests import from here, never from each other)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
FAQ = ROOT / "faq.yaml"
ARTICLE = ROOT / "docs" / "article.txt"
DATA = ROOT / "tests" / "data"
