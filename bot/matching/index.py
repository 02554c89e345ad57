"""The ranker: every topic's examples as TF-IDF vectors of words and character n-grams, scored against a
question by cosine (nearest example and topic centroid) and by rapidfuzz's character ratio.

It only proposes: each topic gets a score and the evidence the decision needs (how much of the question
the topic explains, how much no topic knows). Whether to answer is decided elsewhere (decide.py).
Sparse products run on numpy arrays (a column-compressed example matrix and dense centroids), which
keeps a question under a millisecond with thousands of examples.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from .text import Normaliser

RATIO_FLOOR = 35  # character ratios below this never decide anything
RATIO_CHARS = 60
RATIO_OWNERS = 8
VOTERS = 5  # the most similar examples whose topics vote: agreement among them is confidence
FEW_VOTERS = 64  # candidates for the voters sorted outright; more, and np.argpartition picks them


@dataclass(frozen=True)
class Owner:
    """A topic, or an out-of-scope subject, with the phrasings that stand for it."""

    id: str
    out_of_scope: bool
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Weights:
    """How the ranker mixes its evidence; chosen by cross-validation (`nkbot eval --cv`)."""

    word: float = 1.0  # weight of a word feature against a character n-gram
    char: float = 0.45
    centroid: float = 0.3  # share of a topic's score from the topic as a whole (vs its nearest example)
    ratio: float = 0.8  # weight of the character ratio against the cosine
    unknown: float = 0.9  # a word no example knows weighs this share of the rarest known word


@dataclass
class Query:
    """A question as the index sees it, with the parts the decision reads."""

    words: list[str]
    ids: np.ndarray  # known feature ids
    values: np.ndarray  # their weights, unit length
    word_weights: dict[str, float]  # each evidence unit (word, or Korean n-gram) and its weight
    unknown: float  # share of the evidence weight that no example knows
    unknown_words: float = 0.0  # share of the content words (not n-grams) that no example knows


class Index:
    """One language's owners (topics and out-of-scope subjects), ready to score."""

    def __init__(self, norm: Normaliser, owners: list[Owner], weights: Weights = Weights()) -> None:
        self.norm = norm
        self.weights = weights
        rows: list[tuple[int, Counter[str]]] = []
        flats: list[str] = []
        documents: dict[int, set[str]] = {}
        kept: list[Owner] = []
        for owner in owners:
            bags = []
            for example in owner.examples:
                words = norm.words(example)
                if words:
                    bags.append((words, Counter(norm.features(words))))
            if not bags:
                continue
            o = len(kept)
            kept.append(owner)
            for words, bag in bags:
                rows.append((o, bag))
                flats.append(norm.flat(words))
                documents.setdefault(o, set()).update(bag)
        self.owners = kept
        self.ids = [o.id for o in kept]
        # A tuple, not an array: the matcher reads it one owner at a time, where a numpy scalar costs more.
        self.out_of_scope = tuple(o.out_of_scope for o in kept)
        df = Counter(f for features in documents.values() for f in features)
        n = len(documents)
        self.vocab = {f: i for i, f in enumerate(sorted(df))}
        self.idf = {f: math.log((n + 1) / (c + 0.5)) for f, c in df.items()}
        self.unknown_weight = weights.unknown * max(self.idf.values(), default=1.0)
        # Each known feature's id and weight at a count of one, in one look-up per feature of a question.
        self._known = {f: (self.vocab[f], self._weight(f, 1)) for f in self.idf}
        self.documents = [documents[o] for o in range(len(kept))]
        self.oos_vocabulary = set().union(*(documents[o] for o in range(len(kept)) if kept[o].out_of_scope))
        # Examples in owner order: owner_starts[o] is the first example of owner o (for reduceat).
        owner_of = np.array([o for o, _ in rows], dtype=np.int32)
        self.owner_starts = np.searchsorted(owner_of, np.arange(len(kept))).astype(np.intp)
        self._owner_of = owner_of.tolist()  # each example's owner, for the few voters
        bounds = [*self.owner_starts.tolist(), len(rows)]
        self.examples_of = [np.arange(bounds[o], bounds[o + 1]) for o in range(len(kept))]
        # Each owner's examples as the ratio compares them, a list to join: rapidfuzz reads a list fastest.
        self.flats_of = [flats[bounds[o] : bounds[o + 1]] for o in range(len(kept))]
        # The ratio only asks which characters are equal, so the examples' characters may be renamed: Korean
        # letters (jamo) as one-byte codes, which rapidfuzz compares several times faster than wide characters.
        alphabet = sorted(set("".join(flats)))
        self._alphabet = frozenset(alphabet)
        self._codes: dict[int, str] | None = None
        self._spare: list[str] = []
        self.coded_flats_of = self.flats_of
        if len(alphabet) < 256 and any(ord(c) > 255 for c in alphabet):
            self._codes = {ord(c): chr(k) for k, c in enumerate(alphabet)}
            self._spare = [chr(k) for k in range(len(alphabet), 256)]  # for characters no example has
            self.coded_flats_of = [[f.translate(self._codes) for f in group] for group in self.flats_of]
        columns: dict[int, list[tuple[int, float]]] = {}
        centroids = np.zeros((len(kept), len(self.vocab)), dtype=np.float32)
        for e, (o, bag) in enumerate(rows):
            vector = {self.vocab[f]: self._weight(f, c) for f, c in bag.items()}
            length = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            for fid, v in vector.items():
                columns.setdefault(fid, []).append((e, v / length))
                centroids[o, fid] += v / length
        lengths = np.linalg.norm(centroids, axis=1, keepdims=True)
        # Stored feature by feature (the transpose), so a question's features are rows read in one gather; the
        # gathered rows, transposed back, are the very matrix the column gather gave, so the product is unchanged.
        self.centroids_t = np.ascontiguousarray((centroids / np.where(lengths == 0, 1, lengths)).T)
        indptr = [0]
        example_ids: list[int] = []
        values: list[float] = []
        for fid in range(len(self.vocab)):
            for e, v in columns.get(fid, ()):
                example_ids.append(e)
                values.append(v)
            indptr.append(len(example_ids))
        self.indptr = np.array(indptr, dtype=np.int64)
        self._starts = self.indptr[:-1].copy()  # each feature's first entry in example_ids and values
        self._lengths = np.diff(self.indptr)  # ... and how many examples use it
        self.example_ids = np.array(example_ids, dtype=np.int32)
        self.values = np.array(values, dtype=np.float32)
        self._positions = np.arange(len(example_ids), dtype=np.int64)  # sliced, never rebuilt per question
        self.size = len(rows)

    def _weight(self, feature: str, count: int) -> float:
        group = self.weights.word if feature[0] == "w" else self.weights.char
        return (1 + math.log(count)) * self.idf.get(feature, self.unknown_weight) * group

    def query(self, words: list[str]) -> Query:
        bag = Counter(self.norm.features(words))
        table = self._known
        ids: list[int] = []
        weights: list[float] = []
        for f, c in bag.items():  # one look-up per feature, in the bag's order (the order the sums run in)
            known = table.get(f)
            if known is not None:
                ids.append(known[0])
                weights.append(known[1] * (1 + math.log(c)) if c > 1 else known[1])
        values = np.array(weights, dtype=np.float32)
        length = float(np.sqrt(values.dot(values))) or 1.0  # what np.linalg.norm computes, without its checks
        # Evidence units: English words; Korean syllable n-grams of the shortest size (endings vary).
        if self.norm.lang == "en":
            units = {f for f in bag if f[0] == "w" and not f[1:].isdigit()}
        else:
            smallest = min(self.norm.char_grams)
            units = {f for f in bag if f[0] == "c" and len(f) == smallest + 1} or {f for f in bag if f[0] == "w"}
        idf, unknown_weight, vocab = self.idf, self.unknown_weight, self.vocab
        unit_weights = {f: idf.get(f, unknown_weight) for f in units}
        total = sum(unit_weights.values())
        unknown = sum(w for f, w in unit_weights.items() if f not in vocab) / total if total else 0.0
        content = [f for f in bag if f[0] == "w" and not f[1:].isdigit()]
        unknown_words = sum(f not in vocab for f in content) / len(content) if content else 0.0
        return Query(words, np.array(ids, dtype=np.int64), values / length, unit_weights, unknown, unknown_words)

    def scores(self, query: Query) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """Each owner's score in [0, 1]: nearest example (cosine, or the character ratio if higher) blended
        with the owner's centroid; the nearest example's cosine alone (1.0: the question is an example); and
        the owner of each of the VOTERS most similar examples, most similar first."""
        n_owners = len(self.owners)
        if not len(query.ids) or not n_owners:
            empty = np.zeros(n_owners, dtype=np.float32)
            return empty, empty, []
        lengths = self._lengths[query.ids]
        total = int(lengths.sum())
        if total:
            # Every entry of the question's features, feature by feature: the sums below run in that order.
            offsets = np.repeat(self._starts[query.ids] - np.cumsum(lengths) + lengths, lengths)
            offsets += self._positions[:total]
            weights = self.values[offsets] * np.repeat(query.values, lengths)
            dots = np.bincount(self.example_ids[offsets], weights=weights, minlength=self.size)
        else:
            dots = np.zeros(self.size)
        whole = self.centroids_t[query.ids].T @ query.values
        a = self.weights.centroid
        nearest = dots
        cosine = np.maximum.reduceat(dots, self.owner_starts)
        flat = self.norm.flat(query.words)
        if self.weights.ratio and len(flat) <= RATIO_CHARS:
            # The character ratio mends typos in short questions (long ones have words enough), compared with the
            # examples of the owners the cosine already ranks best: a typo shifts scores, it does not hide a topic.
            ranked = (1 - a) * cosine + a * whole
            close = np.argsort(-ranked)[:RATIO_OWNERS].tolist()
            picked = np.concatenate([self.examples_of[o] for o in close])
            flat, groups = self._coded(flat)
            choices: list[str] = []
            for o in close:
                choices += groups[o]
            ratios = process.cdist([flat], choices, scorer=fuzz.ratio, score_cutoff=RATIO_FLOOR, dtype=np.float32)[0]
            nearest = dots.copy()
            nearest[picked] = np.maximum(dots[picked], self.weights.ratio * ratios / 100.0)
        best = np.maximum.reduceat(nearest, self.owner_starts)
        blended = (1 - a) * best + a * whole
        blended = np.minimum(np.maximum(blended, 0.0, out=blended), 1.0, out=blended)  # np.clip, without its wrapper
        return blended, cosine, self._voters(nearest, best)

    def _coded(self, flat: str) -> tuple[str, list[list[str]]]:
        """The question and the examples in the codes of the examples' characters (see __init__); a character no
        example has gets a code of its own. As they are when the index keeps no codes or runs out of them."""
        codes = self._codes
        if codes is None:
            return flat, self.flats_of
        missing = set(flat) - self._alphabet
        if missing:
            if len(missing) > len(self._spare):
                return flat, self.flats_of
            codes = {**codes, **dict(zip(map(ord, sorted(missing)), self._spare, strict=False))}
        return flat.translate(codes), self.coded_flats_of

    def _voters(self, nearest: np.ndarray, best: np.ndarray) -> list[int]:
        """The owners of the VOTERS examples nearest the question, most similar first (ties in example order).

        Only examples as close as the (VOTERS + 1)-th best owner can be among them: when those are few and the
        VOTERS-th is strictly closer than the next, they settle it. Otherwise (a tie at the edge) the examples
        are chosen as np.argpartition chooses them, as they always were."""
        owner_of = self._owner_of
        if len(nearest) <= VOTERS:
            return [owner_of[v] for v in np.argsort(-nearest).tolist()]
        if len(best) > VOTERS:
            floor = np.partition(best, -(VOTERS + 1))[-(VOTERS + 1)]
            held = np.flatnonzero(nearest >= floor)  # at least VOTERS + 1: each of those owners' best example
            if len(held) <= FEW_VOTERS:
                values = nearest[held]
                order = np.argsort(-values, kind="stable")
                if values[order[VOTERS - 1]] > values[order[VOTERS]]:
                    return [owner_of[v] for v in held[order[:VOTERS]].tolist()]
        negated = -nearest
        voters = np.argpartition(negated, VOTERS)[:VOTERS]
        return [owner_of[v] for v in voters[np.argsort(negated[voters])].tolist()]

    def explained(self, query: Query, owner: int) -> tuple[float, float]:
        """Shares of the question's evidence weight made of units the owner's examples use, and of units they
        do not use but an out-of-scope subject's do ("kim jong un *health*": the owner explains the rest)."""
        total = sum(query.word_weights.values())
        if not total:
            return 1.0, 0.0
        document = self.documents[owner]
        known = sum(w for f, w in query.word_weights.items() if f in document)
        elsewhere = sum(w for f, w in query.word_weights.items() if f not in document and f in self.oos_vocabulary)
        return known / total, elsewhere / total
