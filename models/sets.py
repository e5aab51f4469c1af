"""Ranking sets: labelled pairs (plus sampled negatives) as feature matrices, per direction.

A :class:`~models.evaluation.RankingSet` is what a ranker is fitted on and what evaluation
scores. Three kinds are built here:

- :func:`outcome_set`: the pairs graded from outcomes (:mod:`models.labels`), each weighted
  by its inverse position propensity (:mod:`models.propensity`, weights scaled to mean 1), plus
  per group ``negatives_per_group`` sampled pairs graded 0 with weight 1
  (:func:`models.dataset.sample_negatives`). Groups are vacancies (``shortlist``) or
  candidates (``recommend``). Negatives only come from the given pools, and only pairs that
  pass the knock-outs when a rule is given: the service never scores a knocked-out pair, so the
  ranker need not learn to push them down.
- :func:`truth_set`: the evaluation pools of synthetic data with their hidden suitability.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from models.dataset import Eligibility, PairFeaturizer, TruthPairs, sample_negatives
from models.labels import RELEVANT_GRADE, PairLabels
from models.propensity import PositionPropensity

__all__ = [
    "TRUTH_RELEVANT",
    "RankingSet",
    "ScoreFunction",
    "outcome_set",
    "truth_set",
]

TRUTH_RELEVANT = 0.4
"""Hidden suitability from which a pair counts as relevant (synthetic employers start to
interview around it)."""

Progress = Callable[[int, int], None]


class ScoreFunction(Protocol):
    """Anything with ``feature_names`` and ``score(X)``: a ranker, a model or the cold start."""

    feature_names: tuple[str, ...]

    def score(self, X: NDArray[np.float64]) -> NDArray[np.float64]: ...


@dataclass(frozen=True, eq=False)
class RankingSet:
    """Pairs to rank with their relevance: ``X`` (columns ``feature_names``), ids, relevance.

    ``gain`` is ``exponential`` (``2**grade - 1``, outcome grades) or ``linear`` (the value is
    the gain: hidden suitability); a pair is relevant from ``relevant_at`` on. ``source`` says
    where the relevance comes from (``outcomes`` or ``truth``).
    """

    X: NDArray[np.float64]
    feature_names: tuple[str, ...]
    candidate_ids: list[str]
    vacancy_ids: list[str]
    relevance: NDArray[np.float64]
    gain: str
    relevant_at: float
    source: str
    weights: NDArray[np.float64] | None = None
    labelled: NDArray[np.bool_] | None = None
    """Which rows carry an observed label (the rest are sampled negatives)."""

    def __len__(self) -> int:
        return len(self.relevance)

    def groups(self, direction: str) -> NDArray[Any]:
        """Group label per row: the vacancy for ``shortlist``, the candidate for ``recommend``."""
        if direction == "shortlist":
            return np.asarray(self.vacancy_ids)
        if direction == "recommend":
            return np.asarray(self.candidate_ids)
        raise ValueError(f"direction must be 'shortlist' or 'recommend', not {direction!r}")

    def columns_for(self, scorer: ScoreFunction) -> NDArray[np.float64]:
        """``X`` with the columns ``scorer.feature_names`` asks for, in its order."""
        names = tuple(scorer.feature_names)
        if names == self.feature_names:
            return self.X
        missing = [n for n in names if n not in self.feature_names]
        if missing:
            raise ValueError(f"scorer needs features this set lacks: {missing}")
        return self.X[:, [self.feature_names.index(n) for n in names]]

    def concat(self, other: RankingSet) -> RankingSet:
        """Rows of both sets (same features and relevance kind)."""
        if (self.feature_names, self.gain, self.source) != (
            other.feature_names,
            other.gain,
            other.source,
        ):
            raise ValueError("cannot join ranking sets of different kinds")
        return RankingSet(
            X=np.vstack([self.X, other.X]),
            feature_names=self.feature_names,
            candidate_ids=self.candidate_ids + other.candidate_ids,
            vacancy_ids=self.vacancy_ids + other.vacancy_ids,
            relevance=np.concatenate([self.relevance, other.relevance]),
            gain=self.gain,
            relevant_at=self.relevant_at,
            source=self.source,
            weights=_join(self.weights, other.weights, len(self), len(other), 1.0),
            labelled=_join(self.labelled, other.labelled, len(self), len(other), True),
        )


def _join(a: NDArray[Any] | None, b: NDArray[Any] | None, na: int, nb: int, fill: Any) -> Any:
    if a is None and b is None:
        return None
    first = a if a is not None else np.full(na, fill)
    second = b if b is not None else np.full(nb, fill)
    return np.concatenate([first, second])


def outcome_set(
    featurizer: PairFeaturizer,
    labels: PairLabels,
    *,
    direction: str,
    negatives_per_group: int,
    candidate_pool: Sequence[str],
    vacancy_pool: Sequence[str],
    rng: np.random.Generator,
    eligible: Eligibility | None = None,
    propensity: PositionPropensity | None = None,
    progress: Progress | None = None,
) -> RankingSet:
    """The labelled pairs of ``labels`` that the featurizer knows, plus sampled negatives
    grouped by ``direction`` (module docstring)."""
    known_c = set(featurizer.candidates.row_of)
    known_v = set(featurizer.vacancies.row_of)
    keep = np.array([c in known_c and v in known_v for c, v in labels.pairs()], dtype=bool).reshape(
        -1
    )
    labels = labels.take(keep) if len(keep) else labels
    c_ids, v_ids = list(labels.candidate_ids), list(labels.vacancy_ids)
    weights = propensity.weights(labels.ranks) if propensity is not None else np.ones(len(labels))
    if len(weights):
        weights = weights / weights.mean()
    by_vacancy = direction == "shortlist"
    if direction not in ("shortlist", "recommend"):
        raise ValueError(f"direction must be 'shortlist' or 'recommend', not {direction!r}")
    groups = v_ids if by_vacancy else c_ids
    pool = (
        [c for c in candidate_pool if c in known_c]
        if by_vacancy
        else [v for v in vacancy_pool if v in known_v]
    )
    labelled = set(zip(c_ids, v_ids, strict=True))
    neg_c, neg_v = sample_negatives(
        groups, pool, labelled, per_group=2 * negatives_per_group, rng=rng, by_vacancy=by_vacancy
    )
    if neg_c:
        ok = featurizer.eligible(neg_c, neg_v, eligible)
        taken: dict[str, int] = defaultdict(int)
        chosen_c, chosen_v = [], []
        for c, v, passes in zip(neg_c, neg_v, ok.tolist(), strict=True):
            group = v if by_vacancy else c
            if passes and taken[group] < negatives_per_group:
                taken[group] += 1
                chosen_c.append(c)
                chosen_v.append(v)
        neg_c, neg_v = chosen_c, chosen_v
    all_c, all_v = c_ids + neg_c, v_ids + neg_v
    X = featurizer.matrix(all_c, all_v, progress=progress)
    n_neg = len(neg_c)
    return RankingSet(
        X=X,
        feature_names=featurizer.feature_names,
        candidate_ids=all_c,
        vacancy_ids=all_v,
        relevance=np.concatenate([labels.grades.astype(np.float64), np.zeros(n_neg)]),
        gain="exponential",
        relevant_at=float(RELEVANT_GRADE),
        source="outcomes",
        weights=np.concatenate([weights, np.ones(n_neg)]),
        labelled=np.concatenate([np.ones(len(c_ids), bool), np.zeros(n_neg, bool)]),
    )


def truth_set(
    featurizer: PairFeaturizer,
    truth: TruthPairs,
    vacancy_ids: Sequence[str],
    *,
    eligible: Eligibility | None = None,
    progress: Progress | None = None,
) -> RankingSet:
    """The truth pools of ``vacancy_ids`` (pairs the featurizer knows and, with a rule, that
    pass the knock-outs) with their hidden suitability as relevance."""
    wanted = set(vacancy_ids)
    known_c = set(featurizer.candidates.row_of)
    known_v = set(featurizer.vacancies.row_of)
    index = [
        i
        for i, (c, v) in enumerate(zip(truth.candidate_ids, truth.vacancy_ids, strict=True))
        if v in wanted and c in known_c and v in known_v
    ]
    c_ids = [truth.candidate_ids[i] for i in index]
    v_ids = [truth.vacancy_ids[i] for i in index]
    relevance: NDArray[np.float64] = truth.suitability[index]
    if eligible is not None and index:
        ok = featurizer.eligible(c_ids, v_ids, eligible)
        c_ids = [c for c, keep in zip(c_ids, ok.tolist(), strict=True) if keep]
        v_ids = [v for v, keep in zip(v_ids, ok.tolist(), strict=True) if keep]
        relevance = relevance[ok]
    X = featurizer.matrix(c_ids, v_ids, progress=progress)
    return RankingSet(
        X=X,
        feature_names=featurizer.feature_names,
        candidate_ids=c_ids,
        vacancy_ids=v_ids,
        relevance=relevance,
        gain="linear",
        relevant_at=TRUTH_RELEVANT,
        source="truth",
    )
