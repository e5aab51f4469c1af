"""Graded labels from outcomes: every grade, the exclusions, and no information from after
the cut-off."""

from __future__ import annotations

import datetime as dt

import pytest

from models.labels import GRADES, grade_pair, label_outcomes
from tests.models.helpers import outcome

UNTIL = dt.datetime(2025, 7, 1)


def grade(*events: object, until: dt.datetime = UNTIL) -> tuple[int | None, str]:
    return grade_pair(list(events), until=until)  # type: ignore[arg-type]


def test_hired_and_lasting_is_the_best_grade() -> None:
    assert grade(
        outcome("proposed", "2024-09-02"),
        outcome("introduced", "2024-09-05"),
        outcome("interview", "2024-09-12"),
        outcome("hired", "2024-09-20", days=400),
    ) == (GRADES["hired_lasting"], "hired_lasting")


def test_a_hire_ending_within_six_months_is_only_hired() -> None:
    assert grade(outcome("proposed", "2024-09-02"), outcome("hired", "2024-09-20", days=90)) == (
        GRADES["hired"],
        "hired",
    )


def test_lasting_is_not_known_before_180_days_have_passed_at_the_cutoff() -> None:
    # hired 2025-03-03: 120 days before the cut-off; the export says 300 days, but at the cut-off
    # nobody could know that yet
    events = (outcome("proposed", "2025-02-20"), outcome("hired", "2025-03-03", days=300))
    assert grade(*events) == (GRADES["hired"], "hired")
    assert grade(*events, until=dt.datetime(2026, 1, 1)) == (
        GRADES["hired_lasting"],
        "hired_lasting",
    )


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ("interview", GRADES["interview"]),
        ("introduced", GRADES["introduced"]),
        ("proposed", GRADES["proposed"]),
    ],
)
def test_the_furthest_stage_reached_decides(last: str, expected: int) -> None:
    stages = ["proposed", "introduced", "interview"]
    events = [
        outcome(s, f"2024-10-0{i + 1}") for i, s in enumerate(stages[: stages.index(last) + 1])
    ]
    assert grade(*events)[0] == expected


@pytest.mark.parametrize("reason", ["skills_mismatch", "travel_distance", None, "whatever"])
def test_rejections_about_the_fit_are_negatives(reason: str | None) -> None:
    events = (
        outcome("proposed", "2024-10-01"),
        outcome("introduced", "2024-10-03"),
        outcome("rejected", "2024-10-10", reason=reason),
    )
    assert grade(*events)[0] == GRADES["negative"]


def test_declined_for_travel_or_interest_is_a_negative() -> None:
    for reason in ("travel_time", "working_hours", "not_interested"):
        events = (
            outcome("proposed", "2024-10-01"),
            outcome("declined", "2024-10-02", reason=reason),
        )
        assert grade(*events) == (0, f"declined:{reason}")


def test_reasons_not_about_the_fit_keep_the_stage_reached() -> None:
    interviewed = (
        outcome("proposed", "2024-10-01"),
        outcome("introduced", "2024-10-03"),
        outcome("interview", "2024-10-10"),
    )
    chosen_other = outcome("rejected", "2024-10-20", reason="other_candidate_chosen")
    assert grade(*interviewed, chosen_other) == (3, "rejected:other_candidate_chosen")
    assert grade(*interviewed, outcome("declined", "2024-10-20", reason="pay"))[0] == 3


def test_withdrawn_and_barrier_reasons_get_no_label() -> None:
    assert grade(
        outcome("proposed", "2024-10-01"),
        outcome("withdrawn", "2024-10-02", reason="shortlist_cut"),
    ) == (None, "withdrawn")
    for reason in ("health", "childcare"):
        assert grade(
            outcome("proposed", "2024-10-01"), outcome("declined", "2024-10-02", reason=reason)
        ) == (None, f"declined:{reason}")


def test_a_story_still_going_at_the_cutoff_is_pending() -> None:
    assert grade(outcome("proposed", "2025-06-20")) == (None, "pending")
    assert grade(outcome("proposed", "2025-05-01"))[0] == GRADES["proposed"]


def test_events_after_the_cutoff_are_never_read() -> None:
    events = [
        outcome("proposed", "2025-05-01"),
        outcome("introduced", "2025-05-20"),
        outcome("hired", "2025-07-15", days=200),  # after the cut-off
    ]
    assert grade(*events) == (GRADES["introduced"], "introduced")


def test_label_outcomes_splits_pairs_by_their_first_event() -> None:
    events = [
        outcome("proposed", "2025-01-10", candidate="K1", rank=2),
        outcome("interview", "2025-01-20", candidate="K1", rank=2),
        outcome("proposed", "2025-08-01", candidate="K2", rank=1),  # held-out pair
        outcome("withdrawn", "2025-01-12", candidate="K3"),
        outcome("proposed", "2025-01-10", candidate="K3"),
    ]
    train = label_outcomes(events, until=UNTIL)
    assert train.pairs() == [("K1", "V1")]
    assert train.grades.tolist() == [3]
    assert train.ranks.tolist() == [2]
    assert train.excluded == {"withdrawn": 1}
    held_out = label_outcomes(events, until=dt.datetime(2026, 1, 1), since=UNTIL)
    assert held_out.pairs() == [("K2", "V1")]
    assert held_out.grades.tolist() == [GRADES["proposed"]]
    assert train.counts()["interview"] == 1
