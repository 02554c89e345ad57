"""Text as the matcher compares it: noise removed, one canonical spelling per word, per language."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

MAX_CHARS = 600  # only the start of a very long message is matched: it bounds the cost of every step
MAX_WORDS = 60  # and only its first words: the longest labelled question has 33, random text has hundreds
UNSPACED = 7  # syllables: a Korean "word" this long is a phrase typed without spaces
RUN_ON = 4  # syllables: an unknown Korean word this long may be words typed together (여성피해자몇명)
LONGEST_PIECE = 8  # syllables: the longest known word looked for inside one typed together
SPELL_CACHE = 4096  # words each per-word cache (spelling, splits, stems, n-grams) holds before it starts afresh
CANONICAL_CACHE = 64  # texts; a question is read a few times in a row, then rarely again
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
COMPOUND_NUMBER = re.compile(rf"\b({'|'.join(TENS)})[- ]({'|'.join(UNITS)})\b")


def _compound(m: re.Match[str]) -> str:
    return str(TENS[m[1]] + UNITS[m[2]])


NOT_A_WORD = re.compile(r"[^\w%.]|_")  # \w is str.isalnum() and the underscore
CLEAN_CACHE = 16384  # texts cleaned (every question is cleaned by several steps; every example at build)
CACHED_CHARS = 300  # ... of at most this length: the longest example or labelled question has under 300
LONG_CACHE = 8  # long messages cleaned (the steps reading one message come in a row)
CHAR_CACHE = 4096  # characters classified (emoji, controls): bounded, whatever scripts strangers type in
SPELLED_WORDS = 40  # only the first words of a long message are checked for misspellings
LONGEST_WORD = 20  # and none longer than this: a string of random letters is no misspelt word
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
SYLLABLES = re.compile(r"[\uac00-\ud7a3]+")
NUMBER_TOKEN = re.compile(r"\d+(?:\.\d+)?")
# What people paste around a question: markup, links, handles and phone numbers carry no topic, and a
# phone number is not a figure ("+82 10 1234 5678" is not a claim about 82 victims).
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>")
URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
HANDLE = re.compile(r"(?<![\w@])@\w{2,32}")
BRACED = re.compile(r"\{[^{}]*\}")
PHONE = re.compile(r"(?<![\w.])\+\d[\d ()-]{6,}\d|(?<![\w.])0\d{1,2}[ -]\d{3,4}[ -]\d{4}(?![\w.])")
DIALLING_CODE = re.compile(r"(?<![\w+])\+\d{1,3}(?![\d%.,])")  # "+82" alone: a country's code, not a figure


def detect_language(text: str) -> str:
    """Korean when at least a quarter of the letters are Hangul ("MSS 비율은?" is Korean; "how many 탈북민 were
    interviewed" is English with one Korean word), otherwise English. Markup and {placeholders} are not words."""
    text = BRACED.sub(" ", TAG.sub(" ", text or ""))
    hangul = len(HANGUL.findall(text))
    if not hangul:
        return "en"
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "ko" if hangul * 3 >= latin else "en"


def jamo(text: str) -> str:
    """Hangul syllables split into letters, so one wrong vowel is a small edit (김졍은 ~ 김정은)."""
    return unicodedata.normalize("NFD", text)


def strip_noise(text: str) -> str:
    """The words of a message without its markup, links, handles, phone numbers, emoji and symbols."""
    text = (text or "")[: MAX_CHARS * 2]
    text = html.unescape(TAG.sub(" ", text))
    text = DIALLING_CODE.sub(" ", PHONE.sub(" ", HANDLE.sub(" ", URL.sub(" ", text))))
    return "".join(map(_symbol_free, text))


@lru_cache(maxsize=CHAR_CACHE)
def _symbol_free(ch: str) -> str:
    """A character, or a space for emoji, pictographs and other symbols (So, Sk) and what builds them."""
    return " " if unicodedata.category(ch) in {"So", "Sk", "Cs", "Co"} else ch


@lru_cache(maxsize=CHAR_CACHE)
def _plain(ch: str) -> str:
    """A character as clean() keeps it: control, format and separator characters become spaces."""
    return " " if unicodedata.category(ch)[0] in "CZ" else ch


def clean(text: str) -> str:
    """NFKC, no control or format characters, case-folded, punctuation as spaces, digits grouped. Remembered: a
    question's length many times over, a long message only for the few steps that read it in a row (so what
    strangers send cannot grow the cache)."""
    text = (text or "")[: MAX_CHARS * 2]  # all that strip_noise reads
    return _clean(text) if len(text) <= CACHED_CHARS else _clean_long(text)


@lru_cache(maxsize=CLEAN_CACHE)
def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", strip_noise(text)[:MAX_CHARS])
    text = "".join(map(_plain, text))
    text = text.casefold()
    text = re.sub(r"([a-z])\1{2,}", r"\1", text)  # a letter typed three times or more once: hiii, heyyy, sooo
    text = COMPOUND_NUMBER.sub(_compound, text)  # "twenty-three" is 23, not "twenty" (twenties: an age) and three
    text = re.sub(r"(?<=\d)[,.](?=\d{3}\b)", "", text)  # 200,000 -> 200000
    text = re.sub(r"(?<=\d)~(?=\d)", " ", text)  # 20~30 -> 20 30
    text = re.sub(r"(?<=[0-9a-z])(?=[\uac00-\ud7a3])|(?<=[\uac00-\ud7a3])(?=[0-9a-z])", " ", text)  # 113명, upr이, 대30
    text = re.sub(
        r"(?<=[\uac00-\ud7a3])(?=[\u1100-\u11ff\u3131-\u318e])|(?<=[\u1100-\u11ff\u3131-\u318e])(?=[\uac00-\ud7a3])",
        " ",
        text,
    )  # 안녕ㅎㅎ (NFKC has already turned ㅎ into the conjoining ᄒ, so both ranges)
    text = text.replace("%", " % ")
    text = NOT_A_WORD.sub(" ", text)  # what is not a letter, digit, % or . (as str.isalnum reads them) is a space
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)
    return " ".join(text.split()[:MAX_WORDS])


def _trie(strings: list[str]) -> str:
    """One regular expression matching any of the strings, the longest first, as a trie ("china(?: border)?"):
    what "longest|long" matches, found without trying every string at every position of the text."""
    root: dict[str, dict] = {}
    for text in strings:
        node = root
        for ch in text:
            node = node.setdefault(ch, {})
        node[""] = {}  # a string ends here

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer string is tried first

    return pattern(root)


def _remembered(cache: dict[str, str], key: str, make: Callable[[str], str], limit: int) -> str:
    """make(key), remembered in `cache`, which starts afresh when full, so what strangers type cannot grow it.
    (The stems and n-grams loops inline the same steps: they run once per word of every question.)"""
    done = cache.get(key)
    if done is None:
        if len(cache) >= limit:
            cache.clear()
        done = cache[key] = make(key)
    return done


@dataclass(frozen=True)
class Lexicon:
    """One language's special words (data/language.yaml) and synonyms (data/synonyms.yaml)."""

    lang: str
    synonyms: dict[str, tuple[str, ...]]
    stopwords: frozenset[str] = frozenset()
    endings: tuple[str, ...] = ()  # longest first


class Normaliser:
    """Turns text of one language into the words and features the matcher compares."""

    def __init__(self, lexicon: Lexicon, char_grams: tuple[int, ...] = (3, 4)) -> None:
        self.lang = lexicon.lang
        self.stopwords = lexicon.stopwords
        self.endings = tuple(sorted(lexicon.endings, key=len, reverse=True))
        self._longest_stopword = max((len(w) for w in self.stopwords), default=0)
        self._ending_set = frozenset(self.endings)
        self._ending_sizes = sorted({len(e) for e in self.endings}, reverse=True)
        self.char_grams = char_grams
        pairs = sorted(
            {(clean(v), c) for c, vs in lexicon.synonyms.items() for v in (*vs, c) if clean(v)},
            key=lambda p: (-len(p[0]), p),
        )
        self._canonical = dict(pairs)
        self._hangul_variants = [(v, c) for v, c in pairs if len(v) >= 2 and SYLLABLES.fullmatch(v) and v != c]
        self.canonicals = frozenset(lexicon.synonyms)
        alternatives = _trie([v for v, _ in pairs]) or r"(?!x)x"
        if self.lang == "en":
            self._pattern = re.compile(rf"(?<![\w%])(?:{alternatives})(?![\w%])")
        else:  # Korean variants start a word and may carry particles after them; Latin ones stand alone
            self._pattern = re.compile(rf"(?<![\w])(?:{alternatives})(?![a-z0-9])")
        self.lexicon: frozenset[str] = frozenset(w for v, _ in pairs for w in v.split())
        self._by_stem = self._stem_synonyms(pairs) if self.lang == "en" else {}
        self._spell_list: list[str] = []
        self._spell_keys: list[str] = []
        self._spelled: dict[str, str] = {}
        self._spell_by_length: dict[int, tuple[list[str], list[int]]] = {}
        self._splits: dict[str, str] = {}  # Korean words typed together, as split (bounded as _spelled is)
        self._grams: dict[str, tuple[str, ...]] = {}  # English words' character n-gram features (bounded too)
        self._stems: dict[str, str] = {}  # words as stemmed, or stripped of their Korean endings (bounded too)
        self._canonicals: dict[str, str] = {}
        self._pieces: frozenset[str] = frozenset()
        self._names: frozenset[str] = frozenset()  # known Korean words of three syllables or more
        self._longest_name = 0
        self.typo_cutoff = 84.0

    def learn(self, texts: list[str], typo_cutoff: float) -> None:
        """The words the data uses: a word outside them is checked for a misspelling of one of them."""
        words = set(self.lexicon)
        for text in texts:
            words.update(clean(text).split())
        self.lexicon = frozenset(words)
        shortest = 3 if self.lang == "ko" else 4
        self._spell_list = sorted(w for w in words if len(w) >= shortest and not w.isdigit())
        # Korean is compared letter by letter (jamo); decomposed once here, not on every look-up.
        self._spell_keys = [jamo(w) for w in self._spell_list] if self.lang == "ko" else self._spell_list
        self._spell_by_length = {}
        self.typo_cutoff = typo_cutoff
        self._spelled = {}
        self._canonicals = {}
        self._splits = {}
        self._grams = {}
        self._stems = {}
        if self.lang == "ko":  # the words a run-on Korean word is split into: the data's, and the function words
            known = {w for w in words if SYLLABLES.fullmatch(w)} | set(self.stopwords) | set(self.endings)
            self._pieces = frozenset(w for w in known if SYLLABLES.fullmatch(w))
            self._names = frozenset(w for w in self._pieces if len(w) >= 3)
            self._longest_name = max(map(len, self._names), default=0)

    def _spell(self, word: str) -> str:
        shortest = 3 if self.lang == "ko" else 4  # a Korean syllable carries as much as two or three letters
        if word in self.lexicon or word in self.stopwords or not shortest <= len(word) <= LONGEST_WORD:
            return word
        if not word.isalpha():
            return word
        return _remembered(self._spelled, word, self._spell_of, SPELL_CACHE)

    def _spell_of(self, word: str) -> str:
        if self.lang == "ko" and (self._holds_name(word) or self._known_with_ending(word)):
            return word  # a known word run into what follows ("김일성때", "차이는"): never "mended" into another
        key = jamo(word) if self.lang == "ko" else word
        keys, positions = self._spell_keys_near(len(key))
        best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=self.typo_cutoff)
        return self._spell_list[positions[best[2]]] if best else word

    def _spell_keys_near(self, length: int) -> tuple[list[str], list[int]]:
        """The known words a word of `length` letters can be a misspelling of, in their own order (so the best
        and its ties are what the whole list gives), with their places in it. fuzz.ratio is at most
        100 * (1 - |a - b| / (a + b)) for lengths a and b, so a word much shorter or longer cannot reach the
        cutoff: four fifths of the list need not be compared. Worked out once for each length."""
        near = self._spell_by_length.get(length)
        if near is None:
            floor = self.typo_cutoff - 1e-6
            fits = [
                k
                for k, w in enumerate(self._spell_keys)
                if 100 * (1 - abs(len(w) - length) / (len(w) + length or 1)) >= floor
            ]
            near = self._spell_by_length[length] = ([self._spell_keys[k] for k in fits], fits)
        return near

    def _known_with_ending(self, word: str) -> bool:
        """Whether the word is a known word and a particle or ending ("차이는" is 차이 + 는, not a typo of 나이는)."""
        lexicon, endings = self.lexicon, self._ending_set
        return any(n < len(word) and word[-n:] in endings and word[:-n] in lexicon for n in self._ending_sizes)

    def _holds_name(self, word: str) -> bool:
        """Whether a known Korean word of three syllables or more is inside `word`: its substrings looked up,
        not the hundreds of names searched for one by one."""
        names, longest = self._names, self._longest_name
        return any(
            word[start:end] in names
            for start in range(len(word) - 2)
            for end in range(start + 3, min(len(word), start + longest) + 1)
        )

    def canonical(self, text: str) -> str:
        """Cleaned, misspellings mended, every synonym rewritten to its canonical form. Korean typed without
        spaces ("중국공안몇위야") has its synonyms of two syllables or more rewritten inside the long words too.
        Remembered for the last few texts: the ranker, the entities and the rules all read the same question."""
        return _remembered(self._canonicals, text, self._canonical_of, CANONICAL_CACHE)

    def _canonical_of(self, text: str) -> str:
        words = " ".join(self._spell(w) if k < SPELLED_WORDS else w for k, w in enumerate(clean(text).split()))
        if self.lang == "ko":
            words = " ".join(self._split(w) if len(w) >= RUN_ON else w for w in words.split())
        words = self._pattern.sub(lambda m: self._canonical[m.group(0)], words)
        if self.lang == "ko":
            words = " ".join(self._inside(w) if len(w) >= UNSPACED else w for w in words.split())
        return words

    def _split(self, word: str) -> str:
        """_split_of(word), remembered: the same Korean words come back in question after question."""
        return _remembered(self._splits, word, self._split_of, SPELL_CACHE)

    def _split_of(self, word: str) -> str:
        """A Korean word typed together ("여성피해자몇명", "사건은몇건") as the known words it is made of: the
        split leaving the fewest syllables unexplained, then the fewest pieces; the word itself when the data
        knows it, when no split explains three quarters of it, or when it is only function words."""
        if word in self.lexicon or word in self.canonicals or not SYLLABLES.fullmatch(word):
            return word
        n = len(word)
        best: list[tuple[int, int, int]] = [(0, 0, 0)] + [(n + 1, 0, 0)] * n  # (unexplained, pieces, start)
        for end in range(1, n + 1):
            unexplained, pieces, _ = best[end - 1]
            best[end] = (unexplained + 1, pieces + 1, end - 1)  # one syllable left unexplained
            for start in range(max(0, end - LONGEST_PIECE), end):
                if word[start:end] in self._pieces:
                    u, k, _ = best[start]
                    if (u, k + 1) < best[end][:2]:
                        best[end] = (u, k + 1, start)
        unexplained, pieces, _ = best[n]
        if pieces < 2 or unexplained * 4 > n:
            return word
        out, end = [], n
        while end > 0:
            start = best[end][2]
            out.append(word[start:end])
            end = start
        if all(p in self.stopwords or p in self._ending_set for p in out):
            return word  # 알려줘야 is 알려줘 + 야, but as a word of its own it says more than either
        words: list[str] = []
        for piece in reversed(out):  # an ending stays on the word before it, to be stripped with it
            if words and piece in self._ending_set and piece not in self.stopwords:
                words[-1] += piece
            else:
                words.append(piece)
        return " ".join(words)

    def _inside(self, word: str) -> str:
        for variant, canonical in self._hangul_variants:
            if variant in word:
                word = word.replace(variant, f" {canonical} ")
        return " ".join(word.split())

    def _stem_synonyms(self, pairs: list[tuple[str, str]]) -> dict[str, str]:
        """One-word synonyms by their stems, to their canonical form's stem: "catched" is not listed, but stems to
        "catch", which is. A stem two canonical forms share, or that is another canonical form, is left alone."""
        found: dict[str, set[str]] = {}
        for variant, canonical in pairs:
            if " " not in variant and variant.isalpha():
                found.setdefault(self._stem_en(variant), set()).add(self._stem_en(canonical))
        taken = {self._stem_en(c) for c in self.canonicals}
        return {s: next(iter(cs)) for s, cs in found.items() if len(cs) == 1 and (s not in taken or s in cs)}

    def words(self, text: str) -> list[str]:
        """Content words in order (stop words and particles gone), stemmed."""
        out = []
        stems, stopwords = self._stems, self.stopwords
        for word in self.canonical(text).split():
            if word in stopwords:
                continue
            stem = stems.get(word)
            if stem is None:
                if len(stems) >= SPELL_CACHE:
                    stems.clear()
                if self.lang == "en":  # a word the data never uses, read as the synonym its stem is ("catched")
                    stem = self._stem_en(word)
                    stem = stems[word] = stem if word in self.lexicon else self._by_stem.get(stem, stem)
                else:
                    stem = stems[word] = self._strip_ko(word)
            if stem not in stopwords:
                out.append(stem)
        return out

    def features(self, words: list[str]) -> list[str]:
        """What the ranker compares: the words ('w' + word) and character n-grams ('c' + gram) of each word,
        so "analysed" meets "analysis"; Korean n-grams run across the words of the question (spacing varies)."""
        out = ["w" + w for w in words]
        if self.lang == "en":
            grams = self._grams
            for w in words:
                done = grams.get(w)
                if done is None:
                    if len(grams) >= SPELL_CACHE:
                        grams.clear()
                    done = grams[w] = self._word_grams(w)
                out.extend(done)
            return out
        joined = "".join(w for w in words if SYLLABLES.fullmatch(w))
        for n in self.char_grams:
            out.extend("c" + joined[i : i + n] for i in range(len(joined) - n + 1))
        for w in words:  # Latin words inside Korean text (MSS, UPR) as whole words only
            if not SYLLABLES.fullmatch(w) and not w.isdigit():
                out.append("c" + w)
        return out

    def _word_grams(self, word: str) -> tuple[str, ...]:
        """An English word's character n-grams, padded ("<ab", "abc", …); none for a number."""
        if word.isdigit():
            return ()
        padded = f"<{word}>"
        return tuple("c" + padded[i : i + n] for n in self.char_grams for i in range(len(padded) - n + 1))

    def flat(self, words: list[str]) -> str:
        """One string for the character-level ratio (Korean without spaces, as letters)."""
        return " ".join(words) if self.lang == "en" else jamo("".join(words))

    def _stem_en(self, word: str) -> str:
        """A light stemmer: plurals, -ed and -ing ("punished", "snatching" -> "punish", "snatch")."""
        if word in self.canonicals or not word.isalpha() or len(word) <= 3:
            return word
        if word.endswith("ies") and len(word) > 4:
            return word[:-3] + "y"
        for suffix in ("ing", "ed"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                stem = word[: -len(suffix)]
                if len(stem) > 4 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                    stem = stem[:-1]  # "snatching" ok, "stopped" -> "stop"
                return stem
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            return word[:-1]
        return word

    def _strip_ko(self, word: str) -> str:
        """The word without its particle or ending; a canonical word is never cut (김정은 is not 김정 + 은)."""
        if not SYLLABLES.fullmatch(word) or word in self.canonicals:
            return word
        for n in range(min(len(word) - 1, self._longest_stopword), 1, -1):  # "명맞지", "사람이라던데": what a
            if word[-n:] in self.stopwords:  # run-on word ends in says nothing ("right?", "I heard")
                return self._strip_ko(word[:-n])
        cuts = [n for n in self._ending_sizes if n < len(word) and word[-n:] in self._ending_set]  # longest first
        for n in cuts:
            if word[:-n] in self.canonicals:
                return word[:-n]
        for n in cuts:
            if len(word) - n >= 2:
                return word[:-n]
        return word


_clean_long = lru_cache(maxsize=LONG_CACHE)(_clean.__wrapped__)
