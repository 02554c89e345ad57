"""Replies and menus drawn as Telegram messages: HTML, buttons and their callback data, captions, inline results.

The one place Telegram HTML is built: every value taken from a Reply, the data or the user is escaped here.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode

from ..answerer import Answerer
from ..answers import Reply, SourceRef, Topic, Writer, join_sources
from ..charts import chart_for, chart_ids, describe
from ..models import LANGS, Dataset
from ..wording import JOINER, WORDS, say
from .split import split_html, units

CALLBACK_DATA_BYTES = 64  # Telegram's limit on callback data
INLINE_DESCRIPTION_CHARS = 100
OUTLETS_SHOWN = 3  # outlets a source line names on the report's line; more fold into an expandable block quote
CAPTION_CHARS = 1024  # Telegram's limit on a photo caption, counted after the HTML is parsed
METHOD_FINDINGS = ("interviewees_total", "cases_total", "victims_total")  # the method, in /about
LANG_NAMES = {"en": "English", "ko": "한국어"}
LANG_ALIASES = {
    "en": "en",
    "eng": "en",
    "english": "en",
    "영어": "en",
    "ko": "ko",
    "kr": "ko",
    "kor": "ko",
    "korean": "ko",
    "한국어": "ko",
    "한국말": "ko",
    "한글": "ko",
}


def text(lang: str, key: str, **values: object) -> str:
    """One Telegram text of bot.wording in `lang` (English if unknown), the values filled in escaped."""
    table = WORDS.get(lang, WORDS["en"])
    return table[key].format(**{name: html.escape(str(value)) for name, value in values.items()})


def link(ref: SourceRef) -> str:
    return f'<a href="{html.escape(ref.url, quote=True)}">{html.escape(ref.label)}</a>'


def links(refs: Iterable[SourceRef], lang: str) -> str:
    """The outlets of a source line as links, joined as the plain source line joins them."""
    return f" {html.escape(JOINER[lang])} ".join(link(r) for r in refs)


def source_html(prefix: str, refs: Sequence[SourceRef], lang: str) -> str:
    """A source line in Telegram HTML. Up to OUTLETS_SHOWN outlets follow the report's citation on its line;
    more are every one listed, one a line, in an expandable block quote under it: none dropped, the report in
    view, and the answer not buried under a paragraph of links (Bot API 7.4, `<blockquote expandable>`)."""
    head = f"<i>{html.escape(prefix)}</i>" if prefix else ""
    if len(refs) <= OUTLETS_SHOWN:
        return f"{head} {links(refs, lang)}".strip()
    listed = "\n".join(link(r) for r in refs)
    return f"{head}\n<blockquote expandable>{listed}</blockquote>".lstrip()


def reply_html(reply: Reply) -> str:
    """An answer in Telegram's HTML: title bold, outlets as links, every text escaped."""
    parts = [f"<b>{html.escape(reply.title)}</b>"] if reply.title else []
    body = html.escape(reply.body)
    if reply.lead:  # the figure asked for, in bold, so it can be found at a glance
        lead = html.escape(reply.lead)
        body = body.replace(lead, f"<b>{lead}</b>", 1)
    parts.append(body)
    if reply.sources:
        parts.append(source_html(reply.source_prefix, reply.sources, reply.lang))
    return "\n\n".join(parts)


# --- callback data: what a button asks for -----------------------------------------------------

TOPIC, LANG, CHART, QUOTE = "t", "lang", "c", "q"  # "t:<lang>:<topic>", "lang:<lang>", "c:<lang>:<breakdown>", "q:…"


@dataclass(frozen=True)
class Callback:
    kind: str  # TOPIC | LANG | CHART | QUOTE
    lang: str
    value: str = ""

    def encode(self) -> str:
        return f"{self.kind}:{self.lang}" + (f":{self.value}" if self.value or self.kind != LANG else "")


def decode(data: str | None) -> Callback | None:
    """The button's request, or None for data this version does not know (an old button)."""
    kind, _, rest = (data or "").partition(":")
    lang, _, value = rest.partition(":")
    if kind not in {TOPIC, LANG, CHART, QUOTE} or lang not in LANGS:
        return None
    return Callback(kind, lang, value)


def quoted(button: Callback) -> tuple[str, str | None]:
    """The topic a Quote button cites and the category of the answer it came with, if any."""
    topic, _, category = button.value.partition(":")
    return topic, category or None


def answer_of(markup: InlineKeyboardMarkup | None) -> tuple[str, str | None] | None:
    """The topic and category of the answer a message of the bot's carries in its Quote button, else None."""
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            found = decode(button.callback_data) if isinstance(button.callback_data, str) else None
            if found is not None and found.kind == QUOTE and found.value:
                return quoted(found)
    return None


def pattern(kind: str) -> str:
    """The CallbackQueryHandler pattern for one kind of button."""
    return f"^{kind}:"


# --- keyboards -----------------------------------------------------------------------------------


class Keyboard(InlineKeyboardMarkup):
    """An inline keyboard that is serialised once. Telegram objects cannot change once built, and the same few
    keyboards go with answer after answer: each was built and turned into JSON again for every message."""

    __slots__ = ("_serialised",)

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive)
        serialised = getattr(self, "_serialised", None)
        if serialised is None:
            serialised = self._serialised = super().to_dict()
        return dict(serialised)


@lru_cache(maxsize=1024)
def _keyboard(rows: tuple[tuple[tuple[str, str], ...], ...]) -> Keyboard:
    """The keyboard of these rows of (text, callback data) buttons, built once."""
    return Keyboard([[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows])


def topic_keyboard(topics: Sequence[Topic], lang: str, columns: int = 2, kind: str = TOPIC) -> InlineKeyboardMarkup:
    """Buttons that answer a topic when pressed, in `lang` (kind QUOTE: that send its citation)."""
    buttons = [(t.title, Callback(kind, lang, t.id).encode()) for t in topics]
    return _keyboard(tuple(tuple(buttons[k : k + columns]) for k in range(0, len(buttons), columns)))


def share_keyboard(reply: Reply, data: Dataset) -> InlineKeyboardMarkup | None:
    """An answer's "📊 Chart" (when it has a chart) and "❝ Quote" buttons, in the answer's language.

    The Quote button's data also names the category the answer was narrowed to ("q:en:arrest_location:china"):
    Telegram hands the message back with its keyboard in a reply to it, so any worker can read the reply against
    this answer (answer_of) without the bot keeping anything."""
    if reply.intent is None:
        return None
    quote = Callback(QUOTE, reply.lang, f"{reply.intent}:{reply.category}" if reply.category else reply.intent).encode()
    if len(quote.encode()) > CALLBACK_DATA_BYTES:  # never with today's ids; the topic alone still quotes
        quote = Callback(QUOTE, reply.lang, reply.intent).encode()
    row = [(say(reply.lang, "button_quote"), quote)]
    breakdown = chart_for(reply, data)
    if breakdown is not None:
        row.insert(0, (say(reply.lang, "button_chart"), Callback(CHART, reply.lang, breakdown).encode()))
    return _keyboard((tuple(row),))


def reply_keyboard(reply: Reply, data: Dataset) -> InlineKeyboardMarkup | None:
    """A decline's or small talk's topics as buttons, an answer's share buttons."""
    if reply.suggestions:
        return topic_keyboard(reply.suggestions, reply.lang, columns=1)
    return share_keyboard(reply, data)


def chart_keyboard(data: Dataset, lang: str) -> InlineKeyboardMarkup:
    """Every chart as a button, titled as the chart is."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(data.breakdowns[b].title[lang], callback_data=Callback(CHART, lang, b).encode())]
            for b in chart_ids(data)
        ]
    )


def lang_keyboard() -> InlineKeyboardMarkup:
    row = [InlineKeyboardButton(name, callback_data=Callback(LANG, code).encode()) for code, name in LANG_NAMES.items()]
    return InlineKeyboardMarkup([row])


# --- captions, inline results --------------------------------------------------------------------


def chart_caption(data: Dataset, breakdown_id: str, lang: str) -> str:
    """A chart's caption in Telegram HTML: its title, then the full source line, every outlet the chart names
    (its footer gives their names only, to stay legible) with its date and link."""
    chart = describe(data, breakdown_id, lang)
    refs, prefix = Writer(data).source_line([data.findings[f] for f in chart.cited], lang, chart.context)
    caption = f"<b>{html.escape(chart.title)}</b>\n{source_html(prefix, refs, lang)}".strip()
    shown = join_sources(refs, lang, "labels")  # the links' words: what Telegram counts once it has parsed the HTML
    plain = f"{chart.title}\n{prefix} {shown}"
    if units(plain) > CAPTION_CHARS:  # never with today's data; a cut caption is better than a refused photo
        caption = html.escape(preview(plain, CAPTION_CHARS // 2))  # half: characters, where Telegram counts UTF-16
    return caption


def inline_article(index: int, reply: Reply) -> InlineQueryResultArticle:
    """One inline result: the answer as a ready-to-send message with its figure and source line."""
    return InlineQueryResultArticle(
        id=f"{index}-{reply.lang}-{reply.intent}"[:CALLBACK_DATA_BYTES],
        title=reply.title,
        description=preview(reply.body),
        input_message_content=InputTextMessageContent(
            split_html(reply_html(reply))[0],
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
    )


def preview(value: str, limit: int = INLINE_DESCRIPTION_CHARS) -> str:
    """The start of a text, cut at a word and marked with an ellipsis when cut."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,.;:") + "…"


# --- the bot's own pages -------------------------------------------------------------------------


def report_names(answerer: Answerer, lang: str) -> dict[str, str]:
    report = answerer.data.report
    assert report is not None
    if lang == "en":
        date = f"{int(report.date[8:])} {_month(report.date)} {report.date[:4]}"
    else:
        date = report.date.replace("-", ".")
    return {"report": report.title[lang], "date": date, "publisher": report.publisher[lang]}


def _month(date: str) -> str:
    months = "January February March April May June July August September October November December".split()
    return months[int(date[5:7]) - 1]


def greeting_text(answerer: Answerer, lang: str) -> str:
    return text(lang, "greeting", **report_names(answerer, lang))


def help_text(answerer: Answerer, lang: str, username: str, commands: Sequence[str]) -> str:
    listed = "\n".join(f"/{name} — {say(lang, 'command_' + name)}" for name in commands)
    return text(
        lang,
        "help",
        username=username,
        example_en=say("en", "example_question"),
        example_ko=say("ko", "example_question"),
        publisher=report_names(answerer, lang)["publisher"],
        commands=listed,
    )


def command_menu(lang: str, commands: Sequence[str]) -> list[BotCommand]:
    """The menu setMyCommands publishes: the same table, and order, as /help."""
    return [BotCommand(name, say(lang, "command_" + name)) for name in commands]


def sources_text(answerer: Answerer, lang: str) -> str:
    """Every source with its link: the report and its coverage first, then background sources."""
    coverage = [text(lang, "sources")]
    background = [text(lang, "sources_context")]
    for source, (ref, title) in zip(answerer.data.sources.values(), answerer.sources(lang), strict=True):
        (background if source.kind == "context" else coverage).append(f"• {link(ref)} — {html.escape(title)}")
    return "\n".join(coverage) + ("\n\n" + "\n".join(background) if len(background) > 1 else "")


def about_text(answerer: Answerer, lang: str) -> str:
    """The report and its method (figures from the database), what the bot does and doesn't, privacy."""
    findings = answerer.data.findings
    method = " ".join(answerer.writer.sentence(findings[f], lang) for f in METHOD_FINDINGS if f in findings)
    report = text(lang, "about_report", **report_names(answerer, lang))
    url = answerer.data.report.url if answerer.data.report else ""
    return "\n\n".join(
        [
            text(lang, "about_title"),
            f"{report} {html.escape(method)}".strip(),
            text(lang, "about_does"),
            text(lang, "about_doesnt"),
            text(lang, "about_privacy"),
            text(lang, "about_link", url=url, url_label=say(lang, "report_link_label")),
        ]
    )
