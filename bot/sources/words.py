"""How the matcher reads: synonyms.yaml, language.yaml and the parameters `nkbot tune` wrote (decision.yaml)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import fields
from typing import Any

from ..models import LANGS, LanguageWords, Params
from .reading import DataError

LANGUAGE_FIELDS = {"stopwords", "endings", "cues", "hedges", "numbers", "compare", "counts", "commands"}
LANGUAGE_FIELDS |= {"agents", "exists"}


def synonyms(raw: Any) -> dict[str, dict[str, tuple[str, ...]]]:
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


def _words(value: Any, file: str, entry: str) -> tuple[str, ...]:
    """A list of words written as one folded string ("a b c") or as a YAML list, in NFKC as the matcher reads a
    question (ㅋㅋ and ㅇㅇ typed as compatibility jamo become the conjoining jamo the text holds)."""
    if isinstance(value, str):
        return tuple(unicodedata.normalize("NFKC", w) for w in value.split())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(unicodedata.normalize("NFKC", v.strip()) for v in value if v.strip())
    raise DataError(file, entry, "expected words, as one string or a list")


def language(raw: Any) -> dict[str, LanguageWords]:
    if not isinstance(raw, dict) or set(raw) - set(LANGS):
        raise DataError("language.yaml", None, f"expected a mapping with the languages {', '.join(LANGS)}")
    out: dict[str, LanguageWords] = {}
    for lang in LANGS:
        table = raw.get(lang) or {}
        if not isinstance(table, dict):
            raise DataError("language.yaml", lang, "expected stopwords, endings, cues, hedges and numbers")
        unknown = sorted(set(table) - LANGUAGE_FIELDS)
        if unknown:
            raise DataError("language.yaml", lang, f"unknown field '{unknown[0]}'")
        numbers = table.get("numbers") or {}
        if not isinstance(numbers, dict):
            raise DataError("language.yaml", f"{lang}.numbers", "expected number word: digits")
        pairs = []
        for word, digits in numbers.items():
            if not re.fullmatch(r"\d+(?:/\d+)?", str(digits)):
                raise DataError("language.yaml", f"{lang}.numbers.{word}", f"expected digits or a/b, not {digits!r}")
            pairs.append((str(word), str(digits)))
        hedges = table.get("hedges") or []
        if not isinstance(hedges, list) or not all(isinstance(h, str) and h.strip() for h in hedges):
            raise DataError("language.yaml", f"{lang}.hedges", "expected a list of words or phrases")
        out[lang] = LanguageWords(
            stopwords=frozenset(_words(table.get("stopwords") or "", "language.yaml", f"{lang}.stopwords")),
            endings=_words(table.get("endings") or "", "language.yaml", f"{lang}.endings"),
            cues=frozenset(_words(table.get("cues") or "", "language.yaml", f"{lang}.cues")),
            hedges=tuple(h.strip() for h in hedges),  # phrases ("more than"), so a list
            counts=tuple(c.strip() for c in table.get("counts") or []),
            commands=tuple(c.strip() for c in table.get("commands") or []),
            agents=tuple(c.strip() for c in table.get("agents") or []),
            exists=tuple(c.strip() for c in table.get("exists") or []),
            compare=_words(table.get("compare") or "", "language.yaml", f"{lang}.compare"),
            numbers=tuple(pairs),
        )
    return out


def params(raw: Any) -> Params:
    """data/decision.yaml: numbers only here; the matcher checks the names when the build compiles the data."""
    if not isinstance(raw, dict):
        raise DataError("decision.yaml", None, "expected the matcher's parameters (written by `nkbot tune`)")
    allowed = {f.name for f in fields(Params)} | {"measured"}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise DataError("decision.yaml", unknown[0], "unknown field")

    def number(key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            raise DataError("decision.yaml", key, f"expected a number, not {value!r}")
        return float(value)

    def numbers(key: str) -> dict[str, float]:
        table = raw.get(key) or {}
        if not isinstance(table, dict):
            raise DataError("decision.yaml", key, "expected name: number")
        return {str(k): number(f"{key}.{k}", v) for k, v in table.items()}

    defaults = Params()
    grams = raw.get("char_grams") or defaults.char_grams
    if not isinstance(grams, dict) or set(grams) != set(LANGS):
        raise DataError("decision.yaml", "char_grams", f"expected n-gram sizes for {', '.join(LANGS)}")
    for lang, sizes in grams.items():
        if (
            not isinstance(sizes, list | tuple)
            or not sizes
            or not all(isinstance(n, int) and 1 <= n <= 6 for n in sizes)
        ):
            raise DataError("decision.yaml", f"char_grams.{lang}", "expected a list of sizes from 1 to 6")
    scalars = {
        name: number(name, raw.get(name, getattr(defaults, name)))
        for name in (
            "typo_cutoff",
            "entity_boost",
            "claim_boost",
            "oos_margin",
            "smalltalk_sure",
            "smalltalk_part",
            "threshold",
        )
    }
    return Params(
        ranker=numbers("ranker"),
        char_grams={lang: tuple(sizes) for lang, sizes in grams.items()},
        decision=numbers("decision"),
        **scalars,
    )
