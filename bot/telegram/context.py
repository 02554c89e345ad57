"""What the handlers share, typed: the answerer, the chart cache, follow-up conversations, each chat's menu language.

All of it in memory and bounded: nothing grows with the number of chats the bot has ever seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import CallbackContext, ExtBot

from ..answerer import Answerer
from ..charts import ChartCache, chart_ids, fingerprint
from ..conversation import Conversations
from ..models import Dataset
from ..recent import Recent

MAX_LANG_CHOICES = 50_000  # chats whose /lang choice is remembered (about 100 bytes each), the oldest dropped


@dataclass
class ChatData:
    """Nothing: PTB would keep one of these for every chat ever seen, so the bot keeps what it needs elsewhere,
    bounded (BotData.langs, BotData.conversations)."""


class LangChoices(Recent[int, str]):
    """Each chat's /lang choice, in memory only, for at most MAX_LANG_CHOICES chats (the least recently used
    forgotten first: that chat's menus then follow its users' Telegram language again)."""

    def __init__(self, limit: int = MAX_LANG_CHOICES) -> None:
        super().__init__(limit)


ChartKey = tuple[str, str, str]  # (breakdown id, language, fingerprint of the data the chart is drawn from)


@dataclass
class BotData:
    """What every handler shares: the answerer, handed in by build_application; the charts rendered from its
    data (rebuilt when the answerer loads new data); the file_id Telegram gave each chart uploaded, so that a
    chart is uploaded once and sent by reference after that; and the follow-up conversations, by chat and by
    answer message. All in memory."""

    answerer: Answerer | None = None
    charts: ChartCache | None = None
    photo_ids: dict[ChartKey, str] = field(default_factory=dict)
    conversations: Conversations = field(default_factory=Conversations)
    langs: LangChoices = field(default_factory=LangChoices)
    webhook: tuple[str, str] | None = field(default=None, repr=False)  # the webhook's path and secret, if one


class Context(CallbackContext[ExtBot[Any], dict[Any, Any], ChatData, BotData]):
    """The callback context, typed, with the answerer at hand."""

    @property
    def answerer(self) -> Answerer:
        answerer = self.bot_data.answerer
        if answerer is None:
            raise RuntimeError("no answerer: build the Application with bot.telegram.app.build_application()")
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


def menu_lang(update: object, context: Context) -> str:
    """The language of menus and commands: the chat's /lang choice, else the user's Telegram language."""
    chat = update.effective_chat if isinstance(update, Update) else None
    chosen = context.bot_data.langs.get(chat.id if chat else None)
    if chosen:
        return chosen
    user = update.effective_user if isinstance(update, Update) else None
    return "ko" if user and (user.language_code or "").lower().startswith("ko") else "en"
