"""The benchmarks, in one run, each against its baseline: writes bench/RESULTS.md (speed and memory) and
bench/ACCURACY.md (risk against coverage for the matcher and its peers).

Why one run: the machines are shared and noisy, so a figure means something only beside its baseline measured
at the same time; read medians and ratios, never a single timing. Nothing in data/ or the checkout is written
but the two reports: the database is built into a temporary folder.

    pip install -e '.[bench]'
    python bench/run.py            # everything, a few minutes
    python bench/run.py --quick    # fewer repeats and a smaller burst
    python bench/run.py --blind    # also measure the newest blind set (tests/blindN), as the final figure of a release
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import accuracy
import latency
import matcher_speed
import peers
import pipeline
import startup
import workers
from common import ROOT, built_database, labelled, machine, ms, table

from bot.answerer import Answerer
from bot.config import PACKAGE_DATA
from bot.evaluate import load_sets

HERE = Path(__file__).resolve().parent
TARGETS = {"p99_labelled_ms": 1.0, "p99_any_ms": 3.0, "rss_mib": 100.0, "cpu_per_update_ms": 1.5}


def speed_report(args: argparse.Namespace, answerer: Answerer, db_path: Path) -> list[str]:
    questions = [item.question for item in labelled()]
    timings = latency.run(answerer, questions, peers.extract_one(answerer.data), passes=3 if args.quick else 7)
    by_name = {t.name: t for t in timings}
    n, rounds = (500, 1) if args.quick else (2000, 3)
    runs = pipeline.run(questions, n=n, chats=500, runs=rounds, before=args.before)
    sums = {s.name: s for s in pipeline.summaries(runs)}
    before, after, floor = (sums[name] for name in pipeline.NAMES)
    scaled = workers.run(db_path, questions, n=n, chats=500, runs=rounds)
    cold = startup.cold_start(db_path, runs=3 if args.quick else 7)
    rss = startup.answerer_rss(db_path, questions, Path(tempfile.mkdtemp(prefix="nkbot-rss-")))
    labelled_p99 = by_name["Matcher.match, labelled questions"].p99 * 1000
    noise_p99 = by_name["Matcher.match, 600 random characters"].p99 * 1000
    lines = ["# Speed and memory", "", f"Written by `python bench/run.py{' --quick' if args.quick else ''}`.", ""]
    lines += ["## Machine", "", *table(["", ""], machine()), ""]
    lines += ["## Targets (issue 9)", ""]
    lines += table(
        ["target", "measured", "result"],
        [
            [
                "matcher p99 <= 1 ms, labelled questions",
                f"{labelled_p99:.2f} ms",
                _pass(labelled_p99 <= TARGETS["p99_labelled_ms"]),
            ],
            [
                "matcher p99 <= 3 ms, any input (600 random characters)",
                f"{noise_p99:.2f} ms",
                _pass(noise_p99 <= TARGETS["p99_any_ms"]),
            ],
            [
                "RSS <= 100 MB",
                f"{max(rss, cold['ask_rss_mib']):.1f} MiB (answerer {rss:.1f}, `nkbot ask` {cold['ask_rss_mib']:.1f})",
                _pass(max(rss, cold["ask_rss_mib"]) <= TARGETS["rss_mib"]),
            ],
            [
                "CPU per update <= 1.5 ms, the bot's process, end to end (issue 11)",
                f"{ms(after.cpu)} ms ({after.cpu / before.cpu:.2f}x the shipped build's {ms(before.cpu)})",
                _pass(after.cpu * 1000 <= TARGETS["cpu_per_update_ms"]),
            ],
        ],
    )
    lines += ["", f"## Latency per question ({len(questions)} labelled questions, 200 random texts)", ""]
    base = by_name["baseline: rapidfuzz extractOne, labelled questions"].p50
    lines += table(
        ["call", "p50 ms", "p99 ms", "slowest ms", "p50 vs extractOne"],
        [[t.name, ms(t.p50), ms(t.p99), ms(t.worst), f"{t.p50 / base:.2f}x"] for t in timings],
    )
    lines += ["", "Medians over passes of each pass's p50 and p99, after one untimed warm-up pass.", ""]
    passes = 3 if args.quick else 7
    lines += [*matcher_speed.section(matcher_speed.run(questions, passes), passes), ""]
    lines += ["## CPU per update, end to end (issue 11)", ""]
    lines += table(
        ["set-up", "CPU ms per update, the bot", "vs before", "CPU ms per update, the fake API", "updates/s"],
        [
            [s.name, ms(s.cpu), f"{s.cpu / before.cpu:.2f}x", ms(s.fake_cpu), f"{s.per_second:.0f}"]
            for s in (before, after, floor)
        ],
    )
    lines += [
        "",
        f"Medians of {len(runs) // 3} alternating runs of {runs[0].updates} private questions each (every run below)."
        f" *before* is git commit `{args.before[:10]}`; `run_bot` as `nkbot run` runs it, INFO logging included, in a"
        " process of its own polling the fake Bot API over HTTP on 127.0.0.1, Telegram's 30 messages a second off."
        " The bot's CPU is its process's from its first getUpdates to its last answer."
        f" Of the {ms(after.cpu)} ms, PTB, HTTP and logging (the floor, a canned reply) take {ms(floor.cpu)} ms and"
        f" answering (matcher and reply) the other {ms(after.cpu - floor.cpu)} ms.",
        "",
    ]
    lines += table(
        ["set-up", "updates", "seconds", "updates/s", "CPU ms per update, the bot", "the fake API"],
        [[r.name, str(r.updates), f"{r.seconds:.2f}", f"{r.per_second:.0f}", ms(r.cpu), ms(r.fake_cpu)] for r in runs],
    )
    lines += [
        "",
        *workers.section(scaled),
        "",
        "## Cold start",
        "",
    ]
    lines += table(
        ["command", "median s", "vs bare interpreter"],
        [
            ["`python -m bot ask mss`", f"{cold['ask_s']:.3f}", f"{cold['ratio']:.2f}x"],
            ["`python -c pass`", f"{cold['bare_s']:.3f}", "1.00x"],
        ],
    )
    return lines


def accuracy_report(answerer: Answerer, blind: bool) -> list[str]:
    questions = labelled()
    curve, operating, _ = accuracy.ours(answerer, questions)
    lines = ["# Risk against coverage", "", "Written by `python bench/run.py`. ", ""]
    lines += [
        f"The {len(questions)} user-written questions of data/labelled (the labelled set and the dev sets, written by"
        " people who never saw the examples). The shipped matcher is cross-validated: each question proposed by a"
        " matcher built without its fold's examples and paraphrases, its decision model refitted without its fold;"
        " the threshold then moves. The peers are trained on the examples alone, and their topic is worded and"
        " claim-checked by our answerer (which flatters them). *answered* and *right* are shares of the answerable"
        " questions; *wrong* counts wrong figures (answers where a decline was due, answers without the figure asked,"
        " and verdicts that say yes where the report says no) per 300 questions.",
        "",
        f"Operating point of the shipped matcher (nested cross-validation): {operating.right:.1%} of answerable"
        f" questions right, {operating.wrong_per_300:.1f} wrong figures per 300 questions, {operating.declined:.1%}"
        " of must-decline questions declined.",
        "",
    ]
    rows = [["shipped matcher (cross-validated)", *_cells(p)] for p in curve]
    for peer in (peers.rapidfuzz_peer(answerer.data), peers.tfidf_peer(answerer.data)):
        if peer is not None:
            rows += [[peer.name, *_cells(p)] for p in accuracy.peer_curve(peer, answerer, questions)]
    lines += table(["matcher", "threshold", "answered", "right", "wrong per 300", "must-decline declined"], rows)
    if blind:
        from bot.evaluate import by_origin, evaluate, format_summaries, summarise

        newest = newest_blind_set()
        graded = evaluate(answerer, load_sets(newest))
        lines += ["", f"## The newest blind set (tests/{newest.name}), as shipped", "", "```"]
        lines += [*format_summaries([*by_origin(graded), summarise("all", graded)]).splitlines(), "```"]
    return lines


def newest_blind_set() -> Path:
    """tests/blind, tests/blind2, …: the one written last, the only one not yet read when a release is measured."""
    sets = [p for p in (ROOT / "tests").glob("blind*") if p.is_dir()]
    return max(sets, key=lambda p: int(p.name.removeprefix("blind") or 1))


def _cells(p: accuracy.Point) -> list[str]:
    return [f"{p.threshold:.2f}", f"{p.answered:.1%}", f"{p.right:.1%}", f"{p.wrong_per_300:.1f}", f"{p.declined:.1%}"]


def _pass(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, a smaller burst")
    parser.add_argument("--blind", action="store_true", help="also measure the newest blind set")
    parser.add_argument("--only", choices=("speed", "accuracy"), default=None, help="one report only")
    parser.add_argument(
        "--before", default=pipeline.BEFORE, help="the git commit CPU per update is compared with (the shipped build)"
    )
    args = parser.parse_args()
    start = time.monotonic()
    db_path = built_database()
    answerer = Answerer.from_paths(PACKAGE_DATA, db_path)
    if args.only in (None, "speed"):
        (HERE / "RESULTS.md").write_text("\n".join(speed_report(args, answerer, db_path)) + "\n", encoding="utf-8")
    if args.only in (None, "accuracy"):
        (HERE / "ACCURACY.md").write_text("\n".join(accuracy_report(answerer, args.blind)) + "\n", encoding="utf-8")
    print(f"done in {time.monotonic() - start:.0f} s: bench/RESULTS.md, bench/ACCURACY.md")


if __name__ == "__main__":
    main()
