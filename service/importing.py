"""Import records from CSV and JSON Lines files: every good row stored, every bad row named.

Files are read as a stream (memory stays constant however large the file) and written in
transactions of ``batch_size`` records, each upserted by id (outcomes by natural key), so
importing the same file again changes nothing and an interrupted import can simply be re-run.

A bad row never stops the import: it is reported as ``FILE:LINE: field: reason`` and skipped.
Bad rows are: a line that is not valid JSON, a CSV row with the wrong number of cells, a field
that breaks a rule of :mod:`features.records`, and a reference to an unknown employer,
candidate or vacancy (``unknown employer 'E12'; import employers first``). Only a file that
cannot be read at all raises :class:`UnusableFileError`: missing, not UTF-8, empty, an unknown
extension, or a CSV header naming unknown columns or lacking a required one.

The format follows the extension: ``.csv`` (see :mod:`service.csv_codec`), ``.jsonl`` or
``.ndjson`` (one JSON object per line), each optionally gzipped (``.csv.gz``, ``.jsonl.gz``).
CSV line numbers are the physical line on which a record starts.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import logging
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, cast

from features.errors import FieldProblem, InvalidRecordError, UnusableFileError
from features.records import RECORD_TYPES, Record, validate_record
from service import csv_codec
from service.storage import KINDS, Store, UpsertCounts

__all__ = [
    "ImportReport",
    "RowError",
    "detect_format",
    "import_binary",
    "import_file",
    "import_stream",
]

logger = logging.getLogger(__name__)

Format = Literal["csv", "jsonl"]
ErrorSink = Callable[["RowError"], None]

MAX_KEPT_ERRORS = 10_000
"""Row errors kept in a report; all are counted and all go to ``on_error``."""

_SNIFF_BYTES = 1 << 16  # checked for UTF-8 before anything is stored
_EXTENSIONS: dict[str, tuple[Format, bool]] = {
    ".csv": ("csv", False),
    ".jsonl": ("jsonl", False),
    ".ndjson": ("jsonl", False),
    ".csv.gz": ("csv", True),
    ".jsonl.gz": ("jsonl", True),
    ".ndjson.gz": ("jsonl", True),
}
_GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)


@dataclass(frozen=True)
class RowError:
    """A row that was not stored: where it is and why."""

    line: int
    field: str
    reason: str
    source: str = "<input>"

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.field}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did. ``errors`` names each problem; ``rejected`` counts rows."""

    path: str
    kind: str
    read: int = 0
    stored: int = 0
    errors: list[RowError] = field(default_factory=list)
    rejected: int = 0
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    """How the stored rows split into new, changed and unchanged records."""

    @property
    def exit_status(self) -> int:
        """0 when every row went in, 1 when some were rejected."""
        return 1 if self.rejected else 0

    def summary(self) -> str:
        """``N read, N stored, N rejected (N new, N updated, N unchanged)``."""
        c = self.counts
        return (
            f"{self.read} read, {self.stored} stored, {self.rejected} rejected "
            f"({c.inserted} new, {c.updated} updated, {c.unchanged} unchanged)"
        )


def detect_format(path: Path | str) -> tuple[Format, bool]:
    """The format of a file by its extension, and whether it is gzipped."""
    name = Path(path).name.lower()
    for extension in sorted(_EXTENSIONS, key=len, reverse=True):
        if name.endswith(extension):
            return _EXTENSIONS[extension]
    raise UnusableFileError(
        f"{path}: unknown file type; use .csv or .jsonl/.ndjson (optionally .gz)"
    )


# -- reading lines -------------------------------------------------------------------------------


class _Lines:
    """Decoded lines (with their line ends) of a binary stream.

    The first 64 KiB must be UTF-8 or the file is unusable; a later line that is not becomes a
    row error (its number is kept in ``bad``) instead of losing the rows already stored.
    """

    def __init__(self, stream: IO[bytes], name: str) -> None:
        self.name = name
        self.bad: set[int] = set()
        self.number = 0
        self._stream = stream
        head = self._read(lambda: stream.read(_SNIFF_BYTES))
        if head and not head.endswith(b"\n"):
            head += self._read(stream.readline)
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head)
        except UnicodeDecodeError as error:
            raise UnusableFileError(
                f"{name}: not UTF-8 text (byte 0x{head[error.start]:02x} at offset "
                f"{error.start}); save the file as UTF-8"
            ) from None
        if not head.strip():
            raise UnusableFileError(f"{name}: the file is empty")
        self._head = head

    def _read(self, read: Callable[[], bytes]) -> bytes:
        try:
            return read()
        except _GZIP_ERRORS as error:
            raise UnusableFileError(
                f"{self.name}: not a readable gzip file after line {self.number}: {error}"
            ) from None
        except OSError as error:
            raise UnusableFileError(f"{self.name}: cannot read: {error}") from None

    def _raw(self) -> Iterator[bytes]:
        yield from io.BytesIO(self._head)
        while True:
            line = self._read(self._stream.readline)
            if not line:
                return
            yield line

    def __iter__(self) -> Iterator[str]:
        for raw in self._raw():
            self.number += 1
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                self.bad.add(self.number)
                text = raw.decode("utf-8", errors="replace")
            if self.number == 1:
                text = text.removeprefix("\ufeff")
            yield text


def _text_lines(lines: Iterable[str]) -> Iterator[str]:
    """Lines from a caller, each ending in a line break (csv needs them for quoted breaks)."""
    for line in lines:
        yield line if line.endswith("\n") else line + "\n"


# -- parsing rows --------------------------------------------------------------------------------

# One parsed row: first line number, the raw mapping (None when unreadable) and the problems
# found while reading it (a row with problems is rejected even if its mapping validates).
_RawRow = tuple[int, dict[str, Any] | None, list[FieldProblem]]
_NOT_UTF8 = FieldProblem("record", "not valid UTF-8 text on this line; save the file as UTF-8")


def _jsonl_rows(lines: Iterable[str], bad: set[int]) -> Iterator[_RawRow]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        if number in bad:
            yield number, None, [_NOT_UTF8]
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            yield (
                number,
                None,
                [FieldProblem("record", f"not valid JSON: {error.msg} (column {error.colno})")],
            )
            continue
        if not isinstance(value, dict):
            yield (
                number,
                None,
                [
                    FieldProblem(
                        "record", f"expected a JSON object {{...}}, got {type(value).__name__}"
                    )
                ],
            )
            continue
        yield number, value, []


def _csv_rows(kind: str, lines: Iterable[str], bad: set[int], name: str) -> Iterator[_RawRow]:
    reader = csv.reader(lines)
    header: list[str] | None = None
    while header is None:
        try:
            row = next(reader)
        except StopIteration:
            raise UnusableFileError(f"{name}: the file is empty; expected a header line") from None
        except csv.Error as error:
            raise UnusableFileError(f"{name}: the header line is not valid CSV: {error}") from None
        if any(cell.strip() for cell in row):
            header = row
    try:
        columns = csv_codec.check_header(kind, header)
    except UnusableFileError as error:
        raise UnusableFileError(f"{name}:{reader.line_num}: {error}") from None
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, None, [FieldProblem("record", f"not valid CSV: {error}")]
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if bad.intersection(range(start, reader.line_num + 1)):
            yield start, None, [_NOT_UTF8]
            continue
        mapping, problems = csv_codec.decode_row(columns, cells)
        yield start, mapping, problems


# -- the import loop -----------------------------------------------------------------------------


class _Importer:
    def __init__(
        self,
        store: Store,
        kind: str,
        name: str,
        batch_size: int,
        on_error: ErrorSink | None,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.store = store
        self.kind = kind
        self.model = RECORD_TYPES[kind]
        self.batch_size = batch_size
        self.on_error = on_error
        self.report = ImportReport(path=name, kind=kind)
        self._batch: list[Record] = []
        self._lines: list[int] = []

    def _reject(self, line: int, problems: list[FieldProblem]) -> None:
        self.report.rejected += 1
        for problem in problems:
            error = RowError(line, problem.field, problem.reason, self.report.path)
            if len(self.report.errors) < MAX_KEPT_ERRORS:
                self.report.errors.append(error)
            if self.on_error is not None:
                self.on_error(error)

    def add(self, line: int, mapping: dict[str, Any] | None, problems: list[FieldProblem]) -> None:
        self.report.read += 1
        if mapping is None:
            self._reject(line, problems)
            return
        try:
            record = validate_record(self.model, mapping)
        except InvalidRecordError as error:
            # Name every problem of the row at once: the coding ones and the rule breaks.
            self._reject(line, [*problems, *error.problems])
            return
        if problems:
            self._reject(line, problems)
            return
        self._batch.append(record)
        self._lines.append(line)
        if len(self._batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self._batch:
            return
        counts, rejected = self.store.upsert_known(self.kind, self._batch)
        for index, problem in rejected:
            self._reject(self._lines[index], [problem])
        self.report.stored += counts.total
        self.report.counts += counts
        logger.debug("%s: stored %d rows so far", self.report.path, self.report.stored)
        self._batch, self._lines = [], []

    def run(self, rows: Iterator[_RawRow]) -> ImportReport:
        try:
            for line, mapping, problems in rows:
                self.add(line, mapping, problems)
        except UnusableFileError as error:
            self.flush()  # the good rows read before the damage still go in
            raise UnusableFileError(
                f"{error} ({self.report.stored} rows before it were stored)"
            ) from None
        self.flush()
        self.report.errors.sort(key=lambda e: e.line)
        logger.debug("%s: %s", self.report.path, self.report.summary())
        return self.report


def _rows(
    kind: str, fmt: Format, lines: Iterable[str], bad: set[int], name: str
) -> Iterator[_RawRow]:
    if fmt == "csv":
        return _csv_rows(kind, lines, bad, name)
    if fmt == "jsonl":
        return _jsonl_rows(lines, bad)
    raise ValueError(f"unknown format {fmt!r}; use 'csv' or 'jsonl'")


def import_stream(
    store: Store,
    kind: str,
    lines: Iterable[str],
    *,
    fmt: Format,
    name: str,
    batch_size: int = 1000,
    on_error: ErrorSink | None = None,
) -> ImportReport:
    """Import records from text lines (e.g. an API upload already decoded).

    ``name`` is used in error messages in place of a file name. Raises
    :class:`UnusableFileError` when there is nothing to read or the CSV header is unusable.
    """
    importer = _Importer(store, kind, name, batch_size, on_error)
    seen = False

    def watched() -> Iterator[str]:
        nonlocal seen
        for line in _text_lines(lines):
            if line.strip():
                seen = True
            yield line

    report = importer.run(_rows(kind, fmt, watched(), set(), name))
    if not seen:
        raise UnusableFileError(f"{name}: the file is empty")
    return report


def import_binary(
    store: Store,
    kind: str,
    stream: IO[bytes],
    *,
    fmt: Format,
    name: str,
    batch_size: int = 1000,
    on_error: ErrorSink | None = None,
) -> ImportReport:
    """Import records from a binary stream of UTF-8 text (an open file or an upload)."""
    importer = _Importer(store, kind, name, batch_size, on_error)
    lines = _Lines(stream, name)
    return importer.run(_rows(kind, fmt, lines, lines.bad, name))


def import_file(
    store: Store,
    kind: str,
    path: Path,
    *,
    batch_size: int = 1000,
    on_error: ErrorSink | None = None,
) -> ImportReport:
    """Import a CSV or JSON Lines file (format by extension, optionally gzipped).

    ``on_error`` is called with every :class:`RowError` as it is found (the CLI prints them).
    Raises :class:`UnusableFileError` when the file cannot be read at all.
    """
    path = Path(path)
    fmt, gzipped = detect_format(path)
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    try:
        raw: IO[bytes] = path.open("rb")
    except FileNotFoundError:
        raise UnusableFileError(f"{path}: no such file") from None
    except OSError as error:
        raise UnusableFileError(f"{path}: cannot read: {error.strerror or error}") from None
    with raw:
        stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")) if gzipped else raw
        return import_binary(
            store, kind, stream, fmt=fmt, name=str(path), batch_size=batch_size, on_error=on_error
        )
