"""Building a Matcher from plain records, without the database layer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from features.embedding import CachedEncoder, HashingEncoder
from features.postcodes import Postcodes
from features.taxonomy import Taxonomy
from matching.loading import MatcherInputs, build_matcher, choose_encoder
from tests.matching import mini_world as world


def test_build_matcher_from_iterables(mini_taxonomy: Taxonomy, postcodes: Postcodes) -> None:
    inputs = MatcherInputs(
        candidates=iter(world.make_candidates()),  # one pass is enough
        vacancies=iter(world.make_vacancies()),
        employers=iter(world.make_employers()),
        outcomes=iter(world.make_outcomes()),
    )
    matcher = build_matcher(
        inputs,
        taxonomy=mini_taxonomy,
        postcodes=postcodes,
        encoder=HashingEncoder(),
        today=world.TODAY,
    )
    assert matcher.shortlist("V-MAG", top_k=1).matches[0].candidate_id == "C-01"


def test_choose_encoder_without_a_model(tmp_path: Path) -> None:
    encoder, description = choose_encoder(tmp_path)
    assert isinstance(encoder, CachedEncoder)
    assert isinstance(encoder.inner, HashingEncoder)
    assert description == "hashing encoder (no model folder)"
    assert encoder.cache_path == tmp_path / "cache" / "embeddings-hashing.bin"
    encoder.encode(["kok"])
    assert encoder.cache_path.exists()
    assert choose_encoder(None)[0].cache_path is None  # type: ignore[attr-defined]


def test_choose_encoder_with_a_broken_model_folder(tmp_path: Path) -> None:
    (tmp_path / "models" / "multilingual-e5-small").mkdir(parents=True)
    encoder, description = choose_encoder(tmp_path)
    assert isinstance(encoder.inner, HashingEncoder)  # type: ignore[attr-defined]
    assert description == "hashing encoder (model folder unusable)"


@pytest.mark.slow  # a fresh interpreter
def test_matching_never_imports_the_database_layer() -> None:
    code = (
        "import sys, matching.loading, matching.matcher; "
        "bad = [m for m in ('sqlalchemy', 'fastapi', 'service') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
