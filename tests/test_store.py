"""Building the database: a faithful, read-only artefact of data/, rebuilt when data/ changes."""

from __future__ import annotations

import sqlite3
import subprocess

import pytest
from support import PROJECT, copy_data

from bot import build, sources, store
from bot.sources import DataError


@pytest.fixture
def fresh_data(tmp_path):
    return copy_data(tmp_path)


def test_build_then_load_gives_back_the_same_dataset(fresh_data, tmp_path):
    db = tmp_path / "report.db"
    built = build.build(fresh_data, db)
    assert store.load(db) == built
    assert built.stats  # precomputed statistics are part of what comes back


def test_tables_a_journalist_can_query(fresh_data, tmp_path):
    db = tmp_path / "report.db"
    build.build(fresh_data, db)
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "select f.count, f.base, f.percent, s.value, s.derived from findings f "
            "join statistics s on s.finding = f.id and s.measure = 'share_of_base' where f.id = 'arrested_china'"
        ).fetchone()
        assert row == (19, 23, None, 82.6, 1)
        cited = conn.execute("select source from finding_sources where finding = 'arrested_china'").fetchall()
        assert cited == [("KH",)]
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    assert {"sources", "findings", "breakdowns", "statistics", "intents", "examples", "finding_sources"} <= tables


def test_database_is_opened_read_only(fresh_data, tmp_path):
    db = tmp_path / "report.db"
    build.build(fresh_data, db)
    conn = store.connect_ro(db)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("delete from findings")
    conn.close()


def test_ensure_rebuilds_when_data_changes(fresh_data, tmp_path):
    db = tmp_path / "report.db"
    build.ensure(fresh_data, db)
    assert build.is_fresh(fresh_data, db)
    (fresh_data / "sources.yaml").write_text((fresh_data / "sources.yaml").read_text(encoding="utf-8") + "\n")
    assert not build.is_fresh(fresh_data, db)
    build.ensure(fresh_data, db)
    assert build.is_fresh(fresh_data, db)


def test_a_failed_build_keeps_the_good_database(fresh_data, tmp_path):
    db = tmp_path / "report.db"
    build.build(fresh_data, db)
    before = db.read_bytes()
    path = fresh_data / "findings.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("count: 19\n", "count: 190\n"), encoding="utf-8")
    with pytest.raises(DataError):
        build.build(fresh_data, db)
    assert db.read_bytes() == before
    assert not list(tmp_path.glob(".report-*"))  # no temporary file left behind


def test_the_database_is_never_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT, capture_output=True, text=True).stdout.split()
    assert not [name for name in tracked if name.endswith(".db")]
    ignored = subprocess.run(["git", "check-ignore", "data/report.db"], cwd=PROJECT, capture_output=True, text=True)
    assert ignored.returncode == 0


def test_every_data_file_is_covered_by_the_fingerprint():
    names = {p.name for p in sources.data_files(PROJECT / "data")}
    on_disk = {p.name for p in (PROJECT / "data").glob("*.yaml")}
    assert on_disk <= names
