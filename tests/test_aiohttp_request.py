"""The bot's connection to the Bot API (bot/telegram/aiohttp_request.py), where the end-to-end tests do not reach:
errors that would quote the URL, and a proxy named in the environment, as PTB's httpx connection honours it."""

from __future__ import annotations

import traceback
from collections.abc import Iterator

import pytest
from fake_bot_api import TOKEN, FakeBotApi
from telegram.error import NetworkError
from telegram.request import RequestData

from bot.telegram import aiohttp_request
from bot.telegram.aiohttp_request import AiohttpRequest


@pytest.fixture
def fresh_proxies() -> Iterator[None]:
    """The proxy settings read again from the environment (they are read once per host)."""
    aiohttp_request._proxy.cache_clear()
    yield
    aiohttp_request._proxy.cache_clear()


async def test_an_error_about_the_url_quotes_neither_url_nor_token() -> None:
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:99999/bot{TOKEN}/getMe", RequestData())
    shown = "".join(traceback.format_exception(caught.value))
    assert "InvalidUrl" in shown and TOKEN not in shown


async def test_a_refused_connection_is_a_network_error_without_the_token() -> None:
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:1/bot{TOKEN}/getMe", RequestData())
    assert "ClientConnectorError" in str(caught.value) and TOKEN not in str(caught.value)


async def test_the_proxy_the_environment_names_carries_the_calls(
    fake_bot_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch, fresh_proxies: None
) -> None:
    # The fake stands in for the proxy: a call to a host that does not exist arrives there.
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{fake_bot_api.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with AiohttpRequest() as request:
        me = await request.post(f"http://api.telegram.invalid/bot{TOKEN}/getMe", RequestData())
    assert isinstance(me, dict) and me["username"] == "nowhere_test_bot"


async def test_no_proxy_exempts_a_host(
    fake_bot_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch, fresh_proxies: None
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:1")  # refuses every connection
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with AiohttpRequest() as request:
        me = await request.post(f"{fake_bot_api.base_url}{TOKEN}/getMe", RequestData())
    assert isinstance(me, dict) and me["username"] == "nowhere_test_bot"
