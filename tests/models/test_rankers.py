"""The LightGBM rankers: estimator conventions, the Scorer protocol, policy and round trips."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from features.errors import ArtifactError
from features.pair_features import FEATURE_NAMES
from models.evaluation import group_metrics
from models.rankers import (
    MONOTONE_INCREASING,
    LambdaMARTRanker,
    PointwiseRanker,
    refuse_protected,
)
from tests.models.helpers import COLUMN, ranking_problem


@pytest.fixture(scope="module")
def problem() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return ranking_problem()


@pytest.fixture(scope="module")
def ranker(problem: tuple[np.ndarray, np.ndarray, np.ndarray]) -> LambdaMARTRanker:
    X, y, groups = problem
    return LambdaMARTRanker(n_estimators=60, min_child_samples=5).fit(X, y, groups=groups)


def _ndcg(scores: np.ndarray, y: np.ndarray, groups: np.ndarray) -> float:
    _, metrics = group_metrics(scores, y.astype(float), groups, gain="exponential", relevant_at=3)
    return float(np.nanmean(metrics["ndcg@10"]))


@pytest.mark.parametrize("kind", [LambdaMARTRanker, PointwiseRanker])
def test_rankers_learn_the_planted_order(kind: type[LambdaMARTRanker]) -> None:
    X, y, groups = ranking_problem(seed=0)
    X_new, y_new, groups_new = ranking_problem(seed=1)
    fitted = kind(n_estimators=60, min_child_samples=5).fit(X, y, groups=groups)
    learned = _ndcg(fitted.predict(X_new), y_new, groups_new)
    noise = _ndcg(X_new[:, COLUMN["hours_fit"]], y_new, groups_new)
    assert learned > 0.85 > noise


def test_score_is_in_range_and_keeps_the_order_of_predict(
    ranker: LambdaMARTRanker, problem: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    X = problem[0]
    scores, raw = ranker.score(X), ranker.predict(X)
    assert ((scores > 0) & (scores < 1)).all()
    order = np.argsort(raw, kind="stable")
    assert (np.diff(scores[order]) >= 0).all()


def test_contributions_add_up_to_the_score_exactly(
    ranker: LambdaMARTRanker, problem: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    X = problem[0][:200]
    contributions = ranker.contributions(X)
    scores = ranker.score(X)
    assert contributions.shape == (200, len(FEATURE_NAMES))
    for row, score in zip(contributions, scores, strict=True):
        assert sum(row.tolist()) == score
    # the strongest planted factor explains the most on average
    mean = np.abs(contributions).mean(axis=0)
    assert int(np.argmax(mean)) == COLUMN["skills_essential_semantic"]


def test_scores_do_not_depend_on_the_batch(
    ranker: LambdaMARTRanker, problem: tuple[np.ndarray, ...]
) -> None:
    X = problem[0]
    assert ranker.score(X)[17:23].tolist() == ranker.score(X[17:23]).tolist()
    assert ranker.score(X[5:6])[0] == ranker.score(X)[5]


@settings(max_examples=40, deadline=None)
@given(
    row=st.integers(0, 999),
    feature=st.sampled_from(sorted(MONOTONE_INCREASING)),
    value=st.floats(0.0, 1.0),
)
def test_a_better_fit_never_lowers_the_score(
    ranker: LambdaMARTRanker,
    problem: tuple[np.ndarray, ...],
    row: int,
    feature: str,
    value: float,
) -> None:
    x = problem[0][row : row + 1].copy()
    higher = x.copy()
    j = COLUMN[feature]
    higher[0, j] = max(x[0, j], value)
    assert ranker.score(higher)[0] >= ranker.score(x)[0]


def test_more_required_skills_covered_never_lowers_the_score(ranker: LambdaMARTRanker) -> None:
    X = np.tile(np.random.default_rng(3).random(len(FEATURE_NAMES)), (11, 1))
    for name in ("skills_essential_exact", "skills_essential_semantic"):
        X[:, COLUMN[name]] = np.linspace(0.0, 1.0, 11)
    assert (np.diff(ranker.score(X)) >= 0).all()


def test_protected_attributes_are_never_features() -> None:
    X, y, groups = ranking_problem(n_groups=5, per_group=10)
    names = list(FEATURE_NAMES)
    names[-1] = "birth_year"
    with pytest.raises(ValueError, match="protected"):
        LambdaMARTRanker(feature_names=tuple(names)).fit(X, y, groups=groups)
    with pytest.raises(ValueError, match="protected"):
        refuse_protected(["travel_time", "migration_background"])
    refuse_protected(FEATURE_NAMES)  # language_fit is not 'age'


def test_same_seed_same_model_and_rows_need_not_be_sorted(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    X, y, groups = problem
    first = LambdaMARTRanker(n_estimators=30, random_state=7).fit(X, y, groups=groups)
    again = clone(first).fit(X, y, groups=groups)
    assert first.predict(X).tolist() == again.predict(X).tolist()
    shuffled = np.random.default_rng(0).permutation(len(X))
    other = LambdaMARTRanker(n_estimators=30, random_state=7).fit(
        X[shuffled], y[shuffled], groups=groups[shuffled]
    )
    assert _ndcg(other.predict(X), y, groups) == pytest.approx(
        _ndcg(first.predict(X), y, groups), abs=0.02
    )


def test_bad_input_is_refused_clearly(problem: tuple[np.ndarray, ...]) -> None:
    X, y, groups = problem
    with pytest.raises(ValueError, match="feature matrix"):
        LambdaMARTRanker().fit(X[:, :5], y, groups=groups)
    with pytest.raises(ValueError, match="graded relevance"):
        LambdaMARTRanker().fit(X, y - 1, groups=groups)
    with pytest.raises(ValueError, match="groups"):
        LambdaMARTRanker().fit(X, y, groups=groups[:-1])
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LambdaMARTRanker().fit(bad, y, groups=groups)


def test_round_trip_in_a_fresh_process_gives_identical_scores(
    ranker: LambdaMARTRanker, problem: tuple[np.ndarray, ...], tmp_path: Path
) -> None:
    X = problem[0]
    ranker.save(tmp_path / "ranker")
    np.save(tmp_path / "X.npy", X)
    script = textwrap.dedent(
        f"""
        import numpy as np
        from models.rankers import LambdaMARTRanker
        ranker = LambdaMARTRanker.load({str(tmp_path / "ranker")!r})
        X = np.load({str(tmp_path / "X.npy")!r})
        np.save({str(tmp_path / "scores.npy")!r}, ranker.score(X))
        np.save({str(tmp_path / "contributions.npy")!r}, ranker.contributions(X[:50]))
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    assert np.load(tmp_path / "scores.npy").tolist() == ranker.score(X).tolist()
    assert np.array_equal(np.load(tmp_path / "contributions.npy"), ranker.contributions(X[:50]))


def test_a_changed_byte_is_refused(ranker: LambdaMARTRanker, tmp_path: Path) -> None:
    folder = ranker.save(tmp_path / "ranker")
    model = folder / "ranker.txt"
    data = bytearray(model.read_bytes())
    position = data.index(b"leaf_value=") + len("leaf_value=")
    data[position] = ord("9") if data[position] != ord("9") else ord("8")
    model.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match=r"ranker\.txt does not match the checksum"):
        LambdaMARTRanker.load(folder)
