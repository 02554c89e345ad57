"""Shares, ranks and largest categories, computed once at build time from the published counts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .models import TOTAL_FINDING, Dataset, Finding, Stat


def share(count: int, base: int) -> float:
    """count/base as a percentage to one decimal, rounded half up (as the press rounds)."""
    exact = Fraction(100 * count, base)
    return float((Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def compute(data: Dataset) -> dict[tuple[str, str], Stat]:
    """Every precomputed statistic, keyed by (finding id, measure)."""
    stats: dict[tuple[str, str], Stat] = {}
    total = data.findings.get(TOTAL_FINDING)
    for f in data.findings.values():
        if f.base is None:
            continue
        if f.count is not None:
            value = f.percent if f.percent is not None else share(f.count, f.base)
            stats[(f.id, "share_of_base")] = Stat(f.id, "share_of_base", value, derived=f.percent is None)
            if total and total.count and f.base != total.count and _counts_victims(data, f):
                stats[(f.id, "share_of_victims")] = Stat(f.id, "share_of_victims", share(f.count, total.count), True)
        elif f.percent is not None:
            stats[(f.id, "share_of_base")] = Stat(f.id, "share_of_base", f.percent, derived=False)
    for breakdown in data.breakdowns:
        members = [f for f in data.categories(breakdown) if (f.id, "share_of_base") in stats]
        ordered = sorted(members, key=lambda f: -stats[(f.id, "share_of_base")].value)
        for f in ordered:
            value = stats[(f.id, "share_of_base")].value
            rank = 1 + sum(1 for other in ordered if stats[(other.id, "share_of_base")].value > value)
            old = stats[(f.id, "share_of_base")]
            stats[(f.id, "share_of_base")] = Stat(f.id, old.measure, old.value, old.derived, rank, rank == 1)
    return stats


def _counts_victims(data: Dataset, finding: Finding) -> bool:
    """True when the finding's base is a subgroup of the report's 113 victims (walks breakdown parents)."""
    seen: set[str] = set()
    current: Finding | None = finding
    while current is not None and current.breakdown and current.id not in seen:
        seen.add(current.id)
        parent = data.breakdowns[current.breakdown].parent
        if parent == TOTAL_FINDING:
            return True
        current = data.findings.get(parent) if parent else None
    return False
