"""Import: good rows stored, every bad row named with line and field, exit statuses 0/1/2."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from features.errors import UnusableFileError
from service.db import candidates
from service.importing import RowError, import_file, import_stream
from service.storage import Store, UpsertCounts

Run = Callable[..., tuple[int, str, str]]


def row_errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if not line.startswith(("INFO ", "DEBUG "))]


def test_every_fixture_file_imports_whole(filled_store: Store) -> None:
    store = filled_store
    c1 = store.get("candidates", "C1", include_protected=True)
    assert c1.skills[1:4] == ["Hout; metaal", "a|b", "back\\slash"]
    assert c1.protected.birth_year == 1984
    assert [o.status.value for o in store.outcomes_for(candidate_id="C1")] == ["proposed", "hired"]


def test_good_rows_are_stored_and_every_bad_row_is_named(store: Store, import_data: Path) -> None:
    seen: list[RowError] = []
    report = import_file(
        store, "candidates", import_data / "candidates_mixed.csv", on_error=seen.append
    )

    assert [(e.line, e.field) for e in report.errors] == [
        (3, "postcode"),
        (6, "languages.0"),
        (6, "max_travel_minutes"),
        (8, "record"),
        (10, "work_history.0"),
        (11, "id"),
    ]
    assert sorted(seen, key=lambda e: e.line) == report.errors
    assert (report.read, report.stored, report.rejected, report.exit_status) == (8, 3, 5, 1)
    assert [c.id for c in store.iter_all("candidates")] == ["K1", "K3", "K6"]

    name = str(import_data / "candidates_mixed.csv")
    assert str(report.errors[0]) == (
        f"{name}:3: postcode: '12' is not a Dutch postcode; expected four digits (9712) "
        "or four digits and two letters (9712 AB)"
    )
    assert "has 3 cells but the header has 10 columns" in report.errors[3].reason
    assert "has 6 parts; expected at most 5: title|years|isco|esco_uri|end_year" in (
        report.errors[4].reason
    )

    k1 = store.get("candidates", "K1", include_protected=True)
    assert k1.skills == ["lassen", "Hout; metaal"]
    assert [(w.title, w.years, w.isco) for w in k1.work_history] == [("Lasser", 4.0, "7212")]
    assert [(lang.language, lang.level.value) for lang in k1.languages] == [
        ("nl", "native"),
        ("en", "B1"),
    ]
    assert [m.value for m in k1.transport_modes] == ["bike", "public_transport"]
    assert k1.protected.gender is not None and k1.protected.gender.value == "male"
    assert store.get("candidates", "K3").skills == ["lassen\nsolderen", "schilderen"]


def test_unknown_references_are_rejected_rows_and_the_rest_goes_in(
    store: Store, tmp_path: Path, import_data: Path
) -> None:
    import_file(store, "employers", import_data / "employers.jsonl")
    path = tmp_path / "vacancies.jsonl"
    path.write_text(
        '{"id": "V1", "employer_id": "E1", "title": "Bakker", "postcode": "9712"}\n'
        '{"id": "V2", "employer_id": "E12", "title": "Bakker", "postcode": "9712"}\n'
        '{"id": "V3", "employer_id": "E2", "title": "Hovenier", "postcode": "9723"}\n'
    )
    report = import_file(store, "vacancies", path, batch_size=2)
    assert [str(e) for e in report.errors] == [
        f"{path}:2: employer_id: unknown employer 'E12'; import employers first"
    ]
    assert (report.read, report.stored, report.rejected) == (3, 2, 1)
    assert [v.id for v in store.iter_all("vacancies")] == ["V1", "V3"]

    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text(
        "candidate_id,vacancy_id,status,at\nC1,V1,proposed,2025-01-01\nC1,V1,hired,2025-02-01\n"
    )
    report = import_file(store, "outcomes", outcomes)
    assert [(e.line, e.field, e.reason) for e in report.errors] == [
        (2, "candidate_id", "unknown candidate 'C1'; import candidates first"),
        (3, "candidate_id", "unknown candidate 'C1'; import candidates first"),
    ]


def test_bad_json_lines_are_row_errors(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "employers.ndjson"
    path.write_text(
        '{"id": "E1", "name": "A", "postcode": "9712"}\n'
        "\n"
        '{"id": "E2", "name": "B", "postcode": \n'
        '["E3"]\n'
        '{"id": "E4", "name": "D", "postcode": "9712", "colour": "blue"}\n'
        '{"id": "E5", "name": "E", "postcode": "9712"}\n'
    )
    report = import_file(store, "employers", path)
    assert [(e.line, e.field) for e in report.errors] == [
        (3, "record"),
        (4, "record"),
        (5, "colour"),
    ]
    assert report.errors[0].reason.startswith("not valid JSON")
    assert report.errors[1].reason == "expected a JSON object {...}, got list"
    assert report.errors[2].reason == "unknown field; check the column name"
    assert [e.id for e in store.iter_all("employers")] == ["E1", "E5"]


def test_reimporting_the_same_file_changes_nothing(filled_store: Store, import_data: Path) -> None:
    store = filled_store
    with store.engine.connect() as conn:
        before = conn.execute(select(candidates).order_by(candidates.c.id)).all()
    report = import_file(store, "candidates", import_data / "candidates.jsonl")
    assert report.counts == UpsertCounts(inserted=0, updated=0, unchanged=3)
    assert report.exit_status == 0
    with store.engine.connect() as conn:
        assert conn.execute(select(candidates).order_by(candidates.c.id)).all() == before


def test_gzipped_files_and_a_byte_order_mark(
    store: Store, tmp_path: Path, import_data: Path
) -> None:
    jsonl = tmp_path / "employers.jsonl.gz"
    jsonl.write_bytes(gzip.compress((import_data / "employers.jsonl").read_bytes()))
    assert import_file(store, "employers", jsonl).stored == 3

    csv_file = tmp_path / "employers.csv.gz"
    csv_file.write_bytes(gzip.compress("\ufeffid,name,postcode\r\nE9,Zeeman,9712\r\n".encode()))
    report = import_file(store, "employers", csv_file)
    assert (report.stored, report.rejected) == (1, 0)
    assert store.get("employers", "E9").name == "Zeeman"


def test_a_line_that_is_not_utf8_late_in_the_file_is_a_row_error(
    store: Store, tmp_path: Path
) -> None:
    rows = [json.dumps({"id": f"E{n}", "name": "x" * 100, "postcode": "9712"}) for n in range(800)]
    rows[700] = '{"id": "E700", "name": "Caf\xe9", "postcode": "9712"}'
    path = tmp_path / "employers.jsonl"
    path.write_bytes(
        b"\n".join(r.encode("latin-1" if n == 700 else "utf-8") for n, r in enumerate(rows))
    )
    report = import_file(store, "employers", path, batch_size=100)
    assert [(e.line, e.field) for e in report.errors] == [(701, "record")]
    assert "not valid UTF-8" in report.errors[0].reason
    assert store.count("employers") == 799


def test_import_stream_reads_lines_without_line_ends(store: Store) -> None:
    lines = ["id,name,postcode", 'E1,"Bakkerij', 'Noord",9712', "E2,,9712"]
    report = import_stream(store, "employers", lines, fmt="csv", name="upload")
    assert [(e.source, e.line, e.field) for e in report.errors] == [("upload", 4, "name")]
    assert store.get("employers", "E1").name == "Bakkerij\nNoord"
    with pytest.raises(UnusableFileError, match="upload: the file is empty"):
        import_stream(store, "employers", ["", "  "], fmt="jsonl", name="upload")


# -- the command line --------------------------------------------------------------------------


def test_cli_exit_0_when_every_row_went_in(cli: Run, import_data: Path) -> None:
    status, out, err = cli("import", "employers", import_data / "employers.jsonl")
    assert status == 0
    assert out.splitlines() == ["3 read, 3 stored, 0 rejected (3 new, 0 updated, 0 unchanged)"]
    assert row_errors(err) == []
    status, out, _ = cli("import", "employers", import_data / "employers.jsonl")
    assert (status, out.split(" (")[0]) == (0, "3 read, 3 stored, 0 rejected")


def test_cli_exit_1_names_each_bad_row_on_stderr(cli: Run, import_data: Path) -> None:
    path = import_data / "candidates_mixed.csv"
    status, out, err = cli("import", "candidates", path)
    assert status == 1
    assert out.startswith("8 read, 3 stored, 5 rejected")
    lines = row_errors(err)
    assert [line.split(": ")[0] for line in lines] == [f"{path}:{n}" for n in (3, 6, 6, 8, 10, 11)]
    assert lines[0] == (
        f"{path}:3: postcode: '12' is not a Dutch postcode; expected four digits (9712) "
        "or four digits and two letters (9712 AB)"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "missing.csv: no such file"),
        ("empty.csv", b"", "the file is empty"),
        ("blank.jsonl", b"\n  \n", "the file is empty"),
        ("latin1.csv", "id,name,postcode\nE1,Café,9712\n".encode("latin-1"), "not UTF-8 text"),
        (
            "unknown.csv",
            b"id,name,postcode,colour,shoe_size\nE1,A,9712,blue,44\n",
            "unknown columns: 'colour', 'shoe_size'",
        ),
        ("noid.csv", b"name,postcode\nA,9712\n", "missing required columns: 'id'"),
        ("twice.csv", b"id,name,postcode,name\n", "columns named more than once: 'name'"),
        ("employers.xlsx", b"PK\x03\x04", "unknown file type"),
        ("employers.jsonl.gz", b"not gzip at all\n", "not a readable gzip file"),
    ],
)
def test_cli_exit_2_when_the_file_is_unusable(
    cli: Run, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    status, out, err = cli("import", "employers", path)
    assert status == 2
    assert out == ""
    assert message in err
    assert str(path) in err


def test_unusable_file_stores_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "employers.csv"
    path.write_text("id,name,postcode,colour\nE1,A,9712,blue\n")
    with pytest.raises(UnusableFileError, match=r"employers\.csv:1: CSV header: unknown columns"):
        import_file(store, "employers", path)
    assert store.count("employers") == 0
