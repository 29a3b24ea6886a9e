"""What the brain answers: text in sections plus buttons, independent of Telegram."""

from __future__ import annotations

from dataclasses import dataclass

# Telegram's limit for callback data, in bytes.
MAX_BUTTON_DATA_BYTES = 64


@dataclass(frozen=True)
class Button:
    label: str
    data: str

    def __post_init__(self) -> None:
        size = len(self.data.encode("utf-8"))
        if not self.label or not 0 < size <= MAX_BUTTON_DATA_BYTES:
            raise ValueError(f"invalid button {self.label!r} with {size}-byte data")


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
