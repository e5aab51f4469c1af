"""A synthetic municipality: realistic candidates, employers, vacancies and outcome history.

``werkmatch synth`` writes the four import files plus a ``truth/`` folder with the hidden
ground truth (see :mod:`service.synth.truth`) so rankers can be evaluated::

    >>> from service.synth import SynthConfig, generate, write
    >>> result = generate(SynthConfig(candidates=200, vacancies=50, employers=20, seed=1))
    >>> paths = write(result, pathlib.Path("var/synth"))  # doctest: +SKIP

The parts, each in its own module:

- :mod:`~service.synth.catalogue` the ESCO occupations per sector;
- :mod:`~service.synth.phrasing` everyday phrasings and misspellings;
- :mod:`~service.synth.population` candidates and their hidden traits;
- :mod:`~service.synth.labour_market` employers and vacancies;
- :mod:`~service.synth.truth` the hidden suitability;
- :mod:`~service.synth.history` the outcome history of the old way of working;
- :mod:`~service.synth.writing` the files.

Every part draws from its own seeded stream, so the same config gives byte-identical files.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from features.postcodes import Postcodes, load_postcodes
from features.records import Candidate, Employer, Outcome, Vacancy
from features.taxonomy import Taxonomy, load_taxonomy
from service.synth._draw import numpy_stream, stream
from service.synth.catalogue import Catalogue
from service.synth.config import DEFAULT_REFERENCE_DATE, SynthConfig
from service.synth.geography import Area
from service.synth.history import History, Placement, simulate_history
from service.synth.labour_market import VacancyTruth, make_employers, make_vacancies
from service.synth.population import CandidateTraits, make_candidates
from service.synth.truth import PairSuitability, TruthModel, suitability
from service.synth.writing import KINDS, write

__all__ = [
    "DEFAULT_REFERENCE_DATE",
    "KINDS",
    "CandidateTraits",
    "History",
    "PairSuitability",
    "Placement",
    "SynthConfig",
    "SynthResult",
    "SynthTruth",
    "TruthModel",
    "VacancyTruth",
    "generate",
    "suitability",
    "write",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SynthTruth:
    """The hidden ground truth: traits, vacancy truth, history pools and the scoring model."""

    candidates: list[CandidateTraits]
    """In the order of :attr:`SynthResult.candidates`."""
    vacancies: list[VacancyTruth]
    """In the order of :attr:`SynthResult.vacancies`."""
    history: History
    model: TruthModel
    """Scores any further (candidate index, vacancy index) pairs."""


@dataclass(frozen=True)
class SynthResult:
    """Validated records of one synthetic municipality and their hidden truth."""

    config: SynthConfig
    employers: list[Employer]
    vacancies: list[Vacancy]
    candidates: list[Candidate]
    outcomes: list[Outcome]
    truth: SynthTruth

    def counts(self) -> dict[str, int]:
        """Number of records per import file."""
        return {
            "employers": len(self.employers),
            "vacancies": len(self.vacancies),
            "candidates": len(self.candidates),
            "outcomes": len(self.outcomes),
        }


def generate(
    config: SynthConfig,
    *,
    taxonomy: Taxonomy | None = None,
    postcodes: Postcodes | None = None,
) -> SynthResult:
    """Generate a synthetic municipality; deterministic for a given config.

    Uses the shipped taxonomy and postcodes unless others are given. Raises
    :class:`~features.errors.UnknownEntityError` when the municipality has no postcodes.
    """
    started = time.perf_counter()
    taxonomy = taxonomy or load_taxonomy()
    postcodes = postcodes or load_postcodes()
    catalogue = Catalogue(taxonomy)
    area = Area(postcodes, config.municipality)
    seed = config.seed
    employers, plans = make_employers(config, catalogue, area, stream(seed, "employers"))
    vacancies, vacancy_truth = make_vacancies(
        config, catalogue, area, employers, stream(seed, "vacancies")
    )
    candidates, traits = make_candidates(config, catalogue, area, stream(seed, "candidates"))
    logger.debug("records generated in %.2f s", time.perf_counter() - started)
    model = TruthModel(candidates, traits, vacancies, vacancy_truth, postcodes=postcodes)
    history = simulate_history(
        config,
        candidates,
        traits,
        vacancies,
        vacancy_truth,
        plans,
        model,
        stream(seed, "history"),
        numpy_stream(seed, "history"),
    )
    logger.debug("history simulated in %.2f s", time.perf_counter() - started)
    return SynthResult(
        config=config,
        employers=employers,
        vacancies=vacancies,
        candidates=candidates,
        outcomes=history.outcomes,
        truth=SynthTruth(traits, vacancy_truth, history, model),
    )
