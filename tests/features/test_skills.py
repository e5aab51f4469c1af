"""Skill normalisation: each method on constructed inputs, and nothing is ever dropped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from features.embedding import HashingEncoder
from features.skills import METHODS, SkillMatch, SkillNormaliser
from features.taxonomy import Skill, Taxonomy, load_taxonomy

SKILL = "http://data.europa.eu/esco/skill/"
FORKLIFT = SKILL + "forklift"
DUTCH = SKILL + "dutch"
CLEAN = SKILL + "clean"
EXCEL = SKILL + "excel"
WELD = SKILL + "weld"
TEAM_A = SKILL + "team-a"
TEAM_B = SKILL + "team-b"


def _skill(
    uri: str, en: str, nl: str | None, alt_en: Sequence[str] = (), alt_nl: Sequence[str] = ()
) -> Skill:
    return Skill(uri, en, nl, tuple(alt_en), tuple(alt_nl), "skill/competence", "cross-sector")


def tiny_taxonomy() -> Taxonomy:
    return Taxonomy(
        [],
        [
            _skill(
                FORKLIFT,
                "operate forklift",
                "heftruck besturen",
                ["drive a forklift"],
                ["vorkheftruck besturen"],
            ),
            _skill(DUTCH, "speak Dutch", "Nederlands spreken", [], ["mondeling Nederlands"]),
            _skill(CLEAN, "clean surfaces", "oppervlakken reinigen", [], ["schoonmaken"]),
            _skill(EXCEL, "use spreadsheets software", None, ["Excel"]),  # English only
            _skill(WELD, "use welding equipment", "lasapparatuur gebruiken"),
            _skill(TEAM_A, "work in teams", "in teams werken", [], ["samenwerken"]),
            _skill(
                TEAM_B,
                "collaborate with colleagues",
                "samenwerken met collega's",
                [],
                ["samenwerken"],
            ),
        ],
        version="tiny",
    )


class TableEncoder:
    """A fake 'semantic' encoder: texts sharing a concept get the same one-hot vector."""

    CONCEPTS: ClassVar[dict[str, int]] = {
        "lassen met een lasapparaat": 0,
        "use welding equipment": 0,
        "lasapparatuur gebruiken": 0,
    }

    def __init__(self) -> None:
        self.identity = "table-encoder"
        self.calls: list[list[str]] = []

    @property
    def dim(self) -> int:
        return 8

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            concept = self.CONCEPTS.get(text.lower())
            if concept is not None:  # unknown texts: the zero vector, similar to nothing
                out[row, concept] = 1.0
        return out


# cosine 1 with margin 1 gives sigmoid(10 + 5 - 8) = 0.99909; cosine 0 gives sigmoid(-8)
CALIBRATION = (10.0, 5.0, -8.0)


@pytest.fixture(scope="module")
def plain() -> SkillNormaliser:
    return SkillNormaliser(tiny_taxonomy())


def test_uri_method(plain: SkillNormaliser) -> None:
    assert plain.normalise(f"  {FORKLIFT} ") == SkillMatch(
        f"  {FORKLIFT} ", FORKLIFT, "heftruck besturen", 1.0, "uri"
    )
    unknown = plain.normalise(SKILL + "does-not-exist")
    assert unknown.method == "none" and unknown.uri is None


@pytest.mark.parametrize(
    ("text", "uri", "confidence"),
    [
        ("Heftruck besturen", FORKLIFT, 1.0),  # Dutch preferred label, other case
        ("operate forklift!", FORKLIFT, 1.0),  # English preferred label, punctuation
        ("vorkheftruck besturen", FORKLIFT, 0.95),  # Dutch alternative label
        ("excel", EXCEL, 0.95),  # English alternative; label falls back to English
        ("samenwerken", TEAM_A, 0.9),  # alternative label of two skills: first, less sure
    ],
)
def test_exact_method(plain: SkillNormaliser, text: str, uri: str, confidence: float) -> None:
    match = plain.normalise(text)
    assert (match.method, match.uri, match.confidence) == ("exact", uri, confidence)
    assert match.text == text


def test_exact_label_is_dutch_where_available(plain: SkillNormaliser) -> None:
    assert plain.normalise("speak Dutch").label == "Nederlands spreken"
    assert plain.normalise("Excel").label == "use spreadsheets software"


@pytest.mark.parametrize(
    ("text", "uri"),
    [
        ("heftruck bestuuren", FORKLIFT),  # typo
        ("Nederlnds spreken", DUTCH),
        ("reinigen oppervlakken", CLEAN),  # word order
    ],
)
def test_fuzzy_method(plain: SkillNormaliser, text: str, uri: str) -> None:
    match = plain.normalise(text)
    assert (match.method, match.uri) == ("fuzzy", uri)
    assert 0.88 * 0.9 <= match.confidence <= 0.9  # always below an exact match


def test_fuzzy_cutoff_is_respected() -> None:
    strict = SkillNormaliser(tiny_taxonomy(), fuzzy_cutoff=99.0)
    assert strict.normalise("heftruck bestuuren").method == "none"


@pytest.mark.parametrize("text", ["zie cv", "n.v.t.", "", "   ", "!!!", "ok"])
def test_unmatched_text_is_kept_with_method_none(plain: SkillNormaliser, text: str) -> None:
    assert plain.normalise(text) == SkillMatch(text, None, None, 0.0, "none")


def test_semantic_method_with_an_encoder() -> None:
    encoder = TableEncoder()
    normaliser = SkillNormaliser(tiny_taxonomy(), encoder, calibration=CALIBRATION)
    labels_call = encoder.calls[0]
    assert "lasapparatuur gebruiken" in labels_call  # labels embedded once, lower case
    matches = normaliser.normalise_many(
        [
            "lassen met een lasapparaat",
            "gezellig",
            "heftruck besturen",
            "lassen met een lasapparaat",
        ]
    )
    assert [m.method for m in matches] == ["semantic", "none", "exact", "semantic"]
    assert matches[0].uri == WELD and matches[0].label == "lasapparatuur gebruiken"
    assert matches[0].confidence >= 0.8
    assert matches[1] == SkillMatch("gezellig", None, None, 0.0, "none")
    # one batch for the texts that needed the model, each distinct text once
    assert encoder.calls[1:] == [["lassen met een lasapparaat", "gezellig"]]
    normaliser.normalise("gezellig")
    assert len(encoder.calls) == 2  # memoised


def test_semantic_cutoff_is_respected() -> None:
    normaliser = SkillNormaliser(
        tiny_taxonomy(), TableEncoder(), calibration=CALIBRATION, semantic_cutoff=0.9995
    )
    assert normaliser.normalise("lassen met een lasapparaat").method == "none"


def test_unknown_encoder_without_calibration_skips_semantic() -> None:
    encoder = TableEncoder()
    normaliser = SkillNormaliser(tiny_taxonomy(), encoder)
    assert normaliser.normalise("lassen met een lasapparaat").method == "none"
    assert encoder.calls == []  # nothing embedded at all


def test_cutoffs_are_validated() -> None:
    with pytest.raises(ValueError, match="fuzzy_cutoff"):
        SkillNormaliser(tiny_taxonomy(), fuzzy_cutoff=120)
    with pytest.raises(ValueError, match="semantic_cutoff"):
        SkillNormaliser(tiny_taxonomy(), semantic_cutoff=-0.1)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_a_well_formed_match(text: str) -> None:
    normaliser = _HASHING
    match = normaliser.normalise(text)
    assert match.text == text
    assert match.method in METHODS
    assert 0.0 <= match.confidence <= 1.0
    assert (match.uri is None) == (match.method == "none") == (match.label is None)


_HASHING = SkillNormaliser(tiny_taxonomy(), HashingEncoder(dim=64), calibration=CALIBRATION)


def test_real_taxonomy_dutch_and_english() -> None:
    normaliser = SkillNormaliser(load_taxonomy())
    dutch = normaliser.normalise("toxicologische onderzoeken uitvoeren")
    english = normaliser.normalise("perform toxicological studies")
    typo = normaliser.normalise("toxicologische onderzoekn uitvoeren")
    assert dutch.uri == english.uri == typo.uri
    assert (dutch.method, english.method, typo.method) == ("exact", "exact", "fuzzy")
    assert normaliser.normalise("zie cv").method == "none"
