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
SQLite (the default) and on PostgreSQL.
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

__all__ = [
    "candidate_protected",
    "candidates",
    "create_db_engine",
    "employers",
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
