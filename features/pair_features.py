"""Pair features: how well a candidate and a vacancy fit, factor by factor, each in [0, 1].

:class:`PairFeatures` is a scikit-learn transformer over a :class:`PairBatch` (aligned candidate
and vacancy rows of the two profile tables). It serves both directions with the same numpy code:
one vacancy against many candidates (a shortlist) and one candidate against many vacancies
(recommendations), or any list of pairs (training a ranker on outcomes).

The features (:data:`FEATURE_NAMES`; every value in [0, 1], higher is a better fit):

- ``skills_essential_exact`` / ``skills_optional_exact``: share of the vacancy's required
  (optional) skills the candidate has with the same words or the same ESCO skill (weighted by
  how sure the normaliser was of both);
- ``skills_essential_semantic`` / ``skills_optional_semantic``: the same share where a skill
  with a similar meaning counts by its similarity (an exact match counts 1);
- ``occupation_{same,unit,minor}_{work,desired}``: the candidate's work history (desired
  occupations) links to the vacancy's ESCO occupation / its ISCO unit group (4 digits) / its
  minor group (3 digits); the value is the confidence of the weakest link on the way;
- ``text_similarity``: meaning of the candidate's titles against the vacancy's title and text;
- ``education_fit`` (1 at or above the minimum, less per level below) and ``education_unknown``;
- ``level_fit``: the ISCO skill level the work history shows against the job's level, and
  ``level_unknown``;
- ``travel_time``: 1 minus (minutes by the fastest usable mode / the candidate's maximum);
- ``hours_fit``: share of the vacancy's hours range the candidate can work;
- ``language_fit``: level of Dutch against the job's minimum;
- ``placement_fit``: placement type against the participatieladder rung (see
  :data:`PLACEMENT_FIT`);
- ``experience_length`` / ``experience_recency``: years, and how recent, in the vacancy's ISCO
  unit group (minor group counts half).

Where a fact is not recorded (education ``unknown``, no Dutch level, no work history, unknown
postcode) the value is ``unknown_value`` (0.5, neutral), never the worst case; the
``*_unknown`` indicators let a learned ranker tell the difference. Where the vacancy asks nothing
(no skills listed) the skill shares are neutral too.

Protected attributes and barriers never enter: profiles drop them before any table is built.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from features._tables import (
    PLACEMENT_TYPES,
    TRANSPORT_MODES,
    CandidateTable,
    SkillVocabulary,
    VacancyTable,
    Vocabularies,
    expand,
)
from features.embedding import Encoder
from features.profiles import ProfileSkill
from features.vocabulary import PlacementType

__all__ = [
    "FEATURE_LABELS",
    "FEATURE_NAMES",
    "PLACEMENT_FIT",
    "PLACEMENT_TYPES",
    "TRANSPORT_MODES",
    "CandidateTable",
    "PairBatch",
    "PairFeatures",
    "PairTravel",
    "RequirementMatch",
    "VacancyTable",
    "Vocabularies",
    "cosines",
    "dutch_gap",
    "hours_overlap",
    "new_vocabularies",
    "pair_travel",
    "row_dots",
]

FEATURE_LABELS: dict[str, tuple[str, str]] = {
    "skills_essential_exact": ("Vereiste vaardigheden (zelfde)", "Required skills (same)"),
    "skills_essential_semantic": ("Vereiste vaardigheden (ook vergelijkbaar)",
                                  "Required skills (incl. similar)"),
    "skills_optional_exact": ("Gewenste vaardigheden (zelfde)", "Optional skills (same)"),
    "skills_optional_semantic": ("Gewenste vaardigheden (ook vergelijkbaar)",
                                 "Optional skills (incl. similar)"),
    "occupation_same_work": ("Zelfde beroep gedaan", "Same occupation in work history"),
    "occupation_unit_work": ("Zelfde soort werk gedaan", "Same ISCO unit group in work history"),
    "occupation_minor_work": ("Verwant werk gedaan", "Same ISCO minor group in work history"),
    "occupation_same_desired": ("Wil dit beroep", "Same occupation desired"),
    "occupation_unit_desired": ("Wil dit soort werk", "Same ISCO unit group desired"),
    "occupation_minor_desired": ("Wil verwant werk", "Same ISCO minor group desired"),
    "text_similarity": ("Profiel lijkt op vacature", "Profile text resembles the vacancy"),
    "education_fit": ("Opleiding", "Education"),
    "education_unknown": ("Opleiding onbekend", "Education unknown"),
    "level_fit": ("Werkniveau", "Job level"),
    "level_unknown": ("Werkniveau onbekend", "Job level unknown"),
    "travel_time": ("Reistijd", "Travel time"),
    "hours_fit": ("Uren", "Hours"),
    "language_fit": ("Nederlandse taal", "Dutch language"),
    "placement_fit": ("Soort plek past bij trede", "Placement type fits the ladder rung"),
    "experience_length": ("Jaren ervaring", "Years of experience"),
    "experience_recency": ("Recente ervaring", "Recent experience"),
}  # fmt: skip
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURE_LABELS)

# How well a placement type suits someone on each rung of the participatieladder (columns: rung
# 1 isolated .. 6 paid work). Rungs 1-3 fit participation, volunteering and work experience;
# 4-5 fit work experience, learn-work and (with the register) wage subsidy; 6 fits a regular job.
PLACEMENT_FIT: dict[PlacementType, tuple[float, ...]] = {
    PlacementType.REGULAR: (0.1, 0.2, 0.3, 0.5, 0.8, 1.0),
    PlacementType.WAGE_SUBSIDY: (0.2, 0.3, 0.5, 0.8, 1.0, 0.8),
    PlacementType.WORK_EXPERIENCE: (0.3, 0.6, 1.0, 1.0, 0.7, 0.4),
    PlacementType.LEARN_WORK: (0.2, 0.4, 0.7, 1.0, 1.0, 0.7),
    PlacementType.PARTICIPATION: (0.6, 1.0, 1.0, 0.8, 0.4, 0.2),
    PlacementType.SHELTERED: (0.4, 0.7, 1.0, 1.0, 0.7, 0.3),
    PlacementType.VOLUNTEER: (1.0, 1.0, 1.0, 0.8, 0.4, 0.2),
}
_PLACEMENT_MATRIX = np.array([PLACEMENT_FIT[p] for p in PLACEMENT_TYPES], dtype=np.float64)

_EDUCATION_STEPS = 3.0  # three education ranks below the minimum gives 0


def new_vocabularies(encoder: Encoder) -> Vocabularies:
    """Empty shared numbering for a pair of tables; skills are embedded with ``encoder``."""
    return Vocabularies(SkillVocabulary(encoder))


@dataclass(frozen=True, eq=False)
class PairTravel:
    """Fastest usable way from candidate to vacancy for each pair.

    ``minutes`` (``inf`` when no mode is usable), ``mode`` (index in the transport modes, -1 when
    none), ``reachable`` (usable and within the candidate's maximum), ``known`` (both postcodes
    known; when not, nothing is concluded about travel).
    """

    minutes: NDArray[np.float64]
    mode: NDArray[np.int8]
    reachable: NDArray[np.bool_]
    known: NDArray[np.bool_]

    def take(self, index: NDArray[Any]) -> PairTravel:
        return PairTravel(
            self.minutes[index], self.mode[index], self.reachable[index], self.known[index]
        )


def pair_travel(
    candidates: CandidateTable,
    vacancies: VacancyTable,
    candidate_rows: NDArray[np.intp],
    vacancy_rows: NDArray[np.intp],
) -> PairTravel:
    """Travel for aligned pairs with the tables' travel model (batched when it can be)."""
    model = candidates.travel
    c_place = candidates.place[candidate_rows]
    v_place = vacancies.place[vacancy_rows]
    known = (c_place >= 0) & (v_place >= 0)
    n = len(candidate_rows)
    if n and hasattr(model, "best_minutes_pairs"):
        from features.travel import Sites, Travellers

        best = model.best_minutes_pairs(
            Travellers(
                np.maximum(c_place, 0),
                candidates.modes[candidate_rows],
                candidates.max_minutes[candidate_rows],
            ),
            Sites(
                np.maximum(v_place, 0),
                vacancies.shift_start[vacancy_rows],
                vacancies.shift_end[vacancy_rows],
            ),
        )
        minutes, mode, reachable = best.minutes, best.mode.astype(np.int8), best.reachable
    else:
        minutes, mode, reachable, known = _scalar_travel(
            model, candidates, vacancies, candidate_rows, vacancy_rows, known
        )
    minutes = np.where(known, minutes, np.nan)
    return PairTravel(minutes, np.where(known, mode, -1).astype(np.int8), reachable & known, known)


def _scalar_travel(
    model: Any,
    candidates: CandidateTable,
    vacancies: VacancyTable,
    candidate_rows: NDArray[np.intp],
    vacancy_rows: NDArray[np.intp],
    known: NDArray[np.bool_],
) -> tuple[NDArray[np.float64], NDArray[np.int8], NDArray[np.bool_], NDArray[np.bool_]]:
    """Fallback for a travel model without a batched API: one ``best()`` call per pair; a
    postcode the model does not know makes that pair's travel unknown."""
    n = len(candidate_rows)
    minutes = np.full(n, np.inf)
    mode = np.full(n, -1, dtype=np.int8)
    reachable = np.zeros(n, dtype=bool)
    known = known.copy()
    for i in np.flatnonzero(known):
        c = candidates.profiles[candidate_rows[i]].record
        v = vacancies.profiles[vacancy_rows[i]].record
        modes = [
            m
            for m, ok in zip(TRANSPORT_MODES, candidates.modes[candidate_rows[i]], strict=True)
            if ok
        ]
        try:
            option = model.best(
                c.postcode,
                v.postcode,
                modes,
                licences=c.driving_licences,
                shift_start=v.shift_start,
                shift_end=v.shift_end,
                max_minutes=c.max_travel_minutes,
            )
        except LookupError:
            known[i] = False
            continue
        if option is not None:
            minutes[i] = option.minutes
            mode[i] = TRANSPORT_MODES.index(option.mode)
            reachable[i] = option.reachable
    return minutes, mode, reachable, known


@dataclass(frozen=True, eq=False)
class PairBatch:
    """Aligned (candidate row, vacancy row) pairs of two tables, with their travel.

    Build with :meth:`of`; a side given as one row is repeated for every pair.
    """

    candidates: CandidateTable
    vacancies: VacancyTable
    candidate_rows: NDArray[np.intp]
    vacancy_rows: NDArray[np.intp]
    travel: PairTravel

    @classmethod
    def of(
        cls,
        candidates: CandidateTable,
        vacancies: VacancyTable,
        candidate_rows: Sequence[int] | NDArray[np.intp],
        vacancy_rows: Sequence[int] | NDArray[np.intp],
    ) -> PairBatch:
        c = np.atleast_1d(np.asarray(candidate_rows, dtype=np.intp))
        v = np.atleast_1d(np.asarray(vacancy_rows, dtype=np.intp))
        if len(c) != len(v):
            if len(c) == 1:
                c = np.repeat(c, len(v))
            elif len(v) == 1:
                v = np.repeat(v, len(c))
            else:
                raise ValueError(f"cannot pair {len(c)} candidate rows with {len(v)} vacancy rows")
        return cls(candidates, vacancies, c, v, pair_travel(candidates, vacancies, c, v))

    def __len__(self) -> int:
        return len(self.candidate_rows)

    def take(self, index: NDArray[Any]) -> PairBatch:
        """The pairs at ``index`` (positions or a boolean mask)."""
        return PairBatch(
            self.candidates,
            self.vacancies,
            self.candidate_rows[index],
            self.vacancy_rows[index],
            self.travel.take(index),
        )


@dataclass(frozen=True, slots=True)
class RequirementMatch:
    """How a candidate meets one skill requirement of a vacancy.

    ``phrase`` is the candidate's skill that meets it best (None when none does);
    ``method`` is ``exact`` (the same words), ``uri`` (the same ESCO skill, both phrases
    recognised with certainty), ``fuzzy`` (the same ESCO skill via a spelling variant),
    ``semantic`` (the same ESCO skill via meaning, or a phrase with a similar meaning) or
    ``none``; ``value`` is what the requirement adds to the ``*_semantic`` share and ``exact``
    what it adds to the ``*_exact`` share.
    """

    requirement: ProfileSkill
    phrase: ProfileSkill | None
    method: str
    value: float
    exact: float


def hours_overlap(X: PairBatch) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(hours both sides can do, hours the vacancy offers), whole hours counted inclusively
    (24-32 against 32-40 share one value, 32); an overlap below 1 means no common hours.
    A range not recorded counts as open (0-60)."""
    C, V = X.candidates, X.vacancies
    c_lo = np.nan_to_num(C.hours_min[X.candidate_rows], nan=0.0)
    c_hi = np.nan_to_num(C.hours_max[X.candidate_rows], nan=60.0)
    v_lo = np.nan_to_num(V.hours_min[X.vacancy_rows], nan=0.0)
    v_hi = np.nan_to_num(V.hours_max[X.vacancy_rows], nan=60.0)
    return np.minimum(c_hi, v_hi) - np.maximum(c_lo, v_lo) + 1.0, v_hi - v_lo + 1.0


def dutch_gap(X: PairBatch) -> NDArray[np.float64]:
    """CEFR steps the candidate's Dutch is below the vacancy's minimum (negative: above);
    ``nan`` when the vacancy sets no minimum or the candidate's level is not recorded."""
    minimum = X.vacancies.language_min[X.vacancy_rows]
    return minimum - X.candidates.dutch_rank[X.candidate_rows]


def _segment_max(values: NDArray[Any], owner: NDArray[np.intp], n: int) -> NDArray[np.float64]:
    """Maximum of ``values`` per owner (owners sorted ascending); 0 for owners without any."""
    out = np.zeros(n, dtype=np.float64)
    if not len(values):
        return out
    counts = np.bincount(owner, minlength=n)
    present = counts > 0
    starts = (np.cumsum(counts) - counts)[present]
    out[present] = np.maximum.reduceat(values, starts)
    return out


class PairFeatures(TransformerMixin, BaseEstimator):
    """Pair features for a :class:`PairBatch` (see the module docstring for each feature).

    Parameters
    ----------
    semantic_floor:
        Cosine similarity of two skill phrases below which they count as unrelated; ``None``
        learns it in :meth:`fit` as the ``floor_quantile`` of similarities between random pairs
        of distinct skills (encoders differ a lot: char n-grams sit near 0, e5 near 0.8).
    text_floor:
        The same for profile texts against vacancy texts; ``None`` learns it from random
        candidate-vacancy pairs (their median similarity).
    floor_quantile:
        Quantile of random skill-pair similarities taken as ``semantic_floor``.
    match_threshold:
        A similar phrase counts as meeting a requirement (in explanations) from this value on.
    unknown_value:
        The neutral value where a fact is not recorded.
    experience_full_years:
        Years of experience in the vacancy's group that count as full experience.
    recency_horizon_years:
        Experience that ended this many years ago (or more) no longer counts as recent.
    sample_size, random_state:
        Pairs sampled in :meth:`fit` to learn the floors.
    """

    def __init__(
        self,
        *,
        semantic_floor: float | None = None,
        text_floor: float | None = None,
        floor_quantile: float = 0.9,
        match_threshold: float = 0.5,
        unknown_value: float = 0.5,
        experience_full_years: float = 5.0,
        recency_horizon_years: float = 10.0,
        sample_size: int = 4000,
        random_state: int = 0,
    ) -> None:
        self.semantic_floor = semantic_floor
        self.text_floor = text_floor
        self.floor_quantile = floor_quantile
        self.match_threshold = match_threshold
        self.unknown_value = unknown_value
        self.experience_full_years = experience_full_years
        self.recency_horizon_years = recency_horizon_years
        self.sample_size = sample_size
        self.random_state = random_state

    # -- fit -------------------------------------------------------------------------------------

    def fit(self, X: PairBatch, y: Any = None) -> PairFeatures:
        """Check the parameters and learn the similarity floors from the population in ``X``."""
        for name in ("semantic_floor", "text_floor"):
            value = getattr(self, name)
            if value is not None and not -1.0 <= value < 1.0:
                raise ValueError(f"{name} must be in [-1, 1), got {value!r}")
        for name in ("floor_quantile", "match_threshold", "unknown_value"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {getattr(self, name)!r}")
        for name in ("experience_full_years", "recency_horizon_years"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")
        if not isinstance(X, PairBatch):
            raise TypeError(f"PairFeatures works on a PairBatch, not {type(X).__name__}")
        rng = np.random.default_rng(self.random_state)
        self.semantic_floor_ = (
            float(self.semantic_floor)
            if self.semantic_floor is not None
            else self._learn_skill_floor(X.candidates.vocab.skills.vectors, rng)
        )
        self.text_floor_ = (
            float(self.text_floor)
            if self.text_floor is not None
            else self._learn_text_floor(X, rng)
        )
        self.n_features_out_ = len(FEATURE_NAMES)
        return self

    def _learn_skill_floor(self, vectors: NDArray[np.float32], rng: np.random.Generator) -> float:
        n = len(vectors)
        if n < 10:
            return 0.5
        a = rng.integers(0, n, self.sample_size)
        b = rng.integers(0, n, self.sample_size)
        keep = a != b
        sims = np.einsum("ij,ij->i", vectors[a[keep]], vectors[b[keep]])
        return float(min(np.quantile(sims, self.floor_quantile), 0.95))

    def _learn_text_floor(self, X: PairBatch, rng: np.random.Generator) -> float:
        c_rows = np.flatnonzero(X.candidates.active & X.candidates.has_text)
        v_rows = X.vacancies.active_rows()
        if len(c_rows) < 3 or len(v_rows) < 3:
            return 0.0
        a = c_rows[rng.integers(0, len(c_rows), self.sample_size)]
        b = v_rows[rng.integers(0, len(v_rows), self.sample_size)]
        sims = np.einsum("ij,ij->i", X.candidates.vectors[a], X.vacancies.vectors[b])
        return float(min(np.median(sims), 0.95))

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[np.object_]:
        """The feature names, in column order (:data:`FEATURE_NAMES`)."""
        return np.asarray(FEATURE_NAMES, dtype=object)

    # -- transform -------------------------------------------------------------------------------

    def transform(self, X: PairBatch) -> NDArray[np.float64]:
        """(len(X), len(FEATURE_NAMES)) feature matrix, every value in [0, 1]."""
        check_is_fitted(self)
        n = len(X)
        out = np.empty((n, len(FEATURE_NAMES)), dtype=np.float64)
        column = {name: j for j, name in enumerate(FEATURE_NAMES)}
        if n == 0:
            return out
        one = _single(X.vacancy_rows)
        for kind, prefix in (("required", "skills_essential"), ("optional", "skills_optional")):
            if one is None:
                exact, semantic = self._skill_coverage(X, kind)
            else:
                exact, semantic = self._skill_coverage_one(X, one, kind)
            out[:, column[prefix + "_exact"]] = exact
            out[:, column[prefix + "_semantic"]] = semantic
        for name, values in self._occupation(X).items():
            out[:, column[name]] = values
        out[:, column["text_similarity"]] = self._text(X)
        fit, unknown = self._education(X)
        out[:, column["education_fit"]] = fit
        out[:, column["education_unknown"]] = unknown
        fit, unknown = self._level(X)
        out[:, column["level_fit"]] = fit
        out[:, column["level_unknown"]] = unknown
        out[:, column["travel_time"]] = self._travel(X)
        out[:, column["hours_fit"]] = self._hours(X)
        out[:, column["language_fit"]] = self._language(X)
        out[:, column["placement_fit"]] = self._placement(X)
        length, recency = self._experience(X)
        out[:, column["experience_length"]] = length
        out[:, column["experience_recency"]] = recency
        np.clip(out, 0.0, 1.0, out=out)
        return out

    def _rescale(self, sims: NDArray[Any], floor: float) -> NDArray[np.float64]:
        return np.clip((sims.astype(np.float64) - floor) / (1.0 - floor), 0.0, 1.0)

    def _skill_coverage(
        self, X: PairBatch, kind: str
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        C, V, n = X.candidates, X.vacancies, len(X)
        ragged = V.required if kind == "required" else V.optional
        req = V.req[kind]
        owner, pos = ragged.expand(X.vacancy_rows)
        counts = ragged.lengths(X.vacancy_rows)
        if not len(pos):
            neutral = np.full(n, self.unknown_value)
            return neutral, neutral
        crow = X.candidate_rows[owner]
        text_id, uri_id, conf = req["text"][pos], req["uri"][pos], req["conf"][pos]
        exact = np.maximum(C.skills.get(crow, text_id), C.skills.get(crow, uri_id) * conf)
        similar = self._best_similarity(C, crow, text_id)
        value = np.maximum(exact, similar)
        has = counts > 0
        safe = np.maximum(counts, 1)
        exact_share = np.bincount(owner, exact, minlength=n) / safe
        value_share = np.bincount(owner, value, minlength=n) / safe
        return (
            np.where(has, exact_share, self.unknown_value),
            np.where(has, value_share, self.unknown_value),
        )

    def _skill_coverage_one(
        self, X: PairBatch, v: int, kind: str
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """:meth:`_skill_coverage` for a batch with a single vacancy (a shortlist): each
        requirement is compared once with the skills of all candidates, no per-pair copies."""
        C, V, n = X.candidates, X.vacancies, len(X)
        ragged = V.required if kind == "required" else V.optional
        positions = ragged.indices[ragged.indptr[v] : ragged.indptr[v + 1]]
        if not len(positions):
            neutral = np.full(n, self.unknown_value)
            return neutral, neutral
        req = V.req[kind]
        text = req["text"][positions][:, None]
        uri = req["uri"][positions][:, None]
        conf = req["conf"][positions][:, None]
        indptr, cols, values = C.skills.csr(len(C))
        owner, pos = expand(indptr, X.candidate_rows)
        exact = np.zeros((len(positions), n))
        value = np.zeros((len(positions), n))
        if len(pos):
            ent_cols, ent_vals = cols[pos], values[pos].astype(np.float64)
            ent_exact = np.where(ent_cols == text, ent_vals, 0.0)
            ent_exact = np.maximum(
                ent_exact, np.where((ent_cols == uri) & (uri >= 0), ent_vals * conf, 0.0)
            )
            # (requirements x whole vocabulary) is cheaper than copying the rows in use
            vectors = C.vocab.skills.vectors
            sims = self._rescale(cosines(vectors[text[:, 0]], vectors), self.semantic_floor_)
            ent_value = np.maximum(ent_exact, sims[:, ent_cols])
            counts = np.bincount(owner, minlength=n)
            present = counts > 0
            starts = (np.cumsum(counts) - counts)[present]
            exact[:, present] = np.maximum.reduceat(ent_exact, starts, axis=1)
            value[:, present] = np.maximum.reduceat(ent_value, starts, axis=1)
        return exact.mean(axis=0), value.mean(axis=0)

    def _best_similarity(
        self, C: CandidateTable, crow: NDArray[np.intp], req_ids: NDArray[np.intp]
    ) -> NDArray[np.float64]:
        """For each (candidate row, requirement key): the best rescaled similarity between the
        requirement and any of the candidate's skill keys (0 when the candidate has none)."""
        vectors = C.vocab.skills.vectors
        indptr, cols, _values = C.skills.csr(len(C))
        owner, kpos = expand(indptr, crow)
        if not len(kpos):
            return np.zeros(len(crow))
        keys = cols[kpos]
        # Compare only the distinct requirements with the distinct candidate keys (numbered
        # with bitmaps, no sort): a recommendation has many requirements but few skills.
        r_local, r_ids = _local_ids(req_ids, len(vectors))
        k_local, k_ids = _local_ids(keys, len(vectors))
        sims = cosines(vectors[r_ids], vectors[k_ids])
        pair_sims = sims[r_local[owner], k_local]
        best = _segment_max(self._rescale(pair_sims, self.semantic_floor_), owner, len(crow))
        return best

    def _occupation(self, X: PairBatch) -> dict[str, NDArray[np.float64]]:
        C, V, n = X.candidates, X.vacancies, len(X)
        owner, pos = V.occupations.expand(X.vacancy_rows)
        crow = X.candidate_rows[owner]
        score = V.occ["score"][pos]
        result = {}
        for source, lookups in (("work", C.work), ("desired", C.desired)):
            for level in ("occ", "unit", "minor"):
                linked = lookups[level].get(crow, V.occ[level][pos])
                name = f"occupation_{'same' if level == 'occ' else level}_{source}"
                result[name] = _segment_max(np.minimum(linked, score), owner, n)
        return result

    def _text(self, X: PairBatch) -> NDArray[np.float64]:
        C, V, n = X.candidates, X.vacancies, len(X)
        one_vacancy, one_candidate = _single(X.vacancy_rows), _single(X.candidate_rows)
        # Most of a table: one product with the whole table beats copying the rows first.
        if one_vacancy is not None:
            if n > len(C) // 4:
                sims = row_dots(C.vectors, V.vectors[one_vacancy])[X.candidate_rows]
            else:
                sims = row_dots(C.vectors[X.candidate_rows], V.vectors[one_vacancy])
        elif one_candidate is not None:
            if n > len(V) // 4:
                sims = row_dots(V.vectors, C.vectors[one_candidate])[X.vacancy_rows]
            else:
                sims = row_dots(V.vectors[X.vacancy_rows], C.vectors[one_candidate])
        else:
            sims = row_dots(C.vectors[X.candidate_rows], V.vectors[X.vacancy_rows])
        value = self._rescale(sims, self.text_floor_)
        return np.where(C.has_text[X.candidate_rows], value, 0.0)

    def _education(self, X: PairBatch) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        rank = X.candidates.education_rank[X.candidate_rows]
        minimum = X.vacancies.education_min[X.vacancy_rows]
        required = ~np.isnan(minimum) & (minimum > 0)
        unknown = np.isnan(rank) & required
        gap = np.nan_to_num(minimum - rank, nan=0.0)
        fit = np.clip(1.0 - np.maximum(gap, 0.0) / _EDUCATION_STEPS, 0.0, 1.0)
        fit = np.where(required, np.where(unknown, self.unknown_value, fit), 1.0)
        return fit, unknown.astype(np.float64)

    def _level(self, X: PairBatch) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        shown = X.candidates.isco_level[X.candidate_rows]
        job = X.vacancies.isco_level[X.vacancy_rows]
        gap = np.nan_to_num(job - shown, nan=0.0)
        fit = np.select([gap <= 0, gap == 1], [1.0, 0.5], 0.0)
        job_unknown = np.isnan(job)
        simple = job == 1  # everyone meets level 1
        unknown = ~simple & (job_unknown | np.isnan(shown))
        fit = np.where(simple, 1.0, np.where(unknown, self.unknown_value, fit))
        return fit, unknown.astype(np.float64)

    def _travel(self, X: PairBatch) -> NDArray[np.float64]:
        t = X.travel
        limit = np.maximum(X.candidates.max_minutes[X.candidate_rows], 1.0)
        with np.errstate(invalid="ignore"):
            value = np.clip(1.0 - t.minutes / limit, 0.0, 1.0)
        return np.where(t.known, np.where(t.reachable, value, 0.0), self.unknown_value)

    def _hours(self, X: PairBatch) -> NDArray[np.float64]:
        overlap, span = hours_overlap(X)
        return np.clip(overlap / span, 0.0, 1.0)

    def _language(self, X: PairBatch) -> NDArray[np.float64]:
        gap = dutch_gap(X)
        fit = np.select([gap <= 0, gap == 1], [1.0, 0.5], 0.0)
        no_minimum = np.isnan(X.vacancies.language_min[X.vacancy_rows])
        return np.where(no_minimum, 1.0, np.where(np.isnan(gap), self.unknown_value, fit))

    def _placement(self, X: PairBatch) -> NDArray[np.float64]:
        rung = X.candidates.rung[X.candidate_rows]
        placement = X.vacancies.placement[X.vacancy_rows]
        known = ~np.isnan(rung)
        column = np.where(known, np.nan_to_num(rung, nan=1.0) - 1, 0).astype(np.intp)
        fit = _PLACEMENT_MATRIX[placement, column]
        return np.where(known, fit, self.unknown_value)

    def _experience(self, X: PairBatch) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        C, V, n = X.candidates, X.vacancies, len(X)
        owner, pos = V.occupations.expand(X.vacancy_rows)
        crow = X.candidate_rows[owner]
        score = V.occ["score"][pos].astype(np.float64)
        unit, minor = V.occ["unit"][pos], V.occ["minor"][pos]
        years = np.maximum(C.years["unit"].get(crow, unit), 0.5 * C.years["minor"].get(crow, minor))
        length = np.minimum(years / self.experience_full_years, 1.0)
        recency = np.maximum(
            self._recency(C.since["unit"].get(crow, unit), C.years["unit"].get(crow, unit)),
            0.5
            * self._recency(C.since["minor"].get(crow, minor), C.years["minor"].get(crow, minor)),
        )
        return (
            _segment_max(score * length, owner, n),
            _segment_max(score * recency, owner, n),
        )

    def _recency(self, stored: NDArray[np.float64], years: NDArray[np.float64]) -> NDArray[Any]:
        """From 1 / (years since + 1) to a value: 1 for a job ending this year, 0 after the
        horizon; ``unknown_value`` for experience without a recorded end."""
        with np.errstate(divide="ignore"):
            since = np.where(stored > 0, 1.0 / np.maximum(stored, 1e-9) - 1.0, math.inf)
        value = np.clip(1.0 - since / self.recency_horizon_years, 0.0, 1.0)
        return np.where(stored > 0, value, np.where(years > 0, self.unknown_value, 0.0))

    # -- explanations --------------------------------------------------------------------------

    def requirement_matches(self, X: PairBatch, i: int, kind: str) -> list[RequirementMatch]:
        """How pair ``i`` meets each ``required`` or ``optional`` skill, consistent with the
        ``skills_*`` features: their mean ``value`` / ``exact`` are those features."""
        check_is_fitted(self)
        C, V = X.candidates, X.vacancies
        candidate = C.profiles[int(X.candidate_rows[i])]
        vacancy = V.profiles[int(X.vacancy_rows[i])]
        vocab = C.vocab.skills
        vectors = vocab.vectors
        requirements = vacancy.required if kind == "required" else vacancy.optional
        keys = [(s, vocab.get(s.key)) for s in candidate.skills]
        keys += [(s, vocab.get(s.uri)) for s in candidate.skills if s.uri]
        result = []
        for req in requirements:
            exact, phrase, method = 0.0, None, "none"
            for skill in candidate.skills:
                if skill.key == req.key:
                    value, how = 1.0, "exact"
                elif req.uri is not None and skill.uri == req.uri:
                    value, how = skill.confidence * req.confidence, _uri_method(skill, req)
                else:
                    continue
                if value > exact:
                    exact, phrase, method = value, skill, how
            best = exact
            if keys and best < 1.0:
                sims = cosines(vectors[[vocab.get(req.key)]], vectors[[k for _, k in keys]])[0]
                similar = self._rescale(sims, self.semantic_floor_)
                j = int(np.argmax(similar))
                if similar[j] > best:
                    best, phrase, method = float(similar[j]), keys[j][0], "semantic"
            result.append(RequirementMatch(req, phrase, method, best, exact))
        return result


def _uri_method(a: ProfileSkill, b: ProfileSkill) -> str:
    """How two phrases reached the same ESCO skill: ``uri`` when both were certain steps (a
    given URI or an exact label), else the weaker step (``fuzzy`` or ``semantic``)."""
    order = ("uri", "exact", "fuzzy", "semantic")
    worst = max(order.index(m) if m in order else 3 for m in (a.method, b.method))
    return "uri" if worst <= 1 else order[worst]


def cosines(a: NDArray[np.float32], b: NDArray[np.float32]) -> NDArray[np.float32]:
    """(len(a), len(b)) inner products of unit vectors.

    ``einsum`` rather than BLAS on purpose: BLAS kernels add up a row differently depending on
    where it sits in the matrix, so the same pair could differ in the last bit between a
    shortlist and a recommendation (and an exact tie could flip after an update). einsum adds
    every pair the same way, and is as fast at these shapes.
    """
    result: NDArray[np.float32] = np.einsum("rd,kd->rk", a, b)
    return result


def row_dots(a: NDArray[np.float32], b: NDArray[np.float32]) -> NDArray[np.float32]:
    """Inner product of each row of ``a`` with ``b`` (one vector, or one row per row of
    ``a``), added the same way as :func:`cosines`."""
    result: NDArray[np.float32] = np.einsum("ij,ij->i" if b.ndim == 2 else "ij,j->i", a, b)
    return result


def _single(rows: NDArray[np.intp]) -> int | None:
    """The row when every entry is the same row (one vacancy or one candidate), else None."""
    if len(rows) and rows[0] == rows[-1] and (rows == rows[0]).all():
        return int(rows[0])
    return None


def _local_ids(ids: NDArray[np.intp], size: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Number the distinct ids 0..k-1 in value order with a bitmap instead of a sort.

    Returns (local number of each id, the distinct ids)."""
    seen = np.zeros(size, dtype=bool)
    seen[ids] = True
    distinct = np.flatnonzero(seen)
    local = np.zeros(size, dtype=np.intp)
    local[distinct] = np.arange(len(distinct))
    return local[ids], distinct
