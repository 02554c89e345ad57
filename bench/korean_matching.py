"""Measure ways of tokenising Korean questions for the matcher, before choosing one (issue 4).

The shipped matcher (bot/matcher.py) splits a Korean question into words with particles and endings stripped
(ENDINGS_KO) plus syllable bigrams of the whole question. The alternatives are character n-grams alone,
particle stripping alone, trigrams, or a morphological analyser (kiwipiepy). This script builds the Dataset
from data/ (into a temporary database, so nothing in the checkout changes), swaps only the Korean Normaliser
of a bot.matcher.Matcher for each variant (subclasses below; nothing in bot/ is edited), and measures every
variant on tests/labelled/ko.yaml with bot.evaluate:

- accuracy, wrong answers (a figure given, not the one asked), must-decline questions declined, answerable
  questions declined, at the shipped Tuning;
- the best of a small grid of threshold_ko x min_explained_ko per variant (the shipped values were tuned for
  the shipped variant; picking on the labelled set itself is optimistic, so this is an upper bound);
- the median time per question over several timed runs of the whole set, and the Korean index build time;
- kiwipiepy's model load time and resident memory, in a fresh interpreter;
- that English (tests/labelled/en.yaml) answers exactly the same under every variant.

It prints a Markdown table and writes it, with the machine and a conclusion, to bench/KOREAN.md.

Run from the project root (kiwipiepy is optional; without it its variants are skipped):

    .venv/bin/pip install kiwipiepy
    .venv/bin/python bench/korean_matching.py [--repeats 5] [--output bench/KOREAN.md]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import metadata, util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runnable as `python bench/korean_matching.py` without installing the package

from bot import store  # noqa: E402
from bot.config import PACKAGE_DATA  # noqa: E402
from bot.evaluate import Report, evaluate, load_set  # noqa: E402
from bot.matcher import DEFAULT_TUNING, STOPWORDS_KO, SYLLABLES, Matcher, Normaliser, Tuning  # noqa: E402
from bot.models import Dataset  # noqa: E402

LABELLED = ROOT / "tests" / "labelled"
GRID_THRESHOLD_KO = (30, 35, 40, 45)
GRID_MIN_EXPLAINED_KO = (0.3, 0.4, 0.5)

# kiwipiepy tags kept as content. The brief's set (nouns NN*, verb and adjective stems, roots, foreign words,
# numbers) plus hanja (SH). Particles J*, endings E*, the copula VC*, auxiliaries VX, prefixes XP* and
# verb/adjective-forming suffixes XSV/XSA are dropped; a noun suffix XSN is glued back onto its noun
# (보위+성, 연좌+제, 전체+적) except the plural 들 (여성+들 -> 여성).
KIWI_CONTENT = frozenset({"NNG", "NNP", "NNB", "VV", "VA", "XR", "SL", "SN", "SH"})
# ... and, as a second try, also pronouns, numerals, determiners and adverbs (누구, 몇, 가장, 혼자).
KIWI_BROAD = KIWI_CONTENT | {"NP", "NR", "MM", "MAG"}


# --- Korean normalisers ---------------------------------------------------------------------------


def _ngrams(text: str, n: int) -> list[str]:
    return [text[i : i + n] for i in range(len(text) - n + 1)]


class NGramNormaliser(Normaliser):
    """Words (particles stripped or not) plus character n-grams of the whole question, or n-grams alone."""

    def __init__(self, synonyms: dict[str, tuple[str, ...]], *, strip: bool, n: int, keep_words: bool) -> None:
        super().__init__("ko", synonyms)
        self.strip, self.n, self.keep_words = strip, n, keep_words

    def words(self, text: str) -> list[str]:
        if self.strip:
            return super().words(text)
        return [w for w in self.canonical(text).split() if w not in STOPWORDS_KO]

    def tokens(self, text: str) -> list[str]:
        words = self.words(text)
        if not self.n:
            return words
        joined = "".join(w for w in words if SYLLABLES.fullmatch(w))
        if self.keep_words:
            return words + ["#" + g for g in _ngrams(joined, self.n)]
        grams = _ngrams(joined, self.n) or ([joined] if joined else [])  # one syllable is its own gram
        # n-grams are the only Korean tokens: unprefixed, so the matcher treats them as its words (empty-question
        # check, explained share, key words); Latin words and numbers stay as they are.
        return [w for w in words if not SYLLABLES.fullmatch(w)] + grams


class KiwiNormaliser(Normaliser):
    """kiwipiepy morphemes of the canonical text (typos mended, synonyms rewritten) instead of stripping."""

    def __init__(self, synonyms: dict[str, tuple[str, ...]], kiwi: object, *, tags: frozenset[str], n: int) -> None:
        super().__init__("ko", synonyms)
        self.kiwi, self.tags, self.n = kiwi, tags, n
        for canonical in self.canonicals:  # 보위성, 몇명, 연좌제: one morpheme each, as the synonyms intend
            if SYLLABLES.fullmatch(canonical):
                kiwi.add_user_word(canonical, "NNP")
        # The filler words of STOPWORDS_KO, as morphemes (정확한 -> 정확, 알려줘 -> 알리, 명 -> 명).
        self.stop = frozenset(m for w in STOPWORDS_KO for m in self._morphemes(w)) - self.canonicals

    def _morphemes(self, text: str) -> list[str]:
        out: list[tuple[str, str]] = []
        for token in self.kiwi.tokenize(text):
            tag = token.tag.split("-")[0]  # VV-R, VA-I: regular/irregular conjugation marks
            if tag == "XSN" and out and out[-1][1].startswith("NN") and token.form != "들":
                out[-1] = (out[-1][0] + token.form, out[-1][1])
            else:
                out.append((token.form, tag))
        return [form for form, tag in out if tag in self.tags or form == "%"]

    def words(self, text: str) -> list[str]:
        return [m for m in self._morphemes(self.canonical(text)) if m not in self.stop]

    def tokens(self, text: str) -> list[str]:
        words = self.words(text)
        if not self.n:
            return words
        joined = "".join(w for w in words if SYLLABLES.fullmatch(w))
        return words + ["#" + g for g in _ngrams(joined, self.n)]


class VariantMatcher(Matcher):
    """The shipped Matcher with its Korean normaliser replaced (English is left exactly as shipped)."""

    def __init__(self, data: Dataset, tuning: Tuning, make_ko: Callable[[dict], Normaliser]) -> None:
        super().__init__(data, tuning)
        start = time.perf_counter()
        norm = make_ko(data.synonyms.get("ko", {}))
        norm.learn(self._texts("ko"), tuning.typo_cutoff)
        self.normalisers["ko"] = norm
        self.indexes["ko"] = self._index("ko")
        self.entity_terms["ko"] = self._entity_terms("ko")
        self.ko_build_seconds = time.perf_counter() - start


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    make_ko: Callable[[dict], Normaliser]
    needs_kiwi: bool = False


def variants(kiwi: object | None) -> list[Variant]:
    out = [
        Variant("current", "1 current: stripped words + bigrams (shipped)", lambda s: Normaliser("ko", s)),
        Variant(
            "bigrams",
            "2a bigrams only, no stripping",
            lambda s: NGramNormaliser(s, strip=False, n=2, keep_words=False),
        ),
        Variant(
            "words+bigrams",
            "2b unstripped words + bigrams",
            lambda s: NGramNormaliser(s, strip=False, n=2, keep_words=True),
        ),
        Variant("stripped", "3 stripped words only", lambda s: NGramNormaliser(s, strip=True, n=0, keep_words=True)),
        Variant(
            "trigrams", "4 stripped words + trigrams", lambda s: NGramNormaliser(s, strip=True, n=3, keep_words=True)
        ),
    ]
    if kiwi is not None:
        out += [
            Variant(
                "kiwi",
                "5a kiwi morphemes",
                lambda s: KiwiNormaliser(s, kiwi, tags=KIWI_CONTENT, n=0),
                True,
            ),
            Variant(
                "kiwi+bigrams",
                "5b kiwi morphemes + bigrams",
                lambda s: KiwiNormaliser(s, kiwi, tags=KIWI_CONTENT, n=2),
                True,
            ),
            Variant(
                "kiwi-broad",
                "5c kiwi morphemes, broad tags",
                lambda s: KiwiNormaliser(s, kiwi, tags=KIWI_BROAD, n=0),
                True,
            ),
            Variant(
                "kiwi-broad+bigrams",
                "5d kiwi morphemes, broad tags + bigrams",
                lambda s: KiwiNormaliser(s, kiwi, tags=KIWI_BROAD, n=2),
                True,
            ),
        ]
    return out


# --- measuring ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    correct: int
    accuracy: float
    wrong: int
    wrong_rate: float
    declined: int
    must_decline: int
    answerable_declined: int

    @classmethod
    def of(cls, report: Report) -> Score:
        return cls(
            sum(o.correct for o in report.outcomes),
            report.accuracy,
            sum(o.wrong for o in report.outcomes),
            report.wrong_rate,
            sum(o.match.intent is None for o in report.must_decline),
            len(report.must_decline),
            report.answerable_declined,
        )

    def rank(self) -> tuple:
        """Accuracy first, wrong answers second, then must-decline questions declined."""
        return (-round(self.accuracy, 6), self.wrong, -self.declined, self.answerable_declined)

    def cells(self) -> list[str]:
        return [
            f"{self.accuracy:.1%}",
            f"{self.wrong_rate:.1%} ({self.wrong})",
            f"{self.declined / self.must_decline:.1%} ({self.declined}/{self.must_decline})",
            str(self.answerable_declined),
        ]


@dataclass(frozen=True)
class Result:
    variant: Variant
    shipped: Score
    best: Score
    best_tuning: Tuning
    ms_per_question: float
    build_seconds: float
    english_same: bool


def predictions(report: Report) -> list[tuple]:
    return [(o.match.intent, o.match.entity and o.match.entity.category, o.match.declined) for o in report.outcomes]


def measure(
    variant: Variant, data: Dataset, ko: list, en: list, english_reference: list[tuple], repeats: int
) -> Result:
    matcher = VariantMatcher(data, DEFAULT_TUNING, variant.make_ko)
    builds = [matcher.ko_build_seconds]
    shipped = Score.of(evaluate(matcher, ko, "ko"))
    english_same = predictions(evaluate(matcher, en, "en")) == english_reference
    times = []
    gc.collect()
    gc.disable()  # as timeit does: a collection of earlier variants' garbage is not this variant's cost
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            evaluate(matcher, ko, "ko")
            times.append((time.perf_counter() - start) / len(ko))
    finally:
        gc.enable()
    best, best_tuning = shipped, DEFAULT_TUNING
    for threshold, explained in itertools.product(GRID_THRESHOLD_KO, GRID_MIN_EXPLAINED_KO):
        tuning = replace(DEFAULT_TUNING, threshold_ko=threshold, min_explained_ko=explained)
        if tuning == DEFAULT_TUNING:
            continue
        grid_matcher = VariantMatcher(data, tuning, variant.make_ko)
        builds.append(grid_matcher.ko_build_seconds)
        score = Score.of(evaluate(grid_matcher, ko, "ko"))
        if score.rank() < best.rank():  # ties keep the shipped tuning, then the grid's first
            best, best_tuning = score, tuning
    return Result(
        variant,
        shipped,
        best,
        best_tuning,
        statistics.median(times) * 1000,
        statistics.median(builds),
        english_same,
    )


KIWI_LOAD = """
import json, resource, time
def rss():
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
before = rss()
start = time.perf_counter()
from kiwipiepy import Kiwi
imported = time.perf_counter()
kiwi = Kiwi()
kiwi.tokenize("보위성이 체포한 비율은?")  # Kiwi initialises lazily, on the first analysis
done = time.perf_counter()
print(json.dumps({"import": imported - start, "load": done - imported, "rss_mb": (rss() - before) / 1024}))
"""


def kiwi_load(runs: int = 3) -> dict[str, float]:
    """Import and model load time, and the memory it adds, each in a fresh interpreter (median of runs)."""
    samples = [
        json.loads(subprocess.run([sys.executable, "-c", KIWI_LOAD], capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    ]
    out = {k: statistics.median(s[k] for s in samples) for k in samples[0]}
    size = 0
    for package in ("kiwipiepy", "kiwipiepy_model"):
        spec = util.find_spec(package)
        for folder in spec.submodule_search_locations or () if spec else ():
            size += sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
    out["disk_mb"] = size / 1e6
    return out


# --- reporting ------------------------------------------------------------------------------------


def machine() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for package in ("rapidfuzz", "kiwipiepy", "kiwipiepy_model"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} not installed")
    return (
        f"{datetime.now(UTC):%Y-%m-%d}, {cpus} CPUs (nproc), Python {platform.python_version()} on "
        f"{platform.system()} {platform.machine()}, {', '.join(versions)}"
    )


def table(results: list[Result]) -> str:
    head = [
        "variant",
        "accuracy",
        "wrong",
        "must-decline declined",
        "answerable declined",
        "ms/question",
        "ko index build s",
        "extra dependency",
        "best grid (threshold_ko, min_explained_ko)",
        "best accuracy",
        "best wrong",
        "best must-decline declined",
        "best answerable declined",
    ]
    rows = []
    for r in results:
        dependency = "kiwipiepy" if r.variant.needs_kiwi else "none"
        grid = f"{r.best_tuning.threshold_ko:g}, {r.best_tuning.min_explained_ko:g}"
        rows.append(
            [
                r.variant.label,
                *r.shipped.cells(),
                f"{r.ms_per_question:.2f}",
                f"{r.build_seconds:.2f}",
                dependency,
                grid,
                *r.best.cells(),
            ]
        )
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def conclusion(results: list[Result], load: dict[str, float] | None, total: int) -> str:
    """Accuracy first, wrong answers second, then speed and dependency weight. A difference of one question
    (0.6 points of 173) is within what rewording one question changes, so it does not decide on its own."""
    by_key = {r.variant.key: r for r in results}
    current = by_key["current"]

    def delta(r: Result, best: bool = False) -> str:
        a, b = (r.best, current.best) if best else (r.shipped, current.shipped)
        d = a.correct - b.correct
        return f"{d:+d} question{'s' if abs(d) != 1 else ''}, {a.wrong} wrong"

    def summary(r: Result) -> str:
        return f"{r.variant.label} {r.shipped.accuracy:.1%} ({delta(r)})"

    lines = [
        f"- At the shipped tuning the shipped variant answers {current.shipped.correct}/{total} correctly "
        f"({current.shipped.accuracy:.1%}) with {current.shipped.wrong} wrong at {current.ms_per_question:.2f} "
        "ms/question. Against it: "
        + "; ".join(summary(r) for r in results if r is not current and not r.variant.needs_kiwi)
        + ".",
    ]
    if all(by_key[k].shipped.correct < current.shipped.correct for k in ("bigrams", "words+bigrams", "stripped")):
        lines[-1] += (
            " Both halves of the shipped scheme earn their place: without particle stripping, or without the "
            "bigrams, fewer questions are answered right."
        )
    if by_key["trigrams"].shipped.correct < current.shipped.correct:
        lines[-1] += " Trigrams do worst of all: short questions share few of them with the examples."
    kiwis = [r for r in results if r.variant.needs_kiwi]
    if kiwis:
        weight = (
            f" kiwipiepy costs {load['import'] + load['load']:.1f} s to load, +{load['rss_mb']:.0f} MB of memory and "
            f"{load['disk_mb']:.0f} MB on disk (plus numpy)."
            if load
            else ""
        )
        lines.append(
            "- kiwipiepy: "
            + "; ".join(f"{summary(r)}, {r.ms_per_question:.2f} ms/question" for r in kiwis)
            + "."
            + weight
        )
        strict = [by_key[k] for k in ("kiwi", "kiwi+bigrams") if k in by_key]
        broad = [by_key[k] for k in ("kiwi-broad", "kiwi-broad+bigrams") if k in by_key]
        if all(r.shipped.wrong > current.shipped.wrong for r in strict) and all(
            abs(r.shipped.correct - current.shipped.correct) <= 1 for r in broad
        ):
            lines[-1] += (
                " With only the content tags (5a, 5b) it gives more wrong figures; also keeping pronouns, "
                "numerals, determiners and adverbs (누구, 몇, 가장: 5c, 5d) brings it within one question of the "
                "shipped scheme."
            )
    best_grid = min(results, key=lambda r: (*r.best.rank()[:2], r.variant.needs_kiwi))
    lines.append(
        f"- Each variant's best grid point (an upper bound: picked on the labelled set itself): the shipped variant "
        f"reaches {current.best.accuracy:.1%} ({current.best.wrong} wrong, {current.best.declined}/"
        f"{current.best.must_decline} must-decline declined) at threshold_ko {current.best_tuning.threshold_ko:g}, "
        f"min_explained_ko {current.best_tuning.min_explained_ko:g}; the best of all variants there is "
        f"{best_grid.variant.label} "
        f"at {best_grid.best.accuracy:.1%} ({best_grid.best.wrong} wrong)."
    )

    def clearly_better(r: Result) -> bool:
        at_least = all(
            (a.rank()[:2] <= b.rank()[:2]) for a, b in ((r.shipped, current.shipped), (r.best, current.best))
        )
        gain = max(r.shipped.correct - current.shipped.correct, r.best.correct - current.best.correct)
        return at_least and gain > 1

    better = [r for r in results if r is not current and clearly_better(r)]
    if better:
        winner = min(better, key=lambda r: (*r.shipped.rank()[:2], r.variant.needs_kiwi, r.ms_per_question))
        verdict = (
            f"**Consider switching to {winner.variant.label}**: it is at least as good as the shipped scheme at "
            "both the shipped and its best tuning and better by more than one question; check its confusions "
            "with `nkbot eval` first."
        )
    else:
        verdict = (
            "**Keep the shipped scheme** (particle-stripped words + syllable bigrams of the whole question). No "
            "variant is at least as good at both the shipped tuning and its own best tuning while better by more "
            "than one question; the shipped scheme needs no new dependency, loads instantly and is as fast as any "
            "accurate variant. A morphological analyser is not worth its weight for this matcher."
        )
    lines.append(f"- {verdict}")
    english = all(r.english_same for r in results)
    lines.append(
        "- English (tests/labelled/en.yaml) gives "
        + ("identical answers under every variant." if english else "DIFFERENT answers under some variant: check.")
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of the Korean set per variant")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "KOREAN.md", help="Markdown report")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "report.db"
        store.build(PACKAGE_DATA, db)
        data = store.load(db)
    ko = load_set(LABELLED / "ko.yaml")
    en = load_set(LABELLED / "en.yaml")
    shipped = Matcher(data)
    english_reference = predictions(evaluate(shipped, en, "en"))
    english = Score.of(evaluate(shipped, en, "en"))

    kiwi = load = None
    if util.find_spec("kiwipiepy"):
        from kiwipiepy import Kiwi

        kiwi = Kiwi()
        load = kiwi_load()

    results = []
    for variant in variants(kiwi):
        print(f"measuring {variant.label} ...", file=sys.stderr)
        results.append(measure(variant, data, ko, en, english_reference, args.repeats))

    must = sum(i.intent is None for i in ko)
    lines = [
        "# Korean tokenisation: measured alternatives",
        "",
        "Written by `python bench/korean_matching.py` (see its docstring); rerun it to refresh this file.",
        "",
        f"Machine: {machine()}.",
        "",
        f"Korean labelled set: {len(ko)} questions, {must} must-decline. Columns 2-5 at the shipped Tuning "
        f"(threshold_ko {DEFAULT_TUNING.threshold_ko:g}, min_explained_ko {DEFAULT_TUNING.min_explained_ko:g}); "
        f"ms/question is the median of {args.repeats} timed runs of the whole set; the 'best' columns are each "
        f"variant's best over threshold_ko in {list(GRID_THRESHOLD_KO)} x min_explained_ko in "
        f"{list(GRID_MIN_EXPLAINED_KO)} (accuracy first, then fewest wrong, then most declined).",
        "",
        table(results),
        "",
        f"English labelled set ({len(en)} questions), shipped: {english.accuracy:.1%} correct, "
        f"{english.wrong_rate:.1%} wrong ({english.wrong}), {english.declined}/{english.must_decline} must-decline "
        "declined.",
    ]
    if load:
        lines += [
            "",
            f"kiwipiepy (fresh interpreter, median of 3): import {load['import']:.2f} s, model load and first "
            f"analysis {load['load']:.2f} s, +{load['rss_mb']:.0f} MB resident memory, {load['disk_mb']:.0f} MB "
            "on disk for kiwipiepy and its model (numpy comes with it).",
        ]
    else:
        lines += ["", "kiwipiepy is not installed: its variants were skipped (`pip install kiwipiepy`)."]
    lines += ["", "## Conclusion", "", conclusion(results, load, len(ko)), ""]
    text = "\n".join(lines)
    print(text)
    args.output.write_text(text, encoding="utf-8")
    print(f"\nwritten to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
