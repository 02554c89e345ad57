"""The only sqlite-utils code: build report.db from a validated Dataset, and read it back."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import sources, stats
from .models import LANGS, Breakdown, Dataset, Finding, Intent, OutOfScope, Source, Stat

if TYPE_CHECKING:
    import sqlite_utils

SCHEMA_VERSION = 1


def data_fingerprint(data_dir: Path) -> str:
    """A hash of the data files, stored in the database so staleness is exact, not a guess from mtimes."""
    digest = hashlib.sha256()
    for path in sources.data_files(data_dir):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def compile_data(data_dir: Path) -> Dataset:
    """data_dir validated, with its statistics computed: what build writes, without writing it."""
    data = sources.load(data_dir)
    return replace(data, stats=stats.compute(data))


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
        _write(db, data, data_fingerprint(data_dir))
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
    try:
        with _connect_ro(db_path) as conn:
            row = conn.execute("select value from meta where key = 'fingerprint'").fetchone()
            version = conn.execute("select value from meta where key = 'schema_version'").fetchone()
    except sqlite3.Error:
        return False
    return bool(row and version and version[0] == str(SCHEMA_VERSION) and row[0] == data_fingerprint(data_dir))


def ensure(data_dir: Path, db_path: Path) -> None:
    """Build the database when it is missing or older than data/ (and data/ is there to build from)."""
    if data_dir.exists() and not is_fresh(data_dir, db_path):
        build(data_dir, db_path)
    elif not db_path.exists():
        raise FileNotFoundError(f"no database at {db_path} and no data directory at {data_dir} to build it from")


def _connect_ro(db_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db_path.resolve()}?mode=ro", uri=True, check_same_thread=False)


def _write(db: sqlite_utils.Database, data: Dataset, fingerprint: str) -> None:
    db["meta"].insert_all(
        [
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "fingerprint", "value": fingerprint},
            {"key": "built_at", "value": datetime.now(UTC).isoformat(timespec="seconds")},
        ],
        pk="key",
    )
    db["sources"].insert_all(
        (
            {
                "id": s.id,
                "kind": s.kind,
                "publisher_en": s.publisher["en"],
                "publisher_ko": s.publisher["ko"],
                "title_en": s.title["en"],
                "title_ko": s.title["ko"],
                "date": s.date,
                "url": s.url,
                "lang": s.lang,
            }
            for s in data.sources.values()
        ),
        pk="id",
        columns={"date": str},
    )
    db["breakdowns"].insert_all(
        (
            {
                "id": b.id,
                "title_en": b.title["en"],
                "title_ko": b.title["ko"],
                "base": b.base,
                "parent": b.parent,
                "exhaustive": b.exhaustive,
                "note_en": b.note.get("en"),
                "note_ko": b.note.get("ko"),
            }
            for b in data.breakdowns.values()
        ),
        pk="id",
        columns={"parent": str, "note_en": str, "note_ko": str},
    )
    db["findings"].insert_all(
        (_finding_row(f) for f in data.findings.values()),
        pk="id",
        columns={"count": int, "base": int, "percent": float, "breakdown": str, "category": str},
    )
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
    db["statistics"].insert_all(
        ({**asdict(s), "rank": s.rank, "largest": s.largest} for s in data.stats.values()),
        pk=("finding", "measure"),
        columns={"rank": int},
        foreign_keys=[("finding", "findings", "id")],
    )
    db["intents"].insert_all(
        (
            {
                "id": i.id,
                "title_en": i.title["en"],
                "title_ko": i.title["ko"],
                "answers_en": i.answers["en"],
                "answers_ko": i.answers["ko"],
                "template_en": i.template["en"],
                "template_ko": i.template["ko"],
                "breakdowns": json.dumps(list(i.breakdowns)),
                "headline": i.headline,
                "position": n,
            }
            for n, i in enumerate(data.intents.values())
        ),
        pk="id",
    )
    db["out_of_scope"].insert_all(
        (
            {"id": o.id, "says_en": o.says["en"], "says_ko": o.says["ko"], "suggest": json.dumps(list(o.suggest))}
            for o in data.out_of_scope.values()
        ),
        pk="id",
    )
    examples = [
        {"owner": owner.id, "owner_kind": kind, "lang": lang, "text": text}
        for kind, owners in (("intent", data.intents.values()), ("out_of_scope", data.out_of_scope.values()))
        for owner in owners
        for lang in LANGS
        for text in owner.examples.get(lang, ())
    ]
    db["examples"].insert_all(examples, columns={"owner": str, "owner_kind": str, "lang": str, "text": str})
    db["synonyms"].insert_all(
        (
            {"lang": lang, "canonical": canonical, "variant": variant}
            for lang, table in data.synonyms.items()
            for canonical, variants in table.items()
            for variant in variants
        ),
        columns={"lang": str, "canonical": str, "variant": str},
    )
    db["generic_words"].insert_all(({"word": w} for w in data.generic_words), pk="word", columns={"word": str})
    db["examples"].create_index(["owner"])
    db["findings"].create_index(["breakdown"])


def _finding_row(f: Finding) -> dict[str, object]:
    row: dict[str, object] = {
        "id": f.id,
        "kind": f.kind,
        "count": f.count,
        "base": f.base,
        "percent": f.percent,
        "percent_only": f.percent_only,
        "approx": f.approx,
        "breakdown": f.breakdown,
        "category": f.category,
        "counter": f.counter,
    }
    for name in ("text", "unit", "base_label", "value", "period", "note", "label"):
        for lang in LANGS:
            row[f"{name}_{lang}"] = getattr(f, name).get(lang)
    for lang in LANGS:
        row[f"terms_{lang}"] = json.dumps(list(f.terms.get(lang, ())), ensure_ascii=False)
    return row


def _text(row: dict, name: str) -> dict[str, str]:
    return {lang: row[f"{name}_{lang}"] for lang in LANGS if row.get(f"{name}_{lang}") is not None}


def load(db_path: Path) -> Dataset:
    """Read the whole database back (read-only) into the records the answerer uses."""
    conn = _connect_ro(db_path)
    try:
        db = _Reader(conn)
        version = db.execute("select value from meta where key = 'schema_version'").fetchone()
        if not version or version[0] != str(SCHEMA_VERSION):
            raise sqlite3.DatabaseError(f"{db_path} has schema {version and version[0]}, expected {SCHEMA_VERSION}")
        srcs = {
            r["id"]: Source(
                r["id"], r["kind"], _text(r, "publisher"), _text(r, "title"), r["date"], r["url"], r["lang"]
            )
            for r in db["sources"].rows
        }
        links: dict[str, list[dict]] = {}
        for r in db["finding_sources"].rows_where(order_by="finding, position"):
            links.setdefault(r["finding"], []).append(r)
        findings = {}
        for r in db["findings"].rows:
            linked = links.get(r["id"], [])
            findings[r["id"]] = Finding(
                id=r["id"],
                kind=r["kind"],
                text=_text(r, "text"),
                sources=tuple(x["source"] for x in linked),
                cite=tuple(
                    x["source"] for x in sorted((x for x in linked if x["cited"]), key=lambda x: x["cite_position"])
                ),
                count=r["count"],
                base=r["base"],
                percent=r["percent"],
                approx=bool(r["approx"]),
                unit=_text(r, "unit"),
                base_label=_text(r, "base_label"),
                value=_text(r, "value"),
                period=_text(r, "period"),
                note=_text(r, "note"),
                breakdown=r["breakdown"],
                category=r["category"],
                label=_text(r, "label"),
                terms={lang: tuple(json.loads(r[f"terms_{lang}"])) for lang in LANGS},
                counter=r["counter"],
            )
        breakdowns = {
            r["id"]: Breakdown(
                r["id"], _text(r, "title"), r["base"], r["parent"], bool(r["exhaustive"]), _text(r, "note")
            )
            for r in db["breakdowns"].rows
        }
        examples: dict[str, dict[str, list[str]]] = {}
        for r in db["examples"].rows:
            examples.setdefault(r["owner"], {lang: [] for lang in LANGS})[r["lang"]].append(r["text"])
        no_examples: dict[str, list[str]] = {lang: [] for lang in LANGS}
        intents = {
            r["id"]: Intent(
                id=r["id"],
                title=_text(r, "title"),
                answers=_text(r, "answers"),
                template=_text(r, "template"),
                examples={k: tuple(v) for k, v in examples.get(r["id"], no_examples).items()},
                breakdowns=tuple(json.loads(r["breakdowns"])),
                headline=bool(r["headline"]),
            )
            for r in db["intents"].rows_where(order_by="position")
        }
        out_of_scope = {
            r["id"]: OutOfScope(
                r["id"],
                _text(r, "says"),
                tuple(json.loads(r["suggest"])),
                {k: tuple(v) for k, v in examples.get(r["id"], no_examples).items()},
            )
            for r in db["out_of_scope"].rows
        }
        synonyms: dict[str, dict[str, list[str]]] = {lang: {} for lang in LANGS}
        for r in db["synonyms"].rows:
            synonyms[r["lang"]].setdefault(r["canonical"], []).append(r["variant"])
        stat_rows = {
            (r["finding"], r["measure"]): Stat(
                r["finding"], r["measure"], r["value"], bool(r["derived"]), r["rank"], bool(r["largest"])
            )
            for r in db["statistics"].rows
        }
        generic = tuple(r["word"] for r in db["generic_words"].rows) if db["generic_words"].exists() else ()
        return Dataset(
            srcs,
            findings,
            breakdowns,
            intents,
            out_of_scope,
            {lang: {k: tuple(v) for k, v in t.items()} for lang, t in synonyms.items()},
            stat_rows,
            generic_words=generic,
        )
    finally:
        conn.close()


class _Table:
    def __init__(self, conn: sqlite3.Connection, name: str) -> None:
        self.conn, self.name = conn, name

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.rows_where()

    def rows_where(self, order_by: str | None = None) -> list[dict[str, Any]]:
        order = f" order by {order_by}" if order_by else ""
        cursor = self.conn.execute(f'select * from "{self.name}"{order}')
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor]

    def exists(self) -> bool:
        query = "select 1 from sqlite_master where type = 'table' and name = ?"
        return self.conn.execute(query, (self.name,)).fetchone() is not None


class _Reader:
    """The little of sqlite-utils' reading API that load() uses, over plain sqlite3."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str) -> sqlite3.Cursor:
        return self.conn.execute(sql)

    def __getitem__(self, name: str) -> _Table:
        return _Table(self.conn, name)


def integrity_check(db_path: Path) -> str:
    with _connect_ro(db_path) as conn:
        return conn.execute("pragma integrity_check").fetchone()[0]
