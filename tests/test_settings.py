"""Settings a user gets wrong: `nkbot` names the variable at fault, before it does anything else."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support import PROJECT

VALID_FORM = "123456789:" + "A" * 35  # a token of the right shape (no server ever sees it)


def nkbot(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NKBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT,
    )


def test_a_malformed_token_from_the_token_file_is_named_as_the_file(tmp_path):
    secret = tmp_path / "telegram_bot_token"
    secret.write_text("not-a-token\n", encoding="utf-8")
    result = nkbot("run", TELEGRAM_BOT_TOKEN_FILE=str(secret))
    assert result.returncode == 2
    assert f"TELEGRAM_BOT_TOKEN_FILE ({secret}) is malformed" in result.stderr
    assert "TELEGRAM_BOT_TOKEN is malformed" not in result.stderr and "not-a-token" not in result.stderr


@pytest.mark.parametrize("command", [["run"], ["ask", "mss"]])
def test_an_unknown_log_level_is_refused_naming_the_variable(command):
    result = nkbot(*command, TELEGRAM_BOT_TOKEN=VALID_FORM, NKBOT_LOG_LEVEL="LOUD")
    assert result.returncode == 2 and result.stdout == ""
    assert "NKBOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not 'LOUD'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("url", "warned"), [("http://bot.example.org", True), ("https://bot.example.org", False)])
def test_a_webhook_url_that_is_not_https_is_warned_about(url, warned, tmp_path):
    # A Bot API nobody listens on: the bot stops at its first call, after reading its settings.
    unreachable = "http://127.0.0.1:9/bot"
    result = nkbot("run", TELEGRAM_BOT_TOKEN=VALID_FORM, TELEGRAM_BASE_URL=unreachable, NKBOT_WEBHOOK_URL=url)
    assert result.returncode == 1, result.stderr
    warning = f"warning: NKBOT_WEBHOOK_URL is '{url}', not HTTPS"
    assert (warning in result.stderr) is warned, result.stderr
