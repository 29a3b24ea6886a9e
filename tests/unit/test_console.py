"""The console chat's commands behave as Telegram's: the menu, the topics and
/start end a check in progress, and a command it does not know is not read as
a question."""

from __future__ import annotations

import io

from bot.brain import Brain
from bot.console import chat
from bot.content import Content


def _session(brain: Brain, *lines: str) -> str:
    typed = iter(lines)

    def read(_prompt: str) -> str:
        # The end of the lines is the end of input, as Ctrl-D.
        line = next(typed, None)
        if line is None:
            raise EOFError
        return line

    out = io.StringIO()
    chat(brain, read, out)
    return out.getvalue()


def test_topics_ends_a_check_and_the_next_question_is_answered(brain: Brain) -> None:
    out = _session(brain, "/doctor", "/topics", "which foods have magnesium")
    last = out.rsplit("bot> ", 1)[1]
    assert "Excellent food sources of magnesium" in last
    assert "middle of the doctor check" not in out


def test_an_unknown_command_is_not_read_as_a_question(brain: Brain, content: Content) -> None:
    for command in ("/privacy", "/forget", "/foo"):
        last = _session(brain, command).rsplit("bot> ", 1)[1]
        assert last.startswith(content.ui["unknown_command"])
