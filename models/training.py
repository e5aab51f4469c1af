"""Training: labels before a cut-off, features as of it, ranker kinds compared, the best kept.

:func:`train_model` runs the whole recipe, deterministic for a seed:

1. grade every pair first proposed before ``until`` from its events before ``until``
   (:mod:`models.labels`), and estimate the position propensity (:mod:`models.propensity`);
2. build the pair features as of ``until`` (:class:`models.dataset.PairFeaturizer`);
3. split the labelled pairs by time: the last ``validation_share`` of the period (by first
   proposal) is the validation window, never seen while fitting;
4. fit every ranker kind (:data:`models.rankers.RANKER_KINDS`) per direction on the earlier
   part (labelled pairs weighted by inverse propensity, plus sampled negatives), and compare
   them with the cold-start scorer on the validation window (NDCG@10 with bootstrap intervals);
5. keep, per direction, the kind with the best NDCG@10, refit it on the whole period before
   ``until``, and write everything it learned from into the model card.

The card records whether the kept model beats the cold-start scorer on the validation window
(``beats_cold_start``); the registry's quality gate refuses to activate a model that is worse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from features.embedding import Encoder, encoder_identity
from features.postcodes import Postcodes
from features.taxonomy import Taxonomy
from models._provenance import git_sha, library_versions
from models.dataset import Eligibility, PairFeaturizer, Records, records_sha256
from models.evaluation import Comparison, compare_scorers
from models.labels import GRADES, LASTING_DAYS, RELEVANT_GRADE, PairLabels, label_outcomes
from models.propensity import PositionPropensity, estimate_propensity
from models.rankers import RANKER_KINDS, make_ranker
from models.ranking_model import DIRECTIONS, RankingModel
from models.sets import RankingSet, ScoreFunction, outcome_set

__all__ = ["Progress", "TrainingConfig", "TrainingResult", "train_model"]

logger = logging.getLogger(__name__)

BASELINE = "cold-start"


Progress = Callable[[str, int, int], None]
"""Told how far a stage is: ``progress("fit lambdamart shortlist", 40, 200)``."""


def _quiet(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class TrainingConfig:
    """What to train on and how (see the module docstring for the steps)."""

    until: dt.datetime
    """Cut-off: only outcomes strictly before it are read."""
    seed: int = 0
    kinds: tuple[str, ...] = RANKER_KINDS
    validation_share: float = 0.2
    negatives_per_group: int = 20
    """Sampled negatives per group in the training sets."""
    validation_negatives: int = 50
    """Sampled negatives per group in the validation sets (so recall@50 means something)."""
    pending_days: int = 30
    n_bootstrap: int = 500
    n_jobs: int = 1
    propensity: bool = True
    """Correct for position bias (inverse propensity by shown rank)."""
    ranker_params: Mapping[str, Any] = field(default_factory=dict)
    name: str = "werkmatch-ranker"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["until"] = self.until.isoformat()
        data["kinds"] = list(self.kinds)
        data["ranker_params"] = dict(self.ranker_params)
        return data


@dataclass(eq=False)
class TrainingResult:
    """The trained model and what training saw on the way."""

    model: RankingModel
    chosen: dict[str, str]
    """The ranker kind kept per direction."""
    validation: dict[str, Comparison]
    """Per direction: every ranker kind and the cold start on the validation window."""
    labels: PairLabels
    propensity: PositionPropensity
    featurizer: PairFeaturizer
    sets: dict[str, RankingSet]
    """The final training set per direction."""


def _fingerprint(files: Mapping[str, tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(files[name][1])
    return digest.hexdigest()


def _ndcg(comparison: Comparison, scorer: str) -> float:
    metric = comparison.metrics.get(scorer, {}).get("ndcg@10")
    if metric is None or math.isnan(metric.value):
        return -math.inf
    return metric.value


def train_model(
    records: Records,
    config: TrainingConfig,
    *,
    taxonomy: Taxonomy,
    postcodes: Postcodes,
    encoder: Encoder,
    baseline: ScoreFunction | None = None,
    eligible: Eligibility | None = None,
    featurizer: PairFeaturizer | None = None,
    progress: Progress | None = None,
) -> TrainingResult:
    """Train a :class:`~models.ranking_model.RankingModel` (module docstring).

    ``baseline`` is the cold-start scorer to compare with (the service passes
    :class:`~matching.scoring.ColdStartScorer`); ``eligible`` the knock-out rule for sampled
    negatives; ``featurizer`` one already built for ``config.until`` (it must not be built for a
    later day: that would leak the future). Raises ``ValueError`` when there is too little to
    learn from.
    """
    report = progress or _quiet
    until = config.until
    report("labels", 0, 1)
    labels = label_outcomes(records.outcomes, until=until, pending_days=config.pending_days)
    propensity = (
        estimate_propensity(records.outcomes, until=until)
        if config.propensity
        else PositionPropensity()
    )
    report("labels", 1, 1)
    positives = int((labels.grades >= RELEVANT_GRADE).sum())
    if len(labels) < 20 or positives < 3:
        raise ValueError(
            f"too little to learn from before {until:%Y-%m-%d}: {len(labels)} labelled pairs, "
            f"{positives} with an interview or better (need 20 and 3); choose a later --until"
        )
    if featurizer is None:
        report("profiles", 0, 1)
        featurizer = PairFeaturizer(
            records.candidates,
            records.vacancies,
            taxonomy=taxonomy,
            postcodes=postcodes,
            encoder=encoder,
            today=until.date(),
        )
        report("profiles", 1, 1)
    elif featurizer.today > until.date():
        raise ValueError(
            f"the featurizer was built for {featurizer.today}, after the cut-off {until.date()}: "
            "features would use information from after the cut-off"
        )
    candidate_pool = sorted(featurizer.candidates.row_of)
    vacancy_pool = sorted({o.vacancy_id for o in records.outcomes if o.at < until})

    def build(part: PairLabels, direction: str, negatives: int, stream: int) -> RankingSet:
        index = DIRECTIONS.index(direction)
        return outcome_set(
            featurizer,
            part,
            direction=direction,
            negatives_per_group=negatives,
            candidate_pool=candidate_pool,
            vacancy_pool=vacancy_pool,
            rng=np.random.default_rng([config.seed, stream, index]),
            eligible=eligible,
            propensity=propensity if stream != 2 else None,
            progress=lambda d, t: report(f"features {direction}", d, t),
        )

    # -- choose the ranker kind on a validation window --------------------------------------
    order = np.argsort(np.array([t.timestamp() for t in labels.first_at]), kind="stable")
    split_at = None
    if config.validation_share > 0:
        position = int(len(order) * (1.0 - config.validation_share))
        if 0 < position < len(order):
            split_at = labels.first_at[int(order[position])]
    fit_mask = np.array([t < split_at for t in labels.first_at]) if split_at else None
    validation: dict[str, Comparison] = {}
    chosen = {d: config.kinds[0] for d in DIRECTIONS}
    if fit_mask is not None and fit_mask.any() and (~fit_mask).any():
        fit_part, val_part = labels.take(fit_mask), labels.take(~fit_mask)
        scorers_by_direction: dict[str, dict[str, ScoreFunction]] = {}
        for direction in DIRECTIONS:
            fit_set = build(fit_part, direction, config.negatives_per_group, 1)
            scorers: dict[str, ScoreFunction] = {}
            for kind in config.kinds:
                scorers[kind] = _fit(kind, fit_set, direction, config, report)
            if baseline is not None:
                scorers[BASELINE] = baseline
            scorers_by_direction[direction] = scorers
        for direction in DIRECTIONS:
            val_set = build(val_part, direction, config.validation_negatives, 2)
            report(f"validate {direction}", 0, 1)
            validation[direction] = compare_scorers(
                scorers_by_direction[direction],
                val_set,
                direction,
                reference=BASELINE if baseline is not None else None,
                n_bootstrap=config.n_bootstrap,
                seed=config.seed,
            )
            report(f"validate {direction}", 1, 1)
        chosen = {d: max(config.kinds, key=lambda k: _ndcg(validation[d], k)) for d in DIRECTIONS}
    else:
        logger.warning("no validation window (too few labelled pairs); keeping %s", chosen)

    # -- refit the chosen kind on everything before the cut-off --------------------------------
    sets: dict[str, RankingSet] = {}
    rankers = {}
    for direction in DIRECTIONS:
        sets[direction] = build(labels, direction, config.negatives_per_group, 3)
        rankers[direction] = _fit(chosen[direction], sets[direction], direction, config, report)
    files: dict[str, tuple[str, bytes]] = {}
    for direction in DIRECTIONS:
        files.update(rankers[direction].to_files(direction))
    fingerprint = _fingerprint(files)
    version = f"{until:%Y%m%d}.{fingerprint[:8]}"
    model_id = f"{config.name}-{version}"
    for ranker in rankers.values():
        ranker.name = model_id
    card = _card(
        model_id=model_id,
        version=version,
        config=config,
        records=records,
        labels=labels,
        propensity=propensity,
        chosen=chosen,
        rankers=rankers,
        sets=sets,
        validation=validation,
        split_at=split_at,
        featurizer=featurizer,
        baseline=baseline,
        eligible=eligible,
        encoder=encoder,
    )
    model = RankingModel(rankers, card)
    logger.info("trained %s (%s) on %d labelled pairs", model_id, chosen, len(labels))
    return TrainingResult(
        model=model,
        chosen=chosen,
        validation=validation,
        labels=labels,
        propensity=propensity,
        featurizer=featurizer,
        sets=sets,
    )


def _fit(
    kind: str, data: RankingSet, direction: str, config: TrainingConfig, report: Progress
) -> Any:
    stage = f"fit {kind} {direction}"
    params = {"random_state": config.seed, "n_jobs": config.n_jobs, **config.ranker_params}
    ranker = make_ranker(kind, feature_names=data.feature_names, **params)
    ranker.fit(
        data.X,
        data.relevance.astype(np.int64),
        groups=data.groups(direction),
        sample_weight=data.weights,
        calibration_rows=data.labelled,
        callback=lambda done, total: report(stage, done, total),
    )
    return ranker


def _summary(comparison: Comparison, chosen: str) -> dict[str, Any]:
    """What the registry's gate reads: the kept model's NDCG@10 and its difference from the
    cold start on the validation window."""
    out: dict[str, Any] = {
        "ndcg@10": comparison.metrics[chosen]["ndcg@10"].to_json(),
        "groups": comparison.n_groups,
    }
    if BASELINE in comparison.metrics:
        out["cold-start ndcg@10"] = comparison.metrics[BASELINE]["ndcg@10"].to_json()
        out["difference"] = comparison.differences[chosen]["ndcg@10"].to_json()
    return out


def _card(
    *,
    model_id: str,
    version: str,
    config: TrainingConfig,
    records: Records,
    labels: PairLabels,
    propensity: PositionPropensity,
    chosen: Mapping[str, str],
    rankers: Mapping[str, Any],
    sets: Mapping[str, RankingSet],
    validation: Mapping[str, Comparison],
    split_at: dt.datetime | None,
    featurizer: PairFeaturizer,
    baseline: ScoreFunction | None,
    eligible: Eligibility | None,
    encoder: Encoder,
) -> dict[str, Any]:
    until = config.until
    params = {k: v for k, v in rankers["shortlist"].get_params().items() if k != "name"}
    params["feature_names"] = list(params["feature_names"])
    if params.get("monotone") is not None:
        params["monotone"] = sorted(params["monotone"])
    summary = {d: _summary(c, chosen[d]) for d, c in validation.items()}
    beats = {d: bool(s.get("difference", {}).get("low", -1.0) > 0) for d, s in summary.items()}
    return {
        "kind": "ranking-model",
        "name": config.name,
        "id": model_id,
        "version": version,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_sha": git_sha(),
        "training_data": {
            "sha256": records_sha256(records, until=until),
            "until": until.isoformat(),
            "rows": {
                **records.counts(),
                "outcomes_before_cutoff": sum(1 for o in records.outcomes if o.at < until),
                "labelled_pairs": len(labels),
                "grades": labels.counts(),
                "excluded": labels.excluded,
                **{f"{d}_rows": len(s) for d, s in sets.items()},
                **{f"{d}_groups": len(set(s.groups(d).tolist())) for d, s in sets.items()},
            },
        },
        "feature_names": list(featurizer.feature_names),
        "hyper_parameters": {
            "ranker": chosen["shortlist"],
            "rankers": dict(chosen),
            "params": params,
            "training": config.to_json(),
        },
        "metrics": {
            "validation": {
                "window": {
                    "from": split_at.isoformat() if split_at else None,
                    "until": until.isoformat(),
                },
                **{d: c.to_json() for d, c in validation.items()},
            },
            "summary": summary,
        },
        "beats_cold_start": beats,
        "feature_importance": {
            d: {k: round(v, 6) for k, v in r.feature_importance().items()}
            for d, r in rankers.items()
        },
        "labels": {
            "grades": GRADES,
            "lasting_days": LASTING_DAYS,
            "relevant_grade": RELEVANT_GRADE,
            "pending_days": config.pending_days,
        },
        "position_bias": propensity.to_json() if config.propensity else {"method": "none"},
        "negatives": {
            "per_group": config.negatives_per_group,
            "knockouts_applied": eligible is not None,
        },
        "encoder": encoder_identity(encoder) or type(encoder).__name__,
        "baseline": getattr(baseline, "name", None),
        "library_versions": library_versions(),
        "protected_attributes": "never features (refused by name; profiles drop them)",
    }
