"""Learned rankers over the pair features: LambdaMART (LightGBM lambdarank) and a pointwise model.

Both are scikit-learn style estimators and scorers at once:

- ``fit(X, y, groups=..., sample_weight=...) -> self``: ``y`` the graded relevance of
  :mod:`models.labels`, ``groups`` one label per row (the vacancy for a shortlist ranker, the
  candidate for a recommendation ranker; rows need not be sorted);
- ``predict(X)``: the raw ranking score (any real number; only the order matters);
- ``score(X)`` in [0, 1] and ``contributions(X)`` (one column per feature, rows adding up to the
  score exactly): the :class:`~matching.scoring.Scorer` protocol the Matcher uses;
- ``save(dir)`` / ``load(dir)`` through :mod:`models.artifacts` (LightGBM's own text format
  plus JSON: no pickle).

:class:`LambdaMARTRanker` optimises NDCG within each group directly (LightGBM ``lambdarank``);
:class:`PointwiseRanker` regresses the grade (LightGBM ``regression``). Training compares both
with the cold-start scorer on held-out data and keeps the winner (:mod:`models.training`).

**Score in [0, 1].** ``score = sigmoid(a * raw + b)`` with ``a > 0`` fitted (Platt scaling) on
the training pairs with an observed outcome to the chance of an interview or better: "how likely
is a proposal to lead to an interview". Monotone, so the order of ``predict`` is kept.

**Contributions.** LightGBM's exact TreeSHAP values (``pred_contrib=True``) split
``raw - expected raw`` over the features. On the score scale each pair's part above the
average pair's score ``s0 = sigmoid(a * expected + b)`` is split in the same proportions
(``a * shap_j * (s - s0) / (z - z0)``, the secant of the sigmoid); ``s0`` itself is shared out
over the features by their global importance (mean absolute SHAP value on the training rows).
So each row adds up to the score (to the last bit: the last column absorbs the rounding), and a
feature's contribution is large when it moved this pair's score. This is a documented
approximation: contributions can be negative, and the weight shown per factor is
``contribution / value``.

**Policy built in.** Monotone constraints (LightGBM ``monotone_constraints``) on every fit
feature in :data:`MONOTONE_INCREASING`: covering more required skills, a shorter trip, a
better education fit can never lower a score. Only the ``*_unknown`` indicators are free.
Protected attributes are never features: :func:`refuse_protected` rejects any feature whose
name mentions one (age, gender, nationality, migration background, health, barriers).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from features.pair_features import FEATURE_NAMES
from models.artifacts import Artifact, open_artifact, write_artifact
from models.labels import RELEVANT_GRADE

__all__ = [
    "MONOTONE_INCREASING",
    "PROTECTED_WORDS",
    "RANKER_KINDS",
    "LambdaMARTRanker",
    "PointwiseRanker",
    "make_ranker",
    "ranker_from_artifact",
    "refuse_protected",
    "sum_columns",
]

MONOTONE_INCREASING: frozenset[str] = frozenset(
    name for name in FEATURE_NAMES if not name.endswith("_unknown")
)
"""Features a score may only rise with (every fit feature; not the *_unknown indicators)."""

PROTECTED_WORDS = frozenset(
    {
        "age",
        "birth",
        "born",
        "gender",
        "sex",
        "nationality",
        "migration",
        "ethnicity",
        "ethnic",
        "religion",
        "health",
        "medical",
        "barrier",
        "barriers",
        "disability",
    }
)
"""Words that mark a protected attribute (or a barrier) in a feature name."""


def refuse_protected(feature_names: Sequence[str]) -> None:
    """Raise ``ValueError`` when a feature name mentions a protected attribute or a barrier."""
    bad = [
        name
        for name in feature_names
        if PROTECTED_WORDS & set(name.lower().replace("-", "_").split("_"))
    ]
    if bad:
        raise ValueError(f"protected attributes are never features, refusing: {bad}")


def sum_columns(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Row sums added column by column from the left, as Python's ``sum`` adds a row."""
    total = np.zeros(values.shape[0], dtype=np.float64)
    for j in range(values.shape[1]):
        total += values[:, j]
    return total


def _sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    out: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
    return out


def _group_order(groups: ArrayLike) -> tuple[NDArray[np.intp], NDArray[np.int64]]:
    """(row order that puts each group together, group sizes in that order)."""
    _, codes = np.unique(np.asarray(groups), return_inverse=True)
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes[order])
    return order, sizes[sizes > 0]


class _BoostedRanker(BaseEstimator):
    """Shared machinery of the LightGBM rankers (module docstring)."""

    kind: ClassVar[str] = ""
    objective: ClassVar[str] = ""

    def __init__(
        self,
        *,
        feature_names: Sequence[str] = FEATURE_NAMES,
        monotone: Sequence[str] | None = None,
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 20,
        reg_lambda: float = 1.0,
        colsample: float = 1.0,
        random_state: int = 0,
        n_jobs: int = 1,
        relevant_grade: int = RELEVANT_GRADE,
        name: str = "learned-ranker",
    ) -> None:
        self.feature_names = feature_names
        self.monotone = monotone
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.reg_lambda = reg_lambda
        self.colsample = colsample
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.relevant_grade = relevant_grade
        self.name = name

    # -- Scorer protocol attributes -------------------------------------------------------------

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, {len(self.feature_names)} features)"

    def _lgb_params(self) -> dict[str, Any]:
        names = tuple(self.feature_names)
        increasing = MONOTONE_INCREASING if self.monotone is None else frozenset(self.monotone)
        params: dict[str, Any] = {
            "objective": self.objective,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_child_samples,
            "lambda_l2": self.reg_lambda,
            "feature_fraction": self.colsample,
            "monotone_constraints": [1 if n in increasing else 0 for n in names],
            "monotone_constraints_method": "intermediate",
            "seed": self.random_state,
            "deterministic": True,
            "force_col_wise": True,
            "num_threads": self.n_jobs,
            "verbosity": -1,
            "metric": "None",
        }
        if self.objective == "lambdarank":
            params["lambdarank_truncation_level"] = 20
        return params

    def _check_X(self, X: ArrayLike) -> NDArray[np.float64]:
        array = np.asarray(X, dtype=np.float64)
        if array.ndim != 2 or array.shape[1] != len(self.feature_names):
            raise ValueError(
                f"expected a (n, {len(self.feature_names)}) feature matrix, got {array.shape}"
            )
        return array

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        *,
        groups: ArrayLike,
        sample_weight: ArrayLike | None = None,
        calibration_rows: ArrayLike | None = None,
        callback: Callable[[int, int], None] | None = None,
    ) -> _BoostedRanker:
        """Fit on graded relevance ``y`` within ``groups``.

        ``calibration_rows`` (a boolean mask; default: every row) are the rows the score's
        sigmoid is fitted on: training passes the pairs with an observed outcome, so the score
        reads as the chance that a proposal leads to an interview or better (sampled negatives
        would only dilute it). ``callback(done, total)`` runs after every boosting round.
        """
        import lightgbm as lgb

        names = tuple(self.feature_names)
        refuse_protected(names)
        unknown = sorted(set(self.monotone or ()) - set(names))
        if unknown:
            raise ValueError(f"monotone features not among the features: {unknown}")
        X = self._check_X(X)
        if not np.isfinite(X).all():
            raise ValueError("the feature matrix holds NaN or infinite values")
        y = np.asarray(y)
        groups = np.asarray(groups)
        if len(y) != len(X) or len(groups) != len(X):
            raise ValueError(f"X has {len(X)} rows but y {len(y)} and groups {len(groups)}")
        if len(X) == 0:
            raise ValueError("nothing to fit: no rows")
        if (y < 0).any() or not np.array_equal(y, np.round(y)):
            raise ValueError("y must hold graded relevance: whole numbers from 0")
        weight = (
            np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        )
        if len(weight) != len(X) or (weight < 0).any():
            raise ValueError("sample_weight must be one non-negative number per row")
        order, sizes = _group_order(groups)
        dataset = lgb.Dataset(
            X[order],
            label=y[order].astype(np.float64),
            weight=weight[order],
            group=sizes if self.objective == "lambdarank" else None,
            feature_name=[f"f{j}" for j in range(len(names))],
            free_raw_data=True,
            params={"verbosity": -1, "max_bin": 255},
        )
        total = int(self.n_estimators)
        callbacks = []
        if callback is not None:

            def report(env: Any) -> None:
                callback(env.iteration + 1, total)

            callbacks.append(report)
        self.booster_ = lgb.train(
            self._lgb_params(), dataset, num_boost_round=total, callbacks=callbacks
        )
        raw = self.predict(X)
        rows = (
            np.ones(len(X), dtype=bool)
            if calibration_rows is None
            else np.asarray(calibration_rows, dtype=bool)
        )
        if len(rows) != len(X):
            raise ValueError("calibration_rows must be one flag per row")
        if not rows.any():
            rows = np.ones(len(X), dtype=bool)
        target = (y[rows] >= self.relevant_grade).astype(int)
        self.calibration_ = _platt(raw[rows], target, weight[rows])
        self.n_features_in_ = len(names)
        sample = X if len(X) <= 2000 else X[np.random.default_rng(0).choice(len(X), 2000, False)]
        shap = self._shap(sample)[:, :-1]
        importance = np.abs(shap).mean(axis=0)
        total_importance = float(importance.sum())
        self.base_share_ = (
            importance / total_importance
            if total_importance > 0
            else np.full(len(names), 1.0 / len(names))
        )
        return self

    # -- scoring ----------------------------------------------------------------------------

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """The raw ranking score of each row (higher: better; only the order matters)."""
        check_is_fitted(self, "booster_")
        X = self._check_X(X)
        if not len(X):
            return np.zeros(0)
        raw = np.asarray(self.booster_.predict(X, num_threads=self.n_jobs), dtype=np.float64)
        return raw

    def _z(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        a, b = self.calibration_
        return a * raw + b

    def score(self, X: ArrayLike) -> NDArray[np.float64]:
        """The score in (0, 1): ``sigmoid(a * predict(X) + b)``, same order as ``predict``."""
        return _sigmoid(self._z(self.predict(X)))

    def _shap(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        contrib = self.booster_.predict(X, pred_contrib=True, num_threads=self.n_jobs)
        return np.asarray(contrib, dtype=np.float64)

    def contributions(self, X: ArrayLike) -> NDArray[np.float64]:
        """Per-feature parts of each score (module docstring); rows add up to ``score(X)``."""
        check_is_fitted(self, "booster_")
        X = self._check_X(X)
        if not len(X):
            return np.zeros((0, len(self.feature_names)))
        a, b = self.calibration_
        target = self.score(X)
        shap = self._shap(X)
        phi, expected = shap[:, :-1], shap[:, -1]
        z0 = a * expected + b
        s0 = _sigmoid(z0)
        dz = a * phi.sum(axis=1)
        ds = target - s0
        small = np.abs(dz) < 1e-9
        slope = np.where(small, s0 * (1.0 - s0), ds / np.where(small, 1.0, dz))
        parts = s0[:, None] * self.base_share_[None, :] + a * phi * slope[:, None]
        return _exact_rows(parts, target)

    def feature_importance(self) -> dict[str, float]:
        """Each feature's share of the mean absolute SHAP value on the training rows."""
        check_is_fitted(self, "base_share_")
        return {n: float(v) for n, v in zip(self.feature_names, self.base_share_, strict=True)}

    # -- artifacts ----------------------------------------------------------------------------

    def to_files(self, prefix: str) -> dict[str, tuple[str, bytes]]:
        """The files that hold this fitted ranker: ``<prefix>.txt`` (LightGBM text model) and
        ``<prefix>.json`` (parameters, calibration, importance)."""
        check_is_fitted(self, "booster_")
        meta = {
            "kind": self.kind,
            "params": _jsonable(self.get_params()),
            "calibration": [float(v) for v in self.calibration_],
            "base_share": [float(v) for v in self.base_share_],
        }
        text = self.booster_.model_to_string(num_iteration=-1)
        return {
            f"{prefix}.txt": ("text", text.encode("utf-8")),
            f"{prefix}.json": ("json", json.dumps(meta, indent=2, sort_keys=True).encode()),
        }

    @classmethod
    def from_files(cls, artifact: Artifact, prefix: str) -> _BoostedRanker:
        """The ranker stored under ``prefix`` in a verified artifact."""
        import lightgbm as lgb

        meta = artifact.json(f"{prefix}.json")
        kind = meta.get("kind")
        ranker_cls = _KINDS.get(kind) if cls is _BoostedRanker else cls
        if ranker_cls is None or ranker_cls.kind != kind:
            raise ValueError(f"{artifact.directory}: ranker kind {kind!r} is not {cls.kind!r}")
        params = dict(meta["params"])
        params["feature_names"] = tuple(params["feature_names"])
        if params.get("monotone") is not None:
            params["monotone"] = tuple(params["monotone"])
        ranker = ranker_cls(**params)
        ranker.booster_ = lgb.Booster(model_str=artifact.text(f"{prefix}.txt"))
        a, b = (float(v) for v in meta["calibration"])
        ranker.calibration_ = (a, b)
        ranker.base_share_ = np.array(meta["base_share"], dtype=np.float64)
        ranker.n_features_in_ = len(params["feature_names"])
        return ranker

    def save(self, directory: Path, card: Mapping[str, Any] | None = None) -> Path:
        """Save as its own artifact (card + files); see :mod:`models.artifacts`."""
        full = {
            "name": self.name,
            "kind": "ranker",
            "ranker": self.kind,
            "feature_names": list(self.feature_names),
            **(card or {}),
        }
        return write_artifact(Path(directory), full, self.to_files("ranker"))

    @classmethod
    def load(cls, directory: Path) -> _BoostedRanker:
        """Load a ranker saved with :meth:`save`, after its checksums matched."""
        return cls.from_files(open_artifact(Path(directory)), "ranker")


class LambdaMARTRanker(_BoostedRanker):
    """LambdaMART: gradient-boosted trees trained on NDCG within each group (LightGBM
    ``lambdarank``). Parameters are those of :class:`_BoostedRanker` (module docstring).

    >>> ranker = LambdaMARTRanker(n_estimators=50).fit(X, y, groups=vacancy_ids)  # doctest: +SKIP
    >>> ranker.score(X[:3])                                                       # doctest: +SKIP
    """

    kind = "lambdamart"
    objective = "lambdarank"


class PointwiseRanker(_BoostedRanker):
    """Gradient-boosted regression of the grade (LightGBM ``regression``): the pointwise
    counterpart of :class:`LambdaMARTRanker`, with the same policy and artifacts."""

    kind = "pointwise"
    objective = "regression"


_KINDS: dict[str, type[_BoostedRanker]] = {
    LambdaMARTRanker.kind: LambdaMARTRanker,
    PointwiseRanker.kind: PointwiseRanker,
}
RANKER_KINDS = tuple(_KINDS)
"""The learned ranker kinds training compares."""


def make_ranker(kind: str, **params: Any) -> _BoostedRanker:
    """A new, unfitted ranker of ``kind`` (one of :data:`RANKER_KINDS`)."""
    try:
        return _KINDS[kind](**params)
    except KeyError:
        raise ValueError(f"unknown ranker kind {kind!r}; use one of {RANKER_KINDS}") from None


def ranker_from_artifact(artifact: Artifact, prefix: str) -> _BoostedRanker:
    """Whichever ranker kind is stored under ``prefix`` in a verified artifact."""
    return _BoostedRanker.from_files(artifact, prefix)


def _platt(
    raw: NDArray[np.float64], target: NDArray[np.int64], weight: NDArray[np.float64]
) -> tuple[float, float]:
    """(a, b) with ``a > 0`` so that ``sigmoid(a * raw + b)`` fits ``target``; when the fit
    is impossible or not increasing, a standardising map (the order is all that matters)."""
    spread = float(np.std(raw))
    fallback = (1.0 / spread, -float(np.mean(raw)) / spread) if spread > 0 else (1.0, 0.0)
    if len(np.unique(target)) < 2 or spread == 0:
        return fallback
    model = LogisticRegression(C=1e4, max_iter=1000)
    model.fit(raw.reshape(-1, 1), target, sample_weight=weight)
    a, b = float(model.coef_[0, 0]), float(model.intercept_[0])
    if not (a > 0 and math.isfinite(a) and math.isfinite(b)):
        return fallback
    return a, b


def _exact_rows(parts: NDArray[np.float64], target: NDArray[np.float64]) -> NDArray[np.float64]:
    """``parts`` with the last column adjusted so each row, added from the left, gives
    exactly ``target`` (the adjustment is rounding-sized)."""
    out = parts.copy()
    before = sum_columns(out[:, :-1])
    out[:, -1] = target - before
    for _ in range(8):
        total = before + out[:, -1]
        off = total != target
        if not off.any():
            break
        direction = np.where(total[off] < target[off], np.inf, -np.inf)
        out[off, -1] = np.nextafter(out[off, -1], direction)
    return out


def _jsonable(params: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, tuple | list | frozenset | set):
            value = sorted(value) if isinstance(value, frozenset | set) else list(value)
        result[key] = value
    return result
