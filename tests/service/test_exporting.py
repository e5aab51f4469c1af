"""Export, the CSV codec, and the round trip export -> import -> export (byte-identical)."""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from features.records import Candidate, Employer
from service.csv_codec import check_header, columns, decode_row, encode_record, header
from service.exporting import export_file, export_records
from service.importing import import_file
from service.settings import Settings
from service.storage import KINDS, Store, open_store

Run = Callable[..., tuple[int, str, str]]


def exported(store: Store, kind: str, fmt: str, **options: bool) -> bytes:
    out = io.BytesIO()
    export_records(store, kind, out, fmt=fmt, **options)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.fixture
def filled(filled_store: Store) -> Store:
    return filled_store


@pytest.fixture
def second_store(tmp_path: Path) -> Iterator[Store]:
    with open_store(Settings(database_url=f"sqlite:///{tmp_path / 'second.db'}")) as opened:
        yield opened


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_import_export_is_byte_identical(
    filled: Store, second_store: Store, tmp_path: Path, fmt: str
) -> None:
    for kind in ("employers", "vacancies", "candidates", "outcomes"):  # references first
        first = exported(filled, kind, fmt)
        path = tmp_path / f"{kind}.{fmt}"
        path.write_bytes(first)
        report = import_file(second_store, kind, path)
        assert (report.rejected, report.stored) == (0, 3), report.errors
        assert exported(second_store, kind, fmt) == first, kind


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_round_trip_gives_back_the_same_records(
    filled: Store, second_store: Store, tmp_path: Path, fmt: str
) -> None:
    for kind in ("employers", "vacancies", "candidates", "outcomes"):
        path = tmp_path / f"{kind}.{fmt}"
        path.write_bytes(exported(filled, kind, fmt))
        import_file(second_store, kind, path)
        before = list(filled.iter_all(kind, include_protected=True))
        after = list(second_store.iter_all(kind, include_protected=True))
        if fmt == "csv" and kind == "outcomes":
            # CSV has one empty cell for both None and "": an empty reason comes back as None.
            before = [o.model_copy(update={"reason": o.reason or None}) for o in before]  # type: ignore[union-attr]
        assert after == before, kind


def test_jsonl_export_is_ordered_and_complete(filled: Store) -> None:
    lines = exported(filled, "candidates", "jsonl").decode().splitlines()
    assert [line[:12] for line in lines] == ['{"id":"C1","', '{"id":"C2","', '{"id":"C3","']
    assert '"birth_year":1984' in lines[0] and "Ελληνικά" in lines[0]  # raw UTF-8, not \\u
    without = exported(filled, "candidates", "jsonl", include_protected=False).decode()
    assert "protected" not in without and "1984" not in without


def test_csv_export_writes_the_documented_codings(filled: Store) -> None:
    text = exported(filled, "candidates", "csv").decode()
    head, c1 = text.splitlines()[:2]
    assert head.split(",")[-4:] == [
        "protected.birth_year",
        "protected.gender",
        "protected.nationality",
        "protected.migration_background",
    ]
    cells = dict(zip(head.split(","), next(iter(__import__("csv").reader([c1]))), strict=True))
    assert cells["skills"] == (
        "heftruck rijden;Hout\\; metaal;a\\|b;back\\\\slash;Ελληνικά;klantcontact"
    )
    assert cells["work_history"] == (
        "Magazijnmedewerker \\| expeditie\\; nacht|3.5|9321|http://data.europa.eu/esco/occupation/aaa"
        "|2021;Schoonmaker|1.0;Vrijwilliger buurthuis||||2019"
    )
    assert cells["languages"] == "nl:native;en:B1;tr:C2"
    assert cells["exempt_from_work_obligation"] == "false"
    assert cells["protected.gender"] == "female"
    assert (
        "protected" not in exported(filled, "candidates", "csv", include_protected=False).decode()
    )


def test_csv_codec_decodes_escapes_and_drops_empty_items() -> None:
    cols = check_header("candidates", ["id", "postcode", "skills", "work_history", "languages"])
    mapping, problems = decode_row(
        cols,
        ["C1", "9712", "a\\;b;;c\\\\d;C:\\temp;", "Lasser||7212;Kok|2", "nl:B1;en:native"],
    )
    assert problems == []
    assert mapping == {
        "id": "C1",
        "postcode": "9712",
        "skills": ["a;b", "c\\d", "C:\\temp"],
        "work_history": [{"title": "Lasser", "isco": "7212"}, {"title": "Kok", "years": "2"}],
        "languages": [{"language": "nl", "level": "B1"}, {"language": "en", "level": "native"}],
    }
    record = Candidate.model_validate(mapping)
    again, _ = decode_row(columns("candidates"), encode_record("candidates", record))
    assert Candidate.model_validate(again) == record


def test_csv_codec_reads_dutch_booleans_and_empty_cells_as_defaults() -> None:
    cols = check_header("employers", ["id", "name", "postcode", "size", "inclusive_employer"])
    mapping, _ = decode_row(cols, ["E1", "Bakkerij", "9712", "", "ja"])
    assert Employer.model_validate(mapping) == Employer(
        id="E1", name="Bakkerij", postcode="9712", inclusive_employer=True
    )
    assert header("employers") == ["id", "name", "sector", "postcode", "size", "inclusive_employer"]


def test_empty_store_exports_just_the_header(store: Store) -> None:
    for kind in KINDS:
        assert exported(store, kind, "jsonl") == b""
        assert exported(store, kind, "csv") == (",".join(header(kind)) + "\n").encode()


def test_export_file_is_gzipped_reproducibly(filled: Store, tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "e.csv.gz", tmp_path / "b" / "e.csv.gz"
    assert export_file(filled, "employers", first) == 3
    export_file(filled, "employers", second)
    assert first.read_bytes() == second.read_bytes()
    assert gzip.decompress(first.read_bytes()) == exported(filled, "employers", "csv")
    assert [p.name for p in first.parent.iterdir()] == ["e.csv.gz"]  # no temporary left


def test_cli_export_to_stdout_and_to_a_file(cli: Run, tmp_path: Path, import_data: Path) -> None:
    for kind in ("employers", "vacancies"):
        assert cli("import", kind, import_data / f"{kind}.jsonl")[0] == 0

    status, out, _ = cli("export", "employers", "--format", "csv")
    assert status == 0
    assert out.splitlines()[0] == "id,name,sector,postcode,size,inclusive_employer"
    assert len(out.splitlines()) == 4

    target = tmp_path / "vacancies.csv"
    status, out, err = cli("export", "vacancies", "--out", target)  # format from the extension
    assert (status, out) == (0, "")
    assert "3 vacancies written to" in err
    assert target.read_text().startswith("id,employer_id,title,")

    status, out, _ = cli("export", "vacancies")
    assert out.startswith('{"id":"V1",') and len(out.splitlines()) == 3
