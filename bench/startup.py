"""Cold start and memory: `python -m bot ask` from fork to exit, against the bare interpreter (python -c pass),
alternating; and the peak RSS of a long-running answerer after the labelled questions and random text."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from common import med

# `nkbot ask mss`, reporting its own peak RSS (VmHWM: the kernel's ru_maxrss of a child also counts the pages
# of the large parent it was forked from, so the benchmark process itself would be measured).
ASK = [
    sys.executable,
    "-c",
    "import runpy, sys\nsys.argv = ['nkbot', 'ask', 'mss']\ntry:\n    runpy.run_module('bot', run_name='__main__')\n"
    "finally:\n    print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')), file=sys.stderr)",
]
BARE = [sys.executable, "-c", "pass"]
ANSWERER = """
import sys
from pathlib import Path
from bot.answerer import Answerer
from bot.config import PACKAGE_DATA
from latency import random_texts
answerer = Answerer.from_paths(PACKAGE_DATA, Path(sys.argv[1]))
questions = [line.rstrip("\\n") for line in open(sys.argv[2], encoding="utf-8")]
for _ in range(3):
    for q in questions + random_texts(200):
        answerer.ask(q)
print(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1])  # kB
"""


def _env(db_path: Path) -> dict[str, str]:
    return {**os.environ, "NKBOT_DB": str(db_path), "PYTHONPATH": str(Path(__file__).parent)}


def cold_start(db_path: Path, runs: int) -> dict[str, float]:
    """Median wall seconds and peak RSS (MiB) of `nkbot ask`, and of the bare interpreter, run in turn."""
    ask, bare, rss = [], [], []
    for _ in range(runs + 1):  # the first pair warms the disk cache and is dropped
        for command, times in ((ASK, ask), (BARE, bare)):
            start = time.perf_counter()
            done = subprocess.run(command, env=_env(db_path), check=True, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if command is ASK:
                rss.append(int(done.stderr.strip().splitlines()[-1].split()[1]))  # "VmHWM:  61234 kB"
    return {
        "ask_s": med(ask[1:]),
        "bare_s": med(bare[1:]),
        "ratio": med(a / b for a, b in zip(ask[1:], bare[1:], strict=True)),
        "ask_rss_mib": max(rss) / 1024,
    }


def answerer_rss(db_path: Path, questions: list[str], scratch: Path) -> float:
    """Peak RSS (MiB) of one process answering every labelled question and 200 random texts, three times."""
    listing = scratch / "questions.txt"
    listing.write_text("\n".join(q.replace("\n", " ") for q in questions), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", ANSWERER, str(db_path), str(listing)],
        env=_env(db_path),
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024
