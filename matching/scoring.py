"""Scorers turn pair features into one score in [0, 1] and say what each feature contributed.

:class:`Scorer` is the interface the Matcher uses; the learned ranker of ``models`` implements
it too. :class:`ColdStartScorer` is the transparent scorer used before there are outcomes to
learn from: a weighted sum with documented weights (:data:`COLD_START_WEIGHTS`, summing to 1),
so with every feature in [0, 1] the score is in [0, 1], it never drops when a feature rises
(monotone), and each contribution is simply ``weight × value``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from features.pair_features import FEATURE_NAMES

__all__ = ["COLD_START_WEIGHTS", "ColdStartScorer", "Scorer"]


@runtime_checkable
class Scorer(Protocol):
    """Scores pairs from a feature matrix whose columns are ``feature_names``.

    ``contributions(X)`` has one column per feature and each row sums to ``score(X)``.
    """

    name: str
    feature_names: tuple[str, ...]

    def score(self, X: NDArray[np.float64]) -> NDArray[np.float64]: ...

    def contributions(self, X: NDArray[np.float64]) -> NDArray[np.float64]: ...


# Why these weights (cold start: judgement, to be replaced by a ranker learned from outcomes):
# - skills (0.34): what an employer asks for first; required skills count most, and meaning
#   (similar phrases) more than literal words, since people describe skills differently.
# - occupation (0.24): having done the same (or related) work predicts a lasting placement best;
#   what someone wants to do counts a little less than what they have done.
# - practical fit (0.30): travel time, placement type for the ladder rung, education and job
#   level, hours and Dutch; knock-outs already removed what cannot work at all.
# - text similarity (0.08) and experience (0.04): supporting evidence.
# The *_unknown indicators weigh 0 here (the neutral value already stands in for the unknown);
# a learned ranker may use them.
COLD_START_WEIGHTS: Mapping[str, float] = {
    "skills_essential_exact": 0.10,
    "skills_essential_semantic": 0.18,
    "skills_optional_exact": 0.02,
    "skills_optional_semantic": 0.04,
    "occupation_same_work": 0.06,
    "occupation_unit_work": 0.05,
    "occupation_minor_work": 0.03,
    "occupation_same_desired": 0.05,
    "occupation_unit_desired": 0.03,
    "occupation_minor_desired": 0.02,
    "text_similarity": 0.08,
    "education_fit": 0.06,
    "education_unknown": 0.0,
    "level_fit": 0.05,
    "level_unknown": 0.0,
    "travel_time": 0.08,
    "hours_fit": 0.02,
    "language_fit": 0.03,
    "placement_fit": 0.06,
    "experience_length": 0.02,
    "experience_recency": 0.02,
}


class ColdStartScorer:
    """A weighted sum of features with non-negative weights that sum to 1.

    >>> scorer = ColdStartScorer()
    >>> X = np.ones((1, len(scorer.feature_names)))
    >>> float(scorer.score(X)[0])
    1.0
    """

    name = "cold-start-v1"

    def __init__(self, weights: Mapping[str, float] | None = None) -> None:
        chosen = dict(COLD_START_WEIGHTS if weights is None else weights)
        unknown = sorted(set(chosen) - set(FEATURE_NAMES))
        if unknown:
            raise ValueError(f"unknown features in weights: {', '.join(unknown)}")
        negative = sorted(name for name, w in chosen.items() if not w >= 0)
        if negative:
            raise ValueError(f"weights must be non-negative (monotone score): {negative}")
        total = math.fsum(chosen.values())
        if not math.isclose(total, 1.0, abs_tol=1e-9):
            raise ValueError(f"weights must sum to 1, not {total}")
        self.feature_names: tuple[str, ...] = tuple(chosen)
        self.weights: NDArray[np.float64] = _exact_unit_sum(
            np.array(list(chosen.values()), dtype=np.float64)
        )

    def __repr__(self) -> str:
        return f"ColdStartScorer({len(self.feature_names)} features)"

    def contributions(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """``weight × value`` per pair and feature; values are clipped to [0, 1] first."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.feature_names):
            raise ValueError(
                f"expected a (n, {len(self.feature_names)}) feature matrix, got {X.shape}"
            )
        contributions: NDArray[np.float64] = np.clip(X, 0.0, 1.0) * self.weights
        return contributions

    def score(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """The sum of the contributions per pair, in [0, 1]."""
        return sum_columns(self.contributions(X))


def _exact_unit_sum(weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """The weights with the last positive one nudged (by at most a few units in the last
    place) so that adding them up from the left gives exactly 1.0: then a pair with every
    feature at 1 scores exactly 1, never 1.0000000000000002."""
    adjusted = weights.copy()
    last = int(np.flatnonzero(adjusted > 0)[-1]) if np.any(adjusted > 0) else None
    if last is None:
        return adjusted
    before = 0.0
    for w in adjusted[:last]:
        before += float(w)
    adjusted[last] = 1.0 - before
    if float(sum_columns(adjusted[None, :])[0]) != 1.0:  # pathological weights: keep as given
        return weights.copy()
    return adjusted


def sum_columns(contributions: NDArray[np.float64]) -> NDArray[np.float64]:
    """Row sums added column by column from the left, exactly as Python's ``sum`` adds a row's
    contributions, so an explanation's contributions add up to its score to the last bit."""
    total = np.zeros(contributions.shape[0], dtype=np.float64)
    for j in range(contributions.shape[1]):
        total += contributions[:, j]
    return total
