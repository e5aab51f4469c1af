"""Alembic environment: runs migrations on the connection handed over in the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from service.db import create_db_engine, metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = config.attributes.get("connection")
if _connection is not None:
    _run(_connection)
else:  # pragma: no cover - only for the plain `alembic` command line with a URL in the config
    _engine = create_db_engine(config.get_main_option("sqlalchemy.url") or "")
    with _engine.begin() as _conn:
        _run(_conn)
    _engine.dispose()
