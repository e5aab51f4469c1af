"""Evaluation: ranking metrics per group, bootstrap confidence intervals, a written report.

Metrics, per group (a vacancy's candidates for ``shortlist``, a candidate's vacancies for
``recommend``), then averaged over the groups:

- ``ndcg@10``: discounted gain of the top 10 against the best possible order. Gains are
  ``2**grade - 1`` for outcome grades (:mod:`models.labels`) and the suitability itself for the
  hidden truth of synthetic data. Groups without any gain are skipped.
- ``mrr``: 1 / position of the first relevant pair (grade >= interview, or suitability >= 0.4,
  where the synthetic employers start to interview).
- ``recall@10``, ``recall@50``: share of the group's relevant pairs in the top 10 / 50.
- ``precision@5``: relevant pairs among the top 5, divided by 5.

Groups without a relevant pair are skipped for mrr, recall and precision. Equal scores are
ordered by a fixed random permutation (the same for every scorer), so a scorer that ties gains
nothing from the order the rows happen to be in.

Confidence intervals are percentile bootstraps over groups (resampling whole groups with
replacement, ``n_bootstrap`` times). Differences against the reference scorer (the cold-start
scorer) are paired: the same resampled groups for both, so a difference whose interval excludes
0 is one the data support.

:func:`write_report` writes ``report.md``, ``metrics.json`` and three plots (metric
comparison with intervals, score distributions of relevant and other pairs, feature
importance).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from models.dataset import Eligibility, PairFeaturizer, Records, TruthPairs
from models.labels import label_outcomes
from models.ranking_model import RankingModel
from models.sets import RankingSet, ScoreFunction, outcome_set, truth_set

__all__ = [
    "METRICS",
    "Comparison",
    "EvaluationReport",
    "MetricCI",
    "RankingSet",
    "ScoreFunction",
    "compare_scorers",
    "evaluate_model",
    "group_metrics",
    "write_report",
]

METRICS = ("ndcg@10", "mrr", "recall@10", "recall@50", "precision@5")
"""The metrics reported for each direction."""


def _gains(relevance: NDArray[np.float64], kind: str) -> NDArray[np.float64]:
    if kind == "exponential":
        return np.power(2.0, relevance) - 1.0
    if kind == "linear":
        return np.maximum(relevance, 0.0)
    raise ValueError(f"gain must be 'exponential' or 'linear', not {kind!r}")


def group_metrics(
    scores: NDArray[np.float64],
    relevance: NDArray[np.float64],
    groups: NDArray[Any],
    *,
    gain: str,
    relevant_at: float,
    tie_seed: int = 0,
) -> tuple[list[Any], dict[str, NDArray[np.float64]]]:
    """(group labels, metric -> value per group; ``nan`` where a metric is undefined)."""
    scores = np.asarray(scores, dtype=np.float64)
    relevance = np.asarray(relevance, dtype=np.float64)
    n = len(scores)
    tie_break = np.random.default_rng(tie_seed).permutation(n)
    labels, codes = np.unique(np.asarray(groups), return_inverse=True)
    # within each group: best score first, equal scores in the fixed random order
    order = np.lexsort((tie_break, -scores, codes))
    sorted_codes = codes[order]
    starts = np.searchsorted(sorted_codes, np.arange(len(labels)))
    ends = np.append(starts[1:], n)
    gains_all = _gains(relevance, gain)
    relevant_all = relevance >= relevant_at
    out = {name: np.full(len(labels), np.nan) for name in METRICS}
    for g, (start, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        rows = order[start:end]
        gains = gains_all[rows]
        relevant = relevant_all[rows]
        ideal = np.sort(gains)[::-1][:10]
        discounts = 1.0 / np.log2(np.arange(2, 12))
        idcg = float((ideal * discounts[: len(ideal)]).sum())
        if idcg > 0:
            top = gains[:10]
            out["ndcg@10"][g] = float((top * discounts[: len(top)]).sum()) / idcg
        total = int(relevant.sum())
        if total:
            first = int(np.argmax(relevant))
            out["mrr"][g] = 1.0 / (first + 1)
            out["recall@10"][g] = float(relevant[:10].sum()) / total
            out["recall@50"][g] = float(relevant[:50].sum()) / total
            out["precision@5"][g] = float(relevant[:5].sum()) / 5.0
    return labels.tolist(), out


@dataclass(frozen=True)
class MetricCI:
    """A mean over groups with its bootstrap interval (``low``, ``high``) and group count."""

    value: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2.0

    def to_json(self) -> dict[str, float | int]:
        return {
            "value": round(self.value, 6),
            "low": round(self.low, 6),
            "high": round(self.high, 6),
            "n": self.n,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MetricCI:
        return cls(float(data["value"]), float(data["low"]), float(data["high"]), int(data["n"]))

    def __str__(self) -> str:
        if math.isnan(self.value):
            return "n/a"
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"


_NAN_CI = MetricCI(math.nan, math.nan, math.nan, 0)


def _bootstrap_means(
    values: NDArray[np.float64], index: NDArray[np.intp], level: float
) -> MetricCI:
    """Mean of the defined values and its percentile interval over resamples ``index``."""
    defined = ~np.isnan(values)
    if not defined.any():
        return _NAN_CI
    filled = np.where(defined, values, 0.0)
    sums = filled[index].sum(axis=1)
    counts = defined[index].sum(axis=1)
    means = sums[counts > 0] / counts[counts > 0]
    alpha = (1.0 - level) / 2.0
    return MetricCI(
        value=float(values[defined].mean()),
        low=float(np.quantile(means, alpha)),
        high=float(np.quantile(means, 1.0 - alpha)),
        n=int(defined.sum()),
    )


@dataclass(eq=False)
class Comparison:
    """Several scorers on one ranking set and direction, with intervals and paired differences
    against ``reference``. ``scores`` keeps each scorer's scores for the plots."""

    direction: str
    source: str
    n_pairs: int
    n_groups: int
    reference: str | None
    metrics: dict[str, dict[str, MetricCI]]
    differences: dict[str, dict[str, MetricCI]]
    scores: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    relevant: NDArray[np.bool_] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "source": self.source,
            "pairs": self.n_pairs,
            "groups": self.n_groups,
            "reference": self.reference,
            "metrics": {
                s: {m: ci.to_json() for m, ci in ms.items()} for s, ms in self.metrics.items()
            },
            "differences": {
                s: {m: ci.to_json() for m, ci in ms.items()} for s, ms in self.differences.items()
            },
        }

    def table(self) -> str:
        """A plain-text table: one row per scorer, one column per metric."""
        names = list(self.metrics)
        width = max(12, *(len(n) for n in names))
        head = f"{'scorer':<{width}}  " + "  ".join(f"{m:<24}" for m in METRICS)
        lines = [head.rstrip()]
        for name in names:
            cells = "  ".join(f"{self.metrics[name][m]!s:<24}" for m in METRICS)
            lines.append(f"{name:<{width}}  {cells}".rstrip())
        for name, diffs in self.differences.items():
            cells = "  ".join(f"{_signed(diffs[m]):<24}" for m in METRICS)
            lines.append(f"{'Δ ' + name:<{width}}  {cells}".rstrip())
        return "\n".join(lines)


def _signed(ci: MetricCI) -> str:
    if math.isnan(ci.value):
        return "n/a"
    return f"{ci.value:+.3f} [{ci.low:+.3f}, {ci.high:+.3f}]"


def compare_scorers(
    scorers: Mapping[str, ScoreFunction],
    data: RankingSet,
    direction: str,
    *,
    reference: str | None = "cold-start",
    n_bootstrap: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> Comparison:
    """Every scorer's metrics on ``data`` grouped by ``direction``, with bootstrap intervals,
    and each scorer's paired difference from ``reference`` (when it is among ``scorers``)."""
    groups = data.groups(direction)
    per_scorer: dict[str, dict[str, NDArray[np.float64]]] = {}
    scores: dict[str, NDArray[np.float64]] = {}
    labels: list[Any] = []
    for name, scorer in scorers.items():
        scores[name] = np.asarray(scorer.score(data.columns_for(scorer)), dtype=np.float64)
        labels, per_scorer[name] = group_metrics(
            scores[name],
            data.relevance,
            groups,
            gain=data.gain,
            relevant_at=data.relevant_at,
            tie_seed=seed,
        )
    n_groups = len(labels)
    rng = np.random.default_rng(seed)
    index = (
        rng.integers(0, n_groups, size=(n_bootstrap, n_groups))
        if n_groups
        else np.zeros((n_bootstrap, 0), dtype=np.intp)
    )
    metrics = {
        name: {m: _bootstrap_means(values[m], index, level) for m in METRICS}
        for name, values in per_scorer.items()
    }
    differences: dict[str, dict[str, MetricCI]] = {}
    if reference is not None and reference in per_scorer:
        base = per_scorer[reference]
        for name, values in per_scorer.items():
            if name == reference:
                continue
            differences[name] = {
                m: _bootstrap_means(values[m] - base[m], index, level) for m in METRICS
            }
    return Comparison(
        direction=direction,
        source=data.source,
        n_pairs=len(data),
        n_groups=n_groups,
        reference=reference if reference in per_scorer else None,
        metrics=metrics,
        differences=differences,
        scores=scores,
        relevant=data.relevance >= data.relevant_at,
    )


@dataclass(eq=False)
class EvaluationReport:
    """Comparisons of one evaluation run, what was evaluated, and the model's importance."""

    title: str
    comparisons: list[Comparison]
    window: dict[str, str | None] = field(default_factory=dict)
    importance: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "window": self.window,
            "comparisons": [c.to_json() for c in self.comparisons],
            "importance": {k: round(v, 6) for k, v in self.importance.items()},
            "notes": self.notes,
        }

    def text(self) -> str:
        """All comparisons as plain-text tables (what ``werkmatch evaluate`` prints)."""
        parts = [self.title]
        if self.window:
            parts.append(
                "held-out window: "
                + ", ".join(f"{k} {v}" for k, v in self.window.items() if v is not None)
            )
        for c in self.comparisons:
            parts.append(
                f"\n{c.direction} · relevance from {c.source} · {c.n_groups} groups, "
                f"{c.n_pairs} pairs (95% bootstrap intervals; Δ = difference from "
                f"{c.reference or '-'})"
            )
            parts.append(c.table())
        parts.extend(f"note: {n}" for n in self.notes)
        return "\n".join(parts)

    def markdown(self, images: Sequence[str] = ()) -> str:
        lines = [f"# {self.title}", ""]
        if self.window:
            lines += [
                "Held-out window: "
                + ", ".join(f"{k} **{v}**" for k, v in self.window.items() if v is not None),
                "",
            ]
        lines += [
            "Metrics are means over groups (a vacancy's candidates for *shortlist*, a "
            "candidate's vacancies for *recommend*) with 95% bootstrap intervals over groups; "
            "Δ rows are paired differences from the reference scorer. Relevance from "
            "*outcomes* uses the graded outcome labels (gain 2^grade − 1, relevant from "
            "interview on); from *truth* the hidden suitability of the synthetic data "
            "(gain = suitability, relevant from 0.4).",
            "",
        ]
        for c in self.comparisons:
            lines += [
                f"## {c.direction} · relevance from {c.source}",
                "",
                f"{c.n_groups} groups, {c.n_pairs} pairs; reference: {c.reference or '-'}.",
                "",
                "| scorer | " + " | ".join(METRICS) + " |",
                "|---|" + "---|" * len(METRICS),
            ]
            for name, ms in c.metrics.items():
                lines.append(f"| {name} | " + " | ".join(str(ms[m]) for m in METRICS) + " |")
            for name, ds in c.differences.items():
                lines.append(f"| Δ {name} | " + " | ".join(_signed(ds[m]) for m in METRICS) + " |")
            lines.append("")
        if self.importance:
            lines += ["## Feature importance (share of mean |SHAP|)", ""]
            lines += ["| feature | share |", "|---|---|"]
            for name, value in sorted(self.importance.items(), key=lambda kv: -kv[1]):
                lines.append(f"| {name} | {value:.3f} |")
            lines.append("")
        if self.notes:
            lines += ["## Notes", ""] + [f"- {n}" for n in self.notes] + [""]
        for image in images:
            lines += [f"![{Path(image).stem}]({image})", ""]
        return "\n".join(lines)


def write_report(report: EvaluationReport, directory: Path) -> dict[str, Path]:
    """Write ``report.md``, ``metrics.json`` and the PNG plots into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "metrics.png": _plot_metrics(report, directory / "metrics.png"),
        "scores.png": _plot_scores(report, directory / "scores.png"),
    }
    if report.importance:
        paths["importance.png"] = _plot_importance(report, directory / "importance.png")
    (directory / "metrics.json").write_text(
        json.dumps(report.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    (directory / "report.md").write_text(report.markdown(list(paths)), encoding="utf-8")
    paths["report.md"] = directory / "report.md"
    paths["metrics.json"] = directory / "metrics.json"
    return paths


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _plot_metrics(report: EvaluationReport, path: Path) -> Path:
    plt = _pyplot()
    count = max(1, len(report.comparisons))
    fig, axes = plt.subplots(count, 1, figsize=(10, 3.2 * count), squeeze=False)
    for ax, c in zip(axes[:, 0], report.comparisons, strict=False):
        names = list(c.metrics)
        width = 0.8 / max(1, len(names))
        x = np.arange(len(METRICS))
        for i, name in enumerate(names):
            cis = [c.metrics[name][m] for m in METRICS]
            values = np.array([ci.value for ci in cis])
            errors = np.maximum(  # a skewed bootstrap may leave the mean outside
                np.array([[ci.value - ci.low for ci in cis], [ci.high - ci.value for ci in cis]]),
                0.0,
            )
            ax.bar(
                x + i * width,
                np.nan_to_num(values),
                width,
                label=name,
                yerr=np.nan_to_num(errors),
                capsize=3,
            )
        ax.set_xticks(x + width * (len(names) - 1) / 2, METRICS)
        ax.set_ylim(0, 1)
        ax.set_title(f"{c.direction} · relevance from {c.source} ({c.n_groups} groups)")
        ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _plot_scores(report: EvaluationReport, path: Path) -> Path:
    plt = _pyplot()
    shown = [c for c in report.comparisons if c.scores and c.relevant is not None]
    count = max(1, len(shown))
    columns = max([len(c.scores) for c in shown] or [1])
    fig, axes = plt.subplots(count, columns, figsize=(4 * columns, 2.8 * count), squeeze=False)
    for row, c in enumerate(shown):
        for col, (name, scores) in enumerate(c.scores.items()):
            ax = axes[row, col]
            bins = np.linspace(0, 1, 31)
            relevant = c.relevant if c.relevant is not None else np.zeros(len(scores), bool)
            ax.hist(scores[~relevant], bins=bins, alpha=0.6, density=True, label="other")
            if relevant.any():
                ax.hist(scores[relevant], bins=bins, alpha=0.6, density=True, label="relevant")
            ax.set_title(f"{name}\n{c.direction} · {c.source}", fontsize="small")
            ax.legend(fontsize="x-small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _plot_importance(report: EvaluationReport, path: Path) -> Path:
    plt = _pyplot()
    items = sorted(report.importance.items(), key=lambda kv: kv[1])
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(items) + 1))
    ax.barh([k for k, _ in items], [v for _, v in items])
    ax.set_xlabel("share of mean |SHAP| (training rows)")
    ax.set_title("Feature importance")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def evaluate_model(
    model: RankingModel,
    records: Records,
    *,
    featurizer: PairFeaturizer,
    baseline: ScoreFunction | None = None,
    active: RankingModel | None = None,
    eligible: Eligibility | None = None,
    truth: TruthPairs | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    negatives_per_group: int = 50,
    pending_days: int = 30,
    n_bootstrap: int = 1000,
    seed: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> EvaluationReport:
    """Evaluate ``model`` on the held-out window ``[since, until)`` next to the cold start
    (``baseline``) and the ``active`` model, in both directions.

    ``since`` defaults to the model's training cut-off, ``until`` to just after the last
    outcome. Relevance from outcomes: pairs first proposed in the window, graded from their
    events before ``until``, plus ``negatives_per_group`` sampled pairs per group graded 0 (the
    knock-out rule ``eligible`` applied, as the service does). With ``truth`` (synthetic data)
    also the hidden suitability of the pools of every vacancy without an outcome before
    ``since`` (never seen in training). The featurizer should be built for ``since``.
    """
    report = progress or (lambda stage, done, total: None)
    trained = model.card.get("training_data", {}).get("until")
    trained_until = dt.datetime.fromisoformat(trained) if trained else None
    if since is not None:
        cutoff = since
    elif trained_until is not None:
        cutoff = trained_until
    else:
        raise ValueError(f"{model.id}: the card names no cut-off; give the window's start")
    end = until or (max((o.at for o in records.outcomes), default=cutoff) + dt.timedelta(seconds=1))
    names: dict[str, str] = {"model": model.id}
    if baseline is not None:
        names["cold-start"] = "cold-start"
    if active is not None and active.id != model.id:
        names["active"] = f"active: {active.id}"

    def scorers_for(direction: str) -> dict[str, ScoreFunction]:
        chosen: dict[str, ScoreFunction] = {names["model"]: model.for_direction(direction)}
        if baseline is not None:
            chosen["cold-start"] = baseline
        if "active" in names and active is not None:
            chosen[names["active"]] = active.for_direction(direction)
        return chosen

    heldout = label_outcomes(records.outcomes, until=end, since=cutoff, pending_days=pending_days)
    comparisons = []
    notes = []
    if trained_until is not None and cutoff < trained_until:
        notes.append(
            f"the window starts before the model's cut-off {trained_until:%Y-%m-%d}: it overlaps "
            "the training data, so these numbers flatter the model"
        )
    candidate_pool = sorted(featurizer.candidates.row_of)
    vacancy_pool = sorted({o.vacancy_id for o in records.outcomes if cutoff <= o.at < end})
    if len(heldout):
        for index, direction in enumerate(("shortlist", "recommend")):
            report(f"held-out outcomes {direction}", 0, 1)
            data = outcome_set(
                featurizer,
                heldout,
                direction=direction,
                negatives_per_group=negatives_per_group,
                candidate_pool=candidate_pool,
                vacancy_pool=vacancy_pool,
                rng=np.random.default_rng([seed, 4, index]),
                eligible=eligible,
            )
            comparisons.append(
                compare_scorers(
                    scorers_for(direction),
                    data,
                    direction,
                    reference="cold-start" if baseline is not None else None,
                    n_bootstrap=n_bootstrap,
                    seed=seed,
                )
            )
            report(f"held-out outcomes {direction}", 1, 1)
    else:
        notes.append(f"no outcomes first proposed between {cutoff} and {end}")
    if truth is not None:
        seen_before = {o.vacancy_id for o in records.outcomes if o.at < cutoff}
        unseen = sorted(set(truth.vacancy_ids) - seen_before)
        report("truth pools", 0, 1)
        data = truth_set(featurizer, truth, unseen, eligible=eligible)
        report("truth pools", 1, 1)
        for direction in ("shortlist", "recommend"):
            comparisons.append(
                compare_scorers(
                    scorers_for(direction),
                    data,
                    direction,
                    reference="cold-start" if baseline is not None else None,
                    n_bootstrap=n_bootstrap,
                    seed=seed,
                )
            )
        notes.append(
            f"truth: hidden suitability of the pools of {len(unseen)} vacancies without an "
            f"outcome before {cutoff:%Y-%m-%d}"
            + (", knocked-out pairs removed" if eligible is not None else "")
        )
    importance = model.rankers["shortlist"].feature_importance()
    return EvaluationReport(
        title=f"Evaluation of {model.id}",
        comparisons=comparisons,
        window={"from": cutoff.isoformat(), "until": end.isoformat()},
        importance=importance,
        notes=notes,
    )
