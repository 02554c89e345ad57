"""Helpers shared by the core tests (fixtures live in the test modules and conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.config import PACKAGE_DATA

PROJECT = PACKAGE_DATA.parent


def copy_data(target: Path) -> Path:
    """A private copy of data/ (without any built database) that a test may break."""
    folder = target / "data"
    shutil.copytree(PACKAGE_DATA, folder, ignore=shutil.ignore_patterns("*.db", "*.db-*", ".report-*"))
    return folder


def webhook_env(port: int, secret: str) -> dict[str, str]:
    """The settings that make `nkbot run` a webhook server on 127.0.0.1:port, with that secret."""
    return {
        "NKBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}",
        "NKBOT_WEBHOOK_LISTEN": "127.0.0.1",
        "NKBOT_WEBHOOK_PORT": str(port),
        "NKBOT_WEBHOOK_SECRET": secret,
    }
