"""The errors werkmatch raises, one hierarchy for every package.

::

    WerkmatchError                      anything werkmatch itself refuses
    ├── InvalidRecordError(ValueError)  a record breaks a rule; names the record, field and reason
    ├── UnusableFileError(ValueError)   an import file cannot be read at all (format, header)
    ├── UnknownEntityError(LookupError) an id, URI or postcode that is not known
    └── ArtifactError(OSError)          a stored model or data file is missing, changed or too new

Each also inherits a builtin, so callers that only know ``except ValueError`` still work.
The service layer turns these into HTTP status codes in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ArtifactError",
    "FieldProblem",
    "InvalidRecordError",
    "UnknownEntityError",
    "UnusableFileError",
    "WerkmatchError",
]


class WerkmatchError(Exception):
    """Base class of every error werkmatch raises on purpose."""


@dataclass(frozen=True)
class FieldProblem:
    """One broken rule: which field (dotted path, e.g. ``work_history.0.years``) and why."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class InvalidRecordError(WerkmatchError, ValueError):
    """A record that breaks one or more rules; ``problems`` lists each field and reason."""

    def __init__(self, record_id: str | None, problems: list[FieldProblem]) -> None:
        self.record_id = record_id
        self.problems = problems
        label = f"record {record_id!r}" if record_id else "record"
        super().__init__(f"{label}: " + "; ".join(str(p) for p in problems))


class UnusableFileError(WerkmatchError, ValueError):
    """An import file that cannot be read at all, so no row of it can be judged."""


class UnknownEntityError(WerkmatchError, LookupError):
    """An id, URI or postcode that werkmatch does not know."""


class ArtifactError(WerkmatchError, OSError):
    """A stored artifact (model, shipped data) that is missing, altered or of an unknown format."""
