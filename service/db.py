"""The database tables (SQLAlchemy Core) and the engine werkmatch stores its records in.

One table per kind of record, each row holding the record as JSON text (``data``) next to the
few columns that are queried, joined or kept unique, plus a content hash (sha256 of the JSON)
so an unchanged record is recognised without parsing it::

    employers            id PK, data, hash, updated_at
    vacancies            id PK, employer_id -> employers, pc4, data, hash, updated_at
    candidates           id PK, pc4, data (WITHOUT protected attributes), hash, updated_at
    candidate_protected  candidate_id PK -> candidates, birth_year, gender, nationality,
                         migration_background     (special personal data, kept apart)
    outcomes             id (surrogate) PK, UNIQUE (candidate_id, vacancy_id, status, at),
                         data, hash, updated_at

``updated_at`` changes only when the hash changes. ``outcomes.at`` is the ISO-8601 text of the
record's moment, so naive and offset-carrying times are both kept exactly as given.

The schema itself is created and evolved by the Alembic migrations in
:mod:`service.migrations`, never by ``metadata.create_all``; :data:`metadata` describes the
current head so code and tests can query it. The SQL is kept portable: the same tables run on
SQLite (the default) and on PostgreSQL (``postgresql+psycopg://user:password@host:5432/db``,
driver psycopg 3), where :func:`engine_from_settings` pools connections and sets timeouts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from service.settings import Settings

__all__ = [
    "candidate_protected",
    "candidates",
    "create_db_engine",
    "employers",
    "engine_from_settings",
    "metadata",
    "outcomes",
    "vacancies",
]

# Constraint names are fixed so later migrations can refer to them on every database.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_ID = 64  # max length of an identifier, as features.records.Identifier allows
_HASH = 64  # hex sha256


def _stamp() -> Column[Any]:
    return Column("updated_at", DateTime(timezone=True), nullable=False)


employers = Table(
    "employers",
    metadata,
    Column("id", String(_ID), primary_key=True),
    Column("data", Text, nullable=False),
    Column("hash", String(_HASH), nullable=False),
    _stamp(),
)

vacancies = Table(
    "vacancies",
    metadata,
    Column("id", String(_ID), primary_key=True),
    Column("employer_id", String(_ID), ForeignKey("employers.id"), nullable=False),
    Column("pc4", String(4), nullable=False),
    Column("data", Text, nullable=False),
    Column("hash", String(_HASH), nullable=False),
    _stamp(),
    Index(None, "employer_id"),
    Index(None, "pc4"),
)

candidates = Table(
    "candidates",
    metadata,
    Column("id", String(_ID), primary_key=True),
    Column("pc4", String(4), nullable=False),
    Column("data", Text, nullable=False),
    Column("hash", String(_HASH), nullable=False),
    _stamp(),
    Index(None, "pc4"),
)

candidate_protected = Table(
    "candidate_protected",
    metadata,
    Column(
        "candidate_id",
        String(_ID),
        ForeignKey("candidates.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("birth_year", Integer, nullable=True),
    Column("gender", String(16), nullable=True),
    Column("nationality", String(64), nullable=True),
    Column("migration_background", String(64), nullable=True),
)

outcomes = Table(
    "outcomes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("candidate_id", String(_ID), ForeignKey("candidates.id"), nullable=False),
    Column("vacancy_id", String(_ID), ForeignKey("vacancies.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("at", String(40), nullable=False),
    Column("data", Text, nullable=False),
    Column("hash", String(_HASH), nullable=False),
    _stamp(),
    UniqueConstraint("candidate_id", "vacancy_id", "status", "at"),
    Index(None, "vacancy_id"),
)


def _is_memory_sqlite(url: str) -> bool:
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; on SQLite with WAL, ``synchronous=NORMAL`` and foreign keys on.

    WAL lets readers (the web pages) work while an import writes; ``synchronous=NORMAL`` in WAL
    mode is safe against a killed process (a committed batch stays committed, an uncommitted
    one vanishes) and much faster than ``FULL``. SQLite transactions are begun explicitly, so a
    batch, and a migration's DDL, is all-or-nothing. An in-memory SQLite database is shared by
    every connection of the engine, so tests can use ``sqlite://``.
    """
    if _is_memory_sqlite(url):
        kwargs.setdefault("poolclass", StaticPool)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def engine_from_settings(settings: Settings) -> Engine:
    """The engine for ``settings.database_url``, pooled and with timeouts on a database server.

    SQLite gets :func:`create_db_engine` as it is. On a server (PostgreSQL) each process keeps
    ``db_pool_size`` connections open and opens up to ``db_max_overflow`` more under load; a
    request waits at most ``db_pool_timeout_s`` for one. Every connection is pinged before use
    and replaced after ``db_pool_recycle_s``, so a restarted server or a connection a firewall
    dropped costs a reconnect, not a failed request. Connecting gives up after
    ``db_connect_timeout_s``; PostgreSQL cancels any statement running longer than
    ``db_statement_timeout_ms`` (sent as a connection option, so it holds from the first query).
    """
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return create_db_engine(settings.database_url)
    kwargs: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout_s,
        "pool_recycle": settings.db_pool_recycle_s,
        "pool_pre_ping": True,
    }
    if url.get_backend_name() == "postgresql":
        options = f"-c statement_timeout={settings.db_statement_timeout_ms}"
        given = url.query.get("options")  # options in the URL itself are kept, after ours
        if given:
            options += " " + (given if isinstance(given, str) else " ".join(given))
        kwargs["connect_args"] = {
            "connect_timeout": settings.db_connect_timeout_s,
            "application_name": "werkmatch",
            "options": options,
        }
    return create_db_engine(settings.database_url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module (it would not BEGIN before DDL);
        # SQLAlchemy emits BEGIN itself below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=10000")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")
