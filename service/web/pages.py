"""The web pages: an overview, and lists and profiles of candidates, vacancies and employers.

Paths are Dutch, as the people who use them speak (``/kandidaten``, ``/vacatures``,
``/werkgevers``). Pages never show protected attributes or barriers.

A vacancy's page shows its shortlist (the best candidates, each explained, and who was excluded
by which hard requirement); a candidate's page shows recommended vacancies, employers to
approach and career paths with the skills still missing. Matches come from the engine built
in the app's lifespan (:mod:`service.engine`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from features.errors import UnknownEntityError
from features.records import Candidate, Employer, Vacancy
from features.taxonomy import Taxonomy
from features.vocabulary import EducationLevel
from service.deps import EngineDep, LanguageDep, StoreDep, TaxonomyDep
from service.presenting import exclusion_summary
from service.storage import KINDS, Store
from service.web._matches import career_path_views, employer_views, match_views
from service.web._render import PAGE_SIZE, Pager, render
from service.web.i18n import translate

__all__ = ["router"]

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

PageNumber = Annotated[int, Query(ge=1, le=10_000_000, description="1-based page number")]

SHOWN_MATCHES = 10
"""Candidates on a vacancy page, vacancies on a candidate page."""
SHOWN_SUGGESTIONS = 5
"""Employers and career paths on a candidate page."""


@dataclass(frozen=True)
class OccupationFacts:
    """What the taxonomy says about a job's ESCO occupation and ISCO-08 unit group."""

    occupation: str | None
    """ESCO label in the reader's language; ``None`` when no known URI was given."""
    isco: str | None
    """Unit group code with its label, e.g. ``9112 Schoonmakers ...``."""
    level: int | None
    """ISCO-08 skill level (beroepsniveau) 1..4 of the unit group."""


def _occupation_facts(
    taxonomy: Taxonomy, uri: str | None, isco: str | None, language: str
) -> OccupationFacts:
    """Label the occupation and its unit group; the group comes from the occupation when the
    record gives none."""
    label = None
    if uri and taxonomy.has_occupation(uri):
        occupation = taxonomy.occupation(uri)
        label = occupation.label_en if language == "en" else occupation.label_nl
        isco = isco or occupation.isco_group
    if not isco:
        return OccupationFacts(label, None, None)
    try:
        isco_label = f"{isco} {taxonomy.isco_group_label(isco, language)}"
    except UnknownEntityError:
        isco_label = isco
    return OccupationFacts(label, isco_label, taxonomy.isco_unit_level(isco))


def _list_page(
    request: Request,
    store: Store,
    kind: str,
    template: str,
    page: int,
    language: str,
) -> Response:
    pager = Pager.build(request, page, store.count(kind))
    records = store.list(kind, offset=pager.offset, limit=PAGE_SIZE)
    return render(request, template, {"records": records, "pager": pager}, language=language)


@router.get("/", name="home")
def home(request: Request, store: StoreDep, taxonomy: TaxonomyDep, lang: LanguageDep) -> Response:
    """Overview: how many records of each kind, which taxonomy, where to go next."""
    counts = {kind: store.count(kind) for kind in KINDS}
    context = {"counts": counts, "taxonomy_version": taxonomy.version}
    return render(request, "home.html", context, language=lang)


@router.get("/kandidaten", name="candidates")
def candidates(
    request: Request, store: StoreDep, lang: LanguageDep, page: PageNumber = 1
) -> Response:
    """Candidates by number, a page at a time."""
    return _list_page(request, store, "candidates", "candidates.html", page, lang)


@router.get("/kandidaten/{candidate_id:path}", name="candidate")
def candidate(
    request: Request,
    candidate_id: str,
    store: StoreDep,
    taxonomy: TaxonomyDep,
    engine: EngineDep,
    lang: LanguageDep,
) -> Response:
    """A candidate's profile, without protected attributes or barriers, with recommended
    vacancies, employers to approach and career paths."""
    record = cast(Candidate, store.get("candidates", candidate_id))
    # Build the view from explicit fields only, so nothing protected can slip into a template.
    missing = []
    if record.education_level is EducationLevel.UNKNOWN:
        missing.append("candidate.missing.education")
    if not record.skills:
        missing.append("candidate.missing.skills")
    history = [
        (job, _occupation_facts(taxonomy, job.esco_uri, job.isco, lang))
        for job in record.work_history
    ]
    missing_text = "; ".join(translate(key, lang) for key in missing)
    recommended = engine.recommend(record.id, top_k=SHOWN_MATCHES)
    names = _employer_names(store, {m.employer_id for m in recommended.matches})
    context = {
        "c": record,
        "history": history,
        "missing_text": missing_text,
        "recommendations": match_views(recommended.matches, lang, names),
        "recommendations_excluded": exclusion_summary(recommended.excluded, lang),
        "recommendations_pool": recommended.pool_size,
        "employer_suggestions": employer_views(
            engine.employers(record.id, top_k=SHOWN_SUGGESTIONS), lang
        ),
        "career_paths": career_path_views(
            engine.career_paths(record.id, top_k=SHOWN_SUGGESTIONS), taxonomy, lang
        ),
    }
    return render(request, "candidate.html", context, language=lang)


def _employer_names(store: Store, ids: set[str]) -> dict[str, str]:
    """Names of the employers with these ids (unknown ids are left out)."""
    names = {}
    for employer_id in sorted(ids):
        try:
            names[employer_id] = cast(Employer, store.get("employers", employer_id)).name
        except UnknownEntityError:
            continue
    return names


@router.get("/vacatures", name="vacancies")
def vacancies(
    request: Request, store: StoreDep, lang: LanguageDep, page: PageNumber = 1
) -> Response:
    """Vacancies by number, a page at a time."""
    return _list_page(request, store, "vacancies", "vacancies.html", page, lang)


@router.get("/vacatures/{vacancy_id:path}", name="vacancy")
def vacancy(
    request: Request,
    vacancy_id: str,
    store: StoreDep,
    taxonomy: TaxonomyDep,
    engine: EngineDep,
    lang: LanguageDep,
) -> Response:
    """Every field of a vacancy, with a link to its employer, and its shortlist."""
    record = cast(Vacancy, store.get("vacancies", vacancy_id))
    employer: Employer | None
    try:
        employer = cast(Employer, store.get("employers", record.employer_id))
    except UnknownEntityError:
        employer = None
    shortlist = engine.shortlist(record.id, top_k=SHOWN_MATCHES)
    today = engine.matcher().today
    context = {
        "v": record,
        "employer": employer,
        "facts": _occupation_facts(taxonomy, record.esco_occupation_uri, record.isco, lang),
        "closed": record.open_until is not None and record.open_until < today,
        "matches": match_views(shortlist.matches, lang),
        "excluded": exclusion_summary(shortlist.excluded, lang),
        "pool_size": shortlist.pool_size,
    }
    return render(request, "vacancy.html", context, language=lang)


@router.get("/werkgevers", name="employers")
def employers(
    request: Request, store: StoreDep, lang: LanguageDep, page: PageNumber = 1
) -> Response:
    """Employers by number, a page at a time."""
    return _list_page(request, store, "employers", "employers.html", page, lang)


@router.get("/werkgevers/{employer_id:path}", name="employer")
def employer(request: Request, employer_id: str, store: StoreDep, lang: LanguageDep) -> Response:
    """An employer and its vacancies."""
    record = cast(Employer, store.get("employers", employer_id))
    own = _vacancies_of(store, record.id)
    return render(request, "employer.html", {"e": record, "vacancies": own}, language=lang)


def _vacancies_of(store: Store, employer_id: str) -> list[Vacancy]:
    """The vacancies of one employer, ordered by id."""
    return [
        v
        for v in store.iter_all("vacancies")
        if isinstance(v, Vacancy) and v.employer_id == employer_id
    ]
