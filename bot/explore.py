"""`nkbot explore`: browse the built database in Datasette, read-only (the optional `explore` extra)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import click
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


@click.command(name="explore")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
def explore_command(port: int, host: str) -> None:
    """Browse the database in Datasette: every table, column descriptions and named queries, read-only.

    Needs the optional extra: pip install -e '.[explore]'

    Example: nkbot explore --port 8001
    """
    if not datasette_installed():
        click.echo(INSTALL_HINT, err=True)
        sys.exit(1)
    from .cli import _answerer, _settings  # imported here: cli.py imports this module to register the command

    settings = _settings()
    _answerer(settings)  # builds the database when it is missing or stale, and reports bad data like every command
    ds = make_datasette(settings.db_path, metadata_path(settings.data_dir))
    click.echo(f"Serving {settings.db_path} read-only at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    serve(ds, host, port)
