"""The only code that reads data/: load the reviewed YAML files and refuse anything inconsistent."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .models import LANGS, Breakdown, Dataset, Finding, Intent, OutOfScope, Source, Text

FILES = ("sources.yaml", "findings.yaml", "breakdowns.yaml", "intents.yaml", "out_of_scope.yaml", "synonyms.yaml")
MIN_EXAMPLES = 10
PERCENT_TOLERANCE = 0.05  # points between a published percentage and count/base
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDER_FORM = re.compile(r"^(?:list:(?P<breakdown>[a-z0-9_]+)|(?P<finding>[a-z0-9_]+)(?:\.(?P<attr>[a-z]+))?)$")
FINDING_ATTRS = {"text", "count", "base", "percent"}
ID_FORM = re.compile(r"^[a-z0-9_]{1,40}$")
SOURCE_ID_FORM = re.compile(r"^[A-Za-z0-9-]{1,20}$")


class DataError(Exception):
    """A data file is wrong: names the file, the entry and the problem."""

    def __init__(self, file: str, entry: str | None, problem: str) -> None:
        self.file, self.entry, self.problem = file, entry, problem
        where = f"{file}: entry '{entry}'" if entry else file
        super().__init__(f"{where}: {problem}")


def data_files(data_dir: Path) -> list[Path]:
    return [data_dir / name for name in FILES]


def load(data_dir: Path) -> Dataset:
    """Read and validate every file of data_dir; raise DataError at the first problem."""
    raw_sources = _read_list(data_dir, "sources.yaml")
    sources = _sources(raw_sources)
    findings = _findings(_read_list(data_dir, "findings.yaml"), sources)
    breakdowns = _breakdowns(_read_list(data_dir, "breakdowns.yaml"), findings)
    intents = _intents(_read_list(data_dir, "intents.yaml"), findings, breakdowns)
    out_of_scope = _out_of_scope(_read_list(data_dir, "out_of_scope.yaml"), intents)
    raw_synonyms = _read(data_dir, "synonyms.yaml")
    synonyms = _synonyms(raw_synonyms)
    return Dataset(
        sources, findings, breakdowns, intents, out_of_scope, synonyms, generic_words=_generic(raw_synonyms, synonyms)
    )


# --- reading ------------------------------------------------------------------------------


def _read(data_dir: Path, name: str) -> Any:
    path = data_dir / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(name, None, f"file not found in {data_dir}") from None
    except UnicodeDecodeError as exc:
        raise DataError(name, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataError(name, None, f"not valid YAML{where}: {problem}") from None


def _read_list(data_dir: Path, name: str) -> list[dict[str, Any]]:
    data = _read(data_dir, name)
    if not isinstance(data, list):
        raise DataError(name, None, "expected a list of entries")
    seen: set[str] = set()
    for index, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise DataError(name, f"#{index}", "expected a mapping with an 'id'")
        entry_id = item.get("id")
        if not isinstance(entry_id, str) or not entry_id:
            raise DataError(name, f"#{index}", "missing 'id'")
        if entry_id in seen:
            raise DataError(name, entry_id, "duplicate id")
        seen.add(entry_id)
    return data


class _Entry:
    """Typed access to one entry's fields, raising DataError with file and entry."""

    def __init__(self, file: str, raw: dict[str, Any], allowed: set[str]) -> None:
        self.file, self.raw, self.id = file, raw, raw["id"]
        unknown = sorted(set(raw) - allowed - {"id"})
        if unknown:
            self.fail(f"unknown field '{unknown[0]}'")

    def fail(self, problem: str) -> None:
        raise DataError(self.file, self.id, problem)

    def text(self, key: str, required: bool = True) -> Text:
        value = self.raw.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.fail(f"'{key}' must give a text for each language ({', '.join(LANGS)})")
        for lang in LANGS:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.fail(f"'{key}' has no {lang} text")
        extra = sorted(set(value) - set(LANGS))
        if extra:
            self.fail(f"'{key}' has an unknown language '{extra[0]}'")
        return {lang: " ".join(str(value[lang]).split()) for lang in LANGS}

    def integer(self, key: str) -> int | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(f"'{key}' must be a whole number >= 0, not {value!r}")
        return value

    def number(self, key: str) -> float | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
            self.fail(f"'{key}' must be a number from 0 to 100, not {value!r}")
        return float(value)

    def string(self, key: str, required: bool = True) -> str | None:
        value = self.raw.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(f"'{key}' must be a non-empty string")
        return value.strip()

    def strings(self, key: str, required: bool = True) -> tuple[str, ...]:
        value = self.raw.get(key)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(f"'{key}' must be a non-empty list of strings")
        return tuple(v.strip() for v in value)

    def per_lang_strings(self, key: str, minimum: int = 0) -> dict[str, tuple[str, ...]]:
        value = self.raw.get(key)
        if value is None and minimum == 0:
            return {lang: () for lang in LANGS}
        if not isinstance(value, dict):
            self.fail(f"'{key}' must list strings for each language ({', '.join(LANGS)})")
        out: dict[str, tuple[str, ...]] = {}
        for lang in LANGS:
            items = value.get(lang) or []
            if not isinstance(items, list) or not all(isinstance(v, (str, int, float)) for v in items):
                self.fail(f"'{key}.{lang}' must be a list of strings")
            cleaned = tuple(str(v).strip() for v in items if str(v).strip())
            if len(cleaned) < minimum:
                self.fail(f"'{key}' has {len(cleaned)} {lang} entries; at least {minimum} are required")
            if len(set(c.casefold() for c in cleaned)) != len(cleaned):
                self.fail(f"'{key}.{lang}' repeats an entry")
            out[lang] = cleaned
        return out


# --- each file ----------------------------------------------------------------------------


def _sources(raw: list[dict[str, Any]]) -> dict[str, Source]:
    out: dict[str, Source] = {}
    for item in raw:
        e = _Entry("sources.yaml", item, {"kind", "publisher", "title", "date", "url", "lang"})
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
        )
    return out


def _findings(raw: list[dict[str, Any]], sources: dict[str, Source]) -> dict[str, Finding]:
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
    }
    out: dict[str, Finding] = {}
    for item in raw:
        e = _Entry("findings.yaml", item, allowed)
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
            if PLACEHOLDER.sub("", text[lang].replace("{fig}", "")) != text[lang].replace("{fig}", ""):
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
        )
    return out


def _breakdowns(raw: list[dict[str, Any]], findings: dict[str, Finding]) -> dict[str, Breakdown]:
    out: dict[str, Breakdown] = {}
    for item in raw:
        e = _Entry("breakdowns.yaml", item, {"title", "base", "parent", "exhaustive", "note"})
        base = e.integer("base")
        if not base:
            e.fail("needs a 'base' greater than 0")
        parent = e.string("parent", required=False)
        if parent and parent not in findings:
            e.fail(f"unknown parent finding '{parent}'")
        if parent and findings[parent].count != base:
            e.fail(f"base {base} differs from its parent '{parent}' count {findings[parent].count}")
        out[e.id] = Breakdown(
            e.id, e.text("title"), base or 0, parent, bool(item.get("exhaustive", False)), e.text("note", False)
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
    return out


def _intents(
    raw: list[dict[str, Any]], findings: dict[str, Finding], breakdowns: dict[str, Breakdown]
) -> dict[str, Intent]:
    out: dict[str, Intent] = {}
    for item in raw:
        e = _Entry("intents.yaml", item, {"title", "answers", "template", "examples", "breakdowns", "headline"})
        if not ID_FORM.match(e.id) or len(e.id) > 32:
            e.fail("id must be lower-case letters, digits and '_' (at most 32, to fit deep links and buttons)")
        template = e.text("template")
        for lang in LANGS:
            for placeholder in PLACEHOLDER.findall(template[lang]):
                problem = placeholder_problem(placeholder, findings, breakdowns)
                if problem:
                    e.fail(f"template ({lang}) placeholder {{{placeholder}}}: {problem}")
        names = e.strings("breakdowns", required=False)
        for name in names:
            if name not in breakdowns:
                e.fail(f"unknown breakdown '{name}'")
        out[e.id] = Intent(
            id=e.id,
            title=e.text("title"),
            answers=e.text("answers"),
            template=template,
            examples=e.per_lang_strings("examples", minimum=MIN_EXAMPLES),
            breakdowns=names,
            headline=bool(item.get("headline", False)),
        )
    return out


def placeholder_problem(placeholder: str, findings: dict[str, Finding], breakdowns: dict[str, Breakdown]) -> str | None:
    """Why a template placeholder cannot be filled, or None when it can."""
    match = PLACEHOLDER_FORM.match(placeholder)
    if not match:
        return "not of the form {finding}, {finding.attr} or {list:breakdown}"
    if match["breakdown"]:
        return None if match["breakdown"] in breakdowns else f"unknown breakdown '{match['breakdown']}'"
    finding = findings.get(match["finding"])
    if finding is None:
        return f"unknown finding '{match['finding']}'"
    attr = match["attr"]
    if attr and attr not in FINDING_ATTRS:
        return f"unknown attribute '{attr}' (use {', '.join(sorted(FINDING_ATTRS))})"
    if attr and attr != "text" and getattr(finding, attr) is None:
        return f"finding '{finding.id}' has no {attr}"
    return None


def _out_of_scope(raw: list[dict[str, Any]], intents: dict[str, Intent]) -> dict[str, OutOfScope]:
    out: dict[str, OutOfScope] = {}
    for item in raw:
        e = _Entry("out_of_scope.yaml", item, {"says", "suggest", "examples"})
        if e.id in intents:
            e.fail("id is also an intent id")
        suggest = e.strings("suggest")
        for intent_id in suggest:
            if intent_id not in intents:
                e.fail(f"suggests unknown intent '{intent_id}'")
        out[e.id] = OutOfScope(e.id, e.text("says"), suggest, e.per_lang_strings("examples"))
    return out


def _generic(raw: dict[str, Any], synonyms: dict[str, dict[str, tuple[str, ...]]]) -> tuple[str, ...]:
    words = raw.get("generic") or []
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise DataError("synonyms.yaml", "generic", "expected a list of canonical words")
    known = {canonical for table in synonyms.values() for canonical in table}
    for word in words:
        if word not in known:
            raise DataError("synonyms.yaml", "generic", f"'{word}' is not a canonical word of en or ko")
    return tuple(words)


def _synonyms(raw: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    if isinstance(raw, dict):
        raw = {k: v for k, v in raw.items() if k != "generic"}
    if not isinstance(raw, dict) or set(raw) - set(LANGS):
        raise DataError("synonyms.yaml", None, f"expected a mapping with the languages {', '.join(LANGS)}")
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for lang in LANGS:
        table = raw.get(lang) or {}
        if not isinstance(table, dict):
            raise DataError("synonyms.yaml", lang, "expected canonical word: [variants]")
        owner: dict[str, str] = {}
        out[lang] = {}
        for canonical, variants in table.items():
            if not isinstance(variants, list) or not all(isinstance(v, (str, int)) for v in variants):
                raise DataError("synonyms.yaml", f"{lang}.{canonical}", "variants must be a list of strings")
            for v in variants:
                key = str(v).casefold()
                if key in owner and owner[key] != canonical:
                    raise DataError(
                        "synonyms.yaml", f"{lang}.{canonical}", f"'{v}' is also a variant of '{owner[key]}'"
                    )
                owner[key] = str(canonical)
            out[lang][str(canonical)] = tuple(str(v) for v in variants)
    return out
