"""The cold-start scorer: documented weights, exact contributions, bad weights refused."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from features.pair_features import FEATURE_NAMES
from matching.scoring import COLD_START_WEIGHTS, ColdStartScorer, Scorer

N = len(FEATURE_NAMES)


def test_weights_cover_every_feature_and_sum_to_one() -> None:
    assert tuple(COLD_START_WEIGHTS) == FEATURE_NAMES
    assert math.isclose(math.fsum(COLD_START_WEIGHTS.values()), 1.0)
    assert all(w >= 0 for w in COLD_START_WEIGHTS.values())


def test_is_a_scorer() -> None:
    scorer = ColdStartScorer()
    assert isinstance(scorer, Scorer)
    assert scorer.name == "cold-start-v1"
    assert scorer.feature_names == FEATURE_NAMES


def test_known_values() -> None:
    scorer = ColdStartScorer()
    X = np.zeros((3, N))
    X[1, :] = 1.0
    X[2, FEATURE_NAMES.index("travel_time")] = 0.5
    assert scorer.score(X).tolist() == [0.0, 1.0, 0.04]


@given(arrays(np.float64, (5, N), elements=st.floats(-0.5, 1.5)))
def test_contributions_add_up_exactly_and_score_stays_in_range(X: np.ndarray) -> None:
    scorer = ColdStartScorer()
    scores = scorer.score(X)
    contributions = scorer.contributions(X)
    assert np.all((scores >= 0) & (scores <= 1))
    for row, score in zip(contributions, scores, strict=True):
        assert sum(float(c) for c in row) == float(score)  # Python's sum, as explanations add


@given(
    arrays(np.float64, (1, N), elements=st.floats(0, 1)),
    st.integers(0, N - 1),
    st.floats(0, 1),
)
def test_monotone(X: np.ndarray, feature: int, increase: float) -> None:
    scorer = ColdStartScorer()
    higher = X.copy()
    higher[0, feature] = min(1.0, X[0, feature] + increase)
    assert scorer.score(higher)[0] >= scorer.score(X)[0]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"travel_time": 0.5, "hours_fit": 0.4}, "sum to 1"),
        ({"travel_time": 1.2, "hours_fit": -0.2}, "non-negative"),
        ({"travel_time": 0.5, "birth_year": 0.5}, "unknown features"),
    ],
)
def test_bad_weights_are_refused(weights: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ColdStartScorer(weights)


def test_custom_weights_select_their_features() -> None:
    scorer = ColdStartScorer({"travel_time": 0.75, "hours_fit": 0.25})
    assert scorer.feature_names == ("travel_time", "hours_fit")
    assert scorer.score(np.array([[1.0, 0.0]])).tolist() == [0.75]
    with pytest.raises(ValueError, match="feature matrix"):
        scorer.score(np.ones((1, 3)))
