"""`nkbot tune`: learn the decision to answer from cross-validated predictions, and choose its threshold.

The model is fitted on held-out predictions (each question proposed by a matcher that never saw its
paraphrases), so it learns how far the ranker's evidence can be trusted on new questions. The threshold is
the lowest that keeps wrong figures at or under one per 300 questions on the user-written sets (the
labelled and dev sets, not the examples), which is where users' phrasings are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from .evaluate import Graded, Prediction, by_origin
from .matching.decide import FEATURES, Decision, fit
from .models import Params

WRONG_BUDGET = 1 / 300  # at most one wrong figure per 300 questions
WRONG_COST = 10  # where no threshold keeps to the budget: one wrong figure weighs as much as ten right answers
L2 = 1.0


def user_written(p: Prediction) -> bool:
    return not p.item.origin.startswith("examples/")


def fit_decision(predictions: list[Prediction], budget: float = WRONG_BUDGET, l2: float = L2) -> Decision:
    """The model fitted on every prediction whose topic a rule did not already decline, with its threshold."""
    rows, labels = [], []
    for p in predictions:
        if p.answered is not None and p.proposal.match.evidence is not None and not p.proposal.sure:
            rows.append(p.proposal.match.evidence.vector())
            labels.append(int(p.answered.right))
    weights = (
        fit(rows, labels, l2)
        if rows and 0 < sum(labels) < len(labels)
        else Decision((0.0,) * len(FEATURES), 0.5).weights
    )
    return Decision(
        weights, operating_point([p for p in predictions if user_written(p)] or predictions, weights, budget)
    )


def operating_point(predictions: list[Prediction], weights: tuple[float, ...], budget: float) -> float:
    """The threshold with the most right answers among those keeping wrong figures within `budget` (a share of
    all questions); where none does, the one with the most right answers less WRONG_COST for each wrong figure.
    Midway between neighbouring probabilities, so it does not sit on one question."""
    probe = Decision(weights, 0.0)
    scored = []
    fixed_right = fixed_wrong = 0
    for p in predictions:
        if p.answered is None or p.proposal.match.evidence is None or p.proposal.sure:
            fixed = p.answered if p.proposal.sure and p.answered is not None else p.held
            fixed_right += fixed.right
            fixed_wrong += fixed.wrong
            continue
        prob = probe.probability(p.proposal.match.evidence)
        scored.append((prob, p.answered, p.held))
    scored.sort(key=lambda t: -t[0])
    right = fixed_right + sum(h.right for _, _, h in scored)
    wrong = fixed_wrong + sum(h.wrong for _, _, h in scored)
    limit = budget * len(predictions)
    best_threshold, best = 1.0 - 1e-9, (wrong <= limit, right - WRONG_COST * wrong)
    for n, (prob, answered, held) in enumerate(scored):
        right += answered.right - held.right
        wrong += answered.wrong - held.wrong
        below = scored[n + 1][0] if n + 1 < len(scored) else 0.0
        value = (wrong <= limit, right - WRONG_COST * wrong)
        if value > best:
            best, best_threshold = value, (prob + below) / 2
    return min(max(best_threshold, 0.01), 0.99)


def nested(predictions: list[Prediction], budget: float = WRONG_BUDGET) -> list[Graded]:
    """Every prediction decided by a model fitted without its fold: the honest figure for new questions."""
    folds = sorted({p.fold for p in predictions})
    out: list[Graded] = []
    for f in folds:
        decision = fit_decision([p for p in predictions if p.fold != f], budget)
        out += [p.outcome(decision) for p in predictions if p.fold == f]
    return out


def risk_coverage(predictions: list[Prediction], decision: Decision, steps: Iterable[float]) -> list[dict[str, float]]:
    """Share answered and wrong figures per 300 questions as the threshold moves (the model held fixed)."""
    rows = []
    answerable = [p for p in predictions if p.item.expect == "answer"]
    for threshold in steps:
        d = Decision(decision.weights, threshold)
        graded = [p.outcome(d) for p in predictions]
        answered = sum(
            g.kind == "answer" for g, p in zip(graded, predictions, strict=True) if p.item.expect == "answer"
        )
        rows.append(
            {
                "threshold": threshold,
                "answered": answered / len(answerable) if answerable else 0.0,
                "right": sum(g.right for g in graded if g.item.expect == "answer") / len(answerable)
                if answerable
                else 0.0,
                "wrong_per_300": 300 * sum(g.wrong for g in graded) / len(graded) if graded else 0.0,
            }
        )
    return rows


def measured(graded: list[Graded]) -> dict[str, object]:
    """The nested cross-validation figures of the user-written sets, for the header of decision.yaml."""
    out: dict[str, object] = {}
    for s in by_origin([g for g in graded if not g.item.origin.startswith("examples/")]):
        out[s.name] = {
            "answerable_right": f"{s.answerable_right}/{s.answerable}",
            "wrong": s.wrong,
            "must_decline_declined": f"{s.declined}/{s.must_decline}",
        }
    return out


@dataclass(frozen=True)
class Tuned:
    params: Params
    decision: Decision
    measured: dict[str, object]


def write_params(path: Path, tuned: Tuned) -> None:
    """data/decision.yaml, with a header saying how it was made."""
    p = tuned.params
    body = {
        "ranker": {k: round(v, 4) for k, v in p.ranker.items()},
        "char_grams": {lang: list(sizes) for lang, sizes in p.char_grams.items()},
        "typo_cutoff": p.typo_cutoff,
        "entity_boost": p.entity_boost,
        "claim_boost": p.claim_boost,
        "oos_margin": p.oos_margin,
        "smalltalk_sure": p.smalltalk_sure,
        "smalltalk_part": p.smalltalk_part,
        "threshold": round(tuned.decision.threshold, 4),
        "decision": tuned.decision.as_mapping(),
        "measured": tuned.measured,
    }
    header = (
        "# The matcher's parameters, written by `nkbot tune` on "
        f"{datetime.now(UTC):%Y-%m-%d}: the decision model was fitted on cross-validated predictions\n"
        "# (each question proposed by a matcher built without its paraphrases), and the threshold keeps wrong\n"
        "# figures at or under 1 per 300 user-written questions. `measured` is the nested cross-validation\n"
        "# (the model refitted without each fold), for review; the loader ignores it. Re-run `nkbot tune`\n"
        "# after changing examples, synonyms or the matcher, and review the diff.\n"
    )
    path.write_text(header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")
