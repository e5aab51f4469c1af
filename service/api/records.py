"""Read the stored records: ``/api/candidates``, ``/api/vacancies``, ``/api/employers``,
``/api/outcomes``.

Lists are paged (``offset``, ``limit`` up to 200) and say the ``total``. A candidate is served
without its protected attributes (birth year, gender, nationality, migration background) and
without the barriers the consultant recorded: special personal data that only the fairness audit
and the consultant's own screens may see, never another system reading this API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar, cast

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, create_model

from features.records import Candidate, Employer, Outcome, Record, Vacancy
from service.deps import StoreDep
from service.errors import ErrorBody

__all__ = [
    "CANDIDATE_HIDDEN_FIELDS",
    "MAX_LIMIT",
    "CandidateOut",
    "Page",
    "router",
]

MAX_LIMIT = 200
CANDIDATE_HIDDEN_FIELDS = frozenset({"protected", "barriers"})
"""Candidate fields the API never returns."""

T = TypeVar("T", bound=BaseModel)

Offset = Annotated[int, Query(ge=0, description="Records to skip")]
Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Records per page, at most {MAX_LIMIT}")
]


class Page(BaseModel, Generic[T]):
    """One page of a list: the records, where the page starts, and how many there are in all."""

    items: list[T]
    offset: int
    limit: int
    total: int


def _public_model(source: type[BaseModel], hidden: frozenset[str], name: str) -> type[BaseModel]:
    """A copy of the record model ``source`` without the fields in ``hidden``."""
    fields: dict[str, Any] = {
        field: (info.annotation, info)
        for field, info in source.model_fields.items()
        if field not in hidden
    }
    return create_model(  # type: ignore[call-overload,no-any-return]
        name,
        __config__=ConfigDict(frozen=True),
        __doc__=f"{source.__doc__}\n\nServed without: {', '.join(sorted(hidden))}.",
        **fields,
    )


CandidateOut = _public_model(Candidate, CANDIDATE_HIDDEN_FIELDS, "CandidateOut")


def _candidate_out(record: Record) -> BaseModel:
    return CandidateOut.model_validate(
        cast(Candidate, record).model_dump(exclude=set(CANDIDATE_HIDDEN_FIELDS))
    )


def _as_is(record: Record) -> BaseModel:
    return record


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No record with this id"},
    422: {"model": ErrorBody, "description": "A query parameter is not valid"},
}

router = APIRouter(prefix="/api", tags=["records"], responses={422: _ERRORS[422]})


def _add_record_routes(
    kind: str,
    singular: str,
    model: type[BaseModel],
    to_out: Callable[[Record], BaseModel],
) -> None:
    """``GET /api/{kind}`` (a page) and ``GET /api/{kind}/{id}`` (one record) for one kind."""

    def list_records(store: StoreDep, offset: Offset = 0, limit: Limit = 50) -> Page[Any]:
        items = [to_out(record) for record in store.list(kind, offset=offset, limit=limit)]
        return Page[Any](items=items, offset=offset, limit=limit, total=store.count(kind))

    def get_record(record_id: str, store: StoreDep) -> BaseModel:
        return to_out(store.get(kind, record_id))

    router.add_api_route(
        f"/{kind}",
        list_records,
        methods=["GET"],
        response_model=Page[model],  # type: ignore[valid-type]
        name=f"list_{kind}",
        summary=f"A page of {kind}, ordered by id",
    )
    router.add_api_route(
        f"/{kind}/{{record_id:path}}",
        get_record,
        methods=["GET"],
        response_model=model,
        name=f"get_{singular}",
        summary=f"One {singular} by id",
        responses={404: _ERRORS[404]},
    )


_add_record_routes("candidates", "candidate", CandidateOut, _candidate_out)
_add_record_routes("vacancies", "vacancy", Vacancy, _as_is)
_add_record_routes("employers", "employer", Employer, _as_is)


@router.get(
    "/outcomes",
    response_model=Page[Outcome],
    summary="Outcomes of a candidate and/or a vacancy, oldest first",
    responses={404: _ERRORS[404]},
)
def list_outcomes(
    store: StoreDep,
    candidate_id: Annotated[str | None, Query(description="Only this candidate's")] = None,
    vacancy_id: Annotated[str | None, Query(description="Only this vacancy's")] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[Outcome]:
    """What happened to earlier matches. With neither filter: every outcome, a page at a time.

    An unknown ``candidate_id`` or ``vacancy_id`` is a 404, not an empty list, so a typo shows.
    """
    if candidate_id is None and vacancy_id is None:
        items = cast(list[Outcome], store.list("outcomes", offset=offset, limit=limit))
        return Page[Outcome](items=items, offset=offset, limit=limit, total=store.count("outcomes"))
    if candidate_id is not None:
        store.get("candidates", candidate_id)
    if vacancy_id is not None:
        store.get("vacancies", vacancy_id)
    found = store.outcomes_for(candidate_id=candidate_id, vacancy_id=vacancy_id)
    return Page[Outcome](
        items=found[offset : offset + limit], offset=offset, limit=limit, total=len(found)
    )
