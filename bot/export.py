"""Every figure as one CSV or JSON table, with its numbers, flags and sources (`nkbot export`)."""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

from .answers import Writer
from .models import Dataset
from .stats import share

FORMATS = ("csv", "json")
FIELDS = (
    "id",
    "kind",
    "statement",
    "statement_ko",
    "count",
    "base",
    "unit",
    "percent_published",
    "share_computed",
    "derived",
    "share_of_all_victims",
    "published_roundings",
    "approx",
    "value",
    "period",
    "breakdown",
    "category",
    "label",
    "source_ids",
    "cited_outlets",
    "cited_urls",
    "note",
)
LIST_SEPARATOR = "; "  # how lists are written in a CSV cell


def rows(data: Dataset) -> list[dict[str, Any]]:
    """One row per figure, in the order of findings.yaml. Numbers are as published; `share_computed` is
    count ÷ base rounded half up to one decimal; `derived` is true when no outlet publishes a percentage, so
    answers quote the computed share and say so (None when the figure has no share at all).
    `share_of_all_victims` is the computed share of all 113 victims that answers quote for a category with
    another base (China: 16.8%), always computed; `published_roundings` the outlets' roundings answers note
    ("80% (Reuters)"), so every number a user sees can be traced here."""
    writer = Writer(data)
    out = []
    for f in data.findings.values():
        stat = data.stats.get((f.id, "share_of_base"))
        of_all = data.stats.get((f.id, "share_of_victims"))
        cited = [data.sources[sid] for sid in f.cite]
        out.append(
            {
                "id": f.id,
                "kind": f.kind,
                "statement": writer.sentence(f, "en"),
                "statement_ko": writer.sentence(f, "ko"),
                "count": f.count,
                "base": f.base,
                "unit": (f.base_label if f.base is not None else f.unit).get("en"),
                "percent_published": f.percent,
                "share_computed": share(f.count, f.base) if f.count is not None and f.base else None,
                "derived": stat.derived if stat else None,
                "share_of_all_victims": of_all.value if of_all else None,
                "published_roundings": [
                    f"{p.value:g}%"
                    + (" as a fraction" if p.fraction else "")
                    + f" ({', '.join(data.sources[sid].publisher['en'] for sid in p.by)})"
                    for p in f.published_as
                    if p.unit == "percent"
                ],
                "approx": f.approx,
                "value": f.value.get("en"),
                "period": f.period.get("en"),
                "breakdown": f.breakdown,
                "category": f.category,
                "label": f.label.get("en"),
                "source_ids": list(f.sources),
                "cited_outlets": [writer.source_label(s, "en") for s in cited],
                "cited_urls": [s.url for s in cited],
                "note": f.note.get("en"),
            }
        )
    return out


def write(data: Dataset, fmt: str, out: TextIO) -> None:
    """Write rows(data) to out as CSV (lists joined with '; ', booleans as true/false) or as a JSON array."""
    table = rows(data)
    if fmt == "json":
        json.dump(table, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in table)
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return value
