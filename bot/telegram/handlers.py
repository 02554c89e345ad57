"""Telegram handlers: each adapts one kind of update to the answerer, and its Reply to messages.

Every handler is a few lines: what is said comes from bot.wording, how it looks from render.py, how it is sent
from send.py. The command table at the end drives registration, /help and the published command menu.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable

from telegram import InlineQueryResultsButton, Message, MessageEntity, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import filters

from ..answerer import answer_language
from ..answers import Reply
from ..charts import chart_for, chart_ids
from ..conversation import Conversation
from ..wording import INLINE_BUTTON, say
from . import render
from .context import Context, menu_lang
from .render import CHART, LANG, QUOTE, TOPIC, decode, text
from .send import send_chart, send_html, send_quote, send_reply

logger = logging.getLogger(__name__)

INLINE_CACHE_SECONDS = 300  # results depend on the query alone, so Telegram may share them between users

Callback = Callable[[Update, Context], Awaitable[None]]


def log_reply(kind: str, reply: Reply) -> None:
    """Log what was answered, never the question and never who asked."""
    logger.info("%s: %s lang=%s confidence=%d", kind, reply.intent or reply.kind, reply.lang, reply.confidence)


def update_kind(update: object) -> str:
    """'message in private', 'callback_query', 'inline_query'…: enough to read a log, nothing personal."""
    if not isinstance(update, Update):
        return type(update).__name__
    for name in ("message", "edited_message", "callback_query", "inline_query"):
        if getattr(update, name) is not None:
            chat = update.effective_chat
            return f"{name} in {chat.type}" if chat is not None else name
    return "update"


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
    """Answer a question in the language it is written in and send the reply to its chat. A follow-up ("and in
    Russia?") is read against the chat's last answer, or against the answer the message replies to."""
    conversations, chat = context.bot_data.conversations, message.chat_id
    replied = message.reply_to_message
    conversation = None
    if replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id:
        conversation = conversations.peek((chat, replied.message_id)) or carried(replied)
    conversation = conversation or conversations.get(chat)
    reply = context.answerer.ask(question, answer_language(question, menu_lang(update, context)), conversation)
    log_reply(update_kind(update), reply)
    sent = await send_reply(message, reply, data=context.answerer.data)
    remember(context, chat, reply, sent)


def carried(message: Message) -> Conversation | None:
    """The answer one of the bot's messages carries in its buttons, as a conversation to read a reply to it
    against: Telegram sends the message replied to, keyboard included, so this works on a worker that never saw
    the answer (several webhook workers), after a restart, and at any age, with nothing kept by the bot."""
    found = render.answer_of(message.reply_markup)
    if found is None:
        return None
    conversation = Conversation()
    conversation.remember(*found, time.monotonic())
    return conversation


def remember(context: Context, chat: int, reply: Reply, sent: list[Message]) -> None:
    """An answer is what the chat's next follow-up, or a reply to one of its messages, is read against."""
    if reply.intent is None:
        return
    now = time.monotonic()
    for key in (chat, *((chat, m.message_id) for m in sent)):
        context.bot_data.conversations.get(key).remember(reply.intent, reply.category, now)


async def start(update: Update, context: Context) -> None:
    """Greet with the headline topics, or answer the topic a deep link names (/start <topic_id>)."""
    message, lang = update.effective_message, menu_lang(update, context)
    assert message is not None
    payload = context.args[0].lower() if context.args else ""
    reply = context.answerer.topic(payload, lang) if payload else None
    if reply is not None:
        log_reply("deep link", reply)
        remember(context, message.chat_id, reply, await send_reply(message, reply, data=context.answerer.data))
        return
    keyboard = render.topic_keyboard(context.answerer.topics(lang, headline_only=True), lang)
    await message.reply_text(render.greeting_text(context.answerer, lang), reply_markup=keyboard)


async def help_command(update: Update, context: Context) -> None:
    """List how to ask and every command, from the command table."""
    assert update.effective_message is not None
    lang, commands = menu_lang(update, context), [name for name, _ in COMMANDS]
    await send_html(update.effective_message, render.help_text(context.answerer, lang, context.bot.username, commands))


async def topics(update: Update, context: Context) -> None:
    """Offer every topic as a button."""
    assert update.effective_message is not None
    lang = menu_lang(update, context)
    keyboard = render.topic_keyboard(context.answerer.topics(lang), lang)
    await update.effective_message.reply_text(text(lang, "topics"), reply_markup=keyboard)


async def sources(update: Update, context: Context) -> None:
    """List every source with its link, in as many messages as it takes."""
    assert update.effective_message is not None
    await send_html(update.effective_message, render.sources_text(context.answerer, menu_lang(update, context)))


async def about(update: Update, context: Context) -> None:
    """Say what the report is, what the bot does and does not do, and how it treats privacy."""
    assert update.effective_message is not None
    await send_html(update.effective_message, render.about_text(context.answerer, menu_lang(update, context)))


async def ask(update: Update, context: Context) -> None:
    """Answer the question after /ask: the way to ask in a group, and it works in private too."""
    message = update.effective_message
    assert message is not None
    question = text_after_command(message)
    if question.strip():
        await answer(message, question, update, context)
        return
    lang = menu_lang(update, context)
    await message.reply_text(text(lang, "ask_usage", example=say(lang, "example_question")))


async def lang_command(update: Update, context: Context) -> None:
    """Set the chat's language of menus and commands (/lang en|ko), in memory only."""
    message = update.effective_message
    assert message is not None
    choice = render.LANG_ALIASES.get(context.args[0].lower()) if context.args else None
    if choice is None:
        keyboard = render.lang_keyboard()
        await message.reply_text(text(menu_lang(update, context), "lang_usage"), reply_markup=keyboard)
        return
    context.bot_data.langs.set(message.chat_id, choice)
    await message.reply_text(text(choice, "lang_set"))


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
    await update.effective_message.reply_text(text(menu_lang(update, context), "not_text"))


async def unknown_command(update: Update, context: Context) -> None:
    """Point to /help on a command this bot lacks; stay silent on one addressed to another bot."""
    message = update.effective_message
    assert message is not None
    _, _, addressee = (message.text or "").split(maxsplit=1)[0].partition("@")
    if addressee and addressee.lower() != (context.bot.username or "").lower():
        return
    await message.reply_text(text(menu_lang(update, context), "unknown_command"))


async def topic_button(update: Update, context: Context) -> None:
    """Answer the topic a button names: the button stops spinning first, then the answer is sent."""
    query = update.callback_query
    assert query is not None
    button = decode(query.data)
    reply = context.answerer.topic(button.value, button.lang) if button else None
    if reply is None:
        await query.answer(text(menu_lang(update, context), "topic_gone"))
        return
    await query.answer()
    log_reply(update_kind(update), reply)
    if query.message is not None:
        sent = await send_reply(query.message, reply, quote=False, data=context.answerer.data)
        remember(context, query.message.chat.id, reply, sent)


async def chart_command(update: Update, context: Context) -> None:
    """Send the chart of a topic, a question's breakdown or a breakdown id (/chart reasons, /chart 연좌제);
    with nothing after the command, or nothing charted, the charts there are, as buttons."""
    message = update.effective_message
    assert message is not None
    menu, argument = menu_lang(update, context), text_after_command(message)
    data = context.answerer.data
    if not argument.strip():
        usage = text(menu, "chart_usage", example=say(menu, "example_chart"))
        await message.reply_text(usage, reply_markup=render.chart_keyboard(data, menu))
        return
    key = argument.strip().lower()
    if key in chart_ids(data) and key not in data.intents:
        breakdown, lang = key, menu
    else:
        reply = context.answerer.resolve_topic(argument, menu)
        breakdown, lang = chart_for(reply, data), reply.lang
        if breakdown is None:
            logger.info("%s: no chart for %s lang=%s", update_kind(update), reply.intent or reply.kind, lang)
            wording = text(lang, "chart_none", topic=reply.title) if reply.intent else text(lang, "chart_unknown")
            await message.reply_text(wording, reply_markup=render.chart_keyboard(data, lang))
            return
    how = await send_chart(message, context, breakdown, lang)
    logger.info("%s: chart %s lang=%s (%s)", update_kind(update), breakdown, lang, how)


async def quote_command(update: Update, context: Context) -> None:
    """Send a topic's figure as a ready-to-paste citation (/quote mss_responsibility, /quote 보위성);
    with nothing after the command, the topics as buttons; when nothing matches, the closest ones."""
    message = update.effective_message
    assert message is not None
    menu, argument = menu_lang(update, context), text_after_command(message)
    if not argument.strip():
        keyboard = render.topic_keyboard(context.answerer.topics(menu), menu, kind=QUOTE)
        await message.reply_text(text(menu, "quote_usage", example=say(menu, "example_quote")), reply_markup=keyboard)
        return
    reply = context.answerer.resolve_topic(argument, menu)
    citation = context.answerer.quote(reply.intent, reply.lang) if reply.intent else None
    if citation is None:
        logger.info("%s: no quote lang=%s", update_kind(update), reply.lang)
        offered = reply.suggestions or tuple(context.answerer.topics(reply.lang))
        keyboard = render.topic_keyboard(offered, reply.lang, columns=1 if reply.suggestions else 2, kind=QUOTE)
        await message.reply_text(text(reply.lang, "quote_unknown"), reply_markup=keyboard)
        return
    logger.info("%s: quote %s lang=%s", update_kind(update), reply.intent, reply.lang)
    await send_quote(message, citation)


async def chart_button(update: Update, context: Context) -> None:
    """Send the chart a "📊 Chart" button names: the button stops spinning first, then the photo follows."""
    query = update.callback_query
    assert query is not None
    button = decode(query.data)
    context.answerer.refresh()
    if button is None or button.value not in chart_ids(context.answerer.data):
        await query.answer(text(menu_lang(update, context), "topic_gone"))
        return
    await query.answer()
    if query.message is not None:
        how = await send_chart(query.message, context, button.value, button.lang, quote=False)
        logger.info("%s: chart %s lang=%s (%s)", update_kind(update), button.value, button.lang, how)


async def quote_button(update: Update, context: Context) -> None:
    """Send the citation a "❝ Quote" button names, in the button's language, after stopping its spinner."""
    query = update.callback_query
    assert query is not None
    button = decode(query.data)
    topic, category = render.quoted(button) if button else ("", None)
    citation = context.answerer.quote(topic, button.lang, category) if button else None
    if citation is None:
        await query.answer(text(menu_lang(update, context), "topic_gone"))
        return
    await query.answer()
    logger.info("%s: quote %s lang=%s", update_kind(update), button.value, button.lang)  # topic[:category]
    if query.message is not None:
        await send_quote(query.message, citation, quote=False)


async def lang_button(update: Update, context: Context) -> None:
    """Set the chat's menu language from a /lang button."""
    query = update.callback_query
    assert query is not None
    button = decode(query.data)
    chat = update.effective_chat
    if button is None or chat is None:
        await query.answer()
        return
    context.bot_data.langs.set(chat.id, button.lang)
    await query.answer()
    await query.edit_message_text(text(button.lang, "lang_set"))


async def stale_button(update: Update, context: Context) -> None:
    """Stop the spinner of a button this version of the bot no longer knows."""
    assert update.callback_query is not None
    await update.callback_query.answer(text(menu_lang(update, context), "topic_gone"))


async def inline_query(update: Update, context: Context) -> None:
    """Offer matching figures as ready-to-send articles; an empty query offers the headline topics."""
    query = update.inline_query
    assert query is not None
    words = query.query
    lang = answer_language(words, "en")
    if words.strip():
        replies = context.answerer.search(words, lang)
    else:  # the same for everyone, as is_personal=False promises: English then Korean
        replies = context.answerer.search("", "en") + context.answerer.search("", "ko")
    results = [render.inline_article(k, reply) for k, reply in enumerate(replies)]
    logger.info("inline_query: %d results lang=%s", len(results), lang)
    button = None if results else InlineQueryResultsButton(text=INLINE_BUTTON, start_parameter="inline")
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=False, button=button)


async def error_handler(update: object, context: Context) -> None:
    """Log the error with its traceback and tell the chat, briefly, that something went wrong; but a chat that
    has blocked the bot, or that it has left (403), refuses every message: one line, and nothing sent."""
    if isinstance(context.error, Forbidden):
        logger.warning(
            "%s: the chat refuses the bot's messages (%s)", update_kind(update), type(context.error).__name__
        )
        return
    logger.error("error while handling %s", update_kind(update), exc_info=context.error)
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is None:
        return
    try:
        await context.bot.send_message(chat.id, text(menu_lang(update, context), "error"))
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
# The buttons, in the order CallbackQueryHandler tries them; any other callback data is a stale button.
BUTTONS: tuple[tuple[str, Callback], ...] = (
    (TOPIC, topic_button),
    (LANG, lang_button),
    (CHART, chart_button),
    (QUOTE, quote_button),
)
