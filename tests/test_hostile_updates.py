"""Updates and requests that must not wedge or flood the bot: a malformed update in a polled batch or posted to
the webhook, and webhook bodies too large or without the secret. `nkbot run` against the fake Bot API."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from fake_bot_api import FakeBotApi, free_port, user
from support import webhook_env

SECRET = "hostile-test_0123456789"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PRIVATE = "Kim Secretname"  # what a log must never show
MALFORMED = {
    "message_id": 7,
    "date": "yesterday",
    "chat": "not a chat",
    "from": {"first_name": PRIVATE},
    "text": PRIVATE,
}


async def replies(fake: FakeBotApi, n: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while len(fake.calls_to("sendMessage")) < n:
        assert time.monotonic() < deadline, f"{len(fake.calls_to('sendMessage'))} of {n} answered"
        await asyncio.sleep(0.05)


async def test_a_malformed_update_is_skipped_and_the_ones_behind_it_answered(
    nkbot_process: Callable[..., Any], fake_bot_api: FakeBotApi
) -> None:
    fake_bot_api.push("message", MALFORMED)
    for k in range(5):
        fake_bot_api.message("mss share", sender=user(70_000 + k))
    bot = await nkbot_process()
    await replies(fake_bot_api, 5)
    polls_then = len(fake_bot_api.calls_to("getUpdates"))
    await asyncio.sleep(2)
    assert len(fake_bot_api.calls_to("getUpdates")) - polls_then < 10  # waiting on the long poll, not spinning
    assert await bot.stop() == 0, bot.log
    assert bot.log.count("could not be read") == 1
    assert PRIVATE not in bot.log and "Traceback" not in bot.log


async def webhook_bot(nkbot_process: Callable[..., Any]) -> tuple[Any, str]:
    port = free_port()
    bot = await nkbot_process(**webhook_env(port, SECRET))
    await bot.wait_for_log("health check at")
    return bot, f"http://127.0.0.1:{port}/telegram"


async def test_webhook_skips_a_malformed_update_without_logging_its_contents(
    nkbot_process: Callable[..., Any], fake_bot_api: FakeBotApi
) -> None:
    bot, url = await webhook_bot(nkbot_process)
    good = fake_bot_api.message("mss share")
    fake_bot_api.updates.clear()
    async with aiohttp.ClientSession() as session:
        bad = {"update_id": 999, "message": MALFORMED}
        async with session.post(url, json=bad, headers={SECRET_HEADER: SECRET}) as response:
            assert response.status == 200  # confirmed, so Telegram does not send it again and again
        async with session.post(
            url, data=b"{not json", headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        ) as response:
            assert response.status == 200
        async with session.post(url, json=good, headers={SECRET_HEADER: SECRET}) as response:
            assert response.status == 200
    await replies(fake_bot_api, 1)
    assert await bot.stop() == 0, bot.log
    assert bot.log.count("could not be read") == 2 and PRIVATE not in bot.log and "CRITICAL" not in bot.log


async def test_webhook_refuses_a_large_body_or_a_missing_secret_before_reading_it(
    nkbot_process: Callable[..., Any], fake_bot_api: FakeBotApi
) -> None:
    bot, url = await webhook_bot(nkbot_process)
    port = int(url.split(":")[2].split("/")[0])
    for headers, status in (
        ({SECRET_HEADER: SECRET, "Content-Length": str(60_000_000)}, 413),
        ({"Content-Length": "1000"}, 403),
        ({SECRET_HEADER: "wrong", "Content-Length": "1000"}, 403),
    ):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        head = "".join(f"{k}: {v}\r\n" for k, v in {"Content-Type": "application/json", **headers}.items())
        writer.write(f"POST /telegram HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}\r\n".encode() + b"{" * 1000)
        await writer.drain()
        answer = await asyncio.wait_for(reader.readline(), timeout=5)  # without sending the 60 MB it announced
        assert answer.split()[1] == str(status).encode(), answer
        writer.close()

    async def chunks() -> Any:  # a body longer than the limit that never said how long (chunked)
        for _ in range(40):
            yield b" " * 100_000

    async with aiohttp.ClientSession() as session:
        headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        try:
            async with session.post(url, data=chunks(), headers=headers) as response:
                assert response.status == 413
        except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError):
            pass  # refused and cut off while the client was still sending: also not read
        async with session.get(url.replace("/telegram", "/healthz")) as response:
            assert response.status == 200  # and the bot serves on
    assert await bot.stop() == 0, bot.log
    assert SECRET not in bot.log
