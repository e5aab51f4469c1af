"""Matching speed and retrieval quality on a synthetic municipality.

Figures (targets in brackets):

- time to build profiles, embed and index 10,000 candidates and 3,000 vacancies from scratch
  (<= 5 min), and the resident memory after;
- shortlist latency p50/p95, warm, top 10 with explanations (p95 <= 100 ms);
- recommendation latency p50/p95;
- time to shortlist every open vacancy (<= 2 min);
- retrieval recall@10: the top 10 after vector retrieval (``retrieve`` nearest rows, then
  knock-outs and full scoring) against exhaustive scoring (>= 0.98);
- at 100,000 candidates (records recombined from the 10,000, so no new texts to embed):
  shortlist p50/p95 through the IVF index (<= 150 ms) and its recall@10.

The municipality comes from ``service.synth`` (seeded). The encoder is the real
multilingual-e5-small when ``var/models/multilingual-e5-small`` exists, else the hashing
encoder; the output says which. No embedding cache on disk is used, so the build is from scratch.

Run: ``python -m bench matching`` (or ``python -m bench.bench_matching [candidates]``).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from features.embedding import CachedEncoder
from features.postcodes import load_postcodes
from features.records import Candidate
from features.taxonomy import load_taxonomy
from matching.loading import choose_encoder
from matching.matcher import Matcher, RetrievalSettings
from service.synth import SynthConfig, generate

CANDIDATES = 10_000
BIG = 100_000
QUERIES = 200
SEED = 11


def _rss_mb() -> float:
    """Current resident set size in MB (Linux), else the peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(times: Sequence[float]) -> str:
    ms = np.array(times) * 1000
    return f"p50 {np.percentile(ms, 50):6.1f} ms   p95 {np.percentile(ms, 95):6.1f} ms"


def _time_each(call: Callable[[str], object], ids: Sequence[str], warm: int = 20) -> list[float]:
    for i in ids[:warm]:
        call(i)
    times = []
    for i in ids:
        started = time.perf_counter()
        call(i)
        times.append(time.perf_counter() - started)
    return times


def _top(matcher: Matcher, vacancy: str) -> list[str]:
    return [m.candidate_id for m in matcher.shortlist(vacancy, top_k=10).matches]


def _recall(matcher: Matcher, vacancies: Sequence[str], retrieval: RetrievalSettings) -> float:
    """Mean share of the exhaustive top 10 that the retrieving top 10 also holds."""
    exhaustive_settings = RetrievalSettings(exact_below=10**9)
    found = []
    for vacancy in vacancies:
        matcher.retrieval = exhaustive_settings
        truth = _top(matcher, vacancy)
        matcher.retrieval = retrieval
        if truth:
            found.append(len(set(_top(matcher, vacancy)) & set(truth)) / len(truth))
    return float(np.mean(found)) if found else 1.0


def _recombined(people: Sequence[Candidate], n: int, seed: int) -> list[Candidate]:
    """``n`` new candidates, each mixing fields of three existing ones. Titles and desired
    occupations travel together (so their text is already embedded); skills, place, education,
    languages, mobility and hours come from the others."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        a, b, c = rng.choice(people), rng.choice(people), rng.choice(people)
        out.append(
            a.model_copy(
                update={
                    "id": f"X{i:07d}",
                    "skills": b.skills,
                    "education_level": b.education_level,
                    "languages": b.languages,
                    "postcode": c.postcode,
                    "transport_modes": c.transport_modes,
                    "driving_licences": c.driving_licences,
                    "max_travel_minutes": c.max_travel_minutes,
                    "hours_min": c.hours_min,
                    "hours_max": c.hours_max,
                }
            )
        )
    return out


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    n_candidates = int(args[0]) if args else CANDIDATES
    config = SynthConfig(
        candidates=n_candidates,
        vacancies=n_candidates * 3 // 10,
        employers=n_candidates // 10,
        seed=SEED,
    )
    started = time.perf_counter()
    world = generate(config)
    print(
        f"synthetic municipality {config.municipality}: {world.counts()} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    taxonomy, postcodes = load_taxonomy(), load_postcodes()
    encoder, description = choose_encoder(Path("var"))
    assert isinstance(encoder, CachedEncoder)
    encoder = CachedEncoder(encoder.inner)  # in memory only: embed from scratch
    print(
        f"encoder: {description}; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores (other work on the machine slows every figure)"
    )
    today: dt.date = config.reference_date

    gc.collect()
    rss_before = _rss_mb()
    started = time.perf_counter()
    matcher = Matcher.build(
        candidates=world.candidates,
        vacancies=world.vacancies,
        employers=world.employers,
        outcomes=world.outcomes,
        taxonomy=taxonomy,
        postcodes=postcodes,
        encoder=encoder,
        today=today,
    )
    build = time.perf_counter() - started
    print(
        f"build (profiles, embeddings, tables, index) from scratch: {build:6.1f} s  "
        f"[target <= 300 s]; texts embedded: {len(encoder)}"
    )
    print(f"memory: RSS {_rss_mb():.0f} MB (+{_rss_mb() - rss_before:.0f} MB for the matcher)")

    rng = random.Random(SEED)
    open_ids = matcher.open_vacancy_ids()
    sample = rng.sample(open_ids, min(QUERIES, len(open_ids)))
    times = _time_each(lambda v: matcher.shortlist(v, top_k=10), sample)
    print(
        f"shortlist top 10 with explanations, {len(sample)} vacancies: {_percentiles(times)}  "
        "[p95 <= 100 ms]"
    )
    people = rng.sample(list(matcher.candidates.ids), min(QUERIES, len(world.candidates)))
    times = _time_each(lambda c: matcher.recommend(c, top_k=10), people)
    print(f"recommend top 10 with explanations, {len(people)} candidates: {_percentiles(times)}")
    times = _time_each(lambda c: matcher.employers(c, top_k=10), people[:50], warm=5)
    print(f"employers (hidden job market), 50 candidates: {_percentiles(times)}")
    times = _time_each(lambda c: matcher.career_paths(c, top_k=10), people[:50], warm=5)
    print(f"career paths, 50 candidates: {_percentiles(times)}")
    example = matcher.shortlist(sample[0], top_k=1).matches
    if example:
        print(f"example explanation: {example[0].explanation.text_nl}")
    started = time.perf_counter()
    for vacancy in open_ids:
        matcher.shortlist(vacancy, top_k=10)
    print(
        f"all {len(open_ids)} open vacancies shortlisted: {time.perf_counter() - started:.1f} s"
        "  [<= 120 s]"
    )
    forced = RetrievalSettings(exact_below=0)
    recall = _recall(matcher, sample[:100], forced)
    print(
        f"retrieval recall@10 at {n_candidates:,} (retrieve {forced.retrieve} nearest, then "
        f"score): {recall:.3f}  [>= 0.98]"
    )
    times = _time_each(lambda v: matcher.shortlist(v, top_k=10), sample[:100])
    print(f"shortlist through retrieval at {n_candidates:,}: {_percentiles(times)}")
    matcher.retrieval = RetrievalSettings()

    # -- 100,000 candidates -------------------------------------------------------------------
    extra = _recombined(world.candidates, BIG - len(world.candidates), SEED)
    started = time.perf_counter()
    for start in range(0, len(extra), 10_000):
        matcher.upsert_candidates(extra[start : start + 10_000])
    print(
        f"grown to {len(matcher.candidates):,} candidates in "
        f"{time.perf_counter() - started:.1f} s; RSS {_rss_mb():.0f} MB"
    )
    times = _time_each(lambda v: matcher.shortlist(v, top_k=10), sample[:100])
    print(
        f"shortlist at {len(matcher.candidates):,} candidates (IVF retrieval): "
        f"{_percentiles(times)}  [p95 <= 150 ms]"
    )
    recall = _recall(matcher, sample[:50], matcher.retrieval)
    print(f"retrieval recall@10 at {len(matcher.candidates):,}: {recall:.3f}  [>= 0.98]")
    exhaustive = RetrievalSettings(exact_below=10**9)
    matcher.retrieval = exhaustive
    times = _time_each(lambda v: matcher.shortlist(v, top_k=10), sample[:30], warm=3)
    print(
        f"for comparison, exhaustive scoring at {len(matcher.candidates):,}: {_percentiles(times)}"
    )


if __name__ == "__main__":
    main()
