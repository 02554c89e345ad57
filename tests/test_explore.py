"""Datasette: the built database opens read-only with data/metadata.yml; its metadata and named queries answer."""

from __future__ import annotations

import html

import pytest
import yaml
from click.testing import CliRunner
from datasette.app import Datasette
from support import copy_data

from bot import build, explore, store
from bot.cli import explore_command
from bot.config import PACKAGE_DATA

METADATA = PACKAGE_DATA / "metadata.yml"
TITLE = yaml.safe_load(METADATA.read_text(encoding="utf-8"))["title"]


@pytest.fixture(scope="module")
def built_db(tmp_path_factory):
    """A database built from data/ into a temporary folder, and the dataset it holds."""
    db = tmp_path_factory.mktemp("explore") / "report.db"
    build.build(PACKAGE_DATA, db)
    return db, store.load(db)


@pytest.fixture
async def ds(built_db):
    """Datasette on the built database, started, as `nkbot explore` makes it."""
    instance = explore.make_datasette(built_db[0], METADATA)
    await instance.invoke_startup()
    return instance


async def query(ds: Datasette, path: str) -> list[dict]:
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


async def test_metadata_title_shows(ds):
    assert (await query(ds, "/-/metadata.json"))["title"] == TITLE
    page = await ds.client.get("/")
    assert page.status_code == 200
    assert TITLE in html.unescape(page.text)


async def test_the_database_is_read_only(ds):
    assert ds.get_database("report").is_mutable is False


async def test_every_table_and_column_is_described(ds):
    described = yaml.safe_load(METADATA.read_text(encoding="utf-8"))["databases"]["report"]["tables"]
    db = ds.get_database("report")
    tables = await db.table_names()
    assert set(tables) == set(described)
    for table in tables:
        assert described[table]["description"], table
        assert set(await db.table_columns(table)) == set(described[table]["columns"]), table


async def test_named_query_largest_category_of_each_breakdown(ds, built_db):
    data = built_db[1]
    rows = await query(ds, "/report/largest_category_of_each_breakdown.json?_shape=array")
    expected = [
        {"breakdown": b, "category": f.category, "count": f.count, "share": data.stats[(f.id, "share_of_base")].value}
        for b in data.breakdowns
        for f in data.categories(b)
        if data.stats[(f.id, "share_of_base")].largest
    ]
    assert [{k: r[k] for k in ("breakdown", "category", "count", "share")} for r in rows] == expected
    assert {"breakdown": "arrest_country", "category": "china", "count": 19, "share": 82.6} in expected


async def test_named_query_every_figure_with_its_source(ds, built_db):
    data = built_db[1]
    rows = await query(ds, "/report/every_figure_with_its_source.json?_shape=array")
    assert [r["id"] for r in rows] == list(data.findings)
    by_id = {r["id"]: r for r in rows}
    assert by_id["arrested_china"]["cited_outlets"] == (
        "The Korea Herald (2024-10-31) https://m.koreaherald.com/amp/view.php?ud=20241031050801"
    )
    assert by_id["mss_total_jurisdiction"]["percent_published"] == 81.4
    assert by_id["mss_total_jurisdiction"]["statement"].startswith("Counting arrest, detention and repatriation")
    assert "92 of 113 victims" in by_id["mss_total_jurisdiction"]["statement"]
    assert all("{fig}" not in (r["statement"] or "") for r in rows)


async def test_named_queries_derived_and_percent_only(ds, built_db):
    data = built_db[1]
    derived = await query(ds, "/report/derived_shares.json?_shape=array")
    expected = {(s.finding, s.measure) for s in data.stats.values() if s.derived}
    assert {(r["finding"], r["measure"]) for r in derived} == expected
    percent_only = await query(ds, "/report/percent_only_figures.json?_shape=array")
    assert [r["id"] for r in percent_only] == [f.id for f in data.findings.values() if f.percent_only]


async def test_named_query_with_a_parameter(ds, built_db):
    rows = await query(ds, "/report/categories_of_a_breakdown.json?breakdown=reason&_shape=array")
    assert [r["category"] for r in rows] == [
        "escape_related",
        "guilt_by_association",
        "outside_contact",
        "criticism",
        "religion",
    ]
    assert [r["count"] for r in rows[2:]] == [None, None, None]


async def test_metadata_follows_a_database_with_another_name(tmp_path):
    db = tmp_path / "figures.db"
    build.build(PACKAGE_DATA, db)
    instance = explore.make_datasette(db, METADATA)
    await instance.invoke_startup()
    rows = await query(instance, "/figures/percent_only_figures.json?_shape=array")
    assert len(rows) == 3


def test_metadata_is_not_a_data_source_file():
    assert METADATA.suffix == ".yml"  # data/*.yaml are the reviewed sources and the fingerprint's inputs


@pytest.fixture
def built_env(tmp_path):
    return {"NKBOT_DATA_DIR": str(copy_data(tmp_path)), "NKBOT_DB": str(tmp_path / "report.db")}


async def test_explore_command_serves_the_database_read_only(built_env, monkeypatch):
    served = {}
    monkeypatch.setattr(explore, "serve", lambda ds, host, port: served.update(ds=ds, host=host, port=port))
    result = CliRunner().invoke(explore_command, ["--port", "8123"], env=built_env)
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert "read-only at http://127.0.0.1:8123/" in result.stderr
    instance = served["ds"]
    await instance.invoke_startup()
    assert instance.get_database("report").is_mutable is False
    assert (await query(instance, "/-/metadata.json"))["title"] == TITLE


def test_explore_command_without_datasette_says_how_to_install(built_env, monkeypatch):
    monkeypatch.setattr(explore, "datasette_installed", lambda: False)
    result = CliRunner().invoke(explore_command, [], env=built_env)
    assert result.exit_code == 1
    assert "pip install -e '.[explore]'" in result.stderr


def test_explore_command_help_has_an_example():
    result = CliRunner().invoke(explore_command, ["--help"])
    assert result.exit_code == 0
    assert "Example: nkbot explore" in result.output and "--port" in result.output
