"""Two questions in one message ("how many victims in total, and how many were women?"): found, so that each
is answered, rather than one of them answered as if it were the whole message."""

from __future__ import annotations

import re

MAX_PARTS = 3  # a message asking more than this is answered as one question
ASKS = {
    "en": r"(?:how many|how much|what (?:share|proportion|percentage|percent|part)|which|where|when|who)",
    "ko": r"(?:몇|비율|얼마|어디|언제|누가|누구|퍼센트|비중)",
}
# Where a second question starts: after a question mark, or at "and"/"also"/"plus" opening a question.
SPLIT_EN = re.compile(rf"\?\s+|[,;]?\s+(?:and|also|plus|as well as)\s+(?={ASKS['en']}\b)", re.IGNORECASE)
SPLIT_KO = re.compile(r"\?\s+|\s+그리고\s+|(?<=[가-힣])(?:이고|고|이며|며),\s*|(?<=[가-힣]),\s+")
ASKS_RE = {lang: re.compile(pattern, re.IGNORECASE) for lang, pattern in ASKS.items()}


def split_questions(text: str, lang: str) -> list[str]:
    """The questions a message asks, when it asks two or three that each name what they ask; else [text]."""
    splitter = SPLIT_KO if lang == "ko" else SPLIT_EN
    parts = [p.strip(" ,;") for p in splitter.split(text or "") if p and p.strip(" ,;")]
    if not 2 <= len(parts) <= MAX_PARTS:
        return [text]
    asking = [p for p in parts if ASKS_RE[lang].search(p)]
    if len(asking) < 2:
        return [text]
    return asking
