"""Loading data/: the real files pass, and every kind of bad data is refused naming file, entry and problem."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot import sources
from bot.config import PACKAGE_DATA
from bot.sources import DataError


def test_real_data_loads_every_figure_of_the_fact_sheet():
    data = sources.load(PACKAGE_DATA)
    # The fact sheet's rows (Sections A–I): each has its own finding.
    assert {
        "interviewees_total",
        "mss_total_jurisdiction",
        "arrested_vietnam",
        "reason_religion",
        "sex_female",
        "upr4_rejected_or_noted",
        "footprints_2023_repatriations",
        "nk_cpl_art179_48h",
    } <= set(data.findings)
    assert data.findings["mss_total_jurisdiction"].count == 92
    assert data.findings["mss_total_jurisdiction"].base == 113
    assert data.findings["mss_total_jurisdiction"].percent == 81.4
    assert data.findings["reason_outside_contact"].count is None  # percent-only stays percent-only
    assert data.findings["upr4_date"].is_context and not data.findings["victims_total"].is_context


Mutation = Callable[[dict], None]


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, target, ignore=shutil.ignore_patterns("*.db", "*.db-*"))
    return target


def _edit(folder: Path, name: str, change: Callable[[list | dict], None]) -> None:
    path = folder / name
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _entry(items: list[dict], entry_id: str) -> dict:
    return next(item for item in items if item["id"] == entry_id)


CASES = [
    (
        "unknown source",
        "findings.yaml",
        lambda d: _entry(d, "sex_male")["sources"].append("NOPE"),
        "sex_male",
        "unknown source id 'NOPE'",
    ),
    ("duplicate id", "findings.yaml", lambda d: d.append(dict(_entry(d, "sex_male"))), "sex_male", "duplicate id"),
    (
        "count over base",
        "findings.yaml",
        lambda d: _entry(d, "arrested_china").update(count=24),
        "arrested_china",
        "count 24 is greater than its base 23",
    ),
    (
        "categories past base",
        "findings.yaml",
        lambda d: _entry(d, "era_unknown").update(count=4),
        "era",
        "categories sum to 114, past the base 113",
    ),
    (
        "percent does not round",
        "findings.yaml",
        lambda d: _entry(d, "age_under_10").update(percent=11.6),
        "age_under_10",
        "published percent 11.6 does not round from 13/113",
    ),
    (
        "intent without a Korean template",
        "intents.yaml",
        lambda d: _entry(d, "sex")["template"].pop("ko"),
        "sex",
        "'template' has no ko text",
    ),
    (
        "too few examples",
        "intents.yaml",
        lambda d: _entry(d, "age")["examples"].update(en=["age"] * 1),
        "age",
        "at least 10 are required",
    ),
    (
        "placeholder for an unknown finding",
        "intents.yaml",
        lambda d: _entry(d, "sex")["template"].update(en="{sex_unknown}"),
        "sex",
        "unknown finding 'sex_unknown'",
    ),
    (
        "placeholder with no value",
        "intents.yaml",
        lambda d: _entry(d, "reasons")["template"].update(en="{reason_religion.count}"),
        "reasons",
        "finding 'reason_religion' has no count",
    ),
    (
        "decline topic suggesting an unknown intent",
        "out_of_scope.yaml",
        lambda d: _entry(d, "deaths")["suggest"].append("nope"),
        "deaths",
        "suggests unknown intent 'nope'",
    ),
    (
        "breakdown base differs from parent",
        "breakdowns.yaml",
        lambda d: _entry(d, "arrest_country").update(base=24),
        "arrest_country",
        "differs from its parent",
    ),
    (
        "chart order that leaves out a category",
        "breakdowns.yaml",
        lambda d: _entry(d, "era").update(order=["kim_il_sung", "kim_jong_il", "kim_jong_un"]),
        "era",
        "'order' must list each category once",
    ),
    (
        "dates for a category the breakdown lacks",
        "breakdowns.yaml",
        lambda d: _entry(d, "era")["dates"].update(kim_jong_nam={"en": "1971", "ko": "1971"}),
        "era",
        "'dates' names an unknown category 'kim_jong_nam'",
    ),
    (
        "dates without their Korean text",
        "breakdowns.yaml",
        lambda d: _entry(d, "era")["dates"].update(kim_jong_un={"en": "Dec 2011 –"}),
        "era",
        "'dates.kim_jong_un' has no ko text",
    ),
    (
        "chart subtitle without the headline's figure",
        "breakdowns.yaml",
        lambda d: _entry(d, "mss_role")["subtitle"].update(en="The MSS was responsible for most victims"),
        "mss_role",
        "the subtitle says {fig} for the headline's figure",
    ),
    (
        "headline of another base",
        "breakdowns.yaml",
        lambda d: _entry(d, "mss_role").update(headline="arrested_china"),
        "mss_role",
        "headline 'arrested_china' must be a count of the same base 113",
    ),
]


@pytest.mark.parametrize(("file", "mutate", "entry", "problem"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_data_is_refused_with_file_entry_and_problem(tmp_path, file, mutate, entry, problem):
    folder = _copy(tmp_path)
    _edit(folder, file, mutate)
    with pytest.raises(DataError) as caught:
        sources.load(folder)
    message = str(caught.value)
    assert problem in message
    assert f"'{entry}'" in message
    assert caught.value.file in {file, "breakdowns.yaml", "findings.yaml"}


def test_broken_yaml_names_the_line(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "sources.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"sources.yaml: not valid YAML at line \d+"):
        sources.load(folder)


def test_a_key_written_twice_is_refused_with_its_line(tmp_path):
    """YAML keeps the last of two equal keys without a word: a synonym list written twice under one word lost
    the first list. The second is refused, where it stands."""
    folder = _copy(tmp_path)
    path = folder / "synonyms.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nko:\n", "\n  escape: [bolt]\nko:\n", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"synonyms\.yaml: not valid YAML at line \d+.*key 'escape' appears twice"):
        sources.load(folder)


def test_missing_file_is_named(tmp_path):
    folder = _copy(tmp_path)
    (folder / "intents.yaml").unlink()
    with pytest.raises(DataError, match=r"intents\.yaml: file not found"):
        sources.load(folder)
