"""Health checks (`nkbot check`): the database is sound, topics answer their examples, figures equal their rows."""

from __future__ import annotations

import re

from . import build, store
from .answerer import Answerer
from .config import Settings
from .models import LANGS, TOTAL_FINDING, Dataset, Finding
from .sources import DataError

NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")
EXAMPLES_REACHED = 0.97  # of all examples: below this the matcher or the data is broken, not merely unsure


def numbers_of(finding: Finding, data: Dataset) -> set[str]:
    """Every number an answer may print for this finding: its row, its statistics, its own wording."""
    out: set[str] = set()
    for value in (finding.count, finding.base):
        if value is not None:
            out.add(str(value))
    if finding.percent is not None:
        out.add(f"{finding.percent:.1f}")
    out.update(f"{p.value:g}" for p in finding.published_as)  # an outlet's rounding, noted in answers
    for (fid, _), stat in data.stats.items():
        if fid == finding.id:
            out.add(f"{stat.value:.1f}")
            if stat.rank:
                out.add(str(stat.rank))
    for text in (
        finding.text,
        finding.value,
        finding.period,
        finding.note,
        finding.label,
        finding.unit,
        finding.base_label,
    ):
        for lang_text in text.values():
            out.update(NUMBER.findall(lang_text.replace("{fig}", "")))
    return out


def figure_mismatches(answerer: Answerer) -> list[str]:
    """Numbers printed in any topic or category answer that no finding behind it holds."""
    data = answerer.data
    total = data.findings.get(TOTAL_FINDING)
    problems: list[str] = []
    replies = []
    for lang in LANGS:
        for intent in data.intents.values():
            replies.append(answerer.writer.answer(intent, lang))
            for breakdown in intent.breakdowns:
                for f in data.categories(breakdown):
                    replies.append(answerer.writer.category_answer(intent, f, lang))
    for reply in replies:
        allowed: set[str] = set()
        for fid in reply.facts:
            allowed |= numbers_of(data.findings[fid], data)
        if total is not None:
            allowed.add(str(total.count))  # "of all 113 victims"
        allowed |= {str(n) for n in range(1, 10)}  # ranks and counts of categories ("3rd of 5")
        body = re.sub(r"\b\d{1,2} (?:[A-Z][a-z]{2} )?\d{4}\b", "", reply.body)  # dates in sentences
        for number in NUMBER.findall(body):
            if number not in allowed and number.rstrip("0").rstrip(".") not in allowed:
                problems.append(
                    f"{reply.intent} ({reply.lang}{', ' + reply.category if reply.category else ''}): "
                    f"{number} is not a figure of {', '.join(reply.facts)}"
                )
    return problems


def example_misroutes(answerer: Answerer) -> dict[tuple[str, str], list[str]]:
    """For each topic and language, its examples that do not reach it (training phrases the matcher gets wrong)."""
    problems: dict[tuple[str, str], list[str]] = {}
    for intent in answerer.data.intents.values():
        for lang in LANGS:
            for example in intent.examples.get(lang, ()):
                match = answerer.matcher.match(example, lang)
                if match.intent != intent.id:
                    got = match.intent or f"declined ({match.declined})"
                    problems.setdefault((intent.id, lang), []).append(f"{example!r} -> {got}")
    return problems


def reached(answerer: Answerer, misroutes: dict[tuple[str, str], list[str]]) -> tuple[int, int]:
    """(every example of every topic, those that miss their topic)."""
    examples = sum(len(v) for i in answerer.data.intents.values() for v in i.examples.values())
    return examples, sum(len(v) for v in misroutes.values())


def example_failures(answerer: Answerer, misroutes: dict[tuple[str, str], list[str]]) -> list[str]:
    """What makes the examples a failure, not a note. A matcher that declines when unsure misses a few of its
    own examples (near another topic's, or naming a year), and says so; a broken matcher or data misses
    many: fewer than EXAMPLES_REACHED of all, or half of one topic's in one language."""
    failures = []
    examples, missed = reached(answerer, misroutes)
    if examples and (examples - missed) / examples < EXAMPLES_REACHED:
        failures.append(f"only {examples - missed}/{examples} examples reach their topic")
    for (intent_id, lang), missing in sorted(misroutes.items()):
        own = len(answerer.data.intents[intent_id].examples.get(lang, ()))
        if len(missing) * 2 > own:
            failures.append(f"{intent_id} ({lang}): {len(missing)} of its {own} examples reach another topic or none")
    return failures


def data_problem(settings: Settings) -> str | None:
    """What is wrong with data/ as the next `nkbot build` would read it, naming the file and the entry; None
    when it is valid (or absent: then the database alone is what is served)."""
    if not settings.data_dir.exists():
        return None
    try:
        build.compile_data(settings.data_dir)
    except DataError as exc:
        entry = f"entry '{exc.entry}': " if exc.entry else ""
        return f"data is not valid: {settings.data_dir / exc.file}: {entry}{exc.problem}"
    return None


def run_checks(settings: Settings) -> tuple[bool, str]:
    """All checks; (ok, one-line summary followed by any problems, one a line)."""
    # The database as it is: a health check reports what it finds, and never rebuilds (that is `nkbot build`).
    if not settings.db_path.exists():
        problem = data_problem(settings)
        if problem:  # `nkbot build` would refuse: say why, rather than send the user to it
            return False, f"FAIL: no database at {settings.db_path}, and {problem}"
        return False, f"FAIL: no database at {settings.db_path}: build it with `nkbot build`"
    try:
        integrity = store.integrity_check(settings.db_path)
        answerer = Answerer(store.load(settings.db_path))
    except Exception as exc:  # a health check reports every failure as a line, never a traceback
        return False, f"FAIL: cannot open the database {settings.db_path}: {exc}"
    problems = [] if integrity == "ok" else [f"integrity_check: {integrity}"]
    try:
        stale = settings.data_dir.exists() and not build.is_fresh(settings.data_dir, settings.db_path)
    except Exception:  # unreadable data/: the database is what is served, and it was checked above
        stale = False
    problem = data_problem(settings) if stale else None  # fresh: data/ is what the database was built from
    if problem:  # the next build, or the next start of a stale database, refuses it
        problems.append(f"{problem} (the database still holds the last good build)")
        stale = False
    if settings.token:
        try:
            settings.require_token()
        except Exception as exc:
            problems.append(str(exc))
    misroutes = example_misroutes(answerer)
    mismatches = figure_mismatches(answerer)
    problems += [f"examples: {p}" for p in example_failures(answerer, misroutes)]
    problems += [f"figure: {p}" for p in mismatches]
    notes = [f"note: {i} ({lang}): {p}" for (i, lang), ps in sorted(misroutes.items()) for p in ps]
    examples, missed = reached(answerer, misroutes)
    summary = (
        f"{'OK' if not problems else 'FAIL'}: database {integrity}; {len(answerer.data.findings)} findings; "
        f"{examples - missed}/{examples} examples reach their topic; "
        f"{len(mismatches)} figure mismatches"
    )
    if stale:
        notes.insert(
            0, f"note: {settings.db_path} is older than {settings.data_dir}; `nkbot build` brings it up to date"
        )
    return not problems, "\n".join([summary, *problems, *notes])
