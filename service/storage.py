"""The record store: upsert, read and stream candidates, vacancies, employers and outcomes.

A :class:`Store` wraps a SQLAlchemy engine and speaks in records (:mod:`features.records`),
never in rows. Writes are transactional: :meth:`Store.upsert` stores a whole batch or nothing.
A record whose content did not change is left alone (its ``updated_at`` stays), so importing
the same file twice changes nothing.

Protected attributes of a candidate (birth year, gender, nationality, migration background)
are split off into their own table in the same transaction; reads leave them out unless asked
(``include_protected=True``), which only the fairness audit should do.

Example::

    store = open_store(Settings(database_url="sqlite:///var/werkmatch.db"))
    store.upsert("employers", [Employer(id="E1", name="Bakkerij", postcode="9712")])
    store.get("employers", "E1").name
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from pydantic import TypeAdapter
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Table,
    and_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from features.errors import FieldProblem, UnknownEntityError
from features.records import (
    RECORD_TYPES,
    Candidate,
    Outcome,
    ProtectedAttributes,
    Record,
    Vacancy,
)
from service.db import (
    candidate_protected,
    candidates,
    employers,
    engine_from_settings,
    outcomes,
    vacancies,
)
from service.migrations import upgrade_to_head
from service.settings import Settings

__all__ = ["KINDS", "Store", "UpsertCounts", "open_store"]

logger = logging.getLogger(__name__)

KINDS = ("candidates", "vacancies", "employers", "outcomes")

_TABLES: dict[str, Table] = {
    "candidates": candidates,
    "vacancies": vacancies,
    "employers": employers,
    "outcomes": outcomes,
}
_KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "candidates": ("id",),
    "vacancies": ("id",),
    "employers": ("id",),
    "outcomes": ("candidate_id", "vacancy_id", "status", "at"),
}
# kind -> (field of the record, kind it must exist in)
_REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "vacancies": (("employer_id", "employers"),),
    "outcomes": (("candidate_id", "candidates"), ("vacancy_id", "vacancies")),
}
_SINGULAR = {"candidates": "candidate", "vacancies": "vacancy", "employers": "employer"}
_PROTECTED_FIELDS = ("birth_year", "gender", "nationality", "migration_background")
_CHUNK = 500  # ids per IN (...) list: far below every database's parameter limit
_UPSERT_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_DATETIME_JSON = TypeAdapter(dt.datetime)
# Aliases, because inside Store the name ``list`` is the method.
_Records = list[Record]
_Outcomes = list[Outcome]
_Columns = list[ColumnElement[Any]]


@dataclass(frozen=True)
class UpsertCounts:
    """What an upsert did: records new to the store, changed, and identical to what was there."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


@dataclass(frozen=True, slots=True)
class _Row:
    """One record ready to be written: its key, table values and (candidates) protected row."""

    key: tuple[str, ...]
    values: dict[str, Any]
    protected: dict[str, Any] | None


def _check_kind(kind: str) -> Table:
    try:
        return _TABLES[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}") from None


def _digest(*parts: str) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part.encode("utf-8"))
        sha.update(b"\x1f")
    return sha.hexdigest()


def _to_row(kind: str, record: Record, now: dt.datetime) -> _Row:
    if kind == "candidates":
        candidate = cast(Candidate, record)
        data = candidate.model_dump_json(exclude={"protected"})
        protected = candidate.protected
        values: dict[str, Any] = {
            "id": candidate.id,
            "pc4": candidate.pc4,
            "data": data,
            # The hash covers the protected attributes too, so a change there is written.
            "hash": _digest(data, protected.model_dump_json()),
            "updated_at": now,
        }
        prot_row = {"candidate_id": candidate.id, **protected.model_dump(mode="json")}
        return _Row((candidate.id,), values, prot_row)
    data = record.model_dump_json()
    values = {"data": data, "hash": _digest(data), "updated_at": now}
    if kind == "outcomes":
        outcome = cast(Outcome, record)
        values["candidate_id"] = outcome.candidate_id
        values["vacancy_id"] = outcome.vacancy_id
        values["status"] = outcome.status.value
        at = _DATETIME_JSON.dump_json(outcome.at).decode()[1:-1]
        values["at"] = at
        return _Row(
            (outcome.candidate_id, outcome.vacancy_id, outcome.status.value, at), values, None
        )
    record_id: str = record.id  # type: ignore[union-attr]
    values["id"] = record_id
    if kind == "vacancies":
        vacancy = cast(Vacancy, record)
        values["employer_id"] = vacancy.employer_id
        values["pc4"] = vacancy.pc4
    return _Row((record_id,), values, None)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Store:
    """Records in a SQL database, read and written as :mod:`features.records` objects."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- writing -------------------------------------------------------------------------------

    def upsert(self, kind: str, records: Sequence[Record]) -> UpsertCounts:
        """Insert new records and replace changed ones, by id (outcomes: by natural key).

        ONE transaction: on any error nothing of the batch is stored. A vacancy naming an
        unknown employer, or an outcome naming an unknown candidate or vacancy, raises
        :class:`UnknownEntityError` (and stores nothing); :meth:`upsert_known` instead skips
        such records and says which.
        """
        counts, rejected = self._upsert(kind, records, reject_unknown=False)
        assert not rejected
        return counts

    def upsert_known(
        self, kind: str, records: Sequence[Record]
    ) -> tuple[UpsertCounts, list[tuple[int, FieldProblem]]]:
        """Like :meth:`upsert`, but records naming an unknown employer, candidate or vacancy
        are left out instead of failing the batch.

        Returns the counts of what was stored and, for every record left out, its index in
        ``records`` and the problem, e.g. ``employer_id: unknown employer 'E12'; import
        employers first``. The check and the write happen in the same transaction.
        """
        return self._upsert(kind, records, reject_unknown=True)

    def _upsert(
        self, kind: str, records: Sequence[Record], *, reject_unknown: bool
    ) -> tuple[UpsertCounts, list[tuple[int, FieldProblem]]]:
        table = _check_kind(kind)
        if not records:
            return UpsertCounts(), []
        expected = RECORD_TYPES[kind]
        for record in records:
            if not isinstance(record, expected):
                raise TypeError(f"{kind} holds {expected.__name__} records, not {record!r}")
        now = dt.datetime.now(dt.UTC)
        rows = [_to_row(kind, record, now) for record in records]
        with self.engine.begin() as conn:
            rejected = self._unknown_references(conn, kind, records)
            if rejected and not reject_unknown:
                index, problem = rejected[0]
                raise UnknownEntityError(
                    f"{kind} record {index}: {problem}"
                    + (f" (and {len(rejected) - 1} more)" if len(rejected) > 1 else "")
                )
            skip = {index for index, _ in rejected}
            kept = [row for index, row in enumerate(rows) if index not in skip]
            counts = self._write(conn, kind, table, kept)
        logger.debug("upsert %s: %s, %d rejected", kind, counts, len(rejected))
        return counts, rejected

    def _unknown_references(
        self, conn: Connection, kind: str, records: Sequence[Record]
    ) -> list[tuple[int, FieldProblem]]:
        rejected: dict[int, FieldProblem] = {}
        for field, target in _REFERENCES.get(kind, ()):
            wanted = sorted({getattr(record, field) for record in records})
            known = self._existing_ids(conn, target, wanted)
            for index, record in enumerate(records):
                value = getattr(record, field)
                if value not in known and index not in rejected:
                    rejected[index] = FieldProblem(
                        field, f"unknown {_SINGULAR[target]} {value!r}; import {target} first"
                    )
        return sorted(rejected.items())

    @staticmethod
    def _existing_ids(conn: Connection, kind: str, ids: Sequence[str]) -> set[str]:
        table = _TABLES[kind]
        found: set[str] = set()
        for chunk in _chunks(ids):
            found.update(conn.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
        return found

    def _existing_hashes(
        self, conn: Connection, kind: str, table: Table, rows: Sequence[_Row]
    ) -> dict[tuple[str, ...], str]:
        key_columns = [table.c[name] for name in _KEY_COLUMNS[kind]]
        # Narrow by the first key column (the id, or an outcome's candidate_id), then match
        # whole keys here: portable, unlike row-value IN lists.
        first = sorted({row.key[0] for row in rows})
        existing: dict[tuple[str, ...], str] = {}
        for chunk in _chunks(first):
            query = select(*key_columns, table.c.hash).where(key_columns[0].in_(chunk))
            for found in conn.execute(query):
                existing[tuple(found[:-1])] = found[-1]
        return existing

    def _write(
        self, conn: Connection, kind: str, table: Table, rows: Sequence[_Row]
    ) -> UpsertCounts:
        existing = self._existing_hashes(conn, kind, table, rows)
        known = dict(existing)
        inserted = updated = unchanged = 0
        latest: dict[tuple[str, ...], _Row] = {}
        # Counted in order, as if written one by one; a key repeated in the batch is written
        # once, with its last version.
        for row in rows:
            previous = known.get(row.key)
            if previous is None:
                inserted += 1
            elif previous == row.values["hash"]:
                unchanged += 1
            else:
                updated += 1
            known[row.key] = row.values["hash"]
            latest[row.key] = row
        to_write = [row for row in latest.values() if existing.get(row.key) != row.values["hash"]]
        if to_write:
            key_names = _KEY_COLUMNS[kind]
            _upsert_rows(
                conn, table, key_names, [r.values for r in to_write], existing, guard_hash=True
            )
            if kind == "candidates":
                _upsert_rows(
                    conn,
                    candidate_protected,
                    ("candidate_id",),
                    [cast(dict[str, Any], r.protected) for r in to_write],
                    {r.key: "" for r in to_write if r.key in existing},
                    guard_hash=False,
                )
        return UpsertCounts(inserted, updated, unchanged)

    # -- reading -------------------------------------------------------------------------------

    def get(self, kind: str, record_id: str, *, include_protected: bool = False) -> Record:
        """The record with this id; raises :class:`UnknownEntityError` when there is none.

        Outcomes have no id: use :meth:`outcomes_for`.
        """
        table = _check_kind(kind)
        if kind == "outcomes":
            raise ValueError("outcomes have no id; use Store.outcomes_for(...)")
        query = self._select(kind, include_protected).where(table.c.id == record_id)
        with self.engine.connect() as conn:
            found = conn.execute(query).first()
        if found is None:
            raise UnknownEntityError(f"unknown {_SINGULAR[kind]} {record_id!r}")
        return _to_record(kind, found)

    def list(self, kind: str, *, offset: int = 0, limit: int = 50) -> _Records:
        """One page of records ordered by id (outcomes by natural key), without protected data."""
        query = self._select(kind, False).order_by(*self._order(kind)).offset(offset).limit(limit)
        with self.engine.connect() as conn:
            return [_to_record(kind, row) for row in conn.execute(query)]

    def count(self, kind: str) -> int:
        table = _check_kind(kind)
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    def iter_all(
        self, kind: str, *, batch_size: int = 1000, include_protected: bool = False
    ) -> Iterator[Record]:
        """Every record, ordered by id (outcomes by natural key), streamed ``batch_size`` rows
        at a time from one consistent read (memory stays constant however many there are)."""
        query = self._select(kind, include_protected).order_by(*self._order(kind))
        with self.engine.connect() as conn:
            result = conn.execution_options(yield_per=batch_size).execute(query)
            for row in result:
                yield _to_record(kind, row)

    def outcomes_for(
        self, *, candidate_id: str | None = None, vacancy_id: str | None = None
    ) -> _Outcomes:
        """Outcomes of a candidate, of a vacancy, or of both together, oldest first.

        With neither given, every outcome (prefer :meth:`iter_all` for many).
        """
        query = self._select("outcomes", False)
        if candidate_id is not None:
            query = query.where(outcomes.c.candidate_id == candidate_id)
        if vacancy_id is not None:
            query = query.where(outcomes.c.vacancy_id == vacancy_id)
        at: ColumnElement[Any] = outcomes.c.at
        if self.engine.dialect.name == "postgresql":
            at = at.collate("C")
        query = query.order_by(at, *self._order("outcomes"))
        with self.engine.connect() as conn:
            return [cast(Outcome, _to_record("outcomes", row)) for row in conn.execute(query)]

    def protected_attributes(self, candidate_ids: Sequence[str]) -> dict[str, ProtectedAttributes]:
        """Protected attributes by candidate id, for the fairness audit only.

        Unknown ids are left out of the answer.
        """
        found: dict[str, ProtectedAttributes] = {}
        columns = [candidate_protected.c[name] for name in _PROTECTED_FIELDS]
        with self.engine.connect() as conn:
            for chunk in _chunks(sorted(set(candidate_ids))):
                query = select(candidate_protected.c.candidate_id, *columns).where(
                    candidate_protected.c.candidate_id.in_(chunk)
                )
                for row in conn.execute(query):
                    found[row[0]] = _protected(row[1:])
        return found

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _select(self, kind: str, include_protected: bool) -> Any:
        table = _check_kind(kind)
        if kind == "candidates" and include_protected:
            columns = [candidate_protected.c[name] for name in _PROTECTED_FIELDS]
            return select(table.c.data, *columns).select_from(
                table.outerjoin(
                    candidate_protected, candidate_protected.c.candidate_id == table.c.id
                )
            )
        return select(table.c.data)

    def _order(self, kind: str) -> _Columns:
        table = _TABLES[kind]
        columns: _Columns = [table.c[name] for name in _KEY_COLUMNS[kind]]
        if self.engine.dialect.name == "postgresql":
            # Byte order on every database, so exports are identical wherever they ran.
            columns = [column.collate("C") for column in columns]
        return columns


def _protected(values: Sequence[Any]) -> ProtectedAttributes:
    return ProtectedAttributes(**dict(zip(_PROTECTED_FIELDS, values, strict=True)))


def _to_record(kind: str, row: Any) -> Record:
    record = RECORD_TYPES[kind].model_validate_json(row[0])
    if len(row) > 1:
        record = record.model_copy(update={"protected": _protected(row[1:])})
    return cast(Record, record)


def _upsert_rows(
    conn: Connection,
    table: Table,
    key_names: Sequence[str],
    rows: list[dict[str, Any]],
    existing: Iterable[tuple[str, ...]],
    *,
    guard_hash: bool,
) -> None:
    """Insert-or-replace ``rows`` keyed by ``key_names``.

    SQLite and PostgreSQL get one ``INSERT .. ON CONFLICT DO UPDATE`` (safe even if another
    writer inserted the same key meanwhile); other databases an INSERT of the rows whose key
    is not in ``existing`` and an UPDATE of the others.
    """
    update_names = [name for name in rows[0] if name not in key_names]
    make_insert: Any = _UPSERT_INSERTS.get(conn.dialect.name)
    if make_insert is not None:
        stmt = make_insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key_names),
            set_={name: stmt.excluded[name] for name in update_names},
            where=(table.c.hash != stmt.excluded.hash) if guard_hash else None,
        )
        conn.execute(stmt, rows)
        return
    present = set(existing)
    new = [row for row in rows if tuple(row[k] for k in key_names) not in present]
    old = [row for row in rows if tuple(row[k] for k in key_names) in present]
    if new:
        conn.execute(insert(table), new)
    if old:
        stmt_update = (
            update(table)
            .where(and_(*(table.c[k] == bindparam(f"k_{k}") for k in key_names)))
            .values({name: bindparam(f"v_{name}") for name in update_names})
        )
        conn.execute(
            stmt_update,
            [
                {
                    **{f"k_{k}": row[k] for k in key_names},
                    **{f"v_{n}": row[n] for n in update_names},
                }
                for row in old
            ],
        )


def open_store(settings: Settings) -> Store:
    """Connect to ``settings.database_url`` and bring its schema up to date (Alembic head).

    The engine's pool and timeouts come from the ``db_*`` settings (see
    :func:`service.db.engine_from_settings`).
    """
    engine = engine_from_settings(settings)
    with engine.begin() as conn:
        upgrade_to_head(conn)
    return Store(engine)
