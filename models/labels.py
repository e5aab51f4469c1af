"""Labels from outcomes: graded relevance per (vacancy, candidate) pair, as of a cut-off moment.

An outcome history says what happened to each proposal (``proposed -> introduced -> interview
-> hired``, or ``rejected`` / ``declined`` / ``withdrawn`` on the way). A ranker learns from one
number per pair, its **grade**:

==========================  =====  =============================================================
what happened (by the cut-off)  grade  why
==========================  =====  =============================================================
hired, still employed after    5    a placement that lasts is the goal (PRODUCT.md: 10% are back
180 days                            on benefit within six months)
hired                          4    hired, but lasting is not known yet at the cut-off (censored)
                                    or the job ended within 180 days
interview                      3    the employer wanted to meet the candidate
introduced                     2    the consultant passed the proposal on to the employer
proposed, no follow-up         1    on a shortlist, nothing happened after it (and the proposal
                                    is at least ``pending_days`` old, so nothing will)
rejected / declined for a      0    the match did not fit: skills, experience, education,
reason about the fit                language, licence, restriction, register, travel, hours; or
                                    the candidate was not interested. Unknown reasons count here.
==========================  =====  =============================================================

Other endings are not about the fit, so the pair keeps the grade of the furthest stage it
reached (``other_candidate_chosen`` after an interview is a 3: good enough to meet, one place
only; ``no_show`` and ``declined`` for ``pay`` likewise), see :data:`NOT_ABOUT_FIT`.

Excluded (no label at all):

- ``withdrawn``: the municipality pulled the proposal (vacancy filled, shortlist cut, candidate
  unavailable). That says nothing about the fit, and counting it as a negative would teach the
  ranker the old way's list cut-offs: withdrawals happen more often lower on a list.
- ``declined`` for ``health`` or ``childcare``: these follow from barriers, which inform
  placement type and support and must never become a ranking penalty (PRODUCT.md).
- pending pairs: the last event is ``proposed``, ``introduced`` or ``interview`` and lies less
  than ``pending_days`` before the cut-off, so the story is not over yet.

No leakage of the future: only events strictly before ``until`` are read. A hire counts as
lasting only when the 180 days passed before the cut-off (``hired_at + 180 days <= until``);
``still_employed_after_days`` is the tenure seen at export time, so it is capped at the days
between the hire and the cut-off before it is used.

>>> labels = label_outcomes(outcomes, until=dt.datetime(2025, 7, 1))   # doctest: +SKIP
>>> labels.grades[:5]                                                   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from features.records import Outcome
from features.vocabulary import OutcomeStatus

__all__ = [
    "EXCLUDED_REASONS",
    "GRADES",
    "LASTING_DAYS",
    "NOT_ABOUT_FIT",
    "RELEVANT_GRADE",
    "PairLabels",
    "grade_pair",
    "label_outcomes",
]

LASTING_DAYS = 180
"""A placement that lasts: still employed this many days after the hire."""

GRADES: dict[str, int] = {
    "hired_lasting": 5,
    "hired": 4,
    "interview": 3,
    "introduced": 2,
    "proposed": 1,
    "negative": 0,
}
"""Grade of each kind of ending (module docstring)."""

RELEVANT_GRADE = GRADES["interview"]
"""From this grade on a pair counts as relevant for MRR, recall and precision."""

NOT_ABOUT_FIT = frozenset({"other_candidate_chosen", "no_show", "pay"})
"""Rejection or decline reasons that say nothing about the fit: the pair keeps its stage."""

EXCLUDED_REASONS = frozenset({"health", "childcare"})
"""Decline reasons that follow from barriers: the pair gets no label (never a penalty)."""

_STAGE_GRADE = {
    OutcomeStatus.PROPOSED: GRADES["proposed"],
    OutcomeStatus.INTRODUCED: GRADES["introduced"],
    OutcomeStatus.INTERVIEW: GRADES["interview"],
}
_ORDER = {status: i for i, status in enumerate(OutcomeStatus)}


@dataclass(frozen=True, eq=False)
class PairLabels:
    """One row per labelled pair, sorted by (first event, vacancy, candidate).

    ``first_at`` is when the pair was first proposed (the moment its features describe) and
    ``rank`` its position on that shortlist (0 when not recorded).
    """

    candidate_ids: list[str]
    vacancy_ids: list[str]
    grades: NDArray[np.int64]
    ranks: NDArray[np.int64]
    first_at: list[dt.datetime]
    endings: list[str]
    """What decided the grade, e.g. ``hired_lasting``, ``rejected:skills_mismatch``."""
    excluded: dict[str, int]
    """Pairs left out, per cause (``withdrawn``, ``declined:health``, ``pending``, ...)."""

    def __len__(self) -> int:
        return len(self.grades)

    def pairs(self) -> list[tuple[str, str]]:
        """(candidate id, vacancy id) per row."""
        return list(zip(self.candidate_ids, self.vacancy_ids, strict=True))

    def take(self, mask: NDArray[np.bool_]) -> PairLabels:
        """The rows where ``mask`` is true (``excluded`` is kept as it is)."""
        index = np.flatnonzero(mask).tolist()
        return PairLabels(
            candidate_ids=[self.candidate_ids[i] for i in index],
            vacancy_ids=[self.vacancy_ids[i] for i in index],
            grades=self.grades[index],
            ranks=self.ranks[index],
            first_at=[self.first_at[i] for i in index],
            endings=[self.endings[i] for i in index],
            excluded=dict(self.excluded),
        )

    def counts(self) -> dict[str, int]:
        """Pairs per grade name, for reports and the model card."""
        names = {v: k for k, v in GRADES.items()}
        found = np.bincount(self.grades, minlength=max(GRADES.values()) + 1)
        return {names[g]: int(found[g]) for g in sorted(names, reverse=True)}


def grade_pair(
    events: Sequence[Outcome], *, until: dt.datetime, pending_days: int = 30
) -> tuple[int | None, str]:
    """The grade of one pair from its events before ``until`` (module docstring), or
    ``(None, cause)`` when the pair gets no label; the second value names the deciding ending.

    ``events`` may be in any order; events at or after ``until`` are ignored.
    """
    seen = sorted((e for e in events if e.at < until), key=lambda e: (e.at, _ORDER[e.status]))
    if not seen:
        return None, "no_events"
    stage = 0
    for event in seen:
        status = event.status
        if status in _STAGE_GRADE:
            stage = max(stage, _STAGE_GRADE[status])
        elif status is OutcomeStatus.HIRED:
            grade = _hire_grade(event, until)
            return grade, "hired_lasting" if grade == GRADES["hired_lasting"] else "hired"
        elif status is OutcomeStatus.WITHDRAWN:
            return None, "withdrawn"
        else:  # rejected or declined
            reason = (event.reason or "").strip().lower()
            if status is OutcomeStatus.DECLINED and reason in EXCLUDED_REASONS:
                return None, f"declined:{reason}"
            if reason in NOT_ABOUT_FIT:
                if stage == 0:
                    return None, f"{status.value}:{reason}"
                return stage, f"{status.value}:{reason}"
            return GRADES["negative"], f"{status.value}:{reason or 'unknown'}"
    last = seen[-1].at
    if until - last < dt.timedelta(days=pending_days):
        return None, "pending"
    names = {v: k for k, v in GRADES.items()}
    return stage, names.get(stage, "proposed")


def _hire_grade(event: Outcome, until: dt.datetime) -> int:
    """5 when the hire lasted 180 days and those days passed before ``until``, else 4."""
    observable = (until - event.at).days
    if observable < LASTING_DAYS:
        return GRADES["hired"]  # censored: not yet known at the cut-off
    days = event.still_employed_after_days
    if days is None:
        return GRADES["hired"]
    return GRADES["hired_lasting"] if min(days, observable) >= LASTING_DAYS else GRADES["hired"]


def label_outcomes(
    outcomes: Iterable[Outcome],
    *,
    until: dt.datetime,
    since: dt.datetime | None = None,
    pending_days: int = 30,
) -> PairLabels:
    """Grade every pair first proposed in ``[since, until)`` from its events before ``until``.

    ``since`` (default: no lower bound) selects pairs by their *first* event, so a held-out
    window ``[cutoff, end)`` holds only pairs that training (``until=cutoff``) never saw.
    """
    by_pair: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_pair[(outcome.candidate_id, outcome.vacancy_id)].append(outcome)
    rows: list[tuple[dt.datetime, str, str, int, int, str]] = []
    excluded: dict[str, int] = defaultdict(int)
    for (candidate_id, vacancy_id), events in by_pair.items():
        first = min(e.at for e in events)
        if first >= until or (since is not None and first < since):
            continue
        grade, ending = grade_pair(events, until=until, pending_days=pending_days)
        if grade is None:
            excluded[ending] += 1
            continue
        ranks = [e.rank for e in events if e.rank is not None and e.at < until]
        rows.append((first, vacancy_id, candidate_id, grade, min(ranks) if ranks else 0, ending))
    rows.sort()
    return PairLabels(
        candidate_ids=[r[2] for r in rows],
        vacancy_ids=[r[1] for r in rows],
        grades=np.array([r[3] for r in rows], dtype=np.int64),
        ranks=np.array([r[4] for r in rows], dtype=np.int64),
        first_at=[r[0] for r in rows],
        endings=[r[5] for r in rows],
        excluded=dict(sorted(excluded.items())),
    )
