"""Sending to Telegram: HTML in as many messages as the limit needs, answers with their buttons, charts by file_id."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, MaybeInaccessibleMessage, Message, PhotoSize
from telegram.error import BadRequest

from ..answers import Reply
from ..charts import fingerprint
from ..models import Dataset
from .context import Context
from .render import chart_caption, reply_html, reply_keyboard
from .split import split_html

logger = logging.getLogger(__name__)


async def send_html(
    target: MaybeInaccessibleMessage, body: str, markup: InlineKeyboardMarkup | None = None, quote: bool | None = None
) -> list[Message]:
    """Send HTML in as many messages as the limit needs, replying to `target`; the keyboard goes with the last.

    `quote` None quotes in groups and not in private chats (PTB's default); later parts never quote.
    """
    chunks = split_html(body)
    sent = []
    for k, chunk in enumerate(chunks):
        keyboard = markup if k == len(chunks) - 1 else None
        if isinstance(target, Message):
            sent.append(await target.reply_text(chunk, reply_markup=keyboard, do_quote=quote if k == 0 else False))
        else:  # a message too old to reply to: send to its chat
            sent.append(await target.get_bot().send_message(target.chat.id, chunk, reply_markup=keyboard))
    return sent


async def send_reply(
    target: MaybeInaccessibleMessage, reply: Reply, quote: bool | None = None, data: Dataset | None = None
) -> list[Message]:
    """Send an answer; a decline or small talk carries its topics as buttons, an answer its share buttons
    (Chart when the topic has a chart, Quote always) when `data` is given."""
    markup = reply_keyboard(reply, data) if data is not None else None
    return await send_html(target, reply_html(reply), markup, quote)


async def send_quote(target: MaybeInaccessibleMessage, citation: str, quote: bool | None = None) -> None:
    """Send a plain-text citation as it should be pasted: escaped, links written out and not previewed."""
    await send_html(target, html.escape(citation, quote=False), quote=quote)


def largest(sizes: Sequence[PhotoSize]) -> PhotoSize:
    return max(sizes, key=lambda p: (p.width * p.height, p.file_size or 0))


async def send_chart(
    target: MaybeInaccessibleMessage,
    context: Context,
    breakdown_id: str,
    lang: str,
    quote: bool | None = None,
) -> str:
    """Send a chart as a photo: by the file_id Telegram gave it when it was first uploaded, else rendered (once per
    breakdown, language and data version, off the event loop) and uploaded, remembering the file_id it gets.
    Says which: "sent by file_id" or "uploaded"."""
    cache = context.chart_cache()
    data = cache.data
    key = (breakdown_id, lang, fingerprint(data, breakdown_id))
    caption = chart_caption(data, breakdown_id, lang)
    file_id = context.bot_data.photo_ids.get(key)
    if file_id is not None:
        try:
            await _send_photo(target, file_id, caption, quote)
            return "sent by file_id"
        except BadRequest as exc:
            if "file" not in exc.message.lower():  # "wrong file identifier…": Telegram no longer knows the file
                raise
            logger.warning("chart %s lang=%s: file_id refused, uploading the chart again", breakdown_id, lang)
            context.bot_data.photo_ids.pop(key, None)
    png = await asyncio.to_thread(cache.get, breakdown_id, lang)
    sent = await _send_photo(target, png, caption, quote, filename=f"{breakdown_id}-{lang}.png")
    if sent.photo:
        context.bot_data.photo_ids[key] = largest(sent.photo).file_id
    return "uploaded"


async def _send_photo(
    target: MaybeInaccessibleMessage, photo: bytes | str, caption: str, quote: bool | None, filename: str | None = None
) -> Message:
    if isinstance(target, Message):
        return await target.reply_photo(photo, caption=caption, filename=filename, do_quote=quote)
    return await target.get_bot().send_photo(target.chat.id, photo, caption=caption, filename=filename)
