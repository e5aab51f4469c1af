"""``werkmatch import KIND FILE`` and ``werkmatch export KIND [--format jsonl|csv] [--out FILE]``.

Import exit status: 0 when every row went in, 1 when some rows were rejected (each named on
stderr as ``FILE:LINE: field: reason``), 2 when the file cannot be used at all. The summary
line ``N read, N stored, N rejected`` goes to stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from service.exporting import export_file, export_records, format_for
from service.importing import RowError, import_file
from service.settings import Settings
from service.storage import KINDS, open_store

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import`` and ``export`` commands."""
    parser = subparsers.add_parser(
        "import",
        help="import records from a CSV or JSON Lines file",
        description="Import records (upsert by id). CSV: list fields ';'-separated, see the "
        "README. JSON Lines: one object per line. Gzipped files (.csv.gz, .jsonl.gz) work too.",
    )
    parser.add_argument("kind", choices=KINDS, help="what the file holds")
    parser.add_argument("file", type=Path, help="a .csv, .jsonl or .ndjson file (optionally .gz)")
    parser.set_defaults(func=run_import)

    parser = subparsers.add_parser(
        "export",
        help="export records as JSON Lines or CSV",
        description="Export records ordered by id, in the format import reads.",
    )
    parser.add_argument("kind", choices=KINDS, help="what to export")
    parser.add_argument(
        "--format",
        choices=("jsonl", "csv"),
        default=None,
        help="output format (default: from the --out extension, else jsonl)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="file to write (default: stdout); .gz compresses"
    )
    parser.add_argument(
        "--no-protected",
        dest="include_protected",
        action="store_false",
        help="leave out candidates' protected attributes (birth year, gender, ...)",
    )
    parser.set_defaults(func=run_export)


def _print_error(error: RowError) -> None:
    print(error, file=sys.stderr)


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        report = import_file(
            store,
            args.kind,
            args.file,
            batch_size=settings.import_batch_size,
            on_error=_print_error,
        )
    print(report.summary())
    return report.exit_status


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    fmt = args.format or format_for(args.out)
    with open_store(settings) as store:
        if args.out is not None:
            count = export_file(
                store, args.kind, args.out, fmt=fmt, include_protected=args.include_protected
            )
            print(f"{count} {args.kind} written to {args.out}", file=sys.stderr)
            return 0
        out = getattr(sys.stdout, "buffer", None)
        if out is None:  # a text-only stdout (some test harnesses)
            stream = _TextAsBytes(sys.stdout)
            export_records(
                store, args.kind, stream, fmt=fmt, include_protected=args.include_protected
            )
        else:
            sys.stdout.flush()
            export_records(store, args.kind, out, fmt=fmt, include_protected=args.include_protected)
    return 0


class _TextAsBytes:
    """Writes UTF-8 bytes to a text stream."""

    def __init__(self, text_stream: TextIO) -> None:
        self._stream = text_stream

    def write(self, data: bytes, /) -> int:
        self._stream.write(data.decode("utf-8"))
        return len(data)

    def flush(self) -> None:
        self._stream.flush()
