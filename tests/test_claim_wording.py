"""Claim checks a reader words in their own way: the verdict is on the figure they stated, about what they named.

The questions are written for these tests; the labelled sets in data/labelled measure the matcher as a whole.
"""

from __future__ import annotations

import pytest

from bot import build
from bot.answerer import Answerer
from bot.config import PACKAGE_DATA


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(build.compile_data(PACKAGE_DATA))


@pytest.mark.parametrize(
    ("question", "verdict", "says"),
    [
        ("김정일 집권기 실종자가 50명 맞나?", "differs", "68명"),  # 맞나: a check, like 맞아
        ("외부 접촉 사유로 사라진 피해자를 10명이라고 보도해도 되겠습니까?", "not_in_report", "8.8%"),
        ("열 명 중 네 명꼴이 20~30대 청년이라던데", "rounded", "38.9%"),  # native numerals in a share
        ("세 명 중 두 명이 남성이라던데?", "differs", "세 명 중 두 명"),  # quoted as it was said
    ],
)
def test_korean_checks_worded_freely_get_a_verdict(answerer, question, verdict, says):
    reply = answerer.ask(question)
    assert reply.kind == "answer" and reply.verdict is not None, reply.text
    assert reply.verdict == verdict and says in reply.text, reply.text


def test_a_native_numeral_that_starts_a_word_is_no_share(answerer):
    """ "열 명 중 한국인은": 한 begins 한국인, no "one in ten"."""
    match = answerer.matcher.match("열 명 중 한국인은 몇 명?")
    assert not match.numbers.stated


def test_several_figures_said_of_one_category_are_all_checked_against_it(answerer):
    """The share rounds right, but the headcount cannot be confirmed: the weaker verdict is the one given, and
    the figure compared is the category's, never the topic's largest category (45 escape-related)."""
    reply = answerer.ask("Contact with the outside world was nearly 9%, so ten people, right?")
    assert reply.verdict == "not_in_report", reply.text
    assert "8.8%" in reply.text and "45" not in reply.text.split("\n\n")[1], reply.text


@pytest.mark.parametrize(
    "question",
    [
        "23 of the victims were detained in China, right?",
        "Is it correct that 23 of those victims were caught in China?",
    ],
)
def test_the_groups_figure_said_of_its_category_is_wrong(answerer, question):
    """23 were arrested abroad, 19 of them in China: "23 in China" is no confirmed figure."""
    reply = answerer.ask(question)
    assert reply.verdict == "differs", reply.text
    assert "19" in reply.text and not reply.text.split("\n\n")[1].startswith("Yes"), reply.text


@pytest.mark.parametrize(
    "question",
    [
        "다음 심의 때 북한이 권고를 더 수용할까? 예측해줘",
        "Can you predict how many recommendations North Korea will accept next time?",
        "보위성이 제일 나쁜 거 맞지? 너도 그렇게 생각하지?",
    ],
)
def test_a_prediction_or_the_bots_agreement_is_declined_as_an_opinion(answerer, question):
    reply = answerer.ask(question)
    assert reply.kind == "decline", reply.text
    assert answerer.matcher.match(question).out_of_scope == "opinions"


@pytest.mark.parametrize(
    ("question", "verdict", "says"),
    [
        ("The interviews went on for 41 months, right?", "exact", "3 years and 5 months"),
        ("면담을 5개월 동안 했다던데?", "differs", "5개월이 아니라"),  # quoted as typed
    ],
)
def test_a_length_in_months_alone_is_checked_as_a_length(answerer, question, verdict, says):
    reply = answerer.ask(question)
    assert reply.intent == "method" and reply.verdict == verdict and says in reply.text, reply.text


def test_a_share_asked_with_a_headcount_gets_the_share_and_the_missing_count(answerer):
    """Asking the percentage and whether a count lies behind it is no refusal of the share."""
    reply = answerer.ask("What percentage involved criticism of the Kim family, and is there a headcount behind it?")
    assert reply.kind == "answer" and "7.1%" in reply.text, reply.text
    refused = answerer.ask("how many for criticising the Kim family? the headcount, not a percentage")
    assert refused.kind == "decline" and "7.1%" in refused.text, refused.text


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("My notes say 68 victims vanished under Kim Il-sung. Is that correct?", "7 of 113"),  # Kim Jong-il's 68
        ("we have 35 of the victims disappearing under kim jong il, right?", "68 of 113"),  # Kim Jong-un's 35
    ],
)
def test_another_categorys_figure_said_of_this_one_is_wrong(answerer, question, says):
    reply = answerer.ask(question)
    assert reply.verdict == "differs" and says in reply.text, reply.text


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        ("Draft line: 'TJWG interviewed 66 North Korean escapees.' Right?", "differs"),  # 66 is the cases
        ("Twenty-three victims were arrested outside North Korea, correct?", "exact"),  # no age (twenties)
    ],
)
def test_a_count_is_read_past_its_adjectives_and_in_words(answerer, question, verdict):
    reply = answerer.ask(question)
    assert reply.verdict == verdict, reply.text


def test_an_outlets_rounding_is_its_own_but_the_same_words_unsourced_are_the_categorys(answerer):
    """Reuters' "almost 40%" is the 39.8% of escape-related cases, which it described as caught fleeing: named,
    it is Reuters' rounding; said of the people caught trying to escape (12 of 113) without it, it is wrong."""
    quoted = answerer.ask("Reuters says almost 40% were caught trying to escape. Is that in the report?")
    assert quoted.verdict == "rounded" and "Reuters" in quoted.text, quoted.text
    said = answerer.ask("탈북을 시도하다 붙잡힌 피해자가 거의 40%라고 들었는데 맞나요?")
    assert said.verdict == "differs" and "12명" in said.text, said.text


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        ("I have 19 victims arrested in Russia and 3 in China. Is that right?", "differs"),  # the two swapped
        ("I have 19 victims arrested in China and 3 in Russia. Is that right?", "exact"),
    ],
)
def test_figures_for_several_categories_are_each_checked_against_their_own(answerer, question, verdict):
    reply = answerer.ask(question)
    assert reply.verdict == verdict, reply.text
