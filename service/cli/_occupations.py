"""``werkmatch occupations ...`` and ``werkmatch skills ...``: text to ESCO from the shell.

* ``werkmatch occupations link FILE [--top 10] [--format jsonl|tsv]`` — one job title per input
  line (``-`` reads stdin). JSON Lines: one line per input line,
  ``{"query": ..., "matches": [{"uri", "label", "score"}, ...]}``; TSV: a header, then one row
  per match (``query, rank, uri, label, score``).
* ``werkmatch occupations search "TITLE" [--top 10]`` — a readable table.
* ``werkmatch occupations index`` — embed every occupation and skill label once, so later
  commands (and the web service) start quickly; the Makefile runs it after building the model.
* ``werkmatch skills normalise "TEXT" ... [--format table|jsonl]`` — each text's ESCO skill,
  with confidence and method.

The embedding model comes from ``Settings.model_dir``. When it is missing these commands still
work, lexical only (no semantic matching), and log a warning saying how to build it.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from features.embedding import CachedEncoder, Encoder, load_encoder
from features.errors import ArtifactError, UnusableFileError
from features.occupations import OccupationLinker, OccupationMatch
from features.skills import SkillMatch, SkillNormaliser
from features.taxonomy import load_taxonomy
from service.settings import Settings

__all__ = ["load_text_encoder", "register"]

logger = logging.getLogger(__name__)

_BATCH = 256  # titles linked per batch when reading a file


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``occupations`` and ``skills`` command groups."""
    occupations = subparsers.add_parser(
        "occupations",
        help="link job titles to ESCO occupations",
        description="Link free-text job titles (Dutch or English) to ESCO occupations.",
    )
    occ_sub = occupations.add_subparsers(
        dest="occupations_command", required=True, metavar="ACTION"
    )

    parser = occ_sub.add_parser(
        "link",
        help="link every title in a file (one per line)",
        description="Link one job title per line of FILE ('-' for stdin) to ESCO occupations.",
    )
    parser.add_argument("file", help="text file, one title per line; '-' reads stdin")
    _add_common(parser)
    parser.add_argument(
        "--format", choices=("jsonl", "tsv"), default="jsonl", help="output format (default jsonl)"
    )
    parser.set_defaults(func=run_link)

    parser = occ_sub.add_parser(
        "search",
        help="show the best occupations for one title",
        description="Show the best ESCO occupations for one job title as a table.",
    )
    parser.add_argument("title", help="the job title, e.g. 'heftruckchauffeur'")
    _add_common(parser)
    parser.set_defaults(func=run_search)

    parser = occ_sub.add_parser(
        "index",
        help="embed all occupation and skill labels once (speeds up later starts)",
        description="Compute and cache the label embeddings next to the model folder.",
    )
    parser.set_defaults(func=run_index, no_model=False)

    skills = subparsers.add_parser(
        "skills",
        help="map free-text skills to ESCO skills",
        description="Map free-text skills "
        "(Dutch or English) to ESCO skills; unmatched text is kept with method 'none'.",
    )
    skill_sub = skills.add_subparsers(dest="skills_command", required=True, metavar="ACTION")
    parser = skill_sub.add_parser(
        "normalise",
        help="normalise one or more skill texts",
        description="Normalise skill texts: method uri, exact, fuzzy, semantic or none.",
    )
    parser.add_argument("texts", nargs="+", metavar="TEXT", help="a skill as written")
    parser.add_argument(
        "--format", choices=("table", "jsonl"), default="table", help="output format"
    )
    parser.add_argument(
        "--no-model", action="store_true", help="no semantic matching (faster start)"
    )
    parser.set_defaults(func=run_normalise)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--top", type=_positive, default=10, help="matches per title (default 10)")
    parser.add_argument(
        "--no-model", action="store_true", help="lexical linking only (faster start)"
    )


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def load_text_encoder(settings: Settings) -> Encoder | None:
    """The embedding model of ``settings.model_dir`` (memoised per text), or ``None`` with a
    warning when it is missing or unusable."""
    try:
        return CachedEncoder(load_encoder(settings.model_dir))
    except ArtifactError as error:
        message = str(error)
        if "features.model_build" not in message:
            message += (
                f"; rebuild it with: python -m features.model_build --out {settings.model_dir}"
            )
        logger.warning("no embedding model, matching lexically only: %s", message)
        return None


def _linker(args: argparse.Namespace, settings: Settings) -> OccupationLinker:
    encoder = None if args.no_model else load_text_encoder(settings)
    return OccupationLinker(load_taxonomy(), encoder)


def _read_lines(source: str) -> Iterator[str]:
    if source == "-":
        for line in sys.stdin:
            yield line.rstrip("\r\n")
        return
    path = Path(source)
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for line in handle:
                yield line.rstrip("\r\n")
    except FileNotFoundError:
        raise UnusableFileError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise UnusableFileError(f"{path}: not UTF-8 text ({error.reason})") from None


def _batches(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _match_dict(match: OccupationMatch) -> dict[str, object]:
    return {"uri": match.uri, "label": match.label, "score": match.score}


def write_links(
    linker: OccupationLinker, lines: Iterable[str], out: TextIO, *, top: int, fmt: str
) -> int:
    """Link each line and write it in ``fmt``; returns the number of titles."""
    count = 0
    if fmt == "tsv":
        out.write("query\trank\turi\tlabel\tscore\n")
    for batch in _batches(lines, _BATCH):
        titles = [line.strip() for line in batch]
        for title, matches in zip(titles, linker.link_many(titles, top=top), strict=True):
            count += 1
            if fmt == "jsonl":
                record = {"query": title, "matches": [_match_dict(m) for m in matches]}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                clean = title.replace("\t", " ")
                for rank, m in enumerate(matches, start=1):
                    out.write(f"{clean}\t{rank}\t{m.uri}\t{m.label}\t{m.score:.4f}\n")
    return count


def run_link(args: argparse.Namespace, settings: Settings) -> int:
    lines = _read_lines(args.file)
    first = next(lines, None)  # fail on a missing file before loading the model
    linker = _linker(args, settings)
    chain = [] if first is None else [first]
    count = write_links(linker, _chain(chain, lines), sys.stdout, top=args.top, fmt=args.format)
    logger.info("linked %d titles", count)
    return 0


def _chain(head: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from head
    yield from rest


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    linker = _linker(args, settings)
    candidates = linker.candidates(args.title, top=args.top)
    if not candidates:
        print(f"no occupations found for {args.title!r}")
        return 0
    rows = [
        (str(rank), f"{c.score:.3f}", c.label, c.best_label, c.uri)
        for rank, c in enumerate(candidates, start=1)
    ]
    _print_table(("#", "score", "occupation", "matched label", "uri"), rows)
    return 0


def run_index(args: argparse.Namespace, settings: Settings) -> int:
    encoder = load_text_encoder(settings)
    if encoder is None:
        return 1
    taxonomy = load_taxonomy()
    linker = OccupationLinker(taxonomy, encoder)
    normaliser = SkillNormaliser(taxonomy, encoder)
    print(f"label embeddings ready in {getattr(encoder, 'cache_dir', None)}")
    print(f"  {linker!r}\n  {normaliser!r}")
    return 0


def run_normalise(args: argparse.Namespace, settings: Settings) -> int:
    encoder = None if args.no_model else load_text_encoder(settings)
    normaliser = SkillNormaliser(load_taxonomy(), encoder)
    matches = normaliser.normalise_many(args.texts)
    if args.format == "jsonl":
        for m in matches:
            print(json.dumps(_skill_dict(m), ensure_ascii=False))
        return 0
    rows = [(m.text, m.method, f"{m.confidence:.3f}", m.label or "", m.uri or "") for m in matches]
    _print_table(("text", "method", "confidence", "ESCO skill", "uri"), rows)
    return 0


def _skill_dict(match: SkillMatch) -> dict[str, object]:
    return {
        "text": match.text,
        "uri": match.uri,
        "label": match.label,
        "confidence": match.confidence,
        "method": match.method,
    }


def _print_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
