"""The hidden ground truth: how suitable a candidate really is for a vacancy, in [0, 1].

Outcomes in the generated history are drawn from this suitability with noise, so a ranker that
learns from the outcomes can be evaluated against it. It is built from what is really true of
the candidate (:class:`~service.synth.population.CandidateTraits`: true skills as ESCO URIs,
true education, the occupations worked in) and of the vacancy
(:class:`~service.synth.labour_market.VacancyTruth`), plus the record fields a consultant would
check. Protected attributes (birth year, gender, nationality, migration background) are never
read; neither are barriers or months on benefit.

::

    capability  = floor + (1 - floor) * (0.45 skill + 0.35 experience + 0.20 education)
    feasibility = travel * hours * language * placement
    suitability = capability * feasibility, or 0 when a knock-out applies

- **skill**: share of the vacancy's required ESCO skills the candidate really has.
- **experience**: best earlier job: same occupation 1, same ISCO unit group 0.75, same minor
  group 0.5, same sub-major group 0.25; times 0.6 + 0.4 * min(1, years / 3).
- **education**: true level against ``education_min``: met 1, one rank short 0.65, two 0.35,
  more 0.15.
- **floor** by the vacancy's ISCO level (1: 0.45, 2: 0.25, 3: 0.10, 4: 0): simple work can be
  learnt on the job.
- **travel**: fastest usable mode (:class:`~service.synth.geography.TravelModel`) against the
  candidate's maximum: ``1 - 0.3 m/max`` within it, falling to 0 at 1.5 times it.
- **hours**: ``1 - gap / 12`` for the gap in hours per week between what the candidate can
  work and what the vacancy offers.
- **language**: Dutch level against ``language_min``: met 1, one level short 0.6, two 0.3, more 0.1.
- **placement**: how well the placement type fits the true participation rung (table below);
  a leerwerkplek fits people without a startkwalificatie best.
- **knock-outs** (suitability 0): exempt from the work obligation (anything but volunteering),
  a required driving licence missing, a restriction ruling out a physical demand, a wage-subsidy
  job without doelgroepregister membership, travel over 1.5 times the maximum or unreachable,
  hours 12 or more per week apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from features.postcodes import Postcodes, load_postcodes
from features.records import Candidate, Vacancy
from features.vocabulary import (
    DRIVING_LICENCES,
    PhysicalDemand,
    PlacementType,
    Restriction,
    TransportMode,
    education_rank,
)
from service.synth.geography import EARLY_START_MINUTES, TravelModel
from service.synth.labour_market import VacancyTruth
from service.synth.population import CandidateTraits

__all__ = [
    "KNOCKOUTS",
    "PLACEMENT_FIT",
    "PairSuitability",
    "Suitability",
    "TruthModel",
    "suitability",
]

KNOCKOUTS = ("", "exempt", "licence", "restriction", "register", "travel", "hours")
"""Knock-out codes; index 0 means none applied."""

_P = PlacementType
# Fit of each placement type for participation rungs 1..6.
PLACEMENT_FIT: dict[PlacementType, tuple[float, ...]] = {
    _P.REGULAR: (0.0, 0.05, 0.25, 0.55, 0.85, 1.0),
    _P.WAGE_SUBSIDY: (0.0, 0.10, 0.40, 0.80, 1.0, 0.9),
    _P.WORK_EXPERIENCE: (0.05, 0.20, 0.70, 1.0, 0.80, 0.5),
    _P.LEARN_WORK: (0.0, 0.10, 0.50, 0.90, 1.0, 0.8),
    _P.PARTICIPATION: (0.20, 0.70, 1.0, 0.80, 0.40, 0.2),
    _P.SHELTERED: (0.20, 0.60, 1.0, 0.80, 0.50, 0.2),
    _P.VOLUNTEER: (0.60, 1.0, 0.90, 0.70, 0.40, 0.2),
}
_PLACEMENTS = tuple(PlacementType)
_FIT_TABLE = np.array([PLACEMENT_FIT[p] for p in _PLACEMENTS])
_FLOOR_BY_LEVEL = np.array([0.0, 0.45, 0.25, 0.10, 0.0])
_DEMANDS = tuple(PhysicalDemand)
_LICENCE_BIT = {code: 1 << i for i, code in enumerate(DRIVING_LICENCES)}
_CAR_LICENCES = frozenset({"B", "BE", "C", "C1", "CE", "C1E", "D", "D1", "DE", "D1E"})


def _bits(items: Sequence[str], bit: dict[str, int]) -> int:
    value = 0
    for item in items:
        value |= bit.get(item, 0)
    return value


_DEMAND_BIT = {d.value: 1 << i for i, d in enumerate(_DEMANDS)}
_RULED_OUT_BIT = {r.value: _DEMAND_BIT[r.rules_out.value] for r in Restriction}


@dataclass(frozen=True, slots=True)
class Suitability:
    """Suitability and its components for a batch of (candidate, vacancy) pairs (arrays)."""

    suitability: np.ndarray
    capability: np.ndarray
    feasibility: np.ndarray
    skill: np.ndarray
    experience: np.ndarray
    education: np.ndarray
    language: np.ndarray
    travel: np.ndarray
    hours: np.ndarray
    placement: np.ndarray
    minutes: np.ndarray
    """Fastest usable travel minutes (``inf`` when unreachable)."""
    km: np.ndarray
    """Road distance in km."""
    knockout: np.ndarray
    """Index into :data:`KNOCKOUTS` (0 = none)."""

    def __len__(self) -> int:
        return len(self.suitability)


@dataclass(frozen=True, slots=True)
class PairSuitability:
    """Suitability of one pair, with the components that make it."""

    suitability: float
    capability: float
    feasibility: float
    skill: float
    experience: float
    education: float
    language: float
    travel: float
    hours: float
    placement: float
    minutes: float
    km: float
    knockout: str
    """Name of the knock-out that applied, ``""`` when none."""


class TruthModel:
    """Vectorised hidden suitability over the candidates and vacancies of one municipality.

    Built once from the records and their truth; :meth:`score` then takes index arrays of
    pairs. Only pair-relevant fields are turned into arrays, and none of them is protected.
    """

    def __init__(
        self,
        candidates: Sequence[Candidate],
        traits: Sequence[CandidateTraits],
        vacancies: Sequence[Vacancy],
        truths: Sequence[VacancyTruth],
        *,
        postcodes: Postcodes | None = None,
        travel: TravelModel | None = None,
    ) -> None:
        if len(candidates) != len(traits) or len(vacancies) != len(truths):
            raise ValueError("every candidate needs its traits and every vacancy its truth")
        postcodes = postcodes or load_postcodes()
        self.travel = travel or TravelModel()
        self.candidate_ids = [c.id for c in candidates]
        self.vacancy_ids = [v.id for v in vacancies]
        self._vacancies(vacancies, truths, postcodes)
        self._candidates(candidates, traits, postcodes)

    # -- arrays -------------------------------------------------------------------------------

    def _vacancies(
        self, vacancies: Sequence[Vacancy], truths: Sequence[VacancyTruth], postcodes: Postcodes
    ) -> None:
        places = [postcodes.place(v.postcode) for v in vacancies]
        self.v_lat = np.array([p.lat for p in places], dtype=float)
        self.v_lon = np.array([p.lon for p in places], dtype=float)
        skills = sorted({uri for t in truths for uri in t.required_skills})
        self._skill_index = {uri: i for i, uri in enumerate(skills)}
        occupations = sorted({t.occupation_uri for t in truths})
        self._occupation_index = {uri: i for i, uri in enumerate(occupations)}
        width = max([len(t.required_skills) for t in truths] + [1])
        self.v_required = np.full((len(truths), width), -1, dtype=np.int64)
        for row, truth in enumerate(truths):
            for col, uri in enumerate(truth.required_skills):
                self.v_required[row, col] = self._skill_index[uri]
        self.v_required_count = (self.v_required >= 0).sum(axis=1)
        self.v_occupation = np.array(
            [self._occupation_index[t.occupation_uri] for t in truths], dtype=np.int64
        )
        self.v_isco = np.array([int(t.isco_group) for t in truths], dtype=np.int64)
        self.v_level = np.array([t.isco_level for t in truths], dtype=np.int64)
        self.v_education = np.array(
            [education_rank(v.education_min) or 0 for v in vacancies], dtype=np.int64
        )
        self.v_language = np.array(
            [v.language_min.rank if v.language_min else -1 for v in vacancies], dtype=np.int64
        )
        self.v_hours_min = np.array(
            [np.nan if v.hours_min is None else v.hours_min for v in vacancies], dtype=float
        )
        self.v_hours_max = np.array(
            [np.nan if v.hours_max is None else v.hours_max for v in vacancies], dtype=float
        )
        self.v_early = np.array(
            [
                v.shift_start is not None
                and 3 * 60 <= v.shift_start.hour * 60 + v.shift_start.minute < EARLY_START_MINUTES
                for v in vacancies
            ],
            dtype=bool,
        )
        self.v_licences = np.array(
            [_bits(v.required_licences, _LICENCE_BIT) for v in vacancies], dtype=np.int64
        )
        self.v_demands = np.array(
            [_bits([d.value for d in v.physical_demands], _DEMAND_BIT) for v in vacancies],
            dtype=np.int64,
        )
        self.v_placement = np.array(
            [_PLACEMENTS.index(v.placement_type) for v in vacancies], dtype=np.int64
        )

    def _candidates(
        self,
        candidates: Sequence[Candidate],
        traits: Sequence[CandidateTraits],
        postcodes: Postcodes,
    ) -> None:
        places = [postcodes.place(c.postcode) for c in candidates]
        self.c_lat = np.array([p.lat for p in places], dtype=float)
        self.c_lon = np.array([p.lon for p in places], dtype=float)
        n = len(candidates)
        self.c_skills = np.zeros((n, max(1, len(self._skill_index))), dtype=bool)
        for row, trait in enumerate(traits):
            cols = [self._skill_index[u] for u in trait.skills if u in self._skill_index]
            self.c_skills[row, cols] = True
        width = max([len(t.history) for t in traits] + [1])
        self.c_history = np.full((n, width), -1, dtype=np.int64)
        self.c_history_isco = np.full((n, width), -1, dtype=np.int64)
        self.c_history_years = np.zeros((n, width), dtype=float)
        for row, trait in enumerate(traits):
            for col, job in enumerate(trait.history):
                self.c_history[row, col] = self._occupation_index.get(job.occupation_uri, -2)
                self.c_history_isco[row, col] = int(job.isco_group)
                self.c_history_years[row, col] = job.years
        width = max([len(t.desired_isco) for t in traits] + [1])
        self.c_desired_isco = np.full((n, width), -1, dtype=np.int64)
        for row, trait in enumerate(traits):
            for col, isco in enumerate(trait.desired_isco):
                self.c_desired_isco[row, col] = int(isco)
        self.c_education = np.array([education_rank(t.education) or 0 for t in traits])
        self.c_rung = np.array([t.participation_rung for t in traits], dtype=np.int64)
        self.c_dutch = np.array([_dutch_rank(c) for c in candidates], dtype=np.int64)
        self.c_hours_min = np.array(
            [np.nan if c.hours_min is None else c.hours_min for c in candidates], dtype=float
        )
        self.c_hours_max = np.array(
            [np.nan if c.hours_max is None else c.hours_max for c in candidates], dtype=float
        )
        self.c_max_minutes = np.array([c.max_travel_minutes for c in candidates], dtype=float)
        self.c_modes = {
            mode: np.array([mode in c.transport_modes for c in candidates], dtype=bool)
            for mode in TransportMode
        }
        has_car_licence = np.array(
            [bool(_CAR_LICENCES.intersection(c.driving_licences)) for c in candidates], dtype=bool
        )
        self.c_modes[TransportMode.CAR] = self.c_modes[TransportMode.CAR] & has_car_licence
        self.c_licences = np.array(
            [_bits(c.driving_licences, _LICENCE_BIT) for c in candidates], dtype=np.int64
        )
        self.c_ruled_out = np.array(
            [_bits([r.value for r in c.restrictions], _RULED_OUT_BIT) for c in candidates],
            dtype=np.int64,
        )
        self.c_exempt = np.array([c.exempt_from_work_obligation for c in candidates], dtype=bool)
        self.c_register = np.array([c.target_group_register for c in candidates], dtype=bool)

    # -- scoring ------------------------------------------------------------------------------

    def score(self, ci: np.ndarray, vi: np.ndarray) -> Suitability:
        """Suitability of candidate ``ci[k]`` for vacancy ``vi[k]``, for every k."""
        ci = np.asarray(ci, dtype=np.int64)
        vi = np.asarray(vi, dtype=np.int64)

        required = self.v_required[vi]
        valid = required >= 0
        has = self.c_skills[ci[:, None], np.where(valid, required, 0)] & valid
        count = self.v_required_count[vi]
        skill = np.where(count > 0, has.sum(axis=1) / np.maximum(count, 1), 0.5)

        history = self.c_history[ci]
        h_isco = self.c_history_isco[ci]
        v_isco = self.v_isco[vi][:, None]
        relatedness = np.select(
            [
                history == self.v_occupation[vi][:, None],
                h_isco == v_isco,
                h_isco // 10 == v_isco // 10,
                h_isco // 100 == v_isco // 100,
            ],
            [1.0, 0.75, 0.5, 0.25],
            0.0,
        )
        relatedness = np.where(h_isco < 0, 0.0, relatedness)
        weight = 0.6 + 0.4 * np.minimum(1.0, self.c_history_years[ci] / 3.0)
        experience = (relatedness * weight).max(axis=1)

        short = self.v_education[vi] - self.c_education[ci]
        education = np.select([short <= 0, short == 1, short == 2], [1.0, 0.65, 0.35], 0.15)

        floor = _FLOOR_BY_LEVEL[self.v_level[vi]]
        raw = 0.45 * skill + 0.35 * experience + 0.20 * education
        capability = floor + (1.0 - floor) * raw

        need = self.v_language[vi]
        gap = need - self.c_dutch[ci]
        language = np.where(
            need < 0, 1.0, np.select([gap <= 0, gap == 1, gap == 2], [1.0, 0.6, 0.3], 0.1)
        )

        km = self.travel.road_km(self.c_lat[ci], self.c_lon[ci], self.v_lat[vi], self.v_lon[vi])
        modes = {mode: usable[ci] for mode, usable in self.c_modes.items()}
        minutes = self.travel.minutes(km, modes, self.v_early[vi])
        ratio = minutes / np.maximum(self.c_max_minutes[ci], 1.0)
        with np.errstate(invalid="ignore"):
            travel = np.where(
                ratio <= 1.0,
                1.0 - 0.3 * ratio,
                np.where(ratio <= 1.5, 0.7 * (1.5 - ratio) / 0.5, 0.0),
            )
        travel = np.nan_to_num(travel, nan=0.0)

        hour_gap = np.fmax(
            np.fmax(
                self.v_hours_min[vi] - self.c_hours_max[ci],
                self.c_hours_min[ci] - self.v_hours_max[vi],
            ),
            0.0,
        )
        hour_gap = np.nan_to_num(hour_gap, nan=0.0)
        hours = np.clip(1.0 - hour_gap / 12.0, 0.0, 1.0)

        placement_code = self.v_placement[vi]
        placement = _FIT_TABLE[placement_code, self.c_rung[ci] - 1]
        learn_work = placement_code == _PLACEMENTS.index(PlacementType.LEARN_WORK)
        placement = np.where(learn_work & (self.c_education[ci] >= 3), placement * 0.6, placement)

        feasibility = travel * hours * language * placement

        volunteer = placement_code == _PLACEMENTS.index(PlacementType.VOLUNTEER)
        wage_subsidy = placement_code == _PLACEMENTS.index(PlacementType.WAGE_SUBSIDY)
        conditions = [
            self.c_exempt[ci] & ~volunteer,
            (self.c_licences[ci] & self.v_licences[vi]) != self.v_licences[vi],
            (self.c_ruled_out[ci] & self.v_demands[vi]) != 0,
            wage_subsidy & ~self.c_register[ci],
            ~(ratio <= 1.5),
            hour_gap >= 12.0,
        ]
        knockout = np.zeros(len(ci), dtype=np.int64)
        for code in range(len(conditions), 0, -1):  # the first condition that holds wins
            knockout = np.where(conditions[code - 1], code, knockout)
        value = np.where(knockout > 0, 0.0, np.clip(capability * feasibility, 0.0, 1.0))
        return Suitability(
            suitability=value,
            capability=capability,
            feasibility=feasibility,
            skill=skill,
            experience=experience,
            education=education,
            language=language,
            travel=travel,
            hours=hours,
            placement=placement,
            minutes=minutes,
            km=km,
            knockout=knockout,
        )

    def interest(self, ci: np.ndarray, vi: np.ndarray) -> np.ndarray:
        """How much the candidate wants the job (0.3..1): the work they asked for, or know.

        Used for the candidate's own decisions (declining), not for suitability.
        """
        v_isco = self.v_isco[vi][:, None]
        wanted = self.c_desired_isco[ci]
        worked = self.c_history_isco[ci]
        unit_wanted = (wanted == v_isco).any(axis=1)
        unit_worked = (worked == v_isco).any(axis=1)
        minor = ((wanted >= 0) & (wanted // 10 == v_isco // 10)).any(axis=1) | (
            (worked >= 0) & (worked // 10 == v_isco // 10)
        ).any(axis=1)
        return np.select([unit_wanted, unit_worked, minor], [1.0, 0.7, 0.5], 0.3)


def _dutch_rank(candidate: Candidate) -> int:
    for skill in candidate.languages:
        if skill.language == "nl":
            return skill.level.rank
    return 0  # no Dutch recorded: read as beginner


def suitability(
    candidate: Candidate,
    traits: CandidateTraits,
    vacancy: Vacancy,
    truth: VacancyTruth,
    *,
    postcodes: Postcodes | None = None,
) -> PairSuitability:
    """The hidden suitability of one candidate for one vacancy, with its components."""
    model = TruthModel([candidate], [traits], [vacancy], [truth], postcodes=postcodes)
    scores = model.score(np.array([0]), np.array([0]))
    values = {f.name: float(getattr(scores, f.name)[0]) for f in fields(scores)}
    values["knockout"] = KNOCKOUTS[int(scores.knockout[0])]  # type: ignore[assignment]
    return PairSuitability(**values)  # type: ignore[arg-type]
