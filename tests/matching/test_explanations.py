"""Explanations: the golden shape of the data the API and web pages show, plain texts in Dutch
and English, and the knock-out summary.

The golden file ``tests/data/golden/explanation.json`` is the explanation of the best candidate
for the warehouse vacancy of the mini world. The test holds the *shape* (every key, type and
list length) and the values that do not depend on the encoder. After a deliberate change of the
shape, rewrite it with ``python tests/matching/test_explanations.py`` and review the diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from matching.explanations import describe_exclusions
from matching.matcher import Matcher
from matching.results import Exclusions

GOLDEN = Path(__file__).parents[1] / "data" / "golden" / "explanation.json"
STABLE_FIELDS = ("matched_skills", "missing_skills", "travel", "education", "level_fit", "notes")


def shape(value: Any) -> Any:
    """Keys, types and list lengths of JSON data, without the values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def best_explanation(matcher: Matcher) -> dict[str, Any]:
    return matcher.shortlist("V-MAG", top_k=1).matches[0].explanation.to_dict()


def test_golden_shape(matcher: Matcher) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    explanation = best_explanation(matcher)
    assert json.loads(json.dumps(explanation)) == explanation  # plain JSON data
    assert shape(explanation) == shape(golden)
    for field in STABLE_FIELDS:
        assert explanation[field] == golden[field], field
    for ours, theirs in zip(explanation["contributions"], golden["contributions"], strict=True):
        for key in ("factor", "label_nl", "label_en", "weight"):
            assert ours[key] == theirs[key]


def test_contributions_add_up_to_the_score(matcher: Matcher) -> None:
    for vacancy in matcher.open_vacancy_ids():
        for match in matcher.shortlist(vacancy, top_k=20).matches:
            total = sum(c.contribution for c in match.explanation.contributions)
            assert total == match.score


def test_plain_texts(matcher: Matcher) -> None:
    explanation = matcher.shortlist("V-MAG", top_k=1).matches[0].explanation
    assert explanation.text_nl.startswith("Score 0,")
    assert "Heeft 2 van de 2 gevraagde vaardigheden." in explanation.text_nl
    assert "Werkte als magazijnmedewerker (zelfde beroep)." in explanation.text_nl
    assert "Opleiding: voldoet." in explanation.text_nl
    assert "Has 2 of the 2 required skills." in explanation.text_en
    assert "Worked as magazijnmedewerker (same occupation)." in explanation.text_en
    # B1 Dutch: short sentences
    sentences = [s for s in explanation.text_nl.split(". ") if s]
    assert max(len(s.split()) for s in sentences) <= 15


def test_missing_skills_and_unknowns(matcher: Matcher) -> None:
    explanation = matcher.assess("C-03", "V-MAG").explanation
    assert explanation is not None
    assert explanation.education == "unknown"
    assert {"education_unknown", "dutch_level_unknown"} <= set(explanation.notes)
    assert "Opleiding: onbekend." in explanation.text_nl
    matched = {e.requirement for e in explanation.matched_skills}
    assert set(explanation.missing_skills) | matched >= {"orders verzamelen", "heftruck besturen"}
    assert not set(explanation.missing_skills) & matched


def test_describe_exclusions() -> None:
    excluded = Exclusions(total=3, by_reason={"travel": 2, "licence": 1, "hours": 0})
    assert describe_exclusions(excluded) == (
        "Niet op de lijst door een harde eis: 3 (rijbewijs ontbreekt: 1; reistijd te lang: 2)."
    )
    assert describe_exclusions(excluded, language="en") == (
        "Excluded by a hard requirement: 3 (driving licence missing: 1; travel time too long: 2)."
    )
    assert describe_exclusions(Exclusions(0, {})) == "Niemand viel af door een harde eis."


if __name__ == "__main__":  # rewrite the golden file
    sys.path.insert(0, str(Path(__file__).parents[2]))
    from features.embedding import HashingEncoder
    from features.postcodes import load_postcodes
    from tests.matching import mini_world as world

    built = Matcher.build(
        candidates=world.make_candidates(),
        vacancies=world.make_vacancies(),
        employers=world.make_employers(),
        outcomes=world.make_outcomes(),
        taxonomy=world.make_taxonomy(),
        postcodes=load_postcodes(),
        encoder=HashingEncoder(),
        today=world.TODAY,
    )
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(
        json.dumps(best_explanation(built), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {GOLDEN}")
