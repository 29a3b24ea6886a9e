"""`AiohttpRequest`: how the bot talks HTTP to the Bot API (PTB's BaseRequest over aiohttp).

PTB's default, HTTPXRequest (httpx + httpcore's pure-Python connection pool), made
the whole bot spend about half as much CPU again per update as this class does
(aiohttp's C HTTP parser and simpler pool): 1.3-1.4 ms against 0.85-1.0 ms per
update, back to back in `python -m bench --sections e2e`, and the bot is CPU-bound
under load. Everything that decides behaviour stays in PTB: BaseRequest maps status
codes to its exceptions (429 -> RetryAfter, 403 -> Forbidden, 400 -> BadRequest,
409 -> Conflict, 5xx -> NetworkError) and parses the JSON; this class only moves
bytes, and maps transport failures as HTTPXRequest does: a timeout of any kind is
TimedOut, any other failure of the HTTP client is NetworkError. The request on the
wire is the same as HTTPXRequest's: a form-encoded POST of the JSON-encoded
parameters, multipart when files are uploaded. TLS is checked against certifi's CA
bundle, as httpx does, and the proxy variables HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and
NO_PROXY are honoured as httpx honours them (looked up once per host after the pool
opens; aiohttp supports http:// proxies only).

Timeouts, like HTTPXRequest's (None: no limit):
  pool     waiting for one of `connection_pool_size` slots; when it runs out the
           request was not sent (TimedOut "Pool timeout: ...", as PTB words it)
  connect  name resolution, TCP and TLS set-up of a new connection
  write    sending the request; aiohttp has no per-write timeout, so this bounds
           the whole body (`media_write_timeout` when files are uploaded)
  read     between two reads of the response (it restarts whenever data arrives)
"""

from __future__ import annotations

import asyncio
import functools
import io
import ssl
import urllib.request
from urllib.parse import urlencode, urlsplit

import aiohttp
import certifi
from aiohttp.abc import AbstractStreamWriter
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
POOL_TIMEOUT_MESSAGE = (
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* "
    "sent to Telegram. Consider adjusting the connection pool size or the pool timeout."
)


class _TimedPayload(aiohttp.Payload):
    """A request body whose sending fails with TimeoutError after `timeout` seconds."""

    def __init__(self, body: aiohttp.Payload, timeout: float) -> None:
        super().__init__(body, headers=body.headers)
        self._body = body
        self._timeout = timeout
        self._size = body.size

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return self._body.decode(encoding, errors)

    async def write(self, writer: AbstractStreamWriter) -> None:
        async with asyncio.timeout(self._timeout):
            await self._body.write(writer)

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        async with asyncio.timeout(self._timeout):
            await self._body.write_with_length(writer, content_length)

    async def close(self) -> None:
        await self._body.close()


class AiohttpRequest(BaseRequest):
    """A drop-in for HTTPXRequest (same constructor arguments, minus httpx-only ones)."""

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxies",
        "_read_timeout",
        "_session",
        "_slots",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        # Both belong to the event loop that initialize() runs in.
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None
        # Proxy (or None) per scheme://host, from the environment.
        self._proxies: dict[str, str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout, as BaseRequest requires."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the connection pool (again, after a shutdown)."""
        if self._session is not None and not self._session.closed:
            return
        connector = aiohttp.TCPConnector(limit=self._pool_size, ssl=_tls_context())
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=None),
            headers={"User-Agent": self.USER_AGENT},
            # Not trust_env=True: it reads the environment and ~/.netrc on every request,
            # which cost more CPU than the whole HTTP exchange; proxies are looked up once.
            trust_env=False,
        )
        self._slots = asyncio.Semaphore(self._pool_size)
        self._proxies.clear()

    async def shutdown(self) -> None:
        """Close the connections; safe to call twice."""
        if self._session is None or self._session.closed:
            return
        await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See BaseRequest.do_request: (status code, body), or TimedOut / NetworkError."""
        session, slots = self._session, self._slots
        if session is None or session.closed or slots is None:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        if isinstance(write_timeout, DefaultValue):
            write = self._media_write_timeout if files else self._write_timeout
        else:
            write = write_timeout
        body = _body(request_data, write)
        timeout = aiohttp.ClientTimeout(
            total=None, connect=connect, sock_connect=connect, sock_read=read
        )
        await _acquire(slots, pool)
        try:
            async with session.request(
                method, url, data=body, timeout=timeout, proxy=self._proxy(url)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's connect and read timeouts, and the write one
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
        finally:
            slots.release()

    def _proxy(self, url: str) -> str | None:
        origin = url[: url.find("/", url.find("//") + 2)] if "//" in url else url
        try:
            return self._proxies[origin]
        except KeyError:
            proxy = self._proxies[origin] = env_proxy(url)
            return proxy


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Certificates checked against certifi's bundle, as httpx does; one context for all
    (loading the bundle takes ~15 ms, at start-up, once per request object otherwise)."""
    return ssl.create_default_context(cafile=certifi.where())


def env_proxy(url: str) -> str | None:
    """The proxy httpx would use for `url` from the environment (None: connect directly)."""
    proxies = urllib.request.getproxies_environment()
    parts = urlsplit(url)
    if parts.hostname is None or urllib.request.proxy_bypass(parts.hostname):
        return None
    return proxies.get(parts.scheme) or proxies.get("all")


async def _acquire(slots: asyncio.Semaphore, wait: float | None) -> None:
    if not slots.locked():
        await slots.acquire()  # a free slot: returns at once
        return
    try:
        async with asyncio.timeout(wait):
            await slots.acquire()
    except TimeoutError as error:
        raise TimedOut(POOL_TIMEOUT_MESSAGE) from error


def _body(request_data: RequestData | None, write_timeout: float | None) -> aiohttp.Payload | None:
    """The request body HTTPXRequest would send: the JSON-encoded parameters form-encoded,
    or multipart/form-data with the files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    body: aiohttp.Payload
    if request_data.contains_files:
        form = aiohttp.FormData()
        for name, value in fields.items():
            form.add_field(name, value)
        for name, (filename, content, mime_type) in request_data.multipart_data.items():
            # Bytes as a stream: aiohttp sends large bytes bodies in one write (and warns).
            stream = io.BytesIO(content) if isinstance(content, bytes) else content
            form.add_field(name, stream, filename=filename, content_type=mime_type)
        body = form()
    else:
        body = aiohttp.BytesPayload(
            urlencode(fields).encode("ascii"), content_type=FORM_CONTENT_TYPE
        )
    return body if write_timeout is None else _TimedPayload(body, write_timeout)
