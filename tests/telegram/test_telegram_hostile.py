"""Hostile and odd input, end to end: a few hundred generated messages, forged button
payloads and inline queries through the fake Bot API into the real Application.

The generator is seeded (the same input every run, so a failure reproduces):
unicode from many scripts, control characters, right-to-left and zero-width
marks, 4096+ characters, HTML and Markdown fragments, emoji only, and commands
with odd payloads. The bot must not crash or log a warning, must cause no 4xx
(the `server` fixture checks server.errors), must answer every message exactly
once, and every reply must be within Telegram's limits.
"""

from __future__ import annotations

import asyncio
import logging
import random
from pathlib import Path

import pytest

from bot.brain import Brain
from bot.content import Content
from tests.fake_bot_api import FakeBotAPI
from tests.support.bots import serving

SEED = 20_241_128
FIRST_USER = 610_000
USERS = 40
MESSAGES = 320
FORGED_PRESSES = 80
INLINE_QUERIES = 40
WAIT = 60.0

SCRIPTS = [
    (0x0041, 0x007A),  # Latin
    (0x00C0, 0x024F),  # Latin extended
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x0590, 0x05FF),  # Hebrew
    (0x0600, 0x06FF),  # Arabic
    (0x0900, 0x097F),  # Devanagari
    (0x0E00, 0x0E7F),  # Thai
    (0x3040, 0x30FF),  # Kana
    (0x4E00, 0x4FFF),  # CJK
    (0xAC00, 0xAD00),  # Hangul
    (0x0300, 0x036F),  # combining marks
    (0x2200, 0x22FF),  # maths
    (0xFF01, 0xFF5E),  # full width
    (0x1D400, 0x1D7FF),  # mathematical alphanumerics (outside the BMP)
]
EMOJI = [
    "😀", "🧲", "💊", "👄", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇩🇪", "❤️", "🫠", "🥑", "🍌", "1️⃣", "🔥",
]  # fmt: skip
CONTROL = [chr(c) for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
BIDI = ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]
MARKUP = [
    "<b>", "</b>", "<i>x</i>", "<a href='javascript:alert(1)'>x</a>", "<script>alert(1)</script>",
    "&amp;", "&lt;", "&#0;", "&#x110000;", "&bogus;", "&", "<tg-spoiler>", "<pre><code>",
    "<!-- c -->", "<![CDATA[x]]>", "*bold*", "_it_", "`code`", "```py\nx```", "[l](http://x)",
    "||s||", "~~s~~", "\\", "%s %d {0} {}", "${x}", "'; DROP TABLE questions; --", "\r\n",
]  # fmt: skip
WORDS = [
    "magnesium", "lip", "twitching", "foods", "doctor", "deficiency", "eyelid", "stress",
    "supplement", "how much", "why", "?", "!!!", "and", "MAGNESIUM", "twitchy", "caffeine",
]  # fmt: skip
PAYLOADS = [
    "", "check", "foods", "CHECK", "../../etc/passwd", "x" * 64, "x" * 300, "🧲", "a b",
    "foods\x00", "<b>", "%00", "-", "_", "inline", "e:foods", "c:000000:0:0",
]  # fmt: skip
COMMANDS = [
    "/start", "/help", "/doctor", "/cancel", "/topics", "/about", "/privacy", "/forget",
    "/ask", "/stats", "/reload", "/menu", "/DOCTOR", "/start@magnesium_faq_bot",
    "/start@other_bot", "/" + "a" * 40, "/", "//", "/ask@magnesium_faq_bot", "/nonsense",
]  # fmt: skip


def _script_text(rng: random.Random, length: int) -> str:
    lo, hi = rng.choice(SCRIPTS)
    return "".join(chr(rng.randint(lo, hi)) for _ in range(length))


def _sprinkle(rng: random.Random, text: str, marks: list[str]) -> str:
    return "".join(c + (rng.choice(marks) if rng.random() < 0.3 else "") for c in text)


def odd_message(rng: random.Random) -> str:
    kind = rng.randrange(11)
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
    if kind == 0:
        return _script_text(rng, rng.randint(1, 200))
    if kind == 1:
        return _sprinkle(rng, words, CONTROL)
    if kind == 2:
        return rng.choice(BIDI) + _script_text(rng, 20) + " " + _sprinkle(rng, words, BIDI)
    if kind == 3:
        return _sprinkle(rng, words, INVISIBLE)
    if kind == 4:
        unit = rng.choice([words + " ", "🧲", "&<>", "ж", "𝐚"])
        return (unit * (4200 // len(unit) + 1))[: rng.choice([4096, 4097, 5000, 12000])]
    if kind == 5:
        return " ".join(rng.choice(MARKUP + WORDS) for _ in range(rng.randint(1, 12)))
    if kind == 6:
        return "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 30)))
    if kind == 7:
        return f"{rng.choice(COMMANDS)} {rng.choice(PAYLOADS)}".rstrip() or "/"
    if kind == 8:
        return rng.choice(
            ["ｍａｇｎｅｓｉｕｍ ｆｏｏｄｓ", "ﬁsh magnesium", "İSTANBUL MAGNESİUM", "Ⅸ ß ǅ"]
        )
    if kind == 9:
        return rng.choice(["   ", "\n\n", "\t", ".", "?", "…", "\u3000", "\u00a0"]) * rng.randint(
            1, 5
        )
    return words + " " + rng.choice(MARKUP) + " " + rng.choice(EMOJI)


def forged_payload(rng: random.Random) -> str | None:
    kind = rng.randrange(6)
    if kind == 0:
        return None  # a button without callback data
    if kind == 1:
        alphabet = "cbxefdtmhn:0123456789abcdef-_/ "
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 64)))
    if kind == 2:
        number = rng.choice(["-1", "99999999999999999999", "1e9", "0x10", "", "NaN", "٣"])
        return f"{rng.choice('cbx')}:{rng.choice(['ffffff', '', 'ZZZZZZ'])}:{number}:{number}"
    if kind == 3:
        return rng.choice(["e:", "e:../foods", "f:foods:sideways", "f::up", "f:nope:down"])
    if kind == 4:
        return _script_text(rng, 10)[:16]  # at most 64 bytes
    return rng.choice(["::::", "c", "b:", "x:", ":", "t:", "m:extra", "d:x", "\x00"])


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.asyncio
async def test_hundreds_of_odd_messages_and_forged_buttons(
    server: FakeBotAPI,
    content: Content,
    brain: Brain,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    rng = random.Random(SEED)
    users = [FIRST_USER + i for i in range(USERS)]
    sent: dict[int, int] = dict.fromkeys(users, 0)
    async with serving(server, content, tmp_path / "data"):
        # 1. Odd messages from many users at once.
        for _ in range(MESSAGES):
            user = rng.choice(users)
            server.send_message(odd_message(rng), user_id=user, first_name=_script_text(rng, 5))
            sent[user] += 1
        # Every reply (a busy machine can pause the bot longer than wait_idle's quiet
        # time), then quiet, then not one reply too many.
        await asyncio.to_thread(
            server.wait_until,
            lambda: all(len(server.bot_messages(u)) >= sent[u] for u in users),
            WAIT,
            "some messages got no reply",
        )
        await asyncio.to_thread(server.wait_idle, WAIT)
        for user in users:
            assert len(server.bot_messages(user)) == sent[user], user  # one reply each

        # 2. Forged button payloads under the bot's real messages (a modified client
        #    can send any callback data; the message itself must exist).
        queries = []
        repeats = set()  # the same payload on the same message again: a double tap
        pressed = set()
        for _ in range(FORGED_PRESSES):
            data = forged_payload(rng)
            if data is not None and brain.on_button({}, data).kind != "expired":
                continue  # not forged after all (e.g. "t" is the topics button)
            user = rng.choice(users)
            message = rng.choice(server.bot_messages(user))
            queries.append(server.press_button(message.message_id, user, data, user))
            if (user, message.message_id, data) in pressed:
                repeats.add(queries[-1])
            pressed.add((user, message.message_id, data))
        await asyncio.to_thread(
            server.wait_until,
            lambda: set(queries) <= set(server.answered_callbacks),
            WAIT,
            "some button presses were not answered",
        )
        await asyncio.to_thread(server.wait_idle, WAIT)
        answered = server.answered_callbacks
        assert len(queries) > FORGED_PRESSES // 2
        for query in queries:
            # A repeat within seconds is a double tap: answered, without a second toast.
            expected = {content.ui["expired_short"]} | ({None} if query in repeats else set())
            assert answered[query].get("text") in expected, query

        # 3. Odd inline queries (Telegram sends at most 256 characters).
        inline = [
            server.inline_query(odd_message(rng)[:256], user_id=rng.choice(users))
            for _ in range(INLINE_QUERIES)
        ]
        await asyncio.to_thread(
            server.wait_until,
            lambda: set(inline) <= set(server.inline_answers),
            WAIT,
            "some inline queries were not answered",
        )
        await asyncio.to_thread(server.wait_idle, WAIT)
        answers = server.inline_answers
        assert set(inline) <= set(answers)
        for query in inline:
            results = answers[query]["results"]
            assert 0 < len(results) <= 50
            for result in results:
                assert 0 < len(result["id"].encode()) <= 64
                assert _utf16(result["input_message_content"]["message_text"]) <= 4096

    # Every reply within Telegram's limits (the fake refuses anything else, too).
    for user in users:
        for message in server.bot_messages(user):
            assert 0 < _utf16(message.text) <= 4096
            assert len(message.buttons) <= 100
            for button in message.buttons:
                assert button["text"].strip()
                assert 0 < len(button["callback_data"].encode()) <= 64
    for answer in server.answered_callbacks.values():
        assert len(answer.get("text", "")) <= 200
    # No crash, no unhandled error, no retry: nothing at WARNING or above.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
