"""The built database in Datasette, read-only, with data/metadata.yml (`nkbot explore`; the `explore` extra)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import yaml

from .config import PACKAGE_DATA

METADATA = "metadata.yml"
METADATA_DATABASE = "report"  # the database name data/metadata.yml describes
INSTALL_HINT = (
    "nkbot explore needs Datasette, which is an optional extra. Install it with:\n\n    pip install -e '.[explore]'"
)


def datasette_installed() -> bool:
    return importlib.util.find_spec("datasette") is not None


def metadata_path(data_dir: Path) -> Path:
    """metadata.yml of the data directory in use, else the one shipped with the package."""
    own = data_dir / METADATA
    return own if own.is_file() else PACKAGE_DATA / METADATA


def load_metadata(path: Path, database: str = METADATA_DATABASE) -> dict[str, Any]:
    """The metadata, with its per-database section filed under `database` (the built file's name without .db)."""
    metadata = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    databases = metadata.get("databases") or {}
    if METADATA_DATABASE in databases and database != METADATA_DATABASE:
        databases = {database: databases[METADATA_DATABASE]}
    return {**metadata, "databases": databases}


def make_datasette(db_path: Path, metadata_file: Path) -> Any:  # -> datasette.app.Datasette
    """A Datasette instance on db_path alone, immutable (opened read-only), described by metadata_file."""
    from datasette.app import Datasette

    return Datasette(immutables=[str(db_path)], metadata=load_metadata(metadata_file, db_path.stem))


def serve(ds: Any, host: str, port: int) -> None:
    """Run Datasette's startup hooks, then serve it with uvicorn until interrupted (as `datasette serve` does)."""
    import asyncio

    import uvicorn

    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="info", lifespan="on")
