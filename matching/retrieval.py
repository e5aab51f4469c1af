"""Retrieval: pick the part of a large pool worth scoring in full, so a shortlist stays fast.

Knock-outs and full scoring are vectorised and cheap, so below ``exact_below`` eligible rows
(measured in ``bench/bench_matching.py``: 10,000 candidates score in a few tens of
milliseconds) every eligible row is scored: retrieval is then exact by construction. Above it,
a :class:`VectorIndex` returns the ``retrieve`` rows whose retrieval vector is closest to the
query, and only those are scored.

Retrieval vectors (:func:`retrieval_vectors`) join what the score rewards most and vectors can
carry: the profile-text embedding, the mean embedding of the skills (the candidate's skills;
the vacancy's required skills, optional ones at half weight) and the ISCO unit and minor groups
of the occupations (work history and desired occupations; the vacancy's), weighted as the
cold-start score weighs them (:data:`RETRIEVAL_WEIGHTS`).

:class:`VectorIndex` is exact brute force below ``exact_below`` rows and an inverted file (IVF)
above: k-means centroids over the unit vectors (:func:`spherical_kmeans`), each row in
the list of its nearest centroid, and a query scans the lists of its ``n_probe`` nearest
centroids. Rows added later join their nearest list; the lists are rebuilt when the index has
doubled since it was built.
"""

from __future__ import annotations

import logging
import math
import time
import zlib

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from features.pair_features import CandidateTable, VacancyTable

__all__ = ["RETRIEVAL_WEIGHTS", "VectorIndex", "retrieval_vectors", "spherical_kmeans"]

logger = logging.getLogger(__name__)


def _unit(matrix: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    out: NDArray[np.float32] = (matrix / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


RETRIEVAL_WEIGHTS: dict[str, float] = {"text": 0.08, "skills": 0.34, "occupation": 0.24}
"""Share of each part in a retrieval vector's squared length, as the cold-start score weighs
text similarity, skills and occupation (the factors vectors can carry)."""

_GROUP_DIM = 64
_group_vectors: dict[str, NDArray[np.float32]] = {}


def _group_vector(code: str) -> NDArray[np.float32]:
    """A fixed random unit vector per ISCO group (seeded by its code): the same group gives
    inner product 1, different groups about 0 (± 1/8)."""
    found = _group_vectors.get(code)
    if found is None:
        rng = np.random.default_rng(zlib.crc32(code.encode()))
        found = rng.standard_normal(_GROUP_DIM).astype(np.float32)
        found /= np.linalg.norm(found)
        _group_vectors[code] = found
    return found


def _group_matrix(codes: list[str], prefix: str) -> NDArray[np.float32]:
    if not codes:
        return np.zeros((0, _GROUP_DIM), dtype=np.float32)
    return np.stack([_group_vector(prefix + code) for code in codes])


def _csr(indptr: NDArray[np.int64], cols: NDArray[np.intp], values: NDArray[np.float64],
         n_cols: int) -> sparse.csr_matrix:  # fmt: skip
    return sparse.csr_matrix(
        (values.astype(np.float32), cols, indptr), shape=(len(indptr) - 1, max(n_cols, 1))
    )


def _part(
    matrix: sparse.csr_matrix, rows: NDArray[np.intp], basis: NDArray[np.float32]
) -> NDArray[np.float32]:
    if basis.shape[0] < matrix.shape[1]:  # an empty vocabulary has one dummy column
        basis = np.vstack([basis, np.zeros((matrix.shape[1] - basis.shape[0], basis.shape[1]),
                                           dtype=np.float32)])  # fmt: skip
    return np.asarray(matrix[rows] @ basis, dtype=np.float32)


def _candidate_parts(
    table: CandidateTable, rows: NDArray[np.intp]
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    vocab, n = table.vocab, len(table)
    vectors = vocab.skills.vectors
    indptr, cols, values = table.skills.csr(n)
    skills = _part(_csr(indptr, cols, np.ones(len(cols)), len(vectors)), rows, vectors)
    occupation = np.zeros((len(rows), _GROUP_DIM), dtype=np.float32)
    for level, weight in (("unit", 1.0), ("minor", 0.6)):
        basis = _group_matrix(getattr(vocab, level + "s").items, level[0] + ":")
        for lookups, source_weight in ((table.work, 1.0), (table.desired, 0.7)):
            indptr, cols, values = lookups[level].csr(n)
            part = _part(_csr(indptr, cols, values, len(basis)), rows, basis)
            occupation += weight * source_weight * part
    return skills, occupation


def _vacancy_parts(
    table: VacancyTable, rows: NDArray[np.intp]
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    vocab = table.vocab
    vectors = vocab.skills.vectors
    skills = np.zeros((len(rows), vectors.shape[1]), dtype=np.float32)
    for kind, weight in (("required", 1.0), ("optional", 0.5)):
        ragged = table.required if kind == "required" else table.optional
        keys = table.req[kind]["text"][ragged.indices]
        w = np.full(len(keys), weight)
        skills += _part(_csr(ragged.indptr, keys, w, len(vectors)), rows, vectors)
    occupation = np.zeros((len(rows), _GROUP_DIM), dtype=np.float32)
    ragged = table.occupations
    score = table.occ["score"][ragged.indices]
    for level, weight in (("unit", 1.0), ("minor", 0.6)):
        basis = _group_matrix(getattr(vocab, level + "s").items, level[0] + ":")
        ids = table.occ[level][ragged.indices]
        keep = ids >= 0  # an occupation without a group adds nothing
        matrix = _csr(ragged.indptr, np.where(keep, ids, 0), np.where(keep, score, 0.0),
                      len(basis))  # fmt: skip
        occupation += weight * _part(matrix, rows, basis)
    return skills, occupation


def retrieval_vectors(
    table: CandidateTable | VacancyTable, rows: NDArray[np.intp]
) -> NDArray[np.float32]:
    """(len(rows), 2 × dim + 64) vectors: the text embedding, the mean skill embedding and the
    ISCO groups (a random code per group), each part of unit length (or zero when the record
    has none of it), weighted by :data:`RETRIEVAL_WEIGHTS`."""
    if isinstance(table, CandidateTable):
        skills, occupation = _candidate_parts(table, rows)
    else:
        skills, occupation = _vacancy_parts(table, rows)
    total = sum(RETRIEVAL_WEIGHTS.values())
    parts = [
        _unit(part) * np.float32(math.sqrt(RETRIEVAL_WEIGHTS[name] / total))
        for name, part in (("text", table.vectors[rows]), ("skills", skills),
                           ("occupation", occupation))
    ]  # fmt: skip
    return np.hstack(parts).astype(np.float32)


def spherical_kmeans(
    vectors: NDArray[np.float32],
    k: int,
    *,
    iterations: int = 8,
    sample: int = 50,
    seed: int = 0,
) -> NDArray[np.float32]:
    """``k`` unit centroids of unit vectors (k-means on the sphere: assign by largest inner
    product, centroid = normalised mean), fitted on a random sample of ``sample`` rows per
    centroid.

    Plain numpy on purpose: coarse lists need no more, and it stays fast on a busy machine
    where threaded k-means implementations stall.
    """
    rng = np.random.default_rng(seed)
    x = vectors[rng.choice(len(vectors), min(len(vectors), sample * k), replace=False)]
    centroids = x[rng.choice(len(x), k, replace=False)].copy()
    for _ in range(iterations):
        assign = np.argmax(x @ centroids.T, axis=1)
        order = np.argsort(assign, kind="stable")
        counts = np.bincount(assign, minlength=k)
        present = counts > 0
        starts = (np.cumsum(counts) - counts)[present]
        sums = np.add.reduceat(x[order], starts, axis=0)
        centroids[present] = _unit(sums)
        empty = int((~present).sum())
        if empty:  # restart empty lists at random rows
            centroids[~present] = x[rng.choice(len(x), empty, replace=False)]
    return centroids


class VectorIndex:
    """Inner-product top-m search over rows of a table, exact or IVF (see module docstring).

    Parameters
    ----------
    exact_below:
        Up to this many rows every query is brute force (exact).
    n_lists:
        IVF lists; ``None`` takes about √n.
    n_probe:
        Lists scanned per query (more when they hold fewer than ``m`` allowed rows).
    random_state:
        Seed of the k-means.

    In IVF mode the vectors are stored list by list, so scanning a list reads one contiguous
    block; rows added after the build wait in a tail that every query scans.
    """

    def __init__(
        self,
        *,
        exact_below: int = 50_000,
        n_lists: int | None = None,
        n_probe: int = 24,
        random_state: int = 0,
    ) -> None:
        self.exact_below = exact_below
        self.n_lists = n_lists
        self.n_probe = n_probe
        self.random_state = random_state
        self._vectors: NDArray[np.float32] = np.zeros((0, 0), dtype=np.float32)
        self._centroids: NDArray[np.float32] | None = None
        self._assign: NDArray[np.intp] = np.zeros(0, dtype=np.intp)  # list of each row
        self._order: NDArray[np.intp] = np.zeros(0, dtype=np.intp)  # rows, list by list
        self._offsets: NDArray[np.intp] = np.zeros(1, dtype=np.intp)  # list starts in _order
        self._built = 0  # rows in the lists; later rows are the tail

    def __len__(self) -> int:
        return len(self._vectors)

    @property
    def approximate(self) -> bool:
        """Whether queries go through the IVF lists (True) or brute force (False)."""
        return self._centroids is not None

    def build(self, vectors: NDArray[np.float32]) -> VectorIndex:
        """Index ``vectors`` (row ``i`` = table row ``i``)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._centroids = None
        self._built = len(vectors)
        n_lists = min(len(vectors), self.n_lists or max(8, int(math.sqrt(len(vectors)))))
        if len(vectors) > self.exact_below and n_lists >= 2:
            started = time.perf_counter()
            self._centroids = spherical_kmeans(vectors, n_lists, seed=self.random_state)
            self._assign = self._nearest(vectors)
            self._order = np.argsort(self._assign, kind="stable")
            counts = np.bincount(self._assign, minlength=n_lists)
            self._offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.intp)
            vectors = vectors[self._order]  # stored list by list
            logger.info("IVF index: %d rows in %d lists (%.1f s)", len(vectors), n_lists,
                        time.perf_counter() - started)  # fmt: skip
        self._vectors = vectors
        return self

    def _nearest(self, vectors: NDArray[np.float32]) -> NDArray[np.intp]:
        assert self._centroids is not None
        out = np.empty(len(vectors), dtype=np.intp)
        for start in range(0, len(vectors), 8192):  # bounded memory
            block = vectors[start : start + 8192] @ self._centroids.T
            out[start : start + 8192] = np.argmax(block, axis=1)
        return out

    def _vectors_by_row(self) -> NDArray[np.float32]:
        if self._centroids is None:
            return self._vectors
        by_row = np.empty_like(self._vectors)
        by_row[self._order] = self._vectors[: self._built]
        by_row[self._built :] = self._vectors[self._built :]
        return by_row

    def add(self, vectors: NDArray[np.float32]) -> None:
        """Append rows (the table's next rows, in order)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if not len(self._vectors):
            self.build(vectors)
            return
        grown = len(self._vectors) + len(vectors)
        if grown > max(2 * self._built, self.exact_below) or (
            self._centroids is None and grown > self.exact_below
        ):
            self.build(np.concatenate([self._vectors_by_row(), vectors]))
            return
        self._vectors = np.concatenate([self._vectors, vectors])
        if self._centroids is not None:
            self._assign = np.concatenate([self._assign, self._nearest(vectors)])

    def search(
        self, query: NDArray[np.float32], m: int, allowed: NDArray[np.bool_]
    ) -> NDArray[np.intp]:
        """Up to ``m`` allowed rows with the largest inner product with ``query``, best first."""
        n = len(self._vectors)
        if not n or m <= 0:
            return np.zeros(0, dtype=np.intp)
        allowed = allowed[:n]
        if self._centroids is None:
            rows = np.flatnonzero(allowed)
            sims = np.einsum("ij,j->i", self._vectors, query)[rows]
        else:
            rows, sims = self._scan(query, m, allowed)
        if len(rows) > m:
            top = np.argpartition(-sims, m - 1)[:m]
            rows, sims = rows[top], sims[top]
        return rows[np.argsort(-sims, kind="stable")]

    def _scan(
        self, query: NDArray[np.float32], m: int, allowed: NDArray[np.bool_]
    ) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
        """Allowed rows (and their inner products) of the n_probe lists nearest to the query,
        and of further lists until at least ``m`` allowed rows are seen, and of the tail."""
        assert self._centroids is not None
        order = np.argsort(-(self._centroids @ query))
        sizes = np.bincount(self._assign[allowed], minlength=len(self._centroids))[order]
        enough = int(np.searchsorted(np.cumsum(sizes), m)) + 1
        rows_parts, sims_parts = [], []
        for lst in order[: max(self.n_probe, enough)]:
            start, end = self._offsets[lst], self._offsets[lst + 1]
            if end > start:
                rows_parts.append(self._order[start:end])
                sims_parts.append(np.einsum("ij,j->i", self._vectors[start:end], query))
        if len(self._vectors) > self._built:
            rows_parts.append(np.arange(self._built, len(self._vectors)))
            sims_parts.append(np.einsum("ij,j->i", self._vectors[self._built :], query))
        rows = np.concatenate(rows_parts)
        sims = np.concatenate(sims_parts)
        keep = allowed[rows]
        return rows[keep], sims[keep]
