"""How long one question takes: Matcher.match and Answerer.ask on the labelled questions and on random text,
against rapidfuzz's extractOne over the same examples (the plainest matcher anyone would try) in the same run."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from common import med, pct

from bot.answerer import Answerer

ALPHABET = (
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,?!%~-'\"<>/()[]{}@#&*"
    "가나다라마바사아자차카타파하보위성실종피해자몇명중국러시아 ㅋㅎㅠ 😀🙏📊❝\u200b\t"
)


@dataclass(frozen=True)
class Timing:
    name: str
    p50: float  # seconds, median over passes of each pass's median
    p99: float  # seconds, median over passes of each pass's 99th percentile
    worst: float  # seconds, the slowest single question of all passes


def random_texts(n: int, length: int = 600, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(length)) for _ in range(n)]


def time_calls(name: str, call: Callable[[str], object], questions: list[str], passes: int) -> Timing:
    """Each question once per pass, after one untimed pass (warm caches, as a running bot has them)."""
    for q in questions:
        call(q)
    p50s, p99s, worst = [], [], 0.0
    for _ in range(passes):
        times = []
        for q in questions:
            start = time.perf_counter()
            call(q)
            times.append(time.perf_counter() - start)
        p50s.append(pct(times, 50))
        p99s.append(pct(times, 99))
        worst = max(worst, max(times))
    return Timing(name, med(p50s), med(p99s), worst)


def run(answerer: Answerer, questions: list[str], extract_one: Callable[[str], object], passes: int) -> list[Timing]:
    noise = random_texts(200)
    return [
        time_calls("Matcher.match, labelled questions", answerer.matcher.match, questions, passes),
        time_calls("Answerer.ask, labelled questions", answerer.ask, questions, passes),
        time_calls("Matcher.match, 600 random characters", answerer.matcher.match, noise, passes),
        time_calls("baseline: rapidfuzz extractOne, labelled questions", extract_one, questions, passes),
    ]
