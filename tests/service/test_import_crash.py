"""An import killed with SIGKILL mid-way leaves whole batches only, and a re-run completes it.

Runs against the test's database: a SQLite file, or a database of its own on the PostgreSQL
test server (``make test-postgres``), where the server rolls back the killed client's open
transaction.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from service.settings import Settings
from service.storage import open_store

TOTAL = 40_000
BATCH = 500
REPO = Path(__file__).resolve().parents[2]


def write_candidates(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(TOTAL):
            record = {
                "id": f"K{n:06d}",
                "postcode": f"97{n % 100:02d}",
                "skills": ["lassen", f"vaardigheid {n % 37}", "Hout; metaal"],
                "work_history": [{"title": "Magazijnmedewerker", "years": 2.5, "isco": "9321"}],
                "languages": [{"language": "nl", "level": "B1"}],
                "protected": {"birth_year": 1950 + n % 50, "gender": "female"},
            }
            out.write(json.dumps(record) + "\n")


def stored_count(engine: Engine) -> int:
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM candidates")).scalar_one())
    except DBAPIError:  # not created yet
        return 0


def start_import(path: Path, database_url: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "WERKMATCH_DATABASE_URL": database_url,
        "WERKMATCH_IMPORT_BATCH_SIZE": str(BATCH),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "service.cli", "import", "candidates", str(path)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_killed_import_leaves_whole_batches_and_rerun_completes(
    tmp_path: Path, database_url: str, dialect: str
) -> None:
    source = tmp_path / "candidates.jsonl"
    write_candidates(source)
    watcher = create_engine(database_url, poolclass=NullPool)

    process = start_import(source, database_url)
    deadline = time.monotonic() + 120
    count = 0
    while time.monotonic() < deadline and process.poll() is None:
        count = stored_count(watcher)
        if count >= TOTAL // 4:  # several batches in: the kill lands mid-import
            break
        time.sleep(0.01)
    if process.poll() is not None:
        pytest.fail(f"import ended before it could be killed: {process.communicate()}")
    assert 0 < count < TOTAL
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    with open_store(Settings(database_url=database_url)) as store:
        with store.engine.connect() as conn:
            if dialect == "sqlite":  # a server's files are not the killed process's to damage
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            orphans = conn.exec_driver_sql(
                "SELECT count(*) FROM candidates c LEFT JOIN candidate_protected p"
                " ON p.candidate_id = c.id WHERE p.candidate_id IS NULL"
            ).scalar()
            protected_rows = conn.exec_driver_sql(
                "SELECT count(*) FROM candidate_protected"
            ).scalar()
        survived = store.count("candidates")
        assert 0 < survived < TOTAL
        assert survived % BATCH == 0, "a batch was half-written"
        assert orphans == 0 and protected_rows == survived
        stored = list(store.iter_all("candidates", include_protected=True))  # every row parses
        # Batches go in file order, so what survived is exactly the first batches.
        assert [c.id for c in stored] == [f"K{n:06d}" for n in range(survived)]
        assert all(c.protected.birth_year == 1950 + int(c.id[1:]) % 50 for c in stored)

    rerun = start_import(source, database_url)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    summary = re.search(
        r"(\d+) read, (\d+) stored, (\d+) rejected \((\d+) new, (\d+) updated, (\d+) unchanged\)",
        out,
    )
    assert summary is not None, out
    read, stored_now, rejected, new, updated, unchanged = map(int, summary.groups())
    assert (read, stored_now, rejected) == (TOTAL, TOTAL, 0)
    assert (new, updated, unchanged) == (TOTAL - survived, 0, survived)
    assert stored_count(watcher) == TOTAL
    watcher.dispose()
