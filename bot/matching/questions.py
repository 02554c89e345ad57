"""The questions a message asks: two joined in one ("how many victims in total, and how many were women?"), so
that each is answered; or the last one after a preamble ("Hi! I'm a student. Where were they arrested?"),
read alone unless it points back at what came before it ("Is that the report's figure?")."""

from __future__ import annotations

import re

from .text import clean

REMARK_WORDS = 4  # words of a closing remark after the question
MAX_PARTS = 3  # a message asking more than this is answered as one question
ASKS = {
    "en": r"(?:how many|how much|what (?:share|proportion|percentage|percent|part)|which|where|when|whom|who)",
    "ko": r"(?:몇|비율|얼마|어디|언제|누가|누구|퍼센트|비중)",
}
# Where a second question starts: after a question mark, or at "and"/"also"/"plus" opening a question
# ("…, and by whom in China?").
YES_NO = r"(?:was|were|is|are|did|does|do|has|have|had)"  # ", and was the release timed to it?": a second one
SPLIT_EN = re.compile(
    rf"\?\s+|[,;]?\s+(?:and|also|plus|as well as)\s+(?=(?:by |in |from |of |for )?{ASKS['en']}\b)"
    rf"|[,;]\s+(?:and|also)\s+(?={YES_NO}\b)",
    re.IGNORECASE,
)
SPLIT_KO = re.compile(r"\?\s+|\s+그리고\s+|(?<=[가-힣])(?:이고|고|이며|며),\s*|(?<=[가-힣]),\s+")
# What makes a part a question: a word asking for a figure, or (English) a yes/no opening ("was the release…").
ASKS_RE = {
    "en": re.compile(rf"{ASKS['en']}|^{YES_NO}\b", re.IGNORECASE),
    "ko": re.compile(ASKS["ko"], re.IGNORECASE),
}


def split_questions(text: str, lang: str) -> list[str]:
    """The questions a message asks, when it asks two or three that each name what they ask; else [text]."""
    splitter = SPLIT_KO if lang == "ko" else SPLIT_EN
    text = text or ""
    pieces, start = [], 0
    for m in splitter.finditer(text):  # each piece, and whether a question mark ends it
        pieces.append((text[start : m.start()], m.group(0).startswith("?")))
        start = m.end()
    pieces.append((text[start:], text.rstrip().endswith("?")))
    kept = [(p.strip(" ,;"), asked) for p, asked in pieces if p and p.strip(" ,;")]
    if not 2 <= len(kept) <= MAX_PARTS:
        return [text]
    # A part asks when it names what it asks, or when a question mark ends it ("19 in china, legit?"): a part
    # that is no question on its own ("really?") is then not answered, and neither is the split
    asking = [p for p, asked in kept if asked or ASKS_RE[lang].search(p)]
    if len(asking) < 2:
        return [text]
    # "한국일보입니다. 중국에서 몇 명이고, …": the first question without the preamble
    opening = sentences_of(asking[0])
    if len(opening) > 1 and ASKS_RE[lang].search(opening[-1]):
        asking[0] = opening[-1]
    return asking


# A sentence ends at its punctuation, or at an emoji typed in its place ("…in Korea 🙂 which age group…").
SENTENCE_END = re.compile(r"(?<=[.!?。:\u2600-\u27bf\U0001f300-\U0001faff])\s+")


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


# Words by which a question asks within the group another one named ("and how many of them were children?").
GROUP = {
    "en": frozenset("them those these they their".split()),
    "ko": ("그중", "그 중", "이 중", "이중", "그 가운데", "이 가운데", "이들", "그들", "그 사람들"),
}


def within_group(question: str, lang: str) -> bool:
    """Whether a question asks within a group named before it; "in their 20s" is an age, not "of them"."""
    return _uses(AGE_IDIOM.sub(" ", question) if lang == "en" else question, lang, GROUP)


AGE_IDIOM = re.compile(r"\bin their (?:\d0s|\d0's|teens|twenties|thirties|forties|fifties|sixties)", re.IGNORECASE)


def points_back(question: str, lang: str) -> bool:
    return _uses(question, lang, BACK)


def _uses(question: str, lang: str, table: dict) -> bool:
    """Whether the question uses one of the table's words: an English one as a whole word, a Korean one at the
    start of a word (particles follow it)."""
    text = clean(question)
    if lang == "ko":
        return any(text.startswith(w) or f" {w}" in text for w in table["ko"])
    return bool(table["en"] & set(text.split()))


def sentences_of(text: str) -> list[str]:
    return [x for x in SENTENCE_END.split(text.strip()) if x.strip()]


def last_question(text: str) -> str | None:
    """The last sentence of a message of several, when it is a question or follows a colon ("Two quick ones
    for my copy: how many victims in total"), else its one question among statements; else None."""
    sentences = sentences_of(text)
    remarks = 0
    while len(sentences) > 1 and _remark(sentences[-1]) and _asks(sentences[-2]):
        sentences.pop()  # "…몇 명입니까? 감사합니다!!": the thanks after the question is not the question
        remarks += 1
    if len(sentences) < 2:
        return sentences[0] if remarks and sentences else None
    if not _asks(sentences[-1]) and not sentences[-2].endswith(":"):
        # "When was the fourth UPR held? I understand the release was timed around it.": the one question asked,
        # with a remark after it
        asked = [s for s in sentences if _asks(s)]
        return asked[0] if len(asked) == 1 else None
    return sentences[-1]


def _asks(sentence: str) -> bool:
    return sentence.rstrip().endswith(("?", "？"))


def _remark(sentence: str) -> bool:
    """A short closing line that asks nothing and states no figure ("thanks!!", "ㅠㅠ 급해요"; not "not 62")."""
    return not _asks(sentence) and len(sentence.split()) <= REMARK_WORDS and not any(map(str.isdigit, sentence))
