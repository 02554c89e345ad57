"""The answerer: a question in, a sourced answer, a claim's verdict, small talk or a clear decline out.

It owns the language policy (match in the question's language, answer in the one asked for), follow-ups
within a conversation, and reloading a rebuilt database. It knows nothing of Telegram or click.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

from . import build, store
from .answers import Reply, SourceRef, Topic, Writer
from .conversation import Conversation
from .matching import Match, Matcher, detect_language
from .matching.claims import Verdict, judge
from .matching.followup import Previous, asks_language, category_entity, resolve
from .matching.questions import split_questions, within_group
from .models import LANGS, Dataset, Finding

log = logging.getLogger(__name__)
LATIN = re.compile(r"[A-Za-z]")

OnDecline = Callable[[str, Match], None]
# Declines after which a message of several questions is still read part by part: unsure of the whole, or
# two categories the report never crosses, which two questions asking one each do not cross either.
PARTS_AFTER = frozenset({"low_confidence", "ambiguous", "cross_tab"})


class Answerer:
    """Holds one loaded database: the matcher over its examples and the writer over its findings.

    Built from a database file, it notices when `nkbot build` replaces that file and loads the new one
    (checked at most every `check_every` seconds, or at once with `refresh(force=True)`, e.g. on SIGHUP),
    so updated figures take effect without a restart; a file that fails to load leaves the old one serving.
    `on_decline` hears of every declined question (the opt-in log of unanswered questions).
    """

    def __init__(
        self,
        data: Dataset,
        db_path: Path | None = None,
        check_every: float = 2.0,
        on_decline: OnDecline | None = None,
        matcher: Matcher | None = None,
    ) -> None:
        self.db_path = db_path
        self.check_every = check_every
        self.on_decline = on_decline
        self._state = (data, matcher or Matcher(data), Writer(data), _topic_names(data))
        self._stamp = _stamp(db_path)
        self._checked = time.monotonic()

    @classmethod
    def from_paths(
        cls, data_dir: Path, db_path: Path, check_every: float = 2.0, on_decline: OnDecline | None = None
    ) -> Answerer:
        """Build the database if it is missing or stale, then load it read-only."""
        build.ensure(data_dir, db_path)
        return cls(store.load(db_path), db_path=db_path, check_every=check_every, on_decline=on_decline)

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
            state = (data, Matcher(data), Writer(data), _topic_names(data))
        except Exception:  # a half-written or foreign file must never take the bot down
            log.exception("could not load %s; still serving the previous database", self.db_path)
            self._stamp = stamp
            return False
        self._state, self._stamp = state, stamp
        log.info("loaded %s: %d findings, %d topics", self.db_path, len(data.findings), len(data.intents))
        return True

    def ask(self, question: str, lang: str | None = None, conversation: Conversation | None = None) -> Reply:
        """Answer a free-text question. It is matched in its own language; `lang` chooses the answer's.
        With a `conversation`, a follow-up is read against its last answer, and the answer is remembered."""
        return self.respond(question, lang, conversation)[1]

    def respond(
        self, question: str, lang: str | None = None, conversation: Conversation | None = None
    ) -> tuple[Match, Reply]:
        """`ask`, with the matcher's decision behind the reply (why it declined: `nkbot eval` reports it)."""
        self.refresh()
        question = (question or "").strip()  # the question as read: "   " is as empty as ""
        now = time.monotonic()  # the clock Conversation uses
        previous = conversation.recent(now) if conversation else None
        switch = asks_language(question)
        if conversation is not None and previous is not None and switch is not None:
            conversation.remember(previous.intent, previous.category, now)  # "in Korean?": the same, in Korean
            return Match(switch, previous.intent, 100), self._again(previous, switch, question)
        if switch is not None and LANGUAGE_TALK in self.data.smalltalk:  # nothing said yet: the greeting in it
            said = Match(switch, None, 100, declined="smalltalk", smalltalk=LANGUAGE_TALK)
            return said, self.writer.smalltalk(question, switch, LANGUAGE_TALK, 100)
        named = self.named_topic(question)  # a topic as `topics` lists it, by id or title: that topic, not a search
        match = Match(detect_language(question), named, 100) if named else self._read(question, previous)
        reply = self.reply(question, match, lang if lang in LANGS else detect_language(question))
        if reply.kind == "answer" or match.declined in PARTS_AFTER:
            reply = self.each_part(question, match.lang, reply.lang, now, match.declined) or reply
        reply = self.both_topics(question, match, reply)
        if reply.kind == "decline" and self.on_decline is not None:
            self.on_decline(question, match)
        if conversation is not None:
            conversation.remember(reply.intent, reply.category, now)
        return match, reply

    def reply(self, question: str, match: Match, lang: str | None = None) -> Reply:
        """The Reply for a match: the topic's answer (narrowed to a category it names, with the verdict on any
        figure the question states), small talk, or a decline with its reason and the closest topics."""
        lang = lang if lang in LANGS else match.lang
        if match.smalltalk and match.intent is None:
            return self.writer.smalltalk(question, lang, match.smalltalk, match.confidence)
        if match.intent is None:
            says = None
            if match.out_of_scope and match.out_of_scope in self.data.out_of_scope:
                says = self.data.out_of_scope[match.out_of_scope].says[lang]
            # the report lacks what was asked (a subject, a crossing, a year, a number): so it lacks the figure too;
            # a question not understood says nothing of the figure
            lacks = match.declined in {"out_of_scope", "cross_tab", "single_year", "unknown_number"}
            verdict = Verdict("not_in_report", match.numbers.stated[0]) if match.numbers.stated and lacks else None
            return self.writer.decline(
                question,
                lang,
                match.declined,
                says,
                match.detail,
                self.matcher.suggestions(match),
                match.confidence,
                verdict,
            )
        intent = self.data.intents[match.intent]
        whole = self.writer.answer(intent, lang, question, match.confidence)
        entity, finding = match.entity, None
        if entity is None:
            # one figure stated beside a finding the question names is that finding's; several may be several's
            stated = len(match.numbers.stated)
            named = self.matcher.named_findings(question, match.lang, whole.facts) if stated == 1 else []
            if stated and not named:  # "the MSS single-handedly arrested 81.4%?": the topic's own category, named
                named = self.matcher.named_categories(question, match, whole.facts, one=stated > 1)
            paired = self._paired(match, whole)
            verdict = paired or (named and self._verdict(match, whole, named)) or self._verdict(match, whole)
            reply = whole
        else:
            finding = self.data.findings[entity.finding]
            narrowed = self.writer.category_answer(intent, finding, lang, question, match.confidence)
            reply, verdict = self._category_claim(question, match, whole, narrowed, finding)
        if finding and finding.percent_only and self.matcher.asks_count(question, match.lang):
            # "how many for religion?": the share, saying no count was published; "the NUMBER, not the %": declined
            insists = self.matcher.insists_on_count(question, match.lang)
            claimed = next((s for s in match.numbers.stated if s.kind == "count"), None)  # "about 10, right?"
            unpublished = Verdict("not_in_report", claimed, finding.id) if claimed else None
            return self.writer.count_not_published(
                question, lang, finding, unpublished, None if insists and not claimed else intent, match.confidence
            )
        if verdict and verdict.kind == "not_in_report":
            claimed = self.data.findings[verdict.finding or ""]
            return self.writer.count_not_published(question, lang, claimed, verdict, intent, match.confidence)
        return self.writer.with_verdict(reply, verdict) if verdict else reply

    def each_part(
        self, question: str, lang: str, answer_lang: str, now: float | None = None, declined: str | None = None
    ) -> Reply | None:
        """A message of two or three questions, each answered (a later part read against the earlier ones:
        "how many in China, and how many in Russia?"); None unless every part is answered, each differently.
        A message `declined` as a cross-tabulation (two categories the report never crosses) is answered part by
        part only when no part asks within another's group ("how many women, and how many of them were
        children?")."""
        parts = split_questions(question, lang)
        crossed = declined == "cross_tab"
        if len(parts) < 2 or (crossed and any(within_group(p, lang) for p in parts[1:])):
            return None
        now = time.monotonic() if now is None else now
        conversation, replies = Conversation(), []
        for part in parts:
            previous = conversation.recent(now)
            match = self._read(part, previous, lang)
            if match.intent is None and previous is not None:  # "…male, and how many in their 20s?": not "of them"
                match = self._read(part, None, lang)
            reply = self.reply(part, match, answer_lang)
            if reply.kind != "answer":
                return None
            conversation.remember(reply.intent, reply.category, now)
            replies.append(reply)
        if len({(r.intent, r.category) for r in replies}) < len(replies):
            return None
        return self.writer.combined(question, replies)

    def both_topics(self, question: str, match: Match, reply: Reply) -> Reply:
        """Two topics named and joined ("age + gender stats pls") answered both, each whole; else `reply`."""
        pair = self.matcher.both_topics(question, match) if reply.kind != "smalltalk" else None
        if pair is None:
            return reply
        return self.writer.combined(
            question, [self.reply(question, Match(match.lang, t, 100), reply.lang) for t in pair]
        )

    def _read(self, question: str, previous: Previous | None, lang: str | None = None) -> Match:
        """The question matched on its own, then, after an answer, read as a follow-up of it if it is one."""
        match = self.matcher.match(question, lang)
        return (resolve(self.matcher, question, match, previous) or match) if previous is not None else match

    def _again(self, previous: Previous, lang: str, question: str) -> Reply:
        intent = self.data.intents.get(previous.intent)
        if intent is None:  # the database changed under the conversation
            return self.ask(question, lang)
        entity = category_entity(self.matcher, previous)
        if entity is not None:
            return self.writer.category_answer(intent, self.data.findings[entity.finding], lang, question, 100)
        return self.writer.answer(intent, lang, question, 100)

    def _category_claim(
        self, question: str, match: Match, whole: Reply, reply: Reply, finding: Finding
    ) -> tuple[Reply, Verdict | None]:
        """The answer and the verdict for a claim about a category named. The claim is about that category's
        figure: "23 arrested in China?" is not the 23 arrested abroad (the group China belongs to), though the
        answer states both; a figure the answer gives beside the category's ("the LatAm range, 6 to 30%?")
        holds as it is. One exception: the group's figure as an outlet published it for the category, the outlet
        named ("Reuters says almost 40% were caught fleeing": all escape-related cases), answered with the whole
        topic; without the outlet ("almost 40% were caught crossing the border?") the claim is the category's."""
        own = self._verdict(match, reply, [finding])
        if own is not None and own.kind in {"exact", "rounded"}:
            return reply, own
        every = self._verdict(match, reply)
        groups = self.data.ancestors(finding.id)
        other = self.data.findings.get(every.finding or "") if every is not None else None
        # the figure of the category's group or of another category of its breakdown, said of this one: a mix-up
        same = other is not None and finding.breakdown is not None and other.breakdown == finding.breakdown
        mixed = other is not None and (other.id in groups or same)
        if every is not None and every.kind in {"exact", "rounded"} and not mixed:
            return reply, every
        if own is None:
            # "23 of the victims were arrested in China?" (23 abroad), "68 under Kim Il-sung?" (Kim Jong-il's 68):
            # the figure of the group or of another category said of this one, no reference to it, though the
            # topic's wording uses the number
            unfiltered = judge(match.numbers.stated, [finding], self.data)
            differs = unfiltered is not None and unfiltered.kind == "differs"
            elsewhere = self.writer.stated_elsewhere(unfiltered) if unfiltered is not None and differs else None
            if mixed or (elsewhere is not None and elsewhere[1]):
                own = unfiltered
        verdict = own or every
        if verdict is not None and verdict.kind == "differs":
            broader = self._verdict(match, whole)
            quoted = broader is not None and broader.kind == "rounded" and bool(broader.by)
            if quoted and broader.finding in groups and self.matcher.names_outlet(question, match.lang):
                return whole, broader
            if self._one_of_two(finding):  # "mostly women? like 60%": the other category is the other half
                return whole, verdict
        return reply, verdict

    def _paired(self, match: Match, whole: Reply) -> Verdict | None:
        """Figures stated for as many categories, in the same order ("19 arrested in Russia and 3 in China?"),
        each checked against its own category: the weakest verdict. None unless they pair one to one."""
        stated = match.numbers.stated
        named = list(dict.fromkeys(e.finding for e in match.named if e.finding in whole.facts))
        if len(stated) < 2 or len(named) != len(stated) or any(x.kind not in {"count", "percent"} for x in stated):
            return None
        verdicts = [judge((x,), [self.data.findings[f]], self.data) for x, f in zip(stated, named, strict=True)]
        if any(v is None for v in verdicts):
            return None
        order = ("differs", "not_in_report", "rounded", "exact")
        return min((v for v in verdicts if v is not None), key=lambda v: order.index(v.kind))

    def _one_of_two(self, finding: Finding) -> bool:
        """Whether the category is one of the two that make up their whole breakdown (women and men): a wrong
        claim about one is a wrong claim about the split, answered with both."""
        breakdown = self.data.breakdowns.get(finding.breakdown or "")
        return breakdown is not None and breakdown.exhaustive and len(self.data.categories(breakdown.id)) == 2

    def _verdict(self, match: Match, reply: Reply, findings: list[Finding] | None = None) -> Verdict | None:
        findings = findings or [self.data.findings[f] for f in reply.facts]
        return judge(match.numbers.stated, findings, self.data, self.matcher.known.get(match.intent or "", frozenset()))

    def topic(self, intent_id: str, lang: str = "en") -> Reply | None:
        """The answer for one topic, as a deep link or a button asks for it; None for an unknown id."""
        self.refresh()
        intent = self.data.intents.get(intent_id)
        if intent is None:
            return None
        return self.writer.answer(intent, lang if lang in LANGS else "en", "", 100)

    def named_topic(self, text: str) -> str | None:
        """The topic `text` names exactly, as `topics` lists it: its id ("china_arrests") or its title in either
        language ("Arrests in China", "중국 내 체포"), in any case and spacing; None for anything else."""
        key = " ".join(text.split()).casefold()
        if key.replace(" ", "_") in self.data.intents:
            return key.replace(" ", "_")
        return self._state[3].get(key)

    def resolve_topic(self, argument: str, menu: str) -> Reply:
        """What a command's argument is about (/chart, /quote): a topic id, answered in the menu language, else
        the answer to the argument as a question (in its own language); a decline when neither."""
        key = argument.strip().lower()
        reply = self.topic(key, menu) if key in self.data.intents else None
        return reply or self.ask(argument, answer_language(argument, menu))

    def quote(self, intent_id: str, lang: str = "en", category: str | None = None) -> str | None:
        """A topic's figure as a citation for an article, in plain text; None for an unknown id. With the
        `category` an answer was narrowed to, that category's figure; a category the topic no longer has (the
        data changed under an old button) quotes the topic."""
        self.refresh()
        intent = self.data.intents.get(intent_id)
        if intent is None:
            return None
        entity = category_entity(self.matcher, Previous(intent_id, category)) if category else None
        finding = self.data.findings[entity.finding] if entity else None
        return self.writer.quote(intent, lang if lang in LANGS else "en", finding)

    def topics(self, lang: str = "en", headline_only: bool = False) -> list[Topic]:
        return self.writer.topics(lang if lang in LANGS else "en", headline_only)

    def search(self, query: str, lang: str | None = None, limit: int = 5) -> list[Reply]:
        """Answers worth offering for a partial query (inline mode): best first, never a decline."""
        self.refresh()
        if not query.strip():
            lang = lang if lang in LANGS else "en"
            return [r for t in self.topics(lang, headline_only=True) if (r := self.topic(t.id, lang))][:limit]
        proposal = self.matcher.propose(query)
        match = self.matcher.decide(proposal)
        replies: list[Reply] = []
        if match.intent is not None:
            replies.append(self.reply(query, match, lang))
        if proposal.rule is None and match.kind != "smalltalk":
            for c in match.candidates:
                if c.out_of_scope or c.id == match.intent or c.score < SEARCH_SCORE:
                    continue
                reply = self.topic(c.id, lang if lang in LANGS else match.lang)
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


def answer_language(question: str, fallback: str) -> str:
    """The language to answer in: a Korean question in Korean, one with Latin letters in English; with neither
    (emoji, digits only), `fallback`, the language of the asker's menus."""
    if detect_language(question) == "ko":
        return "ko"
    return "en" if LATIN.search(question) else fallback


SEARCH_SCORE = 50.0  # inline mode also offers close runners-up scoring at least this (0-100)
LANGUAGE_TALK = "greeting"  # "in Korean please" before any answer: the greeting, in Korean


def _topic_names(data: Dataset) -> dict[str, str]:
    """Each topic by its titles, spaced and cased as `named_topic` compares them: built with the data, so that
    a question costs one look-up instead of a pass over every title (the first topic listed wins a tie)."""
    names: dict[str, str] = {}
    for intent in data.intents.values():
        for title in intent.title.values():
            names.setdefault(" ".join(title.split()).casefold(), intent.id)
    return names


def _stamp(path: Path | None) -> tuple[int, int, int] | None:
    """What identifies one version of the file: a rebuild replaces it (new inode, size or mtime)."""
    try:
        st = os.stat(path) if path else None
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns) if st else None
