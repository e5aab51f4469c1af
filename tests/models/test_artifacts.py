"""Artifacts: card + checksums, verified before anything is unpickled."""

from __future__ import annotations

import io
import json
import pickle
from pathlib import Path

import joblib
import pytest

from features.errors import ArtifactError
from models.artifacts import FORMAT_VERSION, open_artifact, read_card, write_artifact


def _artifact(folder: Path) -> Path:
    buffer = io.BytesIO()
    joblib.dump({"answer": 42}, buffer)
    return write_artifact(
        folder,
        {"name": "demo", "kind": "test"},
        {
            "params.json": ("json", json.dumps({"a": 1}).encode()),
            "notes.txt": ("text", b"hallo"),
            "blob.joblib": ("joblib", buffer.getvalue()),
        },
    )


def test_round_trip_lists_every_file_with_its_checksum(tmp_path: Path) -> None:
    folder = _artifact(tmp_path / "a")
    card = read_card(folder)
    assert card["format_version"] == FORMAT_VERSION
    assert sorted(card["files"]) == ["blob.joblib", "notes.txt", "params.json"]
    assert all(len(entry["sha256"]) == 64 for entry in card["files"].values())
    artifact = open_artifact(folder)
    assert artifact.json("params.json") == {"a": 1}
    assert artifact.text("notes.txt") == "hallo"
    assert artifact.joblib("blob.joblib") == {"answer": 42}
    with pytest.raises(ArtifactError, match="not 'json'"):
        artifact.json("notes.txt")


class _Planted:
    """Unpickling this writes a file: proof that a pickle was loaded."""

    target = ""

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (Path(self.target), "unpickled!"))  # type: ignore[return-value]


def test_a_changed_pickle_is_refused_before_it_is_unpickled(tmp_path: Path) -> None:
    folder = _artifact(tmp_path / "a")
    witness = tmp_path / "witness.txt"
    planted = _Planted()
    planted.target = str(witness)
    (folder / "blob.joblib").write_bytes(pickle.dumps(planted))
    with pytest.raises(ArtifactError, match=r"blob\.joblib does not match the checksum"):
        open_artifact(folder).joblib("blob.joblib")
    assert not witness.exists()


def test_a_changed_card_is_refused(tmp_path: Path) -> None:
    folder = _artifact(tmp_path / "a")
    text = (folder / "card.json").read_text()
    (folder / "card.json").write_text(text.replace('"demo"', '"dema"'))
    with pytest.raises(ArtifactError, match="card checksum mismatch"):
        open_artifact(folder)


def test_an_unknown_format_version_is_refused(tmp_path: Path) -> None:
    folder = _artifact(tmp_path / "a")
    card = json.loads((folder / "card.json").read_text())
    card["format_version"] = FORMAT_VERSION + 1
    (folder / "card.json").write_text(json.dumps(card))
    with pytest.raises(ArtifactError, match="format version 2 is not supported"):
        open_artifact(folder)


def test_missing_files_and_folders_are_named(tmp_path: Path) -> None:
    folder = _artifact(tmp_path / "a")
    (folder / "notes.txt").unlink()
    with pytest.raises(ArtifactError, match=r"notes\.txt is missing"):
        open_artifact(folder)
    with pytest.raises(ArtifactError, match=r"no card\.json"):
        open_artifact(tmp_path)


def test_never_overwrites_and_refuses_unsafe_names(tmp_path: Path) -> None:
    folder = _artifact(tmp_path / "a")
    with pytest.raises(ArtifactError, match="not empty"):
        _artifact(folder)
    with pytest.raises(ValueError, match="plain file name"):
        write_artifact(tmp_path / "b", {}, {"../evil": ("text", b"x")})
    assert not (tmp_path / "b").exists()
