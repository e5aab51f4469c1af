"""Matches as JSON: shortlists, recommendations, employers to approach and career paths.

- ``GET /api/vacancies/{id}/shortlist?top_k=10``: the best candidates for a vacancy;
- ``GET /api/candidates/{id}/recommendations?top_k=10``: the best open vacancies for a candidate;
- ``GET /api/candidates/{id}/employers?top_k=10``: employers to approach (hidden job market);
- ``GET /api/candidates/{id}/career-paths?top_k=10``: occupations within reach, skills to learn.

Every match carries its explanation: the contribution of each factor (they add up to the
score), the matched and missing skills, travel, education and job-level fit, and the plain
sentences in Dutch (``text_nl``) and English (``text_en``). Lists of matches report the
knock-outs applied to the rest of the pool, per reason and as a sentence in both languages.
``top_k`` is 1..100. Responses name candidates by id only: never a protected attribute or a
barrier. An unknown id is a 404 with the one error shape of :mod:`service.errors`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from features.errors import UnknownEntityError
from matching.results import Exclusions
from service.deps import EngineDep, TaxonomyDep
from service.errors import ErrorBody
from service.presenting import exclusion_summary

__all__ = [
    "MAX_TOP_K",
    "CareerPathOut",
    "CareerPathsOut",
    "EmployersOut",
    "RecommendationsOut",
    "ShortlistOut",
    "router",
]

MAX_TOP_K = 100

TopK = Annotated[int, Query(ge=1, le=MAX_TOP_K, description=f"How many, 1 to {MAX_TOP_K}")]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class FactorContributionOut(_Out):
    """One factor of a score: ``value`` in [0, 1] × ``weight`` gives ``contribution``."""

    factor: str
    label_nl: str
    label_en: str
    value: float
    weight: float
    contribution: float


class SkillEvidenceOut(_Out):
    """A required or optional skill of the vacancy that the candidate's ``phrase`` met."""

    requirement: str
    skill_uri: str | None
    skill_label: str | None
    phrase: str | None
    method: str
    confidence: float


class TravelOut(_Out):
    """The fastest usable way to get there; ``mode`` and ``minutes`` null when unknown."""

    mode: str | None
    minutes: float | None
    reachable: bool


class ExplanationOut(_Out):
    """Why a pair scored what it did; the contributions add up to the score."""

    contributions: list[FactorContributionOut]
    matched_skills: list[SkillEvidenceOut]
    missing_skills: list[str]
    travel: TravelOut
    education: str
    level_fit: str
    notes: list[str]
    text_nl: str
    text_en: str


class ExclusionsOut(_Out):
    """How many of the pool a knock-out removed, per reason code, and in one line."""

    total: int
    by_reason: dict[str, int]
    summary_nl: str
    summary_en: str


class CandidateMatchOut(_Out):
    candidate_id: str
    rank: int
    score: float
    explanation: ExplanationOut


class VacancyMatchOut(_Out):
    vacancy_id: str
    employer_id: str
    title: str
    rank: int
    score: float
    explanation: ExplanationOut


class ShortlistOut(_Out):
    """The best candidates for a vacancy; ``pool_size`` candidates were considered."""

    vacancy_id: str
    today: dt.date
    matches: list[CandidateMatchOut]
    excluded: ExclusionsOut
    pool_size: int
    scorer: str
    taxonomy_version: str


class RecommendationsOut(_Out):
    """The best vacancies open on ``today`` for a candidate."""

    candidate_id: str
    today: dt.date
    matches: list[VacancyMatchOut]
    excluded: ExclusionsOut
    pool_size: int
    scorer: str
    taxonomy_version: str


class EmployerSuggestionOut(_Out):
    employer_id: str
    name: str
    sector: str | None
    score: float
    open_vacancies: int
    reasons_nl: list[str]
    reasons_en: list[str]


class EmployersOut(_Out):
    """Employers worth approaching for a candidate, with or without an open vacancy."""

    candidate_id: str
    employers: list[EmployerSuggestionOut]


class CareerPathOut(_Out):
    """An occupation within reach; ``missing_skills`` is the learning list (ESCO labels)."""

    occupation_uri: str
    label: str
    label_en: str
    isco_level: int | None
    skill_overlap: float
    matched_skills: list[str]
    missing_skills: list[str]
    open_vacancies: int


class CareerPathsOut(_Out):
    candidate_id: str
    career_paths: list[CareerPathOut]


def _exclusions(excluded: Exclusions) -> dict[str, Any]:
    return {
        "total": excluded.total,
        "by_reason": dict(excluded.by_reason),
        "summary_nl": exclusion_summary(excluded, "nl"),
        "summary_en": exclusion_summary(excluded, "en"),
    }


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No record with this id"},
    422: {"model": ErrorBody, "description": "A query parameter is not valid"},
}

router = APIRouter(prefix="/api", tags=["matching"], responses=_ERRORS)


@router.get(
    "/vacancies/{vacancy_id:path}/shortlist",
    response_model=ShortlistOut,
    summary="The best candidates for a vacancy, explained",
)
def shortlist(vacancy_id: str, engine: EngineDep, top_k: TopK = 10) -> ShortlistOut:
    """Candidates ranked by score, each with its explanation, and the knock-outs."""
    result = engine.shortlist(vacancy_id, top_k=top_k)
    data = result.to_dict()
    data["excluded"] = _exclusions(result.excluded)
    data["today"] = engine.matcher().today
    return ShortlistOut.model_validate(data)


@router.get(
    "/candidates/{candidate_id:path}/recommendations",
    response_model=RecommendationsOut,
    summary="The best open vacancies for a candidate, explained",
)
def recommendations(candidate_id: str, engine: EngineDep, top_k: TopK = 10) -> RecommendationsOut:
    """Vacancies open today ranked by score, each with its explanation, and the knock-outs."""
    result = engine.recommend(candidate_id, top_k=top_k)
    data = result.to_dict()
    data["excluded"] = _exclusions(result.excluded)
    data["today"] = engine.matcher().today
    return RecommendationsOut.model_validate(data)


@router.get(
    "/candidates/{candidate_id:path}/employers",
    response_model=EmployersOut,
    summary="Employers to approach for a candidate (hidden job market)",
)
def employers(candidate_id: str, engine: EngineDep, top_k: TopK = 10) -> EmployersOut:
    """Employers, with or without an open vacancy, with the reasons in Dutch and English."""
    found = engine.employers(candidate_id, top_k=top_k)
    return EmployersOut.model_validate(
        {"candidate_id": candidate_id, "employers": [s.to_dict() for s in found]}
    )


@router.get(
    "/candidates/{candidate_id:path}/career-paths",
    response_model=CareerPathsOut,
    summary="Career paths for a candidate and the skills still missing",
)
def career_paths(
    candidate_id: str, engine: EngineDep, taxonomy: TaxonomyDep, top_k: TopK = 10
) -> CareerPathsOut:
    """Occupations within reach, the share of their essential skills the candidate has, and
    the missing ones (the learning list)."""
    paths = []
    for path in engine.career_paths(candidate_id, top_k=top_k):
        data = path.to_dict()
        try:
            data["label_en"] = taxonomy.occupation(path.occupation_uri).label_en or path.label
        except UnknownEntityError:
            data["label_en"] = path.label
        paths.append(data)
    return CareerPathsOut.model_validate({"candidate_id": candidate_id, "career_paths": paths})
