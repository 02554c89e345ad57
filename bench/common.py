"""What every benchmark shares: the labelled questions, a built database, statistics, the machine, tables."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "tests") not in sys.path:  # the fake Bot API of the test suite
    sys.path.insert(0, str(ROOT / "tests"))

from bot import build  # noqa: E402
from bot.config import PACKAGE_DATA  # noqa: E402
from bot.evaluate import Labelled, load_sets  # noqa: E402

SETS = (PACKAGE_DATA / "labelled", *sorted((PACKAGE_DATA / "labelled").glob("dev*")))
PACKAGES = ("python-telegram-bot", "rapidfuzz", "numpy", "sqlite-utils", "scikit-learn")


def labelled() -> list[Labelled]:
    """Every user-written labelled question (the labelled and dev sets; never the blind set)."""
    return [item for folder in SETS for item in load_sets(folder)]


def built_database() -> Path:
    """data/ compiled into a temporary folder, so the benchmark writes nothing in the checkout."""
    path = Path(tempfile.mkdtemp(prefix="nkbot-bench-")) / "report.db"
    build.build(PACKAGE_DATA, path)
    return path


def pct(values: Iterable[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def med(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def machine() -> list[list[str]]:
    def installed(name: str) -> str:
        try:
            return f"{name} {version(name)}"
        except PackageNotFoundError:
            return f"{name} (not installed)"

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        ["date", f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"],
        ["cpu", platform.processor() or platform.machine()],
        [
            "cores",
            f"{os.cpu_count()} (usable: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'})",
        ],
        ["python", f"{platform.python_implementation()} {platform.python_version()}"],
        ["libraries", ", ".join(installed(p) for p in PACKAGES)],
        ["load", f"{load} (1/5/15 min, at start)"],
    ]


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"
