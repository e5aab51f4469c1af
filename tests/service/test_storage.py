"""The store: upsert counts, transactions, protected attributes apart, reads and migrations."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from features.errors import UnknownEntityError
from features.records import (
    Candidate,
    Employer,
    Outcome,
    ProtectedAttributes,
    Vacancy,
)
from service import storage
from service.db import candidate_protected, candidates, employers, metadata
from service.settings import Settings
from service.storage import Store, UpsertCounts, open_store


def employer(eid: str, name: str = "Bakkerij", **extra: Any) -> Employer:
    return Employer(id=eid, name=name, postcode="9712", **extra)


def candidate(cid: str, **extra: Any) -> Candidate:
    return Candidate(id=cid, postcode="9712AB", **extra)


@pytest.fixture(params=["native-upsert", "portable"])
def any_store(
    request: pytest.FixtureRequest, store: Store, monkeypatch: pytest.MonkeyPatch
) -> Store:
    """The store, once with SQLite's ON CONFLICT upsert and once with the portable fallback."""
    if request.param == "portable":
        monkeypatch.setattr(storage, "_UPSERT_INSERTS", {})
    return store


def stamps(store: Store) -> dict[str, Any]:
    with store.engine.connect() as conn:
        return dict(conn.execute(select(employers.c.id, employers.c.updated_at)).all())


def test_upsert_counts_insert_update_unchanged(any_store: Store) -> None:
    first = [employer("E1"), employer("E2"), employer("E3")]
    assert any_store.upsert("employers", first) == UpsertCounts(inserted=3, updated=0, unchanged=0)
    before = stamps(any_store)

    again = any_store.upsert("employers", first)
    assert again == UpsertCounts(inserted=0, updated=0, unchanged=3)
    assert stamps(any_store) == before  # nothing rewritten

    changed = [employer("E1"), employer("E2", name="Bakkerij Noord"), employer("E4")]
    assert any_store.upsert("employers", changed) == UpsertCounts(1, 1, 1)
    after = stamps(any_store)
    assert after["E1"] == before["E1"] and after["E3"] == before["E3"]
    assert after["E2"] > before["E2"]
    assert any_store.get("employers", "E2").name == "Bakkerij Noord"
    assert any_store.count("employers") == 4


def test_repeated_key_in_one_batch_counts_in_order_and_keeps_the_last(any_store: Store) -> None:
    counts = any_store.upsert(
        "employers", [employer("E1", "a"), employer("E1", "b"), employer("E1", "b")]
    )
    assert counts == UpsertCounts(inserted=1, updated=1, unchanged=1)
    assert any_store.get("employers", "E1").name == "b"
    assert any_store.count("employers") == 1


def test_candidates_are_stored_without_protected_attributes(any_store: Store) -> None:
    protected = ProtectedAttributes(
        birth_year=1984, gender="female", nationality="Turks", migration_background="x"
    )
    any_store.upsert("candidates", [candidate("C1", protected=protected), candidate("C2")])

    with any_store.engine.connect() as conn:
        data = json.loads(
            conn.execute(select(candidates.c.data).where(candidates.c.id == "C1")).scalar_one()
        )
        rows = conn.execute(
            select(candidate_protected).order_by(candidate_protected.c.candidate_id)
        ).all()
    assert "protected" not in data and "1984" not in json.dumps(data)
    assert [tuple(r) for r in rows] == [
        ("C1", 1984, "female", "Turks", "x"),
        ("C2", None, None, None, None),  # every candidate has its protected row
    ]
    assert any_store.get("candidates", "C1").protected == ProtectedAttributes()
    assert any_store.get("candidates", "C1", include_protected=True).protected == protected
    assert any_store.protected_attributes(["C1", "C2", "nobody"]) == {
        "C1": protected,
        "C2": ProtectedAttributes(),
    }


def test_a_change_in_protected_attributes_alone_is_written(any_store: Store) -> None:
    any_store.upsert("candidates", [candidate("C1")])
    counts = any_store.upsert(
        "candidates", [candidate("C1", protected=ProtectedAttributes(birth_year=1990))]
    )
    assert counts == UpsertCounts(inserted=0, updated=1, unchanged=0)
    assert any_store.protected_attributes(["C1"])["C1"].birth_year == 1990


def test_a_batch_failing_midway_stores_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.upsert("candidates", [candidate("C1", skills=["lassen"])])
    real = storage._upsert_rows

    def fail_on_protected(conn: Any, table: Any, *args: Any, **kwargs: Any) -> None:
        if table is candidate_protected:  # the candidate rows are already written by now
            raise RuntimeError("disk on fire")
        real(conn, table, *args, **kwargs)

    monkeypatch.setattr(storage, "_upsert_rows", fail_on_protected)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.upsert("candidates", [candidate("C1", skills=["koken"]), candidate("C2")])

    assert store.count("candidates") == 1
    assert store.get("candidates", "C1").skills == ["lassen"]
    with store.engine.connect() as conn:
        assert conn.execute(select(candidate_protected.c.candidate_id)).scalars().all() == ["C1"]


def test_unknown_references_fail_the_batch_or_are_left_out(store: Store) -> None:
    store.upsert("employers", [employer("E1")])
    good = Vacancy(id="V1", employer_id="E1", title="Bakker", postcode="9712")
    bad = Vacancy(id="V2", employer_id="E12", title="Bakker", postcode="9712")

    with pytest.raises(UnknownEntityError, match="unknown employer 'E12'; import employers first"):
        store.upsert("vacancies", [good, bad])
    assert store.count("vacancies") == 0

    counts, rejected = store.upsert_known("vacancies", [good, bad])
    assert counts == UpsertCounts(inserted=1)
    assert [(i, p.field, p.reason) for i, p in rejected] == [
        (1, "employer_id", "unknown employer 'E12'; import employers first")
    ]

    store.upsert("candidates", [candidate("C1")])
    at = dt.datetime(2025, 2, 1, 9, 0)
    outcomes = [
        Outcome(candidate_id="C1", vacancy_id="V1", status="proposed", at=at),
        Outcome(candidate_id="C9", vacancy_id="V1", status="proposed", at=at),
        Outcome(candidate_id="C1", vacancy_id="V9", status="proposed", at=at),
    ]
    counts, rejected = store.upsert_known("outcomes", outcomes)
    assert counts == UpsertCounts(inserted=1)
    assert [(i, p.field, p.reason) for i, p in rejected] == [
        (1, "candidate_id", "unknown candidate 'C9'; import candidates first"),
        (2, "vacancy_id", "unknown vacancy 'V9'; import vacancies first"),
    ]


def test_outcomes_are_keyed_by_candidate_vacancy_status_and_moment(any_store: Store) -> None:
    any_store.upsert("employers", [employer("E1")])
    any_store.upsert(
        "vacancies", [Vacancy(id=v, employer_id="E1", title="x", postcode="9712") for v in "AB"]
    )
    any_store.upsert("candidates", [candidate("C1"), candidate("C2")])
    day = dt.datetime(2025, 1, 1, 12, 0)

    def outcome(c: str, v: str, status: str, at: dt.datetime, **extra: Any) -> Outcome:
        return Outcome(candidate_id=c, vacancy_id=v, status=status, at=at, **extra)

    batch = [
        outcome("C2", "A", "hired", day + dt.timedelta(days=3)),
        outcome("C1", "A", "proposed", day),
        outcome("C1", "A", "hired", day + dt.timedelta(days=2)),
        outcome("C1", "B", "proposed", day + dt.timedelta(days=1)),
    ]
    assert any_store.upsert("outcomes", batch) == UpsertCounts(inserted=4)
    changed = outcome("C1", "A", "hired", day + dt.timedelta(days=2), still_employed_after_days=90)
    assert any_store.upsert("outcomes", [*batch[:2], changed, batch[3]]) == UpsertCounts(0, 1, 3)
    assert any_store.count("outcomes") == 4
    hired = any_store.outcomes_for(candidate_id="C1", vacancy_id="A")[-1]
    assert hired.still_employed_after_days == 90

    assert [o.status.value for o in any_store.outcomes_for(candidate_id="C1", vacancy_id="A")] == [
        "proposed",
        "hired",
    ]
    assert [o.vacancy_id for o in any_store.outcomes_for(candidate_id="C1")] == ["A", "B", "A"]
    assert {o.candidate_id for o in any_store.outcomes_for(vacancy_id="A")} == {"C1", "C2"}
    keys = [o.key for o in any_store.iter_all("outcomes")]
    assert keys == sorted(keys, key=lambda k: (k[0], k[1], k[2], k[3].isoformat()))


def test_reads_are_ordered_by_id_and_paged(store: Store) -> None:
    ids = [f"E{n:03d}" for n in range(25)]
    store.upsert("employers", [employer(i) for i in reversed(ids)])
    assert [e.id for e in store.list("employers", limit=5)] == ids[:5]
    assert [e.id for e in store.list("employers", offset=20, limit=10)] == ids[20:]
    assert [e.id for e in store.iter_all("employers", batch_size=4)] == ids


def test_get_names_what_is_missing(store: Store) -> None:
    with pytest.raises(UnknownEntityError, match="unknown candidate 'C404'"):
        store.get("candidates", "C404")
    with pytest.raises(ValueError, match="outcomes have no id"):
        store.get("outcomes", "x")
    with pytest.raises(ValueError, match="unknown kind 'people'"):
        store.count("people")
    with pytest.raises(TypeError, match="employers holds Employer records"):
        store.upsert("employers", [candidate("C1")])  # type: ignore[list-item]


def test_schema_is_migrated_to_head_and_matches_the_tables(
    settings: Settings, dialect: str
) -> None:
    with open_store(settings) as first:
        first.upsert("employers", [employer("E1")])
    with open_store(settings) as second:  # opening again neither fails nor loses data
        assert second.count("employers") == 1
        with second.engine.connect() as conn:
            context = MigrationContext.configure(conn)
            assert context.get_current_revision() == "0001"
            assert compare_metadata(context, metadata) == []
            if dialect == "sqlite":
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
                assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def test_in_memory_database_is_shared_by_all_connections() -> None:
    with open_store(Settings(database_url="sqlite://")) as store:
        store.upsert("employers", [employer("E1")])
        assert [e.id for e in store.list("employers")] == ["E1"]
