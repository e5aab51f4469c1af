"""Alembic migrations: an empty database reaches a schema equal to :data:`service.db.metadata`,
and a database left at ANY revision, with rows in it, reaches head with those rows intact.

Both run on the test's database: SQLite by default, PostgreSQL under ``make test-postgres``.

Adding a revision? Add a ``_seed_<rev>`` function below that writes rows exactly as the schema
at that revision holds them (lightweight ``table()``/``column()`` constructs, never the head
tables of service.db) and register it in ``SEEDS``; ``test_every_revision_has_seed_rows``
fails until you do. Every revision is then upgraded to head with its rows in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Connection,
    DateTime,
    Integer,
    String,
    Text,
    column,
    insert,
    inspect,
    table,
)
from sqlalchemy.sql.expression import TableClause

from features.records import Candidate, Employer, Outcome, ProtectedAttributes, Record, Vacancy
from service.db import create_db_engine, metadata
from service.migrations import alembic_config, upgrade_to_head
from service.settings import Settings
from service.storage import UpsertCounts, open_store


def _revisions() -> list[str]:
    """Every revision id, oldest first (the history is linear)."""
    script = ScriptDirectory.from_config(alembic_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


REVISIONS = _revisions()
HEAD = REVISIONS[-1]
SEEDED_AT = dt.datetime(2025, 1, 6, 8, 30, tzinfo=dt.UTC)

# The JSON a 0001 database holds in its ``data`` columns.
_EMPLOYER_0001 = (
    '{"id":"E1","name":"Bakkerij De Korrel","sector":"Horeca","postcode":"9712AB",'
    '"size":12,"inclusive_employer":true}'
)
_VACANCY_0001 = (
    '{"id":"V1","employer_id":"E1","title":"Bakkersassistent","description":"Vroege diensten",'
    '"required_skills":["deeg kneden"],"optional_skills":[],"education_min":"mbo2",'
    '"postcode":"9712AB","hours_min":24,"hours_max":32,"shift_start":"05:30:00",'
    '"shift_end":"13:45:00","required_licences":[],"physical_demands":[],"positions":1}'
)
_CANDIDATE_0001 = (
    '{"id":"C1","postcode":"9713CD","education_level":"mbo2","skills":["deeg kneden"],'
    '"languages":[{"language":"nl","level":"native"}],"transport_modes":["bike"],'
    '"max_travel_minutes":45}'
)
_OUTCOME_0001 = (
    '{"candidate_id":"C1","vacancy_id":"V1","status":"proposed","at":"2025-02-01T09:00:00",'
    '"by":"am.jansen"}'
)


def _stamped(name: str, *columns: str) -> TableClause:
    return table(
        name,
        *(column(c, String()) for c in columns),
        column("data", Text()),
        column("hash", String()),
        column("updated_at", DateTime(timezone=True)),
    )


def _seed_0001(conn: Connection) -> dict[str, list[Record]]:
    """One employer, vacancy, candidate (with protected attributes apart) and outcome."""
    stamp = {"hash": "0" * 64, "updated_at": SEEDED_AT}
    conn.execute(
        insert(_stamped("employers", "id")), [{"id": "E1", "data": _EMPLOYER_0001, **stamp}]
    )
    conn.execute(
        insert(_stamped("vacancies", "id", "employer_id", "pc4")),
        [{"id": "V1", "employer_id": "E1", "pc4": "9712", "data": _VACANCY_0001, **stamp}],
    )
    conn.execute(
        insert(_stamped("candidates", "id", "pc4")),
        [{"id": "C1", "pc4": "9713", "data": _CANDIDATE_0001, **stamp}],
    )
    protected = table(
        "candidate_protected",
        column("candidate_id", String()),
        column("birth_year", Integer()),
        column("gender", String()),
        column("nationality", String()),
        column("migration_background", String()),
    )
    conn.execute(
        insert(protected),
        [
            {
                "candidate_id": "C1",
                "birth_year": 1984,
                "gender": "female",
                "nationality": "Nederlands",
                "migration_background": None,
            }
        ],
    )
    conn.execute(
        insert(_stamped("outcomes", "candidate_id", "vacancy_id", "status", "at")),
        [
            {
                "candidate_id": "C1",
                "vacancy_id": "V1",
                "status": "proposed",
                "at": "2025-02-01T09:00:00",
                "data": _OUTCOME_0001,
                **stamp,
            }
        ],
    )
    candidate = Candidate.model_validate_json(_CANDIDATE_0001).model_copy(
        update={
            "protected": ProtectedAttributes(
                birth_year=1984, gender="female", nationality="Nederlands"
            )
        }
    )
    return {
        "employers": [Employer.model_validate_json(_EMPLOYER_0001)],
        "vacancies": [Vacancy.model_validate_json(_VACANCY_0001)],
        "candidates": [candidate],
        "outcomes": [Outcome.model_validate_json(_OUTCOME_0001)],
    }


# revision -> writes rows as that revision stores them; returns the records expected at head
SEEDS: Mapping[str, Callable[[Connection], dict[str, list[Record]]]] = {"0001": _seed_0001}


def _schema_differences(conn: Connection) -> list[object]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def test_every_revision_has_seed_rows() -> None:
    assert REVISIONS[0] == "0001"
    assert sorted(SEEDS) == sorted(REVISIONS), "add a _seed_<rev> for each new revision"


def test_empty_database_upgrades_to_a_schema_equal_to_the_metadata(settings: Settings) -> None:
    engine = create_db_engine(settings.database_url)
    try:
        with engine.begin() as conn:
            assert inspect(conn).get_table_names() == []
            upgrade_to_head(conn)
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
            assert _schema_differences(conn) == []
            tables = set(inspect(conn).get_table_names())
        assert tables == set(metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_database_at_any_revision_upgrades_to_head_keeping_its_rows(
    settings: Settings, revision: str
) -> None:
    engine = create_db_engine(settings.database_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
            expected = SEEDS[revision](conn)
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == revision
    finally:
        engine.dispose()

    with open_store(settings) as store:  # what the app does on start: upgrade to head
        with store.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
            assert _schema_differences(conn) == []
        for kind, records in expected.items():
            assert list(store.iter_all(kind, include_protected=True)) == records, kind
        assert store.outcomes_for(candidate_id="C1") == expected["outcomes"]
        # The old rows can be written over with today's code.
        renamed = expected["employers"][0].model_copy(update={"name": "Bakkerij Korrel"})
        assert store.upsert("employers", [renamed]) == UpsertCounts(updated=1)
        assert store.get("employers", renamed.id).name == "Bakkerij Korrel"
