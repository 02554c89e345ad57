"""Scale-out: updates per second and CPU per update for one and for two webhook workers, each a process of its own
(the real Application in webhook mode, built as `nkbot run` builds it, the rate limiter off as in pipeline.py), fed by a
driver that plays Telegram and Caddy: it posts a burst of private questions to the workers in turn, at most
MAX_CONNECTIONS at a time (Telegram's default for a webhook), against the fake Bot API in this process. One worker
is the baseline, measured in the same run, alternating with two.

    python bench/workers.py              # prints the section bench/run.py writes into RESULTS.md
    python bench/workers.py --worker     # one worker (the driver starts these itself)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
from common import ROOT, built_database, labelled, med, table
from fake_bot_api import TOKEN, FakeBotApi, free_port, private_chat, user
from pipeline import messages

from bot.answerer import Answerer
from bot.config import from_env
from bot.telegram.app import PRODUCTION, build_application, webhook_options

MAX_CONNECTIONS = 40  # Telegram's default max_connections: webhook requests it has open at once
SECRET = "bench-workers_0123456789"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Run:
    workers: int
    updates: int
    seconds: float
    worker_cpu: float  # seconds of the workers' CPU, all of them together, per update
    driver_cpu: float  # seconds of this process's CPU (the fake Bot API and the posting), per update

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds


class Timed(FakeBotApi):
    """The fake, noting when each answer arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.sent_at: list[float] = []

    def _record(self, call: Any) -> None:
        super()._record(call)
        if call.method == "sendMessage":
            self.sent_at.append(time.monotonic())


def worker() -> None:
    """One worker: settings from the environment as `nkbot run` reads them, the rate limiter off, SIGTERM stops."""
    settings = from_env()
    answerer = Answerer.from_paths(settings.data_dir, settings.db_path)
    application = build_application(settings, answerer, replace(PRODUCTION, flood_limits=False))
    application.run_webhook(**webhook_options(settings))


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used so far (Linux: /proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


async def ready(session: aiohttp.ClientSession, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"the worker on port {port} never became healthy")


async def burst(n_workers: int, db_path: Path, load: list[tuple[str, int, str]]) -> Run:
    fake = await Timed().start()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        updates = []
        for text, chat_id, language in load:
            person = user(chat_id, "Bench", language)
            updates.append(fake.message(text, sender=person, chat=private_chat(person)))
        fake.updates.clear()  # posted to the webhooks, never polled
        ports = [free_port() for _ in range(n_workers)]
        for port in ports:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NKBOT_"))}
            env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": fake.base_url, "NKBOT_DB": str(db_path)}
            env |= {"NKBOT_DATA_DIR": str(ROOT / "data"), "NKBOT_WEBHOOK_URL": "http://127.0.0.1:1"}
            env |= {"NKBOT_WEBHOOK_LISTEN": "127.0.0.1", "NKBOT_WEBHOOK_PORT": str(port)}
            env |= {"NKBOT_WEBHOOK_SECRET": SECRET}
            command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
            processes.append(subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL))
        connector = aiohttp.TCPConnector(limit=MAX_CONNECTIONS)
        async with aiohttp.ClientSession(connector=connector) as session:
            for port in ports:
                await ready(session, port)
            pending = iter(enumerate(updates))
            cpu0, self0, start = [cpu_seconds(p.pid) for p in processes], time.process_time(), time.monotonic()

            async def post() -> None:
                for k, update in pending:  # each poster takes the next update: MAX_CONNECTIONS open at most
                    url = f"http://127.0.0.1:{ports[k % n_workers]}/telegram"
                    async with session.post(url, json=update, headers={SECRET_HEADER: SECRET}) as response:
                        assert response.status == 200, response.status

            await asyncio.gather(*(post() for _ in range(MAX_CONNECTIONS)))
            while len(fake.sent_at) < len(load) and time.monotonic() - start < 300:
                await asyncio.sleep(0.01)
            elapsed = (fake.sent_at[-1] if fake.sent_at else time.monotonic()) - start
            cpu1, self1 = [cpu_seconds(p.pid) for p in processes], time.process_time()
        n = len(load)
        return Run(n_workers, len(fake.sent_at), elapsed, (sum(cpu1) - sum(cpu0)) / n, (self1 - self0) / n)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        await fake.close()


def run(db_path: Path, questions: list[str], n: int, chats: int, runs: int) -> list[Run]:
    """Alternating runs of one worker (the baseline) and two (1 2 1 2 ...), so drift hits both alike."""
    load = messages(questions, n, chats)
    return [asyncio.run(burst(w, db_path, load)) for _ in range(runs) for w in (1, 2)]


def cpu_cells(r: Run) -> list[str]:
    return [f"{r.worker_cpu * 1000:.2f}", f"{r.driver_cpu * 1000:.2f}"]


def section(runs: list[Run]) -> list[str]:
    """The "Workers" section of bench/RESULTS.md: every run, then medians and the ratio two/one."""
    lines = ["## Workers (webhook mode, one process each)", ""]
    lines += table(
        ["workers", "updates", "seconds", "updates/s", "workers' CPU ms per update", "driver and fake API CPU ms"],
        [[str(r.workers), str(r.updates), f"{r.seconds:.2f}", f"{r.per_second:.0f}", *cpu_cells(r)] for r in runs],
    )
    one = [r for r in runs if r.workers == 1]
    two = [r for r in runs if r.workers == 2]
    rate1, rate2 = med(r.per_second for r in one), med(r.per_second for r in two)
    cpu1, cpu2 = med(r.worker_cpu for r in one), med(r.worker_cpu for r in two)
    # Each two-worker run against the one-worker run just before it, then the median: drift cancels out.
    rate_ratio = med(b.per_second / a.per_second for a, b in zip(one, two, strict=True))
    cpu_ratio = med(b.worker_cpu / a.worker_cpu for a, b in zip(one, two, strict=True))
    lines += [
        "",
        *table(
            ["", "1 worker (baseline)", "2 workers", "median ratio 2/1, run by run"],
            [
                ["median updates/s", f"{rate1:.0f}", f"{rate2:.0f}", f"{rate_ratio:.2f}x"],
                ["median workers' CPU ms/update", f"{cpu1 * 1000:.2f}", f"{cpu2 * 1000:.2f}", f"{cpu_ratio:.2f}x"],
            ],
        ),
        "",
        f"Each worker is the real Application in webhook mode in its own process, the rate limiter off (as above),"
        f" no logging configured (warnings only); a driver in the bench process plays Telegram and Caddy, posting"
        f" the burst to the workers in turn with at most {MAX_CONNECTIONS} requests open, beside the fake Bot API."
        f" The machine's cores ({os.cpu_count()}) are shared by the workers, the driver and the fake API, so two"
        " workers gain only what the cores left over allow; CPU per update is the workers' own, summed. Load"
        f" average (1 min) when this was written: {os.getloadavg()[0]:.2f}.",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", action="store_true", help="run one worker (started by the driver)")
    parser.add_argument("--quick", action="store_true", help="one run each, a smaller burst")
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    db_path = built_database()
    questions = [item.question for item in labelled()]
    runs = run(db_path, questions, n=500 if args.quick else 2000, chats=500, runs=1 if args.quick else 3)
    print("\n".join(section(runs)))


if __name__ == "__main__":
    main()
