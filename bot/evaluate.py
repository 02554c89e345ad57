"""Measure the matcher on the labelled question sets in data/labelled (like `rasa test nlu`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .matcher import Match, Matcher

DECLINE = "(decline)"


@dataclass(frozen=True)
class Labelled:
    question: str
    intent: str | None
    entity: str | None = None
    accept: tuple[str, ...] = ()
    trap: bool = False


@dataclass(frozen=True)
class Outcome:
    item: Labelled
    match: Match

    @property
    def predicted(self) -> str:
        return self.match.intent or DECLINE

    @property
    def expected(self) -> str:
        return self.item.intent or DECLINE

    @property
    def correct(self) -> bool:
        if self.item.intent is None:
            return self.match.intent is None
        return self.match.intent in (self.item.intent, *self.item.accept) and not self.wrong_entity

    @property
    def wrong_entity(self) -> bool:
        """Answered the right topic but narrowed it to a different category than asked."""
        entity = self.match.entity
        return bool(
            self.item.entity
            and entity
            and self.match.intent == self.item.intent
            and entity.category != self.item.entity
        )

    @property
    def wrong(self) -> bool:
        """A figure was given, and it was not the one asked for: the failure that matters most."""
        return self.match.intent is not None and not self.correct


@dataclass
class Report:
    lang: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def accuracy(self) -> float:
        return _ratio(sum(o.correct for o in self.outcomes), self.total)

    @property
    def wrong_rate(self) -> float:
        return _ratio(sum(o.wrong for o in self.outcomes), self.total)

    @property
    def must_decline(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.item.intent is None]

    @property
    def decline_rate(self) -> float:
        return _ratio(sum(o.match.intent is None for o in self.must_decline), len(self.must_decline))

    @property
    def answerable_declined(self) -> int:
        return sum(o.item.intent is not None and o.match.intent is None for o in self.outcomes)

    def per_intent(self) -> dict[str, tuple[float, float, int]]:
        """intent -> (precision, recall, support), declines counted as their own class."""
        tp: Counter[str] = Counter()
        predicted: Counter[str] = Counter()
        support: Counter[str] = Counter()
        for o in self.outcomes:
            support[o.expected] += 1
            predicted[o.predicted] += 1
            if o.correct:
                tp[o.expected] += 1
        labels = sorted(set(support) | set(predicted))
        return {k: (_ratio(tp[k], predicted[k]), _ratio(tp[k], support[k]), support[k]) for k in labels}

    def confusions(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct]


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def load_set(path: Path) -> list[Labelled]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        Labelled(
            str(x["q"]), x.get("intent"), x.get("entity"), tuple(x.get("accept") or ()), bool(x.get("trap", False))
        )
        for x in items
    ]


def evaluate(matcher: Matcher, items: list[Labelled], lang: str) -> Report:
    report = Report(lang)
    for item in items:
        report.outcomes.append(Outcome(item, matcher.match(item.question)))
    return report


def format_report(report: Report, show_confusions: bool = True) -> str:
    lines = [
        f"== {report.lang}: {report.total} questions ({len(report.must_decline)} must-decline)",
        f"accuracy            {report.accuracy:6.1%}",
        f"wrong answers       {report.wrong_rate:6.1%}  ({sum(o.wrong for o in report.outcomes)})",
        f"out-of-scope declined {report.decline_rate:6.1%}  "
        f"({sum(o.match.intent is None for o in report.must_decline)}/{len(report.must_decline)})",
        f"answerable declined {report.answerable_declined}",
        "",
        f"{'intent':24} {'precision':>9} {'recall':>7} {'support':>8}",
    ]
    for intent, (p, r, s) in report.per_intent().items():
        lines.append(f"{intent:24} {p:9.2f} {r:7.2f} {s:8d}")
    if show_confusions and report.confusions():
        lines += ["", "confusions (expected -> got [confidence, why]: question)"]
        for o in report.confusions():
            got = o.predicted + (f"/{o.match.entity.category}" if o.match.entity else "")
            want = o.expected + (f"/{o.item.entity}" if o.item.entity else "")
            why = o.match.declined or ""
            if o.match.out_of_scope:
                why += f":{o.match.out_of_scope}"
            lines.append(f"  {want} -> {got} [{o.match.confidence}, {why}]: {o.item.question}")
    return "\n".join(lines)
