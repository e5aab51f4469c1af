"""The model registry: stored model artifacts, which one is active, and the history of changes.

A registry is a directory (the service uses ``settings.data_dir / "models" / "rankers"``)::

    <root>/<model id>/          one artifact per model (card.json + files, models.artifacts)
    <root>/active.json          {"model": id | null, "previous": [older ids, newest first]}
    <root>/history.jsonl        one line per activation or rollback: who, when, why, the gate

- :meth:`ModelRegistry.activate` makes a model the active one. It first loads it (so its
  checksums are verified) and runs the **quality gate**: a model whose validation NDCG@10
  (shortlist direction, from its card) is worse than the active model's beyond the confidence
  interval (the active model's value lies above the candidate's whole interval) is refused;
  with no active model, one that is worse than the cold-start scorer on its own validation
  window (the paired difference's interval lies below 0) is refused. ``force=True`` overrides
  the gate only with a reason, and the history keeps who forced it, when and why.
- :meth:`ModelRegistry.rollback` restores the model that was active before (or the cold-start
  scorer when there was none).
- ``active.json`` is replaced atomically; :meth:`ModelRegistry.active_signature` changes with
  every change, so a running service can pick up the new model without a restart
  (:class:`ActiveModel`, checked per request: one ``stat``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from features.errors import ArtifactError, UnknownEntityError, WerkmatchError
from models.artifacts import open_artifact, read_card
from models.ranking_model import RankingModel

__all__ = [
    "Activation",
    "ActiveModel",
    "GateDecision",
    "ModelRegistry",
    "QualityGateError",
    "quality_gate",
]

logger = logging.getLogger(__name__)

ACTIVE_FILE = "active.json"
HISTORY_FILE = "history.jsonl"


class QualityGateError(WerkmatchError, ValueError):
    """Activation refused: the model is worse than the active one (or than the cold start)."""


@dataclass(frozen=True)
class GateDecision:
    """The quality gate's verdict: ``passed``, and in words why."""

    passed: bool
    reason: str
    candidate: float | None = None
    compared_with: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "reason": self.reason,
            "candidate_ndcg@10": self.candidate,
            "compared_with": self.compared_with,
        }


@dataclass(frozen=True)
class Activation:
    """One change of the active model, as kept in the history."""

    action: str
    model: str | None
    previous: str | None
    at: str
    by: str
    forced: bool
    reason: str | None
    gate: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "model": self.model,
            "previous": self.previous,
            "at": self.at,
            "by": self.by,
            "forced": self.forced,
            "reason": self.reason,
            "gate": self.gate,
        }


def _shortlist_summary(card: dict[str, Any]) -> dict[str, Any]:
    summary = card.get("metrics", {}).get("summary", {}).get("shortlist")
    return summary if isinstance(summary, dict) else {}


def quality_gate(candidate: dict[str, Any], active: dict[str, Any] | None) -> GateDecision:
    """Whether ``candidate`` (a card) may replace ``active`` (a card, or None: cold start).

    See the module docstring for the rule. A card without validation metrics fails: there is
    nothing to show it is not worse.
    """
    mine = _shortlist_summary(candidate).get("ndcg@10")
    if not mine:
        return GateDecision(False, "the model card holds no validation NDCG@10")
    value, low, high = float(mine["value"]), float(mine["low"]), float(mine["high"])
    if active is None:
        diff = _shortlist_summary(candidate).get("difference")
        base = _shortlist_summary(candidate).get("cold-start ndcg@10")
        if not diff or not base:
            return GateDecision(True, "no active model and no cold-start comparison", value)
        if float(diff["high"]) < 0:
            return GateDecision(
                False,
                f"worse than the cold-start scorer on its validation window: NDCG@10 {value:.3f} "
                f"vs {float(base['value']):.3f}, difference interval "
                f"[{float(diff['low']):+.3f}, {float(diff['high']):+.3f}] below 0",
                value,
                float(base["value"]),
            )
        return GateDecision(
            True,
            f"not worse than the cold-start scorer: NDCG@10 {value:.3f} vs "
            f"{float(base['value']):.3f}",
            value,
            float(base["value"]),
        )
    theirs = _shortlist_summary(active).get("ndcg@10")
    if not theirs:
        return GateDecision(True, "the active model's card holds no NDCG@10", value)
    other = float(theirs["value"])
    if other > high:
        return GateDecision(
            False,
            f"worse than the active model {active.get('id')}: NDCG@10 {value:.3f} "
            f"[{low:.3f}, {high:.3f}] vs {other:.3f}, beyond the confidence interval",
            value,
            other,
        )
    return GateDecision(
        True, f"NDCG@10 {value:.3f} [{low:.3f}, {high:.3f}] vs active {other:.3f}", value, other
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class ModelRegistry:
    """Stored models, the active pointer and the history (module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()

    # -- what is stored -------------------------------------------------------------------------

    def ids(self) -> list[str]:
        """Ids of the stored models (folders with a card), sorted."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name for p in self.root.iterdir() if p.is_dir() and (p / "card.json").is_file()
        )

    def path(self, model_id: str) -> Path:
        """The folder of ``model_id``; :class:`UnknownEntityError` when it is not stored."""
        if "/" in model_id or "\\" in model_id or model_id.startswith("."):
            raise UnknownEntityError(f"no model {model_id!r} in the registry")
        folder = self.root / model_id
        if not (folder / "card.json").is_file():
            raise UnknownEntityError(f"no model {model_id!r} in the registry at {self.root}")
        return folder

    def card(self, model_id: str) -> dict[str, Any]:
        """The (checked) card of a stored model."""
        return read_card(self.path(model_id))

    def entries(self) -> list[dict[str, Any]]:
        """One summary per stored model, newest first: id, created_at, ranker, until,
        validation NDCG@10, active flag; models whose card is damaged say so."""
        active = self.active_id()
        out = []
        for model_id in self.ids():
            try:
                card = self.card(model_id)
            except ArtifactError as error:
                out.append({"id": model_id, "error": str(error), "active": model_id == active})
                continue
            summary = _shortlist_summary(card)
            out.append(
                {
                    "id": model_id,
                    "name": card.get("name"),
                    "version": card.get("version"),
                    "created_at": card.get("created_at"),
                    "ranker": card.get("hyper_parameters", {}).get("ranker"),
                    "until": card.get("training_data", {}).get("until"),
                    "ndcg@10": summary.get("ndcg@10"),
                    "cold-start ndcg@10": summary.get("cold-start ndcg@10"),
                    "active": model_id == active,
                }
            )
        out.sort(key=lambda e: (e.get("created_at") or "", e["id"]), reverse=True)
        return out

    def add(self, artifact_dir: Path) -> str:
        """Copy a model artifact into the registry (verified first); returns its id. A model
        already stored with identical files is not copied again."""
        artifact = open_artifact(Path(artifact_dir))
        model_id = str(artifact.card.get("id") or Path(artifact_dir).name)
        target = self.root / model_id
        if Path(artifact_dir).resolve() == target.resolve():
            return model_id
        if target.exists():
            existing = read_card(target)
            if existing.get("files") == artifact.card.get("files"):
                return model_id
            raise ArtifactError(f"a different model with id {model_id!r} is already stored")
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{model_id}.", dir=self.root))
        try:
            for name in [*artifact.names(), "card.json"]:
                shutil.copy2(Path(artifact_dir) / name, staging / name)
            os.replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        open_artifact(target)
        return model_id

    def load(self, model_id: str) -> RankingModel:
        """The stored model, after its checksums matched."""
        return RankingModel.load(self.path(model_id))

    # -- the active model -------------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        path = self.root / ACTIVE_FILE
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"model": None, "previous": []}
        except (OSError, json.JSONDecodeError) as error:
            raise ArtifactError(f"{path} cannot be read ({error}); fix or remove it") from None
        if not isinstance(state, dict):
            raise ArtifactError(f"{path} does not hold the active model")
        state.setdefault("model", None)
        state.setdefault("previous", [])
        return state

    def _write_state(self, state: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".active.", dir=self.root)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(state, out, indent=2)
            out.write("\n")
        os.replace(tmp, self.root / ACTIVE_FILE)

    def active_id(self) -> str | None:
        """Id of the active model, or None (the cold-start scorer is used)."""
        model = self._state().get("model")
        return str(model) if model else None

    def active_signature(self) -> tuple[int, int, int] | None:
        """Changes whenever the active pointer changes (inode, size, mtime in ns); None when
        no model was ever activated."""
        try:
            stat = (self.root / ACTIVE_FILE).stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def history(self) -> list[dict[str, Any]]:
        """Every activation and rollback, oldest first."""
        path = self.root / HISTORY_FILE
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]

    def _record(self, activation: Activation) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / HISTORY_FILE).open("a", encoding="utf-8") as out:
            out.write(json.dumps(activation.to_json(), ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def activate(
        self, model_id: str, *, by: str, force: bool = False, reason: str | None = None
    ) -> Activation:
        """Make ``model_id`` the active model (module docstring: checksums, gate, history).

        Raises :class:`QualityGateError` when the gate refuses and ``force`` is not set, and
        ``ValueError`` when ``force`` comes without a reason.
        """
        reason = (reason or "").strip() or None
        if force and not reason:
            raise QualityGateError("a forced activation needs a reason (--reason TEXT)")
        if not by.strip():
            raise ValueError("who activates the model must be named")
        with self._lock:
            self.load(model_id)  # verifies the checksums and that it loads
            state = self._state()
            current = state.get("model")
            if current == model_id:
                raise QualityGateError(f"{model_id} is already the active model")
            active_card = None
            if current:
                try:
                    active_card = self.card(current)
                except (ArtifactError, UnknownEntityError):
                    logger.warning(
                        "the active model %s cannot be read; gating vs cold start", current
                    )
            decision = quality_gate(self.card(model_id), active_card)
            if not decision.passed and not force:
                raise QualityGateError(
                    f"activation of {model_id} refused by the quality gate: {decision.reason}. "
                    "Use --force with --reason to override (recorded in the history)."
                )
            activation = Activation(
                action="activate",
                model=model_id,
                previous=current,
                at=_now(),
                by=by,
                forced=force,
                reason=reason,
                gate=decision.to_json(),
            )
            previous = [current, *state["previous"]] if current else list(state["previous"])
            self._record(activation)
            self._write_state({"model": model_id, "previous": previous[:50]})
            logger.info("activated %s (by %s, gate: %s)", model_id, by, decision.reason)
            return activation

    def rollback(self, *, by: str, reason: str | None = None) -> Activation:
        """Restore the model active before the current one (the cold start when none was)."""
        with self._lock:
            state = self._state()
            current = state.get("model")
            if current is None and not state["previous"]:
                raise QualityGateError("nothing to roll back: no model was ever activated")
            previous = list(state["previous"])
            restored = previous.pop(0) if previous else None
            if restored is not None:
                self.load(restored)
            activation = Activation(
                action="rollback",
                model=restored,
                previous=current,
                at=_now(),
                by=by,
                forced=False,
                reason=(reason or "").strip() or None,
                gate=None,
            )
            self._record(activation)
            self._write_state({"model": restored, "previous": previous})
            logger.info("rolled back from %s to %s (by %s)", current, restored or "cold start", by)
            return activation


class ActiveModel:
    """The registry's active model for a running service, reloaded when the pointer changes.

    :meth:`current` costs one ``stat`` when nothing changed. A model that fails to load (its
    checksum no longer matches) is not used: the previous scorer stays, with an error in the
    log. ``on_change`` is called with the new model (or None: cold start) after a change.
    """

    def __init__(
        self,
        registry: ModelRegistry,
        on_change: Callable[[RankingModel | None], None] | None = None,
    ) -> None:
        self.registry = registry
        self.on_change = on_change
        self._signature: tuple[int, int, int] | bool | None = False  # False: never looked
        self._model: RankingModel | None = None
        self._lock = threading.Lock()

    def current(self) -> RankingModel | None:
        """The active model (None: none active, use the cold-start scorer)."""
        signature = self.registry.active_signature()
        if signature == self._signature:
            return self._model
        with self._lock:
            if signature == self._signature:
                return self._model
            try:
                model_id = self.registry.active_id()
                model = self.registry.load(model_id) if model_id else None
            except (ArtifactError, UnknownEntityError) as error:
                logger.error("cannot load the active model, keeping the previous one: %s", error)
                self._signature = signature
                return self._model
            self._signature = signature
            changed = (model.id if model else None) != (self._model.id if self._model else None)
            self._model = model
            if changed:
                logger.info("active model is now %s", model.id if model else "the cold start")
                if self.on_change is not None:
                    self.on_change(model)
            return model
