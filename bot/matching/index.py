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
        self.out_of_scope = np.array([o.out_of_scope for o in kept], dtype=bool)
        df = Counter(f for features in documents.values() for f in features)
        n = len(documents)
        self.vocab = {f: i for i, f in enumerate(sorted(df))}
        self.idf = {f: math.log((n + 1) / (c + 0.5)) for f, c in df.items()}
        self.unknown_weight = weights.unknown * max(self.idf.values(), default=1.0)
        self._base = {f: self._weight(f, 1) for f in self.idf}  # each known feature's weight at a count of one
        self.documents = [documents[o] for o in range(len(kept))]
        self.oos_vocabulary = set().union(*(documents[o] for o in range(len(kept)) if kept[o].out_of_scope))
        self.flats = np.array(flats, dtype=object)  # indexed by an array of example numbers at once
        # Examples in owner order: owner_starts[o] is the first example of owner o (for reduceat).
        owner_of = np.array([o for o, _ in rows], dtype=np.int32)
        self.owner_starts = np.searchsorted(owner_of, np.arange(len(kept))).astype(np.intp)
        bounds = [*self.owner_starts.tolist(), len(rows)]
        self.examples_of = [np.arange(bounds[o], bounds[o + 1]) for o in range(len(kept))]
        columns: dict[int, list[tuple[int, float]]] = {}
        centroids = np.zeros((len(kept), len(self.vocab)), dtype=np.float32)
        for e, (o, bag) in enumerate(rows):
            vector = {self.vocab[f]: self._weight(f, c) for f, c in bag.items()}
            length = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            for fid, v in vector.items():
                columns.setdefault(fid, []).append((e, v / length))
                centroids[o, fid] += v / length
        lengths = np.linalg.norm(centroids, axis=1, keepdims=True)
        self.centroids = centroids / np.where(lengths == 0, 1, lengths)
        indptr = [0]
        example_ids: list[int] = []
        values: list[float] = []
        for fid in range(len(self.vocab)):
            for e, v in columns.get(fid, ()):
                example_ids.append(e)
                values.append(v)
            indptr.append(len(example_ids))
        self.indptr = np.array(indptr, dtype=np.int64)
        self.example_ids = np.array(example_ids, dtype=np.int32)
        self.values = np.array(values, dtype=np.float32)
        self.size = len(rows)

    def _weight(self, feature: str, count: int) -> float:
        group = self.weights.word if feature[0] == "w" else self.weights.char
        return (1 + math.log(count)) * self.idf.get(feature, self.unknown_weight) * group

    def query(self, words: list[str]) -> Query:
        bag = Counter(self.norm.features(words))
        vocab, base = self.vocab, self._base
        known = [(vocab[f], base[f] * (1 + math.log(c)) if c > 1 else base[f]) for f, c in bag.items() if f in vocab]
        ids = np.array([k for k, _ in known], dtype=np.int64)
        values = np.array([v for _, v in known], dtype=np.float32)
        length = float(np.linalg.norm(values)) or 1.0
        # Evidence units: English words; Korean syllable n-grams of the shortest size (endings vary).
        if self.norm.lang == "en":
            units = {f for f in bag if f[0] == "w" and not f[1:].isdigit()}
        else:
            smallest = min(self.norm.char_grams)
            units = {f for f in bag if f[0] == "c" and len(f) == smallest + 1} or {f for f in bag if f[0] == "w"}
        unit_weights = {f: self.idf.get(f, self.unknown_weight) for f in units}
        total = sum(unit_weights.values())
        unknown = sum(w for f, w in unit_weights.items() if f not in self.vocab) / total if total else 0.0
        content = [f for f in bag if f[0] == "w" and not f[1:].isdigit()]
        unknown_words = sum(f not in self.vocab for f in content) / len(content) if content else 0.0
        return Query(words, ids, values / length, unit_weights, unknown, unknown_words)

    def scores(self, query: Query) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each owner's score in [0, 1]: nearest example (cosine, or the character ratio if higher) blended
        with the owner's centroid; the nearest example's cosine alone (1.0: the question is an example); and
        the owner of each of the VOTERS most similar examples, most similar first."""
        n_owners = len(self.owners)
        if not len(query.ids) or not n_owners:
            empty = np.zeros(n_owners, dtype=np.float32)
            return empty, empty, np.zeros(0, dtype=np.int32)
        starts, ends = self.indptr[query.ids], self.indptr[query.ids + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total:
            offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
            weights = self.values[offsets] * np.repeat(query.values, lengths)
            dots = np.bincount(self.example_ids[offsets], weights=weights, minlength=self.size)
        else:
            dots = np.zeros(self.size)
        whole = self.centroids[:, query.ids] @ query.values
        a = self.weights.centroid
        nearest = dots
        flat = self.norm.flat(query.words)
        if self.weights.ratio and len(flat) <= RATIO_CHARS:
            # The character ratio mends typos in short questions (long ones have words enough), compared with the
            # examples of the owners the cosine already ranks best: a typo shifts scores, it does not hide a topic.
            ranked = (1 - a) * np.maximum.reduceat(dots, self.owner_starts) + a * whole
            close = np.argsort(-ranked)[:RATIO_OWNERS]
            picked = np.concatenate([self.examples_of[o] for o in close])
            ratios = process.cdist(
                [flat], self.flats[picked], scorer=fuzz.ratio, score_cutoff=RATIO_FLOOR, dtype=np.float32
            )[0]
            nearest = dots.copy()
            nearest[picked] = np.maximum(dots[picked], self.weights.ratio * ratios / 100.0)
        best = np.maximum.reduceat(nearest, self.owner_starts)
        voters = np.argpartition(-nearest, VOTERS)[:VOTERS] if len(nearest) > VOTERS else np.arange(len(nearest))
        voters = voters[np.argsort(-nearest[voters])]
        owners = np.searchsorted(self.owner_starts, voters, side="right") - 1
        return np.clip((1 - a) * best + a * whole, 0.0, 1.0), np.maximum.reduceat(dots, self.owner_starts), owners

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
