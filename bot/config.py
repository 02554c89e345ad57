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
USERNAME_FORM = re.compile(r"^[A-Za-z0-9_]{2,29}bot$", re.IGNORECASE)  # Telegram's rule: 5-32 characters, ends in "bot"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, its default as a user reads it, and what it does."""

    variable: str
    default: str
    meaning: str


# The one list of settings: from_env reads exactly these, and the README's table is settings_table().
SETTINGS: tuple[Setting, ...] = (
    Setting("NKBOT_DATA_DIR", "`data/` of this checkout", "the reviewed source files"),
    Setting(
        "NKBOT_DB", "`$NKBOT_DATA_DIR/report.db`", "the built database (rebuilt when missing or older than the data)"
    ),
    Setting(
        "TELEGRAM_BOT_TOKEN",
        "—",
        "the bot's token from @BotFather (`nkbot run` only); missing or malformed: one line, exit code 2",
    ),
    Setting(
        "TELEGRAM_BOT_TOKEN_FILE",
        "—",
        "a file holding the token, used when `TELEGRAM_BOT_TOKEN` is unset (Docker and systemd secrets)",
    ),
    Setting(
        "TELEGRAM_BOT_USERNAME",
        "—",
        "the bot's username (`nowhere_report_bot`), for `nkbot links` only; `--username` overrides it",
    ),
    Setting(
        "TELEGRAM_BASE_URL",
        f"`{DEFAULT_BASE_URL}`",
        "Bot API address, the token appended (a self-hosted Bot API server, `http://localhost:8081/bot`, or tests)",
    ),
    Setting("TELEGRAM_BASE_FILE_URL", f"`{DEFAULT_BASE_FILE_URL}`", "the same, for file downloads"),
    Setting(
        "NKBOT_WEBHOOK_URL",
        "— (polling)",
        "the bot's public HTTPS address; when set, the bot runs as a webhook server instead of polling "
        "(a warning when it is not `https://`: Telegram calls only HTTPS webhooks)",
    ),
    Setting(
        "NKBOT_WEBHOOK_LISTEN",
        "`127.0.0.1`",
        "address the webhook server listens on, behind a reverse proxy on this host (`0.0.0.0` only where the "
        "proxy is elsewhere)",
    ),
    Setting("NKBOT_WEBHOOK_PORT", "`8443`", "port the webhook server listens on"),
    Setting("NKBOT_WEBHOOK_PATH", "`telegram`", "path of the webhook, appended to `NKBOT_WEBHOOK_URL`"),
    Setting(
        "NKBOT_WEBHOOK_SECRET",
        "random at each start",
        "what Telegram must send in `X-Telegram-Bot-Api-Secret-Token` (other requests get 403); "
        "`A-Z a-z 0-9 _ -`, up to 256 characters",
    ),
    Setting(
        "NKBOT_UNANSWERED_LOG",
        "— (off)",
        "opt-in file of declined questions, with nothing about who asked (`nkbot unanswered` reads it)",
    ),
    Setting("NKBOT_LOG_LEVEL", "`INFO`", "`DEBUG`, `INFO`, `WARNING` or `ERROR`; any other value is refused"),
)


def settings_table() -> str:
    """The README's table of settings, in Markdown."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    rows += [f"| `{s.variable}` | {s.default} | {s.meaning} |" for s in SETTINGS]
    return "\n".join(rows)


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = PACKAGE_DATA
    db_path: Path = PACKAGE_DATA / "report.db"
    token: str | None = field(default=None, repr=False)  # never printed
    token_source: str = "TELEGRAM_BOT_TOKEN"  # where the token came from, for the messages about it
    bot_username: str | None = None
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
            raise ConfigError(f"{self.token_source} is malformed: expected <digits>:<35 or so letters> from @BotFather")
        return self.token

    def warnings(self) -> list[str]:
        """Settings that work but are probably a mistake, one sentence each, naming the variable."""
        if self.webhook_url and not self.webhook_url.lower().startswith("https://"):
            return [
                f"NKBOT_WEBHOOK_URL is {self.webhook_url!r}, not HTTPS: Telegram delivers webhooks only to "
                "https:// addresses (plain http is for a local test server)"
            ]
        return []


def bot_username(value: str | None, named: str) -> str:
    """A Telegram bot username, without its "@": 5 to 32 letters, digits or _, ending in "bot".
    `named` is where the value came from (the option or the variable), for the error."""
    if not value:
        raise ConfigError(
            "which bot? Give its username: nkbot links --username nowhere_report_bot (or set TELEGRAM_BOT_USERNAME)"
        )
    name = value.strip().removeprefix("@")
    if not (5 <= len(name) <= 32 and USERNAME_FORM.match(name)):
        raise ConfigError(f'{named} {value!r} is not a bot username: 5 to 32 letters, digits or _, ending in "bot"')
    return name


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from NKBOT_* and TELEGRAM_* variables (see README, 'Settings')."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("NKBOT_DATA_DIR") or PACKAGE_DATA)
    db_path = Path(env.get("NKBOT_DB") or data_dir / "report.db")
    token = env.get("TELEGRAM_BOT_TOKEN") or None
    token_source = "TELEGRAM_BOT_TOKEN"
    token_file = env.get("TELEGRAM_BOT_TOKEN_FILE")
    if not token and token_file:
        token_source = f"the token in TELEGRAM_BOT_TOKEN_FILE ({token_file})"
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
    log_level = (env.get("NKBOT_LOG_LEVEL") or "INFO").strip().upper()
    if log_level not in LOG_LEVELS:
        choices = f"{', '.join(LOG_LEVELS[:-1])} or {LOG_LEVELS[-1]}"
        raise ConfigError(f"NKBOT_LOG_LEVEL must be {choices}, not {log_level!r}")
    return Settings(
        data_dir=data_dir,
        db_path=db_path,
        token=token,
        token_source=token_source,
        bot_username=env.get("TELEGRAM_BOT_USERNAME") or None,
        base_url=env.get("TELEGRAM_BASE_URL") or DEFAULT_BASE_URL,
        base_file_url=env.get("TELEGRAM_BASE_FILE_URL") or DEFAULT_BASE_FILE_URL,
        webhook_url=webhook_url,
        webhook_listen=env.get("NKBOT_WEBHOOK_LISTEN") or "127.0.0.1",
        webhook_port=int(port_text),
        webhook_path=(env.get("NKBOT_WEBHOOK_PATH") or "telegram").strip("/"),
        webhook_secret=secret,
        unanswered_log=Path(unanswered) if unanswered else None,
        log_level=log_level,
    )


if __name__ == "__main__":  # python -m bot.config: the README's Settings table
    print(settings_table())
