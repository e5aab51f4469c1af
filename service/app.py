"""The werkmatch web application: JSON API, web pages and health check.

Build it with :func:`create_app` and your settings; the store, the taxonomy and the matching
engine (:mod:`service.engine`: profiles of every record, the text encoder) are made once, in the
app's lifespan, and reach routes through the dependencies in :mod:`service.deps`::

    app = create_app(get_settings())
    uvicorn.run(app, host=settings.host, port=settings.port)
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.engine import make_url

from features.embedding import Encoder
from features.taxonomy import load_taxonomy
from service.api import router as api_router
from service.deps import EngineDep, StoreDep, TaxonomyDep
from service.engine import MatchingEngine
from service.errors import install_error_handlers
from service.settings import Settings
from service.storage import KINDS, open_store
from service.web import include_web, render_error

__all__ = ["Health", "create_app", "werkmatch_version"]

logger = logging.getLogger(__name__)


def werkmatch_version() -> str:
    """The installed version of werkmatch, e.g. ``0.1.0``."""
    try:
        return version("werkmatch")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


class Health(BaseModel):
    """Whether the service and its database answer, and what they hold."""

    status: str
    database: str
    counts: dict[str, int]
    taxonomy: str
    version: str
    encoder: str | None = None
    """The text encoder matching uses: the multilingual model, or the hashing fallback."""
    today: str | None = None
    """The date matching treats as today (ISO); set for demo data, else the real date."""


def create_app(settings: Settings, *, encoder: Encoder | None = None) -> FastAPI:
    """The application for ``settings``: pages at ``/``, JSON under ``/api``, docs at ``/docs``.

    ``encoder`` replaces the text encoder matching would choose (tests pass a small one).
    """
    app_version = werkmatch_version()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.taxonomy = load_taxonomy()
        app.state.store = open_store(settings)
        engine = MatchingEngine(
            settings, app.state.store, encoder=encoder, taxonomy=app.state.taxonomy
        )
        app.state.engine = engine
        engine.matcher()  # build now, so the first page does not wait for it
        logger.info(
            "werkmatch %s ready: database %s, %s",
            app_version,
            _safe_url(settings.database_url),
            app.state.taxonomy.version,
        )
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(
        title="werkmatch",
        version=app_version,
        summary="Explained job matching for the work-and-income teams of Dutch municipalities.",
        lifespan=lifespan,
    )
    install_error_handlers(app, render_html=render_error)

    @app.get(
        "/health",
        response_model=Health,
        tags=["service"],
        responses={503: {"model": Health, "description": "The database cannot be queried"}},
    )
    def health(store: StoreDep, taxonomy: TaxonomyDep, engine: EngineDep) -> Any:
        """Liveness and readiness: 200 when the database answers, 503 when it does not."""
        try:
            counts = {kind: store.count(kind) for kind in KINDS}
        except Exception:
            logger.exception("health check: the database cannot be queried")
            body = Health(
                status="error",
                database="error",
                counts={},
                taxonomy=taxonomy.version,
                version=app_version,
                encoder=engine.encoder_description,
                today=engine.today().isoformat(),
            )
            return JSONResponse(body.model_dump(), status_code=503)
        return Health(
            status="ok",
            database="ok",
            counts=counts,
            taxonomy=taxonomy.version,
            version=app_version,
            encoder=engine.encoder_description,
            today=engine.today().isoformat(),
        )

    app.include_router(api_router)
    include_web(app)
    return app


def _safe_url(url: str) -> str:
    """The database URL without its password, for the log."""
    return make_url(url).render_as_string(hide_password=True)
