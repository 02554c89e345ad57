"""All user-visible wording: figures, answers, source lines, declines and menus. No Telegram here."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from .models import Dataset, Finding, Intent, Source

REPORT = {
    "en": 'TJWG, Existing "Nowhere": Looking into North Korea\'s Crime of Enforced Disappearance (31 Oct 2024)',
    "ko": "전환기정의워킹그룹(TJWG), 『존재할 수 없는 존재: 북한 강제실종범죄 조사』(2024.10.31)",
}
REPORT_URL = "https://en.tjwg.org/mapping-project-north-korea"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
PLACEHOLDER = re.compile(r"\{(?:list:(?P<breakdown>[a-z0-9_]+)|(?P<finding>[a-z0-9_]+)(?:\.(?P<attr>[a-z]+))?)\}")

UI: dict[str, dict[str, str]] = {
    "en": {
        "source": "Source",
        "reported_by": "via",
        "quote_source": 'Source: Transitional Justice Working Group, Existing "Nowhere": Looking into North Korea\'s '
        "Crime of Enforced Disappearance (31 Oct 2024)",
        "as_reported": "as reported by",
        "release": "press release",
        "and": "and",
        "context": "Context, not a finding of the report.",
        "derived": "computed from the report's counts",
        "derived_context": "computed from the published counts",
        "percent_only": "the report publishes the share, not a count",
        "of_all": "That is {share}% of all {total} victims ({derived}).",
        "of_them": "Of them:",
        "shares_derived": "shares computed from the report's counts",
        "largest": "It is the largest category in this breakdown.",
        "rank": "It ranks {rank} of {size} published categories.",
        "not_covered": "The report has no figures on {says}.",
        "not_found": "I couldn't find that in the report.",
        "unknown_number": "The report gives no figure for “{number}”.",
        "ambiguous": "Your question could mean more than one figure.",
        "empty": "Ask me about the report, for example: “What share of disappearances is the MSS responsible for?”",
        "covers": "It does cover:",
        "did_you_mean": "Did you mean:",
        "about": "about",
    },
    "ko": {
        "source": "출처",
        "reported_by": "보도:",
        "quote_source": "출처: 전환기정의워킹그룹(TJWG), 『존재할 수 없는 존재: 북한 강제실종범죄 조사』(2024.10.31)",
        "as_reported": "보도:",
        "release": "보도자료",
        "and": "·",
        "context": "보고서의 조사 결과가 아닌 참고 정보입니다.",
        "derived": "보고서 수치로 계산",
        "derived_context": "공개 수치로 계산",
        "percent_only": "비율만 공개, 인원수 미공개",
        "of_all": "전체 피해자 {total}명 중 {share}%에 해당합니다({derived}).",
        "of_them": "그 가운데:",
        "shares_derived": "비율은 보고서 수치로 계산",
        "largest": "이 분류에서 가장 큰 범주입니다.",
        "rank": "공개된 {size}개 범주 가운데 {rank}번째입니다.",
        "not_covered": "보고서에는 {says}에 관한 수치가 없습니다.",
        "not_found": "보고서에서 해당 내용을 찾지 못했습니다.",
        "unknown_number": "보고서에는 “{number}”에 해당하는 수치가 없습니다.",
        "ambiguous": "질문이 여러 수치에 해당할 수 있습니다.",
        "empty": "보고서에 대해 물어보세요. 예: “국가보위성이 책임진 실종 비율은?”",
        "covers": "보고서가 다루는 주제:",
        "did_you_mean": "이런 주제를 찾으셨나요?",
        "about": "약",
    },
}
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}
DEFAULT_BASE_KO = "피해자"  # "113명 중 62명" reads better than "피해자 113명 중 62명" after "피해자는"


@dataclass(frozen=True)
class Topic:
    id: str
    title: str


@dataclass(frozen=True)
class SourceRef:
    label: str
    url: str


@dataclass(frozen=True)
class Reply:
    """One answer (or decline), renderable as plain text, Telegram HTML or JSON."""

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
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def declined(self) -> bool:
        return self.intent is None

    @property
    def text(self) -> str:
        """The answer as plain text, exactly as sent, links written out."""
        parts = [self.title, self.body] if self.title else [self.body]
        if self.sources:
            refs = f" {UI[self.lang]['and']} ".join(f"{s.label} {s.url}" for s in self.sources)
            parts.append(f"{self.source_prefix} {refs}".strip())
        if self.suggestions:
            parts.append("\n".join(f"• {t.title}" for t in self.suggestions))
        return "\n\n".join(parts)

    @property
    def html(self) -> str:
        """The same answer in Telegram's HTML: title bold, outlets as links, every text escaped."""
        parts = (
            [f"<b>{html.escape(self.title)}</b>", html.escape(self.body)] if self.title else [html.escape(self.body)]
        )
        if self.sources:
            refs = f" {html.escape(UI[self.lang]['and'])} ".join(
                f'<a href="{html.escape(s.url, quote=True)}">{html.escape(s.label)}</a>' for s in self.sources
            )
            parts.append(f"<i>{html.escape(self.source_prefix)}</i> {refs}".strip())
        return "\n\n".join(parts)

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "lang": self.lang,
            "intent": self.intent,
            "confidence": self.confidence,
            "answer": self.text,
            "facts": list(self.facts),
            "suggestions": [t.title for t in self.suggestions],
        }


class Writer:
    """Turns findings, intents and matcher decisions into sentences of one Dataset."""

    def __init__(self, data: Dataset) -> None:
        self.data = data

    # --- figures -----------------------------------------------------------------------------

    def figure(self, f: Finding, lang: str) -> str:
        """The figure as a journalist would quote it: '62 of 113 victims (54.9%)', '113명 중 62명(54.9%)'."""
        ui = UI[lang]
        stat = self.data.stats.get((f.id, "share_of_base"))
        if f.value and f.count is None and f.percent is None:
            return f.value[lang]
        if f.percent_only:
            if lang == "ko":
                label = "" if f.base_label["ko"] == DEFAULT_BASE_KO else f"{f.base_label['ko']} "
                return f"{label}{f.base}{f.counter} 중 {_pct(f.percent)}({ui['percent_only']})"
            return f"{_pct(f.percent)} of the {f.base} {f.base_label['en']} ({ui['percent_only']})"
        assert f.count is not None
        if f.base is None:
            count = f"{ui['about']} {f.count}" if f.approx else str(f.count)
            return f"{count}{f.unit['ko']}" if lang == "ko" else f"{count} {f.unit['en']}"
        share = f.percent if f.percent is not None else (stat.value if stat else None)
        derived = ui["derived_context"] if f.is_context else ui["derived"]
        suffix = "" if share is None else (_pct(share) if f.percent is not None else f"{_pct(share)}, {derived}")
        if lang == "ko":
            label = "" if f.base_label["ko"] == DEFAULT_BASE_KO else f"{f.base_label['ko']} "
            return f"{label}{f.base}{f.counter} 중 {f.count}{f.counter}" + (f"({suffix})" if suffix else "")
        return f"{f.count} of {f.base} {f.base_label['en']}" + (f" ({suffix})" if suffix else "")

    def sentence(self, f: Finding, lang: str) -> str:
        text = f.text[lang].replace("{fig}", self.figure(f, lang))
        return text[0].upper() + text[1:] if lang == "en" and text else text

    def fill(self, template: str, lang: str) -> tuple[str, list[str]]:
        """A template with every placeholder replaced; also the finding ids it used, in order."""
        used: list[str] = []

        def replace(m: re.Match[str]) -> str:
            if m["breakdown"]:
                members = self.data.categories(m["breakdown"])
                used.extend(f.id for f in members)
                return "; ".join(f"{f.label[lang]}: {self.figure(f, lang)}" for f in members)
            f = self.data.findings[m["finding"]]
            used.append(f.id)
            attr = m["attr"]
            if attr == "text":
                return self.sentence(f, lang)
            if attr in {"count", "base"}:
                return str(getattr(f, attr))
            if attr == "percent":
                return _pct(f.percent or 0.0)
            return self.figure(f, lang)

        return " ".join(PLACEHOLDER.sub(replace, template).split()), list(dict.fromkeys(used))

    # --- answers -----------------------------------------------------------------------------

    def answer(self, intent: Intent, lang: str, question: str = "", confidence: int = 100) -> Reply:
        body, used = self.fill(intent.template[lang], lang)
        return self._reply(question, lang, intent, confidence, body, used)

    def quote(self, intent: Intent, lang: str) -> str:
        """A ready-to-paste citation: the topic's lead sentence, then the full source with links."""
        ui = UI[lang]
        lead = re.match(r"\s*\{([a-z0-9_]+)\.text\}", intent.template[lang])
        finding = self.data.findings[lead.group(1)] if lead else None
        if finding is None:
            sentence, used = self.fill(intent.template[lang], lang)
            findings = [self.data.findings[i] for i in used]
        else:
            sentence, findings = self.sentence(finding, lang), [finding]
        context = bool(findings) and all(f.is_context for f in findings)
        refs, _ = self.source_line(findings, lang, context)
        outlets = "; ".join(f"{ref.label}, {ref.url}" for ref in refs)
        if context:
            return f"{sentence}\n\n{ui['context']} {ui['source']}: {outlets}"
        return f"{sentence}\n\n{ui['quote_source']}, {ui['as_reported']} {outlets}"

    def category_answer(
        self, intent: Intent, f: Finding, lang: str, question: str = "", confidence: int = 100
    ) -> Reply:
        """One category of a breakdown: its sentence, where it ranks, its share of all victims, its caveat."""
        ui = UI[lang]
        parts = [self.sentence(f, lang)]
        stat = self.data.stats.get((f.id, "share_of_base"))
        size = len(self.data.categories(f.breakdown or ""))
        if stat and stat.rank and size > 2:
            parts.append(
                ui["largest"] if stat.largest else ui["rank"].format(rank=_ordinal(stat.rank, lang), size=size)
            )
        of_all = self.data.stats.get((f.id, "share_of_victims"))
        total = self.data.findings.get("victims_total")
        if of_all and total:
            parts.append(ui["of_all"].format(share=_number(of_all.value), total=total.count, derived=ui["derived"]))
        used = [f.id]
        for sub in (b for b in self.data.breakdowns.values() if b.parent == f.id):
            members = self.data.categories(sub.id)
            used += [m.id for m in members]
            parts.append(self._split(members, lang))
        if f.note:
            parts.append(f.note[lang])
        title = f"{intent.title[lang]}: {f.label[lang]}"
        return self._reply(question, lang, intent, confidence, " ".join(parts), used, title=title, category=f.category)

    def _split(self, members: list[Finding], lang: str) -> str:
        """A sub-breakdown in one sentence: 'Of them: A 17 (89.5%); B 1 (5.3%) (shares computed ...)'."""
        ui = UI[lang]
        items, derived = [], False
        for m in members:
            stat = self.data.stats.get((m.id, "share_of_base"))
            derived = derived or bool(stat and stat.derived)
            count = f"{m.count}{m.counter}" if lang == "ko" else str(m.count)
            space = "" if lang == "ko" else " "
            share = f"{space}({_pct(stat.value)})" if stat else ""
            items.append(f"{m.label[lang]} {count}{share}")
        note = f" ({ui['shares_derived']})" if derived else ""
        return f"{ui['of_them']} {'; '.join(items)}{note}."

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
    ) -> Reply:
        findings = [self.data.findings[i] for i in used]
        context = bool(findings) and all(f.is_context for f in findings)
        refs, prefix = self.source_line(findings, lang, context)
        return Reply(
            question,
            lang,
            intent.id,
            confidence,
            title or intent.title[lang],
            body,
            refs,
            prefix,
            tuple(used),
            category=category,
            context=context,
        )

    def source_line(self, findings: list[Finding], lang: str, context: bool) -> tuple[tuple[SourceRef, ...], str]:
        """The outlets behind the figures (at most three), and the words before them."""
        ui = UI[lang]
        cited: list[str] = []
        for f in findings:
            for sid in f.cite:
                if sid not in cited:
                    cited.append(sid)
        refs = tuple(
            SourceRef(self.source_label(self.data.sources[sid], lang), self.data.sources[sid].url) for sid in cited[:3]
        )
        if context:
            return refs, f"{ui['context']} {ui['source']}:"
        return refs, f"{ui['source']}: {REPORT[lang]}, {ui['reported_by']}"

    @staticmethod
    def source_label(source: Source, lang: str) -> str:
        name = source.publisher[lang]
        if source.kind == "release":
            name = f"{name} {UI[lang]['release']}"
        date = _date(source.date, lang)
        return f"{name} ({date})" if date else name

    # --- declines ----------------------------------------------------------------------------

    def decline(
        self,
        question: str,
        lang: str,
        reason: str | None,
        says: str | None,
        detail: str | None,
        suggestions: list[str],
        confidence: int,
    ) -> Reply:
        ui = UI[lang]
        if reason == "empty":
            first = ui["empty"]
        elif says:
            first = ui["not_covered"].format(says=says)
        elif reason == "unknown_number" and detail:
            first = ui["unknown_number"].format(number=detail)
        elif reason == "ambiguous":
            first = ui["ambiguous"]
        else:
            first = ui["not_found"]
        topics = tuple(Topic(i, self.data.intents[i].title[lang]) for i in suggestions if i in self.data.intents)
        lead = ui["did_you_mean"] if reason == "ambiguous" else ui["covers"]
        body = f"{first} {lead}" if topics else first
        return Reply(question, lang, None, confidence, "", body, suggestions=topics)

    def topics(self, lang: str, headline_only: bool = False) -> list[Topic]:
        return [Topic(i.id, i.title[lang]) for i in self.data.intents.values() if i.headline or not headline_only]


def _pct(value: float | None) -> str:
    return f"{value:.1f}%" if value is not None else ""


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
