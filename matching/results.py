"""What the Matcher returns: frozen, typed results that carry their own explanation.

Every result turns into plain JSON data with ``.to_dict()`` (tuples become lists, mappings stay
mappings), so the API and the web pages show exactly what the engine computed.

- :class:`Shortlist`: candidates for one vacancy (the accountmanager's view).
- :class:`Recommendations`: vacancies for one candidate (the jobhunter's view).
- :class:`EmployerSuggestion`: an employer worth approaching, even without an open vacancy
  (the hidden job market).
- :class:`CareerPath`: an occupation within reach and the skills still missing
  (the 'arbeidsmarktwaardescan', labour-market value scan).

Each match has an :class:`Explanation` whose factor contributions add up to its score, and each
list reports the knock-outs applied to the rest of the pool in :class:`Exclusions`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CandidateMatch",
    "CareerPath",
    "EmployerSuggestion",
    "Exclusions",
    "Explanation",
    "FactorContribution",
    "PairAssessment",
    "Recommendations",
    "Shortlist",
    "SkillEvidence",
    "TravelSummary",
    "VacancyMatch",
]


def _plain(value: Any) -> Any:
    """JSON-ready copy: dataclasses to dicts, tuples to lists, mappings to dicts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class _Result:
    """Mixin giving every result a ``to_dict()``."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-serialisable data."""
        data: dict[str, Any] = _plain(self)
        return data


@dataclass(frozen=True, slots=True)
class FactorContribution(_Result):
    """One factor of a score: its value in [0, 1], its weight and ``contribution`` to the score."""

    factor: str
    label_nl: str
    label_en: str
    value: float
    weight: float
    contribution: float


@dataclass(frozen=True, slots=True)
class SkillEvidence(_Result):
    """Which phrase of the candidate matched which vacancy skill, and how.

    ``method`` is ``"uri"`` (both phrases point at the same ESCO skill), ``"exact"`` (the same
    words), ``"fuzzy"`` (the same ESCO skill reached through a spelling variant) or
    ``"semantic"`` (a phrase with a similar meaning; ``confidence`` is then the similarity).
    """

    requirement: str
    skill_uri: str | None
    skill_label: str | None
    phrase: str | None
    method: str
    confidence: float


@dataclass(frozen=True, slots=True)
class TravelSummary(_Result):
    """Fastest usable way to get there, in minutes; ``mode`` is None when it is not known."""

    mode: str | None
    minutes: float | None
    reachable: bool


@dataclass(frozen=True, slots=True)
class Explanation(_Result):
    """Why a pair scored what it did. ``sum(c.contribution for c in contributions) == score``.

    ``education`` and ``level_fit`` are codes (``meets``, ``one_below``, ``below``, ``unknown``,
    ``not_required``); ``notes`` are codes for things a reader should know (e.g.
    ``education_unknown``); ``text_nl`` and ``text_en`` say it all in short plain sentences.
    """

    contributions: tuple[FactorContribution, ...]
    matched_skills: tuple[SkillEvidence, ...]
    missing_skills: tuple[str, ...]
    travel: TravelSummary
    education: str
    level_fit: str
    notes: tuple[str, ...]
    text_nl: str
    text_en: str


@dataclass(frozen=True, slots=True)
class Exclusions(_Result):
    """How many of the pool a knock-out removed, per reason code.

    A pair failing several rules counts once, under the first reason in
    :data:`matching.knockouts.REASONS`, so ``total == sum(by_reason.values())``.
    """

    total: int
    by_reason: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class CandidateMatch(_Result):
    candidate_id: str
    rank: int
    score: float
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class VacancyMatch(_Result):
    vacancy_id: str
    employer_id: str
    title: str
    rank: int
    score: float
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class PairAssessment(_Result):
    """One candidate against one vacancy, whether or not it would make a list: the knock-out
    that applies (a reason code, None when none does), else the score and its explanation."""

    candidate_id: str
    vacancy_id: str
    knockout: str | None
    score: float | None
    explanation: Explanation | None


@dataclass(frozen=True, slots=True)
class Shortlist(_Result):
    """Best candidates for one vacancy; ``pool_size`` is how many were considered."""

    vacancy_id: str
    matches: tuple[CandidateMatch, ...]
    excluded: Exclusions
    pool_size: int
    scorer: str
    taxonomy_version: str


@dataclass(frozen=True, slots=True)
class Recommendations(_Result):
    """Best open vacancies for one candidate; ``pool_size`` is how many were considered."""

    candidate_id: str
    matches: tuple[VacancyMatch, ...]
    excluded: Exclusions
    pool_size: int
    scorer: str
    taxonomy_version: str


@dataclass(frozen=True, slots=True)
class EmployerSuggestion(_Result):
    """An employer worth approaching for a candidate, with or without an open vacancy."""

    employer_id: str
    name: str
    sector: str | None
    score: float
    open_vacancies: int
    reasons_nl: tuple[str, ...]
    reasons_en: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CareerPath(_Result):
    """An occupation within reach: the share of its essential skills the candidate has.

    ``matched_skills`` and ``missing_skills`` are skill labels; the missing ones are the
    learning list. ``open_vacancies`` counts open vacancies in the same ISCO unit group.
    """

    occupation_uri: str
    label: str
    isco_level: int | None
    skill_overlap: float
    matched_skills: tuple[str, ...]
    missing_skills: tuple[str, ...]
    open_vacancies: int
