"""Employers and their vacancies: sectors, names, ESCO occupations and realistic requirements.

Vacancies sit mostly at ISCO skill level 1-2 (see :mod:`service.synth.catalogue`), list 3-6 of
the occupation's essential ESCO skills (Dutch labels first, sometimes in everyday words), ask an
education and a level of Dutch that fit the level, and carry the practical conditions that decide
a match in reality: hours, early shifts in logistics, cleaning and production, driving licences
for driving jobs, physical demands, and the placement type (regular job, afspraakbaan with wage
subsidy, werkervaringsplek, leerwerkplek, participatiebaan, beschut werk, vrijwilligerswerk).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from features.records import Employer, Vacancy, validate_record
from features.vocabulary import EducationLevel, LanguageLevel, PhysicalDemand, PlacementType, Sector
from service.synth._draw import chance, pick, weighted
from service.synth.catalogue import EMPLOYER_SECTOR_SHARE, Catalogue, CatalogueOccupation
from service.synth.config import SynthConfig
from service.synth.geography import Area
from service.synth.names import account_managers, employer_name
from service.synth.phrasing import occupation_text, skill_text

__all__ = ["EmployerPlan", "VacancyTruth", "make_employers", "make_vacancies"]

_D = PhysicalDemand
_E = EducationLevel
_L = LanguageLevel
_P = PlacementType

# (ISCO prefix, demand, probability): every matching rule is tried.
_DEMANDS = (
    ("93", _D.HEAVY_LIFTING, 0.7), ("9333", _D.HEAVY_LIFTING, 0.6), ("92", _D.HEAVY_LIFTING, 0.5),
    ("92", _D.OUTDOOR_WORK, 0.6), ("71", _D.HEAVY_LIFTING, 0.7), ("9611", _D.HEAVY_LIFTING, 0.8),
    ("961", _D.OUTDOOR_WORK, 0.8), ("8332", _D.HEAVY_LIFTING, 0.4), ("8344", _D.HEAVY_LIFTING, 0.3),
    ("9321", _D.HEAVY_LIFTING, 0.4), ("911", _D.HEAVY_LIFTING, 0.2),
    ("91", _D.PROLONGED_STANDING, 0.5), ("61", _D.OUTDOOR_WORK, 0.8),
    ("6113", _D.HEAVY_LIFTING, 0.5),
    ("931", _D.OUTDOOR_WORK, 0.8), ("52", _D.CUSTOMER_CONTACT, 0.9),
    ("52", _D.PROLONGED_STANDING, 0.6), ("513", _D.CUSTOMER_CONTACT, 0.9),
    ("513", _D.PROLONGED_STANDING, 0.7), ("941", _D.PROLONGED_STANDING, 0.7),
    ("941", _D.CUSTOMER_CONTACT, 0.4), ("5120", _D.PROLONGED_STANDING, 0.8),
    ("9329", _D.PROLONGED_STANDING, 0.6), ("816", _D.PROLONGED_STANDING, 0.5),
    ("42", _D.CUSTOMER_CONTACT, 0.85), ("5244", _D.CUSTOMER_CONTACT, 0.9),
    ("53", _D.CUSTOMER_CONTACT, 0.8), ("514", _D.CUSTOMER_CONTACT, 0.9),
    ("4412", _D.OUTDOOR_WORK, 0.8), ("9331", _D.OUTDOOR_WORK, 0.9), ("8322", _D.OUTDOOR_WORK, 0.4),
    ("9510", _D.OUTDOOR_WORK, 0.9), ("5414", _D.NIGHT_SHIFTS, 0.5), ("5321", _D.NIGHT_SHIFTS, 0.3),
    ("9333", _D.NIGHT_SHIFTS, 0.15), ("8332", _D.NIGHT_SHIFTS, 0.2),
    ("9329", _D.NIGHT_SHIFTS, 0.15),
    ("816", _D.NIGHT_SHIFTS, 0.1),
)  # fmt: skip
# (ISCO prefix, licence options, probability)
_LICENCES = (
    ("8322", ("B",), 0.95), ("8332", ("C", "CE"), 1.0), ("8331", ("D",), 1.0),
    ("8321", ("A",), 1.0), ("5322", ("B",), 0.35), ("6113", ("B",), 0.25), ("9622", ("B",), 0.4),
    ("741", ("B",), 0.3), ("4412", ("B",), 0.2), ("911", ("B",), 0.08),
)  # fmt: skip
_EDUCATION_BY_LEVEL = {
    1: ((_E.NONE, 60), (_E.PRIMARY, 20), (_E.VMBO, 20)),
    2: ((_E.VMBO, 40), (_E.MBO1, 20), (_E.MBO2, 40)),
    3: ((_E.MBO3, 40), (_E.MBO4, 60)),
    4: ((_E.HBO, 70), (_E.WO, 30)),
}
_LANGUAGE_BY_LEVEL = {
    1: ((None, 30), (_L.A2, 50), (_L.B1, 20)),
    2: ((_L.A2, 25), (_L.B1, 60), (_L.B2, 15)),
    3: ((_L.B2, 70), (_L.C1, 30)),
    4: ((_L.C1, 100),),
}
_PLACEMENTS = (
    (_P.REGULAR, 0.70), (_P.WAGE_SUBSIDY, 0.07), (_P.WORK_EXPERIENCE, 0.08),
    (_P.LEARN_WORK, 0.05), (_P.PARTICIPATION, 0.04), (_P.SHELTERED, 0.03), (_P.VOLUNTEER, 0.03),
)  # fmt: skip
_VOLUNTEER_SECTORS = {
    Sector.ZORG,
    Sector.LEISURE,
    Sector.DIENSTVERLENING,
    Sector.OVERHEID,
    Sector.GROEN,
}
_SHELTERED_SECTORS = {
    Sector.PRODUCTIE, Sector.GROEN, Sector.FACILITAIR, Sector.SCHOONMAAK, Sector.LOGISTIEK,
}  # fmt: skip
_EARLY_SECTORS = {
    Sector.LOGISTIEK, Sector.SCHOONMAAK, Sector.PRODUCTIE, Sector.TUINBOUW, Sector.UITZENDEN,
    Sector.TRANSPORT,
}  # fmt: skip
_HOURS_REGULAR = (
    ((32, 40), 35),
    ((24, 32), 20),
    ((16, 24), 20),
    ((12, 20), 10),
    ((8, 16), 5),
    ((36, 40), 10),
)
_HOURS_SUPPORTED = (((16, 24), 1), ((20, 32), 1), ((12, 20), 1))
_HOURS_VOLUNTEER = (((4, 12), 1), ((8, 16), 1))
_TITLE_PREFIX = {
    _P.WORK_EXPERIENCE: "Werkervaringsplek",
    _P.LEARN_WORK: "Leerwerkplek",
    _P.PARTICIPATION: "Participatiebaan",
    _P.VOLUNTEER: "Vrijwilliger",
    _P.WAGE_SUBSIDY: "Afspraakbaan",
    _P.SHELTERED: "Beschut werk",
}
_PLACEMENT_SENTENCE = {
    _P.REGULAR: "Het gaat om een reguliere baan.",
    _P.WAGE_SUBSIDY: "Dit is een afspraakbaan (banenafspraak) met loonkostensubsidie.",
    _P.WORK_EXPERIENCE: "Dit is een werkervaringsplek met begeleiding op de werkvloer.",
    _P.LEARN_WORK: "Dit is een leerwerkplek: je werkt en haalt tegelijk een mbo-diploma.",
    _P.PARTICIPATION: "Dit is een participatiebaan met begeleiding.",
    _P.SHELTERED: "Dit is een plek voor nieuw beschut werk.",
    _P.VOLUNTEER: "Dit is vrijwilligerswerk.",
}


@dataclass(frozen=True, slots=True)
class EmployerPlan:
    """Facts about an employer the records do not hold: who manages it, how many vacancies."""

    employer_id: str
    account_manager: str


@dataclass(frozen=True, slots=True)
class VacancyTruth:
    """What a vacancy really asks, whatever its text says (hidden ground truth)."""

    vacancy_id: str
    occupation_uri: str
    isco_group: str
    isco_level: int
    required_skills: tuple[str, ...]
    """ESCO skill URIs behind ``required_skills`` (same order)."""
    optional_skills: tuple[str, ...]
    open_from: dt.date
    closed: bool
    """Closed before the reference date (``open_until`` in the past)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "vacancy_id": self.vacancy_id,
            "occupation_uri": self.occupation_uri,
            "isco_group": self.isco_group,
            "isco_level": self.isco_level,
            "required_skills": list(self.required_skills),
            "optional_skills": list(self.optional_skills),
            "open_from": self.open_from.isoformat(),
            "closed": self.closed,
        }


def make_employers(
    config: SynthConfig, catalogue: Catalogue, area: Area, rng: random.Random
) -> tuple[list[Employer], list[EmployerPlan]]:
    """``config.employers`` validated employer records and their plans, in id order."""
    sectors = [(s, EMPLOYER_SECTOR_SHARE[s]) for s in catalogue.sectors()]
    managers = account_managers(config.employers)
    taken: set[str] = set()
    employers, plans = [], []
    for number in range(1, config.employers + 1):
        sector = weighted(rng, sectors)
        place = area.business_place(rng)
        size = min(5000, max(1, round(rng.lognormvariate(2.6, 1.3))))
        inclusive = weighted(rng, ((True, 0.2 + 0.15 * (size > 50)), (False, 0.6), (None, 0.2)))
        employer_id = f"WG{number:05d}"
        record = {
            "id": employer_id,
            "name": employer_name(rng, sector, place.place, taken),
            "sector": sector.value,
            "postcode": Area.postcode(rng, place, pc6_share=0.6),
            "size": size if chance(rng, 0.9) else None,
            "inclusive_employer": inclusive,
        }
        employers.append(validate_record(Employer, record))
        plans.append(EmployerPlan(employer_id, pick(rng, managers)))
    return employers, plans


class _VacancyMaker:
    def __init__(self, config: SynthConfig, catalogue: Catalogue, area: Area, rng: random.Random):
        self.config = config
        self.catalogue = catalogue
        self.taxonomy = catalogue.taxonomy
        self.area = area
        self.rng = rng

    def make(self, number: int, employer: Employer) -> tuple[dict[str, Any], VacancyTruth]:
        rng, config = self.rng, self.config
        sector = employer.sector or pick(rng, self.catalogue.sectors())
        placement = self._placement(sector, bool(employer.inclusive_employer))
        entry = self.catalogue.for_sector(rng, sector)
        isco = entry.isco_group
        hours = self._hours(placement)
        demands = self._demands(isco)
        shift_start, shift_end = self._shift(sector, hours[1])
        if shift_start is not None and (shift_start.hour >= 22 or shift_start.hour < 5):
            demands.add(_D.NIGHT_SHIFTS)
        required, required_texts = self._skills(entry.essential, rng.randint(3, 6), 0.25)
        optional, optional_texts = self._skills(entry.optional, rng.randint(0, 3), 0.1)
        closed = chance(rng, config.closed_share)
        today = config.reference_date
        if closed:
            # The whole life of a closed vacancy lies inside the history window.
            open_until = today - dt.timedelta(days=rng.randint(1, config.history_days - 14))
            earliest = today - dt.timedelta(days=config.history_days)
            open_from = max(earliest, open_until - dt.timedelta(days=rng.randint(14, 90)))
        else:
            open_until = today + dt.timedelta(days=rng.randint(1, 120))
            open_from = today - dt.timedelta(days=rng.randint(0, 90))
        place_of_work = (
            self.area.postcodes.place(employer.postcode)
            if chance(rng, 0.8)
            else self.area.business_place(rng)
        )
        postcode = (
            employer.postcode
            if place_of_work.pc4 == employer.postcode[:4]
            else Area.postcode(rng, place_of_work, pc6_share=0.5)
        )
        title = self._title(entry, placement, place_of_work.place)
        with_uri = chance(rng, 0.6)
        record: dict[str, Any] = {
            "id": f"VAC{number:05d}",
            "employer_id": employer.id,
            "title": title,
            "description": self._description(
                employer, place_of_work.place, hours, placement, entry, required_texts
            ),
            "esco_occupation_uri": entry.uri if with_uri else None,
            "isco": isco if chance(rng, 0.7 if with_uri else 0.25) else None,
            "required_skills": required_texts,
            "optional_skills": optional_texts,
            "education_min": self._education(entry.level, placement).value,
            "postcode": postcode,
            "hours_min": hours[0],
            "hours_max": hours[1],
            "shift_start": shift_start.isoformat() if shift_start else None,
            "shift_end": shift_end.isoformat() if shift_end else None,
            "required_licences": self._licences(isco),
            "language_min": self._language(entry.level, sector, demands),
            "physical_demands": [d.value for d in _D if d in demands],
            "placement_type": placement.value,
            "sector": sector.value,
            "positions": self._positions(sector, placement),
            "open_until": open_until.isoformat(),
        }
        truth = VacancyTruth(
            vacancy_id=record["id"],
            occupation_uri=entry.uri,
            isco_group=isco,
            isco_level=entry.level,
            required_skills=required,
            optional_skills=optional,
            open_from=open_from,
            closed=closed,
        )
        return record, truth

    def _placement(self, sector: Sector, inclusive: bool) -> PlacementType:
        options = []
        for placement, weight in _PLACEMENTS:
            if placement is _P.VOLUNTEER and sector not in _VOLUNTEER_SECTORS:
                continue
            if placement is _P.SHELTERED and sector not in _SHELTERED_SECTORS:
                continue
            if placement is _P.WAGE_SUBSIDY and inclusive:
                weight *= 2.5
            options.append((placement, weight))
        return weighted(self.rng, options)

    def _hours(self, placement: PlacementType) -> tuple[int, int]:
        if placement is _P.VOLUNTEER:
            return weighted(self.rng, _HOURS_VOLUNTEER)
        if placement in (_P.WORK_EXPERIENCE, _P.PARTICIPATION, _P.SHELTERED):
            return weighted(self.rng, _HOURS_SUPPORTED)
        return weighted(self.rng, _HOURS_REGULAR)

    def _demands(self, isco: str) -> set[PhysicalDemand]:
        return {
            demand
            for prefix, demand, p in _DEMANDS
            if isco.startswith(prefix) and chance(self.rng, p)
        }

    def _shift(self, sector: Sector, hours_max: int) -> tuple[dt.time | None, dt.time | None]:
        rng = self.rng
        if chance(rng, 0.15):
            return None, None
        if sector in _EARLY_SECTORS and chance(rng, 0.25):
            start = pick(rng, ("05:30", "06:00"))
        elif sector is Sector.SCHOONMAAK and chance(rng, 0.25):
            start = pick(rng, ("17:00", "18:00"))
        elif sector is Sector.HORECA:
            start = pick(rng, ("10:00", "11:00", "16:00", "17:00"))
        elif sector is Sector.ZORG:
            start = pick(rng, ("07:00", "07:30", "15:00", "23:00"))
        else:
            start = pick(rng, ("07:00", "07:30", "08:00", "08:30", "09:00"))
        begin = dt.time.fromisoformat(start)
        if not chance(rng, 0.7):
            return begin, None
        day_minutes = round(min(9.0, max(3.0, hours_max / 5)) * 2) * 30
        end_minutes = (begin.hour * 60 + begin.minute + day_minutes) % (24 * 60)
        return begin, dt.time(end_minutes // 60, end_minutes % 60)

    def _skills(
        self, pool: Sequence[str], count: int, phrase_rate: float
    ) -> tuple[tuple[str, ...], list[str]]:
        """``count`` skills from ``pool`` (Dutch-labelled first) and their texts, deduplicated."""
        rng, tx = self.rng, self.taxonomy
        dutch = [u for u in pool if tx.skill(u).label_nl]
        other = [u for u in pool if not tx.skill(u).label_nl]
        chosen = rng.sample(dutch, min(count, len(dutch)))
        if len(chosen) < count and other:
            chosen += rng.sample(other, min(count - len(chosen), len(other)))
        uris, texts, seen = [], [], set()
        for uri in chosen:
            text = skill_text(rng, tx.skill(uri), typo_rate=0.04, phrase_rate=phrase_rate)
            if text.casefold() in seen:
                continue
            seen.add(text.casefold())
            uris.append(uri)
            texts.append(text)
        return tuple(uris), texts

    def _title(self, entry: CatalogueOccupation, placement: PlacementType, place: str) -> str:
        rng = self.rng
        title = occupation_text(rng, entry.occupation, typo_rate=0.04, phrase_rate=0.15)
        if placement in _TITLE_PREFIX and chance(rng, 0.5):
            title = f"{_TITLE_PREFIX[placement]} {title}"
        elif chance(rng, 0.1):
            title += pick(rng, (" (m/v)", " (m/v/x)", " parttime", " fulltime", f" {place}"))
        return title[:500]

    def _description(
        self,
        employer: Employer,
        place: str,
        hours: tuple[int, int],
        placement: PlacementType,
        entry: CatalogueOccupation,
        required: Sequence[str],
    ) -> str:
        about = entry.occupation.description_nl.split(". ")[0].strip()
        parts = [
            f"{employer.name} in {place} zoekt een {entry.occupation.label_nl} voor {hours[0]} "
            f"tot {hours[1]} uur "
            "per week.",
            _PLACEMENT_SENTENCE[placement],
        ]
        if about:
            parts.append(about.rstrip(".")[:400] + ".")
        if required:
            parts.append("Wat vragen wij: " + ", ".join(required) + ".")
        return " ".join(parts)

    def _education(self, level: int, placement: PlacementType) -> EducationLevel:
        if placement in (_P.WORK_EXPERIENCE, _P.PARTICIPATION, _P.SHELTERED, _P.VOLUNTEER):
            return _E.NONE
        if placement is _P.LEARN_WORK:
            return weighted(self.rng, ((_E.NONE, 1), (_E.VMBO, 1)))
        return weighted(self.rng, _EDUCATION_BY_LEVEL[level])

    def _licences(self, isco: str) -> list[str]:
        for prefix, options, p in _LICENCES:
            if isco.startswith(prefix):
                return [pick(self.rng, options)] if chance(self.rng, p) else []
        return []

    def _language(self, level: int, sector: Sector, demands: set[PhysicalDemand]) -> str | None:
        language = weighted(self.rng, _LANGUAGE_BY_LEVEL[level])
        if (_D.CUSTOMER_CONTACT in demands or sector is Sector.ZORG) and (
            language is None or language.rank < _L.B1.rank
        ):
            language = _L.B1
        return language.value if language else None

    def _positions(self, sector: Sector, placement: PlacementType) -> int:
        rng = self.rng
        count = weighted(rng, ((1, 65), (2, 15), (3, 8), (4, 4), (5, 3), (0, 5)))
        if count == 0:  # a large intake
            bulk = sector in (Sector.UITZENDEN, Sector.PRODUCTIE, Sector.LOGISTIEK)
            count = rng.randint(6, 20) if bulk else rng.randint(6, 8)
        return 1 if placement is _P.SHELTERED else count


def make_vacancies(
    config: SynthConfig,
    catalogue: Catalogue,
    area: Area,
    employers: Sequence[Employer],
    rng: random.Random,
) -> tuple[list[Vacancy], list[VacancyTruth]]:
    """``config.vacancies`` validated vacancy records and their truth, in id order.

    Vacancies spread unevenly: large employers, temp agencies and care post many, and about a
    third of the employers have none (the hidden job market jobhunters approach).
    """
    busy = {Sector.UITZENDEN: 2.0, Sector.ZORG: 1.5, Sector.LOGISTIEK: 1.5}
    weights = [
        (employer.size or 10) ** 0.4
        * (busy.get(employer.sector, 1.0) if employer.sector else 1.0)
        * rng.gammavariate(0.6, 1.0)
        for employer in employers
    ]
    owners = rng.choices(range(len(employers)), weights=weights, k=config.vacancies)
    maker = _VacancyMaker(config, catalogue, area, rng)
    vacancies, truths = [], []
    for number, owner in enumerate(owners, start=1):
        record, truth = maker.make(number, employers[owner])
        vacancies.append(validate_record(Vacancy, record))
        truths.append(truth)
    return vacancies, truths
