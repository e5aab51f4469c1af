"""Shared fixtures: a fresh database per test, the tiny import files of tests/data/import, and
the ``werkmatch`` command line run in-process against the test's database.

The database is a SQLite file in the test's tmp dir, unless ``WERKMATCH_TEST_DATABASE_URL``
names a PostgreSQL server (``make test-postgres``; ``.ci/with-postgres`` starts a throw-away
one): then every test gets a database of its own on that server, created for it and dropped
after it, so tests neither see each other's rows nor depend on their order. The URL's user
must be allowed to create databases; its database (e.g. ``postgres``) is only used to do so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from service.cli import main
from service.importing import import_file
from service.settings import Settings, get_settings
from service.storage import Store, open_store

IMPORT_DATA = Path(__file__).parent / "data" / "import"
TEST_SERVER_VARIABLE = "WERKMATCH_TEST_DATABASE_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the test database (the database_url fixture); "
        "the others run the same whatever the database",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-tests-only"):
        return
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        uses_database = "database_url" in getattr(item, "fixturenames", ())
        (keep if uses_database else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def database_server() -> Iterator[Engine | None]:
    """An AUTOCOMMIT engine on the test server's maintenance database, or None (SQLite)."""
    url = os.environ.get(TEST_SERVER_VARIABLE, "").strip()
    if not url:
        yield None
        return
    if make_url(url).get_backend_name() != "postgresql":
        raise pytest.UsageError(f"{TEST_SERVER_VARIABLE} must be a postgresql:// URL, not {url!r}")
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(database_server: Engine | None, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database for this test alone: a SQLite file in its tmp dir, or a new
    database on the test server, dropped (connections and all) when the test ends."""
    if database_server is None:
        yield f"sqlite:///{tmp_path / 'werkmatch.db'}"
        return
    name = f"werkmatch_test_{uuid.uuid4().hex[:16]}"
    with database_server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield database_server.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with database_server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def dialect(database_url: str) -> str:
    """``"sqlite"`` or ``"postgresql"``: which kind of database this run tests."""
    return make_url(database_url).get_backend_name()


@pytest.fixture(autouse=True)
def _no_embedding_model_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests use the deterministic hashing encoder unless they name a model folder themselves.

    A fresh clone has the real model after ``make test`` builds it, but not the cache of ESCO
    label vectors; embedding ~160,000 labels would take many minutes in any test that starts the
    app. Subprocesses inherit the variable.
    """
    monkeypatch.setenv("WERKMATCH_MODEL_DIR", str(tmp_path / "no-embedding-model"))


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings with a fresh database (see :func:`database_url`) and the test's tmp dir."""
    return Settings(database_url=database_url, data_dir=tmp_path)


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
