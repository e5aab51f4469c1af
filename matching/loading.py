"""Build a :class:`~matching.matcher.Matcher` from plain iterables of records.

The service reads records from its Store and passes them here; nothing in this module knows
about databases::

    inputs = MatcherInputs(
        candidates=store.iter_all("candidates"),
        vacancies=store.iter_all("vacancies"),
        employers=store.iter_all("employers"),
        outcomes=store.iter_all("outcomes"),
    )
    matcher = build_matcher(inputs, data_dir=settings.data_dir)

The encoder is the real multilingual model when ``<data_dir>/models/multilingual-e5-small``
exists (built at install time by ``features.model_build``), else the deterministic hashing
encoder; :func:`choose_encoder` says which it took. Embeddings are cached in
``<data_dir>/cache/`` so a restart does not embed the same texts again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from features.embedding import CachedEncoder, Encoder, HashingEncoder, load_encoder
from features.errors import ArtifactError
from features.postcodes import Postcodes, load_postcodes
from features.records import Candidate, Employer, Outcome, Vacancy
from features.taxonomy import Taxonomy, load_taxonomy
from matching.matcher import Matcher, RetrievalSettings
from matching.scoring import Scorer

__all__ = ["MODEL_NAME", "MatcherInputs", "build_matcher", "choose_encoder"]

logger = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small"


@dataclass(frozen=True)
class MatcherInputs:
    """The records a Matcher is built from (any iterables; each is read once)."""

    candidates: Iterable[Candidate]
    vacancies: Iterable[Vacancy]
    employers: Iterable[Employer] = ()
    outcomes: Iterable[Outcome] = ()


def choose_encoder(data_dir: Path | None) -> tuple[Encoder, str]:
    """The best encoder available and a short description of it for logs and reports.

    The real model from ``<data_dir>/models/multilingual-e5-small`` when that folder exists and
    loads; else :class:`~features.embedding.HashingEncoder` (with a warning when the folder
    exists but is broken). Wrapped in a :class:`~features.embedding.CachedEncoder` that keeps
    vectors in ``<data_dir>/cache/embeddings-<encoder>.bin``.
    """
    encoder: Encoder
    description: str
    model_dir = data_dir / "models" / MODEL_NAME if data_dir is not None else None
    if model_dir is not None and model_dir.is_dir():
        try:
            encoder = load_encoder(model_dir)
            description = f"{MODEL_NAME} ({model_dir})"
        except ArtifactError as error:
            logger.warning(
                "cannot use %s (%s); falling back to the hashing encoder", model_dir, error
            )
            encoder, description = HashingEncoder(), "hashing encoder (model folder unusable)"
    else:
        encoder, description = HashingEncoder(), "hashing encoder (no model folder)"
    cache_path = None
    if data_dir is not None:
        name = "e5" if description.startswith(MODEL_NAME) else "hashing"
        cache_path = data_dir / "cache" / f"embeddings-{name}.bin"
    return CachedEncoder(encoder, cache_path), description


def build_matcher(
    inputs: MatcherInputs,
    *,
    data_dir: Path | None = None,
    taxonomy: Taxonomy | None = None,
    postcodes: Postcodes | None = None,
    encoder: Encoder | None = None,
    scorer: Scorer | None = None,
    today: dt.date | None = None,
    retrieval: RetrievalSettings | None = None,
) -> Matcher:
    """A ready Matcher over ``inputs``; defaults: the shipped taxonomy and postcodes, the
    encoder from :func:`choose_encoder`, the cold-start scorer, today's date."""
    if encoder is None:
        encoder, description = choose_encoder(data_dir)
        logger.info("matching with the %s", description)
    return Matcher.build(
        candidates=inputs.candidates,
        vacancies=inputs.vacancies,
        employers=inputs.employers,
        outcomes=inputs.outcomes,
        taxonomy=taxonomy if taxonomy is not None else load_taxonomy(),
        postcodes=postcodes if postcodes is not None else load_postcodes(),
        encoder=encoder,
        scorer=scorer,
        today=today,
        retrieval=retrieval,
    )
