"""Small talk: greetings, thanks, "what can you do", "who made you", "sources?", recognised whole.

Small talk is matched on the whole message with its function words kept ("who made you" is all function
words to the topic ranker), by rapidfuzz token ratios over data/smalltalk.yaml's examples.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .text import clean


@dataclass(frozen=True)
class Talk:
    id: str
    whole: float  # 0-100: the message is this small talk and nothing else (token_sort_ratio)
    part: float  # 0-100: the message contains this small talk (token_set_ratio)


class SmallTalk:
    """One language's small-talk examples."""

    def __init__(self, examples: list[tuple[str, str]], lang: str = "en") -> None:
        pairs = [(talk_id, clean(text)) for talk_id, text in examples]
        self.ids = [talk_id for talk_id, text in pairs if text]
        self.texts = [text for _, text in pairs if text]
        self.korean = lang == "ko"
        self.unspaced = [text.replace(" ", "") for text in self.texts]

    def best(self, cleaned: str) -> Talk | None:
        if not self.texts or not cleaned:
            return None
        whole = process.extractOne(cleaned, self.texts, scorer=fuzz.token_sort_ratio)
        part = process.extractOne(cleaned, self.texts, scorer=fuzz.token_set_ratio)
        assert whole is not None and part is not None
        if self.korean:  # spacing and endings vary: 이봇은누가만들었습니까 is 이 봇은 누가 만들었나요
            unspaced = process.extractOne(cleaned.replace(" ", ""), self.unspaced, scorer=fuzz.ratio)
            if unspaced is not None and unspaced[1] > whole[1]:
                whole = unspaced
        # The whole-message match names the talk when it is close; otherwise the talk the message contains.
        chosen = whole if whole[1] >= part[1] * 0.9 else part
        return Talk(self.ids[chosen[2]], whole[1], part[1])
