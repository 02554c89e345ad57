"""The only SQLite code: a Dataset written to tables and read back, both from one table spec.

Each record type maps to one table by its dataclass fields: a text in each language becomes one column per
language (`title_en`, `title_ko`), a number, string or flag one column, anything nested (lists, mappings,
records) one JSON column. Two more tables, finding_sources and examples, spell out relations for browsing
in Datasette; the loader does not need them. Writing uses sqlite-utils; reading plain sqlite3 (faster start).
"""

from __future__ import annotations

import json
import sqlite3
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .models import (
    LANGS,
    Breakdown,
    Dataset,
    Finding,
    Intent,
    LanguageWords,
    OutOfScope,
    Params,
    Report,
    SmallTalk,
    Source,
    Stat,
)

if TYPE_CHECKING:
    import sqlite_utils

SCHEMA_VERSION = 4  # 3: sources gained copy; breakdowns order, dates and headline; 4: agents
SCALARS = (str, int, float, bool)


@dataclass(frozen=True)
class Table:
    """One table: the record type its rows are, its key, and where its records sit in a Dataset."""

    name: str
    record: type
    key: tuple[str, ...]
    records: Callable[[Dataset], Iterable[tuple[dict[str, Any], Any]]]  # (key columns not in the record, record)


@dataclass(frozen=True)
class SynonymSet:
    """One row of synonyms.yaml: a canonical word and the variants rewritten to it."""

    canonical: str
    variants: tuple[str, ...]


def _keyed(name: str) -> Callable[[Dataset], Iterable[tuple[dict[str, Any], Any]]]:
    return lambda data: (({}, r) for r in getattr(data, name).values())


TABLES: tuple[Table, ...] = (
    Table("report", Report, ("id",), lambda d: [({"id": "report"}, d.report)] if d.report else []),
    Table("sources", Source, ("id",), _keyed("sources")),
    Table("findings", Finding, ("id",), _keyed("findings")),
    Table("breakdowns", Breakdown, ("id",), _keyed("breakdowns")),
    Table("statistics", Stat, ("finding", "measure"), _keyed("stats")),
    Table("intents", Intent, ("id",), _keyed("intents")),
    Table("out_of_scope", OutOfScope, ("id",), _keyed("out_of_scope")),
    Table("smalltalk", SmallTalk, ("id",), _keyed("smalltalk")),
    Table(
        "synonyms",
        SynonymSet,
        ("lang", "canonical"),
        lambda d: (({"lang": lang}, SynonymSet(c, v)) for lang, t in d.synonyms.items() for c, v in t.items()),
    ),
    Table("language", LanguageWords, ("lang",), lambda d: (({"lang": k}, v) for k, v in d.language.items())),
    Table("params", Params, ("id",), lambda d: [({"id": "params"}, d.params)]),
)


# --- the codec ---------------------------------------------------------------------------------


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _is_text(tp: Any) -> bool:
    """A text in each language: dict[str, str]."""
    return typing.get_origin(tp) is dict and typing.get_args(tp) == (str, str)


def _is_scalar(tp: Any) -> bool:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        return len(args) == 1 and args[0] in SCALARS
    return tp in SCALARS


def _encode(value: Any) -> Any:
    if is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, frozenset, set)):
        items = [_encode(v) for v in value]
        return sorted(items) if isinstance(value, (frozenset, set)) else items
    return value


def _decode(tp: Any, value: Any) -> Any:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if value is None:
        return None
    if isinstance(tp, types.UnionType) or origin is typing.Union:
        return _decode(next(a for a in args if a is not type(None)), value)
    if is_dataclass(tp):
        hints = _hints(tp)  # type: ignore[arg-type]
        return tp(**{f.name: _decode(hints[f.name], value[f.name]) for f in fields(tp) if f.name in value})
    if origin is dict:
        return {_decode(args[0], k): _decode(args[1], v) for k, v in value.items()}
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=True))
    if origin is frozenset:
        return frozenset(_decode(args[0], v) for v in value)
    if tp is float:
        return float(value)
    return value


def to_row(record: Any) -> dict[str, Any]:
    """A record as one row: a column per language for texts, JSON for anything nested."""
    row: dict[str, Any] = {}
    for f in fields(record):
        value, tp = getattr(record, f.name), _hints(type(record))[f.name]
        if _is_text(tp):
            for lang in LANGS:
                row[f"{f.name}_{lang}"] = value.get(lang)
        elif _is_scalar(tp):
            row[f.name] = value
        else:
            row[f.name] = json.dumps(_encode(value), ensure_ascii=False)
    return row


def from_row(cls: type, row: dict[str, Any]) -> Any:
    """The record a row holds (the inverse of to_row)."""
    values: dict[str, Any] = {}
    for f in fields(cls):
        tp = _hints(cls)[f.name]
        if _is_text(tp):
            values[f.name] = {
                lang: row[f"{f.name}_{lang}"] for lang in LANGS if row.get(f"{f.name}_{lang}") is not None
            }
        elif _is_scalar(tp):
            value = row[f.name]
            values[f.name] = (
                bool(value) if tp is bool else (float(value) if tp is float and value is not None else value)
            )
        else:
            values[f.name] = _decode(tp, json.loads(row[f.name]))
    return cls(**values)


def _columns(table: Table) -> dict[str, type]:
    """Column types for sqlite-utils, so that a column that is empty in every row still gets its type."""
    out: dict[str, type] = {}
    for f in fields(table.record):
        tp = _hints(table.record)[f.name]
        if _is_text(tp):
            out.update({f"{f.name}_{lang}": str for lang in LANGS})
        elif _is_scalar(tp):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            out[f.name] = args[0] if args else tp
        else:
            out[f.name] = str
    return out


# --- writing and reading -----------------------------------------------------------------------


def write(db: sqlite_utils.Database, data: Dataset, fingerprint: str) -> None:
    """Every table of the spec, plus the relation tables and meta, into an empty database."""
    db["meta"].insert_all(
        [
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "fingerprint", "value": fingerprint},
            {"key": "built_at", "value": datetime.now(UTC).isoformat(timespec="seconds")},
        ],
        pk="key",
    )
    for table in TABLES:
        rows = [{**extra, **to_row(record), "position": n} for n, (extra, record) in enumerate(table.records(data))]
        columns = {**{k: str for k in table.key}, **_columns(table), "position": int}
        db[table.name].insert_all(rows, pk=table.key if len(table.key) > 1 else table.key[0], columns=columns)
    db["finding_sources"].insert_all(
        (
            {
                "finding": f.id,
                "source": sid,
                "position": i,
                "cited": sid in f.cite,
                "cite_position": f.cite.index(sid) if sid in f.cite else None,
            }
            for f in data.findings.values()
            for i, sid in enumerate(f.sources)
        ),
        pk=("finding", "source"),
        columns={"cite_position": int},
        foreign_keys=[("finding", "findings", "id"), ("source", "sources", "id")],
    )
    db["examples"].insert_all(
        (
            {"owner": owner.id, "owner_kind": kind, "lang": lang, "text": text}
            for kind, owners in (
                ("intent", data.intents.values()),
                ("out_of_scope", data.out_of_scope.values()),
                ("smalltalk", data.smalltalk.values()),
            )
            for owner in owners
            for lang in LANGS
            for text in owner.examples.get(lang, ())
        ),
        columns={"owner": str, "owner_kind": str, "lang": str, "text": str},
    )
    db["examples"].create_index(["owner"])
    db["findings"].create_index(["breakdown"])


def connect_ro(db_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db_path.resolve()}?mode=ro", uri=True, check_same_thread=False)


def meta(db_path: Path) -> dict[str, str]:
    """The build's schema version, data fingerprint and time; {} for a file that is not such a database."""
    try:
        with connect_ro(db_path) as conn:
            return dict(conn.execute("select key, value from meta").fetchall())
    except sqlite3.Error:
        return {}


def load(db_path: Path) -> Dataset:
    """Read the whole database back (read-only) into the records the answerer uses."""
    conn = connect_ro(db_path)
    conn.row_factory = sqlite3.Row
    try:
        version = conn.execute("select value from meta where key = 'schema_version'").fetchone()
        if not version or version[0] != str(SCHEMA_VERSION):
            raise sqlite3.DatabaseError(f"{db_path} has schema {version and version[0]}, expected {SCHEMA_VERSION}")
        tables: dict[str, list[tuple[dict[str, Any], Any]]] = {}
        for table in TABLES:
            rows = conn.execute(f'select * from "{table.name}" order by position').fetchall()
            tables[table.name] = [(dict(r), from_row(table.record, dict(r))) for r in rows]
        synonyms: dict[str, dict[str, tuple[str, ...]]] = {lang: {} for lang in LANGS}
        for row, record in tables["synonyms"]:
            synonyms.setdefault(row["lang"], {})[record.canonical] = record.variants
        for table in ("findings", "intents", "sources"):  # a valid file emptied would decline everything
            if not tables[table]:
                raise sqlite3.DatabaseError(f"{db_path} has no {table}: rebuild it with `nkbot build`")
        report = [record for _, record in tables["report"]]
        params = [record for _, record in tables["params"]]
        return Dataset(
            sources={r.id: r for _, r in tables["sources"]},
            findings={r.id: r for _, r in tables["findings"]},
            breakdowns={r.id: r for _, r in tables["breakdowns"]},
            intents={r.id: r for _, r in tables["intents"]},
            out_of_scope={r.id: r for _, r in tables["out_of_scope"]},
            synonyms=synonyms,
            stats={(r.finding, r.measure): r for _, r in tables["statistics"]},
            smalltalk={r.id: r for _, r in tables["smalltalk"]},
            language={row["lang"]: r for row, r in tables["language"]},
            report=report[0] if report else None,
            params=params[0] if params else Params(),
        )
    finally:
        conn.close()


def integrity_check(db_path: Path) -> str:
    with connect_ro(db_path) as conn:
        return conn.execute("pragma integrity_check").fetchone()[0]
