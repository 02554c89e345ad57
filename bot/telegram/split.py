"""Telegram HTML messages cut at the 4096-character limit without breaking a tag, an entity or a word."""

from __future__ import annotations

import html
import re

from telegram.constants import MessageLimit


def split_html(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Telegram HTML cut into messages of at most `limit` characters (UTF-16 units, as Telegram counts).

    Breaks fall at the last paragraph break that fits, else the last line break, else the last space;
    never inside a tag or an entity, and inside a block quote (an answer's list of outlets) only when the
    quote alone is longer than a part. Tags open at a break are closed there and reopened in the next part.
    """
    if units(text) <= limit:
        return [text]
    tokens = _tokens(text, max(1, limit // 4))
    chunks: list[str] = []
    opened: list[tuple[str, str]] = []  # (tag name, opening tag) still open where this chunk starts
    i = 0
    while i < len(tokens):
        prefix = "".join(tag for _, tag in opened)
        size, stack, j = units(prefix), list(opened), i
        breaks: dict[int, tuple[int, list[tuple[str, str]]]] = {}  # priority -> (token index, open tags)
        while j < len(tokens):
            after = _apply_tag(stack, tokens[j])
            room = limit - size - units(_closing(after))
            if units(tokens[j]) > room:
                if j > i:
                    break
                if tokens[j][0] not in "<&" and len(pieces := _cut(tokens[j], room)) > 1:
                    tokens[j : j + 1] = pieces  # a word too long even for a part of its own
                    continue
            size, stack, j = size + units(tokens[j]), after, j + 1
            if (priority := _break_priority(tokens[j - 1])) and j - 1 > i:
                if any(name in WHOLE for name, _ in stack):  # inside a block quote: only if nothing else fits
                    priority -= len(BREAKS)
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


WHOLE = frozenset({"blockquote"})  # tags a part breaks inside only when nothing before them fits
BREAKS = (1, 2, 3)  # the priorities of a space, a line break and a paragraph break

_TOKEN = re.compile(r"<[^>]*>|&#?[0-9A-Za-z]+;|\n{2,}|\n|[^\S\n]+|[^<&\s]+|[<&]")
_OPEN_TAG = re.compile(r"<([A-Za-z][\w-]*)[^>]*>")
_CLOSE_TAG = re.compile(r"</([A-Za-z][\w-]*)\s*>")


def units(text: str) -> int:
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
    space, line, paragraph = BREAKS
    if token.startswith("\n\n"):
        return paragraph
    if token == "\n":
        return line
    return space if token.isspace() else 0


def _visible(chunk: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", chunk))
