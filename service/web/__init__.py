"""The web pages of werkmatch: Jinja2 templates and one stylesheet, Dutch first, English on request.

:func:`include_web` adds the pages and the static files to an app; :func:`render_error` is the
HTML side of :mod:`service.errors`.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from service.web._render import STATIC_DIR, render_error
from service.web.pages import router

__all__ = ["include_web", "render_error", "router"]


def include_web(app: FastAPI) -> None:
    """Serve the pages and ``/static`` from ``app``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
