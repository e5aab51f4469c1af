"""Every word the web pages show, in Dutch and English.

Dutch is the default; English is one click away. Labels are looked up by key with
:func:`translate`; values of the controlled vocabularies (education level, placement type, ...)
with :func:`term`. A missing key is a bug, so :func:`translate` raises ``KeyError`` instead of
showing the key to a user, and the tests check that both languages cover every key and every
vocabulary value.

Example::

    >>> translate("nav.candidates", "en")
    'Candidates'
    >>> term(EducationLevel.UNKNOWN, "nl")
    'onbekend'
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from features.vocabulary import (
    Barrier,
    EducationLevel,
    LanguageLevel,
    OutcomeStatus,
    PhysicalDemand,
    PlacementType,
    Restriction,
    Sector,
    TransportMode,
)

__all__ = [
    "LABELS",
    "TERMS",
    "TRANSLATED_VOCABULARIES",
    "Translator",
    "language_name",
    "term",
    "translate",
    "translator",
]

# key -> (nl, en)
LABELS: dict[str, tuple[str, str]] = {
    # frame
    "site.name": ("werkmatch", "werkmatch"),
    "site.tagline": (
        "Uitlegbare matching van werkzoekenden en werk",
        "Explained matching of job seekers and work",
    ),
    "skip.to.content": ("Naar de inhoud", "Skip to content"),
    "nav.label": ("Hoofdmenu", "Main menu"),
    "nav.home": ("Overzicht", "Overview"),
    "nav.candidates": ("Kandidaten", "Candidates"),
    "nav.vacancies": ("Vacatures", "Vacancies"),
    "nav.employers": ("Werkgevers", "Employers"),
    "nav.api": ("API-documentatie", "API documentation"),
    "lang.switch.label": ("Taal", "Language"),
    "footer.attribution": (
        "Deze dienst gebruikt de ESCO-classificatie van de Europese Commissie.",
        "This service uses the ESCO classification of the European Commission.",
    ),
    "footer.recommends": (
        "werkmatch doet voorstellen; een mens beslist.",
        "werkmatch recommends; a person decides.",
    ),
    # home
    "home.title": ("Overzicht", "Overview"),
    "home.intro": (
        "Wat er nu in de database staat.",
        "What the database holds now.",
    ),
    "home.counts": ("Aantallen", "Counts"),
    "home.taxonomy": ("Taxonomie", "Taxonomy"),
    "home.matching": (
        "Open een vacature voor de beste kandidaten, of een kandidaat voor passende vacatures, "
        "werkgevers om te benaderen en loopbaanpaden.",
        "Open a vacancy for its best candidates, or a candidate for fitting vacancies, employers "
        "to approach and career paths.",
    ),
    "demo.today": (
        "Demodata: datum van vandaag is {date}.",
        "Demo data: today's date is {date}.",
    ),
    "count.candidates": ("kandidaten", "candidates"),
    "count.vacancies": ("vacatures", "vacancies"),
    "count.employers": ("werkgevers", "employers"),
    "count.outcomes": ("uitkomsten", "outcomes"),
    # lists and pagination
    "list.empty": ("Er is niets om te tonen.", "There is nothing to show."),
    "list.showing": ("{first}–{last} van {total}", "{first}–{last} of {total}"),
    "pagination.label": ("Paginering", "Pagination"),
    "pagination.previous": ("Vorige pagina", "Previous page"),
    "pagination.next": ("Volgende pagina", "Next page"),
    "pagination.page": ("Pagina {page} van {pages}", "Page {page} of {pages}"),
    "candidates.title": ("Kandidaten", "Candidates"),
    "candidates.caption": ("Kandidaten, op nummer", "Candidates, by number"),
    "vacancies.title": ("Vacatures", "Vacancies"),
    "vacancies.caption": ("Vacatures, op nummer", "Vacancies, by number"),
    "employers.title": ("Werkgevers", "Employers"),
    "employers.caption": ("Werkgevers, op nummer", "Employers, by number"),
    # fields
    "field.id": ("Nummer", "Number"),
    "field.postcode_pc4": ("Postcode (PC4)", "Postcode (PC4)"),
    "field.postcode": ("Postcode", "Postcode"),
    "field.education_level": ("Opleidingsniveau", "Education level"),
    "field.participation_rung": ("Participatietrede", "Participation rung"),
    "field.skill_count": ("Aantal vaardigheden", "Number of skills"),
    "field.skills": ("Vaardigheden", "Skills"),
    "field.work_history": ("Werkervaring", "Work history"),
    "field.job_title": ("Functie", "Job title"),
    "field.years": ("Jaren", "Years"),
    "field.end_year": ("Tot", "Until"),
    "field.still_working": ("nu", "now"),
    "field.occupation": ("Beroep (ESCO)", "Occupation (ESCO)"),
    "field.isco": ("ISCO-08-beroepsgroep", "ISCO-08 unit group"),
    "field.skill_level": ("Beroepsniveau (ISCO-08, 1–4)", "Skill level (ISCO-08, 1–4)"),
    "field.desired_occupations": ("Gewenste beroepen", "Desired occupations"),
    "field.languages": ("Talen", "Languages"),
    "field.language": ("Taal", "Language"),
    "field.level": ("Niveau", "Level"),
    "field.mobility": ("Mobiliteit", "Mobility"),
    "field.transport_modes": ("Vervoer", "Transport"),
    "field.max_travel_minutes": ("Maximale reistijd", "Maximum travel time"),
    "field.driving_licences": ("Rijbewijzen", "Driving licences"),
    "field.hours": ("Uren per week", "Hours per week"),
    "field.available_from": ("Beschikbaar vanaf", "Available from"),
    "field.situation": ("Situatie", "Situation"),
    "field.target_group_register": ("Doelgroepregister", "Target-group register"),
    "field.exempt": ("Ontheffing arbeidsplicht", "Exempt from the work obligation"),
    "field.restrictions": ("Beperkingen", "Restrictions"),
    "field.months_on_benefit": ("Maanden in de uitkering", "Months on benefit"),
    "field.employer": ("Werkgever", "Employer"),
    "field.title": ("Functie", "Title"),
    "field.description": ("Omschrijving", "Description"),
    "field.required_skills": ("Vereiste vaardigheden", "Required skills"),
    "field.optional_skills": ("Gewenste vaardigheden", "Optional skills"),
    "field.education_min": ("Minimaal opleidingsniveau", "Minimum education level"),
    "field.shift": ("Werktijden", "Working hours"),
    "field.required_licences": ("Vereiste rijbewijzen", "Required driving licences"),
    "field.language_min": ("Minimaal niveau Nederlands", "Minimum level of Dutch"),
    "field.physical_demands": ("Fysieke eisen", "Physical demands"),
    "field.placement_type": ("Soort plaatsing", "Placement type"),
    "field.sector": ("Sector", "Sector"),
    "field.positions": ("Aantal plaatsen", "Positions"),
    "field.open_until": ("Open tot", "Open until"),
    "field.name": ("Naam", "Name"),
    "field.size": ("Aantal medewerkers", "Employees"),
    "field.inclusive_employer": ("Inclusieve werkgever", "Inclusive employer"),
    "field.vacancy_count": ("Vacatures", "Vacancies"),
    "value.yes": ("ja", "yes"),
    "value.no": ("nee", "no"),
    "value.unknown": ("onbekend", "unknown"),
    "value.none": ("geen", "none"),
    "value.minutes": ("{n} minuten", "{n} minutes"),
    "value.hours_range": ("{lo} tot {hi} uur", "{lo} to {hi} hours"),
    "value.hours_from": ("vanaf {lo} uur", "from {lo} hours"),
    "value.hours_upto": ("tot {hi} uur", "up to {hi} hours"),
    "value.rung": ("trede {n}", "rung {n}"),
    # pages
    "candidate.title": ("Kandidaat {id}", "Candidate {id}"),
    "candidate.incomplete": (
        "Dit profiel is onvolledig: {missing}. Vul het aan voor betere voorstellen.",
        "This profile is incomplete: {missing}. Complete it for better suggestions.",
    ),
    "candidate.missing.education": (
        "het opleidingsniveau is onbekend",
        "the education level is unknown",
    ),
    "candidate.missing.skills": ("er zijn geen vaardigheden", "there are no skills"),
    "candidate.privacy": (
        "Beschermde gegevens (zoals leeftijd, geslacht en nationaliteit) en belemmeringen "
        "worden hier niet getoond.",
        "Protected data (such as age, gender and nationality) and barriers are not shown here.",
    ),
    "vacancy.title": ("Vacature {id}", "Vacancy {id}"),
    "vacancy.employer_unknown": ("{id} (niet in de database)", "{id} (not in the database)"),
    "employer.title": ("Werkgever {name}", "Employer {name}"),
    "employer.vacancies": ("Vacatures van deze werkgever", "Vacancies of this employer"),
    "employer.no_vacancies": (
        "Er staan geen vacatures van deze werkgever in de database.",
        "The database holds no vacancies of this employer.",
    ),
    "back.to.list": ("Terug naar de lijst", "Back to the list"),
    # matching
    "match.shortlist": ("Beste kandidaten", "Best candidates"),
    "match.shortlist.intro": (
        "De {n} kandidaten die het best passen, van {pool} in totaal. werkmatch doet een "
        "voorstel; u beslist.",
        "The {n} candidates who fit best, out of {pool}. werkmatch suggests; you decide.",
    ),
    "match.closed": (
        "Deze vacature is gesloten op {date}.",
        "This vacancy closed on {date}.",
    ),
    "match.none": (
        "Er zijn geen kandidaten die aan alle harde eisen voldoen.",
        "No candidate meets every hard requirement.",
    ),
    "match.excluded": ("Uitgesloten door een harde eis", "Excluded by a hard requirement"),
    "match.candidate": ("Kandidaat {id}", "Candidate {id}"),
    "match.rank": ("Nummer {rank}", "Number {rank}"),
    "match.score": ("Score", "Score"),
    "match.score.scale": ("van 0 tot 1", "from 0 to 1"),
    "match.bar.label": ("Opbouw van de score", "How the score is made up"),
    "match.factors": ("Alle factoren", "All factors"),
    "match.factor": ("Factor", "Factor"),
    "match.value": ("Waarde", "Value"),
    "match.weight": ("Gewicht", "Weight"),
    "match.contribution": ("Bijdrage", "Contribution"),
    "match.matched": ("Gevonden vaardigheden", "Skills found"),
    "match.requirement": ("Gevraagd", "Asked for"),
    "match.phrase": ("Kandidaat noemt", "Candidate says"),
    "match.esco": ("ESCO-vaardigheid", "ESCO skill"),
    "match.method": ("Hoe gevonden", "How found"),
    "match.missing": ("Ontbrekende vereiste vaardigheden", "Missing required skills"),
    "match.travel": ("Reistijd", "Travel time"),
    "match.unreachable": ("niet bereikbaar", "not reachable"),
    "match.education": ("Opleiding", "Education"),
    "match.level": ("Werkniveau", "Job level"),
    "match.why": ("Uitleg", "Explanation"),
    "match.recommended": ("Passende vacatures", "Fitting vacancies"),
    "match.recommended.intro": (
        "De {n} open vacatures die het best passen, van {pool} in totaal.",
        "The {n} open vacancies that fit best, out of {pool}.",
    ),
    "match.recommended.none": (
        "Er zijn geen open vacatures die aan alle harde eisen voldoen.",
        "No open vacancy meets every hard requirement.",
    ),
    "match.vacancy": ("Vacature {id}", "Vacancy {id}"),
    "match.employers": ("Werkgevers om te benaderen", "Employers to approach"),
    "match.employers.intro": (
        "Ook werkgevers zonder open vacature: de verborgen arbeidsmarkt.",
        "Also employers without an open vacancy: the hidden job market.",
    ),
    "match.employers.none": (
        "Geen werkgevers gevonden die passen en bereikbaar zijn.",
        "No employers found that fit and can be reached.",
    ),
    "match.open_vacancies": ("Open vacatures", "Open vacancies"),
    "match.reasons": ("Waarom", "Why"),
    "match.paths": ("Loopbaanpaden", "Career paths"),
    "match.paths.intro": (
        "Beroepen binnen bereik, met wat de kandidaat al kan en wat nog te leren is.",
        "Occupations within reach, with what the candidate can already do and what to learn.",
    ),
    "match.paths.none": (
        "Geen loopbaanpaden gevonden: er zijn te weinig herkende vaardigheden.",
        "No career paths found: too few recognised skills.",
    ),
    "match.path.overlap": ("{p}% van de kernvaardigheden", "{p}% of the essential skills"),
    "match.path.has": ("Kan al", "Can already"),
    "match.path.learn": ("Nog te leren", "Still to learn"),
    "match.path.nothing": ("niets", "nothing"),
    # rung meanings (participatieladder)
    "rung.1": ("geïsoleerd", "isolated"),
    "rung.2": ("sociale contacten buiten de deur", "social contacts outside the home"),
    "rung.3": ("deelname aan georganiseerde activiteiten", "organised activities"),
    "rung.4": ("onbetaald werk", "unpaid work"),
    "rung.5": ("betaald werk met ondersteuning", "paid work with support"),
    "rung.6": ("betaald werk", "paid work"),
    # errors
    "error.title": ("Er ging iets mis", "Something went wrong"),
    "error.400": ("Dit verzoek kan niet worden uitgevoerd.", "This request cannot be carried out."),
    "error.404": (
        "Deze pagina of dit record bestaat niet.",
        "This page or record does not exist.",
    ),
    "error.405": ("Deze handeling is hier niet toegestaan.", "This action is not allowed here."),
    "error.422": ("De invoer is niet geldig.", "The input is not valid."),
    "error.500": (
        "Er ging aan onze kant iets mis. De fout is vastgelegd.",
        "Something went wrong on our side. The error has been logged.",
    ),
    "error.503": ("De dienst is tijdelijk niet beschikbaar.", "The service is unavailable."),
    "error.other": ("Dit verzoek is mislukt.", "This request failed."),
    "error.detail": ("Details", "Details"),
    "error.home": ("Naar het overzicht", "Go to the overview"),
}

# Values of the controlled vocabularies: (enum class name, value) -> (nl, en)
TERMS: dict[tuple[str, str], tuple[str, str]] = {
    ("EducationLevel", "none"): ("geen basisopleiding", "no primary education"),
    ("EducationLevel", "primary"): ("basisonderwijs", "primary education"),
    ("EducationLevel", "vmbo"): ("vmbo (lbo/mavo)", "vmbo (pre-vocational)"),
    ("EducationLevel", "mbo1"): ("mbo-1 (entree)", "mbo level 1 (entry)"),
    ("EducationLevel", "mbo2"): ("mbo-2", "mbo level 2"),
    ("EducationLevel", "mbo3"): ("mbo-3", "mbo level 3"),
    ("EducationLevel", "mbo4"): ("mbo-4", "mbo level 4"),
    ("EducationLevel", "havo"): ("havo", "havo (senior general secondary)"),
    ("EducationLevel", "vwo"): ("vwo", "vwo (pre-university)"),
    ("EducationLevel", "hbo"): ("hbo", "hbo (applied university)"),
    ("EducationLevel", "wo"): ("wo", "wo (university)"),
    ("EducationLevel", "unknown"): ("onbekend", "unknown"),
    ("PlacementType", "regular"): ("reguliere baan", "regular job"),
    ("PlacementType", "wage_subsidy"): (
        "afspraakbaan met loonkostensubsidie",
        "wage-subsidy job (afspraakbaan)",
    ),
    ("PlacementType", "work_experience"): ("werkervaringsplek", "work-experience place"),
    ("PlacementType", "learn_work"): ("leerwerkplek", "learn-work place"),
    ("PlacementType", "participation"): ("participatiebaan", "participation job"),
    ("PlacementType", "sheltered"): ("beschut werk", "sheltered work"),
    ("PlacementType", "volunteer"): ("vrijwilligerswerk", "volunteering"),
    ("TransportMode", "walk"): ("lopen", "walking"),
    ("TransportMode", "bike"): ("fiets", "bicycle"),
    ("TransportMode", "public_transport"): ("openbaar vervoer", "public transport"),
    ("TransportMode", "car"): ("auto", "car"),
    ("TransportMode", "moped"): ("brommer of scooter", "moped"),
    ("PhysicalDemand", "heavy_lifting"): ("zwaar tillen", "heavy lifting"),
    ("PhysicalDemand", "night_shifts"): ("nachtdiensten", "night shifts"),
    ("PhysicalDemand", "customer_contact"): ("klantcontact", "customer contact"),
    ("PhysicalDemand", "prolonged_standing"): ("langdurig staan", "prolonged standing"),
    ("PhysicalDemand", "outdoor_work"): ("buitenwerk", "outdoor work"),
    ("Restriction", "no_heavy_lifting"): ("geen zwaar tillen", "no heavy lifting"),
    ("Restriction", "no_night_shifts"): ("geen nachtdiensten", "no night shifts"),
    ("Restriction", "no_customer_contact"): ("geen klantcontact", "no customer contact"),
    ("Restriction", "no_prolonged_standing"): ("niet langdurig staan", "no prolonged standing"),
    ("Restriction", "no_outdoor_work"): ("geen buitenwerk", "no outdoor work"),
    ("Barrier", "language"): ("taal", "language"),
    ("Barrier", "low_literacy"): ("laaggeletterdheid", "low literacy"),
    ("Barrier", "health"): ("gezondheid", "health"),
    ("Barrier", "debts"): ("schulden", "debts"),
    ("Barrier", "childcare"): ("kinderopvang", "childcare"),
    ("Barrier", "stress"): ("stress", "stress"),
    ("Sector", "Bouw"): ("Bouw", "Construction"),
    ("Sector", "Techniek"): ("Techniek", "Engineering"),
    ("Sector", "Groen"): ("Groen", "Green spaces"),
    ("Sector", "Tuinbouw"): ("Tuinbouw", "Horticulture"),
    ("Sector", "Horeca"): ("Horeca", "Hospitality"),
    ("Sector", "Leisure"): ("Leisure", "Leisure"),
    ("Sector", "Detailhandel"): ("Detailhandel", "Retail"),
    ("Sector", "Overheid"): ("Overheid", "Government"),
    ("Sector", "Productie"): ("Productie", "Manufacturing"),
    ("Sector", "Transport"): ("Transport", "Transport"),
    ("Sector", "Logistiek"): ("Logistiek", "Logistics"),
    ("Sector", "Zorg"): ("Zorg", "Care"),
    ("Sector", "ICT"): ("ICT", "IT"),
    ("Sector", "Dienstverlening"): ("Dienstverlening", "Services"),
    ("Sector", "Facilitair"): ("Facilitair", "Facility services"),
    ("Sector", "Schoonmaak"): ("Schoonmaak", "Cleaning"),
    ("Sector", "Uitzenden"): ("Uitzenden", "Temporary staffing"),
    ("LanguageLevel", "A1"): ("A1", "A1"),
    ("LanguageLevel", "A2"): ("A2", "A2"),
    ("LanguageLevel", "B1"): ("B1", "B1"),
    ("LanguageLevel", "B2"): ("B2", "B2"),
    ("LanguageLevel", "C1"): ("C1", "C1"),
    ("LanguageLevel", "C2"): ("C2", "C2"),
    ("LanguageLevel", "native"): ("moedertaal", "native"),
    ("OutcomeStatus", "proposed"): ("voorgesteld", "proposed"),
    ("OutcomeStatus", "introduced"): ("geïntroduceerd", "introduced"),
    ("OutcomeStatus", "interview"): ("sollicitatiegesprek", "interview"),
    ("OutcomeStatus", "hired"): ("aangenomen", "hired"),
    ("OutcomeStatus", "rejected"): ("afgewezen door werkgever", "rejected by the employer"),
    ("OutcomeStatus", "declined"): ("afgewezen door kandidaat", "declined by the candidate"),
    ("OutcomeStatus", "withdrawn"): ("ingetrokken", "withdrawn"),
}

TRANSLATED_VOCABULARIES: tuple[type[StrEnum], ...] = (
    EducationLevel,
    PlacementType,
    TransportMode,
    PhysicalDemand,
    Restriction,
    Barrier,
    Sector,
    LanguageLevel,
    OutcomeStatus,
)
"""Every vocabulary :func:`term` knows; the tests check each value is in :data:`TERMS`."""

# ISO 639-1 codes of the languages a Dutch work-and-income team meets most; others show the code.
_LANGUAGE_NAMES: dict[str, tuple[str, str]] = {
    "nl": ("Nederlands", "Dutch"),
    "en": ("Engels", "English"),
    "de": ("Duits", "German"),
    "fr": ("Frans", "French"),
    "es": ("Spaans", "Spanish"),
    "pl": ("Pools", "Polish"),
    "ro": ("Roemeens", "Romanian"),
    "bg": ("Bulgaars", "Bulgarian"),
    "tr": ("Turks", "Turkish"),
    "ar": ("Arabisch", "Arabic"),
    "ti": ("Tigrinya", "Tigrinya"),
    "so": ("Somalisch", "Somali"),
    "fa": ("Perzisch", "Persian"),
    "prs": ("Dari", "Dari"),
    "ps": ("Pasjtoe", "Pashto"),
    "uk": ("Oekraïens", "Ukrainian"),
    "ru": ("Russisch", "Russian"),
    "pap": ("Papiaments", "Papiamento"),
    "ku": ("Koerdisch", "Kurdish"),
    "am": ("Amhaars", "Amharic"),
    "zh": ("Chinees", "Chinese"),
    "fy": ("Fries", "Frisian"),
}

_INDEX = {"nl": 0, "en": 1}

_MONTHS: tuple[tuple[str, str], ...] = (
    ("januari", "January"),
    ("februari", "February"),
    ("maart", "March"),
    ("april", "April"),
    ("mei", "May"),
    ("juni", "June"),
    ("juli", "July"),
    ("augustus", "August"),
    ("september", "September"),
    ("oktober", "October"),
    ("november", "November"),
    ("december", "December"),
)


def translate(key: str, language: str, /, **values: object) -> str:
    """The label ``key`` in ``language`` (``nl`` or ``en``), with ``{placeholders}`` filled in."""
    text = LABELS[key][_INDEX.get(language, 0)]
    return text.format(**values) if values else text


def term(value: StrEnum | None, language: str) -> str:
    """A vocabulary value as a reader of ``language`` says it; ``None`` reads as unknown."""
    if value is None:
        return translate("value.unknown", language)
    pair = TERMS.get((type(value).__name__, value.value))
    return pair[_INDEX.get(language, 0)] if pair else value.value


def language_name(code: str, language: str) -> str:
    """The name of the language with ISO code ``code``, e.g. ``ar`` -> ``Arabisch``."""
    pair = _LANGUAGE_NAMES.get(code)
    return pair[_INDEX.get(language, 0)] if pair else code


class Translator:
    """The three lookups bound to one reader's language, for use in templates."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, key: str, **values: object) -> str:
        return translate(key, self.language, **values)

    def term(self, value: StrEnum | None) -> str:
        return term(value, self.language)

    def language_name(self, code: str) -> str:
        return language_name(code, self.language)

    def date(self, value: dt.date) -> str:
        """A date as the reader writes it: ``5 januari 2026``, ``5 January 2026``."""
        month = _MONTHS[value.month - 1][_INDEX.get(self.language, 0)]
        return f"{value.day} {month} {value.year}"

    def number(self, value: float) -> str:
        """A number as the reader writes it: ``2,5`` in Dutch, ``2.5`` in English."""
        text = f"{value:g}"
        return text.replace(".", ",") if self.language == "nl" else text


def translator(language: str) -> Translator:
    """A :class:`Translator` for ``language``."""
    return Translator(language)
