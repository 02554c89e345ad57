"""How long Matcher.match takes: the shipped build against this checkout, in one process, each question timed
on one build and then on the other (the first of the two alternating from pass to pass), on the labelled
questions and on 600 random characters; p50 and p99 of each pass, their medians, and the ratio after/before.

Why question by question: the machine is shared and its load changes from one second to the next, so two
runs one after the other differ by more than the builds do; timing both on the same question at the same
moment cancels that. The shipped build is git commit BEFORE's bot/ and data/, imported as a package of
another name (nkbot_before: its imports are all relative), with its own database built by its own code.

    python bench/matcher_speed.py                 # prints the section bench/run.py writes into RESULTS.md
    python bench/matcher_speed.py --write         # ... and puts it into bench/RESULTS.md in place
    python bench/matcher_speed.py --before REF    # against another git commit
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ROOT, labelled, med, ms, pct, table  # noqa: E402
from latency import random_texts  # noqa: E402

BEFORE = "8b6f4ee05ea07733ec2588296a65cd1cf40a2797"  # main before the matcher's speed work (issue 11)
SECTION = "## Matcher speed (issue 11)"
CALLS = ("labelled questions", "600 random characters")


@dataclass(frozen=True)
class Timing:
    call: str
    p50: tuple[float, float]  # seconds, before and after: median over passes of each pass's median
    p99: tuple[float, float]  # ... and of each pass's 99th percentile
    ratios: tuple[float, float]  # median over passes of after/before, p50 and p99


def shipped_matcher(ref: str) -> Callable[[str], object]:
    """Matcher.match of git commit `ref`: its bot/ (as the package nkbot_before) and data/, its own database."""
    tree = Path(tempfile.mkdtemp(prefix="nkbot-before-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "bot", "data"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    (tree / "bot").rename(tree / "nkbot_before")
    sys.path.insert(0, str(tree))
    build = importlib.import_module("nkbot_before.build")
    config = importlib.import_module("nkbot_before.config")
    answerer = importlib.import_module("nkbot_before.answerer")
    build.build(config.PACKAGE_DATA, tree / "report.db")
    return answerer.Answerer.from_paths(config.PACKAGE_DATA, tree / "report.db").matcher.match


def this_matcher() -> Callable[[str], object]:
    from common import built_database

    from bot.answerer import Answerer
    from bot.config import PACKAGE_DATA

    return Answerer.from_paths(PACKAGE_DATA, built_database()).matcher.match


Match = Callable[[str], object]


def time_both(call: str, before: Match, after: Match, questions: list[str], passes: int) -> Timing:
    """Each question on both builds in turn, after one untimed pass of each (warm caches, as a running bot has)."""
    for q in questions:
        before(q)
        after(q)
    clock = time.perf_counter
    p50s: list[tuple[float, float]] = []
    p99s: list[tuple[float, float]] = []
    for k in range(passes):
        first, second = (before, after) if k % 2 == 0 else (after, before)
        times: tuple[list[float], list[float]] = ([], [])
        for q in questions:
            start = clock()
            first(q)
            middle = clock()
            second(q)
            end = clock()
            times[k % 2].append(middle - start)
            times[1 - k % 2].append(end - middle)
        p50s.append((pct(times[0], 50), pct(times[1], 50)))
        p99s.append((pct(times[0], 99), pct(times[1], 99)))
    return Timing(
        call,
        (med(b for b, _ in p50s), med(a for _, a in p50s)),
        (med(b for b, _ in p99s), med(a for _, a in p99s)),
        (med(a / b for b, a in p50s), med(a / b for b, a in p99s)),
    )


def run(questions: list[str], passes: int, before: str = BEFORE) -> list[Timing]:
    shipped, this = shipped_matcher(before), this_matcher()
    return [
        time_both(f"Matcher.match, {CALLS[0]}", shipped, this, questions, passes),
        time_both(f"Matcher.match, {CALLS[1]}", shipped, this, random_texts(200), passes),
    ]


def section(timings: list[Timing], passes: int, before: str = BEFORE) -> list[str]:
    """The "Matcher speed" section of bench/RESULTS.md."""
    rows = []
    for t in timings:
        for k, name in enumerate(("p50", "p99")):
            b, a = (t.p50, t.p99)[k]
            rows.append([t.call, name, ms(b), ms(a), f"{a / b:.2f}x", f"{t.ratios[k]:.2f}x"])
    lines = [SECTION, ""]
    lines += table(["call", "", "before ms", "after ms", "after/before", "median of the passes' ratios"], rows)
    lines += [
        "",
        f"Medians over {passes} passes, in one process: each question timed on the shipped build (git commit"
        f" `{before[:10]}`, imported under another name, with its own database) and then on this checkout, or the"
        " other way round, alternating from pass to pass, after one untimed pass of each. The speed work itself"
        " changed no decision (`nkbot eval` on every set and `--cv 5` printed byte for byte what the shipped build"
        " printed when it landed); the matcher work after it changes some decisions, so this checkout's time"
        " includes what those changes cost.",
    ]
    return lines


def write_section(lines: list[str], path: Path = HERE / "RESULTS.md") -> None:
    """Replace the section in bench/RESULTS.md (or add it at the end), leaving the rest as it is."""
    text = path.read_text(encoding="utf-8").splitlines()
    start = next((k for k, line in enumerate(text) if line == SECTION), None)
    if start is None:
        text += ["", *lines]
    else:
        end = next((k for k in range(start + 1, len(text)) if text[k].startswith("## ")), len(text))
        text[start:end] = [*lines, ""] if end < len(text) else lines
    path.write_text("\n".join(text).rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=7, help="timed passes over the questions")
    parser.add_argument("--before", default=BEFORE, help="the git commit to compare with (the shipped build)")
    parser.add_argument("--write", action="store_true", help="put the section into bench/RESULTS.md")
    args = parser.parse_args()
    timings = run([item.question for item in labelled()], args.passes, args.before)
    lines = section(timings, args.passes, args.before)
    print("\n".join(lines))
    if args.write:
        write_section(lines)


if __name__ == "__main__":
    main()
