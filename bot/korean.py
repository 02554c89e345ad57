"""Korean particles chosen by the sound before them: 이/가, 은/는, 을/를, 과/와, 으로/로, 이다 forms."""

from __future__ import annotations

import re

# How each digit is read (일, 이, 삼 …): only whether it ends in a consonant, and whether that is ㄹ, matters.
DIGIT_FINAL = {"0": "ㅇ", "1": "ㄹ", "2": "", "3": "ㅁ", "4": "", "5": "", "6": "ㄱ", "7": "ㄹ", "8": "ㄹ", "9": ""}
FINALS = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]  # the 27 final consonants, in Unicode order
PAIRS = {
    "이": ("이", "가"),
    "은": ("은", "는"),
    "을": ("을", "를"),
    "과": ("과", "와"),
    "으로": ("으로", "로"),
    "이다": ("이다", "다"),
}
SKIPPED = " ]}』」》〉'\"’”"  # closing brackets and quotes are skipped
# Latin letters as Koreans read them: those whose reading ends in a consonant (L 엘, M 엠, N 엔, R 알).
LATIN_FINAL = {"l": "ㄹ", "m": "ㅁ", "n": "ㄴ", "r": "ㄹ"}


def final_consonant(word: str) -> str | None:
    """The final consonant ('' for none) of the sound a word ends in, or None when it cannot be told.
    A closing parenthetical is read past, as Korean reads it: "62명(54.9%)" ends in 명."""
    word = word.rstrip()
    while word.endswith(")") and "(" in word:
        word = word[: word.rindex("(")].rstrip()
    for ch in reversed(word):
        if ch == "%":
            return ""
        if ch in SKIPPED:
            continue
        if "가" <= ch <= "힣":
            return FINALS[(ord(ch) - 0xAC00) % 28]
        if ch.isdigit():
            return DIGIT_FINAL[ch]
        if ch.isascii() and ch.isalpha():
            return LATIN_FINAL.get(ch.lower(), "")
        return None
    return None


def particle(word: str, kind: str) -> str:
    """The particle of `kind` ('이', '은', '을', '과', '으로', '이다') that follows `word`.

    >>> particle("보위성", "이"), particle("113명 중 62명(54.9%)", "을"), particle("서울", "으로")
    ('이', '을', '로')
    """
    with_final, without = PAIRS[kind]
    final = final_consonant(word)
    if final is None:
        return f"{with_final}({without})" if kind != "이다" else "이다"
    if kind == "으로":
        return without if final in {"", "ㄹ"} else with_final
    return with_final if final else without


def attach(word: str, written: str) -> str:
    """`word` followed by its particle, in the form that follows it: attach("113명 중 62명", "를") -> "113명 중
    62명을". The one way code writes a particle after a word it did not choose."""
    return word + agree(word, written)


# Each written form of a particle, to the kind that chooses between its forms.
KIND_OF = {
    "을": "을",
    "를": "을",
    "이": "이",
    "가": "이",
    "은": "은",
    "는": "은",
    "과": "과",
    "와": "과",
    "으로": "으로",
    "로": "으로",
    "이다": "이다",
}
# A particle written right after a placeholder in a template ("{fig}을 체포했습니다"), before a space or a stop.
AFTER_PLACEHOLDER = r"(?:(?P<particle>으로|을|를|이|가|은|는|과|와|로)(?=[\s.,;:!?)]|$))?"


def agree(word: str, written: str | None) -> str:
    """The particle a template wrote after a placeholder, in the form that follows `word`: a template cannot
    know whether "{fig}" will end in 명 (을) or in 개(…) (를)."""
    if not written:
        return ""
    return particle(word, KIND_OF[written])


NAMED = re.compile(r"\{([a-z_]+)\}" + AFTER_PLACEHOLDER)


def fill(template: str, values: dict[str, object]) -> str:
    """`template` with each {name} replaced by its value and the particle written after it made to agree with
    that value ("{publisher}이 펴낸" -> "…(TJWG)이 펴낸", "{stated}가 아니라" -> "85%가 아니라")."""

    def replace(m: re.Match[str]) -> str:
        value = str(values[m[1]])
        return value + agree(value, m["particle"])

    return NAMED.sub(replace, template)
