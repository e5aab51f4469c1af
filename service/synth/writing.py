"""Writing a synthetic municipality: the import files and the hidden truth next to them."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel

from service.synth import history as history_module
from service.synth import truth as truth_module
from service.synth.truth import KNOCKOUTS

if TYPE_CHECKING:
    from service.synth import SynthResult

__all__ = ["KINDS", "write"]

KINDS = ("employers", "vacancies", "candidates", "outcomes")
"""The import files, in the order they can be imported (employers before their vacancies)."""

GENERATOR_VERSION = "1"
"""Bumped whenever the same seed would give different files."""

Format = Literal["jsonl", "csv"]


def _write_jsonl(path: Path, records: Iterable[BaseModel]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for record in records:
            out.write(record.model_dump_json(exclude_none=True))
            out.write("\n")


def _write_csv(path: Path, kind: str, records: Sequence[BaseModel]) -> None:
    from service import csv_codec  # the storage helper's codec: one CSV dialect for all tools

    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(csv_codec.header(kind))
        for record in records:
            writer.writerow(csv_codec.encode_record(kind, record))  # type: ignore[arg-type]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(result: SynthResult, out_dir: Path, *, fmt: Format = "jsonl") -> dict[str, Path]:
    """Write the four import files (``employers``, ``vacancies``, ``candidates``, ``outcomes``
    as ``.jsonl`` or ``.csv``) and ``truth/`` into ``out_dir``; returns the paths by name.

    Same result, same bytes: files use ``\\n`` line ends, fixed field order and fixed number
    formats.
    """
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"format must be 'jsonl' or 'csv', not {fmt!r}")
    out_dir = Path(out_dir)
    truth_dir = out_dir / "truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    records: dict[str, Sequence[BaseModel]] = {
        "employers": result.employers,
        "vacancies": result.vacancies,
        "candidates": result.candidates,
        "outcomes": result.outcomes,
    }
    paths: dict[str, Path] = {}
    for kind in KINDS:
        path = out_dir / f"{kind}.{fmt}"
        if fmt == "jsonl":
            _write_jsonl(path, records[kind])
        else:
            _write_csv(path, kind, records[kind])
        paths[kind] = path

    truth = result.truth
    paths["truth/candidates"] = truth_dir / "candidates.jsonl"
    with paths["truth/candidates"].open("w", encoding="utf-8", newline="\n") as out:
        for traits in truth.candidates:
            out.write(json.dumps(traits.to_json(), ensure_ascii=False) + "\n")
    paths["truth/vacancies"] = truth_dir / "vacancies.jsonl"
    with paths["truth/vacancies"].open("w", encoding="utf-8", newline="\n") as out:
        for vacancy_truth, moment in zip(truth.vacancies, truth.history.proposal_at, strict=True):
            data = vacancy_truth.to_json()
            data["shortlist_at"] = moment.isoformat() if moment else None
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
    paths["truth/suitability"] = truth_dir / "suitability.csv"
    _write_pairs(result, paths["truth/suitability"])
    paths["truth/placements"] = truth_dir / "placements.csv"
    with paths["truth/placements"].open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["candidate_id", "vacancy_id", "hired_at", "tenure_days", "ended", "observed_days"]
        )
        for p in truth.history.placements:
            writer.writerow(
                [p.candidate_id, p.vacancy_id, p.hired_at.isoformat(), p.tenure_days,
                 "true" if p.ended else "false", p.observed_days]
            )  # fmt: skip
    paths["truth/config"] = truth_dir / "config.json"
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "config": result.config.to_json(),
        "format": fmt,
        "counts": result.counts(),
        "sha256": {kind: _sha256(paths[kind]) for kind in KINDS},
    }
    paths["truth/config"].write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    paths["truth/README"] = truth_dir / "README.md"
    paths["truth/README"].write_text(_readme(result), encoding="utf-8")
    return paths


def _fixed(values: np.ndarray, decimals: int) -> list[str]:
    """``values`` as fixed-point text (``inf`` stays ``inf``); formats each distinct value once,
    which is much faster than formatting 300,000 floats one by one."""
    finite = np.isfinite(values)
    scaled = np.where(finite, np.rint(np.where(finite, values, 0.0) * 10**decimals), 0).astype(
        np.int64
    )
    distinct, inverse = np.unique(scaled, return_inverse=True)
    texts = np.array([f"{v / 10**decimals:.{decimals}f}" for v in distinct.tolist()], dtype=object)
    out = texts[inverse]
    out[~finite] = "inf"
    return out.tolist()  # type: ignore[no-any-return]


def _write_pairs(result: SynthResult, path: Path) -> None:
    history = result.truth.history
    scores = history.pool_scores
    vacancy_ids = [v.id for v in result.vacancies]
    candidate_ids = [c.id for c in result.candidates]
    columns: dict[str, list[str]] = {
        "vacancy_id": [vacancy_ids[i] for i in history.pool_vacancy.tolist()],
        "candidate_id": [candidate_ids[i] for i in history.pool_candidate.tolist()],
    }
    for name in _COMPONENTS:
        columns[name] = _fixed(getattr(scores, name), 4)
    columns["minutes"] = _fixed(scores.minutes, 1)
    columns["km"] = _fixed(scores.km, 2)
    columns["knockout"] = [KNOCKOUTS[i] for i in scores.knockout.tolist()]
    columns["old_rank"] = [str(r) for r in history.pool_rank.tolist()]
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(",".join(columns) + "\n")
        out.writelines(",".join(row) + "\n" for row in zip(*columns.values(), strict=True))


_COMPONENTS = (
    "suitability", "capability", "feasibility", "skill", "experience", "education", "language",
    "travel", "hours", "placement",
)  # fmt: skip


def _readme(result: SynthResult) -> str:
    config = result.config
    counts = result.counts()
    suitability_doc = (truth_module.__doc__ or "").strip()
    history_doc = (history_module.__doc__ or "").strip()
    return f"""# Hidden ground truth of a synthetic municipality

Generated by `werkmatch synth` (generator version {GENERATOR_VERSION}) for **{config.municipality}**
with seed {config.seed}; reference date ("today" of the data) **{config.reference_date}**.
Counts: {", ".join(f"{v} {k}" for k, v in counts.items())}.
Same seed and settings give byte-identical files (`config.json` holds the settings and the
sha256 of each import file).

The import files next to this folder (`employers`, `vacancies`, `candidates`, `outcomes`) are
what a municipality would export. This folder holds what no export holds: what is *really*
true, so rankers trained on the outcomes can be evaluated against it. Never import it and never
use it as a feature.

## Files

- `candidates.jsonl`: per candidate the true education (also where the record says
  `unknown`), the true participation rung, the ESCO skill URIs the person really has (the
  record lists some of them in own words, with typos), earlier jobs as ESCO occupation URI +
  ISCO group + years, desired occupations, and `reliability` (0..1, hidden; drives no-shows and
  how long jobs last).
- `vacancies.jsonl`: per vacancy the ESCO occupation (also when the record leaves
  `esco_occupation_uri` empty), its ISCO group and skill level, the ESCO URIs behind
  `required_skills` / `optional_skills` (same order), `open_from`, `closed`, and `shortlist_at`
  (when the old-way shortlist was made; `null` if none was simulated).
- `suitability.csv`: the evaluation pools. For each vacancy about {config.pool_size} candidates
  (those whose past jobs or wishes share the vacancy's ISCO minor group, plus a random sample
  of everyone) with the hidden `suitability` in [0,1] and every component below; `knockout`
  names the hard constraint that applied (empty: none); `minutes` is the fastest usable travel
  time (`inf`: unreachable); `old_rank` is the position on the old-way shortlist (0: not
  proposed). Every proposed pair in the outcomes is in it.
- `placements.csv`: every hire with its true `tenure_days`, whether the job `ended` before the
  reference date, and `observed_days` (= `still_employed_after_days` in the outcomes: the
  tenure cut off at the reference date).
- `config.json`: the generator settings, counts and the sha256 of the import files.

To evaluate a ranker: for each vacancy, rank its pool in `suitability.csv` and compare with the
hidden `suitability` (e.g. NDCG@10 with suitability as gain), and compare with `old_rank`, the
old way of working. Knocked-out pairs (suitability 0) must not be recommended.

## Hidden suitability

{suitability_doc}

Placement fit per participation rung 1..6:

| placement type | 1 | 2 | 3 | 4 | 5 | 6 |
|---|---|---|---|---|---|---|
{_placement_rows()}

## Outcome history

{history_doc}

Reason codes: rejected {", ".join(f"`{r}`" for r in history_module.REJECTION_REASONS)};
declined {", ".join(f"`{r}`" for r in history_module.DECLINE_REASONS)};
withdrawn {", ".join(f"`{r}`" for r in history_module.WITHDRAWAL_REASONS)}.
`by` is the pseudonym of the accountmanager (`am-NN`) or, for a candidate's own decline, the
klantmanager (`km-NN`). `rank` is the old-way shortlist position, on every event of the pair.

## Protected attributes and fairness

Birth year, gender, nationality and migration background are drawn with realistic
correlations (statushouders speak less Dutch and more often have no car licence; older people
more often may not lift; single parents, more often women, work fewer hours), but the hidden
suitability never reads them: swap them and the suitability stays the same. Group differences
in suitability come only through job-relevant fields (language level, licences, hours,
restrictions); a ranker's group differences beyond those are its own.
"""


def _placement_rows() -> str:
    return "\n".join(
        f"| {placement.value} | " + " | ".join(f"{v:g}" for v in fit) + " |"
        for placement, fit in truth_module.PLACEMENT_FIT.items()
    )
