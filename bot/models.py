"""Records shared by the loader, the store and the answerer: plain frozen dataclasses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LANGS: tuple[str, ...] = ("en", "ko")

# A text in each supported language, e.g. {"en": "...", "ko": "..."}.
Text = dict[str, str]

# The one placeholder grammar of intents.yaml templates: {finding}, {finding.attr} or {list:breakdown}.
FIELD = re.compile(r"\{([^{}]*)\}")
PLACEHOLDER = re.compile(r"^(?:list:(?P<breakdown>[a-z0-9_]+)|(?P<finding>[a-z0-9_]+)(?:\.(?P<attr>[a-z]+))?)$")


@dataclass(frozen=True)
class Source:
    id: str
    kind: str  # report | release | news | context
    publisher: Text
    title: Text
    date: str | None
    url: str
    lang: str
    copy: Text = field(default_factory=dict)  # where the link is a copy: "republished by Korean Vibe"


@dataclass(frozen=True)
class PublishedAs:
    """Another form in which an outlet published a figure: "80%" (Reuters), "8 out of 10" (TJWG)."""

    value: float  # a percentage for unit percent (8 out of 10 -> 80), else the number
    unit: str  # percent | years | count
    by: tuple[str, ...]  # source ids
    rounded: bool = True  # False: the figure itself in another form ("every 4.5 years")
    fraction: bool = False  # published as a fraction ("8 out of 10"), a headline rather than a rounding
    base: int = 0  # the fraction's denominator (10 for "8 out of 10"); 0 for other forms


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
    published_as: tuple[PublishedAs, ...] = ()
    related: tuple[str, ...] = ()  # findings an answer about this category also gives ("compared with…")

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
    profile: bool = False  # it describes who the victims were (when, why, age, sex, relationship)
    order: tuple[str, ...] = ()  # its categories in a set order (by date), not largest first
    dates: dict[str, Text] = field(default_factory=dict)  # category -> the dates its chart bar shows
    headline: str | None = None  # the finding its categories are the parts of (92 of 113 for the MSS's role)
    subtitle: Text = field(default_factory=dict)  # the chart's line stating the headline; {fig} is its figure
    agents: bool = False  # its categories are who made the arrests (China: the police 17, …)


@dataclass(frozen=True)
class Intent:
    id: str
    title: Text
    answers: Text
    template: Text
    examples: dict[str, tuple[str, ...]]
    breakdowns: tuple[str, ...] = ()
    headline: bool = False
    subject: dict[str, tuple[str, ...]] = field(default_factory=dict)  # words naming what the topic counts by

    def finding_ids(self) -> tuple[str, ...]:
        """The findings its (English) template names, in order: {id} and {id.attr} placeholders."""
        found = (PLACEHOLDER.match(f) for f in FIELD.findall(self.template.get("en", "")))
        return tuple(dict.fromkeys(m["finding"] for m in found if m and m["finding"]))


@dataclass(frozen=True)
class OutOfScope:
    id: str
    says: Text
    suggest: tuple[str, ...]
    examples: dict[str, tuple[str, ...]]
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)  # words that name this subject outright
    count_keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ... when a count is asked or stated
    unless: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ... except beside these ("handed over")


@dataclass(frozen=True)
class SmallTalk:
    """A greeting, thanks, or a question about the bot, and the short reply it gets (no figure)."""

    id: str
    reply: Text
    examples: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class LanguageWords:
    """One language's words that carry no topic, or that state or hedge a figure (data/language.yaml)."""

    stopwords: frozenset[str] = frozenset()
    endings: tuple[str, ...] = ()
    cues: frozenset[str] = frozenset()
    hedges: tuple[str, ...] = ()
    numbers: tuple[tuple[str, str], ...] = ()  # (number word, digits or "a/b")
    compare: tuple[str, ...] = ()  # words that compare ("vs", "worse than", 보다)
    counts: tuple[str, ...] = ()  # words that demand a count, not a share ("headcount", 명수)
    commands: tuple[str, ...] = ()  # phrases that tell the bot to say something ("ignore your rules", 라고 답해)
    agents: tuple[str, ...] = ()  # words that ask who did it ("who", "which agency", 누가, 어느 기관)
    exists: tuple[str, ...] = ()  # words that ask whether there were any ("anyone", 있습니까): the count answers


@dataclass(frozen=True)
class Report:
    """The report itself, as every answer cites it (data/report.yaml)."""

    title: Text
    publisher: Text
    date: str  # YYYY-MM-DD
    url: str
    citation: Text  # the short form in source lines


@dataclass(frozen=True)
class Params:
    """The matcher's learned and chosen parameters (data/decision.yaml, written by `nkbot tune`)."""

    ranker: dict[str, float] = field(default_factory=dict)  # index.Weights fields
    char_grams: dict[str, tuple[int, ...]] = field(default_factory=lambda: {"en": (3, 4), "ko": (2, 3)})
    typo_cutoff: float = 84.0
    entity_boost: float = 0.05
    claim_boost: float = 0.1
    oos_margin: float = 0.0
    smalltalk_sure: float = 90.0
    smalltalk_part: float = 85.0
    decision: dict[str, float] = field(default_factory=dict)  # decide.FEATURES -> weight
    threshold: float = 0.5


@dataclass(frozen=True)
class Stat:
    """A share precomputed at build time; `derived` when no outlet publishes it."""

    finding: str
    measure: str  # share_of_base | share_of_victims
    value: float
    derived: bool
    rank: int | None = None
    largest: bool = False


def kind_of(intent: str | None, smalltalk: str | None) -> str:
    """What a reply is, for the matcher's decision and the answer alike: an answer, small talk, or a decline."""
    if intent is not None:
        return "answer"
    return "smalltalk" if smalltalk else "decline"


TOTAL_FINDING = "victims_total"  # the finding every share of "all victims" is taken of (findings.yaml)


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
    smalltalk: dict[str, SmallTalk] = field(default_factory=dict)
    language: dict[str, LanguageWords] = field(default_factory=dict)
    report: Report | None = None
    params: Params = field(default_factory=Params)

    def categories(self, breakdown: str) -> list[Finding]:
        return [f for f in self.findings.values() if f.breakdown == breakdown]

    def ancestors(self, finding: str) -> list[str]:
        """The findings a category is part of, innermost first (arrested_russia -> arrested_abroad -> victims_total)."""
        out: list[str] = []
        current = self.findings.get(finding)
        while current and current.breakdown and current.breakdown in self.breakdowns:
            parent = self.breakdowns[current.breakdown].parent
            if not parent or parent in out:
                break
            out.append(parent)
            current = self.findings.get(parent)
        return out

    def lineage(self, breakdown: str) -> set[str]:
        """The breakdown and every breakdown it is nested in (arrest_country -> arrest_place)."""
        out: set[str] = set()
        current = self.breakdowns.get(breakdown)
        while current and current.id not in out:
            out.add(current.id)
            parent = self.findings.get(current.parent or "")
            current = self.breakdowns.get(parent.breakdown) if parent and parent.breakdown else None
        return out
