"""What the matcher is built from: every phrase the data holds, the owners the ranker scores (topics with
their examples, category terms and own figures; out-of-scope subjects; small talk), and each topic's numbers."""

from __future__ import annotations

import math

from ..models import TOTAL_FINDING, Dataset, Intent
from .index import Owner
from .text import NUMBER_TOKEN, clean

TALK = "talk:"  # the index's name for a small-talk owner ("talk:about_bot")


def texts_of(data: Dataset, lang: str) -> list[str]:
    """Every phrase of one language the data holds: examples and category terms."""
    texts = [e for i in data.intents.values() for e in i.examples.get(lang, ())]
    texts += [e for o in data.out_of_scope.values() for e in o.examples.get(lang, ())]
    texts += [t for f in data.findings.values() for t in f.terms.get(lang, ())]
    return texts


def owners_of(data: Dataset, lang: str) -> list[Owner]:
    owners = [
        Owner(i.id, False, i.examples.get(lang, ()) + term_examples(data, i, lang)) for i in data.intents.values()
    ]
    owners += [Owner(o.id, True, o.examples.get(lang, ())) for o in data.out_of_scope.values()]
    # Small talk ranks too, as a subject the report does not answer: "who built this bot" must beat "who is
    # behind the report". Its examples keep only their content words here ("built", "bot").
    owners += [Owner(TALK + t.id, True, t.examples.get(lang, ())) for t in data.smalltalk.values()]
    return owners


def term_examples(data: Dataset, intent: Intent, lang: str) -> tuple[str, ...]:
    """Extra examples: a breakdown's category terms ("vietnam", "연좌제") and the topic's own figures
    ("92 of 113", "81.4%"), so a question naming a category or quoting a figure finds the topic holding it."""
    terms = [term for f in data.findings.values() if f.breakdown in intent.breakdowns for term in f.terms.get(lang, ())]
    figures = []
    for finding_id in intent.finding_ids():
        f = data.findings[finding_id]
        if f.count is not None and f.base is not None:
            figures.append(f"{f.count} {f.base}" + (f" {f.percent:.1f} %" if f.percent is not None else ""))
        elif f.percent is not None:
            figures.append(f"{f.percent:.1f} %")
    return tuple(dict.fromkeys(terms + figures))


def findings_of(data: Dataset, intent: Intent) -> list[str]:
    ids = list(intent.finding_ids())
    for b in intent.breakdowns:
        ids += [f.id for f in data.categories(b)]
    return list(dict.fromkeys(ids))


def known_numbers(data: Dataset, intent: Intent) -> frozenset[str]:
    """Every number the topic's figures, wording and examples use: a question with another one asks
    for a figure the report does not have ("over 60", "in 2017")."""
    numbers: set[str] = set()
    texts: list[str] = [e for ex in intent.examples.values() for e in ex]
    for fid in findings_of(data, intent):
        f = data.findings[fid]
        for value in (f.count, f.base, f.percent):
            if value is not None:
                numbers.add(number_key(str(value)))
        for text in (f.text, f.value, f.period, f.label, f.unit, f.base_label, f.note):
            texts.extend(text.values())
        texts.extend(t for terms in f.terms.values() for t in terms)
        for stat in (data.stats.get((fid, m)) for m in ("share_of_base", "share_of_victims")):
            if stat is not None:
                numbers.add(number_key(str(stat.value)))
        numbers.update(number_key(str(p.value)) for p in f.published_as)
        if f.breakdown:
            numbers.add(str(data.breakdowns[f.breakdown].base))
    total = data.findings.get(TOTAL_FINDING)
    if total is not None and total.count is not None:
        numbers.add(str(total.count))
    for text in texts:
        numbers.update(number_key(n) for n in NUMBER_TOKEN.findall(clean(text)))
    return frozenset(numbers)


def number_key(text: str) -> str:
    """'54.90' and '54.9' are one number; '31.0' and '31' too."""
    try:
        value = float(text)
    except ValueError:
        return text
    if not math.isfinite(value):  # "333…3" (hundreds of digits) is no figure of the report's either
        return text
    return str(int(value)) if value == int(value) else f"{value:g}"
