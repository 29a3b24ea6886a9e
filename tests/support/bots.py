"""The bot as production builds it (build_application), run two ways for tests.

`running`, the telegram/ layer: in this process, without HTTP or flood-limit
pacing. A stand-in for the request object hands each Bot API call straight to
the local server's handler (which validates and records it as Telegram would),
and queued updates go to `Application.process_update` one at a time, confirmed
with getUpdates offsets as a poller confirms them. No sockets, no long polls.

`polling`, the e2e/ layer: the real thing over HTTP, polling the local server.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlencode, urlsplit

from telegram import Update
from telegram.ext import AIORateLimiter
from telegram.request import BaseRequest, RequestData

from bot.config import Settings
from bot.content import Content
from bot.telegram.app import FaqApplication, build_application
from tests.fake_bot_api import FakeBotAPI
from tests.support import brain_once
from tests.support.chat import WAIT

# How long the in-process poller's getUpdates waits for an update; bounds how
# long stopping takes (an update arriving meanwhile is handed over at once).
IN_PROCESS_POLL_S = 0.05
# How PTB sends parameters: a form of JSON-encoded values.
FORM = "application/x-www-form-urlencoded"


def lift_flood_limits(app: FaqApplication) -> None:
    """Lift the overall limit of the app's AIORateLimiter (Telegram's 30 messages/s;
    PTB has no public way to change an installed limiter): the state that
    AIORateLimiter(overall_max_rate=0) builds. Its 429 and error retries stay."""
    limiter = app.bot.rate_limiter
    if isinstance(limiter, AIORateLimiter):
        limiter._base_limiter = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _settings(server: FakeBotAPI, content: Content, state_file: Path, **overrides: Any) -> Settings:
    return Settings(
        server.token, server.base_url, Path(content.path), state_file.parent, "INFO", **overrides
    )


class _InProcessCalls:
    """Bot API calls answered by the local server's handler in this process."""

    def __init__(self, server: FakeBotAPI) -> None:
        self.server = server

    def call(self, url: str, form: str) -> tuple[int, bytes]:
        split = urlsplit(url)
        path = split.path + (f"?{split.query}" if split.query else "")
        status, payload = self.server._handle(path, FORM, form.encode())
        return status, json.dumps(payload).encode()

    def as_do_request(self) -> Any:
        """A stand-in for BaseRequest.do_request (set on the request's class, which
        has no instance dict): answers the call here instead of over HTTP."""

        async def do_request(
            request: BaseRequest,
            url: str,
            method: str,
            request_data: RequestData | None = None,
            *args: Any,
            **kwargs: Any,
        ) -> tuple[int, bytes]:
            form = request_data.url_encoded_parameters() if request_data is not None else ""
            return self.call(url, form)

        return do_request

    def get_updates(self, offset: int) -> list[dict[str, Any]]:
        """getUpdates as a poller sends it (`offset` confirms what came before);
        waits up to IN_PROCESS_POLL_S; run it in a worker thread."""
        form = urlencode(
            {
                "offset": offset,
                "timeout": IN_PROCESS_POLL_S,
                "allowed_updates": json.dumps(list(Update.ALL_TYPES)),
            }
        )
        status, body = self.call(self.server.url("getUpdates"), form)
        assert status == 200, body
        updates: list[dict[str, Any]] = json.loads(body)["result"]
        return updates


def build(
    settings: Settings, content: Content, persistence_path: Path | None = None
) -> FaqApplication:
    """build_application(), with the Brain built once per Content object: its
    training takes a second, and these tests are about Telegram, not matching."""
    with mock.patch("bot.telegram.app.Brain", brain_once):
        return build_application(settings, content, persistence_path=persistence_path)


@asynccontextmanager
async def running(
    server: FakeBotAPI, content: Content, state_file: Path, **overrides: Any
) -> AsyncIterator[FaqApplication]:
    """The bot, in process; `overrides` are Settings fields (admin_user_ids, ...).
    On leaving, every queued update has been handled and confirmed."""
    settings = _settings(server, content, state_file, **overrides)
    app = build(settings, content, state_file)
    lift_flood_limits(app)  # pacing sends is the e2e layer's business; here it only waits
    calls = _InProcessCalls(server)
    stopping = asyncio.Event()

    async def deliver() -> None:
        offset = 0
        while True:
            updates = await asyncio.to_thread(calls.get_updates, offset)
            for raw in updates:
                await app.process_update(Update.de_json(raw, app.bot))
                offset = raw["update_id"] + 1
            if not updates and stopping.is_set():
                return

    with mock.patch.object(type(app.bot.request), "do_request", calls.as_do_request()):
        async with app:
            assert app.post_init is not None
            await app.post_init(app)
            await app.start()
            poller = asyncio.create_task(deliver())
            try:
                yield app
            finally:
                stopping.set()
                await poller
                await app.stop()


@asynccontextmanager
async def polling(
    server: FakeBotAPI, content: Content, state_file: Path, **overrides: Any
) -> AsyncIterator[FaqApplication]:
    """The bot polling the local server over HTTP; on leaving, the server is idle."""
    settings = _settings(server, content, state_file, **overrides)
    app = build(settings, content, state_file)
    async with app:
        assert app.post_init is not None
        await app.post_init(app)  # run_polling would call it; start_polling does not
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield app
            await asyncio.to_thread(server.wait_idle, WAIT)
        finally:
            await app.updater.stop()
            await app.stop()


def serving(
    server: FakeBotAPI, content: Content, data_dir: Path, **overrides: Any
) -> AbstractAsyncContextManager[FaqApplication]:
    """`running` with its state in `data_dir`."""
    return running(server, content, data_dir / "state.pickle", **overrides)
