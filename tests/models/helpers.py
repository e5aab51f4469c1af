"""Small known data for the models tests: a ranking problem with a planted answer, tiny models
with chosen card metrics (for the registry's quality gate), and outcome builders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from numpy.typing import NDArray

from features.pair_features import FEATURE_NAMES
from features.records import Outcome
from models.rankers import LambdaMARTRanker
from models.ranking_model import DIRECTIONS, RankingModel

COLUMN = {name: j for j, name in enumerate(FEATURE_NAMES)}


def ranking_problem(
    n_groups: int = 40, per_group: int = 25, seed: int = 0
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.str_]]:
    """(X, grades 0..5, group ids): the grade is planted from required-skill coverage, same
    work and travel time, with a little noise; every other column is noise."""
    rng = np.random.default_rng(seed)
    n = n_groups * per_group
    X = rng.random((n, len(FEATURE_NAMES)))
    signal = (
        3.0 * X[:, COLUMN["skills_essential_semantic"]]
        + 1.5 * X[:, COLUMN["occupation_same_work"]]
        + 1.0 * X[:, COLUMN["travel_time"]]
        + rng.normal(0.0, 0.3, n)
    )
    grades = np.clip(np.floor(signal), 0, 5).astype(np.int64)
    groups = np.repeat(np.array([f"V{g:03d}" for g in range(n_groups)]), per_group)
    return X, grades, groups


def summary(value: float, low: float, high: float, cold: float | None = None) -> dict[str, Any]:
    """A card's ``metrics.summary.shortlist`` with the given NDCG@10 interval."""
    out: dict[str, Any] = {"ndcg@10": {"value": value, "low": low, "high": high, "n": 30}}
    if cold is not None:
        diff = value - cold
        width = (high - low) / 2
        out["cold-start ndcg@10"] = {
            "value": cold,
            "low": cold - width,
            "high": cold + width,
            "n": 30,
        }
        out["difference"] = {
            "value": diff,
            "low": diff - width / 2,
            "high": diff + width / 2,
            "n": 30,
        }
    return out


def small_model(
    model_id: str,
    *,
    ndcg: tuple[float, float, float] = (0.6, 0.55, 0.65),
    cold: float | None = 0.5,
    seed: int = 0,
) -> RankingModel:
    """A tiny trained model (20 trees on :func:`ranking_problem`) with chosen card metrics."""
    X, y, groups = ranking_problem(n_groups=10, per_group=20, seed=seed)
    rankers = {
        d: LambdaMARTRanker(n_estimators=20, min_child_samples=5, random_state=seed).fit(
            X, y, groups=groups
        )
        for d in DIRECTIONS
    }
    card = {
        "kind": "ranking-model",
        "name": "test-ranker",
        "id": model_id,
        "version": "0",
        "created_at": "2026-01-01T00:00:00+00:00",
        "training_data": {"until": "2025-07-01T00:00:00"},
        "hyper_parameters": {"ranker": "lambdamart"},
        "metrics": {"summary": {"shortlist": summary(*ndcg, cold=cold)}},
    }
    return RankingModel(rankers, card)


def outcome(
    status: str,
    at: str,
    *,
    candidate: str = "K1",
    vacancy: str = "V1",
    reason: str | None = None,
    days: int | None = None,
    rank: int | None = 1,
) -> Outcome:
    """One outcome event (``at`` as ``YYYY-MM-DD``)."""
    return Outcome(
        candidate_id=candidate,
        vacancy_id=vacancy,
        status=status,  # type: ignore[arg-type]
        reason=reason,
        at=dt.datetime.fromisoformat(at),
        still_employed_after_days=days,
        rank=rank,
    )
