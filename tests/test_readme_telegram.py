"""The README's Telegram transcript is what the bot sends: each message, played to the real Application over the
fake Bot API, gets the text shown (`…` standing for text left out) and exactly the buttons shown."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from fake_bot_api import FakeBotApi
from support import PROJECT

from bot.telegram.app import PRODUCTION

README = (PROJECT / "README.md").read_text(encoding="utf-8")
TURN = re.compile(r"^(you|bot) ▸ (.*)$")
BUTTON_ROW = re.compile(r"^(?:\[ [^\]]+ \]\s*)+$")
TAP = re.compile(r"^\(taps (.+)\)$")


def transcript() -> list[tuple[str, list[str]]]:
    """(what you send, the lines the bot's reply shows) for each turn of the README's transcript."""
    block = README.split("## On Telegram", 1)[1]
    text = re.search(r"```text\n(.*?)```", block, re.S)
    assert text, "the README's Telegram section has a ```text transcript"
    turns: list[tuple[str, list[str]]] = []
    for line in text.group(1).splitlines():
        turn = TURN.match(line)
        if turn and turn.group(1) == "you":
            turns.append((turn.group(2), []))
        elif turn:
            turns[-1][1].append(turn.group(2))
        else:
            turns[-1][1].append(line.strip())
    return turns


def shown(line: str) -> re.Pattern[str]:
    return re.compile(".*?".join(re.escape(part) for part in line.split("…")), re.S)


def plain(text: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", line)) for line in text.splitlines()]


def check(call: Any, lines: list[str]) -> None:
    rows = [[b["text"] for b in row] for row in call.params.get("reply_markup", {}).get("inline_keyboard", [])]
    expected_rows = [re.findall(r"\[ ([^\]]+) \]", line) for line in lines if BUTTON_ROW.match(line)]
    assert rows == expected_rows, (lines, rows)
    real, at = plain(call.params["text"]), 0
    for line in (line for line in lines if not BUTTON_ROW.match(line)):
        found = next((k for k in range(at, len(real)) if shown(line).fullmatch(real[k])), None)
        assert found is not None, f"the bot never says {line!r}; it says:\n" + "\n".join(real)
        at = found + 1


async def test_the_readme_telegram_transcript_is_what_the_bot_sends(
    start_bot: Callable[..., Any], fake_bot_api: FakeBotApi
) -> None:
    turns = transcript()
    assert len(turns) >= 5 and any(TAP.match(sent) for sent, _ in turns)
    async with start_bot(PRODUCTION):
        last = None
        for sent, lines in turns:
            mark = len(fake_bot_api.calls)
            tap = TAP.match(sent)
            if tap:
                assert last is not None
                pressed = [b for row in last.params["reply_markup"]["inline_keyboard"] for b in row]
                data = next(b["callback_data"] for b in pressed if b["text"] == tap.group(1))
                fake_bot_api.callback(last.result, data)
            else:
                fake_bot_api.message(sent)
            call = await fake_bot_api.wait_for("sendMessage", since=mark, timeout=20)
            check(call, lines)
            last = call if not tap else last
