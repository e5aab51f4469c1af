"""Matching on the command line: ``werkmatch shortlist``, ``recommend``, ``employers``, ``paths``.

- ``werkmatch shortlist --vacancy ID [--top 10] [--json]``: the best candidates for a vacancy;
- ``werkmatch shortlist --all [--top 10] [--format jsonl] [--out FILE]``: every open vacancy,
  one JSON line each (``vacancy_id``, ``matches`` with their explanations, ``excluded``,
  ``pool_size``, ``scorer``, ``taxonomy_version``), progress on stderr;
- ``werkmatch recommend --candidate ID``: the best open vacancies for a candidate;
- ``werkmatch employers --candidate ID``: employers to approach (the hidden job market);
- ``werkmatch paths --candidate ID``: career paths and the skills still missing.

Without ``--json`` each prints a compact table in Dutch (``--lang en`` or the language of the
settings for English), and lists end with the knock-out line
(``42 uitgesloten: 30 reistijd, 12 rijbewijs``). ``--today YYYY-MM-DD`` sets the date matching
treats as today (default: the settings' ``today``, else the real date), e.g. the reference
date of a demo municipality. An unknown id is an error with exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from service.settings import Settings
from service.storage import open_store

if TYPE_CHECKING:  # imported when a command runs: matching loads numpy, scipy and sklearn
    from matching.results import CareerPath, EmployerSuggestion, Recommendations, Shortlist
    from service.engine import MatchingEngine

__all__ = ["MAX_TOP", "register", "render_table"]

MAX_TOP = 1000
"""Largest ``--top`` the commands accept."""

_WORDS: dict[str, tuple[str, str]] = {
    "rank": ("#", "#"),
    "candidate": ("kandidaat", "candidate"),
    "vacancy": ("vacature", "vacancy"),
    "title": ("functie", "title"),
    "employer": ("werkgever", "employer"),
    "name": ("naam", "name"),
    "sector": ("sector", "sector"),
    "score": ("score", "score"),
    "reasons": ("sterkste punten", "strongest points"),
    "travel": ("reistijd", "travel"),
    "missing": ("mist", "missing"),
    "open": ("open", "open"),
    "why": ("waarom", "why"),
    "occupation": ("beroep", "occupation"),
    "level": ("niveau", "level"),
    "overlap": ("overlap", "overlap"),
    "learn": ("nog te leren", "still to learn"),
    "none": ("geen resultaten", "no results"),
    "shortlist.head": (
        "Vacature {id}: {title} · {n} van {pool} kandidaten · datum {today}",
        "Vacancy {id}: {title} · {n} of {pool} candidates · date {today}",
    ),
    "recommend.head": (
        "Kandidaat {id}: {n} van {pool} open vacatures · datum {today}",
        "Candidate {id}: {n} of {pool} open vacancies · date {today}",
    ),
    "employers.head": ("Werkgevers om te benaderen voor {id}", "Employers to approach for {id}"),
    "paths.head": ("Loopbaanpaden voor {id}", "Career paths for {id}"),
}

_CELL_WIDTH = 42


def _w(key: str, language: str) -> str:
    return _WORDS[key][1 if language == "en" else 0]


def _number(value: float, language: str) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if language == "nl" else text


def _cut(text: str, width: int = _CELL_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Rows under a header in aligned columns (two spaces apart), without trailing spaces."""
    widths = [len(h) for h in header]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = []
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _reasons(labels: Sequence[str], n: int = 2) -> str:
    """The first ``n`` distinct factor labels without their parenthesised detail (narrow)."""
    short = dict.fromkeys(re.sub(r"\s*\(.*?\)", "", label) for label in labels)
    return _cut("; ".join(list(short)[:n]))


def _missing(skills: Sequence[str], language: str) -> str:
    return _cut(", ".join(skills)) if skills else "-"


# -- the four answers as text -----------------------------------------------------------------


def shortlist_text(result: Shortlist, title: str, today: dt.date, language: str) -> str:
    """A shortlist as a table with its heading and knock-out line."""
    from service.presenting import exclusion_summary, strongest_factors, travel_text

    head = _w("shortlist.head", language).format(
        id=result.vacancy_id, title=title, n=len(result.matches), pool=result.pool_size,
        today=today.isoformat(),
    )  # fmt: skip
    rows = [
        [
            str(m.rank),
            m.candidate_id,
            _number(m.score, language),
            _reasons(strongest_factors(m.explanation, language, n=4)),
            travel_text(m.explanation.travel, language),
            _missing(m.explanation.missing_skills, language),
        ]
        for m in result.matches
    ]
    header = [
        _w(k, language) for k in ("rank", "candidate", "score", "reasons", "travel", "missing")
    ]
    body = render_table(header, rows) if rows else _w("none", language)
    return f"{head}\n{body}\n{exclusion_summary(result.excluded, language)}"


def recommendations_text(result: Recommendations, today: dt.date, language: str) -> str:
    """Recommended vacancies as a table with its heading and knock-out line."""
    from service.presenting import exclusion_summary, strongest_factors, travel_text

    head = _w("recommend.head", language).format(
        id=result.candidate_id, n=len(result.matches), pool=result.pool_size,
        today=today.isoformat(),
    )  # fmt: skip
    rows = [
        [
            str(m.rank),
            m.vacancy_id,
            _cut(m.title, 30),
            _number(m.score, language),
            _reasons(strongest_factors(m.explanation, language, n=4)),
            travel_text(m.explanation.travel, language),
            _missing(m.explanation.missing_skills, language),
        ]
        for m in result.matches
    ]
    header = [
        _w(k, language)
        for k in ("rank", "vacancy", "title", "score", "reasons", "travel", "missing")
    ]
    body = render_table(header, rows) if rows else _w("none", language)
    return f"{head}\n{body}\n{exclusion_summary(result.excluded, language)}"


def employers_text(candidate_id: str, result: Sequence[EmployerSuggestion], language: str) -> str:
    """Employer suggestions as a table; the first reason of each in the last column."""
    rows = [
        [
            str(rank),
            s.employer_id,
            _cut(s.name, 30),
            s.sector or "-",
            _number(s.score, language),
            str(s.open_vacancies),
            _cut((s.reasons_en if language == "en" else s.reasons_nl)[0], 60)
            if (s.reasons_en if language == "en" else s.reasons_nl)
            else "-",
        ]
        for rank, s in enumerate(result, start=1)
    ]
    header = [
        _w(k, language) for k in ("rank", "employer", "name", "sector", "score", "open", "why")
    ]
    body = render_table(header, rows) if rows else _w("none", language)
    return f"{_w('employers.head', language).format(id=candidate_id)}\n{body}"


def paths_text(candidate_id: str, result: Sequence[CareerPath], language: str) -> str:
    """Career paths as a table: occupation, level, skill overlap, open vacancies, what to learn."""
    rows = [
        [
            str(rank),
            _cut(p.label, 36),
            "-" if p.isco_level is None else str(p.isco_level),
            f"{round(p.skill_overlap * 100)}%",
            str(p.open_vacancies),
            _missing(p.missing_skills, language),
        ]
        for rank, p in enumerate(result, start=1)
    ]
    header = [_w(k, language) for k in ("rank", "occupation", "level", "overlap", "open", "learn")]
    body = render_table(header, rows) if rows else _w("none", language)
    return f"{_w('paths.head', language).format(id=candidate_id)}\n{body}"


# -- commands ---------------------------------------------------------------------------------


def _with_today(args: argparse.Namespace, settings: Settings) -> Settings:
    if args.today is None:
        return settings
    return Settings.model_validate({**settings.model_dump(), "today": args.today})


def _language(args: argparse.Namespace, settings: Settings) -> str:
    return str(args.lang or settings.language)


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _run(
    args: argparse.Namespace,
    settings: Settings,
    answer: Callable[[MatchingEngine, str], int],
) -> int:
    from service.engine import MatchingEngine

    settings = _with_today(args, settings)
    with open_store(settings) as store:
        engine = MatchingEngine(settings, store)
        return answer(engine, _language(args, settings))


def run_shortlist(args: argparse.Namespace, settings: Settings) -> int:
    if args.all:
        if args.format not in (None, "jsonl"):
            print("werkmatch shortlist: --all writes JSON Lines (--format jsonl)", file=sys.stderr)
            return 2
        return _run(args, settings, lambda engine, _lang: _shortlist_all(engine, args))
    if args.out is not None:
        print("werkmatch shortlist: --out goes with --all", file=sys.stderr)
        return 2
    as_json = args.json or args.format in ("json", "jsonl")

    def answer(engine: MatchingEngine, language: str) -> int:
        result = engine.shortlist(args.vacancy, top_k=args.top)
        if as_json:
            _print_json(result.to_dict())
        else:
            vacancy = engine.store.get("vacancies", args.vacancy)
            title = str(getattr(vacancy, "title", ""))
            print(shortlist_text(result, title, engine.matcher().today, language))
        return 0

    return _run(args, settings, answer)


def _shortlist_all(engine: MatchingEngine, args: argparse.Namespace) -> int:
    ids = engine.open_vacancy_ids()
    started = time.perf_counter()
    progress = _Progress(len(ids), sys.stderr)
    if args.out is None:
        _write_all(engine, ids, args.top, sys.stdout, progress)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        temporary = args.out.with_name(args.out.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as stream:
            _write_all(engine, ids, args.top, stream, progress)
        temporary.replace(args.out)
    elapsed = time.perf_counter() - started
    print(
        f"shortlist --all: {len(ids)} open vacancies in {elapsed:.1f} s "
        f"({len(ids) / elapsed if elapsed > 0 else 0:.1f}/s)",
        file=sys.stderr,
    )
    return 0


def _write_all(
    engine: MatchingEngine, ids: Sequence[str], top: int, stream: TextIO, progress: _Progress
) -> None:
    for done, vacancy_id in enumerate(ids, start=1):
        result = engine.shortlist(vacancy_id, top_k=top)
        stream.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        progress.update(done)
    progress.finish()


class _Progress:
    """``shortlist --all: 120/3000 (4%)`` on stderr: redrawn in place on a terminal, else a
    line every 10%."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.tty = stream.isatty()
        self.shown = -1
        self.last = 0.0

    def update(self, done: int) -> None:
        percent = 100 * done // self.total if self.total else 100
        now = time.monotonic()
        if self.tty:
            if now - self.last >= 0.2 or done == self.total:
                self.stream.write(f"\rshortlist --all: {done}/{self.total} ({percent}%)")
                self.stream.flush()
                self.last = now
        elif percent // 10 > self.shown:
            self.shown = percent // 10
            self.stream.write(f"shortlist --all: {done}/{self.total} ({percent}%)\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")


def run_recommend(args: argparse.Namespace, settings: Settings) -> int:
    def answer(engine: MatchingEngine, language: str) -> int:
        result = engine.recommend(args.candidate, top_k=args.top)
        if args.json:
            _print_json(result.to_dict())
        else:
            print(recommendations_text(result, engine.matcher().today, language))
        return 0

    return _run(args, settings, answer)


def run_employers(args: argparse.Namespace, settings: Settings) -> int:
    def answer(engine: MatchingEngine, language: str) -> int:
        result = engine.employers(args.candidate, top_k=args.top)
        if args.json:
            _print_json([s.to_dict() for s in result])
        else:
            print(employers_text(args.candidate, result, language))
        return 0

    return _run(args, settings, answer)


def run_paths(args: argparse.Namespace, settings: Settings) -> int:
    def answer(engine: MatchingEngine, language: str) -> int:
        result = engine.career_paths(args.candidate, top_k=args.top)
        if args.json:
            _print_json([p.to_dict() for p in result])
        else:
            print(paths_text(args.candidate, result, language))
        return 0

    return _run(args, settings, answer)


# -- registration -----------------------------------------------------------------------------


def _top(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_TOP:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 1 to {MAX_TOP}")
    return int(text)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _common(parser: argparse.ArgumentParser, *, json_flag: bool = True) -> None:
    parser.add_argument("--top", type=_top, default=10, metavar="N", help="how many (default 10)")
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--lang", choices=("nl", "en"), help="language of the table (default: settings, nl)"
    )
    parser.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the date to treat as today (default: settings, else the real date)",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``shortlist``, ``recommend``, ``employers`` and ``paths``."""
    parser = subparsers.add_parser(
        "shortlist",
        help="the best candidates for a vacancy, or for every open vacancy",
        description="The best candidates for one vacancy (--vacancy ID), explained, with the "
        "knock-outs; or for every open vacancy (--all), one JSON line each.",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--vacancy", metavar="ID", help="the vacancy")
    which.add_argument("--all", action="store_true", help="every vacancy open today")
    _common(parser)
    parser.add_argument(
        "--format",
        choices=("table", "json", "jsonl"),
        default=None,
        help="output format (default: table; --all: jsonl)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="with --all: file to write (default: stdout)"
    )
    parser.set_defaults(func=run_shortlist)

    for name, run, help_text in (
        ("recommend", run_recommend, "the best open vacancies for a candidate"),
        ("employers", run_employers, "employers to approach for a candidate (hidden job market)"),
        ("paths", run_paths, "career paths for a candidate and the skills still missing"),
    ):
        parser = subparsers.add_parser(
            name, help=help_text, description=help_text[0].upper() + help_text[1:] + "."
        )
        parser.add_argument("--candidate", required=True, metavar="ID", help="the candidate")
        _common(parser)
        parser.set_defaults(func=run)
