"""Import speed: candidates (JSON Lines and CSV) into a fresh SQLite file, median rows/s.

Generates ``N`` candidates with realistic field fill (skills, work history, languages,
protected attributes ...), then imports them a few times, each into a new database, the way
``werkmatch import candidates FILE`` does (validation, serialisation, hashing, batched
transactional upserts). Skill normalisation is not part of import. Target: >= 5,000 rows/s.

Run: ``python -m bench import`` (or ``python -m bench.bench_import [N]``).
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from features.vocabulary import Barrier, EducationLevel, Restriction, TransportMode
from service.exporting import export_file
from service.importing import import_file
from service.settings import Settings
from service.storage import open_store

N = 50_000
REPEATS = 3
TARGET_ROWS_PER_SECOND = 5_000

_SKILLS = (
    "heftruck rijden", "klantcontact", "kassawerk", "schoonmaken", "koken", "lassen",
    "orderpicken", "voorraadbeheer", "Excel", "tuinonderhoud", "schilderen", "metselen",
    "zorg verlenen", "administratie", "rijbewijs B", "hygiëne", "teamwerk", "Nederlands spreken",
    "magazijnbeheer", "productiewerk", "inpakken", "bestellingen verwerken", "stratenmaken",
)  # fmt: skip
_TITLES = (
    "Magazijnmedewerker", "Schoonmaker", "Kok", "Kassamedewerker", "Productiemedewerker",
    "Hovenier", "Chauffeur", "Zorghulp", "Administratief medewerker", "Lasser", "Schilder",
)  # fmt: skip
_LANGUAGES = ("nl", "en", "ar", "tr", "pl", "ti", "so", "de", "fr", "uk")
_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "native")


def candidate(rng: random.Random, number: int) -> dict[str, Any]:
    """One generated candidate as an import mapping (JSON-ready)."""
    history = [
        {
            "title": rng.choice(_TITLES),
            "years": round(rng.uniform(0.2, 12), 1),
            "isco": rng.choice(["9321", "9112", "5120", "8189", None]),
            "end_year": rng.choice([None, rng.randint(1995, 2024)]),
        }
        for _ in range(rng.randint(0, 4))
    ]
    hours_min = rng.choice([None, 8, 16, 24])
    return {
        "id": f"K{number:07d}",
        "postcode": f"{rng.randint(9700, 9799)}{rng.choice(['', 'AB', 'CD', 'GH'])}",
        "education_level": rng.choice(list(EducationLevel)).value,
        "skills": rng.sample(_SKILLS, rng.randint(2, 8)),
        "work_history": history,
        "desired_occupations": rng.sample(_TITLES, rng.randint(0, 3)),
        "languages": [
            {"language": lang, "level": rng.choice(_LEVELS)}
            for lang in rng.sample(_LANGUAGES, rng.randint(1, 3))
        ],
        "driving_licences": rng.choice([[], ["B"], ["B", "C"], ["AM"]]),
        "transport_modes": [m.value for m in rng.sample(list(TransportMode), rng.randint(1, 3))],
        "max_travel_minutes": rng.choice([15, 30, 45, 60, 90]),
        "hours_min": hours_min,
        "hours_max": None if hours_min is None else hours_min + rng.choice([0, 8, 16]),
        "available_from": rng.choice([None, f"2025-{rng.randint(1, 12):02d}-01"]),
        "participation_rung": rng.randint(1, 6),
        "exempt_from_work_obligation": rng.random() < 0.1,
        "target_group_register": rng.random() < 0.15,
        "restrictions": [r.value for r in rng.sample(list(Restriction), rng.randint(0, 2))],
        "barriers": [b.value for b in rng.sample(list(Barrier), rng.randint(0, 3))],
        "months_on_benefit": rng.randint(0, 240),
        "protected": {
            "birth_year": rng.randint(1960, 2006),
            "gender": rng.choice(["female", "male", "other", None]),
            "nationality": rng.choice(["Nederlands", "Syrisch", "Turks", "Pools", None]),
            "migration_background": rng.choice(["geen", "westers", "niet-westers", None]),
        },
    }


def write_candidates(path: Path, n: int, seed: int = 7) -> None:
    """Write ``n`` generated candidates as JSON Lines."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(n):
            out.write(json.dumps(candidate(rng, number), ensure_ascii=False) + "\n")


def _time_import(path: Path, workdir: Path, run: int) -> float:
    settings = Settings(database_url=f"sqlite:///{workdir / f'run{run}-{path.suffix[1:]}.db'}")
    with open_store(settings) as store:
        started = time.perf_counter()
        report = import_file(store, "candidates", path, batch_size=settings.import_batch_size)
        elapsed = time.perf_counter() - started
    assert report.rejected == 0 and report.stored == report.read, report.errors[:3]
    return report.stored / elapsed


def main(n: int = N, repeats: int = REPEATS) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        workdir = Path(tmp)
        jsonl = workdir / "candidates.jsonl"
        write_candidates(jsonl, n)
        csv_path = workdir / "candidates.csv"
        with open_store(Settings(database_url=f"sqlite:///{workdir / 'source.db'}")) as store:
            import_file(store, "candidates", jsonl)
            export_file(store, "candidates", csv_path)
        size_mb = jsonl.stat().st_size / 1e6
        for path in (jsonl, csv_path):
            rates = [_time_import(path, workdir, run) for run in range(repeats)]
            median = statistics.median(rates)
            verdict = "ok" if median >= TARGET_ROWS_PER_SECOND else "BELOW TARGET"
            print(
                f"import candidates {path.suffix[1:]:5} n={n} ({size_mb:.0f} MB jsonl): "
                f"median {median:,.0f} rows/s over {repeats} runs "
                f"(min {min(rates):,.0f}, max {max(rates):,.0f}); "
                f"target {TARGET_ROWS_PER_SECOND:,} -> {verdict}",
                flush=True,
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else N)
