"""Property-based fuzzing (hypothesis): any Unicode text up to 10,000 characters never breaks the matcher, the
answerer or the handlers, and every reply fits Telegram (at most 4096 characters, HTML its parser accepts).
Derandomized, with no example database: every run tries the same examples."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

import pytest
from fake_bot_api import BOT_USERNAME, MAX_CALLBACK_DATA, FakeBotApi, check_text, group_chat, user
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from telegram.constants import MessageLimit

from bot import wording
from bot.answerer import Answerer, answer_language
from bot.telegram import handlers, render, split
from bot.telegram.app import Network

MAX_CHARS = 10_000
INLINE_QUERY_CHARS = 256  # Telegram's limit on what is typed after @bot
ERROR_TEXT = wording.WORDS["en"]["error"]
# Words the matcher knows, and pieces that have broken text handling elsewhere, to mix with random text.
TOKENS = (
    "MSS", "mss", "보위성", "China", "중국", "Russia", "victims", "피해자", "women", "cases", "interviewed", "share",
    "%", "113", "92", "2024", "FOOTPRINTS", "<b>", "</a>", "&amp;", "&", "<", ">", '"', "'", "/ask", "/start",
    f"@{BOT_USERNAME}", "@otherbot", "\n", "\n\n", "\t", "\x00", "\u202e", "\u200d", "\ufeff", "🙂", "👨‍👩‍👧", "🇰🇷",
    "가", "ㄱ", "ᄀ", "é", "ﬁ", "Ⅻ", "𝔐𝔖𝔖", "\U0010ffff",
)  # fmt: skip
EVERY_CODE_POINT = st.characters(exclude_categories=())  # lone surrogates too, which no Telegram update holds
UPDATE_CHARACTERS = st.characters()  # what an update can hold: JSON from UTF-8, so every code point but surrogates


def questions(characters: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Text up to MAX_CHARS: random characters, known words and odd pieces strung together, or either repeated
    to any length (hypothesis on its own rarely draws text more than a few hundred characters long)."""
    word = st.one_of(st.sampled_from(TOKENS), st.text(characters, min_size=1, max_size=12))
    separator = st.sampled_from([" ", "", "\n", "  "])
    strung = st.lists(st.tuples(word, separator), min_size=1, max_size=300).map(lambda ws: "".join(map("".join, ws)))
    short = st.one_of(st.text(characters, max_size=MAX_CHARS), strung)
    repeated = st.tuples(short, st.integers(min_value=2, max_value=MAX_CHARS)).map(lambda p: p[0] * p[1])
    return st.one_of(short, repeated).map(lambda text: text[:MAX_CHARS])


# Extremes, tried first on every run: the longest texts, in one script, in astral characters, in markup.
LONGEST = ("mss " * 2_500, "가" * MAX_CHARS, "🙂" * MAX_CHARS, "<b>&" * 2_500, "@" + "x" * 9_999, "/ask " * 2_000)


def with_extremes(test: Callable[..., Any]) -> Callable[..., Any]:
    for text in LONGEST:
        test = example(text=text)(test)
    return test


FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def assert_fits_telegram(text: str) -> None:
    """At most 4096 UTF-16 units as sent, and HTML Telegram's parser accepts (the fake Bot API's own check)."""
    assert split.units(text) <= MessageLimit.MAX_TEXT_LENGTH
    check_text(text, "HTML")


# --- the matcher and the answerer --------------------------------------------------------------


@settings(FUZZ, max_examples=200)
@given(text=questions(EVERY_CODE_POINT), lang=st.sampled_from([None, "en", "ko"]))
@example(text="\ud800 mss \udfff", lang=None)  # lone surrogates
@example(text="mss " * 2_500, lang=None)
@example(text="가" * MAX_CHARS, lang="en")
@example(text="🙂" * MAX_CHARS, lang="ko")
def test_the_matcher_and_the_answerer_take_any_text(telegram_answerer: Answerer, text: str, lang: str | None) -> None:
    match = telegram_answerer.matcher.match(text, lang)
    assert match.lang in {"en", "ko"} and 0 <= match.confidence <= 100
    reply = telegram_answerer.ask(text, lang)
    assert render.reply_html(reply).strip() and reply.lang in {"en", "ko"}
    assert all(r.intent for r in telegram_answerer.search(text, lang))


# --- what the handlers send, without Telegram ---------------------------------------------------


@settings(FUZZ, max_examples=200)
@given(text=questions(UPDATE_CHARACTERS))
@with_extremes
def test_every_reply_the_handlers_would_send_fits_telegram(telegram_answerer: Answerer, text: str) -> None:
    """The handlers' own path: question_lang, ask, split_html, the buttons; inline: search and inline_article."""
    question = handlers.without_mention(text, BOT_USERNAME)
    for menu_lang in ("en", "ko"):
        reply = telegram_answerer.ask(question, answer_language(question, menu_lang))
        for part in split.split_html(render.reply_html(reply)):
            assert_fits_telegram(part)
        keyboard = render.topic_keyboard(reply.suggestions, reply.lang, columns=1)
        for row in keyboard.inline_keyboard:
            assert all(len((button.callback_data or "").encode()) <= MAX_CALLBACK_DATA for button in row)
    query = text[:INLINE_QUERY_CHARS]
    for k, found in enumerate(telegram_answerer.search(query, answer_language(query, "en"))):
        article = render.inline_article(k, found)
        assert_fits_telegram(article.input_message_content.message_text)
        assert len(article.id.encode()) <= MAX_CALLBACK_DATA and len(article.description) <= 100


# --- the running bot, over HTTP ------------------------------------------------------------------


@pytest.fixture
async def fuzz_bot(
    start_bot: Callable[..., Any], fast_network: Network, fake_bot_api: FakeBotApi
) -> AsyncIterator[FakeBotApi]:
    """The bot polling the fake server, shared by every example of a test. Flood limits off: examples come faster
    than Telegram's 20 messages a minute per group would allow, and no flood is being tested here."""
    async with start_bot(replace(fast_network, flood_limits=False)):
        yield fake_bot_api


@settings(
    FUZZ, max_examples=40, suppress_health_check=[*FUZZ.suppress_health_check, HealthCheck.function_scoped_fixture]
)
@given(text=questions(UPDATE_CHARACTERS), where=st.sampled_from(["private", "group /ask", "group mention", "inline"]))
async def test_the_running_bot_answers_any_text_with_messages_telegram_accepts(
    fuzz_bot: FakeBotApi, text: str, where: str
) -> None:
    fake, mark = fuzz_bot, len(fuzz_bot.calls)
    sender = user(7001, language_code=None)
    if where == "inline":
        fake.inline(text[:INLINE_QUERY_CHARS], sender=sender)
        call = await fake.wait_for("answerInlineQuery", since=mark, timeout=20)
        for result in call.params["results"]:
            assert_fits_telegram(result["input_message_content"]["message_text"])
    else:
        chat = group_chat(-1007001) if where.startswith("group") else None
        prefix = {"private": "", "group /ask": "/ask ", "group mention": f"@{BOT_USERNAME} "}[where]
        fake.message(prefix + text, sender=sender, chat=chat)
        fake.message("/help", sender=sender, chat=chat)  # answered after whatever the text gets: updates are in order
        await fake.wait_for("sendMessage", lambda c: "/about" in c.params["text"], since=mark, timeout=20)
    made = fake.calls[mark:]
    assert [c.error for c in made] == [None] * len(made)  # the fake refused nothing Telegram would
    for sent in (c.params["text"] for c in made if c.method == "sendMessage"):
        assert sent != ERROR_TEXT
        assert_fits_telegram(sent)
