"""The one settings object. Read from ``WERKMATCH_*`` environment variables, validated at start.

Build it with :func:`get_settings` (cached) at entry points and pass it down; tests construct
``Settings(...)`` themselves. Nothing reads the environment anywhere else.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WERKMATCH_", extra="ignore", frozen=True)

    database_url: str = "sqlite:///werkmatch.db"
    """SQLAlchemy URL; SQLite file by default, ``postgresql+psycopg://...`` in production."""
    data_dir: Path = Path("var")
    """Where generated data, caches and model artifacts live."""
    municipality: str = "Groningen"
    language: str = Field(default="nl", pattern="^(nl|en)$")
    """Language of pages and explanations: Dutch by default, English available."""
    import_batch_size: int = Field(default=1000, ge=1, le=100_000)
    """Rows written per transaction during import."""
    model_dir: Path = Path("var/models/multilingual-e5-small")
    """Text-embedding model folder, built at install time by ``python -m features.model_build``;
    without it, occupation linking is lexical only and skills get no semantic matching."""
    # Database server (PostgreSQL) connections; SQLite ignores these.
    db_pool_size: int = Field(default=5, ge=1, le=1000)
    """Connections each process keeps open to the database server."""
    db_max_overflow: int = Field(default=10, ge=0, le=1000)
    """Extra connections opened under load beyond ``db_pool_size``, closed when returned."""
    db_pool_timeout_s: float = Field(default=30.0, gt=0)
    """Seconds a request waits for a free connection before it fails."""
    db_pool_recycle_s: int = Field(default=1800, ge=-1)
    """Reopen connections older than this (seconds; -1 never), before a firewall drops them."""
    db_connect_timeout_s: int = Field(default=10, ge=1)
    """Seconds to wait for the database server to accept a new connection."""
    db_statement_timeout_ms: int = Field(default=30_000, ge=0)
    """The server cancels one SQL statement running longer than this (0: no limit).
    Migrations run without it: they may rewrite large tables."""
    today: dt.date | None = None
    """The date the service treats as today (``YYYY-MM-DD``): only vacancies open on it are
    matched. None means the real date; ``werkmatch demo`` sets the synthetic data's date."""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once from the environment."""
    return Settings()
