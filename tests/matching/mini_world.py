"""A hand-made mini world where a person can see the right answers.

A tiny taxonomy (a dozen occupations and their skills), real Groningen/Assen postcodes, seven
vacancies and fifteen candidates. Most candidates exist to trip exactly one knock-out; a few
exist to be the obvious best (or second best) for a vacancy.

Vacancies (all in the city of Groningen unless said otherwise):

- V-MAG  magazijnmedewerker, 24-40 h, 08:00-16:30, heavy lifting, Dutch A2, vmbo or more
- V-SCH  schoonmaker in Assen (25 km away), 05:30-09:00, 10-20 h
- V-KOK  kok, Dutch B1, mbo-2, 15:00-23:00
- V-VRA  vrachtwagenchauffeur, needs licence C
- V-GRO  participatieplaats groenonderhoud (participation place)
- V-AFW  afspraakbaan afwasser (wage subsidy: register only)
- V-KAS  kassamedewerker, closed last month
"""

from __future__ import annotations

import datetime as dt

from features.records import (
    Candidate,
    Employer,
    LanguageSkill,
    Outcome,
    ProtectedAttributes,
    Vacancy,
    WorkExperience,
)
from features.taxonomy import Occupation, Skill, Taxonomy

TODAY = dt.date(2025, 6, 2)
OCC = "http://example.test/occupation/"
SKILL = "http://example.test/skill/"

# occupation key: (Dutch label, ISCO unit group, essential skill keys)
_OCCUPATIONS = {
    "magazijn": ("magazijnmedewerker", "4321", ["orders", "heftruck", "voorraad"]),
    "orderpicker": ("orderpicker", "9333", ["orders", "scanner"]),
    "heftruck": ("heftruckchauffeur", "8344", ["heftruck", "orders"]),
    "schoonmaker": ("schoonmaker", "9112", ["vloeren", "middelen"]),
    "glazenwasser": ("glazenwasser", "9123", ["ramen", "middelen"]),
    "kok": ("kok", "5120", ["koken", "hygiene"]),
    "afwasser": ("afwasser", "9412", ["afwassen", "hygiene"]),
    "chauffeur": ("vrachtwagenchauffeur", "8332", ["vrachtwagen", "laden"]),
    "hovenier": ("hovenier", "6113", ["planten", "snoeien"]),
    "groen": ("medewerker groenvoorziening", "9214", ["planten", "maaien"]),
    "kassa": ("kassamedewerker", "5230", ["kassa", "klanten"]),
    "ontwikkelaar": ("softwareontwikkelaar", "2512", ["programmeren", "testen"]),
}
# skill key: Dutch label
_SKILLS = {
    "orders": "orders verzamelen",
    "heftruck": "heftruck besturen",
    "voorraad": "voorraad bijhouden",
    "scanner": "handscanner gebruiken",
    "vloeren": "vloeren reinigen",
    "middelen": "schoonmaakmiddelen gebruiken",
    "ramen": "ramen wassen",
    "koken": "maaltijden bereiden",
    "hygiene": "hygiëne bewaken",
    "afwassen": "afwassen",
    "vrachtwagen": "vrachtwagen besturen",
    "laden": "lading zekeren",
    "planten": "planten verzorgen",
    "snoeien": "snoeien",
    "maaien": "gras maaien",
    "kassa": "kassa bedienen",
    "klanten": "klanten helpen",
    "programmeren": "programmeren",
    "testen": "software testen",
}
_LEVELS = {
    "4321": 2, "9333": 1, "8344": 2, "9112": 1, "9123": 1, "5120": 2, "9412": 1, "8332": 2,
    "6113": 2, "9214": 1, "5230": 2, "2512": 4,
}  # fmt: skip


def occ(key: str) -> str:
    return OCC + key


def skill(key: str) -> str:
    return SKILL + key


def label(key: str) -> str:
    return _SKILLS[key]


def make_taxonomy() -> Taxonomy:
    occupations = [
        Occupation(occ(k), group, nl, nl, (), (), f"{nl}: werk", f"{nl}: work")
        for k, (nl, group, _) in _OCCUPATIONS.items()
    ]
    skills = [
        Skill(skill(k), nl, nl, (), (), "skill/competence", "cross-sector")
        for k, nl in _SKILLS.items()
    ]
    groups: dict[str, tuple[str, str]] = {}
    for _nl, group, _ in _OCCUPATIONS.values():
        for n in range(1, 5):
            groups.setdefault(group[:n], (f"groep {group[:n]}", f"group {group[:n]}"))
    return Taxonomy(
        occupations,
        skills,
        essential={occ(k): [skill(s) for s in keys] for k, (_, _, keys) in _OCCUPATIONS.items()},
        unit_levels=_LEVELS,
        group_labels=groups,
        version="mini-1",
    )


def make_employers() -> list[Employer]:
    return [
        Employer(id="E-LOG", name="Logistiek Noord", sector="Logistiek", postcode="9723"),
        Employer(id="E-SCH", name="Schoon Assen", sector="Schoonmaak", postcode="9401"),
        Employer(id="E-HOR", name="Eetcafé De Kroon", sector="Horeca", postcode="9712",
                 inclusive_employer=True),
        Employer(id="E-GRO", name="Groen Stad", sector="Groen", postcode="9724"),
        Employer(id="E-WIN", name="Supermarkt Oost", sector="Detailhandel", postcode="9725"),
        Employer(id="E-TRA", name="Transport Zuid", sector="Transport", postcode="9726"),
    ]  # fmt: skip


def make_vacancies() -> list[Vacancy]:
    later = TODAY + dt.timedelta(days=30)
    return [
        Vacancy(
            id="V-MAG", employer_id="E-LOG", title="Magazijnmedewerker",
            description="Orders verzamelen en de heftruck besturen in ons magazijn.",
            esco_occupation_uri=occ("magazijn"),
            required_skills=[label("orders"), label("heftruck")],
            optional_skills=[label("voorraad")], education_min="vmbo", postcode="9723",
            hours_min=24, hours_max=40, shift_start=dt.time(8, 0), shift_end=dt.time(16, 30),
            language_min="A2", physical_demands=["heavy_lifting"], sector="Logistiek",
            open_until=later,
        ),
        Vacancy(
            id="V-SCH", employer_id="E-SCH", title="Schoonmaker kantoren",
            esco_occupation_uri=occ("schoonmaker"),
            required_skills=[label("vloeren"), label("middelen")], postcode="9401",
            hours_min=10, hours_max=20, shift_start=dt.time(5, 30), shift_end=dt.time(9, 0),
            sector="Schoonmaak",
        ),
        Vacancy(
            id="V-KOK", employer_id="E-HOR", title="Kok", esco_occupation_uri=occ("kok"),
            required_skills=[label("koken"), label("hygiene")], education_min="mbo2",
            language_min="B1", postcode="9712", shift_start=dt.time(15, 0),
            shift_end=dt.time(23, 0), sector="Horeca",
        ),
        Vacancy(
            id="V-VRA", employer_id="E-TRA", title="Vrachtwagenchauffeur",
            esco_occupation_uri=occ("chauffeur"), required_skills=[label("vrachtwagen")],
            optional_skills=[label("laden")], required_licences=["C"], postcode="9726",
            sector="Transport",
        ),
        Vacancy(
            id="V-GRO", employer_id="E-GRO", title="Participatieplaats groenonderhoud",
            esco_occupation_uri=occ("groen"), required_skills=[label("planten")],
            postcode="9724", placement_type="participation", sector="Groen",
        ),
        Vacancy(
            id="V-AFW", employer_id="E-HOR", title="Afwasser (afspraakbaan)",
            esco_occupation_uri=occ("afwasser"), required_skills=[label("afwassen")],
            postcode="9712", placement_type="wage_subsidy", sector="Horeca",
        ),
        Vacancy(
            id="V-KAS", employer_id="E-WIN", title="Kassamedewerker",
            esco_occupation_uri=occ("kassa"), required_skills=[label("kassa")],
            postcode="9725", open_until=TODAY - dt.timedelta(days=30), sector="Detailhandel",
        ),
    ]  # fmt: skip


def _nl(level: str) -> list[LanguageSkill]:
    return [LanguageSkill(language="nl", level=level)]


def _work(key: str, years: float, end_year: int | None) -> WorkExperience:
    return WorkExperience(
        title=_OCCUPATIONS[key][0], esco_uri=occ(key), years=years, end_year=end_year
    )


def make_candidates() -> list[Candidate]:
    warehouse = dict(
        postcode="9724", education_level="mbo2", languages=_nl("B2"),
        transport_modes=["bike", "public_transport"], participation_rung=6,
    )  # fmt: skip
    return [
        # the obvious best warehouse worker: every skill, the same occupation, close by
        Candidate(id="C-01", skills=[label("orders"), label("heftruck"), label("voorraad")],
                  work_history=[_work("magazijn", 4, 2024)], **warehouse),
        # second: both required skills, but order picking is other work (level 1), a bit further
        Candidate(id="C-02", postcode="9725", skills=[label("orders"), label("heftruck")],
                  work_history=[_work("orderpicker", 2, 2023)], education_level="vmbo",
                  languages=_nl("B1"), transport_modes=["bike"], participation_rung=5),
        # third: wants warehouse work, writes the forklift skill in own words
        Candidate(id="C-03", postcode="9726", skills=["heftruck rijden", "orders pikken"],
                  desired_occupations=["magazijnmedewerker"], transport_modes=["bike"],
                  participation_rung=4),
        # exempt from the work obligation: never for a job, fine for a participation place
        Candidate(id="C-04", skills=[label("orders"), label("heftruck"), label("planten")],
                  work_history=[_work("magazijn", 3, 2022)], exempt_from_work_obligation=True,
                  **{**warehouse, "participation_rung": 2}),
        # cook with little Dutch: A1 is two steps below B1
        Candidate(id="C-05", postcode="9712", skills=[label("koken"), label("hygiene")],
                  work_history=[_work("kok", 6, 2024)], education_level="mbo2",
                  languages=_nl("A1"), transport_modes=["walk"], participation_rung=5),
        # warehouse worker who may not lift heavy loads
        Candidate(id="C-06", skills=[label("orders"), label("heftruck")],
                  work_history=[_work("magazijn", 5, 2024)], restrictions=["no_heavy_lifting"],
                  **warehouse),
        # cleaner in Groningen without a car: no bus at 05:30 to Assen
        Candidate(id="C-07", postcode="9711", skills=[label("vloeren"), label("middelen")],
                  work_history=[_work("schoonmaker", 3, 2024)],
                  transport_modes=["public_transport"], participation_rung=5),
        # cleaner living in Assen: cycles to the job
        Candidate(id="C-08", postcode="9401", skills=[label("vloeren")],
                  work_history=[_work("schoonmaker", 1, 2023)], transport_modes=["bike"],
                  participation_rung=5, max_travel_minutes=30),
        # warehouse worker who can only work 16 hours
        Candidate(id="C-09", skills=[label("orders"), label("heftruck")],
                  work_history=[_work("magazijn", 2, 2024)], hours_max=16, **warehouse),
        # truck driver with only a car licence
        Candidate(id="C-10", postcode="9726", skills=[label("vrachtwagen")],
                  work_history=[_work("chauffeur", 3, 2024)], driving_licences=["B"],
                  transport_modes=["car"], participation_rung=6),
        # truck driver with licence C
        Candidate(id="C-11", postcode="9726", skills=[label("vrachtwagen"), label("laden")],
                  work_history=[_work("chauffeur", 8, 2025)], driving_licences=["B", "C"],
                  transport_modes=["car"], participation_rung=6),
        # dishwasher, not in the doelgroepregister
        Candidate(id="C-12", postcode="9712", skills=[label("afwassen")],
                  work_history=[_work("afwasser", 1, 2022)], transport_modes=["walk"],
                  participation_rung=4),
        # dishwasher in the doelgroepregister
        Candidate(id="C-13", postcode="9712", skills=[label("afwassen"), label("hygiene")],
                  work_history=[_work("afwasser", 2, 2024)], target_group_register=True,
                  transport_modes=["walk"], participation_rung=5),
        # cook with good Dutch and mbo-2
        Candidate(id="C-14", postcode="9712", skills=[label("koken"), label("hygiene")],
                  work_history=[_work("kok", 4, 2024)], education_level="mbo3",
                  languages=_nl("B2"), transport_modes=["walk", "bike"], participation_rung=6,
                  protected=ProtectedAttributes(birth_year=1980, gender="female")),
        # warehouse worker only available after the vacancy closes
        Candidate(id="C-15", skills=[label("orders")], work_history=[_work("magazijn", 1, 2024)],
                  available_from=TODAY + dt.timedelta(days=60), **warehouse),
    ]  # fmt: skip


def make_outcomes() -> list[Outcome]:
    """Earlier hires (for employer suggestions): C-11 at Transport Zuid, C-13 at De Kroon."""
    at = dt.datetime(2024, 3, 1)
    return [
        Outcome(candidate_id="C-11", vacancy_id="V-VRA", status="hired", at=at),
        Outcome(candidate_id="C-13", vacancy_id="V-AFW", status="hired", at=at),
    ]
