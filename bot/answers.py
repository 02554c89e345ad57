"""Answers as data: the figures of a topic written out in sentences, with their source line, verdict or decline.

A Reply is plain data (title, body, sources, facts, kind); `Reply.text` is how the console and the JSON
contract show it. Telegram HTML is drawn from the same Reply by bot.telegram.render. Every sentence comes
from bot.wording; every figure from the Dataset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .korean import AFTER_PLACEHOLDER, agree, attach
from .matching.claims import Verdict
from .models import FIELD, PLACEHOLDER, TOTAL_FINDING, Dataset, Finding, Intent, Source, kind_of
from .wording import JOINER, say

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}
DEFAULT_BASE_KO = "피해자"  # "113명 중 62명" reads better than "피해자 113명 중 62명" after "피해자는"
SHARE_MIN_BASE = 10  # below ten, a share misleads ("2 of 3 (66.7%)"): the count alone is printed


@dataclass(frozen=True)
class Topic:
    id: str
    title: str


@dataclass(frozen=True)
class SourceRef:
    label: str
    url: str


def join_sources(refs: tuple[SourceRef, ...], lang: str, style: str = "line") -> str:
    """The outlets of a source line as plain text: the one joiner for every plain output. `style`: "line" (an
    answer: label and link), "labels" (a chart's footer) or "citation" ("label, link; label, link")."""
    if style == "citation":  # Korean punctuation between outlets: 「·」, not 「;」
        return (" · " if lang == "ko" else "; ").join(f"{r.label}, {r.url}" for r in refs)
    between = f" {JOINER[lang]} "
    return between.join(r.label if style == "labels" else f"{r.label} {r.url}" for r in refs)


@dataclass(frozen=True)
class Reply:
    """One answer, small talk or decline, as data; `text` is the plain form, `to_json` the stable contract."""

    question: str
    lang: str
    intent: str | None
    confidence: int
    title: str
    body: str
    sources: tuple[SourceRef, ...] = ()
    source_prefix: str = ""
    facts: tuple[str, ...] = ()
    suggestions: tuple[Topic, ...] = ()
    category: str | None = None
    context: bool = False
    smalltalk: str | None = None  # the small talk answered (then intent is None)
    verdict: str | None = None  # exact | rounded | differs | not_in_report, for a question stating a figure
    lead: str = ""  # the figure the answer leads with, as written in the body: Telegram shows it in bold

    @property
    def kind(self) -> str:
        return kind_of(self.intent, self.smalltalk)

    @property
    def declined(self) -> bool:
        return self.kind == "decline"

    @property
    def text(self) -> str:
        """The answer as plain text, exactly as sent, links written out."""
        parts = [self.title, self.body] if self.title else [self.body]
        if self.sources:
            parts.append(f"{self.source_prefix} {join_sources(self.sources, self.lang)}".strip())
        if self.suggestions:
            parts.append("\n".join(f"• {t.title}" for t in self.suggestions))
        return "\n\n".join(parts)

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "lang": self.lang,
            "kind": self.kind,
            "intent": self.intent,
            "confidence": self.confidence,
            "answer": self.text,
            "facts": list(self.facts),
            "suggestions": [t.title for t in self.suggestions],
            "verdict": self.verdict,
        }


ASKED_AGAIN = {"empty", "vague", "instruction"}  # declines that ask for a question rather than explain a gap


@dataclass
class Stated:
    """What a Korean answer has said so far, so that it says it once: the bases it named ("113명 중" once, then
    "29명(25.7%)"), and the shares it printed, the computed ones noted together at the end."""

    bases: set[tuple[int, str, str]] = field(default_factory=set)
    shares: list[tuple[str, bool, bool]] = field(default_factory=list)  # (share as printed, computed, context)

    def named(self, f: Finding) -> bool:
        """Whether f's base was named before; from now on it has been."""
        key = (f.base or 0, f.counter, f.base_label.get("ko", ""))
        known = key in self.bases
        self.bases.add(key)
        return known

    def note(self) -> str:
        """One sentence on the computed shares: all of them, or which."""
        computed = [(share, context) for share, derived, context in self.shares if derived]
        if not computed:
            return ""
        suffix = "_context" if all(context for _, context in computed) else ""
        if len(computed) == len(self.shares):
            return say("ko", "derived_note_all" + suffix)
        shares = "·".join(dict.fromkeys(share for share, _ in computed))
        return say("ko", "derived_note_some" + suffix, shares=shares)


class Writer:
    """Turns findings, intents and matcher decisions into sentences of one Dataset."""

    def __init__(self, data: Dataset) -> None:
        self.data = data

    # --- figures -----------------------------------------------------------------------------

    def figure(self, f: Finding, lang: str, stated: Stated | None = None, share_note: bool = True) -> str:
        """The figure as a journalist would quote it: '62 of 113 victims (54.9%)', '113명 중 62명(54.9%)'; no
        share of a base under ten ('2 of 3 victims arrested in Russia'). Within a Korean answer (`stated`), a
        base already named is not named again ('29명(25.7%)') and a computed share is noted at the end."""
        if f.value and f.count is None and f.percent is None:
            return f.value[lang]
        ko_label = "" if f.base_label.get("ko") in (None, DEFAULT_BASE_KO) else f"{f.base_label['ko']} "
        known = stated is not None and f.base is not None and stated.named(f)
        of_base = "" if known else f"{ko_label}{f.base}{f.counter} 중 "
        if f.percent_only:
            if lang == "ko":
                if stated is not None:
                    stated.shares.append((_pct(f.percent), False, f.is_context))
                note = f"({say(lang, 'percent_only')})" if share_note else ""
                return f"{of_base}{_pct(f.percent)}{note}"
            note = f" ({say(lang, 'percent_only')})" if share_note else ""
            return f"{_pct(f.percent)} of the {f.base} {f.base_label['en']}{note}"
        assert f.count is not None
        if f.base is None:
            count = f"{say(lang, 'about')} {f.count}" if f.approx else str(f.count)
            return f"{count}{f.unit['ko']}" if lang == "ko" else f"{count} {f.unit['en']}"
        share = self._share(f)
        derived = say(lang, "derived_context" if f.is_context else "derived")
        computed = f.percent is None
        if stated is not None and share is not None:
            stated.shares.append((_pct(share), computed, f.is_context))
            suffix = _pct(share)
        else:
            suffix = "" if share is None else (f"{_pct(share)}, {derived}" if computed else _pct(share))
        if lang == "ko":
            return f"{of_base}{f.count}{f.counter}" + (f"({suffix})" if suffix else "")
        return f"{f.count} of {f.base} {f.base_label['en']}" + (f" ({suffix})" if suffix else "")

    def _share(self, f: Finding) -> float | None:
        """The share of its base an answer prints: as published, else computed; none of a base under ten."""
        if f.percent is not None:
            return f.percent
        stat = self.data.stats.get((f.id, "share_of_base"))
        if stat is None or (f.base is not None and f.base < SHARE_MIN_BASE):
            return None
        return stat.value

    def sentence(self, f: Finding, lang: str, stated: Stated | None = None) -> str:
        return _placed(f.text[lang], self.figure(f, lang, stated), lang)

    def fill(self, template: str, lang: str) -> tuple[str, list[str]]:
        """A template with every placeholder replaced; also the finding ids it used, in order."""
        used: list[str] = []
        stated = Stated() if lang == "ko" else None  # Korean: each base named once, computed shares noted once

        def replace_field(m: re.Match[str]) -> str:
            field = PLACEHOLDER.match(m.group(1))
            assert field is not None, m.group(0)  # sources.py refuses any other placeholder
            if field["breakdown"]:
                members = self._ordered(self.data.categories(field["breakdown"]))
                used.extend(f.id for f in members)
                return self.listing(members, lang, stated)
            f = self.data.findings[field["finding"]]
            used.append(f.id)
            attr = field["attr"]
            if attr == "text":
                return self.sentence(f, lang, stated)
            if attr in {"count", "base"}:
                return str(getattr(f, attr))
            if attr == "percent":
                return _pct(f.percent or 0.0)
            return self.figure(f, lang, stated)

        if stated is not None:  # a particle after a placeholder agrees with how its text ends
            pattern = re.compile(FIELD.pattern + AFTER_PLACEHOLDER)

            def replace_ko(m: re.Match[str]) -> str:
                value = replace_field(m)
                return value + agree(value, m["particle"])

            body = " ".join([pattern.sub(replace_ko, template), stated.note()])
            return " ".join(body.split()), list(dict.fromkeys(used))
        return " ".join(FIELD.sub(replace_field, template).split()), list(dict.fromkeys(used))

    def _ordered(self, members: list[Finding]) -> list[Finding]:
        """Categories largest first, as a desk lists them (ties in the order of findings.yaml)."""
        return sorted(members, key=lambda m: -(self._share(m) or self._count_share(m)))

    def _amount(self, f: Finding, lang: str) -> str:
        """A category's count and share, its base said before it: '21명(46.7%)', '21 (46.7%)', '8.8%', '2명'."""
        share = self._share(f)
        if f.percent_only:
            return _pct(share)
        space = "" if lang == "ko" else " "
        count = f"{f.count}{f.counter}" if lang == "ko" else str(f.count)
        return count + (f"{space}({_pct(share)})" if share is not None else "")

    def _count_share(self, f: Finding) -> float:
        return (f.count or 0) / f.base if f.base else 0.0

    def listing(self, members: list[Finding], lang: str, stated: Stated | None = None, lead: str = "") -> str:
        """The categories of a breakdown in one sentence, the base given once, then each label with its count:
        "45명 가운데 탈북 후 강제송환이 21명(46.7%)으로 가장 많았고, 탈북 시도 12명(26.7%), … 순이었습니다." /
        "Of the 45 escape-related victims: repatriated after escaping 21 (46.7%), … (shares computed …)."
        `lead` opens it ("이", "Of them:"); in a Korean answer (`stated`), the computed shares are noted with
        the answer's others, at its end."""
        first = members[0]
        items = [(m.label[lang], self._amount(m, lang)) for m in members]
        shares = [(m, self._share(m)) for m in members]
        printed = [(_pct(s), m.percent is None and not m.percent_only, m.is_context) for m, s in shares if s]
        if lang == "ko":
            if stated is not None:
                stated.named(first)
                stated.shares.extend(printed)
            base = " ".join(w for w in (lead, f"{first.base}{first.counter}") if w)  # "이 19명"
            if len(members) > 2 and self._count_share(members[0]) > self._count_share(members[1]):
                (label, amount), rest = items[0], ", ".join(f"{label} {amount}" for label, amount in items[1:])
                text = say(lang, "list_ranked", base=base, first=label, amount=amount, rest=rest)
            else:  # two, or a tie at the top: no "가장 많았고"
                listed = ", ".join(f"{attach(label, '가')} {amount}" for label, amount in items)
                text = say(lang, "list_plain", base=base, items=listed)
        else:
            head = lead or say(lang, "of_base", base=first.base, label=first.base_label["en"])
            text = f"{head} {_and([f'{label} {amount}' for label, amount in items])}"
        computed = [share for share, derived, _ in printed if derived]
        if computed and stated is None:
            context = "_context" if all(c for _, d, c in printed if d) else ""
            if len(computed) == len(printed):
                note = say(lang, "shares_derived_context_note" if context else "shares_derived").lstrip("* ")
            else:
                joined = ("·" if lang == "ko" else ", ").join(dict.fromkeys(computed))
                note = say(lang, "shares_some_derived" + context, shares=joined)
            text += f"({note})" if lang == "ko" else f" ({note})"
        text += "."
        only = [m.label[lang] for m in members if m.percent_only]
        if only:
            text += " " + say(lang, "list_percent_only", labels=", ".join(only) if lang == "ko" else _and(only))
        return text

    # --- answers -----------------------------------------------------------------------------

    def answer(self, intent: Intent, lang: str, question: str = "", confidence: int = 100) -> Reply:
        body, used = self.fill(intent.template[lang], lang)
        body = " ".join([body, *self.caveats(used, lang, body)])
        return self._reply(question, lang, intent, confidence, body, used)

    def caveats(self, used: list[str], lang: str, body: str = "") -> list[str]:
        """What a journalist must know about the figures an answer states, carried into every answer, quote
        and chart that states them: each figure's sourcing note, then the outlets' roundings of its share,
        noted the same way for every outlet ("Reuters rounds 79.6% to 80%")."""
        notes: list[str] = []
        rounded: dict[str, list[tuple[float, float]]] = {}
        for f in (self.data.findings[i] for i in dict.fromkeys(used)):
            if f.note and f.note[lang] not in body and f.note[lang] not in notes:
                notes.append(f.note[lang])
            stat = self.data.stats.get((f.id, "share_of_base"))
            share = f.percent if f.percent is not None else (stat.value if stat else None)
            for p in f.published_as:
                if share is None or p.unit != "percent" or not p.rounded or p.fraction or abs(p.value - share) < 0.05:
                    continue
                for sid in p.by:
                    rounded.setdefault(sid, []).append((share, p.value))
        if rounded:
            notes.append(self._roundings(rounded, lang))
        return notes

    def _roundings(self, rounded: dict[str, list[tuple[float, float]]], lang: str) -> str:
        """One sentence for all the roundings in an answer, outlets that rounded alike named together."""
        alike: dict[tuple[tuple[float, float], ...], list[str]] = {}
        for sid, pairs in rounded.items():
            alike.setdefault(tuple(pairs), []).append(self.data.sources[sid].publisher[lang])
        clauses = []
        for pairs, outlets in alike.items():
            if lang == "ko":
                steps = ", ".join(f"{attach(_pct(a), '를')} {attach(_whole(b), '로')}" for a, b in pairs)
                clauses.append(f"{attach('·'.join(outlets), '는')} {steps} 반올림해 보도했습니다.")
            else:
                steps = _and([f"{_pct(a)} to {_whole(b)}" for a, b in pairs])
                verb = "rounds" if len(outlets) == 1 else "round"
                clauses.append(f"{_and(outlets)} {verb} {steps}")
        return " ".join(clauses) if lang == "ko" else "; ".join(clauses) + "."

    def quote(self, intent: Intent, lang: str, category: Finding | None = None) -> str:
        """A ready-to-paste citation: the lead sentence, then the full source with links. Under an answer
        narrowed to a category ("arrested in China?") it is that category's lead, as the answer opens, with
        its own caveat and outlets; the topic's lead ("90 of 113 … inside North Korea") would cite another
        figure than the one the user was shown."""
        lead = re.match(r"\s*\{([a-z0-9_]+)\.text\}", intent.template[lang])
        finding = self.data.findings[lead.group(1)] if lead else None
        if category is not None:
            sentence, findings = self._category_lead(category, lang), [category]
        elif finding is None:
            sentence, used = self.fill(intent.template[lang], lang)
            findings = [self.data.findings[i] for i in used]
        else:
            sentence, findings = self.sentence(finding, lang), [finding]
        sentence = " ".join([sentence, *self.caveats([f.id for f in findings], lang, sentence)])
        context = bool(findings) and all(f.is_context for f in findings)
        refs, _ = self.source_line(findings, lang, context)
        outlets = join_sources(refs, lang, "citation")
        if context:
            return f"{sentence}\n\n{say(lang, 'context')} {say(lang, 'source')}: {outlets}"
        report = self.data.report
        assert report is not None
        space = "" if lang == "ko" else " "  # 『…』(2024.10.31), but Existing "Nowhere" (31 Oct 2024)
        citation = f"{report.publisher[lang]}, {report.title[lang]}{space}({_date(report.date, lang)})"
        if lang == "ko":
            return f"{sentence}\n\n{say(lang, 'source')}: {citation}\n{say(lang, 'reported_by')} {outlets}"
        return f"{sentence}\n\n{say(lang, 'source')}: {citation}, {say(lang, 'as_reported')} {outlets}"

    def _category_lead(self, f: Finding, lang: str) -> str:
        """The sentence category_answer opens with: the count within its group and of all victims where the
        report gives both, else the finding's own sentence."""
        shares = (f.id, "share_of_base") in self.data.stats and (f.id, "share_of_victims") in self.data.stats
        if shares and TOTAL_FINDING in self.data.findings and f.count is not None:
            return self._lead_within(f, lang)
        return self.sentence(f, lang)

    def category_answer(
        self, intent: Intent, f: Finding, lang: str, question: str = "", confidence: int = 100
    ) -> Reply:
        """One category of a breakdown: its sentence, where it ranks, its share of all victims, its caveat."""
        stat = self.data.stats.get((f.id, "share_of_base"))
        of_all = self.data.stats.get((f.id, "share_of_victims"))
        total = self.data.findings.get(TOTAL_FINDING)
        lead = self._lead_within(f, lang) if of_all and total and stat and f.count is not None else None
        parts = [lead or self.sentence(f, lang)]
        siblings = self.data.categories(f.breakdown or "")
        already = ("largest", "가장 많", "가장 큰")  # the finding's own sentence says so ("…, the largest group")
        if stat and stat.rank and len(siblings) > 2 and not any(w in parts[0] for w in already):
            parts.append(self._rank(f, stat.rank, stat.largest, siblings, lang))
        if of_all and total and lead is None:
            parts.append(
                say(lang, "of_all", share=_number(of_all.value), total=total.count, derived=say(lang, "derived"))
            )
        used = [f.id]
        for sub in (b for b in self.data.breakdowns.values() if b.parent == f.id):
            members = self._ordered(self.data.categories(sub.id))
            used += [m.id for m in members]
            parts.append(self.listing(members, lang, lead=say(lang, "of_them")))
        for other in f.related:  # what the figure is compared with ("women: 41.6%, against 6-30% in Latin America")
            parts.append(self.sentence(self.data.findings[other], lang))
            used.append(other)
        parts += self.caveats(used, lang, " ".join(parts))
        title = f"{intent.title[lang]}: {f.label[lang]}"
        # "2.7% of all 113 victims" states the total too: a fact of the answer, though not its caveats or sources
        also = (TOTAL_FINDING,) if of_all and total and TOTAL_FINDING not in used else ()
        group = self._group(f) if lead else None  # "19 of the 23 victims arrested abroad": the 23 is said too
        also += (group.id,) if group and group.id not in used else ()
        body = " ".join(parts)
        return self._reply(question, lang, intent, confidence, body, used, title=title, category=f.category, also=also)

    def _group(self, f: Finding) -> Finding | None:
        """The finding a category is a part of, when the category's base is that finding's count (China's 19 of
        the 23 arrested abroad)."""
        breakdown = self.data.breakdowns.get(f.breakdown or "")
        parent = self.data.findings.get(breakdown.parent or "") if breakdown else None
        return parent if parent and parent.count is not None and parent.count == f.base else None

    def _lead_within(self, f: Finding, lang: str) -> str:
        """A category within a group, led by the count asked for, then both of its shares, in one sentence of
        under about 30 words: "19 victims were detained in China: 19 of the 23 victims arrested abroad (82.6%)
        and 16.8% of all 113 victims (both shares computed from the report's counts)."
        """
        of_all = self.data.stats[(f.id, "share_of_victims")]
        total = self.data.findings[TOTAL_FINDING]
        noun = f.base_label["en"].split()[0]
        noun = noun[:-1] if f.count == 1 and noun.endswith("s") else noun  # "1 victim was arrested in Vietnam"
        plain = f"{f.count}{f.counter}" if lang == "ko" else f"{f.count} {noun}"
        said = _placed(f.text[lang], plain, lang)
        share = self._share(f)
        if share is None:  # a base under ten: the count alone
            share_base = f"{f.count}{f.counter}" if lang == "ko" else str(f.count)
        elif lang == "ko":
            share_base = f"{f.count}{f.counter}({_pct(share)})"
        else:
            share_base = f"{f.count} ({_pct(share)})"
        label = f.base_label[lang]
        within = say(
            lang,
            "lead_within",
            share_base=share_base,
            base=f.base,
            base_label=label,
            share_all=_number(of_all.value),
            total=total.count,
        )
        both = f.percent is None and share is not None
        derived = say(lang, "shares_both_derived" if both else "share_all_derived")
        if lang == "ko":
            return f"{said} {within}({derived})."
        head, semicolon, rest = said.rstrip(".").partition(";")  # "…in Vietnam: 1 (4.3%) of …; no source names…"
        return f"{head}: {within} ({derived}){semicolon}{rest}."

    def _rank(self, f: Finding, rank: int, largest: bool, siblings: list[Finding], lang: str) -> str:
        """Where a category stands, in words a desk would print: "Only Kim Jong-il's era is larger", "중국 다음으로
        많습니다", not "ranks 2nd of 3 published categories"."""
        breakdown = self.data.breakdowns.get(f.breakdown or "")
        title = re.sub(r"\s*\([^()]*\)$", "", breakdown.title[lang]) if breakdown else ""  # "…의 대응(참고)": no aside
        if largest:
            return say(lang, "largest", group=title)
        if rank == len(siblings) and breakdown is not None:  # among published groups only, unless they are all
            return say(lang, "smallest" if breakdown.exhaustive else "smallest_published", group=title)
        ranks = {s.id: st.rank for s in siblings if (st := self.data.stats.get((s.id, "share_of_base"))) and st.rank}
        higher = sorted((s for s in siblings if ranks.get(s.id, rank) < rank), key=lambda s: ranks[s.id])
        above = [re.sub(r"\s*\([^()]*\)$", "", s.label[lang]) for s in higher]  # its dates are another figure's
        if above:  # "김정일·김정은 집권기 다음으로 많습니다", not "4개 가운데 3번째로 많습니다"
            joined = "·".join(above) if lang == "ko" else _and(above)
            return say(lang, "second" if len(above) == 1 else "behind", above=joined)
        return say(lang, "rank", rank=_ordinal(rank, lang), size=len(siblings))

    def _reply(
        self,
        question: str,
        lang: str,
        intent: Intent,
        confidence: int,
        body: str,
        used: list[str],
        title: str | None = None,
        category: str | None = None,
        also: tuple[str, ...] = (),
    ) -> Reply:
        findings = [self.data.findings[i] for i in used]
        context = bool(findings) and all(f.is_context for f in findings)
        refs, prefix = self.source_line(findings, lang, context)
        printed = [self.figure(f, lang, stated) for f in findings[:1] for stated in (None, Stated())]
        lead = next((fig for fig in printed if fig in body), "")
        if not lead and (count := re.match(r"\d+(?: [a-z]+|명)", body)):  # "19 victims were detained in China: …"
            lead = count.group(0)
        return Reply(
            question,
            lang,
            intent.id,
            confidence,
            title or intent.title[lang],
            body,
            refs,
            prefix,
            (*used, *also),
            category=category,
            context=context,
            lead=lead,
        )

    def source_line(self, findings: list[Finding], lang: str, context: bool) -> tuple[tuple[SourceRef, ...], str]:
        """The outlets behind the figures, the lead figure's first, and the words before them: every one (a
        figure one outlet alone published, such as the retracted testimony, must not lose it to the others)."""
        cited: list[str] = []
        for f in findings:
            for sid in f.cite:
                if sid not in cited:
                    cited.append(sid)
        sources = [self.data.sources[sid] for sid in cited]
        refs = tuple(SourceRef(self.source_label(s, lang), s.url) for s in sources)
        if context:
            return refs, f"{say(lang, 'context')} {say(lang, 'source')}:"
        report = self.data.report
        citation = report.citation[lang] if report else ""
        if lang == "ko":  # the report on its own line, the outlets on the next (a Korean desk's source line)
            return refs, f"{say(lang, 'source')}: {citation}\n{say(lang, 'reported_by')}"
        return refs, f"{say(lang, 'source')}: {citation}, {say(lang, 'reported_by')}"

    @staticmethod
    def source_label(source: Source, lang: str) -> str:
        """An outlet as a source line names it: publisher, date, and what the link is when it is a copy
        ("Yonhap News Agency (31 Oct 2024; republished by Korean Vibe)"), so a copy never passes for the
        original."""
        name = source.publisher[lang]
        if source.kind == "release":
            name = f"{name} {say(lang, 'release')}"
        details = [d for d in (_date(source.date, lang), source.copy.get(lang, "")) if d]
        space = "" if lang == "ko" and not name.endswith(")") else " "  # 연합뉴스(2024.10.31), Reuters (31 Oct 2024)
        separator = ", " if lang == "ko" else "; "
        return f"{name}{space}({separator.join(details)})" if details else name

    def combined(self, question: str, replies: list[Reply]) -> Reply:
        """The answers to a message's two or three questions, in order, as one reply: every part's outlets
        named, the figures of all of them in `facts`."""
        first = replies[0]
        titles = list(dict.fromkeys(r.title for r in replies))
        refs = tuple(dict.fromkeys(ref for r in replies for ref in r.sources))
        reported = next((r for r in replies if not r.context), first)
        return replace(
            first,
            question=question,
            confidence=min(r.confidence for r in replies),
            title=" · ".join(titles),
            body="\n\n".join(r.body for r in replies),
            sources=refs,
            source_prefix=reported.source_prefix,
            facts=tuple(dict.fromkeys(f for r in replies for f in r.facts)),
            context=all(r.context for r in replies),
            verdict=next((r.verdict for r in replies if r.verdict), None),
        )

    # --- declines, small talk and claims --------------------------------------------------------

    def decline(
        self,
        question: str,
        lang: str,
        reason: str | None,
        says: str | None,
        detail: str | None,
        suggestions: list[str],
        confidence: int,
        verdict: Verdict | None = None,
    ) -> Reply:
        if reason in ASKED_AGAIN:
            first = say(lang, reason)
        elif says:
            first = say(lang, "not_covered", says=says)
        elif reason == "unknown_number" and detail:
            first = " ".join([say(lang, "unknown_number", number=detail), *self._groups_instead(suggestions, lang)])
        elif reason == "ambiguous":
            first = say(lang, "ambiguous")
        else:
            first = say(lang, "not_found")
        topics = tuple(Topic(i, self.data.intents[i].title[lang]) for i in suggestions if i in self.data.intents)
        # Unsure of the figure asked for: the topics offered are guesses at it ("Did you mean:"), not, as after
        # "the report has no figures on …", what it covers instead, which would contradict an offer that fits.
        unsure = reason == "ambiguous" or first == say(lang, "not_found")
        lead = say(lang, "did_you_mean" if unsure else "or_pick" if reason in ASKED_AGAIN else "covers")
        body = f"{first} {lead}" if topics else first
        return Reply(
            question, lang, None, confidence, "", body, suggestions=topics, verdict=verdict.kind if verdict else None
        )

    def _groups_instead(self, suggestions: list[str], lang: str) -> list[str]:
        """What the closest topic does give, by name and without figures ("children under 18" → "For the age of
        victims it gives these groups: in their 20s or 30s; children under 10."), so the decline points at the
        figures there are."""
        intent = self.data.intents.get(suggestions[0]) if suggestions else None
        groups = [f.label[lang] for b in (intent.breakdowns if intent else ()) for f in self.data.categories(b)]
        if intent is None or not groups:
            return []
        named = "·".join(groups) if lang == "ko" else _and(groups)
        return [say(lang, "groups_instead", topic=intent.title[lang], groups=named)]

    def count_not_published(
        self, question: str, lang: str, f: Finding, verdict: Verdict | None, intent: Intent | None, confidence: int
    ) -> Reply:
        """A count asked of, or claimed for, a category the report gives only as a share: it says no count was
        published, with the share. An answer of the topic narrowed to the category (Quote quotes it), or, for a
        question that refuses a share ("a headcount, not a percentage": `intent` None), a decline."""
        # the sentence says the report gives the share only: the figure need not say it again
        body = say(lang, "count_not_published", label=f.label[lang], figure=self.figure(f, lang, share_note=False))
        refs, prefix = self.source_line([f], lang, f.is_context)
        return Reply(
            question,
            lang,
            intent.id if intent else None,
            confidence if intent else 0,
            intent.title.get(lang, "") if intent else "",
            body,
            refs,
            prefix,
            (f.id,),
            category=f.category if intent else None,
            verdict=verdict.kind if verdict else None,
        )

    def smalltalk(self, question: str, lang: str, talk_id: str, confidence: int) -> Reply:
        """A greeting, thanks or a question about the bot: its short reply, and the headline topics to try."""
        talk = self.data.smalltalk[talk_id]
        topics = tuple(self.topics(lang, headline_only=True))
        return Reply(question, lang, None, confidence, "", talk.reply[lang], suggestions=topics, smalltalk=talk_id)

    def with_verdict(self, reply: Reply, verdict: Verdict) -> Reply:
        """The answer opened by its verdict on the figure the question stated; a wrong figure that is another
        category's ("19 arrested in Russia?": China's 19) says whose it is, so the mix-up is plain."""
        said = self.verdict_sentence(verdict, reply.lang)
        found = self.stated_elsewhere(verdict, reply.facts) if verdict.kind == "differs" else None
        if found is None or not verdict.stated:
            return replace(reply, body=f"{said} {reply.body}", verdict=verdict.kind)
        other, near = found
        key = "stated_elsewhere" if near else "stated_beside"
        whose = say(reply.lang, key, stated=verdict.stated.text, sentence=self.sentence(other, reply.lang))
        facts = (*reply.facts, other.id) if other.id not in reply.facts else reply.facts
        refs, _ = self.source_line([other], reply.lang, other.is_context)  # the sentence added cites its outlets
        sources = (*reply.sources, *(r for r in refs if r not in reply.sources))
        return replace(reply, body=f"{said} {whose} {reply.body}", verdict=verdict.kind, facts=facts, sources=sources)

    def stated_elsewhere(self, verdict: Verdict, answered: tuple[str, ...] = ()) -> tuple[Finding, bool] | None:
        """The one other figure a wrong figure is, exactly (a count as published, or a percentage as published):
        another category of the compared figure's breakdown or its parent ("23 arrested in China?": the 23 arrested
        abroad), else another figure of the answer ("interviewed 113 defectors?": the 113 victims), with whether it
        is of the breakdown (or its parent); None for a hedged figure, or when several figures are that number."""
        f = self.data.findings.get(verdict.finding or "")
        stated = verdict.stated
        if f is None or stated is None or stated.hedge or stated.kind not in {"count", "percent"}:
            return None
        breakdown = self.data.breakdowns.get(f.breakdown or "")
        parent = breakdown.parent if breakdown else None
        others = [g for g in self.data.findings.values() if g.id != f.id]
        near = [g for g in others if breakdown and (g.breakdown == f.breakdown or g.id == parent)]
        beside = [g for g in others if g.id in answered and g not in near]
        for group, within in ((near, True), (beside, False)):
            if stated.kind == "count":
                hits = [g for g in group if g.count is not None and g.count == stated.value]
            else:
                hits = [g for g in group if g.percent is not None and abs(g.percent - stated.value) < 0.05]
            if hits:
                return (hits[0], within) if len(hits) == 1 else None
        return None

    def verdict_sentence(self, verdict: Verdict, lang: str) -> str:
        """ "Yes: 90 of 113 victims (79.6%)." / "No: the report says 81.4% (92 of 113 victims), not 85%." """
        f = self.data.findings[verdict.finding] if verdict.finding else None
        figure = self.compared_figure(f, verdict.measure, lang) if f else ""
        stated = verdict.stated.text if verdict.stated else ""
        if verdict.stated and verdict.stated.kind == "years":  # "not 5" reads as a count: "not every 5 years"
            stated = say(lang, "every_years", years=stated)
        if verdict.kind == "exact":
            return say(lang, "verdict_exact", figure=figure)
        if verdict.kind == "rounded" and verdict.by:
            by = f" {JOINER[lang]} ".join(self.source_label(self.data.sources[s], lang) for s in verdict.by)
            return say(
                lang, "verdict_rounded_by", figure=figure, by=by, stated=self._as_published(f, verdict, lang, stated)
            )
        if verdict.kind == "rounded":
            return say(lang, "verdict_rounded", figure=figure)
        return say(lang, "verdict_differs", figure=figure, stated=stated)

    @staticmethod
    def _as_published(f: Finding | None, verdict: Verdict, lang: str, stated: str) -> str:
        """The rounding in the outlet's own form ("8 out of 10", "10명 중 8명"), not the asker's ("8할")."""
        match = next(
            (p for p in (f.published_as if f else ()) if p.by == verdict.by and p.value == verdict.value), None
        )
        if match is None or match.unit != "percent":
            return stated
        if match.fraction and match.base:
            count = round(match.value * match.base / 100)
            return f"{match.base}명 중 {count}명" if lang == "ko" else f"{count} out of {match.base}"
        return f"{match.value:g}%"

    def compared_figure(self, f: Finding, measure: str, lang: str) -> str:
        """The report's figure a claim was compared with: the finding, or its share of all victims."""
        if measure == "share_of_victims":
            stat = self.data.stats[(f.id, "share_of_victims")]
            total = self.data.findings[TOTAL_FINDING].count
            return say(lang, "share_of_all", share=_number(stat.value), total=total, count=f.count)
        return self.figure(f, lang)

    def topics(self, lang: str, headline_only: bool = False) -> list[Topic]:
        return [Topic(i.id, i.title[lang]) for i in self.data.intents.values() if i.headline or not headline_only]


def _pct(value: float | None) -> str:
    return f"{value:.1f}%" if value is not None else ""


def _placed(text: str, figure: str, lang: str) -> str:
    """A finding's sentence with its figure in place: in Korean the particle after it agrees with how the
    figure ends; in English the sentence starts with a capital."""
    if lang == "ko":
        return re.sub(r"\{fig\}" + AFTER_PLACEHOLDER, lambda m: figure + agree(figure, m["particle"]), text)
    text = text.replace("{fig}", figure)
    return text[:1].upper() + text[1:]


def _whole(value: float) -> str:
    """A published rounding as the outlet printed it: 80%, not 80.0%."""
    return f"{value:g}%"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _number(value: float) -> str:
    return f"{value:.1f}"


def _ordinal(n: int, lang: str) -> str:
    if lang == "ko":
        return str(n)
    return ORDINALS.get(n, f"{n}th")


def _date(value: str | None, lang: str) -> str:
    if not value:
        return ""
    parts = value.split("-")
    if lang == "ko":
        return ".".join(str(int(p)) if i else p for i, p in enumerate(parts))
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]
