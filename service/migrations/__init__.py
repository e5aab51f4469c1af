"""Schema migrations (Alembic), applied programmatically: no ``alembic.ini`` is needed.

:func:`upgrade_to_head` runs on every :func:`service.storage.open_store`, so a fresh database
gets the schema and an older one is brought up to date. The scripts live inside the package so
they ship with an installed werkmatch.

To write a new migration (developers only)::

    python -c "from alembic import command; from service.migrations import alembic_config; \\
        command.revision(alembic_config(), message='add x', rev_id='0002')"

then edit the new file in ``service/migrations/versions/`` by hand (keep it portable between
SQLite and PostgreSQL; use ``op.batch_alter_table`` for column changes so SQLite can follow).
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

__all__ = ["alembic_config", "upgrade_to_head"]

logger = logging.getLogger(__name__)

_HERE = Path(__file__).resolve().parent


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the scripts in this package (no ini file)."""
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(_HERE / "versions"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


# Key of the PostgreSQL advisory lock taken while migrating (any fixed number; "wm" + 1).
_MIGRATION_LOCK = 0x776D_0001


def upgrade_to_head(connection: Connection) -> None:
    """Apply every migration not yet applied, inside the caller's transaction.

    On PostgreSQL, processes starting together (several app containers) migrate one at a time:
    each waits for a transaction-scoped advisory lock, so the later ones find the schema at
    head. Migrations there run without the statement timeout, as they may rewrite big tables.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
    config = alembic_config(connection)
    # Alembic logs every step at INFO; one line of our own says what happened.
    alembic_logger = logging.getLogger("alembic")
    previous_level = alembic_logger.level
    if previous_level == logging.NOTSET:
        alembic_logger.setLevel(logging.WARNING)
    try:
        head = ScriptDirectory.from_config(config).get_current_head()
        current = MigrationContext.configure(connection).get_current_revision()
        if current == head:
            return
        command.upgrade(config, "head")
    finally:
        alembic_logger.setLevel(previous_level)
    logger.info("database schema upgraded from %s to %s", current or "empty", head)
