"""Two years of outcomes: what happened when consultants proposed candidates the old way.

For every closed vacancy (and part of the open ones) an accountmanager made a shortlist the
old way: people whose wishes or past jobs sit in the same ISCO group, nearby, job-ready, with
a bias towards short-term clients and a good deal of noise; licences and restrictions were not
always checked. Each proposal then moves through ``proposed -> introduced -> interview ->
hired`` or stops at ``rejected`` (employer), ``declined`` (candidate) or ``withdrawn``
(municipality), each step drawn from the hidden suitability (:mod:`service.synth.truth`) with
noise, with a timestamp, the consultant's pseudonym and a reason code. Candidates decline more
often when travel or hours fit badly or when the work is not what they asked for or did before;
employers interview by suitability and hire the best interviewed (suitability plus noise, never
a knocked-out pair) up to the number of positions. A hire records how long
the job lasted (``still_employed_after_days``): better fits last longer, and about one in ten
is back on benefit within 180 days. Events after the reference date have not happened yet.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from features.records import Candidate, Outcome, Vacancy, validate_record
from features.vocabulary import OutcomeStatus, PlacementType, TransportMode
from service.synth._draw import chance, weighted
from service.synth.config import SynthConfig
from service.synth.labour_market import EmployerPlan, VacancyTruth
from service.synth.names import client_managers
from service.synth.population import CandidateTraits
from service.synth.truth import KNOCKOUTS, Suitability, TruthModel

__all__ = [
    "DECLINE_REASONS",
    "REJECTION_REASONS",
    "WITHDRAWAL_REASONS",
    "History",
    "Placement",
    "simulate_history",
]

REJECTION_REASONS = (
    "skills_mismatch", "experience_lacking", "education_too_low", "language_insufficient",
    "licence_missing", "medical_restriction", "not_in_register", "not_eligible",
    "travel_distance", "working_hours", "no_show", "other_candidate_chosen",
)  # fmt: skip
"""Why an employer said no (``rejected``)."""
DECLINE_REASONS = ("travel_time", "working_hours", "health", "childcare", "not_interested", "pay")
"""Why a candidate said no (``declined``)."""
WITHDRAWAL_REASONS = ("candidate_unavailable", "vacancy_filled", "shortlist_cut")
"""Why the municipality pulled a proposal (``withdrawn``)."""

_KNOCKOUT_REASON = {
    "exempt": "not_eligible",
    "licence": "licence_missing",
    "restriction": "medical_restriction",
    "register": "not_in_register",
    "travel": "travel_distance",
    "hours": "working_hours",
}
_STATUS_ORDER = {status.value: i for i, status in enumerate(OutcomeStatus)}
_JOB_TYPES = (PlacementType.REGULAR, PlacementType.WAGE_SUBSIDY, PlacementType.LEARN_WORK)


@dataclass(frozen=True, slots=True)
class Placement:
    """A hire and how long it really lasted (the uncensored truth behind an outcome)."""

    candidate_id: str
    vacancy_id: str
    hired_at: dt.datetime
    tenure_days: int
    """Days the job really lasted (may reach past the reference date)."""
    ended: bool
    """Whether the job ended (back on benefit) before the reference date."""
    observed_days: int
    """``still_employed_after_days`` as recorded: tenure, cut off at the reference date."""


@dataclass(frozen=True)
class History:
    """Outcomes, the evaluation pools with their suitability, and the hires' true tenure."""

    outcomes: list[Outcome]
    pool_vacancy: np.ndarray
    """Vacancy index of each pool row (rows grouped by vacancy, ascending)."""
    pool_candidate: np.ndarray
    """Candidate index of each pool row (ascending within a vacancy)."""
    pool_scores: Suitability
    pool_rank: np.ndarray
    """Old-way shortlist position of each pool row, 0 when not proposed."""
    proposal_at: list[dt.datetime | None]
    """When each vacancy's shortlist was made; ``None`` when it was not simulated."""
    placements: list[Placement]


def _workday(moment: dt.datetime) -> dt.datetime:
    while moment.weekday() >= 5:
        moment += dt.timedelta(days=1)
    return moment


def _office_time(rng: random.Random, day: dt.date) -> dt.datetime:
    minutes = 8 * 60 + 30 + 15 * rng.randrange(0, 34)  # 08:30 .. 16:45
    return _workday(dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60)))


def _after(rng: random.Random, moment: dt.datetime, low: int, high: int) -> dt.datetime:
    return _office_time(rng, (moment + dt.timedelta(days=rng.randint(low, high))).date())


class _Simulator:
    def __init__(
        self,
        config: SynthConfig,
        candidates: Sequence[Candidate],
        traits: Sequence[CandidateTraits],
        vacancies: Sequence[Vacancy],
        truths: Sequence[VacancyTruth],
        plans: Sequence[EmployerPlan],
        model: TruthModel,
        rng: random.Random,
        generator: np.random.Generator,
    ) -> None:
        self.config = config
        self.candidates = candidates
        self.traits = traits
        self.vacancies = vacancies
        self.truths = truths
        self.model = model
        self.rng = rng
        self.generator = generator
        self.manager_of = {plan.employer_id: plan.account_manager for plan in plans}
        self.client_manager = client_managers(len(candidates))
        self.cutoff = dt.datetime.combine(config.reference_date, dt.time())
        self.reliability = np.array([t.reliability for t in traits])
        self.events: list[dict[str, Any]] = []
        self.placements: list[Placement] = []
        self._pool_ci = np.empty(0, dtype=np.int64)

    # -- pools: who could have been considered ----------------------------------------------

    def pools(self) -> tuple[np.ndarray, np.ndarray]:
        """(vacancy index, candidate index) of every pool row."""
        gen, n = self.generator, len(self.candidates)
        by_minor: dict[int, list[int]] = {}
        for index, trait in enumerate(self.traits):
            groups = {int(j.isco_group) // 10 for j in trait.history}
            groups.update(int(isco) // 10 for isco in trait.desired_isco)
            for group in sorted(groups):
                by_minor.setdefault(group, []).append(index)
        related_index = {g: np.array(members) for g, members in by_minor.items()}
        size = min(self.config.pool_size, n)
        related_size = (2 * size) // 3
        vacancy_rows, candidate_rows = [], []
        for vi in range(len(self.vacancies)):
            related = related_index.get(int(self.model.v_isco[vi]) // 10, np.empty(0, np.int64))
            if len(related) > related_size:
                related = related[np.sort(gen.permutation(len(related))[:related_size])]
            chosen = np.unique(np.concatenate([related, gen.integers(0, n, size=2 * size)]))
            if len(chosen) > size:
                keep = np.isin(chosen, related)
                extra = np.flatnonzero(~keep)[: size - int(keep.sum())]
                chosen = np.sort(np.concatenate([chosen[keep], chosen[extra]]))
            vacancy_rows.append(np.full(len(chosen), vi, dtype=np.int64))
            candidate_rows.append(chosen.astype(np.int64))
        if not vacancy_rows:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(vacancy_rows), np.concatenate(candidate_rows)

    def old_way_scores(self, vi: np.ndarray, ci: np.ndarray, km: np.ndarray) -> np.ndarray:
        """The consultants' rough ranking score: familiar work, nearby, job-ready, recent."""
        m = self.model
        v_isco = m.v_isco[vi][:, None]
        wanted = (m.c_desired_isco[ci] == v_isco).any(axis=1)
        worked = (m.c_history_isco[ci] == v_isco).any(axis=1)
        minor = ((m.c_desired_isco[ci] // 10 == v_isco // 10) & (m.c_desired_isco[ci] >= 0)).any(
            axis=1
        ) | ((m.c_history_isco[ci] // 10 == v_isco // 10) & (m.c_history_isco[ci] >= 0)).any(axis=1)
        rung = np.array([c.participation_rung or 3 for c in self.candidates], dtype=float)[ci]
        months = np.array([c.months_on_benefit or 0 for c in self.candidates], dtype=float)[ci]
        job = np.isin(m.v_placement[vi], [list(PlacementType).index(p) for p in _JOB_TYPES])
        readiness = np.where(job, 0.12 * (rung - 3), np.where((rung >= 2) & (rung <= 4), 0.3, 0.0))
        noise = self.generator.normal(0.0, 0.45, size=len(ci))
        # Consultants know who has a car: far-away jobs go to those who drive.
        car = m.c_modes[TransportMode.CAR][ci]
        return (
            1.0 * wanted + 0.7 * worked + 0.35 * minor - 0.03 * km - 0.5 * ((km > 15) & ~car)
            + readiness - 0.15 * (months > 60) + noise
        )  # fmt: skip

    # -- the simulation -----------------------------------------------------------------------

    def run(self) -> History:
        config, rng = self.config, self.rng
        pool_vi, pool_ci = self.pools()
        self._pool_ci = pool_ci
        scores = self.model.score(pool_ci, pool_vi)
        old_score = self.old_way_scores(pool_vi, pool_ci, scores.km)
        interest = self.model.interest(pool_ci, pool_vi)
        m = self.model
        volunteer = list(PlacementType).index(PlacementType.VOLUNTEER)
        wage_subsidy = list(PlacementType).index(PlacementType.WAGE_SUBSIDY)
        eligible = ~(m.c_exempt[pool_ci] & (m.v_placement[pool_vi] != volunteer))
        eligible &= ~((m.v_placement[pool_vi] == wage_subsidy) & ~m.c_register[pool_ci])
        starts = np.searchsorted(pool_vi, np.arange(len(self.vacancies) + 1))

        proposal_at: list[dt.datetime | None] = []
        for truth in self.truths:
            moment = _office_time(rng, truth.open_from + dt.timedelta(days=rng.randint(2, 21)))
            simulate = truth.closed or chance(rng, config.open_with_history_share)
            proposal_at.append(moment if simulate and moment < self.cutoff else None)
        checks_licence = [chance(rng, 0.85) for _ in self.truths]
        checks_restrictions = [chance(rng, 0.7) for _ in self.truths]

        employed_until = np.full(len(self.candidates), -1, dtype=np.int64)  # day ordinal
        pool_rank = np.zeros(len(pool_vi), dtype=np.int64)
        order = sorted((moment, vi) for vi, moment in enumerate(proposal_at) if moment is not None)
        for moment, vi in order:
            rows = np.arange(starts[vi], starts[vi + 1])
            ok = eligible[rows] & (employed_until[pool_ci[rows]] < moment.toordinal())
            if checks_licence[vi]:
                ok &= scores.knockout[rows] != KNOCKOUTS.index("licence")
            if checks_restrictions[vi]:
                ok &= scores.knockout[rows] != KNOCKOUTS.index("restriction")
            candidates = rows[ok]
            if not len(candidates):
                continue
            count = min(len(candidates), rng.randint(5, 15))
            ranked = candidates[np.argsort(-old_score[candidates], kind="stable")[:count]]
            pool_rank[ranked] = np.arange(1, count + 1)
            self._shortlist(vi, moment, ranked, scores, interest, employed_until)

        outcomes = sorted(
            self.events,
            key=lambda e: (e["at"], e["vacancy_id"], e["candidate_id"], _STATUS_ORDER[e["status"]]),
        )
        return History(
            outcomes=[validate_record(Outcome, self._serialise(e)) for e in outcomes],
            pool_vacancy=pool_vi,
            pool_candidate=pool_ci,
            pool_scores=scores,
            pool_rank=pool_rank,
            proposal_at=proposal_at,
            placements=self.placements,
        )

    @staticmethod
    def _serialise(event: dict[str, Any]) -> dict[str, Any]:
        data = dict(event)
        data["at"] = event["at"].isoformat()
        return data

    def _event(
        self,
        ci: int,
        vi: int,
        status: OutcomeStatus,
        at: dt.datetime,
        rank: int,
        *,
        reason: str | None = None,
        by: str | None = None,
        days: int | None = None,
    ) -> bool:
        """Record an event unless it lies after the reference date; False if it does."""
        if at >= self.cutoff:
            return False
        vacancy = self.vacancies[vi]
        self.events.append(
            {
                "candidate_id": self.candidates[ci].id,
                "vacancy_id": vacancy.id,
                "status": status.value,
                "reason": reason,
                "at": at,
                "by": by or self.manager_of[vacancy.employer_id],
                "still_employed_after_days": days,
                "rank": rank,
            }
        )
        return True

    def _shortlist(
        self,
        vi: int,
        moment: dt.datetime,
        rows: np.ndarray,
        scores: Suitability,
        interest: np.ndarray,
        employed_until: np.ndarray,
    ) -> None:
        rng = self.rng
        vacancy = self.vacancies[vi]
        interviewed: list[tuple[int, int, dt.datetime]] = []  # (row, rank, when)
        for rank, row in enumerate(rows.tolist(), start=1):
            ci = self._candidate_of(row)
            s = float(scores.suitability[row])
            if not self._event(ci, vi, OutcomeStatus.PROPOSED, moment, rank):
                continue
            if chance(rng, 0.03):
                self._event(ci, vi, OutcomeStatus.WITHDRAWN, _after(rng, moment, 1, 5), rank,
                            reason="candidate_unavailable")  # fmt: skip
                continue
            reliability = float(self.reliability[ci])
            fit = float(scores.travel[row] * scores.hours[row])
            p_decline = (
                0.03 + 0.30 * (1 - fit) + 0.12 * (1 - float(interest[row]))
                + 0.08 * (1 - reliability)
            )  # fmt: skip
            if chance(rng, p_decline):
                self._event(ci, vi, OutcomeStatus.DECLINED, _after(rng, moment, 1, 6), rank,
                            reason=self._decline_reason(ci, row, scores),
                            by=self._client_manager(ci))  # fmt: skip
                continue
            if not chance(rng, 0.97 - 0.015 * (rank - 1)):  # lower on the list, less often sent
                reason = "vacancy_filled" if rank > 3 * vacancy.positions else "shortlist_cut"
                self._event(ci, vi, OutcomeStatus.WITHDRAWN, _after(rng, moment, 2, 7), rank,
                            reason=reason)  # fmt: skip
                continue
            introduced = _after(rng, moment, 1, 5)
            if not self._event(ci, vi, OutcomeStatus.INTRODUCED, introduced, rank):
                continue
            p_interview = 0.03 if s <= 0 else 1 / (1 + math.exp(-9 * (s - 0.42)))
            if not chance(rng, p_interview):
                self._event(ci, vi, OutcomeStatus.REJECTED, _after(rng, introduced, 3, 12), rank,
                            reason=self._rejection_reason(row, scores))  # fmt: skip
                continue
            when = _after(rng, introduced, 3, 12)
            if not self._event(ci, vi, OutcomeStatus.INTERVIEW, when, rank):
                continue
            if chance(rng, 0.15 * (1 - reliability)):
                self._event(ci, vi, OutcomeStatus.REJECTED, when, rank, reason="no_show")
                continue
            interviewed.append((row, rank, when))
        if interviewed:
            self._decide(vi, interviewed, scores, employed_until)

    def _candidate_of(self, row: int) -> int:
        return int(self._pool_ci[row])

    def _decide(
        self,
        vi: int,
        interviewed: list[tuple[int, int, dt.datetime]],
        scores: Suitability,
        employed_until: np.ndarray,
    ) -> None:
        rng = self.rng
        vacancy = self.vacancies[vi]
        decided = _after(rng, max(when for _, _, when in interviewed), 2, 10)
        judged = sorted(
            interviewed,
            key=lambda item: (
                -(
                    float(scores.suitability[item[0]])
                    + rng.gauss(0.0, 0.1)
                    + 0.1 * float(self.reliability[self._candidate_of(item[0])])
                )
            ),
        )
        hired = 0
        for row, rank, _ in judged:
            ci = self._candidate_of(row)
            s = float(scores.suitability[row])
            if hired < vacancy.positions and s > 0 and s + rng.gauss(0.0, 0.08) > 0.35:
                if chance(rng, 0.05):
                    self._event(ci, vi, OutcomeStatus.DECLINED, decided, rank, reason="pay",
                                by=self._client_manager(ci))  # fmt: skip
                    continue
                hired += 1
                self._hire(ci, vi, row, rank, decided, scores, employed_until)
            else:
                reason = "other_candidate_chosen" if hired else self._rejection_reason(row, scores)
                self._event(ci, vi, OutcomeStatus.REJECTED, decided, rank, reason=reason)

    def _hire(
        self,
        ci: int,
        vi: int,
        row: int,
        rank: int,
        at: dt.datetime,
        scores: Suitability,
        employed_until: np.ndarray,
    ) -> None:
        rng = self.rng
        s = float(scores.suitability[row])
        reliability = float(self.reliability[ci])
        p_early = min(0.5, max(0.02, 0.28 - 0.30 * s - 0.10 * (reliability - 0.5)))
        if chance(rng, p_early):
            tenure = rng.randint(7, 179)
        else:
            tenure = 180 + int(rng.expovariate(1.0 / (250 + 900 * s * (0.5 + reliability))))
        available = (self.cutoff - at).days
        observed = min(tenure, available)
        if not self._event(ci, vi, OutcomeStatus.HIRED, at, rank, days=observed):
            return
        employed_until[ci] = (at + dt.timedelta(days=tenure)).toordinal()
        self.placements.append(
            Placement(
                candidate_id=self.candidates[ci].id,
                vacancy_id=self.vacancies[vi].id,
                hired_at=at,
                tenure_days=tenure,
                ended=tenure <= available,
                observed_days=observed,
            )
        )

    def _client_manager(self, ci: int) -> str:
        return self.client_manager[ci % len(self.client_manager)]

    def _decline_reason(self, ci: int, row: int, scores: Suitability) -> str:
        rng = self.rng
        if scores.travel[row] < 0.7:
            return "travel_time"
        if scores.hours[row] < 0.8:
            return "working_hours"
        barriers = {b.value for b in self.candidates[ci].barriers}
        if "health" in barriers and chance(rng, 0.4):
            return "health"
        if "childcare" in barriers and chance(rng, 0.4):
            return "childcare"
        return weighted(rng, (("not_interested", 0.6), ("pay", 0.4)))

    def _rejection_reason(self, row: int, scores: Suitability) -> str:
        knockout = KNOCKOUTS[int(scores.knockout[row])]
        if knockout:
            return _KNOCKOUT_REASON[knockout]
        gaps = (
            ("skills_mismatch", 1 - float(scores.skill[row])),
            ("experience_lacking", 1 - float(scores.experience[row])),
            ("education_too_low", 1 - float(scores.education[row])),
            ("language_insufficient", 1 - float(scores.language[row])),
        )
        return weighted(self.rng, [(reason, gap + 0.05) for reason, gap in gaps])


def simulate_history(
    config: SynthConfig,
    candidates: Sequence[Candidate],
    traits: Sequence[CandidateTraits],
    vacancies: Sequence[Vacancy],
    truths: Sequence[VacancyTruth],
    plans: Sequence[EmployerPlan],
    model: TruthModel,
    rng: random.Random,
    generator: np.random.Generator,
) -> History:
    """Simulate the old way of working over the history window; see the module docstring."""
    simulator = _Simulator(
        config, candidates, traits, vacancies, truths, plans, model, rng, generator
    )
    return simulator.run()
