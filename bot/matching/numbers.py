"""Numbers in a question: figures it states (claims to check), numbers it refers to, years and dates.

"85% were taken by the MSS, right?" states 85%; "of the 113 victims, how many…" refers to 113; "in 2017"
names a year. A stated figure gets a verdict; a number the chosen topic never mentions means the report
has no such figure; a year means a breakdown by year, which the report does not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from .text import clean

NUMBER = r"\d+(?:\.\d+)?"
PERCENT_WORDS = r"(?:%|percent|per cent|pct|퍼센트|프로|퍼)"
FRACTION_EN = re.compile(
    rf"(?<![\d.])(\d+) (?:in|out of|outta|of every|of)(?: the| all)? (\d+)(?![\d.])(?! ?{PERCENT_WORDS})"
)
FRACTION_KO = re.compile(r"(?<![\d.])(\d+) ?(?:명|건|개)? ?(?:중에서|중에|중|가운데) ?(\d+)(?![\d.])(?! ?%)")
# Korean native numerals in a share of people ("열 명 중 네 명꼴", "세 명 중 두 명"): the phrase tables list the
# common ones, this reads any of them, as the digits FRACTION_KO reads ("10명 중 4명").
NATIVE_KO = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5, "여섯": 6, "일곱": 7}
NATIVE_KO |= {"여덟": 8, "아홉": 9, "열": 10}
_NATIVE = "|".join(sorted(NATIVE_KO, key=len, reverse=True))
NATIVE_SHARE_KO = re.compile(
    rf"(?<![\uac00-\ud7a3\w])({_NATIVE}) ?명 ?(?:중에서|중에|중|가운데) ?({_NATIVE})"
    r"(?: ?명(?:꼴|쯤|정도|씩)?|(?![\uac00-\ud7a3]))"
)
PERCENT = re.compile(rf"(?<![\d.])({NUMBER}) ?{PERCENT_WORDS}")
EVERY = re.compile(rf"(?:every|each) ({NUMBER}) (?:years?|yrs?)\b|({NUMBER}) ?년 ?(?:반)? ?(?:마다|주기)")
# "2030 청년층", "2030피해자": people in their 20s and 30s (Korean before or after it; "2030년" is a year)
KOREAN_AGES = re.compile(r"(?<![\d.])2030(?= ?[\uac00-\ud7a3])(?! ?년)")
ANY = re.compile(rf"(?<![\d.]){NUMBER}(?![\d.])")
YEAR = re.compile(r"^(?:19[4-9]\d|20[0-2]\d)$")  # 1940-2029: "2030" in Korean is the 20s and 30s
MONTHS = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august "
    "september october november december 월 일".split()
)
# A count followed by what it counts is a stated figure ("50 children", "35명"); "the 113 victims" or
# "of 23" refers to a base instead.
COUNTED = frozenset(
    "victims victim people persons ppl children kids women men males females cases escapees defectors "
    "interviewees testimonies recommendations recs individuals girls boys arrests arrested detained taken "
    "disappearances hours hour 명 건 개 사람 피해자 시간".split()
)
# Korean words with 별 in them that are no "by …" (장소별, 연령별): 성별 is sex, 특별 special, 개별 individual, …
NOT_BY = re.compile("성별|특별|개별|구별|차별|선별|식별|판별|이별|작별|분별|감별|(?<![가-힣])별(?:로|도|개|명|일)")
CROSSING = (" by ", " per ", " across ", " broken down by ")  # as whole words of a padded question
REFERRING = frozenset("the of all those these among total 전체 총 모든".split())


@dataclass(frozen=True)
class Stated:
    """A figure a question states: as a percentage (percent, fraction) or as a number (count, years)."""

    kind: str  # percent | count | years (a period: "every 4.5 years") | months (a length: "3년5개월")
    value: float
    text: str  # as the reply should quote it: "85%", "8 in 10", "50"
    hedge: str = ""  # "", "about" (either side), "over" (at least), "under" (at most)
    base: int | None = None  # "90 of 113": 113
    count: int | None = None  # "90 of 113": 90
    loose: bool = False  # a bare number in a question asking to check ("35 under Kim Jong-un, right?")
    precision: float = 0.0  # percentage points a coarse share stands for: "6 in 10" is any of 55-65%, at most 5
    noun: str = ""  # what a count counts, as said: person | interviewee | case | recommendation ("66명", "66 cases")


@dataclass(frozen=True)
class Numbers:
    stated: tuple[Stated, ...] = ()
    plain: tuple[str, ...] = ()  # numbers that are not stated figures (references, ages, article numbers)
    years: tuple[str, ...] = ()
    cue: bool = False  # the question asks to check something ("is it true", "right?", 맞아?)
    in_year: tuple[str, ...] = ()  # years named as a period to count in ("in 2011", "2011년에"), not a boundary


@dataclass(frozen=True)
class NumberWords:
    """One language's words about figures (data/language.yaml)."""

    cues: frozenset[str] = frozenset()
    hedges: dict[str, str] | None = None  # hedge phrase -> about | over | under
    numbers: dict[str, str] | None = None  # number word -> digits or "a/b"
    compare: tuple[str, ...] = ()  # words that compare ("vs", "worse", 보다)
    counts: tuple[str, ...] = ()  # words that demand a count ("headcount", 명수)

    @property
    def cue_endings(self) -> tuple[str, ...]:
        """Korean cues that end a word ("…라던데", "…맞죠")."""
        return _cue_endings(self.cues)

    def asks_count(self, cleaned: str) -> bool:
        """Whether a (cleaned) question insists on a count rather than a share."""
        padded, compact = f" {cleaned} ", cleaned.replace(" ", "")  # Korean spacing varies: "퍼센트말고"
        return any(w in padded if spaced else w in compact for spaced, w in _count_forms(self.counts))

    def crosses(self, cleaned: str) -> bool:
        """Whether a question splits one thing by another ("sex by place of arrest", "장소별 성별"); the "by" of
        "guilt by association" names a category and splits nothing."""
        padded = f" {cleaned} ".replace(" by association ", " ")
        return any(w in padded for w in CROSSING) or ("별" in cleaned and "별" in NOT_BY.sub("", cleaned))

    def compares(self, cleaned: str) -> bool:
        """Whether a (cleaned) question compares: then it needs a whole breakdown, not one category."""
        return says(cleaned, self.compare)


def says(cleaned: str, phrases: tuple[str, ...]) -> bool:
    """Whether a cleaned question uses one of the phrases: an English one as whole words, a Korean one
    anywhere (particles and spacing vary)."""
    padded = f" {cleaned} "
    return any(w in padded if spaced else w in cleaned for spaced, w in _forms(phrases))


@lru_cache(maxsize=32)
def _forms(phrases: tuple[str, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((True, f" {w} ") if w.isascii() else (False, w) for w in phrases)


@lru_cache(maxsize=8)
def _cue_endings(cues: frozenset[str]) -> tuple[str, ...]:
    return tuple(c for c in cues if len(c) > 1 and not c.isascii())


@lru_cache(maxsize=8)
def _count_forms(counts: tuple[str, ...]) -> tuple[tuple[bool, str], ...]:
    """Each word demanding a count as it is looked for: an English one as a whole cleaned word, padded; a
    Korean one without its spaces."""
    return tuple((True, f" {clean(w)} ") if w.isascii() else (False, w.replace(" ", "")) for w in counts)


def _hedge_kind(phrase: str) -> str:
    if phrase in {"over", "more than", "upwards of", "at least", "이상", "넘는", "넘게", "넘어", "넘은"}:
        return "over"
    if phrase in {"under", "less than", "at most", "미만", "이하", "just shy of"}:
        return "under"
    return "about"


def hedges_of(phrases: list[str]) -> dict[str, str]:
    return {p: _hedge_kind(p) for p in phrases}


NEAR = 48  # characters either side of a number that its rules look at: three words and then some
AFTER_A_NUMBER = r"(?<!and )(?<!and a )(?<!년 )(?<!년)(?<!개월 )(?<!시간 )(?<!시간)"
# "the second half of 2023", "the first half": a part of a year, no share of anyone
PART_OF_A_PERIOD = r"(?<!first )(?<!second )(?<!latter )(?<!later )(?<!1st )(?<!2nd )"
# "several hundred", "a few hundred": a rough order of size, no figure to check
ROUGH = r"(?<!several )(?<!a few )(?<!few )(?<!many )(?<!some )(?<!hundreds of )"
# Nouns after "a third"/"a quarter" that make it no share ("a third country", "the fourth cycle").
NOT_A_SHARE = "|".join(
    "country countries party parties world time times round rounds option way place person persons hour hours"
    " cycle session report edition generation grade year years day".split()
)
COARSEST = 2.5  # percentage points: "one in two" for 47.8% is a rounding; "a quarter" for 20.4% is not


# A rank up to tenth ("#2 on the list", "2nd", "2위", "2번째") says where a category stands, which answers give in
# words ("second only to …"); it is no figure to check. Higher ordinals are kept: "the 47th session".
RANK_SIGN = re.compile(r"(?:#|\bno\.\s?)((?:[1-9]|10))\b", re.I)  # "#2" reads as "2nd"
RANK = re.compile(r"(?<![\w.])(?:[1-9]|10)(?:(?:st|nd|rd|th)(?![\w%])| (?:위|번째|등))")
# A time of day ("오후 6시 마감", "by 6pm", "at 5:30"): the asker's deadline, not a figure.
TIME = re.compile(
    r"(?<![\d.])(?:\d{1,2}:\d\d|\d{1,2} ?(?:am|pm|a\.m\.|p\.m\.|o'clock)"
    r"|(?:오전|오후|밤|저녁|아침) ?\d{1,2} ?시(?: ?\d{1,2} ?분)?|\d{1,2} ?시 ?(?:\d{1,2} ?분|마감|까지|전|쯤))",
    re.I,
)
# A name with a digit in it ("뉴스1입니다", "News1", "Channel 4"): the outlet asking, not a figure.
NAMED = re.compile(r"(?<![\w])(?:news|뉴스|channel|채널|kbs|mbc|sbs|tv) ?\d{1,2}(?![\d.,%]| ?(?:명|퍼|건|개))", re.I)


def _without_ranks(question: str) -> str:
    """The cleaned question without its ranks ("#2", "2nd", 2위: an order), times of day and names with digits:
    none of them is a figure."""
    return RANK.sub(" ", NAMED.sub(" ", clean(TIME.sub(" ", RANK_SIGN.sub(r"\1st", question or "")))))


@dataclass(frozen=True)
class _Table:
    """One table of number words, compiled once: the patterns read() applies to every question."""

    share: re.Pattern[str] | None  # "eight in ten", "one out of two"
    counting: re.Pattern[str] | None  # "ten of the victims", "seventy women"
    fractions: tuple[tuple[str, re.Pattern[str], str, tuple[int, int]], ...]  # "a third of", 절반: longest first


@lru_cache(maxsize=8)
def _table(items: tuple[tuple[str, str], ...]) -> _Table:
    table = dict(items)
    names = "|".join(re.escape(w) for w in sorted(table, key=len, reverse=True) if "/" not in table[w])
    share = counting = None
    if names:
        share = re.compile(rf"(?<![\w])({names}|\d+) (in|out of|outta) ({names}|\d+)(?![\w])")
        counted = "|".join(sorted(COUNTED | {"of"}, key=len, reverse=True))
        counting = re.compile(rf"(?<![\w]){ROUGH}({names}) (?=(?:{counted})(?![\w]))")
    fractions = []
    for phrase, digits in sorted(table.items(), key=lambda kv: -len(kv[0])):
        if "/" in digits:
            a, _, b = digits.partition("/")
            end = r"(?![\w])" if phrase.isascii() else r"(?![a-z0-9])"  # Korean: particles may follow
            if not phrase.isascii() and len(phrase) == 1:  # 반 (half) alone, or before a particle: not 반영, 반대
                end = rf"(?=$|[^\w]|{KOREAN_AFTER_HALF})"
            if phrase.isascii() and phrase != "half":
                end += rf"(?! (?:{NOT_A_SHARE}))"  # "a third of them", "a quarter were", not "a third country"
            # Korean: particles may follow, and unspaced text may run into it ("…간게절반넘는다던데")
            start = r"(?<![\w])" if phrase.isascii() or len(phrase) == 1 else r"(?<![a-z0-9])"
            start += AFTER_A_NUMBER  # "three and a half years", "3년 반": part of a number, not a share
            if phrase == "half":
                start += PART_OF_A_PERIOD
            pattern = re.compile(rf"{start}{re.escape(phrase)}{end}")
            fractions.append((phrase, pattern, f" {a} in {b} ", (int(a), int(b))))
    return _Table(share, counting, tuple(fractions))


def read(question: str, words: NumberWords) -> Numbers:
    """The numbers of a question, sorted into stated figures, plain numbers and years."""
    text = f" {_without_ranks(question)} "
    table = words.numbers or {}
    natives = "명" in text and NATIVE_SHARE_KO.search(text) is not None
    if not any(map(str.isdigit, text)) and not natives and not _number_words(table).search(text):
        return Numbers()  # no figure stated, no year, nothing to refer to
    compiled = _table(tuple(table.items()))
    # Number words count only where they make a share: "eight in ten", "one out of two", "half", 절반.
    if compiled.share is not None:
        text = compiled.share.sub(lambda m: f" {table.get(m[1], m[1])} {m[2]} {table.get(m[3], m[3])} ", text)
    labels: dict[tuple[int, int], str] = {}  # how the question put a share in words ("half", 절반)
    if compiled.counting is not None:  # "ten of the victims", "seventy women": number words that count
        text = compiled.counting.sub(lambda m: f"{table[m[1]]} ", text)
    if natives:

        def native(m: re.Match[str]) -> str:
            base, count = NATIVE_KO[m[1]], NATIVE_KO[m[2]]
            labels[(count, base)] = m[0].strip()
            return f" {count} in {base} "

        text = NATIVE_SHARE_KO.sub(native, text)
    for phrase, pattern, replacement, share in compiled.fractions:
        if phrase in text:  # the pattern holds the phrase itself: without it, it cannot match
            text, found = pattern.subn(replacement, text)
            if found:
                labels[share] = phrase
    for m in TENTHS.finditer(text):  # "8할": eight tenths, as "8 in 10"
        labels[(int(m[1]), 10)] = f"{m[1]}할"
    text = TENTHS.sub(lambda m: f" {m[1]} in 10 ", text)
    text = KOREAN_AGES.sub("20 30", text)
    tokens = text.split()
    endings = words.cue_endings
    cue = any(t in words.cues or (endings and t.endswith(endings)) for t in tokens)
    # A short "?" with no question word states the figures it counts ("143 recs??"), not a bare number in it
    # ("female victims over 50?": an age), which only a real cue makes a claim.
    short = _bare_check(tokens, "?" in question or "？" in question)
    bare = not cue and short
    cue = cue or _yes_no(tokens)
    stated: list[Stated] = []
    taken: list[tuple[int, int]] = []

    def free(span: tuple[int, int]) -> bool:
        return not any(a < span[1] and span[0] < b for a, b in taken)

    for m in EVERY.finditer(text):
        value = m.group(1) or m.group(2)
        years = float(value) + (0.5 if "반" in m.group(0) else 0.0)
        stated.append(Stated("years", years, _plain(years), _hedge(text, m.start(), m.end(), words)))
        taken.append(m.span())
    for m in LASTED.finditer(text) if cue or bare else ():
        years, months = int(m.group(1) or 0), int(m.group(3) or m.group(4) or 0)
        lengths = (0 < years <= 50 and months < 12) or (not years and m.group(4) and 0 < months <= 600)
        if free(m.span()) and lengths:  # not "2021년"; "41 months" alone is a length too
            total = 12 * years + (6 if m.group(2) else 0) + months
            hedge = _hedge(text, m.start(), m.end(), words) or ("about" if m.group(2) else "")  # 3년 반: a rounding
            said = re.sub(r"(?<=\d) (?=개월|년)", "", m.group(0).strip())  # as typed: "5개월", not "5 개월"
            stated.append(Stated("months", float(total), said, hedge))
            taken.append(m.span())
    for m in PERCENT.finditer(text):
        if free(m.span()):
            value = float(m.group(1))
            stated.append(Stated("percent", value, f"{_plain(value)}%", _hedge(text, m.start(), m.end(), words)))
            taken.append(m.span())
    for pattern, flip in ((FRACTION_EN, False), (FRACTION_KO, True)):
        for m in pattern.finditer(text):
            if not free(m.span()):
                continue
            a, b = int(m.group(1)), int(m.group(2))
            count, base = (b, a) if flip else (a, b)
            if not 0 < count <= base or (count == 1 and _picks(text, m.start(), m.end())):
                continue
            hedge = _hedge(text, m.start(), m.end(), words)
            if base in {2, 3, 4, 5, 10}:  # "8 in 10", "one in two": a share
                share = float(Fraction(100 * count, base))
                label = labels.get((count, base)) or (f"{base}명 중 {count}명" if flip else f"{count} in {base}")
                coarse = min(COARSEST, 50.0 / base)  # "6 in 10" is 58.4% rounded to the nearest tenth
                stated.append(Stated("percent", share, label, hedge or "about", precision=coarse))
            else:  # "90 of 113": a count and its base
                label = f"{base}명 중 {count}명" if flip else f"{count} of {base}"
                stated.append(Stated("count", float(count), label, hedge, base=base, count=count))
            taken.append(m.span())
    plain: list[str] = []
    years: list[str] = []
    in_year: list[str] = []
    for m in ANY.finditer(text):
        if not free(m.span()):
            continue
        number = m.group(0)
        before = text[max(0, m.start() - NEAR) : m.start()].split()  # a few words either side is all
        after = text[m.end() : m.end() + NEAR].split()  # the rules read (and keeps long texts linear)
        if before and before[-1] == "not" and not YEAR.match(number):
            continue  # "66 cases, right? not 62": the figure the asker rules out is neither claimed nor asked about
        if YEAR.match(number):
            years.append(number)
            if _as_period(before, after):
                in_year.append(number)
        elif (before and before[-1] in MONTHS) or (after and after[0] in MONTHS) or ORDINAL.match(text, m.end()):
            plain.append(number)  # a date ("7 nov", "11월 7일") or a rank ("3주기", "4th review"): no count
        elif (counted := _past_adjectives(after)) and _counts(counted[0]) and _states(before, cue or bare):
            label = number + ("명" if counted[0].startswith("명") else "")
            hedge = _hedge(text, m.start(), m.end(), words)
            noun = _noun(counted[0])
            if noun == "person" and INTERVIEWED.search(text) and _interviewees(before, counted):
                noun = "interviewee"  # "interviewed 113 defectors", "탈북민 60명을 인터뷰": the people interviewed
            stated.append(Stated("count", float(number), label, hedge, noun=noun))
        elif after and after[0].startswith(DURATION):
            plain.append(number)  # "3년5개월 맞지?": a length of time, not a count to check
        elif (cue and _states(before, cue)) or (short and before and before[-1] in CLAIM_LEADS):
            # "only 15 vanished under KJU?", "like 80 under kim jong il?": a short check of a rough count
            stated.append(Stated("count", float(number), number, _hedge(text, m.start(), m.end(), words), loose=True))
        else:
            plain.append(number)
    return Numbers(tuple(stated), tuple(plain), tuple(years), cue, tuple(in_year))


@lru_cache(maxsize=8)
def _number_words_key(names: tuple[str, ...]) -> re.Pattern[str]:
    return any_of(names)


def any_of(texts: Iterable[str]) -> re.Pattern[str]:
    """One search for any of the texts anywhere in a string, longest first ("x in s" for each, in one pass);
    with no text, a pattern that never matches."""
    return re.compile("|".join(re.escape(t) for t in sorted(set(texts) - {""}, key=len, reverse=True)) or r"(?!x)x")


TENTHS = re.compile(r"(?<![\d.])([1-9]|10) ?할(?!인|증|부|머니|아버지)")  # 8할 (not 할인, 할증, 할부, 할머니)
KOREAN_AFTER_HALF = "이상|이하|정도|가량|가까이|넘|쯤|수준|이|은|을|도|만|이나|밖에"


def _number_words(table: dict[str, str]) -> re.Pattern[str]:
    """One pattern finding any number word of the table ("eight", "half", 절반)."""
    return _number_words_key(tuple(table))


NOUNS = {  # what a counted word counts
    "case": ("cases", "case", "건"),
    "recommendation": ("recommendations", "recs", "개"),
    "person": ("victims", "victim", "people", "persons", "ppl", "escapees", "defectors", "interviewees", "명", "사람"),
}


INTERVIEWED = re.compile(r"interview|spoke (?:to|with)|talked (?:to|with)|sat down with|면담|인터뷰")
INTERVIEWEES = {"en": ("escapee", "defector", "interviewee"), "ko": ("탈북민", "탈북자", "면담자", "증언자")}


def _interviewees(before: list[str], after: list[str]) -> bool:
    """A count of escapees or interviewees: the word after it ("113 defectors"), or before it ("탈북민 60명")."""
    return bool(after and after[0].startswith(INTERVIEWEES["en"])) or bool(
        before and after[0].startswith("명") and before[-1].startswith(INTERVIEWEES["ko"])
    )


# Words between a count and what it counts ("66 North Korean escapees", "50 more victims")
ADJECTIVES = frozenset("north korean koreans more other individual separate distinct different chinese russian".split())


def _past_adjectives(after: list[str]) -> list[str]:
    """The words after a number from the noun it counts on: "66 north korean escapees" counts escapees."""
    k = 0
    while k < min(len(after) - 1, 3) and after[k] in ADJECTIVES:
        k += 1
    return after[k:]


def _noun(word: str) -> str:
    return next((kind for kind, words in NOUNS.items() if any(word.startswith(w) for w in words)), "")


def _as_period(before: list[str], after: list[str]) -> bool:
    """A year named as the period to count in ("in 2011", "2011년에"), not as a boundary ("2011년 이후")."""
    named = (before and before[-1] in PERIOD_BEFORE) or (after and after[0] in {"년에", "년", "년도"})
    # "the data stops in 2021", "the interviews began in 2021": the year bounds a period, it is not the one counted
    named = named and not (len(before) > 1 and before[-1] == "in" and before[-2] in BOUNDING)
    # "victims from 2020": from that year, unless it starts a span ("from 2020 to 2024", "from 2020 on")
    span = bool(after) and (after[0] in SPAN_AFTER or after[0].isdigit())  # "from 2020 2024": "2020~2024" cleaned
    named = named or (before and before[-1] == "from" and not span)
    boundary = len(after) > 1 and after[0] in {"년", "년도"} and after[1].startswith(("이후", "부터", "이전", "까지"))
    return bool(named) and not boundary


# What makes a number a rank, not a count: "3주기", "4차", "47번째", "3rd review" (and "47th session")
ORDINAL = re.compile(r" ?(?:주기|차(?!례|이)|번째|회차)| ?(?:st|nd|rd|th)\b")  # text as cleaned: "3 주기"

# Words right before a year that name it as the period counted: "in 2011", "in late 2023", "autumn 2023"
PERIOD_BEFORE = frozenset("in during of for late early mid autumn fall spring summer winter".split())
BOUNDING = frozenset(
    "stop stops stopped stopping end ends ended ending begin begins began beginning start starts started starting"
    " finish finishes finished cut cuts ended closes closed close opened opens launched released published"
    " came out".split()
)
SPAN_AFTER = frozenset("to until till through thru and onwards onward on forward".split())


def _counts(word: str) -> bool:
    """Whether the word after a number names what it counts ("victims", "명", "명이라던데")."""
    return word in COUNTED or (word.startswith(("명", "건", "개", "사람")) and not word.startswith(DURATION))


# A length of time stated to be checked ("3년5개월 맞지?", "over 3 years and 5 months?"), in months
LASTED = re.compile(
    r"(?<![\d.])(?:(\d+) ?(?:년|years?|yrs?)( ?반)?(?: ?(?:and )?(\d+) ?(?:개월|months?))?|(\d+) ?(?:개월|months?))"
    r"(?! ?마다)"
)
# What makes a number a length of time, not a count: "3년5개월", "41 months", "five years"
DURATION = ("개월", "달", "년", "month", "months", "year", "years", "yrs", "weeks", "week", "주일", "일간")


def _states(before: list[str], cue: bool) -> bool:
    """Whether a count before what it counts states a figure. In a question that asks to check something,
    it does unless "the", "of" or "all" makes it a reference ("of the 113 victims"); otherwise only when it
    opens the question or follows a verb of being ("50 children under ten?", "were 40 victims executed?")."""
    if cue:
        # "Daily NK's figure of 21 victims": a figure named as someone's is stated, "of" or not
        return not (before and before[-1] in REFERRING) or (len(before) > 1 and before[-2] in FIGURE_OF)
    return not before or before[-1] in STATING


# Words before "of" that make the count after it a figure someone gives ("a figure of 21 victims"), not a reference
FIGURE_OF = frozenset("figure number count total tally estimate claim".split())

# Words after which a count before what it counts states a figure: being, a rough count, or a source saying it
# ("were 40 victims executed?", "like 80 victims", "can I report that 10 victims…", "our chart shows 8 victims").
STATING = frozenset(
    "were was are is only just like about nearly so that shows showed show says said claims claimed reports "
    "reported states stated lists listed counts counted cites cited puts".split()
)


def _picks(text: str, start: int, end: int) -> bool:
    """Whether "one of the 113" picks one person ("if you picked one of the 113 at random") rather than
    stating a count of one ("one of the 62 retracted")."""
    before = text[max(0, start - NEAR) : start].split()
    return bool(before and before[-1] in PICKING) or text[end:].lstrip().startswith(("at random", "random"))


PICKING = frozenset("pick picked picking choose chose chosen select selected take took any each every".split())


def _yes_no(tokens: list[str]) -> bool:
    """An English question that asks for a yes or no ("were 40 of them executed", "is 81.4% right")."""
    return bool(tokens) and tokens[0] in {"is", "are", "was", "were", "did", "does", "do", "has", "have", "had"}


def _bare_check(tokens: list[str], asked: bool) -> bool:
    """A short English question that asks nothing but the figure it states ("nk accepted 143 recs??? srsly")."""
    return asked and 0 < len(tokens) <= BARE_CLAIM_WORDS and tokens[0].isascii() and not WH_WORDS.intersection(tokens)


# Words before a number in a short "?" that make it a rough count to check ("only 15?", "like 80?"); not
# "over" or "under", which in "female victims over 50?" give an age.
CLAIM_LEADS = frozenset("only just like nearly almost roughly around about approx approximately maybe prob".split())
WH_WORDS = frozenset("how what which who whom whose when where why whats what's hw wat".split())
BARE_CLAIM_WORDS = 8  # a chat message this short stating a figure with a "?" and no question word checks it


KO_SOFTENER = re.compile(r"^(?:좀|조금|약간|살짝|쪼금)(?=\S)")


def _hedge(text: str, start: int, end: int, words: NumberWords) -> str:
    """'about', 'over' or 'under' when a hedge stands just before the figure (or, in Korean, just after)."""
    hedges = words.hedges or {}
    before = " " + " ".join(text[max(0, start - NEAR) : start].split()[-3:])
    # a Korean softener before the hedge, unspaced ("절반좀넘는다던데": a bit over half) as it is spaced
    after = [KO_SOFTENER.sub("", t, count=1) for t in text[end : end + NEAR].split()[:2]]
    for phrase, kind in _longest_first(tuple(hedges.items())):
        # Korean: after the figure, endings and all ("30%쯤", "60% 가까이라고")
        if before.endswith(" " + phrase) or (not phrase.isascii() and any(t.startswith(phrase) for t in after)):
            return kind
    return ""


@lru_cache(maxsize=8)
def _longest_first(items: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return sorted(items, key=lambda kv: -len(kv[0]))


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
