"""A console chat with the same brain: buttons become numbered choices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from bot.brain import Brain
from bot.replies import Button, Reply

QUIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit"})


def _for_console(reply: Reply) -> tuple[str, list[Button]]:
    """Plain text of a reply plus its buttons as a numbered list."""
    buttons = reply.flat_buttons
    lines = [reply.text] if reply.sections else []
    if reply.toast:
        lines.insert(0, f"({reply.toast})")
    if buttons:
        lines.append("")
        lines.extend(f"  [{n}] {b.label}" for n, b in enumerate(buttons, 1))
    return "\n".join(lines), buttons


def chat(brain: Brain, read: Callable[[str], str] = input, out: TextIO | None = None) -> None:
    """Run the chat until end of input or /quit."""

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    state: dict[str, Any] = {}
    say("Console chat (no TELEGRAM_BOT_TOKEN set). Type a question, a number to press a")
    say("button, /start, /topics, /doctor, /cancel, /help, /about, or /quit to leave.\n")
    text, buttons = _for_console(brain.welcome(state))
    say(text)

    def leaving_check(reply: Callable[[], Reply]) -> Callable[[], Reply]:
        # As in Telegram: the menu, the topics and /start end a check in progress.
        def command() -> Reply:
            brain.leave_check(state)
            return reply()

        return command

    commands: dict[str, Callable[[], Reply]] = {
        "/start": leaving_check(lambda: brain.welcome(state)),
        "/menu": leaving_check(brain.menu),
        "/topics": leaving_check(brain.topics),
        "/doctor": lambda: brain.start_check(state),
        "/cancel": lambda: brain.cancel_check(state),
        "/help": brain.help,
        "/about": brain.about,
    }
    while True:
        try:
            line = read("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            say("")
            return
        if line.lower() in QUIT_WORDS:
            return
        if line.isdigit() and 1 <= int(line) <= len(buttons):
            reply = brain.on_button(state, buttons[int(line) - 1].data)
        elif line.split(" ", 1)[0].lower() in commands:
            reply = commands[line.split(" ", 1)[0].lower()]()
        elif line.startswith("/") and len(line) > 1 and line[1].isalpha():
            reply = brain.unknown_command()  # /privacy, /forget: Telegram's, not a question
        else:
            reply = brain.on_text(state, line)
        text, shown = _for_console(reply)
        if reply.sections:  # a toast alone (a 👍) leaves the last buttons usable
            buttons = shown
        say("\nbot> " + text)
