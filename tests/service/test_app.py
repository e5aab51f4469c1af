"""The web application through its HTTP interface: health, JSON API, pages, errors, languages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from features.errors import (
    FieldProblem,
    InvalidRecordError,
    UnknownEntityError,
    UnusableFileError,
    WerkmatchError,
)
from features.records import Candidate, Employer, Outcome, Vacancy
from service.app import create_app
from service.errors import error_body
from service.settings import Settings
from service.storage import Store, open_store
from service.web._render import PAGE_SIZE
from service.web.i18n import LABELS, TERMS, TRANSLATED_VOCABULARIES

BAKER = "http://data.europa.eu/esco/occupation/1aadb308-432a-4d01-b54b-b4f7f76dd419"

# Distinctive protected values: if any of these strings shows up in a response, it leaked.
SECRET_NATIONALITY = "Liechtensteinse"
SECRET_BIRTH_YEAR = "1937"
SECRET_MIGRATION = "Tuvalu-achtergrond"
EXTRA_CANDIDATES = 55  # more than one page of the candidate list


def _records() -> dict[str, list]:
    employers = [
        Employer(id="E1", name="Bakkerij De Korf", sector="Horeca", postcode="9712AB", size=12),
        Employer(id="E2", name="Groenbedrijf Noord", sector="Groen", postcode="9723"),
    ]
    vacancies = [
        Vacancy(
            id="V1",
            employer_id="E1",
            title="Hulpbakker",
            esco_occupation_uri=BAKER,
            postcode="9712AB",
            required_skills=["deeg kneden"],
            shift_start="05:30",
            shift_end="13:00",
            placement_type="werkervaringsplek",
            hours_min=24,
            hours_max=32,
        ),
        Vacancy(id="V2", employer_id="E1", title="Verkoper bakkerij", postcode="9712"),
        Vacancy(id="V3", employer_id="E2", title="Hovenier", postcode="9723", sector="Groen"),
    ]
    candidates = [
        Candidate(
            id="K001",
            postcode="9713CD",
            education_level="mbo2",
            skills=["deeg kneden", "klantvriendelijk"],
            work_history=[{"title": "bakker", "isco": "7512", "years": 2.5}],
            desired_occupations=["bakker"],
            languages=[{"language": "ar", "level": "native"}, {"language": "nl", "level": "A2"}],
            transport_modes=["fiets"],
            participation_rung=4,
            restrictions=["no_heavy_lifting"],
            barriers=["debts"],
            protected={
                "birth_year": int(SECRET_BIRTH_YEAR),
                "gender": "female",
                "nationality": SECRET_NATIONALITY,
                "migration_background": SECRET_MIGRATION,
            },
        ),
        Candidate(id="K002", postcode="9714", education_level="onbekend", skills=[]),
    ]
    candidates += [
        Candidate(id=f"X{n:03d}", postcode="9715", skills=["schoonmaken"], education_level="vmbo")
        for n in range(EXTRA_CANDIDATES)
    ]
    outcomes = [
        Outcome(candidate_id="K001", vacancy_id="V1", status="proposed", at="2024-03-01"),
        Outcome(candidate_id="K001", vacancy_id="V1", status="hired", at="2024-04-01"),
        Outcome(candidate_id="K002", vacancy_id="V3", status="rejected", at="2024-05-01"),
    ]
    return {"employers": employers, "vacancies": vacancies, "candidates": candidates,
            "outcomes": outcomes}  # fmt: skip


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings whose database (tests/conftest.py: SQLite in tmp_path, or a PostgreSQL test
    database) holds the records above."""
    settings = Settings(database_url=database_url, data_dir=tmp_path)
    with open_store(settings) as store:
        for kind, records in _records().items():
            store.upsert(kind, records)
    return settings


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


COUNTS = {"candidates": 2 + EXTRA_CANDIDATES, "vacancies": 3, "employers": 2, "outcomes": 3}


# -- health -----------------------------------------------------------------------------------


def test_health_reports_database_counts_and_taxonomy(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["counts"] == COUNTS
    assert body["taxonomy"] == "ESCO v1.2.0"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", body["version"])


def test_health_is_503_with_the_same_shape_when_the_database_fails(
    client: TestClient, tmp_path: Path
) -> None:
    # A database file in a directory that does not exist cannot even be opened.
    broken = Store(create_engine(f"sqlite:///{tmp_path}/no/such/dir/t.db"))
    client.app.state.store = broken  # type: ignore[attr-defined]
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert set(body) == {"status", "database", "counts", "taxonomy", "version", "encoder", "today"}
    assert body["database"] == "error"
    assert body["status"] == "error"
    assert "no/such" not in response.text


# -- JSON API ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "first_id"), [("candidates", "K001"), ("vacancies", "V1"), ("employers", "E1")]
)
def test_api_lists_a_page_with_the_total(client: TestClient, kind: str, first_id: str) -> None:
    body = client.get(f"/api/{kind}", params={"limit": 2}).json()
    assert body["total"] == COUNTS[kind]
    assert body["offset"] == 0
    assert body["limit"] == 2
    assert body["items"][0]["id"] == first_id
    assert len(body["items"]) == 2


def test_api_pages_follow_each_other_without_gaps(client: TestClient) -> None:
    seen: list[str] = []
    offset = 0
    while True:
        body = client.get("/api/candidates", params={"offset": offset, "limit": 20}).json()
        if not body["items"]:
            break
        seen += [item["id"] for item in body["items"]]
        offset += 20
    assert len(seen) == COUNTS["candidates"]
    assert seen == sorted(seen)
    assert len(set(seen)) == len(seen)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 201}, "limit"), ({"limit": 0}, "limit"), ({"offset": -1}, "offset"),
     ({"limit": "many"}, "limit")],
)  # fmt: skip
def test_api_rejects_bad_paging_with_the_error_shape(
    client: TestClient, params: dict, field: str
) -> None:
    response = client.get("/api/candidates", params=params)
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"status", "code", "message", "field"}
    assert body["status"] == 422
    assert body["code"] == "validation_error"
    assert body["field"] == field


def test_api_limit_of_200_is_allowed(client: TestClient) -> None:
    body = client.get("/api/candidates", params={"limit": 200}).json()
    assert len(body["items"]) == COUNTS["candidates"]


def test_api_gets_one_record(client: TestClient) -> None:
    vacancy = client.get("/api/vacancies/V1").json()
    assert vacancy["title"] == "Hulpbakker"
    assert vacancy["employer_id"] == "E1"
    assert vacancy["shift_start"] == "05:30:00"
    assert vacancy["placement_type"] == "work_experience"
    employer = client.get("/api/employers/E2").json()
    assert employer["name"] == "Groenbedrijf Noord"
    candidate = client.get("/api/candidates/K001").json()
    assert candidate["skills"] == ["deeg kneden", "klantvriendelijk"]
    assert candidate["education_level"] == "mbo2"


@pytest.mark.parametrize("kind", ["candidates", "vacancies", "employers"])
def test_api_unknown_id_is_404_with_the_error_shape(client: TestClient, kind: str) -> None:
    response = client.get(f"/api/{kind}/NOPE-42")
    assert response.status_code == 404
    body = response.json()
    assert body == {
        "status": 404,
        "code": "not_found",
        "message": body["message"],
        "field": None,
    }
    assert "NOPE-42" in body["message"]


def test_api_unknown_path_is_404_with_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_outcomes_filter_by_candidate_and_vacancy(client: TestClient) -> None:
    by_candidate = client.get("/api/outcomes", params={"candidate_id": "K001"}).json()
    assert [o["status"] for o in by_candidate["items"]] == ["proposed", "hired"]
    assert by_candidate["total"] == 2
    by_vacancy = client.get("/api/outcomes", params={"vacancy_id": "V3"}).json()
    assert [(o["candidate_id"], o["status"]) for o in by_vacancy["items"]] == [("K002", "rejected")]
    both = client.get("/api/outcomes", params={"candidate_id": "K002", "vacancy_id": "V1"}).json()
    assert both["items"] == []
    everything = client.get("/api/outcomes").json()
    assert everything["total"] == 3


def test_api_outcomes_of_an_unknown_candidate_is_404(client: TestClient) -> None:
    response = client.get("/api/outcomes", params={"candidate_id": "NOPE"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_openapi_documents_the_api_without_protected_fields(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert {"/health", "/api/candidates", "/api/candidates/{record_id}", "/api/outcomes"} <= set(
        schema["paths"]
    )
    candidate_fields = set(schema["components"]["schemas"]["CandidateOut"]["properties"])
    assert "skills" in candidate_fields
    assert "protected" not in candidate_fields
    assert "barriers" not in candidate_fields
    assert not any(path.startswith("/kandidaten") for path in schema["paths"])


# -- protected attributes ---------------------------------------------------------------------


def _every_response(client: TestClient) -> Iterator[tuple[str, str]]:
    urls = [
        "/health",
        "/api/candidates?limit=200",
        "/api/candidates/K001",
        "/api/outcomes?candidate_id=K001",
        "/api/outcomes",
        "/",
        "/kandidaten",
        "/kandidaten/K001",
        "/vacatures/V1",
        "/werkgevers/E1",
        "/openapi.json",
    ]
    for url in urls:
        for lang in ("nl", "en"):
            separator = "&" if "?" in url else "?"
            response = client.get(f"{url}{separator}lang={lang}")
            assert response.status_code == 200, url
            yield url, response.text


def test_no_response_contains_protected_attributes_or_barriers(client: TestClient) -> None:
    # The store holds them: the test would be empty if they had never been stored.
    with open_store(client.app.state.settings) as store:  # type: ignore[attr-defined]
        stored = store.protected_attributes(["K001"])["K001"]
    assert stored.nationality == SECRET_NATIONALITY
    for url, text in _every_response(client):
        assert SECRET_NATIONALITY not in text, url
        assert SECRET_BIRTH_YEAR not in text, url
        assert SECRET_MIGRATION not in text, url
        assert '"gender"' not in text, url
    candidate = client.get("/api/candidates/K001").json()
    assert "protected" not in candidate
    assert "barriers" not in candidate
    page = client.get("/kandidaten/K001?lang=nl").text
    assert "schulden" not in page
    assert "vrouw" not in page


# -- pages ------------------------------------------------------------------------------------


def _number(html: str, kind: str) -> int:
    found = re.search(rf'data-kind="{kind}">(\d+)<', html)
    assert found, kind
    return int(found.group(1))


@pytest.mark.parametrize(
    ("lang", "words"),
    [("nl", ["kandidaten", "vacatures", "werkgevers", "uitkomsten"]),
     ("en", ["candidates", "vacancies", "employers", "outcomes"])],
)  # fmt: skip
def test_home_shows_the_counts_and_taxonomy(
    client: TestClient, lang: str, words: list[str]
) -> None:
    response = client.get("/", params={"lang": lang})
    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{lang}">' in html
    for kind, word in zip(COUNTS, words, strict=True):
        assert _number(html, kind) == COUNTS[kind]
        assert word in html
    assert "ESCO v1.2.0" in html


def test_pages_are_dutch_by_default(client: TestClient) -> None:
    html = client.get("/kandidaten").text
    assert '<html lang="nl">' in html
    assert "Opleidingsniveau" in html
    assert "Education level" not in html


def test_lang_parameter_sets_a_cookie_that_later_pages_follow(client: TestClient) -> None:
    response = client.get("/vacatures", params={"lang": "en"})
    assert "werkmatch_lang=en" in response.headers["set-cookie"]
    follow = client.get("/werkgevers")
    assert '<html lang="en">' in follow.text
    assert "Employers" in follow.text
    back = client.get("/werkgevers", params={"lang": "nl"})
    assert '<html lang="nl">' in back.text
    assert '<html lang="nl">' in client.get("/").text


def test_unknown_lang_falls_back_to_dutch(client: TestClient) -> None:
    response = client.get("/", params={"lang": "xx"})
    assert response.status_code == 200
    assert '<html lang="nl">' in response.text
    assert "set-cookie" not in response.headers


def test_candidate_list_shows_pc4_level_rung_and_skill_count(client: TestClient) -> None:
    html = client.get("/kandidaten?lang=nl").text
    row = re.search(r'<a href="/kandidaten/K001">K001</a></th>(.*?)</tr>', html, re.S)
    assert row
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert [c.strip() for c in cells] == ["9713", "mbo-2", "trede 4: onbetaald werk", "2"]
    assert "9713CD" not in html


def test_candidate_list_is_paginated(client: TestClient) -> None:
    first = client.get("/kandidaten?lang=nl").text
    assert first.count('<a href="/kandidaten/') == PAGE_SIZE
    assert "Pagina 1 van 2" in first
    assert 'href="/kandidaten?page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    second = client.get("/kandidaten?page=2").text
    assert second.count('<a href="/kandidaten/') == COUNTS["candidates"] - PAGE_SIZE
    assert "Pagina 2 van 2" in second
    assert 'href="/kandidaten?page=1" rel="prev"' in second
    assert 'rel="next"' not in second


def test_a_bad_page_number_is_a_422_page(client: TestClient) -> None:
    response = client.get("/kandidaten?page=0&lang=en")
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]
    assert "The input is not valid." in response.text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_candidate_profile(client: TestClient, lang: str) -> None:
    html = client.get(f"/kandidaten/K001?lang={lang}").text
    expected = {
        "nl": ["Vaardigheden", "deeg kneden", "Werkervaring", "bakker", "2,5", "Arabisch", "fiets",
               "geen zwaar tillen", "trede 4", "Doelgroepregister", "mbo-2", "45 minuten"],
        "en": ["Skills", "deeg kneden", "Work history", "bakker", "2.5", "Arabic", "bicycle",
               "no heavy lifting", "rung 4", "Target-group register", "mbo level 2",
               "45 minutes"],
    }[lang]  # fmt: skip
    for text in expected:
        assert text in html, text
    assert 'role="note"' not in html  # complete profile: no warning


def test_incomplete_profile_is_flagged(client: TestClient) -> None:
    html = client.get("/kandidaten/K002?lang=nl").text
    warning = re.search(r'role="note">(.*?)</div>', html, re.S)
    assert warning
    assert "opleidingsniveau is onbekend" in warning.group(1)
    assert "geen vaardigheden" in warning.group(1)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_vacancy_page_shows_fields_and_links_the_employer(client: TestClient, lang: str) -> None:
    html = client.get(f"/vacatures/V1?lang={lang}").text
    assert "Hulpbakker" in html
    assert '<a href="/werkgevers/E1">Bakkerij De Korf</a>' in html
    assert "05:30–13:00" in html
    assert {"nl": "werkervaringsplek", "en": "work-experience place"}[lang] in html
    assert {"nl": "24 tot 32 uur", "en": "24 to 32 hours"}[lang] in html
    # From the taxonomy: the occupation's label, its ISCO-08 unit group and skill level.
    assert {"nl": "<dd>bakker</dd>", "en": "<dd>baker</dd>"}[lang] in html
    unit = {"nl": "7512 Bakkers en banketbakkers",
            "en": "7512 Bakers, pastry-cooks and confectionery makers"}[lang]  # fmt: skip
    assert f"<dd>{unit}</dd>" in html
    assert re.search(r"(Beroepsniveau|Skill level)[^<]*</dt><dd>2</dd>", html)


def test_vacancy_list(client: TestClient) -> None:
    html = client.get("/vacatures?lang=en").text
    assert [m for m in re.findall(r'href="/vacatures/([^"]+)"', html)] == ["V1", "V2", "V3"]
    assert "Vacancies" in html


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_employer_page_lists_only_its_own_vacancies(client: TestClient, lang: str) -> None:
    html = client.get(f"/werkgevers/E1?lang={lang}").text
    assert "Bakkerij De Korf" in html
    assert re.findall(r'href="/vacatures/([^"]+)"', html) == ["V1", "V2"]
    other = client.get(f"/werkgevers/E2?lang={lang}").text
    assert re.findall(r'href="/vacatures/([^"]+)"', other) == ["V3"]


def test_employer_list(client: TestClient) -> None:
    html = client.get("/werkgevers?lang=nl").text
    assert re.findall(r'href="/werkgevers/([^"]+)"', html) == ["E1", "E2"]
    assert "Groenbedrijf Noord" in html


@pytest.mark.parametrize(
    ("path", "lang", "text"),
    [("/kandidaten/NOPE", "nl", "bestaat niet"), ("/vacatures/NOPE", "en", "does not exist"),
     ("/werkgevers/NOPE", "nl", "bestaat niet"), ("/geen-pagina", "en", "does not exist")],
)  # fmt: skip
def test_unknown_page_is_a_404_page(client: TestClient, path: str, lang: str, text: str) -> None:
    response = client.get(path, params={"lang": lang})
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert f'<html lang="{lang}">' in response.text
    assert text in response.text


def test_matches_show_on_candidate_and_vacancy_pages_only(client: TestClient) -> None:
    # details in tests/service/test_matching_pages.py
    for path in ("/kandidaten/K001", "/vacatures/V1"):
        assert "Uitgesloten door een harde eis" in client.get(path, params={"lang": "nl"}).text
    assert "Uitgesloten" not in client.get("/werkgevers/E1", params={"lang": "nl"}).text


def test_stylesheet_is_served(client: TestClient) -> None:
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert ":focus-visible" in response.text


# -- errors -----------------------------------------------------------------------------------


def test_unexpected_errors_are_500_without_details(app: FastAPI) -> None:
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/api/boom", boom)
    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/boom")
        assert response.status_code == 500
        assert response.json() == {
            "status": 500,
            "code": "internal_error",
            "message": response.json()["message"],
            "field": None,
        }
        assert "secret" not in response.text
        page = client.get("/boom")
        assert page.status_code == 500
        assert "secret" not in page.text
        assert "Traceback" not in page.text


@pytest.mark.parametrize(
    ("error", "status", "code", "field"),
    [
        (UnknownEntityError("unknown candidate 'K9'"), 404, "not_found", None),
        (
            InvalidRecordError("K1", [FieldProblem("postcode", "not a postcode"),
                                      FieldProblem("hours_min", "too many")]),
            422, "invalid_record", "postcode",
        ),
        (UnusableFileError("no header"), 400, "unusable_file", None),
        (WerkmatchError("refused"), 400, "bad_request", None),
    ],
)  # fmt: skip
def test_domain_errors_map_to_status_codes(
    error: Exception, status: int, code: str, field: str | None
) -> None:
    body = error_body(error)
    assert (body.status, body.code, body.field) == (status, code, field)
    assert body.message == str(error)


# -- translations -----------------------------------------------------------------------------


def test_every_label_has_both_languages() -> None:
    for key, (nl, en) in LABELS.items():
        assert nl.strip() and en.strip(), key


def test_every_vocabulary_value_is_translated() -> None:
    for vocabulary in TRANSLATED_VOCABULARIES:
        for member in vocabulary:
            assert (vocabulary.__name__, member.value) in TERMS, member


def test_every_label_used_in_a_template_exists() -> None:
    templates = Path(__file__).parents[2] / "service" / "web" / "templates"
    used = set()
    for template in templates.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""", template.read_text()))
    assert used, "no labels found: the pattern is wrong"
    assert used - set(LABELS) == set()
    # Built in the templates from a number: one label per rung of the participatieladder.
    assert {f"rung.{n}" for n in range(1, 7)} <= set(LABELS)
