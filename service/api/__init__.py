"""The JSON API (``/api``): records for other systems and for the pages' later scripts.

Every error has the one shape of :class:`service.errors.ErrorBody`.
"""

from __future__ import annotations

from service.api.records import router

__all__ = ["router"]
