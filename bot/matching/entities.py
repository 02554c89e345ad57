"""Categories a question names ("Russia", "연좌제", "women"), found from each category's terms in findings.yaml."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Dataset
from .text import Normaliser


@dataclass(frozen=True)
class Entity:
    """A category a question names (breakdown, category, finding), or the subject of a topic (`subject`: the
    topic's id) such as "the MSS" or "age", which says what the question counts by."""

    breakdown: str
    category: str
    finding: str
    subject: str | None = None


Span = tuple[int, int, Entity]
UNSPACED = 7  # syllables: a Korean "word" this long is a phrase typed without spaces


def _word_at(words: list[str], starts: list[int], position: int) -> str:
    """The word of `words` (laid end to end, starting at `starts`) that holds `position`."""
    k = max(i for i, start in enumerate(starts) if start <= position)
    return words[k]


class Entities:
    """Finds the categories of breakdowns that a question names, in one language."""

    def __init__(self, data: Dataset, norm: Normaliser) -> None:
        self.data = data
        self.norm = norm
        self.terms: list[tuple[tuple[str, ...], Entity]] = []
        for f in data.findings.values():
            if not f.breakdown or not f.category:
                continue
            entity = Entity(f.breakdown, f.category, f.id)
            self._add(f.terms.get(norm.lang, ()), entity)
        for intent in data.intents.values():
            self._add(intent.subject.get(norm.lang, ()), Entity("", "", "", subject=intent.id))
        self.by_first_word: dict[str, list[tuple[tuple[str, ...], Entity]]] = {}
        for term, entity in self.terms:
            self.by_first_word.setdefault(term[0], []).append((term, entity))
        # Korean terms without spaces, by their first two syllables: a question is searched only for the terms
        # that can be in it (those whose start it holds), in the order of self.terms.
        self.joined = ["".join(term) for term, _ in self.terms]
        # The words after which a short term is a word of its own: canonical and stop words of two syllables or more.
        self.long_words = tuple(w for w in (*norm.canonicals, *norm.stopwords) if len(w) >= 2)
        self.by_start: dict[str, list[int]] = {}
        for k, joined in enumerate(self.joined):
            self.by_start.setdefault(joined[:2], []).append(k)

    def _add(self, terms: tuple[str, ...], entity: Entity) -> None:
        for term in terms:
            words = tuple(self.norm.words(term)) if self.norm.lang == "en" else tuple(self.norm.canonical(term).split())
            if words:
                self.terms.append((words, entity))

    def find(self, question: str, words: list[str] | None = None) -> tuple[Entity, ...]:
        """Categories the question names; a longer term wins over one inside it ("criticise kim jong un")."""
        if self.norm.lang == "en":
            words = self.norm.words(question) if words is None else words
            spans: list[Span] = []
            for i, word in enumerate(words):
                for term, entity in self.by_first_word.get(word, ()):
                    if tuple(words[i : i + len(term)]) == term:
                        spans.append((i, i + len(term), entity))
        else:
            spans = self._find_ko(question)
        kept = [
            (a, b, e)
            for a, b, e in spans
            if not any(a2 <= a and b <= b2 and (b2 - a2) > (b - a) for a2, b2, _ in spans)
        ]
        found: dict[tuple[str, str, str | None], Entity] = {(e.breakdown, e.category, e.subject): e for _, _, e in kept}
        return tuple(found.values())

    def _find_ko(self, question: str) -> list[Span]:
        """Korean terms, found in the text without spaces (spacing varies). A short term (two syllables or
        fewer) must start a word and end it or run into a particle: 탈북 is in 탈북을, not in 탈북민."""
        words = self.norm.canonical(question).split()
        flat, starts = "", []
        for word in words:
            starts.append(len(flat))
            flat += word
        ends = {start + len(word) for start, word in zip(starts, words, strict=True)}
        begins = set(starts)
        spans = []
        starts_held = {flat[i : i + 2] for i in range(len(flat))} | set(flat)  # a term of one syllable too
        candidates = sorted(k for start in starts_held for k in self.by_start.get(start, ()))
        for k in candidates:
            joined, entity = self.joined[k], self.terms[k][1]
            start = flat.find(joined)
            while start >= 0:
                end = start + len(joined)
                unspaced = len(_word_at(words, starts, start)) >= UNSPACED  # "중국에서잡힌여자몇명": no word starts
                follows = end in ends or self._ending_follows(flat, end, ends)
                if len(joined) >= 3 or ((start in begins or unspaced) and follows):
                    spans.append((start, end, entity))
                    break
                start = flat.find(joined, start + 1)
        return spans

    def _ending_follows(self, flat: str, end: int, ends: set[int]) -> bool:
        """Whether what follows a short term is a particle or a word of its own (unspaced text: "중국몇명")."""
        word_end = min((e for e in ends if e > end), default=len(flat))
        rest = flat[end:word_end]
        if not rest or rest in self.norm.stopwords or any(rest.startswith(e) for e in self.norm.endings):
            return True
        return rest.startswith(self.long_words)

    def most_specific(self, entities: tuple[Entity, ...]) -> tuple[Entity, ...]:
        """Of categories in nested breakdowns ("of those arrested abroad, how many in Russia?"), the innermost."""
        lineage = self.data.lineage
        return tuple(
            e
            for e in entities
            if not any(o.breakdown != e.breakdown and e.breakdown in lineage(o.breakdown) for o in entities)
        )

    def cross_tabulated(
        self, entities: tuple[Entity, ...], chosen: str, crossing: bool = False, same: frozenset[str] = frozenset()
    ) -> bool:
        """True when the question combines what the report never crosses, given the topic chosen for it:
        categories of two unrelated breakdowns, one of them the chosen topic's ("women arrested in China"); or
        another topic's subject with a category, one side about who the victims were ("Kim Jong-un-era victims
        taken by the MSS", "the age of the escape-related victims"); or two topics' subjects joined by "by"
        (`crossing`: "sex by place of arrest"). `same`: topics answering with the chosen one's figures."""
        data, lineage = self.data, self.data.lineage
        intent = data.intents[chosen]
        # What the topic counts by: its breakdowns, and those of the categories its answer states ("the MSS alone").
        stated = (data.findings[f].breakdown for f in intent.finding_ids() if f in data.findings)
        mine = set().union(*(lineage(b) for b in (*intent.breakdowns, *(b for b in stated if b))))
        names = sorted({e.breakdown for e in entities if not e.subject})
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if a not in lineage(b) and b not in lineage(a) and (lineage(a) & mine or lineage(b) & mine):
                    return True
        subjects = {e.subject for e in entities if e.subject}
        if len(subjects) >= 2 and crossing:  # "sex breakdown by place of arrest", "체포 장소별 성별"
            return True
        profile = {b for b in names if data.breakdowns[b].profile}
        if crossing and any(data.breakdowns[b].profile for b in mine) and any(not lineage(b) & mine for b in profile):
            return True  # "escape cases by era", the era topic chosen: who the victims were, split by another trait
        named_subject = any(e.subject for e in entities)
        if named_subject and any(
            not lineage(b) & mine for b in profile
        ):  # "of those the MSS took alone, how many women"
            return True
        for s in {e.subject for e in entities if e.subject and e.subject != chosen and e.subject not in same}:
            own = set().union(*(lineage(b) for b in data.intents[s].breakdowns))
            for b in names:
                if not lineage(b) & own and (
                    data.breakdowns[b].profile or any(data.breakdowns[o].profile for o in own)
                ):
                    return True
        return False
