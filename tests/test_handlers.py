"""Unit tests of the Telegram glue: message splitting, languages, texts, the command table, log redaction."""

from __future__ import annotations

import dataclasses
import html
import logging
import re

import pytest
from fake_bot_api import BotApiError, check_text, parse_html
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import charts, wording
from bot.answerer import Answerer, answer_language
from bot.models import LANGS
from bot.telegram import context, handlers, render, split
from bot.telegram.app import Redactor

# --- split_html --------------------------------------------------------------------------------

WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
SLUGS = st.text(alphabet="abcdefghij-/", max_size=30)  # a tag must fit in a part, with room to spare
PIECES = st.one_of(
    WORDS.map(html.escape),
    st.sampled_from([" ", "\n", "\n\n", " — ", "🙂", "가나다"]),
    WORDS.map(lambda w: f"<b>{html.escape(w)}</b>"),
    st.tuples(SLUGS, WORDS).map(lambda p: f'<a href="https://x.org/{p[0]}?a=1&amp;b=2">{html.escape(p[1])}</a>'),
    st.lists(WORDS, min_size=1, max_size=8).map(lambda ws: "<i>" + " ".join(map(html.escape, ws)) + "</i>"),
    st.lists(WORDS, min_size=1, max_size=8).map(
        lambda ws: (
            "<blockquote expandable>"
            + "\n".join(f'<a href="https://x.org/">{html.escape(w)}</a>' for w in ws)
            + "</blockquote>"
        )
    ),
)


def normalised(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(PIECES, min_size=1, max_size=80), limit=st.integers(min_value=80, max_value=400))
def test_split_html_keeps_every_part_valid_within_the_limit_and_loses_nothing(pieces: list[str], limit: int) -> None:
    text = "".join(pieces)
    chunks = split.split_html(text, limit)
    for chunk in chunks:
        assert split.units(chunk) <= limit
        parse_html(chunk)  # balanced, known tags, no bare < or &, as Telegram requires
    assert normalised("".join(parse_html(c) for c in chunks)) == normalised(parse_html(text))


def test_split_html_prefers_paragraph_breaks() -> None:
    paragraphs = [f"<b>Part {n}</b>\n" + "word " * 30 for n in range(6)]
    chunks = split.split_html("\n\n".join(p.strip() for p in paragraphs), 400)
    assert len(chunks) > 1 and all(chunk.startswith("<b>Part") for chunk in chunks)


def test_split_html_leaves_a_short_text_alone() -> None:
    assert split.split_html("<b>a</b> &amp; b") == ["<b>a</b> &amp; b"]


def test_split_html_keeps_an_outlet_list_whole_in_one_part() -> None:
    """A break inside the expandable list of outlets would leave half of them behind a second "show more"."""
    outlets = "\n".join(f'<a href="https://x.org/{n}">Outlet number {n}</a>' for n in range(6))
    head = "word " * 40 + "\n<i>Source: the report,\nvia</i>\n"  # line breaks only: a later one, inside, would do
    text = head + "<blockquote expandable>" + outlets + "</blockquote>"
    chunks = split.split_html(text, 400)
    assert len(chunks) == 2
    assert "<blockquote" not in chunks[0]
    assert chunks[1].count("<blockquote expandable>") == 1 and chunks[1].endswith("</blockquote>")
    assert all(f"Outlet number {n}" in chunks[1] for n in range(6))
    # a list too long for any one part is cut at a line between outlets, each part's quote closed and reopened
    outlets = "\n".join(f'<a href="https://x.org/{n}">Outlet number {n}</a>' for n in range(30))
    chunks = split.split_html(f"<blockquote expandable>{outlets}</blockquote>", 400)
    assert len(chunks) > 1
    for chunk in chunks:
        parse_html(chunk)
        assert chunk.startswith("<blockquote expandable><a ") and chunk.endswith("</a></blockquote>")


# --- the answers the bot sends ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_topic_answer_is_valid_telegram_html_with_a_short_button(telegram_answerer: Answerer, lang: str) -> None:
    for topic in telegram_answerer.topics(lang):
        reply = telegram_answerer.topic(topic.id, lang)
        assert reply is not None
        check_text(render.reply_html(reply), "HTML")  # valid, and within 4096 characters: one message
        assert len(render.Callback(render.TOPIC, lang, topic.id).encode().encode()) <= render.CALLBACK_DATA_BYTES


OUTLETS_SHOWN = 3  # outlets a source line names in a line of its own; more, and they fold away


def outlet_list(html_text: str) -> str | None:
    """The inside of an answer's expandable block quote of outlets, or None."""
    found = re.search(r"<blockquote expandable>(.*?)</blockquote>", html_text, re.DOTALL)
    return found[1] if found else None


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_an_answer_with_many_outlets_folds_every_one_into_an_expandable_block_quote(
    telegram_answerer: Answerer, lang: str
) -> None:
    folded = 0
    for topic in telegram_answerer.topics(lang):
        reply = telegram_answerer.topic(topic.id, lang)
        assert reply is not None
        body = render.reply_html(reply)
        check_text(body, "HTML")
        listed = outlet_list(body)
        every = [render.link(ref) for ref in reply.sources]
        assert all(a in body for a in every)  # no outlet dropped
        if len(reply.sources) <= OUTLETS_SHOWN:
            assert "<blockquote" not in body, topic.id
            continue
        folded += 1
        assert listed is not None and body.count("<blockquote") == 1 and body.endswith("</blockquote>")
        assert all(a in listed for a in every), topic.id
        citation = reply.source_prefix.split("\n")[0]  # the report itself stays in view, above the fold
        assert html.escape(citation) in body.split("<blockquote")[0]
        assert html.escape(citation) not in listed
    assert folded >= 4


def test_the_method_answer_shows_its_five_outlets_folded_and_the_mss_answer_its_own_in_a_line(
    telegram_answerer: Answerer,
) -> None:
    method = render.reply_html(telegram_answerer.ask("How was the research done?", "en"))
    listed = outlet_list(method)
    assert listed is not None and listed.count("<a href=") == 5 and "ReliefWeb" in listed and "Korea Herald" in listed
    assert method.split("<blockquote")[0].rstrip().endswith("via</i>")
    mss = render.reply_html(telegram_answerer.ask("What share is the MSS responsible for?", "en"))
    assert "<blockquote" not in mss and mss.split("\n")[-1].startswith("<i>Source: TJWG")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_inline_results_carry_the_same_source_rendering(telegram_answerer: Answerer, lang: str) -> None:
    folded = 0
    for k, topic in enumerate(telegram_answerer.topics(lang)):
        reply = telegram_answerer.topic(topic.id, lang)
        assert reply is not None
        sent = render.inline_article(k, reply).input_message_content.message_text
        assert sent == render.reply_html(reply)  # one message: the whole answer, sources included
        if len(reply.sources) > OUTLETS_SHOWN:
            listed = outlet_list(sent)
            assert listed is not None and all(render.link(ref) in listed for ref in reply.sources)
            folded += 1
    assert folded


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_menus_and_long_texts_are_valid_telegram_html(telegram_answerer: Answerer, lang: str) -> None:
    for text in (
        render.greeting_text(telegram_answerer, lang),
        render.help_text(telegram_answerer, lang, "some_bot", [name for name, _ in handlers.COMMANDS]),
        render.about_text(telegram_answerer, lang),
    ):
        check_text(text, "HTML")
    for chunk in split.split_html(render.sources_text(telegram_answerer, lang)):
        check_text(chunk, "HTML")
    with pytest.raises(BotApiError):
        check_text("<script>x</script>", "HTML")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_examples_shown_in_help_are_answered(telegram_answerer: Answerer, lang: str) -> None:
    reply = telegram_answerer.ask(wording.WORDS[lang]["example_question"])
    assert not reply.declined and reply.lang == lang


def test_texts_exist_in_both_languages_for_every_key_and_command() -> None:
    assert set(wording.WORDS["en"]) == set(wording.WORDS["ko"])
    for lang in LANGS:
        described = {k.removeprefix("command_"): v for k, v in wording.WORDS[lang].items() if k.startswith("command_")}
        assert [name for name, _ in handlers.COMMANDS] == list(described)
        assert all(1 <= len(d) <= 256 for d in described.values())
    assert all(Answerer.language_of(t) == "ko" for t in wording.WORDS["ko"].values())


def test_text_escapes_what_it_fills_in() -> None:
    assert "&lt;b&gt;" in render.text("en", "ask_usage", example="<b>")


@pytest.mark.parametrize(
    ("question", "fallback", "lang"),
    [
        ("MSS share?", "ko", "en"),
        ("보위성 비율", "en", "ko"),
        ("MSS 비율은?", "en", "ko"),
        ("🙂 42", "ko", "ko"),
        ("", "en", "en"),
    ],
)
def test_question_lang_hangul_then_latin_then_the_menu_language(question: str, fallback: str, lang: str) -> None:
    assert answer_language(question, fallback) == lang


def test_preview_cuts_at_a_word() -> None:
    body = "Counting arrest, detention and repatriation, the MSS was responsible for 92 of 113 victims " * 3
    cut = render.preview(body)
    assert len(cut) <= render.INLINE_DESCRIPTION_CHARS and cut.endswith("…")
    assert body.startswith(cut[:-1])
    assert render.preview("short  text") == "short text"


def test_without_mention_takes_out_only_this_bot() -> None:
    assert handlers.without_mention("@Our_Bot how many? cc @other_bot", "our_bot") == "how many? cc @other_bot"


# --- charts and quotes -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_answer_has_share_buttons_that_fit(telegram_answerer: Answerer, lang: str) -> None:
    data = telegram_answerer.data
    for topic in telegram_answerer.topics(lang):
        reply = telegram_answerer.topic(topic.id, lang)
        assert reply is not None
        keyboard = render.share_keyboard(reply, data)
        assert keyboard is not None
        row = [b.callback_data for b in keyboard.inline_keyboard[0]]
        assert all(len(str(d).encode()) <= render.CALLBACK_DATA_BYTES for d in row)
        assert row[-1] == f"q:{lang}:{topic.id}"
        charted = [b for b in data.intents[topic.id].breakdowns if b in charts.chart_ids(data)]
        assert row[:-1] == ([f"c:{lang}:{charted[0]}"] if charted else [])
    assert render.share_keyboard(telegram_answerer.ask("what is the weather tomorrow?", lang), data) is None


def test_a_category_answer_charts_the_breakdown_of_its_category(telegram_answerer: Answerer) -> None:
    data = telegram_answerer.data
    china = telegram_answerer.ask("How many victims were arrested in China?", "en")
    assert china.intent == "arrest_location" and china.category == "china"
    assert charts.chart_for(china, data) == "arrest_country"  # not the topic's first breakdown, arrest_place
    assert charts.chart_for(telegram_answerer.ask("how many women", "en"), data) == "sex"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_chart_caption_is_valid_html_within_the_caption_limit(telegram_answerer: Answerer, lang: str) -> None:
    data = telegram_answerer.data
    for breakdown in charts.chart_ids(data):
        caption = render.chart_caption(data, breakdown, lang)
        visible = parse_html(caption)
        assert 0 < split.units(visible) <= render.CAPTION_CHARS
        assert visible.startswith(charts.describe(data, breakdown, lang).title + "\n")
        assert ("출처" if lang == "ko" else "Source") in visible and '<a href="https://' in caption


def test_a_chart_citing_many_outlets_folds_them_into_an_expandable_block_quote(telegram_answerer: Answerer) -> None:
    data = telegram_answerer.data
    five = tuple(s for s, source in data.sources.items() if source.kind != "context")[:5]
    sex = {f.id: dataclasses.replace(f, cite=five) for f in data.categories("sex")}
    data = dataclasses.replace(data, findings={**data.findings, **sex})
    for lang in ("en", "ko"):
        caption = render.chart_caption(data, "sex", lang)
        assert split.units(parse_html(caption)) <= render.CAPTION_CHARS
        listed = outlet_list(caption)
        assert listed is not None and all(data.sources[s].url in listed for s in five)
        assert caption.split("\n")[0] == f"<b>{html.escape(charts.describe(data, 'sex', lang).title)}</b>"


def test_a_caption_too_long_for_telegram_is_cut(telegram_answerer: Answerer) -> None:
    data = telegram_answerer.data
    long = dataclasses.replace(data.breakdowns["sex"], title={"en": "Sex of victims " * 80, "ko": "성별 🙂 " * 300})
    data = dataclasses.replace(data, breakdowns={**data.breakdowns, "sex": long})
    for lang in ("en", "ko"):
        visible = parse_html(render.chart_caption(data, "sex", lang))
        assert visible.endswith("…") and split.units(visible) <= render.CAPTION_CHARS


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_chart_and_quote_examples_resolve(telegram_answerer: Answerer, lang: str) -> None:
    chart = telegram_answerer.resolve_topic(wording.WORDS[lang]["example_chart"], lang)
    assert chart.lang == lang and charts.chart_for(chart, telegram_answerer.data) is not None
    quote = telegram_answerer.resolve_topic(wording.WORDS[lang]["example_quote"], lang)
    assert quote.lang == lang and quote.intent and telegram_answerer.quote(quote.intent, lang)


def test_a_topic_id_is_answered_in_the_menu_language_and_a_question_in_its_own(telegram_answerer: Answerer) -> None:
    assert telegram_answerer.resolve_topic("Reasons", "ko").lang == "ko"
    assert telegram_answerer.resolve_topic("why were they taken", "ko").lang == "en"


def test_the_chart_cache_follows_the_data_and_forgets_file_ids_of_changed_charts(telegram_answerer: Answerer) -> None:
    data, bot_data = telegram_answerer.data, context.BotData()
    cache = context.chart_cache(bot_data, data)
    assert context.chart_cache(bot_data, data) is cache
    for breakdown in ("sex", "age"):
        bot_data.photo_ids[(breakdown, "en", charts.fingerprint(data, breakdown))] = f"id-{breakdown}"
    sex = data.breakdowns["sex"]
    changed = dataclasses.replace(
        data, breakdowns={**data.breakdowns, "sex": dataclasses.replace(sex, title={"en": "Sex", "ko": "성별"})}
    )
    rebuilt = context.chart_cache(bot_data, changed)
    assert rebuilt is not cache and rebuilt.data is changed
    assert list(bot_data.photo_ids.values()) == ["id-age"]  # the age chart is drawn as before


# --- logging -----------------------------------------------------------------------------------


def test_redactor_hides_secrets_in_messages_arguments_and_tracebacks() -> None:
    token = "123456:" + "Z" * 35
    redactor = Redactor(token, None, "")
    try:
        raise RuntimeError(f"https://api.telegram.org/bot{token}/getMe failed")
    except RuntimeError as exc:
        record = logging.LogRecord(
            "httpx", logging.ERROR, __file__, 1, "POST %s", (f"/bot{token}/x",), (type(exc), exc, None)
        )
    assert redactor.filter(record)
    formatted = logging.Formatter().format(record)
    assert token not in formatted and formatted.count("[redacted]") == 2
    assert re.search(r"POST /bot\[redacted\]/x", formatted)
