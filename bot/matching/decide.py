"""The decision to answer: one logistic model over the ranker's evidence, learned from held-out predictions.

The ranker proposes a topic; this says how likely that topic is the right one. The model's weights and the
operating threshold live in data/decision.yaml, written by `nkbot tune` from cross-validated predictions
(each question scored by a matcher that never saw its paraphrases), and the threshold is the one that keeps
wrong figures under one per 300 questions. Fitting needs only numpy: Newton's method on a dozen features.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from ..models import Params
from .index import Weights


@dataclass(frozen=True)
class Evidence:
    """What the ranker knows about its best topic for one question. Every field is a number the model weighs."""

    score: float  # the best topic's score, 0-1
    gap: float  # its lead over the best unrelated topic
    oos_gap: float  # its lead over the best out-of-scope subject (negative: that subject scores higher)
    unknown: float  # share of the question's weight that no example knows
    unknown_words: float  # share of its content words that no example knows (Korean: words, not syllables)
    explained: float  # share of the question's weight the best topic's examples use
    oos_words: float  # share it does not use that out-of-scope subjects do ("the MSS *budget*")
    words: float  # log(1 + content words)
    entity_own: float  # 1 when the question names a category the topic answers
    entity_other: float  # 1 when it names categories only other topics answer
    korean: float  # 1 for Korean
    stated: float  # 1 when the question states a figure
    talk: float = 0.0  # 0-1: how close the whole message is to small talk ("thanks, very helpful"), past a floor
    vote: float = 0.0  # share of the most similar examples that belong to the best topic (or one with its figures)

    def vector(self) -> list[float]:
        """The features, with Korean's own slope for the scores (Korean questions match lower and carry more
        unknown syllable pairs, so one slope for both languages fits neither)."""
        base = [getattr(self, f.name) for f in fields(self)]
        return [1.0, *base, self.korean * self.score, self.korean * self.unknown, self.korean * self.explained]


FEATURES: tuple[str, ...] = ("bias", *(f.name for f in fields(Evidence)), "score_ko", "unknown_ko", "explained_ko")


@dataclass(frozen=True)
class Decision:
    """P(the proposed topic is right) = logistic(weights . evidence); answer at or above `threshold`."""

    weights: tuple[float, ...]
    threshold: float

    def probability(self, evidence: Evidence) -> float:
        z = sum(w * x for w, x in zip(self.weights, evidence.vector(), strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_mapping(cls, weights: dict[str, float], threshold: float) -> Decision:
        missing = [name for name in FEATURES if name not in weights]
        if missing:
            raise ValueError(f"no weight for {', '.join(missing)}")
        return cls(tuple(float(weights[name]) for name in FEATURES), float(threshold))

    def as_mapping(self) -> dict[str, float]:
        return {name: round(w, 4) for name, w in zip(FEATURES, self.weights, strict=True)}


# Before any tuning: a plain reading of the evidence (a high, clear, well-explained score answers).
UNTUNED = Decision.from_mapping(
    {
        "bias": -4.0,
        "score": 6.0,
        "gap": 4.0,
        "oos_gap": 2.0,
        "unknown": -3.0,
        "unknown_words": 0.0,
        "explained": 2.0,
        "oos_words": -2.0,
        "words": 0.0,
        "entity_own": 0.5,
        "entity_other": -1.0,
        "korean": 0.0,
        "stated": 0.0,
        "talk": 0.0,
        "vote": 0.0,
        "score_ko": 0.0,
        "unknown_ko": 0.0,
        "explained_ko": 0.0,
    },
    0.5,
)


def fit(rows: list[list[float]], labels: list[int], l2: float = 1.0, iterations: int = 50) -> tuple[float, ...]:
    """Logistic regression by Newton's method (iteratively reweighted least squares), L2-penalised except
    for the bias; deterministic, a few milliseconds for a few thousand rows."""
    x = np.asarray(rows, dtype=float)
    y = np.asarray(labels, dtype=float)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return tuple(float(v) for v in w)


def check_params(params: Params) -> tuple[str, str] | None:
    """(entry, problem) when data/decision.yaml's names do not fit the matcher, else None."""
    known = {f.name for f in fields(Weights)}
    for name in params.ranker:
        if name not in known:
            return f"ranker.{name}", f"unknown ranker weight (known: {', '.join(sorted(known))})"
    missing = [name for name in FEATURES if name not in params.decision]
    if missing:
        return "decision", f"no weight for {', '.join(missing)}"
    extra = [name for name in params.decision if name not in FEATURES]
    if extra:
        return f"decision.{extra[0]}", f"unknown feature (known: {', '.join(FEATURES)})"
    if not 0 < params.threshold < 1:
        return "threshold", f"must be between 0 and 1, not {params.threshold}"
    return None
