"""Position bias: how likely a proposal at each shortlist position was looked at all.

Outcomes exist only for proposed candidates, and a proposal low on a list is less often passed
on to the employer: an outcome at position 12 was less likely to be *observed* than one at
position 1, whatever the fit. A ranker trained on the raw outcomes learns the old list order
back (a feedback loop). We correct with **inverse propensity weighting by the shown rank**
(``Outcome.rank``): each labelled pair weighs ``1 / p(rank)``, where ``p(rank)`` is the chance
that a proposal at that position was passed on.

Why this and not a logged exploration share: the history holds no randomised lists to learn
from, while the propensity can be estimated from what is logged. A ``withdrawn`` proposal
(pulled by the municipality: ``shortlist_cut``, ``vacancy_filled``) was never shown to the
employer, and that decision depends on the position, not on the fit. So

    p(rank) = introduced-or-later / (introduced-or-later + withdrawn by the municipality)

per position, made non-increasing in the rank (isotonic regression, weighted by the counts),
floored at ``min_propensity`` and with the weights capped at ``max_weight`` (clipped IPS: a
few low positions must not dominate the training). Declined proposals (the candidate said no
before the employer could look) and ``candidate_unavailable`` are left out of the estimate.
Once the service shows its own lists with a small exploration share, the same estimate can be
made from those positions instead.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.isotonic import IsotonicRegression

from features.records import Outcome
from features.vocabulary import OutcomeStatus

__all__ = ["MUNICIPALITY_WITHDRAWALS", "PositionPropensity", "estimate_propensity"]

MUNICIPALITY_WITHDRAWALS = frozenset({"shortlist_cut", "vacancy_filled"})
"""Withdrawal reasons that mean: the municipality did not pass the proposal on."""

_PASSED_ON = {OutcomeStatus.INTRODUCED, OutcomeStatus.INTERVIEW, OutcomeStatus.HIRED}


@dataclass(frozen=True)
class PositionPropensity:
    """``p(rank)`` per shortlist position (1-based) and the weights it gives.

    ``by_rank[r - 1]`` is the propensity at position ``r``; positions beyond the last known one
    take the last value; an unknown position (0) weighs 1.
    """

    by_rank: tuple[float, ...] = ()
    counts: tuple[int, ...] = ()
    min_propensity: float = 0.05
    max_weight: float = 10.0

    def propensity(self, ranks: NDArray[np.int64]) -> NDArray[np.float64]:
        """``p(rank)`` for each rank (1 for rank 0 or when nothing was estimated)."""
        ranks = np.asarray(ranks, dtype=np.int64)
        if not self.by_rank:
            return np.ones(len(ranks))
        table = np.array(self.by_rank, dtype=np.float64)
        index = np.clip(ranks - 1, 0, len(table) - 1)
        return np.where(ranks > 0, table[index], 1.0)

    def weights(self, ranks: NDArray[np.int64]) -> NDArray[np.float64]:
        """``min(1 / p(rank), max_weight)`` per rank; 1 for an unknown rank."""
        p = np.maximum(self.propensity(ranks), self.min_propensity)
        return np.minimum(1.0 / p, self.max_weight)

    def to_json(self) -> dict[str, Any]:
        return {
            "method": "inverse propensity by shown rank (withdrawals by the municipality)",
            "by_rank": [round(p, 6) for p in self.by_rank],
            "counts": list(self.counts),
            "min_propensity": self.min_propensity,
            "max_weight": self.max_weight,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PositionPropensity:
        return cls(
            by_rank=tuple(float(p) for p in data.get("by_rank", ())),
            counts=tuple(int(c) for c in data.get("counts", ())),
            min_propensity=float(data.get("min_propensity", 0.05)),
            max_weight=float(data.get("max_weight", 10.0)),
        )


def estimate_propensity(
    outcomes: Iterable[Outcome],
    *,
    until: dt.datetime,
    min_propensity: float = 0.05,
    max_weight: float = 10.0,
    min_count: int = 5,
) -> PositionPropensity:
    """Estimate ``p(rank)`` from the pairs proposed before ``until`` (module docstring).

    Each position weighs by its count in the isotonic fit, so rare positions borrow from their
    neighbours; with fewer than ``min_count`` usable pairs the propensity is 1 everywhere (no
    correction).
    """
    status_of: dict[tuple[str, str], tuple[int, bool | None]] = {}
    events: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.at < until:
            events[(outcome.candidate_id, outcome.vacancy_id)].append(outcome)
    for key, pair in events.items():
        shown_at = [e.rank for e in pair if e.rank is not None]
        if not shown_at:
            continue
        passed: bool | None = None
        for event in sorted(pair, key=lambda e: e.at):
            if event.status in _PASSED_ON:
                passed = True
                break
            if event.status is OutcomeStatus.WITHDRAWN:
                passed = False if (event.reason or "") in MUNICIPALITY_WITHDRAWALS else None
                break
            if event.status in (OutcomeStatus.DECLINED, OutcomeStatus.REJECTED):
                break
        status_of[key] = (min(shown_at), passed)
    shown: dict[int, int] = defaultdict(int)
    total: dict[int, int] = defaultdict(int)
    for position, passed in status_of.values():
        if passed is None:
            continue
        total[position] += 1
        shown[position] += int(passed)
    if not total or sum(total.values()) < min_count:
        return PositionPropensity(min_propensity=min_propensity, max_weight=max_weight)
    last = max(total)
    ranks = np.arange(1, last + 1)
    n = np.array([total.get(int(r), 0) for r in ranks], dtype=np.float64)
    k = np.array([shown.get(int(r), 0) for r in ranks], dtype=np.float64)
    seen = n > 0
    rate = np.divide(k, n, out=np.ones_like(n), where=seen)
    iso = IsotonicRegression(increasing=False, y_min=min_propensity, y_max=1.0)
    iso.fit(ranks[seen], rate[seen], sample_weight=n[seen])
    fitted = np.clip(iso.predict(ranks), min_propensity, 1.0)
    return PositionPropensity(
        by_rank=tuple(float(p) for p in fitted),
        counts=tuple(int(c) for c in n),
        min_propensity=min_propensity,
        max_weight=max_weight,
    )
