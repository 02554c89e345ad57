"""The answerer: a question in, a sourced answer (or a clear decline) out. Knows nothing of Telegram."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from . import store
from .answers import Reply, SourceRef, Topic, Writer
from .matcher import DEFAULT_TUNING, Match, Matcher, Tuning, detect_language
from .models import LANGS, Dataset
from .unanswered import UnansweredLog

MAX_QUESTION_CHARS = 4096  # Telegram's own message limit; anything longer is cut before matching


log = logging.getLogger(__name__)


class Answerer:
    """Holds one loaded database: the matcher over its examples and the writer over its findings.

    Built from a database file, it notices when `nkbot build` replaces that file and loads the new one
    (checked at most every `check_every` seconds, or at once with `refresh(force=True)`, e.g. on SIGHUP),
    so updated figures take effect without a restart; a file that fails to load leaves the old one serving.
    """

    def __init__(
        self, data: Dataset, tuning: Tuning = DEFAULT_TUNING, db_path: Path | None = None, check_every: float = 2.0
    ) -> None:
        self.tuning = tuning
        self.db_path = db_path
        self.check_every = check_every
        self._state = (data, Matcher(data, tuning), Writer(data))
        self._stamp = _stamp(db_path)
        self._checked = time.monotonic()
        self.unanswered: UnansweredLog | None = None  # opt-in: declined questions, nothing about who asked

    @classmethod
    def from_paths(cls, data_dir: Path, db_path: Path, check_every: float = 2.0) -> Answerer:
        """Build the database if it is missing or stale, then load it read-only."""
        store.ensure(data_dir, db_path)
        return cls(store.load(db_path), db_path=db_path, check_every=check_every)

    @property
    def data(self) -> Dataset:
        return self._state[0]

    @property
    def matcher(self) -> Matcher:
        return self._state[1]

    @property
    def writer(self) -> Writer:
        return self._state[2]

    def refresh(self, force: bool = False) -> bool:
        """Load the database again if its file changed; True when a new one was loaded."""
        if self.db_path is None or (not force and time.monotonic() - self._checked < self.check_every):
            return False
        self._checked = time.monotonic()
        stamp = _stamp(self.db_path)
        if stamp == self._stamp and not force:
            return False
        try:
            data = store.load(self.db_path)
            state = (data, Matcher(data, self.tuning), Writer(data))
        except Exception:  # a half-written or foreign file must never take the bot down
            log.exception("could not load %s; still serving the previous database", self.db_path)
            self._stamp = stamp
            return False
        self._state, self._stamp = state, stamp
        log.info("loaded %s: %d findings, %d topics", self.db_path, len(data.findings), len(data.intents))
        return True

    def ask(self, question: str, lang: str | None = None) -> Reply:
        """Answer a free-text question; `lang` forces the answer language (default: from the question)."""
        self.refresh()
        question = _clean_question(question)
        match = self.matcher.match(question, lang if lang in LANGS else None)
        if match.intent is None and self.unanswered is not None:
            self.unanswered.record(question, match)
        return self.reply(question, match)

    def reply(self, question: str, match: Match) -> Reply:
        lang = match.lang
        if match.intent is None:
            says = None
            if match.out_of_scope and match.out_of_scope in self.data.out_of_scope:
                says = self.data.out_of_scope[match.out_of_scope].says[lang]
            return self.writer.decline(
                question, lang, match.declined, says, match.detail, self.matcher.suggestions(match), match.confidence
            )
        intent = self.data.intents[match.intent]
        entity = match.entity
        if entity is not None:
            finding = self.data.findings[entity.finding]
            return self.writer.category_answer(intent, finding, lang, question, match.confidence)
        return self.writer.answer(intent, lang, question, match.confidence)

    def topic(self, intent_id: str, lang: str = "en") -> Reply | None:
        """The answer for one topic, as a deep link or a button asks for it; None for an unknown id."""
        self.refresh()
        intent = self.data.intents.get(intent_id)
        if intent is None:
            return None
        return self.writer.answer(intent, lang if lang in LANGS else "en", "", 100)

    def quote(self, intent_id: str, lang: str = "en") -> str | None:
        """A topic's figure as a citation for an article, in plain text; None for an unknown id."""
        self.refresh()
        intent = self.data.intents.get(intent_id)
        return self.writer.quote(intent, lang if lang in LANGS else "en") if intent else None

    def topics(self, lang: str = "en", headline_only: bool = False) -> list[Topic]:
        return self.writer.topics(lang if lang in LANGS else "en", headline_only)

    def search(self, query: str, lang: str | None = None, limit: int = 5) -> list[Reply]:
        """Answers worth offering for a partial query (inline mode): best first, never a decline."""
        self.refresh()
        query = _clean_question(query)
        if not query.strip():
            lang = lang if lang in LANGS else "en"
            return [r for t in self.topics(lang, headline_only=True) if (r := self.topic(t.id, lang))][:limit]
        match = self.matcher.match(query, lang if lang in LANGS else None)
        replies: list[Reply] = []
        if match.intent is not None:
            replies.append(self.reply(query, match))
        threshold = self.matcher.tuning.threshold_for(match.lang)
        if match.declined in {"ambiguous", None}:
            for c in match.candidates:
                if c.out_of_scope or c.score < threshold or c.id == match.intent:
                    continue
                reply = self.topic(c.id, match.lang)
                if reply:
                    replies.append(reply)
        return replies[:limit]

    def sources(self, lang: str = "en") -> list[tuple[SourceRef, str]]:
        """Every source with its title, for /sources."""
        lang = lang if lang in LANGS else "en"
        return [
            (SourceRef(self.writer.source_label(s, lang), s.url), s.title[lang]) for s in self.data.sources.values()
        ]

    @staticmethod
    def language_of(text: str) -> str:
        return detect_language(text)


def _stamp(path: Path | None) -> tuple[int, int, int] | None:
    """What identifies one version of the file: a rebuild replaces it (new inode, size or mtime)."""
    try:
        st = os.stat(path) if path else None
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns) if st else None


def _clean_question(question: str | None) -> str:
    return (question or "")[:MAX_QUESTION_CHARS]
