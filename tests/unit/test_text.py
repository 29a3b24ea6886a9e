"""normalize: plain-ASCII messages take a fast path (one translate call, and
the regular expressions only where a quick search finds work for them) that
must equal the general, character-by-character path."""

from __future__ import annotations

import random
import string
from pathlib import Path
from typing import Any

from bot import text as bot_text
from bot.text import _char_by_char, normalize
from tests.support import labelled_items


def _load(path: Path) -> list[dict[str, Any]]:
    return labelled_items(path)


def _slow(text: str) -> str:
    """normalize without the ASCII table (the general path for every message)."""
    text = _char_by_char(text[: bot_text.MAX_READ_CHARS * 2])
    text = bot_text._DIGIT_ALPHA.sub(" ", text)
    text = bot_text._REPEATS.sub(r"\1", text)
    return " ".join(text.split())[: bot_text.MAX_READ_CHARS].strip()


def test_ascii_fast_path_equals_the_general_path() -> None:
    rng = random.Random(7)
    alphabet = string.printable + "\x00\x01\x1b\x7f'`_"
    samples = [chr(i) for i in range(128)]
    samples += ["Can't STOP twitchinggg!!! 400mg/day?", "a_b", "x'y `z`", "1st 2nd", "\tmg\n"]
    samples += ["heyyy", "AAAh", "zzzz1", "sooo 3kk", "mg400", "4oo", "aa-a", "bbb_b"]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80))) for _ in range(3000)
    ]
    # A small alphabet, so that letters repeated three times and digits next to
    # letters (which the fast path looks for before rewriting) are common.
    samples += [
        "".join(rng.choice("aAb1 ._") for _ in range(rng.randint(1, 30))) for _ in range(3000)
    ]
    for sample in samples:
        assert sample.isascii()
        assert normalize(sample) == _slow(sample), repr(sample)


def test_non_ascii_messages_still_normalised() -> None:
    assert normalize("Ｍａｇｎｅｓｉｕｍ\u200b  café’s") == "magnesium cafés"


def test_a_format_character_inside_a_word_keeps_the_word_whole() -> None:
    # A soft hyphen split "magne-sium" in two: "did you mean" instead of the answer.
    assert normalize("high in magne\u00adsium") == "high in magnesium"
    assert normalize("magne\u200dsium") == "magnesium"
    # A zero-width space or an invisible separator separates words, as control
    # characters do: "my dad is having a seizure" typed with them is still that.
    assert normalize("my\u200bdad\u2063is") == "my dad is"
    assert normalize("lip\ttwitch\nfoods") == "lip twitch foods"
