"""What an inline button does: one frozen dataclass per action, and its callback data.

Telegram keeps at most 64 bytes of callback data per button and hands them back,
unverified, when the button is pressed: any client can send any string. `encode()`
gives an action's data (CallbackDataTooLong past the limit); `decode()` reads data
back and returns None for anything that is not exactly one of these actions
(forged, damaged, or from a bot long gone), which callers answer with the polite
"expired" reply. Whether an entry still exists or a check button is still current
is the brain's business, not the protocol's.

The data as sent (kept as it was, so buttons already in people's chats still work):
  e:<entry id>                 ShowEntry
  m / h / n                    Menu / HowToAsk / NoneOfThese
  t / t:<page>                 Topics (page 0 is plain "t")
  d                            StartCheck (or restart it)
  c:<nonce>:<depth>:<option>   CheckAnswer: answer the current step of the check
  b:<nonce>:<depth>            CheckBack
  x:<nonce>                    CheckCancel
  f:<entry id>:up / :down      Feedback on an answer
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

# Telegram's limit for callback data, in bytes (UTF-8).
MAX_CALLBACK_DATA_BYTES = 64
# Numbers in callback data: pages, depths and options; four digits are plenty.
MAX_NUMBER = 9999
_ID = r"[A-Za-z0-9_-]{1,60}"
_NONCE = r"[A-Za-z0-9]{1,16}"
_NUMBER = r"[0-9]{1,4}"


class CallbackDataTooLong(ValueError):
    """An action whose data would exceed Telegram's 64 bytes (a content or code bug)."""


def _is(value: str, pattern: str) -> bool:
    return re.fullmatch(pattern, value) is not None


def _check(value: str, pattern: str, what: str) -> None:
    if not _is(value, pattern):
        raise ValueError(f"invalid {what} {value!r} for callback data")


def _check_number(value: int, what: str) -> None:
    if not 0 <= value <= MAX_NUMBER:
        raise ValueError(f"{what} {value} is outside 0..{MAX_NUMBER}")


class _Action:
    """Base of the actions: encode() with the size limit."""

    def _data(self) -> str:
        raise NotImplementedError

    def encode(self) -> str:
        data = self._data()
        size = len(data.encode("utf-8"))
        if size > MAX_CALLBACK_DATA_BYTES:
            raise CallbackDataTooLong(
                f"{type(self).__name__} needs {size} bytes of callback data, "
                f"Telegram keeps {MAX_CALLBACK_DATA_BYTES}"
            )
        return data


@dataclass(frozen=True)
class ShowEntry(_Action):
    entry_id: str

    def __post_init__(self) -> None:
        _check(self.entry_id, _ID, "entry id")

    def _data(self) -> str:
        return f"e:{self.entry_id}"


@dataclass(frozen=True)
class _Plain(_Action):
    """An action without arguments: its data is one letter."""

    code: ClassVar[str]

    def _data(self) -> str:
        return self.code


@dataclass(frozen=True)
class Menu(_Plain):
    code = "m"


@dataclass(frozen=True)
class HowToAsk(_Plain):
    code = "h"


@dataclass(frozen=True)
class NoneOfThese(_Plain):
    code = "n"


@dataclass(frozen=True)
class StartCheck(_Plain):
    code = "d"


@dataclass(frozen=True)
class Topics(_Action):
    page: int = 0

    def __post_init__(self) -> None:
        _check_number(self.page, "page")

    def _data(self) -> str:
        return f"t:{self.page}" if self.page else "t"


@dataclass(frozen=True)
class CheckAnswer(_Action):
    nonce: str
    depth: int
    option: int

    def __post_init__(self) -> None:
        _check(self.nonce, _NONCE, "nonce")
        _check_number(self.depth, "depth")
        _check_number(self.option, "option")

    def _data(self) -> str:
        return f"c:{self.nonce}:{self.depth}:{self.option}"


@dataclass(frozen=True)
class CheckBack(_Action):
    nonce: str
    depth: int

    def __post_init__(self) -> None:
        _check(self.nonce, _NONCE, "nonce")
        _check_number(self.depth, "depth")

    def _data(self) -> str:
        return f"b:{self.nonce}:{self.depth}"


@dataclass(frozen=True)
class CheckCancel(_Action):
    nonce: str

    def __post_init__(self) -> None:
        _check(self.nonce, _NONCE, "nonce")

    def _data(self) -> str:
        return f"x:{self.nonce}"


@dataclass(frozen=True)
class Feedback(_Action):
    entry_id: str
    helpful: bool

    def __post_init__(self) -> None:
        _check(self.entry_id, _ID, "entry id")

    def _data(self) -> str:
        return f"f:{self.entry_id}:{'up' if self.helpful else 'down'}"


Action = (
    ShowEntry
    | Menu
    | HowToAsk
    | NoneOfThese
    | StartCheck
    | Topics
    | CheckAnswer
    | CheckBack
    | CheckCancel
    | Feedback
)

# The actions whose data is a single letter.
_PLAIN: dict[str, Action] = {
    a.encode(): a for a in (Menu(), HowToAsk(), NoneOfThese(), StartCheck(), Topics())
}


def decode(data: str) -> Action | None:
    """The action `data` encodes; None if it is not exactly one (forged or unknown)."""
    if len(data.encode("utf-8", "surrogatepass")) > MAX_CALLBACK_DATA_BYTES:
        return None
    match data.split(":"):
        case [code] if code in _PLAIN:
            return _PLAIN[code]
        case ["e", entry_id] if _is(entry_id, _ID):
            return ShowEntry(entry_id)
        case ["t", page] if _is(page, _NUMBER):
            return Topics(int(page))
        case ["c", nonce, depth, option] if (
            _is(nonce, _NONCE) and _is(depth, _NUMBER) and _is(option, _NUMBER)
        ):
            return CheckAnswer(nonce, int(depth), int(option))
        case ["b", nonce, depth] if _is(nonce, _NONCE) and _is(depth, _NUMBER):
            return CheckBack(nonce, int(depth))
        case ["x", nonce] if _is(nonce, _NONCE):
            return CheckCancel(nonce)
        case ["f", entry_id, ("up" | "down") as vote] if _is(entry_id, _ID):
            return Feedback(entry_id, helpful=vote == "up")
    return None
