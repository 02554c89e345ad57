"""Follow-ups: "and in Russia?", "what about women?", "몇 퍼센트야?" read against the topic answered before.

A message is read on its own first. It is read against the previous answer when it cannot stand alone (it
was declined, or it opens like a follow-up) and it names a category of the previous topic's family, or asks
only for another form of the same figure (a percentage, the count, the source). "In Korean?" or "영어로" asks
for the previous answer again in the other language (campaign links are shared across both).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .entities import Entity
from .matcher import Matcher
from .results import Match
from .text import clean

OPENERS = {
    "en": ("and", "what about", "how about", "and what about", "what of", "same for", "also", "then", "ok and", "so"),
    "ko": ("그럼", "그러면", "그리고", "그건", "그거", "거기서", "또", "그렇다면", "그 중", "그중"),
}
ENDS_KO = ("는요", "은요", "는", "은", "도", "도요")
# Asking again for the same figure in another form.
MEASURES = {
    "en": frozenset(
        "percent percentage share rate proportion how many number count total source sources where from".split()
    ),
    "ko": frozenset("퍼센트 비율 몇 프로 퍼 명 몇명 숫자 수 출처 어디 근거 비중".split()),
}


# Asking for the previous answer in another language: the message is only these words (and openers, politeness).
LANGUAGE_WORDS = {
    "ko": frozenset("korean hangul hangeul 한국어 한국말 한글 한국어로 한국말로 한글로".split()),
    "en": frozenset("english 영어 영어로 영문 영문으로".split()),
}
LANGUAGE_FILLER = frozenset(
    "in please pls plz can you could say it that again the same answer give me show translate translated "
    "version now and also too ok okay 로 으로 다시 해줘 해 줘 주세요 해주세요 알려줘 알려 줄래 부탁해 번역 번역해줘 "
    "번역해 버전 그거 그걸 그럼 좀 말해줘 말해 줘요 줄 수 있어 있나요".split()
)


def asks_language(question: str) -> str | None:
    """The language a message asks the previous answer in ("in Korean please", "영어로 해줘"), else None."""
    words = clean(question).split()
    if not words or len(words) > 8:
        return None
    wanted = {lang for w in words for lang, names in LANGUAGE_WORDS.items() if w in names}
    if len(wanted) != 1 or not all(w in LANGUAGE_FILLER or any(w in n for n in LANGUAGE_WORDS.values()) for w in words):
        return None
    return wanted.pop()


@dataclass(frozen=True)
class Previous:
    """The answer a follow-up is read against: its topic, the category it was narrowed to, when."""

    intent: str
    category: str | None = None


def opens_like_follow_up(question: str, lang: str) -> bool:
    text = clean(question)
    if any(text == o or text.startswith(o + " ") for o in OPENERS[lang]):
        return True
    return lang == "ko" and len(text) <= 12 and text.endswith(ENDS_KO)


def resolve(matcher: Matcher, question: str, match: Match, previous: Previous) -> Match | None:
    """The follow-up's reading against `previous`, or None when it is not one (then the match stands)."""
    words = clean(question).split()
    measure_only = (
        bool(words)
        and len(words) <= 6
        and all(_asks_measure(w, match.lang) or w in matcher.normalisers[match.lang].stopwords for w in words)
    )
    if match.intent is not None and not (opens_like_follow_up(question, match.lang) or measure_only):
        return None
    # What the report lacks ("how many were executed?") is declined after an answer too, never given its figure.
    if match.declined in {"cross_tab", "single_year", "unknown_number", "smalltalk", "instruction", "out_of_scope"}:
        return None
    data = matcher.data
    before = data.intents.get(previous.intent)
    if before is None:
        return None
    entities = [e for e in match.named if e.category]
    if entities:
        target = _family_owner(matcher, previous.intent, entities)
        if target is None:
            return None
        intent_id, entity = target
        narrowed = (entity,) if entity else ()
        return replace(match, intent=intent_id, entities=narrowed, declined=None, out_of_scope=None, smalltalk=None)
    if measure_only or (
        match.intent is None and words and len(words) <= 6 and any(_asks_measure(w, match.lang) for w in words)
    ):
        entity = category_entity(matcher, previous)
        return replace(
            match,
            intent=previous.intent,
            entities=(entity,) if entity else (),
            declined=None,
            out_of_scope=None,
            smalltalk=None,
        )
    return None


def _asks_measure(word: str, lang: str) -> bool:
    return any(word == m or word.startswith(m) for m in MEASURES[lang])


def category_entity(matcher: Matcher, previous: Previous) -> Entity | None:
    if previous.category is None:
        return None
    intent = matcher.data.intents[previous.intent]
    for b in intent.breakdowns:
        for f in matcher.data.categories(b):
            if f.category == previous.category:
                return Entity(b, previous.category, f.id)
    return None


def _family_owner(matcher: Matcher, previous: str, entities: list[Entity]) -> tuple[str, Entity | None] | None:
    """The topic answering a named category, in the previous topic's family: the previous topic itself when
    it owns the category's breakdown; a topic that splits the category the way the previous one split its own
    ("who arrested them in China?" then "and in Russia?"); else the topic that owns the breakdown."""
    data = matcher.data
    before = data.intents[previous]
    before_lineage = set().union(*(data.lineage(b) for b in before.breakdowns)) if before.breakdowns else set()
    parents = {data.breakdowns[b].parent for b in before.breakdowns}
    parent_breakdowns = {data.findings[p].breakdown for p in parents if p in data.findings}
    for entity in entities:
        if entity.breakdown in before.breakdowns:
            return previous, entity
        if entity.breakdown in parent_breakdowns:  # a sibling category of the one the previous topic splits
            for intent in data.intents.values():
                if any(data.breakdowns[b].parent == entity.finding for b in intent.breakdowns):
                    return intent.id, None
        if entity.breakdown in before_lineage or before_lineage & data.lineage(entity.breakdown):
            owners = sorted(matcher.owners_of.get(entity.breakdown, set()))
            owner = next((o for o in owners if entity.breakdown in data.intents[o].breakdowns), None)
            if owner:
                return owner, entity
    return None
