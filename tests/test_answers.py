"""What a journalist reads: figures with their base, derived shares labelled, every answer sourced."""

from __future__ import annotations

import re

import pytest

from bot import build
from bot.answers import Writer
from bot.config import PACKAGE_DATA
from bot.telegram import render


@pytest.fixture(scope="module")
def writer():
    return Writer(build.compile_data(PACKAGE_DATA))


def _f(writer, finding_id):
    return writer.data.findings[finding_id]


@pytest.mark.parametrize(
    ("finding", "lang", "expected"),
    [
        ("mss_sole_arrest_detention", "en", "62 of 113 victims (54.9%)"),
        ("mss_sole_arrest_detention", "ko", "113명 중 62명(54.9%)"),
        ("arrested_china", "en", "19 of 23 victims arrested abroad (82.6%, computed from the report's counts)"),
        ("arrested_china", "ko", "해외 체포자 23명 중 19명(82.6%, 보고서 수치로 계산)"),
        ("reason_outside_contact", "en", "8.8% of the 113 victims (the report publishes the share, not a count)"),
        ("reason_outside_contact", "ko", "113명 중 8.8%(비율만 공개, 인원수 미공개)"),
        ("cases_total", "en", "66 cases of enforced disappearance"),
        ("footprints_2023_repatriations", "en", "about 600 escapees"),
        ("upr4_accepted", "ko", "권고 294개 중 143개(48.6%, 공개 수치로 계산)"),
        ("era_kim_jong_un", "en", "35 of 113 victims (31.0%)"),
    ],
)
def test_figures_read_as_quotable_phrases(writer, finding, lang, expected):
    assert writer.figure(_f(writer, finding), lang) == expected


def test_percent_only_figures_never_show_a_count(writer):
    for fid in ("reason_outside_contact", "reason_criticism_kim_family_regime", "reason_religion"):
        for lang in ("en", "ko"):
            sentence = writer.sentence(_f(writer, fid), lang)
            # the implied counts (10, 8, 6) are arithmetic, not published: they must never appear
            assert not re.search(r"(?<![\d.])(10|8|6)(?![\d.%])", sentence), sentence


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_topic_answer_names_its_source_with_a_link(writer, lang):
    for intent in writer.data.intents.values():
        reply = writer.answer(intent, lang)
        assert reply.sources, intent.id
        assert all(ref.url.startswith("http") for ref in reply.sources)
        assert ("Source" if lang == "en" else "출처") in reply.text
        assert "{" not in reply.body and "}" not in reply.body, intent.id
        assert len(render.reply_html(reply)) < 4096


def test_context_answers_say_they_are_context(writer):
    reply = writer.answer(writer.data.intents["upr"], "en")
    assert reply.context
    assert "Context, not a finding of the report" in reply.text
    finding_reply = writer.answer(writer.data.intents["mss_responsibility"], "en")
    assert not finding_reply.context and "Context" not in finding_reply.text


def test_single_source_figures_name_their_outlet(writer):
    reply = writer.category_answer(writer.data.intents["arrest_location"], _f(writer, "arrested_vietnam"), "en")
    assert "The Korea Herald" in reply.text
    assert "0.9% of all 113 victims" in reply.text and "computed from the report's counts" in reply.text


def test_html_escapes_data_text(writer):
    from bot.answers import Reply

    reply = Reply("q", "en", "x", 90, "<b>title</b>", 'a < b & "c"')
    assert render.reply_html(reply).startswith("<b>&lt;b&gt;title&lt;/b&gt;</b>")
    assert "a &lt; b &amp; &quot;c&quot;" in render.reply_html(reply)


def test_decline_offers_topics(writer):
    reply = writer.decline("how many died", "en", "out_of_scope", "deaths", None, ["cases", "footprints"], 40)
    assert reply.declined and reply.intent is None
    assert reply.text.startswith("The report has no figures on deaths.")
    assert [t.id for t in reply.suggestions] == ["cases", "footprints"]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_quote_cards_are_citations_with_their_source(writer, lang):
    for intent in writer.data.intents.values():
        quote = writer.quote(intent, lang)
        sentence, source = quote.split("\n\n")
        assert "{" not in sentence and sentence.strip()
        assert "http://" in source or "https://" in source
        if all(writer.data.findings[f].is_context for f in writer.answer(intent, lang).facts):
            assert source.startswith("Context" if lang == "en" else "보고서의 조사 결과가 아닌")
        else:
            assert source.startswith("Source: Transitional Justice Working Group" if lang == "en" else "출처: 전환기")
    assert writer.quote(writer.data.intents["mss_responsibility"], "en").startswith(
        "Counting arrest, detention and repatriation, North Korea's Ministry of State Security (MSS) was "
        "responsible for 92 of 113 victims (81.4%)"
    )


@pytest.mark.parametrize(
    ("word", "kind", "expected"),
    [
        ("보위성", "이", "보위성이"),
        ("중국", "을", "중국을"),
        ("러시아", "을", "러시아를"),
        ("262개 중 132개(50.4%)", "을", "262개 중 132개(50.4%)를"),  # read past the parenthesis: 개 has no final
        ("113명 중 62명(54.9%)", "을", "113명 중 62명(54.9%)을"),
        ("서울", "으로", "서울로"),  # ㄹ takes 로
        ("북한", "으로", "북한으로"),
        ("81.4%", "이다", "81.4%다"),  # 퍼센트 ends in a vowel
        ("MSS", "은", "MSS는"),
        ("3", "과", "3과"),
        ("2", "과", "2와"),
        ("『존재할 수 없는 존재』", "은", "『존재할 수 없는 존재』는"),
    ],
)
def test_korean_particles_follow_the_sound_before_them(word, kind, expected):
    from bot.korean import attach

    assert attach(word, kind) == expected


def _every_answer(data):
    from bot.answers import Writer

    writer = Writer(data)
    for intent in data.intents.values():
        for lang in ("en", "ko"):
            yield writer.answer(intent, lang).text
            for b in intent.breakdowns:
                for f in data.categories(b):
                    yield writer.category_answer(intent, f, lang).text


def test_no_answer_shows_a_placeholder_or_a_doubled_phrase():
    from bot import build
    from bot.config import PACKAGE_DATA

    data = build.compile_data(PACKAGE_DATA)
    texts = list(_every_answer(data))
    assert texts and not [t for t in texts if "{" in t or "}" in t]
    assert not [t for t in texts if "figures on figures on" in t or "피해자 가운데 풋프린츠 기록 외국인 피해자" in t]


def test_a_particle_after_a_figure_agrees_with_how_the_figure_ends():
    from bot import build
    from bot.answers import Writer
    from bot.config import PACKAGE_DATA

    data = build.compile_data(PACKAGE_DATA)
    writer = Writer(data)
    upr3 = writer.sentence(data.findings["upr3_recs"], "ko")  # "…132개(50.4%, …)" ends in 개: 를
    assert "132개(50.4%, 공개 수치로 계산)를 수용" in upr3
    china = writer.sentence(data.findings["china_mps_arrests"], "ko")  # "…17명(…)" ends in 명: 을
    assert "17명(89.5%, 보고서 수치로 계산)을 체포" in china


def test_an_empty_question_asks_for_one_and_offers_topics_without_claiming_a_gap():
    from bot import build
    from bot.answerer import Answerer
    from bot.config import PACKAGE_DATA

    reply = Answerer(build.compile_data(PACKAGE_DATA)).ask("")
    assert reply.kind == "decline" and "Or pick a topic:" in reply.text and "It does cover" not in reply.text


def test_every_outlet_a_figure_rests_on_is_named_even_a_sole_one():
    """The method answer states the retracted testimony (the Korea Herald alone) and the four years of research
    (ReliefWeb alone): both outlets are in its source line, after those of its lead figure."""
    from bot import build
    from bot.answerer import Answerer
    from bot.config import PACKAGE_DATA

    data = build.compile_data(PACKAGE_DATA)
    reply = Answerer(data).topic("method")
    assert reply is not None
    labels = [ref.label for ref in reply.sources]
    for finding in ("interviewee_retracted", "research_period"):
        assert finding in reply.facts
        for source in data.findings[finding].cite:
            assert any(data.sources[source].publisher["en"] in label for label in labels), (finding, labels)
    lead = data.findings[reply.facts[0]].cite[0]
    assert data.sources[lead].publisher["en"] in labels[0]


def test_a_decline_names_what_is_missing_without_repeating_itself():
    """The decline reads "The report has no figures on {says}": `says` never starts with "figures" again."""
    from bot import build
    from bot.config import PACKAGE_DATA
    from bot.wording import WORDS

    data = build.compile_data(PACKAGE_DATA)
    for subject in data.out_of_scope.values():
        en = WORDS["en"]["not_covered"].format(says=subject.says["en"])
        ko = WORDS["ko"]["not_covered"].format(says=subject.says["ko"])
        assert "figures on figures" not in en and "수치에 관한 수치" not in ko, subject.id
        head = subject.says["en"].split("(")[0].split(";")[0]  # what is missing, before any aside
        assert not re.search(r"\bfigures?\b", head), subject.id  # "no figures on other reports' figures"
        assert not subject.says["ko"].split("(")[0].rstrip().endswith("수치"), subject.id  # "…수치(예: …)에 관한 수치"


# --- sources a journalist can trust -------------------------------------------------------------


@pytest.mark.parametrize(
    ("intent", "lang", "copy"),
    [
        ("mss_responsibility", "en", "Yonhap News Agency (31 Oct 2024; republished by Korean Vibe)"),
        ("mss_responsibility", "ko", "연합뉴스(2024.10.31, 코리안바이브 전재본)"),
        ("sex", "en", "Radio Free Asia (Korean service) (31 Oct 2024; copy on RFA's development site"),
        ("upr", "en", "JoongAng Daily (Mar 2025; republished by news-247.top)"),
    ],
)
def test_a_copy_of_an_article_is_named_as_a_copy_not_as_the_original(writer, intent, lang, copy):
    reply = writer.answer(writer.data.intents[intent], lang)
    assert copy in reply.text
    if intent == "mss_responsibility":  # the quote card names its lead figure's outlets the same way
        assert copy in writer.quote(writer.data.intents[intent], lang)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_sex_counts_name_the_lower_reliability_article_in_the_answer_and_the_quote(writer, lang):
    """66 and 47 come only from a translated article of unidentified origin: the breakdown answer, the
    category answer and the quote each carry the caveat, and cite that article first."""
    intent = writer.data.intents["sex"]
    caveat = "whose outlet is unidentified" if lang == "en" else "원 매체를 알 수 없는"
    whole = writer.answer(intent, lang)
    female = writer.category_answer(intent, _f(writer, "sex_female"), lang)
    for reply in (whole, female):
        assert caveat in reply.body
        assert reply.sources[0].url.startswith("https://xn--vg1b002a.net/")
    assert caveat in writer.quote(intent, lang)


@pytest.mark.parametrize(
    ("intent", "lang", "note"),
    [
        ("age", "en", "Segye Ilbo rounds 38.9% to 39% and 11.5% to 12%"),
        ("age", "ko", "세계일보는 38.9%를 39%로, 11.5%를 12%로 반올림해 보도했습니다."),
        ("relationship", "en", "Segye Ilbo rounds 47.8% to 48%"),
        ("arrest_location", "en", "Reuters rounds 79.6% to 80%"),
    ],
)
def test_every_outlets_rounding_is_noted_the_same_way(writer, intent, lang, note):
    assert note in writer.answer(writer.data.intents[intent], lang).body


@pytest.mark.parametrize(
    ("intent", "caveat"),
    [
        ("cases", "leave out the testimony one interviewee later retracted"),
        ("mss_responsibility", "the 54.9% is Yonhap's"),
        ("mss_responsibility", "Only Segye Ilbo gives the number 30"),
        ("upr", "KBS (2019) said every five years"),
    ],
)
def test_the_fact_sheets_caveats_reach_the_answer_that_uses_the_figure(writer, intent, caveat):
    assert caveat in writer.answer(writer.data.intents[intent], "en").body


def test_the_korean_source_line_puts_the_report_on_its_own_line_and_no_semicolons_in_the_quote(writer):
    intent = writer.data.intents["mss_responsibility"]
    text = writer.answer(intent, "ko").text
    assert "\n관련 자료: " in text and "보도:" not in text
    assert ";" not in writer.quote(intent, "ko")


@pytest.mark.parametrize(
    ("category", "lang", "lead"),
    [
        (
            "arrested_china",
            "en",
            "19 victims were detained in China: 19 (82.6%) of the 23 victims arrested abroad and 16.8% of all 113 "
            "victims (both shares computed from the report's counts).",
        ),
        ("arrested_vietnam", "en", "1 victim was arrested in Vietnam: 1 (4.3%) of the 23 victims arrested abroad"),
        (
            "arrested_china",
            "ko",
            "19명은 중국에서 붙잡혔습니다. 해외 체포자 23명 중 19명(82.6%), 전체 피해자 113명 중 16.8%입니다",
        ),
    ],
)
def test_a_category_within_a_group_opens_with_the_count_asked_for_and_both_shares(writer, category, lang, lead):
    """ "How many were arrested in China?" opens with the count, then its share of those arrested abroad and of
    all victims, in one sentence short enough to paste."""
    reply = writer.category_answer(writer.data.intents["arrest_location"], _f(writer, category), lang)
    assert reply.body.startswith(lead)
    first = re.split(r"(?<=[.!?])\s", reply.body)[0]
    assert len(first.split()) <= 35  # "about 30 words"


def test_ranks_read_as_a_desk_would_print_them_not_as_meta_language(writer):
    era = writer.data.intents["era"]
    kju_en = writer.category_answer(era, _f(writer, "era_kim_jong_un"), "en").body
    kju_ko = writer.category_answer(era, _f(writer, "era_kim_jong_un"), "ko").body
    assert "second only to" in kju_en and "published categories" not in kju_en
    assert "다음으로 많습니다" in kju_ko and "범주 가운데" not in kju_ko


@pytest.mark.parametrize(
    ("intent", "category", "lang", "bold"),
    [
        ("mss_responsibility", None, "en", "<b>92 of 113 victims (81.4%)</b>"),
        ("arrest_location", "arrested_china", "en", "<b>19 victims</b> were detained in China"),
        ("sex", "sex_female", "ko", "<b>113명 중 47명(41.6%)</b>"),
    ],
)
def test_telegram_shows_the_figure_asked_for_in_bold(writer, intent, category, lang, bold):
    topic = writer.data.intents[intent]
    reply = writer.category_answer(topic, _f(writer, category), lang) if category else writer.answer(topic, lang)
    html_text = render.reply_html(reply)
    assert bold in html_text and html_text.count("<b>") == 2  # the title and the figure, nothing else


def test_korean_answers_keep_one_term_for_the_interviewees_and_active_verbs(writer):
    """A Korean desk: 증언자 throughout (면담자 can mean the interviewer), no 책임진 or 연루, and the Kim
    Jong-un era's 2021.4 read as the data cut-off, not the end of his rule."""
    texts = [writer.answer(i, "ko").text for i in writer.data.intents.values()]
    texts += [
        writer.category_answer(i, f, "ko").text
        for i in writer.data.intents.values()
        for b in i.breakdowns
        for f in writer.data.categories(b)
    ]
    joined = "\n".join(texts)
    for word in ("면담자", "진술자", "책임진", "연루"):
        assert word not in joined, word
    assert "관할 아래 실종됐습니다" in writer.answer(writer.data.intents["mss_responsibility"], "ko").body
    assert "2011.12~2021.4" not in joined and "자료는 2021.4까지" in joined


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_an_unsure_decline_offers_its_guesses_without_saying_the_report_lacks_them(writer, lang):
    reply = writer.decline("gender ratio??", lang, "low_confidence", None, None, ["sex"], 40)
    assert "couldn't find" not in reply.text and "찾지 못했습니다" not in reply.text
    assert ("Did you mean:" in reply.text) if lang == "en" else ("찾으셨나요?" in reply.text)
