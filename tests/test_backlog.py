"""A backlog of updates and a process that dies or is stopped in the middle of it: `nkbot run` against the fake
Bot API, killed with SIGKILL or stopped with SIGTERM. Telegram forgets an update once getUpdates confirms it,
so an update confirmed but never answered is lost for good."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable
from typing import Any

from fake_bot_api import FakeBotApi, user

from bot.telegram.app import IN_FLIGHT

BACKLOG = 600


def queue_backlog(fake: FakeBotApi, n: int = BACKLOG) -> dict[int, int]:
    """n questions, each from its own chat (so Telegram's per-chat pace does not matter): update id -> chat."""
    pushed = {}
    for i in range(n):
        update = fake.message("mss share", sender=user(50_000 + i))
        pushed[update["update_id"]] = update["message"]["chat"]["id"]
    return pushed


def answered_chats(fake: FakeBotApi) -> set[int]:
    return {int(c.params["chat_id"]) for c in fake.calls if c.method == "sendMessage"}


async def until_answered(fake: FakeBotApi, n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(answered_chats(fake)) < n:
        assert time.monotonic() < deadline, f"only {len(answered_chats(fake))} answered"
        await asyncio.sleep(0.05)


def lost(fake: FakeBotApi, pushed: dict[int, int]) -> list[int]:
    """Updates Telegram was told were handled (below the confirmed offset) that got no answer."""
    answered = answered_chats(fake)
    return [uid for uid, chat in pushed.items() if uid < fake.confirmed and chat not in answered]


async def test_a_killed_bot_loses_at_most_the_updates_in_flight(
    nkbot_process: Callable[..., Any], fake_bot_api: FakeBotApi
) -> None:
    pushed = queue_backlog(fake_bot_api)
    bot = await nkbot_process()
    await until_answered(fake_bot_api, 50)
    bot.process.send_signal(signal.SIGKILL)
    await bot.wait()
    print(
        "DEBUG confirmed",
        fake_bot_api.confirmed,
        "answered",
        len(answered_chats(fake_bot_api)),
        [
            (c.method, c.params.get("offset"), c.params.get("timeout"))
            for c in fake_bot_api.calls
            if c.method == "getUpdates"
        ],
    )
    assert len(lost(fake_bot_api, pushed)) <= IN_FLIGHT + 2
    assert fake_bot_api.confirmed < max(pushed)  # the rest of the backlog is still Telegram's to send again


async def test_a_stopped_bot_answers_what_it_confirmed_and_exits_quickly(
    nkbot_process: Callable[..., Any], fake_bot_api: FakeBotApi
) -> None:
    pushed = queue_backlog(fake_bot_api, 1500)  # at Telegram's pace (about 30 a second), 50 s of answers
    bot = await nkbot_process()
    await until_answered(fake_bot_api, 50)
    assert await bot.stop(signal.SIGTERM, timeout=90) == 0, bot.log
    assert lost(fake_bot_api, pushed) == []
    # It answers what it had fetched (the in-flight queue and the batch behind it), not the whole backlog of
    # 1,500 at Telegram's pace: the rest, never confirmed, is Telegram's to send again.
    answered = len(answered_chats(fake_bot_api))
    assert answered <= 2 * IN_FLIGHT + 2 and sum(u <= fake_bot_api.confirmed for u in pushed) <= answered + 2
    assert fake_bot_api.confirmed < max(pushed)
