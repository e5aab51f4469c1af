"""The occupations of a municipal labour market, per sector, drawn from ESCO.

Each sector has a few *core* occupations that fill most client-reachable vacancies (cleaners,
order pickers, production workers, kitchen helpers, ...) and ISCO-08 groups from which other
ESCO occupations are drawn for breadth. Only occupations with an ISCO skill level and at least
three essential skills take part, so every vacancy can list real ESCO requirements.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from features.taxonomy import Occupation, Taxonomy
from features.vocabulary import Sector
from service.synth._draw import chance, pick, weighted

__all__ = ["EMPLOYER_SECTOR_SHARE", "Catalogue", "CatalogueOccupation"]

logger = logging.getLogger(__name__)

_OCC = "http://data.europa.eu/esco/occupation/"

# sector -> (core occupations with weights, ISCO-08 prefixes for breadth)
_SECTORS: Mapping[Sector, tuple[tuple[tuple[str, float], ...], tuple[str, ...]]] = {
    Sector.SCHOONMAAK: (
        (("303a1e34-cb16-4054-b323-81e5eec17397", 6), ("731ecac4-06e8-4ec2-a559-101fecbd9183", 2),
         ("cbad55a4-c7cf-4ab6-9540-eac72b26729b", 2), ("92cba6b4-8fca-49bb-b68c-45c5096fedc9", 1),
         ("1a8bda86-307e-4cc0-a945-ceb678ff1471", 0.5),
         ("cb932c74-c13b-47e9-9a85-318bd8eb2f96", 0.5),
         ("7cb71c5f-c310-481c-b46b-d0044328758c", 0.5)),
        ("911", "912", "5151"),
    ),
    Sector.LOGISTIEK: (
        (("cd94def5-3442-4c2e-ae3d-0761a3008bcb", 4), ("bea705fe-06ac-4147-b8e0-6e8ac1208d8f", 4),
         ("eeac6251-1974-42f5-91ed-513c6c883755", 2), ("f5cb9901-86fc-48d0-9cde-667fbe8cef3a", 2),
         ("e4f33b45-ee95-48b5-b2f8-e397aa14ed41", 1), ("808becc8-5a4e-4e71-a043-c2ea32b56ae3", 1),
         ("c84a055d-00fe-4789-a054-f4a62914ff6e", 0.5)),
        ("9333", "9321", "4321", "8344"),
    ),
    Sector.TRANSPORT: (
        (("0c408028-c48f-4df8-ba5d-c3d3be15f5a2", 3), ("45037d43-a8f5-4f46-b332-b2935bc305f4", 2),
         ("00cee175-1376-43fb-9f02-ba3d7a910a58", 1), ("3a959644-beed-4afc-8e57-d5068ae6a43e", 1),
         ("7ed2e153-8da8-4c0d-b4c5-3402c623f34b", 1), ("5ff100c2-00cd-4c64-82ae-8feab6712557", 1)),
        ("832", "833", "9331", "4323", "9621"),
    ),
    Sector.PRODUCTIE: (
        (("245be6d1-fe9a-4ac8-9f81-122a687e4724", 6), ("f5cb9901-86fc-48d0-9cde-667fbe8cef3a", 2),
         ("5d9e63a2-8013-434e-9f92-3b3d54a0c320", 1), ("b0fa69b4-998c-4e66-acd3-5f5d73cadb5c", 1),
         ("37c7880e-cfee-4c41-a41b-061682fefde3", 0.5),
         ("7aedaa07-3884-4c5b-88f9-80997b2aa54b", 1)),
        ("816", "818", "821", "932", "751"),
    ),
    Sector.HORECA: (
        (("e1cf6897-158d-4b48-a39e-2a3a8cac216c", 3), ("f756fdab-7726-4c48-bfcc-94ff8810fc08", 2),
         ("96a0d8d3-d4a6-473d-80d6-b5dbadde940a", 2), ("90f75f67-495d-49fa-ab57-2f320e251d7e", 2),
         ("d5db9d5c-2ebf-4a54-a79a-1b7e7ff70471", 2), ("a1b86a8b-ad91-4192-b386-bbf89bb11699", 1),
         ("a02a1117-212f-4a49-b21a-d3b971e00e48", 0.5)),
        ("512", "513", "941", "5151"),
    ),
    Sector.DETAILHANDEL: (
        (("0b15375e-dfdd-4047-9efb-096e0aaee7d2", 3), ("9ba74e8a-c40c-4228-9998-eb3c7a5c11df", 2),
         ("2b871272-bd61-4206-bd1a-0b96d7023098", 3), ("d35f9e79-5778-43b4-8667-0e3ba1fcb19a", 3)),
        ("522", "523", "524", "9334"),
    ),
    Sector.ZORG: (
        (("d38c2107-98f2-47b7-8bb4-f69750d51082", 2), ("1391bdf9-bd61-4fb5-91ca-c29036ab2b60", 3),
         ("87d0795a-d41f-47ee-979f-0ab7d73836e7", 1), ("3f74aad8-2d60-4be2-b059-8dba5568d530", 1),
         ("b4bff870-5c8f-4c33-b07f-f04d79830633", 1),
         ("4edbde9f-218e-49c7-812f-c45262fb4128", 0.5)),
        ("531", "532", "3412", "9112"),
    ),
    Sector.BOUW: (
        (("fb7e2f4f-1545-42f1-972e-94082e49c6dc", 3), ("15620506-fb5d-49cd-87a2-1c9047fb406a", 1),
         ("05f321f8-055b-407d-bf19-e0ddabda56b7", 1), ("2a22ff9e-de3b-408d-b312-5034896cc4f4", 1),
         ("f272a521-1a38-4d34-a78e-3adeca95b977", 1), ("47300afa-5496-484c-8f65-14247a98b2b8", 1)),
        ("711", "712", "713", "931"),
    ),
    Sector.TECHNIEK: (
        (("7aedaa07-3884-4c5b-88f9-80997b2aa54b", 2), ("4ad4024e-d1d3-4dea-b6d1-2c7948111dce", 1),
         ("4910419f-b4af-4f59-b544-9dbebc8a74f0", 1), ("f4a25243-b06a-42a9-9c69-246853df63ad", 2),
         ("f4eaff3d-f8d0-4a6a-aa90-76827c0fbada", 1)),
        ("721", "723", "741", "742", "3113"),
    ),
    Sector.GROEN: (
        (("a48b9a5a-5ded-482d-8cda-7fd097a32c16", 3), ("e7970c7a-7769-4002-87d3-0a8ea94fdd6f", 2),
         ("a10eb17a-3c78-4f7a-a1da-8f31146339d3", 2)),
        ("6113", "9214", "9215", "621"),
    ),
    Sector.TUINBOUW: (
        (("1a9d99ba-4c08-4864-8f6a-1b0f2b4cf883", 4), ("373db468-bd25-4b67-a6e0-4ac79d9a9e85", 3),
         ("c9191f7f-28b5-4df8-991d-804c53009b83", 1), ("65bd2342-f7de-4932-9164-eb480e35a791", 1)),
        ("611", "612", "921"),
    ),
    Sector.LEISURE: (
        (("39a59c5c-4338-4480-bdc8-96328a491907", 2), ("7f346896-a4fb-47a1-9572-13398bc297a6", 1),
         ("4779055b-f769-4c6d-8e0e-088bb74cfce9", 1), ("92b7776f-5d90-413d-b05f-51e429e28346", 1),
         ("26087cc4-6226-41b0-9f97-9564ebe90dce", 1)),
        ("9629", "4221", "4224", "5113", "3423"),
    ),
    Sector.OVERHEID: (
        (("e54683ca-1fc9-468d-b880-6544ff6b7d0b", 2), ("503ea267-93e9-4b8c-ae5e-817fe7e4a245", 2),
         ("ff8d4065-db44-47c7-a4bd-51b3c306ef70", 1), ("4ed9ce62-75d4-4b05-80d4-e86528fecdcd", 1),
         ("f7b04542-d8c7-42db-8475-e63b507cce82", 1)),
        ("411", "441", "961", "5414", "3353"),
    ),
    Sector.DIENSTVERLENING: (
        (("0ededdc2-050a-4ec3-8e70-6295105fcd19", 2), ("f7b04542-d8c7-42db-8475-e63b507cce82", 1),
         ("099c6bb0-22d3-4c5d-8bf5-70910af381ef", 1), ("31808988-fc0a-4bc3-9e47-27216d6759f5", 2),
         ("e16e4cb0-6f7d-4bf9-8f90-d1d866ad229b", 1), ("13d1b2b4-99dd-44da-9734-c9f74bae18f7", 1)),
        ("422", "514", "5414", "962"),
    ),
    Sector.FACILITAIR: (
        (("1822bfc2-e735-449f-ba00-ca71eb5c062b", 2), ("303a1e34-cb16-4054-b323-81e5eec17397", 2),
         ("31808988-fc0a-4bc3-9e47-27216d6759f5", 1), ("f7b04542-d8c7-42db-8475-e63b507cce82", 1),
         ("15ab8475-549d-48a7-9d4a-5bb310015312", 1), ("f4a25243-b06a-42a9-9c69-246853df63ad", 1)),
        ("515", "9112", "9412", "4226"),
    ),
    Sector.ICT: (
        (("aaeec9a7-dc57-4485-890c-86b3eef735f9", 2), ("3e7bf729-4442-4b9f-ad5e-83111963795c", 1),
         ("6353b3e8-e8f2-4ecb-b230-186927139892", 2)),
        ("351", "251", "413"),
    ),
    Sector.UITZENDEN: (
        (("245be6d1-fe9a-4ac8-9f81-122a687e4724", 3), ("cd94def5-3442-4c2e-ae3d-0761a3008bcb", 3),
         ("bea705fe-06ac-4147-b8e0-6e8ac1208d8f", 2), ("f5cb9901-86fc-48d0-9cde-667fbe8cef3a", 2),
         ("303a1e34-cb16-4054-b323-81e5eec17397", 1), ("1a9d99ba-4c08-4864-8f6a-1b0f2b4cf883", 1),
         ("eeac6251-1974-42f5-91ed-513c6c883755", 1)),
        ("93", "932", "9112", "9214", "8344"),
    ),
}  # fmt: skip

EMPLOYER_SECTOR_SHARE: Mapping[Sector, float] = {
    Sector.ZORG: 12, Sector.DETAILHANDEL: 12, Sector.HORECA: 10, Sector.PRODUCTIE: 8,
    Sector.LOGISTIEK: 8, Sector.DIENSTVERLENING: 7, Sector.SCHOONMAAK: 6, Sector.BOUW: 6,
    Sector.TECHNIEK: 6, Sector.UITZENDEN: 6, Sector.FACILITAIR: 4, Sector.TRANSPORT: 4,
    Sector.GROEN: 3, Sector.TUINBOUW: 3, Sector.OVERHEID: 3, Sector.LEISURE: 3, Sector.ICT: 3,
}  # fmt: skip
"""Relative number of employers per sector in an employer-services portfolio."""

# Where clients' earlier work was: more elementary work than the employer portfolio shows.
_CAREER_SECTOR_SHARE: Mapping[Sector, float] = {
    Sector.SCHOONMAAK: 12, Sector.LOGISTIEK: 11, Sector.PRODUCTIE: 11, Sector.HORECA: 11,
    Sector.DETAILHANDEL: 12, Sector.ZORG: 10, Sector.BOUW: 6, Sector.TECHNIEK: 4,
    Sector.TRANSPORT: 4, Sector.GROEN: 4, Sector.TUINBOUW: 4, Sector.DIENSTVERLENING: 5,
    Sector.FACILITAIR: 3, Sector.LEISURE: 2, Sector.OVERHEID: 2, Sector.ICT: 2,
    Sector.UITZENDEN: 0,
}  # fmt: skip

_CORE_SHARE = 0.75  # share of draws from the core occupations; the rest from the breadth groups
_MIN_ESSENTIAL = 3


@dataclass(frozen=True, slots=True)
class CatalogueOccupation:
    """An ESCO occupation that takes part in the synthetic labour market."""

    occupation: Occupation
    level: int
    """ISCO-08 skill level (beroepsniveau) 1..4."""
    essential: tuple[str, ...]
    """Essential skill URIs, those with a Dutch label first."""
    optional: tuple[str, ...]
    """Optional skill URIs, those with a Dutch label first."""

    @property
    def uri(self) -> str:
        return self.occupation.uri

    @property
    def isco_group(self) -> str:
        return self.occupation.isco_group


class Catalogue:
    """Draws occupations per sector, per person (fitting their education) and related ones."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._entries: dict[str, CatalogueOccupation] = {}
        self._core: dict[Sector, list[tuple[CatalogueOccupation, float]]] = {}
        self._breadth: dict[Sector, list[tuple[CatalogueOccupation, float]]] = {}
        for sector, (core, prefixes) in _SECTORS.items():
            self._core[sector] = [
                (entry, weight)
                for ident, weight in core
                if (entry := self._entry(_OCC + ident)) is not None
            ]
            breadth: dict[str, CatalogueOccupation] = {}
            for prefix in prefixes:
                for uri in taxonomy.occupations_in_group(prefix):
                    entry = self._entry(uri)
                    if entry is not None:
                        breadth[uri] = entry
            # Client-reachable work is mostly ISCO level 1-2; levels 3-4 stay rare.
            self._breadth[sector] = [
                (entry, 1.0 if entry.level <= 2 else 0.35) for _, entry in sorted(breadth.items())
            ]
        if not any(self._core.values()) and not any(self._breadth.values()):
            fallback = [e for o in taxonomy.occupations() if (e := self._entry(o.uri))]
            if not fallback:
                raise ValueError(
                    "the taxonomy has no occupation with an ISCO level and "
                    f"{_MIN_ESSENTIAL}+ essential skills to build vacancies from"
                )
            for sector in _SECTORS:
                self._breadth[sector] = [(entry, 1.0) for entry in fallback]
        self._by_minor: dict[str, list[CatalogueOccupation]] = {}
        for uri in sorted(self._entries):
            entry = self._entries[uri]
            self._by_minor.setdefault(entry.isco_group[:3], []).append(entry)
        missing = sum(len(core) for core, _ in _SECTORS.values()) - sum(
            len(v) for v in self._core.values()
        )
        if missing:
            logger.debug("%d core occupations are not in this taxonomy", missing)

    def _entry(self, uri: str) -> CatalogueOccupation | None:
        if uri in self._entries:
            return self._entries[uri]
        tx = self.taxonomy
        if not tx.has_occupation(uri):
            return None
        level = tx.isco_level(uri)
        essential = tx.essential_skills(uri)
        if level is None or len(essential) < _MIN_ESSENTIAL:
            return None
        entry = CatalogueOccupation(
            occupation=tx.occupation(uri),
            level=level,
            essential=self._dutch_first(essential),
            optional=self._dutch_first(tx.optional_skills(uri)),
        )
        self._entries[uri] = entry
        return entry

    def _dutch_first(self, uris: Sequence[str]) -> tuple[str, ...]:
        dutch = [u for u in uris if self.taxonomy.skill(u).label_nl]
        other = [u for u in uris if not self.taxonomy.skill(u).label_nl]
        return tuple(dutch + other)

    def get(self, uri: str) -> CatalogueOccupation:
        """The catalogue entry of an occupation drawn earlier."""
        return self._entries[uri]

    def sectors(self) -> tuple[Sector, ...]:
        """Sectors that have at least one occupation."""
        return tuple(s for s in _SECTORS if self._core[s] or self._breadth[s])

    def for_sector(self, rng: random.Random, sector: Sector) -> CatalogueOccupation:
        """An occupation for a vacancy in ``sector``: mostly a core one, sometimes from breadth."""
        core, breadth = self._core.get(sector, []), self._breadth.get(sector, [])
        if core and (not breadth or chance(rng, _CORE_SHARE)):
            return weighted(rng, core)
        if breadth:
            return weighted(rng, breadth)
        return self.for_sector(rng, pick(rng, self.sectors()))

    def for_person(self, rng: random.Random, education_rank: int) -> CatalogueOccupation:
        """An occupation someone with this education rank (0..5) plausibly worked in."""
        sectors = [(s, w) for s, w in _CAREER_SECTOR_SHARE.items() if s in self.sectors()]
        for _ in range(20):
            entry = self.for_sector(rng, weighted(rng, sectors))
            if self._fits(rng, entry.level, education_rank):
                return entry
        return entry

    @staticmethod
    def _fits(rng: random.Random, level: int, education_rank: int) -> bool:
        if education_rank <= 2:  # below startkwalificatie
            return level <= 2 and (level == 1 or chance(rng, 0.7))
        if education_rank == 3:  # mbo-2..4, havo, vwo
            return level <= 2 or (level == 3 and chance(rng, 0.25))
        return level >= 2 or chance(rng, 0.5)  # hbo, wo: also elementary work, less often

    def related(self, rng: random.Random, entry: CatalogueOccupation) -> CatalogueOccupation:
        """Another occupation in the same ISCO-08 minor group (3 digits), or ``entry`` itself."""
        options = self._by_minor.get(entry.isco_group[:3], [])
        return pick(rng, options) if options else entry
