"""CPU per update end to end: `run_bot` as `nkbot run` runs it (logging included), in a process of its own, polling
the test suite's fake Bot API over HTTP for a burst of private questions queued before it starts.

Three set-ups, alternating in one run (A B C A B C ...) so that drift hits each alike:
- *before*: the shipped build, the bot/ and data/ of git commit BEFORE (or --before), extracted to a temporary folder;
- *after*: this checkout;
- *floor*: this checkout with an answerer that returns one canned reply (PTB, HTTP and logging alone).

The bot's CPU is its own process's (user + system, from /proc), from its first getUpdates to its last answer, so
start-up is not counted and the fake's work is not the bot's; the fake's CPU (this process) is reported beside it.
Linux only, for /proc.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "7efd9a55d714a9c2b54a83bd6eadabaaa86e3f28"  # main before issue 11's cost work: httpx, json, two parses
NAMES = ("before: the shipped build", "after: this checkout", "floor: this checkout, canned reply")
BOT_TIMEOUT = 300.0  # seconds a burst may take before the run is called failed


class Canned:
    """An answerer that answers every question with the same reply: the floor."""

    def __init__(self, answerer: Any) -> None:
        self.data = answerer.data
        self.db_path = answerer.db_path
        self.reply = answerer.topic("cases", "en")

    def ask(self, question: str, lang: str | None = None, conversation: Any = None) -> Any:
        return self.reply

    def refresh(self, force: bool = False) -> bool:
        return False


@dataclass(frozen=True)
class Build:
    name: str
    tree: Path  # a source tree with bot/ and data/
    canned: bool = False


@dataclass(frozen=True)
class Run:
    name: str
    updates: int
    seconds: float
    cpu: float  # seconds of the bot process's CPU, per update
    fake_cpu: float  # seconds of the fake Bot API's CPU (this process), per update

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds


@dataclass(frozen=True)
class Summary:
    name: str
    cpu: float  # medians over the runs
    fake_cpu: float
    per_second: float


def shipped_tree(ref: str) -> Path:
    """The bot/ and data/ of git commit `ref`, extracted to a temporary folder."""
    tree = Path(tempfile.mkdtemp(prefix="nkbot-before-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "bot", "data"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def messages(questions: list[str], n: int, chats: int) -> list[tuple[str, int, str]]:
    from bot.matching.text import detect_language

    rng = random.Random(5)
    pool = questions[:]
    rng.shuffle(pool)
    return [(pool[k % len(pool)], 10_000 + k % chats, detect_language(pool[k % len(pool)])) for k in range(n)]


def process_cpu(pid: int) -> float:
    """Seconds of CPU (user + system) process `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def burst(build: Build, db_path: Path, load: list[tuple[str, int, str]], log: Path) -> Run:
    """One build answering `load` from a fresh fake; the marks are taken as the fake sees the calls."""
    from fake_bot_api import TOKEN, FakeBotApi, private_chat, user

    marks: dict[str, float] = {}
    done = asyncio.Event()
    pid, sent = 0, 0

    class Marking(FakeBotApi):
        def _record(self, call: Any) -> None:
            nonlocal sent
            super()._record(call)
            if call.method == "getUpdates" and "start" not in marks:
                marks.update(start=time.monotonic(), cpu=process_cpu(pid), fake=own_cpu())
            sent += call.method == "sendMessage" and call.error is None
            if sent == len(load) and "end" not in marks:
                marks.update(end=time.monotonic(), cpu_end=process_cpu(pid), fake_end=own_cpu())
                done.set()

    fake = await Marking().start()
    try:
        for text, chat_id, language in load:
            person = user(chat_id, "Bench", language)
            fake.message(text, sender=person, chat=private_chat(person))
        env = {**os.environ, "PYTHONPATH": str(build.tree)}
        args = [sys.executable, __file__, str(build.tree), str(db_path), fake.base_url, TOKEN]
        with log.open("w") as stderr:
            child = await asyncio.create_subprocess_exec(
                *args, *(["canned"] if build.canned else []), env=env, cwd=build.tree, stderr=stderr
            )
            pid = child.pid
            try:
                ended, answered = asyncio.ensure_future(child.wait()), asyncio.ensure_future(done.wait())
                await asyncio.wait([ended, answered], timeout=BOT_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
                answered.cancel()
                if not done.is_set():
                    raise RuntimeError(f"{build.name}: {len(fake.sent())} of {len(load)} answered; see {log}")
            finally:
                if child.returncode is None:
                    child.send_signal(signal.SIGTERM)
                    await child.wait()
        return Run(
            build.name,
            len(load),
            marks["end"] - marks["start"],
            (marks["cpu_end"] - marks["cpu"]) / len(load),
            (marks["fake_end"] - marks["fake"]) / len(load),
        )
    finally:
        await fake.close()


def run(questions: list[str], n: int, chats: int, runs: int, before: str = BEFORE) -> list[Run]:
    """`runs` rounds of before, after and floor, each build's database built once into a temporary folder."""
    load = messages(questions, n, chats)
    builds = [Build(NAMES[0], shipped_tree(before)), Build(NAMES[1], ROOT), Build(NAMES[2], ROOT, canned=True)]
    work = Path(tempfile.mkdtemp(prefix="nkbot-pipeline-"))
    databases = {build.tree: work / f"{k}.db" for k, build in enumerate(builds)}
    out = []
    for _ in range(runs):
        for build in builds:
            out.append(asyncio.run(burst(build, databases[build.tree], load, work / "bot.log")))
    return out


def summaries(runs: list[Run]) -> list[Summary]:
    names = list(dict.fromkeys(r.name for r in runs))
    return [
        Summary(
            name,
            median(r.cpu for r in runs if r.name == name),
            median(r.fake_cpu for r in runs if r.name == name),
            median(r.per_second for r in runs if r.name == name),
        )
        for name in names
    ]


def child(tree: Path, db_path: Path, base_url: str, token: str, canned: bool) -> None:
    """The bot process: `run_bot` of the build in `tree` (PYTHONPATH), until SIGTERM."""
    import bot

    assert Path(bot.__file__).resolve().is_relative_to(tree.resolve()), f"{bot.__file__} is not from {tree}"
    from bot import build
    from bot.answerer import Answerer
    from bot.config import PACKAGE_DATA, Settings
    from bot.telegram.app import PRODUCTION, run_bot

    if not db_path.exists():
        build.build(PACKAGE_DATA, db_path)
    answerer: Any = Answerer.from_paths(PACKAGE_DATA, db_path)
    if canned:
        answerer = Canned(answerer)
    settings = Settings(data_dir=PACKAGE_DATA, db_path=db_path, token=token, base_url=base_url)
    # Telegram's pace (30 messages a second) off: the benchmark measures the bot.
    run_bot(settings, answerer, replace(PRODUCTION, long_poll=1, flood_limits=False))


if __name__ == "__main__":
    tree_arg, db_arg, url_arg, token_arg, *rest = sys.argv[1:]
    child(Path(tree_arg), Path(db_arg), url_arg, token_arg, canned=rest == ["canned"])
