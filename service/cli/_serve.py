"""``werkmatch serve`` (the web service) and ``werkmatch demo`` (a synthetic municipality, served).

``werkmatch demo --dir var/demo`` does, in order:

1. generate a synthetic municipality into ``--dir`` with :mod:`service.synth`, unless the
   directory already holds files made with the same parameters (``demo-manifest.json`` records
   the parameters and each file's size and sha256; a changed, missing or half-written file
   means generating again);
2. import employers, vacancies, candidates and outcomes into the database of the settings
   (``WERKMATCH_DATABASE_URL``), logging counts, rows per second and elapsed time. Import is an
   upsert, so a second run stores nothing twice;
3. serve the web pages and the API on ``http://HOST:PORT`` (settings: 127.0.0.1:8000), unless
   ``--no-serve``. Matching then treats the data's reference date (``SynthConfig.reference_date``,
   in the manifest) as today, unless the settings name a date (``WERKMATCH_TODAY``), so the
   generated open vacancies are open whatever the real date is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.importing import ImportReport, import_file
from service.settings import Settings
from service.storage import Store, open_store

__all__ = [
    "DEMO_FILES",
    "IMPORT_ORDER",
    "MANIFEST_NAME",
    "DemoParameters",
    "ensure_generated",
    "import_demo",
    "register",
]

logger = logging.getLogger(__name__)

IMPORT_ORDER = ("employers", "vacancies", "candidates", "outcomes")
"""Kinds in the order their references need: vacancies name employers, outcomes name both."""
DEMO_FILES = {kind: f"{kind}.jsonl" for kind in IMPORT_ORDER}
MANIFEST_NAME = "demo-manifest.json"
_MANIFEST_FORMAT = 1
_SHOWN_ROW_ERRORS = 5


@dataclass(frozen=True)
class DemoParameters:
    """The parameters a demo directory was generated with."""

    candidates: int = 10_000
    vacancies: int = 3_000
    employers: int = 1_000
    seed: int = 42
    municipality: str = "Groningen"


# -- serve ------------------------------------------------------------------------------------


def serve(settings: Settings) -> None:
    """Run the app with uvicorn on ``settings.host:settings.port`` until interrupted."""
    import uvicorn

    from service.app import create_app

    logger.info("serving on http://%s:%d (stop with Ctrl+C)", settings.host, settings.port)
    # log_config=None: uvicorn logs through the logging the CLI already configured.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


def _with_address(args: argparse.Namespace, settings: Settings) -> Settings:
    update = {
        name: value for name in ("host", "port") if (value := getattr(args, name)) is not None
    }
    return Settings.model_validate({**settings.model_dump(), **update}) if update else settings


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def _add_address_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (default: settings, 127.0.0.1)")
    parser.add_argument("--port", type=_port, help="port to listen on (default: settings, 8000)")


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    serve(_with_address(args, settings))
    return 0


# -- demo: generate ---------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _synth_config(parameters: DemoParameters) -> Any:
    from service.synth import SynthConfig

    return SynthConfig(
        candidates=parameters.candidates,
        vacancies=parameters.vacancies,
        employers=parameters.employers,
        seed=parameters.seed,
        municipality=parameters.municipality,
    )


def _expected_manifest_head(config: Any) -> dict[str, Any]:
    from service.synth.writing import GENERATOR_VERSION

    return {
        "format": _MANIFEST_FORMAT,
        "generator": GENERATOR_VERSION,
        "synth": config.to_json(),
    }


def _manifest_still_valid(directory: Path, head: dict[str, Any]) -> bool:
    """Whether ``directory`` holds intact files generated with exactly these parameters."""
    try:
        manifest = json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict) or any(manifest.get(k) != v for k, v in head.items()):
        return False
    files = manifest.get("files")
    if not isinstance(files, dict) or set(files) != set(DEMO_FILES.values()):
        return False
    for name, facts in files.items():
        path = directory / name
        try:
            if path.stat().st_size != facts["bytes"] or _sha256(path) != facts["sha256"]:
                return False
        except (OSError, KeyError, TypeError):
            return False
    return True


def ensure_generated(directory: Path, parameters: DemoParameters) -> bool:
    """Generate the demo data into ``directory`` unless it is already there; True if generated.

    The manifest is written last and removed first, so an interrupted run is never mistaken
    for a finished one.
    """
    from service.synth import generate, write

    config = _synth_config(parameters)
    head = _expected_manifest_head(config)
    if _manifest_still_valid(directory, head):
        logger.info(
            "demo data in %s already made with these parameters; not regenerating", directory
        )
        return False
    directory.mkdir(parents=True, exist_ok=True)
    manifest_path = directory / MANIFEST_NAME
    manifest_path.unlink(missing_ok=True)
    started = time.perf_counter()
    logger.info(
        "generating %s: %d candidates, %d vacancies, %d employers (seed %d) into %s",
        parameters.municipality,
        parameters.candidates,
        parameters.vacancies,
        parameters.employers,
        parameters.seed,
        directory,
    )
    write(generate(config), directory)
    files = {}
    for name in DEMO_FILES.values():
        path = directory / name
        files[name] = {"bytes": path.stat().st_size, "sha256": _sha256(path)}
    manifest = {**head, "files": files}
    temporary = manifest_path.with_suffix(".tmp")
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    temporary.replace(manifest_path)
    logger.info("generated in %.1f s", time.perf_counter() - started)
    return True


# -- demo: import -----------------------------------------------------------------------------


def import_demo(store: Store, directory: Path, *, batch_size: int = 1000) -> list[ImportReport]:
    """Import the four demo files into ``store``, logging counts, rows/s and elapsed time."""
    reports = []
    for kind in IMPORT_ORDER:
        path = directory / DEMO_FILES[kind]
        started = time.perf_counter()
        report = import_file(store, kind, path, batch_size=batch_size)
        elapsed = time.perf_counter() - started
        logger.info(
            "imported %-10s %s in %.1f s (%.0f rows/s)",
            kind,
            report.summary(),
            elapsed,
            report.read / elapsed if elapsed > 0 else float("inf"),
        )
        for error in report.errors[:_SHOWN_ROW_ERRORS]:
            logger.warning("%s", error)
        if report.rejected > _SHOWN_ROW_ERRORS:
            logger.warning("... and %d more rejected rows", report.rejected - _SHOWN_ROW_ERRORS)
        reports.append(report)
    return reports


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    started = time.perf_counter()
    parameters = DemoParameters(
        candidates=args.candidates,
        vacancies=args.vacancies,
        employers=args.employers,
        seed=args.seed,
        municipality=args.municipality or settings.municipality,
    )
    directory = Path(args.dir)
    try:
        _synth_config(parameters)
    except ValueError as error:  # parameters the generator refuses, e.g. --candidates 0
        print(f"werkmatch demo: {error}", file=sys.stderr)
        return 2
    ensure_generated(directory, parameters)
    import_started = time.perf_counter()
    with open_store(settings) as store:
        reports = import_demo(store, directory, batch_size=settings.import_batch_size)
        counts = {kind: store.count(kind) for kind in IMPORT_ORDER}
    rows = sum(report.read for report in reports)
    import_seconds = time.perf_counter() - import_started
    logger.info(
        "import: %d rows in %.1f s (%.0f rows/s); the database now holds %s",
        rows,
        import_seconds,
        rows / import_seconds if import_seconds > 0 else float("inf"),
        ", ".join(f"{counts[kind]} {kind}" for kind in IMPORT_ORDER),
    )
    logger.info("demo ready in %.1f s", time.perf_counter() - started)
    status = 1 if any(report.rejected for report in reports) else 0
    if status:
        logger.warning("some demo rows were rejected; see the messages above")
    if args.no_serve:
        logger.info(
            "the demo data's date is %s: give matching commands --today %s (or set "
            "WERKMATCH_TODAY) so its open vacancies count as open",
            *[_synth_config(parameters).reference_date.isoformat()] * 2,
        )
    else:
        serve(_demo_today(_with_address(args, settings), _synth_config(parameters).reference_date))
    return status


def _demo_today(settings: Settings, reference_date: dt.date) -> Settings:
    """``settings`` with ``today`` set to the demo data's date, unless the settings set one."""
    if settings.today is not None:
        return settings
    logger.info("demo data: matching treats %s as today", reference_date.isoformat())
    return Settings.model_validate({**settings.model_dump(), "today": reference_date})


# -- registration -----------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    """Add ``werkmatch serve`` and ``werkmatch demo``."""
    serve_parser = subparsers.add_parser(
        "serve",
        help="run the web pages and JSON API",
        description="Run the web pages and the JSON API (docs at /docs).",
    )
    _add_address_options(serve_parser)
    serve_parser.set_defaults(func=run_serve)

    defaults = DemoParameters()
    demo = subparsers.add_parser(
        "demo",
        help="generate a synthetic municipality, import it and serve it",
        description=(
            "Generate a synthetic municipality into DIR (skipped when DIR already holds files "
            "made with the same parameters), import it into the database of the settings "
            "(WERKMATCH_DATABASE_URL; a second run stores nothing twice), then serve the web "
            "pages and the API until Ctrl+C."
        ),
    )
    demo.add_argument("--dir", required=True, type=Path, help="directory for the generated files")
    for name, default in (
        ("candidates", defaults.candidates),
        ("vacancies", defaults.vacancies),
        ("employers", defaults.employers),
    ):
        demo.add_argument(
            f"--{name}", type=int, default=default, metavar="N", help=f"default: {default}"
        )
    demo.add_argument("--seed", type=int, default=defaults.seed, help=f"default: {defaults.seed}")
    demo.add_argument(
        "--municipality", help="gemeente whose postcodes to use (default: settings, Groningen)"
    )
    demo.add_argument("--no-serve", action="store_true", help="generate and import, then stop")
    _add_address_options(demo)
    demo.set_defaults(func=run_demo)
