"""The Telegram application: built from settings and an answerer, run by polling or as a webhook server."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from . import handlers
from .answerer import Answerer
from .config import Settings

logger = logging.getLogger(__name__)

# Only what the handlers use; Telegram then never sends edited messages, channel posts or member updates.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
RATE_LIMIT_RETRIES = 3  # AIORateLimiter waits out a RetryAfter (flood limit) this many times before giving up
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"


def handler_table() -> list[BaseHandler[Any, Any, Any]]:
    """Every handler, in the order PTB tries them: the first that matches an update handles it."""
    new = filters.UpdateType.MESSAGE  # edited messages are never answered
    private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
    own_text = filters.TEXT & ~filters.COMMAND & ~filters.VIA_BOT  # not a message sent through an inline bot
    return [
        # CommandHandler answers /cmd and /cmd@this_bot, and ignores /cmd@another_bot.
        *(CommandHandler(name, callback, filters=new) for name, callback in handlers.COMMANDS),
        MessageHandler(new & private & filters.COMMAND, handlers.unknown_command),
        MessageHandler(new & private & own_text, handlers.answer_question),
        MessageHandler(new & groups & own_text & handlers.AddressedToBot(), handlers.answer_mention),
        MessageHandler(new & private & ~filters.TEXT & ~filters.StatusUpdate.ALL, handlers.not_text),
        CallbackQueryHandler(handlers.topic_button, pattern=f"^{handlers.TOPIC_PREFIX}"),
        CallbackQueryHandler(handlers.lang_button, pattern=f"^{handlers.LANG_PREFIX}"),
        CallbackQueryHandler(handlers.stale_button),
        InlineQueryHandler(handlers.inline_query),
    ]


async def publish_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Publish the command menu from the table that drives /help: the default in English, and in Korean."""
    await application.bot.set_my_commands(handlers.command_menu("en"))
    await application.bot.set_my_commands(handlers.command_menu("ko"), language_code="ko")


def build_application(settings: Settings, answerer: Answerer) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, ready to run: HTML replies without link previews, flood limits respected, handlers registered."""
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        allow_sending_without_reply=True,  # still answer when the question was deleted meanwhile
    )
    context_types = ContextTypes(context=handlers.Context, chat_data=handlers.ChatData, bot_data=handlers.BotData)
    application = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .defaults(defaults)
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .context_types(context_types)
        .post_init(publish_commands)
        .build()
    )
    application.bot_data.answerer = answerer
    application.add_handlers(handler_table())
    application.add_error_handler(handlers.error_handler)
    return application


def polling_options() -> dict[str, Any]:
    """Arguments for run_polling and Updater.start_polling."""
    return {"allowed_updates": ALLOWED_UPDATES, "drop_pending_updates": False}


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Arguments for run_webhook and Updater.start_webhook: PTB answers 403 to a wrong or missing secret."""
    path = settings.webhook_path.strip("/")
    url = (settings.webhook_url or "").rstrip("/")
    if not url.endswith(f"/{path}"):
        url = f"{url}/{path}"
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": path,
        "webhook_url": url,
        "secret_token": settings.webhook_secret,
        **polling_options(),
    }


class Redactor(logging.Filter):
    """Replaces secrets (the bot token, the webhook secret) in every log record, tracebacks included."""

    def __init__(self, *secrets: str | None) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the handler to report
            return True
        if (clean := self.redact(message)) != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure_logging(settings: Settings) -> Redactor:
    """Log to stderr at NKBOT_LOG_LEVEL, never showing the token, never message text next to an id."""
    level = logging.getLevelNamesMapping().get(settings.log_level, logging.INFO)
    logging.basicConfig(format=LOG_FORMAT, level=level)
    # httpx and httpcore log every request URL, and a Bot API URL contains the token.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # PTB's DEBUG lines print whole updates and request parameters: message text next to chat ids.
    logging.getLogger("telegram").setLevel(max(level, logging.INFO))
    redactor = Redactor(settings.token, settings.webhook_secret)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    return redactor


async def whoami(settings: Settings) -> str:
    """The bot's @username, from getMe: a rejected token or an unreachable server shows up here."""
    async with Bot(settings.require_token(), base_url=settings.base_url, base_file_url=settings.base_file_url) as bot:
        return bot.username


def run_bot(settings: Settings, answerer: Answerer) -> None:
    """Run until stopped (Ctrl-C, SIGTERM): polling, or a webhook server when NKBOT_WEBHOOK_URL is set."""
    configure_logging(settings)
    application = build_application(settings, answerer)
    try:
        # Checked before PTB starts, so that a bad token or address is one log line rather than a traceback.
        logger.info("connected to %s as @%s", settings.base_url, asyncio.run(whoami(settings)))
        if settings.webhook:
            options = webhook_options(settings)
            logger.info("webhook mode: listening on %s:%s /%s", options["listen"], options["port"], options["url_path"])
            application.run_webhook(**options)
        else:
            logger.info("polling mode: asking %s for updates", settings.base_url)
            application.run_polling(**polling_options())
    except InvalidToken:
        logger.error("the Bot API at %s rejected TELEGRAM_BOT_TOKEN: check it with @BotFather", settings.base_url)
        raise SystemExit(2) from None
    except NetworkError as exc:
        logger.error("cannot reach the Bot API at %s: %s", settings.base_url, exc)
        raise SystemExit(1) from None
