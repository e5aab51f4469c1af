"""How match results read for people, in Dutch and English: shared by the CLI and the pages.

- :func:`exclusion_summary`: the knock-outs in one line, largest first, e.g.
  ``"42 uitgesloten: 30 reistijd, 12 rijbewijs"``;
- :func:`factor_groups`: a score split into a few families of factors (skills, occupation,
  practical fit, education and level, other) for the stacked score bar; the parts add up to the
  score;
- :func:`travel_text`, :func:`fit_text`, :func:`method_text`, :func:`strongest_factors`:
  the small pieces of a match in words.

>>> exclusion_summary(Exclusions(total=42, by_reason={"licence": 12, "travel": 30}), "nl")
'42 uitgesloten: 30 reistijd, 12 rijbewijs'
"""

from __future__ import annotations

from dataclasses import dataclass

from features.vocabulary import TransportMode
from matching.results import Exclusions, Explanation, TravelSummary

__all__ = [
    "FACTOR_GROUPS",
    "REASON_WORDS",
    "FactorGroup",
    "GroupShare",
    "exclusion_summary",
    "factor_groups",
    "fit_text",
    "method_text",
    "strongest_factors",
    "travel_text",
]

_INDEX = {"nl": 0, "en": 1}

REASON_WORDS: dict[str, tuple[str, str]] = {
    "exempt": ("ontheffing", "exempt"),
    "register": ("doelgroepregister", "register"),
    "licence": ("rijbewijs", "licence"),
    "language": ("taal", "language"),
    "restriction": ("beperking", "restriction"),
    "hours": ("uren", "hours"),
    "travel": ("reistijd", "travel"),
    "availability": ("beschikbaarheid", "availability"),
}
"""Knock-out reason codes (:data:`matching.knockouts.REASONS`) in one word each."""

_EXCLUDED = ("{n} uitgesloten", "{n} excluded")
_NONE_EXCLUDED = ("niemand uitgesloten", "nobody excluded")


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[_INDEX.get(language, 0)]


def exclusion_summary(excluded: Exclusions, language: str = "nl") -> str:
    """The knock-outs in one line, reasons with the most people first (ties in code order)."""
    if not excluded.total:
        return _pick(_NONE_EXCLUDED, language)
    order = list(REASON_WORDS)
    counted = [(code, n) for code, n in excluded.by_reason.items() if n]
    counted.sort(key=lambda item: (-item[1], order.index(item[0]) if item[0] in order else 99))
    parts = [f"{n} {_pick(REASON_WORDS.get(code, (code, code)), language)}" for code, n in counted]
    return _pick(_EXCLUDED, language).format(n=excluded.total) + ": " + ", ".join(parts)


@dataclass(frozen=True, slots=True)
class FactorGroup:
    """A family of factors shown as one segment of the score bar."""

    key: str
    label_nl: str
    label_en: str
    factors: tuple[str, ...]

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_nl


FACTOR_GROUPS: tuple[FactorGroup, ...] = (
    FactorGroup(
        "skills",
        "Vaardigheden",
        "Skills",
        (
            "skills_essential_exact",
            "skills_essential_semantic",
            "skills_optional_exact",
            "skills_optional_semantic",
        ),
    ),
    FactorGroup(
        "occupation",
        "Beroep en ervaring",
        "Occupation and experience",
        (
            "occupation_same_work",
            "occupation_unit_work",
            "occupation_minor_work",
            "occupation_same_desired",
            "occupation_unit_desired",
            "occupation_minor_desired",
            "experience_length",
            "experience_recency",
        ),
    ),
    FactorGroup(
        "practical",
        "Praktisch",
        "Practical fit",
        ("travel_time", "hours_fit", "language_fit", "placement_fit"),
    ),
    FactorGroup(
        "level",
        "Opleiding en niveau",
        "Education and level",
        ("education_fit", "education_unknown", "level_fit", "level_unknown"),
    ),
    FactorGroup("other", "Overig", "Other", ()),  # text similarity and any factor not above
)
"""Segments of the score bar, in the order they are drawn."""

_GROUP_OF = {factor: group.key for group in FACTOR_GROUPS for factor in group.factors}


@dataclass(frozen=True, slots=True)
class GroupShare:
    """One segment: the summed contribution of a group's factors and its share of the bar."""

    key: str
    label: str
    contribution: float
    percent: float
    """Width in percent of the full bar (a score of 1)."""


def factor_groups(explanation: Explanation, language: str = "nl") -> list[GroupShare]:
    """The score split by :data:`FACTOR_GROUPS`; every group listed, zeros included."""
    totals = {group.key: 0.0 for group in FACTOR_GROUPS}
    for part in explanation.contributions:
        totals[_GROUP_OF.get(part.factor, "other")] += part.contribution
    return [
        GroupShare(
            key=group.key,
            label=group.label(language),
            contribution=totals[group.key],
            percent=round(max(totals[group.key], 0.0) * 100, 2),
        )
        for group in FACTOR_GROUPS
    ]


def strongest_factors(explanation: Explanation, language: str = "nl", n: int = 2) -> list[str]:
    """Labels of the ``n`` factors that added most to the score (only those that added any)."""
    ranked = sorted(explanation.contributions, key=lambda c: -c.contribution)
    return [
        c.label_en if language == "en" else c.label_nl for c in ranked[:n] if c.contribution > 0
    ]


_MODE_WORDS: dict[str, tuple[str, str]] = {
    TransportMode.WALK.value: ("lopen", "walking"),
    TransportMode.BIKE.value: ("fiets", "bike"),
    TransportMode.PUBLIC_TRANSPORT.value: ("ov", "public transport"),
    TransportMode.CAR.value: ("auto", "car"),
    TransportMode.MOPED.value: ("brommer", "moped"),
}


def travel_text(travel: TravelSummary, language: str = "nl") -> str:
    """``"12 min fiets"``; ``"onbekend"`` when the postcodes are not known."""
    if travel.minutes is None or travel.mode is None:
        return _pick(("onbekend", "unknown"), language)
    mode = _pick(_MODE_WORDS.get(travel.mode, (travel.mode, travel.mode)), language)
    return f"{round(travel.minutes)} min {mode}"


_FIT_WORDS: dict[str, tuple[str, str]] = {
    "meets": ("voldoet", "meets the requirement"),
    "one_below": ("één niveau te laag", "one level below"),
    "below": ("te laag", "below the requirement"),
    "unknown": ("onbekend", "unknown"),
    "not_required": ("geen eis", "no requirement"),
}


def fit_text(code: str, language: str = "nl") -> str:
    """An education or job-level fit code (:class:`~matching.results.Explanation`) in words."""
    return _pick(_FIT_WORDS.get(code, (code, code)), language)


_METHOD_WORDS: dict[str, tuple[str, str]] = {
    "uri": ("zelfde ESCO-vaardigheid", "same ESCO skill"),
    "exact": ("zelfde woorden", "same words"),
    "fuzzy": ("andere spelling", "other spelling"),
    "semantic": ("vergelijkbare betekenis", "similar meaning"),
    "none": ("niet herkend", "not recognised"),
}


def method_text(method: str, language: str = "nl") -> str:
    """How a skill was matched (:class:`~matching.results.SkillEvidence` ``method``) in words."""
    return _pick(_METHOD_WORDS.get(method, (method, method)), language)
