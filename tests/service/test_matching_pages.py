"""Matches on the web pages: a vacancy's shortlist, a candidate's vacancies, employers and paths."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from features.embedding import HashingEncoder
from service.app import create_app
from service.engine import MatchingEngine
from service.presenting import exclusion_summary
from tests.service import matching_world as mw


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = mw.fill(tmp_path_factory.mktemp("matching-pages"))
    return create_app(settings, encoder=HashingEncoder())


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def engine(app: FastAPI, client: TestClient) -> MatchingEngine:
    return app.state.engine  # type: ignore[no-any-return]


def _text(page: str) -> str:
    """The page's text with tags removed and entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _vacancy_with_matches(engine: MatchingEngine) -> str:
    for vacancy_id in mw.world().open_vacancy_ids():
        shortlist = engine.shortlist(vacancy_id, top_k=10)
        if len(shortlist.matches) >= 3 and shortlist.excluded.total:
            return vacancy_id
    raise AssertionError("no open vacancy with matches and knock-outs")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_vacancy_page_shows_the_shortlist_explained(
    client: TestClient, engine: MatchingEngine, lang: str
) -> None:
    vacancy_id = _vacancy_with_matches(engine)
    shortlist = engine.shortlist(vacancy_id, top_k=10)
    response = client.get(f"/vacatures/{vacancy_id}", params={"lang": lang})
    assert response.status_code == 200
    page = response.text
    text = _text(page)
    # the knock-out summary line, e.g. "42 uitgesloten: 30 reistijd, 12 rijbewijs"
    summary = exclusion_summary(shortlist.excluded, lang)
    assert re.match(r"\d+ (uitgesloten|excluded): ", summary)
    assert summary in text
    # every match in rank order, with its plain-language explanation
    positions = []
    for match in shortlist.matches:
        sentence = match.explanation.text_en if lang == "en" else match.explanation.text_nl
        assert re.sub(r"\s+", " ", sentence) in text
        positions.append(page.index(f'href="/kandidaten/{match.candidate_id}"'))
    assert positions == sorted(positions)
    # a score bar per match, described in words (not colour only), and its legend
    assert page.count('class="scorebar" role="img"') == len(shortlist.matches)
    legend = "Vaardigheden" if lang == "nl" else "Skills"
    assert page.count(f"{legend}: ") >= len(shortlist.matches)
    first = shortlist.matches[0]
    score = f"{first.score:.2f}"
    assert (score.replace(".", ",") if lang == "nl" else score) in text


def test_vacancy_page_names_matched_and_missing_skills_and_travel(
    client: TestClient, engine: MatchingEngine
) -> None:
    for vacancy_id in mw.world().open_vacancy_ids():
        shortlist = engine.shortlist(vacancy_id, top_k=10)
        with_skills = [m for m in shortlist.matches if m.explanation.matched_skills]
        with_missing = [m for m in shortlist.matches if m.explanation.missing_skills]
        if with_skills and with_missing:
            break
    else:
        raise AssertionError("no shortlist with both matched and missing skills")
    text = _text(client.get(f"/vacatures/{vacancy_id}", params={"lang": "nl"}).text)
    evidence = with_skills[0].explanation.matched_skills[0]
    assert "Gevonden vaardigheden" in text
    assert evidence.requirement in text
    assert "Ontbrekende vereiste vaardigheden" in text
    assert with_missing[0].explanation.missing_skills[0] in text
    travel = with_skills[0].explanation.travel
    if travel.minutes is not None:
        assert f"{round(travel.minutes)} min" in text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pages_say_which_date_is_today(client: TestClient, lang: str) -> None:
    text = _text(client.get("/", params={"lang": lang}).text)
    if lang == "nl":
        assert "Demodata: datum van vandaag is 5 januari 2026." in text
    else:
        assert "Demo data: today's date is 5 January 2026." in text


def test_candidate_page_shows_vacancies_employers_and_paths(
    client: TestClient, engine: MatchingEngine
) -> None:
    for candidate in mw.world().candidates[1:]:
        recommended = engine.recommend(candidate.id, top_k=10)
        employers = engine.employers(candidate.id, top_k=5)
        paths = engine.career_paths(candidate.id, top_k=5)
        if recommended.matches and employers and paths:
            break
    else:
        raise AssertionError("no candidate with recommendations, employers and paths")
    for lang in ("nl", "en"):
        text = _text(client.get(f"/kandidaten/{candidate.id}", params={"lang": lang}).text)
        assert exclusion_summary(recommended.excluded, lang) in text
        for match in recommended.matches:
            assert match.title in text
            sentence = match.explanation.text_en if lang == "en" else match.explanation.text_nl
            assert re.sub(r"\s+", " ", sentence) in text
        for suggestion in employers:
            assert suggestion.name in text
            reasons = suggestion.reasons_en if lang == "en" else suggestion.reasons_nl
            assert reasons[0] in text
        assert ("Loopbaanpaden" if lang == "nl" else "Career paths") in text
        for path in paths:
            for skill in path.missing_skills[:3]:
                assert skill in text
        assert ("Nog te leren" if lang == "nl" else "Still to learn") in text


def test_unknown_vacancy_page_is_404(client: TestClient) -> None:
    response = client.get("/vacatures/NO-SUCH")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]


def test_no_page_shows_a_protected_value(client: TestClient, engine: MatchingEngine) -> None:
    planted = mw.world().planted.id
    pages = [f"/kandidaten/{planted}"]
    shown_on_a_shortlist = False
    for vacancy_id in mw.world().open_vacancy_ids():
        if any(m.candidate_id == planted for m in engine.shortlist(vacancy_id).matches):
            pages.append(f"/vacatures/{vacancy_id}")
            shown_on_a_shortlist = True
            break
    pages += [f"/vacatures/{v}" for v in mw.world().open_vacancy_ids()[:5]]
    for path in pages:
        for lang in ("nl", "en"):
            text = client.get(path, params={"lang": lang}).text
            for secret in mw.SECRET_VALUES:
                assert secret not in text, (path, secret)
    assert shown_on_a_shortlist or len(pages) > 1
