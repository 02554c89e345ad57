"""Charts and quotes on Telegram, end to end over real HTTP: the real Application polling the fake Bot API.

An answer with a chart carries "📊 Chart" and "❝ Quote" buttons; a chart is rendered once, uploaded once, and sent
by Telegram's file_id after that; /chart and /quote do the same from a topic or a question.
"""

from __future__ import annotations

import html
import logging
import struct
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from fake_bot_api import PNG_SIGNATURE, Call, FakeBotApi, group_chat, user

from bot import charts, wording
from bot.answerer import Answerer
from bot.telegram.app import Network

SLOW = 30.0  # seconds: the first chart of a run imports matplotlib and loads the fonts


@pytest.fixture
async def bot(start_bot: Callable[..., Any], fast_network: Network) -> AsyncIterator[Any]:
    """The bot, polling the fake server with its own (empty) chart cache and file_id memory."""
    async with start_bot(fast_network) as app:
        yield app


def text_of(call: Call) -> str:
    return str(call.params["text"])


def buttons(call: Call) -> list[dict[str, Any]]:
    return [b for row in call.params.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def title(answerer: Answerer, breakdown_id: str, lang: str) -> str:
    return charts.describe(answerer.data, breakdown_id, lang).title


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    return struct.unpack(">II", png[16:24])


async def photo_after(fake: FakeBotApi, mark: int) -> Call:
    return await fake.wait_for("sendPhoto", since=mark, timeout=SLOW)


# --- the buttons under answers -----------------------------------------------------------------


async def test_a_breakdown_answer_gets_chart_and_quote_and_the_chart_is_uploaded_once(
    bot: Any, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    fake_bot_api.message("how many women")
    answer = await fake_bot_api.wait_for("sendMessage")
    assert "Sex of victims" in text_of(answer)
    assert [(b["text"], b["callback_data"]) for b in buttons(answer)] == [
        ("📊 Chart", "c:en:sex"),
        ("❝ Quote", "q:en:sex:female"),  # the category answered, for a reply to it
    ]

    mark = len(fake_bot_api.calls)
    query = fake_bot_api.callback(answer.result, "c:en:sex")
    first = await photo_after(fake_bot_api, mark)
    acknowledged = fake_bot_api.calls_to("answerCallbackQuery", since=mark)
    assert [c.params["callback_query_id"] for c in acknowledged] == [query["callback_query"]["id"]]
    assert fake_bot_api.calls.index(acknowledged[0]) < fake_bot_api.calls.index(first)  # the spinner stops first
    assert first.photo_sent_as == "upload"
    png = first.files["photo"]
    assert png_size(png) == (charts.WIDTH, charts.HEIGHT) and 20_000 < len(png) < 1_000_000
    caption = first.params["caption"]
    assert first.params["parse_mode"] == "HTML"
    assert title(telegram_answerer, "sex", "en") in caption and "Source: TJWG" in caption
    assert '<a href="https://' in caption and len(caption) <= 2048
    assert "reply_parameters" not in first.params  # a button press is not quoted

    mark = len(fake_bot_api.calls)
    fake_bot_api.callback(answer.result, "c:en:sex")
    second = await photo_after(fake_bot_api, mark)
    assert second.photo_sent_as == "file_id" and second.files == {}
    assert second.params["photo"] == "photo-1"  # the largest size of the first upload
    assert second.params["caption"] == caption
    assert fake_bot_api.uploads == [png]  # one upload in all


async def test_a_topic_without_a_breakdown_gets_quote_only_and_a_decline_its_topics_only(
    bot: Any, fake_bot_api: FakeBotApi
) -> None:
    fake_bot_api.message("What share of disappearances is the MSS responsible for?")
    answer = await fake_bot_api.wait_for("sendMessage")
    assert [(b["text"], b["callback_data"]) for b in buttons(answer)] == [("❝ Quote", "q:en:mss_responsibility")]

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("What will the weather be like in Pyongyang tomorrow?")
    decline = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert buttons(decline) and all(b["callback_data"].startswith("t:en:") for b in buttons(decline))


async def test_korean_answers_get_korean_buttons_and_a_topic_button_answer_has_them_too(
    bot: Any, fake_bot_api: FakeBotApi
) -> None:
    fake_bot_api.message("연좌제로 실종된 사람은 몇 명?")
    answer = await fake_bot_api.wait_for("sendMessage")
    assert [(b["text"], b["callback_data"]) for b in buttons(answer)] == [
        ("📊 차트", "c:ko:reason"),
        ("❝ 인용", "q:ko:reasons:guilt_by_association"),
    ]
    mark = len(fake_bot_api.calls)
    fake_bot_api.message("/topics")
    menu = await fake_bot_api.wait_for("sendMessage", since=mark)
    fake_bot_api.callback(menu.result, "t:en:era")
    pressed = await fake_bot_api.wait_for("sendMessage", since=fake_bot_api.calls.index(menu) + 1)
    assert [b["callback_data"] for b in buttons(pressed)] == ["c:en:era", "q:en:era"]


# --- /chart ------------------------------------------------------------------------------------


async def test_chart_command_sends_the_chart_in_the_right_language(
    bot: Any, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    fake_bot_api.message("/chart reasons")
    english = await photo_after(fake_bot_api, 0)
    assert english.photo_sent_as == "upload"
    assert english.params["caption"].startswith(f"<b>{html.escape(title(telegram_answerer, 'reason', 'en'))}</b>")

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("/chart 연좌제")
    korean = await photo_after(fake_bot_api, mark)
    assert korean.photo_sent_as == "upload"  # another language, another picture
    caption = korean.params["caption"]
    assert title(telegram_answerer, "reason", "ko") in caption and "출처:" in caption
    assert Answerer.language_of(html.unescape(caption)) == "ko"
    assert fake_bot_api.uploads[0] != fake_bot_api.uploads[1]

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("/chart reasons")  # the same chart again: by file_id
    again = await photo_after(fake_bot_api, mark)
    assert again.photo_sent_as == "file_id" and again.params["photo"] == "photo-1"


async def test_chart_command_without_a_chart_answers_calmly_with_the_charts(
    bot: Any, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    every_chart = [f"c:en:{b}" for b in charts.chart_ids(telegram_answerer.data)]
    fake_bot_api.message("/chart the weather in Pyongyang tomorrow")
    unknown = await fake_bot_api.wait_for("sendMessage")
    assert text_of(unknown) == wording.WORDS["en"]["chart_unknown"]
    assert [b["callback_data"] for b in buttons(unknown)] == every_chart

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("/chart mss_responsibility")  # a topic, but one figure, not a breakdown
    none = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert "MSS responsibility" in text_of(none) and [b["callback_data"] for b in buttons(none)] == every_chart

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("/chart")
    usage = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert "/chart reasons" in text_of(usage) and [b["callback_data"] for b in buttons(usage)] == every_chart
    assert buttons(usage)[0]["text"] == title(telegram_answerer, "mss_role", "en")
    assert fake_bot_api.calls_to("sendPhoto") == []

    mark = len(fake_bot_api.calls)
    fake_bot_api.callback(usage.result, "c:en:mss_role")  # a chart no topic answer offers, from the list
    photo = await photo_after(fake_bot_api, mark)
    assert title(telegram_answerer, "mss_role", "en") in html.unescape(photo.params["caption"])


async def test_chart_command_in_a_group_replies_to_the_command(bot: Any, fake_bot_api: FakeBotApi) -> None:
    asked = fake_bot_api.message("/chart age", chat=group_chat())
    photo = await photo_after(fake_bot_api, 0)
    assert photo.params["reply_parameters"]["message_id"] == asked["message"]["message_id"]


async def test_a_file_id_telegram_forgot_is_replaced_by_a_new_upload(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.message("/chart sex")
    await photo_after(fake_bot_api, 0)
    fake_bot_api.photo_files.clear()  # as if Telegram no longer knew the file
    mark = len(fake_bot_api.calls)
    fake_bot_api.message("/chart sex")
    await fake_bot_api.wait_for("sendPhoto", lambda c: c.photo_sent_as == "upload", since=mark, timeout=SLOW)
    refused = fake_bot_api.calls_to("sendPhoto", since=mark)[0]
    assert refused.photo_sent_as == "file_id" and refused.error is not None
    assert len(fake_bot_api.uploads) == 2 and fake_bot_api.sent() == []  # no error message reached the chat


async def test_stale_chart_and_quote_buttons_are_acknowledged(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.message("/topics")
    menu = await fake_bot_api.wait_for("sendMessage")
    fake_bot_api.callback(menu.result, "c:en:a_removed_breakdown")
    last = fake_bot_api.callback(menu.result, "q:xx:sex")["callback_query"]["id"]
    await fake_bot_api.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == last)
    acknowledged = [c.params.get("text") for c in fake_bot_api.calls_to("answerCallbackQuery")]
    assert acknowledged == [wording.WORDS["en"]["topic_gone"]] * 2  # updates are handled in order
    assert fake_bot_api.calls_to("sendPhoto") == [] and fake_bot_api.sent() == [text_of(menu)]


# --- quotes ------------------------------------------------------------------------------------


async def test_quote_button_and_command_send_the_plain_citation(
    bot: Any, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    citation = telegram_answerer.quote("mss_responsibility", "en")
    assert citation is not None
    fake_bot_api.message("What share of disappearances is the MSS responsible for?")
    answer = await fake_bot_api.wait_for("sendMessage")

    mark = len(fake_bot_api.calls)
    fake_bot_api.callback(answer.result, "q:en:mss_responsibility")
    pressed = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert fake_bot_api.calls_to("answerCallbackQuery", since=mark)
    quoted = html.unescape(text_of(pressed))
    assert quoted == citation
    assert quoted.startswith("Counting arrest, detention and repatriation") and "92 of 113" in quoted.split("\n")[0]
    assert "Source: Transitional Justice Working Group" in quoted and "https://" in quoted
    assert "<a " not in text_of(pressed) and pressed.params["link_preview_options"] == {"is_disabled": True}
    assert "reply_markup" not in pressed.params

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("/quote mss_responsibility")
    command = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert text_of(command) == text_of(pressed)


async def test_the_quote_button_under_a_category_answer_quotes_that_category(
    bot: Any, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    fake_bot_api.message("How many were arrested in China?")
    answer = await fake_bot_api.wait_for("sendMessage")
    quote = [b["callback_data"] for b in buttons(answer) if b["callback_data"].startswith("q:")]
    assert quote == ["q:en:arrest_location:china"]  # what a reply to this answer is read against, on any worker

    mark = len(fake_bot_api.calls)
    fake_bot_api.callback(answer.result, quote[0])
    pressed = await fake_bot_api.wait_for("sendMessage", since=mark)
    card = html.unescape(text_of(pressed))
    lead = card.split("\n")[0]
    assert lead.startswith("19 victims") and "China" in lead and "inside North Korea" not in card
    assert "Korea Herald only" in lead  # the category's own caveat
    assert "The Korea Herald" in card and "https://m.koreaherald.com/" in card  # its outlet, linked
    assert "Seoul Economic Daily" not in card  # the topic's other outlet, behind a figure the card does not give

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("/quote arrest_location")  # the command still quotes the topic
    command = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert html.unescape(text_of(command)) == telegram_answerer.quote("arrest_location", "en")
    assert "inside North Korea" in html.unescape(text_of(command))


async def test_a_korean_category_quote_button_quotes_the_category_in_korean(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.message("중국에서 체포된 사람은 몇 명?")
    answer = await fake_bot_api.wait_for("sendMessage")
    quote = [b["callback_data"] for b in buttons(answer) if b["callback_data"].startswith("q:")]
    assert quote == ["q:ko:arrest_location:china"]
    mark = len(fake_bot_api.calls)
    fake_bot_api.callback(answer.result, quote[0])
    card = html.unescape(text_of(await fake_bot_api.wait_for("sendMessage", since=mark)))
    assert card.startswith("19명") and "중국" in card.split("\n")[0] and "출처:" in card


async def test_a_quote_button_naming_a_category_the_data_no_longer_has_quotes_the_topic(
    bot: Any, fake_bot_api: FakeBotApi, telegram_answerer: Answerer
) -> None:
    fake_bot_api.message("/topics")
    menu = await fake_bot_api.wait_for("sendMessage")
    mark = len(fake_bot_api.calls)
    fake_bot_api.callback(menu.result, "q:en:arrest_location:atlantis")
    pressed = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert html.unescape(text_of(pressed)) == telegram_answerer.quote("arrest_location", "en")


async def test_korean_quote(bot: Any, fake_bot_api: FakeBotApi, telegram_answerer: Answerer) -> None:
    fake_bot_api.message("/quote 보위성 책임")
    command = await fake_bot_api.wait_for("sendMessage")
    quoted = html.unescape(text_of(command))
    assert quoted == telegram_answerer.quote("mss_responsibility", "ko")
    assert quoted.startswith("체포·구금·송환을 모두 합치면") and "113명 중 92명" in quoted.split("\n")[0]
    assert "출처: 전환기정의워킹그룹" in quoted

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("보위성 책임 비율은?")
    answer = await fake_bot_api.wait_for("sendMessage", since=mark)
    fake_bot_api.callback(answer.result, buttons(answer)[-1]["callback_data"])
    pressed = await fake_bot_api.wait_for("sendMessage", since=fake_bot_api.calls.index(answer) + 1)
    assert text_of(pressed) == text_of(command)


async def test_quote_without_a_topic_offers_quote_buttons(bot: Any, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.message("/quote")
    usage = await fake_bot_api.wait_for("sendMessage")
    assert "/quote mss_responsibility" in text_of(usage)
    assert buttons(usage) and all(b["callback_data"].startswith("q:en:") for b in buttons(usage))

    mark = len(fake_bot_api.calls)
    fake_bot_api.message("/quote the weather in Pyongyang tomorrow")
    unknown = await fake_bot_api.wait_for("sendMessage", since=mark)
    assert text_of(unknown) == wording.WORDS["en"]["quote_unknown"]
    assert buttons(unknown) and all(b["callback_data"].startswith("q:en:") for b in buttons(unknown))


# --- menu and privacy --------------------------------------------------------------------------


async def test_chart_and_quote_are_in_both_command_menus(bot: Any, fake_bot_api: FakeBotApi) -> None:
    menus = {c.params.get("language_code"): c.params["commands"] for c in fake_bot_api.calls_to("setMyCommands")}
    for lang, menu in ((None, menus[None]), ("ko", menus["ko"])):
        described = {c["command"]: c["description"] for c in menu}
        assert {"chart", "quote"} <= set(described)
        assert described["chart"] == wording.WORDS[lang or "en"]["command_chart"]


async def test_chart_and_quote_logs_name_the_topic_and_language_only(
    bot: Any, fake_bot_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.telegram.handlers")
    person = user(987654321, "Private Person")
    fake_bot_api.message("/chart how many women?", sender=person)
    await photo_after(fake_bot_api, 0)
    fake_bot_api.message("/quote what share is the MSS responsible for?", sender=person)
    await fake_bot_api.wait_for("sendMessage")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "bot.telegram.handlers")
    assert "chart sex lang=en (uploaded)" in logged and "quote mss_responsibility lang=en" in logged
    assert "how many" not in logged and "what share" not in logged
    assert "987654321" not in logged and "Private Person" not in logged
