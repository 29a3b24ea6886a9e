"""A brain Reply as Telegram HTML text plus an inline keyboard.

Every piece of text (content and anything a user typed) is escaped with
html.escape; the only markup is <b> around section titles and <i> around the
footer (the disclaimer). A message never exceeds Telegram's 4096-character
limit: the body is shortened at a character boundary of the plain text, before
escaping, so a cut never lands inside an escape or a tag, and the footer is
always kept.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.replies import MAX_BUTTON_DATA_BYTES, Button, Reply, Section

# Keyboards kept built (see _keyboard).
KEYBOARDS_CACHED = 1024

MAX_MESSAGE_CHARS = 4096
ELLIPSIS = "…"
# When shortening, prefer to cut at a space if one is this close to the limit.
WORD_BREAK_WINDOW = 80


@dataclass(frozen=True)
class _Piece:
    """Plain text, optionally wrapped in one tag (b or i)."""

    text: str
    tag: str | None = None

    def html(self) -> str:
        escaped = escape(self.text)
        return f"<{self.tag}>{escaped}</{self.tag}>" if self.tag else escaped

    def cost(self) -> int:
        return _cost(self.text, self.tag)


def escape(text: str) -> str:
    """Escape <, > and & for Telegram's HTML parse mode (quotes need no escaping)."""
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _cost(text: str, tag: str | None) -> int:
    """Room a piece takes: its HTML length, or its visible length in UTF-16 code units
    if that is larger (emoji count twice), so both stay within the limit."""
    markup = 2 * len(tag) + 5 if tag else 0
    return max(len(escape(text)) + markup, utf16_len(text))


def _head(section: Section, first: bool) -> list[_Piece]:
    """What comes before a section's text: a blank line and its bold title."""
    head = [] if first else [_Piece("\n\n")]
    if section.title:
        head += [_Piece(section.title, "b"), _Piece("\n")]
    return head


def _shorten(piece: _Piece, room: int) -> _Piece | None:
    """The longest start of `piece` (plus an ellipsis) that fits in `room`."""
    text = piece.text
    lo, hi = 0, len(text)
    while lo < hi:  # the largest n with a fitting text[:n] + ELLIPSIS
        mid = (lo + hi + 1) // 2
        if _cost(text[:mid] + ELLIPSIS, piece.tag) <= room:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return None
    cut = text[:lo]
    space = cut.rfind(" ", max(0, lo - WORD_BREAK_WINDOW))
    if space > 0 and lo < len(text):
        cut = cut[:space]
    return _Piece(cut.rstrip() + ELLIPSIS, piece.tag)


def render_text(reply: Reply, limit: int = MAX_MESSAGE_CHARS) -> str:
    """The reply as HTML: bold titles, italic footer, everything escaped, within `limit`."""
    footer: list[_Piece] = []
    if reply.footer:
        # The footer (the disclaimer) always stays; only a footer that alone would
        # not fit is itself shortened.
        end = _Piece(reply.footer, "i")
        short_end = end if end.cost() <= limit // 2 else _shorten(end, limit // 2)
        footer = [_Piece("\n\n"), short_end] if short_end is not None else []
    # Room for the body, keeping space for an ellipsis that marks a cut.
    reserve = _cost(ELLIPSIS, None)
    room = limit - sum(p.cost() for p in footer) - reserve
    body: list[_Piece] = []
    for n, section in enumerate(reply.sections, 1):
        head = _head(section, first=not body)
        main = _Piece(section.text)
        cost = sum(p.cost() for p in head) + main.cost()
        if cost <= room + (reserve if n == len(reply.sections) else 0):
            body += [*head, main]
            room -= cost
            continue
        # Cut here: the start of this section's text, or, if not even its title and
        # a word fit, nothing of this section (no dangling titles).
        left = room + reserve - (cost - main.cost())
        short = _shorten(main, left) if left > 0 else None
        body += [*head, short] if short is not None else [_Piece(ELLIPSIS)]
        break
    pieces = [*body, *footer]
    text = "".join(p.html() for p in pieces)
    assert len(text) <= limit
    assert sum(utf16_len(p.text) for p in pieces) <= limit
    return text


def render_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Rows of callback buttons as the brain laid them out; None when there are none."""
    return _keyboard(reply.buttons)


# Most replies carry one of a few keyboards (an entry's related questions and
# feedback buttons, the menu, the topics pages); PTB's objects are immutable.
@functools.lru_cache(maxsize=KEYBOARDS_CACHED)
def _keyboard(layout: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    for row in layout:
        buttons = []
        for button in row:
            assert 0 < len(button.data.encode("utf-8")) <= MAX_BUTTON_DATA_BYTES, button
            buttons.append(InlineKeyboardButton(button.label, callback_data=button.data))
        if buttons:
            rows.append(buttons)
    return InlineKeyboardMarkup(rows) if rows else None


def render(reply: Reply) -> tuple[str, InlineKeyboardMarkup | None]:
    """HTML text and keyboard for one reply."""
    return render_text(reply), render_keyboard(reply)
