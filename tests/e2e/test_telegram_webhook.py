"""Webhook mode end to end: the real Application behind serve_webhook's tornado server.

Telegram's side is played by the test: it POSTs updates the way Telegram does
(JSON, with the X-Telegram-Bot-Api-Secret-Token header); the bot's replies go to
the fake Bot API as in polling mode.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.content import Content
from bot.telegram.app import FaqApplication
from bot.telegram.health import check_health
from bot.telegram.webhook import SECRET_HEADER, serve_webhook
from tests.fake_bot_api import FakeBotAPI
from tests.support.bots import build, free_port

USER = 7401
SECRET = "webhook-Secret_123"
PUBLIC_URL = "https://bot.example.com/faqbot/telegram"
WAIT = 5.0


@asynccontextmanager
async def webhook_bot(
    server: FakeBotAPI, content: Content, data_dir: Path
) -> AsyncIterator[tuple[FaqApplication, Settings, httpx.AsyncClient]]:
    settings = Settings(
        server.token,
        server.base_url,
        Path(content.path),
        data_dir,
        "INFO",
        webhook_url=PUBLIC_URL,
        webhook_port=free_port(),
        webhook_secret=SECRET,
    )
    app = build(settings, content)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_webhook(app, settings, stop, bootstrap_retries=0))
    base = f"http://127.0.0.1:{settings.webhook_port}"
    async with httpx.AsyncClient(base_url=base, timeout=WAIT) as client:
        for _ in range(200):
            if task.done():
                task.result()  # start-up failed: show why
            try:
                if (await client.get("/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
        try:
            yield app, settings, client
        finally:
            stop.set()
            await asyncio.wait_for(task, WAIT)


def post(
    client: httpx.AsyncClient,
    update: dict[str, Any],
    secret: str | bytes | None = SECRET,
    **kw: Any,
) -> Any:
    headers: dict[str, str | bytes] = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    headers.update(kw.pop("headers", {}))
    raw = {
        name.encode(): value if isinstance(value, bytes) else value.encode()
        for name, value in headers.items()
    }
    body = kw.pop("content", json.dumps(update))
    return client.post("/faqbot/telegram", content=body, headers=raw)


@pytest.mark.asyncio
async def test_only_requests_with_the_secret_reach_the_bot(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    async with webhook_bot(server, content, tmp_path / "data") as (app, settings, client):
        # Registered with Telegram: the public URL, the secret, every update type
        # (the health check may answer before the registration has gone out).
        [registered] = await asyncio.to_thread(server.wait_for_requests, "setWebhook", 1, WAIT)
        assert registered["url"] == PUBLIC_URL
        assert registered["secret_token"] == SECRET
        assert "my_chat_member" in registered["allowed_updates"]
        assert server.webhook_url == PUBLIC_URL

        # A user's message, as Telegram would deliver it.
        update = server.send_message("which foods have magnesium", user_id=USER)
        refused = [
            await post(client, update, secret=None),
            await post(client, update, secret="wrong-secret"),
            await post(client, update, secret=SECRET[:-1]),
            await post(client, update, secret=SECRET + "x"),
            await post(client, update, secret="ünïcode".encode()),
        ]
        assert [r.status_code for r in refused] == [403] * 5
        odd = [
            await post(client, update, headers={"Content-Type": "text/plain"}),
            await post(client, update, content=b"{not json"),
            await post(client, update, content=b"[1, 2]"),
            await post(client, update, content=json.dumps({"message": "no update_id"})),
            await post(client, update, content=json.dumps({"update_id": 5, "message": 7})),
            await client.get("/faqbot/telegram", headers={SECRET_HEADER: SECRET}),
            await client.post("/elsewhere", content=json.dumps(update)),
        ]
        # An update PTB cannot read is acknowledged (Telegram would deliver it
        # again and again), and skipped.
        assert [r.status_code for r in odd] == [415, 400, 400, 400, 200, 405, 404]
        await asyncio.sleep(0.3)
        assert server.bot_messages(USER) == []  # none of these got a reply

        accepted = await post(client, update)
        assert accepted.status_code == 200
        [reply] = await asyncio.to_thread(server.wait_for_messages, USER, 1, WAIT)
        assert content.by_id["foods"].answer in reply.text
        # A trailing slash is the same route.
        again = server.send_message("/start", user_id=USER)
        response = await client.post(
            "/faqbot/telegram/",
            content=json.dumps(again),
            headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"},
        )
        assert response.status_code == 200
        await asyncio.to_thread(server.wait_for_messages, USER, 2, WAIT)
        await asyncio.sleep(0.3)
        assert len(server.bot_messages(USER)) == 2

        health = await client.get("/healthz")
        assert health.status_code == 200
        body = health.json()
        assert body["status"] == "ok"
        assert body["mode"] == "webhook"
        assert body["updates_received"] == 2
        assert body["requests_refused"] == 5
        healthy, line = await asyncio.to_thread(check_health, settings)
        assert healthy, line
        assert line.startswith("ok: webhook")
    # Stopped: the health check fails, and nothing was left half-done.
    healthy, line = await asyncio.to_thread(check_health, settings)
    assert not healthy
    assert line.startswith(f"no answer from http://127.0.0.1:{settings.webhook_port}/healthz")
    assert not app.running


@pytest.mark.asyncio
async def test_a_check_in_webhook_mode_is_saved_on_stop(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    async with webhook_bot(server, content, data) as (_, _, client):
        update = server.send_message("/doctor", user_id=USER)
        assert (await post(client, update)).status_code == 200
        await asyncio.to_thread(server.wait_for_messages, USER, 1, WAIT)
    assert (data / "state.pickle").exists()
    assert (data / "state.pickle").stat().st_mode & 0o777 == 0o600


def _settings(server: FakeBotAPI, content: Content, data_dir: Path, port: int) -> Settings:
    return Settings(
        server.token,
        server.base_url,
        Path(content.path),
        data_dir,
        "INFO",
        webhook_url=PUBLIC_URL,
        webhook_port=port,
        webhook_secret=SECRET,
    )


@pytest.mark.asyncio
async def test_start_up_retries_and_a_stop_signal_meanwhile(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    """Telegram failing setWebhook: retried with growing pauses; a stop signal during a
    pause ends start-up at once, cleanly."""
    settings = _settings(server, content, tmp_path / "data", free_port())
    app = build(settings, content)
    server.inject("setWebhook", 502, times=1000)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_webhook(app, settings, stop, bootstrap_retries=10))
    # Each of the limiter's 3 attempts, then a 1 s pause, then 3 more ...
    await asyncio.to_thread(server.wait_for_requests, "setWebhook", 4, WAIT)
    stop.set()
    await asyncio.wait_for(task, 2.0)
    assert not app.running
    assert {e[:1] + e[2:3] for e in server.errors} == {("setWebhook", 502)}
    server.clear_records()


@pytest.mark.asyncio
async def test_a_taken_port_is_an_error_not_a_hang(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings = _settings(server, content, tmp_path / "data", taken.getsockname()[1])
        app = build(settings, content)
        with pytest.raises(OSError, match="in use"):
            await asyncio.wait_for(serve_webhook(app, settings, asyncio.Event()), WAIT)
    assert not app.running
