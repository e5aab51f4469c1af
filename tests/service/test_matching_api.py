"""The matching routes of the JSON API on a small synthetic municipality (hashing encoder)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from features.embedding import HashingEncoder
from service.app import create_app
from service.engine import MatchingEngine
from tests.service import matching_world as mw


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = mw.fill(tmp_path_factory.mktemp("matching-api"))
    return create_app(settings, encoder=HashingEncoder())


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def engine(app: FastAPI, client: TestClient) -> MatchingEngine:
    return app.state.engine  # type: ignore[no-any-return]


def _open_vacancy_with_matches(client: TestClient, minimum: int = 5) -> str:
    for vacancy_id in mw.world().open_vacancy_ids():
        body = client.get(f"/api/vacancies/{vacancy_id}/shortlist", params={"top_k": 100}).json()
        if len(body["matches"]) >= minimum and body["excluded"]["total"]:
            return vacancy_id
    raise AssertionError("no open vacancy with enough matches and some knock-outs")


def test_health_names_the_encoder_and_the_date(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["encoder"].startswith("injected: HashingEncoder")
    assert body["today"] == mw.TODAY.isoformat()


def test_shortlist_is_ranked_and_explained(client: TestClient) -> None:
    vacancy_id = _open_vacancy_with_matches(client)
    response = client.get(f"/api/vacancies/{vacancy_id}/shortlist", params={"top_k": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["vacancy_id"] == vacancy_id
    assert body["today"] == mw.TODAY.isoformat()
    matches = body["matches"]
    assert [m["rank"] for m in matches] == [1, 2, 3, 4, 5]
    scores = [m["score"] for m in matches]
    assert scores == sorted(scores, reverse=True)
    for match in matches:
        assert 0.0 <= match["score"] <= 1.0
        explanation = match["explanation"]
        total = math.fsum(c["contribution"] for c in explanation["contributions"])
        assert total == pytest.approx(match["score"], abs=1e-9)
        assert explanation["text_nl"].startswith("Score ")
        assert explanation["text_en"].startswith("Score ")
        assert "vaardigheden" in explanation["text_nl"] or "vaardigheid" in explanation["text_nl"]
        assert {c["label_nl"] for c in explanation["contributions"]}
        assert {c["label_en"] for c in explanation["contributions"]}


def test_exclusions_count_every_knocked_out_candidate_once(
    client: TestClient, engine: MatchingEngine
) -> None:
    vacancy_id = _open_vacancy_with_matches(client)
    body = client.get(f"/api/vacancies/{vacancy_id}/shortlist", params={"top_k": 100}).json()
    excluded = body["excluded"]
    independent = mw.knockouts_by_assessment(engine.store, engine.matcher(), vacancy_id)
    eligible = independent.pop("eligible", 0)
    assert body["pool_size"] == len(mw.world().candidates)
    assert excluded["total"] == body["pool_size"] - eligible
    assert {k: v for k, v in excluded["by_reason"].items() if v} == dict(independent)
    assert len(body["matches"]) == min(100, eligible)
    assert excluded["summary_nl"].startswith(f"{excluded['total']} uitgesloten: ")
    assert excluded["summary_en"].startswith(f"{excluded['total']} excluded: ")


def test_no_knocked_out_candidate_is_on_the_shortlist(
    client: TestClient, engine: MatchingEngine
) -> None:
    vacancy_id = _open_vacancy_with_matches(client)
    body = client.get(f"/api/vacancies/{vacancy_id}/shortlist", params={"top_k": 100}).json()
    for match in body["matches"]:
        assert engine.matcher().assess(match["candidate_id"], vacancy_id).knockout is None


def test_recommendations_are_open_vacancies_ranked_and_explained(client: TestClient) -> None:
    open_ids = set(mw.world().open_vacancy_ids())
    for candidate in mw.world().candidates[:20]:
        body = client.get(
            f"/api/candidates/{candidate.id}/recommendations", params={"top_k": 3}
        ).json()
        assert body["pool_size"] == len(open_ids)
        assert body["excluded"]["total"] <= body["pool_size"]
        if not body["matches"]:
            continue
        assert len(body["matches"]) <= 3
        for rank, match in enumerate(body["matches"], start=1):
            assert match["rank"] == rank
            assert match["vacancy_id"] in open_ids
            assert 0.0 <= match["score"] <= 1.0
            assert match["explanation"]["text_en"]
        return
    raise AssertionError("no candidate among the first 20 has a recommendation")


def test_employers_and_career_paths_answer_in_both_languages(client: TestClient) -> None:
    employer_ids = {e.id for e in mw.world().employers}
    found_employers = found_paths = False
    for candidate in mw.world().candidates[:30]:
        employers = client.get(f"/api/candidates/{candidate.id}/employers").json()
        assert employers["candidate_id"] == candidate.id
        for suggestion in employers["employers"]:
            found_employers = True
            assert suggestion["employer_id"] in employer_ids
            assert 0.0 <= suggestion["score"] <= 1.0
            assert len(suggestion["reasons_nl"]) == len(suggestion["reasons_en"]) > 0
        paths = client.get(f"/api/candidates/{candidate.id}/career-paths", params={"top_k": 3})
        for path in paths.json()["career_paths"]:
            found_paths = True
            assert path["label"] and path["label_en"]
            assert 0.0 < path["skill_overlap"] <= 1.0
            assert path["matched_skills"]
    assert found_employers and found_paths


@pytest.mark.parametrize(
    "path",
    [
        "/api/vacancies/NO-SUCH/shortlist",
        "/api/candidates/NO-SUCH/recommendations",
        "/api/candidates/NO-SUCH/employers",
        "/api/candidates/NO-SUCH/career-paths",
    ],
)
def test_unknown_ids_are_404_with_the_error_shape(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    body = response.json()
    assert body["status"] == 404 and body["code"] == "not_found"
    assert "NO-SUCH" in body["message"]


@pytest.mark.parametrize("top_k", [0, 101, -3])
def test_top_k_is_bounded(client: TestClient, top_k: int) -> None:
    vacancy_id = mw.world().open_vacancy_ids()[0]
    response = client.get(f"/api/vacancies/{vacancy_id}/shortlist", params={"top_k": top_k})
    assert response.status_code == 422
    assert response.json()["field"] == "top_k"


def test_no_response_contains_a_protected_value(client: TestClient) -> None:
    planted = mw.world().planted.id
    vacancy_ids = mw.world().open_vacancy_ids()[:10]
    paths = [f"/api/vacancies/{v}/shortlist?top_k=100" for v in vacancy_ids]
    paths += [
        f"/api/candidates/{planted}/{what}?top_k=100"
        for what in ("recommendations", "employers", "career-paths")
    ]
    shown = False
    for path in paths:
        text = client.get(path).text
        shown = shown or planted in text
        for secret in mw.SECRET_WORDS:
            assert secret not in text, (path, secret)
    assert shown  # the planted candidate was really shown somewhere


def test_openapi_documents_the_matching_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/vacancies/{vacancy_id}/shortlist",
        "/api/candidates/{candidate_id}/recommendations",
        "/api/candidates/{candidate_id}/employers",
        "/api/candidates/{candidate_id}/career-paths",
    ):
        assert path in paths, sorted(paths)


def test_record_routes_still_work_next_to_the_matching_routes(client: TestClient) -> None:
    candidate_id = mw.world().candidates[3].id
    assert client.get(f"/api/candidates/{candidate_id}").json()["id"] == candidate_id


def test_built_once_in_the_lifespan_and_kept_up_to_date(tmp_path: Path) -> None:
    settings = mw.fill(tmp_path)
    app = create_app(settings, encoder=HashingEncoder())
    with TestClient(app) as client:
        engine: MatchingEngine = app.state.engine
        assert engine.built
        first = engine.matcher()
        assert engine.matcher() is first
        # a vacancy stored after the build is matched when asked for
        template = mw.world().vacancies[0]
        engine.store.upsert("vacancies", [template.model_copy(update={"id": "V-LATE"})])
        body = client.get("/api/vacancies/V-LATE/shortlist", params={"top_k": 3}).json()
        assert body["vacancy_id"] == "V-LATE"
        assert body["pool_size"] == len(mw.world().candidates)
        # refresh() with records puts a new candidate in other people's lists too
        person = mw.world().candidates[1].model_copy(update={"id": "K-LATE"})
        engine.store.upsert("candidates", [person])
        engine.refresh("candidates", [engine.store.get("candidates", "K-LATE")])
        after = client.get("/api/vacancies/V-LATE/shortlist", params={"top_k": 100}).json()
        assert after["pool_size"] == len(mw.world().candidates) + 1
        # refresh() without records rebuilds from the store
        engine.refresh()
        assert engine.matcher() is not first
        assert "K-LATE" in engine.matcher().candidates.row_of
