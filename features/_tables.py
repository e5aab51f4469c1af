"""Columnar tables of prepared profiles, so pair features are numpy over index arrays.

A :class:`CandidateTable` / :class:`VacancyTable` holds one row per profile ever added. A
changed record is appended as a new row and its old row switched off (``active``), so rows never
move and adding is cheap; the arrays are (re)materialised lazily, only for the rows added since.

Sparse per-row data (which skills someone has, which occupations their titles link to, years of
experience per ISCO group) are stored as :class:`SparseLookup`: sorted ``row << 32 | column``
keys with values, so a value for any (row, column) pairs is one ``searchsorted``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from features.embedding import Encoder
from features.profiles import CandidateProfile, ProfileSkill, VacancyProfile
from features.vocabulary import (
    DRIVING_LICENCES,
    PhysicalDemand,
    PlacementType,
    TransportMode,
)

__all__ = [
    "LICENCE_COVERS",
    "PLACEMENT_TYPES",
    "TRANSPORT_MODES",
    "CandidateTable",
    "Ragged",
    "SkillVocabulary",
    "SparseLookup",
    "VacancyTable",
    "Vocabularies",
    "Vocabulary",
    "expand",
]

_SHIFT = np.int64(32)

TRANSPORT_MODES: tuple[TransportMode, ...] = tuple(TransportMode)
PLACEMENT_TYPES: tuple[PlacementType, ...] = tuple(PlacementType)
DEMANDS: tuple[PhysicalDemand, ...] = tuple(PhysicalDemand)

# A Dutch licence also allows what a lower category allows: B includes AM; C covers C1; the
# trailer (E) categories need the base category and cover the lower E ones.
LICENCE_COVERS: dict[str, frozenset[str]] = {
    "A": frozenset({"A2", "A1", "AM"}),
    "A2": frozenset({"A1", "AM"}),
    "A1": frozenset({"AM"}),
    "B": frozenset({"AM"}),
    "BE": frozenset({"B", "AM"}),
    "C1": frozenset({"B", "AM"}),
    "C": frozenset({"C1", "B", "AM"}),
    "C1E": frozenset({"C1", "BE", "B", "AM"}),
    "CE": frozenset({"C", "C1", "C1E", "BE", "B", "AM"}),
    "D1": frozenset({"B", "AM"}),
    "D": frozenset({"D1", "B", "AM"}),
    "D1E": frozenset({"D1", "BE", "B", "AM"}),
    "DE": frozenset({"D", "D1", "D1E", "BE", "B", "AM"}),
}
_LICENCE_BIT = {code: 1 << i for i, code in enumerate(DRIVING_LICENCES)}


def licence_mask(codes: Iterable[str], *, expand: bool) -> int:
    """Bit mask of licence categories; with ``expand`` also the categories they include."""
    mask = 0
    for code in codes:
        mask |= _LICENCE_BIT.get(code, 0)
        if expand:
            for covered in LICENCE_COVERS.get(code, ()):
                mask |= _LICENCE_BIT[covered]
    return mask


def _demand_mask(demands: Iterable[PhysicalDemand]) -> int:
    return sum(1 << DEMANDS.index(d) for d in set(demands))


def _minutes(value: dt.time | None) -> float:
    return math.nan if value is None else value.hour * 60 + value.minute + value.second / 60


def _day(value: dt.date | None) -> float:
    return math.nan if value is None else float(value.toordinal())


class Vocabulary:
    """Distinct strings numbered 0, 1, 2, ... in order of first sight."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self.items: list[str] = []

    def __len__(self) -> int:
        return len(self.items)

    def add(self, key: str) -> int:
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = len(self.items)
            self.items.append(key)
        return found

    def get(self, key: str | None) -> int:
        """The number of ``key``, or -1 when it was never added (or is None)."""
        return -1 if key is None else self._ids.get(key, -1)


class SkillVocabulary(Vocabulary):
    """Skill keys (phrase keys ``t:...`` and ESCO URIs), each with one embedding.

    A phrase key is embedded by its phrase, a URI by its ESCO label. New keys are embedded in one
    encoder call per :meth:`add_skills`.
    """

    def __init__(self, encoder: Encoder) -> None:
        super().__init__()
        self.encoder = encoder
        self.texts: list[str] = []
        self._chunks: list[NDArray[np.float32]] = []
        self._vectors: NDArray[np.float32] = np.zeros((0, encoder.dim), dtype=np.float32)

    def add_skills(self, skills: Iterable[ProfileSkill]) -> None:
        """Add the phrase key and (if any) the URI key of every skill; embed the new ones."""
        new_texts: list[str] = []
        for skill in skills:
            for key, text in ((skill.key, skill.text), (skill.uri, skill.label or skill.text)):
                if key is not None and self.get(key) < 0:
                    self.add(key)
                    self.texts.append(text)
                    new_texts.append(text)
        if new_texts:
            self._chunks.append(np.asarray(self.encoder.encode(new_texts), dtype=np.float32))

    @property
    def vectors(self) -> NDArray[np.float32]:
        """(len(self), dim) unit vectors, row ``i`` for key number ``i``."""
        if self._chunks:
            self._vectors = np.concatenate([self._vectors, *self._chunks])
            self._chunks = []
        return self._vectors


@dataclass
class Vocabularies:
    """The numbering shared by both tables: skills, occupations and ISCO groups."""

    skills: SkillVocabulary
    occupations: Vocabulary = field(default_factory=Vocabulary)
    units: Vocabulary = field(default_factory=Vocabulary)
    minors: Vocabulary = field(default_factory=Vocabulary)


class SparseLookup:
    """A sparse (rows x columns) matrix of non-negative values, read by (row, column) pairs.

    Rows are appended in increasing order, so the keys ``row << 32 | column`` stay sorted and
    appending is a concatenation; the same arrays read row by row are a CSR matrix
    (:meth:`csr`). Repeated (row, column) entries keep their maximum.
    """

    def __init__(self) -> None:
        self.keys: NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.values: NDArray[np.float64] = np.zeros(0, dtype=np.float64)
        self._csr: tuple[int, NDArray[np.int64], NDArray[np.intp]] | None = None

    def append(self, rows: Sequence[int], cols: Sequence[int], values: Sequence[float]) -> None:
        if not len(rows):
            return
        keys = (np.asarray(rows, dtype=np.int64) << _SHIFT) | np.asarray(cols, dtype=np.int64)
        vals = np.asarray(values, dtype=np.float64)
        order = np.lexsort((-vals, keys))  # by key, largest value first
        keys, vals = keys[order], vals[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        self.keys = np.concatenate([self.keys, keys[first]])
        self.values = np.concatenate([self.values, vals[first]])
        self._csr = None

    def get(self, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> NDArray[np.float64]:
        """Value at each (row, column); 0 where absent or where the column is negative."""
        if not len(self.keys) or not len(rows):
            return np.zeros(len(rows), dtype=np.float64)
        query = (rows.astype(np.int64) << _SHIFT) | np.maximum(cols, 0).astype(np.int64)
        idx = np.searchsorted(self.keys, query)
        idx = np.minimum(idx, len(self.keys) - 1)
        found = (self.keys[idx] == query) & (cols >= 0)
        return np.where(found, self.values[idx], 0.0)

    def csr(self, n_rows: int) -> tuple[NDArray[np.int64], NDArray[np.intp], NDArray[np.float64]]:
        """(indptr, columns, values): row ``r``'s entries, by column, are
        ``indptr[r]:indptr[r + 1]``."""
        if self._csr is None or self._csr[0] != n_rows:
            indptr = np.searchsorted(self.keys >> _SHIFT, np.arange(n_rows + 1)).astype(np.int64)
            cols = (self.keys & np.int64(0xFFFFFFFF)).astype(np.intp)
            self._csr = (n_rows, indptr, cols)
        return self._csr[1], self._csr[2], self.values


def expand(
    indptr: NDArray[np.int64], rows: NDArray[np.intp]
) -> tuple[NDArray[np.intp], NDArray[np.int64]]:
    """For CSR ``indptr``, each entry of each given row: (position of its row in ``rows``,
    index of the entry). Owners come out in ascending order."""
    counts = indptr[rows + 1] - indptr[rows]
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(rows)), counts)
    starts = np.repeat(indptr[rows] - (np.cumsum(counts) - counts), counts)
    return owner, starts + np.arange(total, dtype=np.int64)


class Ragged:
    """Variable-length integer lists per row (CSR: ``indptr`` and ``indices``)."""

    def __init__(self) -> None:
        self.indptr: NDArray[np.int64] = np.zeros(1, dtype=np.int64)
        self.indices: NDArray[np.int64] = np.zeros(0, dtype=np.int64)

    def append(self, lists: Sequence[Sequence[int]]) -> None:
        if not lists:
            return
        lengths = np.array([len(x) for x in lists], dtype=np.int64)
        flat = [i for x in lists for i in x]
        self.indptr = np.concatenate([self.indptr, self.indptr[-1] + np.cumsum(lengths)])
        self.indices = np.concatenate([self.indices, np.asarray(flat, dtype=np.int64)])

    def lengths(self, rows: NDArray[np.intp]) -> NDArray[np.int64]:
        return self.indptr[rows + 1] - self.indptr[rows]

    def expand(self, rows: NDArray[np.intp]) -> tuple[NDArray[np.intp], NDArray[np.int64]]:
        """For each given row (by position ``p``) each of its entries: (p, index into indices)."""
        return expand(self.indptr, rows)


class _Table:
    """Rows added in batches; columns are numpy arrays grown by concatenation."""

    _COLUMNS: ClassVar[tuple[str, ...]] = ()
    _DTYPES: ClassVar[Mapping[str, Any]] = MappingProxyType({})  # unlisted columns: float64

    def __init__(self, vocab: Vocabularies, travel: Any) -> None:
        self.vocab = vocab
        self.travel = travel
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self.active: NDArray[np.bool_] = np.zeros(0, dtype=bool)
        self.vectors: NDArray[np.float32] = np.zeros((0, vocab.skills.encoder.dim), np.float32)
        for name in self._COLUMNS:
            setattr(self, name, np.zeros(0, dtype=self._DTYPES.get(name, np.float64)))

    def __len__(self) -> int:
        return len(self.ids)

    def _grow(self, columns: dict[str, list[Any]]) -> None:
        for name, values in columns.items():
            old = getattr(self, name)
            new = np.asarray(values, dtype=self._DTYPES.get(name, np.float64))
            setattr(self, name, new if len(old) == 0 else np.concatenate([old, new]))

    def _register(self, ids: Sequence[str]) -> int:
        """Number the new rows, switch off replaced rows; returns the first new row."""
        first = len(self.ids)
        active = np.ones(len(ids), dtype=bool)
        old_rows = [self.row_of[i] for i in ids if i in self.row_of]
        self.active = np.concatenate([self.active, active])
        self.active[old_rows] = False
        for offset, record_id in enumerate(ids):
            previous = self.row_of.get(record_id)
            if previous is not None and previous >= first:  # the same id twice in one batch
                self.active[previous] = False
            self.row_of[record_id] = first + offset
            self.ids.append(record_id)
        return first

    def rows_of(self, ids: Iterable[str]) -> NDArray[np.intp]:
        return np.array([self.row_of[i] for i in ids], dtype=np.intp)

    def active_rows(self) -> NDArray[np.intp]:
        return np.flatnonzero(self.active)

    def _place_row(self, postcode: str) -> int:
        """Row of the postcode in the travel model's table, -1 when it is not known; 0 for a
        model without such a table (it is then asked pair by pair)."""
        index_of: Callable[[Sequence[str]], NDArray[np.intp]] | None = getattr(
            self.travel, "index_of", None
        )
        if index_of is None:
            return 0
        try:
            return int(index_of([postcode])[0])
        except LookupError:
            return -1


def _occupation_entries(
    vocab: Vocabularies, row: int, titles: Iterable[Any], out: dict[str, list[list[Any]]]
) -> None:
    """Append (row, id, score) for every linked occupation, unit group and minor group."""
    for title in titles:
        for occupation in title.occupations:
            if occupation.uri:
                _push(out["occ"], row, vocab.occupations.add(occupation.uri), occupation.score)
            if occupation.isco_group:
                _push(out["unit"], row, vocab.units.add(occupation.isco_group), occupation.score)
                _push(out["minor"], row, vocab.minors.add(occupation.minor_group), occupation.score)


def _push(triples: list[list[Any]], row: int, col: int, value: float) -> None:
    triples[0].append(row)
    triples[1].append(col)
    triples[2].append(value)


def _triples() -> list[list[Any]]:
    return [[], [], []]


class CandidateTable(_Table):
    """Every candidate as aligned arrays (see the module docstring).

    Scalar columns (``nan`` = not recorded): ``education_rank``, ``isco_level``, ``dutch_rank``,
    ``rung``, ``hours_min``, ``hours_max``, ``available_from`` (date ordinal); flags
    ``exempt``, ``register``; bit masks ``licences`` (held, including what they cover) and
    ``restrictions`` (the physical demands ruled out); travel: ``place`` (row in the travel
    model, -1 unknown), ``modes`` (n, modes) usable, ``max_minutes``.
    """

    _COLUMNS = (
        "education_rank", "isco_level", "dutch_rank", "rung", "hours_min", "hours_max",
        "available_from", "exempt", "register", "licences", "restrictions", "place",
        "max_minutes", "has_text",
    )  # fmt: skip
    _DTYPES = MappingProxyType({
        "exempt": bool, "register": bool, "licences": np.int64, "restrictions": np.int64,
        "place": np.intp, "has_text": bool,
    })  # fmt: skip
    education_rank: NDArray[np.float64]
    isco_level: NDArray[np.float64]
    dutch_rank: NDArray[np.float64]
    rung: NDArray[np.float64]
    hours_min: NDArray[np.float64]
    hours_max: NDArray[np.float64]
    available_from: NDArray[np.float64]
    exempt: NDArray[np.bool_]
    register: NDArray[np.bool_]
    licences: NDArray[np.int64]
    restrictions: NDArray[np.int64]
    place: NDArray[np.intp]
    max_minutes: NDArray[np.float64]
    has_text: NDArray[np.bool_]

    def __init__(self, vocab: Vocabularies, travel: Any, *, today: dt.date) -> None:
        super().__init__(vocab, travel)
        self.today = today
        self.modes: NDArray[np.bool_] = np.zeros((0, len(TRANSPORT_MODES)), dtype=bool)
        # (row, skill key) -> 1 for the phrase's own words, the normaliser's confidence for URIs
        self.skills = SparseLookup()
        self.work = {name: SparseLookup() for name in ("occ", "unit", "minor")}
        self.desired = {name: SparseLookup() for name in ("occ", "unit", "minor")}
        self.years = {name: SparseLookup() for name in ("unit", "minor")}
        # years since the most recent job in the group ended, plus one (0 = no known end)
        self.since = {name: SparseLookup() for name in ("unit", "minor")}
        self.profiles: list[CandidateProfile] = []

    def add(self, profiles: Sequence[CandidateProfile]) -> NDArray[np.intp]:
        """Append profiles (replacing rows with the same id); returns their rows."""
        if not profiles:
            return np.zeros(0, dtype=np.intp)
        vocab = self.vocab
        vocab.skills.add_skills(s for p in profiles for s in p.skills)
        first = self._register([p.id for p in profiles])
        self.profiles.extend(profiles)
        cols: dict[str, list[Any]] = {name: [] for name in self._COLUMNS}
        modes: list[list[bool]] = []
        skills = _triples()
        work = {name: _triples() for name in self.work}
        desired = {name: _triples() for name in self.desired}
        years = {name: _triples() for name in self.years}
        since = {name: _triples() for name in self.since}
        for offset, p in enumerate(profiles):
            row, r = first + offset, p.record
            for skill in p.skills:
                _push(skills, row, vocab.skills.get(skill.key), 1.0)
                if skill.uri:
                    _push(skills, row, vocab.skills.get(skill.uri), skill.confidence)
            _occupation_entries(vocab, row, p.work, work)
            _occupation_entries(vocab, row, p.desired, desired)
            for title in p.work:
                best = title.best
                if best is None or not best.isco_group:
                    continue
                length = 1.0 if title.years is None else float(title.years)
                ended = None if title.end_year is None else max(0, self.today.year - title.end_year)
                for name, code in (("unit", best.isco_group), ("minor", best.minor_group)):
                    col = getattr(vocab, name + "s").add(code)
                    _push(years[name], row, col, length)
                    if ended is not None:
                        # stored as 1 / (years since + 1): 'keep the maximum' keeps the most
                        # recent job, and 0 still means 'no known end'
                        _push(since[name], row, col, 1.0 / (ended + 1.0))
            cols["education_rank"].append(_nan(p.education_rank))
            cols["isco_level"].append(_nan(p.isco_level))
            cols["dutch_rank"].append(_nan(p.dutch_rank))
            cols["rung"].append(_nan(r.participation_rung))
            cols["hours_min"].append(_nan(r.hours_min))
            cols["hours_max"].append(_nan(r.hours_max))
            cols["available_from"].append(_day(r.available_from))
            cols["exempt"].append(r.exempt_from_work_obligation)
            cols["register"].append(r.target_group_register)
            cols["licences"].append(licence_mask(r.driving_licences, expand=True))
            cols["restrictions"].append(_demand_mask(x.rules_out for x in r.restrictions))
            cols["place"].append(self._place_row(r.postcode))
            cols["max_minutes"].append(float(r.max_travel_minutes))
            cols["has_text"].append(bool(p.text))
            modes.append(_usable_modes(r.transport_modes, r.driving_licences))
        _sum_years(years)
        self._grow(cols)
        self.modes = np.concatenate([self.modes, np.asarray(modes, dtype=bool)])
        self.skills.append(*skills)
        for name in self.work:
            self.work[name].append(*work[name])
            self.desired[name].append(*desired[name])
        for name in self.years:
            self.years[name].append(*years[name])
            self.since[name].append(*since[name])
        self.vectors = np.concatenate(
            [self.vectors, _stack((p.vector for p in profiles), self.vectors.shape[1])]
        )
        return np.arange(first, first + len(profiles), dtype=np.intp)


def _sum_years(years: dict[str, list[list[Any]]]) -> None:
    """Years in the same group add up (SparseLookup would keep only the maximum)."""
    for name, (rows, cols, values) in years.items():
        total: dict[tuple[int, int], float] = {}
        for row, col, value in zip(rows, cols, values, strict=True):
            total[(row, col)] = total.get((row, col), 0.0) + value
        years[name] = [[k[0] for k in total], [k[1] for k in total], list(total.values())]


# When a candidate records no transport mode, werkmatch assumes walking and public transport:
# needing nothing but legs and a ticket, they are open to everyone.
DEFAULT_MODES: tuple[TransportMode, ...] = (TransportMode.WALK, TransportMode.PUBLIC_TRANSPORT)
_CAR_LICENCES = frozenset({"B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE"})
_MOPED_LICENCES = frozenset({"AM", "A1", "A2", "A"}) | _CAR_LICENCES


def _usable_modes(modes: Sequence[TransportMode], licences: Sequence[str]) -> list[bool]:
    """Which modes someone can use: the modes they have, a car or moped only with a licence."""
    held = set(licences)
    own = set(modes) or set(DEFAULT_MODES)
    usable = []
    for mode in TRANSPORT_MODES:
        ok = mode in own
        if mode is TransportMode.CAR:
            ok = ok and bool(held & _CAR_LICENCES)
        elif mode is TransportMode.MOPED:
            ok = ok and bool(held & _MOPED_LICENCES)
        usable.append(ok)
    return usable


def _nan(value: float | int | None) -> float:
    return math.nan if value is None else float(value)


def _stack(vectors: Iterable[np.ndarray], dim: int) -> NDArray[np.float32]:
    rows = list(vectors)
    if not rows:
        return np.zeros((0, dim), dtype=np.float32)
    return np.asarray(np.stack(rows), dtype=np.float32)


class VacancyTable(_Table):
    """Every vacancy as aligned arrays.

    ``required`` / ``optional``: per row the skill requirements (phrase key, URI key or -1, and
    the normaliser's confidence for the URI) as :class:`Ragged` positions into the
    ``*_text``, ``*_uri``, ``*_conf`` arrays. ``occupations``: per row the linked occupations
    (ids into ``occ_id``, ``unit_id``, ``minor_id``, ``occ_score``). Scalars (``nan`` = none):
    ``education_min`` (rank), ``isco_level``, ``language_min`` (rank), ``hours_min``,
    ``hours_max``, ``shift_start`` / ``shift_end`` (minutes after midnight), ``open_until``
    (date ordinal); masks ``licences`` (required) and ``demands``; ``placement`` (index in
    :data:`PLACEMENT_TYPES`); travel ``place`` (row in the travel model, -1 unknown).
    """

    _COLUMNS = (
        "education_min", "isco_level", "language_min", "hours_min", "hours_max", "shift_start",
        "shift_end", "open_until", "licences", "demands", "placement", "place",
    )  # fmt: skip
    _DTYPES = MappingProxyType(
        {"licences": np.int64, "demands": np.int64, "placement": np.intp, "place": np.intp}
    )
    education_min: NDArray[np.float64]
    isco_level: NDArray[np.float64]
    language_min: NDArray[np.float64]
    hours_min: NDArray[np.float64]
    hours_max: NDArray[np.float64]
    shift_start: NDArray[np.float64]
    shift_end: NDArray[np.float64]
    open_until: NDArray[np.float64]
    licences: NDArray[np.int64]
    demands: NDArray[np.int64]
    placement: NDArray[np.intp]
    place: NDArray[np.intp]

    def __init__(self, vocab: Vocabularies, travel: Any) -> None:
        super().__init__(vocab, travel)
        self.required = Ragged()
        self.optional = Ragged()
        self.occupations = Ragged()
        self.req: dict[str, dict[str, NDArray[Any]]] = {
            kind: {
                "text": np.zeros(0, np.intp),
                "uri": np.zeros(0, np.intp),
                "conf": np.zeros(0, np.float64),
            }
            for kind in ("required", "optional")
        }
        self.occ: dict[str, NDArray[Any]] = {
            "occ": np.zeros(0, np.intp),
            "unit": np.zeros(0, np.intp),
            "minor": np.zeros(0, np.intp),
            "score": np.zeros(0, np.float64),
        }
        self.employer_ids: list[str] = []
        self.profiles: list[VacancyProfile] = []

    def add(self, profiles: Sequence[VacancyProfile]) -> NDArray[np.intp]:
        """Append profiles (replacing rows with the same id); returns their rows."""
        if not profiles:
            return np.zeros(0, dtype=np.intp)
        vocab = self.vocab
        vocab.skills.add_skills(s for p in profiles for s in (*p.required, *p.optional))
        first = self._register([p.id for p in profiles])
        self.profiles.extend(profiles)
        cols: dict[str, list[Any]] = {name: [] for name in self._COLUMNS}
        lists: dict[str, list[list[int]]] = {"required": [], "optional": [], "occupations": []}
        req_new: dict[str, dict[str, list[Any]]] = {
            kind: {"text": [], "uri": [], "conf": []} for kind in ("required", "optional")
        }
        occ_new: dict[str, list[Any]] = {"occ": [], "unit": [], "minor": [], "score": []}
        for p in profiles:
            r = p.record
            for kind, skills in (("required", p.required), ("optional", p.optional)):
                start = len(self.req[kind]["text"]) + len(req_new[kind]["text"])
                lists[kind].append(list(range(start, start + len(skills))))
                for skill in skills:
                    req_new[kind]["text"].append(vocab.skills.get(skill.key))
                    req_new[kind]["uri"].append(vocab.skills.get(skill.uri))
                    req_new[kind]["conf"].append(skill.confidence if skill.uri else 0.0)
            start = len(self.occ["occ"]) + len(occ_new["occ"])
            lists["occupations"].append(list(range(start, start + len(p.title.occupations))))
            for o in p.title.occupations:
                occ_new["occ"].append(vocab.occupations.add(o.uri) if o.uri else -1)
                occ_new["unit"].append(vocab.units.add(o.isco_group) if o.isco_group else -1)
                occ_new["minor"].append(vocab.minors.add(o.minor_group) if o.minor_group else -1)
                occ_new["score"].append(o.score)
            cols["education_min"].append(_nan(p.education_min_rank))
            cols["isco_level"].append(_nan(p.isco_level))
            cols["language_min"].append(_nan(r.language_min.rank if r.language_min else None))
            cols["hours_min"].append(_nan(r.hours_min))
            cols["hours_max"].append(_nan(r.hours_max))
            cols["shift_start"].append(_minutes(r.shift_start))
            cols["shift_end"].append(_minutes(r.shift_end))
            cols["open_until"].append(_day(r.open_until))
            cols["licences"].append(licence_mask(r.required_licences, expand=False))
            cols["demands"].append(_demand_mask(r.physical_demands))
            cols["placement"].append(PLACEMENT_TYPES.index(r.placement_type))
            cols["place"].append(self._place_row(r.postcode))
            self.employer_ids.append(r.employer_id)
        self._grow(cols)
        self.required.append(lists["required"])
        self.optional.append(lists["optional"])
        self.occupations.append(lists["occupations"])
        for kind, new in req_new.items():
            for name, values in new.items():
                old = self.req[kind][name]
                self.req[kind][name] = np.concatenate([old, np.asarray(values, dtype=old.dtype)])
        for name, values in occ_new.items():
            old = self.occ[name]
            self.occ[name] = np.concatenate([old, np.asarray(values, dtype=old.dtype)])
        self.vectors = np.concatenate(
            [self.vectors, _stack((p.vector for p in profiles), self.vectors.shape[1])]
        )
        return np.arange(first, first + len(profiles), dtype=np.intp)
