"""Measuring the matcher as a user meets it: labelled questions graded on the reply they get, and k-fold
cross-validation (like `rasa test nlu --cross-validation`) for questions the matcher must not have seen.

A labelled question expects an answer, a decline or small talk. An answer is right when it is the labelled
topic (intent-labelled sets) or states every labelled fact (fact-labelled sets), and, for a question that
states a figure, gives the labelled verdict. A *wrong figure* is an answer where none was due, an answer
lacking what was asked, or a verdict that says yes where the report says no (or the reverse).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .answerer import PARTS_AFTER, Answerer
from .answers import Reply
from .matching import Match, Matcher
from .matching.decide import Decision
from .matching.results import Proposal
from .matching.text import clean, detect_language
from .models import LANGS, Dataset, Params

PARAPHRASE = 85  # rapidfuzz token_sort_ratio at which two questions are one question reworded: same fold
YES, NO = {"exact", "rounded"}, {"differs"}


@dataclass(frozen=True)
class Labelled:
    question: str
    lang: str
    expect: str  # answer | decline | smalltalk
    intent: str | None = None  # intent-labelled sets: the topic (with `accept`: others also right)
    entity: str | None = None
    accept: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()  # fact-labelled sets: the findings a right answer states
    claim: str | None = None  # exact | rounded | differs | not_in_report
    why: str | None = None
    style: str | None = None
    origin: str = ""  # where it comes from: "labelled/en", "dev/ko", "examples/en"


@dataclass(frozen=True)
class Graded:
    """One labelled question and what the bot replied, as the grading reads it."""

    item: Labelled
    kind: str
    intent: str | None
    category: str | None
    facts: tuple[str, ...]
    verdict: str | None
    reason: str | None = None  # why it declined
    confidence: int = 0
    required: tuple[str, ...] = ()  # intent-labelled: the figure the labelled answer leads with

    @property
    def on_topic(self) -> bool:
        """The reply gives what was asked: the labelled topic (and category), or every labelled fact; for an
        intent-labelled question, another topic leading with the same figure is right too ("russia" answered
        by the Russia topic rather than the place-of-arrest one)."""
        if self.kind != "answer":
            return False
        item = self.item
        if item.intent is not None:
            wrong_category = (
                item.entity and self.category and self.intent == item.intent and self.category != item.entity
            )
            if self.intent in (item.intent, *item.accept) and not wrong_category:
                return True
            return bool(self.required) and set(self.required) <= set(self.facts)
        return bool(item.facts) and set(item.facts) <= set(self.facts)

    @property
    def says_not_in_report(self) -> bool:
        """A claim the report has no figure for, and the reply's verdict says so ("10 people for religion?": "the
        report gives no count, only the share"). Writers label that reply an answer or a decline; it states no
        figure the report lacks either way, so it is right under both labels."""
        return self.item.claim == "not_in_report" and self.verdict == "not_in_report"

    @property
    def right(self) -> bool:
        expect = self.item.expect
        if expect == "decline":
            return self.kind != "answer" or self.says_not_in_report
        if expect == "smalltalk":
            return self.kind == "smalltalk"
        if not self.on_topic:
            return False
        return self.verdict == self.item.claim if self.item.claim else self.verdict not in NO

    @property
    def wrong(self) -> bool:
        """A figure was given, and it is not the one asked for (or it contradicts the claim's truth)."""
        if self.kind != "answer" or self.says_not_in_report:
            return False
        if self.item.expect != "answer" or not self.on_topic:
            return True
        claim, verdict = self.item.claim, self.verdict
        return bool(
            (claim in YES and verdict in NO)
            or (claim in {*NO, "not_in_report"} and verdict in YES)  # confirming what is false, or not published
            or (not claim and verdict in NO)
        )


def load_set(path: Path, lang: str | None = None) -> list[Labelled]:
    """A labelled set: intent-labelled (`intent:`, null = must decline) or fact-labelled (`expect:`, `facts:`)."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    origin = f"{path.parent.name}/{path.stem}"
    out = []
    for x in items:
        q = str(x["q"])
        item_lang = lang or detect_language(q)
        if "expect" in x:
            out.append(
                Labelled(
                    q,
                    item_lang,
                    x["expect"],
                    facts=tuple(x.get("facts") or ()),
                    claim=x.get("claim"),
                    why=x.get("why"),
                    style=x.get("style"),
                    origin=origin,
                )
            )
        else:
            intent = x.get("intent")
            out.append(
                Labelled(
                    q,
                    item_lang,
                    "answer" if intent else "decline",
                    intent=intent,
                    entity=x.get("entity"),
                    accept=tuple(x.get("accept") or ()),
                    why="trap" if x.get("trap") else None,
                    origin=origin,
                )
            )
    return out


def load_sets(folder: Path, langs: Iterable[str] = LANGS) -> list[Labelled]:
    """Every set of a folder (en.yaml, ko.yaml)."""
    return [item for lang in langs if (folder / f"{lang}.yaml").exists() for item in load_set(folder / f"{lang}.yaml")]


def examples_as_items(data: Dataset) -> list[Labelled]:
    """The data's own examples as labelled questions: a topic's examples must reach it, out-of-scope ones
    must be declined, small talk must be recognised. Cross-validation holds them out fold by fold."""
    out = []
    for lang in LANGS:
        for i in data.intents.values():
            out += [
                Labelled(e, lang, "answer", intent=i.id, origin=f"examples/{lang}") for e in i.examples.get(lang, ())
            ]
        for o in data.out_of_scope.values():
            out += [Labelled(e, lang, "decline", origin=f"examples/{lang}") for e in o.examples.get(lang, ())]
        for t in data.smalltalk.values():
            out += [Labelled(e, lang, "smalltalk", origin=f"examples/{lang}") for e in t.examples.get(lang, ())]
    return out


def grade(item: Labelled, reply: Reply, reason: str | None = None, required: tuple[str, ...] = ()) -> Graded:
    return Graded(
        item, reply.kind, reply.intent, reply.category, reply.facts, reply.verdict, reason, reply.confidence, required
    )


def required_facts(data: Dataset, item: Labelled, match: Match) -> tuple[str, ...]:
    """For an intent-labelled question, the figure its labelled answer leads with: the labelled category's, else
    that of the one category of the topic the question names, else the topic's first figure."""
    intent = data.intents.get(item.intent or "")
    if intent is None:
        return ()
    members = [f for b in intent.breakdowns for f in data.categories(b)]
    if item.entity:
        named = [f.id for f in members if f.category == item.entity]
    else:
        ids = {f.id for f in members}
        named = [e.finding for e in match.named if e.finding in ids]
    if len(named) == 1:
        return (named[0],)
    return intent.finding_ids()[:1]


def evaluate(answerer: Answerer, items: list[Labelled]) -> list[Graded]:
    """Each question asked once, on its own, as `nkbot ask` would."""
    out = []
    for item in items:
        match, reply = answerer.respond(item.question)
        out.append(grade(item, reply, match.declined, required_facts(answerer.data, item, match)))
    return out


# --- cross-validation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    """A held-out question: the proposal of a matcher that never saw its paraphrases, what answering the
    proposed topic would give, and what declining or small talk would give."""

    item: Labelled
    fold: int
    proposal: Proposal
    answered: Graded | None  # the reply if the proposed topic were answered (None: a rule declines)
    held: Graded  # the reply when the decision does not answer (a decline, or small talk)

    def outcome(self, decision: Decision) -> Graded:
        """The reply under `decision`: its probability against its threshold, the rules as they are."""
        if self.answered is None or self.proposal.match.evidence is None:
            return self.held
        if self.proposal.sure:
            return self.answered
        return self.answered if decision.probability(self.proposal.match.evidence) >= decision.threshold else self.held


def paraphrase_groups(items: list[Labelled]) -> list[int]:
    """Each item's group: questions that are one question reworded (and exact repeats) share a group, so
    that cross-validation never tests a question on its own twin."""
    from rapidfuzz import fuzz, process

    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for lang in LANGS:
        index = [k for k, item in enumerate(items) if item.lang == lang]
        texts = [clean(items[k].question) for k in index]
        scores = process.cdist(texts, texts, scorer=fuzz.token_sort_ratio, score_cutoff=PARAPHRASE, workers=-1)
        for a, b in zip(*scores.nonzero(), strict=True):
            if a < b:
                parent[find(index[a])] = find(index[b])
    return [find(k) for k in range(len(items))]


def fold_of(items: list[Labelled], k: int) -> list[int]:
    """A fold for each item, by a stable hash of its group (the same split on every run and machine)."""
    groups = paraphrase_groups(items)
    keys: dict[int, str] = {}
    for item, group in zip(items, groups, strict=True):
        keys.setdefault(group, clean(item.question))
    return [int(hashlib.sha1(keys[g].encode()).hexdigest(), 16) % k for g in groups]


def without(data: Dataset, held: set[tuple[str, str]]) -> Dataset:
    """The data with the examples `held` ((lang, text)) taken out of every topic, subject and small talk."""

    def keep(examples: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        return {lang: tuple(e for e in ex if (lang, e) not in held) for lang, ex in examples.items()}

    return replace(
        data,
        intents={k: replace(i, examples=keep(i.examples)) for k, i in data.intents.items()},
        out_of_scope={k: replace(o, examples=keep(o.examples)) for k, o in data.out_of_scope.items()},
        smalltalk={k: replace(t, examples=keep(t.examples)) for k, t in data.smalltalk.items()},
    )


def cross_validate(data: Dataset, items: list[Labelled], k: int, params: Params | None = None) -> list[Prediction]:
    """Held-out predictions for every item: fold f is proposed by a matcher built without fold f's examples."""
    params = params or data.params
    folds = fold_of(items, k)
    out: list[Prediction | None] = [None] * len(items)
    for f in range(k):
        held = {
            (it.lang, it.question)
            for it, g in zip(items, folds, strict=True)
            if g == f and it.origin.startswith("examples/")
        }
        matcher = Matcher(without(data, held), params)
        answerer = Answerer(data, matcher=matcher)
        for n, (item, g) in enumerate(zip(items, folds, strict=True)):
            if g == f:
                out[n] = predict(answerer, matcher, item, f)
    return [p for p in out if p is not None]


def predict(answerer: Answerer, matcher: Matcher, item: Labelled, fold: int = 0) -> Prediction:
    proposal = matcher.propose(item.question)
    match = proposal.match
    required = required_facts(answerer.data, item, match)
    answered = None
    # As `Answerer.respond` replies: a message of several questions answered part by part when each part is.
    if proposal.rule is None and proposal.intent is not None:
        forced = replace(match, intent=proposal.intent, entities=proposal.entities)
        reply = answerer.reply(item.question, forced)
        reply = answerer.each_part(item.question, match.lang, reply.lang) or reply
        reply = answerer.both_topics(item.question, match, reply)
        answered = grade(item, reply, None, required)
    never = Decision(matcher.decision.weights, 2.0)  # a threshold no probability reaches: the decline side
    declined = matcher.decide(proposal, never)
    reply = answerer.reply(item.question, declined)
    if declined.declined in PARTS_AFTER:
        reply = answerer.each_part(item.question, match.lang, reply.lang, declined=declined.declined) or reply
    reply = answerer.both_topics(item.question, declined, reply)
    held = grade(item, reply, declined.declined if reply.kind != "answer" else None, required)
    return Prediction(item, fold, proposal, answered, held)


# --- reports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """One set's figures, as the issue tables give them."""

    name: str
    total: int
    answerable: int
    answerable_right: int
    answerable_declined: int
    wrong: int
    must_decline: int
    declined: int
    smalltalk: int
    smalltalk_right: int

    @property
    def right_rate(self) -> float:
        return self.answerable_right / self.answerable if self.answerable else 1.0

    @property
    def accuracy(self) -> float:
        """Share of all questions handled right: answered right, declined, or small talk recognised."""
        right = self.answerable_right + self.declined + self.smalltalk_right
        return right / self.total if self.total else 1.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.total if self.total else 0.0

    @property
    def decline_rate(self) -> float:
        return self.declined / self.must_decline if self.must_decline else 1.0


def summarise(name: str, graded: list[Graded]) -> Summary:
    answerable = [g for g in graded if g.item.expect == "answer"]
    decline = [g for g in graded if g.item.expect == "decline"]
    talk = [g for g in graded if g.item.expect == "smalltalk"]
    return Summary(
        name,
        len(graded),
        len(answerable),
        sum(g.right for g in answerable),
        sum(g.kind != "answer" for g in answerable),
        sum(g.wrong for g in graded),
        len(decline),
        sum(g.right for g in decline),
        len(talk),
        sum(g.right for g in talk),
    )


def by_origin(graded: list[Graded]) -> list[Summary]:
    names = list(dict.fromkeys(g.item.origin for g in graded))
    return [summarise(name, [g for g in graded if g.item.origin == name]) for name in names]


def format_summaries(summaries: list[Summary]) -> str:
    header = (
        f"{'set':16} {'questions':>9} {'answerable right':>18} {'declined':>9} {'wrong':>6} "
        f"{'must-decline declined':>22} {'small talk':>11}"
    )
    lines = [header]
    for s in summaries:
        lines.append(
            f"{s.name:16} {s.total:9d} {f'{s.right_rate:6.1%} ({s.answerable_right}/{s.answerable})':>18} "
            f"{s.answerable_declined:9d} {s.wrong:6d} {f'{s.decline_rate:6.1%} ({s.declined}/{s.must_decline})':>22} "
            f"{f'{s.smalltalk_right}/{s.smalltalk}':>11}"
        )
    return "\n".join(lines)


def format_failures(graded: list[Graded], limit: int = 200) -> str:
    """The questions not answered right, wrong figures first."""
    failures = sorted((g for g in graded if not g.right), key=lambda g: (not g.wrong, g.item.origin))
    lines = []
    for g in failures[:limit]:
        want = g.item.intent or ",".join(g.item.facts) or g.item.expect
        if g.item.claim:
            want += f" [{g.item.claim}]"
        got = g.intent or g.kind
        if g.category:
            got += f"/{g.category}"
        if g.verdict:
            got += f" [{g.verdict}]"
        mark = "WRONG" if g.wrong else "miss "
        lines.append(f"{mark} {g.item.origin:12} {want} -> {got} ({g.reason or ''} {g.confidence}): {g.item.question}")
    return "\n".join(lines)


def claim_counts(graded: list[Graded]) -> Counter[str]:
    return Counter(f"{g.item.claim}->{g.verdict}" for g in graded if g.item.claim)
