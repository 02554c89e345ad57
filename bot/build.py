"""Compile data/ into report.db: validate, compute the statistics, write atomically, know when it is stale."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import replace
from pathlib import Path

from . import sources, stats, store
from .models import Dataset
from .sources import DataError

logger = logging.getLogger(__name__)


def data_fingerprint(data_dir: Path) -> str:
    """A hash of the data files, stored in the database so staleness is exact, not a guess from mtimes."""
    digest = hashlib.sha256()
    for path in sources.data_files(data_dir):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def compile_data(data_dir: Path) -> Dataset:
    """data_dir validated, with its statistics computed and the matcher's parameters checked: what build
    writes, without writing it."""
    data = sources.load(data_dir)
    data = replace(data, stats=stats.compute(data))
    from .matching.decide import check_params  # the matcher names its parameters; numpy loads only here

    problem = check_params(data.params)
    if problem:
        raise DataError("decision.yaml", problem[0], problem[1])
    return data


def build(data_dir: Path, db_path: Path) -> Dataset:
    """Validate data_dir, then write db_path atomically: a failed build never replaces a good database."""
    data = compile_data(data_dir)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".report-", suffix=".db", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        import sqlite_utils  # only building needs it; reading uses plain sqlite3 (faster start, less memory)

        db = sqlite_utils.Database(tmp)
        store.write(db, data, data_fingerprint(data_dir))
        db.conn.commit()
        db.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
    return data


def is_fresh(data_dir: Path, db_path: Path) -> bool:
    if not db_path.exists():
        return False
    info = store.meta(db_path)
    return info.get("schema_version") == str(store.SCHEMA_VERSION) and info.get("fingerprint") == data_fingerprint(
        data_dir
    )


class BuildFailed(OSError):
    """The database had to be built and could not be written (a read-only folder, a full disk)."""


def ensure(data_dir: Path, db_path: Path) -> None:
    """Build the database when it is missing or older than data/ (and data/ is there to build from).

    A database older than data/ that cannot be rebuilt where it is (a read-only folder: data/ was edited on a
    read-only mount) still loads, so it is served, with a warning, rather than the bot refusing to start (under
    systemd, a restart loop); invalid data is still an error."""
    if data_dir.exists() and not is_fresh(data_dir, db_path):
        try:
            build(data_dir, db_path)
        except OSError as exc:
            if not db_path.exists():
                raise BuildFailed(f"cannot build the database at {db_path}: {exc.strerror or exc}") from exc
            logger.warning(
                "%s is older than %s but cannot be rebuilt there (%s); serving it as it is",
                db_path,
                data_dir,
                exc.strerror or exc,
            )
    elif not db_path.exists():
        raise FileNotFoundError(f"no database at {db_path} and no data directory at {data_dir} to build it from")
