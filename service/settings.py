"""The one settings object. Read from ``WERKMATCH_*`` environment variables, validated at start.

Build it with :func:`get_settings` (cached) at entry points and pass it down; tests construct
``Settings(...)`` themselves. Nothing reads the environment anywhere else.
"""

from __future__ import annotations

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
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once from the environment."""
    return Settings()
