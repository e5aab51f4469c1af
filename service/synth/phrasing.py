"""How people really type job titles and skills: everyday phrasings and misspellings.

Municipal profiles are filled in by consultants and clients in a hurry. Next to ESCO's own
labels they hold everyday words ("orderpicken", "kassawerk", "verzorgende IG") and typos
(dropped, doubled or swapped letters, a missing hyphen or space, lost diacritics). Each everyday
phrase here is mapped by hand to the ESCO occupation or skill it means, so the generator always
knows the truth behind the text it writes.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping

from features.taxonomy import Occupation, Skill
from service.synth._draw import chance, pick

__all__ = [
    "OCCUPATION_PHRASES",
    "SKILL_PHRASES",
    "SOFT_SKILLS",
    "misspell",
    "occupation_text",
    "skill_text",
]

_OCC = "http://data.europa.eu/esco/occupation/"
_SKILL = "http://data.europa.eu/esco/skill/"

# ESCO occupation -> what people type for it.
OCCUPATION_PHRASES: Mapping[str, tuple[str, ...]] = {
    _OCC + "303a1e34-cb16-4054-b323-81e5eec17397": (  # schoonmaker gebouwen
        "medewerker schoonmaak", "schoonmaker", "schoonmaakster", "schoonmaakwerk", "poetshulp",
    ),
    _OCC + "cbad55a4-c7cf-4ab6-9540-eac72b26729b": (
        "huishoudelijke hulp", "hulp in de huishouding",
    ),
    _OCC + "731ecac4-06e8-4ec2-a559-101fecbd9183": ("housekeeping", "kamermeisje hotel"),
    _OCC + "cd94def5-3442-4c2e-ae3d-0761a3008bcb": ("orderpicker", "orderpikker", "order picker"),
    _OCC + "bea705fe-06ac-4147-b8e0-6e8ac1208d8f": (
        "magazijnwerk", "logistiek medewerker", "medewerker magazijn", "magazijn",
    ),
    _OCC + "eeac6251-1974-42f5-91ed-513c6c883755": (
        "heftruckchauffeur", "heftruckrijder", "heftruck chauffeur", "reachtruckchauffeur",
    ),
    _OCC + "f5cb9901-86fc-48d0-9cde-667fbe8cef3a": ("inpakker", "inpakster", "inpakwerk"),
    _OCC + "245be6d1-fe9a-4ac8-9f81-122a687e4724": (
        "productiemedewerker", "productie medewerker", "medewerker productie", "lijnwerker",
        "fabriekswerk",
    ),
    _OCC + "2b871272-bd61-4206-bd1a-0b96d7023098": ("caissière", "kassière", "kassa medewerker"),
    _OCC + "d35f9e79-5778-43b4-8667-0e3ba1fcb19a": ("vakkenvuller", "vakken vullen", "vulploeg"),
    _OCC + "0b15375e-dfdd-4047-9efb-096e0aaee7d2": ("verkoopster", "winkel", "winkelbediende"),
    _OCC + "e1cf6897-158d-4b48-a39e-2a3a8cac216c": ("hulpkok", "keukenhulp", "keuken"),
    _OCC + "f756fdab-7726-4c48-bfcc-94ff8810fc08": ("afwasser", "afwashulp", "spoelkeuken"),
    _OCC + "d5db9d5c-2ebf-4a54-a79a-1b7e7ff70471": ("bediening", "serveerster", "ober", "horeca"),
    _OCC + "1391bdf9-bd61-4fb5-91ca-c29036ab2b60": (
        "verzorgende IG", "verzorgende ig", "helpende zorg en welzijn", "thuiszorg",
        "bejaardenhulp",
    ),
    _OCC + "d38c2107-98f2-47b7-8bb4-f69750d51082": ("zorgassistent", "helpende", "zorg"),
    _OCC + "0c408028-c48f-4df8-ba5d-c3d3be15f5a2": (
        "pakketbezorger", "bezorger", "chauffeur bestelbus", "koerier",
    ),
    _OCC + "45037d43-a8f5-4f46-b332-b2935bc305f4": ("chauffeur C", "chauffeur CE", "vrachtwagen"),
    _OCC + "a48b9a5a-5ded-482d-8cda-7fd097a32c16": (
        "medewerker groen", "groenvoorziening", "hovenierswerk",
    ),
    _OCC + "1a9d99ba-4c08-4864-8f6a-1b0f2b4cf883": (
        "kasmedewerker", "tuinbouw", "werken in de kas",
    ),
    _OCC + "fb7e2f4f-1545-42f1-972e-94082e49c6dc": ("bouwvakker", "opperman", "bouw"),
    _OCC + "0ededdc2-050a-4ec3-8e70-6295105fcd19": (
        "klantenservice medewerker", "callcenter", "telefonist",
    ),
    _OCC + "31808988-fc0a-4bc3-9e47-27216d6759f5": ("bewaker", "beveiliging"),
    _OCC + "e54683ca-1fc9-468d-b880-6544ff6b7d0b": ("vuilnisman", "afvalinzameling"),
    _OCC + "503ea267-93e9-4b8c-ae5e-817fe7e4a245": ("straatvegen", "medewerker reiniging"),
    _OCC + "3f74aad8-2d60-4be2-b059-8dba5568d530": ("kinderopvang", "pedagogisch medewerker"),
    _OCC + "f4a25243-b06a-42a9-9c69-246853df63ad": ("klusjesman", "klussen", "onderhoudsman"),
    _OCC + "96a0d8d3-d4a6-473d-80d6-b5dbadde940a": ("snackbar", "fastfood"),
    _OCC + "92cba6b4-8fca-49bb-b68c-45c5096fedc9": ("glazenwassen",),
}  # fmt: skip

# ESCO skill -> what people type for it.
SKILL_PHRASES: Mapping[str, tuple[str, ...]] = {
    _SKILL + "28cb374e-6261-4133-8371-f9a5470145da": (  # heftrucks bedienen
        "heftruck rijden", "heftruckcertificaat", "reachtruck rijden", "heftruck",
    ),
    _SKILL + "ee5e2297-39cc-4ed6-89e5-d58016118a7f": (
        "orderpicken", "orders picken", "order picken",
    ),
    _SKILL + "4f1b6304-f54a-42f0-9604-5427a28d240f": ("schoonmaken", "poetsen", "schoonmaakwerk"),
    _SKILL + "6ff01827-907d-43d8-b6e4-7162c1cf0aca": ("schoonmaken", "afnemen", "soppen"),
    _SKILL + "644617c8-fbe6-4755-b7f2-c3a623641e5b": ("stofzuigen",),
    _SKILL + "d05ae693-dc7d-4073-8806-2782f117c24a": ("ramen wassen", "ramen lappen"),
    _SKILL + "b7c8f418-08d5-45d6-b697-ab26c6ecbfb4": ("klantvriendelijk", "klantgericht"),
    _SKILL + "0cb013af-6dd9-4fb2-b34e-63dda1a5cf82": ("kassawerk", "kassa", "afrekenen"),
    _SKILL + "078861f5-b901-48a5-951e-a3ad0a4fa0bd": ("magazijnwerk", "werken in magazijn"),
    _SKILL + "7e9daad3-8604-4839-af9b-dc6f8db3ef68": ("vakken vullen", "vakkenvullen"),
    _SKILL + "c662be22-f17a-4ba0-894f-d720b20c44cf": ("afwassen", "afwas doen"),
    _SKILL + "f20aedf0-6543-498d-b88e-0a32e604acbb": ("vaatwasser", "afwasmachine"),
    _SKILL + "ab2bb44a-3956-4028-8715-8b70b1960b99": ("tillen", "sjouwen", "zwaar werk"),
    _SKILL + "667cbbaf-f377-46d8-8f2d-1f6d8a55d74a": ("inpakken", "verpakken"),
    _SKILL + "f3934441-4bff-4076-9945-e6c51a01c467": ("koken",),
    _SKILL + "af9b6098-7d2f-4990-b4eb-d7dd73fdb933": ("snoeien",),
    _SKILL + "7b3717e4-e963-44e0-b94f-1088a7242da0": ("tuinieren", "planten verzorgen"),
    _SKILL + "261e740b-d32d-4356-94a8-3ea29128b70b": ("ouderenzorg", "zorgen voor ouderen"),
    _SKILL + "082967d4-b94c-4305-aa13-35a6aa8c5c7c": ("samenwerken", "teamplayer", "goed in team"),
    _SKILL + "c29aa9d2-4da8-4bdd-831c-8d4a2fb51730": ("zelfstandig", "zelfstandig werken"),
    _SKILL + "bcf002ce-90f8-42e5-ac1b-5dba208639b0": ("betrouwbaar", "punctueel", "op tijd"),
    _SKILL + "d15ce60f-ddab-41ce-ba56-398451b77b60": ("computervaardig", "werken met computer"),
    _SKILL + "de2f0ce8-f8d6-48c5-a213-4d065251cecf": ("telefoneren", "telefoon aannemen"),
    _SKILL + "2a82241a-216e-44d8-bb50-6b9a0ef82084": ("auto rijden", "rijbewijs B", "rijden"),
    _SKILL + "b826a56a-811d-477c-b165-271729f644a4": ("schilderen", "verven"),
    _SKILL + "562b1180-83e7-4041-8468-2f28d03b7893": ("strijken",),
    _SKILL + "04838ae5-a737-48a0-a782-3d1b6b6cb75b": ("wassen", "was doen"),
    _SKILL + "110d7aa3-e44e-4cce-a927-8d4de615f3d9": ("afval scheiden",),
    _SKILL + "0c944316-12f6-4949-a156-a03dbaae790f": ("hygienisch werken", "hygiëne"),
    _SKILL + "26a6e6d2-1c9a-4d7e-8c04-5ba16d1f53da": ("gastvrij", "gasten ontvangen"),
    _SKILL + "704bed2c-737a-4585-b840-1d28bbcab9b4": ("bestellingen opnemen",),
    _SKILL + "3d086228-d7fc-4c23-972a-22b7d44a6173": ("stapelen", "dozen stapelen"),
    _SKILL + "fd9c8437-6e20-47b5-8508-f23f442446c2": ("laden en lossen", "pallets laden"),
    _SKILL + "75dfe1ee-5935-42ce-b820-697f827825c3": ("klantenservice", "klanten helpen"),
    _SKILL + "2e4e8114-e579-453d-918e-b0262818ab76": ("oogsten", "plukken"),
    _SKILL + "bdcac0c8-b77a-4640-9eaf-c0cf3efd1e23": ("pinnen en contant afrekenen",),
    _SKILL + "f683ae1d-cb7c-4aa1-b9fe-205e1bd23535": ("Word en Excel", "office", "MS Office"),
    _SKILL + "ff9f1770-2b94-4afa-bf82-1671d7f54b99": ("vuilnis ophalen",),
    _SKILL + "7bb01a18-4637-4535-ba18-258f48f705b8": ("kamers schoonmaken", "hotelkamers"),
    _SKILL + "2ee57de4-bffd-4194-b009-0060edec77cc": ("lassen", "laswerk"),
    _SKILL + "71deea7b-d8a0-42de-9d85-2d6a506dade4": ("boodschappen doen",),
    _SKILL + "e0c6fdd1-336a-4e2f-91d1-ab4a2f9c385d": ("bedden opmaken",),
}  # fmt: skip

# Skills many people list whatever their work was, with how often someone with a profile has
# each (the truth: they really have it). Keyed by ESCO skill URI.
SOFT_SKILLS: Mapping[str, float] = {
    _SKILL + "b7c8f418-08d5-45d6-b697-ab26c6ecbfb4": 0.30,  # zorgen voor klantgerichtheid
    _SKILL + "082967d4-b94c-4305-aa13-35a6aa8c5c7c": 0.35,  # samenwerken met collega's
    _SKILL + "c29aa9d2-4da8-4bdd-831c-8d4a2fb51730": 0.20,  # zelfstandig werken
    _SKILL + "bcf002ce-90f8-42e5-ac1b-5dba208639b0": 0.30,  # blijk geven van betrouwbaarheid
    _SKILL + "d15ce60f-ddab-41ce-ba56-398451b77b60": 0.20,  # computervaardigheden
}

_DIACRITICS = {"ë": "e", "é": "e", "è": "e", "ï": "i", "ö": "o", "ü": "u", "’": "'"}
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _strip_diacritics(text: str) -> str:
    plain = "".join(_DIACRITICS.get(c, c) for c in text)
    return unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode("ascii")


def misspell(rng: random.Random, text: str) -> str:
    """``text`` with one typical typing error, e.g. ``"orderpicker"`` -> ``"oderpicker"``.

    Errors: a dropped, doubled or swapped letter, a missing hyphen or space, lost diacritics.
    The result always differs from ``text`` when ``text`` has at least three letters.
    """
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 3:
        return text
    operations = ["drop", "double", "swap"]
    if " " in text or "-" in text:
        operations += ["join", "join"]
    if _strip_diacritics(text) != text:
        operations += ["plain", "plain"]
    for _ in range(8):
        operation = pick(rng, operations)
        if operation == "join":
            gaps = [i for i, c in enumerate(text) if c in " -"]
            i = pick(rng, gaps)
            result = text[:i] + text[i + 1 :]
        elif operation == "plain":
            result = _strip_diacritics(text)
        else:
            i = pick(rng, letters[1:])  # people rarely get the first letter wrong
            if operation == "drop":
                result = text[:i] + text[i + 1 :]
            elif operation == "double":
                result = text[:i] + text[i] + text[i:]
            else:
                j = i - 1
                result = text[:j] + text[i] + text[j] + text[i + 1 :]
        if result != text and result.strip():
            return result
    return text + pick(rng, _LETTERS)  # "aaa"-like texts where swaps change nothing


def occupation_text(
    rng: random.Random, occupation: Occupation, *, typo_rate: float, phrase_rate: float = 0.3
) -> str:
    """A job title for ``occupation`` as a person or employer would write it: an everyday
    phrase, a Dutch ESCO alternative label or the preferred label, sometimes misspelled."""
    phrases = OCCUPATION_PHRASES.get(occupation.uri, ())
    roll = rng.random()
    if phrases and roll < phrase_rate:
        text = pick(rng, phrases)
    elif occupation.alt_labels_nl and roll < phrase_rate + 0.25:
        text = pick(rng, occupation.alt_labels_nl)
    else:
        text = occupation.label_nl
    if chance(rng, typo_rate):
        text = misspell(rng, text)
    return text


def skill_text(rng: random.Random, skill: Skill, *, typo_rate: float, phrase_rate: float) -> str:
    """A skill as written in a profile or vacancy: an everyday phrase, an ESCO label (Dutch
    where ESCO has one) or a misspelling of one."""
    phrases = SKILL_PHRASES.get(skill.uri, ())
    if phrases and chance(rng, phrase_rate):
        text = pick(rng, phrases)
    elif skill.alt_labels_nl and chance(rng, 0.15):
        text = pick(rng, skill.alt_labels_nl)
    else:
        text = skill.label("nl")
    if chance(rng, typo_rate):
        text = misspell(rng, text)
    return text
