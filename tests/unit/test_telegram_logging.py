"""What the operator's logs show: bot tokens of any shape redacted."""

from __future__ import annotations

import pytest

from bot.telegram.logging_setup import REDACTED, redact


@pytest.mark.parametrize(
    "token",
    [
        "123456:" + "A" * 35,  # Telegram's shape today
        "7:" + "b9-_" * 4,  # a short bot id and a 16-character secret
        "123456789012:" + "Zx9" * 30,  # a long id and a 90-character secret
    ],
)
def test_any_bot_token_shape_is_redacted(token: str) -> None:
    line = redact(f"POST https://api.telegram.org/bot{token}/getMe failed")
    assert token.partition(":")[2] not in line
    assert REDACTED in line


def test_times_and_ports_are_not_mistaken_for_tokens() -> None:
    line = "retry at 10:30 via 127.0.0.1:8443, took 02:13:26"
    assert redact(line) == line
