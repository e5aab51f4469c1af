"""Explanations: why a pair scored what it did, as data and as plain Dutch and English.

An :class:`~matching.results.Explanation` holds the contribution of every factor (they add up
to the score), which phrase of the candidate met which skill of the vacancy and how, the
required skills still missing, the travel time and mode, the education and job-level fit, and
short notes on what was not recorded. ``text_nl`` says it in plain Dutch (B1: short sentences,
everyday words), ``text_en`` in English.

:func:`describe_exclusions` words the knock-outs applied to the rest of the pool.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from features.pair_features import (
    FEATURE_LABELS,
    TRANSPORT_MODES,
    PairBatch,
    PairFeatures,
    RequirementMatch,
)
from features.profiles import CandidateProfile, LinkedTitle, VacancyProfile
from features.vocabulary import TransportMode
from matching.knockouts import REASON_LABELS, REASONS
from matching.results import (
    Exclusions,
    Explanation,
    FactorContribution,
    SkillEvidence,
    TravelSummary,
)
from matching.scoring import Scorer

__all__ = ["describe_exclusions", "describe_travel", "explain_pair"]

# Everything a reader sees, per language. Dutch at B1 level: short sentences, everyday words.
_WORDS: dict[str, dict[str, Any]] = {
    "nl": {
        "mode": {
            TransportMode.WALK: "lopend",
            TransportMode.BIKE: "met de fiets",
            TransportMode.PUBLIC_TRANSPORT: "met het openbaar vervoer",
            TransportMode.CAR: "met de auto",
            TransportMode.MOPED: "met de brommer",
        },
        "how": {
            "exact": "zelfde woorden",
            "uri": "zelfde vaardigheid",
            "fuzzy": "zelfde vaardigheid, andere spelling",
        },
        "fit": {
            "meets": "voldoet",
            "one_below": "één niveau te laag",
            "below": "te laag",
            "unknown": "onbekend",
            "not_required": "geen eis",
        },
        "link": {"same": "zelfde beroep", "unit": "zelfde soort werk", "minor": "verwant werk"},
        "score": "Score {score} (van 0 tot 1).",
        "strongest": "Sterkste punten: {factors}.",
        "has": "Heeft {met} van de {n} gevraagde vaardigheden.",
        "no_skills": "De vacature noemt geen vaardigheden.",
        "found": "Gevonden: {skills}.",
        "similar": "{requirement} (lijkt op '{phrase}')",
        "optional": "{skill} (gewenst)",
        "missing": "Mist nog: {skills}.",
        "worked": "Werkte als {title} ({link}).",
        "wants": "Wil graag werken als {title} ({link}).",
        "travel": "Reistijd: {minutes} minuten {mode}.",
        "travel_unknown": "Reistijd onbekend: de postcode is niet bekend.",
        "education": "Opleiding: {fit}.",
        "level": "Werkniveau: {fit}.",
        "dutch_one_level_below": "Nederlands: één niveau onder de eis.",
        "dutch_level_unknown": "Niveau Nederlands is niet bekend.",
    },
    "en": {
        "mode": {
            TransportMode.WALK: "on foot",
            TransportMode.BIKE: "by bike",
            TransportMode.PUBLIC_TRANSPORT: "by public transport",
            TransportMode.CAR: "by car",
            TransportMode.MOPED: "by moped",
        },
        "how": {
            "exact": "same words",
            "uri": "same skill",
            "fuzzy": "same skill, other spelling",
        },
        "fit": {
            "meets": "meets the requirement",
            "one_below": "one level below",
            "below": "below the requirement",
            "unknown": "unknown",
            "not_required": "no requirement",
        },
        "link": {"same": "same occupation", "unit": "same kind of work", "minor": "related work"},
        "score": "Score {score} (0 to 1).",
        "strongest": "Strongest points: {factors}.",
        "has": "Has {met} of the {n} required skills.",
        "no_skills": "The vacancy lists no skills.",
        "found": "Found: {skills}.",
        "similar": "{requirement} (similar to '{phrase}')",
        "optional": "{skill} (optional)",
        "missing": "Still missing: {skills}.",
        "worked": "Worked as {title} ({link}).",
        "wants": "Wants to work as {title} ({link}).",
        "travel": "Travel: {minutes} minutes {mode}.",
        "travel_unknown": "Travel time unknown: the postcode is not known.",
        "education": "Education: {fit}.",
        "level": "Job level: {fit}.",
        "dutch_one_level_below": "Dutch: one level below the requirement.",
        "dutch_level_unknown": "Level of Dutch not recorded.",
    },
}


def _grade(gap: float) -> str:
    """``meets`` / ``one_below`` / ``below`` for a gap (requirement minus what is there)."""
    if gap <= 0:
        return "meets"
    return "one_below" if gap <= 1 else "below"


def _education_code(candidate: CandidateProfile, vacancy: VacancyProfile) -> str:
    minimum = vacancy.education_min_rank
    if minimum is None or minimum == 0:
        return "not_required"
    if candidate.education_rank is None:
        return "unknown"
    return _grade(minimum - candidate.education_rank)


def _level_code(candidate: CandidateProfile, vacancy: VacancyProfile) -> str:
    job = vacancy.isco_level
    if job == 1:
        return "meets"
    if job is None or candidate.isco_level is None:
        return "unknown"
    return _grade(job - candidate.isco_level)


def _link_level(titles: Sequence[LinkedTitle], vacancy: VacancyProfile) -> tuple[str, str] | None:
    """The candidate title closest to the vacancy's occupation: (title, same|unit|minor)."""
    wanted = vacancy.title.occupations
    best: tuple[int, str, str] | None = None
    for title in titles:
        for have in title.occupations:
            for want in wanted:
                if have.uri and have.uri == want.uri:
                    level = (3, "same")
                elif have.isco_group and have.isco_group == want.isco_group:
                    level = (2, "unit")
                elif have.minor_group and have.minor_group == want.minor_group:
                    level = (1, "minor")
                else:
                    continue
                if best is None or level[0] > best[0]:
                    best = (level[0], title.text, level[1])
    return None if best is None else (best[1], best[2])


@dataclass(frozen=True, slots=True)
class _Skills:
    matched: tuple[SkillEvidence, ...]
    missing: tuple[str, ...]
    n_required: int
    n_met: int
    optional: frozenset[str]


def _skills(features: PairFeatures, batch: PairBatch, i: int) -> _Skills:
    threshold = features.match_threshold
    evidence: list[SkillEvidence] = []
    missing: list[str] = []
    n_met = 0
    required = features.requirement_matches(batch, i, "required")
    optional = features.requirement_matches(batch, i, "optional")
    for kind, matches in (("required", required), ("optional", optional)):
        for m in matches:
            met = m.exact > 0 or m.value >= threshold
            if met and m.phrase is not None:
                evidence.append(_evidence(m))
                n_met += kind == "required"
            elif kind == "required":
                missing.append(m.requirement.text)
    optional_texts = frozenset(m.requirement.text for m in optional)
    return _Skills(tuple(evidence), tuple(missing), len(required), n_met, optional_texts)


def _evidence(m: RequirementMatch) -> SkillEvidence:
    """Evidence for a met requirement; ``skill_uri``/``skill_label`` name the requirement's ESCO
    skill (None when the vacancy's phrase was not recognised)."""
    return SkillEvidence(
        requirement=m.requirement.text,
        skill_uri=m.requirement.uri,
        skill_label=m.requirement.label,
        phrase=m.phrase.text if m.phrase else None,
        method=m.method,
        confidence=round(float(m.value), 4),
    )


def explain_pair(
    *,
    features: PairFeatures,
    scorer: Scorer,
    batch: PairBatch,
    i: int,
    values: NDArray[np.float64],
    contributions: NDArray[np.float64],
    score: float,
) -> Explanation:
    """The explanation of pair ``i`` of ``batch``.

    ``values`` and ``contributions`` are that pair's row of the scorer's feature matrix and of
    ``scorer.contributions``; ``score`` its score.
    """
    candidate = batch.candidates.profiles[int(batch.candidate_rows[i])]
    vacancy = batch.vacancies.profiles[int(batch.vacancy_rows[i])]
    weights = getattr(scorer, "weights", None)
    factors = []
    for j, name in enumerate(scorer.feature_names):
        value, contribution = float(values[j]), float(contributions[j])
        if weights is not None:
            weight = float(weights[j])
        else:
            weight = contribution / value if value else 0.0
        label_nl, label_en = FEATURE_LABELS.get(name, (name, name))
        factors.append(FactorContribution(name, label_nl, label_en, value, weight, contribution))
    skills = _skills(features, batch, i)
    travel = batch.travel
    known = bool(travel.known[i])
    mode_index = int(travel.mode[i])
    mode = TRANSPORT_MODES[mode_index] if known and mode_index >= 0 else None
    minutes = float(travel.minutes[i]) if mode is not None else None
    summary = TravelSummary(
        mode=mode.value if mode else None,
        minutes=round(minutes, 1) if minutes is not None and math.isfinite(minutes) else None,
        reachable=bool(travel.reachable[i]),
    )
    education = _education_code(candidate, vacancy)
    level = _level_code(candidate, vacancy)
    notes = _notes(candidate, vacancy, education, level, known)
    facts = _Facts(
        score=score,
        factors=tuple(factors),
        skills=skills,
        work=_link_level(candidate.work, vacancy),
        desired=_link_level(candidate.desired, vacancy),
        mode=mode,
        minutes=summary.minutes,
        travel_known=known,
        education=education,
        level=level,
        notes=notes,
    )
    return Explanation(
        contributions=tuple(factors),
        matched_skills=skills.matched,
        missing_skills=skills.missing,
        travel=summary,
        education=education,
        level_fit=level,
        notes=notes,
        text_nl=_text(facts, "nl"),
        text_en=_text(facts, "en"),
    )


def _notes(
    candidate: CandidateProfile, vacancy: VacancyProfile, education: str, level: str, known: bool
) -> tuple[str, ...]:
    notes = []
    if education == "unknown":
        notes.append("education_unknown")
    if level == "unknown":
        notes.append("level_unknown")
    minimum = vacancy.record.language_min
    if minimum is not None:
        if candidate.dutch_rank is None:
            notes.append("dutch_level_unknown")
        elif minimum.rank - candidate.dutch_rank == 1:
            notes.append("dutch_one_level_below")
    if not known:
        notes.append("travel_unknown")
    if not vacancy.required:
        notes.append("no_required_skills_listed")
    if candidate.record.participation_rung is None:
        notes.append("rung_unknown")
    return tuple(notes)


@dataclass(frozen=True, slots=True)
class _Facts:
    score: float
    factors: tuple[FactorContribution, ...]
    skills: _Skills
    work: tuple[str, str] | None
    desired: tuple[str, str] | None
    mode: TransportMode | None
    minutes: float | None
    travel_known: bool
    education: str
    level: str
    notes: tuple[str, ...]

    def strongest(self, n: int = 3) -> list[FactorContribution]:
        ranked = sorted(self.factors, key=lambda f: -f.contribution)
        return [f for f in ranked[:n] if f.contribution > 0]


def _number(value: float, language: str) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if language == "nl" else text


def _text(f: _Facts, language: str) -> str:
    """The explanation in short sentences, in ``language`` (``nl`` or ``en``)."""
    w = _WORDS[language]
    lines = [w["score"].format(score=_number(f.score, language))]
    label = "label_nl" if language == "nl" else "label_en"
    strongest = f.strongest()
    if strongest:
        factors = ", ".join(getattr(x, label).lower() for x in strongest)
        lines.append(w["strongest"].format(factors=factors))
    s = f.skills
    if s.n_required:
        lines.append(w["has"].format(met=s.n_met, n=s.n_required))
    else:
        lines.append(w["no_skills"])
    if s.matched:
        parts = []
        for e in s.matched:
            if e.method == "semantic":
                part = w["similar"].format(requirement=e.requirement, phrase=e.phrase)
            elif e.method == "exact" or e.phrase == e.requirement:
                part = e.requirement
            else:
                part = f"{e.requirement} ({w['how'][e.method]}: '{e.phrase}')"
            if e.requirement in s.optional:
                part = w["optional"].format(skill=part)
            parts.append(part)
        lines.append(w["found"].format(skills="; ".join(parts)))
    if s.missing:
        lines.append(w["missing"].format(skills="; ".join(s.missing)))
    if f.work:
        lines.append(w["worked"].format(title=f.work[0], link=w["link"][f.work[1]]))
    if f.desired:
        lines.append(w["wants"].format(title=f.desired[0], link=w["link"][f.desired[1]]))
    if not f.travel_known:
        lines.append(w["travel_unknown"])
    elif f.mode is not None and f.minutes is not None:
        lines.append(describe_travel(f.minutes, f.mode, language=language))
    lines.append(w["education"].format(fit=w["fit"][f.education]))
    lines.append(w["level"].format(fit=w["fit"][f.level]))
    for note in ("dutch_one_level_below", "dutch_level_unknown"):
        if note in f.notes:
            lines.append(w[note])
    return " ".join(lines)


def describe_travel(minutes: float, mode: TransportMode, *, language: str = "nl") -> str:
    """``"Reistijd: 12 minuten met de fiets."`` / ``"Travel: 12 minutes by bike."``"""
    w = _WORDS["nl" if language == "nl" else "en"]
    return str(w["travel"].format(minutes=round(minutes), mode=w["mode"][mode]))


def describe_exclusions(excluded: Exclusions, *, language: str = "nl") -> str:
    """The knock-outs in one sentence, e.g. 'Niet op de lijst: 5 (reistijd te lang: 3, ...)'."""
    index = 0 if language == "nl" else 1
    parts = [
        f"{REASON_LABELS[code][index]}: {excluded.by_reason.get(code, 0)}"
        for code in REASONS
        if excluded.by_reason.get(code, 0)
    ]
    if language == "nl":
        if not parts:
            return "Niemand viel af door een harde eis."
        return f"Niet op de lijst door een harde eis: {excluded.total} ({'; '.join(parts)})."
    if not parts:
        return "Nobody was excluded by a hard requirement."
    return f"Excluded by a hard requirement: {excluded.total} ({'; '.join(parts)})."
