"""Load through the fake Bot API: a burst from many chats answered completely and in order with memory flat, and
SIGTERM in the middle of a burst leaving no acknowledged update unanswered."""

from __future__ import annotations

import asyncio
import gc
import os
import resource
import signal
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from fake_bot_api import FakeBotApi, group_chat, user

from bot.answerer import Answerer
from bot.telegram import render
from bot.telegram.app import PRODUCTION

POOL = (  # eight questions with eight different answers, so that a reply tells which question it answers
    "What share of disappearances is the MSS responsible for?",
    "How many victims were arrested in China?",
    "How many victims were arrested in Russia?",
    "How many cases does the report document?",
    "How many people were interviewed?",
    "How many victims were women?",
    "footprints database",
    "What will the weather be like in Pyongyang tomorrow?",
)
CHATS, PER_CHAT = 500, 4
MEMORY_GROWTH_LIMIT_MB = 20
# The fake has no flood limits, and production's (30 messages a second) would make this a test of waiting.
UNLIMITED = replace(PRODUCTION, flood_limits=False, long_poll=1)


def rss_mb() -> float:
    """This process's resident memory in MB: current (Linux's /proc), else the peak so far (getrusage)."""
    statm = Path("/proc/self/statm")
    if statm.exists():
        return int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def chat(k: int) -> dict[str, Any]:
    """Chat k: even ones private, odd ones groups (asked with /ask, answered quoting the question)."""
    return user(20_000 + k) if k % 2 == 0 else group_chat(-1_000_000 - k, f"Group {k}")


def queue_burst(fake: FakeBotApi, answerer: Answerer, rounds: int) -> tuple[dict[int, list[str]], dict[int, list[int]]]:
    """`rounds` questions from each chat, interleaved across chats; what each chat must get back, in order (texts,
    and for groups the ids of the messages the replies quote)."""
    texts: dict[int, list[str]] = defaultdict(list)
    asked: dict[int, list[int]] = defaultdict(list)
    for r in range(rounds):
        for k in range(CHATS):
            question = POOL[(k + r) % len(POOL)]
            if k % 2 == 0:
                update = fake.message(question, sender=chat(k))
            else:
                update = fake.message(f"/ask {question}", sender=user(40_000 + k), chat=chat(k))
                asked[chat(k)["id"]].append(update["message"]["message_id"])
            texts[chat(k)["id"]].append(render.reply_html(answerer.ask(question, "en")))
    return texts, asked


async def replies(fake: FakeBotApi, count: int, timeout: float = 60) -> None:
    """Wait until `count` messages have been sent (checked every 50 ms, up to `timeout`)."""
    deadline = time.monotonic() + timeout
    while len(fake.calls_to("sendMessage")) < count:
        assert time.monotonic() < deadline, f"{len(fake.calls_to('sendMessage'))} of {count} replies"
        await asyncio.sleep(0.05)


def misanswered(fake: FakeBotApi, expected: tuple[dict[int, list[str]], dict[int, list[int]]]) -> list[int]:
    """The chats whose replies are not exactly the expected ones in the expected order (texts, and the ids of
    the messages quoted): one reply per update, in order within each chat, means none."""
    texts: dict[int, list[str]] = defaultdict(list)
    quoted: dict[int, list[int]] = defaultdict(list)
    for call in fake.calls_to("sendMessage"):
        assert call.error is None, call.error
        texts[call.params["chat_id"]].append(call.params["text"])
        if "reply_parameters" in call.params:
            quoted[call.params["chat_id"]].append(call.params["reply_parameters"]["message_id"])
    want_texts, want_quoted = expected
    chats = set(texts) | set(want_texts)
    return sorted(c for c in chats if texts.get(c) != want_texts.get(c) or quoted.get(c) != want_quoted.get(c))


async def test_a_burst_of_2000_updates_from_500_chats_is_answered_completely_in_order_with_flat_memory(
    start_bot: Callable[..., Any], fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    async with start_bot(UNLIMITED):
        warm_up = queue_burst(fake_bot_api, telegram_answerer, rounds=PER_CHAT)  # the same burst, to warm up
        await replies(fake_bot_api, CHATS * PER_CHAT)
        assert misanswered(fake_bot_api, warm_up) == []
        del warm_up  # the test's own copies of 2,000 answers are no part of the bot's memory
        fake_bot_api.calls.clear()
        gc.collect()
        before = rss_mb()

        started = time.monotonic()
        expected = queue_burst(fake_bot_api, telegram_answerer, rounds=PER_CHAT)
        await replies(fake_bot_api, CHATS * PER_CHAT)
        seconds = time.monotonic() - started
        wrong, sent = misanswered(fake_bot_api, expected), len(fake_bot_api.calls_to("sendMessage"))
        del expected
        fake_bot_api.calls.clear()
        gc.collect()
        after = rss_mb()
    assert fake_bot_api.calls_to("sendMessage") == []  # nothing more came after the last expected reply
    assert sent == CHATS * PER_CHAT and wrong == []  # one reply per update, in order within each chat
    assert after - before < MEMORY_GROWTH_LIMIT_MB, f"RSS {before:.1f} -> {after:.1f} MB over a {seconds:.1f} s burst"


async def test_sigterm_mid_burst_stops_cleanly_leaving_no_acknowledged_update_unanswered(
    nkbot_process: Callable[..., Any], fake_bot_api: FakeBotApi
) -> None:
    """`nkbot run` (flood limits on, as in production) gets SIGTERM with a burst half answered, and again while it
    stops; more messages arrive meanwhile. Everything it confirmed to getUpdates is answered before it exits 0;
    the rest is answered by the next start, and nothing twice."""
    bot = await nkbot_process()
    await bot.wait_for_log("Application started")
    chat_ids = [30_000 + k for k in range(150)]
    for k, chat_id in enumerate(chat_ids):
        fake_bot_api.message(POOL[k % len(POOL)], sender=user(chat_id))
    await replies(fake_bot_api, 20)
    bot.process.send_signal(signal.SIGTERM)
    answered_at_signal = len(fake_bot_api.calls_to("sendMessage"))
    late = [31_000 + k for k in range(20)]  # written while the bot stops
    for k, chat_id in enumerate(late):
        fake_bot_api.message(POOL[k % len(POOL)], sender=user(chat_id))
    await replies(fake_bot_api, answered_at_signal + 1)
    bot.process.send_signal(signal.SIGTERM)  # again, impatiently: it must not cut the shutdown short
    assert await bot.wait() == 0, bot.log
    answered_first = Counter(c.params["chat_id"] for c in fake_bot_api.calls_to("sendMessage") if c.error is None)
    acknowledged = [chat_id for k, chat_id in enumerate(chat_ids + late, start=1) if k < fake_bot_api.confirmed]
    assert all(answered_first[chat_id] == 1 for chat_id in acknowledged)
    assert set(answered_first) == set(acknowledged)  # and nothing it had not confirmed
    assert len(answered_first) > answered_at_signal  # what it had fetched when the signal came was answered
    assert "Traceback" not in bot.log and "Application.stop() complete" in bot.log
    assert "SIGTERM: already stopping" in bot.log

    again = await nkbot_process()
    await again.wait_for_log("Application started")
    await replies(fake_bot_api, len(chat_ids) + len(late))
    assert await again.stop(signal.SIGINT) == 0, again.log
    answered = Counter(c.params["chat_id"] for c in fake_bot_api.calls_to("sendMessage") if c.error is None)
    assert answered == Counter(chat_ids + late)  # every update answered, exactly once over both runs
