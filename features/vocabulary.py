"""The controlled vocabularies of werkmatch records, with the Dutch words users say.

Glossary (the Dutch terms stay Dutch in the code and in what users read):

- **opleidingsniveau**: education level, ordered; ``unknown`` (onbekend) is its own value and is
  never read as 'no education'.
- **startkwalificatie**: the minimum qualification for the Dutch labour market: mbo-2, havo or vwo.
- **beroepsniveau**: ISCO-08 skill level of a job, 1 (simple routine) to 4 (highly complex).
- **participatieladder**: participation ladder, rung 1 (isolated) to 6 (paid work).
- **doelgroepregister**: the register of people entitled to an afspraakbaan (banenafspraak) with
  loonkostensubsidie (wage subsidy).
- **ontheffing arbeidsplicht**: exemption from the obligation to work.
- **werkervaringsplek, leerwerkplek, participatiebaan, basisbaan, beschut werk**: placement types
  other than a regular job, see :class:`PlacementType`.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "BARRIERS",
    "CEFR_LEVELS",
    "DRIVING_LICENCES",
    "Barrier",
    "EducationLevel",
    "Gender",
    "LanguageLevel",
    "OutcomeStatus",
    "PhysicalDemand",
    "PlacementType",
    "Restriction",
    "Sector",
    "TransportMode",
    "education_rank",
    "meets_startkwalificatie",
]


class EducationLevel(StrEnum):
    """Highest education completed (opleidingsniveau)."""

    NONE = "none"  # geen basisopleiding
    PRIMARY = "primary"  # basisonderwijs
    VMBO = "vmbo"  # vmbo / LBO / MAVO
    MBO1 = "mbo1"  # entreeopleiding
    MBO2 = "mbo2"
    MBO3 = "mbo3"
    MBO4 = "mbo4"
    HAVO = "havo"
    VWO = "vwo"
    HBO = "hbo"
    WO = "wo"
    UNKNOWN = "unknown"  # onbekend: about a quarter of real records


# Ordinal rank as PRODUCT.md orders the levels; vmbo and mbo-1 share a rank, as do mbo-2..4,
# havo and vwo. ``unknown`` has no rank on purpose: callers must decide what unknown means.
_EDUCATION_RANK: dict[EducationLevel, int] = {
    EducationLevel.NONE: 0,
    EducationLevel.PRIMARY: 1,
    EducationLevel.VMBO: 2,
    EducationLevel.MBO1: 2,
    EducationLevel.MBO2: 3,
    EducationLevel.MBO3: 3,
    EducationLevel.MBO4: 3,
    EducationLevel.HAVO: 3,
    EducationLevel.VWO: 3,
    EducationLevel.HBO: 4,
    EducationLevel.WO: 5,
}


def education_rank(level: EducationLevel) -> int | None:
    """Ordinal rank 0..5 of an education level, or ``None`` for ``unknown``."""
    return _EDUCATION_RANK.get(level)


def meets_startkwalificatie(level: EducationLevel) -> bool | None:
    """Whether the level is at least the startkwalificatie (mbo-2, havo or vwo); None if unknown."""
    rank = education_rank(level)
    return None if rank is None else rank >= 3


class PlacementType(StrEnum):
    """What kind of place a vacancy offers; the right one depends on the rung and the register."""

    REGULAR = "regular"  # regular job
    WAGE_SUBSIDY = "wage_subsidy"  # afspraakbaan with loonkostensubsidie (doelgroepregister only)
    WORK_EXPERIENCE = "work_experience"  # werkervaringsplek
    LEARN_WORK = "learn_work"  # leerwerkplek / praktijkleren (MBO-2 in practice)
    PARTICIPATION = "participation"  # participatiebaan / basisbaan
    SHELTERED = "sheltered"  # nieuw beschut werk
    VOLUNTEER = "volunteer"  # vrijwilligerswerk


class TransportMode(StrEnum):
    WALK = "walk"
    BIKE = "bike"
    PUBLIC_TRANSPORT = "public_transport"
    CAR = "car"
    MOPED = "moped"


class PhysicalDemand(StrEnum):
    """Demands of a job that a medical restriction can rule out."""

    HEAVY_LIFTING = "heavy_lifting"
    NIGHT_SHIFTS = "night_shifts"
    CUSTOMER_CONTACT = "customer_contact"
    PROLONGED_STANDING = "prolonged_standing"
    OUTDOOR_WORK = "outdoor_work"


class Restriction(StrEnum):
    """A candidate's restriction; each rules out the :class:`PhysicalDemand` of the same name."""

    NO_HEAVY_LIFTING = "no_heavy_lifting"
    NO_NIGHT_SHIFTS = "no_night_shifts"
    NO_CUSTOMER_CONTACT = "no_customer_contact"
    NO_PROLONGED_STANDING = "no_prolonged_standing"
    NO_OUTDOOR_WORK = "no_outdoor_work"

    @property
    def rules_out(self) -> PhysicalDemand:
        """The job demand this restriction is incompatible with."""
        return PhysicalDemand(self.value.removeprefix("no_"))


class Barrier(StrEnum):
    """Barriers a consultant records. They inform placement type and support, never ranking."""

    LANGUAGE = "language"
    LOW_LITERACY = "low_literacy"
    HEALTH = "health"
    DEBTS = "debts"
    CHILDCARE = "childcare"
    STRESS = "stress"


BARRIERS = tuple(Barrier)


class Sector(StrEnum):
    """Sectors as employer services use them."""

    BOUW = "Bouw"
    TECHNIEK = "Techniek"
    GROEN = "Groen"
    TUINBOUW = "Tuinbouw"
    HORECA = "Horeca"
    LEISURE = "Leisure"
    DETAILHANDEL = "Detailhandel"
    OVERHEID = "Overheid"
    PRODUCTIE = "Productie"
    TRANSPORT = "Transport"
    LOGISTIEK = "Logistiek"
    ZORG = "Zorg"
    ICT = "ICT"
    DIENSTVERLENING = "Dienstverlening"
    FACILITAIR = "Facilitair"
    SCHOONMAAK = "Schoonmaak"
    UITZENDEN = "Uitzenden"


class LanguageLevel(StrEnum):
    """CEFR level (A1 lowest .. C2 highest), or native speaker."""

    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"
    NATIVE = "native"

    @property
    def rank(self) -> int:
        """0 for A1 up to 6 for native, so levels compare as numbers."""
        return list(LanguageLevel).index(self)


CEFR_LEVELS = tuple(LanguageLevel)


class OutcomeStatus(StrEnum):
    """What happened to a proposed match, in the order a placement usually moves."""

    PROPOSED = "proposed"
    INTRODUCED = "introduced"
    INTERVIEW = "interview"
    HIRED = "hired"
    REJECTED = "rejected"  # the employer said no
    DECLINED = "declined"  # the candidate said no
    WITHDRAWN = "withdrawn"  # the municipality pulled the proposal


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


# Dutch driving-licence categories (rijbewijscategorieën).
DRIVING_LICENCES: tuple[str, ...] = (
    "AM", "A1", "A2", "A", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE", "T",
)  # fmt: skip
