"""One frozen settings object, read from environment variables; fails fast naming what is wrong."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_BASE_FILE_URL = "https://api.telegram.org/file/bot"
TOKEN_FORM = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,64}$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = PACKAGE_DATA
    db_path: Path = PACKAGE_DATA / "report.db"
    token: str | None = field(default=None, repr=False)  # never printed
    base_url: str = DEFAULT_BASE_URL
    base_file_url: str = DEFAULT_BASE_FILE_URL
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"  # behind a proxy on this host; compose sets 0.0.0.0 on its own network
    webhook_port: int = 8443
    webhook_path: str = "telegram"
    webhook_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    unanswered_log: Path | None = None
    log_level: str = "INFO"

    @property
    def webhook(self) -> bool:
        return bool(self.webhook_url)

    def require_token(self) -> str:
        if not self.token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set (or TELEGRAM_BOT_TOKEN_FILE names no readable file)")
        if not TOKEN_FORM.match(self.token):
            raise ConfigError("TELEGRAM_BOT_TOKEN is malformed: expected <digits>:<35 or so letters> from @BotFather")
        return self.token


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from NKBOT_* and TELEGRAM_* variables (see README, 'Settings')."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("NKBOT_DATA_DIR") or PACKAGE_DATA)
    db_path = Path(env.get("NKBOT_DB") or data_dir / "report.db")
    token = env.get("TELEGRAM_BOT_TOKEN") or None
    token_file = env.get("TELEGRAM_BOT_TOKEN_FILE")
    if not token and token_file:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip() or None
        except OSError as exc:
            raise ConfigError(f"TELEGRAM_BOT_TOKEN_FILE: cannot read {token_file} ({exc.strerror})") from None
    port_text = env.get("NKBOT_WEBHOOK_PORT") or "8443"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"NKBOT_WEBHOOK_PORT must be a port number, not {port_text!r}")
    webhook_url = env.get("NKBOT_WEBHOOK_URL") or None
    if webhook_url and not re.match(r"^https?://\S+$", webhook_url):
        raise ConfigError(f"NKBOT_WEBHOOK_URL must be an http(s) URL, not {webhook_url!r}")
    secret = env.get("NKBOT_WEBHOOK_SECRET") or secrets.token_urlsafe(32)
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise ConfigError("NKBOT_WEBHOOK_SECRET may use only A-Z, a-z, 0-9, _ and - (1 to 256 characters)")
    unanswered = env.get("NKBOT_UNANSWERED_LOG") or None
    return Settings(
        data_dir=data_dir,
        db_path=db_path,
        token=token,
        base_url=env.get("TELEGRAM_BASE_URL") or DEFAULT_BASE_URL,
        base_file_url=env.get("TELEGRAM_BASE_FILE_URL") or DEFAULT_BASE_FILE_URL,
        webhook_url=webhook_url,
        webhook_listen=env.get("NKBOT_WEBHOOK_LISTEN") or "127.0.0.1",
        webhook_port=int(port_text),
        webhook_path=(env.get("NKBOT_WEBHOOK_PATH") or "telegram").strip("/"),
        webhook_secret=secret,
        unanswered_log=Path(unanswered) if unanswered else None,
        log_level=(env.get("NKBOT_LOG_LEVEL") or "INFO").upper(),
    )
