"""Model artifacts: a directory with a model card, every file checksummed, verified before use.

Every model werkmatch saves goes through this one module. An artifact is a directory::

    card.json            the model card: name, version, format version, created_at, git sha,
                         training data (sha256, row counts), feature names, hyper-parameters,
                         metrics, library versions, and ``files``: name -> sha256, size, kind
    <file> ...           the files the card lists

Loading (:func:`open_artifact`) reads ``card.json`` as plain JSON, checks the format version,
the card's own checksum (``card_sha256``: sha256 of the card without that field) and the sha256
of every listed file, and only then hands out the bytes it verified (held in memory, so a file
swapped after the check is never read). Any mismatch is an
:class:`~features.errors.ArtifactError` saying what is wrong. Nothing is unpickled before that.

File kinds: ``json`` (plain data), ``text`` (e.g. LightGBM's own text model format: a
description of the trees, no code) and ``joblib`` (anything else; only ever loaded from
verified bytes). werkmatch's rankers need no pickle at all: LightGBM text plus JSON, so skops
(the safe format for scikit-learn estimators) is not needed either; a scikit-learn estimator
added later should get a ``skops`` kind here rather than ``joblib``.

Never ``joblib.dump(model, "model.pkl")`` on its own: an anonymous pickle can run any code
when loaded and says nothing about what it is.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from features.errors import ArtifactError

__all__ = [
    "CARD_FILE",
    "FILE_KINDS",
    "FORMAT_VERSION",
    "Artifact",
    "card_checksum",
    "open_artifact",
    "read_card",
    "sha256_bytes",
    "write_artifact",
]

FORMAT_VERSION = 1
"""Bumped whenever the layout of an artifact changes in a way older code cannot read."""

CARD_FILE = "card.json"
FILE_KINDS = ("json", "text", "joblib")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def card_checksum(card: Mapping[str, Any]) -> str:
    """sha256 of the card's canonical JSON without its ``card_sha256`` field."""
    body = {k: v for k, v in card.items() if k != "card_sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return sha256_bytes(text.encode("utf-8"))


def _check_name(name: str) -> None:
    if not _SAFE_NAME.match(name) or name == CARD_FILE or ".." in name:
        raise ValueError(f"artifact file name {name!r} is not a plain file name")


def write_artifact(
    directory: Path, card: Mapping[str, Any], files: Mapping[str, tuple[str, bytes]]
) -> Path:
    """Write ``files`` (name -> (kind, bytes)) and the completed ``card.json`` into
    ``directory``, which must not exist yet or be empty. Written to a temporary sibling first
    and renamed, so a crash never leaves half an artifact. Returns ``directory``.
    """
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise ArtifactError(f"{directory} already exists and is not empty; choose another folder")
    listed: dict[str, dict[str, Any]] = {}
    for name, (kind, data) in sorted(files.items()):
        _check_name(name)
        if kind not in FILE_KINDS:
            raise ValueError(f"unknown artifact file kind {kind!r}; use one of {FILE_KINDS}")
        listed[name] = {"kind": kind, "sha256": sha256_bytes(data), "bytes": len(data)}
    full = dict(card)
    full["format_version"] = FORMAT_VERSION
    full["files"] = listed
    full.pop("card_sha256", None)
    full["card_sha256"] = card_checksum(full)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        for name, (_kind, data) in files.items():
            (staging / name).write_bytes(data)
        (staging / CARD_FILE).write_text(
            json.dumps(full, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        if directory.exists():
            directory.rmdir()
        os.replace(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return directory


def read_card(directory: Path) -> dict[str, Any]:
    """The card of an artifact, checked (format version and card checksum) but without
    reading the other files: enough to list or show a model."""
    path = Path(directory) / CARD_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ArtifactError(f"{directory} is not a model artifact: no {CARD_FILE}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ArtifactError(f"cannot read {path}: {error}") from None
    try:
        card = json.loads(text)
    except json.JSONDecodeError as error:
        raise ArtifactError(
            f"{path} is not valid JSON ({error}); the artifact is damaged"
        ) from None
    if not isinstance(card, dict):
        raise ArtifactError(f"{path} does not hold a model card")
    version = card.get("format_version")
    if version != FORMAT_VERSION:
        raise ArtifactError(
            f"{directory}: artifact format version {version!r} is not supported by this "
            f"werkmatch (it reads version {FORMAT_VERSION}); retrain or upgrade"
        )
    if card.get("card_sha256") != card_checksum(card):
        raise ArtifactError(
            f"{path} was changed after the model was saved (card checksum mismatch); "
            "refusing to load it"
        )
    if not isinstance(card.get("files"), dict):
        raise ArtifactError(f"{path} lists no files")
    return card


@dataclass(frozen=True, eq=False)
class Artifact:
    """A verified artifact: its card and the bytes of every listed file."""

    directory: Path
    card: dict[str, Any]
    _data: dict[str, bytes]

    def names(self) -> list[str]:
        return sorted(self._data)

    def raw(self, name: str) -> bytes:
        """The verified bytes of file ``name``."""
        try:
            return self._data[name]
        except KeyError:
            raise ArtifactError(f"{self.directory} has no file {name!r} in its card") from None

    def _expect(self, name: str, kind: str) -> bytes:
        data = self.raw(name)
        found = self.card["files"][name]["kind"]
        if found != kind:
            raise ArtifactError(f"{self.directory}/{name} is a {found!r} file, not {kind!r}")
        return data

    def json(self, name: str) -> Any:
        return json.loads(self._expect(name, "json").decode("utf-8"))

    def text(self, name: str) -> str:
        return self._expect(name, "text").decode("utf-8")

    def joblib(self, name: str) -> Any:
        """An object stored with joblib; only reached after the checksum matched."""
        import joblib

        return joblib.load(io.BytesIO(self._expect(name, "joblib")))


def open_artifact(directory: Path) -> Artifact:
    """Verify an artifact (module docstring) and return its card and bytes.

    Raises :class:`~features.errors.ArtifactError` for a missing or unknown-format card, a card
    or file that changed (checksum), a missing file, or a file name that is not plain.
    """
    directory = Path(directory)
    card = read_card(directory)
    data: dict[str, bytes] = {}
    for name, entry in sorted(card["files"].items()):
        try:
            _check_name(name)
        except ValueError as error:
            raise ArtifactError(f"{directory}: {error}") from None
        if not isinstance(entry, dict) or entry.get("kind") not in FILE_KINDS:
            raise ArtifactError(f"{directory}/{CARD_FILE}: bad entry for {name!r}")
        try:
            content = (directory / name).read_bytes()
        except FileNotFoundError:
            raise ArtifactError(f"{directory}/{name} is missing (listed in the card)") from None
        except OSError as error:
            raise ArtifactError(f"cannot read {directory}/{name}: {error}") from None
        if sha256_bytes(content) != entry.get("sha256"):
            raise ArtifactError(
                f"{directory}/{name} does not match the checksum in its card: the file was "
                "changed or damaged after the model was saved; refusing to load it"
            )
        data[name] = content
    return Artifact(directory=directory, card=card, _data=data)
