"""The ESCO occupation and skill taxonomy, with ISCO-08 groups and skill levels (beroepsniveau).

ESCO (the EU's classification of occupations and skills) names every occupation and skill by a
stable URI; labels change between versions, so werkmatch stores URIs and shows labels. Each
occupation sits in an ISCO-08 unit group (4 digits, e.g. ``"9112"`` cleaners in offices and
hotels); the CBS table gives each unit group an ISCO skill level, the **beroepsniveau**: 1 (simple
routine work) to 4 (highly complex work).

The shipped data are loaded on the first call of :func:`load_taxonomy`, never at import time::

    >>> taxonomy = load_taxonomy()
    >>> cleaner = taxonomy.occupation(
    ...     "http://data.europa.eu/esco/occupation/303a1e34-cb16-4054-b323-81e5eec17397")
    >>> cleaner.label_nl, cleaner.isco_group, taxonomy.isco_level(cleaner.uri)
    ('schoonmaker gebouwen', '9112', 1)

Tests and callers that want a tiny known taxonomy build one directly:
``Taxonomy(occupations, skills, essential={occ_uri: [skill_uri]}, unit_levels={"9112": 1})``.

Dutch skill labels exist for about half of the skills (the complete Dutch file was not available);
:meth:`Skill.label` falls back to English for the rest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from features.data import read_json
from features.errors import UnknownEntityError

__all__ = ["Occupation", "Skill", "Taxonomy", "load_taxonomy"]

logger = logging.getLogger(__name__)

_LANGUAGES = ("nl", "en")


def _check_language(language: str) -> str:
    lang = language.lower()
    if lang not in _LANGUAGES:
        raise ValueError(f"language must be 'nl' or 'en', not {language!r}")
    return lang


@dataclass(frozen=True, slots=True)
class Occupation:
    """An ESCO occupation with its ISCO-08 unit group (4 digits, zero-padded)."""

    uri: str
    isco_group: str
    label_nl: str
    label_en: str
    alt_labels_nl: tuple[str, ...]
    alt_labels_en: tuple[str, ...]
    description_nl: str
    description_en: str

    def label(self, language: str = "nl") -> str:
        """The preferred label in ``language`` (``"nl"`` or ``"en"``)."""
        return self.label_nl if _check_language(language) == "nl" else self.label_en


@dataclass(frozen=True, slots=True)
class Skill:
    """An ESCO skill, competence or knowledge item.

    ``label_nl`` is ``None`` (and ``alt_labels_nl`` empty) when no Dutch label was available.
    ``skill_type`` is ``"skill/competence"`` or ``"knowledge"``, and ``reuse_level`` one of
    ``"transversal"``, ``"cross-sector"``, ``"sector-specific"``, ``"occupation-specific"``;
    both are ``""`` for the few skills the sources leave unclassified.
    """

    uri: str
    label_en: str
    label_nl: str | None
    alt_labels_en: tuple[str, ...]
    alt_labels_nl: tuple[str, ...]
    skill_type: str
    reuse_level: str

    def label(self, language: str = "nl") -> str:
        """The preferred label in ``language``; the Dutch one falls back to English."""
        if _check_language(language) == "nl" and self.label_nl:
            return self.label_nl
        return self.label_en


def _group_code(code: str) -> str:
    """``"C9112"``, ``" 9112 "`` -> ``"9112"``; ESCO's ISCO group URIs end in ``C`` + code."""
    code = code.strip()
    if code[:1] in ("C", "c"):
        code = code[1:]
    return code


class Taxonomy:
    """Occupations, skills, the essential/optional skills per occupation and ISCO-08 data.

    Parameters hold plain data so a test can build a small known taxonomy:

    - ``essential`` / ``optional``: occupation URI -> skill URIs. A skill listed as both stays
      essential only. Every URI must be among ``occupations`` / ``skills``.
    - ``unit_levels``: ISCO-08 unit group (4 digits) -> skill level 1..4, or ``None`` if unknown.
    - ``group_labels``: ISCO-08 code (1 to 4 digits) -> ``(label_nl, label_en)``.
    """

    def __init__(
        self,
        occupations: Iterable[Occupation],
        skills: Iterable[Skill],
        *,
        essential: Mapping[str, Iterable[str]] | None = None,
        optional: Mapping[str, Iterable[str]] | None = None,
        unit_levels: Mapping[str, int | None] | None = None,
        group_labels: Mapping[str, tuple[str, str]] | None = None,
        version: str = "custom",
    ) -> None:
        self.version = version
        self._occupations = {occ.uri: occ for occ in occupations}
        self._skills = {skill.uri: skill for skill in skills}
        self._occupation_list = tuple(self._occupations.values())
        self._skill_list = tuple(self._skills.values())
        self._essential = self._relation(essential or {}, "essential")
        optional_map = self._relation(optional or {}, "optional")
        self._optional = {}
        for uri, skill_uris in optional_map.items():
            also_essential = set(self._essential.get(uri, ()))
            self._optional[uri] = tuple(s for s in skill_uris if s not in also_essential)
        self._unit_levels = dict(unit_levels or {})
        self._group_labels = dict(group_labels or {})
        self._requiring: Mapping[str, tuple[str, ...]] | None = None

    def _relation(
        self, relation: Mapping[str, Iterable[str]], kind: str
    ) -> dict[str, tuple[str, ...]]:
        result = {}
        for occupation_uri, skill_uris in relation.items():
            if occupation_uri not in self._occupations:
                raise UnknownEntityError(
                    f"{kind} skills given for unknown occupation {occupation_uri}"
                )
            uris = tuple(dict.fromkeys(skill_uris))
            for skill_uri in uris:
                if skill_uri not in self._skills:
                    raise UnknownEntityError(
                        f"{kind} skill {skill_uri} of occupation {occupation_uri} is not known"
                    )
            result[occupation_uri] = uris
        return result

    def __repr__(self) -> str:
        return (
            f"Taxonomy(version={self.version!r}, occupations={len(self._occupations)}, "
            f"skills={len(self._skills)})"
        )

    # -- occupations and skills -------------------------------------------------------------

    def occupation(self, uri: str) -> Occupation:
        """The occupation with ESCO URI ``uri``; raises :class:`UnknownEntityError`."""
        try:
            return self._occupations[uri]
        except KeyError:
            raise UnknownEntityError(f"unknown ESCO occupation {uri!r}") from None

    def skill(self, uri: str) -> Skill:
        """The skill with ESCO URI ``uri``; raises :class:`UnknownEntityError`."""
        try:
            return self._skills[uri]
        except KeyError:
            raise UnknownEntityError(f"unknown ESCO skill {uri!r}") from None

    def has_occupation(self, uri: str) -> bool:
        """Whether ``uri`` is a known occupation."""
        return uri in self._occupations

    def has_skill(self, uri: str) -> bool:
        """Whether ``uri`` is a known skill."""
        return uri in self._skills

    def occupations(self) -> Sequence[Occupation]:
        """All occupations (shipped data: ordered by URI)."""
        return self._occupation_list

    def skills(self) -> Sequence[Skill]:
        """All skills (shipped data: ordered by URI)."""
        return self._skill_list

    # -- relations ---------------------------------------------------------------------------

    def essential_skills(self, occupation_uri: str) -> tuple[str, ...]:
        """URIs of the skills ESCO marks essential for the occupation (may be empty)."""
        self.occupation(occupation_uri)
        return self._essential.get(occupation_uri, ())

    def optional_skills(self, occupation_uri: str) -> tuple[str, ...]:
        """URIs of the skills ESCO marks optional for the occupation (never also essential)."""
        self.occupation(occupation_uri)
        return self._optional.get(occupation_uri, ())

    def occupations_requiring(self, skill_uri: str) -> tuple[str, ...]:
        """URIs of the occupations for which the skill is essential."""
        self.skill(skill_uri)
        if self._requiring is None:
            requiring: dict[str, list[str]] = {}
            for occupation_uri, skill_uris in self._essential.items():
                for uri in skill_uris:
                    requiring.setdefault(uri, []).append(occupation_uri)
            self._requiring = MappingProxyType(
                {uri: tuple(sorted(occs)) for uri, occs in requiring.items()}
            )
        return self._requiring.get(skill_uri, ())

    # -- ISCO-08 -----------------------------------------------------------------------------

    def isco_level(self, occupation_uri: str) -> int | None:
        """ISCO-08 skill level (beroepsniveau) 1..4 of the occupation's unit group, or ``None``
        when CBS gives none. Raises :class:`UnknownEntityError` for an unknown occupation."""
        return self.isco_unit_level(self.occupation(occupation_uri).isco_group)

    def isco_unit_level(self, isco_group: str) -> int | None:
        """ISCO-08 skill level 1..4 of a unit group (``"9112"``, ``"C9112"``, ``"112"`` = 0112),
        or ``None`` when unknown."""
        code = _group_code(isco_group)
        if code.isdigit() and len(code) <= 4:
            return self._unit_levels.get(code.zfill(4))
        return None

    def isco_group_label(self, code: str, language: str = "nl") -> str:
        """Label of an ISCO-08 group: major (1 digit), sub-major (2), minor (3) or unit (4).

        Raises :class:`UnknownEntityError` for a code that is not an ISCO-08 group.
        """
        index = 0 if _check_language(language) == "nl" else 1
        labels = self._group_labels.get(_group_code(code))
        if labels is None:
            raise UnknownEntityError(f"unknown ISCO-08 group {code!r}")
        return labels[index] or labels[1 - index]

    def occupations_in_group(self, isco_prefix: str) -> tuple[str, ...]:
        """URIs of the occupations whose unit group starts with ``isco_prefix`` (1-4 digits),
        ordered by URI; e.g. ``"91"`` gives all cleaners and helpers."""
        prefix = _group_code(isco_prefix)
        if not (prefix.isdigit() and 1 <= len(prefix) <= 4):
            raise ValueError(f"ISCO-08 prefix must be 1 to 4 digits, not {isco_prefix!r}")
        return tuple(
            sorted(occ.uri for occ in self._occupation_list if occ.isco_group.startswith(prefix))
        )


def _read_occupations() -> list[Occupation]:
    payload = read_json("esco_occupations.json.gz")
    prefix = payload["uri_prefix"]
    occupations = []
    for row in payload["rows"]:
        ident, isco_group, label_nl, label_en, alt_nl, alt_en, desc_nl, desc_en = row
        occupations.append(
            Occupation(
                uri=prefix + ident,
                isco_group=isco_group,
                label_nl=label_nl,
                label_en=label_en,
                alt_labels_nl=tuple(alt_nl),
                alt_labels_en=tuple(alt_en),
                description_nl=desc_nl,
                description_en=desc_en,
            )
        )
    return occupations


def _read_skills() -> list[Skill]:
    payload = read_json("esco_skills.json.gz")
    prefix, types, reuses = payload["uri_prefix"], payload["skill_types"], payload["reuse_levels"]
    return [
        Skill(
            uri=prefix + ident,
            label_en=label_en,
            label_nl=label_nl,
            alt_labels_en=tuple(alt_en),
            alt_labels_nl=tuple(alt_nl),
            skill_type=types[type_index],
            reuse_level=reuses[reuse_index],
        )
        for ident, label_en, label_nl, alt_en, alt_nl, type_index, reuse_index in payload["rows"]
    ]


@cache
def load_taxonomy() -> Taxonomy:
    """The shipped taxonomy (ESCO v1.2.0 occupations and relations, ISCO-08, CBS levels).

    Loaded once, on the first call; raises :class:`~features.errors.ArtifactError` when the
    shipped files are missing or altered.
    """
    started = time.perf_counter()
    occupations = _read_occupations()
    skills = _read_skills()
    relations = read_json("esco_relations.json.gz")
    occupation_uris = [occ.uri for occ in occupations]
    skill_uris = [skill.uri for skill in skills]
    essential = {
        occupation_uris[i]: [skill_uris[j] for j in indices]
        for i, indices in enumerate(relations["essential"])
        if indices
    }
    optional = {
        occupation_uris[i]: [skill_uris[j] for j in indices]
        for i, indices in enumerate(relations["optional"])
        if indices
    }
    levels = read_json("cbs_isco_skill_levels.json.gz")["unit_groups"]
    groups = read_json("isco_groups.json.gz")["groups"]
    group_labels = {code: (nl, en) for code, (nl, en) in groups.items()}
    # CBS also names a few "z.n.d." (not further specified) unit groups ESCO lacks; Dutch only.
    for code, (_level, label_nl) in levels.items():
        group_labels.setdefault(code, (label_nl, ""))
    taxonomy = Taxonomy(
        occupations,
        skills,
        essential=essential,
        optional=optional,
        unit_levels={code: level for code, (level, _label) in levels.items()},
        group_labels=group_labels,
        version=relations["version"],
    )
    logger.debug("loaded %r in %.2f s", taxonomy, time.perf_counter() - started)
    return taxonomy
