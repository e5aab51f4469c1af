"""The JSON API (``/api``): records and matches for other systems and the pages' later scripts.

Every error has the one shape of :class:`service.errors.ErrorBody`.
"""

from __future__ import annotations

from fastapi import APIRouter

from service.api import matching, models, records

__all__ = ["router"]

router = APIRouter()
# Matching first: the record routes take any id, slashes included (``/api/candidates/{id:path}``),
# so ``/api/candidates/K1/recommendations`` must be tried as a matching route before.
router.include_router(matching.router)
router.include_router(models.router)
router.include_router(records.router)
