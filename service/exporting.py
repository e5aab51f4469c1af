"""Export stored records as JSON Lines or CSV, streamed and in a stable order.

Records come out ordered by id (outcomes by candidate, vacancy, status and moment), one per
line, in the same formats import reads (CSV: see :mod:`service.csv_codec`). Exporting, importing
the file into an empty database and exporting again gives byte-identical output.

Candidates are exported with their protected attributes by default, so an export is a full
backup; pass ``include_protected=False`` for a file that leaves them out.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Literal, Protocol

from service import csv_codec
from service.storage import KINDS, Store

__all__ = ["export_file", "export_lines", "export_records", "format_for"]

logger = logging.getLogger(__name__)

Format = Literal["csv", "jsonl"]


class BinaryOut(Protocol):
    """Where export writes: an open binary file, ``sys.stdout.buffer``, a gzip stream..."""

    def write(self, data: bytes, /) -> int: ...
    def flush(self) -> None: ...


def format_for(path: Path | str | None, default: Format = "jsonl") -> Format:
    """The format a file name asks for (``.csv``/``.csv.gz`` is CSV), else ``default``."""
    if path is None:
        return default
    name = Path(path).name.lower().removesuffix(".gz")
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    return default


def export_lines(
    store: Store, kind: str, *, fmt: Format, include_protected: bool = True
) -> Iterator[str]:
    """The exported text, one record per item (ending in a line break); CSV starts with the header.

    A CSV record may span several lines when a value holds a line break.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    protected = include_protected and kind == "candidates"
    records = store.iter_all(kind, include_protected=protected)
    if fmt == "jsonl":
        exclude = None if include_protected or kind != "candidates" else {"protected"}
        for record in records:
            yield record.model_dump_json(exclude=exclude) + "\n"
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")

        def take() -> str:
            text = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            return text

        writer.writerow(csv_codec.header(kind, protected=include_protected))
        yield take()
        for record in records:
            writer.writerow(csv_codec.encode_record(kind, record, protected=include_protected))
            yield take()
    else:
        raise ValueError(f"unknown format {fmt!r}; use 'csv' or 'jsonl'")


def export_records(
    store: Store, kind: str, out: BinaryOut, *, fmt: Format, include_protected: bool = True
) -> int:
    """Write every record of ``kind`` to a binary stream as UTF-8; returns the record count."""
    count = 0
    pending: list[str] = []
    for line in export_lines(store, kind, fmt=fmt, include_protected=include_protected):
        pending.append(line)
        if len(pending) >= 1000:
            out.write("".join(pending).encode("utf-8"))
            pending.clear()
        count += 1
    if pending:
        out.write("".join(pending).encode("utf-8"))
    out.flush()
    # The CSV header is a line but not a record.
    return count - 1 if fmt == "csv" else count


def export_file(
    store: Store,
    kind: str,
    path: Path,
    *,
    fmt: Format | None = None,
    include_protected: bool = True,
) -> int:
    """Export to a file (gzipped when it ends in ``.gz``); returns the record count.

    The file appears only when complete: it is written next to its place and then renamed.
    It is readable by its owner only, as an export may hold personal data.
    """
    path = Path(path)
    chosen = fmt or format_for(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as raw:
            if path.name.lower().endswith(".gz"):
                # mtime=0: the same records give the same bytes.
                with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped:
                    count = export_records(
                        store, kind, zipped, fmt=chosen, include_protected=include_protected
                    )
            else:
                count = export_records(
                    store, kind, raw, fmt=chosen, include_protected=include_protected
                )
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    logger.info("exported %d %s to %s", count, kind, path)
    return count
