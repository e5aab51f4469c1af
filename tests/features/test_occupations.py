"""Occupation linking on a tiny known taxonomy, plus a few known answers from the real one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from features._text import fold, normalise_title, strip_gender
from features.embedding import HashingEncoder
from features.occupations import (
    HYBRID_WEIGHTS,
    LEXICAL_WEIGHTS,
    OccupationLinker,
    OccupationMatch,
    _label_variants,
)
from features.taxonomy import Occupation, Taxonomy, load_taxonomy

OCC = "http://data.europa.eu/esco/occupation/"
FORKLIFT = OCC + "forklift"
CLEANER = OCC + "cleaner"
SHOEMAKER = OCC + "shoemaker"
PICKER = OCC + "picker"
HOME_CARE = OCC + "home-care"
TRUCK = OCC + "truck"
WAITER = OCC + "waiter"


def _occ(
    uri: str, nl: str, en: str, alt_nl: Sequence[str] = (), alt_en: Sequence[str] = ()
) -> Occupation:
    return Occupation(uri, "9999", nl, en, tuple(alt_nl), tuple(alt_en), "", "")


def tiny_taxonomy() -> Taxonomy:
    return Taxonomy(
        [
            _occ(
                FORKLIFT,
                "heftruckchauffeur",
                "forklift operator",
                ["vorkheftruckbestuurder", "reachtruckchauffeur"],
                ["forklift driver"],
            ),
            _occ(
                CLEANER,
                "schoonmaker gebouwen",
                "building cleaner",
                ["schoonmaakmedewerker", "schoonmaakster", "poetsvrouw"],
                ["office cleaner"],
            ),
            _occ(SHOEMAKER, "schoenmaker", "shoemaker", ["schoenhersteller"]),
            _occ(PICKER, "orderpicker", "warehouse order picker", ["orderverzamelaar"]),
            _occ(
                HOME_CARE,
                "thuiszorgmedewerker",
                "home care aide",
                ["verzorgende IG", "verzorgende thuiszorg"],
                ["home carer"],
            ),
            _occ(TRUCK, "vrachtwagenchauffeur", "cargo vehicle driver", ["vrachtwagenbestuurder"]),
            _occ(WAITER, "ober/serveerster", "waiter/waitress", ["bedieningsmedewerker"]),
        ],
        [],
        version="tiny",
    )


@pytest.fixture(scope="module")
def lexical() -> OccupationLinker:
    return OccupationLinker(tiny_taxonomy())


@pytest.fixture(scope="module")
def hybrid() -> OccupationLinker:
    # the hashing encoder with the hybrid weights exercises the semantic path end to end
    return OccupationLinker(tiny_taxonomy(), HashingEncoder(dim=128), weights=HYBRID_WEIGHTS)


@pytest.mark.parametrize("linker_name", ["lexical", "hybrid"])
@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("heftruckchaufeur", FORKLIFT),  # typo
        ("Heftruck chauffeur (m/v)", FORKLIFT),  # space, capital, gender marker
        ("orderpikker", PICKER),  # Dutch sound-alike typo
        ("verzorgende IG", HOME_CARE),  # exact alternative label
        ("schoonmaakmedewerkster", CLEANER),  # feminine form of an alternative label
        ("vrachtwagen chauffeur", TRUCK),
        ("serveerster", WAITER),  # half of a "ober/serveerster" label
        ("forklift driver", FORKLIFT),  # English alternative label
    ],
)
def test_links_title_to_the_right_occupation(
    linker_name: str, title: str, expected: str, request: pytest.FixtureRequest
) -> None:
    linker: OccupationLinker = request.getfixturevalue(linker_name)
    matches = linker.link(title, top=3)
    assert matches[0].uri == expected


def test_schoonmaker_is_not_schoenmaker(lexical: OccupationLinker) -> None:
    assert lexical.link("schoonmaker", top=1)[0].uri == CLEANER
    assert lexical.link("schoenmaker", top=1)[0].uri == SHOEMAKER


def test_scores_are_probabilities_sorted_best_first(lexical: OccupationLinker) -> None:
    matches = lexical.link("heftruckchauffeur", top=5)
    assert 1 <= len(matches) <= 5
    scores = [m.score for m in matches]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert matches[0] == OccupationMatch(FORKLIFT, "heftruckchauffeur", matches[0].score)
    assert matches[0].score > 0.8 > matches[1].score  # the exact preferred label stands out


def test_blank_title_and_top(lexical: OccupationLinker) -> None:
    assert lexical.link("   ") == []
    assert lexical.link("(m/v)") == []
    assert len(lexical.link("chauffeur", top=1)) == 1


def test_link_many_equals_link(hybrid: OccupationLinker) -> None:
    titles = ["orderpikker", "kok", "verzorgende IG"]
    assert hybrid.link_many(titles, top=3) == [hybrid.link(t, top=3) for t in titles]


def test_candidates_carry_their_evidence(lexical: OccupationLinker) -> None:
    best = lexical.candidates("verzorgende IG", top=1)[0]
    assert best.uri == HOME_CARE
    assert best.exact and best.best_label == "verzorgende IG"
    assert best.lexical == pytest.approx(1.0, abs=1e-5) and best.fuzzy == 1.0
    assert best.semantic == 0.0  # no encoder


def test_default_weights_follow_the_encoder() -> None:
    taxonomy = tiny_taxonomy()
    assert OccupationLinker(taxonomy).weights == LEXICAL_WEIGHTS
    # the hybrid weights are fitted on e5; an unknown encoder links lexically
    assert OccupationLinker(taxonomy, HashingEncoder()).weights == LEXICAL_WEIGHTS


class _Counting(HashingEncoder):
    def __init__(self) -> None:
        super().__init__(dim=64)
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += list(texts)
        return super().encode(texts)


def test_label_embeddings_are_cached_on_disk(tmp_path: Path) -> None:
    first = _Counting()
    OccupationLinker(tiny_taxonomy(), first, weights=HYBRID_WEIGHTS, cache_dir=tmp_path)
    assert "heftruckchauffeur" in first.texts
    assert len(list(tmp_path.glob("occupation-labels-tiny-*.npy"))) == 1
    second = _Counting()
    linker = OccupationLinker(tiny_taxonomy(), second, weights=HYBRID_WEIGHTS, cache_dir=tmp_path)
    assert second.texts == []  # labels read back from the cache
    linker.link("kok")
    assert second.texts == ["kok"]  # only the query is embedded


def test_label_variants_split_gender_pairs() -> None:
    assert _label_variants("ober/serveerster") == ["ober/serveerster", "ober", "serveerster"]
    assert _label_variants("leraar/lerares lager onderwijs") == [
        "leraar/lerares lager onderwijs",
        "leraar lager onderwijs",
        "lerares lager onderwijs",
    ]
    assert _label_variants("hoofd QA/QC") == ["hoofd QA/QC", "hoofd QA", "hoofd QC"]
    assert _label_variants("kok") == ["kok"]


def test_text_helpers() -> None:
    assert fold("  Crème-Brûlée!  ") == "creme brulee"
    assert normalise_title("Orderpicker (m/v/x)") == "orderpicker"
    assert normalise_title("hij/zij kok") == "kok"
    assert normalise_title("Chauffeur C/CE") == "chauffeur c ce"  # licence codes stay
    assert strip_gender("Verzorgende IG (v/m)") == "Verzorgende IG"


# --------------------------------------------------------------------------- the real taxonomy
@pytest.fixture(scope="module")
def real_lexical() -> OccupationLinker:
    return OccupationLinker(load_taxonomy())


@pytest.mark.parametrize(
    ("title", "uri_id"),
    [
        ("heftruckchauffeur", "eeac6251-1974-42f5-91ed-513c6c883755"),
        ("orderpikker", "cd94def5-3442-4c2e-ae3d-0761a3008bcb"),
        ("verzorgende IG", "1391bdf9-bd61-4fb5-91ca-c29036ab2b60"),
        ("medewerker schoonmaak", "303a1e34-cb16-4054-b323-81e5eec17397"),
    ],
)
def test_real_taxonomy_known_titles(
    real_lexical: OccupationLinker, title: str, uri_id: str
) -> None:
    assert real_lexical.link(title, top=1)[0].uri == OCC + uri_id
