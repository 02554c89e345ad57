"""What a Korean news desk notices before pasting an answer: the base given once and each label with its count,
Korean punctuation and register, no share of a handful, particles that agree, and no English left untranslated."""

from __future__ import annotations

import re

import pytest

from bot import build, charts
from bot.answerer import Answerer
from bot.config import PACKAGE_DATA
from bot.korean import agree, attach
from bot.wording import WORDS, say


@pytest.fixture(scope="module")
def answerer():
    return Answerer(build.compile_data(PACKAGE_DATA))


def _body(answerer, question: str) -> str:
    reply = answerer.ask(question)
    assert not reply.declined, (question, reply.text)
    return reply.body


def _korean_answers(answerer):
    """Every topic answer and every category answer, in Korean, as the bot would send them."""
    writer, data = answerer.writer, answerer.data
    for intent in data.intents.values():
        yield writer.answer(intent, "ko")
        for breakdown in intent.breakdowns:
            for f in data.categories(breakdown):
                yield writer.category_answer(intent, f, "ko")


# --- labels and bases ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "reads", "never"),
    [
        (
            "탈북 관련 실종은 어떤 유형이 있나요?",
            "이 45명 가운데 탈북 후 강제송환이 21명(46.7%)으로 가장 많았고, 탈북 시도 12명(26.7%), 탈북 준비 "
            "7명(15.6%), 탈북 조력 5명(11.1%) 순이었습니다.",
            "탈북 관련 피해자 45명 중 21명",
        ),
        (
            "어디서 체포됐나요?",
            "해외 체포자 23명 가운데 중국이 19명(82.6%)으로 가장 많았고, 러시아 3명(13.0%), 베트남 1명(4.3%) "
            "순이었습니다.",
            "중국이 해외 체포자 23명 중",
        ),
        (
            "중국에서 누가 잡았어?",
            "이 19명 가운데 중국 공안부가 17명(89.5%)으로 가장 많았고, 중국 국가안전부 1명(5.3%),",
            "중국 공안부가 중국 내 체포자",
        ),
        ("체포 기관 순위는?", "중국에서 체포된 19명 가운데 17명을 체포했습니다", "중국 안에서 중국 내 체포자"),
    ],
)
def test_a_korean_list_gives_the_base_once_then_each_label_with_its_count(answerer, question, reads, never):
    body = _body(answerer, question)
    assert reads in body
    assert never not in body


def test_the_reasons_answer_names_its_113_once_then_plain_counts_and_shares(answerer):
    body = _body(answerer, "강제실종 사유는?")
    assert body.count("113명") == 1
    assert "피해자 113명 가운데 탈북 관련이 45명(39.8%)으로 가장 많았고, 연좌제 29명(25.7%), 외부 접촉 8.8%" in body
    assert "종교 5.3% 순이었습니다." in body


def test_no_korean_answer_names_the_same_base_twice_or_notes_computed_shares_twice(answerer):
    for reply in _korean_answers(answerer):
        bases = re.findall(r"(\d+(?:명|개|건)) (?:중|가운데)", reply.body)
        assert len(bases) == len(set(bases)), (reply.title, reply.body)
        if reply.category is None:  # a topic's answer: 「보고서 수치로 계산」 once, as a note
            assert reply.body.count("수치로 계산") <= 1, (reply.title, reply.body)


# --- punctuation, register, rank ----------------------------------------------------------------


def test_korean_answers_use_korean_punctuation_not_colons_or_semicolons(answerer):
    for reply in _korean_answers(answerer):
        body = re.sub(r"『[^』]*』", "", reply.body)  # the report's own title has a colon
        assert not re.search(r"[:;]", body), (reply.title, body)


def test_korean_answers_and_the_sentences_around_them_keep_to_hapnida_style(answerer):
    """No 해요체 (「…있어요.」, 「…보세요:」) in an answer, a decline or a message; a quoted question a user might
    type (“…몇 명인가요?”) and the greeting 안녕하세요 are not the bot's own register."""
    texts = [reply.body for reply in _korean_answers(answerer)]
    texts += [v for k, v in WORDS["ko"].items() if k != "chat_banner"]
    for text in texts:
        own = re.sub(r"“[^”]*”|안녕하세요", "", text)
        assert not re.search(r"(?:어|아|해|세|에|예)요(?=[\s.!?:,]|$)", own), text


def test_a_rank_is_said_as_what_comes_before_it_not_as_a_position_of_so_many(answerer):
    for reply in _korean_answers(answerer):
        assert "번째로 많습니다" not in reply.body, (reply.title, reply.body)
    assert "해외 체포 국가 가운데 가장 적습니다" in _body(answerer, "베트남에서 체포된 사람은?")
    assert "김정일 집권기·김정은 집권기 다음으로 많습니다" in _body(answerer, "김일성 집권기 실종자는?")


# --- no share of a handful ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "count"),
    [
        ("러시아에서 누가 잡았어?", "2명은 러시아 당국이 체포했고"),
        ("Who arrested victims in Russia?", "The Russian state arrested 2 of 3 victims arrested in Russia."),
    ],
)
def test_no_percentage_is_printed_of_a_base_under_ten(answerer, question, count):
    body = _body(answerer, question)
    assert count in body
    assert "66.7%" not in body and "33.3%" not in body


@pytest.mark.parametrize(
    ("lang", "split"),
    [
        ("ko", "이 3명 가운데 러시아 당국이 2명, 가해 기관 미확인이 1명입니다."),
        ("en", "Of them: the Russian state 2 and perpetrator not identified 1."),
    ],
)
def test_the_split_of_the_three_arrested_in_russia_gives_counts_only(answerer, lang, split):
    """ "Where victims were arrested: Russia" lists who arrested the 3: counts, no "2 (66.7%)"."""
    data = answerer.data
    body = answerer.writer.category_answer(data.intents["arrest_location"], data.findings["arrested_russia"], lang).body
    assert split in body
    assert "66.7%" not in body and "33.3%" not in body


def test_every_figure_and_chart_bar_of_a_base_under_ten_shows_the_count_alone(answerer):
    writer, data = answerer.writer, answerer.data
    small = [f for f in data.findings.values() if f.base is not None and f.base < 10 and f.count is not None]
    assert small
    for f in small:
        for lang in ("en", "ko"):
            assert "%" not in writer.figure(f, lang), f.id
    for lang in ("en", "ko"):
        assert [b.text for b in charts.describe(data, "russia_perpetrator", lang).bars] == (
            ["2", "1"] if lang == "en" else ["2명", "1명"]
        )


# --- declines and untranslated English ----------------------------------------------------------


def test_south_korean_abductees_and_pows_are_not_called_another_countrys_victims(answerer):
    ko = answerer.ask("한국인 납북자는 몇 명인가요?")
    assert ko.declined and "국군포로" in ko.text
    assert not re.search(r"다른 나라의[^)]*국군포로", ko.text), ko.text
    en = answerer.ask("How many South Korean POWs are there?")
    assert en.declined and "other countries' abductees" not in en.text


def test_korean_answers_give_korean_names_first_with_the_english_in_parentheses(answerer):
    publication = _body(answerer, "보고서는 언제 발간됐나요?")
    assert "라틴아메리카개방발전센터(CADAL)" in publication and "CADAL 번역" not in publication
    assert "후속 보고서(영문 제목 'Documentation and Accountability" in publication
    assert "후속 보고서(Documentation" not in publication
    assert "ISBN은 영문판" in publication
    footprints = _body(answerer, "풋프린츠는 언제 공개됐어?")
    assert "북한인권시민연합(NKHR)" in footprints and "김정은 시대" not in footprints


# --- particles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "written", "expected"),
    [
        ("21명", "으로", "21명으로"),  # 숫자+명: 명 ends in ㅇ
        ("113명 중 21명(46.7%)", "로", "113명 중 21명(46.7%)으로"),  # read past the share
        ("46.7%", "으로", "46.7%로"),  # 퍼센트
        ("46.7%", "을", "46.7%를"),
        ("권고 294개 중 143개(48.6%, 공개 수치로 계산)", "을", "권고 294개 중 143개(48.6%, 공개 수치로 계산)를"),
        ("『존재할 수 없는 존재』", "은", "『존재할 수 없는 존재』는"),  # closing brackets are skipped
        ("「기록과 책임」", "이", "「기록과 책임」이"),
        ("《조선중앙통신》", "은", "《조선중앙통신》은"),
        ("〈노동신문〉", "와", "〈노동신문〉과"),
        ("전환기정의워킹그룹(TJWG)", "가", "전환기정의워킹그룹(TJWG)이"),
        ("MSS", "은", "MSS는"),  # 엠에스에스
        ("MSS", "이", "MSS가"),
        ("UPR", "는", "UPR은"),  # 유피알
        ("UPR", "으로", "UPR로"),
        ("UPR", "와", "UPR과"),
        ("1", "을", "1을"),  # 일
        ("1", "으로", "1로"),
        ("2", "을", "2를"),  # 이
        ("3", "으로", "3으로"),  # 삼
        ("6", "와", "6과"),  # 육
        ("7", "로", "7로"),  # 칠
        ("8", "가", "8이"),  # 팔
        ("10", "을", "10을"),  # 십
        ("0", "는", "0은"),  # 영
    ],
)
def test_every_particle_the_code_attaches_follows_the_sound_before_it(word, written, expected):
    assert attach(word, written) == expected
    assert word + agree(word, written) == expected


def test_sentences_of_the_wording_table_agree_with_the_values_put_in_them():
    """A particle written after a placeholder of bot.wording follows the value: 「TJWG가 펴낸」, not 「TJWG이」."""
    assert "TJWG가 펴낸" in say("ko", "about_report", publisher="TJWG", report="『…』", date="2024.10.31")
    assert "전환기정의워킹그룹(TJWG)이 펴낸" in say(
        "ko", "about_report", publisher="전환기정의워킹그룹(TJWG)", report="『…』", date="2024.10.31"
    )
    assert "85%가 아니라" in say("ko", "verdict_differs", figure="113명 중 92명(81.4%)", stated="85%")
    assert "로이터는 이를 80%로 보도" in say("ko", "verdict_rounded_by", figure="…", by="로이터", stated="80%")
