"""Updates per second end to end: the real Application polling the test suite's fake Bot API over HTTP, with a
burst of private questions queued before it starts; against the same Application whose answerer returns one
canned reply (PTB, HTTP and the fake alone), in the same run, so the ratio is our answering's cost."""

from __future__ import annotations

import asyncio
import random
import resource
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fake_bot_api import TOKEN, FakeBotApi, private_chat, user
from telegram.ext import BaseRateLimiter

from bot.answerer import Answerer
from bot.answers import Reply
from bot.config import Settings
from bot.matching.text import detect_language
from bot.telegram.app import PRODUCTION, build_application, polling_options


class NoLimit(BaseRateLimiter[int]):
    """Every call at once: the benchmark measures the bot, not Telegram's 30 messages a second."""

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self, callback: Any, args: Any, kwargs: Any, endpoint: str, data: Any, rate_limit_args: Any
    ) -> Any:
        return await callback(*args, **kwargs)


class Canned:
    """An answerer that answers every question with the same reply: the baseline."""

    def __init__(self, answerer: Answerer) -> None:
        self.data = answerer.data
        self.reply = answerer.topic("cases", "en")

    def ask(self, question: str, lang: str | None = None, conversation: Any = None) -> Reply:
        assert self.reply is not None
        return self.reply

    def refresh(self, force: bool = False) -> bool:
        return False


class Timed(FakeBotApi):
    """The fake, noting when each answer arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.sent_at: list[float] = []

    def _record(self, call: Any) -> None:
        super()._record(call)
        if call.method == "sendMessage":
            self.sent_at.append(time.monotonic())


@dataclass(frozen=True)
class Run:
    name: str
    updates: int
    seconds: float
    cpu: float  # seconds of this process's CPU (bot and fake share it), per update

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds


def messages(questions: list[str], n: int, chats: int) -> list[tuple[str, int, str]]:
    rng = random.Random(5)
    pool = questions[:]
    rng.shuffle(pool)
    return [(pool[k % len(pool)], 10_000 + k % chats, detect_language(pool[k % len(pool)])) for k in range(n)]


async def burst(name: str, answerer: Any, db_path: Path, burst: list[tuple[str, int, str]]) -> Run:
    fake = await Timed().start()
    try:
        settings = Settings(data_dir=db_path.parent, db_path=db_path, token=TOKEN, base_url=fake.base_url)
        for text, chat_id, language in burst:
            person = user(chat_id, "Bench", language)
            fake.message(text, sender=person, chat=private_chat(person))
        network = replace(PRODUCTION, long_poll=1)
        app = build_application(settings, answerer, network, rate_limiter=NoLimit())
        async with app:
            cpu0, start = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
            await app.updater.start_polling(poll_interval=0.0, timeout=1, **polling_options())
            await app.start()
            while len(fake.sent_at) < len(burst) and time.monotonic() - start < 300:
                await asyncio.sleep(0.01)
            elapsed = (fake.sent_at[-1] if fake.sent_at else time.monotonic()) - start
            cpu1 = resource.getrusage(resource.RUSAGE_SELF)
            await app.updater.stop()
            await app.stop()
        cpu = (cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) / len(burst)
        return Run(name, len(fake.sent_at), elapsed, cpu)
    finally:
        await fake.close()


def run(answerer: Answerer, db_path: Path, questions: list[str], n: int, chats: int, runs: int) -> list[Run]:
    """Alternating runs of the bot and the canned baseline (A B A B ...), so drift hits both alike."""
    load = messages(questions, n, chats)
    out = []
    for _ in range(runs):
        out.append(asyncio.run(burst("the bot (rate limiter off)", answerer, db_path, load)))
        out.append(asyncio.run(burst("baseline: canned reply", Canned(answerer), db_path, load)))
    return out
