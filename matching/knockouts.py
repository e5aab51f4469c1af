"""Knock-outs: hard constraints a person would never ignore, each with a reason code.

A knocked-out pair never appears in a shortlist or recommendation, and every result says how
many were knocked out per reason (:class:`~matching.results.Exclusions`). The rules, in the
fixed order :data:`REASONS` (a pair failing several counts under the first, so totals are exact):

1. ``exempt``: ontheffing arbeidsplicht (exempt from the work obligation); only volunteering
   and participation places (participatiebaan, basisbaan) may be proposed.
2. ``register``: an afspraakbaan with wage subsidy (loonkostensubsidie) is only for people in
   the doelgroepregister.
3. ``licence``: a driving licence the job requires is missing (a higher category covers a lower
   one: C covers C1 and B, B covers AM).
4. ``language``: Dutch more than ``language_steps`` CEFR steps below the job's minimum. One step
   below is not a knock-out, only a lower ``language_fit``. Not recorded: no knock-out.
5. ``restriction``: a medical restriction rules out a physical demand of the job
   (no heavy lifting vs heavy lifting).
6. ``hours``: the hours the person can work and the hours of the job do not overlap.
7. ``travel``: no usable way to get there within the person's maximum travel time, including
   public transport that does not run for an early or late shift. Unknown postcode: no knock-out.
8. ``availability``: the person is only available after the vacancy closes.

The order runs from the person's status (exempt, register), through formal requirements of the
job (licence, language), health (restriction), to practical arrangements (hours, travel, date).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from features.pair_features import PLACEMENT_TYPES, PairBatch, dutch_gap, hours_overlap
from features.vocabulary import PlacementType
from matching.results import Exclusions

__all__ = [
    "EXEMPT_ALLOWED",
    "NONE",
    "REASONS",
    "REASON_LABELS",
    "count_exclusions",
    "knockout_reasons",
]

REASONS: tuple[str, ...] = (
    "exempt",
    "register",
    "licence",
    "language",
    "restriction",
    "hours",
    "travel",
    "availability",
)
REASON_LABELS: Mapping[str, tuple[str, str]] = {
    "exempt": ("ontheffing arbeidsplicht", "exempt from the work obligation"),
    "register": ("niet in het doelgroepregister", "not in the target-group register"),
    "licence": ("rijbewijs ontbreekt", "driving licence missing"),
    "language": ("Nederlands te laag", "Dutch level too low"),
    "restriction": ("medische beperking", "medical restriction"),
    "hours": ("uren passen niet", "hours do not overlap"),
    "travel": ("reistijd te lang", "travel time too long"),
    "availability": ("pas beschikbaar na sluiting", "available only after closing"),
}
NONE = -1
"""Reason index of a pair that no rule knocks out."""

EXEMPT_ALLOWED: frozenset[PlacementType] = frozenset(
    {PlacementType.VOLUNTEER, PlacementType.PARTICIPATION}
)
_EXEMPT_ALLOWED_CODES = np.array([PLACEMENT_TYPES.index(p) for p in EXEMPT_ALLOWED])
_WAGE_SUBSIDY = PLACEMENT_TYPES.index(PlacementType.WAGE_SUBSIDY)


def knockout_reasons(batch: PairBatch, *, language_steps: int = 1) -> NDArray[np.int8]:
    """Per pair: :data:`NONE` when it passes every rule, else the index in :data:`REASONS` of
    the first rule it fails. Vectorised over the batch."""
    C, V = batch.candidates, batch.vacancies
    c, v = batch.candidate_rows, batch.vacancy_rows
    placement = V.placement[v]
    gap = dutch_gap(batch)
    overlap, _span = hours_overlap(batch)
    with np.errstate(invalid="ignore"):
        rules = (
            C.exempt[c] & ~np.isin(placement, _EXEMPT_ALLOWED_CODES),
            (placement == _WAGE_SUBSIDY) & ~C.register[c],
            (V.licences[v] & ~C.licences[c]) != 0,
            gap > language_steps,  # nan (not recorded / no minimum) compares False
            (C.restrictions[c] & V.demands[v]) != 0,
            overlap < 1.0,
            batch.travel.known & ~batch.travel.reachable,
            C.available_from[c] > V.open_until[v],  # nan compares False
        )
    failed = np.vstack(rules)
    reason = np.argmax(failed, axis=0).astype(np.int8)
    return np.where(failed.any(axis=0), reason, np.int8(NONE)).astype(np.int8)


def count_exclusions(reasons: NDArray[np.int8]) -> Exclusions:
    """How many pairs each reason knocked out (every reason listed, zeros included)."""
    counts = np.bincount(reasons[reasons >= 0], minlength=len(REASONS))
    by_reason = {code: int(n) for code, n in zip(REASONS, counts, strict=True)}
    return Exclusions(total=int(counts.sum()), by_reason=by_reason)
