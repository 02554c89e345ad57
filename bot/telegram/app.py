"""The Telegram application: built from settings and an answerer, run by polling or as a webhook server."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import json
import logging
import signal
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, RequestData

from ..answerer import Answerer
from ..config import Settings
from . import handlers, render
from .aiohttp_request import AiohttpRequest
from .context import BotData, ChatData, Context

logger = logging.getLogger(__name__)

# Only what the handlers use; Telegram then never sends edited messages, channel posts or member updates.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
RATE_LIMIT_RETRIES = 3  # AIORateLimiter waits out a RetryAfter (flood limit) this many times before giving up
IN_FLIGHT = 100  # confirmed to Telegram but not yet answered, at most: what a crash can lose
GET_UPDATES_LIMIT = 100  # Telegram's most updates in one getUpdates (PTB asks for its default, the most)
MAX_BODY = 1_000_000  # bytes: the largest webhook body read (an update is a few kilobytes)
BACKLOG_POLL = 0.05  # seconds between looks at the queue while it is too full to fetch more
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"
HEALTH_PATH = "/healthz"
HEALTH_QUESTION = "mss"  # a real question, answered by the loaded database, as every user's question is

JSON = bool | dict[str, Any] | list[dict[str, Any]]  # what a Bot API call returns


@dataclass(frozen=True)
class Network:
    """How the bot talks to the Bot API: timeouts in seconds, retries, flood limits. Tests shorten them."""

    connect_timeout: float = 10.0  # opening a connection to api.telegram.org, TLS included
    read_timeout: float = 10.0  # Telegram answers a method call in well under a second
    write_timeout: float = 10.0
    media_write_timeout: float = 30.0  # uploading an image
    pool_timeout: float = 5.0  # waiting for a free connection (PTB keeps 256)
    long_poll: int = 30  # getUpdates waits this long for news before answering empty; read_timeout comes on top
    # A call that fails for a passing reason (timeout, refused or dropped connection, HTTP 5xx) is tried again after
    # each of these pauses, about three minutes in all, before the error handler takes over.
    retry_delays: tuple[float, ...] = (1, 2, 4, 8, 15, 30, 30, 30, 30, 30)
    flood_limits: bool = True  # AIORateLimiter: at most 30 messages a second overall, 20 a minute per group


PRODUCTION = Network()


class Retrying(BaseRateLimiter[int]):
    """Every Bot API call but getUpdates (PTB's polling loop retries that itself) passes through here.

    Flood limits (429 with retry_after) are waited out by PTB's AIORateLimiter, unless turned off. A call that
    fails for a passing reason is tried again after each of `delays`, so answers outlast a short Telegram outage;
    a call Telegram rejects (400, 403) is not. A read timeout can mean Telegram sent the message but its answer was
    lost, so a retry may deliver that message twice: an answer at least once rather than at most once.
    """

    def __init__(self, delays: tuple[float, ...], flood: AIORateLimiter | None) -> None:
        self.delays = delays
        self.flood = flood

    async def initialize(self) -> None:
        if self.flood is not None:
            await self.flood.initialize()

    async def shutdown(self) -> None:
        if self.flood is not None:
            await self.flood.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        for attempt, delay in enumerate((*self.delays, None), start=1):
            try:
                if self.flood is None:
                    return await callback(*args, **kwargs)
                return await self.flood.process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:  # a NetworkError in PTB's hierarchy, but Telegram's final word
                raise
            except NetworkError as exc:  # TimedOut included
                if delay is None:
                    raise
                logger.warning("%s failed (attempt %d: %s); trying again in %gs", endpoint, attempt, exc, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")


class Backpressure(AiohttpRequest):
    """The connection getUpdates uses, polling only when few enough updates wait to be answered.

    getUpdates confirms every update fetched before it, and Telegram then forgets them. Polling again only once at
    most IN_FLIGHT updates wait keeps the updates confirmed but not answered (what SIGKILL loses, what SIGTERM must
    answer before it exits) at IN_FLIGHT, and memory flat whatever the backlog waiting at Telegram. The last call
    of a stop (timeout 0), which confirms what was fetched, never waits.
    """

    backlog: asyncio.Queue[Any] | None = None  # the application's update queue, once it is built

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any) -> Any:
        polling = request_data is not None and bool(request_data.parameters.get("timeout"))
        while polling and self.backlog is not None and self.backlog.qsize() > IN_FLIGHT:
            await asyncio.sleep(BACKLOG_POLL)
        return await super().do_request(url, method, request_data, **kwargs)


class PollingBot(ExtBot[Any]):
    """PTB's bot, reading each polled update on its own: PTB reads a batch whole, so one malformed update would
    fail the batch on every poll, the offset never moving past it (the updates behind it never answered, the
    log flooded with their contents). Here an update that cannot be read becomes its bare id: it matches no
    handler and is confirmed with the rest. Each update is read once, as PTB would read it.
    """

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: int | dt.timedelta | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
        api_kwargs: dict[str, Any] | None = None,
    ) -> tuple[Update, ...]:
        data = {"timeout": timeout, "offset": offset, "limit": limit, "allowed_updates": allowed_updates}
        # As PTB's own: the long poll's wait comes on top of the read timeout.
        wait = timeout.total_seconds() if isinstance(timeout, dt.timedelta) else timeout or 0
        if isinstance(read_timeout, int | float) or read_timeout is None:
            read = read_timeout or 0
        else:  # not given: the polling connection's own
            read = self._request[0].read_timeout or 0
        result = await self._post(
            "getUpdates",
            data,
            read_timeout=read + wait,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        if not isinstance(result, list):
            raise TelegramError("getUpdates answered something other than a list of updates")
        updates = []
        for item in result:
            update = read_update(item, self)
            if update is None:
                uid = item.get("update_id") if isinstance(item, dict) else None
                if not isinstance(uid, int):
                    continue  # no id to confirm it by: passed over, confirmed once an update after it is
                update = Update(uid)
            self.insert_callback_data(update)
            updates.append(update)
        return tuple(updates)


def read_update(item: Any, bot: Bot | None) -> Update | None:
    """The update PTB reads from `item` (decoded JSON), or None when it cannot: then one log line naming the
    update's id and the error's kind, and nothing of its contents. Polling and the webhook both read with it."""
    try:
        if not isinstance(item, dict):
            raise TypeError("not a JSON object")
        return Update.de_json(item, bot)
    except Exception as exc:  # whatever is malformed in it
        uid = item.get("update_id") if isinstance(item, dict) else None
        logger.warning("update %s could not be read (%s); skipped", uid, type(exc).__name__)
        return None


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
        *(CallbackQueryHandler(callback, pattern=render.pattern(kind)) for kind, callback in handlers.BUTTONS),
        CallbackQueryHandler(handlers.stale_button),
        InlineQueryHandler(handlers.inline_query),
    ]


async def publish_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Publish the command menu from the table that drives /help: the default in English, and in Korean."""
    names = [name for name, _ in handlers.COMMANDS]
    await application.bot.set_my_commands(render.command_menu("en", names))
    await application.bot.set_my_commands(render.command_menu("ko", names), language_code="ko")


class HealthCheck(tornado.web.RequestHandler):
    """GET /healthz: one real question through the answerer; 200 and a line of JSON, or 503. Needs no secret."""

    def initialize(self, answerer: Answerer) -> None:
        self.answerer = answerer

    def get(self) -> None:
        try:
            reply = self.answerer.ask(HEALTH_QUESTION, "en")
            if reply.intent is None:
                raise RuntimeError(f"{HEALTH_QUESTION!r} was declined")
            data = self.answerer.data
            status, body = 200, {"status": "ok", "topics": len(data.intents), "findings": len(data.findings)}
        except Exception as exc:  # whatever broke, the check reports it rather than the server
            logger.error("health check failed: %s", exc, exc_info=True)
            status, body = 503, {"status": "failing", "error": type(exc).__name__}
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body) + "\n")


@tornado.web.stream_request_body
class WebhookReceiver(tornado.web.RequestHandler):
    """POST /<path>: one update from Telegram, in place of PTB's own receiver, which reads a body of up to 100 MB
    before it looks at the secret, and logs a body it cannot read whole at CRITICAL (users' names and texts).

    Here a declared length over MAX_BODY is refused before any of the body is read (413), a body is cut off past
    MAX_BODY, one without the secret is dropped as it arrives, never kept (403), and an update that cannot be read
    is answered 200 (so Telegram does not send it again)
    and skipped with one log line that names no one. A good update waits for room in the bounded queue before
    Telegram gets its 200: confirmed means it will be answered.
    """

    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, bot_app: Application[Any, Any, Any, Any, Any, Any], secret: str) -> None:
        self.bot_app = bot_app  # (tornado's own `application` is its web application)
        self.secret = secret
        self.chunks: list[bytes] = []
        self.size = 0
        self.refused = False

    def prepare(self) -> None:
        length = self.request.headers.get("Content-Length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:  # refused unread, and the connection closed
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        # Without the secret (or not JSON), the body (at most MAX_BODY) is read only to be dropped, chunk by
        # chunk, so that the connection can serve the next request; the answer is 403.
        self.refused = (
            self.request.headers.get("X-Telegram-Bot-Api-Secret-Token") != self.secret
            or self.request.headers.get("Content-Type", "").split(";")[0].strip() != "application/json"
        )

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_BODY:  # a body longer than it said (or chunked): stop reading it
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        if not self.refused:
            self.chunks.append(chunk)

    async def post(self) -> None:
        if self.refused:
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        bot = self.bot_app.bot
        try:
            item = json.loads(b"".join(self.chunks))
        except ValueError:
            item = None  # not JSON: read_update says so
        update = read_update(item, bot)
        if update is not None:
            bot.insert_callback_data(update)
            await self.bot_app.update_queue.put(update)
        self.set_status(HTTPStatus.OK)
        self.finish()

    def log_exception(self, *args: Any) -> None:
        """The refusals above are the answer, not an error worth a traceback (which could quote the request)."""


def add_routes(application: Application[Any, Any, Any, Any, Any, Any], answerer: Answerer) -> bool:
    """Serve HEALTH_PATH, and receive updates with WebhookReceiver, from the webhook server Updater.start_webhook
    runs; False when there is none.

    PTB 22 has no public way to add a route to that server, so this reaches its tornado Application through two
    private attributes (Updater._httpd, a WebhookServer, and its _http_server). If a PTB release renames them,
    the bot still runs, logs a warning, and tests/test_health_endpoint.py fails.
    """
    server = getattr(application.updater, "_httpd", None)
    if server is None:
        return False
    web_app = getattr(getattr(server, "_http_server", None), "request_callback", None)
    if not isinstance(web_app, tornado.web.Application):
        logger.warning("cannot add %s to this version of PTB's webhook server", HEALTH_PATH)
        return False
    # Host rules are tried before PTB's own routes; other paths fall through to them.
    routes: list[Any] = [(HEALTH_PATH, HealthCheck, {"answerer": answerer})]
    webhook = application.bot_data.webhook
    if webhook is not None:
        path, secret = webhook
        routes.append((rf"/{path}/?", WebhookReceiver, {"bot_app": application, "secret": secret}))
    web_app.add_handlers(r".*", routes)
    return True


class BotApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application, plus GET /healthz on the webhook server.

    run_webhook starts the webhook server, then the application, so start() finds the server running.
    """

    async def start(self) -> None:
        await super().start()
        if add_routes(self, self.bot_data.answerer):
            logger.info("health check at %s", HEALTH_PATH)


def build_application(
    settings: Settings,
    answerer: Answerer,
    network: Network = PRODUCTION,
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, ready to run: HTML replies without link previews, timeouts, flood limits and retries as `network`
    says (production's by default), handlers registered. `rate_limiter` replaces the retrying, flood-limited one
    (the benchmark measures the bot without Telegram's pace)."""
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        allow_sending_without_reply=True,  # still answer when the question was deleted meanwhile
    )
    context_types = ContextTypes(context=Context, chat_data=ChatData, bot_data=BotData)
    flood = AIORateLimiter(max_retries=RATE_LIMIT_RETRIES) if network.flood_limits else None
    limiter = rate_limiter or Retrying(network.retry_delays, flood)
    polling = Backpressure(
        connection_pool_size=1,
        connect_timeout=network.connect_timeout,
        read_timeout=network.read_timeout,  # on top of the long poll
        write_timeout=network.write_timeout,
        pool_timeout=network.pool_timeout,
    )
    calls = AiohttpRequest(
        connect_timeout=network.connect_timeout,
        read_timeout=network.read_timeout,
        write_timeout=network.write_timeout,
        media_write_timeout=network.media_write_timeout,
        pool_timeout=network.pool_timeout,
    )
    bot = PollingBot(
        settings.require_token(),
        base_url=settings.base_url,
        base_file_url=settings.base_file_url,
        request=calls,
        get_updates_request=polling,
        defaults=defaults,
        rate_limiter=limiter,
    )
    application = (
        ApplicationBuilder()
        .bot(bot)
        .application_class(BotApplication)
        # Room for IN_FLIGHT waiting updates and one more batch of getUpdates (at most 100), which polling fetches
        # only when there is room (Retrying.room_for_more), so a batch is never cut short; a webhook POST waits for
        # room before Telegram gets its 200.
        .update_queue(asyncio.Queue(maxsize=IN_FLIGHT + GET_UPDATES_LIMIT))
        .context_types(context_types)
        .post_init(publish_commands)
        .build()
    )
    polling.backlog = application.update_queue
    if settings.webhook:
        application.bot_data.webhook = (settings.webhook_path.strip("/"), settings.webhook_secret)
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
    # httpx and httpcore log every request URL, and a Bot API URL contains the token (aiohttp, the connection
    # used, logs none, but is held to the same).
    for name in ("httpx", "httpcore", "aiohttp"):
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


def reload_database(answerer: Answerer) -> None:
    """On SIGHUP: load the database file again now (a rebuilt file is also noticed by itself within seconds)."""
    logger.info("SIGHUP: reloading %s", answerer.db_path)
    if not answerer.refresh(force=True):
        logger.warning("SIGHUP: still serving the database loaded before")


class StopOnce:
    """The handler of SIGINT, SIGTERM and SIGABRT, in place of PTB's own.

    The first signal stops the bot as PTB does (SystemExit: the updater stops, the updates it fetched and confirmed
    are answered, then the process exits 0). PTB would let a second signal cut that short, dropping confirmed
    updates; here a second SIGTERM is ignored, and only a second Ctrl-C (SIGINT) still means "stop now".
    """

    def __init__(self) -> None:
        self.stopping = False

    def __call__(self, sig: signal.Signals) -> None:
        if self.stopping and sig != signal.SIGINT:
            logger.warning("%s: already stopping, once the updates fetched so far are answered", sig.name)
            return
        self.stopping = True
        raise SystemExit


def run_bot(settings: Settings, answerer: Answerer, network: Network = PRODUCTION) -> None:
    """Run until stopped (Ctrl-C, SIGTERM): polling, or a webhook server when NKBOT_WEBHOOK_URL is set.

    SIGHUP reloads the database (after `nkbot build`) without a restart.
    """
    configure_logging(settings)
    application = build_application(settings, answerer, network)
    # One event loop for the whole run, so that the signal handlers are on the loop PTB then runs on.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    signals: dict[str, Any] = {}  # elsewhere than POSIX (Windows), PTB's defaults
    if hasattr(signal, "SIGHUP"):
        loop.add_signal_handler(signal.SIGHUP, reload_database, answerer)
        stop = StopOnce()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGABRT):
            loop.add_signal_handler(sig, stop, sig)
        signals["stop_signals"] = None
    # The loaded data (the index, the findings) lives as long as the process: out of the collector's way, so that
    # the collections every few updates set off (PTB builds hundreds of objects for each) do not walk it again.
    gc.collect()
    gc.freeze()
    try:
        # Checked before PTB starts, so that a bad token or address is one log line rather than a traceback.
        logger.info("connected to %s as @%s", settings.base_url, loop.run_until_complete(whoami(settings)))
        if settings.webhook:
            options = webhook_options(settings)
            logger.info("webhook mode: listening on %s:%s /%s", options["listen"], options["port"], options["url_path"])
            application.run_webhook(**options, **signals)
        else:
            logger.info("polling mode: asking %s for updates", settings.base_url)
            application.run_polling(timeout=network.long_poll, **polling_options(), **signals)
    except InvalidToken:
        logger.error(
            "the Bot API at %s rejected %s: check it with @BotFather", settings.base_url, settings.token_source
        )
        raise SystemExit(2) from None
    except NetworkError as exc:
        logger.error("cannot reach the Bot API at %s: %s", settings.base_url, exc)
        raise SystemExit(1) from None
    finally:
        if not loop.is_closed():  # run_polling and run_webhook close it; an early exit does not
            loop.close()
