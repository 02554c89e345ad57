"""The only rapidfuzz code: normalise a question, score it against every topic's examples, pick or decline.

How a question is scored (each choice measured with `nkbot eval` on the labelled sets):
- Text is normalised (NFKC, case, punctuation, synonyms) the same way for questions, examples and
  entity terms, so "Ministry of State Security", "bowibu" and "MSS" are one token.
- English is split into words, Korean into the words plus syllable bigrams of the whole question with
  particles stripped, so spacing and particles (보위성이/보위성은) don't defeat matching.
- Each example is a bag of IDF-weighted tokens; the score is the cosine with the question. A word no
  example knows weighs as much as a rare word, so questions about something else score low.
- Misspelt words are mapped to the nearest known word with rapidfuzz (Korean compared letter by
  letter, as jamo), and a character-level rapidfuzz ratio catches what tokens miss.
- Topics the report does not cover (out_of_scope.yaml) compete with the answerable ones: when one of
  them wins, the bot declines with that topic's reason.
- A number the data never mentions ("in 2016", "over 60"), or categories from two unrelated
  breakdowns ("women arrested in China"), means the report has no such figure: decline.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .models import LANGS, Dataset, Finding, Intent

MAX_CHARS = 600  # only the start of a very long message is matched
COMMON_POSTINGS = 120  # a word in more examples than this is common: it adds to scores, never opens a candidate
SPELL_CACHE = 4096  # misspellings remembered (a bounded dict, emptied when full)
RATIO_FLOOR = 35  # character ratios below this never decide anything (0.85 x 35 is far under any threshold)
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
SYLLABLES = re.compile(r"[\uac00-\ud7a3]+")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Tuning:
    """The matcher's knobs, chosen by evaluating a small grid of values on the labelled sets (accuracy and
    wrong answers of both languages together); categories named in a question act through the tie-break."""

    threshold: float = 45  # below this confidence (0-100), decline
    threshold_ko: float = 40  # Korean scores run lower: particles and bigrams dilute the cosine
    margin: float = 4  # best and runner-up unrelated topics closer than this: ask which one
    owner_margin: float = 10  # within this, the topic owning a category the question names wins
    key_share: float = 0.3  # a canonical word (mss, upr, female) in at most this share of topics is a key word
    oos_edge: float = 0  # an out-of-scope topic scoring at least (best intent - edge) wins
    char_weight: float = 0.85  # weight of the character-level ratio against the token cosine
    typo_cutoff: float = 84  # rapidfuzz ratio to accept a misspelt word as a known one
    unknown_weight: float = 0.9  # an unknown word weighs this share of the rarest known word
    centroid_weight: float = 0.3  # share of the score from the topic as a whole (vs its nearest example)
    min_explained: float = 0.5  # share of the question's weight the chosen topic's words must cover
    min_explained_ko: float = 0.5  # the same for Korean, measured on syllable bigrams

    def threshold_for(self, lang: str) -> float:
        return self.threshold_ko if lang == "ko" else self.threshold


DEFAULT_TUNING = Tuning()

# Canonical words that ask for a split ("break down the escape-related cases", "유형"): with a category that
# has its own breakdown, they ask for that breakdown.
SPLIT_WORDS = frozenset({"breakdown", "type", "분포", "유형"})

STOPWORDS_EN = frozenset(
    """
    a an the of in on at to for by from with about into over as and or is are was were be been being am do does
    did done this that these those it its it's their there they them he she his her i me my mine we us our you
    your please pls plz can could would should will shall may might tell show give know want need let lets any
    some according report's s t d ll re ve m get got say says said also just there's here whats what's hey ok
    okay needs needed looking piece article quote exact exactly precise precisely roughly approximately approx
    confirm check verify figure figures number numbers stat stats statistic statistics data info information
    detail details mean means meant refer refers referring find found document documented question quick
    quickly briefly really actually then still even specifically particular deadline writing story's source
    sourced cite correct right true accurate real denominator rather than itself themselves among something
    anything because both out come came comes overall vs versus etc kindly
    """.split()
)
# Journalists' filler ("for my piece I need the exact figure ...") carries no topic: it is in the list above.
STOPWORDS_KO = frozenset(
    """
    좀 혹시 정확한 정확히 궁금해요 궁금합니다 궁금해 궁금한데 수치 숫자 알려줘 알려주세요 말해줘 말해주세요
    대략 그럼 그러면 근데 그런데 기사 기사에 확인 확인해 맞아 맞나요 맞습니까 정말 진짜 뭐야 뭐예요
    뭔가요 뭐지 무엇 무엇인가요 무엇입니까 어떻게 얼마나 얼마 어느 정도 어때 어때요 해요 했어 했어요
    했나요 됐나요 인가요 입니까 있어 있나요 있어요 있습니까 건가요 거야 건가 게 것 거 수 중 중에 명 건
    개 가 이 은 는 을 를 의 에 도 만 로 와 과 요 줘 주세요 좀요 다 및 명이 명은 명의 명을 무슨
    이렇게 많아 경우 때문 때문에 사실 보면 말고 때 그 저 어떤 모든 전체적으로
    """.split()
)
# Korean particles and endings stripped from the end of a word (longest first), when a stem of at
# least two syllables remains.
ENDINGS_KO = sorted(
    """
    은 는 이 가 을 를 의 에 에서 에게 께 으로 로 와 과 도 만 까지 부터 이나 나 랑 이랑 하고 보다
    처럼 에서는 에는 으로는 로는 이란 란 이라는 라는 이에요 예요 이야 야 요 인가요 인가 인지 입니까
    입니다 이다 나요 까요 어요 아요 해요 했어 했어요 했나요 됐어 됐나요 됐어요 되었나요 있어 있나요
    있어요 줘 주세요 해줘 알려줘 알려주세요 이었어 였어 이었나요 였나요 인데 이고 했습니까 됐습니까 습니까
    합니까 할까 임 음 한 된 될 할 해서 하여 하는 되는 던 했던 됐던 으로서 로서 별 들 들은 들이 들의
    에서의 이라 라 이라서 라서 해야 하나요 한가요 인데요 거든요 죠 지요 한테 에게서
    """.split(),
    key=len,
    reverse=True,
)


def detect_language(text: str) -> str:
    """Korean when the text has any Hangul, otherwise English."""
    return "ko" if HANGUL.search(text or "") else "en"


def _jamo(text: str) -> str:
    """Hangul syllables split into letters, so one wrong vowel is a small edit (김졍은 ~ 김정은)."""
    return unicodedata.normalize("NFD", text)


def clean(text: str) -> str:
    """NFKC, no control or format characters, case-folded, punctuation as spaces, digits grouped."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    text = text.casefold()
    text = re.sub(r"(?<=\d)[,.](?=\d{3}\b)", "", text)  # 200,000 -> 200000
    text = re.sub(r"(?<=\d)~(?=\d)", " ", text)  # 20~30 -> 20 30
    text = re.sub(r"(?<=[0-9a-z])(?=[\uac00-\ud7a3])|(?<=[\uac00-\ud7a3])(?=[a-z])", " ", text)  # 113명, upr이
    text = text.replace("%", " % ")
    text = "".join(ch if ch.isalnum() or ch in "%." else " " for ch in text)
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)
    return " ".join(text.split())


class Normaliser:
    """Turns text of one language into the tokens the matcher compares."""

    def __init__(self, lang: str, synonyms: dict[str, tuple[str, ...]]) -> None:
        self.lang = lang
        pairs = sorted(
            {(clean(v), c) for c, vs in synonyms.items() for v in (*vs, c) if clean(v)}, key=lambda p: (-len(p[0]), p)
        )
        self._canonical = {variant: canonical for variant, canonical in pairs}
        self.canonicals = frozenset(synonyms)
        alternatives = "|".join(re.escape(v) for v, _ in pairs) or r"(?!x)x"
        if lang == "en":
            self._pattern = re.compile(rf"(?<![\w%])(?:{alternatives})(?![\w%])")
        else:  # Korean variants start a word and may carry particles after them; Latin ones stand alone
            self._pattern = re.compile(rf"(?<![\w])(?:{alternatives})(?![a-z0-9])")
        self.lexicon: frozenset[str] = frozenset(w for v, _ in pairs for w in v.split())
        self._lexicon_list: list[str] = sorted(self.lexicon)
        self._lexicon_keys: list[str] = self._lexicon_list
        self._spelled: dict[str, str] = {}
        self.typo_cutoff = 84.0

    def learn(self, texts: list[str], typo_cutoff: float) -> None:
        """Words the examples use: a word outside them is checked for a misspelling of one of them."""
        words = set(self.lexicon)
        for text in texts:
            words.update(clean(text).split())
        self.lexicon = frozenset(words)
        self._lexicon_list = sorted(w for w in words if len(w) >= 4 and not w.isdigit())
        # Korean is compared letter by letter (jamo); decomposed once here, not on every look-up.
        self._lexicon_keys = [_jamo(w) for w in self._lexicon_list] if self.lang == "ko" else self._lexicon_list
        self.typo_cutoff = typo_cutoff
        self._spelled: dict[str, str] = {}

    def _spell(self, word: str) -> str:
        if word in self.lexicon or word in STOPWORDS_EN or len(word) < 4 or not word.isalpha():
            return word
        if word not in self._spelled:
            if len(self._spelled) >= SPELL_CACHE:
                self._spelled.clear()
            key = _jamo(word) if self.lang == "ko" else word
            best = process.extractOne(key, self._lexicon_keys, scorer=fuzz.ratio, score_cutoff=self.typo_cutoff)
            self._spelled[word] = self._lexicon_list[best[2]] if best else word
        return self._spelled[word]

    def canonical(self, text: str) -> str:
        """Cleaned, misspellings mended, every synonym rewritten to its canonical form."""
        words = " ".join(self._spell(w) for w in clean(text).split())
        return self._pattern.sub(lambda m: self._canonical[m.group(0)], words)

    def words(self, text: str) -> list[str]:
        """Content words in order (stop words and particles gone), for entity terms and typo fixing."""
        out = []
        for word in self.canonical(text).split():
            if self.lang == "en":
                if word in STOPWORDS_EN:
                    continue
                out.append(self._stem_en(word))
            elif word not in STOPWORDS_KO:
                stem = self._strip_ko(word)
                if stem not in STOPWORDS_KO:
                    out.append(stem)
        return out

    def tokens(self, text: str) -> list[str]:
        """The bag the scorer compares: words, plus syllable bigrams for Korean."""
        words = self.words(text)
        if self.lang == "en":
            return words
        joined = "".join(w for w in words if SYLLABLES.fullmatch(w))
        bigrams = [joined[i : i + 2] for i in range(len(joined) - 1)]
        return words + ["#" + b for b in bigrams]

    def flat(self, text: str) -> str:
        """One string for the character-level ratio (Korean without spaces, as letters)."""
        words = self.words(text)
        return " ".join(words) if self.lang == "en" else _jamo("".join(words))

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

    @staticmethod
    def _strip_ko(word: str) -> str:
        if not SYLLABLES.fullmatch(word):
            return word
        for ending in ENDINGS_KO:
            if word.endswith(ending) and len(word) - len(ending) >= 2:
                return word[: -len(ending)]
        return word


@dataclass(frozen=True)
class Entity:
    breakdown: str
    category: str
    finding: str


@dataclass(frozen=True)
class Candidate:
    id: str
    score: float
    out_of_scope: bool = False


@dataclass(frozen=True)
class Match:
    """What the matcher decided: an intent (with any category named), or a decline and why."""

    lang: str
    intent: str | None
    confidence: int
    candidates: tuple[Candidate, ...] = ()
    entities: tuple[Entity, ...] = ()
    declined: str | None = None  # empty | low_confidence | ambiguous | out_of_scope | unknown_number | cross_tab
    out_of_scope: str | None = None  # the out-of-scope topic behind a decline, when one is known
    detail: str | None = None  # e.g. the unknown number

    @property
    def entity(self) -> Entity | None:
        """The single category the question names within the chosen intent, if exactly one."""
        return self.entities[0] if len(self.entities) == 1 else None


@dataclass
class _Index:
    """One language's examples, ready to score."""

    owners: list[str] = field(default_factory=list)
    oos: list[bool] = field(default_factory=list)
    bags: list[dict[str, float]] = field(default_factory=list)
    norms: list[float] = field(default_factory=list)
    flats: list[str] = field(default_factory=list)
    idf: dict[str, float] = field(default_factory=dict)
    vocab: list[str] = field(default_factory=list)
    unknown_weight: float = 1.0
    centroids: dict[str, dict[str, float]] = field(default_factory=dict)
    documents: dict[str, set[str]] = field(default_factory=dict)
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)  # token -> (example, weight)
    df: dict[str, int] = field(default_factory=dict)  # token -> how many topics use it


class Matcher:
    """Scores questions against the examples of every intent and out-of-scope topic in a Dataset."""

    def __init__(self, data: Dataset, tuning: Tuning = DEFAULT_TUNING) -> None:
        self.data = data
        self.tuning = tuning
        self.normalisers = {lang: Normaliser(lang, data.synonyms.get(lang, {})) for lang in LANGS}
        for lang, norm in self.normalisers.items():
            norm.learn(self._texts(lang), tuning.typo_cutoff)
        self.indexes = {lang: self._index(lang) for lang in LANGS}
        self.entity_terms = {lang: self._entity_terms(lang) for lang in LANGS}
        self.terms_by_first_word: dict[str, list[tuple[tuple[str, ...], Entity]]] = {}
        for term, entity in self.entity_terms["en"]:
            self.terms_by_first_word.setdefault(term[0], []).append((term, entity))
        self.known_numbers = self._known_numbers()
        self.intent_of_breakdown = {b: i.id for i in data.intents.values() for b in i.breakdowns}
        self.generic = frozenset(data.generic_words)
        self.template_findings = {i.id: frozenset(i.finding_ids()) for i in data.intents.values()}

    # --- building ----------------------------------------------------------------------------

    def _index(self, lang: str) -> _Index:
        norm = self.normalisers[lang]
        index = _Index()
        documents: dict[str, set[str]] = {}
        owners = [
            (i.id, False, i.examples.get(lang, ()) + self._term_examples(i, lang)) for i in self.data.intents.values()
        ]
        owners += [(o.id, True, o.examples.get(lang, ())) for o in self.data.out_of_scope.values()]
        raw_bags = []
        for owner, oos, examples in owners:
            for example in examples:
                tokens = norm.tokens(example)
                if not tokens:
                    continue
                documents.setdefault(owner, set()).update(tokens)
                index.owners.append(owner)
                index.oos.append(oos)
                index.flats.append(norm.flat(example))
                raw_bags.append(tokens)
        index.documents = documents
        df = Counter(t for tokens in documents.values() for t in tokens)
        n = len(documents)
        index.idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        index.unknown_weight = self.tuning.unknown_weight * max(index.idf.values(), default=1.0)
        sums: dict[str, Counter[str]] = {}
        for owner, tokens in zip(index.owners, raw_bags, strict=True):
            bag = {t: index.idf[t] for t in set(tokens)}
            norm_ = math.sqrt(sum(w * w for w in bag.values())) or 1.0
            index.bags.append(bag)
            index.norms.append(norm_)
            total = sums.setdefault(owner, Counter())
            for t, w in bag.items():
                total[t] += w / norm_
        for owner, total in sums.items():
            length = math.sqrt(sum(w * w for w in total.values())) or 1.0
            index.centroids[owner] = {t: w / length for t, w in total.items()}
        for i, bag in enumerate(index.bags):
            for token, weight in bag.items():
                index.postings.setdefault(token, []).append((i, weight))
        index.df = dict(df)
        index.vocab = sorted(t for t in index.idf if not t.startswith("#"))
        return index

    def _texts(self, lang: str) -> list[str]:
        """Every phrase of one language the data holds: examples, terms, labels."""
        texts = [e for i in self.data.intents.values() for e in i.examples.get(lang, ())]
        texts += [e for o in self.data.out_of_scope.values() for e in o.examples.get(lang, ())]
        texts += [t for f in self.data.findings.values() for t in f.terms.get(lang, ())]
        return texts

    def _term_examples(self, intent: Intent, lang: str) -> tuple[str, ...]:
        """Extra examples: a breakdown's category terms ("vietnam", "연좌제") and the topic's own figures
        ("92 of 113 81.4%"), so a question quoting a figure finds the topic that holds it."""
        terms = [
            term
            for f in self.data.findings.values()
            if f.breakdown in intent.breakdowns
            for term in f.terms.get(lang, ())
        ]
        figures = []
        for finding_id in intent.finding_ids():
            f = self.data.findings.get(finding_id)
            if f and f.count is not None and f.base is not None:
                figures.append(f"{f.count} {f.base}" + (f" {f.percent:.1f} %" if f.percent is not None else ""))
            elif f and f.percent is not None:
                figures.append(f"{f.percent:.1f} %")
        return tuple(dict.fromkeys(terms + figures))

    def _entity_terms(self, lang: str) -> list[tuple[tuple[str, ...], Entity]]:
        norm = self.normalisers[lang]
        out = []
        for f in self.data.findings.values():
            if not f.breakdown or not f.category:
                continue
            entity = Entity(f.breakdown, f.category, f.id)
            for term in f.terms.get(lang, ()):
                words = tuple(norm.words(term)) if lang == "en" else tuple(norm.canonical(term).split())
                if words:
                    out.append((words, entity))
        return out

    def _known_numbers(self) -> frozenset[str]:
        numbers: set[str] = set()
        texts: list[str] = []
        for f in self.data.findings.values():
            for value in (f.count, f.base, f.percent):
                if value is not None:
                    numbers.add(_number_key(str(value)))
            for t in (f.text, f.value, f.period, f.label, f.unit, f.base_label):
                texts.extend(t.values())
            texts.extend(term for terms in f.terms.values() for term in terms)
        for i in self.data.intents.values():
            texts.extend(e for ex in i.examples.values() for e in ex)
        for s in self.data.sources.values():
            texts.extend(s.title.values())
        for stat in self.data.stats.values():
            numbers.add(_number_key(str(stat.value)))
        for text in texts:
            numbers.update(_number_key(n) for n in NUMBER.findall(clean(text)))
        return frozenset(numbers)

    # --- matching ----------------------------------------------------------------------------

    def match(self, question: str, lang: str | None = None) -> Match:
        """Pick the intent a question asks about, or decline (with the reason and runner-up topics)."""
        lang = lang if lang in LANGS else detect_language(question)
        norm, index = self.normalisers[lang], self.indexes[lang]
        tokens = norm.tokens(question or "")
        if not [t for t in tokens if not t.startswith("#")]:
            return Match(lang, None, 0, declined="empty")
        scores = self._scores(tokens, norm.flat(question), index)
        entities = self._entities(question, lang)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        candidates = tuple(
            Candidate(owner, round(min(score, 1.0) * 100, 1), owner in self.data.out_of_scope)
            for owner, score in ranked[:5]
        )
        best_intent = next((c for c in candidates if not c.out_of_scope), None)
        best_oos = next((c for c in candidates if c.out_of_scope), None)
        if best_intent is None:
            return Match(lang, None, 0, candidates, declined="low_confidence")
        confidence = round(best_intent.score)
        threshold = self.tuning.threshold_for(lang)
        if (
            best_oos
            and best_oos.score >= best_intent.score - self.tuning.oos_edge
            and best_oos.score >= threshold * 0.8
        ):
            return Match(lang, None, confidence, candidates, declined="out_of_scope", out_of_scope=best_oos.id)
        unknown = [n for n in NUMBER.findall(clean(question)) if _number_key(n) not in self.known_numbers]
        if unknown:
            return Match(lang, None, confidence, candidates, declined="unknown_number", detail=unknown[0])
        if self._cross_tabulated(entities) and self._owns_any(candidates, entities):
            return Match(
                lang, None, confidence, candidates, entities, declined="cross_tab", out_of_scope="cross_tabulations"
            )
        if best_intent.score < threshold:
            return Match(lang, None, confidence, candidates, entities, declined="low_confidence")
        order = self._break_tie(best_intent, candidates, entities, tokens, index)
        if not order:
            return Match(lang, None, confidence, candidates, entities, declined="ambiguous")
        first_failure: tuple[str, str] | None = None
        for chosen in order:
            missing = self._missing_key(tokens, index, chosen, lang)
            explained = self._explained(tokens, index, chosen, lang)
            if missing:
                first_failure = first_failure or ("unexplained", missing)
            elif explained < (self.tuning.min_explained_ko if lang == "ko" else self.tuning.min_explained):
                first_failure = first_failure or ("unexplained", f"{explained:.2f}")
            else:
                intent = self.data.intents[chosen]
                mine = self._most_specific(tuple(e for e in entities if e.breakdown in intent.breakdowns))
                return Match(lang, chosen, confidence, candidates, mine)
        reason, detail = first_failure or ("unexplained", None)
        return Match(lang, None, confidence, candidates, entities, declined=reason, detail=detail)

    def _break_tie(
        self,
        best: Candidate,
        candidates: tuple[Candidate, ...],
        entities: tuple[Entity, ...],
        tokens: list[str],
        index: _Index,
    ) -> list[str]:
        """Topics to try, in order. The best alone, unless an unrelated one comes close: then the topic owning
        the most specific category the question names goes first ("how many in China?" is the place-of-arrest
        topic, "North Korean agents in China" the China-arrests one), unless the question uses words only the
        best topic knows ("who caught them in Russia?"); a close tie with neither: none."""
        runner_up = next((c for c in candidates if not c.out_of_scope and c.id != best.id), None)
        if not runner_up or self._related(best.id, runner_up.id):
            return [best.id]
        gap = best.score - runner_up.score
        if gap < self.tuning.owner_margin and SPLIT_WORDS & set(tokens):
            parents = {e.finding for e in entities if e.category}
            for c in (best, runner_up):
                if any(self.data.breakdowns[b].parent in parents for b in self.data.intents[c.id].breakdowns):
                    return [c.id]
        depth = {}
        for e in entities:
            owner = self.intent_of_breakdown.get(e.breakdown)
            if e.category and owner:
                depth[owner] = max(depth.get(owner, 0), len(self._lineage(e.breakdown)))
        if gap < self.tuning.owner_margin and depth.get(runner_up.id, 0) > depth.get(best.id, 0):
            own_words = index.documents.get(best.id, set()) - index.documents.get(runner_up.id, set())
            if any(t in own_words for t in tokens if not t.startswith("#")):
                return [best.id]
            return [runner_up.id, best.id]
        if gap < self.tuning.owner_margin and depth.get(best.id, 0) > depth.get(runner_up.id, 0):
            return [best.id]
        return [best.id] if gap >= self.tuning.margin else []

    def _missing_key(self, tokens: list[str], index: _Index, owner: str, lang: str) -> str | None:
        """A key word of the question (a canonical term few topics use, like 'mss' or 'interview') that the
        chosen topic never uses: the question asks about a combination the topic does not answer."""
        document = index.documents.get(owner, set())
        limit = self.tuning.key_share * len(index.documents)
        for token in tokens:
            if (
                token in self.normalisers[lang].canonicals
                and token not in document
                and token not in self.generic
                and index.df.get(token, 0) <= limit
            ):
                return token
        return None

    def _explained(self, tokens: list[str], index: _Index, owner: str, lang: str) -> float:
        """Share of the question's weight made of words the topic knows: the rest asks about something else.

        Korean words carry endings the examples may not (관여했습니까), so Korean is measured on bigrams.
        """
        korean = lang == "ko" and any(t.startswith("#") for t in tokens)
        words = {t for t in tokens if t.startswith("#") == korean and not NUMBER.fullmatch(t)}
        if not words:
            return 1.0
        weights = {t: index.idf.get(t, index.unknown_weight) for t in words}
        document = index.documents.get(owner, set())
        return sum(w for t, w in weights.items() if t in document) / sum(weights.values())

    def _scores(self, tokens: list[str], flat: str, index: _Index) -> dict[str, float]:
        """Each topic's score: its nearest example (token cosine, or the character ratio if higher), blended
        with the topic as a whole. Only examples sharing a token, or with a useful ratio, are visited."""
        weights = {t: index.idf.get(t, index.unknown_weight) for t in set(tokens)}
        q_norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        # Examples are reached through the question's rarer words; the common ones ("how many", "victims")
        # then only add to those. An example sharing nothing but common words cannot beat one that shares a
        # rarer word, so it is not visited, unless the question has common words only.
        rare = [t for t in weights if len(index.postings.get(t, ())) <= COMMON_POSTINGS]
        common = [t for t in weights if t not in rare] if rare else []
        dots: dict[int, float] = {}
        for token in rare or weights:
            weight = weights[token]
            for i, w in index.postings.get(token, ()):
                dots[i] = dots.get(i, 0.0) + weight * w
        for token in common:
            weight = weights[token]
            for i in dots:
                w = index.bags[i].get(token)
                if w:
                    dots[i] += weight * w
        char_weight = self.tuning.char_weight
        ratios = {
            i: r
            for _, r, i in process.extract(flat, index.flats, scorer=fuzz.ratio, limit=None, score_cutoff=RATIO_FLOOR)
        }
        nearest: dict[str, float] = {}
        for i in dots.keys() | ratios.keys():
            score = max(dots.get(i, 0.0) / (q_norm * index.norms[i]), char_weight * ratios.get(i, 0.0) / 100)
            owner = index.owners[i]
            if score > nearest.get(owner, -1.0):
                nearest[owner] = score
        a = self.tuning.centroid_weight
        scores = {}
        for owner, centroid in index.centroids.items():
            whole = sum(weight * centroid.get(t, 0.0) for t, weight in weights.items()) / q_norm
            if owner in nearest or whole:
                scores[owner] = (1 - a) * nearest.get(owner, 0.0) + a * whole
        return scores

    def _entities(self, question: str, lang: str) -> tuple[Entity, ...]:
        """Categories the question names; a longer term wins over one inside it ("criticise kim jong un")."""
        spans: list[tuple[int, int, Entity]] = []
        if lang == "en":
            words = self.normalisers[lang].words(question or "")
            for i, word in enumerate(words):
                for term, entity in self.terms_by_first_word.get(word, ()):
                    if tuple(words[i : i + len(term)]) == term:
                        spans.append((i, i + len(term), entity))
        else:
            spans = self._entities_ko(question or "")
        kept = [
            (a, b, e)
            for a, b, e in spans
            if not any(a2 <= a and b <= b2 and (b2 - a2) > (b - a) for a2, b2, _ in spans)
        ]
        found: dict[tuple[str, str], Entity] = {(e.breakdown, e.category): e for _, _, e in kept}
        return tuple(found.values())

    def _entities_ko(self, question: str) -> list[tuple[int, int, Entity]]:
        """Korean terms, found in the text without spaces (spacing varies). A short term (two syllables or
        fewer) must start a word and end it or run into a particle: 탈북 is in 탈북을, not in 탈북민."""
        words = self.normalisers["ko"].canonical(question).split()
        flat, starts = "", set()
        for word in words:
            starts.add(len(flat))
            flat += word
        ends = {start + len(word) for start, word in zip(sorted(starts), words, strict=True)}
        spans = []
        for term, entity in self.entity_terms["ko"]:
            joined = "".join(term)
            start = flat.find(joined)
            while start >= 0:
                end = start + len(joined)
                if len(joined) >= 3 or (start in starts and (end in ends or self._ending_follows(flat, end, ends))):
                    spans.append((start, end, entity))
                    break
                start = flat.find(joined, start + 1)
        return spans

    @staticmethod
    def _ending_follows(flat: str, end: int, ends: set[int]) -> bool:
        word_end = min(e for e in ends if e > end) if any(e > end for e in ends) else len(flat)
        rest = flat[end:word_end]
        return any(rest.startswith(ending) for ending in ENDINGS_KO) or rest in STOPWORDS_KO

    def _lineage(self, breakdown: str) -> set[str]:
        """The breakdown and every breakdown it is nested in (arrest_country -> arrest_place)."""
        out: set[str] = set()
        current = self.data.breakdowns.get(breakdown)
        while current and current.id not in out:
            out.add(current.id)
            parent: Finding | None = self.data.findings.get(current.parent or "")
            current = self.data.breakdowns.get(parent.breakdown) if parent and parent.breakdown else None
        return out

    def _most_specific(self, entities: tuple[Entity, ...]) -> tuple[Entity, ...]:
        """Of categories in nested breakdowns ("of those arrested abroad, how many in Russia?"), the innermost."""
        return tuple(
            e
            for e in entities
            if not any(o.breakdown != e.breakdown and e.breakdown in self._lineage(o.breakdown) for o in entities)
        )

    def _owns_any(self, candidates: tuple[Candidate, ...], entities: tuple[Entity, ...]) -> bool:
        """Whether one of the two best topics answers a breakdown the question names (else the question is
        about something else that merely mentions them, like FOOTPRINTS' foreign victims)."""
        top = [c.id for c in candidates if not c.out_of_scope][:2]
        lineages = set().union(*(self._lineage(e.breakdown) for e in entities)) if entities else set()
        return any(b in lineages for i in top for b in self.data.intents[i].breakdowns)

    def _cross_tabulated(self, entities: tuple[Entity, ...]) -> bool:
        """True when the question names categories of two breakdowns the report never crosses."""
        names = sorted({e.breakdown for e in entities})
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if a not in self._lineage(b) and b not in self._lineage(a):
                    return True
        return False

    def _related(self, a: str, b: str) -> bool:
        """Topics that answer with the same figures (so a near tie between them is harmless)."""
        fa, fb = self.template_findings[a], self.template_findings[b]
        return bool(fa & fb) and (fa <= fb or fb <= fa)

    # --- suggestions -------------------------------------------------------------------------

    def suggestions(self, match: Match, limit: int = 3) -> list[str]:
        """The closest answerable topics for a declined question (out-of-scope topics say their own)."""
        picked: list[str] = []
        if match.out_of_scope and match.out_of_scope in self.data.out_of_scope:
            picked.extend(self.data.out_of_scope[match.out_of_scope].suggest)
        for c in match.candidates:
            if not c.out_of_scope and c.score >= self.tuning.threshold_for(match.lang) * 0.5:
                picked.append(c.id)
        picked.extend(i.id for i in self.data.intents.values() if i.headline)
        seen: list[str] = []
        for intent_id in picked:
            if intent_id not in seen and intent_id in self.data.intents:
                seen.append(intent_id)
        return seen[:limit]


def _number_key(text: str) -> str:
    """'54.90' and '54.9' are one number; '31.0' and '31' too."""
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value == int(value) else f"{value:g}"
