"""Retrieval: the vector index (exact and IVF) and the Matcher's use of it."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from matching.matcher import Matcher, RetrievalSettings
from matching.retrieval import VectorIndex, retrieval_vectors


def _clustered(n: int, dim: int = 32, clusters: int = 40, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim))
    points = centres[rng.integers(0, clusters, n)] + 0.3 * rng.standard_normal((n, dim))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def _brute(vectors: np.ndarray, query: np.ndarray, m: int, allowed: np.ndarray) -> set[int]:
    rows = np.flatnonzero(allowed)
    sims = vectors[rows] @ query
    return set(rows[np.argsort(-sims)[:m]].tolist())


def test_exact_index_is_brute_force() -> None:
    vectors = _clustered(500)
    index = VectorIndex(exact_below=1000).build(vectors)
    assert not index.approximate
    allowed = np.ones(500, dtype=bool)
    allowed[::3] = False
    found = index.search(vectors[7], 20, allowed)
    assert set(found.tolist()) == _brute(vectors, vectors[7], 20, allowed)
    assert not set(found.tolist()) & set(range(0, 500, 3))
    sims = vectors[found] @ vectors[7]
    assert np.all(np.diff(sims) <= 0)  # best first


def test_ivf_recall_and_allowed_rows() -> None:
    vectors = _clustered(3000)
    index = VectorIndex(exact_below=1000, n_probe=8).build(vectors)
    assert index.approximate
    rng = np.random.default_rng(1)
    allowed = rng.random(3000) < 0.7
    recalls = []
    for q in rng.integers(0, 3000, 30):
        found = index.search(vectors[q], 10, allowed)
        assert allowed[found].all()
        recalls.append(len(set(found.tolist()) & _brute(vectors, vectors[q], 10, allowed)) / 10)
    assert np.mean(recalls) >= 0.98


def test_ivf_scans_further_lists_until_enough_rows() -> None:
    vectors = _clustered(1500)
    index = VectorIndex(exact_below=100, n_probe=1).build(vectors)
    allowed = np.zeros(1500, dtype=bool)
    allowed[:50] = True
    assert len(index.search(vectors[0], 40, allowed)) == 40


def test_added_rows_are_found() -> None:
    vectors = _clustered(1300)
    index = VectorIndex(exact_below=1000).build(vectors[:1200])
    assert index.approximate
    index.add(vectors[1200:1300])
    assert len(index) == 1300
    allowed = np.zeros(1300, dtype=bool)
    allowed[1250] = True
    assert index.search(vectors[1250], 5, allowed).tolist() == [1250]


def test_retrieval_vectors_are_unit_length(matcher: Matcher) -> None:
    rows = matcher.candidates.active_rows()
    vectors = retrieval_vectors(matcher.candidates, rows)
    dim = matcher.candidates.vectors.shape[1]
    assert vectors.shape == (len(rows), 2 * dim + 64)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # the best warehouse candidate is the nearest to the warehouse vacancy
    query = retrieval_vectors(matcher.vacancies, np.array([matcher.vacancies.row_of["V-MAG"]]))
    nearest = rows[np.argmax(vectors @ query[0])]
    assert matcher.candidates.ids[nearest] == "C-01"


def test_shortlist_through_retrieval(build_world: Callable[..., Matcher]) -> None:
    exhaustive = build_world()
    # retrieval from two eligible rows on: every list goes through the vector index
    retrieving = build_world(
        retrieval=RetrievalSettings(exact_below=2, retrieve=4, index_exact_below=0, n_probe=2)
    )
    assert retrieving._candidate_index.approximate
    for vacancy in ("V-MAG", "V-KOK", "V-GRO"):
        full = exhaustive.shortlist(vacancy, top_k=3)
        fast = retrieving.shortlist(vacancy, top_k=3)
        assert fast.excluded == full.excluded  # knock-outs always count the whole pool
        assert fast.pool_size == full.pool_size
        assert len(fast.matches) == 3
        assert fast.matches[0].candidate_id == full.matches[0].candidate_id
        assert {m.candidate_id for m in fast.matches} <= {
            m.candidate_id for m in exhaustive.shortlist(vacancy, top_k=20).matches
        }
