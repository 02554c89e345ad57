"""Telegram glue: each handler adapts one kind of update to the answerer, and its Reply to messages."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
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
    Update,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackContext, ExtBot, filters

from . import texts
from .answerer import Answerer
from .answers import REPORT_URL, Reply, Topic

logger = logging.getLogger(__name__)

TOPIC_PREFIX = "t:"  # callback data "t:<lang>:<topic_id>": the button's language is the answer's
LANG_PREFIX = "lang:"  # callback data "lang:<en|ko>"
CALLBACK_DATA_BYTES = 64  # Telegram's limit on callback data
INLINE_CACHE_SECONDS = 300  # results depend on the query alone, so Telegram may share them between users
INLINE_DESCRIPTION_CHARS = 100
METHOD_FINDINGS = ("interviewees_total", "cases_total", "victims_total")  # the method, in /about
LATIN = re.compile(r"[A-Za-z]")


@dataclass
class ChatData:
    """All the bot keeps about a chat: the menu language chosen with /lang, in memory, never on disk."""

    lang: str | None = None


@dataclass
class BotData:
    """What every handler shares: the answerer, handed in by build_application."""

    answerer: Answerer | None = None


class Context(CallbackContext[ExtBot[Any], dict[Any, Any], ChatData, BotData]):
    """The callback context, typed, with the answerer at hand."""

    @property
    def answerer(self) -> Answerer:
        answerer = self.bot_data.answerer
        if answerer is None:
            raise RuntimeError("no answerer: build the Application with bot.app.build_application()")
        return answerer


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


def split_html(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Telegram HTML cut into messages of at most `limit` characters (UTF-16 units, as Telegram counts).

    Breaks fall at the last paragraph break that fits, else the last line break, else the last space;
    never inside a tag or an entity. Tags open at a break are closed there and reopened in the next part.
    """
    if _units(text) <= limit:
        return [text]
    tokens = _tokens(text, max(1, limit // 4))
    chunks: list[str] = []
    opened: list[tuple[str, str]] = []  # (tag name, opening tag) still open where this chunk starts
    i = 0
    while i < len(tokens):
        prefix = "".join(tag for _, tag in opened)
        size, stack, j = _units(prefix), list(opened), i
        breaks: dict[int, tuple[int, list[tuple[str, str]]]] = {}  # priority -> (token index, open tags)
        while j < len(tokens):
            after = _apply_tag(stack, tokens[j])
            room = limit - size - _units(_closing(after))
            if _units(tokens[j]) > room:
                if j > i:
                    break
                if tokens[j][0] not in "<&" and len(pieces := _cut(tokens[j], room)) > 1:
                    tokens[j : j + 1] = pieces  # a word too long even for a part of its own
                    continue
            size, stack, j = size + _units(tokens[j]), after, j + 1
            if (priority := _break_priority(tokens[j - 1])) and j - 1 > i:
                breaks[priority] = (j - 1, stack)
        if j < len(tokens) and breaks:
            end, stack = breaks[max(breaks)]
            body, i = "".join(tokens[i:end]), end + 1  # the whitespace at the break is dropped
        else:
            body, i = "".join(tokens[i:j]), j
        chunk = prefix + body + _closing(stack)
        if _visible(chunk).strip():
            chunks.append(chunk)
        opened = stack
    return chunks


_TOKEN = re.compile(r"<[^>]*>|&#?[0-9A-Za-z]+;|\n{2,}|\n|[^\S\n]+|[^<&\s]+|[<&]")
_OPEN_TAG = re.compile(r"<([A-Za-z][\w-]*)[^>]*>")
_CLOSE_TAG = re.compile(r"</([A-Za-z][\w-]*)\s*>")


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _tokens(text: str, longest: int) -> list[str]:
    tokens: list[str] = []
    for token in _TOKEN.findall(text):
        while token[0] not in "<&" and len(pieces := _cut(token, longest)) > 1:  # a very long word
            tokens.append(pieces[0])
            token = pieces[1]
        tokens.append(token)
    return tokens


def _cut(word: str, units: int) -> list[str]:
    """The longest start of `word` within `units` UTF-16 units, and the rest; [word] if no start fits."""
    k = used = 0
    while k < len(word) and used + (step := 2 if ord(word[k]) > 0xFFFF else 1) <= units:
        k, used = k + 1, used + step
    return [word[:k], word[k:]] if 0 < k < len(word) else [word]


def _apply_tag(stack: list[tuple[str, str]], token: str) -> list[tuple[str, str]]:
    if (closing := _CLOSE_TAG.fullmatch(token)) is not None:
        names = [name for name, _ in stack]
        if closing[1] in names:
            k = len(names) - 1 - names[::-1].index(closing[1])
            return stack[:k] + stack[k + 1 :]
        return stack
    if (opening := _OPEN_TAG.fullmatch(token)) is not None:
        return [*stack, (opening[1], token)]
    return stack


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _break_priority(token: str) -> int:
    if token.startswith("\n\n"):
        return 3
    if token == "\n":
        return 2
    return 1 if token.isspace() else 0


def _visible(chunk: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", chunk))


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


async def send_reply(target: MaybeInaccessibleMessage, reply: Reply, quote: bool | None = None) -> None:
    """Send an answer; a decline carries its "did you mean" topics as buttons."""
    markup = topic_keyboard(reply.suggestions, reply.lang, columns=1) if reply.suggestions else None
    await send_html(target, reply.html, markup, quote)


def topic_keyboard(topics: Sequence[Topic], lang: str, columns: int = 2) -> InlineKeyboardMarkup:
    """Buttons that answer a topic when pressed, in `lang`."""
    buttons = [InlineKeyboardButton(t.title, callback_data=topic_data(t.id, lang)) for t in topics]
    return InlineKeyboardMarkup([buttons[k : k + columns] for k in range(0, len(buttons), columns)])


def topic_data(topic_id: str, lang: str) -> str:
    return f"{TOPIC_PREFIX}{lang}:{topic_id}"


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
    await send_reply(message, reply)


async def start(update: Update, context: Context) -> None:
    """Greet with the headline topics, or answer the topic a deep link names (/start <topic_id>)."""
    message, lang = update.effective_message, menu_lang(update, context)
    assert message is not None
    payload = context.args[0].lower() if context.args else ""
    reply = context.answerer.topic(payload, lang) if payload else None
    if reply is not None:
        log_reply("deep link", reply)
        await send_reply(message, reply)
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
        await send_reply(query.message, reply, quote=False)


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
    ("sources", sources),
    ("about", about),
    ("lang", lang_command),
    ("help", help_command),
)
