"""Operating the bot: GET /healthz next to the webhook, and SIGHUP reloading a rebuilt database without a restart."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from fake_bot_api import TOKEN, FakeBotApi, free_port
from support import copy_data, webhook_env

from bot import build
from bot.answerer import Answerer
from bot.config import Settings
from bot.telegram.app import HEALTH_PATH, Network, add_routes

MSS_QUESTION = "What share of disappearances is the MSS responsible for?"
MSS_FIGURE = "92 of 113"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET = "test-secret_0123456789"
OLD_NAME, NEW_NAME = "Yonhap News Agency", "Yonhap News Agency English Service"


def webhook_settings(settings: Settings) -> Settings:
    port = free_port()
    return replace(settings, webhook_url=f"http://127.0.0.1:{port}", webhook_listen="127.0.0.1", webhook_port=port)


def base(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.webhook_port}"


async def get_health(session: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with session.get(url + HEALTH_PATH) as response:
        return response.status, await response.text()


# --- /healthz, in process ----------------------------------------------------------------------


async def test_healthz_answers_a_real_question_without_the_secret_and_the_webhook_still_works(
    start_bot: Callable[..., Any],
    fast_network: Network,
    telegram_settings: Settings,
    telegram_answerer: Answerer,
    fake_bot_api: FakeBotApi,
) -> None:
    settings = webhook_settings(telegram_settings)
    update = fake_bot_api.message(MSS_QUESTION)
    fake_bot_api.updates.clear()  # it goes to the webhook, not to getUpdates
    async with start_bot(fast_network, settings=settings, webhook=True), aiohttp.ClientSession() as session:
        status, body = await get_health(session, base(settings))
        async with session.get(base(settings) + HEALTH_PATH, headers={SECRET_HEADER: "wrong"}) as response:
            assert response.status == 200  # the secret is neither needed nor checked
        async with session.post(base(settings) + "/telegram", json=update) as response:
            assert response.status == 403  # the webhook still wants it
        async with session.post(base(settings) + "/telegram", json=update, headers={SECRET_HEADER: SECRET}) as response:
            assert response.status == 200
        call = await fake_bot_api.wait_for("sendMessage")
    assert status == 200 and body.endswith("\n") and body.count("\n") == 1
    data = telegram_answerer.data
    assert json.loads(body) == {"status": "ok", "topics": len(data.intents), "findings": len(data.findings)}
    assert TOKEN not in body and SECRET not in body
    assert MSS_FIGURE in call.params["text"]
    assert fake_bot_api.sent() == [call.params["text"]]


@pytest.mark.parametrize("failure", ["raises", "declines"])
async def test_healthz_is_503_when_the_answerer_fails(
    start_bot: Callable[..., Any],
    fast_network: Network,
    telegram_settings: Settings,
    telegram_answerer: Answerer,
    monkeypatch: pytest.MonkeyPatch,
    failure: str,
) -> None:
    def broken(question: str, lang: str | None = None) -> Any:
        if failure == "raises":
            raise OSError("database is gone")
        return replace(telegram_answerer.topic("mss_responsibility", "en"), intent=None)

    settings = webhook_settings(telegram_settings)
    async with start_bot(fast_network, settings=settings, webhook=True), aiohttp.ClientSession() as session:
        monkeypatch.setattr(telegram_answerer, "ask", broken)
        status, body = await get_health(session, base(settings))
        monkeypatch.undo()
        recovered, _ = await get_health(session, base(settings))
    assert status == 503 and json.loads(body)["status"] == "failing"
    assert "database is gone" not in body  # the reason goes to the log, not to whoever asks
    assert recovered == 200


async def test_polling_has_no_server_to_add_the_health_check_to(
    start_bot: Callable[..., Any], fast_network: Network, telegram_answerer: Answerer
) -> None:
    async with start_bot(fast_network) as app:
        assert add_routes(app, telegram_answerer) is False


# --- `nkbot run` as a process ------------------------------------------------------------------


async def test_nkbot_run_webhook_serves_healthz_on_the_webhook_port(
    nkbot_process: Callable[..., Any], fake_bot_api: FakeBotApi
) -> None:
    port = free_port()
    bot = await nkbot_process(**webhook_env(port, SECRET))
    await bot.wait_for_log(f"health check at {HEALTH_PATH}")
    update = fake_bot_api.message(MSS_QUESTION)
    fake_bot_api.updates.clear()
    async with aiohttp.ClientSession() as session:
        status, body = await get_health(session, f"http://127.0.0.1:{port}")
        headers = {SECRET_HEADER: SECRET}
        async with session.post(f"http://127.0.0.1:{port}/telegram", json=update, headers=headers) as response:
            assert response.status == 200
        call = await fake_bot_api.wait_for("sendMessage", timeout=20)
    assert await bot.stop() == 0, bot.log
    assert status == 200 and json.loads(body)["status"] == "ok"
    assert MSS_FIGURE in call.params["text"]
    assert fake_bot_api.calls_to("setWebhook")[-1].params["url"] == f"http://127.0.0.1:{port}/telegram"
    assert "Traceback" not in bot.log and TOKEN not in bot.log and SECRET not in bot.log


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sighup_loads_a_rebuilt_database_without_a_restart(
    nkbot_process: Callable[..., Any], fake_bot_api: FakeBotApi, tmp_path: Path, mode: str
) -> None:
    data_dir, db_path = copy_data(tmp_path), tmp_path / "report.db"
    env = {"NKBOT_DATA_DIR": str(data_dir), "NKBOT_DB": str(db_path)}
    port = free_port()
    if mode == "webhook":
        env |= {"NKBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}", "NKBOT_WEBHOOK_PORT": str(port)}
        env |= {"NKBOT_WEBHOOK_LISTEN": "127.0.0.1", "NKBOT_WEBHOOK_SECRET": SECRET}
    bot = await nkbot_process(**env)
    await bot.wait_for_log("webhook mode" if mode == "webhook" else "polling mode")

    async def answer() -> str:
        mark = len(fake_bot_api.calls)
        update = fake_bot_api.message(MSS_QUESTION)
        if mode == "webhook":
            fake_bot_api.updates.remove(update)
            await bot.wait_for_log(f"health check at {HEALTH_PATH}")  # the webhook server is up
            async with (
                aiohttp.ClientSession() as session,
                session.post(f"http://127.0.0.1:{port}/telegram", json=update, headers={SECRET_HEADER: SECRET}) as r,
            ):
                assert r.status == 200
        return str((await fake_bot_api.wait_for("sendMessage", since=mark, timeout=20)).params["text"])

    before = await answer()
    sources = data_dir / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace(OLD_NAME, NEW_NAME), encoding="utf-8")
    build.build(data_dir, db_path)  # as `nkbot build` does: a new file, swapped in atomically
    mark = len(bot.lines)
    bot.process.send_signal(signal.SIGHUP)
    # Loaded before any question could make the answerer look at the file by itself: the signal did it.
    await bot.wait_for_log("SIGHUP: reloading", since=mark)
    await bot.wait_for_log(f"loaded {db_path}", since=mark)
    after = await answer()
    assert await bot.stop() == 0, bot.log
    assert f"{OLD_NAME} (31 Oct 2024" in before
    assert NEW_NAME not in before and NEW_NAME in after
    assert after.replace(NEW_NAME, OLD_NAME) == before
    assert "Traceback" not in bot.log
