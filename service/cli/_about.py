"""``werkmatch about``: name, version, taxonomy and the attribution the shipped data requires.

Also the ``--version`` action of the top-level parser, which prints one line and stays fast
(it does not load the taxonomy).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from features.data import ATTRIBUTION
from service.settings import Settings

__all__ = ["VersionAction", "about_text", "register", "version_line"]

_SHORT_ATTRIBUTION = (
    "This service uses the ESCO classification of the European Commission; "
    "with data from CBS and GeoNames (CC BY 4.0). Details: `werkmatch about`."
)


def _version() -> str:
    try:
        return version("werkmatch")
    except PackageNotFoundError:
        return "0+unknown"


def version_line() -> str:
    """``werkmatch 0.1.0`` and a one-line attribution of the shipped data."""
    return f"werkmatch {_version()}\n{_SHORT_ATTRIBUTION}"


def about_text() -> str:
    """What ``werkmatch about`` prints: name, version, taxonomy version and full attribution."""
    from features.taxonomy import load_taxonomy

    return (
        f"werkmatch {_version()}\n"
        "Explained job matching for the work-and-income teams of Dutch municipalities.\n"
        f"Taxonomy: {load_taxonomy().version}\n\n"
        f"{ATTRIBUTION.rstrip()}\n"
    )


class VersionAction(argparse.Action):
    """``--version``: print :func:`version_line` and exit."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "print the version and the data attribution, then exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        print(version_line())
        parser.exit()


def register(subparsers: Any) -> None:
    """Add ``werkmatch about``."""
    parser = subparsers.add_parser(
        "about", help="version, taxonomy and data attribution", description=__doc__
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    print(about_text(), end="")
    return 0
