"""The model routes of the JSON API, and the matching engine following the active model."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from features.embedding import HashingEncoder
from models.registry import ModelRegistry
from service.api.models import REQUIRED_ROLES
from service.app import create_app
from service.importing import import_file
from service.settings import Settings
from service.storage import open_store
from tests.models.helpers import small_model
from tests.service import matching_world as mw


def _store_models(root: Path) -> None:
    small_model("good", ndcg=(0.60, 0.55, 0.65), cold=0.3).save(root / "good")
    small_model("worse", ndcg=(0.40, 0.35, 0.45), cold=0.3).save(root / "worse")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    _store_models(settings.data_dir / "models" / "rankers")
    with TestClient(create_app(settings, encoder=HashingEncoder())) as client:
        yield client


def test_routes_are_for_data_scientists() -> None:
    assert REQUIRED_ROLES == ("datascientist", "admin")


def test_list_show_activate_rollback(client: TestClient) -> None:
    body = client.get("/api/models").json()
    assert body["active"] is None
    assert {m["id"] for m in body["models"]} == {"good", "worse"}
    assert client.get("/api/models/good").json()["id"] == "good"
    assert client.get("/api/models/nope").status_code == 404

    response = client.post("/api/models/good/activate", json={"by": "ds-anna"})
    assert response.status_code == 200 and response.json()["model"] == "good"
    refused = client.post("/api/models/worse/activate", json={"by": "ds-anna"})
    assert refused.status_code == 409
    assert "quality gate" in refused.json()["message"]
    forced = client.post(
        "/api/models/worse/activate",
        json={"by": "ds-bram", "force": True, "reason": "compare on live lists"},
    )
    assert forced.status_code == 200 and forced.json()["forced"] is True
    history = client.get("/api/models/history").json()["history"]
    assert history[-1]["by"] == "ds-bram" and history[-1]["reason"] == "compare on live lists"

    back = client.post("/api/models/rollback", json={"by": "ds-anna"})
    assert back.status_code == 200 and back.json()["model"] == "good"
    assert client.post("/api/models/reload").json() == {"active": "good"}


def test_bad_requests_are_422(client: TestClient) -> None:
    assert client.post("/api/models/good/activate", json={}).status_code == 422
    assert client.post("/api/models/train", json={"until": "soon"}).status_code == 422
    assert client.get("/api/models/jobs/nope").status_code == 404


@pytest.fixture(scope="module")
def world_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    """The service over the small matching world of tests/service, two models stored."""
    settings = mw.fill(tmp_path_factory.mktemp("models-api"))
    root = settings.data_dir / "models" / "rankers"
    _store_models(root)
    with TestClient(create_app(settings, encoder=HashingEncoder())) as client:
        yield client, root


@pytest.mark.slow
def test_matching_follows_the_active_model_without_a_restart(
    world_app: tuple[TestClient, Path],
) -> None:
    client, root = world_app
    vacancy = mw.world().open_vacancy_ids()[0]
    candidate = mw.world().candidates[1].id

    def shortlist() -> dict[str, object]:
        body = client.get(f"/api/vacancies/{vacancy}/shortlist", params={"top_k": 5}).json()
        return body  # type: ignore[no-any-return]

    assert shortlist()["scorer"] == "cold-start-v1"
    # activated by another process (the CLI): noticed at the next request
    ModelRegistry(root).activate("good", by="ds-anna")
    body = shortlist()
    assert body["scorer"] == "good"
    for match in body["matches"]:  # type: ignore[attr-defined]
        total = sum(c["contribution"] for c in match["explanation"]["contributions"])
        assert total == match["score"]
        assert 0.0 <= match["score"] <= 1.0
    recommended = client.get(f"/api/candidates/{candidate}/recommendations").json()
    assert recommended["scorer"] == "good"
    client.post("/api/models/rollback", json={"by": "ds-anna"})
    assert shortlist()["scorer"] == "cold-start-v1"


@pytest.mark.slow
def test_train_and_evaluate_jobs(settings: Settings, synth_dir: Path) -> None:
    with open_store(settings) as store:
        for kind in ("employers", "vacancies", "candidates", "outcomes"):
            assert not import_file(store, kind, synth_dir / f"{kind}.jsonl").errors
    with TestClient(create_app(settings, encoder=HashingEncoder())) as client:
        started = client.post("/api/models/train", json={"until": "2025-07-01"})
        assert started.status_code == 202
        job = _wait(client, started.json()["job"])
        assert job["status"] == "done", job["error"]
        model_id = job["result"]["model"]
        assert model_id in {m["id"] for m in client.get("/api/models").json()["models"]}
        started = client.post(f"/api/models/{model_id}/evaluate", json={"bootstrap": 100})
        job = _wait(client, started.json()["job"])
        assert job["status"] == "done", job["error"]
        directions = {(c["source"], c["direction"]) for c in job["result"]["comparisons"]}
        assert ("outcomes", "shortlist") in directions
        assert Path(job["result"]["report"]).is_file()


def _wait(client: TestClient, job_id: str, timeout: float = 600.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/models/jobs/{job_id}").json()
        if job["status"] != "running":
            return job  # type: ignore[no-any-return]
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} still running after {timeout} s")
