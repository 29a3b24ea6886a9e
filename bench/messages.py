"""The real message mix: texts of the labelled sets in tests/data (read only).

eval-test.yaml and eval-dev*.yaml hold messages written by people who never saw
faq.yaml: short keyword queries, full questions, typos, off-topic questions,
red flags and small talk, in roughly the proportions the bot meets.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
FAQ = ROOT / "faq.yaml"
MIX_FILES = ("eval-test.yaml", "eval-dev.yaml", "eval-dev2.yaml", "eval-dev3.yaml")
# For the end-to-end and start-up sections, which need more distinct messages.
STREAM_FILES = (*MIX_FILES, "eval-tune.yaml")
SHORT_WORDS = 3
SPECIAL_LABELS = ("off-topic", "emergency", "smalltalk")


@dataclass(frozen=True)
class Message:
    text: str
    label: str  # an entry id, off-topic, emergency or smalltalk

    @property
    def kind(self) -> str:
        if self.label in SPECIAL_LABELS:
            return self.label
        return "short query" if len(self.text.split()) <= SHORT_WORDS else "question"


def load_mix(files: tuple[str, ...] = MIX_FILES) -> list[Message]:
    out: list[Message] = []
    for name in files:
        items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
        for item in items:
            text = str(item["text"])
            if text.strip():
                out.append(Message(text, str(item["expect"])))
    return out


def _variant(text: str, round_: int) -> str:
    """Round 0: the text; odd rounds: its first letter's case flipped (same meaning,
    but not an exact repeat, so the matcher's per-text caches do not answer it)."""
    if round_ % 2 == 0:
        return text
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.swapcase() + text[i + 1 :]
    return text


def stream(messages: list[Message], count: int) -> list[str]:
    """`count` message texts (no commands): the mix, then its variants."""
    texts = [m.text for m in messages if not m.text.startswith("/")]
    return [_variant(texts[i % len(texts)], i // len(texts)) for i in range(count)]


def describe_mix(messages: list[Message]) -> str:
    counts = Counter(m.kind for m in messages)
    order = ("short query", "question", "off-topic", "emergency", "smalltalk")
    parts = ", ".join(f"{counts[k]} {k}" for k in order if counts[k])
    return f"{len(messages)} messages ({parts})"
