"""Telegram glue: each handler adapts one kind of update to the answerer, and its Reply to messages."""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    MaybeInaccessibleMessage,
    Message,
    MessageEntity,
    PhotoSize,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackContext, ExtBot, filters

from . import texts
from .answerer import Answerer
from .answers import REPORT_URL, UI, Reply, Topic, Writer
from .charts import ChartCache, chart_ids, describe, fingerprint
from .models import Dataset
from .telegram_html import split_html, units

logger = logging.getLogger(__name__)

TOPIC_PREFIX = "t:"  # callback data "t:<lang>:<topic_id>": the button's language is the answer's
LANG_PREFIX = "lang:"  # callback data "lang:<en|ko>"
CHART_PREFIX = "c:"  # callback data "c:<lang>:<breakdown_id>": send that breakdown's chart in that language
QUOTE_PREFIX = "q:"  # callback data "q:<lang>:<topic_id>": send that topic's citation in that language
CALLBACK_DATA_BYTES = 64  # Telegram's limit on callback data
INLINE_CACHE_SECONDS = 300  # results depend on the query alone, so Telegram may share them between users
INLINE_DESCRIPTION_CHARS = 100
CAPTION_CHARS = 1024  # Telegram's limit on a photo caption, counted after the HTML is parsed
METHOD_FINDINGS = ("interviewees_total", "cases_total", "victims_total")  # the method, in /about
LATIN = re.compile(r"[A-Za-z]")


@dataclass
class ChatData:
    """All the bot keeps about a chat: the menu language chosen with /lang, in memory, never on disk."""

    lang: str | None = None


ChartKey = tuple[str, str, str]  # (breakdown id, language, fingerprint of the data the chart is drawn from)


@dataclass
class BotData:
    """What every handler shares: the answerer, handed in by build_application; the charts rendered from its
    data (rebuilt when the answerer loads new data); and the file_id Telegram gave each chart uploaded, so that
    a chart is uploaded once and sent by reference after that. All in memory."""

    answerer: Answerer | None = None
    charts: ChartCache | None = None
    photo_ids: dict[ChartKey, str] = field(default_factory=dict)


class Context(CallbackContext[ExtBot[Any], dict[Any, Any], ChatData, BotData]):
    """The callback context, typed, with the answerer at hand."""

    @property
    def answerer(self) -> Answerer:
        answerer = self.bot_data.answerer
        if answerer is None:
            raise RuntimeError("no answerer: build the Application with bot.app.build_application()")
        return answerer

    def chart_cache(self) -> ChartCache:
        """The chart cache for the data the answerer serves now."""
        return chart_cache(self.bot_data, self.answerer.data)


def chart_cache(bot_data: BotData, data: Dataset) -> ChartCache:
    """bot_data's ChartCache, replaced by a new one when `data` is not the data it was built on; file_ids of
    charts that the new data draws differently are forgotten."""
    cache = bot_data.charts
    if cache is None or cache.data is not data:
        cache = bot_data.charts = ChartCache(data)
        current = {(b, fingerprint(data, b)) for b in chart_ids(data)}
        bot_data.photo_ids = {k: v for k, v in bot_data.photo_ids.items() if (k[0], k[2]) in current}
    return cache


Callback = Callable[[Update, Context], Awaitable[None]]


# --- languages ---------------------------------------------------------------------------------


def menu_lang(update: object, context: Context) -> str:
    """The language of menus and commands: the chat's /lang choice, else the user's Telegram language."""
    if context.chat_data is not None and context.chat_data.lang:
        return context.chat_data.lang
    user = update.effective_user if isinstance(update, Update) else None
    return "ko" if user and (user.language_code or "").lower().startswith("ko") else "en"


def question_lang(question: str, fallback: str) -> str:
    """The language to answer in: Hangul is Korean, Latin letters English; neither (emoji, digits): `fallback`."""
    if Answerer.language_of(question) == "ko":
        return "ko"
    return "en" if LATIN.search(question) else fallback


# --- sending -----------------------------------------------------------------------------------


async def send_html(
    target: MaybeInaccessibleMessage, body: str, markup: InlineKeyboardMarkup | None = None, quote: bool | None = None
) -> None:
    """Send HTML in as many messages as the limit needs, replying to `target`; the keyboard goes with the last.

    `quote` None quotes in groups and not in private chats (PTB's default); later parts never quote.
    """
    chunks = split_html(body)
    for k, chunk in enumerate(chunks):
        keyboard = markup if k == len(chunks) - 1 else None
        if isinstance(target, Message):
            await target.reply_text(chunk, reply_markup=keyboard, do_quote=quote if k == 0 else False)
        else:  # a message too old to reply to: send to its chat
            await target.get_bot().send_message(target.chat.id, chunk, reply_markup=keyboard)


async def send_reply(
    target: MaybeInaccessibleMessage, reply: Reply, quote: bool | None = None, data: Dataset | None = None
) -> None:
    """Send an answer; a decline carries its "did you mean" topics as buttons, an answer its share buttons
    (Chart when the topic has a chart, Quote always) when `data` is given."""
    if reply.suggestions:
        markup: InlineKeyboardMarkup | None = topic_keyboard(reply.suggestions, reply.lang, columns=1)
    else:
        markup = share_keyboard(reply, data) if data is not None else None
    await send_html(target, reply.html, markup, quote)


def topic_keyboard(
    topics: Sequence[Topic], lang: str, columns: int = 2, prefix: str = TOPIC_PREFIX
) -> InlineKeyboardMarkup:
    """Buttons that answer a topic when pressed, in `lang` (with QUOTE_PREFIX: that send its citation)."""
    buttons = [InlineKeyboardButton(t.title, callback_data=topic_data(t.id, lang, prefix)) for t in topics]
    return InlineKeyboardMarkup([buttons[k : k + columns] for k in range(0, len(buttons), columns)])


def topic_data(topic_id: str, lang: str, prefix: str = TOPIC_PREFIX) -> str:
    return f"{prefix}{lang}:{topic_id}"


def chart_data(breakdown_id: str, lang: str) -> str:
    return f"{CHART_PREFIX}{lang}:{breakdown_id}"


def reply_chart(reply: Reply, data: Dataset) -> str | None:
    """The breakdown whose chart goes with an answer: for an answer about one category, its breakdown; for a
    topic, the first of its breakdowns that has a chart; None for a decline or a topic without breakdowns."""
    intent = data.intents.get(reply.intent or "")
    if intent is None or not intent.breakdowns:
        return None
    charted = chart_ids(data)
    if reply.category:
        for finding_id in reply.facts:
            finding = data.findings.get(finding_id)
            if finding and finding.category == reply.category and finding.breakdown in charted:
                return finding.breakdown
    return next((b for b in intent.breakdowns if b in charted), None)


def share_keyboard(reply: Reply, data: Dataset) -> InlineKeyboardMarkup | None:
    """An answer's "📊 Chart" (when it has a chart) and "❝ Quote" buttons, in the answer's language."""
    if reply.intent is None:
        return None
    labels = texts.SHARE_BUTTONS.get(reply.lang, texts.SHARE_BUTTONS["en"])
    row = [InlineKeyboardButton(labels["quote"], callback_data=topic_data(reply.intent, reply.lang, QUOTE_PREFIX))]
    breakdown = reply_chart(reply, data)
    if breakdown is not None:
        row.insert(0, InlineKeyboardButton(labels["chart"], callback_data=chart_data(breakdown, reply.lang)))
    return InlineKeyboardMarkup([row])


def chart_keyboard(data: Dataset, lang: str) -> InlineKeyboardMarkup:
    """Every chart as a button, titled as the chart is."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(data.breakdowns[b].title[lang], callback_data=chart_data(b, lang))]
            for b in chart_ids(data)
        ]
    )


def chart_caption(data: Dataset, breakdown_id: str, lang: str) -> str:
    """A chart's caption in Telegram HTML: its title, then the source line with the outlets linked."""
    chart = describe(data, breakdown_id, lang)
    refs, prefix = Writer(data).source_line(data.categories(breakdown_id), lang, chart.context)
    joiner = f" {UI[lang]['and']} "
    links = joiner.join(f'<a href="{html.escape(r.url, quote=True)}">{html.escape(r.label)}</a>' for r in refs)
    caption = f"<b>{html.escape(chart.title)}</b>\n<i>{html.escape(prefix)}</i> {links}".strip()
    plain = f"{chart.title}\n{prefix} {joiner.join(r.label for r in refs)}".strip()
    if units(plain) > CAPTION_CHARS:  # never with today's data; a cut caption is better than a refused photo
        caption = html.escape(preview(plain, CAPTION_CHARS // 2))  # half: characters, where Telegram counts UTF-16
    return caption


def largest(sizes: Sequence[PhotoSize]) -> PhotoSize:
    return max(sizes, key=lambda p: (p.width * p.height, p.file_size or 0))


async def send_chart(
    target: MaybeInaccessibleMessage,
    context: Context,
    breakdown_id: str,
    lang: str,
    quote: bool | None = None,
    kind: str = "chart",
) -> None:
    """Send a chart as a photo: by the file_id Telegram gave it when it was first uploaded, else rendered (once per
    breakdown, language and data version, off the event loop) and uploaded, remembering the file_id it gets."""
    cache = context.chart_cache()
    data = cache.data
    key = (breakdown_id, lang, fingerprint(data, breakdown_id))
    caption = chart_caption(data, breakdown_id, lang)
    file_id = context.bot_data.photo_ids.get(key)
    if file_id is not None:
        try:
            await _send_photo(target, file_id, caption, quote)
            logger.info("%s: chart %s lang=%s (sent by file_id)", kind, breakdown_id, lang)
            return
        except BadRequest as exc:
            if "file" not in exc.message.lower():  # "wrong file identifier…": Telegram no longer knows the file
                raise
            logger.warning("chart %s lang=%s: file_id refused, uploading the chart again", breakdown_id, lang)
            context.bot_data.photo_ids.pop(key, None)
    png = await asyncio.to_thread(cache.get, breakdown_id, lang)
    sent = await _send_photo(target, png, caption, quote, filename=f"{breakdown_id}-{lang}.png")
    if sent.photo:
        context.bot_data.photo_ids[key] = largest(sent.photo).file_id
    logger.info("%s: chart %s lang=%s (uploaded)", kind, breakdown_id, lang)


async def _send_photo(
    target: MaybeInaccessibleMessage, photo: bytes | str, caption: str, quote: bool | None, filename: str | None = None
) -> Message:
    if isinstance(target, Message):
        return await target.reply_photo(photo, caption=caption, filename=filename, do_quote=quote)
    return await target.get_bot().send_photo(target.chat.id, photo, caption=caption, filename=filename)


async def send_quote(target: MaybeInaccessibleMessage, citation: str, quote: bool | None = None) -> None:
    """Send a plain-text citation as it should be pasted: escaped, links written out and not previewed."""
    await send_html(target, html.escape(citation, quote=False), quote=quote)


def lang_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(name, callback_data=f"{LANG_PREFIX}{code}") for code, name in texts.LANG_NAMES.items()]]
    )


def log_reply(kind: str, reply: Reply) -> None:
    """Log what was answered, never the question and never who asked."""
    logger.info("%s: %s lang=%s confidence=%d", kind, reply.intent or "declined", reply.lang, reply.confidence)


def update_kind(update: object) -> str:
    """'message in private', 'callback_query', 'inline_query'…: enough to read a log, nothing personal."""
    if not isinstance(update, Update):
        return type(update).__name__
    for name in ("message", "edited_message", "callback_query", "inline_query"):
        if getattr(update, name) is not None:
            chat = update.effective_chat
            return f"{name} in {chat.type}" if chat is not None else name
    return "update"


# --- wording built from the answerer -----------------------------------------------------------


def greeting_text(lang: str) -> str:
    return texts.text(
        lang, "greeting", report=texts.REPORT_TITLE[lang], date=texts.REPORT_DATE[lang], publisher=texts.PUBLISHER[lang]
    )


def help_text(lang: str, username: str) -> str:
    commands = "\n".join(f"/{name} — {texts.command_description(lang, name)}" for name, _ in COMMANDS)
    return texts.text(
        lang,
        "help",
        username=username,
        example_en=texts.EXAMPLES["en"],
        example_ko=texts.EXAMPLES["ko"],
        publisher=texts.PUBLISHER[lang],
        commands=commands,
    )


def command_menu(lang: str) -> list[BotCommand]:
    """The menu setMyCommands publishes: the same table, and order, as /help."""
    return [BotCommand(name, texts.command_description(lang, name)) for name, _ in COMMANDS]


def sources_text(answerer: Answerer, lang: str) -> str:
    """Every source with its link: the report and its coverage first, then background sources."""
    coverage = [texts.text(lang, "sources")]
    background = [texts.text(lang, "sources_context")]
    for source, (ref, title) in zip(answerer.data.sources.values(), answerer.sources(lang), strict=True):
        line = f'• <a href="{html.escape(ref.url, quote=True)}">{html.escape(ref.label)}</a> — {html.escape(title)}'
        (background if source.kind == "context" else coverage).append(line)
    return "\n".join(coverage) + ("\n\n" + "\n".join(background) if len(background) > 1 else "")


def about_text(answerer: Answerer, lang: str) -> str:
    """The report and its method (figures from the database), what the bot does and doesn't, privacy."""
    findings = answerer.data.findings
    method = " ".join(answerer.writer.sentence(findings[f], lang) for f in METHOD_FINDINGS if f in findings)
    report = texts.text(
        lang,
        "about_report",
        report=texts.REPORT_TITLE[lang],
        date=texts.REPORT_DATE[lang],
        publisher=texts.PUBLISHER[lang],
    )
    return "\n\n".join(
        [
            texts.text(lang, "about_title"),
            f"{report} {html.escape(method)}".strip(),
            texts.text(lang, "about_does"),
            texts.text(lang, "about_doesnt"),
            texts.text(lang, "about_privacy"),
            texts.text(lang, "about_link", url=REPORT_URL, url_label=texts.REPORT_LINK_LABEL[lang]),
        ]
    )


def inline_article(index: int, reply: Reply) -> InlineQueryResultArticle:
    """One inline result: the answer as a ready-to-send message with its figure and source line."""
    return InlineQueryResultArticle(
        id=f"{index}-{reply.lang}-{reply.intent}"[:CALLBACK_DATA_BYTES],
        title=reply.title,
        description=preview(reply.body),
        input_message_content=InputTextMessageContent(
            split_html(reply.html)[0],
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
    )


def preview(text: str, limit: int = INLINE_DESCRIPTION_CHARS) -> str:
    """The start of a text, cut at a word and marked with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,.;:") + "…"


def text_after_command(message: Message) -> str:
    parts = (message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def mentions(message: Message, username: str | None) -> bool:
    if not username:
        return False
    found = message.parse_entities([MessageEntity.MENTION]).values()
    return any(text[1:].lower() == username.lower() for text in found)


def without_mention(text: str, username: str | None) -> str:
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip() if username else text


class AddressedToBot(filters.MessageFilter):
    """A message that mentions this bot by @username or replies to one of its messages."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        return mentions(message, bot.username)


# --- handlers ----------------------------------------------------------------------------------


async def answer(message: Message, question: str, update: Update, context: Context) -> None:
    """Answer a question in the language it is written in and send the reply to its chat."""
    reply = context.answerer.ask(question, question_lang(question, menu_lang(update, context)))
    log_reply(update_kind(update), reply)
    await send_reply(message, reply, data=context.answerer.data)


async def start(update: Update, context: Context) -> None:
    """Greet with the headline topics, or answer the topic a deep link names (/start <topic_id>)."""
    message, lang = update.effective_message, menu_lang(update, context)
    assert message is not None
    payload = context.args[0].lower() if context.args else ""
    reply = context.answerer.topic(payload, lang) if payload else None
    if reply is not None:
        log_reply("deep link", reply)
        await send_reply(message, reply, data=context.answerer.data)
        return
    keyboard = topic_keyboard(context.answerer.topics(lang, headline_only=True), lang)
    await message.reply_text(greeting_text(lang), reply_markup=keyboard)


async def help_command(update: Update, context: Context) -> None:
    """List how to ask and every command, from the command table."""
    assert update.effective_message is not None
    await send_html(update.effective_message, help_text(menu_lang(update, context), context.bot.username))


async def topics(update: Update, context: Context) -> None:
    """Offer every topic as a button."""
    assert update.effective_message is not None
    lang = menu_lang(update, context)
    keyboard = topic_keyboard(context.answerer.topics(lang), lang)
    await update.effective_message.reply_text(texts.text(lang, "topics"), reply_markup=keyboard)


async def sources(update: Update, context: Context) -> None:
    """List every source with its link, in as many messages as it takes."""
    assert update.effective_message is not None
    await send_html(update.effective_message, sources_text(context.answerer, menu_lang(update, context)))


async def about(update: Update, context: Context) -> None:
    """Say what the report is, what the bot does and does not do, and how it treats privacy."""
    assert update.effective_message is not None
    await send_html(update.effective_message, about_text(context.answerer, menu_lang(update, context)))


async def ask(update: Update, context: Context) -> None:
    """Answer the question after /ask: the way to ask in a group, and it works in private too."""
    message = update.effective_message
    assert message is not None
    question = text_after_command(message)
    if question.strip():
        await answer(message, question, update, context)
        return
    lang = menu_lang(update, context)
    await message.reply_text(texts.text(lang, "ask_usage", example=texts.EXAMPLES[lang]))


async def lang_command(update: Update, context: Context) -> None:
    """Set the chat's language of menus and commands (/lang en|ko), in memory only."""
    message = update.effective_message
    assert message is not None
    choice = texts.LANG_ALIASES.get(context.args[0].lower()) if context.args else None
    if choice is None or context.chat_data is None:
        await message.reply_text(texts.text(menu_lang(update, context), "lang_usage"), reply_markup=lang_keyboard())
        return
    context.chat_data.lang = choice
    await message.reply_text(texts.text(choice, "lang_set"))


async def answer_question(update: Update, context: Context) -> None:
    """Answer free text in a private chat."""
    message = update.effective_message
    assert message is not None
    await answer(message, message.text or "", update, context)


async def answer_mention(update: Update, context: Context) -> None:
    """Answer a group message that mentions the bot or replies to it, the @mention taken out."""
    message = update.effective_message
    assert message is not None
    await answer(message, without_mention(message.text or "", context.bot.username), update, context)


async def not_text(update: Update, context: Context) -> None:
    """Answer a sticker, photo, voice note, location or file with one friendly line."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.text(menu_lang(update, context), "not_text"))


async def unknown_command(update: Update, context: Context) -> None:
    """Point to /help on a command this bot lacks; stay silent on one addressed to another bot."""
    message = update.effective_message
    assert message is not None
    _, _, addressee = (message.text or "").split(maxsplit=1)[0].partition("@")
    if addressee and addressee.lower() != (context.bot.username or "").lower():
        return
    await message.reply_text(texts.text(menu_lang(update, context), "unknown_command"))


async def topic_button(update: Update, context: Context) -> None:
    """Answer the topic a button names: the button stops spinning first, then the answer is sent."""
    query = update.callback_query
    assert query is not None
    lang, _, topic_id = (query.data or "").removeprefix(TOPIC_PREFIX).partition(":")
    reply = context.answerer.topic(topic_id, lang) if lang in texts.LANGS else None
    if reply is None:
        await query.answer(texts.text(menu_lang(update, context), "topic_gone"))
        return
    await query.answer()
    log_reply(update_kind(update), reply)
    if query.message is not None:
        await send_reply(query.message, reply, quote=False, data=context.answerer.data)


def resolve(answerer: Answerer, argument: str, menu: str) -> Reply:
    """What /chart and /quote are about: a topic id (answered in the menu language), else the answer to the
    argument as a question (in its own language); a decline when neither."""
    key = argument.strip().lower()
    reply = answerer.topic(key, menu) if key in answerer.data.intents else None
    return reply or answerer.ask(argument, question_lang(argument, menu))


async def chart_command(update: Update, context: Context) -> None:
    """Send the chart of a topic, a question's breakdown or a breakdown id (/chart reasons, /chart 연좌제);
    with nothing after the command, or nothing charted, the charts there are, as buttons."""
    message = update.effective_message
    assert message is not None
    menu, argument = menu_lang(update, context), text_after_command(message)
    if not argument.strip():
        await message.reply_text(
            texts.text(menu, "chart_usage", example=texts.CHART_EXAMPLES[menu]),
            reply_markup=chart_keyboard(context.answerer.data, menu),
        )
        return
    key = argument.strip().lower()
    if key in chart_ids(context.answerer.data) and key not in context.answerer.data.intents:
        breakdown, lang = key, menu
    else:
        reply = resolve(context.answerer, argument, menu)
        breakdown, lang = reply_chart(reply, context.answerer.data), reply.lang
        if breakdown is None:
            logger.info("%s: no chart for %s lang=%s", update_kind(update), reply.intent or "declined", lang)
            wording = texts.text(lang, "chart_none", topic=reply.title) if reply.intent else None
            await message.reply_text(
                wording or texts.text(lang, "chart_unknown"), reply_markup=chart_keyboard(context.answerer.data, lang)
            )
            return
    await send_chart(message, context, breakdown, lang, kind=update_kind(update))


async def quote_command(update: Update, context: Context) -> None:
    """Send a topic's figure as a ready-to-paste citation (/quote mss_responsibility, /quote 보위성);
    with nothing after the command, the topics as buttons; when nothing matches, the closest ones."""
    message = update.effective_message
    assert message is not None
    menu, argument = menu_lang(update, context), text_after_command(message)
    if not argument.strip():
        keyboard = topic_keyboard(context.answerer.topics(menu), menu, prefix=QUOTE_PREFIX)
        await message.reply_text(
            texts.text(menu, "quote_usage", example=texts.QUOTE_EXAMPLES[menu]), reply_markup=keyboard
        )
        return
    reply = resolve(context.answerer, argument, menu)
    citation = context.answerer.quote(reply.intent, reply.lang) if reply.intent else None
    if citation is None:
        logger.info("%s: no quote lang=%s", update_kind(update), reply.lang)
        offered = reply.suggestions or tuple(context.answerer.topics(reply.lang))
        keyboard = topic_keyboard(offered, reply.lang, columns=1 if reply.suggestions else 2, prefix=QUOTE_PREFIX)
        await message.reply_text(texts.text(reply.lang, "quote_unknown"), reply_markup=keyboard)
        return
    logger.info("%s: quote %s lang=%s", update_kind(update), reply.intent, reply.lang)
    await send_quote(message, citation)


async def chart_button(update: Update, context: Context) -> None:
    """Send the chart a "📊 Chart" button names: the button stops spinning first, then the photo follows."""
    query = update.callback_query
    assert query is not None
    lang, _, breakdown = (query.data or "").removeprefix(CHART_PREFIX).partition(":")
    context.answerer.refresh()
    if lang not in texts.LANGS or breakdown not in chart_ids(context.answerer.data):
        await query.answer(texts.text(menu_lang(update, context), "topic_gone"))
        return
    await query.answer()
    if query.message is not None:
        await send_chart(query.message, context, breakdown, lang, quote=False, kind=update_kind(update))


async def quote_button(update: Update, context: Context) -> None:
    """Send the citation a "❝ Quote" button names, in the button's language, after stopping its spinner."""
    query = update.callback_query
    assert query is not None
    lang, _, topic_id = (query.data or "").removeprefix(QUOTE_PREFIX).partition(":")
    citation = context.answerer.quote(topic_id, lang) if lang in texts.LANGS else None
    if citation is None:
        await query.answer(texts.text(menu_lang(update, context), "topic_gone"))
        return
    await query.answer()
    logger.info("%s: quote %s lang=%s", update_kind(update), topic_id, lang)
    if query.message is not None:
        await send_quote(query.message, citation, quote=False)


async def lang_button(update: Update, context: Context) -> None:
    """Set the chat's menu language from a /lang button."""
    query = update.callback_query
    assert query is not None
    choice = (query.data or "").removeprefix(LANG_PREFIX)
    if choice not in texts.LANGS or context.chat_data is None:
        await query.answer()
        return
    context.chat_data.lang = choice
    await query.answer()
    await query.edit_message_text(texts.text(choice, "lang_set"))


async def stale_button(update: Update, context: Context) -> None:
    """Stop the spinner of a button this version of the bot no longer knows."""
    assert update.callback_query is not None
    await update.callback_query.answer(texts.text(menu_lang(update, context), "topic_gone"))


async def inline_query(update: Update, context: Context) -> None:
    """Offer matching figures as ready-to-send articles; an empty query offers the headline topics."""
    query = update.inline_query
    assert query is not None
    words = query.query
    if words.strip():
        replies = context.answerer.search(words, question_lang(words, "en"))
    else:  # the same for everyone, as is_personal=False promises: English then Korean
        replies = context.answerer.search("", "en") + context.answerer.search("", "ko")
    results = [inline_article(k, reply) for k, reply in enumerate(replies)]
    logger.info("inline_query: %d results lang=%s", len(results), question_lang(words, "en"))
    button = None if results else InlineQueryResultsButton(text=texts.INLINE_BUTTON, start_parameter="inline")
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=False, button=button)


async def error_handler(update: object, context: Context) -> None:
    """Log the error with its traceback and tell the chat, briefly, that something went wrong."""
    logger.error("error while handling %s", update_kind(update), exc_info=context.error)
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is None:
        return
    try:
        await context.bot.send_message(chat.id, texts.text(menu_lang(update, context), "error"))
    except TelegramError:
        logger.warning("could not tell the chat that something went wrong", exc_info=True)


# The command table: handler registration, /help and the menu published with setMyCommands, in this order.
COMMANDS: tuple[tuple[str, Callback], ...] = (
    ("start", start),
    ("topics", topics),
    ("ask", ask),
    ("chart", chart_command),
    ("quote", quote_command),
    ("sources", sources),
    ("about", about),
    ("lang", lang_command),
    ("help", help_command),
)
