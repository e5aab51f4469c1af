"""Knock-out rules one by one on tiny populations, their fixed order, and exact counting."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from features.records import Candidate, LanguageSkill, Vacancy
from matching.knockouts import NONE, REASONS, count_exclusions, knockout_reasons
from matching.matcher import Matcher
from tests.matching import mini_world as world


def _vacancy(**fields: object) -> Vacancy:
    base: dict[str, object] = {
        "id": "V-X",
        "employer_id": "E-LOG",
        "title": "Magazijnmedewerker",
        "esco_occupation_uri": world.occ("magazijn"),
        "postcode": "9723",
    }
    return Vacancy(**(base | fields))  # type: ignore[arg-type]


def _candidate(cid: str, **fields: object) -> Candidate:
    base: dict[str, object] = {"id": cid, "postcode": "9724", "transport_modes": ["bike"]}
    return Candidate(**(base | fields))  # type: ignore[arg-type]


def _reasons(
    build_world: Callable[..., Matcher], vacancy: Vacancy, candidates: list[Candidate]
) -> dict[str, str | None]:
    matcher = build_world(candidates=candidates, vacancies=[vacancy], outcomes=[])
    return {c.id: matcher.assess(c.id, vacancy.id).knockout for c in candidates}


def test_reason_order_is_fixed_and_documented() -> None:
    assert REASONS == (
        "exempt",
        "register",
        "licence",
        "language",
        "restriction",
        "hours",
        "travel",
        "availability",
    )


def test_first_failed_rule_counts(build_world: Callable[..., Matcher]) -> None:
    vacancy = _vacancy(
        placement_type="wage_subsidy",
        required_licences=["C"],
        language_min="B2",
        physical_demands=["heavy_lifting"],
        hours_min=32,
        hours_max=40,
    )
    everything_wrong = dict(
        exempt_from_work_obligation=True,
        languages=[LanguageSkill(language="nl", level="A1")],
        restrictions=["no_heavy_lifting"],
        hours_max=8,
        postcode="1011",
    )
    candidates = [
        _candidate("all", **everything_wrong),
        _candidate("no-exempt", **{**everything_wrong, "exempt_from_work_obligation": False}),
        _candidate(
            "register",
            **{**everything_wrong, "exempt_from_work_obligation": False},
            target_group_register=True,
        ),
        _candidate(
            "licence",
            **{**everything_wrong, "exempt_from_work_obligation": False},
            target_group_register=True,
            driving_licences=["C"],
        ),
    ]
    assert _reasons(build_world, vacancy, candidates) == {
        "all": "exempt",
        "no-exempt": "register",
        "register": "licence",
        "licence": "language",
    }


@pytest.mark.parametrize(
    ("vacancy_fields", "candidate_fields", "reason"),
    [
        ({"placement_type": "volunteer"}, {"exempt_from_work_obligation": True}, None),
        ({"placement_type": "work_experience"}, {"exempt_from_work_obligation": True}, "exempt"),
        ({"required_licences": ["C1"]}, {"driving_licences": ["C"]}, None),  # C covers C1
        ({"required_licences": ["B"]}, {"driving_licences": ["CE"]}, None),
        ({"required_licences": ["CE"]}, {"driving_licences": ["C"]}, "licence"),
        ({"language_min": "B1"}, {}, None),  # Dutch not recorded: no knock-out
        (
            {"language_min": "B2"},
            {"languages": [LanguageSkill(language="nl", level="A2")]},
            "language",
        ),
        ({"language_min": "B2"}, {"languages": [LanguageSkill(language="nl", level="B1")]}, None),
        ({"hours_min": 32, "hours_max": 40}, {"hours_min": 12, "hours_max": 32}, None),
        ({"hours_min": 32, "hours_max": 40}, {"hours_min": 12, "hours_max": 31}, "hours"),
        (
            {"shift_start": "05:30"},
            {"postcode": "9401", "transport_modes": ["public_transport"]},
            "travel",
        ),
        (
            {"shift_start": "05:30"},
            {"postcode": "9401", "transport_modes": ["car"], "driving_licences": ["B"]},
            None,
        ),
        ({}, {"postcode": "9401", "transport_modes": ["car"]}, "travel"),  # car, no licence
        ({"open_until": world.TODAY}, {"available_from": world.TODAY}, None),
    ],
)
def test_single_rules(
    build_world: Callable[..., Matcher],
    vacancy_fields: dict[str, object],
    candidate_fields: dict[str, object],
    reason: str | None,
) -> None:
    vacancy = _vacancy(**vacancy_fields)
    assert _reasons(build_world, vacancy, [_candidate("c", **candidate_fields)]) == {"c": reason}


def test_counts_are_exact(matcher: Matcher) -> None:
    from features.pair_features import PairBatch

    rows = matcher.candidates.active_rows()
    v = matcher.vacancies.row_of["V-MAG"]
    reasons = knockout_reasons(PairBatch.of(matcher.candidates, matcher.vacancies, rows, [v]))
    excluded = count_exclusions(reasons)
    assert excluded.total == int(np.sum(reasons != NONE)) == sum(excluded.by_reason.values())
    assert list(excluded.by_reason) == list(REASONS)
