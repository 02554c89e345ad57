"""Shared fixtures. The Telegram ones (telegram_db_path, telegram_answerer, fake_bot_api, telegram_settings)
give a built database, an answerer over it, a running fake Bot API server, and settings pointing at it;
fast_network and start_bot run the real Application against that server with test-sized timeouts, and
nkbot_process runs `nkbot run` against it as a child process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from fake_bot_api import TOKEN, FakeBotApi
from telegram.ext import Application

from bot.answerer import Answerer
from bot.config import PACKAGE_DATA, Settings
from bot.telegram.app import PRODUCTION, Network, build_application, polling_options, webhook_options


def pytest_report_header() -> list[str]:
    packages = ("python-telegram-bot", "rapidfuzz", "sqlite-utils", "aiohttp", "pytest-asyncio")
    return ["versions: " + ", ".join(f"{name} {version(name)}" for name in packages)]


@pytest.fixture(scope="session")
def telegram_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from data/ into a temporary folder (the tests never write under data/)."""
    path = tmp_path_factory.mktemp("telegram") / "report.db"
    Answerer.from_paths(PACKAGE_DATA, path)
    return path


@pytest.fixture(scope="session")
def telegram_answerer(telegram_db_path: Path) -> Answerer:
    """The answerer the bot runs on, loaded once per test session."""
    return Answerer.from_paths(PACKAGE_DATA, telegram_db_path)


@pytest.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API server listening on 127.0.0.1, with no updates queued and no calls made yet."""
    fake = await FakeBotApi().start()
    yield fake
    await fake.close()


@pytest.fixture
def telegram_settings(fake_bot_api: FakeBotApi, telegram_db_path: Path) -> Settings:
    """Settings for a bot that talks to the fake server, in polling mode."""
    return Settings(
        db_path=telegram_db_path,
        token=TOKEN,
        base_url=fake_bot_api.base_url,
        base_file_url=fake_bot_api.base_file_url,
        webhook_secret="test-secret_0123456789",
    )


@pytest.fixture
def fast_network() -> Network:
    """Production's network settings, shortened for tests: 2 s timeouts, retries within seconds, 1 s long polls."""
    return replace(
        PRODUCTION,
        connect_timeout=2,
        read_timeout=2,
        write_timeout=2,
        pool_timeout=2,
        long_poll=1,
        retry_delays=(0.1, 0.2, 0.4, 0.8, 1, 1, 1, 1, 1, 1),
    )


@pytest.fixture
def start_bot(
    telegram_settings: Settings, telegram_answerer: Answerer
) -> Callable[..., AbstractAsyncContextManager[Application[Any, Any, Any, Any, Any, Any]]]:
    """`async with start_bot(network) as app:` the real Application against the fake server, started in
    run_polling's (or, with webhook=True, run_webhook's) order, setup calls made; `settings` and `answerer`
    default to telegram_settings and telegram_answerer."""

    @asynccontextmanager
    async def running(
        network: Network = PRODUCTION,
        *,
        settings: Settings | None = None,
        answerer: Answerer | None = None,
        webhook: bool = False,
    ) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
        settings = settings or telegram_settings
        app = build_application(settings, answerer or telegram_answerer, network)
        assert app.updater is not None and app.post_init is not None
        async with app:  # initialize (getMe) ... shutdown
            await app.post_init(app)
            if webhook:
                await app.updater.start_webhook(**webhook_options(settings))
            else:
                await app.updater.start_polling(poll_interval=0.0, timeout=network.long_poll, **polling_options())
            await app.start()
            try:
                yield app
            finally:
                if app.updater.running:
                    await app.updater.stop()
                if app.running:
                    await app.stop()

    return running


class BotProcess:
    """`nkbot run` as a child process; its log is collected line by line as it comes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for line in self.process.stderr:
            self.lines.append(line.decode(errors="replace"))

    @property
    def log(self) -> str:
        return "".join(self.lines)

    async def wait_for_log(self, text: str, *, since: int = 0, timeout: float = 20) -> int:
        """The index of the first log line from `since` on that contains `text`; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            for k in range(since, len(self.lines)):
                if text in self.lines[k]:
                    return k
            if time.monotonic() > deadline or self._reader.done():
                raise AssertionError(f"nkbot run never logged {text!r}; it logged:\n{self.log}")
            await asyncio.sleep(0.02)

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Send `sig` (unless it already ended) and return its exit code once it has exited."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(sig)
        return await self.wait(timeout)

    async def wait(self, timeout: float = 30) -> int:
        """Its exit code, once it has exited (after a signal sent with process.send_signal: a second one would
        cut PTB's graceful shutdown short)."""
        code = await asyncio.wait_for(self.process.wait(), timeout)
        await self._reader
        return code


@pytest.fixture
async def nkbot_process(fake_bot_api: FakeBotApi, telegram_db_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """`await nkbot_process(NKBOT_X="...")` starts `nkbot run` against the fake server (token, base URL and the
    test database set; other TELEGRAM_ and NKBOT_ variables cleared); whatever still runs is killed afterwards."""
    started: list[BotProcess] = []
    script = Path(sys.executable).with_name("nkbot")
    command = [str(script), "run"] if script.exists() else [sys.executable, "-m", "bot", "run"]

    async def start(**env: str) -> BotProcess:
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NKBOT_"))}
        values = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": fake_bot_api.base_url}
        values |= {"NKBOT_DB": str(telegram_db_path), "PYTHONUNBUFFERED": "1", **env}
        process = await asyncio.create_subprocess_exec(
            *command,
            env=inherited | values,
            cwd=PACKAGE_DATA.parent,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        started.append(BotProcess(process))
        return started[-1]

    yield start
    for bot in started:
        if bot.process.returncode is None:
            bot.process.kill()
            await bot.wait()
