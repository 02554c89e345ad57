"""Records shared by the loader, the store and the answerer: plain frozen dataclasses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LANGS: tuple[str, ...] = ("en", "ko")

# A text in each supported language, e.g. {"en": "...", "ko": "..."}.
Text = dict[str, str]


@dataclass(frozen=True)
class Source:
    id: str
    kind: str  # report | release | news | context
    publisher: Text
    title: Text
    date: str | None
    url: str
    lang: str


@dataclass(frozen=True)
class Finding:
    id: str
    kind: str  # finding | context
    text: Text
    sources: tuple[str, ...]
    cite: tuple[str, ...]
    count: int | None = None
    base: int | None = None
    percent: float | None = None  # as published; None when no outlet publishes one
    approx: bool = False
    unit: Text = field(default_factory=dict)
    base_label: Text = field(default_factory=dict)
    value: Text = field(default_factory=dict)
    period: Text = field(default_factory=dict)
    note: Text = field(default_factory=dict)
    breakdown: str | None = None
    category: str | None = None
    label: Text = field(default_factory=dict)
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    counter: str = "명"  # Korean counter word for count and base

    @property
    def percent_only(self) -> bool:
        return self.count is None and self.percent is not None

    @property
    def is_context(self) -> bool:
        return self.kind == "context"


@dataclass(frozen=True)
class Breakdown:
    id: str
    title: Text
    base: int
    parent: str | None
    exhaustive: bool
    note: Text = field(default_factory=dict)


@dataclass(frozen=True)
class Intent:
    id: str
    title: Text
    answers: Text
    template: Text
    examples: dict[str, tuple[str, ...]]
    breakdowns: tuple[str, ...] = ()
    headline: bool = False

    def finding_ids(self) -> tuple[str, ...]:
        """The findings its (English) template names, in order: {id} and {id.attr} placeholders."""
        return tuple(dict.fromkeys(re.findall(r"\{([a-z0-9_]+)(?:\.[a-z]+)?\}", self.template.get("en", ""))))


@dataclass(frozen=True)
class OutOfScope:
    id: str
    says: Text
    suggest: tuple[str, ...]
    examples: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Stat:
    """A share precomputed at build time; `derived` when no outlet publishes it."""

    finding: str
    measure: str  # share_of_base | share_of_victims
    value: float
    derived: bool
    rank: int | None = None
    largest: bool = False


@dataclass(frozen=True)
class Dataset:
    """Everything in data/, validated: what the build writes and the answerer reads."""

    sources: dict[str, Source]
    findings: dict[str, Finding]
    breakdowns: dict[str, Breakdown]
    intents: dict[str, Intent]
    out_of_scope: dict[str, OutOfScope]
    synonyms: dict[str, dict[str, tuple[str, ...]]]
    stats: dict[tuple[str, str], Stat] = field(default_factory=dict)
    generic_words: tuple[str, ...] = ()  # canonical words too common to mark a topic (synonyms.yaml `generic`)

    def categories(self, breakdown: str) -> list[Finding]:
        return [f for f in self.findings.values() if f.breakdown == breakdown]
