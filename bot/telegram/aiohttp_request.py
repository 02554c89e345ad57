"""PTB's connection to the Bot API over aiohttp, in place of httpx: the same calls for less CPU per call."""

from __future__ import annotations

import functools
import json
import urllib.request
from typing import Any

import aiohttp
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

_DEFAULT = BaseRequest.DEFAULT_NONE
JSON_HEADERS = {"User-Agent": BaseRequest.USER_AGENT, "Content-Type": "application/json"}
PLAIN_HEADERS = {"User-Agent": BaseRequest.USER_AGENT}


class AiohttpRequest(BaseRequest):
    """A `telegram.request.BaseRequest` over one aiohttp session, opened by initialize() on the running loop.

    Why not PTB's HTTPXRequest: httpx with httpcore spends a third of the bot's CPU per update in its own
    layers (and, without sniffio, failing an import on every call); aiohttp's C-accelerated HTTP parser does
    the same work for a fraction (bench/pipeline.py measures both). A call sends its parameters as one JSON
    body, files as multipart. Timeouts mean what PTB says: connect, read, write and waiting for a free
    connection (pool); aiohttp has no write timeout of its own, so the whole call is bounded by the sum of the
    four. Errors name aiohttp's exception and never the URL, which holds the bot token.
    """

    __slots__ = ("_connect", "_limit", "_media_write", "_pool", "_read", "_session", "_write")

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._limit = connection_pool_size
        self._read, self._write, self._connect = read_timeout, write_timeout, connect_timeout
        self._pool, self._media_write = pool_timeout, media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self._limit))

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def parse_json_payload(self, payload: bytes) -> Any:
        """Every Bot API answer is read here. PTB's own logs an answer it cannot read whole, and one can quote
        users' updates."""
        try:
            return json.loads(payload)
        except ValueError as exc:
            raise TelegramError("Invalid server response") from exc

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = _DEFAULT,
        write_timeout: Any = _DEFAULT,
        connect_timeout: Any = _DEFAULT,
        pool_timeout: Any = _DEFAULT,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        read = self._read if read_timeout is _DEFAULT else read_timeout
        write = (self._media_write if files else self._write) if write_timeout is _DEFAULT else write_timeout
        connect = self._connect if connect_timeout is _DEFAULT else connect_timeout
        pool = self._pool if pool_timeout is _DEFAULT else pool_timeout
        parts = (read, write, connect, pool)
        timeout = aiohttp.ClientTimeout(
            total=None if None in parts else sum(parts),  # type: ignore[arg-type]
            connect=None if pool is None or connect is None else pool + connect,  # a free connection, then its setup
            sock_connect=connect,
            sock_read=read,
        )
        body: Any = None
        headers = PLAIN_HEADERS
        if request_data is not None and files:
            body = aiohttp.FormData(request_data.json_parameters)
            for name, (filename, content, mimetype) in request_data.multipart_data.items():
                body.add_field(name, content, filename=filename, content_type=mimetype)
        elif request_data is not None and request_data.parameters:
            body, headers = json.dumps(request_data.parameters).encode(), JSON_HEADERS
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=proxy_for(url)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from exc
        except aiohttp.InvalidURL as exc:  # nothing to say but the URL
            raise NetworkError(f"aiohttp.{type(exc).__name__}: the Bot API URL is not one aiohttp can call") from None
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {_without(str(exc), url)}") from exc


@functools.cache
def _proxy(scheme: str, host: str) -> str | None:
    if urllib.request.proxy_bypass(host):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(scheme) or proxies.get("all")


def proxy_for(url: str) -> str | None:
    """The proxy HTTPS_PROXY (or HTTP_PROXY, ALL_PROXY) names for `url`'s host, unless NO_PROXY exempts it, as
    httpx honours them; read once per host, where aiohttp's trust_env would read them again on every call (in a
    thread)."""
    scheme, _, rest = url.partition("://")
    return _proxy(scheme, rest.split("/", 1)[0].rsplit(":", 1)[0])


def _without(text: str, url: str) -> str:
    """An error's text without the URL it may quote (the bot token is in its path)."""
    path = url.split("://", 1)[-1].partition("/")[2]
    for secret in (url, path):
        if secret:
            text = text.replace(secret, "…")
    return text
