"""Run deploy/Caddyfile, unchanged, in front of two real webhook workers, and check what it promises.

The compose file gives Caddy the workers as one name (`nkbot`) that Docker's DNS answers with an address per worker;
here /etc/hosts plays Docker's DNS: `nkbot` must resolve to two loopback addresses, on which the two workers listen
on port 8443 as in compose. Each worker is the real Application in webhook mode (bench/workers.py --worker, the rate
limiter off), against the test suite's fake Bot API in this process; Caddy is the Debian package.

    apt-get install caddy
    printf '127.0.0.2 nkbot\\n127.0.0.3 nkbot\\n' >> /etc/hosts   # as root; Docker's DNS does this in compose
    python deploy/check-caddy.py

Checked: every update posted to Caddy is answered exactly once, and both workers take a share (least_conn); a body
over 1 MB is refused by Caddy (413) before any worker reads it; any other path, /healthz included, is 404 from
outside; a wrong secret is refused by the worker behind Caddy (403); with one worker stopped (SIGTERM), Caddy passes
every later update to the other and none is lost. Prints one line per check and exits 1 if any fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]

from fake_bot_api import TOKEN, FakeBotApi, free_port, private_chat, user  # noqa: E402

SECRET = "caddy-check_0123456789"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
UPDATES = 200  # posted through Caddy with both workers up
AFTER_STOP = 50  # posted with one worker stopped
OPEN = 40  # Telegram's default max_connections
QUESTION = "how many victims were arrested in china?"
RESENDS = 5  # rounds of resending what got no 200, as Telegram does


def worker_addresses() -> list[str]:
    """The addresses `nkbot` resolves to, as Caddy's `dynamic a nkbot 8443` will find them."""
    try:
        found = socket.getaddrinfo("nkbot", 8443, socket.AF_INET, socket.SOCK_STREAM)
    except socket.gaierror:
        return []
    return sorted({info[4][0] for info in found})


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def check() -> list[tuple[str, bool, str]]:
    addresses = worker_addresses()
    if len(addresses) < 2 or not all(a.startswith("127.") for a in addresses):
        sys.exit("`nkbot` must resolve to two loopback addresses: see this script's docstring (/etc/hosts)")
    caddy = shutil.which("caddy")
    if caddy is None:
        sys.exit("no caddy on PATH: apt-get install caddy")
    results: list[tuple[str, bool, str]] = []
    fake = await FakeBotApi().start()
    port = free_port()
    home = Path(tempfile.mkdtemp(prefix="nkbot-caddy-"))
    db_path = home / "report.db"
    workers: list[subprocess.Popen[bytes]] = []
    proxy = None
    try:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NKBOT_"))}
        for address in addresses[:2]:
            env = base | {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": fake.base_url, "NKBOT_DB": str(db_path)}
            env |= {"NKBOT_DATA_DIR": str(ROOT / "data"), "NKBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}"}
            env |= {"NKBOT_WEBHOOK_LISTEN": address, "NKBOT_WEBHOOK_PORT": "8443", "NKBOT_WEBHOOK_SECRET": SECRET}
            command = [sys.executable, str(ROOT / "bench" / "workers.py"), "--worker"]
            workers.append(subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL))
            if not db_path.exists():  # the first worker builds the database; the second loads it
                await until(db_path.exists, 60, "the database")
        caddy_env = base | {"NKBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}", "NKBOT_WEBHOOK_PATH": "telegram"}
        caddy_env |= {"HOME": str(home), "XDG_DATA_HOME": str(home), "XDG_CONFIG_HOME": str(home)}
        proxy = subprocess.Popen(
            [caddy, "run", "--config", str(ROOT / "deploy" / "Caddyfile"), "--adapter", "caddyfile"],
            env=caddy_env,
            stdout=subprocess.DEVNULL,
            stderr=(home / "caddy.log").open("w"),
        )
        url = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=OPEN)) as session:
            for address in addresses[:2]:
                await ready(session, f"http://{address}:8443/healthz")
            await ready(session, f"{url}/", any_status=True)

            def question(k: int) -> dict:
                person = user(70_000 + k, "Caddy", "en")
                update = fake.message(
                    "how many victims were arrested in china?", sender=person, chat=private_chat(person)
                )
                return update

            updates = [question(k) for k in range(UPDATES)]
            fake.updates.clear()  # posted to the webhook, never polled
            cpu0 = [cpu_seconds(w.pid) for w in workers]
            statuses = await post_all(session, f"{url}/telegram", updates)
            await until(lambda: len(fake.sent()) >= UPDATES, 60, "the answers")
            await asyncio.sleep(1)
            answered = Counter(c.params["chat_id"] for c in fake.calls_to("sendMessage") if c.error is None)
            once = all(answered[u["message"]["chat"]["id"]] == 1 for u in updates) and len(answered) == UPDATES
            results.append(("every update answered exactly once", once and set(statuses) == {200}, f"{len(answered)}"))
            shares = [cpu_seconds(w.pid) - c for w, c in zip(workers, cpu0, strict=True)]
            results.append(("both workers took a share", all(s > 0.05 for s in shares), f"CPU s {shares}"))

            big = b'{"update_id": 1, "pad": "' + b"x" * 2_000_000 + b'"}'
            async with session.post(f"{url}/telegram", data=big, headers={HEADER: SECRET}) as response:
                results.append(("a body over 1 MB refused by Caddy", response.status == 413, str(response.status)))
            for path in ("/healthz", "/other", "/telegram/../healthz"):
                async with session.get(f"{url}{path}") as response:
                    results.append((f"GET {path} from outside is 404", response.status == 404, str(response.status)))
            async with session.post(f"{url}/telegram", json=question(UPDATES), headers={HEADER: "wrong"}) as response:
                results.append(("a wrong secret refused behind Caddy", response.status == 403, str(response.status)))
            fake.updates.clear()

            workers[0].send_signal(signal.SIGTERM)
            workers[0].wait(timeout=30)
            before = len(fake.sent())
            later = [question(UPDATES + 1 + k) for k in range(AFTER_STOP)]
            fake.updates.clear()
            statuses = await post_all(session, f"{url}/telegram", later)
            refused = [u for u, status in zip(later, statuses, strict=True) if status != 200]
            resent, left, attempts = [], refused, 0
            while left and attempts < RESENDS:  # what Telegram does with a non-200: send it again, a little later
                await asyncio.sleep(0.5)
                attempts += 1
                got = await post_all(session, f"{url}/telegram", left)
                resent += got
                left = [u for u, status in zip(left, got, strict=True) if status != 200]
            with contextlib.suppress(RuntimeError):  # reported below: which were not answered
                await until(lambda: len(fake.sent()) >= before + AFTER_STOP, 30, "the answers after the stop")
            answered = Counter(c.params["chat_id"] for c in fake.calls_to("sendMessage") if c.error is None)
            ok = not left and all(answered[u["message"]["chat"]["id"]] == 1 for u in later)
            missing = sum(answered[u["message"]["chat"]["id"]] != 1 for u in later)
            detail = f"first posts {dict(Counter(statuses))}; {len(refused)} resent as Telegram does, {attempts} rounds"
            detail += f", not answered once: {missing}"
            results.append(("one worker stopped: every later update answered once, by the other", ok, detail))
    finally:
        for process in [*workers, *([proxy] if proxy else [])]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        await fake.close()
    return results


async def ready(session: aiohttp.ClientSession, url: str, any_status: bool = False, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            async with session.get(url) as response:
                if any_status or response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} never answered")


async def post_all(session: aiohttp.ClientSession, url: str, updates: list[dict]) -> list[int]:
    """Post like Telegram: at most OPEN requests open at once; the status of each, in the order of `updates`."""
    statuses = [0] * len(updates)
    pending = iter(enumerate(updates))

    async def poster() -> None:
        for k, update in pending:
            async with session.post(url, json=update, headers={HEADER: SECRET}) as response:
                statuses[k] = response.status

    await asyncio.gather(*(poster() for _ in range(OPEN)))
    return statuses


def main() -> None:
    results = asyncio.run(check())
    for name, ok, detail in results:
        print(f"{'ok  ' if ok else 'FAIL'} {name} ({detail})")
    sys.exit(0 if all(ok for _, ok, _ in results) else 1)


if __name__ == "__main__":
    main()
