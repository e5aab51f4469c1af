"""Position propensity from withdrawals: lower positions are passed on less often."""

from __future__ import annotations

import datetime as dt

import numpy as np

from models.propensity import PositionPropensity, estimate_propensity
from tests.models.helpers import outcome

UNTIL = dt.datetime(2025, 7, 1)


def _history(passed_by_rank: dict[int, tuple[int, int]]) -> list[object]:
    """For each rank: (passed on, withdrawn by the municipality) proposals."""
    events = []
    n = 0
    for rank, (passed, withdrawn) in passed_by_rank.items():
        for k in range(passed + withdrawn):
            n += 1
            who = f"K{n}"
            events.append(outcome("proposed", "2025-01-06", candidate=who, rank=rank))
            if k < passed:
                events.append(outcome("introduced", "2025-01-08", candidate=who, rank=rank))
            else:
                events.append(
                    outcome(
                        "withdrawn", "2025-01-08", candidate=who, rank=rank, reason="shortlist_cut"
                    )
                )
    # a decline and an unavailable candidate say nothing about the position
    events.append(outcome("proposed", "2025-01-06", candidate="D", rank=1))
    events.append(outcome("declined", "2025-01-07", candidate="D", rank=1, reason="pay"))
    events.append(outcome("proposed", "2025-01-06", candidate="U", rank=1))
    events.append(
        outcome("withdrawn", "2025-01-07", candidate="U", rank=1, reason="candidate_unavailable")
    )
    return events


def test_propensity_is_the_share_passed_on_per_position() -> None:
    events = _history({1: (10, 0), 2: (8, 2), 3: (5, 5)})
    found = estimate_propensity(events, until=UNTIL)  # type: ignore[arg-type]
    assert found.by_rank == (1.0, 0.8, 0.5)
    assert found.counts == (10, 10, 10)
    weights = found.weights(np.array([1, 2, 3, 7, 0]))
    assert weights.tolist() == [1.0, 1.25, 2.0, 2.0, 1.0]  # beyond the last: the last; 0: 1


def test_propensity_never_rises_with_the_position() -> None:
    events = _history({1: (6, 4), 2: (9, 1), 3: (2, 8)})  # noisy: position 2 looks better
    found = estimate_propensity(events, until=UNTIL)  # type: ignore[arg-type]
    assert all(a >= b for a, b in zip(found.by_rank, found.by_rank[1:], strict=False))
    assert found.by_rank[0] == found.by_rank[1] == 0.75


def test_weights_are_capped_and_events_after_the_cutoff_ignored() -> None:
    events = _history({1: (10, 0), 2: (0, 10)})
    found = estimate_propensity(events, until=UNTIL, max_weight=4.0)  # type: ignore[arg-type]
    assert found.weights(np.array([2])).tolist() == [4.0]
    nothing = estimate_propensity(events, until=dt.datetime(2024, 1, 1))  # type: ignore[arg-type]
    assert nothing.weights(np.array([1, 5])).tolist() == [1.0, 1.0]


def test_propensity_survives_json() -> None:
    found = estimate_propensity(_history({1: (9, 1), 2: (5, 5)}), until=UNTIL)  # type: ignore[arg-type]
    again = PositionPropensity.from_json(found.to_json())
    assert again.weights(np.array([1, 2])).tolist() == found.weights(np.array([1, 2])).tolist()
