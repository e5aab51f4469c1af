"""The service's side of learning from outcomes: where models live, where data comes from.

Shared by ``werkmatch train / evaluate / models`` (:mod:`service.cli._models`) and the model
API (:mod:`service.api.models`):

- :func:`open_registry`: the model registry at ``settings.data_dir / "models" / "rankers"``
  (next to the text model folder ``multilingual-e5-small``, which is no ranker);
- :func:`records_from_dir` / :func:`records_from_store`: the records to learn from, from a
  folder of import files (``werkmatch synth`` output; ``.jsonl`` read directly, ``.csv``
  through the importer) or from the database (never with protected attributes);
- :func:`knockout_rule`, :func:`cold_start`: what ``models`` is given from ``matching`` (the
  layers point one way: models never import matching);
- :func:`train`, :func:`evaluate`: the whole run with the shipped taxonomy, postcodes and the
  encoder the service itself matches with, so training sees the same features as serving.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from features.embedding import CachedEncoder, Encoder, encoder_identity
from features.errors import UnusableFileError
from features.pair_features import PairBatch
from features.postcodes import load_postcodes
from features.profiles import ProfileBuilder
from features.taxonomy import load_taxonomy
from models.dataset import PairFeaturizer, Records, TruthPairs, load_truth, read_jsonl_records
from models.evaluation import EvaluationReport, evaluate_model
from models.ranking_model import RankingModel
from models.registry import ModelRegistry
from models.training import TrainingConfig, TrainingResult, train_model
from service.settings import Settings
from service.storage import Store

__all__ = [
    "cold_start",
    "evaluate",
    "knockout_rule",
    "open_registry",
    "records_from_dir",
    "records_from_store",
    "registry_root",
    "service_encoder",
    "train",
]

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


def registry_root(settings: Settings) -> Path:
    """Where the model registry of ``settings`` lives."""
    return settings.data_dir / "models" / "rankers"


def open_registry(settings: Settings) -> ModelRegistry:
    """The model registry of ``settings``."""
    return ModelRegistry(registry_root(settings))


def knockout_rule(batch: PairBatch) -> NDArray[np.bool_]:
    """Pairs the Matcher would score at all (no knock-out applies)."""
    from matching.knockouts import NONE, knockout_reasons

    result: NDArray[np.bool_] = knockout_reasons(batch) == NONE
    return result


def cold_start() -> Any:
    """The cold-start scorer every model is compared with."""
    from matching.scoring import ColdStartScorer

    return ColdStartScorer()


def records_from_dir(directory: Path, settings: Settings) -> tuple[Records, TruthPairs | None]:
    """The records in a folder of import files, and its hidden truth when it has one.

    ``.jsonl`` files are read directly (every line must be a valid record); ``.csv`` files go
    through the importer into a temporary database, so the CSV dialect is the import one.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise UnusableFileError(f"{directory} is not a folder of import files")
    if (directory / "candidates.jsonl").is_file():
        records = read_jsonl_records(directory)
    elif (directory / "candidates.csv").is_file():
        records = _records_via_import(directory, settings)
    else:
        raise UnusableFileError(
            f"{directory} holds no candidates.jsonl or candidates.csv (import files expected)"
        )
    return records, load_truth(directory)


def _records_via_import(directory: Path, settings: Settings) -> Records:
    from service.importing import import_file
    from service.storage import open_store

    with tempfile.TemporaryDirectory(prefix="werkmatch-train-") as tmp:
        temporary = settings.model_copy(
            update={"database_url": f"sqlite:///{Path(tmp) / 'train.db'}"}
        )
        with open_store(temporary) as store:
            for kind in ("employers", "vacancies", "candidates", "outcomes"):
                path = directory / f"{kind}.csv"
                if not path.is_file():
                    continue
                report = import_file(store, kind, path)
                if report.errors:
                    logger.warning("%s: %d rows not imported", path, len(report.errors))
            return records_from_store(store)


def records_from_store(store: Store) -> Records:
    """Every record in the database (candidates without protected attributes)."""
    return Records(
        candidates=list(store.iter_all("candidates")),  # type: ignore[arg-type]
        vacancies=list(store.iter_all("vacancies")),  # type: ignore[arg-type]
        employers=list(store.iter_all("employers")),  # type: ignore[arg-type]
        outcomes=list(store.iter_all("outcomes")),  # type: ignore[arg-type]
    )


def service_encoder(settings: Settings) -> tuple[Encoder, str]:
    """The encoder the service matches with (the matching engine's choice) and its
    description, sharing the engine's on-disk vector cache
    (``<data_dir>/cache/embeddings-<encoder identity>.bin``)."""
    from service.engine import choose_encoder

    inner, description = choose_encoder(settings)
    identity = encoder_identity(inner)
    cache = None
    if identity is not None:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", identity)
        cache = settings.data_dir / "cache" / f"embeddings-{safe}.bin"
    return CachedEncoder(inner, cache), description


_BUILDERS: dict[tuple[str, str], ProfileBuilder] = {}
_BUILDERS_LOCK = threading.Lock()


def featurizer_for(records: Records, day: dt.date, *, encoder: Encoder) -> PairFeaturizer:
    """Pair features over ``records`` as of ``day`` with the shipped taxonomy and postcodes.

    The profile builder (skill normaliser, occupation linker and their caches: the slow part)
    is kept per encoder for the life of the process, so a service training or evaluating
    again, or several commands in one process, build it once. One featurizer is built at a time.
    """
    taxonomy = load_taxonomy()
    identity = encoder_identity(encoder)
    with _BUILDERS_LOCK:
        builder = None
        if identity is not None:
            key = (taxonomy.version, identity)
            builder = _BUILDERS.get(key)
            if builder is None:
                builder = _BUILDERS[key] = ProfileBuilder(taxonomy, encoder)
        return PairFeaturizer(
            records.candidates,
            records.vacancies,
            taxonomy=taxonomy,
            postcodes=load_postcodes(),
            encoder=encoder,
            today=day,
            builder=builder,
        )


def train(
    records: Records,
    config: TrainingConfig,
    *,
    encoder: Encoder,
    featurizer: PairFeaturizer | None = None,
    progress: Progress | None = None,
) -> TrainingResult:
    """Train with the cold start as the baseline and the Matcher's knock-outs (``featurizer``:
    one already built for the cut-off, to reuse)."""
    if featurizer is None:
        if progress is not None:
            progress("profiles", 0, 1)
        featurizer = featurizer_for(records, config.until.date(), encoder=encoder)
        if progress is not None:
            progress("profiles", 1, 1)
    return train_model(
        records,
        config,
        taxonomy=load_taxonomy(),
        postcodes=load_postcodes(),
        encoder=encoder,
        baseline=cold_start(),
        eligible=knockout_rule,
        featurizer=featurizer,
        progress=progress,
    )


def evaluate(
    model: RankingModel,
    records: Records,
    *,
    encoder: Encoder,
    truth: TruthPairs | None = None,
    active: RankingModel | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
    featurizer: PairFeaturizer | None = None,
    progress: Progress | None = None,
) -> EvaluationReport:
    """Evaluate ``model`` on its held-out window next to the cold start and the active model
    (``featurizer``: one already built for the window's start, to reuse)."""
    cutoff = since or dt.datetime.fromisoformat(model.card["training_data"]["until"])
    if featurizer is None:
        if progress is not None:
            progress("profiles", 0, 1)
        featurizer = featurizer_for(records, cutoff.date(), encoder=encoder)
        if progress is not None:
            progress("profiles", 1, 1)
    return evaluate_model(
        model,
        records,
        featurizer=featurizer,
        baseline=cold_start(),
        active=active,
        eligible=knockout_rule,
        truth=truth,
        since=cutoff,
        until=until,
        n_bootstrap=n_bootstrap,
        seed=seed,
        progress=progress,
    )
