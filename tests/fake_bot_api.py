"""A fake Telegram Bot API server for end-to-end tests: real HTTP on 127.0.0.1, every call recorded.

PTB calls `{base_url}{token}/{method}`, so with base_url `http://127.0.0.1:<port>/bot` a call arrives at
`/bot<token>/<method>`. Tests queue updates (served by getUpdates, or posted to a webhook), then wait for
the calls the bot makes. The server checks what Telegram would reject: a wrong token, unbalanced or
unknown HTML tags, bare `<` and `&`, texts over 4096 characters, captions over 1024, callback data over 64
bytes, photos that are not PNG files or name a file_id it never handed out. sendPhoto answers an upload with
PhotoSizes whose largest has the file_id "photo-<n>" (the n-th upload); `uploads` holds the files.

Faults, for tests/test_faults.py: `fail` (an error answer, 429 with retry_after included), `fail_html` (an error
page from the proxy in front of the Bot API, as a 502 usually is), `slow` (an answer later than the bot waits),
`stop_listening` and `start` again (connections refused meanwhile, same port). `confirmed` is the offset the bot
last confirmed to getUpdates: every update below it was acknowledged, and Telegram will not send it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:" + "A" * 35
BOT_ID = 123456
BOT_USERNAME = "nowhere_test_bot"
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
MAX_CAPTION = 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LONG_POLL_CAP = 1.0  # seconds a getUpdates call may wait for an update, whatever timeout it asks for
PROXY_ERROR_PAGE = (
    "<html><head><title>{code} {reason}</title></head><body><center><h1>{code} {reason}</h1></center></body></html>"
)

# Values PTB sends as plain strings; every other form field is JSON (numbers, booleans, objects).
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "query",
        "url",
        "secret_token",
        "callback_query_id",
        "inline_query_id",
        "parse_mode",
        "language_code",
        "next_offset",
        "action",
        "description",
        "short_description",
        "ip_address",
        "photo",  # a file_id, when not uploaded
    }
)
HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
HTML_TOKEN = re.compile(
    r"<(/?)([a-z-]+)((?:\s+[a-z-]+(?:=\"[^\"]*\"|='[^']*')?)*)\s*>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);"
)


class BotApiError(Exception):
    """What Telegram answers to a bad request: an error code and a description (or an HTML page, from a proxy)."""

    def __init__(self, code: int, description: str, retry_after: int | None = None, page: str | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after, self.page = code, description, retry_after, page


@dataclass(frozen=True)
class Slowness:
    """An answer `seconds` late: after doing the call (`processed`), or instead of doing it (then a 504)."""

    seconds: float
    processed: bool


@dataclass
class Call:
    """One Bot API request the bot made, and what the fake answered."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None
    error: str | None = None

    @property
    def photo_sent_as(self) -> str | None:
        """sendPhoto: "upload" (multipart, the image attached) or "file_id" (a reference to an earlier upload)."""
        if "photo" in self.files:
            return "upload"
        return "file_id" if isinstance(self.params.get("photo"), str) else None


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """The visible text of Telegram HTML, or BotApiError as Telegram's parser would raise it."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for m in HTML_TOKEN.finditer(text):
        chunk = text[pos : m.start()]
        if any(c in chunk for c in "<>&"):
            raise BotApiError(400, f"Bad Request: can't parse entities: unescaped character at {pos}")
        out.append(chunk)
        token = m.group(0)
        if token.startswith("&"):
            out.append(html.unescape(token))
        elif m.group(1):  # closing tag
            if not stack or stack[-1] != m.group(2):
                raise BotApiError(400, f"Bad Request: can't parse entities: unexpected end tag {token}")
            stack.pop()
        else:
            if m.group(2) not in HTML_TAGS:
                raise BotApiError(400, f'Bad Request: can\'t parse entities: unsupported start tag "{m.group(2)}"')
            stack.append(m.group(2))
        pos = m.end()
    rest = text[pos:]
    if any(c in rest for c in "<>&"):
        raise BotApiError(400, "Bad Request: can't parse entities: unescaped character")
    out.append(rest)
    if stack:
        raise BotApiError(400, f"Bad Request: can't parse entities: unclosed start tag {stack[-1]}")
    return "".join(out)


def check_text(text: str, parse_mode: str | None) -> None:
    visible = parse_html(text) if parse_mode == "HTML" else text
    if not visible.strip():
        raise BotApiError(400, "Bad Request: message text is empty")
    if utf16_len(visible) > MAX_TEXT:
        raise BotApiError(400, "Bad Request: message is too long")


def check_caption(caption: str | None, parse_mode: str | None) -> None:
    if caption is None:
        return
    visible = parse_html(caption) if parse_mode == "HTML" else caption
    if utf16_len(visible) > MAX_CAPTION:
        raise BotApiError(400, "Bad Request: message caption is too long")


def image_size(image: bytes) -> tuple[int, int]:
    """Width and height of an uploaded PNG (from its IHDR chunk); Telegram refuses what it cannot read as an image."""
    if len(image) > MAX_PHOTO_BYTES:
        raise BotApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
    if image[:8] != PNG_SIGNATURE or image[12:16] != b"IHDR":
        raise BotApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
    width, height = struct.unpack(">II", image[16:24])
    return width, height


def check_markup(markup: dict[str, Any] | None) -> None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if len(button.get("callback_data", "").encode()) > MAX_CALLBACK_DATA:
                raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")


# --- updates, as Telegram sends them -----------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def user(user_id: int = 1001, first_name: str = "Mina", language_code: str | None = "en") -> dict[str, Any]:
    person: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code:
        person["language_code"] = language_code
    return person


def private_chat(person: dict[str, Any]) -> dict[str, Any]:
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


def group_chat(chat_id: int = -1001234567890, title: str = "Researchers") -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": title}


BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Nowhere", "username": BOT_USERNAME}


def entities_for(text: str) -> list[dict[str, Any]]:
    """The entities Telegram would mark: a /command at the start, and @mentions (UTF-16 offsets)."""
    found = []
    if m := re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text):
        found.append({"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))})
    for m in re.finditer(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}", text):
        found.append({"type": "mention", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0))})
    return found


class FakeBotApi:
    """The server, the updates waiting for the bot, and the calls it made."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.photo_files: dict[str, list[dict[str, Any]]] = {}  # file_id of each photo uploaded -> its PhotoSizes
        self.uploads: list[bytes] = []  # the image files uploaded, in order
        self.failures: dict[str, list[BotApiError]] = {}
        self.slowness: dict[str, list[Slowness]] = {}
        self.confirmed = 0  # the highest offset the bot has sent to getUpdates
        self.served: list[int] = []  # update_ids, in the order getUpdates returned them (repeats included)
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(5001)
        self._query_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- server ----------------------------------------------------------------------------

    async def start(self) -> FakeBotApi:
        """Listen on a free port, or again on the same port after stop_listening()."""
        app = web.Application()
        app.router.add_route("POST", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the same port again, at once
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        self._closing = False
        await web.SockSite(self._runner, sock).start()
        return self

    async def close(self) -> None:
        self._closing = True
        self._new_update.set()  # release a waiting getUpdates at once
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def stop_listening(self) -> None:
        """Go down: open connections are closed and new ones refused until start() is called again."""
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        params, files = await _read_params(request)
        call = Call(method, params, files)
        slow = self.slowness[method].pop(0) if self.slowness.get(method) else None
        try:
            if slow is not None and not slow.processed:
                await asyncio.sleep(slow.seconds)
                raise BotApiError(504, "Gateway Timeout (not processed)")
            if self.failures.get(method):
                raise self.failures[method].pop(0)
            call.result = await self._answer(method, params, files)
        except BotApiError as exc:
            call.error = exc.description
            self._record(call)
            if exc.page is not None:
                return web.Response(text=exc.page, status=exc.code, content_type="text/html")
            body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            return web.json_response(body, status=exc.code)
        self._record(call)
        if slow is not None:  # done, but the answer comes after the bot stopped waiting for it
            await asyncio.sleep(slow.seconds)
        return web.json_response({"ok": True, "result": call.result})

    def _record(self, call: Call) -> None:
        if call.method != "getUpdates":  # polling is noise; tests look at what the bot did
            self.calls.append(call)
            self._new_call.set()

    async def _answer(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if method == "getMe":
            return {
                **BOT_USER,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": True,
            }
        if method == "getUpdates":
            return await self._get_updates(params)
        if method in {"sendMessage", "editMessageText"}:
            check_text(params.get("text", ""), params.get("parse_mode"))
            check_markup(params.get("reply_markup"))
            return self._message(params["chat_id"], text=params["text"], reply_markup=params.get("reply_markup"))
        if method == "sendPhoto":
            check_caption(params.get("caption"), params.get("parse_mode"))
            check_markup(params.get("reply_markup"))
            return self._message(params["chat_id"], photo=self._photo(params, files), caption=params.get("caption"))
        if method == "answerCallbackQuery":
            if len(params.get("text", "")) > 200:
                raise BotApiError(400, "Bad Request: MESSAGE_TOO_LONG")
            return True
        if method == "answerInlineQuery":
            return self._check_inline(params)
        if method == "setMyCommands":
            for command in params["commands"]:
                if (
                    not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"])
                    or not 1 <= len(command["description"]) <= 256
                ):
                    raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            self.commands[params.get("language_code", "")] = params["commands"]
            return True
        if method == "getMyCommands":
            return self.commands.get(params.get("language_code", ""), [])
        if method == "deleteMyCommands":
            self.commands.pop(params.get("language_code", ""), None)
            return True
        if method in {"deleteWebhook", "setWebhook", "sendChatAction", "close", "logOut"}:
            return True
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self.updates)}
        raise BotApiError(404, "Not Found: method not found")

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:  # updates before the offset are confirmed, and forgotten
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            self.confirmed = max(self.confirmed, offset)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), LONG_POLL_CAP)
        while not self.updates and not self._closing and (remaining := deadline - time.monotonic()) > 0:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), remaining)
            except TimeoutError:
                break
        batch = self.updates[: int(params.get("limit") or 100)]
        self.served.extend(u["update_id"] for u in batch)
        return batch

    def _photo(self, params: dict[str, Any], files: dict[str, bytes]) -> list[dict[str, Any]]:
        """The PhotoSizes of a photo sent as an upload (a new photo, file_id "photo-<n>" for its largest size) or
        by a file_id this server handed out (the same sizes again); anything else is refused as Telegram would."""
        if "photo" in files:
            width, height = image_size(files["photo"])
            n = len(self.photo_files) + 1
            sizes = [
                {
                    "file_id": f"photo-{n}" + ("" if side is None else f"-{side}"),
                    "file_unique_id": f"unique-{n}-{side or 'full'}",
                    "width": width if side is None else min(width, side),
                    "height": height if side is None else min(height, side * height // width),
                    "file_size": len(files["photo"]) if side is None else len(files["photo"]) // 10,
                }
                for side in (90, 320, None)  # Telegram's thumbnails first, the largest last
            ]
            self.photo_files[f"photo-{n}"] = sizes
            self.uploads.append(files["photo"])
            return sizes
        file_id = params.get("photo")
        if isinstance(file_id, str) and file_id in self.photo_files:
            return self.photo_files[file_id]
        raise BotApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _check_inline(self, params: dict[str, Any]) -> bool:
        results = params.get("results", [])
        ids = [r["id"] for r in results]
        if len(results) > 50 or len(set(ids)) != len(ids) or any(len(i.encode()) > 64 for i in ids):
            raise BotApiError(400, "Bad Request: RESULT_ID_INVALID")
        for result in results:
            content = result["input_message_content"]
            check_text(content["message_text"], content.get("parse_mode"))
        return True

    def _message(self, chat_id: int | str, **content: Any) -> dict[str, Any]:
        chat = self.chats.get(int(chat_id)) or {"id": int(chat_id), "type": "private" if int(chat_id) > 0 else "group"}
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "from": BOT_USER}
        message.update({key: value for key, value in content.items() if value is not None})
        return message

    # --- what the tests feed the bot -------------------------------------------------------

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue one update, e.g. push("message", {...}); returns it with its update_id."""
        update = {"update_id": next(self._update_ids), kind: payload}
        self.updates.append(update)
        self._new_update.set()
        return update

    def message(
        self,
        text: str | None = None,
        *,
        sender: dict[str, Any] | None = None,
        chat: dict[str, Any] | None = None,
        kind: str = "message",
        **content: Any,
    ) -> dict[str, Any]:
        """Queue a message (text, or other content such as sticker=...) from `sender` in `chat` (default: private)."""
        sender = sender or user()
        chat = chat or private_chat(sender)
        self.chats[chat["id"]] = chat
        payload: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": sender,
            **content,
        }
        if text is not None:
            payload["text"] = text
            if entities := entities_for(text):
                payload["entities"] = entities
        if kind == "edited_message":
            payload["edit_date"] = int(time.time())
        return self.push(kind, payload)

    def callback(self, message: dict[str, Any], data: str, sender: dict[str, Any] | None = None) -> dict[str, Any]:
        """Queue a button press on `message` (a message the bot sent: a call's result)."""
        query = {
            "id": str(next(self._query_ids)),
            "from": sender or user(),
            "chat_instance": "ci-1",
            "data": data,
            "message": message,
        }
        return self.push("callback_query", query)

    def inline(self, query: str, sender: dict[str, Any] | None = None) -> dict[str, Any]:
        """Queue an inline query, as typed after @bot in any chat."""
        return self.push(
            "inline_query", {"id": str(next(self._query_ids)), "from": sender or user(), "query": query, "offset": ""}
        )

    def fail(
        self, method: str, code: int = 400, description: str = "Bad Request", retry_after: int | None = None
    ) -> None:
        """Make the next call of `method` fail as Telegram would (429 with retry_after: a flood limit)."""
        self.failures.setdefault(method, []).append(BotApiError(code, description, retry_after))

    def fail_html(self, method: str, code: int = 502, reason: str = "Bad Gateway") -> None:
        """Make the next call of `method` get an HTML error page, as from the proxy in front of the Bot API."""
        page = PROXY_ERROR_PAGE.format(code=code, reason=reason)
        self.failures.setdefault(method, []).append(BotApiError(code, f"{code} {reason} (HTML page)", page=page))

    def slow(self, method: str, seconds: float, *, processed: bool = True) -> None:
        """Make the next call of `method` answer `seconds` late: done before that (`processed`), or not done at all."""
        self.slowness.setdefault(method, []).append(Slowness(seconds, processed))

    # --- what the tests check ---------------------------------------------------------------

    def calls_to(self, method: str, since: int = 0) -> list[Call]:
        return [c for c in self.calls[since:] if c.method == method]

    def sent(self, since: int = 0) -> list[str]:
        """The texts of the messages sent, in order."""
        return [c.params["text"] for c in self.calls_to("sendMessage", since) if c.error is None]

    async def wait_for(
        self, method: str, where: Callable[[Call], bool] = lambda call: True, *, since: int = 0, timeout: float = 5.0
    ) -> Call:
        """The first successful call of `method` (from index `since`) that `where` accepts; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            for call in self.calls[since:]:
                if call.method == method and call.error is None and where(call):
                    return call
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                made = [f"{c.method}: {str(c.params.get('text', ''))[:60]!r}" for c in self.calls[since:]]
                raise AssertionError(f"no {method} within {timeout}s; calls since {since}: {made}")
            self._new_call.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_call.wait(), remaining)


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    if request.content_type == "application/json":
        return dict(await request.json()), files
    form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            files[name] = value.file.read()
        elif name in STRING_FIELDS:
            params[name] = value
        else:
            try:
                params[name] = json.loads(value)
            except ValueError:
                params[name] = value
    return params, files
