"""Match results turned into what the page templates show, in the reader's language.

The templates get plain view objects (numbers already formatted, words already chosen), so
they stay simple and a page renders fast. Only what matching returned is shown: ids, scores,
explanations, employer names; never a protected attribute or a barrier.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

from features.errors import UnknownEntityError
from features.taxonomy import Taxonomy
from features.vocabulary import Sector
from matching.results import (
    CandidateMatch,
    CareerPath,
    EmployerSuggestion,
    Explanation,
    VacancyMatch,
)
from service.presenting import (
    GroupShare,
    factor_groups,
    fit_text,
    method_text,
    travel_text,
)
from service.web.i18n import term

__all__ = [
    "CareerPathView",
    "EmployerView",
    "MatchView",
    "career_path_views",
    "employer_views",
    "match_views",
    "number",
]


def number(value: float, language: str, digits: int = 2) -> str:
    """``0,72`` in Dutch, ``0.72`` in English."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language == "nl" else text


@dataclass(frozen=True, slots=True)
class Factor:
    label: str
    value: str
    weight: str
    contribution: str


@dataclass(frozen=True, slots=True)
class Segment:
    key: str
    label: str
    contribution: str
    percent: float


@dataclass(frozen=True, slots=True)
class SkillLine:
    requirement: str
    phrase: str | None
    skill_label: str | None
    method: str
    confidence: str


@dataclass(frozen=True, slots=True)
class MatchView:
    """One candidate (on a vacancy page) or one vacancy (on a candidate page), explained."""

    rank: int
    kind: str
    """``candidates`` or ``vacancies``: what the match links to."""
    id: str
    title: str | None
    employer_id: str | None
    employer_name: str | None
    score: str
    segments: tuple[Segment, ...]
    bar_text: str
    """The score bar in words, for screen readers and as its text alternative."""
    factors: tuple[Factor, ...]
    matched: tuple[SkillLine, ...]
    missing: tuple[str, ...]
    travel: str
    travel_reachable: bool
    education: str
    level: str
    text: str


def _segments(explanation: Explanation, language: str) -> tuple[Segment, ...]:
    shares: list[GroupShare] = factor_groups(explanation, language)
    return tuple(
        Segment(s.key, s.label, number(s.contribution, language), s.percent) for s in shares
    )


def _view(
    rank: int,
    kind: str,
    record_id: str,
    score: float,
    explanation: Explanation,
    language: str,
    *,
    title: str | None = None,
    employer_id: str | None = None,
    employer_name: str | None = None,
) -> MatchView:
    segments = _segments(explanation, language)
    bar_text = f"Score {number(score, language)}: " + ", ".join(
        f"{s.label} {s.contribution}" for s in segments
    )
    factors = tuple(
        Factor(
            label=c.label_en if language == "en" else c.label_nl,
            value=number(c.value, language),
            weight=number(c.weight, language),
            contribution=number(c.contribution, language, 3),
        )
        for c in sorted(explanation.contributions, key=lambda c: -c.contribution)
        if c.weight or c.contribution
    )
    matched = tuple(
        SkillLine(
            requirement=e.requirement,
            phrase=e.phrase,
            skill_label=e.skill_label,
            method=method_text(e.method, language),
            confidence=number(e.confidence, language),
        )
        for e in explanation.matched_skills
    )
    return MatchView(
        rank=rank,
        kind=kind,
        id=record_id,
        title=title,
        employer_id=employer_id,
        employer_name=employer_name,
        score=number(score, language),
        segments=segments,
        bar_text=bar_text,
        factors=factors,
        matched=matched,
        missing=explanation.missing_skills,
        travel=travel_text(explanation.travel, language),
        # unknown travel (postcode not known) is not 'unreachable'
        travel_reachable=explanation.travel.reachable or explanation.travel.minutes is None,
        education=fit_text(explanation.education, language),
        level=fit_text(explanation.level_fit, language),
        text=explanation.text_en if language == "en" else explanation.text_nl,
    )


def match_views(
    matches: Sequence[CandidateMatch | VacancyMatch],
    language: str,
    employer_names: dict[str, str] | None = None,
) -> list[MatchView]:
    """Views of shortlist entries or recommended vacancies, in rank order."""
    names = employer_names or {}
    views = []
    for m in matches:
        if isinstance(m, CandidateMatch):
            views.append(_view(m.rank, "candidates", m.candidate_id, m.score, m.explanation,
                               language))  # fmt: skip
        else:
            views.append(
                _view(m.rank, "vacancies", m.vacancy_id, m.score, m.explanation, language,
                      title=m.title, employer_id=m.employer_id,
                      employer_name=names.get(m.employer_id))
            )  # fmt: skip
    return views


@dataclass(frozen=True, slots=True)
class EmployerView:
    rank: int
    id: str
    name: str
    sector: str | None
    score: str
    open_vacancies: int
    reasons: tuple[str, ...]


def employer_views(suggestions: Sequence[EmployerSuggestion], language: str) -> list[EmployerView]:
    """Views of employer suggestions, best first."""
    return [
        EmployerView(
            rank=rank,
            id=s.employer_id,
            name=s.name,
            sector=_sector(s.sector, language),
            score=number(s.score, language),
            open_vacancies=s.open_vacancies,
            reasons=s.reasons_en if language == "en" else s.reasons_nl,
        )
        for rank, s in enumerate(suggestions, start=1)
    ]


def _sector(value: str | None, language: str) -> str | None:
    """A sector name in the reader's language (as stored when it is not a known sector)."""
    if value is None:
        return None
    try:
        return term(Sector(value), language)
    except ValueError:
        return value


@dataclass(frozen=True, slots=True)
class CareerPathView:
    rank: int
    uri: str
    label: str
    level: int | None
    overlap_percent: int
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    open_vacancies: int


def career_path_views(
    paths: Sequence[CareerPath], taxonomy: Taxonomy, language: str
) -> list[CareerPathView]:
    """Views of career paths; the occupation named in the reader's language."""
    views = []
    for rank, p in enumerate(paths, start=1):
        label = p.label
        if language == "en":
            with contextlib.suppress(UnknownEntityError):
                label = taxonomy.occupation(p.occupation_uri).label_en or label
        views.append(
            CareerPathView(
                rank=rank,
                uri=p.occupation_uri,
                label=label,
                level=p.isco_level,
                overlap_percent=round(p.skill_overlap * 100),
                matched=p.matched_skills,
                missing=p.missing_skills,
                open_vacancies=p.open_vacancies,
            )
        )
    return views
