"""The figures: sources.yaml, findings.yaml and breakdowns.yaml, checked against each other."""

from __future__ import annotations

import re
from typing import Any

from ..models import LANGS, Breakdown, Finding, PublishedAs, Source, Text
from .reading import DataError, Entry

PERCENT_TOLERANCE = 0.05  # points between a published percentage and count/base
FIELD = re.compile(r"\{([^{}]*)\}")
ID_FORM = re.compile(r"^[a-z0-9_]{1,40}$")
SOURCE_ID_FORM = re.compile(r"^[A-Za-z0-9-]{1,20}$")


def sources(raw: list[dict[str, Any]]) -> dict[str, Source]:
    out: dict[str, Source] = {}
    for item in raw:
        e = Entry("sources.yaml", item, {"kind", "publisher", "title", "date", "url", "lang", "copy"})
        if not SOURCE_ID_FORM.match(e.id):
            e.fail("id must be letters, digits and '-' (at most 20)")
        kind = e.string("kind")
        if kind not in {"report", "release", "news", "context"}:
            e.fail(f"'kind' must be report, release, news or context, not {kind!r}")
        url = e.string("url")
        if not re.match(r"^https?://\S+$", url or ""):
            e.fail(f"'url' is not an http(s) address: {url!r}")
        date = item.get("date")
        if date is not None and not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", str(date)):
            e.fail(f"'date' must be YYYY, YYYY-MM or YYYY-MM-DD, not {date!r}")
        out[e.id] = Source(
            id=e.id,
            kind=kind or "",
            publisher=e.text("publisher"),
            title=e.text("title"),
            date=None if date is None else str(date),
            url=url or "",
            lang=e.string("lang") or "",
            copy=e.text("copy", required=False),
        )
    return out


def findings(raw: list[dict[str, Any]], sources: dict[str, Source]) -> dict[str, Finding]:
    allowed = {
        "kind",
        "count",
        "base",
        "base_label",
        "counter",
        "percent",
        "approx",
        "unit",
        "value",
        "period",
        "breakdown",
        "category",
        "label",
        "terms",
        "sources",
        "cite",
        "text",
        "note",
        "published_as",
        "related",
    }
    out: dict[str, Finding] = {}
    for item in raw:
        e = Entry("findings.yaml", item, allowed)
        if not ID_FORM.match(e.id):
            e.fail("id must be lower-case letters, digits and '_'")
        kind = e.string("kind")
        if kind not in {"finding", "context"}:
            e.fail(f"'kind' must be finding or context, not {kind!r}")
        count, base, percent = e.integer("count"), e.integer("base"), e.number("percent")
        value = e.text("value", required=False)
        if count is None and percent is None and not value:
            e.fail("gives no figure: needs 'count', 'percent' or 'value'")
        if count is not None and base is not None and count > base:
            e.fail(f"count {count} is greater than its base {base}")
        if base is not None and not item.get("base_label"):
            e.fail("has a 'base' but no 'base_label'")
        if base is None and (count is not None) and not item.get("unit"):
            e.fail("has a count with no base and no 'unit'")
        if percent is not None and base is None:
            e.fail("has a 'percent' but no 'base'")
        if percent is not None and count is not None and base:
            computed = 100 * count / base
            if abs(computed - percent) > PERCENT_TOLERANCE:
                e.fail(f"published percent {percent} does not round from {count}/{base} = {computed:.2f}%")
        cited = e.strings("sources")
        for sid in cited:
            if sid not in sources:
                e.fail(f"unknown source id '{sid}'")
        cite = e.strings("cite", required=False) or cited[:2]
        for sid in cite:
            if sid not in cited:
                e.fail(f"'cite' names '{sid}', which is not among its sources")
        text = e.text("text")
        for lang in LANGS:
            if "{fig}" not in text[lang]:
                e.fail(f"'text' ({lang}) must contain {{fig}}, where the figure goes")
            if FIELD.sub("", text[lang].replace("{fig}", "")) != text[lang].replace("{fig}", ""):
                e.fail(f"'text' ({lang}) has a placeholder other than {{fig}}")
        breakdown, category = e.string("breakdown", False), e.string("category", False)
        if (breakdown is None) != (category is None):
            e.fail("'breakdown' and 'category' go together")
        if breakdown and not item.get("label"):
            e.fail("a breakdown category needs a 'label'")
        terms = e.per_lang_strings("terms")
        out[e.id] = Finding(
            id=e.id,
            kind=kind or "",
            text=text,
            sources=cited,
            cite=cite,
            count=count,
            base=base,
            percent=percent,
            approx=bool(item.get("approx", False)),
            unit=e.text("unit", False),
            base_label=e.text("base_label", False),
            value=value,
            period=e.text("period", False),
            note=e.text("note", False),
            breakdown=breakdown,
            category=category,
            label=e.text("label", False),
            terms=terms,
            counter=e.string("counter", required=False) or "명",
            published_as=_published_as(e, sources),
            related=e.strings("related", required=False),
        )
    for finding in out.values():
        for other in finding.related:
            if other not in out:
                raise DataError("findings.yaml", finding.id, f"'related' names unknown finding '{other}'")
    return out


def _published_as(e: Entry, sources: dict[str, Source]) -> tuple[PublishedAs, ...]:
    """Other forms of the figure an outlet published: {percent: 80, by: [RTR]}, {fraction: 8/10, by: [TJWG-PR]},
    {years: 4.5, by: [JOONGANG], rounded: false}."""
    raw = e.raw.get("published_as") or []
    if not isinstance(raw, list):
        e.fail("'published_as' must be a list")
    out = []
    for item in raw:
        if not isinstance(item, dict) or not set(item) <= {"percent", "fraction", "years", "count", "by", "rounded"}:
            e.fail("each 'published_as' item has one of percent, fraction, years or count, and 'by'")
        units = [u for u in ("percent", "fraction", "years", "count") if u in item]
        if len(units) != 1:
            e.fail("each 'published_as' item has exactly one of percent, fraction, years or count")
        unit, value, base = units[0], item[units[0]], 0
        if unit == "fraction":
            m = re.fullmatch(r"(\d+)/(\d+)", str(value))
            if not m or not 0 < int(m[1]) <= int(m[2]):
                e.fail(f"'published_as' fraction must be a/b, not {value!r}")
            unit, value, base = "percent", 100 * int(m[1]) / int(m[2]), int(m[2])
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            e.fail(f"'published_as' {unit} must be a number, not {value!r}")
        by = item.get("by")
        by = (by,) if isinstance(by, str) else tuple(by or ())
        if not by or any(sid not in sources for sid in by):
            e.fail(f"'published_as' names an unknown source in 'by': {by!r}")
        out.append(PublishedAs(float(value), unit, by, bool(item.get("rounded", True)), "fraction" in item, base))
    return tuple(out)


BREAKDOWN_FIELDS = {"title", "base", "parent", "exhaustive", "note", "profile", "order", "dates", "headline"}
BREAKDOWN_FIELDS |= {"subtitle", "agents"}


def breakdowns(raw: list[dict[str, Any]], findings: dict[str, Finding]) -> dict[str, Breakdown]:
    out: dict[str, Breakdown] = {}
    for item in raw:
        e = Entry(
            "breakdowns.yaml",
            item,
            BREAKDOWN_FIELDS,
        )
        base = e.integer("base")
        if not base:
            e.fail("needs a 'base' greater than 0")
        parent = e.string("parent", required=False)
        if parent and parent not in findings:
            e.fail(f"unknown parent finding '{parent}'")
        if parent and findings[parent].count != base:
            e.fail(f"base {base} differs from its parent '{parent}' count {findings[parent].count}")
        headline, subtitle = _headline(e, findings, base or 0), e.text("subtitle", False)
        if bool(headline) != bool(subtitle) or any("{fig}" not in t for t in subtitle.values()):
            e.fail("'headline' and 'subtitle' go together, and the subtitle says {fig} for the headline's figure")
        out[e.id] = Breakdown(
            e.id,
            e.text("title"),
            base or 0,
            parent,
            bool(item.get("exhaustive", False)),
            e.text("note", False),
            bool(item.get("profile", False)),
            e.strings("order", required=False),
            _dates(e),
            headline,
            subtitle,
            bool(item.get("agents", False)),
        )
    for finding in findings.values():
        if finding.breakdown and finding.breakdown not in out:
            raise DataError("findings.yaml", finding.id, f"unknown breakdown '{finding.breakdown}'")
    for b in out.values():
        members = [f for f in findings.values() if f.breakdown == b.id]
        if not members:
            raise DataError("breakdowns.yaml", b.id, "no finding names this breakdown")
        seen: set[str] = set()
        for f in members:
            if f.category in seen:
                raise DataError("findings.yaml", f.id, f"duplicate category '{f.category}' in breakdown '{b.id}'")
            seen.add(f.category or "")
            if f.base != b.base:
                raise DataError("findings.yaml", f.id, f"base {f.base} differs from breakdown '{b.id}' base {b.base}")
        counted = sum(f.count for f in members if f.count is not None)
        if counted > b.base:
            raise DataError("breakdowns.yaml", b.id, f"categories sum to {counted}, past the base {b.base}")
        shares = sum(f.percent if f.count is None else 100 * f.count / b.base for f in members if f.percent or f.count)
        if shares > 100 + PERCENT_TOLERANCE:
            raise DataError("breakdowns.yaml", b.id, f"category shares sum to {shares:.1f}%, past 100%")
        if b.exhaustive and counted != b.base:
            raise DataError("breakdowns.yaml", b.id, f"marked exhaustive but categories sum to {counted}, not {b.base}")
        categories = [f.category for f in members]
        if b.order and sorted(b.order) != sorted(categories):
            raise DataError("breakdowns.yaml", b.id, f"'order' must list each category once: {', '.join(categories)}")
        unknown = sorted(set(b.dates) - set(categories))
        if unknown:
            raise DataError("breakdowns.yaml", b.id, f"'dates' names an unknown category '{unknown[0]}'")
    return out


def _dates(e: Entry) -> dict[str, Text]:
    """category -> {en, ko}: the dates a chart shows beside a category, checked like any other text."""
    raw = e.raw.get("dates")
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not raw:
        e.fail("'dates' must map categories to a text for each language")
    out: dict[str, Text] = {}
    for category, value in raw.items():
        key = f"dates.{category}"  # so an error names the category: "'dates.kim_jong_un' has no ko text"
        out[str(category)] = Entry(e.file, {"id": e.id, key: value}, {key}).text(key)
    return out


def _headline(e: Entry, findings: dict[str, Finding], base: int) -> str | None:
    """The finding the categories are the parts of: it must exist and count against the same base."""
    headline = e.string("headline", required=False)
    if headline is None:
        return None
    if headline not in findings:
        e.fail(f"unknown headline finding '{headline}'")
    if findings[headline].base != base or findings[headline].count is None:
        e.fail(f"headline '{headline}' must be a count of the same base {base}")
    return headline
