"""The people on social assistance (bijstand) of a synthetic municipality, and their hidden traits.

Distributions follow PRODUCT.md: about a quarter of education levels unknown, more than half of
the long-term clients without a startkwalificatie, two thirds on benefit for over three years,
participation rungs 1-6 with exemptions mostly on the low rungs, 5-10% in the
doelgroepregister, about 45% with a car licence. Statushouders (refugees with a residence
permit) and other newcomers speak less Dutch and other languages.

Protected attributes (birth year, gender, nationality, migration background) are drawn here
and correlate with other fields the way they do in real caseloads (statushouders speak less
Dutch, older people more often may not lift), but the hidden suitability in
:mod:`service.synth.truth` never reads them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from features.records import Candidate, validate_record
from features.taxonomy import Taxonomy
from features.vocabulary import (
    Barrier,
    EducationLevel,
    Gender,
    LanguageLevel,
    Restriction,
    TransportMode,
    education_rank,
)
from service.synth._draw import chance, pick, weighted
from service.synth.catalogue import Catalogue, CatalogueOccupation
from service.synth.config import SynthConfig
from service.synth.geography import Area
from service.synth.phrasing import SKILL_PHRASES, SOFT_SKILLS, occupation_text, skill_text

__all__ = ["CandidateTraits", "PastJob", "make_candidates"]

_L = LanguageLevel
_E = EducationLevel

_ORIGINS = (
    ("native", 0.50),
    ("second_generation", 0.12),
    ("statushouder", 0.18),
    ("migrant", 0.20),
)
_REFUGEE_COUNTRIES = (
    ("SY", 35), ("ER", 25), ("AF", 10), ("IR", 5), ("IQ", 8), ("SO", 7), ("YE", 5), ("TR", 5),
)  # fmt: skip
_MIGRANT_COUNTRIES = (
    ("PL", 20), ("TR", 15), ("MA", 15), ("RO", 8), ("BG", 8), ("SR", 10), ("DE", 5), ("PT", 4),
    ("ES", 3), ("IT", 3), ("UA", 4), ("CN", 3), ("ID", 2),
)  # fmt: skip
_HERITAGE_COUNTRIES = (("TR", 30), ("MA", 30), ("SR", 15), ("ID", 5), ("CW", 10), ("DE", 10))
_LANGUAGE_OF = {
    "SY": "ar", "ER": "ti", "AF": "fa", "IR": "fa", "IQ": "ar", "SO": "so", "YE": "ar",
    "TR": "tr", "PL": "pl", "MA": "ar", "RO": "ro", "BG": "bg", "SR": "srn", "DE": "de",
    "PT": "pt", "ES": "es", "IT": "it", "UA": "uk", "CN": "zh", "ID": "id", "CW": "pap",
}  # fmt: skip

_AGE_BANDS = {
    "default": ((18, 26, 0.12), (27, 35, 0.20), (36, 45, 0.22), (46, 55, 0.24), (56, 67, 0.22)),
    "statushouder": (
        (18, 26, 0.25), (27, 35, 0.35), (36, 45, 0.25), (46, 55, 0.10), (56, 67, 0.05),
    ),
}  # fmt: skip

# True education level; long-term clients more often lack a startkwalificatie.
_EDUCATION_LONG = (
    (_E.NONE, 6), (_E.PRIMARY, 14), (_E.VMBO, 24), (_E.MBO1, 12), (_E.MBO2, 16), (_E.MBO3, 8),
    (_E.MBO4, 7), (_E.HAVO, 4), (_E.VWO, 2), (_E.HBO, 5), (_E.WO, 2),
)  # fmt: skip
_EDUCATION_SHORT = (
    (_E.NONE, 3), (_E.PRIMARY, 7), (_E.VMBO, 18), (_E.MBO1, 10), (_E.MBO2, 18), (_E.MBO3, 10),
    (_E.MBO4, 11), (_E.HAVO, 5), (_E.VWO, 3), (_E.HBO, 10), (_E.WO, 5),
)  # fmt: skip
_EDUCATION_ABROAD = ((_E.NONE, 30), (_E.PRIMARY, 35), (_E.VMBO, 10), (_E.HBO, 15), (_E.WO, 10))
_UNKNOWN_EDUCATION = {
    "native": 0.18,
    "second_generation": 0.20,
    "statushouder": 0.38,
    "migrant": 0.32,
}

_RUNGS_LONG = ((1, 0.14), (2, 0.24), (3, 0.26), (4, 0.18), (5, 0.12), (6, 0.06))
_RUNGS_SHORT = ((1, 0.04), (2, 0.10), (3, 0.18), (4, 0.22), (5, 0.26), (6, 0.20))
_EXEMPT_BY_RUNG = {1: 0.45, 2: 0.22, 3: 0.08, 4: 0.03, 5: 0.01, 6: 0.0}
_REGISTER_BY_RUNG = {1: 0.03, 2: 0.06, 3: 0.10, 4: 0.10, 5: 0.09, 6: 0.03}

_DUTCH = {
    "statushouder": ((_L.A1, 15), (_L.A2, 40), (_L.B1, 33), (_L.B2, 10), (_L.C1, 2)),
    "migrant": ((_L.A2, 25), (_L.B1, 35), (_L.B2, 25), (_L.C1, 15)),
    "second_generation": ((_L.NATIVE, 85), (_L.C1, 10), (_L.B2, 5)),
}
_ENGLISH = {
    "native": (0.45, ((_L.A2, 2), (_L.B1, 4), (_L.B2, 3), (_L.C1, 1))),
    "second_generation": (0.45, ((_L.A2, 3), (_L.B1, 4), (_L.B2, 2))),
    "statushouder": (0.40, ((_L.A1, 3), (_L.A2, 4), (_L.B1, 3))),
    "migrant": (0.55, ((_L.A2, 3), (_L.B1, 4), (_L.B2, 3))),
}
_CAR_LICENCE = {"native": 0.56, "second_generation": 0.48, "statushouder": 0.15, "migrant": 0.42}
_TRAVEL_MINUTES = ((20, 8), (30, 28), (45, 34), (60, 22), (90, 8))
_HOURS_LOW = ((8, 16), (12, 20), (16, 24), (20, 28))
_HOURS_MID = ((8, 16), (12, 20), (16, 24), (20, 32), (24, 32))
_HOURS_HIGH = ((20, 32), (24, 32), (32, 40), (36, 40))
_JOBS = ((0, 0.20), (1, 0.30), (2, 0.26), (3, 0.15), (4, 0.09))
_JOBS_LOW_RUNG = ((0, 0.40), (1, 0.30), (2, 0.18), (3, 0.08), (4, 0.04))

_DRIVING_SKILL = "http://data.europa.eu/esco/skill/2a82241a-216e-44d8-bb50-6b9a0ef82084"


@dataclass(frozen=True, slots=True)
class PastJob:
    """An earlier job as it really was."""

    occupation_uri: str
    isco_group: str
    years: float


@dataclass(frozen=True, slots=True)
class CandidateTraits:
    """What is really true of a candidate, whatever the record says (hidden ground truth)."""

    candidate_id: str
    education: EducationLevel
    """True education level, also when the record says ``unknown``."""
    participation_rung: int
    """True rung, also when the record leaves it empty."""
    skills: tuple[str, ...]
    """ESCO skill URIs the person really masters (the record lists some, in own words)."""
    history: tuple[PastJob, ...]
    """Earlier jobs, most recent first."""
    desired: tuple[str, ...]
    """ESCO occupation URIs of the work the person wants."""
    desired_isco: tuple[str, ...]
    """ISCO-08 unit groups of ``desired``."""
    reliability: float
    """0..1, invisible in the record: shows in no-shows and in how long a job lasts."""

    def to_json(self) -> dict[str, Any]:
        return {
            "candidate_id": self.candidate_id,
            "education": self.education.value,
            "participation_rung": self.participation_rung,
            "skills": list(self.skills),
            "history": [
                {"occupation_uri": j.occupation_uri, "isco_group": j.isco_group, "years": j.years}
                for j in self.history
            ],
            "desired": list(self.desired),
            "desired_isco": list(self.desired_isco),
            "reliability": round(self.reliability, 4),
        }


class _PersonMaker:
    def __init__(
        self, config: SynthConfig, catalogue: Catalogue, area: Area, rng: random.Random
    ) -> None:
        self.config = config
        self.catalogue = catalogue
        self.taxonomy: Taxonomy = catalogue.taxonomy
        self.area = area
        self.rng = rng
        self.today = config.reference_date
        self.soft_skills = [(u, p) for u, p in SOFT_SKILLS.items() if self.taxonomy.has_skill(u)]

    def make(self, number: int) -> tuple[dict[str, Any], CandidateTraits]:
        rng, today = self.rng, self.today
        candidate_id = f"KL{number:06d}"
        origin = weighted(rng, _ORIGINS)
        age = self._age(origin)
        protected, country = self._protected(origin, today.year - age)
        long_term = chance(rng, 0.70)
        months = self._months(long_term, age)
        long_term = months > 36
        rung = weighted(rng, _RUNGS_LONG if long_term else _RUNGS_SHORT)
        education = self._education(origin, long_term)
        recorded_education = _E.UNKNOWN if chance(rng, _UNKNOWN_EDUCATION[origin]) else education
        edu_rank = education_rank(education) or 0
        languages, dutch = self._languages(origin, country)
        female = protected["gender"] == Gender.FEMALE.value
        barriers = self._barriers(dutch, edu_rank, rung, age, female)
        exempt = chance(rng, _EXEMPT_BY_RUNG[rung])
        register = chance(rng, _REGISTER_BY_RUNG[rung] * (1.6 if "health" in barriers else 1.0))
        restrictions = self._restrictions(age, barriers)
        licences = self._licences(origin, age)
        modes = self._modes(licences)
        hours = self._hours(rung, "childcare" in barriers)
        jobs = self._work_history(rung, age, months, edu_rank)
        desired = self._desired(jobs, edu_rank)
        true_skills = self._true_skills(jobs, edu_rank, licences)
        place = self.area.home_place(rng)
        record: dict[str, Any] = {
            "id": candidate_id,
            "postcode": Area.postcode(rng, place, pc6_share=0.35),
            "education_level": recorded_education.value,
            "skills": self._skill_texts(true_skills),
            "work_history": [self._job_record(entry, years, end) for entry, years, end in jobs],
            "desired_occupations": self._desired_texts(desired),
            "languages": languages,
            "driving_licences": licences,
            "transport_modes": modes,
            "max_travel_minutes": weighted(rng, _TRAVEL_MINUTES),
            "hours_min": hours[0] if hours else None,
            "hours_max": hours[1] if hours else None,
            "available_from": (
                (today + dt.timedelta(days=rng.randrange(0, 91))).isoformat()
                if chance(rng, 0.25)
                else None
            ),
            "participation_rung": None if chance(rng, 0.06) else rung,
            "exempt_from_work_obligation": exempt,
            "target_group_register": register,
            "restrictions": restrictions,
            "barriers": barriers,
            "months_on_benefit": months,
            "protected": protected,
        }
        traits = CandidateTraits(
            candidate_id=candidate_id,
            education=education,
            participation_rung=rung,
            skills=true_skills,
            history=tuple(PastJob(entry.uri, entry.isco_group, years) for entry, years, _ in jobs),
            desired=tuple(entry.uri for entry in desired),
            desired_isco=tuple(entry.isco_group for entry in desired),
            reliability=min(1.0, max(0.0, rng.betavariate(4, 2.5))),
        )
        return record, traits

    # -- protected attributes and background ------------------------------------------------

    def _age(self, origin: str) -> int:
        bands = _AGE_BANDS["statushouder" if origin == "statushouder" else "default"]
        low, high, _ = weighted(self.rng, [((lo, hi, w), w) for lo, hi, w in bands])
        return self.rng.randint(low, high)

    def _protected(self, origin: str, birth_year: int) -> tuple[dict[str, Any], str]:
        """Protected attributes and the country of origin (``NL`` for native Dutch)."""
        rng = self.rng
        gender = weighted(
            rng,
            (
                (Gender.FEMALE, 0.52),
                (Gender.MALE, 0.47),
                (Gender.OTHER, 0.005),
                (Gender.UNKNOWN, 0.005),
            ),
        )
        if origin == "native":
            country, nationality, background = "NL", "NL", "none"
        elif origin == "second_generation":
            country = weighted(rng, _HERITAGE_COUNTRIES)
            nationality = "NL" if chance(rng, 0.92) else country
            background = "second_generation"
        else:
            countries = _REFUGEE_COUNTRIES if origin == "statushouder" else _MIGRANT_COUNTRIES
            country = weighted(rng, countries)
            naturalised = chance(rng, 0.15 if origin == "statushouder" else 0.3)
            nationality = "NL" if naturalised else country
            background = "first_generation"
        protected = {
            "birth_year": birth_year,
            "gender": gender.value,
            "nationality": nationality,
            "migration_background": background,
        }
        return protected, country

    def _months(self, long_term: bool, age: int) -> int:
        rng = self.rng
        cap = max(1, (age - 18) * 12 + 6)
        months = 37 + int(rng.gammavariate(2.0, 45.0)) if long_term else rng.randint(1, 36)
        months = min(months, 360, cap)
        return months

    def _education(self, origin: str, long_term: bool) -> EducationLevel:
        rng = self.rng
        if origin in ("statushouder", "migrant") and chance(rng, 0.35):
            return weighted(rng, _EDUCATION_ABROAD)
        return weighted(rng, _EDUCATION_LONG if long_term else _EDUCATION_SHORT)

    def _languages(self, origin: str, country: str) -> tuple[list[dict[str, str]], LanguageLevel]:
        rng = self.rng
        if origin == "native" or (origin == "migrant" and country == "SR"):
            dutch = _L.NATIVE
        elif origin == "migrant" and country == "DE":
            dutch = weighted(rng, ((_L.B2, 1), (_L.C1, 1)))
        else:
            dutch = weighted(rng, _DUTCH[origin])
        languages = [{"language": "nl", "level": dutch.value}]
        own = _LANGUAGE_OF.get(country)
        if own and origin in ("statushouder", "migrant"):
            languages.append({"language": own, "level": _L.NATIVE.value})
        elif own and origin == "second_generation" and chance(rng, 0.6):
            level = weighted(rng, ((_L.B1, 1), (_L.B2, 1), (_L.NATIVE, 2)))
            languages.append({"language": own, "level": level.value})
        share, levels = _ENGLISH[origin]
        if chance(rng, share):
            languages.append({"language": "en", "level": weighted(rng, levels).value})
        return languages, dutch

    def _barriers(
        self, dutch: LanguageLevel, edu_rank: int, rung: int, age: int, female: bool
    ) -> list[str]:
        rng = self.rng
        low_rung = rung <= 2
        odds = {
            Barrier.LANGUAGE: 0.9 if dutch.rank <= 1 else (0.2 if dutch.rank == 2 else 0.0),
            Barrier.LOW_LITERACY: 0.35 if edu_rank <= 1 else 0.07,
            Barrier.HEALTH: 0.18 + 0.10 * low_rung + 0.10 * (age > 50),
            Barrier.DEBTS: 0.25,
            Barrier.CHILDCARE: (0.22 if female else 0.05) if age < 45 else 0.02,
            Barrier.STRESS: 0.18 + 0.10 * low_rung,
        }
        return [barrier.value for barrier, p in odds.items() if chance(rng, p)]

    def _restrictions(self, age: int, barriers: Sequence[str]) -> list[str]:
        rng = self.rng
        health, stress = "health" in barriers, "stress" in barriers
        odds = {
            Restriction.NO_HEAVY_LIFTING: 0.05 + 0.12 * (age > 50) + 0.15 * health,
            Restriction.NO_NIGHT_SHIFTS: 0.04 + 0.10 * ("childcare" in barriers) + 0.05 * health,
            Restriction.NO_CUSTOMER_CONTACT: 0.02 + 0.08 * stress,
            Restriction.NO_PROLONGED_STANDING: 0.03 + 0.10 * health,
            Restriction.NO_OUTDOOR_WORK: 0.02 + 0.05 * health,
        }
        return [restriction.value for restriction, p in odds.items() if chance(rng, p)]

    def _licences(self, origin: str, age: int) -> list[str]:
        rng = self.rng
        licences = []
        if chance(rng, 0.06):
            licences.append("AM")
        if chance(rng, _CAR_LICENCE[origin] * (0.6 if age < 23 else 1.0)):
            licences.append("B")
            if chance(rng, 0.05):
                licences.append("BE")
            if chance(rng, 0.05):
                licences.append("C")
                if chance(rng, 0.5):
                    licences.append("CE")
            if chance(rng, 0.01):
                licences.append("D")
        return licences

    def _modes(self, licences: Sequence[str]) -> list[str]:
        rng = self.rng
        modes = []
        if chance(rng, 0.9):
            modes.append(TransportMode.WALK.value)
        if chance(rng, 0.78):
            modes.append(TransportMode.BIKE.value)
        if chance(rng, 0.65):
            modes.append(TransportMode.PUBLIC_TRANSPORT.value)
        if "B" in licences and chance(rng, 0.7):
            modes.append(TransportMode.CAR.value)
        if "AM" in licences:
            modes.append(TransportMode.MOPED.value)
        return modes or [TransportMode.WALK.value]

    def _hours(self, rung: int, childcare: bool) -> tuple[int, int] | None:
        rng = self.rng
        if chance(rng, 0.08):
            return None
        if childcare or rung <= 2:
            return pick(rng, _HOURS_LOW)
        return pick(rng, _HOURS_HIGH if rung >= 5 else _HOURS_MID)

    # -- work, wishes and skills ---------------------------------------------------------------

    def _work_history(
        self, rung: int, age: int, months: int, edu_rank: int
    ) -> list[tuple[CatalogueOccupation, float, int | None]]:
        rng, today = self.rng, self.today
        count = weighted(rng, _JOBS_LOW_RUNG if rung <= 2 else _JOBS)
        if age < 22:
            count = min(count, 1)
        if not count:
            return []
        primary = self.catalogue.for_person(rng, edu_rank)
        birth_year = today.year - age
        still_working = rung == 6 and months <= 36 and chance(rng, 0.25)
        end: int | None = (
            None if still_working else today.year - months // 12 - int(chance(rng, 0.3))
        )
        jobs: list[tuple[CatalogueOccupation, float, int | None]] = []
        previous_end = today.year if end is None else end
        for index in range(count):
            if index == 0:
                entry = primary
            elif chance(rng, 0.5):
                entry = self.catalogue.related(rng, primary)
            else:
                entry = self.catalogue.for_person(rng, edu_rank)
            years = round(min(25.0, max(0.2, rng.lognormvariate(0.9, 0.8))), 1)
            start = previous_end - max(1, round(years))
            if start < birth_year + 16:
                break
            jobs.append((entry, years, end if index == 0 else previous_end))
            previous_end = start - rng.randint(0, 2)
        return jobs

    def _desired(
        self, jobs: Sequence[tuple[CatalogueOccupation, float, int | None]], edu_rank: int
    ) -> list[CatalogueOccupation]:
        rng = self.rng
        count = weighted(rng, ((0, 0.25), (1, 0.45), (2, 0.22), (3, 0.08)))
        desired: dict[str, CatalogueOccupation] = {}
        for _ in range(count):
            if jobs and chance(rng, 0.6):
                base = pick(rng, jobs)[0]
                entry = base if chance(rng, 0.5) else self.catalogue.related(rng, base)
            else:
                entry = self.catalogue.for_person(rng, edu_rank)
            desired.setdefault(entry.uri, entry)
        return list(desired.values())

    def _true_skills(
        self,
        jobs: Sequence[tuple[CatalogueOccupation, float, int | None]],
        edu_rank: int,
        licences: Sequence[str],
    ) -> tuple[str, ...]:
        rng = self.rng
        skills: set[str] = set()
        for entry, years, _ in jobs:
            share = min(0.85, 0.35 + 0.12 * years)
            essential = list(entry.essential)
            skills.update(rng.sample(essential, max(1, round(share * len(essential)))))
            if entry.optional:
                k = min(len(entry.optional), rng.randint(0, 2))
                skills.update(rng.sample(list(entry.optional), k))
        for uri, p in self.soft_skills:
            boost = (
                1.5 if uri.endswith("d15ce60f-ddab-41ce-ba56-398451b77b60") and edu_rank >= 3 else 1
            )
            if chance(rng, p * boost):
                skills.add(uri)
        if "B" in licences and self.taxonomy.has_skill(_DRIVING_SKILL) and chance(rng, 0.6):
            skills.add(_DRIVING_SKILL)
        return tuple(sorted(skills))

    # -- how it was written down ---------------------------------------------------------------

    def _skill_texts(self, true_skills: Sequence[str]) -> list[str]:
        rng = self.rng
        if not true_skills or chance(rng, 0.2):  # profile never filled in
            return []
        tx = self.taxonomy
        # People write what they can name: Dutch-labelled and everyday skills first.
        nameable = [u for u in true_skills if tx.skill(u).label_nl or u in SKILL_PHRASES]
        named = set(nameable)
        others = [u for u in true_skills if u not in named]
        count = min(len(true_skills), rng.randint(2, 8))
        chosen = rng.sample(nameable, min(count, len(nameable)))
        if len(chosen) < count and others and chance(rng, 0.3):
            chosen += rng.sample(others, min(count - len(chosen), len(others), 2))
        texts: dict[str, str] = {}
        for uri in chosen:
            text = skill_text(rng, tx.skill(uri), typo_rate=0.15, phrase_rate=0.5)
            texts.setdefault(text.casefold(), text)
        return list(texts.values())

    def _job_record(
        self, entry: CatalogueOccupation, years: float, end: int | None
    ) -> dict[str, Any]:
        rng = self.rng
        job: dict[str, Any] = {
            "title": occupation_text(rng, entry.occupation, typo_rate=0.12),
            "years": years if chance(rng, 0.85) else None,
            "end_year": end,
        }
        if chance(rng, 0.2):
            job["esco_uri"] = entry.uri
        if chance(rng, 0.25):
            job["isco"] = entry.isco_group
        return job

    def _desired_texts(self, desired: Sequence[CatalogueOccupation]) -> list[str]:
        texts: dict[str, str] = {}
        for entry in desired:
            text = occupation_text(self.rng, entry.occupation, typo_rate=0.12)
            texts.setdefault(text.casefold(), text)
        return list(texts.values())


def make_candidates(
    config: SynthConfig, catalogue: Catalogue, area: Area, rng: random.Random
) -> tuple[list[Candidate], list[CandidateTraits]]:
    """``config.candidates`` validated candidate records and their hidden traits, in id order."""
    maker = _PersonMaker(config, catalogue, area, rng)
    candidates, traits = [], []
    for number in range(1, config.candidates + 1):
        record, trait = maker.make(number)
        candidates.append(validate_record(Candidate, record))
        traits.append(trait)
    return candidates, traits
