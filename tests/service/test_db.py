"""The engine on a database server: pool limits, pings, timeouts, and migrating one at a time.

These need PostgreSQL and are skipped on SQLite; ``make test-postgres`` runs them.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from service.db import create_db_engine, engine_from_settings
from service.migrations import upgrade_to_head
from service.settings import Settings
from service.storage import open_store


@pytest.fixture
def server_settings(settings: Settings, dialect: str) -> Settings:
    if dialect != "postgresql":
        pytest.skip("needs a PostgreSQL test server (make test-postgres)")
    return settings


def with_(settings: Settings, **changes: Any) -> Settings:
    return settings.model_copy(update=changes)


def test_connections_carry_the_statement_timeout_and_a_name(server_settings: Settings) -> None:
    engine = engine_from_settings(with_(server_settings, db_statement_timeout_ms=200))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "200ms"
            assert conn.execute(text("SHOW application_name")).scalar() == "werkmatch"
            with pytest.raises(OperationalError, match="statement timeout"):
                conn.execute(text("SELECT pg_sleep(5)"))
        with engine.connect() as conn:  # the pool hands out a working connection after it
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_options_in_the_url_are_kept_beside_the_timeout(server_settings: Settings) -> None:
    url = server_settings.database_url + "?options=-c%20lock_timeout%3D1500"
    engine = engine_from_settings(with_(server_settings, database_url=url))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "1500ms"
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "30s"
    finally:
        engine.dispose()


def test_the_pool_is_bounded_and_a_waiting_request_gives_up(server_settings: Settings) -> None:
    settings = with_(server_settings, db_pool_size=1, db_max_overflow=1, db_pool_timeout_s=0.2)
    engine = engine_from_settings(settings)
    try:
        with engine.connect(), engine.connect(), pytest.raises(PoolTimeoutError):
            engine.connect()  # a third, beyond pool_size + max_overflow
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_a_connection_the_server_dropped_is_replaced_before_use(server_settings: Settings) -> None:
    engine = engine_from_settings(with_(server_settings, db_pool_size=1, db_max_overflow=0))
    admin = create_db_engine(server_settings.database_url)
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with admin.begin() as conn:  # as a server restart or a firewall would
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        with engine.connect() as conn:  # the ping notices; no error reaches the caller
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        engine.dispose()
        admin.dispose()


def test_migrations_run_without_the_statement_timeout(server_settings: Settings) -> None:
    engine = engine_from_settings(with_(server_settings, db_statement_timeout_ms=200))
    try:
        with engine.begin() as conn:
            upgrade_to_head(conn)
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "0"
        with engine.connect() as conn:  # only for the migration's own transaction
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "200ms"
    finally:
        engine.dispose()


def test_processes_starting_together_migrate_one_at_a_time(server_settings: Settings) -> None:
    # Without the advisory lock both would CREATE TABLE and the later one would fail.
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def open_and_close() -> None:
        start.wait()
        try:
            with open_store(server_settings) as store:
                store.count("employers")
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=open_and_close) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with open_store(server_settings) as store, store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
