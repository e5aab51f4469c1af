"""Rendering pages: the Jinja2 environment, the language cookie, pagination and error pages."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from service.deps import LANGUAGE_COOKIE, LANGUAGES, get_language
from service.errors import ErrorBody
from service.web.i18n import LABELS, translator

__all__ = ["PAGE_SIZE", "STATIC_DIR", "Pager", "render", "render_error"]

_HERE = Path(__file__).parent
STATIC_DIR = _HERE / "static"
PAGE_SIZE = 50
"""Rows per page of the list pages."""
_COOKIE_MAX_AGE = 365 * 24 * 3600

# Detail-page paths per record kind, for links between pages.
_DETAIL_PATHS = {
    "candidates": "/kandidaten/",
    "vacancies": "/vacatures/",
    "employers": "/werkgevers/",
}


def _link(kind: str, record_id: str) -> str:
    """Path of a record's page; the id is quoted whole, so any id makes a working link."""
    return _DETAIL_PATHS[kind] + quote(record_id, safe="")


_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(_HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,  # a misspelt variable fails the tests, not the reader
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.globals["link"] = _link
templates = Jinja2Templates(env=_environment)


@dataclass(frozen=True)
class Pager:
    """Where one page sits in a list: numbers for the reader, links for the buttons."""

    page: int
    pages: int
    total: int
    first: int
    last: int
    previous_url: str | None
    next_url: str | None

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    @classmethod
    def build(cls, request: Request, page: int, total: int) -> Pager:
        pages = max(1, math.ceil(total / PAGE_SIZE))
        offset = (page - 1) * PAGE_SIZE
        first = min(offset + 1, total) if total else 0
        last = min(offset + PAGE_SIZE, total)

        def url(number: int) -> str:
            query = request.url.include_query_params(page=number).remove_query_params("lang")
            return f"{query.path}?{query.query}"

        return cls(
            page=page,
            pages=pages,
            total=total,
            first=first,
            last=last,
            previous_url=url(page - 1) if 1 < page <= pages + 1 else None,
            next_url=url(page + 1) if page < pages else None,
        )


def _switch_urls(request: Request) -> dict[str, str]:
    """For each language, the current page's address with ``?lang=`` set to it."""
    urls: dict[str, str] = {}
    for language in LANGUAGES:
        target = request.url.include_query_params(lang=language)
        urls[language] = f"{target.path}?{target.query}"
    return urls


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    language: str,
    status_code: int = 200,
) -> Response:
    """Render ``template`` in ``language``; remember a language chosen with ``?lang=``."""
    settings = getattr(request.app.state, "settings", None)
    full = {
        "lang": language,
        "t": translator(language),
        "switch_urls": _switch_urls(request),
        "current_path": request.url.path,
        # a set date (demo data): every page says which date matching treats as today
        "fixed_today": settings.today if settings is not None else None,
        **context,
    }
    response = templates.TemplateResponse(request, template, full, status_code=status_code)
    if request.query_params.get("lang") == language:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=_COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
        )
    return response


def render_error(request: Request, body: ErrorBody) -> Response:
    """The HTML page for a failed page request, in the reader's language."""
    lang_param = request.query_params.get("lang")
    language = get_language(request, lang_param)
    key = f"error.{body.status}"
    return render(
        request,
        "error.html",
        {"error": body, "message_key": key if key in LABELS else "error.other"},
        language=language,
        status_code=body.status,
    )
