"""Prepared profiles: a candidate or vacancy read once into what matching compares.

A record holds what people typed (``"heftruck rijden"``, ``"magazijnmedewerker"``); a profile
adds what werkmatch understood of it:

- every skill phrase normalised onto ESCO (:class:`~features.skills.SkillNormaliser`), keeping the
  phrase itself when nothing matched, so unmatched phrases still count by their words;
- every job title, desired occupation and vacancy title linked to ESCO occupations: the given
  ``esco_uri`` / ``esco_occupation_uri`` when there is one, else the best
  :class:`~features.occupations.OccupationLinker` matches with their scores;
- the ISCO-08 unit groups of those occupations and the ISCO skill level (beroepsniveau) that the
  work history shows, the education rank (``None`` for ``unknown``: never read as 'none'),
  the languages and their levels;
- one embedding of the profile: the mean embedding of the candidate's job titles and desired
  occupations; the embedding of the vacancy's title and the start of its description.

Protected attributes and barriers are removed from the record a profile keeps, so nothing built
on profiles can read them.

:class:`ProfileBuilder` builds profiles for a whole population at once: the normaliser, the
linker and the encoder each see every distinct text only once::

    builder = ProfileBuilder(taxonomy, HashingEncoder())
    candidates = builder.candidates(candidate_records)
    vacancies = builder.vacancies(vacancy_records)
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from features._text import fold
from features.embedding import CachedEncoder, Encoder
from features.occupations import OccupationLinker, OccupationMatch
from features.records import Candidate, ProtectedAttributes, Vacancy
from features.skills import SkillMatch, SkillNormaliser
from features.taxonomy import Taxonomy
from features.vocabulary import education_rank

__all__ = [
    "CandidateProfile",
    "LinkedOccupation",
    "LinkedTitle",
    "ProfileBuilder",
    "ProfileSkill",
    "VacancyProfile",
    "candidate_titles",
    "skill_key",
]

logger = logging.getLogger(__name__)

_EMPTY_PROTECTED = ProtectedAttributes()


def skill_key(text: str) -> str:
    """The key under which a phrase counts as 'the same words': ``"t:"`` + its folded form.

    ``"Heftruck  rijden!"`` and ``"heftruck rijden"`` share the key ``"t:heftruck rijden"``.
    ESCO skills are keyed by their URI, which never starts with ``t:``.
    """
    return "t:" + fold(text)


@dataclass(frozen=True, slots=True)
class ProfileSkill:
    """A skill phrase and the ESCO skill it was normalised to (``uri`` None when none matched).

    ``method`` is how the phrase reached ESCO (``uri``, ``exact``, ``fuzzy``, ``semantic`` or
    ``none``) and ``confidence`` how sure that step was (0..1).
    """

    text: str
    key: str
    uri: str | None
    label: str | None
    method: str
    confidence: float


@dataclass(frozen=True, slots=True)
class LinkedOccupation:
    """One ESCO occupation (or only an ISCO unit group) that a title was linked to.

    ``method`` is ``uri`` (given in the record), ``isco`` (only an ISCO code was given, so
    ``uri`` is None) or ``linked`` (found by the occupation linker, with its ``score``).
    """

    uri: str | None
    label: str | None
    isco_group: str | None
    score: float
    method: str

    @property
    def minor_group(self) -> str | None:
        """The ISCO-08 minor group: the first three digits of the unit group."""
        return self.isco_group[:3] if self.isco_group else None


@dataclass(frozen=True, slots=True)
class LinkedTitle:
    """A job title or desired occupation and its linked occupations, best first.

    For work history, ``years`` is how long the job lasted and ``end_year`` when it ended
    (``None``: still working there or not recorded).
    """

    text: str
    occupations: tuple[LinkedOccupation, ...]
    years: float | None = None
    end_year: int | None = None

    @property
    def best(self) -> LinkedOccupation | None:
        return self.occupations[0] if self.occupations else None


@dataclass(frozen=True, eq=False)
class CandidateProfile:
    """What matching knows of a candidate. ``record`` has protected attributes and barriers
    removed; ``isco_level`` is the highest ISCO skill level the work history shows (None without
    linked work history); ``education_rank`` is None for unknown education."""

    id: str
    record: Candidate
    skills: tuple[ProfileSkill, ...]
    work: tuple[LinkedTitle, ...]
    desired: tuple[LinkedTitle, ...]
    isco_groups: frozenset[str]
    isco_level: int | None
    education_rank: int | None
    languages: dict[str, int]
    text: str
    vector: np.ndarray

    @property
    def dutch_rank(self) -> int | None:
        """Rank of the recorded level of Dutch (0 = A1 .. 6 = native), None when not recorded."""
        return self.languages.get("nl")


@dataclass(frozen=True, eq=False)
class VacancyProfile:
    """What matching knows of a vacancy: its skills, its occupation(s), its ISCO level."""

    id: str
    record: Vacancy
    required: tuple[ProfileSkill, ...]
    optional: tuple[ProfileSkill, ...]
    title: LinkedTitle
    isco_level: int | None
    education_min_rank: int | None
    text: str
    vector: np.ndarray

    @property
    def isco_group(self) -> str | None:
        best = self.title.best
        return best.isco_group if best else None


class ProfileBuilder:
    """Builds profiles for many records at once, batching every text step over distinct texts.

    Parameters
    ----------
    taxonomy, encoder:
        The taxonomy and the text encoder; the encoder is wrapped in a
        :class:`~features.embedding.CachedEncoder` (unless it is one) and shared with the
        normaliser and linker built here, so each distinct text is embedded once.
    normaliser, linker:
        Use these instead of building a :class:`SkillNormaliser` / :class:`OccupationLinker`.
    occupation_top:
        How many linked occupations to keep per title.
    min_link_score:
        Linker matches scoring below this are dropped (a weak guess is worse than none).
    max_description_chars:
        How much of a vacancy description goes into its embedding text.
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        encoder: Encoder,
        *,
        normaliser: SkillNormaliser | None = None,
        linker: OccupationLinker | None = None,
        occupation_top: int = 3,
        min_link_score: float = 0.5,
        max_description_chars: int = 500,
    ) -> None:
        self.taxonomy = taxonomy
        self.encoder: Encoder = (
            encoder if isinstance(encoder, CachedEncoder) else CachedEncoder(encoder)
        )
        self._normaliser = normaliser
        self._linker = linker
        self.occupation_top = occupation_top
        self.min_link_score = min_link_score
        self.max_description_chars = max_description_chars
        self._skill_cache: dict[str, ProfileSkill] = {}
        self._title_cache: dict[str, tuple[LinkedOccupation, ...]] = {}

    @property
    def normaliser(self) -> SkillNormaliser:
        if self._normaliser is None:
            self._normaliser = SkillNormaliser(self.taxonomy, self.encoder)
        return self._normaliser

    @property
    def linker(self) -> OccupationLinker:
        if self._linker is None:
            self._linker = OccupationLinker(self.taxonomy, self.encoder)
        return self._linker

    # -- batched text steps ------------------------------------------------------------------

    def _skills(self, texts: Iterable[str]) -> None:
        """Normalise every phrase not seen before, in one call."""
        new = list(dict.fromkeys(t for t in texts if t not in self._skill_cache))
        if not new:
            return
        for text, match in zip(new, self.normaliser.normalise_many(new), strict=True):
            self._skill_cache[text] = self._profile_skill(text, match)

    def _profile_skill(self, text: str, match: SkillMatch) -> ProfileSkill:
        uri = match.uri if match.uri and self.taxonomy.has_skill(match.uri) else None
        label = match.label if uri else None
        if uri and not label:
            label = self.taxonomy.skill(uri).label("nl")
        return ProfileSkill(
            text=text,
            key=skill_key(text),
            uri=uri,
            label=label,
            method=match.method if uri else "none",
            confidence=float(match.confidence) if uri else 0.0,
        )

    def _titles(self, titles: Iterable[str]) -> None:
        """Link every title not seen before, in one call."""
        new = list(dict.fromkeys(t for t in titles if t not in self._title_cache))
        if not new:
            return
        linked = self.linker.link_many(new, top=self.occupation_top)
        for title, matches in zip(new, linked, strict=True):
            self._title_cache[title] = tuple(self._linked(m) for m in matches if self._keep(m))

    def _keep(self, match: OccupationMatch) -> bool:
        return match.score >= self.min_link_score and self.taxonomy.has_occupation(match.uri)

    def _linked(self, match: OccupationMatch) -> LinkedOccupation:
        occupation = self.taxonomy.occupation(match.uri)
        return LinkedOccupation(
            uri=occupation.uri,
            label=occupation.label_nl or occupation.label_en,
            isco_group=occupation.isco_group,
            score=float(min(max(match.score, 0.0), 1.0)),
            method="linked",
        )

    def _given(self, uri: str | None, isco: str | None) -> LinkedOccupation | None:
        """The occupation a record names itself: its ESCO URI, else only its ISCO unit group."""
        if uri and self.taxonomy.has_occupation(uri):
            occupation = self.taxonomy.occupation(uri)
            return LinkedOccupation(
                uri=uri,
                label=occupation.label_nl or occupation.label_en,
                isco_group=occupation.isco_group,
                score=1.0,
                method="uri",
            )
        if uri:
            logger.warning("unknown ESCO occupation %s; linking the title instead", uri)
        if isco:
            label = None
            with contextlib.suppress(LookupError):
                label = self.taxonomy.isco_group_label(isco)
            return LinkedOccupation(None, label, isco, 1.0, "isco")
        return None

    def _title(
        self,
        text: str,
        uri: str | None,
        isco: str | None,
        *,
        years: float | None = None,
        end_year: int | None = None,
    ) -> LinkedTitle:
        given = self._given(uri, isco)
        if given is not None and given.method == "uri":
            occupations: tuple[LinkedOccupation, ...] = (given,)
        else:
            linked = self._title_cache.get(text, ())
            if given is not None:  # an ISCO code beats the linker's guesses at the group level
                linked = tuple(o for o in linked if o.isco_group == given.isco_group) or linked
                occupations = (given, *linked)
            else:
                occupations = linked
        return LinkedTitle(text, occupations, years, end_year)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        """One vector per text; each distinct text is encoded once."""
        distinct = list(dict.fromkeys(texts))
        if not distinct:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        vectors = np.asarray(self.encoder.encode(distinct), dtype=np.float32)
        row = {text: i for i, text in enumerate(distinct)}
        return vectors[[row[t] for t in texts]]

    # -- profiles ------------------------------------------------------------------------------

    def candidates(self, records: Iterable[Candidate]) -> list[CandidateProfile]:
        """Profiles for candidate records (order kept)."""
        started = time.perf_counter()
        records = [
            r.model_copy(update={"protected": _EMPTY_PROTECTED, "barriers": []}) for r in records
        ]
        self._skills(s for r in records for s in r.skills)
        self._titles(
            [w.title for r in records for w in r.work_history if not self._named(w.esco_uri)]
            + [d for r in records for d in r.desired_occupations]
        )
        titles = [candidate_titles(r) for r in records]
        title_vectors = self._embed([t for ts in titles for t in ts])
        vectors = np.zeros((len(records), self.encoder.dim), dtype=np.float32)
        start = 0
        for i, ts in enumerate(titles):
            if ts:  # the mean direction of the person's titles
                mean = title_vectors[start : start + len(ts)].sum(axis=0)
                vectors[i] = mean / max(float(np.linalg.norm(mean)), 1e-12)
            start += len(ts)
        texts = ["; ".join(ts) for ts in titles]
        profiles = [
            self._candidate(r, text, vector)
            for r, text, vector in zip(records, texts, vectors, strict=True)
        ]
        logger.debug(
            "built %d candidate profiles in %.2f s", len(profiles), time.perf_counter() - started
        )
        return profiles

    def _named(self, uri: str | None) -> bool:
        return bool(uri) and self.taxonomy.has_occupation(uri or "")

    def _candidate(self, record: Candidate, text: str, vector: np.ndarray) -> CandidateProfile:
        skills = _distinct_skills(self._skill_cache[s] for s in record.skills)
        work = tuple(
            self._title(w.title, w.esco_uri, w.isco, years=w.years, end_year=w.end_year)
            for w in record.work_history
        )
        desired = tuple(self._title(d, None, None) for d in record.desired_occupations)
        groups = frozenset(
            o.isco_group for t in (*work, *desired) for o in t.occupations if o.isco_group
        )
        levels = [
            level
            for title in work
            if title.best is not None and title.best.isco_group
            for level in [self.taxonomy.isco_unit_level(title.best.isco_group)]
            if level is not None
        ]
        languages: dict[str, int] = {}
        for spoken in record.languages:
            languages[spoken.language] = max(languages.get(spoken.language, -1), spoken.level.rank)
        return CandidateProfile(
            id=record.id,
            record=record,
            skills=skills,
            work=work,
            desired=desired,
            isco_groups=groups,
            isco_level=max(levels) if levels else None,
            education_rank=education_rank(record.education_level),
            languages=languages,
            text=text,
            vector=vector,
        )

    def vacancies(self, records: Iterable[Vacancy]) -> list[VacancyProfile]:
        """Profiles for vacancy records (order kept)."""
        started = time.perf_counter()
        records = list(records)
        self._skills(s for r in records for s in (*r.required_skills, *r.optional_skills))
        self._titles(r.title for r in records if not self._named(r.esco_occupation_uri))
        texts = [self.vacancy_text(r) for r in records]
        vectors = self._embed(texts)
        profiles = [
            self._vacancy(r, text, vector)
            for r, text, vector in zip(records, texts, vectors, strict=True)
        ]
        logger.debug(
            "built %d vacancy profiles in %.2f s", len(profiles), time.perf_counter() - started
        )
        return profiles

    def vacancy_text(self, record: Vacancy) -> str:
        """The text a vacancy is embedded by: its title and the start of its description."""
        description = record.description.strip()[: self.max_description_chars]
        return f"{record.title}. {description}" if description else record.title

    def _vacancy(self, record: Vacancy, text: str, vector: np.ndarray) -> VacancyProfile:
        required = _distinct_skills(self._skill_cache[s] for s in record.required_skills)
        required_keys = {s.key for s in required}
        optional = _distinct_skills(
            s
            for s in (self._skill_cache[t] for t in record.optional_skills)
            if s.key not in required_keys
        )
        title = self._title(record.title, record.esco_occupation_uri, record.isco)
        best = title.best
        level = self.taxonomy.isco_unit_level(best.isco_group) if best and best.isco_group else None
        minimum = record.education_min
        return VacancyProfile(
            id=record.id,
            record=record,
            required=required,
            optional=optional,
            title=title,
            isco_level=level,
            education_min_rank=education_rank(minimum),
            text=text,
            vector=vector,
        )


def candidate_titles(record: Candidate) -> list[str]:
    """What a candidate's profile vector is made of: their distinct job titles and desired
    occupations. The vector is the normalised mean of the titles' embeddings, so each distinct
    title in the population is embedded once (most were already embedded for linking).

    Skills are matched one by one (skill coverage), not through this vector, so giving someone a
    skill can only raise their skill scores and never moves this embedding.
    """
    parts = [w.title for w in record.work_history] + list(record.desired_occupations)
    return list(dict.fromkeys(parts))


def _distinct_skills(skills: Iterable[ProfileSkill]) -> tuple[ProfileSkill, ...]:
    """Skills with repeated phrases (same words) dropped, first kept."""
    seen: dict[str, ProfileSkill] = {}
    for skill in skills:
        seen.setdefault(skill.key, skill)
    return tuple(seen.values())
