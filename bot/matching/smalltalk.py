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
    part: float  # 100 when the message uses every word of one small-talk example ("thanks, very helpful"), else 0


class SmallTalk:
    """One language's small-talk examples."""

    def __init__(self, examples: list[tuple[str, str]], lang: str = "en") -> None:
        pairs = [(talk_id, clean(text)) for talk_id, text in examples]
        self.ids = [talk_id for talk_id, text in pairs if text]
        texts = [text for _, text in pairs if text]
        self.korean = lang == "ko"
        # token_sort_ratio is ratio() of the sorted words: the examples are sorted once, here.
        self.sorted = [" ".join(sorted(text.split())) for text in texts]
        self.tokens = [frozenset(text.split()) for text in texts]
        self.unspaced = [text.replace(" ", "") for text in texts]
        # Each example filed under one of its words (the least in sort order): an example all of whose words a
        # message uses is filed under one of the message's words, so only those are checked.
        self._last: tuple[str, Talk | None] | None = None
        self.filed: dict[str, list[int]] = {}
        for k, tokens in enumerate(self.tokens):
            self.filed.setdefault(min(tokens), []).append(k)

    def best(self, cleaned: str) -> Talk | None:
        """The small talk closest to a cleaned message; the last answer is kept, as the gate and the reading of a
        message's opening greeting ask about the same message one after the other."""
        if self._last is not None and self._last[0] == cleaned:
            return self._last[1]
        said = self._best(cleaned)
        self._last = (cleaned, said)
        return said

    def _best(self, cleaned: str) -> Talk | None:
        if not self.ids or not cleaned:
            return None
        words = cleaned.split()
        whole = process.extractOne(" ".join(sorted(words)), self.sorted, scorer=fuzz.ratio)
        assert whole is not None
        if self.korean:  # spacing and endings vary: 이봇은누가만들었습니까 is 이 봇은 누가 만들었나요
            unspaced = process.extractOne(cleaned.replace(" ", ""), self.unspaced, scorer=fuzz.ratio)
            if unspaced is not None and unspaced[1] > whole[1]:
                whole = unspaced
        # The small talk the message contains: the example all of whose words it uses, the longest such.
        present = set(words)
        part, part_id = 0.0, whole[2]
        for k in sorted(k for word in present for k in self.filed.get(word, ())):
            tokens = self.tokens[k]
            if tokens <= present and (part < 100 or len(tokens) > len(self.tokens[part_id])):
                part, part_id = 100.0, k
        # The whole-message match names the talk when it is close; otherwise the talk the message contains.
        chosen = whole[2] if whole[1] >= part * 0.9 else part_id
        return Talk(self.ids[chosen], whole[1], part)
