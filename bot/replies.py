"""What the brain answers: text in sections plus buttons, independent of Telegram."""

from __future__ import annotations

from dataclasses import dataclass

from bot.callbacks import MAX_CALLBACK_DATA_BYTES as MAX_BUTTON_DATA_BYTES
from bot.callbacks import Action, decode

# MAX_BUTTON_DATA_BYTES: Telegram's limit, owned by bot/callbacks.py.
__all__ = ["MAX_BUTTON_DATA_BYTES", "Button", "Reply", "Section"]


@dataclass(frozen=True)
class Button:
    """A button with its callback data (bot/callbacks.py: what pressing it does)."""

    label: str
    data: str

    def __post_init__(self) -> None:
        if not self.label or decode(self.data) is None:
            raise ValueError(f"invalid button {self.label!r} with data {self.data!r}")

    @classmethod
    def of(cls, label: str, action: Action) -> Button:
        """The button that does `action`."""
        return cls(label, action.encode())


@dataclass(frozen=True)
class Section:
    text: str
    title: str | None = None


@dataclass(frozen=True)
class Reply:
    """One message to the user.

    `kind` tells what happened (answer, clarify, fallback, smalltalk,
    emergency, check, check-outcome, topics, menu, ...); `entry`, `score` and
    `candidates` describe the matching decision behind an answer or clarify.
    `edit` asks the front end to replace the message whose button was pressed
    (the doctor check moves through one message) instead of sending a new one.
    """

    sections: tuple[Section, ...]
    kind: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    footer: str | None = None
    entry: str | None = None
    score: float = 0.0
    candidates: tuple[str, ...] = ()
    edit: bool = False
    # A short notice shown on top of the chat (Telegram: the button's answer);
    # a reply with a toast and no sections sends no message.
    toast: str | None = None
    # The emergency numbers lead the reply: the full advice, or the one line put
    # before an answer when a red flag may not be happening now.
    urgent: bool = False

    @property
    def text(self) -> str:
        """Plain-text rendering (console, JSON output, tests)."""
        parts = [f"{s.title}\n{s.text}" if s.title else s.text for s in self.sections]
        if self.footer:
            parts.append(self.footer)
        return "\n\n".join(parts)

    @property
    def button_labels(self) -> list[str]:
        return [b.label for row in self.buttons for b in row]

    @property
    def flat_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]
