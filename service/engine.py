"""The Matcher of a running service or command: built once from the store, kept up to date.

:class:`MatchingEngine` is what the API, the web pages and the CLI ask for matches. It builds a
:class:`~matching.matcher.Matcher` from every stored record (``Store.iter_all``, without
protected attributes), the shipped taxonomy and postcodes, and the text encoder:

- the multilingual model from ``settings.model_dir`` (built at install time) when that folder
  exists and loads, loaded once per process;
- else the deterministic hashing encoder, with a warning: matching still works, but similar
  phrases in other words are found less well. ``/health`` says which one is in use.

Vectors are kept in ``<data_dir>/cache/embeddings-<encoder>.bin``, so a restart embeds only
texts it has not seen before. The web app builds the engine in its lifespan; a CLI command
builds it on first use. ``settings.today`` (None: the real date) decides which vacancies are
open.

Records that change through the service reach the Matcher with :meth:`MatchingEngine.refresh`
(candidates and vacancies one by one, anything else by rebuilding from the store). A vacancy
or candidate asked for by id that the Matcher has not seen yet is read from the store and added
on the spot, so a record imported by another process can be matched at once; it joins other
people's lists at the next rebuild.

>>> engine = MatchingEngine(settings, store)            # doctest: +SKIP
>>> engine.shortlist("V-1", top_k=10).matches[0].score  # doctest: +SKIP
0.71
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar, cast

from features.embedding import (
    CachedEncoder,
    Encoder,
    HashingEncoder,
    encoder_identity,
    load_encoder,
)
from features.errors import ArtifactError, UnknownEntityError
from features.postcodes import Postcodes, load_postcodes
from features.profiles import ProfileBuilder
from features.records import Candidate, Employer, Outcome, Record, Vacancy
from features.taxonomy import Taxonomy, load_taxonomy
from matching.matcher import Matcher
from matching.results import CareerPath, EmployerSuggestion, Recommendations, Shortlist
from matching.scoring import ColdStartScorer, Scorer
from models.registry import ActiveModel, ModelRegistry
from service.settings import Settings
from service.storage import Store

__all__ = ["MODEL_NAME", "MatchingEngine", "choose_encoder", "model_dir", "shared_builder"]

logger = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small"
"""Folder name of the multilingual model under ``<data_dir>/models``."""

T = TypeVar("T")


def model_dir(settings: Settings) -> Path:
    """Where the multilingual model folder is expected for ``settings``."""
    return settings.model_dir


_MODELS: dict[Path, Encoder] = {}
_MODELS_LOCK = threading.Lock()


def choose_encoder(settings: Settings) -> tuple[Encoder, str]:
    """The best encoder available for ``settings`` and a short description of it.

    The real model when its folder exists and loads (once per process and folder); else the
    hashing encoder, with a warning that says why and how to build the model.
    """
    folder = model_dir(settings)
    if folder.is_dir():
        try:
            with _MODELS_LOCK:
                key = folder.resolve()
                if key not in _MODELS:
                    _MODELS[key] = load_encoder(folder)
                return _MODELS[key], f"{MODEL_NAME} ({folder})"
        except ArtifactError as error:
            logger.warning("cannot use the model in %s (%s); matching with the hashing "
                           "encoder instead", folder, error)  # fmt: skip
            return HashingEncoder(), f"hashing (fallback: model folder {folder} unusable)"
    logger.warning(
        "no model folder at %s; matching with the hashing encoder, which finds similar "
        "phrases less well (build the model with: python -m features.model_build --out %s)",
        folder,
        folder,
    )
    return HashingEncoder(), f"hashing (fallback: no model folder at {folder})"


_BUILDERS: dict[tuple[int, str], tuple[Taxonomy, ProfileBuilder]] = {}
_BUILDERS_LOCK = threading.Lock()


def shared_builder(taxonomy: Taxonomy, encoder: CachedEncoder) -> ProfileBuilder:
    """The profile builder for this taxonomy and encoder, one per process.

    Building profiles starts with the expensive part: the skill normaliser and the occupation
    linker index (and embed) the whole taxonomy, and each distinct title is linked once. All of
    that depends only on the taxonomy and the encoder's identity, so a rebuild, or a second app
    in the same process (tests), reuses it. An encoder without an identity gets its own.
    """
    identity = encoder_identity(encoder.inner)
    if identity is None:
        return ProfileBuilder(taxonomy, encoder)
    key = (id(taxonomy), identity)
    with _BUILDERS_LOCK:
        found = _BUILDERS.get(key)
        if found is None or found[0] is not taxonomy:
            found = (taxonomy, ProfileBuilder(taxonomy, encoder))
            _BUILDERS[key] = found
        return found[1]


_CACHED: dict[tuple[str | None, Path | None], CachedEncoder] = {}


def _cached_encoder(inner: Encoder, path: Path | None) -> CachedEncoder:
    """``inner`` behind its vector cache at ``path``; one per identity and path, so the cache
    file is read once per process, however many engines are built."""
    identity = encoder_identity(inner)
    if identity is None:
        return CachedEncoder(inner, path)
    with _BUILDERS_LOCK:
        key = (identity, path)
        if key not in _CACHED:
            _CACHED[key] = CachedEncoder(inner, path)
        return _CACHED[key]


def _cache_path(settings: Settings, encoder: Encoder) -> Path | None:
    """The embedding cache file for ``encoder``, one per encoder identity (None: not cached)."""
    identity = encoder_identity(encoder)
    if identity is None:
        return None
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", identity)
    return settings.data_dir / "cache" / f"embeddings-{safe}.bin"


class MatchingEngine:
    """One Matcher for the service or a CLI run (module docstring).

    Parameters
    ----------
    settings, store:
        Where records come from and which date is today.
    encoder:
        Use this encoder instead of choosing one (tests inject a
        :class:`~features.embedding.HashingEncoder`); it is still cached on disk.
    taxonomy, postcodes, scorer:
        Defaults: the shipped taxonomy and postcodes, and the registry's active ranking model
        (the cold-start scorer when none is active), followed per request: an activation or
        rollback (``werkmatch models activate``) takes effect without a restart. An injected
        ``scorer`` is used as it is.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        encoder: Encoder | None = None,
        taxonomy: Taxonomy | None = None,
        postcodes: Postcodes | None = None,
        scorer: Scorer | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self._inner_encoder = encoder
        self._encoder: CachedEncoder | None = None
        self.encoder_description: str | None = (
            f"injected: {encoder!r}" if encoder is not None else None
        )
        """Which encoder matching uses; None until the encoder is chosen (first build)."""
        self._taxonomy = taxonomy
        self._postcodes = postcodes
        self._scorer = scorer
        # the registry's active model, checked per request (one stat); None: injected scorer
        self._active_model = (
            ActiveModel(ModelRegistry(settings.data_dir / "models" / "rankers"))
            if scorer is None
            else None
        )
        self._matcher: Matcher | None = None
        self._build_lock = threading.Lock()
        self.build_seconds: float | None = None
        """How long the last build took."""

    # -- building ------------------------------------------------------------------------------

    @property
    def built(self) -> bool:
        """Whether a Matcher has been built."""
        return self._matcher is not None

    def today(self) -> dt.date:
        """The date matching treats as today: ``settings.today``, else the real date."""
        return self.settings.today or dt.date.today()

    def encoder(self) -> CachedEncoder:
        """The text encoder, chosen and wrapped in its on-disk cache on first use."""
        if self._encoder is None:
            inner = self._inner_encoder
            if inner is None:
                inner, self.encoder_description = choose_encoder(self.settings)
            self._encoder = _cached_encoder(inner, _cache_path(self.settings, inner))
        return self._encoder

    def matcher(self) -> Matcher:
        """The Matcher, built from the store on first use (once, however many threads ask)."""
        matcher = self._matcher
        if matcher is None:
            with self._build_lock:
                if self._matcher is None:
                    self._matcher = self._build()
                matcher = self._matcher
        self._follow_the_date(matcher)
        self._follow_the_model(matcher)
        return matcher

    def follow_active_model(self) -> None:
        """Look at the registry's active model now (the API calls it after an activation)."""
        if self._matcher is not None:
            self._follow_the_model(self._matcher)

    def _follow_the_model(self, matcher: Matcher) -> None:
        """Score with the registry's active model, or the cold start when none is active."""
        if self._active_model is None:
            return
        model = self._active_model.current()
        if model is None:
            if not isinstance(matcher.scorer, ColdStartScorer):
                logger.info("no active ranking model: matching with the cold-start scorer")
                matcher.use_scorer(ColdStartScorer())
        elif matcher.scorer is not model:
            trained_with = model.card.get("encoder")
            if trained_with and trained_with != encoder_identity(self.encoder()):
                logger.warning("model %s was trained with the %s encoder, matching uses %s: "
                               "its features differ from training", model.id, trained_with,
                               encoder_identity(self.encoder()))  # fmt: skip
            logger.info("matching with the active ranking model %s", model.id)
            matcher.use_scorer(model)

    def rebuild(self) -> Matcher:
        """Build a new Matcher from the store and swap it in; the old one answers meanwhile."""
        with self._build_lock:
            self._matcher = self._build()
            return self._matcher

    def _build(self) -> Matcher:
        started = time.perf_counter()
        taxonomy = self._taxonomy or load_taxonomy()
        builder = shared_builder(taxonomy, self.encoder())
        encoder = builder.encoder
        cached_before = len(encoder) if isinstance(encoder, CachedEncoder) else 0
        matcher = Matcher.build(
            candidates=cast(Iterable[Candidate], self.store.iter_all("candidates")),
            vacancies=cast(Iterable[Vacancy], self.store.iter_all("vacancies")),
            employers=cast(Iterable[Employer], self.store.iter_all("employers")),
            outcomes=cast(Iterable[Outcome], self.store.iter_all("outcomes")),
            taxonomy=taxonomy,
            postcodes=self._postcodes or load_postcodes(),
            encoder=encoder,
            scorer=self._scorer,
            today=self.today(),
            builder=builder,
        )
        self.build_seconds = time.perf_counter() - started
        logger.info(
            "matching ready in %.1f s with the %s: %d texts embedded now, %d known before; "
            "today is %s%s",
            self.build_seconds,
            self.encoder_description,
            (len(encoder) if isinstance(encoder, CachedEncoder) else 0) - cached_before,
            cached_before,
            matcher.today.isoformat(),
            " (settings)" if self.settings.today else "",
        )
        return matcher

    def _follow_the_date(self, matcher: Matcher) -> None:
        """A service running past midnight moves on to the new date (unless the date is set)."""
        if self.settings.today is None:
            today = dt.date.today()
            if matcher.today != today:
                logger.info("the date is now %s: open vacancies are those open today", today)
                matcher.today = today

    # -- keeping up with the store -------------------------------------------------------------

    def refresh(self, kind: str | None = None, records: Iterable[Record] | None = None) -> None:
        """Make records changed in the store visible to matching.

        With ``records`` of kind ``candidates`` or ``vacancies``, each is added or replaced in
        the Matcher (fast: only those records are prepared). Otherwise (employers, outcomes,
        a whole import, or no arguments) the Matcher is rebuilt from the store. Before the first
        build there is nothing to refresh: the build reads the store as it is then.
        """
        if self._matcher is None:
            return
        if records is not None and kind in ("candidates", "vacancies"):
            matcher = self.matcher()
            for record in records:
                if isinstance(record, Candidate):
                    matcher.upsert_candidate(record)
                elif isinstance(record, Vacancy):
                    matcher.upsert_vacancy(record)
                else:
                    raise TypeError(f"refresh({kind!r}) got a {type(record).__name__}")
            return
        self.rebuild()

    def _with_record(self, kind: str, record_id: str, ask: Callable[[Matcher], T]) -> T:
        """``ask(matcher)``; when the Matcher does not know ``record_id`` yet but the store
        does, add the record and ask again (a 404 only for ids the store does not know)."""
        matcher = self.matcher()
        try:
            return ask(matcher)
        except UnknownEntityError:
            record = self.store.get(kind, record_id)  # raises UnknownEntityError: a true 404
            logger.info("%s %s was not in the matcher yet; adding it", kind, record_id)
            if isinstance(record, Vacancy):
                matcher.upsert_vacancy(record)
            elif isinstance(record, Candidate):
                matcher.upsert_candidate(record)
            return ask(matcher)

    # -- the questions ---------------------------------------------------------------------------

    def shortlist(self, vacancy_id: str, *, top_k: int = 10) -> Shortlist:
        """The best ``top_k`` candidates for a vacancy, explained, with the knock-outs."""
        return self._with_record(
            "vacancies", vacancy_id, lambda m: m.shortlist(vacancy_id, top_k=top_k)
        )

    def recommend(self, candidate_id: str, *, top_k: int = 10) -> Recommendations:
        """The best ``top_k`` open vacancies for a candidate, explained."""
        return self._with_record(
            "candidates", candidate_id, lambda m: m.recommend(candidate_id, top_k=top_k)
        )

    def employers(self, candidate_id: str, *, top_k: int = 10) -> list[EmployerSuggestion]:
        """Employers worth approaching for a candidate (the hidden job market)."""
        return self._with_record(
            "candidates", candidate_id, lambda m: m.employers(candidate_id, top_k=top_k)
        )

    def career_paths(self, candidate_id: str, *, top_k: int = 10) -> list[CareerPath]:
        """Occupations within the candidate's reach and the skills still missing."""
        return self._with_record(
            "candidates", candidate_id, lambda m: m.career_paths(candidate_id, top_k=top_k)
        )

    def open_vacancy_ids(self) -> list[str]:
        """Ids of the vacancies open today, sorted."""
        return self.matcher().open_vacancy_ids()
