"""End to end over real HTTP: the real Application, polling (or serving a webhook) against the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from fake_bot_api import BOT_USERNAME, TOKEN, Call, FakeBotApi, group_chat, user

from bot import wording
from bot.answerer import Answerer
from bot.config import Settings
from bot.telegram import handlers, render
from bot.telegram.app import build_application, configure_logging, polling_options, webhook_options

MSS_QUESTION = "What share of disappearances is the MSS responsible for?"
MSS_FIGURE = "92 of 113"
MSS_FIGURE_KO = "113명 중 92명"
SOURCE_LINE = "Source:"
ERROR_TEXT = wording.WORDS["en"]["error"]
PROJECT = Path(__file__).resolve().parent.parent


@asynccontextmanager
async def running_bot(settings: Settings, answerer: Answerer, *, webhook: bool = False) -> AsyncIterator[Any]:
    """The real Application, started as run_polling/run_webhook would start it (post_init included)."""
    app = build_application(settings, answerer)
    async with app:  # initialize (getMe) ... shutdown; post_init is run_polling's job, so it is called here
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        if webhook:
            await app.updater.start_webhook(**webhook_options(settings))
        else:
            await app.updater.start_polling(poll_interval=0.0, timeout=1, **polling_options())
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


@pytest.fixture
async def bot(telegram_settings: Settings, telegram_answerer: Answerer, fake_bot_api: FakeBotApi) -> AsyncIterator[Any]:
    """The bot, polling the fake server; setup calls (getMe, setMyCommands, deleteWebhook) already made."""
    async with running_bot(telegram_settings, telegram_answerer) as app:
        yield app


def text_of(call: Call) -> str:
    return str(call.params["text"])


def buttons(call: Call) -> list[dict[str, Any]]:
    return [b for row in call.params.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- start-up ----------------------------------------------------------------------------------


async def test_command_menu_is_published_in_english_and_korean(bot: Any, fake_bot_api: FakeBotApi) -> None:
    menus = {c.params.get("language_code"): c.params["commands"] for c in fake_bot_api.calls_to("setMyCommands")}
    assert set(menus) == {None, "ko"}
    names = [name for name, _ in handlers.COMMANDS]
    assert [c["command"] for c in menus[None]] == names == [c["command"] for c in menus["ko"]]
    assert all(Answerer.language_of(c["description"]) == "ko" for c in menus["ko"])
    assert all(Answerer.language_of(c["description"]) == "en" for c in menus[None])


# --- private chat ------------------------------------------------------------------------------


async def test_private_question_gets_the_figure_and_its_source(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.message(MSS_QUESTION)
    call = await fake_bot_api.wait_for("sendMessage")
    assert MSS_FIGURE in text_of(call) and SOURCE_LINE in text_of(call)
    assert '<a href="https://' in text_of(call)
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert "reply_parameters" not in call.params  # no quoting in a private chat


async def test_start_greets_with_headline_topic_buttons(
    bot: Any, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    fake_bot_api.message("/start")
    call = await fake_bot_api.wait_for("sendMessage")
    assert "TJWG" in text_of(call) and len(text_of(call).splitlines()) == 2
    headline = telegram_answerer.topics("en", headline_only=True)
    assert [b["callback_data"] for b in buttons(call)] == [f"t:en:{t.id}" for t in headline]
    assert [b["text"] for b in buttons(call)] == [t.title for t in headline]


async def test_start_deep_link_answers_the_topic(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.message("/start mss_responsibility")
    call = await fake_bot_api.wait_for("sendMessage")
    assert MSS_FIGURE in text_of(call) and SOURCE_LINE in text_of(call)


async def test_start_with_an_unknown_payload_greets(
    bot: Any, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    fake_bot_api.message("/start no_such_topic")
    call = await fake_bot_api.wait_for("sendMessage")
    assert text_of(call) == render.greeting_text(telegram_answerer, "en")


async def test_decline_offers_buttons_and_a_press_answers_that_topic(
    bot: Any, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    fake_bot_api.message("What will the weather be like in Pyongyang tomorrow?")
    decline = await fake_bot_api.wait_for("sendMessage", lambda c: bool(buttons(c)))
    assert MSS_FIGURE not in text_of(decline)
    pressed = buttons(decline)[0]["callback_data"]
    topic_id = pressed.split(":", 2)[2]
    expected = telegram_answerer.topic(topic_id, "en")
    assert expected is not None

    mark = len(fake_bot_api.calls)
    query = fake_bot_api.callback(decline.result, pressed)
    answer = await fake_bot_api.wait_for("sendMessage", since=mark)
    acknowledged = fake_bot_api.calls_to("answerCallbackQuery", since=mark)
    assert [c.params["callback_query_id"] for c in acknowledged] == [query["callback_query"]["id"]]
    assert fake_bot_api.calls.index(acknowledged[0]) < fake_bot_api.calls.index(answer)  # the spinner stops first
    assert text_of(answer) == render.reply_html(expected)


async def test_a_stale_button_is_acknowledged(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.message("/topics")
    menu = await fake_bot_api.wait_for("sendMessage", lambda c: bool(buttons(c)))
    fake_bot_api.callback(menu.result, "t:en:a_topic_that_was_removed")
    call = await fake_bot_api.wait_for("answerCallbackQuery")
    assert call.params["text"] == wording.WORDS["en"]["topic_gone"]


async def test_message_with_html_is_answered_with_valid_escaped_html(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.message('<script>alert("x")</script> <b>MSS</b> share & total > 1?')
    call = await fake_bot_api.wait_for("sendMessage")  # the fake rejects any reply Telegram's HTML parser would
    assert "<script" not in text_of(call) and "<b>MSS</b>" not in text_of(call)


@pytest.mark.parametrize(
    "text",
    ["   ", "x" * 4096, "🙂" * 300, "<<<>>>&&&", "'; DROP TABLE findings; --", "\x00\x07\x1b[31m\u202e", "/", "@@@@"],
    ids=["blank", "huge", "emoji", "brackets", "sql", "control", "slash", "ats"],
)
async def test_bad_input_gets_a_calm_reply(bot: Any, fake_bot_api: FakeBotApi, text: str) -> None:
    fake_bot_api.message(text)
    call = await fake_bot_api.wait_for("sendMessage")
    assert text_of(call) != ERROR_TEXT
    assert not any("error while handling" in c.params.get("text", "") for c in fake_bot_api.calls)


async def test_non_text_messages_get_a_friendly_line_and_edits_are_ignored(bot: Any, fake_bot_api: FakeBotApi) -> None:
    friendly = wording.WORDS["en"]["not_text"]
    sticker = {
        "file_id": "s1",
        "file_unique_id": "s1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    fake_bot_api.message(sticker=sticker)
    fake_bot_api.message(photo=[{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}])
    fake_bot_api.message(voice={"file_id": "v1", "file_unique_id": "v1", "duration": 2})
    fake_bot_api.message(location={"latitude": 39.03, "longitude": 125.75})
    fake_bot_api.message(document={"file_id": "d1", "file_unique_id": "d1", "file_name": "report.pdf"})
    fake_bot_api.message(MSS_QUESTION, kind="edited_message")
    fake_bot_api.message("/help")  # answered after all of the above: updates are handled in order
    await fake_bot_api.wait_for("sendMessage", lambda c: "/topics" in text_of(c) and "/about" in text_of(c))
    assert fake_bot_api.sent()[:-1] == [friendly] * 5


async def test_korean_question_gets_a_korean_answer(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.message("보위성 책임 비율은?")
    call = await fake_bot_api.wait_for("sendMessage")
    assert MSS_FIGURE_KO in text_of(call) and "출처" in text_of(call)


async def test_lang_ko_switches_menus_not_answers(
    bot: Any, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    fake_bot_api.message("/lang ko")
    confirmed = await fake_bot_api.wait_for("sendMessage")
    assert text_of(confirmed) == wording.WORDS["ko"]["lang_set"]
    mark = len(fake_bot_api.calls)
    fake_bot_api.message("/help")
    help_ko = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert "/lang — " + wording.WORDS["ko"]["command_lang"] in text_of(help_ko)
    mark = len(fake_bot_api.calls)
    fake_bot_api.message("/start")
    greeting = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert text_of(greeting) == render.greeting_text(telegram_answerer, "ko")
    assert all(b["callback_data"].startswith("t:ko:") for b in buttons(greeting))
    mark = len(fake_bot_api.calls)
    fake_bot_api.message(MSS_QUESTION)  # the question's language wins for answers
    answer = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert MSS_FIGURE in text_of(answer)


async def test_chats_leave_nothing_behind_but_a_bounded_lang_choice(bot: Any, fake_bot_api: FakeBotApi) -> None:
    """PTB keeps chat_data for every chat that touches it, forever; the bot keeps nothing per chat but a /lang
    choice, in a bounded map."""
    for k in range(30):
        fake_bot_api.message("mss share", sender=user(80_000 + k))
    fake_bot_api.message("/lang ko", sender=user(90_000))
    await fake_bot_api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 90_000)
    while len(fake_bot_api.calls_to("sendMessage")) < 31:
        await asyncio.sleep(0.05)
    assert len(bot.chat_data) == 0
    langs = bot.bot_data.langs
    assert len(langs) == 1 and langs.get(90_000) == "ko"
    small = type(langs)(limit=2)
    for chat, lang in ((1, "ko"), (2, "en"), (3, "ko")):
        small.set(chat, lang)
    assert len(small) == 2 and small.get(1) is None and small.get(3) == "ko"


async def test_lang_buttons_edit_the_prompt(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.message("/lang")
    prompt = await fake_bot_api.wait_for("sendMessage", lambda c: bool(buttons(c)))
    assert [b["callback_data"] for b in buttons(prompt)] == ["lang:en", "lang:ko"]
    fake_bot_api.callback(prompt.result, "lang:ko")
    edited = await fake_bot_api.wait_for("editMessageText")
    assert text_of(edited) == wording.WORDS["ko"]["lang_set"]


async def test_telegram_language_code_ko_sets_the_default_menu_language(
    bot: Any, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    fake_bot_api.message("/start", sender=user(2002, "지현", "ko"))
    call = await fake_bot_api.wait_for("sendMessage")
    assert text_of(call) == render.greeting_text(telegram_answerer, "ko")


async def test_topics_sources_about_and_ask_usage(
    bot: Any, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    fake_bot_api.message("/topics")
    menu = await fake_bot_api.wait_for("sendMessage", lambda c: bool(buttons(c)))
    assert len(buttons(menu)) == len(telegram_answerer.topics("en"))
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(menu))

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("/sources")
    fake_bot_api.message("/about")
    about = await fake_bot_api.wait_for("sendMessage", lambda c: "Privacy" in text_of(c), since=mark)
    source_messages = fake_bot_api.sent(mark)[:-1]
    urls = [html.escape(ref.url, quote=True) for ref, _ in telegram_answerer.sources("en")]
    assert all(any(url in m for m in source_messages) for url in urls)
    assert all(len(m) <= 4096 for m in source_messages)
    findings = telegram_answerer.data.findings
    for finding in ("interviewees_total", "cases_total", "victims_total"):
        assert str(findings[finding].count) in text_of(about)

    fake_bot_api.message("/ask")
    usage = await fake_bot_api.wait_for("sendMessage", lambda c: c.params["text"].startswith("Write your question"))
    assert wording.WORDS["en"]["example_question"] in text_of(usage)


# --- groups ------------------------------------------------------------------------------------


async def test_group_mentions_and_replies_are_answered_and_chatter_ignored(bot: Any, fake_bot_api: FakeBotApi) -> None:
    group = group_chat()
    fake_bot_api.message("Did anyone read the MSS report yet?", chat=group)  # chatter, even about the topic
    asked = fake_bot_api.message(f"@{BOT_USERNAME} {MSS_QUESTION}", chat=group)
    answer = await fake_bot_api.wait_for("sendMessage")
    assert fake_bot_api.sent() == [text_of(answer)]  # the chatter before it got nothing
    assert MSS_FIGURE in text_of(answer)
    assert answer.params["reply_parameters"]["message_id"] == asked["message"]["message_id"]  # quoted in a group

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("How many victims were arrested in Russia?", chat=group, reply_to_message=answer.result)
    follow_up = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert "Russia" in text_of(follow_up) and SOURCE_LINE in text_of(follow_up)

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("How many victims were arrested in Russia?", chat=group)  # the same words, not addressed
    fake_bot_api.message("/ask What share of disappearances is the MSS responsible for?", chat=group)
    probe = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert fake_bot_api.sent(mark) == [text_of(probe)] and MSS_FIGURE in text_of(probe)


async def test_claims_small_talk_and_follow_ups_in_a_private_chat(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.message("hello")
    hello = await fake_bot_api.wait_for("sendMessage")
    assert "Hello" in text_of(hello) and "no figures" not in text_of(hello)

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("85% were taken by the MSS, right?")
    claim = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert "No" in text_of(claim) and "81.4%" in text_of(claim) and SOURCE_LINE in text_of(claim)

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("how many were arrested in China?")
    china = await fake_bot_api.wait_for("sendMessage", since=mark)
    mark = len(fake_bot_api.calls)
    fake_bot_api.message("female victims")
    await fake_bot_api.wait_for("sendMessage", since=mark)

    mark = len(fake_bot_api.calls)  # a reply to the older answer is read against it, not the latest one
    fake_bot_api.message("and in Russia?", reply_to_message=china.result)
    russia = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert "Russia" in text_of(russia) and "female" not in text_of(russia)

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("in Korean please")
    korean = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert "러시아" in text_of(korean) and "출처" in text_of(korean)


async def test_commands_addressed_to_another_bot_are_ignored(bot: Any, fake_bot_api: FakeBotApi) -> None:
    group = group_chat()
    fake_bot_api.message(f"/ask@otherbot {MSS_QUESTION}", chat=group)
    fake_bot_api.message("/help@otherbot", chat=group)
    fake_bot_api.message("/start@otherbot")  # in a private chat too
    fake_bot_api.message(f"/ask@{BOT_USERNAME} {MSS_QUESTION}", chat=group)
    call = await fake_bot_api.wait_for("sendMessage")
    assert fake_bot_api.sent() == [text_of(call)] and MSS_FIGURE in text_of(call)


# --- inline mode -------------------------------------------------------------------------------


async def test_inline_query_offers_ready_to_send_figures(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.inline("mss share")
    call = await fake_bot_api.wait_for("answerInlineQuery")
    assert call.params["is_personal"] is False and call.params["cache_time"] == 300
    results = call.params["results"]
    assert results and all(r["type"] == "article" for r in results)
    first = results[0]["input_message_content"]
    assert MSS_FIGURE in first["message_text"] and SOURCE_LINE in first["message_text"]
    assert first["parse_mode"] == "HTML" and first["link_preview_options"] == {"is_disabled": True}
    assert results[0]["title"] and 0 < len(results[0]["description"]) <= 100


async def test_empty_inline_query_offers_headline_topics_in_both_languages(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.inline("")
    call = await fake_bot_api.wait_for("answerInlineQuery")
    languages = {Answerer.language_of(r["title"]) for r in call.params["results"]}
    assert languages == {"en", "ko"}


async def test_korean_inline_query_gets_korean_results(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.inline("보위성 비율")
    call = await fake_bot_api.wait_for("answerInlineQuery")
    text = call.params["results"][0]["input_message_content"]["message_text"]
    assert MSS_FIGURE_KO in text and "출처" in text


METHOD_QUESTION = "How was the research done?"  # five outlets behind its figures
METHOD_OUTLETS = ("TJWG", "Seoul Economic Daily", "Newsis", "ReliefWeb", "The Korea Herald")


def folded_outlets(message: str) -> list[str]:
    """The names of the outlets inside a message's expandable block quote, in order."""
    inside = message.partition("<blockquote expandable>")[2].partition("</blockquote>")[0]
    return [html.unescape(name) for name in re.findall(r'<a href="https://[^"]+">([^<]+)</a>', inside)]


async def test_an_answer_with_many_outlets_arrives_with_every_one_folded(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.message(METHOD_QUESTION)
    call = await fake_bot_api.wait_for("sendMessage")
    assert call.error is None and call.params["parse_mode"] == "HTML"  # Telegram would accept it
    folded = folded_outlets(text_of(call))
    assert len(folded) == len(METHOD_OUTLETS)
    assert all(any(name in shown for shown in folded) for name in METHOD_OUTLETS)
    assert "Source: TJWG, Existing" in text_of(call).partition("<blockquote")[0]  # the report stays in view


async def test_inline_results_fold_many_outlets_as_messages_do(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.inline(METHOD_QUESTION)
    call = await fake_bot_api.wait_for("answerInlineQuery")
    assert call.error is None
    texts = [r["input_message_content"]["message_text"] for r in call.params["results"]]
    assert len(folded_outlets(texts[0])) == len(METHOD_OUTLETS)

    mark = len(fake_bot_api.calls)
    fake_bot_api.inline("mss share")  # three outlets or fewer: on the source line, nothing folded
    call = await fake_bot_api.wait_for("answerInlineQuery", since=mark)
    first = call.params["results"][0]["input_message_content"]["message_text"]
    assert MSS_FIGURE in first and "<blockquote" not in first and '<a href="https://' in first


async def test_inline_query_with_no_match_offers_the_bot(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.inline("qwxz zzyzx")
    call = await fake_bot_api.wait_for("answerInlineQuery")
    assert call.params["results"] == [] and call.params["button"]["start_parameter"] == "inline"


# --- operations --------------------------------------------------------------------------------


async def test_an_error_is_logged_and_the_user_told(
    bot: Any, fake_bot_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    fake_bot_api.fail("sendMessage", 400, "Bad Request: chat not found")
    fake_bot_api.message(MSS_QUESTION)
    call = await fake_bot_api.wait_for("sendMessage")
    assert text_of(call) == ERROR_TEXT
    errors = [r for r in caplog.records if r.name == "bot.telegram.handlers" and r.levelno == logging.ERROR]
    assert errors and errors[0].exc_info is not None


# PTB's own RetryAfter.__init__ reads its deprecated int-valued `retry_after` (v22.2), which warns; nothing in
# the bot touches it, and pyproject turns warnings into errors.
@pytest.mark.filterwarnings(
    "ignore:Deprecated since version v22.2. In a future major version attribute .retry_after."
    ":telegram.warnings.PTBDeprecationWarning"
)
async def test_a_flood_limit_is_waited_out(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    fake_bot_api.message(MSS_QUESTION)
    call = await fake_bot_api.wait_for("sendMessage", timeout=8)
    assert MSS_FIGURE in text_of(call)
    assert [c.error for c in fake_bot_api.calls_to("sendMessage")] == ["Too Many Requests: retry after 1", None]


@pytest.fixture
def bot_logging(caplog: pytest.LogCaptureFixture, telegram_settings: Settings) -> Iterator[pytest.LogCaptureFixture]:
    """Logging as run_bot sets it up, with everything from DEBUG up captured; put back afterwards."""
    names = ("httpx", "httpcore", "telegram")
    levels = {name: logging.getLogger(name).level for name in names}
    caplog.set_level(logging.DEBUG)
    redactor = configure_logging(replace(telegram_settings, log_level="DEBUG"))
    yield caplog
    for handler in logging.getLogger().handlers:
        handler.removeFilter(redactor)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


async def test_logs_hold_no_token_no_text_and_no_ids(
    bot_logging: pytest.LogCaptureFixture,
    telegram_settings: Settings,
    telegram_answerer: Answerer,
    fake_bot_api: FakeBotApi,
) -> None:
    person = user(987654321, "Private Person")
    logging.getLogger("tests").warning("a URL with the token: %s%s/getMe", telegram_settings.base_url, TOKEN)
    async with running_bot(telegram_settings, telegram_answerer):
        fake_bot_api.message(MSS_QUESTION, sender=person)
        fake_bot_api.fail("sendMessage", 400, f"Bad Request: {TOKEN}")  # even an error quoting the token
        fake_bot_api.message("a secret question about zebras", sender=person)
        fake_bot_api.inline("zebras in the secret garden", sender=person)
        await fake_bot_api.wait_for("answerInlineQuery")
    logged = bot_logging.text + "".join(r.getMessage() for r in bot_logging.records)
    assert TOKEN not in logged and "[redacted]" in logged
    assert "secret question" not in logged and "zebras" not in logged and MSS_QUESTION not in logged
    assert "987654321" not in logged
    assert "mss_responsibility lang=en" in logged  # what is logged: intent, language, confidence


# --- webhook -----------------------------------------------------------------------------------


async def test_webhook_accepts_only_the_right_secret(
    telegram_settings: Settings, telegram_answerer: Answerer, fake_bot_api: FakeBotApi
) -> None:
    port = free_port()
    settings = replace(
        telegram_settings,
        webhook_url=f"http://127.0.0.1:{port}",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_path="telegram",
    )
    url = f"http://127.0.0.1:{port}/telegram"
    header = "X-Telegram-Bot-Api-Secret-Token"
    wrong = fake_bot_api.message("How many victims were arrested in Russia?")
    missing = fake_bot_api.message("/start")
    right = fake_bot_api.message(MSS_QUESTION)
    fake_bot_api.updates.clear()  # these go to the webhook, not to getUpdates
    async with running_bot(settings, telegram_answerer, webhook=True), aiohttp.ClientSession() as session:
        registered = fake_bot_api.calls_to("setWebhook")[-1].params
        assert registered["url"] == url and registered["secret_token"] == settings.webhook_secret
        async with session.post(url, json=wrong, headers={header: "not-the-secret"}) as response:
            assert response.status == 403
        async with session.post(url, json=missing) as response:
            assert response.status == 403
        async with session.post(url, json=right, headers={header: settings.webhook_secret}) as response:
            assert response.status == 200
        call = await fake_bot_api.wait_for("sendMessage")
    assert MSS_FIGURE in text_of(call)
    assert fake_bot_api.sent() == [text_of(call)]  # nothing came of the two rejected posts


def test_webhook_url_is_the_public_url_plus_path(telegram_settings: Settings) -> None:
    for public in ("https://bot.example.org", "https://bot.example.org/", "https://bot.example.org/hook"):
        options = webhook_options(replace(telegram_settings, webhook_url=public, webhook_path="hook"))
        assert options["webhook_url"] == "https://bot.example.org/hook" and options["url_path"] == "hook"


# --- `nkbot run` as a process ------------------------------------------------------------------


def nkbot_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NKBOT_"))}
    return {**env, "PYTHONUNBUFFERED": "1", **values}


def nkbot_command() -> list[str]:
    script = Path(sys.executable).with_name("nkbot")
    return [str(script), "run"] if script.exists() else [sys.executable, "-m", "bot", "run"]


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"TELEGRAM_BOT_TOKEN": "123:short"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"TELEGRAM_BOT_TOKEN_FILE": "/nonexistent/token"}, "TELEGRAM_BOT_TOKEN_FILE: cannot read"),
    ],
    ids=["missing", "malformed", "too-short", "unreadable-file"],
)
def test_nkbot_run_without_a_usable_token_exits_2_with_one_line(env: dict[str, str], says: str) -> None:
    done = subprocess.run(
        nkbot_command(), env=nkbot_env(**env), capture_output=True, text=True, timeout=30, cwd=PROJECT
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and says in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


async def run_nkbot(env: dict[str, str]) -> asyncio.subprocess.Process:
    command = nkbot_command()
    return await asyncio.create_subprocess_exec(
        *command, env=nkbot_env(**env), cwd=PROJECT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )


async def stop_nkbot(process: asyncio.subprocess.Process) -> str:
    """Interrupt `nkbot run` as Ctrl-C would (unless it already ended), and return what it logged."""
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGINT)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    return stderr.decode()


async def test_nkbot_run_answers_over_polling_and_stops_cleanly(
    fake_bot_api: FakeBotApi, telegram_db_path: Path
) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": fake_bot_api.base_url,
        "NKBOT_DB": str(telegram_db_path),
        "NKBOT_LOG_LEVEL": "DEBUG",
    }
    process = await run_nkbot(env)
    fake_bot_api.message(MSS_QUESTION, sender=user(987654321))
    try:
        call = await fake_bot_api.wait_for("sendMessage", timeout=20)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nnkbot run logged:\n{await stop_nkbot(process)}") from None
    log = await stop_nkbot(process)
    assert MSS_FIGURE in text_of(call)
    assert {c.params.get("language_code") for c in fake_bot_api.calls_to("setMyCommands")} == {None, "ko"}
    assert process.returncode == 0, log
    assert "Traceback" not in log and TOKEN not in log
    assert MSS_QUESTION not in log and "987654321" not in log
    assert "mss_responsibility lang=en" in log


async def test_nkbot_run_with_a_token_the_server_rejects_exits_2(
    fake_bot_api: FakeBotApi, telegram_db_path: Path
) -> None:
    rejected = "654321:" + "B" * 35
    process = await run_nkbot(
        {"TELEGRAM_BOT_TOKEN": rejected, "TELEGRAM_BASE_URL": fake_bot_api.base_url, "NKBOT_DB": str(telegram_db_path)}
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    log = stderr.decode()
    assert process.returncode == 2, log
    assert "rejected TELEGRAM_BOT_TOKEN" in log and "Traceback" not in log and rejected not in log
    assert [line for line in log.splitlines() if " ERROR " in line] == [log.splitlines()[-1]]


async def test_nkbot_run_with_an_unreachable_server_exits_1(telegram_db_path: Path) -> None:
    process = await run_nkbot(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": f"http://127.0.0.1:{free_port()}/bot",
            "NKBOT_DB": str(telegram_db_path),
        }
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    log = stderr.decode()
    assert process.returncode == 1, log
    assert "cannot reach the Bot API" in log and "Traceback" not in log and TOKEN not in log
    assert [line for line in log.splitlines() if " ERROR " in line] == [log.splitlines()[-1]]
