"""Ranking metrics with known answers, bootstrap intervals, and the written report."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from models.evaluation import EvaluationReport, compare_scorers, group_metrics, write_report
from models.sets import RankingSet


def test_metrics_of_a_known_ranking() -> None:
    # one group, relevance (grades) in the order the scores put them: 3, 0, 5, 0, 0, 0
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    grades = np.array([3.0, 0.0, 5.0, 0.0, 0.0, 0.0])
    _, m = group_metrics(scores, grades, np.zeros(6), gain="exponential", relevant_at=3)
    dcg = 7 / math.log2(2) + 31 / math.log2(4)
    idcg = 31 / math.log2(2) + 7 / math.log2(3)
    assert m["ndcg@10"][0] == pytest.approx(dcg / idcg)
    assert m["mrr"][0] == 1.0
    assert m["recall@10"][0] == 1.0
    assert m["precision@5"][0] == pytest.approx(2 / 5)


def test_perfect_and_reversed_orders_per_group() -> None:
    relevance = np.array([0.9, 0.5, 0.0, 0.8, 0.0, 0.0])
    groups = np.array(["a", "a", "a", "b", "b", "b"])
    labels, best = group_metrics(relevance, relevance, groups, gain="linear", relevant_at=0.4)
    assert labels == ["a", "b"]
    assert best["ndcg@10"].tolist() == [1.0, 1.0]
    _, worst = group_metrics(-relevance, relevance, groups, gain="linear", relevant_at=0.4)
    assert worst["mrr"].tolist() == [1 / 2, 1 / 3]
    assert (worst["ndcg@10"] < 1).all()


def test_groups_without_relevant_pairs_are_left_out() -> None:
    _, m = group_metrics(
        np.array([1.0, 0.0]), np.zeros(2), np.zeros(2), gain="exponential", relevant_at=3
    )
    assert all(math.isnan(m[name][0]) for name in m)


def test_ties_gain_nothing_from_row_order() -> None:
    # a constant scorer ties everything: relevant rows first or last must not matter
    relevance = np.array([1.0] * 5 + [0.0] * 45)
    groups = np.zeros(50)
    _, first = group_metrics(np.zeros(50), relevance, groups, gain="linear", relevant_at=0.5)
    _, last = group_metrics(
        np.zeros(50), relevance[::-1].copy(), groups, gain="linear", relevant_at=0.5
    )
    assert first["precision@5"][0] < 1.0
    assert last["precision@5"][0] < 1.0


class _Column:
    def __init__(self, j: int, names: tuple[str, ...]) -> None:
        self.j, self.feature_names = j, names

    def score(self, X: np.ndarray) -> np.ndarray:
        return X[:, self.j]


def _set(n_groups: int = 30, seed: int = 0) -> RankingSet:
    rng = np.random.default_rng(seed)
    n = n_groups * 20
    relevance = rng.random(n)
    X = np.column_stack([relevance + rng.normal(0, 0.1, n), rng.random(n)])
    return RankingSet(
        X=X,
        feature_names=("good", "noise"),
        candidate_ids=[f"K{i}" for i in range(n)],
        vacancy_ids=[f"V{i // 20}" for i in range(n)],
        relevance=relevance,
        gain="linear",
        relevant_at=0.8,
        source="truth",
    )


def test_compare_gives_intervals_and_paired_differences() -> None:
    data = _set()
    names = data.feature_names
    result = compare_scorers(
        {"good": _Column(0, names), "cold-start": _Column(1, names)},
        data,
        "shortlist",
        n_bootstrap=300,
    )
    good, noise = result.metrics["good"]["ndcg@10"], result.metrics["cold-start"]["ndcg@10"]
    assert good.low <= good.value <= good.high
    assert good.n == result.n_groups == 30
    diff = result.differences["good"]["ndcg@10"]
    assert diff.value == pytest.approx(good.value - noise.value)
    assert diff.low > 0  # the better scorer wins beyond its interval
    same = compare_scorers(
        {"a": _Column(1, names), "cold-start": _Column(1, names)},
        data,
        "shortlist",
        n_bootstrap=100,
    )
    assert same.differences["a"]["ndcg@10"].to_json()["value"] == 0.0


def test_report_is_written_with_plots(tmp_path: Path) -> None:
    data = _set(n_groups=8)
    names = data.feature_names
    comparison = compare_scorers(
        {"good": _Column(0, names), "cold-start": _Column(1, names)},
        data,
        "recommend",
        n_bootstrap=50,
    )
    report = EvaluationReport(
        "Evaluation of test", [comparison], importance={"good": 0.9, "noise": 0.1}
    )
    paths = write_report(report, tmp_path / "report")
    for name in ("report.md", "metrics.json", "metrics.png", "scores.png", "importance.png"):
        assert paths[name].is_file() and paths[name].stat().st_size > 0
    text = paths["report.md"].read_text()
    assert "| good |" in text and "ndcg@10" in text and "![metrics](metrics.png)" in text
    assert "recommend" in report.text()
