"""Database states that look healthy but are not, and data/ that cannot be written: what `nkbot check`, `nkbot ask`
and the answerer make of them."""

from __future__ import annotations

import errno
import sqlite3
import subprocess
import sys

import pytest
from support import PROJECT, copy_data

from bot import build
from bot.answerer import Answerer


def nkbot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=PROJECT, env=env, timeout=120
    )


@pytest.fixture
def built(tmp_path):
    data = copy_data(tmp_path)
    db = tmp_path / "report.db"
    build.build(data, db)
    import os

    return data, db, {**os.environ, "NKBOT_DATA_DIR": str(data), "NKBOT_DB": str(db)}


def test_an_emptied_database_is_refused_not_served(built):
    _, db, env = built
    with sqlite3.connect(db) as conn:
        conn.execute("delete from findings")
        conn.execute("delete from intents")
    result = nkbot("check", env=env)
    assert result.returncode == 1 and "has no findings" in result.stdout
    asked = nkbot("ask", "mss share", env=env)
    assert asked.returncode == 1 and "has no findings" in asked.stderr and "Traceback" not in asked.stderr


def test_check_reports_a_corrupt_database_and_leaves_the_repair_to_build(built):
    _, db, env = built
    db.write_bytes(b"this is not a database" * 100)
    result = nkbot("check", env=env)
    assert result.returncode == 1 and result.stdout.startswith("FAIL: cannot open the database")
    assert db.read_bytes().startswith(b"this is not a database")  # reported, not rebuilt in place
    assert nkbot("build", env=env).returncode == 0 and nkbot("check", env=env).returncode == 0


def test_check_notes_a_stale_database_and_still_passes(built):
    data, _, env = built
    (data / "sources.yaml").write_text((data / "sources.yaml").read_text(encoding="utf-8") + "\n# a comment\n")
    result = nkbot("check", env=env)
    assert result.returncode == 0 and "is older than" in result.stdout


def read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing the database fails as on a read-only mount (root, which runs these tests, ignores file modes)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(build.tempfile, "mkstemp", refuse)


def test_a_stale_database_on_read_only_data_is_served_with_a_warning(built, monkeypatch, caplog):
    data, db, _ = built
    (data / "sources.yaml").write_text((data / "sources.yaml").read_text(encoding="utf-8") + "\n# a comment\n")
    read_only(monkeypatch)
    answerer = Answerer.from_paths(data, db)
    assert "92 of 113" in answerer.ask("mss share").text
    assert "cannot be rebuilt there" in caplog.text and "Read-only file system" in caplog.text


def test_a_missing_database_on_read_only_data_names_the_build_as_what_failed(tmp_path, monkeypatch):
    data = copy_data(tmp_path)
    read_only(monkeypatch)
    with pytest.raises(build.BuildFailed, match=r"cannot build the database at .*Read-only file system"):
        Answerer.from_paths(data, tmp_path / "report.db")
