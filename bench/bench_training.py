"""Ranker training time and scoring throughput on 1,000,000 pair rows.

Figures (target in brackets):

- LambdaMART (LightGBM lambdarank, the default hyper-parameters of training: 200 trees of 15
  leaves, monotone constraints) fitted on 1,000,000 pair rows in 10,000 groups of 100, with
  one thread and with two (<= 3 minutes on 2 cores); the pointwise ranker with one thread.
  On a machine shared with other work one thread is often faster: LightGBM's OpenMP threads
  wait for each other;
- scoring throughput, pairs per second: ``score`` (what a shortlist calls for every eligible
  pair) on the 1,000,000 rows, one thread and two;
- ``contributions`` (exact TreeSHAP, what an explanation calls for the top 10) in pairs per
  second on 10,000 rows, and per top-10 call;
- saving and loading the model artifact (checksums included).

The feature matrix is synthetic (uniform features, graded relevance planted from a few of
them, seeded): training time depends on rows, features, groups and trees, not on where the
values come from.

Run: ``python -m bench training`` (or ``python -m bench.bench_training [rows] [threads]``).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from features.pair_features import FEATURE_NAMES
from models.rankers import LambdaMARTRanker, PointwiseRanker

ROWS = 1_000_000
GROUP = 100
SEED = 5


def _problem(rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    X = rng.random((rows, len(FEATURE_NAMES)))
    column = {name: j for j, name in enumerate(FEATURE_NAMES)}
    signal = (
        3.0 * X[:, column["skills_essential_semantic"]]
        + 1.5 * X[:, column["occupation_same_work"]]
        + 1.0 * X[:, column["travel_time"]]
        + 0.5 * X[:, column["education_fit"]]
        + rng.normal(0.0, 0.5, rows)
    )
    grades = np.clip(np.floor(signal), 0, 5).astype(np.int64)
    groups = np.arange(rows) // GROUP
    return X, grades, groups


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} pairs/s"


def main(rows: int = ROWS, threads: int = 2) -> None:
    X, y, groups = _problem(rows)
    print(f"rows: {rows:,} in {rows // GROUP:,} groups of {GROUP}, {X.shape[1]} features")
    ranker = None
    runs = [(LambdaMARTRanker, 1), (LambdaMARTRanker, threads), (PointwiseRanker, 1)]
    for kind, jobs in dict.fromkeys(runs):
        started = time.perf_counter()
        fitted = kind(n_jobs=jobs).fit(X, y, groups=groups)
        seconds = time.perf_counter() - started
        target = "ok" if seconds <= 180 else "OVER the 3 min target"
        print(f"fit {fitted.kind:<10} ({jobs} thread{'s' if jobs > 1 else ''}): "
              f"{seconds:7.1f} s  [{target}]", flush=True)  # fmt: skip
        if ranker is None:
            ranker = fitted
    assert ranker is not None
    for jobs in dict.fromkeys((1, threads)):
        ranker.n_jobs = jobs
        started = time.perf_counter()
        ranker.score(X)
        print(f"score ({jobs} thread{'s' if jobs > 1 else ''}): "
              f"{_rate(rows, time.perf_counter() - started)}", flush=True)  # fmt: skip
    ranker.n_jobs = 1
    sample = X[:10_000]
    started = time.perf_counter()
    ranker.contributions(sample)
    print(
        f"contributions (TreeSHAP, 1 thread): {_rate(len(sample), time.perf_counter() - started)}"
    )
    small = X[:10]
    started = time.perf_counter()
    for _ in range(100):
        ranker.contributions(small)
    print(f"contributions of a top 10: {(time.perf_counter() - started) * 10:.2f} ms per call")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        folder = ranker.save(Path(tmp) / "ranker")
        saved = time.perf_counter() - started
        started = time.perf_counter()
        LambdaMARTRanker.load(folder)
        print(f"artifact: save {saved * 1000:.0f} ms, verify + load "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else ROWS,
        int(sys.argv[2]) if len(sys.argv) > 2 else 2,
    )
