"""What the bot answers and says: intents.yaml, out_of_scope.yaml, smalltalk.yaml and report.yaml."""

from __future__ import annotations

import re
from typing import Any

from ..models import FIELD, LANGS, PLACEHOLDER, Breakdown, Finding, Intent, OutOfScope, Report, SmallTalk
from .figures import ID_FORM
from .reading import DataError, Entry

MIN_EXAMPLES = 10
FINDING_ATTRS = {"text", "count", "base", "percent"}


def intents(
    raw: list[dict[str, Any]], findings: dict[str, Finding], breakdowns: dict[str, Breakdown]
) -> dict[str, Intent]:
    out: dict[str, Intent] = {}
    for item in raw:
        e = Entry(
            "intents.yaml", item, {"title", "answers", "template", "examples", "breakdowns", "headline", "subject"}
        )
        if not ID_FORM.match(e.id) or len(e.id) > 32:
            e.fail("id must be lower-case letters, digits and '_' (at most 32, to fit deep links and buttons)")
        template = e.text("template")
        for lang in LANGS:
            for placeholder in FIELD.findall(template[lang]):
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
            subject=e.per_lang_strings("subject"),
        )
    return out


def placeholder_problem(placeholder: str, findings: dict[str, Finding], breakdowns: dict[str, Breakdown]) -> str | None:
    """Why a template placeholder cannot be filled, or None when it can."""
    match = PLACEHOLDER.match(placeholder)
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


def out_of_scope(raw: list[dict[str, Any]], intents: dict[str, Intent]) -> dict[str, OutOfScope]:
    out: dict[str, OutOfScope] = {}
    for item in raw:
        e = Entry("out_of_scope.yaml", item, {"says", "suggest", "examples", "keywords", "count_keywords", "unless"})
        if e.id in intents:
            e.fail("id is also an intent id")
        suggest = e.strings("suggest")
        for intent_id in suggest:
            if intent_id not in intents:
                e.fail(f"suggests unknown intent '{intent_id}'")
        out[e.id] = OutOfScope(
            e.id,
            e.text("says"),
            suggest,
            e.per_lang_strings("examples"),
            e.per_lang_strings("keywords"),
            e.per_lang_strings("count_keywords"),
            e.per_lang_strings("unless"),
        )
    return out


def smalltalk(raw: list[dict[str, Any]]) -> dict[str, SmallTalk]:
    out: dict[str, SmallTalk] = {}
    for item in raw:
        e = Entry("smalltalk.yaml", item, {"reply", "examples"})
        out[e.id] = SmallTalk(e.id, e.text("reply"), e.per_lang_strings("examples", minimum=1))
    return out


def report(raw: Any) -> Report:
    if not isinstance(raw, dict):
        raise DataError("report.yaml", None, "expected title, publisher, date, url and citation")
    e = Entry("report.yaml", {"id": "report", **raw}, {"title", "publisher", "date", "url", "citation"})
    date = str(raw.get("date") or "")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        e.fail(f"'date' must be YYYY-MM-DD, not {date!r}")
    url = e.string("url") or ""
    if not re.match(r"^https?://\S+$", url):
        e.fail(f"'url' is not an http(s) address: {url!r}")
    return Report(e.text("title"), e.text("publisher"), date, url, e.text("citation"))
