"""Scale-out: two webhook workers (`nkbot run` twice, one NKBOT_WEBHOOK_SECRET) behind a round-robin proxy that
plays Caddy's part (deploy/Caddyfile), against the fake Bot API. What holds across workers, and what is per worker
(deploy/README.md, "Scale out"): every update answered once, a redelivery answered again (at least once), a reply
to an answer read against that answer on any worker, a plain follow-up and a /lang choice only on the worker that
saw what came before."""

from __future__ import annotations

import asyncio
import itertools
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from fake_bot_api import Call, FakeBotApi, free_port, user

from bot.wording import WORDS

SECRET = "workers-test_0123456789"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CHINA_SHARE = "82.6%"  # of those arrested abroad, in China: the figure a follow-up on the China answer gets


@dataclass
class RoundRobin:
    """Caddy's part: each POST passed to the next worker in turn, a worker that refuses the connection skipped (as
    `lb_try_duration` does; a request a worker has received is never sent twice). Notes which worker took which
    update."""

    ports: list[int]
    took: dict[int, int] = field(default_factory=dict)  # update_id -> port
    port: int = 0
    _runner: web.AppRunner | None = None
    _session: aiohttp.ClientSession | None = None

    async def start(self) -> RoundRobin:
        self._turns = itertools.cycle(self.ports)
        self._session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/telegram", self._pass)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _pass(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k in {SECRET_HEADER, "Content-Type"}}
        for _ in self.ports:
            port = next(self._turns)
            try:
                async with self._session.post(f"http://127.0.0.1:{port}/telegram", data=body, headers=headers) as r:
                    self.took[(await request.json())["update_id"]] = port
                    return web.Response(status=r.status, body=await r.read())
            except aiohttp.ClientConnectorError:
                continue  # that worker is gone: the next one
        return web.Response(status=502)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()


@dataclass
class Workers:
    """Two `nkbot run` webhook workers, the proxy in front of them, and a way to deliver updates as Telegram does."""

    fake: FakeBotApi
    bots: list[Any]
    ports: list[int]
    proxy: RoundRobin
    session: aiohttp.ClientSession

    def url(self, worker: int | None) -> str:
        """Worker 0's or 1's own address, or (None) the proxy's, as Telegram knows it."""
        return self.proxy.url if worker is None else f"http://127.0.0.1:{self.ports[worker]}"

    def update(self, text: str, **content: Any) -> dict[str, Any]:
        """A message update, not queued for getUpdates: it is posted to a webhook."""
        made = self.fake.message(text, **content)
        self.fake.updates.remove(made)
        return made

    async def deliver(self, update: dict[str, Any], worker: int | None = None) -> int:
        headers = {SECRET_HEADER: SECRET}
        async with self.session.post(f"{self.url(worker)}/telegram", json=update, headers=headers) as response:
            return response.status

    async def ask(self, text: str, worker: int, **content: Any) -> str:
        """Send one message to one worker and return the text of its answer."""
        mark = len(self.fake.calls)
        assert await self.deliver(self.update(text, **content), worker) == 200
        return str((await self.fake.wait_for("sendMessage", since=mark, timeout=20)).params["text"])

    async def answer_call(self, text: str, worker: int) -> Call:
        mark = len(self.fake.calls)
        assert await self.deliver(self.update(text), worker) == 200
        return await self.fake.wait_for("sendMessage", since=mark, timeout=20)


@pytest.fixture
async def workers(nkbot_process: Callable[..., Any], fake_bot_api: FakeBotApi) -> AsyncIterator[Workers]:
    ports = [free_port(), free_port()]
    proxy = await RoundRobin(ports).start()
    bots = []
    for port in ports:
        env = {
            "NKBOT_WEBHOOK_URL": proxy.url,  # the public address: every worker registers the same one
            "NKBOT_WEBHOOK_LISTEN": "127.0.0.1",
            "NKBOT_WEBHOOK_PORT": str(port),
            "NKBOT_WEBHOOK_SECRET": SECRET,
        }
        bots.append(await nkbot_process(**env))
    for bot in bots:
        await bot.wait_for_log("health check at")
    async with aiohttp.ClientSession() as session:
        yield Workers(fake_bot_api, bots, ports, proxy, session)
    await proxy.close()


async def answered(fake: FakeBotApi, n: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while len(fake.calls_to("sendMessage")) < n:
        assert time.monotonic() < deadline, f"{len(fake.calls_to('sendMessage'))} of {n} answered"
        await asyncio.sleep(0.05)


def answers_per_chat(fake: FakeBotApi) -> Counter[int]:
    return Counter(int(c.params["chat_id"]) for c in fake.calls_to("sendMessage") if c.error is None)


async def test_two_workers_answer_every_update_once_and_a_redelivered_one_again(workers: Workers) -> None:
    fake = workers.fake
    hooks = fake.calls_to("setWebhook")  # each worker registers the webhook: the same URL, the same secret
    assert len(hooks) == 2
    assert {h.params["url"] for h in hooks} == {f"{workers.proxy.url}/telegram"}
    assert {h.params["secret_token"] for h in hooks} == {SECRET}

    updates = [workers.update("mss share", sender=user(60_000 + k)) for k in range(40)]
    statuses = await asyncio.gather(*(workers.deliver(u) for u in updates))
    assert statuses == [200] * 40
    assert Counter(workers.proxy.took.values()) == {port: 20 for port in workers.ports}
    await answered(fake, 40)

    # Telegram sends an update again when it got no 200 in time: the other worker answers it a second time.
    first = updates[0]
    other = 1 - workers.ports.index(workers.proxy.took[first["update_id"]])
    assert await workers.deliver(first, other) == 200
    await answered(fake, 41)

    # One worker stopped (SIGTERM): it answers what it took and exits; the proxy passes the rest to the other.
    assert await workers.bots[0].stop(signal.SIGTERM) == 0, workers.bots[0].log
    late = [workers.update("mss share", sender=user(61_000 + k)) for k in range(6)]
    assert [await workers.deliver(u) for u in late] == [200] * 6
    assert {workers.proxy.took[u["update_id"]] for u in late} == {workers.ports[1]}
    await answered(fake, 47)
    assert await workers.bots[1].stop(signal.SIGTERM) == 0, workers.bots[1].log

    per_chat = answers_per_chat(fake)  # counted once both have exited: nothing is still on its way
    chats = [u["message"]["chat"]["id"] for u in updates + late]
    assert per_chat == Counter({chat: 2 if chat == first["message"]["chat"]["id"] else 1 for chat in chats})
    for bot in workers.bots:
        assert "Traceback" not in bot.log and SECRET not in bot.log


async def test_a_reply_to_an_answer_is_read_against_it_on_either_worker_a_plain_follow_up_on_its_own(
    workers: Workers,
) -> None:
    china = await workers.answer_call("how many were arrested in China?", 0)
    assert "China" in china.params["text"] and CHINA_SHARE in china.params["text"]

    # Worker 1 never saw that answer: a plain follow-up there is read on its own, and asks which figure is meant.
    alone = await workers.ask("what percentage is that?", 1)
    assert WORDS["en"]["vague"].split("?")[0] in alone and CHINA_SHARE not in alone
    # On worker 0, which gave the answer, the same words are read against it.
    assert CHINA_SHARE in await workers.ask("what percentage is that?", 0)
    # A reply to the answer carries the answer itself (its buttons): worker 1 reads it against that answer.
    replied = await workers.ask("what percentage is that?", 1, reply_to_message=china.result)
    assert CHINA_SHARE in replied and "China" in replied


async def test_a_lang_choice_holds_on_the_worker_that_took_it_only(workers: Workers) -> None:
    assert await workers.ask("/lang ko", 0) == WORDS["ko"]["lang_set"]
    korean, english = WORDS["ko"]["help"].split("\n")[1], WORDS["en"]["help"].split("\n")[1]
    assert korean in await workers.ask("/help", 0)
    # The other worker never saw the choice: menus follow the user's Telegram language (English) there.
    assert english in await workers.ask("/help", 1)
