"""Risk against coverage: how many answerable questions are answered (and answered right), and how many wrong
figures per 300 questions, as the decision threshold moves; for the shipped matcher (cross-validated, the model
refitted without each fold) and for the peers (trained on the examples alone), on the same questions."""

from __future__ import annotations

from dataclasses import dataclass, replace

from peers import DECLINE, Peer

from bot import tune
from bot.answerer import Answerer
from bot.evaluate import Graded, Labelled, Prediction, cross_validate, examples_as_items, grade, required_facts
from bot.matching.decide import Decision

THRESHOLDS = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98)


@dataclass(frozen=True)
class Point:
    threshold: float
    answered: float  # share of answerable questions answered
    right: float  # share of answerable questions answered right
    wrong_per_300: float
    declined: float  # share of must-decline questions declined


def point(threshold: float, graded: list[Graded]) -> Point:
    answerable = [g for g in graded if g.item.expect == "answer"]
    decline = [g for g in graded if g.item.expect == "decline"]
    n = max(1, len(answerable))
    return Point(
        threshold,
        sum(g.kind == "answer" for g in answerable) / n,
        sum(g.right for g in answerable) / n,
        300 * sum(g.wrong for g in graded) / max(1, len(graded)),
        sum(g.right for g in decline) / max(1, len(decline)),
    )


def ours(answerer: Answerer, questions: list[Labelled], folds: int = 5) -> tuple[list[Point], Point, list[Prediction]]:
    """The curve of the shipped matcher, and the operating point nested cross-validation gives."""
    pool = examples_as_items(answerer.data) + questions
    predictions = [p for p in cross_validate(answerer.data, pool, folds) if p.item in set(questions)]
    models = {f: tune.fit_decision([p for p in predictions if p.fold != f]) for f in {p.fold for p in predictions}}
    curve = []
    for t in THRESHOLDS:
        graded = [p.outcome(Decision(models[p.fold].weights, t)) for p in predictions]
        curve.append(point(t, graded))
    shipped = [p.outcome(models[p.fold]) for p in predictions]
    operating = point(sum(m.threshold for m in models.values()) / len(models), shipped)
    return curve, operating, predictions


def peer_curve(peer: Peer, answerer: Answerer, questions: list[Labelled]) -> list[Point]:
    """A peer's topic answered as our answerer would word it (with our claim checks, which flatters the peer)."""
    scored = []
    for item in questions:
        topic, score = peer.predict(item.question)
        match = answerer.matcher.match(item.question)
        declined = replace(match, intent=None, entities=(), smalltalk=None, declined="low_confidence")
        held = grade(item, answerer.reply(item.question, declined))
        answered = None
        if topic not in (None, DECLINE):
            forced = replace(match, intent=topic, entities=(), smalltalk=None, declined=None)
            answered = grade(
                item, answerer.reply(item.question, forced), None, required_facts(answerer.data, item, forced)
            )
        scored.append((score, answered, held))
    return [point(t, [a if a is not None and s >= t else h for s, a, h in scored]) for t in THRESHOLDS]
