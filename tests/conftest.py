"""Shared fixtures: a fresh database per test, the tiny import files of tests/data/import, and
the ``werkmatch`` command line run in-process against the test's database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from service.cli import main
from service.importing import import_file
from service.settings import Settings, get_settings
from service.storage import Store, open_store

IMPORT_DATA = Path(__file__).parent / "data" / "import"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a fresh SQLite file in the test's tmp dir."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'werkmatch.db'}", data_dir=tmp_path)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """An empty store, schema at head."""
    with open_store(settings) as opened:
        yield opened


@pytest.fixture
def import_data() -> Path:
    """tests/data/import: employers, vacancies, candidates and outcomes covering every field."""
    return IMPORT_DATA


@pytest.fixture
def filled_store(store: Store) -> Store:
    """The store with the four files of tests/data/import imported (3 records of each kind)."""
    for kind in ("employers", "vacancies", "candidates", "outcomes"):
        report = import_file(store, kind, IMPORT_DATA / f"{kind}.jsonl")
        assert (report.read, report.stored, report.rejected) == (3, 3, 0), report.errors
    return store


@pytest.fixture
def cli(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., tuple[int, str, str]]]:
    """``cli("import", "employers", path)`` runs ``werkmatch ...`` in-process against the
    test's database and returns (exit status, stdout, stderr)."""
    monkeypatch.setenv("WERKMATCH_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()

    def run(*argv: str | Path) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return status, out, err

    yield run
    get_settings.cache_clear()
