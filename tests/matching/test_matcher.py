"""The Matcher facade beyond shortlists: updates, the hidden job market, career paths."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from features.errors import UnknownEntityError
from features.records import Candidate, Vacancy, WorkExperience
from matching.matcher import Matcher
from tests.matching import mini_world as world


@pytest.fixture
def fresh(build_world: Callable[..., Matcher]) -> Matcher:
    return build_world()


def _shortlist_ids(matcher: Matcher, vacancy: str) -> list[str]:
    return [m.candidate_id for m in matcher.shortlist(vacancy, top_k=20).matches]


def test_unknown_ids_raise(matcher: Matcher) -> None:
    with pytest.raises(UnknownEntityError, match="V-NONE"):
        matcher.shortlist("V-NONE")
    with pytest.raises(UnknownEntityError, match="C-NONE"):
        matcher.recommend("C-NONE")
    with pytest.raises(UnknownEntityError):
        matcher.employers("C-NONE")
    with pytest.raises(UnknownEntityError):
        matcher.career_paths("C-NONE")


def test_upsert_new_candidate_takes_the_top(fresh: Matcher) -> None:
    star = Candidate(
        id="C-NEW",
        postcode="9723",
        skills=[world.label(k) for k in ("orders", "heftruck", "voorraad")],
        work_history=[
            WorkExperience(
                title="magazijnmedewerker", esco_uri=world.occ("magazijn"), years=9, end_year=2025
            )
        ],
        education_level="mbo4",
        transport_modes=["walk", "bike"],
        participation_rung=6,
        languages=[{"language": "nl", "level": "native"}],
    )
    fresh.upsert_candidate(star)
    assert _shortlist_ids(fresh, "V-MAG")[:2] == ["C-NEW", "C-01"]
    assert fresh.shortlist("V-MAG").pool_size == 16


def test_upsert_replaces_a_candidate(fresh: Matcher) -> None:
    c01 = next(c for c in world.make_candidates() if c.id == "C-01")
    fresh.upsert_candidate(c01.model_copy(update={"hours_max": 12}))
    assert "C-01" not in _shortlist_ids(fresh, "V-MAG")
    result = fresh.shortlist("V-MAG")
    assert result.excluded.by_reason["hours"] == 2
    assert result.pool_size == 15  # replaced, not added


def test_upsert_vacancy_new_and_closed(fresh: Matcher) -> None:
    new = Vacancy(
        id="V-NEW",
        employer_id="E-WIN",
        title="Kassamedewerker",
        esco_occupation_uri=world.occ("kassa"),
        required_skills=[world.label("kassa")],
        postcode="9725",
    )
    fresh.upsert_vacancy(new)
    assert "V-NEW" in fresh.open_vacancy_ids()
    assert fresh.shortlist("V-NEW").pool_size == 15
    mag = next(v for v in world.make_vacancies() if v.id == "V-MAG")
    fresh.upsert_vacancy(mag.model_copy(update={"open_until": world.TODAY - dt.timedelta(1)}))
    assert "V-MAG" not in fresh.open_vacancy_ids()
    assert "V-MAG" not in [m.vacancy_id for m in fresh.recommend("C-01").matches]
    assert fresh.recommend("C-01").pool_size == 6  # V-NEW in, V-MAG out


def test_hidden_job_market(fresh: Matcher) -> None:
    cashier = Candidate(
        id="C-KAS",
        postcode="9725",
        skills=[world.label("kassa"), world.label("klanten")],
        work_history=[
            WorkExperience(
                title="kassamedewerker", esco_uri=world.occ("kassa"), years=3, end_year=2024
            )
        ],
        transport_modes=["bike"],
        participation_rung=6,
    )
    fresh.upsert_candidate(cashier)
    suggestions = fresh.employers("C-KAS")
    first = suggestions[0]
    # Supermarkt Oost has no open vacancy, but its closed one fits and it is in the sector
    assert (first.employer_id, first.open_vacancies, first.sector) == ("E-WIN", 0, "Detailhandel")
    assert "Had eerder een vacature die past: Kassamedewerker." in first.reasons_nl
    assert "Nu geen open vacature: zelf benaderen." in first.reasons_nl
    assert len(first.reasons_nl) == len(first.reasons_en)
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)


def test_employers_with_earlier_hires(fresh: Matcher) -> None:
    # C-10 lacks licence C, so the truck vacancy is knocked out; but Transport Zuid hired a
    # truck driver (C-11) before, so it is still worth a call.
    suggestions = {s.employer_id: s for s in fresh.employers("C-10", top_k=10)}
    assert "E-TRA" in suggestions
    assert any("Nam eerder 1" in r for r in suggestions["E-TRA"].reasons_nl)
    assert all("vacature die past" not in r for r in suggestions["E-TRA"].reasons_nl)


def test_employers_for_exempt_candidate_only_with_a_fitting_place(fresh: Matcher) -> None:
    suggestions = fresh.employers("C-04")
    assert [s.employer_id for s in suggestions] == ["E-GRO"]


def test_employers_out_of_reach_are_left_out(fresh: Matcher) -> None:
    # C-08 cycles at most 30 minutes from Assen: only the Assen employer is within reach
    assert {s.employer_id for s in fresh.employers("C-08")} <= {"E-SCH"}


def test_career_paths(matcher: Matcher) -> None:
    # C-02 can pick orders and drive a forklift and did order picking (which brings the
    # hand-scanner skill): a forklift driver needs exactly those; a warehouse worker needs one
    # more (stock keeping), and there is an open warehouse vacancy.
    paths = matcher.career_paths("C-02")
    assert [(p.label, p.skill_overlap, p.missing_skills, p.open_vacancies) for p in paths] == [
        ("heftruckchauffeur", 1.0, (), 0),
        ("magazijnmedewerker", 0.666667, ("voorraad bijhouden",), 1),
    ]
    assert paths[0].isco_level == 2
    assert set(paths[0].matched_skills) == {"heftruck besturen", "orders verzamelen"}


def test_career_paths_prefer_reachable_levels(build_world: Callable[..., Matcher]) -> None:
    coder = Candidate(
        id="C-DEV",
        postcode="9723",
        skills=[world.label("programmeren"), world.label("kassa")],
        work_history=[WorkExperience(title="afwasser", esco_uri=world.occ("afwasser"))],
    )
    matcher = build_world(candidates=[coder])
    paths = {p.label: p for p in matcher.career_paths("C-DEV")}
    # half the skills of both; level 4 is far above the level 1 shown by the work history
    assert paths["softwareontwikkelaar"].skill_overlap == paths["kassamedewerker"].skill_overlap
    labels = [p.label for p in matcher.career_paths("C-DEV")]
    assert labels.index("kassamedewerker") < labels.index("softwareontwikkelaar")
    assert "afwasser" not in labels  # already held


def test_empty_world(build_world: Callable[..., Matcher]) -> None:
    matcher = build_world(candidates=[], vacancies=[], employers=[], outcomes=[])
    assert matcher.open_vacancy_ids() == []
    vacancy = world.make_vacancies()[0]
    matcher.upsert_vacancy(vacancy)
    shortlist = matcher.shortlist(vacancy.id)
    assert (shortlist.matches, shortlist.pool_size, shortlist.excluded.total) == ((), 0, 0)


class ScalarOnly:
    """A travel model with only the protocol's scalar methods (like an external router)."""

    def __init__(self) -> None:
        from features.travel import load_travel_model

        self.inner = load_travel_model()

    def options(self, *args: object, **kwargs: object) -> object:
        return self.inner.options(*args, **kwargs)  # type: ignore[arg-type]

    def best(self, *args: object, **kwargs: object) -> object:
        return self.inner.best(*args, **kwargs)  # type: ignore[arg-type]


def test_any_travel_model_gives_the_same_lists(
    matcher: Matcher, build_world: Callable[..., Matcher]
) -> None:
    scalar = build_world(travel=ScalarOnly())
    for candidate in ("C-02", "C-08", "C-10"):
        assert scalar.employers(candidate) == matcher.employers(candidate)
    for vacancy in ("V-MAG", "V-SCH"):
        assert (
            scalar.shortlist(vacancy, top_k=20).to_dict()
            == matcher.shortlist(vacancy, top_k=20).to_dict()
        )
