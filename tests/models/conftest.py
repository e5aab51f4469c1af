"""Session fixtures for the slow models tests: one small synthetic municipality with outcomes
and hidden truth (400 candidates, 150 vacancies), its pair features, and one trained model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from features.embedding import CachedEncoder, HashingEncoder
from features.postcodes import load_postcodes
from features.taxonomy import load_taxonomy
from models.dataset import PairFeaturizer, Records, TruthPairs, load_truth, read_jsonl_records
from models.training import TrainingConfig, TrainingResult
from service import ranking
from service.synth import SynthConfig, generate, write

SYNTH = SynthConfig(candidates=400, vacancies=150, employers=50, seed=1)
UNTIL = dt.datetime(2025, 7, 1)
"""Training cut-off: about three quarters of the two years of history lie before it."""


@dataclass(frozen=True)
class World:
    directory: Path
    records: Records
    truth: TruthPairs
    featurizer: PairFeaturizer


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The import files and truth/ of :data:`SYNTH` (about a second to generate)."""
    directory = tmp_path_factory.mktemp("synth")
    write(generate(SYNTH), directory)
    return directory


@pytest.fixture(scope="session")
def world(synth_dir: Path) -> World:
    """The records of :func:`synth_dir` with their pair features as of :data:`UNTIL`."""
    directory = synth_dir
    records = read_jsonl_records(directory)
    truth = load_truth(directory)
    assert truth is not None
    featurizer = PairFeaturizer(
        records.candidates,
        records.vacancies,
        taxonomy=load_taxonomy(),
        postcodes=load_postcodes(),
        encoder=CachedEncoder(HashingEncoder()),
        today=UNTIL.date(),
    )
    return World(directory, records, truth, featurizer)


@pytest.fixture(scope="session")
def trained(world: World) -> TrainingResult:
    config = TrainingConfig(until=UNTIL, seed=0, n_bootstrap=300)
    return ranking.train(
        world.records,
        config,
        encoder=world.featurizer.builder.encoder,
        featurizer=world.featurizer,
    )
