"""Matches: retrieval, knock-outs, scoring, explanations and the Matcher facade.

The service talks to :class:`Matcher` only (build it with :func:`build_matcher`); every answer
is a frozen result from :mod:`matching.results` that carries its explanation.
"""

from matching.loading import MatcherInputs, build_matcher, choose_encoder
from matching.matcher import Matcher, RetrievalSettings
from matching.results import (
    CandidateMatch,
    CareerPath,
    EmployerSuggestion,
    Exclusions,
    Explanation,
    FactorContribution,
    PairAssessment,
    Recommendations,
    Shortlist,
    SkillEvidence,
    TravelSummary,
    VacancyMatch,
)
from matching.scoring import COLD_START_WEIGHTS, ColdStartScorer, Scorer

__all__ = [
    "COLD_START_WEIGHTS",
    "CandidateMatch",
    "CareerPath",
    "ColdStartScorer",
    "EmployerSuggestion",
    "Exclusions",
    "Explanation",
    "FactorContribution",
    "Matcher",
    "MatcherInputs",
    "PairAssessment",
    "Recommendations",
    "RetrievalSettings",
    "Scorer",
    "Shortlist",
    "SkillEvidence",
    "TravelSummary",
    "VacancyMatch",
    "build_matcher",
    "choose_encoder",
]
