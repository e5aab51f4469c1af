"""Known answers on the mini world (``mini_world.py``): shortlists and recommendations a person
can check by reading the records, asserted exactly, with every knock-out reason."""

from __future__ import annotations

import pytest

from matching.matcher import Matcher
from matching.results import Recommendations, Shortlist

ALL = {f"C-{i:02d}" for i in range(1, 16)}


def candidate_ids(result: Shortlist) -> list[str]:
    return [m.candidate_id for m in result.matches]


def vacancy_ids(result: Recommendations) -> list[str]:
    return [m.vacancy_id for m in result.matches]


def nonzero(by_reason: dict[str, int]) -> dict[str, int]:
    return {reason: n for reason, n in by_reason.items() if n}


@pytest.mark.parametrize(
    ("vacancy", "best", "excluded"),
    [
        # all warehouse skills and the same occupation > both skills but other work > own words
        (
            "V-MAG",
            ["C-01", "C-02", "C-03"],
            {
                "C-04": "exempt",
                "C-06": "restriction",
                "C-09": "hours",
                "C-08": "travel",
                "C-15": "availability",
            },
        ),
        # 05:30 in Assen: only the cleaner living there, and people with a car, can get there
        (
            "V-SCH",
            ["C-08"],
            {"C-04": "exempt"} | {c: "travel" for c in ALL - {"C-04", "C-08", "C-10", "C-11"}},
        ),
        # the cook with good Dutch; the cook with A1 Dutch is two steps below B1
        ("V-KOK", ["C-14"], {"C-04": "exempt", "C-05": "language", "C-08": "travel"}),
        # licence C: only C-11 has it
        ("V-VRA", ["C-11"], {"C-04": "exempt"} | {c: "licence" for c in ALL - {"C-04", "C-11"}}),
        # a participation place: the exempt candidate with the plant skill fits best
        ("V-GRO", ["C-04"], {"C-08": "travel"}),
        # wage subsidy: only the register member
        ("V-AFW", ["C-13"], {"C-04": "exempt"} | {c: "register" for c in ALL - {"C-04", "C-13"}}),
    ],
)
def test_shortlists(
    matcher: Matcher, vacancy: str, best: list[str], excluded: dict[str, str]
) -> None:
    result = matcher.shortlist(vacancy, top_k=20)
    assert candidate_ids(result)[: len(best)] == best
    assert set(candidate_ids(result)) == ALL - set(excluded)
    expected_counts: dict[str, int] = {}
    for reason in excluded.values():
        expected_counts[reason] = expected_counts.get(reason, 0) + 1
    assert nonzero(dict(result.excluded.by_reason)) == expected_counts
    assert result.excluded.total == len(excluded)
    assert result.pool_size == 15 == len(result.matches) + result.excluded.total
    assert [m.rank for m in result.matches] == list(range(1, len(result.matches) + 1))
    scores = [m.score for m in result.matches]
    assert scores == sorted(scores, reverse=True)
    assert result.scorer == "cold-start-v1"
    assert result.taxonomy_version == "mini-1"


def test_shortlist_top_k_cuts_the_list(matcher: Matcher) -> None:
    result = matcher.shortlist("V-MAG", top_k=2)
    assert candidate_ids(result) == ["C-01", "C-02"]
    assert result.excluded.total == 5  # the knock-outs still count the whole pool


@pytest.mark.parametrize(
    ("candidate", "expected", "excluded"),
    [
        # V-KAS is closed, so it is not even in the pool of six open vacancies
        (
            "C-01",
            ["V-MAG", "V-KOK", "V-GRO"],
            {"V-SCH": "travel", "V-VRA": "licence", "V-AFW": "register"},
        ),
        # exempt: only the participation place
        ("C-04", ["V-GRO"], {v: "exempt" for v in ("V-MAG", "V-SCH", "V-KOK", "V-VRA", "V-AFW")}),
        ("C-11", ["V-VRA"], {"V-AFW": "register"}),
        ("C-13", ["V-AFW"], {"V-VRA": "licence", "V-SCH": "travel"}),
    ],
)
def test_recommendations(
    matcher: Matcher, candidate: str, expected: list[str], excluded: dict[str, str]
) -> None:
    result = matcher.recommend(candidate, top_k=10)
    assert vacancy_ids(result)[: len(expected)] == expected
    assert "V-KAS" not in vacancy_ids(result)
    assert set(vacancy_ids(result)) == set(matcher.open_vacancy_ids()) - set(excluded)
    assert result.pool_size == 6 == len(result.matches) + result.excluded.total
    counts: dict[str, int] = {}
    for reason in excluded.values():
        counts[reason] = counts.get(reason, 0) + 1
    assert nonzero(dict(result.excluded.by_reason)) == counts


def test_recommendation_carries_employer_and_title(matcher: Matcher) -> None:
    first = matcher.recommend("C-11", top_k=1).matches[0]
    assert (first.vacancy_id, first.employer_id, first.title, first.rank) == (
        "V-VRA",
        "E-TRA",
        "Vrachtwagenchauffeur",
        1,
    )


def test_open_vacancies_leave_out_the_closed_one(matcher: Matcher) -> None:
    assert matcher.open_vacancy_ids() == ["V-AFW", "V-GRO", "V-KOK", "V-MAG", "V-SCH", "V-VRA"]


@pytest.mark.parametrize(
    ("candidate", "vacancy", "reason"),
    [
        ("C-04", "V-MAG", "exempt"),
        ("C-04", "V-GRO", None),
        ("C-12", "V-AFW", "register"),
        ("C-13", "V-AFW", None),
        ("C-10", "V-VRA", "licence"),
        ("C-11", "V-VRA", None),
        ("C-05", "V-KOK", "language"),
        ("C-05", "V-MAG", None),  # A1 against A2 is one step: allowed, with a lower fit
        ("C-06", "V-MAG", "restriction"),
        ("C-09", "V-MAG", "hours"),
        ("C-07", "V-SCH", "travel"),  # no public transport before 06:00
        ("C-08", "V-SCH", None),
        ("C-08", "V-MAG", "travel"),  # 25 km by bike is more than 30 minutes
        ("C-15", "V-MAG", "availability"),
        ("C-15", "V-KOK", None),  # V-KOK has no closing date
    ],
)
def test_each_knockout(matcher: Matcher, candidate: str, vacancy: str, reason: str | None) -> None:
    assessment = matcher.assess(candidate, vacancy)
    assert assessment.knockout == reason
    assert (assessment.score is None) == (reason is not None)
    assert (assessment.explanation is None) == (reason is not None)


def test_one_step_below_in_dutch_lowers_the_fit(matcher: Matcher) -> None:
    assessment = matcher.assess("C-05", "V-MAG")
    assert assessment.explanation is not None
    values = {c.factor: c.value for c in assessment.explanation.contributions}
    assert values["language_fit"] == 0.5
    assert "dutch_one_level_below" in assessment.explanation.notes


def test_travel_in_the_explanation(matcher: Matcher) -> None:
    explanation = matcher.shortlist("V-SCH", top_k=1).matches[0].explanation
    assert explanation.travel.mode == "bike"
    assert explanation.travel.reachable
    assert explanation.travel.minutes is not None and explanation.travel.minutes <= 30
    assert "met de fiets" in explanation.text_nl
