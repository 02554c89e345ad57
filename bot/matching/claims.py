"""Claim checks: a figure a question states, compared with the figures of the answer it gets.

The verdict is "exact" (a published count or percentage), "rounded" (a rounding an outlet published, or
within rounding of the figure), or "differs" (then the reply gives the report's figure); a question the
report cannot answer at all gets "not_in_report". A rounding is a known number, not an unknown one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Dataset, Finding
from .numbers import Stated

ROUNDING = 0.95  # an integer percentage this close is the figure rounded or cut ("79%" for 79.6%)
HEDGED = 1.5  # "about 30%" for 31.0%
HEDGED_TENS = 2.5  # "nearly 60%" for 58.4%: a hedged multiple of ten is the figure to the nearest five
DIRECTIONAL = 5.0  # "over 80%" for 81.4%: true, and close enough to be the same figure
COUNT_HEDGE = 0.05  # "about 90 people" for 90 +- 5%
PERCENT_IN_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*%")  # also "6" of "6 to 30%": every number of a % range


@dataclass(frozen=True)
class Verdict:
    kind: str  # exact | rounded | differs | not_in_report
    stated: Stated | None = None
    finding: str | None = None  # the finding the figure was compared with
    measure: str = ""  # percent | share_of_victims | count | years: which of its numbers
    value: float | None = None  # the report's number it was compared with
    by: tuple[str, ...] = ()  # sources whose published rounding it matches


@dataclass(frozen=True)
class _Candidate:
    measure: str
    kind: str  # percent | count | years
    value: float
    by: tuple[str, ...] = ()  # a published rounding: who published it
    exact_form: bool = False  # a published_as value that is the figure itself ("every 4.5 years")


def judge(
    stated: tuple[Stated, ...], findings: list[Finding], data: Dataset, known: frozenset[str] = frozenset()
) -> Verdict | None:
    """The verdict on what the question states, given the answer's findings (its lead first); None when the
    question states no figure or the answer has no figure of that kind to compare with. A bare number that
    is none of the figures but that the topic's wording uses (`known`: "Article 179") is a reference."""
    if not stated:
        return None
    counts = frozenset(f.count for f in data.findings.values() if f.count is not None)  # every published count
    offers = [(f, _candidates(f, data, counts)) for f in findings]
    verdicts = [v for s in stated if (v := _judge_one(s, offers)) is not None]
    verdicts = [
        v
        for v in verdicts
        if not (v.kind == "differs" and v.stated and v.stated.loose and _key(v.stated.value) in known)
    ]
    # "해외 체포 23명 중에 중국이 19명?": a count that is the base of a figure confirmed is that figure's base
    bases = {data.findings[v.finding].base for v in verdicts if v.kind != "differs" and v.finding in data.findings}
    verdicts = [v for v in verdicts if not (v.kind == "differs" and v.stated and v.stated.value in bases)]
    if not verdicts:
        return None
    for kind in ("differs", "not_in_report", "rounded", "exact"):  # the weakest verdict on any figure stated
        for v in verdicts:
            if v.kind == kind:
                return v
    return verdicts[0]


def _counts_what(f: Finding) -> str:
    """What a finding's count counts: case, recommendation, interviewee or person (the Stated.noun it answers)."""
    words = f"{f.unit.get('en', '')} {f.base_label.get('en', '')}".lower()
    if "interviewee" in words or "interviewed {fig}" in f.text.get("en", ""):
        return "interviewee"
    return "case" if "case" in words else "recommendation" if "recommendation" in words else "person"


def _answers(noun: str, f: Finding) -> bool:
    """Whether a count of `noun` is a count of what the finding counts: people may be the people interviewed
    ("62 people interviewed?"), but "113 defectors interviewed" is not the 113 victims."""
    counts = _counts_what(f)
    return counts == noun or (noun == "person" and counts == "interviewee")


def _judge_one(s: Stated, offers: list[tuple[Finding, list[_Candidate]]]) -> Verdict | None:
    if s.kind == "count" and s.noun:  # "66명 interviewed?" is not the 66 cases, whatever the number
        same = [(f, c) for f, c in offers if _answers(s.noun, f)]
        offers = same or offers
    findings = [f for f, _ in offers]
    if s.kind == "count" and findings and findings[0].percent_only:
        # "exactly 10 people for outside contact?": the report gives only the share; no count can be confirmed.
        return Verdict("not_in_report", s, findings[0].id, "percent", findings[0].percent)
    for wanted in ("exact", "rounded"):
        for f, candidates in offers:
            for c in candidates:
                if c.kind == s.kind and _fits(s, c, f) == wanted:
                    return Verdict(wanted, s, f.id, c.measure, c.value, c.by)
    for f, candidates in offers:
        # the figure itself, else the only form an outlet published it in ("every 4.5 years", JoongAng)
        same = [c for c in candidates if c.kind == s.kind]
        c = next((c for c in same if not c.by), same[0] if same and all(c.by for c in same) else None)
        if c is not None:
            return Verdict("differs", s, f.id, c.measure, c.value)
    return None


def _candidates(f: Finding, data: Dataset, counts: frozenset[int]) -> list[_Candidate]:
    """The numbers of a finding a claim may quote: published roundings first (so "8 in 10" is the headline's
    own rounding, not merely near 81.4%), then the percentage, the share of all victims and the count."""
    out = [_Candidate(p.unit, p.unit, p.value, p.by, not p.rounded) for p in f.published_as]
    share = data.stats.get((f.id, "share_of_base"))
    if f.percent is not None:
        out.append(_Candidate("percent", "percent", f.percent))
    elif share is not None:
        out.append(_Candidate("percent", "percent", share.value))
    of_all = data.stats.get((f.id, "share_of_victims"))
    if of_all is not None:
        out.append(_Candidate("share_of_victims", "percent", of_all.value))
    if f.count is not None:
        out.append(_Candidate("count", "count", float(f.count)))
    if f.base is not None and f.base not in counts:
        # a base published only as this finding's base ("132 of the 262 recommendations received"): a figure of it;
        # a base that is a figure of its own (113 victims, 23 arrested abroad) is claimed through that finding
        out.append(_Candidate("base", "count", float(f.base)))
    lasted = _months(f.value.get("en", "")) if f.percent is None and f.count is None else None
    if lasted is not None:  # "3 years and 5 months", "four years (2020–2024)": a length, in months
        out.append(_Candidate("months", "months", lasted, exact_form=True))
    if f.percent is None and f.count is None:  # a range as published ("6% to 30%"): each end is the figure
        ends = {float(m) for m in PERCENT_IN_VALUE.findall(f.value.get("en", ""))}
        out.extend(_Candidate("percent", "percent", v, exact_form=True) for v in sorted(ends))
    return out


def _fits(s: Stated, c: _Candidate, f: Finding) -> str | None:
    """'exact', 'rounded' or None: how the stated figure relates to one of the report's numbers."""
    if c.exact_form:
        # "done over 3 years and 5 months": of a length, "over" says across, not more than
        same = abs(s.value - c.value) < 0.05 and (not s.hedge or s.kind == "months")
        return "exact" if same else _near(s, c.value, percent=False)
    if c.by:  # a rounding an outlet published ("80%", "8 out of 10"): the stated figure is that rounding
        # itself, or it is not the outlet's: "about a quarter" is near 25.7%, but Reuters printed 26%, not 25
        return "rounded" if abs(s.value - c.value) < 0.05 else None
    if s.kind == "count":
        if s.base is not None and f.base is not None and s.base != f.base:
            return None
        if s.value == c.value:
            return "exact" if not s.hedge or s.hedge == "about" else None
        return _near(s, c.value, percent=False)
    if abs(s.value - c.value) < 0.05 and s.hedge in {"", "about"}:
        return "exact"
    return _near(s, c.value, percent=True)


def _months(value: str) -> float | None:
    """A finding's value that is a length of time ("3 years and 5 months", "four years (2020–2024)"), in months."""
    m = LENGTH.match(value.strip().lower())
    if m is None:
        return None
    years = WORDS.get(m.group(1), m.group(1))
    return 12.0 * float(years) + float(m.group(2) or 0)


WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8"}
LENGTH = re.compile(r"(\d+|one|two|three|four|five|six|seven|eight) years?(?: and (\d+) months?)?(?![\w-])")


def _key(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _near(s: Stated, value: float, percent: bool) -> str | None:
    gap = value - s.value
    if s.hedge == "over":
        limit = DIRECTIONAL if percent else value * 2 * COUNT_HEDGE
        return "rounded" if 0 <= gap <= limit else None
    if s.hedge == "under":
        limit = DIRECTIONAL if percent else value * 2 * COUNT_HEDGE
        return "rounded" if 0 <= -gap <= limit else None
    if percent:
        hedged = HEDGED_TENS if s.value % 10 == 0 else HEDGED
        limit = hedged if s.hedge == "about" else (ROUNDING if s.value == int(s.value) else 0.05)
        limit = max(limit, s.precision)
    else:
        limit = max(1.0, value * COUNT_HEDGE) if s.hedge == "about" else 0.0
    return "rounded" if abs(gap) <= limit else None
