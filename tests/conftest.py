"""Shared fixtures. The Telegram ones (telegram_db_path, telegram_answerer, fake_bot_api, telegram_settings)
give a built database, an answerer over it, a running fake Bot API server, and settings pointing at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from importlib.metadata import version
from pathlib import Path

import pytest
from fake_bot_api import TOKEN, FakeBotApi

from bot.answerer import Answerer
from bot.config import PACKAGE_DATA, Settings


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
