"""Properties that hold for any candidate (hypothesis), on the mini world:

- every score is in [0, 1] and its contributions add up to it exactly;
- giving a candidate a skill the vacancy requires never lowers their score;
- changing protected attributes (or barriers) changes no score and no order;
- a knocked-out pair never appears in a shortlist or recommendation.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from features.records import (
    Candidate,
    LanguageSkill,
    ProtectedAttributes,
    WorkExperience,
)
from features.vocabulary import (
    Barrier,
    EducationLevel,
    Gender,
    LanguageLevel,
    Restriction,
    TransportMode,
)
from matching.matcher import Matcher
from tests.matching import mini_world as world

VACANCIES = [v.id for v in world.make_vacancies()]
PHRASES = [
    *(
        world.label(k)
        for k in (
            "orders",
            "heftruck",
            "vloeren",
            "koken",
            "afwassen",
            "kassa",
            "planten",
            "vrachtwagen",
            "hygiene",
            "programmeren",
        )
    ),
    "heftruck rijden",
    "schoonmaken",
    "koken voor groepen",
    "klantvriendelijk",
]
TITLES = [
    "magazijnmedewerker",
    "schoonmaker",
    "kok",
    "afwasser",
    "vrachtwagenchauffeur",
    "hovenier",
    "kassamedewerker",
    "medewerker bediening",
]
PROPERTY_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

protected_attributes = st.builds(
    ProtectedAttributes,
    birth_year=st.none() | st.integers(1950, 2006),
    gender=st.none() | st.sampled_from(list(Gender)),
    nationality=st.none() | st.sampled_from(["NL", "SY", "PL", "MA", "ER"]),
    migration_background=st.none() | st.sampled_from(["none", "first", "second"]),
)


@st.composite
def candidates(draw: st.DrawFn, cid: str = "H-1") -> Candidate:
    low = draw(st.none() | st.integers(0, 40))
    high = draw(st.none() | st.integers(low or 0, 40))
    return Candidate(
        id=cid,
        postcode=draw(st.sampled_from(["9711", "9723", "9726", "9401", "1011"])),
        education_level=draw(st.sampled_from(list(EducationLevel))),
        skills=draw(st.lists(st.sampled_from(PHRASES), max_size=4, unique=True)),
        work_history=draw(
            st.lists(
                st.builds(
                    WorkExperience,
                    title=st.sampled_from(TITLES),
                    years=st.none() | st.floats(0, 20),
                    end_year=st.none() | st.integers(2000, 2025),
                ),
                max_size=2,
            )
        ),
        desired_occupations=draw(st.lists(st.sampled_from(TITLES), max_size=2, unique=True)),
        languages=draw(
            st.lists(
                st.builds(
                    LanguageSkill,
                    language=st.just("nl"),
                    level=st.sampled_from(list(LanguageLevel)),
                ),
                max_size=1,
            )
        ),
        driving_licences=draw(st.lists(st.sampled_from(["AM", "B", "C"]), unique=True)),
        transport_modes=draw(st.lists(st.sampled_from(list(TransportMode)), unique=True)),
        max_travel_minutes=draw(st.integers(0, 120)),
        hours_min=low,
        hours_max=high,
        participation_rung=draw(st.none() | st.integers(1, 6)),
        exempt_from_work_obligation=draw(st.booleans()),
        target_group_register=draw(st.booleans()),
        restrictions=draw(st.lists(st.sampled_from(list(Restriction)), unique=True, max_size=2)),
        barriers=draw(st.lists(st.sampled_from(list(Barrier)), unique=True, max_size=2)),
        protected=draw(protected_attributes),
    )


@pytest.fixture
def fresh(build_world: Callable[..., Matcher]) -> Matcher:
    """A matcher per test function: these tests add and change candidates."""
    return build_world()


@PROPERTY_SETTINGS
@given(candidate=candidates())
def test_scores_in_range_and_contributions_add_up(fresh: Matcher, candidate: Candidate) -> None:
    fresh.upsert_candidate(candidate)
    for vacancy in VACANCIES:
        assessment = fresh.assess(candidate.id, vacancy)
        if assessment.knockout is not None:
            continue
        assert assessment.score is not None and assessment.explanation is not None
        assert 0.0 <= assessment.score <= 1.0
        contributions = assessment.explanation.contributions
        assert sum(c.contribution for c in contributions) == assessment.score
        assert all(0.0 <= c.value <= 1.0 for c in contributions)
        assert all(c.contribution == c.weight * c.value for c in contributions)


@PROPERTY_SETTINGS
@given(candidate=candidates(), vacancy=st.sampled_from(VACANCIES), pick=st.integers(0, 5))
def test_a_required_skill_never_lowers_the_score(
    fresh: Matcher, candidate: Candidate, vacancy: str, pick: int
) -> None:
    required = next(v for v in world.make_vacancies() if v.id == vacancy).required_skills
    skill = required[pick % len(required)]
    better = candidate.model_copy(update={"id": "H-2", "skills": [*candidate.skills, skill]})
    fresh.upsert_candidate(candidate)
    fresh.upsert_candidate(better)
    before, after = fresh.assess("H-1", vacancy), fresh.assess("H-2", vacancy)
    assert before.knockout == after.knockout  # knock-outs never look at skills
    if before.score is not None and after.score is not None:
        assert after.score >= before.score


@settings(PROPERTY_SETTINGS, max_examples=12)
@given(
    who=st.sampled_from([c.id for c in world.make_candidates()]),
    protected=protected_attributes,
    barriers=st.lists(st.sampled_from(list(Barrier)), unique=True),
)
def test_protected_attributes_and_barriers_change_nothing(
    fresh: Matcher, who: str, protected: ProtectedAttributes, barriers: list[Barrier]
) -> None:
    original = next(c for c in world.make_candidates() if c.id == who)
    fresh.upsert_candidate(original)
    before = [fresh.shortlist(v, top_k=20).to_dict() for v in VACANCIES]
    recommended = fresh.recommend(who, top_k=10).to_dict()
    fresh.upsert_candidate(
        original.model_copy(update={"protected": protected, "barriers": barriers})
    )
    assert [fresh.shortlist(v, top_k=20).to_dict() for v in VACANCIES] == before
    assert fresh.recommend(who, top_k=10).to_dict() == recommended


@PROPERTY_SETTINGS
@given(candidate=candidates())
def test_knocked_out_pairs_never_appear(fresh: Matcher, candidate: Candidate) -> None:
    fresh.upsert_candidate(candidate)
    knocked_out = set()
    for vacancy in VACANCIES:
        assessment = fresh.assess(candidate.id, vacancy)
        listed = {m.candidate_id for m in fresh.shortlist(vacancy, top_k=100).matches}
        assert (candidate.id in listed) == (assessment.knockout is None)
        if assessment.knockout is not None:
            knocked_out.add(vacancy)
    recommendations = fresh.recommend(candidate.id, top_k=100)
    open_knocked_out = knocked_out & set(fresh.open_vacancy_ids())
    assert not {m.vacancy_id for m in recommendations.matches} & knocked_out
    assert recommendations.excluded.total == len(open_knocked_out)
    assert len(recommendations.matches) + recommendations.excluded.total == (
        recommendations.pool_size
    )
