"""Ranking models over the JSON API: train, evaluate, list, activate, roll back, reload.

- ``GET  /api/models``: stored models (newest first) and the active one;
- ``GET  /api/models/history``: every activation and rollback (who, when, why);
- ``GET  /api/models/{id}``: a model's card;
- ``POST /api/models/train`` ``{"until": "2025-07-01", "seed": 0}``: train on the stored
  records (a background job: 202 with the job, then ``GET /api/models/jobs/{job}``);
- ``POST /api/models/{id}/evaluate``: evaluate on the held-out window (a job as well); the
  report is written to ``DATA_DIR/reports/<id>``;
- ``POST /api/models/{id}/activate`` ``{"by": ..., "force": false, "reason": null}``: the
  quality gate decides; 409 when it refuses (``force`` with a ``reason`` overrides, recorded);
- ``POST /api/models/rollback`` ``{"by": ..., "reason": ...}``: the previous active model;
- ``POST /api/models/reload``: make the matching engine look at the registry now (it also
  does so by itself on every request: the active pointer's change is noticed without restart).

Access: these routes are for data scientists (and administrators) only. Roles do not exist yet;
:data:`REQUIRED_ROLES` names who may call them, for the role check that comes next. Training
and evaluation use the engine's own text encoder, so a model learns from the same features it
will be served with.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from models.registry import ModelRegistry, QualityGateError
from service.deps import EngineDep, SettingsDep, StoreDep
from service.errors import ErrorBody

__all__ = ["REQUIRED_ROLES", "router"]

logger = logging.getLogger(__name__)

REQUIRED_ROLES: tuple[str, ...] = ("datascientist", "admin")
"""Roles allowed to call every route of this module (enforced once roles exist)."""

_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No model (or job) with this id"},
    409: {"model": ErrorBody, "description": "Refused by the quality gate"},
    422: {"model": ErrorBody, "description": "A parameter is not valid"},
}

router = APIRouter(prefix="/api/models", tags=["models"], responses=_ERRORS)


class TrainIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    until: dt.date = Field(description="Cut-off: only outcomes before this date are used")
    seed: int = 0
    negatives: int = Field(default=20, ge=0, le=1000)


class EvaluateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    since: dt.date | None = None
    until: dt.date | None = None
    bootstrap: int = Field(default=1000, ge=10, le=20_000)
    seed: int = 0


class ActivateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str = Field(min_length=1, max_length=64, description="Who activates (until roles exist)")
    force: bool = False
    reason: str | None = Field(default=None, max_length=500)


class RollbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str = Field(min_length=1, max_length=64)
    reason: str | None = Field(default=None, max_length=500)


class JobOut(BaseModel):
    """A background job: ``running``, ``done`` (with ``result``) or ``failed`` (``error``)."""

    job: str
    kind: str
    status: str
    started_at: str
    finished_at: str | None = None
    result: dict[str, Any] | None = None
    error: str | None = None


class _Jobs:
    """Training and evaluation run in a thread each; results are kept in memory."""

    def __init__(self) -> None:
        self._jobs: dict[str, JobOut] = {}
        self._lock = threading.Lock()

    def start(self, kind: str, work: Callable[[], dict[str, Any]]) -> JobOut:
        job = JobOut(
            job=uuid.uuid4().hex[:12],
            kind=kind,
            status="running",
            started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        with self._lock:
            self._jobs[job.job] = job

        def run() -> None:
            try:
                result, error, status = work(), None, "done"
            except Exception as failure:  # reported through the job, also logged
                logger.exception("%s job %s failed", kind, job.job)
                result, error, status = None, str(failure), "failed"
            finished = job.model_copy(
                update={
                    "status": status,
                    "result": result,
                    "error": error,
                    "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                }
            )
            with self._lock:
                self._jobs[job.job] = finished

        threading.Thread(target=run, name=f"werkmatch-{kind}-{job.job}", daemon=True).start()
        return job

    def get(self, job_id: str) -> JobOut:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise HTTPException(status_code=404, detail=f"no job {job_id!r}")
        return job


def _jobs(request: Request) -> _Jobs:
    jobs = getattr(request.app.state, "model_jobs", None)
    if jobs is None:
        jobs = request.app.state.model_jobs = _Jobs()
    return jobs  # type: ignore[no-any-return]


def _registry(settings: Any) -> ModelRegistry:
    from service.ranking import open_registry

    return open_registry(settings)


@router.get("", summary="Stored ranking models and the active one")
def list_models(settings: SettingsDep) -> dict[str, Any]:
    registry = _registry(settings)
    return {"active": registry.active_id(), "models": registry.entries()}


@router.get("/history", summary="Activations and rollbacks: who, when, why")
def history(settings: SettingsDep) -> dict[str, Any]:
    return {"history": _registry(settings).history()}


@router.get("/jobs/{job_id}", response_model=JobOut, summary="A training or evaluation job")
def job(job_id: str, request: Request) -> JobOut:
    return _jobs(request).get(job_id)


@router.get("/{model_id}", summary="A model's card")
def show(model_id: str, settings: SettingsDep) -> dict[str, Any]:
    return _registry(settings).card(model_id)


@router.post("/train", status_code=202, response_model=JobOut, summary="Train on stored data")
def train(
    body: TrainIn, request: Request, settings: SettingsDep, store: StoreDep, engine: EngineDep
) -> JobOut:
    """Train on the outcomes before ``until`` and store the model in the registry (not
    activated). Poll the job for the card."""
    from models.training import TrainingConfig
    from service import ranking

    config = TrainingConfig(
        until=dt.datetime.combine(body.until, dt.time()),
        seed=body.seed,
        negatives_per_group=body.negatives,
    )
    encoder = engine.encoder()

    def work() -> dict[str, Any]:
        records = ranking.records_from_store(store)
        result = ranking.train(records, config, encoder=encoder)
        registry = _registry(settings)
        target = registry.root / result.model.id
        if not target.exists():
            result.model.save(target)
        return {"model": result.model.id, "card": result.model.card}

    return _jobs(request).start("train", work)


@router.post(
    "/{model_id}/evaluate",
    status_code=202,
    response_model=JobOut,
    summary="Evaluate on the held-out window, next to the cold start and the active model",
)
def evaluate(
    model_id: str,
    body: EvaluateIn,
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    engine: EngineDep,
) -> JobOut:
    from models.evaluation import write_report
    from service import ranking

    registry = _registry(settings)
    model = registry.load(model_id)  # 404 / checksum errors now, not in the job
    active_id = registry.active_id()
    active = registry.load(active_id) if active_id and active_id != model_id else None
    encoder = engine.encoder()

    def moment(day: dt.date | None) -> dt.datetime | None:
        return dt.datetime.combine(day, dt.time()) if day else None

    def work() -> dict[str, Any]:
        records = ranking.records_from_store(store)
        report = ranking.evaluate(
            model,
            records,
            encoder=encoder,
            active=active,
            since=moment(body.since),
            until=moment(body.until),
            n_bootstrap=body.bootstrap,
            seed=body.seed,
        )
        paths = write_report(report, settings.data_dir / "reports" / model_id)
        data = report.to_json()
        data["report"] = str(paths["report.md"])
        return data

    return _jobs(request).start("evaluate", work)


@router.post("/{model_id}/activate", summary="Make a model the active one (quality gate)")
def activate(
    model_id: str, body: ActivateIn, settings: SettingsDep, engine: EngineDep
) -> dict[str, Any]:
    try:
        activation = _registry(settings).activate(
            model_id, by=body.by, force=body.force, reason=body.reason
        )
    except QualityGateError as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    _reload(engine)
    return activation.to_json()


@router.post("/rollback", summary="Restore the previously active model")
def rollback(body: RollbackIn, settings: SettingsDep, engine: EngineDep) -> dict[str, Any]:
    try:
        activation = _registry(settings).rollback(by=body.by, reason=body.reason)
    except QualityGateError as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    _reload(engine)
    return activation.to_json()


@router.post("/reload", summary="Pick up the registry's active model now")
def reload(engine: EngineDep, settings: SettingsDep) -> dict[str, Any]:
    _reload(engine)
    return {"active": _registry(settings).active_id()}


def _reload(engine: Any) -> None:
    follow = getattr(engine, "follow_active_model", None)
    if follow is not None:
        follow()
