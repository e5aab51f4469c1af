"""Training and evaluation data: records, pair feature matrices, sampled negatives, hidden truth.

:class:`PairFeaturizer` prepares every candidate and vacancy once (profiles in the columnar
tables of :mod:`features.pair_features`, exactly as the Matcher does) and turns any list of
(candidate, vacancy) pairs into the feature matrix the rankers and the cold-start scorer read.

No information from after the cut-off reaches a feature: the tables are built with
``today = cut-off`` (experience recency is measured then), a job in the work history that ended
after the cut-off year is treated as still running then (:func:`as_of`), and pair features read
no outcomes at all. Records carry no validity dates, so a field changed after the cut-off is
seen as exported; that is the remaining, documented limit.

Only outcomes exist for proposed pairs. To learn what an unsuitable pair looks like the
training set adds **sampled negatives**: for each group a few random other candidates (or
vacancies) that were never proposed for it, graded 0 (:func:`sample_negatives`). A random
person is almost never a good fit for a given vacancy, so the noise is small, and without them
the ranker would only learn to reorder the old way's lists.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from features.embedding import Encoder
from features.errors import UnusableFileError
from features.pair_features import (
    CandidateTable,
    PairBatch,
    PairFeatures,
    VacancyTable,
    new_vocabularies,
)
from features.postcodes import Postcodes
from features.profiles import ProfileBuilder
from features.records import Candidate, Employer, Outcome, Vacancy, validate_record
from features.taxonomy import Taxonomy
from features.travel import CentroidTravelModel, TravelTimeModel

__all__ = [
    "Eligibility",
    "PairFeaturizer",
    "Records",
    "TruthPairs",
    "as_of",
    "load_truth",
    "read_jsonl_records",
    "records_sha256",
    "sample_negatives",
]

logger = logging.getLogger(__name__)

Eligibility = Callable[[PairBatch], NDArray[np.bool_]]
"""Which pairs of a batch survive the knock-outs (the service passes the Matcher's rules)."""


@dataclass(frozen=True)
class Records:
    """The records a model is trained or evaluated on."""

    candidates: list[Candidate]
    vacancies: list[Vacancy]
    employers: list[Employer] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "candidates": len(self.candidates),
            "vacancies": len(self.vacancies),
            "employers": len(self.employers),
            "outcomes": len(self.outcomes),
        }


def read_jsonl_records(directory: Path) -> Records:
    """The four ``.jsonl`` import files of ``directory`` (e.g. ``werkmatch synth`` output).

    Raises :class:`~features.errors.UnusableFileError` when a file is missing or a line is not
    a valid record (training data must be clean: import it first to see per-row errors).
    """
    directory = Path(directory)
    kinds: dict[str, type[Any]] = {
        "candidates": Candidate,
        "vacancies": Vacancy,
        "employers": Employer,
        "outcomes": Outcome,
    }
    loaded: dict[str, list[object]] = {}
    for kind, cls in kinds.items():
        path = directory / f"{kind}.jsonl"
        if not path.is_file():
            if kind == "employers":
                loaded[kind] = []
                continue
            raise UnusableFileError(f"{path} not found; expected the four import files")
        rows: list[object] = []
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    rows.append(validate_record(cls, json.loads(line)))
                except (ValueError, json.JSONDecodeError) as error:
                    raise UnusableFileError(f"{path}:{number}: {error}") from None
        loaded[kind] = rows
    return Records(
        candidates=loaded["candidates"],  # type: ignore[arg-type]
        vacancies=loaded["vacancies"],  # type: ignore[arg-type]
        employers=loaded["employers"],  # type: ignore[arg-type]
        outcomes=loaded["outcomes"],  # type: ignore[arg-type]
    )


def records_sha256(records: Records, *, until: dt.datetime | None = None) -> str:
    """sha256 of the data a model learns from: every candidate and vacancy (sorted by id) and
    every outcome before ``until`` (sorted by key), as canonical JSON lines. Protected
    attributes are left out: they never reach a model."""
    digest = hashlib.sha256()
    for kind, items in (
        ("candidates", sorted(records.candidates, key=lambda r: r.id)),
        ("vacancies", sorted(records.vacancies, key=lambda r: r.id)),
    ):
        digest.update(f"#{kind}\n".encode())
        for record in items:
            exclude = {"protected"} if kind == "candidates" else None
            digest.update(record.model_dump_json(exclude=exclude).encode())
            digest.update(b"\n")
    digest.update(b"#outcomes\n")
    chosen = [o for o in records.outcomes if until is None or o.at < until]
    for outcome in sorted(chosen, key=lambda o: (o.candidate_id, o.vacancy_id, o.at, o.status)):
        digest.update(outcome.model_dump_json().encode())
        digest.update(b"\n")
    return digest.hexdigest()


def as_of(candidate: Candidate, day: dt.date) -> Candidate:
    """The candidate as far as it could be known on ``day``: a job that ended after ``day``'s
    year was still running then (its ``end_year`` is cleared)."""
    if not any(w.end_year is not None and w.end_year > day.year for w in candidate.work_history):
        return candidate
    history = [
        w.model_copy(update={"end_year": None})
        if w.end_year is not None and w.end_year > day.year
        else w
        for w in candidate.work_history
    ]
    return candidate.model_copy(update={"work_history": history})


class PairFeaturizer:
    """Pair features for any (candidate id, vacancy id) pairs, as the Matcher computes them.

    Parameters
    ----------
    candidates, vacancies:
        Every record pairs may refer to.
    taxonomy, postcodes, encoder:
        As for the Matcher; use the encoder the service uses, or features differ.
    today:
        The day features are computed for (the training cut-off): experience recency is
        measured then and work history is read :func:`as_of` it.
    travel, features:
        Default: the centroid travel model and ``PairFeatures()`` fitted on the tables.
    builder:
        A :class:`~features.profiles.ProfileBuilder` to reuse (its normaliser, linker and
        text caches); default: a new one over ``taxonomy`` and ``encoder``.
    """

    def __init__(
        self,
        candidates: Iterable[Candidate],
        vacancies: Iterable[Vacancy],
        *,
        taxonomy: Taxonomy,
        postcodes: Postcodes,
        encoder: Encoder,
        today: dt.date,
        travel: TravelTimeModel | None = None,
        features: PairFeatures | None = None,
        builder: ProfileBuilder | None = None,
    ) -> None:
        self.today = today
        travel_model = travel if travel is not None else CentroidTravelModel(postcodes)
        builder = builder if builder is not None else ProfileBuilder(taxonomy, encoder)
        self.builder = builder
        vocab = new_vocabularies(builder.encoder)
        self.candidates = CandidateTable(vocab, travel_model, today=today)
        self.vacancies = VacancyTable(vocab, travel_model)
        self.candidates.add(builder.candidates(as_of(c, today) for c in candidates))
        self.vacancies.add(builder.vacancies(vacancies))
        self.features = (features or PairFeatures()).fit(
            PairBatch.of(self.candidates, self.vacancies, [], [])
        )
        self.feature_names: tuple[str, ...] = tuple(self.features.get_feature_names_out())

    @property
    def candidate_ids(self) -> list[str]:
        return [self.candidates.ids[r] for r in self.candidates.active_rows()]

    @property
    def vacancy_ids(self) -> list[str]:
        return [self.vacancies.ids[r] for r in self.vacancies.active_rows()]

    def batch(self, candidate_ids: Sequence[str], vacancy_ids: Sequence[str]) -> PairBatch:
        """The aligned pairs as a :class:`~features.pair_features.PairBatch`."""
        return PairBatch.of(
            self.candidates,
            self.vacancies,
            self.candidates.rows_of(candidate_ids),
            self.vacancies.rows_of(vacancy_ids),
        )

    def matrix(
        self,
        candidate_ids: Sequence[str],
        vacancy_ids: Sequence[str],
        *,
        chunk: int = 20_000,
        progress: Callable[[int, int], None] | None = None,
    ) -> NDArray[np.float64]:
        """(n pairs, n features) matrix; ``progress(done, total)`` after each chunk."""
        n = len(candidate_ids)
        out = np.zeros((n, len(self.feature_names)), dtype=np.float64)
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            batch = self.batch(candidate_ids[start:stop], vacancy_ids[start:stop])
            out[start:stop] = self.features.transform(batch)
            if progress is not None:
                progress(stop, n)
        return out

    def eligible(
        self,
        candidate_ids: Sequence[str],
        vacancy_ids: Sequence[str],
        rule: Eligibility | None,
        *,
        chunk: int = 50_000,
    ) -> NDArray[np.bool_]:
        """Which pairs pass ``rule`` (all of them when ``rule`` is None)."""
        n = len(candidate_ids)
        if rule is None:
            return np.ones(n, dtype=bool)
        out = np.zeros(n, dtype=bool)
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            out[start:stop] = rule(self.batch(candidate_ids[start:stop], vacancy_ids[start:stop]))
        return out


def sample_negatives(
    groups: Sequence[str],
    pool: Sequence[str],
    labelled: set[tuple[str, str]],
    *,
    per_group: int,
    rng: np.random.Generator,
    by_vacancy: bool,
) -> tuple[list[str], list[str]]:
    """Up to ``per_group`` random members of ``pool`` per group that are not labelled with it.

    ``by_vacancy``: groups are vacancy ids and the pool candidate ids (else the reverse).
    Returns aligned (candidate ids, vacancy ids). Deterministic for a seeded ``rng``.
    """
    candidates: list[str] = []
    vacancies: list[str] = []
    if not pool or per_group <= 0:
        return candidates, vacancies
    pool_array = np.array(sorted(pool))
    for group in sorted(set(groups)):
        take = min(len(pool_array), per_group * 2 + 5)
        picks = pool_array[rng.choice(len(pool_array), size=take, replace=False)]
        chosen = 0
        for other in picks.tolist():
            pair = (other, group) if by_vacancy else (group, other)
            if pair in labelled:
                continue
            candidates.append(pair[0])
            vacancies.append(pair[1])
            chosen += 1
            if chosen == per_group:
                break
    return candidates, vacancies


@dataclass(frozen=True, eq=False)
class TruthPairs:
    """The hidden suitability of the evaluation pools (``truth/suitability.csv`` of synth)."""

    candidate_ids: list[str]
    vacancy_ids: list[str]
    suitability: NDArray[np.float64]
    knockout: list[str]

    def __len__(self) -> int:
        return len(self.suitability)


def load_truth(directory: Path) -> TruthPairs | None:
    """``<directory>/truth/suitability.csv`` when it exists (synthetic data only), else None."""
    path = Path(directory) / "truth" / "suitability.csv"
    if not path.is_file():
        return None
    candidates, vacancies, values, knockouts = [], [], [], []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            candidates.append(row["candidate_id"])
            vacancies.append(row["vacancy_id"])
            values.append(float(row["suitability"]))
            knockouts.append(row.get("knockout") or "")
    return TruthPairs(candidates, vacancies, np.array(values, dtype=np.float64), knockouts)
