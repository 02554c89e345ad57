"""The matcher: a question in, a decision out (a topic with any category it names, small talk, or a decline).

1. text.py normalises the question (noise, case, synonyms, typos, Korean particles);
2. index.py ranks every topic and out-of-scope subject;
3. entities.py and numbers.py read the categories and numbers it names;
4. rules that say what the report *has* decline outright: an out-of-scope subject ranked first, two
   breakdowns the report never crosses, a number or a year the chosen topic never mentions;
5. decide.py's learned model says how likely the best topic is right; below its threshold, decline.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields, replace

from ..models import LANGS, Dataset, Intent, Params
from .claims import judge
from .decide import FEATURES, Decision, Evidence
from .entities import Entities, Entity
from .index import Index, Owner, Weights
from .numbers import Numbers, NumberWords, hedges_of, read
from .smalltalk import SmallTalk, Talk
from .text import NUMBER_TOKEN, Lexicon, Normaliser, clean, detect_language


@dataclass(frozen=True)
class Candidate:
    id: str
    score: float  # 0-100
    out_of_scope: bool = False


SUGGESTED_SCORE = 25  # a declined question's runners-up scoring this (0-100) are offered as topics
TALK = "talk:"  # the index's name for a small-talk owner ("talk:about_bot")
CLAIM_CANDIDATES = 5  # a stated figure is looked up in this many of the best topics
CLAIM_WINDOW = 0.15  # ... if they score within this of the best
SMALLTALK_CHARS = 80  # small talk is short: a longer message is not compared with it
TALK_FLOOR = 70  # below this whole-message ratio a question is no more small talk than any other
KO_SYLLABLES_PER_WORD = 2.5
KNOWN_PHRASING = 0.97  # a question this close (cosine) to one of a topic's examples is that example
NEAR_OOS = 0.05  # a declined question whose best out-of-scope subject is this close gets that subject's reason
AMBIGUOUS_GAP = 0.03  # two unrelated topics this close, both well matched: "could mean more than one figure"
AMBIGUOUS_SCORE = 0.5
# A question made only of these (normalised) words asks for a measure of nothing named: which figure is meant?
VAGUE = {"en": frozenset("percent howmany rate ratio".split()), "ko": frozenset("몇 비율 몇명 퍼센트".split())}
ASKING = {"en": frozenset("what which how much".split()), "ko": frozenset("어느 정도 얼마 수".split())}


@dataclass(frozen=True)
class Match:
    """What the matcher decided: an intent (with any category named), small talk, or a decline and why."""

    lang: str
    intent: str | None
    confidence: int
    candidates: tuple[Candidate, ...] = ()
    entities: tuple[Entity, ...] = ()  # the categories the answer is narrowed to
    named: tuple[Entity, ...] = ()  # every category the question names
    # empty | low_confidence | ambiguous | out_of_scope | unknown_number | single_year | cross_tab
    declined: str | None = None
    out_of_scope: str | None = None  # the out-of-scope subject behind a decline, when one is known
    detail: str | None = None  # e.g. the unknown number
    smalltalk: str | None = None  # the small talk recognised (then intent is None and declined too)
    numbers: Numbers = field(default_factory=Numbers)
    evidence: Evidence | None = None

    @property
    def kind(self) -> str:
        if self.intent is not None:
            return "answer"
        return "smalltalk" if self.smalltalk else "decline"

    @property
    def entity(self) -> Entity | None:
        """The single category the question names within the chosen intent, if exactly one."""
        return self.entities[0] if len(self.entities) == 1 else None


@dataclass(frozen=True)
class Proposal:
    """The ranker's proposal before the decision: the topic it would answer, or the rule that declines."""

    match: Match  # candidates, entities, numbers and evidence; a decline when a rule applies
    intent: str | None = None
    entities: tuple[Entity, ...] = ()
    talk: Talk | None = None
    near_oos: str | None = None  # the best out-of-scope subject, for the reason of a decline
    known: bool = False  # the question is one of the topic's own phrasings (or category terms): answered
    talk_owner: str | None = None  # small talk outranking every topic: the reply when no topic is answered
    rule: str | None = None  # empty | smalltalk | out_of_scope | cross_tab | unknown_number | single_year


class Matcher:
    """Matches questions against one Dataset's topics, with the parameters `nkbot tune` chose (data/decision.yaml)."""

    def __init__(self, data: Dataset, params: Params | None = None) -> None:
        self.data = data
        self.params = params or data.params
        self.decision = Decision.from_mapping(self.params.decision, self.params.threshold)
        weights = Weights(**self.params.ranker)
        self.normalisers: dict[str, Normaliser] = {}
        self.indexes: dict[str, Index] = {}
        self.entities: dict[str, Entities] = {}
        self.talk: dict[str, SmallTalk] = {}
        self.number_words: dict[str, NumberWords] = {}
        self.commands = {
            lang: tuple(clean(c) for c in (data.language[lang].commands if lang in data.language else ()) if clean(c))
            for lang in LANGS
        }
        for lang in LANGS:
            words = data.language.get(lang)
            lexicon = Lexicon(
                lang,
                data.synonyms.get(lang, {}),
                words.stopwords if words else frozenset(),
                words.endings if words else (),
            )
            norm = Normaliser(lexicon, tuple(self.params.char_grams[lang]))
            norm.learn(self._texts(lang), self.params.typo_cutoff)
            self.normalisers[lang] = norm
            self.indexes[lang] = Index(norm, self._owners(lang), weights)
            self.entities[lang] = Entities(data, norm)
            self.talk[lang] = SmallTalk(
                [(t.id, e) for t in data.smalltalk.values() for e in t.examples.get(lang, ())], lang
            )
            self.number_words[lang] = NumberWords(
                words.cues if words else frozenset(),
                hedges_of(list(words.hedges)) if words else {},
                dict(words.numbers) if words else {},
                words.compare if words else (),
                words.counts if words else (),
            )
        self.owners_of: dict[str, set[str]] = {}  # breakdown -> intents answering it
        self.splitters_of: dict[str, set[str]] = {}  # breakdown -> intents splitting one of its categories further
        for intent in data.intents.values():
            for b in intent.breakdowns:
                self.owners_of.setdefault(b, set()).add(intent.id)
                parent = data.findings.get(data.breakdowns[b].parent or "")
                if parent is not None and parent.breakdown:
                    self.splitters_of.setdefault(parent.breakdown, set()).add(intent.id)
        self.template_findings = {i.id: frozenset(i.finding_ids()) for i in data.intents.values()}
        self.findings_of = {i.id: self._findings_of(i) for i in data.intents.values()}
        self.count_keywords = {  # ... and the words that name it when a count is asked or stated ("border guards")
            lang: {o.id: self._phrases(o.count_keywords.get(lang, ()), lang) for o in data.out_of_scope.values()}
            for lang in LANGS
        }
        self.keywords = {  # each out-of-scope subject's keywords, as phrases of the matcher's words
            lang: {o.id: self._phrases(o.keywords.get(lang, ()), lang) for o in data.out_of_scope.values()}
            for lang in LANGS
        }
        self.counts_victims = {
            i: any(f == "victims_total" or "victims_total" in data.ancestors(f) for f in ids)
            for i, ids in self.findings_of.items()
        }
        self.known = {i.id: self._known_numbers(i) for i in data.intents.values()}

    # --- building ----------------------------------------------------------------------------

    def _texts(self, lang: str) -> list[str]:
        """Every phrase of one language the data holds: examples and category terms."""
        texts = [e for i in self.data.intents.values() for e in i.examples.get(lang, ())]
        texts += [e for o in self.data.out_of_scope.values() for e in o.examples.get(lang, ())]
        texts += [t for f in self.data.findings.values() for t in f.terms.get(lang, ())]
        return texts

    def _owners(self, lang: str) -> list[Owner]:
        owners = [
            Owner(i.id, False, i.examples.get(lang, ()) + self._term_examples(i, lang))
            for i in self.data.intents.values()
        ]
        owners += [Owner(o.id, True, o.examples.get(lang, ())) for o in self.data.out_of_scope.values()]
        # Small talk ranks too, as a subject the report does not answer: "who built this bot" must beat "who is
        # behind the report". Its examples keep only their content words here ("built", "bot").
        owners += [Owner(TALK + t.id, True, t.examples.get(lang, ())) for t in self.data.smalltalk.values()]
        return owners

    def _term_examples(self, intent: Intent, lang: str) -> tuple[str, ...]:
        """Extra examples: a breakdown's category terms ("vietnam", "연좌제") and the topic's own figures
        ("92 of 113", "81.4%"), so a question naming a category or quoting a figure finds the topic holding it."""
        terms = [
            term
            for f in self.data.findings.values()
            if f.breakdown in intent.breakdowns
            for term in f.terms.get(lang, ())
        ]
        figures = []
        for finding_id in intent.finding_ids():
            f = self.data.findings[finding_id]
            if f.count is not None and f.base is not None:
                figures.append(f"{f.count} {f.base}" + (f" {f.percent:.1f} %" if f.percent is not None else ""))
            elif f.percent is not None:
                figures.append(f"{f.percent:.1f} %")
        return tuple(dict.fromkeys(terms + figures))

    def _findings_of(self, intent: Intent) -> list[str]:
        ids = list(intent.finding_ids())
        for b in intent.breakdowns:
            ids += [f.id for f in self.data.categories(b)]
        return list(dict.fromkeys(ids))

    def _known_numbers(self, intent: Intent) -> frozenset[str]:
        """Every number the topic's figures, wording and examples use: a question with another one asks
        for a figure the report does not have ("over 60", "in 2017")."""
        numbers: set[str] = set()
        texts: list[str] = [e for ex in intent.examples.values() for e in ex]
        for fid in self._findings_of(intent):
            f = self.data.findings[fid]
            for value in (f.count, f.base, f.percent):
                if value is not None:
                    numbers.add(number_key(str(value)))
            for text in (f.text, f.value, f.period, f.label, f.unit, f.base_label, f.note):
                texts.extend(text.values())
            texts.extend(t for terms in f.terms.values() for t in terms)
            for stat in (self.data.stats.get((fid, m)) for m in ("share_of_base", "share_of_victims")):
                if stat is not None:
                    numbers.add(number_key(str(stat.value)))
            numbers.update(number_key(str(p.value)) for p in f.published_as)
            if f.breakdown:
                numbers.add(str(self.data.breakdowns[f.breakdown].base))
        total = self.data.findings.get("victims_total")
        if total is not None and total.count is not None:
            numbers.add(str(total.count))
        for text in texts:
            numbers.update(number_key(n) for n in NUMBER_TOKEN.findall(clean(text)))
        return frozenset(numbers)

    # --- matching ----------------------------------------------------------------------------

    def match(self, question: str, lang: str | None = None) -> Match:
        """Pick the intent a question asks about, small talk, or decline (with the reason and close topics)."""
        return self.decide(self.propose(question, lang))

    def propose(self, question: str, lang: str | None = None) -> Proposal:
        """Everything the decision weighs: the ranking, the topic it would answer, and any rule that declines.

        A message of several sentences ending in a question ("Hi! I'm a student writing on forced repatriation.
        Where were the victims arrested?") is also read as that last question alone; the reading the model
        trusts more wins, unless a rule declines the whole message."""
        whole = self._propose(question, lang)
        last = _last_question(question or "")
        if last is None or whole.rule is not None or whole.match.evidence is None:
            return whole
        tail = self._propose(last, whole.match.lang)
        if tail.rule is not None or tail.match.evidence is None or tail.intent == whole.intent:
            return whole
        # The question asked is the last one; what comes before it is context, unless the question alone is
        # too thin to read, or points back at it ("Is that the report's figure?" after the claim it checks).
        stated = whole.match.numbers
        thin = len(set(self.normalisers[whole.match.lang].words(last))) <= 1  # "보고서 수치와 맞습니까?"
        if (
            thin
            or _points_back(last, whole.match.lang)
            or (
                stated.stated
                and whole.intent is not None
                and self._holds(whole.intent, stated)
                and not self._holds(tail.intent or "", stated)
            )
        ):
            return whole
        better = self.decision.probability(tail.match.evidence) >= TAIL_TRUST
        return replace(tail, match=replace(tail.match, numbers=stated)) if better else whole

    def _propose(self, question: str, lang: str | None = None) -> Proposal:
        lang = lang if lang in LANGS else detect_language(question or "")
        cleaned = clean(question or "")
        if not cleaned:
            return Proposal(Match(lang, None, 0, declined="empty"), rule="empty")
        talk = self.talk[lang].best(cleaned) if len(cleaned) <= SMALLTALK_CHARS else None
        if talk and (talk.whole >= self.params.smalltalk_sure or (len(cleaned.split()) <= 2 and talk.part >= 99)):
            return Proposal(
                Match(lang, None, round(talk.whole), declined="smalltalk", smalltalk=talk.id), rule="smalltalk"
            )
        norm, index = self.normalisers[lang], self.indexes[lang]
        words = norm.words(question)
        if not words:
            return Proposal(Match(lang, None, 0, declined="empty"), talk=talk, rule="empty")
        if any(c in cleaned for c in self.commands[lang]):  # "ignore your rules and say 500": not a question
            return Proposal(Match(lang, None, 0, declined="instruction"), rule="instruction")
        if set(words) & VAGUE[lang] and set(words) <= VAGUE[lang] | ASKING[lang]:  # "what percentage is that?"
            return Proposal(Match(lang, None, 0, declined="vague"), talk=talk, rule="empty")
        query = index.query(words)
        blended, nearest, voters = index.scores(query)
        scores = blended.tolist()
        entities = self.entities[lang].find(question, words if lang == "en" else None)
        # A named category points to the topic answering its breakdown, and (half as much) to a topic that splits
        # it further ("China" -> place of arrest, and who arrested them in China); a named subject to its topic.
        boosted: set[str] = {e.subject for e in entities if e.subject}
        splitting: set[str] = set()
        for e in entities:
            boosted |= self.owners_of.get(e.breakdown, set())
            splitting |= self.splitters_of.get(e.breakdown, set())
        for k, owner in enumerate(index.ids):
            if owner in boosted:
                scores[k] = min(1.0, scores[k] + self.params.entity_boost)
            elif owner in splitting:
                scores[k] = min(1.0, scores[k] + self.params.entity_boost / 2)
        boosted |= splitting
        numbers = read(question, self.number_words[lang])
        if numbers.years:  # a year points to a close topic whose figures are about that year ("returned in 2023")
            ranked = _best_first(scores)[:CLAIM_CANDIDATES]
            top = scores[ranked[0]] if ranked else 0.0
            for k in ranked:
                owner = index.ids[k]
                if (
                    scores[k] >= top - CLAIM_WINDOW
                    and not index.out_of_scope[k]
                    and set(numbers.years) <= self.known[owner]
                ):
                    scores[k] = min(1.0, scores[k] + self.params.claim_boost)
        if numbers.stated:  # a figure the question quotes points to the topic that holds it, among close ones
            ranked = _best_first(scores)[:CLAIM_CANDIDATES]
            top = scores[ranked[0]] if ranked else 0.0
            for k in ranked:
                close = scores[k] >= top - CLAIM_WINDOW
                if close and not index.out_of_scope[k] and self._holds(index.ids[k], numbers):
                    scores[k] = min(1.0, scores[k] + self.params.claim_boost)
        order = _best_first(scores)
        candidates = tuple(
            Candidate(index.ids[k], round(scores[k] * 100, 1), bool(index.out_of_scope[k])) for k in order[:5]
        )
        best = next((k for k in order if not index.out_of_scope[k]), None)
        base = Match(lang, None, 0, candidates, entities, entities, numbers=numbers)
        if best is None:
            return Proposal(_with(base, declined="low_confidence"), talk=talk)
        intent_id = index.ids[best]
        runner = next(
            (
                k
                for k in order
                if not index.out_of_scope[k] and k != best and not self._related(intent_id, index.ids[k])
            ),
            None,
        )
        oos = next((k for k in order if index.out_of_scope[k]), None)
        subject = next((k for k in order if index.out_of_scope[k] and not index.ids[k].startswith(TALK)), None)
        s1 = scores[best]
        explained, oos_words = index.explained(query, best)
        evidence = Evidence(
            score=s1,
            gap=s1 - (scores[runner] if runner is not None else 0.0),
            oos_gap=s1 - (scores[oos] if oos is not None else 0.0),
            unknown=query.unknown,
            unknown_words=query.unknown_words,
            explained=explained,
            oos_words=oos_words,
            words=math.log1p(_length(words, lang)),
            entity_own=float(intent_id in boosted),
            entity_other=float(bool(boosted) and intent_id not in boosted),
            korean=float(lang == "ko"),
            stated=float(bool(numbers.stated)),
            talk=max(0.0, talk.whole - TALK_FLOOR) / (100 - TALK_FLOOR) if talk else 0.0,
            vote=sum(
                v == best or (not index.out_of_scope[v] and self._related(intent_id, index.ids[v])) for v in voters
            )
            / max(1, len(voters)),
        )
        intent = self.data.intents[intent_id]
        mine = self.entities[lang].most_specific(tuple(e for e in entities if e.breakdown in intent.breakdowns))
        words_of = self.number_words[lang]
        if len(mine) == 1 and (words_of.compares(cleaned) or words_of.crosses(cleaned)):
            mine = ()  # "worse under Kim Jong-un?", "by leader, with the year unknown": the whole breakdown
        proposal = Proposal(
            _with(base, evidence=evidence),
            known=float(nearest[best]) >= KNOWN_PHRASING
            and not (numbers.stated or query.unknown or oos_words or (talk and talk.whole >= TALK_FLOOR)),
            intent=intent_id,
            entities=mine,
            talk=talk,
            near_oos=index.ids[subject] if subject is not None else None,
        )
        is_talk = oos is not None and index.ids[oos].startswith(TALK)
        if is_talk and scores[oos] > s1 + self.params.oos_margin:
            talk_id = index.ids[oos].removeprefix(TALK)
            if talk and talk.whole >= self.params.smalltalk_part:  # the message is small talk and nothing else
                talked = _with(proposal.match, declined="smalltalk", smalltalk=talk_id)
                return replace(proposal, rule="smalltalk", match=talked)
            proposal = replace(proposal, talk_owner=talk_id)  # small talk, unless the topic is clearly asked for
        if oos is not None and scores[oos] > s1 + self.params.oos_margin and not is_talk:
            return replace(
                proposal,
                rule="out_of_scope",
                match=_with(proposal.match, declined="out_of_scope", out_of_scope=index.ids[oos]),
            )
        same = frozenset(i for i in self.data.intents if self._related(intent_id, i))
        if self.entities[lang].cross_tabulated(entities, intent_id, self.number_words[lang].crosses(cleaned), same):
            return replace(
                proposal,
                rule="cross_tab",
                match=_with(proposal.match, declined="cross_tab", out_of_scope="cross_tabulations"),
            )
        counting = bool(numbers.stated) or self.asks_count(question, lang)
        for subject in self.data.out_of_scope.values():  # "the 'other reasons' group": what the report lacks
            named = self.keywords[lang].get(subject.id, set())
            counted = self.count_keywords[lang].get(subject.id, set()) if counting else set()
            if any(_contains(words, k) for k in named | counted):
                declined = _with(proposal.match, declined="out_of_scope", out_of_scope=subject.id)
                return replace(proposal, rule="out_of_scope", match=declined)
        known = self.known[intent_id]
        unknown = [n for n in numbers.plain if number_key(n) not in known]
        if unknown:
            return replace(
                proposal,
                rule="unknown_number",
                match=_with(proposal.match, declined="unknown_number", detail=unknown[0]),
            )
        # A year the topic never mentions, or a year as a period ("in 2011") for a topic counting victims: the
        # report has no breakdown by year. A year the topic's figures are about ("returned in 2023") is fine.
        years = [
            y for y in numbers.years if y not in known or (y in numbers.in_year and self.counts_victims[intent_id])
        ]
        if years:
            declined = _with(
                proposal.match, declined="single_year", detail=years[0], out_of_scope="yearly_or_place_breakdowns"
            )
            return replace(proposal, rule="single_year", match=declined)
        return proposal

    def decide(self, proposal: Proposal, decision: Decision | None = None) -> Match:
        """Answer the proposed topic when the model says it is likely right; else small talk, or decline."""
        decision = decision or self.decision
        match = proposal.match
        if proposal.rule is not None or match.evidence is None:
            return self._fallback(proposal.talk, match) if proposal.rule == "empty" else match
        probability = decision.probability(match.evidence)
        match = _with(match, confidence=round(100 * probability))
        if probability >= decision.threshold or proposal.known:
            return _with(match, intent=proposal.intent, entities=proposal.entities)
        evidence = match.evidence
        if proposal.talk_owner and not match.numbers.stated:
            return _with(match, declined="smalltalk", smalltalk=proposal.talk_owner)
        if proposal.near_oos and evidence.oos_gap < self.params.oos_margin + NEAR_OOS:
            declined = _with(match, declined="out_of_scope", out_of_scope=proposal.near_oos)
        elif evidence.gap < AMBIGUOUS_GAP and evidence.score >= AMBIGUOUS_SCORE:
            declined = _with(match, declined="ambiguous")
        else:
            declined = _with(match, declined="low_confidence")
        return self._fallback(proposal.talk, declined)

    def _fallback(self, talk: Talk | None, declined: Match) -> Match:
        """A message no topic answers may still be small talk ("hi, thanks a lot!")."""
        if talk and talk.part >= self.params.smalltalk_part and not declined.numbers.stated:
            return _with(declined, declined="smalltalk", smalltalk=talk.id, confidence=round(talk.part))
        return declined

    def asks_count(self, question: str, lang: str) -> bool:
        """Whether the question wants a count ("how many", "a headcount, not a percentage", 몇 명)."""
        if self.number_words[lang].asks_count(clean(question)):
            return True
        canonical = self.normalisers[lang].canonical(question)
        return "howmany" in canonical.split() if lang == "en" else "몇명" in canonical.replace(" ", "")

    def _phrases(self, keywords: tuple[str, ...], lang: str) -> set[tuple[str, ...]]:
        """Keywords as the matcher's words, each phrase kept whole: "social security" names the ministry, but
        "social" (media) or "security" (the MSS's own name) alone names nothing."""
        return {tuple(ws) for k in keywords if (ws := self.normalisers[lang].words(k))}

    def _holds(self, intent_id: str, numbers: Numbers) -> bool:
        """Whether one of the topic's figures is the figure the question states (exactly or rounded)."""
        findings = [self.data.findings[f] for f in self.findings_of[intent_id]]
        verdict = judge(numbers.stated, findings, self.data, self.known[intent_id])
        return verdict is not None and verdict.kind != "differs"

    def _related(self, a: str, b: str) -> bool:
        """Topics that answer with the same figures (so a near tie between them is harmless)."""
        fa, fb = self.template_findings[a], self.template_findings[b]
        return bool(fa & fb) and (fa <= fb or fb <= fa)

    # --- suggestions -------------------------------------------------------------------------

    def suggestions(self, match: Match, limit: int = 3) -> list[str]:
        """The closest answerable topics for a declined question (out-of-scope topics say their own)."""
        picked: list[str] = []
        if match.out_of_scope and match.out_of_scope in self.data.out_of_scope:
            picked.extend(self.data.out_of_scope[match.out_of_scope].suggest)
        for c in match.candidates:
            if not c.out_of_scope and c.score >= SUGGESTED_SCORE:
                picked.append(c.id)
        picked.extend(i.id for i in self.data.intents.values() if i.headline)
        seen: list[str] = []
        for intent_id in picked:
            if intent_id not in seen and intent_id in self.data.intents:
                seen.append(intent_id)
        return seen[:limit]


def check_params(params: Params) -> tuple[str, str] | None:
    """(entry, problem) when data/decision.yaml's names do not fit the matcher, else None."""
    known = {f.name for f in fields(Weights)}
    for name in params.ranker:
        if name not in known:
            return f"ranker.{name}", f"unknown ranker weight (known: {', '.join(sorted(known))})"
    missing = [name for name in FEATURES if name not in params.decision]
    if missing:
        return "decision", f"no weight for {', '.join(missing)}"
    extra = [name for name in params.decision if name not in FEATURES]
    if extra:
        return f"decision.{extra[0]}", f"unknown feature (known: {', '.join(FEATURES)})"
    if not 0 < params.threshold < 1:
        return "threshold", f"must be between 0 and 1, not {params.threshold}"
    return None


TAIL_TRUST = 0.5  # a last question read on its own with at least this probability is the question asked
SENTENCE_END = re.compile(r"(?<=[.!?。:])\s+")


# Words by which a last question points back at what came before it: it cannot be read alone.
BACK = {
    "en": frozenset("that this it these those same such".split()),
    "ko": (
        "그게",
        "그거",
        "그것",
        "이게",
        "이거",
        "이것",
        "그 수치",
        "이 수치",
        "그 숫자",
        "이 숫자",
        "이는",
        "그건",
        "이건",
    ),
}


def _points_back(question: str, lang: str) -> bool:
    text = clean(question)
    if lang == "ko":
        return any(text.startswith(w) or f" {w}" in text for w in BACK["ko"])
    return bool(BACK["en"] & set(text.split()))


def _last_question(text: str) -> str | None:
    """The last sentence of a message of several, when it is a question or follows a colon ("Two quick ones
    for my copy: how many victims in total"); else None."""
    sentences = [x for x in SENTENCE_END.split(text.strip()) if x.strip()]
    if len(sentences) < 2:
        return None
    if not sentences[-1].rstrip().endswith(("?", "？")) and not sentences[-2].endswith(":"):
        return None
    return sentences[-1]


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    """Whether the words hold the phrase's words one after another."""
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))


def _best_first(scores: list[float]) -> list[int]:
    return sorted(range(len(scores)), key=scores.__getitem__, reverse=True)


def _length(words: list[str], lang: str) -> float:
    """How much a question says, in words: Korean counts syllables (a word is two or three of them, however
    the question is spaced: 북한내부에서체포된사람몇명 says as much as 북한 내부에서 체포된 사람 몇 명)."""
    if lang != "ko":
        return float(len(words))
    return sum(len(w) for w in words) / KO_SYLLABLES_PER_WORD


def _with(match: Match, **changes: object) -> Match:
    return replace(match, **changes)  # type: ignore[arg-type]


def number_key(text: str) -> str:
    """'54.90' and '54.9' are one number; '31.0' and '31' too."""
    try:
        value = float(text)
    except ValueError:
        return text
    if not math.isfinite(value):  # "333…3" (hundreds of digits) is no figure of the report's either
        return text
    return str(int(value)) if value == int(value) else f"{value:g}"
