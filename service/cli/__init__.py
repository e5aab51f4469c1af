"""The ``werkmatch`` command line.

Each group of commands lives in its own module with a ``register(subparsers, settings)``
function; this module only wires them together, configures logging and turns domain errors
into exit codes.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from features.errors import WerkmatchError
from service.cli._about import VersionAction
from service.settings import get_settings

__all__ = ["build_parser", "main"]

# Command modules, in the order their commands appear in ``werkmatch --help``.
_COMMAND_MODULES = (
    "service.cli._data",
    "service.cli._synth",
    "service.cli._occupations",
    "service.cli._matching",
    "service.cli._models",
    "service.cli._serve",
    "service.cli._about",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser; each command sets ``func(args, settings) -> int``."""
    parser = argparse.ArgumentParser(
        prog="werkmatch", description="Explained job matching for Dutch municipalities."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``werkmatch`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.func(args, get_settings()))
    except WerkmatchError as error:
        print(f"werkmatch: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
