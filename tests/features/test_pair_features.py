"""Pair features: scikit-learn conventions, known values on tiny records, both directions."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from features.embedding import HashingEncoder
from features.pair_features import (
    FEATURE_LABELS,
    FEATURE_NAMES,
    CandidateTable,
    PairBatch,
    PairFeatures,
    VacancyTable,
    new_vocabularies,
)
from features.postcodes import load_postcodes
from features.profiles import ProfileBuilder
from features.records import Candidate, LanguageSkill, ProtectedAttributes, Vacancy
from features.travel import CentroidTravelModel
from tests.matching import mini_world as world

PROTECTED_WORDS = (
    "birth",
    "age",
    "gender",
    "nationality",
    "migration",
    "barrier",
    "protected",
    "health",
    "debt",
    "childcare",
    "stress",
    "literacy",
)


class Tables:
    """Candidate and vacancy tables over a few records, built through the features layer."""

    def __init__(self, candidates: list[Candidate], vacancies: list[Vacancy]) -> None:
        builder = ProfileBuilder(world.make_taxonomy(), HashingEncoder())
        vocab = new_vocabularies(builder.encoder)
        travel = CentroidTravelModel(load_postcodes())
        self.candidates = CandidateTable(vocab, travel, today=world.TODAY)
        self.vacancies = VacancyTable(vocab, travel)
        self.candidates.add(builder.candidates(candidates))
        self.vacancies.add(builder.vacancies(vacancies))

    def batch(self, candidate_rows: object, vacancy_rows: object) -> PairBatch:
        return PairBatch.of(self.candidates, self.vacancies, candidate_rows, vacancy_rows)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def tables() -> Tables:
    return Tables(world.make_candidates(), world.make_vacancies())


@pytest.fixture(scope="module")
def fitted(tables: Tables) -> PairFeatures:
    return PairFeatures().fit(tables.batch([], []))


def column(name: str) -> int:
    return FEATURE_NAMES.index(name)


def test_sklearn_conventions(tables: Tables) -> None:
    features = PairFeatures(semantic_floor=0.3, experience_full_years=4.0)
    assert clone(features).get_params() == features.get_params()
    with pytest.raises(NotFittedError):
        features.transform(tables.batch([0], [0]))
    assert features.fit(tables.batch([], [])) is features
    assert features.semantic_floor_ == 0.3
    assert list(features.get_feature_names_out()) == list(FEATURE_NAMES)
    assert set(FEATURE_LABELS) == set(FEATURE_NAMES)


def test_parameters_are_checked_in_fit_not_init(tables: Tables) -> None:
    features = PairFeatures(unknown_value=2.0)  # storing is fine
    with pytest.raises(ValueError, match="unknown_value"):
        features.fit(tables.batch([], []))
    with pytest.raises(TypeError, match="PairBatch"):
        PairFeatures().fit(np.zeros((2, 2)))  # type: ignore[arg-type]


def test_works_in_a_pipeline(tables: Tables) -> None:
    pipeline = Pipeline([("pairs", PairFeatures()), ("same", FunctionTransformer())])
    X = pipeline.fit_transform(tables.batch(np.arange(15), [0]))
    assert X.shape == (15, len(FEATURE_NAMES))


def test_no_protected_attribute_or_barrier_in_the_features() -> None:
    for name in FEATURE_NAMES:
        assert not set(name.split("_")) & set(PROTECTED_WORDS), name


def test_protected_attributes_and_barriers_do_not_change_features() -> None:
    base = world.make_candidates()
    changed = [
        c.model_copy(update={
            "protected": ProtectedAttributes(birth_year=1950, gender="male", nationality="SY",
                                             migration_background="first"),
            "barriers": ["language", "health", "debts"],
        })
        for c in base
    ]  # fmt: skip
    a, b = Tables(base, world.make_vacancies()), Tables(changed, world.make_vacancies())
    fa = PairFeatures().fit(a.batch([], []))
    fb = PairFeatures().fit(b.batch([], []))
    rows = np.arange(15)
    for v in range(7):
        assert np.array_equal(fa.transform(a.batch(rows, [v])), fb.transform(b.batch(rows, [v])))
    assert all(not p.record.barriers for p in b.candidates.profiles)
    assert all(p.record.protected == ProtectedAttributes() for p in b.candidates.profiles)


def test_values_in_range_both_directions_agree(tables: Tables, fitted: PairFeatures) -> None:
    """A shortlist (one vacancy), a recommendation (one candidate) and a mixed batch give the
    same values for the same pair, to the last bit."""
    n_c, n_v = len(tables.candidates), len(tables.vacancies)
    by_vacancy = np.stack(
        [fitted.transform(tables.batch(np.arange(n_c), [v])) for v in range(n_v)], axis=1
    )
    by_candidate = np.stack(
        [fitted.transform(tables.batch([c], np.arange(n_v))) for c in range(n_c)]
    )
    c_rows, v_rows = np.meshgrid(np.arange(n_c), np.arange(n_v), indexing="ij")
    mixed = fitted.transform(tables.batch(c_rows.ravel(), v_rows.ravel())).reshape(n_c, n_v, -1)
    assert np.array_equal(by_vacancy, by_candidate)
    assert np.array_equal(by_vacancy, mixed)
    assert by_vacancy.min() >= 0.0 and by_vacancy.max() <= 1.0


def _pair(tables: Tables, fitted: PairFeatures, candidate: str, vacancy: str) -> dict[str, float]:
    c = tables.candidates.row_of[candidate]
    v = tables.vacancies.row_of[vacancy]
    row = fitted.transform(tables.batch([c], [v]))[0]
    return dict(zip(FEATURE_NAMES, row.tolist(), strict=True))


def test_known_values(tables: Tables, fitted: PairFeatures) -> None:
    best = _pair(tables, fitted, "C-01", "V-MAG")
    for name in (
        "skills_essential_exact",
        "skills_essential_semantic",
        "skills_optional_exact",
        "occupation_same_work",
        "occupation_unit_work",
        "occupation_minor_work",
        "education_fit",
        "level_fit",
        "hours_fit",
        "language_fit",
        "placement_fit",
    ):
        assert best[name] == 1.0, name
    assert best["education_unknown"] == best["level_unknown"] == 0.0
    assert best["occupation_same_desired"] == 0.0
    assert best["experience_length"] == 0.8  # 4 of 5 years
    assert best["experience_recency"] == 0.9  # ended 1 year ago, 10-year horizon
    assert 0.0 < best["travel_time"] < 1.0

    second = _pair(tables, fitted, "C-02", "V-MAG")
    assert second["skills_essential_exact"] == 1.0
    assert second["skills_optional_exact"] == 0.0
    assert second["occupation_unit_work"] == 0.0  # order picking is another unit group
    assert second["level_fit"] == 0.5  # level 1 work against a level 2 job
    assert second["education_fit"] == 1.0  # vmbo is the minimum


def test_unknown_is_neutral_never_none(tables: Tables, fitted: PairFeatures) -> None:
    unknown = _pair(tables, fitted, "C-03", "V-MAG")  # education unknown, no work history
    assert unknown["education_fit"] == fitted.unknown_value == 0.5
    assert unknown["education_unknown"] == 1.0
    assert unknown["level_fit"] == 0.5 and unknown["level_unknown"] == 1.0
    assert unknown["language_fit"] == 0.5  # Dutch not recorded
    assert unknown["occupation_same_desired"] > 0.0  # wants to be a warehouse worker
    no_requirement = _pair(tables, fitted, "C-03", "V-GRO")  # V-GRO sets no education minimum
    assert no_requirement["education_fit"] == 1.0
    assert no_requirement["education_unknown"] == 0.0
    assert no_requirement["skills_optional_exact"] == 0.5  # no optional skills asked: neutral


def test_education_below_the_minimum() -> None:
    candidates = [
        Candidate(id=f"C-{level}", postcode="9712", education_level=level)
        for level in ("none", "primary", "vmbo", "mbo2", "hbo")
    ]
    vacancy = world.make_vacancies()[2]  # V-KOK: mbo-2 minimum
    tables = Tables(candidates, [vacancy])
    fitted = PairFeatures().fit(tables.batch([], []))
    values = fitted.transform(tables.batch(np.arange(5), [0]))[:, column("education_fit")]
    assert values.tolist() == [0.0, pytest.approx(1 / 3), pytest.approx(2 / 3), 1.0, 1.0]


def test_hours_language_and_placement() -> None:
    vacancy = Vacancy(
        id="V",
        employer_id="E",
        title="Kok",
        postcode="9712",
        hours_min=24,
        hours_max=32,
        language_min="B1",
        placement_type="volunteer",
    )
    candidates = [
        Candidate(id="full", postcode="9712", hours_min=20, hours_max=40, participation_rung=2,
                  languages=[LanguageSkill(language="nl", level="C1")]),
        Candidate(id="part", postcode="9712", hours_min=28, hours_max=40, participation_rung=6,
                  languages=[LanguageSkill(language="nl", level="A2")]),
        Candidate(id="none", postcode="9712"),
    ]  # fmt: skip
    tables = Tables(candidates, [vacancy])
    fitted = PairFeatures().fit(tables.batch([], []))
    X = fitted.transform(tables.batch(np.arange(3), [0]))
    assert X[:, column("hours_fit")].tolist() == [1.0, 5 / 9, 1.0]
    assert X[:, column("language_fit")].tolist() == [1.0, 0.5, 0.5]
    assert X[:, column("placement_fit")].tolist() == [1.0, 0.2, 0.5]


def test_unknown_postcode_gives_neutral_travel() -> None:
    candidate = Candidate(id="far", postcode="9990")  # well-formed, but no such area
    tables = Tables([candidate], world.make_vacancies()[:1])
    fitted = PairFeatures().fit(tables.batch([], []))
    batch = tables.batch([0], [0])
    assert not batch.travel.known[0]
    assert fitted.transform(batch)[0, column("travel_time")] == 0.5


def test_requirement_matches_agree_with_the_features(tables: Tables, fitted: PairFeatures) -> None:
    for candidate in ("C-01", "C-02", "C-03", "C-05"):
        c = tables.candidates.row_of[candidate]
        for v in range(len(tables.vacancies)):
            batch = tables.batch([c], [v])
            X = fitted.transform(batch)[0]
            for kind, prefix in (("required", "skills_essential"), ("optional", "skills_optional")):
                matches = fitted.requirement_matches(batch, 0, kind)
                if not matches:
                    continue
                assert np.mean([m.value for m in matches]) == pytest.approx(
                    X[column(prefix + "_semantic")], abs=1e-12
                )
                assert np.mean([m.exact for m in matches]) == pytest.approx(
                    X[column(prefix + "_exact")], abs=1e-12
                )


def test_recency_without_end_year_is_neutral() -> None:
    from features.records import WorkExperience

    candidate = Candidate(
        id="c",
        postcode="9723",
        work_history=[
            WorkExperience(title="magazijnmedewerker", esco_uri=world.occ("magazijn"), years=10)
        ],
    )
    tables = Tables([candidate], world.make_vacancies()[:1])
    fitted = PairFeatures().fit(tables.batch([], []))
    X = fitted.transform(tables.batch([0], [0]))[0]
    assert X[column("experience_length")] == 1.0
    assert X[column("experience_recency")] == 0.5
