"""The records werkmatch stores: candidates, vacancies, employers and outcomes.

Records arrive from municipal exports (CSV/JSON), so validation speaks to the data steward:
every problem names the field and says what is expected. Enumerated fields accept the English
value, any capitalisation, and the Dutch words users type (``MBO-2``, ``onbekend``, ``fiets``).

Protected attributes (birth year, gender, nationality, migration background) live in
:class:`ProtectedAttributes` on the candidate, are stored apart, and never reach a feature.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from features._identifiers import looks_like_bsn, normalise_postcode
from features.errors import FieldProblem, InvalidRecordError
from features.vocabulary import (
    DRIVING_LICENCES,
    Barrier,
    EducationLevel,
    Gender,
    LanguageLevel,
    OutcomeStatus,
    PhysicalDemand,
    PlacementType,
    Restriction,
    Sector,
    TransportMode,
)

__all__ = [
    "RECORD_TYPES",
    "Candidate",
    "Employer",
    "LanguageSkill",
    "Outcome",
    "ProtectedAttributes",
    "Record",
    "Vacancy",
    "WorkExperience",
    "validate_record",
]

E = TypeVar("E", bound=StrEnum)


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-/.]+", "", text.strip().lower())


def _enum_parser(enum: type[E], aliases: Mapping[str, str] | None = None) -> Callable[[Any], Any]:
    """A before-validator accepting values case-insensitively and via Dutch aliases."""
    lookup = {m.value: m.value for m in enum}
    lookup.update({_squash(m.value): m.value for m in enum})
    lookup.update({_squash(k): v for k, v in (aliases or {}).items()})
    allowed = ", ".join(m.value for m in enum)

    def parse(value: Any) -> Any:
        if isinstance(value, enum) or value is None:
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected one of: {allowed}")
        found = lookup.get(value) or lookup.get(_squash(value))
        if found is None:
            raise ValueError(f"{value!r} is not a known value; use one of: {allowed}")
        return found

    return parse


_EDUCATION_ALIASES = {
    "geen": "none", "geen basisopleiding": "none", "basisonderwijs": "primary",
    "basisschool": "primary", "lbo": "vmbo", "mavo": "vmbo", "vbo": "vmbo",
    "entree": "mbo1", "entreeopleiding": "mbo1", "onbekend": "unknown",
    "university": "wo", "universiteit": "wo", "bachelor hbo": "hbo",
}  # fmt: skip
_TRANSPORT_ALIASES = {
    "lopen": "walk", "te voet": "walk", "fiets": "bike", "bicycle": "bike",
    "ov": "public_transport", "openbaar vervoer": "public_transport", "pt": "public_transport",
    "auto": "car",
    "brommer": "moped", "scooter": "moped", "snorfiets": "moped",
}  # fmt: skip
_PLACEMENT_ALIASES = {
    "regulier": "regular", "afspraakbaan": "wage_subsidy", "loonkostensubsidie": "wage_subsidy",
    "werkervaringsplek": "work_experience", "leerwerkplek": "learn_work",
    "praktijkleren": "learn_work", "participatiebaan": "participation",
    "basisbaan": "participation", "beschut werk": "sheltered", "nieuw beschut werk": "sheltered",
    "vrijwilligerswerk": "volunteer",
}  # fmt: skip
_LANGUAGE_LEVEL_ALIASES = {"moedertaal": "native", "nt": "native", "mother tongue": "native"}
_STATUS_ALIASES = {
    "voorgesteld": "proposed", "geintroduceerd": "introduced", "gesprek": "interview",
    "sollicitatiegesprek": "interview", "aangenomen": "hired", "afgewezen": "rejected",
    "geweigerd": "declined", "ingetrokken": "withdrawn",
}  # fmt: skip
_GENDER_ALIASES = {"v": "female", "vrouw": "female", "m": "male", "man": "male", "x": "other"}


def _parsed(enum: type[E], aliases: Mapping[str, str] | None = None) -> BeforeValidator:
    return BeforeValidator(_enum_parser(enum, aliases))


Education = Annotated[EducationLevel, _parsed(EducationLevel, _EDUCATION_ALIASES)]
Transport = Annotated[TransportMode, _parsed(TransportMode, _TRANSPORT_ALIASES)]
Placement = Annotated[PlacementType, _parsed(PlacementType, _PLACEMENT_ALIASES)]
Level = Annotated[LanguageLevel, _parsed(LanguageLevel, _LANGUAGE_LEVEL_ALIASES)]
Status = Annotated[OutcomeStatus, _parsed(OutcomeStatus, _STATUS_ALIASES)]
SectorName = Annotated[Sector, _parsed(Sector)]
Demand = Annotated[PhysicalDemand, _parsed(PhysicalDemand)]
RestrictionName = Annotated[Restriction, _parsed(Restriction)]
BarrierName = Annotated[Barrier, _parsed(Barrier)]
GenderName = Annotated[Gender, _parsed(Gender, _GENDER_ALIASES)]


def _postcode(value: Any) -> Any:
    return normalise_postcode(value) if isinstance(value, str) else value


def _licence(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    code = value.strip().upper()
    if code not in DRIVING_LICENCES:
        raise ValueError(
            f"{value!r} is not a Dutch driving-licence category; use one of: "
            + ", ".join(DRIVING_LICENCES)
        )
    return code


def _isco(value: Any) -> Any:
    if value is None or value == "":
        return None
    text = str(value).strip()
    # Spreadsheets drop the leading zero of armed-forces codes (0110 -> 110), so three digits
    # are read as a unit group with that zero restored.
    if not re.fullmatch(r"[0-9]{3,4}", text):
        raise ValueError(f"{value!r} is not an ISCO-08 unit group; expected four digits, e.g. 9112")
    return text.zfill(4)


def _text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


Postcode = Annotated[str, BeforeValidator(_postcode)]
Licence = Annotated[str, BeforeValidator(_licence)]
IscoCode = Annotated[str | None, BeforeValidator(_isco)]
Text = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=500)]
Identifier = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=64)]
HoursPerWeek = Annotated[int, Field(ge=0, le=60)]


class _Record(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, use_enum_values=False
    )


def _check_hours(lo: int | None, hi: int | None) -> None:
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"hours_min ({lo}) is more than hours_max ({hi})")


class WorkExperience(_Record):
    """One job in someone's work history."""

    title: Text
    esco_uri: str | None = None
    isco: IscoCode = None
    years: float | None = Field(default=None, ge=0, le=60)
    end_year: int | None = Field(default=None, ge=1950, le=2100)
    """Year the job ended; ``None`` when still working there or unknown."""


class LanguageSkill(_Record):
    """A language (ISO 639-1 code such as ``nl``, ``en``, ``ar``) and the level spoken."""

    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
    level: Level

    @field_validator("language", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value


class ProtectedAttributes(_Record):
    """Attributes the law protects. Stored apart; only the fairness audit may read them."""

    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    gender: GenderName | None = None
    nationality: str | None = Field(default=None, max_length=64)
    migration_background: str | None = Field(default=None, max_length=64)


class Candidate(_Record):
    """A person on social assistance looking for work or another placement."""

    id: Identifier
    postcode: Postcode
    education_level: Education = EducationLevel.UNKNOWN
    skills: list[Text] = Field(default_factory=list)
    work_history: list[WorkExperience] = Field(default_factory=list)
    desired_occupations: list[Text] = Field(default_factory=list)
    languages: list[LanguageSkill] = Field(default_factory=list)
    driving_licences: list[Licence] = Field(default_factory=list)
    transport_modes: list[Transport] = Field(default_factory=list)
    max_travel_minutes: int = Field(default=45, ge=0, le=240)
    hours_min: HoursPerWeek | None = None
    hours_max: HoursPerWeek | None = None
    available_from: dt.date | None = None
    participation_rung: int | None = Field(default=None, ge=1, le=6)
    """Rung on the participatieladder: 1 isolated .. 6 paid work."""
    exempt_from_work_obligation: bool = False
    """Ontheffing arbeidsplicht: never proposed for a job."""
    target_group_register: bool = False
    """In the doelgroepregister banenafspraak: may take a wage-subsidy afspraakbaan."""
    restrictions: list[RestrictionName] = Field(default_factory=list)
    barriers: list[BarrierName] = Field(default_factory=list)
    """Recorded by the consultant to choose placement type and support; never a ranking feature."""
    months_on_benefit: int | None = Field(default=None, ge=0, le=1200)
    protected: ProtectedAttributes = Field(default_factory=ProtectedAttributes)

    @field_validator("id")
    @classmethod
    def _not_a_bsn(cls, value: str) -> str:
        if looks_like_bsn(value):
            raise ValueError(
                "looks like a BSN (citizen service number); use the pseudonymous client number"
            )
        return value

    @model_validator(mode="after")
    def _hours_in_order(self) -> Candidate:
        _check_hours(self.hours_min, self.hours_max)
        return self

    @property
    def pc4(self) -> str:
        return self.postcode[:4]


class Vacancy(_Record):
    """An employer's vacancy or other placement (werkervaringsplek, participatiebaan, ...)."""

    id: Identifier
    employer_id: Identifier
    title: Text
    description: Annotated[str, Field(max_length=20_000)] = ""
    esco_occupation_uri: str | None = None
    isco: IscoCode = None
    required_skills: list[Text] = Field(default_factory=list)
    optional_skills: list[Text] = Field(default_factory=list)
    education_min: Education = EducationLevel.NONE
    postcode: Postcode
    hours_min: HoursPerWeek | None = None
    hours_max: HoursPerWeek | None = None
    shift_start: dt.time | None = None
    shift_end: dt.time | None = None
    required_licences: list[Licence] = Field(default_factory=list)
    language_min: Level | None = None
    """Minimum level of Dutch the job needs (CEFR)."""
    physical_demands: list[Demand] = Field(default_factory=list)
    placement_type: Placement = PlacementType.REGULAR
    sector: SectorName | None = None
    positions: int = Field(default=1, ge=1, le=10_000)
    open_until: dt.date | None = None

    @model_validator(mode="after")
    def _hours_in_order(self) -> Vacancy:
        _check_hours(self.hours_min, self.hours_max)
        return self

    @property
    def pc4(self) -> str:
        return self.postcode[:4]


class Employer(_Record):
    """An employer the accountmanager works with, with or without open vacancies."""

    id: Identifier
    name: Text
    sector: SectorName | None = None
    postcode: Postcode
    size: int | None = Field(default=None, ge=0)
    inclusive_employer: bool | None = None
    """Signed up as an inclusive employer (e.g. offers afspraakbanen)."""


class Outcome(_Record):
    """What happened to a match between a candidate and a vacancy, at one moment."""

    candidate_id: Identifier
    vacancy_id: Identifier
    status: Status
    reason: Annotated[str, Field(max_length=500)] | None = None
    at: dt.datetime
    by: Annotated[str, Field(max_length=64)] | None = None
    still_employed_after_days: int | None = Field(default=None, ge=0)
    rank: int | None = Field(default=None, ge=1)
    """Position on the shortlist when the match was shown; used to correct position bias."""

    @field_validator("at", mode="before")
    @classmethod
    def _date_is_midnight(cls, value: Any) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return value.strip() + "T00:00:00"
        return value

    @property
    def key(self) -> tuple[str, str, str, dt.datetime]:
        """Natural key: one status per candidate, vacancy and moment."""
        return (self.candidate_id, self.vacancy_id, self.status.value, self.at)


Record = Candidate | Vacancy | Employer | Outcome
RECORD_TYPES: dict[str, type[_Record]] = {
    "candidates": Candidate,
    "vacancies": Vacancy,
    "employers": Employer,
    "outcomes": Outcome,
}


def _problems(error: ValidationError) -> list[FieldProblem]:
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "record"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] in ("string_too_short", "too_short"):
            message = "must not be empty"
        elif item["type"] == "extra_forbidden":
            message = "unknown field; check the column name"
        elif item["type"] == "missing":
            message = "required but missing"
        problems.append(FieldProblem(field, message))
    return problems


def validate_record(kind: type[_Record], data: Mapping[str, Any]) -> Any:
    """Build a record from raw data or raise :class:`InvalidRecordError` naming every problem."""
    try:
        return kind.model_validate(data)
    except ValidationError as error:
        record_id = data.get("id") or data.get("candidate_id")
        raise InvalidRecordError(str(record_id) if record_id else None, _problems(error)) from None
