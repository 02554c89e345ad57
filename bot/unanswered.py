"""An opt-in log of the questions the bot declined, kept with nothing about who asked, and its summary."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the matcher (and rapidfuzz) stay unloaded for `nkbot --help`
    from .matching import Match

logger = logging.getLogger(__name__)

MAX_CHARS = 300  # of normalised text kept per question
MAX_INPUT = 1000  # only the start of a long message is looked at (the matcher reads 600), which bounds the regexes
TOP_CANDIDATES = 3

# Words after "i am" that are not a name ("i am a journalist", "i'm writing", "i am not sure").
NOT_NAMES = frozenset(
    "a an the not from in at on with for just also so very really new here trying writing working looking doing "
    "asking reading researching preparing going interested curious confused sure wondering checking still".split()
)
# Users paste contact details and links; they are replaced before anything is written. Order matters:
# links first (they may hold @ and digits), then e-mail addresses, bare domains, @usernames, numbers.
REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+"), "[url]"),
    (re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<![\w.+-])[\w.+-]+ ?(?:@| at ) ?[\w-]+(?: ?(?:\.| dot ) ?[a-z]{2,24})+(?![\w])"), "[email]"),
    (re.compile(r"(?<![\w@.-])(?:[a-z0-9-]++\.)+[a-z]{2,24}(?:/\S*)?(?![\w])"), "[url]"),
    (re.compile(r"(?<![\w])@[\w]{3,32}"), "[username]"),
    (re.compile(r"(?<![\w])[a-z]{1,2}\d{6,9}(?![\w])"), "[id]"),  # passport-like: m12345678
    # A name given ("my name is …"; "i am …" unless a common word follows; 저는 김민준입니다).
    (re.compile(r"\b(my name is|my name's|i am called|they call me) [a-z][a-z'-]*(?: [a-z][a-z'-]*)?"), r"\1 [name]"),
    (
        re.compile(rf"\b(i am|i'm|im) (?!(?:{'|'.join(sorted(NOT_NAMES))})\b)[a-z][a-z'-]*(?: [a-z][a-z'-]*-[a-z]+)?"),
        r"\1 [name]",
    ),
    (
        re.compile(
            r"(제 이름은|내 이름은|저는|나는|전) ?[가-힣]{2,4}(?=입니다|이에요|예요|이고|인데|이라고|라고|이야)"
        ),
        r"\1 [name]",
    ),
)
# A run of digits with the separators phone numbers use: 010-1234-5678, +82 2 123 4567, (02) 123-4567.
NUMBER_RUN = re.compile(r"(?<![\w])\+?\(?\d(?:[ ().-]{0,2}\d)+\)?(?![\w])")
PHONE_DIGITS = 9  # fewer is a year range or a date (2014-2019, 2024.10.31), not a phone number
PHONE_DIGITS_INTERNATIONAL = 7  # with a leading +
YEARS_OR_DATE = re.compile(r"(?:19|20)\d\d\D{1,3}(?:19|20)\d\d|\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{8}")

_KEEP = {"Cc": " ", "Zs": " ", "Zl": " ", "Zp": " ", "Cf": "", "Cs": "", "Co": "", "Cn": ""}

# One lock for every log in the process: a reload may create a second UnansweredLog on the same file.
_LOCK = threading.Lock()


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    international = text.startswith("+") and digits >= PHONE_DIGITS_INTERNATIONAL
    local = digits == PHONE_DIGITS - 1 and not YEARS_OR_DATE.fullmatch(text)  # 1234-5678, not 2014-2019
    return "[phone]" if digits >= PHONE_DIGITS or international or local else text


def normalise(question: str) -> str:
    """Lower-cased, one space between words, no control characters, contact details and links redacted."""
    text = question or ""
    if len(text) > MAX_INPUT:  # cut at a space, so no phone number or address is left half-redacted
        words = text[:MAX_INPUT].rsplit(None, 1)
        text = words[0] if len(words) == 2 else ""
    text = unicodedata.normalize("NFKC", text)
    # Control characters and unusual spaces become spaces; invisible format characters (zero-width
    # spaces, direction marks) and unassigned code points go.
    text = "".join(_KEEP.get(unicodedata.category(ch), ch) for ch in text)
    text = " ".join(text.lower().split())
    for pattern, placeholder in REDACTIONS:
        text = pattern.sub(placeholder, text)
    text = NUMBER_RUN.sub(_phone, text)
    return text[:MAX_CHARS].strip()


def hour_of(moment: datetime) -> str:
    """The UTC hour a moment falls in (rounded down), as ISO 8601: when, but not exactly when."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0).isoformat()


def _now() -> datetime:
    return datetime.now(UTC)


class UnansweredLog:
    """Appends one JSON line per declined question: its normalised text, language, hour, reason and the
    closest topics. The API takes no user or chat, so nothing about who asked can be written."""

    def __init__(self, path: Path, *, clock: Callable[[], datetime] = _now) -> None:
        self.path = Path(path)
        self._clock = clock

    def entry(self, question: str, match: Match) -> dict[str, object]:
        """The record that would be written for this question and match."""
        return {
            "question": normalise(question),
            "lang": match.lang,
            "hour": hour_of(self._clock()),
            "reason": match.declined or "unknown",
            "candidates": [
                {"topic": c.id, "score": round(float(c.score), 1), "out_of_scope": bool(c.out_of_scope)}
                for c in match.candidates[:TOP_CANDIDATES]
            ],
        }

    def record(self, question: str, match: Match) -> None:
        """Append the question if the bot declined it (answered ones are never logged). Never raises."""
        try:
            if match.intent is not None:
                return
            entry = self.entry(question, match)
            if not entry["question"]:
                return
            line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
            with _LOCK:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, line)  # one write on an O_APPEND file: lines never interleave
                finally:
                    os.close(fd)
        except Exception as exc:  # logging a decline must never cost the user their answer
            logger.warning("unanswered log: cannot write to %s: %s", self.path, exc)


@dataclass(frozen=True)
class Entry:
    """One normalised question as the log has it: how often, in which languages, near which topics."""

    question: str
    count: int
    langs: tuple[str, ...]  # most frequent first
    reasons: tuple[str, ...]  # most frequent first
    topics: tuple[tuple[str, int], ...]  # the most common candidate topics, with how many records name them
    last_seen: str  # the latest hour it was asked


def _records(path: Path) -> Iterator[dict]:
    """The well-formed records of a log; a garbled or truncated line is skipped."""
    with path.open(encoding="utf-8", errors="replace", newline="\n") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                ok = (
                    isinstance(record, dict)
                    and isinstance(record.get("question"), str)
                    and isinstance(record.get("candidates", []), list)
                )
            except ValueError:
                ok = False
            if not ok:
                logger.debug("unanswered log %s: line %d is not a record, skipped", path, number)
                continue
            yield record


def summarise(path: Path) -> list[Entry]:
    """Identical questions grouped, most frequent first (then most recent); [] when there is no log."""
    path = Path(path)
    if not path.exists():
        return []
    groups: dict[str, list[dict]] = {}
    for record in _records(path):
        groups.setdefault(record["question"], []).append(record)
    entries = []
    for question, records in groups.items():
        topics: Counter[str] = Counter()
        for record in records:
            for candidate in record.get("candidates") or []:
                if isinstance(candidate, dict) and isinstance(candidate.get("topic"), str):
                    topics[candidate["topic"]] += 1
        entries.append(
            Entry(
                question=question,
                count=len(records),
                langs=tuple(k for k, _ in Counter(str(r.get("lang", "?")) for r in records).most_common()),
                reasons=tuple(k for k, _ in Counter(str(r.get("reason", "?")) for r in records).most_common()),
                topics=tuple(topics.most_common(TOP_CANDIDATES)),
                last_seen=max(str(r.get("hour", "")) for r in records),
            )
        )
    entries.sort(key=lambda e: e.question)
    entries.sort(key=lambda e: e.last_seen, reverse=True)
    entries.sort(key=lambda e: e.count, reverse=True)
    return entries


def format_table(entries: list[Entry]) -> str:
    """The summary as a plain-text table, the question last so wide (Korean) text cannot break the columns."""
    rows = [("count", "lang", "reason", "closest topics", "question")]
    for e in entries:
        topics = ", ".join(f"{topic} ({n})" for topic, n in e.topics) or "-"
        rows.append((str(e.count), ",".join(e.langs), ",".join(e.reasons), topics, e.question))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for row in rows:
        cells = [row[0].rjust(widths[0]), *(cell.ljust(w) for cell, w in zip(row[1:4], widths[1:], strict=True))]
        lines.append("  ".join([*cells, row[4]]).rstrip())
    return "\n".join(lines)
