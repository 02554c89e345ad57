"""What matching produces: the ranked candidates, the proposal the decision weighs, and the final match."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TypeVar

from ..models import kind_of
from .decide import Evidence
from .entities import Entity
from .numbers import Numbers
from .smalltalk import Talk


@dataclass(frozen=True)
class Candidate:
    id: str
    score: float  # 0-100
    out_of_scope: bool = False


@dataclass(frozen=True)
class Match:
    """What the matcher decided: an intent (with any category named), small talk, or a decline and why."""

    lang: str
    intent: str | None
    confidence: int
    candidates: tuple[Candidate, ...] = ()
    entities: tuple[Entity, ...] = ()  # the categories the answer is narrowed to
    named: tuple[Entity, ...] = ()  # every category the question names
    # empty | low_confidence | ambiguous | out_of_scope | unknown_number | single_year | cross_tab
    declined: str | None = None
    out_of_scope: str | None = None  # the out-of-scope subject behind a decline, when one is known
    detail: str | None = None  # e.g. the unknown number
    smalltalk: str | None = None  # the small talk recognised (then intent is None and declined too)
    numbers: Numbers = field(default_factory=Numbers)
    evidence: Evidence | None = None

    @property
    def kind(self) -> str:
        return kind_of(self.intent, self.smalltalk)

    @property
    def entity(self) -> Entity | None:
        """The single category the question names within the chosen intent, if exactly one."""
        return self.entities[0] if len(self.entities) == 1 else None


@dataclass(frozen=True)
class Proposal:
    """The ranker's proposal before the decision: the topic it would answer, or the rule that declines."""

    match: Match  # candidates, entities, numbers and evidence; a decline when a rule applies
    intent: str | None = None
    entities: tuple[Entity, ...] = ()
    talk: Talk | None = None
    near_oos: str | None = None  # the best out-of-scope subject, for the reason of a decline
    known: bool = False  # the question is one of the topic's own phrasings (or category terms): answered
    talk_owner: str | None = None  # small talk outranking every topic: the reply when no topic is answered
    rule: str | None = None  # empty | smalltalk | out_of_scope | cross_tab | unknown_number | single_year
    confirmed: bool = False  # the question states, unhedged, one of the topic's own figures ("66 cases, right?")

    @property
    def sure(self) -> bool:
        """Answered whatever the model says: the topic's own phrasing, or a figure only it publishes quoted."""
        return self.known or self.confirmed


T = TypeVar("T", Match, Proposal)
_FIELDS = {cls: frozenset(f.name for f in fields(cls)) for cls in (Match, Proposal)}


def evolve(obj: T, **changes: object) -> T:
    """dataclasses.replace for a Match or a Proposal, a fifth of its cost: a few of them are made for every
    question, and replace() looks every field up each time. Neither class checks its fields on creation."""
    if not changes.keys() <= _FIELDS[type(obj)]:
        raise TypeError(f"{type(obj).__name__} has no field {sorted(changes.keys() - _FIELDS[type(obj)])}")
    new = object.__new__(type(obj))
    state = new.__dict__
    state.update(obj.__dict__)
    state.update(changes)
    return new


def with_(match: Match, **changes: object) -> Match:
    return evolve(match, **changes)
