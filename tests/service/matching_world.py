"""A small synthetic municipality for the matching tests of the service (API, CLI, pages).

120 candidates, 40 vacancies, 15 employers (seed 3), generated once per test session and stored
in a SQLite file per test module. One candidate carries planted, distinctive protected
attributes and a barrier, so a test can assert they never appear in any response.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from features.records import Candidate, Employer, Outcome, Vacancy
from features.vocabulary import Barrier
from service.settings import Settings
from service.storage import Store, open_store
from service.synth import SynthConfig, generate

CONFIG = SynthConfig(candidates=120, vacancies=40, employers=15, seed=3)
TODAY = CONFIG.reference_date

SECRET_NATIONALITY = "Liechtensteinse"
SECRET_MIGRATION = "Tuvalu-achtergrond"
SECRET_BIRTH_YEAR = 1937
SECRET_BARRIER = "low_literacy"
SECRET_VALUES = (SECRET_NATIONALITY, SECRET_MIGRATION, "laaggeletterdheid", "low literacy",
                 SECRET_BARRIER)  # fmt: skip
"""The planted values: they must never appear in a response or page."""
SECRET_WORDS = (*SECRET_VALUES, "birth_year", "migration_background", "nationality", "barriers")
"""What must never appear in a JSON response: the planted values and the field names."""


@dataclass(frozen=True)
class World:
    employers: list[Employer]
    vacancies: list[Vacancy]
    candidates: list[Candidate]
    outcomes: list[Outcome]

    @property
    def planted(self) -> Candidate:
        """The candidate with the planted protected attributes."""
        return self.candidates[0]

    def open_vacancy_ids(self) -> list[str]:
        """Vacancies open on :data:`TODAY` (no closing date, or closing then or later)."""
        return sorted(v.id for v in self.vacancies if v.open_until is None or v.open_until >= TODAY)


@functools.cache
def world() -> World:
    """The generated records, the first candidate given the planted protected values."""
    result = generate(CONFIG)
    first = result.candidates[0]
    planted = first.model_copy(
        update={
            "barriers": [Barrier(SECRET_BARRIER)],
            "protected": first.protected.model_copy(
                update={
                    "nationality": SECRET_NATIONALITY,
                    "migration_background": SECRET_MIGRATION,
                    "birth_year": SECRET_BIRTH_YEAR,
                }
            ),
        }
    )
    return World(
        employers=list(result.employers),
        vacancies=list(result.vacancies),
        candidates=[planted, *result.candidates[1:]],
        outcomes=list(result.outcomes),
    )


def fill(directory: Path) -> Settings:
    """A SQLite database in ``directory`` holding :func:`world`; settings that point at it
    (data and caches in ``directory``; no model folder, so the hashing encoder is used)."""
    settings = Settings(
        database_url=f"sqlite:///{directory / 'werkmatch.db'}",
        data_dir=directory,
        model_dir=directory / "no-model",
        today=TODAY,
    )
    records = world()
    with open_store(settings) as store:
        store.upsert("employers", records.employers)
        store.upsert("vacancies", records.vacancies)
        store.upsert("candidates", records.candidates)
        store.upsert("outcomes", records.outcomes)
    return settings


def knockouts_by_assessment(store: Store, matcher: object, vacancy_id: str) -> Counter[str]:
    """Knock-out reasons of every stored candidate for one vacancy, asked pair by pair
    (``None`` counts the eligible): an independent count to check a shortlist against."""
    counts: Counter[str] = Counter()
    for candidate in store.iter_all("candidates"):
        verdict = matcher.assess(candidate.id, vacancy_id)  # type: ignore[attr-defined]
        counts[verdict.knockout or "eligible"] += 1
    return counts
