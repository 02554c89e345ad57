"""The arithmetic of every share the build computes, checked against an independent computation."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bot import sources, stats
from bot.config import PACKAGE_DATA


@pytest.fixture(scope="module")
def data():
    loaded = sources.load(PACKAGE_DATA)
    return loaded, stats.compute(loaded)


def _half_up(count: int, base: int) -> float:
    tenths = Fraction(1000 * count, base)  # percentage in tenths
    whole = tenths.numerator // tenths.denominator
    return (whole + (1 if tenths - whole >= Fraction(1, 2) else 0)) / 10


@pytest.mark.parametrize(("count", "base", "expected"), [(62, 113, 54.9), (1, 8, 12.5), (1, 6, 16.7), (0, 5, 0.0)])
def test_share_rounds_half_up_to_one_decimal(count, base, expected):
    assert stats.share(count, base) == expected


def test_every_derived_share_is_count_over_base(data):
    loaded, computed = data
    derived = [s for s in computed.values() if s.derived]
    assert len(derived) >= 20
    for stat in derived:
        f = loaded.findings[stat.finding]
        base = f.base if stat.measure == "share_of_base" else loaded.findings["victims_total"].count
        assert stat.value == _half_up(f.count, base), stat


def test_published_percentages_are_kept_as_published(data):
    loaded, computed = data
    for f in loaded.findings.values():
        if f.percent is not None:
            stat = computed[(f.id, "share_of_base")]
            assert stat.value == f.percent and not stat.derived


@pytest.mark.parametrize(
    ("finding", "measure", "value"),
    [
        ("mss_handover_from_other_agencies", "share_of_base", 26.5),
        ("arrested_china", "share_of_base", 82.6),
        ("arrested_china", "share_of_victims", 16.8),
        ("arrested_russia", "share_of_victims", 2.7),
        ("arrested_vietnam", "share_of_victims", 0.9),
        ("china_mps_arrests", "share_of_victims", 15.0),
        ("reason_escape_repatriated", "share_of_base", 46.7),
        ("reason_escape_repatriated", "share_of_victims", 18.6),
        ("era_kim_jong_il", "share_of_base", 60.2),
        ("upr4_rejected_or_noted", "share_of_base", 49.0),
    ],
)
def test_fact_sheet_check_column(data, finding, measure, value):
    """The fact sheet's 'computed %' column, reproduced by the build."""
    assert data[1][(finding, measure)].value == value


def test_ranks_and_largest_category(data):
    _loaded, computed = data
    assert computed[("era_kim_jong_il", "share_of_base")].largest
    assert computed[("era_kim_jong_un", "share_of_base")].rank == 2
    assert computed[("reason_escape_related", "share_of_base")].largest
    assert computed[("reason_religion", "share_of_base")].rank == 5  # percent-only categories rank by their share
    # A victims-level share is never computed for a figure whose base is not a subgroup of the 113.
    assert ("upr4_accepted", "share_of_victims") not in computed
    assert ("footprints_foreign_victims", "share_of_victims") not in computed
