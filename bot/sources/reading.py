"""Reading one data file: YAML with errors that name the file, the entry and the problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..models import LANGS, Text


class DataError(Exception):
    """A data file is wrong: names the file, the entry and the problem."""

    def __init__(self, file: str, entry: str | None, problem: str) -> None:
        self.file, self.entry, self.problem = file, entry, problem
        where = f"{file}: entry '{entry}'" if entry else file
        super().__init__(f"{where}: {problem}")


class _UniqueKeys(yaml.SafeLoader):
    """YAML that refuses a key written twice in one mapping: PyYAML keeps the last silently, so a synonym list
    written twice under one word ("김정은: [정은이]" and, further down, "김정은: [김정운, …]") lost the first."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            if isinstance(key, str | int | float | bool) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def read(data_dir: Path, name: str) -> Any:
    path = data_dir / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(name, None, f"file not found in {data_dir}") from None
    except UnicodeDecodeError as exc:
        raise DataError(name, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        return yaml.load(text, Loader=_UniqueKeys)  # a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataError(name, None, f"not valid YAML{where}: {problem}") from None


def read_list(data_dir: Path, name: str) -> list[dict[str, Any]]:
    data = read(data_dir, name)
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


class Entry:
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
