"""The matcher measured on the labelled question sets (data/labelled), against the bar users need.

The sets were written as journalists and advocates ask, independently of the topics' training examples;
they measure the matcher, and are never tuned to (see data/labelled/README.md).
"""

from __future__ import annotations

import subprocess
from dataclasses import replace

import pytest
import yaml
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


def test_cross_validation_keeps_a_question_and_its_rewordings_in_one_fold():
    from bot.evaluate import Labelled, fold_of, paraphrase_groups

    texts = [
        "how many victims are there",
        "How many victims are there?",
        "there are how many victims",
        "mss share of the disappearances",
        "share of the disappearances, mss",
        "when were the interviews done",
        "보위성 책임 비율은?",
        "보위성 책임 비율",
    ]
    items = [Labelled(t, "ko" if "보" in t else "en", "answer") for t in texts]
    groups = paraphrase_groups(items)
    assert groups[0] == groups[1] == groups[2] and groups[3] == groups[4] and groups[6] == groups[7]
    assert len({groups[0], groups[3], groups[5], groups[6]}) == 4
    folds = fold_of(items, 3)
    assert folds == fold_of(list(items), 3)  # the same split on every run
    assert folds[0] == folds[1] == folds[2] and folds[3] == folds[4] and folds[6] == folds[7]


def test_cross_validation_answers_each_held_out_example_without_it(answerer):
    from bot.evaluate import cross_validate, examples_as_items, without

    data = answerer.data
    example = data.intents["mss_responsibility"].examples["en"][0]
    held = without(data, {("en", example)})
    assert example not in held.intents["mss_responsibility"].examples["en"]
    assert (
        len(held.intents["mss_responsibility"].examples["en"])
        == len(data.intents["mss_responsibility"].examples["en"]) - 1
    )
    items = [i for i in examples_as_items(data) if i.intent in {"mss_responsibility", "sex"}][:40]
    predictions = cross_validate(data, items, 2)
    assert sorted(p.item.question for p in predictions) == sorted(i.question for i in items)
    assert {p.fold for p in predictions} == {0, 1}


def _examples(intents) -> set[str]:
    return {e.casefold() for i in intents for ex in i.examples.values() for e in ex}


def _first_commit(folder) -> str:
    found = subprocess.run(
        ["git", "log", "--format=%H", "--diff-filter=A", "--", str(folder)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert found, f"{folder} is not in git"
    return found[-1]


def _examples_at(commit: str) -> set[str]:
    """Every topic example in data/intents.yaml as it was at `commit`."""
    text = subprocess.run(
        ["git", "show", f"{commit}:data/intents.yaml"], cwd=PROJECT, capture_output=True, text=True, check=True
    ).stdout
    return {str(e).casefold() for t in yaml.safe_load(text) for ex in (t.get("examples") or {}).values() for e in ex}


@pytest.mark.parametrize(
    "name",
    [
        "blind",
        "blind2",
        "blind3",
        "blind4",
        "blind5",
        "blind6",
        "blind7",
        "blind8",
        "blind9",
        "blind10",
        "blind11",
        "blind12",
    ],
)
def test_the_blind_sets_are_labelled_with_real_figures_and_stay_blind(name):
    """A blind set (tests/blind*) is measured by `nkbot eval --set tests/blind4`, never tuned to: here only its
    shape is checked, so that a broken label cannot make the figure meaningless."""
    from bot.evaluate import load_sets

    data = build.compile_data(PACKAGE_DATA)
    items = load_sets(PROJECT / "tests" / name)
    assert len(items) >= 300 and sum(i.lang == "ko" for i in items) >= 100
    assert sum(i.expect == "decline" for i in items) >= 50
    for item in items:
        assert item.expect in {"answer", "decline", "smalltalk"}, item
        assert item.claim in {None, "exact", "rounded", "differs", "not_in_report"}, item
        assert (item.expect == "answer") == bool(item.facts), item
        assert set(item.facts) <= set(data.findings), item
    # A blind question copied into the examples would make the blind figure a lie. Questions anyone types
    # ("how many women") were examples before some set was written: only an example that arrived after the set's
    # one commit counts as copied, read from git (CI runs on a clone, so the history is there).
    examples = _examples(data.intents.values())
    before = _examples_at(_first_commit(PROJECT / "tests" / name))
    copied = [i.question for i in items if i.question.casefold() in examples - before]
    assert not copied


@pytest.mark.parametrize("expect", ["answer", "decline"])
def test_a_not_in_report_claim_is_graded_on_the_verdict_whatever_the_label_calls_the_reply(answerer, expect):
    """ "10 people for religion, right?": the report gives only the share. Writers label the reply an answer (with
    the share) or a decline; the reply saying "no count, only the share" is right under both, and a reply
    confirming 10 is wrong under both."""
    from bot.evaluate import Labelled, grade

    item = Labelled(
        "exactly 10 people vanished over religion, right?",
        "en",
        expect,
        facts=("reason_religion",) if expect == "answer" else (),
        claim="not_in_report",
    )
    graded = grade(item, answerer.ask(item.question))
    assert graded.verdict == "not_in_report" and graded.right and not graded.wrong
    confirmed = grade(item, replace(answerer.ask(item.question), verdict="exact"))
    assert not confirmed.right and confirmed.wrong
