"""The matcher measured on the labelled question sets (data/labelled), against the bar users need.

The sets were written as journalists and advocates ask, independently of the topics' training examples;
they measure the matcher, and are never tuned to (see data/labelled/README.md).
"""

from __future__ import annotations

import pytest
from support import PROJECT

from bot import build
from bot.answerer import Answerer
from bot.config import PACKAGE_DATA
from bot.evaluate import evaluate, format_failures, load_set, summarise

MINIMUM = {"en": (200, 50), "ko": (100, 25)}  # questions, of which must-decline


@pytest.fixture(scope="module")
def answerer():
    return Answerer(build.compile_data(PACKAGE_DATA))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_labelled_set_is_big_enough(lang):
    items = load_set(PROJECT / "data" / "labelled" / f"{lang}.yaml")
    total, decline = MINIMUM[lang]
    assert len(items) >= total
    assert sum(item.intent is None for item in items) >= decline
    assert len({item.question.casefold() for item in items}) == len(items)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_matcher_meets_the_bar(answerer, lang):
    graded = evaluate(answerer, load_set(PROJECT / "data" / "labelled" / f"{lang}.yaml"))
    report, summary = summarise(lang, graded), format_failures(graded)
    assert report.accuracy >= 0.95, summary
    assert report.wrong_rate <= 0.01, summary
    assert report.decline_rate >= 0.90, summary


def test_labels_name_real_topics(answerer):
    matcher = answerer.matcher
    for lang in ("en", "ko"):
        for item in load_set(PROJECT / "data" / "labelled" / f"{lang}.yaml"):
            for intent in (item.intent, *item.accept):
                assert intent is None or intent in matcher.data.intents, item
            if item.entity:
                categories = {
                    f.category for b in matcher.data.intents[item.intent].breakdowns for f in matcher.data.categories(b)
                }
                assert item.entity in categories, item
