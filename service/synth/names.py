"""Plausible Dutch employer names and the pseudonyms of the municipality's consultants."""

from __future__ import annotations

import random
from collections.abc import Mapping

from features.vocabulary import Sector
from service.synth._draw import chance, pick

__all__ = ["account_managers", "client_managers", "employer_name"]

_SURNAMES = (
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
    "Bos", "Vos", "Dijkstra", "Huizinga", "Wiersma", "Postma", "Bosma", "Hoekstra", "Kuiper",
    "Veenstra", "Jonker", "Boersma", "Zijlstra", "Hofstede", "Tuinstra", "Kramer", "Schuiling",
    "Wolters", "Oosterhof", "Brouwer", "Hovingh", "Medema", "Kooistra", "Nienhuis", "Oldenhuis",
    "Pots", "Stuut", "Wubbolts", "Zuidema", "Haikens", "Ploeg", "Koster", "Dekker", "Timmer",
)  # fmt: skip
_NOUNS = (
    "Linde", "Eik", "Molen", "Zwaan", "Horizon", "Wadden", "Noorderlicht", "Ommeland", "Hunze",
    "Reitdiep", "Wierde", "Terp", "Esch", "Maar", "Vlonder", "Roos", "Ster", "Haven", "Brug",
    "Dijk", "Kiel", "Zon", "Kompas", "Vuurtoren", "Akker", "Boomgaard",
)  # fmt: skip
_FIRST_NAMES = ("Anja", "Ingrid", "Marco", "Sandra", "Peter", "Yvonne", "Hans", "Petra", "Jan")

_TEMPLATES: Mapping[Sector, tuple[str, ...]] = {
    Sector.BOUW: ("Bouwbedrijf {s}", "{s} Bouw", "Aannemersbedrijf {s}", "{s} & Zn. Bouw"),
    Sector.TECHNIEK: (
        "{s} Installatietechniek", "Technisch Bureau {s}", "{s} Elektrotechniek",
        "Metaalbewerking {p}", "Autobedrijf {s}",
    ),
    Sector.GROEN: ("Hoveniersbedrijf {s}", "{s} Groenvoorziening", "Groenbedrijf {p}"),
    Sector.TUINBOUW: ("Kwekerij {s}", "{s} Tuinbouw", "Tuinderij De {n}", "Boomkwekerij {s}"),
    Sector.HORECA: (
        "Restaurant De {n}", "Eetcafé {s}", "Grand Café De {n}", "Hotel {p}", "Lunchroom De {n}",
        "Cafetaria {s}",
    ),
    Sector.LEISURE: (
        "Recreatiepark De {n}", "Sportcentrum {p}", "Filmtheater De {n}", "Zwembad De {n}",
        "Camping De {n}",
    ),
    Sector.DETAILHANDEL: (
        "Supermarkt {s}", "{s} Mode", "Bakkerij {s}", "Bouwmarkt {p}", "Drogisterij {s}",
        "Kringloopwinkel De {n}",
    ),
    Sector.OVERHEID: (
        "Stadsbeheer {p}", "Milieudienst {p}", "Sportbedrijf {p}", "Werkbedrijf {p}",
        "Afvalbeheer {p}",
    ),
    Sector.PRODUCTIE: (
        "{s} Voedingsmiddelen", "Vleeswarenfabriek {s}", "{p} Verpakkingen", "Kunststoffen {s}",
        "Zuivelfabriek De {n}", "Meubelmakerij {s}",
    ),
    Sector.TRANSPORT: (
        "Transportbedrijf {s}", "{s} Transport", "Koeriersdienst {p}", "Taxibedrijf {s}",
    ),
    Sector.LOGISTIEK: (
        "Distributiecentrum {p}", "{s} Logistiek", "Logistiek Centrum {p}",
        "Opslag & Distributie {s}",
    ),
    Sector.ZORG: (
        "Zorggroep De {n}", "Thuiszorg {p}", "Woonzorgcentrum De {n}", "Zorgcentrum {n}",
        "Kinderopvang De {n}",
    ),
    Sector.ICT: ("{s} ICT", "{n} Software", "Computerhulp {p}", "Datacentrum {p}"),
    Sector.DIENSTVERLENING: (
        "Kapsalon {f}", "Beveiligingsbedrijf {s}", "Klantcontactcentrum {p}", "Wasserij {s}",
        "Schoenmakerij {s}",
    ),
    Sector.FACILITAIR: (
        "{s} Facilitaire Diensten", "Facilitair Bedrijf {p}", "Catering {s}",
        "{p} Facility Services",
    ),
    Sector.SCHOONMAAK: (
        "Schoonmaakbedrijf {s}", "{s} Schoonmaakdiensten", "Glazenwasserij {s}",
        "{p} Schoonmaak", "Schoonmaakbedrijf De {n}",
    ),
    Sector.UITZENDEN: (
        "Uitzendbureau {p}", "{s} Personeelsdiensten", "{n} Uitzendbureau", "Flexwerk {p}",
    ),
}  # fmt: skip


def employer_name(rng: random.Random, sector: Sector, place: str, taken: set[str]) -> str:
    """A Dutch-sounding name for an employer in ``sector`` located in ``place``, not yet in
    ``taken`` (the name is added to it)."""
    name = ""
    for attempt in range(20):
        template = pick(rng, _TEMPLATES[sector])
        name = template.format(
            s=pick(rng, _SURNAMES), n=pick(rng, _NOUNS), p=place, f=pick(rng, _FIRST_NAMES)
        )
        if chance(rng, 0.3) and not name.endswith("B.V."):
            name += " B.V."
        if attempt > 10:
            name = f"{name} {place}"
        if name not in taken:
            break
    suffix = 2
    base = name
    while name in taken:
        name = f"{base} ({suffix})"
        suffix += 1
    taken.add(name)
    return name


def account_managers(employers: int) -> tuple[str, ...]:
    """Pseudonyms of the accountmanagers (one per ~80 employers, at least two)."""
    return tuple(f"am-{i:02d}" for i in range(1, max(2, round(employers / 80)) + 1))


def client_managers(candidates: int) -> tuple[str, ...]:
    """Pseudonyms of the klantmanagers (one per ~120 clients, at least two)."""
    return tuple(f"km-{i:02d}" for i in range(1, max(2, round(candidates / 120)) + 1))
