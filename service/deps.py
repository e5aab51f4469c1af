"""FastAPI dependencies: the objects a route needs, taken from what the lifespan loaded.

Routes declare what they need with ``Annotated`` aliases, for example::

    @router.get("/api/candidates/{candidate_id}")
    def candidate(candidate_id: str, store: StoreDep) -> ...

The store and the settings are the ones :func:`service.app.create_app` was given, so a test that
builds its own app with its own settings never touches the process-wide :func:`get_settings`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from features.taxonomy import Taxonomy
from service.engine import MatchingEngine
from service.settings import Settings
from service.storage import Store

__all__ = [
    "LANGUAGES",
    "LANGUAGE_COOKIE",
    "EngineDep",
    "Language",
    "LanguageDep",
    "SettingsDep",
    "StoreDep",
    "TaxonomyDep",
    "get_app_settings",
    "get_engine",
    "get_language",
    "get_store",
    "get_taxonomy",
]

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")
LANGUAGE_COOKIE = "werkmatch_lang"
"""Cookie that remembers the language chosen with ``?lang=``."""


def get_store(request: Request) -> Store:
    """The store opened once in the app's lifespan."""
    store: Store = request.app.state.store
    return store


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_taxonomy(request: Request) -> Taxonomy:
    """The shipped ESCO taxonomy, loaded once in the app's lifespan."""
    taxonomy: Taxonomy = request.app.state.taxonomy
    return taxonomy


def get_engine(request: Request) -> MatchingEngine:
    """The matching engine built in the app's lifespan."""
    engine: MatchingEngine = request.app.state.engine
    return engine


def get_language(
    request: Request,
    lang: Annotated[
        str | None, Query(description="Page language: nl (default) or en; remembered in a cookie")
    ] = None,
) -> Language:
    """The reader's language: ``?lang=`` first, then the cookie, then the settings' default.

    An unknown value falls through to the next source rather than failing the page.
    """
    for choice in (lang, request.cookies.get(LANGUAGE_COOKIE)):
        if choice in LANGUAGES:
            return choice  # type: ignore[return-value]
    default = get_app_settings(request).language
    return default if default in LANGUAGES else "nl"  # type: ignore[return-value]


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
TaxonomyDep = Annotated[Taxonomy, Depends(get_taxonomy)]
LanguageDep = Annotated[Language, Depends(get_language)]
EngineDep = Annotated[MatchingEngine, Depends(get_engine)]
