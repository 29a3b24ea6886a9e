"""Webhook mode: a small tornado server that takes Telegram's POSTs and answers /healthz.

PTB's run_webhook builds its tornado server internally with one route, so the
health check could not share its port; this module serves the same webhook
protocol with the public Application API instead (the approach of PTB's
customwebhookbot example): verify the secret token, parse the Update, put it
on application.update_queue. Unlike PTB's handler it compares the secret in
constant time and never logs a request body (which holds what users wrote).

Routes:
  POST <WEBHOOK_PATH>  Telegram's updates; 403 without the right
                       X-Telegram-Bot-Api-Secret-Token, 400 if not an update,
                       200 and skipped if an update PTB cannot read.
  GET  /healthz        200 {"status": "ok", ...} while the bot runs, 503 otherwise.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import tornado.web
from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TimedOut
from tornado.httpserver import HTTPServer

from bot.config import HEALTH_PATH, Settings
from bot.telegram.app import FaqApplication
from bot.telegram.resilience import BOOTSTRAP_RETRIES, describe_failure

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
# Telegram's updates are a few kB; anything bigger is not from Telegram.
MAX_BODY_BYTES = 1 << 20

T = TypeVar("T")


class WebhookHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)

    def initialize(self, bot_app: FaqApplication, secret: str, stats: WebhookStats) -> None:
        self.bot_app = bot_app
        self.secret = secret.encode()
        self.stats = stats

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self.secret):
            self.stats.refused += 1
            log.info("refused a webhook request without the right secret token")
            raise tornado.web.HTTPError(403)
        media_type = self.request.headers.get("Content-Type", "").split(";")[0].strip()
        if media_type.lower() != "application/json":
            raise tornado.web.HTTPError(415)
        try:
            data = json.loads(self.request.body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
        except Exception as error:  # whatever the body is, it never reaches the handlers
            log.warning(
                "ignored a webhook request that is not an update (%s)", type(error).__name__
            )
            raise tornado.web.HTTPError(400) from None
        try:
            update = Update.de_json(data, self.bot_app.bot)
        except Exception as error:  # an update PTB cannot read (bot/telegram/updates.py)
            # Acknowledged, or Telegram would deliver it again and again; never
            # its content in the log.
            log.warning(
                "skipped update %d: it could not be read (%s)",
                data["update_id"],
                type(error).__name__,
            )
            self.set_status(200)
            return
        self.stats.received += 1
        await self.bot_app.update_queue.put(update)
        self.set_status(200)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish({"ok": False, "error_code": status_code})


class WebhookStats:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.received = 0
        self.refused = 0


class HealthHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("GET",)

    def initialize(self, bot_app: FaqApplication, stats: WebhookStats) -> None:
        self.bot_app = bot_app
        self.stats = stats

    def get(self) -> None:
        running = self.bot_app.running
        self.set_status(200 if running else 503)
        self.set_header("Cache-Control", "no-store")
        self.finish(
            {
                "status": "ok" if running else "stopping",
                "mode": "webhook",
                "uptime_seconds": round(time.monotonic() - self.stats.started),
                "updates_received": self.stats.received,
                "updates_queued": self.bot_app.update_queue.qsize(),
                "requests_refused": self.stats.refused,
            }
        )


def _no_access_log(handler: tornado.web.RequestHandler) -> None:
    """Requests are not logged (the bot's own lines say what matters)."""


def web_application(
    app: FaqApplication, settings: Settings, stats: WebhookStats | None = None
) -> tornado.web.Application:
    if not settings.webhook_secret:
        raise ValueError("webhook mode needs WEBHOOK_SECRET")
    stats = stats or WebhookStats()
    route = settings.webhook_route.rstrip("/") or ""
    return tornado.web.Application(
        [
            (
                rf"{route}/?",
                WebhookHandler,
                {"bot_app": app, "secret": settings.webhook_secret, "stats": stats},
            ),
            (HEALTH_PATH, HealthHandler, {"bot_app": app, "stats": stats}),
        ],
        log_function=_no_access_log,
    )


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (closed again if that fails, unlike tornado's)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setblocking(False)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


class _Stopped(Exception):
    """A stop signal arrived while start-up was waiting to retry."""


async def _with_retries(
    action: Callable[[], Awaitable[T]], what: str, retries: int, stop: asyncio.Event
) -> T:
    """`action`, retried on network trouble; a rejected token is not retried."""
    pause = 1.0
    for attempt in range(retries + 1):
        try:
            return await action()
        except InvalidToken:
            raise
        except (NetworkError, TimedOut, RetryAfter) as error:
            if attempt == retries:
                raise
            log.warning("%s failed (%s); retrying in %.0f s", what, describe_failure(error), pause)
        try:
            await asyncio.wait_for(stop.wait(), pause)
        except TimeoutError:
            pause = min(30.0, pause * 1.5)
            continue
        raise _Stopped
    raise AssertionError("unreachable")  # pragma: no cover


async def serve_webhook(
    app: FaqApplication,
    settings: Settings,
    stop: asyncio.Event,
    *,
    bootstrap_retries: int = BOOTSTRAP_RETRIES,
) -> None:
    """Run the bot in webhook mode until `stop` is set; then stop cleanly (state saved)."""
    if not settings.webhook_url or not settings.webhook_secret:
        raise ValueError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET")
    url, secret = settings.webhook_url, settings.webhook_secret
    try:
        await _with_retries(app.initialize, "getMe", bootstrap_retries, stop)
    except BaseException as error:
        # PTB shuts down only what initialized fully: release the HTTP connections.
        await app.bot.shutdown()
        if isinstance(error, _Stopped):
            return
        raise
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        server = HTTPServer(
            web_application(app, settings), xheaders=True, max_body_size=MAX_BODY_BYTES
        )
        try:
            server.add_sockets([_listen(settings.webhook_listen, settings.webhook_port)])

            async def register() -> bool:
                return await app.bot.set_webhook(
                    url,
                    secret_token=secret,
                    allowed_updates=Update.ALL_TYPES,
                    drop_pending_updates=False,
                )

            try:
                await _with_retries(register, "setWebhook", bootstrap_retries, stop)
            except _Stopped:
                return  # stopped before Telegram knew the webhook: shut down cleanly
            log.info(
                "webhook mode: listening on %s:%d%s (health: %s)",
                settings.webhook_listen,
                settings.webhook_port,
                settings.webhook_route,
                HEALTH_PATH,
            )
            await stop.wait()
        finally:
            server.stop()
            await server.close_all_connections()
            await app.stop()
    finally:
        await app.shutdown()
