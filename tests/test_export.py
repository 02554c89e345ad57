"""Exports: every figure, its numbers exactly as published, flags and sources, as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from support import copy_data

from bot import build, export, store
from bot.cli import export_command
from bot.config import PACKAGE_DATA


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    db = tmp_path_factory.mktemp("export") / "report.db"
    build.build(PACKAGE_DATA, db)
    return store.load(db)


@pytest.fixture(scope="module")
def built_env(tmp_path_factory):
    """Environment for the command: a private copy of data/ and a database path under a temporary folder."""
    folder = tmp_path_factory.mktemp("export-cli")
    return {"NKBOT_DATA_DIR": str(copy_data(folder)), "NKBOT_DB": str(folder / "report.db")}


def as_csv(data) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    export.write(data, "csv", out)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def as_json(data) -> list[dict]:
    out = io.StringIO()
    export.write(data, "json", out)
    return json.loads(out.getvalue())


def expected_derived(f) -> bool | None:
    """A share is derived exactly when there is a count and a base but no published percentage."""
    if f.base is None or (f.count is None and f.percent is None):
        return None
    return f.percent is None


def test_rows_hold_every_figure_in_order(data):
    rows = export.rows(data)
    assert [r["id"] for r in rows] == list(data.findings)
    assert all(tuple(r) == export.FIELDS for r in rows)


def test_rows_numbers_flags_and_sources(data):
    rows = {r["id"]: r for r in export.rows(data)}
    for f in data.findings.values():
        row = rows[f.id]
        assert row["kind"] == f.kind
        assert (row["count"], row["base"], row["percent_published"]) == (f.count, f.base, f.percent)
        assert row["derived"] is expected_derived(f), f.id
        assert row["source_ids"] == list(f.sources)
        assert row["cited_urls"] == [data.sources[s].url for s in f.cite]
        assert "{fig}" not in row["statement"] and "{fig}" not in row["statement_ko"]
    china = rows["arrested_china"]
    assert (china["count"], china["base"], china["percent_published"], china["share_computed"]) == (19, 23, None, 82.6)
    assert china["derived"] is True and china["breakdown"] == "arrest_country" and china["category"] == "china"
    assert china["cited_outlets"] == ["The Korea Herald (31 Oct 2024)"]
    assert china["statement"].startswith("19 of 23 victims arrested abroad (82.6%, computed")
    religion = rows["reason_religion"]
    assert (religion["count"], religion["percent_published"], religion["derived"]) == (None, 5.3, False)
    assert religion["share_computed"] is None  # no count, so nothing to compute: the implied count never appears
    assert rows["era_kim_jong_un"]["period"] == "December 2011 to April 2021"
    assert rows["upr4_accepted"]["kind"] == "context"


def test_csv_is_parseable_with_every_finding_and_published_percent_exact(data):
    table = as_csv(data)
    assert [r["id"] for r in table] == list(data.findings)
    assert list(table[0]) == list(export.FIELDS)
    for row in table:
        f = data.findings[row["id"]]
        assert row["percent_published"] == ("" if f.percent is None else str(f.percent))
        assert row["count"] == ("" if f.count is None else str(f.count))
        assert row["derived"] == {None: "", True: "true", False: "false"}[expected_derived(f)]
        assert row["source_ids"].split("; ") == list(f.sources)
    assert next(r for r in table if r["id"] == "era_kim_jong_un")["percent_published"] == "31.0"


def test_json_is_parseable_with_every_finding_and_published_percent_exact(data):
    table = as_json(data)
    assert [r["id"] for r in table] == list(data.findings)
    for row in table:
        f = data.findings[row["id"]]
        assert row["percent_published"] == f.percent
        assert row["derived"] is expected_derived(f)
        assert isinstance(row["cited_outlets"], list) and len(row["cited_outlets"]) == len(f.cite)
    assert any("명" in r["statement_ko"] for r in table)


def test_unknown_format_is_refused(data):
    with pytest.raises(ValueError, match="unknown format"):
        export.write(data, "xlsx", io.StringIO())


def test_command_writes_csv_to_stdout_by_default(built_env, data):
    result = CliRunner().invoke(export_command, [], env=built_env)
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in table] == list(data.findings)


def test_command_writes_json_to_a_file(built_env, data, tmp_path):
    target = tmp_path / "figures.json"
    result = CliRunner().invoke(export_command, ["--format", "json", "--output", str(target)], env=built_env)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote {len(data.findings)} figures" in result.stderr
    assert [r["id"] for r in json.loads(target.read_text(encoding="utf-8"))] == list(data.findings)


def test_command_reports_bad_data_like_the_other_commands(built_env, tmp_path):
    env = {**built_env, "NKBOT_DATA_DIR": str(tmp_path / "nowhere"), "NKBOT_DB": str(tmp_path / "none.db")}
    result = CliRunner().invoke(export_command, [], env=env)
    assert result.exit_code == 1
    assert "error: cannot open the database" in result.stderr


def test_command_help_has_an_example():
    result = CliRunner().invoke(export_command, ["--help"])
    assert result.exit_code == 0
    assert "Example: nkbot export" in result.output and "--format [csv|json]" in result.output
