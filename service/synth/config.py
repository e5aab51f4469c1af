"""What to generate: sizes, seed, municipality and the reference date ("today" of the data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["DEFAULT_REFERENCE_DATE", "SynthConfig"]

DEFAULT_REFERENCE_DATE = dt.date(2026, 1, 5)
"""The fixed "today" of generated data, so the same seed gives the same files on any day."""


@dataclass(frozen=True, slots=True)
class SynthConfig:
    """Settings of one synthetic municipality.

    >>> SynthConfig(candidates=200, vacancies=60, employers=20, seed=7).municipality
    'Groningen'
    """

    candidates: int = 1_000
    vacancies: int = 300
    employers: int = 100
    seed: int = 0
    municipality: str = "Groningen"
    reference_date: dt.date = DEFAULT_REFERENCE_DATE
    """The data's "today": vacancies close before or after it, outcomes happen before it."""
    history_days: int = 730
    """How far back closed vacancies and their outcomes reach (about two years)."""
    closed_share: float = 0.4
    """Share of vacancies that closed before the reference date (all of them have outcomes)."""
    open_with_history_share: float = 0.5
    """Share of the still-open vacancies whose shortlist was already (partly) worked on."""
    pool_size: int = 100
    """Candidates per vacancy whose hidden suitability is written to ``truth/`` (the evaluation
    pool: related candidates plus a random sample)."""

    def __post_init__(self) -> None:
        problems = []
        if self.candidates < 1:
            problems.append(f"candidates must be at least 1, not {self.candidates}")
        if self.employers < 1:
            problems.append(f"employers must be at least 1, not {self.employers}")
        if self.vacancies < 0:
            problems.append(f"vacancies must be zero or more, not {self.vacancies}")
        if not 30 <= self.history_days <= 3650:
            problems.append(f"history_days must be 30..3650, not {self.history_days}")
        for name in ("closed_share", "open_with_history_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                problems.append(f"{name} must be between 0 and 1, not {value}")
        if self.pool_size < 1:
            problems.append(f"pool_size must be at least 1, not {self.pool_size}")
        if not self.municipality.strip():
            problems.append("municipality must be named")
        if problems:
            raise ValueError("invalid synth config: " + "; ".join(problems))

    def to_json(self) -> dict[str, Any]:
        """The settings as JSON-ready values (dates as ISO strings)."""
        data = asdict(self)
        data["reference_date"] = self.reference_date.isoformat()
        return data
