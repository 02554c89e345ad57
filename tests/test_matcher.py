"""The matcher: normalisation, synonyms, typos, particles, entities, and declining what the report lacks.

Questions here are written for these tests; the labelled sets (data/labelled) measure the matcher as a
whole in test_evaluation.py.
"""

from __future__ import annotations

import pytest

from bot import build
from bot.config import PACKAGE_DATA
from bot.matching import Matcher, clean, detect_language
from bot.matching.text import Normaliser


@pytest.fixture(scope="module")
def matcher():
    return Matcher(build.compile_data(PACKAGE_DATA))


def test_clean_folds_width_case_controls_and_punctuation():
    assert clean("ＭＳＳ\x00\u200b  Share?!") == "mss share"
    assert clean("200,000 people") == "200000 people"
    assert clean("81.4%") == "81.4 %"


def test_synonyms_share_one_canonical_form(matcher):
    norm: Normaliser = matcher.normalisers["en"]
    assert norm.words("Ministry of State Security") == norm.words("bowibu") == norm.words("secret police") == ["mss"]
    assert norm.words("defection") == norm.words("fleeing") == ["escape"]
    assert norm.words("collective punishment") == ["guiltbyassociation"]


@pytest.mark.parametrize(
    ("text", "lang"), [("mss share", "en"), ("보위성 비율", "ko"), ("MSS 비율은?", "ko"), ("12345", "en"), ("", "en")]
)
def test_language_is_korean_when_there_is_hangul(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("bowibu share of the disappearances", "mss_responsibility"),
        ("what part did the secret police play overall", "mss_responsibility"),
        ("minstry of state securty share", "mss_responsibility"),  # typos
        ("how many people did the MSS arrest and hold by itself", "mss_sole"),
        ("when did they do the interviews", "method"),
        ("did north korea accept the UN's recommendations", "upr_recommendations"),
        ("what does article 179 require", "legal_48h"),
    ],
)
def test_paraphrases_and_typos_reach_their_topic(matcher, question, intent):
    assert matcher.match(question).intent == intent


@pytest.mark.parametrize("particle", ["이", "은", "의", "가", "는"])
def test_korean_particles_do_not_defeat_matching(matcher, particle):
    match = matcher.match(f"국가보위성{particle} 책임 비율")
    assert match.lang == "ko" and match.intent == "mss_responsibility"


def test_korean_spacing_does_not_matter(matcher):
    assert matcher.match("북한 내부에서 체포된 사람 몇 명").intent == matcher.match("북한내부에서체포된사람몇명").intent


@pytest.mark.parametrize(
    ("question", "intent", "category"),
    [
        ("how many were seized in vietnam", "arrest_location", "vietnam"),
        ("share of victims taken in the kim jong il years", "era", "kim_jong_il"),
        ("how many were children", "age", "under_10"),
        ("female share of victims", "sex", "female"),
        ("religious grounds", "reasons", "religion"),
        ("러시아에서 체포된 피해자 수", "arrest_location", "russia"),
        ("연좌제로 사라진 사람", "reasons", "guilt_by_association"),
    ],
)
def test_entities_narrow_the_answer_to_one_category(matcher, question, intent, category):
    match = matcher.match(question)
    assert match.intent == intent
    assert match.entity is not None and match.entity.category == category


@pytest.mark.parametrize(
    "question",
    [
        "how many of the victims were executed",
        "how many people are held in kwanliso today",
        "what is the population of north korea",
        "how many nuclear tests",
        "how many defectors reached south korea last year",
        "victims from ryanggang province",
        "how many women were arrested in russia",  # two breakdowns the report never crosses
        "how many people vanished in 1997",  # a year the data never mentions
        "정치범수용소 수감자는 몇 명",
        "사망자는 몇 명이야",
    ],
)
def test_near_misses_are_declined_not_answered_with_the_nearest_figure(matcher, question):
    match = matcher.match(question)
    assert match.intent is None, (question, match)


def test_decline_offers_two_or_three_close_topics(matcher):
    match = matcher.match("how many of the victims died in custody")
    assert match.intent is None
    suggestions = matcher.suggestions(match)
    assert 2 <= len(suggestions) <= 3
    assert all(s in matcher.data.intents for s in suggestions)


def test_confidence_is_between_0_and_100(matcher):
    for question in ["mss", "zzzz", "", "x" * 10_000, "😀" * 50]:
        match = matcher.match(question)
        assert 0 <= match.confidence <= 100


def test_nested_categories_narrow_to_the_innermost(matcher):
    match = matcher.match("of the victims arrested abroad, how many were held in russia")
    assert match.intent == "arrest_location"
    assert match.entity is not None and match.entity.category == "russia"


@pytest.mark.parametrize(
    ("unspaced", "spaced"),
    [
        ("여성피해자몇명", "여성 피해자 몇 명"),
        ("중국공안이몇명잡았어", "중국 공안이 몇 명 잡았어"),
        ("사건은몇건?", "사건은 몇 건?"),
    ],
)
def test_korean_typed_without_spaces_reads_as_the_spaced_question(matcher, unspaced, spaced):
    assert matcher.match(unspaced).intent == matcher.match(spaced).intent is not None


def test_a_last_question_pointing_back_is_read_with_the_claim_before_it(matcher):
    match = matcher.match("Korea Herald reports 19 arrests in China. Is that the report's figure?")
    assert match.intent in {"arrest_location", "china_arrests"}


def test_memory_stays_flat_whatever_scripts_strangers_type(matcher):
    """The text caches are bounded: junk in every Unicode script must not grow them without limit."""
    import random

    from bot.matching import text

    rng = random.Random(3)
    for _ in range(50):
        matcher.match("".join(chr(rng.randrange(0x20, 0x30000)) for _ in range(3000)))
    assert text._plain.cache_info().currsize <= text.CHAR_CACHE
    assert text._symbol_free.cache_info().currsize <= text.CHAR_CACHE
    for norm in matcher.normalisers.values():  # what is remembered word by word: stems, n-grams, Korean splits
        assert max(len(norm._stems), len(norm._grams), len(norm._splits)) <= text.SPELL_CACHE
    before = text._clean.cache_info().currsize
    text.clean("long message " * 500 + "never seen before")
    assert text._clean.cache_info().currsize == before  # a long message is not kept among the questions
    assert text._clean_long.cache_info().currsize <= text.LONG_CACHE


@pytest.mark.parametrize("question", ["how many victims +82", "mss share, reach me at +82", "+82 mss share"])
def test_a_dialling_code_is_not_a_figure(matcher, question):
    match = matcher.match(question)
    assert match.intent is not None and match.declined != "unknown_number"
    assert not match.numbers.stated and "82" not in match.numbers.plain


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("In Existing Nowhere, how many victims were arrested in China?", "arrest_location"),
        ("TJWG's 'Existing \"Nowhere\"' report: how many escapees were interviewed?", "method"),
        ("『존재할 수 없는 존재』는 탈북민 몇 명을 면담했습니까?", "method"),
        ("What is Existing Nowhere?", "overview"),  # the title is what is asked about
    ],
)
def test_naming_the_report_by_its_title_leaves_the_figure_asked(matcher, question, intent):
    assert matcher.match(question).intent == intent


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # the one question of the message, a remark after it
        ("When did North Korea's fourth UPR take place? I gather the report came out just before it.", "upr"),
        ("hey guys how many victims are in the report?", "cases"),  # a greeting, not men
        ("how many were caught by other guys first and then handed over to the MSS?", "mss_handover"),
        ("MSS share incl. arrest + repatriation?", "mss_responsibility"),  # the stages the headline counts
        ("송환까지 포함하면 보위성 책임은 몇 명이야?", "mss_responsibility"),
        ("Of the escape-related victims, how many were sent back to the North after getting out?", "escape_reasons"),
    ],
)
def test_words_that_looked_like_other_categories_leave_the_topic_asked(matcher, question, intent):
    match = matcher.match(question)
    assert match.intent == intent, (match.declined, match.candidates[:3])


def test_a_count_of_victims_from_one_year_is_a_single_year(matcher):
    """ "from 2020" alone is that year ("just that yr"), though the research period starts in 2020."""
    match = matcher.match("number of victims from 2020 pls, only that yr")
    assert match.intent is None and match.out_of_scope == "yearly_or_place_breakdowns", match.candidates[:3]
    assert matcher.match("the research ran from 2020 to 2024, right?").intent == "method"


@pytest.mark.parametrize(
    "question",
    [
        "Why does the Kim Jong-un period in the data stop in 2021?",
        "The interviews began in 2021, but the research took four years: how do the two fit?",
    ],
)
def test_a_year_that_bounds_a_period_is_no_single_year_asked(matcher, question):
    match = matcher.match(question)
    assert match.intent is not None and match.declined is None, (match.declined, match.candidates[:3])
