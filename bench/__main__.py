"""Run the benchmarks: ``python -m bench`` runs every ``bench/bench_*.py``; ``python -m bench
import linking`` only ``bench_import`` and ``bench_linking``. Each module's ``main()`` prints its
figures."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys
import time
from pathlib import Path


def _available() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        info.name.removeprefix("bench_")
        for info in pkgutil.iter_modules([str(here)])
        if info.name.startswith("bench_")
    )


def run(names: list[str]) -> int:
    available = _available()
    chosen = [name.removeprefix("bench_") for name in names] or available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(f"unknown benchmarks: {', '.join(unknown)}; available: {', '.join(available)}")
        return 2
    for name in chosen:
        print(f"== bench_{name}", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.bench_{name}")
        module.main()
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(run(sys.argv[1:]))
