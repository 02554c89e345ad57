"""Telegram misbehaving, through the fake Bot API over real HTTP: flood limits, server errors, slow answers and
refused connections. The bot stays up, and every answer is delivered once the API recovers: exactly once
where Telegram accepted it once."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from fake_bot_api import FakeBotApi, user
from telegram import Update

from bot import wording
from bot.answerer import Answerer
from bot.telegram import render
from bot.telegram.app import Network

QUESTIONS = (
    "What share of disappearances is the MSS responsible for?",
    "How many victims were arrested in China?",
    "How many cases does the report document?",
    "How many victims were women?",
    "What will the weather be like in Pyongyang tomorrow?",  # a decline, with buttons
)
ERROR_TEXT = wording.WORDS["en"]["error"]
# PTB's own RetryAfter.__init__ reads its deprecated int-valued `retry_after` (v22.2), which warns; nothing in the
# bot touches it, and pyproject turns warnings into errors.
RETRY_AFTER_WARNING = (
    "ignore:Deprecated since version v22.2. In a future major version attribute .retry_after."
    ":telegram.warnings.PTBDeprecationWarning"
)

StartBot = Callable[..., Any]


def ask(fake: FakeBotApi, answerer: Answerer, questions: tuple[str, ...], first_user: int = 3001) -> dict[int, str]:
    """Queue each question from its own private chat; the answer each chat must get, by chat id."""
    expected = {}
    for k, question in enumerate(questions):
        chat_id = first_user + k
        fake.message(question, sender=user(chat_id))
        expected[chat_id] = render.reply_html(answerer.ask(question, "en"))
    return expected


def answers_to(fake: FakeBotApi, chat_id: int) -> list[str]:
    """The texts Telegram accepted for `chat_id`, in order."""
    return [
        c.params["text"] for c in fake.calls_to("sendMessage") if c.error is None and c.params["chat_id"] == chat_id
    ]


async def delivered(fake: FakeBotApi, expected: dict[int, str], timeout: float = 15) -> None:
    """Wait until every chat has its answer."""
    for chat_id in expected:
        await fake.wait_for("sendMessage", lambda c, chat_id=chat_id: c.params["chat_id"] == chat_id, timeout=timeout)


async def assert_still_answering(fake: FakeBotApi, answerer: Answerer) -> None:
    """The bot is still up: a new question gets its answer, once."""
    expected = ask(fake, answerer, (QUESTIONS[0],), first_user=9001)
    await delivered(fake, expected)
    assert answers_to(fake, 9001) == [expected[9001]]


def failed(fake: FakeBotApi, method: str = "sendMessage") -> list[str]:
    return [c.error for c in fake.calls_to(method) if c.error is not None]


async def eventually(condition: Callable[[], bool], timeout: float = 15) -> None:
    """Wait for a condition the test cannot be told about (a log line): checked every 20 ms, up to `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


# --- Telegram answers with an error ------------------------------------------------------------


@pytest.mark.filterwarnings(RETRY_AFTER_WARNING)
async def test_flood_limits_are_waited_out_and_every_answer_arrives_once(
    start_bot: StartBot, fast_network: Network, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    fake_bot_api.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    fake_bot_api.fail("answerInlineQuery", 429, "Too Many Requests: retry after 1", retry_after=1)
    async with start_bot(fast_network):
        expected = ask(fake_bot_api, telegram_answerer, QUESTIONS)
        fake_bot_api.inline("mss share")
        await delivered(fake_bot_api, expected)
        await fake_bot_api.wait_for("answerInlineQuery")
        await assert_still_answering(fake_bot_api, telegram_answerer)
    assert {chat_id: answers_to(fake_bot_api, chat_id) for chat_id in expected} == {
        chat_id: [text] for chat_id, text in expected.items()
    }
    assert failed(fake_bot_api) == failed(fake_bot_api, "answerInlineQuery") == ["Too Many Requests: retry after 1"]
    assert ERROR_TEXT not in fake_bot_api.sent()


@pytest.mark.parametrize(
    "fault",
    [
        lambda fake: fake.fail("sendMessage", 500, "Internal Server Error"),
        lambda fake: fake.fail("sendMessage", 502, "Bad Gateway"),
        lambda fake: fake.fail_html("sendMessage", 502, "Bad Gateway"),  # nginx's page, not Bot API JSON
        lambda fake: fake.fail_html("sendMessage", 503, "Service Temporarily Unavailable"),
    ],
    ids=["500", "502", "502-html-page", "503-html-page"],
)
async def test_server_errors_are_retried_and_every_answer_arrives_once(
    start_bot: StartBot,
    fast_network: Network,
    fake_bot_api: FakeBotApi,
    telegram_answerer: Answerer,
    fault: Callable[[FakeBotApi], None],
) -> None:
    for _ in range(4):  # four failures in a row: the first answer gets through on its fifth attempt
        fault(fake_bot_api)
    async with start_bot(fast_network):
        expected = ask(fake_bot_api, telegram_answerer, QUESTIONS)
        await delivered(fake_bot_api, expected)
        await assert_still_answering(fake_bot_api, telegram_answerer)
    for chat_id, text in expected.items():
        assert answers_to(fake_bot_api, chat_id) == [text]
    assert len(failed(fake_bot_api)) == 4
    assert ERROR_TEXT not in fake_bot_api.sent()


async def test_a_rejected_message_is_not_retried(
    start_bot: StartBot, fast_network: Network, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    """400 is Telegram's final word: no retry; the chat is told something went wrong, and the bot goes on."""
    fake_bot_api.fail("sendMessage", 400, "Bad Request: chat not found")
    async with start_bot(fast_network):
        ask(fake_bot_api, telegram_answerer, QUESTIONS[:1])
        await fake_bot_api.wait_for("sendMessage", lambda c: c.params["text"] == ERROR_TEXT)
        await assert_still_answering(fake_bot_api, telegram_answerer)
    assert failed(fake_bot_api) == ["Bad Request: chat not found"]
    assert answers_to(fake_bot_api, 3001) == [ERROR_TEXT]


async def test_a_chat_that_blocked_the_bot_gets_no_second_message(
    start_bot: StartBot, fast_network: Network, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    """403: the user blocked the bot (or left the group). Telegram will refuse any message to that chat, so the
    error handler does not try to send one; one log line, and the bot goes on."""
    fake_bot_api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    async with start_bot(fast_network):
        ask(fake_bot_api, telegram_answerer, QUESTIONS[:1])
        await assert_still_answering(fake_bot_api, telegram_answerer)
    assert failed(fake_bot_api) == ["Forbidden: bot was blocked by the user"]
    assert answers_to(fake_bot_api, 3001) == []  # not even "something went wrong"
    assert len([c for c in fake_bot_api.calls_to("sendMessage") if c.params["chat_id"] == 3001]) == 1


# --- Telegram answers late ---------------------------------------------------------------------


async def test_an_answer_telegram_never_processed_is_sent_again_once(
    start_bot: StartBot, fast_network: Network, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    """The API hangs past the bot's read timeout and then gives up: the bot's retry is the only delivery."""
    network = replace(fast_network, read_timeout=1)
    fake_bot_api.slow("sendMessage", 3 * network.read_timeout, processed=False)
    async with start_bot(network):
        expected = ask(fake_bot_api, telegram_answerer, QUESTIONS)
        await delivered(fake_bot_api, expected)
        await assert_still_answering(fake_bot_api, telegram_answerer)
    await eventually(lambda: failed(fake_bot_api) == ["Gateway Timeout (not processed)"])  # the hung attempt ends
    for chat_id, text in expected.items():
        assert answers_to(fake_bot_api, chat_id) == [text]
    assert ERROR_TEXT not in fake_bot_api.sent()


async def test_an_answer_telegram_sent_but_confirmed_too_late_may_arrive_twice(
    start_bot: StartBot, fast_network: Network, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    """The API sends the message but answers after the bot's read timeout: the bot cannot know it was sent, and
    retries (at least once, never lost); only that answer is doubled, every other arrives once."""
    network = replace(fast_network, read_timeout=1)
    fake_bot_api.slow("sendMessage", 3 * network.read_timeout, processed=True)
    async with start_bot(network):
        expected = ask(fake_bot_api, telegram_answerer, QUESTIONS)
        await delivered(fake_bot_api, expected)
        await assert_still_answering(fake_bot_api, telegram_answerer)
    first, *others = expected
    assert answers_to(fake_bot_api, first) == [expected[first]] * 2
    for chat_id in others:
        assert answers_to(fake_bot_api, chat_id) == [expected[chat_id]]
    assert ERROR_TEXT not in fake_bot_api.sent()


async def test_updates_from_a_get_updates_answered_too_late_are_fetched_again_and_answered_once(
    start_bot: StartBot, fast_network: Network, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    """A getUpdates answer the bot gave up waiting for is lost, but the bot confirmed nothing: the next poll
    gets the same updates, and each is answered once."""
    expected = ask(fake_bot_api, telegram_answerer, QUESTIONS)  # waiting before the bot starts
    network = replace(fast_network, read_timeout=1)
    fake_bot_api.slow("getUpdates", 2 * (network.read_timeout + network.long_poll), processed=True)
    async with start_bot(network):
        await delivered(fake_bot_api, expected)
        await assert_still_answering(fake_bot_api, telegram_answerer)
    for chat_id, text in expected.items():
        assert answers_to(fake_bot_api, chat_id) == [text]
    ids = list(range(1, len(QUESTIONS) + 1))
    assert fake_bot_api.served[: 2 * len(ids)] == ids + ids  # served, lost on the way, served again


# --- Telegram unreachable ----------------------------------------------------------------------


async def test_refused_connections_are_waited_out_and_every_answer_arrives_once(
    start_bot: StartBot,
    fast_network: Network,
    fake_bot_api: FakeBotApi,
    telegram_answerer: Answerer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The API goes down while the bot holds an update it fetched; it comes back on the same port a while later."""
    caplog.set_level(logging.WARNING, logger="bot.telegram.app")
    network = replace(fast_network, retry_delays=(0.2,) * 40)  # keeps trying for 8 s
    async with start_bot(network) as app:
        port = fake_bot_api.port
        await fake_bot_api.stop_listening()
        # An update fetched just before the outage, handed to the Application as the Updater hands one over.
        fetched = fake_bot_api.message(QUESTIONS[0], sender=user(3001))
        fake_bot_api.updates.remove(fetched)
        await app.update_queue.put(Update.de_json(fetched, app.bot))

        def refusals() -> int:
            return sum("sendMessage failed" in r.getMessage() for r in caplog.records)

        await eventually(lambda: refusals() >= 3)  # three attempts refused: the outage is real
        await fake_bot_api.start()
        assert fake_bot_api.port == port
        later = ask(fake_bot_api, telegram_answerer, QUESTIONS[1:], first_user=3002)  # polling resumes too
        await delivered(fake_bot_api, later)
        await fake_bot_api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 3001)
        await assert_still_answering(fake_bot_api, telegram_answerer)
    assert answers_to(fake_bot_api, 3001) == [render.reply_html(telegram_answerer.ask(QUESTIONS[0], "en"))]
    for chat_id, text in later.items():
        assert answers_to(fake_bot_api, chat_id) == [text]
    assert ERROR_TEXT not in fake_bot_api.sent()
