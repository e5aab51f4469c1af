"""The command line of the service: ``werkmatch demo``, ``serve``, ``about`` and ``--version``.

``settings`` (tests/conftest.py) points at a fresh database for each test.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from features.data import ATTRIBUTION
from service.cli import build_parser, main
from service.cli._serve import DEMO_FILES, MANIFEST_NAME
from service.settings import Settings
from service.storage import KINDS, open_store

SIZES = ["--candidates", "60", "--vacancies", "20", "--employers", "10", "--seed", "7"]


def _run(argv: list[str], settings: Settings) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args, settings))


def _lines(path: Path) -> int:
    with path.open(encoding="utf-8") as stream:
        return sum(1 for line in stream if line.strip())


def _db_counts(settings: Settings) -> dict[str, int]:
    with open_store(settings) as store:
        return {kind: store.count(kind) for kind in KINDS}


def _stamps(directory: Path) -> dict[str, int]:
    return {name: (directory / name).stat().st_mtime_ns for name in [*DEMO_FILES.values()]}


def test_demo_generates_and_imports_everything(tmp_path: Path, settings: Settings) -> None:
    directory = tmp_path / "demo"
    assert _run(["demo", "--dir", str(directory), *SIZES, "--no-serve"], settings) == 0
    lines = {kind: _lines(directory / name) for kind, name in DEMO_FILES.items()}
    assert lines["candidates"] == 60
    assert lines["vacancies"] == 20
    assert lines["employers"] == 10
    assert lines["outcomes"] > 0
    assert _db_counts(settings) == lines
    manifest = json.loads((directory / MANIFEST_NAME).read_text())
    assert manifest["synth"]["candidates"] == 60
    assert manifest["synth"]["seed"] == 7
    assert set(manifest["files"]) == set(DEMO_FILES.values())


def test_second_demo_run_neither_regenerates_nor_duplicates(
    tmp_path: Path, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "demo"
    argv = ["demo", "--dir", str(directory), *SIZES, "--no-serve"]
    assert _run(argv, settings) == 0
    first_counts = _db_counts(settings)
    first_stamps = _stamps(directory)
    manifest = (directory / MANIFEST_NAME).read_text()

    with caplog.at_level(logging.INFO, logger="service.cli._serve"):
        assert _run(argv, settings) == 0
    assert _stamps(directory) == first_stamps
    assert (directory / MANIFEST_NAME).read_text() == manifest
    assert "not regenerating" in caplog.text
    assert "0 new, 0 updated" in caplog.text
    assert _db_counts(settings) == first_counts


def test_demo_regenerates_when_parameters_or_files_change(
    tmp_path: Path, settings: Settings
) -> None:
    directory = tmp_path / "demo"
    argv = ["demo", "--dir", str(directory), *SIZES, "--no-serve"]
    assert _run(argv, settings) == 0
    candidates = directory / DEMO_FILES["candidates"]
    original = candidates.read_bytes()

    # A damaged file is made again, identical, since the parameters are the same.
    candidates.write_bytes(original[: len(original) // 2])
    assert _run(argv, settings) == 0
    assert candidates.read_bytes() == original

    # Other parameters give other data.
    other = [*argv]
    other[other.index("--candidates") + 1] = "30"
    other_db = Settings(database_url=f"sqlite:///{tmp_path}/other.db", data_dir=tmp_path)
    assert _run(other, other_db) == 0
    assert _lines(candidates) == 30
    assert _db_counts(other_db)["candidates"] == 30


def test_demo_refuses_impossible_sizes(tmp_path: Path, settings: Settings) -> None:
    argv = ["demo", "--dir", str(tmp_path / "d"), "--candidates", "0", "--no-serve"]
    assert _run(argv, settings) == 2
    assert not (tmp_path / "d").exists()


def test_demo_serves_unless_told_not_to(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append({"app": app, **kw}))
    argv = ["demo", "--dir", str(tmp_path / "demo"), *SIZES, "--port", "8765"]
    assert _run(argv, settings) == 0
    assert len(served) == 1
    assert isinstance(served[0]["app"], FastAPI)
    assert (served[0]["host"], served[0]["port"]) == ("127.0.0.1", 8765)


def test_serve_uses_settings_and_options(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(kw))
    assert _run(["serve"], settings) == 0
    assert _run(["serve", "--host", "0.0.0.0", "--port", "9001"], settings) == 0
    assert [(s["host"], s["port"]) for s in served] == [("127.0.0.1", 8000), ("0.0.0.0", 9001)]


def test_about_prints_version_taxonomy_and_attribution(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["about"], settings) == 0
    out = capsys.readouterr().out
    assert out.startswith("werkmatch ")
    assert "ESCO v1.2.0" in out
    assert ATTRIBUTION.strip() in out
    assert "This service uses the ESCO classification of the European Commission." in out


def test_version_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("werkmatch ")
    assert "ESCO classification of the European Commission" in out[1]
