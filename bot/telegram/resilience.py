"""What keeps replies flowing when Telegram is slow, flaky or flooded.

RetryingRateLimiter
    PTB's AIORateLimiter (Telegram's flood limits; a 429 is retried after its
    retry_after, FLOOD_RETRIES times) plus a few retries, with growing pauses,
    of requests that failed on the way: 5xx answers, connection errors and
    timeouts. 4xx answers other than 429 (bad request, blocked by the user,
    conflict, bad token) are never retried; nothing is retried forever. A
    request that timed out may have reached Telegram, so a retried reply can
    on rare occasions arrive twice; that is preferred to losing it.

QuietRequest
    PTB's HTTPXRequest, except that an answer that is not JSON (a proxy's HTML
    error page) is not logged at ERROR with its whole body by PTB: the failure
    is described in one WARNING line by whoever retries it.

PerUserUpdateProcessor
    Updates of different users are handled concurrently, each user's one at a
    time and in order (the doctor check is per-user state). An update first
    waits for its user's turn and only then for one of the MAX_CONCURRENT_UPDATES
    slots, so a user's queued updates hold no slot: a send that hangs until its
    timeout, or a burst from one user, delays only that user's next updates and
    takes one slot, not everyone's.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, BaseUpdateProcessor
from telegram.request import HTTPXRequest

from bot.telegram.logging_setup import redact

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]

# Retries of a request Telegram answered with 429 (flood limit), after its retry_after.
FLOOD_RETRIES = 3
# Attempts of a request that failed with a 5xx, a connection error or a timeout.
NETWORK_ATTEMPTS = 3
# Pause before the first retry; doubled before each further one.
FIRST_BACKOFF_SECONDS = 0.5
# Start-up retries of getMe, deleteWebhook and setWebhook on network trouble (with
# growing pauses, about two minutes in all); a rejected token is not retried.
BOOTSTRAP_RETRIES = 10
# Updates handled at the same time (of different users).
MAX_CONCURRENT_UPDATES = 4
# PTB's own limit, which BaseUpdateProcessor.process_update takes before anything
# else (PTB starts a task per update anyway): never reached, so that updates
# waiting for their user's turn hold none of the slots above.
UNLIMITED_UPDATES = 1_000_000
# PTB appends an answer that is not JSON (a proxy's HTML error page) after this text
# of its exception; tests/test_telegram_faults.py notices if the wording changes.
_UNPARSED_BODY = ". Parsing the server response"
# A failure is described in at most this many characters in a log line.
FAILURE_CHARS = 200


def describe_failure(error: TelegramError) -> str:
    """What went wrong, in one short line: without the body of an answer that was not
    JSON (a 502 page from a proxy is HTML, and says nothing the status does not)."""
    text = " ".join(redact(error.message).split(_UNPARSED_BODY, 1)[0].split())
    return text if len(text) <= FAILURE_CHARS else text[: FAILURE_CHARS - 1] + "…"


class QuietRequest(HTTPXRequest):
    # parse_json_payload is BaseRequest's documented hook for custom JSON decoding.
    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """The answer's JSON object; TelegramError (not logged) if it is not one."""
        try:
            data = json.loads(payload.decode("utf-8", "replace"))
        except ValueError as error:
            raise TelegramError("Invalid server response") from error
        if not isinstance(data, dict):
            raise TelegramError("Invalid server response")
        return data


class RetryingRateLimiter(AIORateLimiter):
    def __init__(
        self,
        max_retries: int = FLOOD_RETRIES,
        *,
        attempts: int = NETWORK_ATTEMPTS,
        backoff: float = FIRST_BACKOFF_SECONDS,
    ) -> None:
        """`max_retries`: of a 429, as AIORateLimiter's; `attempts`: in all, on network trouble."""
        super().__init__(max_retries=max_retries)
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.attempts = attempts
        self.backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        pause = self.backoff
        for attempt in range(1, self.attempts + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as error:
                if isinstance(error, BadRequest) or attempt == self.attempts:
                    raise
                log.warning(
                    "Telegram %s failed (%s); retry %d of %d in %.1f s",
                    endpoint,
                    describe_failure(error),
                    attempt,
                    self.attempts - 1,
                    pause,
                )
            await asyncio.sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")  # pragma: no cover


def update_owner(update: object) -> int | None:
    """Whose updates must stay in order: the user's (or the chat's if there is no user)."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(UNLIMITED_UPDATES)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        owner = update_owner(update)
        if owner is None:
            async with self._slots:
                await coroutine
            return
        lock = self._locks.setdefault(owner, asyncio.Lock())
        self._holders[owner] = self._holders.get(owner, 0) + 1
        try:
            async with lock, self._slots:  # the user's turn first, then a slot
                await coroutine
        finally:
            self._holders[owner] -= 1
            if not self._holders[owner]:
                del self._holders[owner], self._locks[owner]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
