"""``werkmatch synth``: write a synthetic municipality (import files plus hidden truth).

::

    werkmatch synth --candidates 10000 --vacancies 3000 --employers 1000 --seed 42 \\
        --municipality Groningen --out var/synth

writes ``employers``, ``vacancies``, ``candidates`` and ``outcomes`` (``.jsonl``, or ``.csv``
with ``--format csv``) and ``truth/`` (see its README) into ``--out``, and prints the counts
and the time taken. The same arguments give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from service.settings import Settings

__all__ = ["register"]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-05") from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``synth`` command."""
    from service.synth import DEFAULT_REFERENCE_DATE

    parser = subparsers.add_parser(
        "synth",
        help="generate a synthetic municipality (import files + hidden truth)",
        description="Generate realistic candidates, employers, vacancies and an outcome history "
        "in the import formats, plus truth/ with the hidden suitability for evaluating rankers. "
        "Same arguments, same bytes.",
    )
    parser.add_argument("--candidates", type=int, default=10_000, help="default: 10000")
    parser.add_argument("--vacancies", type=int, default=3_000, help="default: 3000")
    parser.add_argument("--employers", type=int, default=1_000, help="default: 1000")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument(
        "--municipality", default=None, help="gemeente whose postcodes to use (default: settings)"
    )
    parser.add_argument(
        "--reference-date",
        type=_date,
        default=DEFAULT_REFERENCE_DATE,
        help=f"the data's 'today' (default: {DEFAULT_REFERENCE_DATE})",
    )
    parser.add_argument(
        "--format", choices=("jsonl", "csv"), default="jsonl", help="import file format"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output directory (default: DATA_DIR/synth)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from service.synth import SynthConfig, generate, write

    try:
        config = SynthConfig(
            candidates=args.candidates,
            vacancies=args.vacancies,
            employers=args.employers,
            seed=args.seed,
            municipality=args.municipality or settings.municipality,
            reference_date=args.reference_date,
        )
    except ValueError as error:
        print(f"werkmatch synth: {error}", file=sys.stderr)
        return 2
    out_dir = args.out or settings.data_dir / "synth"
    started = time.perf_counter()
    result = generate(config)
    generated = time.perf_counter() - started
    paths = write(result, out_dir, fmt=args.format)
    total = time.perf_counter() - started
    counts = result.counts()
    print(
        f"{config.municipality}: "
        + ", ".join(f"{count} {kind}" for kind, count in counts.items())
        + f" in {out_dir}"
    )
    print(f"hidden truth in {paths['truth/README'].parent}")
    print(f"generated in {generated:.1f} s, written in {total - generated:.1f} s")
    return 0
