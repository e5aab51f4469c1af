"""The synthetic municipality: valid, deterministic, realistic, and with an honest hidden truth."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
import pytest

from features.postcodes import load_postcodes
from features.records import (
    RECORD_TYPES,
    Candidate,
    ProtectedAttributes,
    Vacancy,
    validate_record,
)
from features.taxonomy import load_taxonomy
from features.vocabulary import EducationLevel, OutcomeStatus, PlacementType
from service.importing import import_file
from service.storage import Store
from service.synth import (
    KINDS,
    CandidateTraits,
    SynthConfig,
    SynthResult,
    TruthModel,
    VacancyTruth,
    generate,
    suitability,
    write,
)
from service.synth.phrasing import OCCUPATION_PHRASES, SKILL_PHRASES, SOFT_SKILLS, misspell
from service.synth.population import PastJob

SMALL = SynthConfig(candidates=400, vacancies=120, employers=40, seed=11)

_OCC = "http://data.europa.eu/esco/occupation/"
_SKILL = "http://data.europa.eu/esco/skill/"
FORKLIFT_DRIVER = _OCC + "eeac6251-1974-42f5-91ed-513c6c883755"  # heftruckchauffeur, ISCO 8344
FORKLIFT_SKILLS = (
    _SKILL + "28cb374e-6261-4133-8371-f9a5470145da",  # heftrucks bedienen
    _SKILL + "3d086228-d7fc-4c23-972a-22b7d44a6173",  # goederen stapelen
    _SKILL + "078861f5-b901-48a5-951e-a3ad0a4fa0bd",  # magazijnmaterialen gebruiken
)


@pytest.fixture(scope="module")
def result() -> SynthResult:
    return generate(SMALL)


@pytest.fixture(scope="module")
def written(result: SynthResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    write(result, out)
    return out


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def _read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- determinism --------------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(written: Path, tmp_path: Path) -> None:
    write(generate(SMALL), tmp_path)
    assert _files(tmp_path) == _files(written)


def test_another_seed_gives_other_data(written: Path, tmp_path: Path) -> None:
    write(generate(dataclasses.replace(SMALL, seed=12)), tmp_path)
    for kind in KINDS:
        assert (tmp_path / f"{kind}.jsonl").read_bytes() != (written / f"{kind}.jsonl").read_bytes()


# -- the import files ----------------------------------------------------------------------------


def test_every_written_record_validates(written: Path) -> None:
    for kind in KINDS:
        rows = _read_jsonl(written / f"{kind}.jsonl")
        assert rows, kind
        for row in rows:
            validate_record(RECORD_TYPES[kind], row)


def test_counts_and_unique_ids(written: Path) -> None:
    for kind, expected in (("candidates", 400), ("vacancies", 120), ("employers", 40)):
        ids = [row["id"] for row in _read_jsonl(written / f"{kind}.jsonl")]
        assert len(ids) == expected == len(set(ids))
    employers = _read_jsonl(written / "employers.jsonl")
    assert len({e["name"] for e in employers}) == len(employers)


def test_references_exist(written: Path) -> None:
    employers = {row["id"] for row in _read_jsonl(written / "employers.jsonl")}
    vacancies = _read_jsonl(written / "vacancies.jsonl")
    candidates = {row["id"] for row in _read_jsonl(written / "candidates.jsonl")}
    assert {v["employer_id"] for v in vacancies} <= employers
    outcomes = _read_jsonl(written / "outcomes.jsonl")
    assert outcomes
    assert {o["candidate_id"] for o in outcomes} <= candidates
    assert {o["vacancy_id"] for o in outcomes} <= {v["id"] for v in vacancies}


def test_outcome_keys_unique_and_before_reference_date(result: SynthResult) -> None:
    keys = [o.key for o in result.outcomes]
    assert len(keys) == len(set(keys))
    cutoff = dt.datetime.combine(SMALL.reference_date, dt.time())
    assert all(o.at < cutoff for o in result.outcomes)
    assert min(o.at for o in result.outcomes) >= cutoff - dt.timedelta(days=SMALL.history_days)


def test_outcomes_follow_the_process(result: SynthResult) -> None:
    by_pair: dict[tuple[str, str], list[OutcomeStatus]] = {}
    for outcome in sorted(result.outcomes, key=lambda o: o.at):
        by_pair.setdefault((outcome.candidate_id, outcome.vacancy_id), []).append(outcome.status)
    for statuses in by_pair.values():
        assert statuses[0] is OutcomeStatus.PROPOSED
        if OutcomeStatus.HIRED in statuses:
            assert statuses[:3] == [
                OutcomeStatus.PROPOSED,
                OutcomeStatus.INTRODUCED,
                OutcomeStatus.INTERVIEW,
            ]
    hires = [o for o in result.outcomes if o.status is OutcomeStatus.HIRED]
    assert hires and all(o.still_employed_after_days is not None for o in hires)
    for outcome in result.outcomes:
        if outcome.status in (OutcomeStatus.REJECTED, OutcomeStatus.DECLINED):
            assert outcome.reason
        assert outcome.rank is not None and 1 <= outcome.rank <= 15
        assert outcome.by


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_written_files_import_without_rejections(
    result: SynthResult, store: Store, tmp_path: Path, fmt: Literal["jsonl", "csv"]
) -> None:
    write(result, tmp_path, fmt=fmt)
    for kind in KINDS:  # in reference order: employers, vacancies, candidates, outcomes
        report = import_file(store, kind, tmp_path / f"{kind}.{fmt}")
        assert report.rejected == 0, report.errors[:3]
        assert report.stored == store.count(kind) == result.counts()[kind]
    for candidate in result.candidates[:50]:
        assert store.get("candidates", candidate.id, include_protected=True) == candidate
    for vacancy in result.vacancies[:50]:
        assert store.get("vacancies", vacancy.id) == vacancy


# -- realism -------------------------------------------------------------------------------------


def test_population_shares_match_the_product_brief() -> None:
    people = generate(SynthConfig(candidates=2_000, vacancies=5, employers=5, seed=3)).candidates
    unknown = sum(c.education_level is EducationLevel.UNKNOWN for c in people) / len(people)
    assert 0.20 <= unknown <= 0.30
    long_term = [c for c in people if (c.months_on_benefit or 0) > 36]
    assert 0.60 <= len(long_term) / len(people) <= 0.73
    known = [c for c in long_term if c.education_level is not EducationLevel.UNKNOWN]
    lacking = sum(
        c.education_level
        in (EducationLevel.NONE, EducationLevel.PRIMARY, EducationLevel.VMBO, EducationLevel.MBO1)
        for c in known
    )
    assert lacking / len(known) > 0.5
    exempt = [c for c in people if c.exempt_from_work_obligation]
    assert 0.08 <= len(exempt) / len(people) <= 0.16
    assert np.mean([c.participation_rung or 0 for c in exempt]) < 2.5
    assert 0.04 <= sum(c.target_group_register for c in people) / len(people) <= 0.11
    assert 0.33 <= sum("B" in c.driving_licences for c in people) / len(people) <= 0.52
    current_year = SynthConfig().reference_date.year
    ages = [current_year - (c.protected.birth_year or 0) for c in people]
    assert min(ages) >= 18 and max(ages) <= 67


def test_candidates_live_in_the_municipality(result: SynthResult) -> None:
    postcodes = load_postcodes()
    places = [postcodes.place(c.postcode) for c in result.candidates]
    inside = sum(p.municipality == "Groningen" for p in places) / len(places)
    assert inside >= 0.85
    assert any(len(c.postcode) == 6 for c in result.candidates)
    assert any(len(c.postcode) == 4 for c in result.candidates)


def test_vacancies_are_mostly_isco_level_1_or_2(result: SynthResult) -> None:
    taxonomy = load_taxonomy()
    levels = [t.isco_level for t in result.truth.vacancies]
    assert sum(level <= 2 for level in levels) / len(levels) >= 0.8
    with_uri = [v for v in result.vacancies if v.esco_occupation_uri]
    assert 0.45 <= len(with_uri) / len(result.vacancies) <= 0.75
    for vacancy, truth in zip(result.vacancies, result.truth.vacancies, strict=True):
        if vacancy.esco_occupation_uri:
            assert vacancy.esco_occupation_uri == truth.occupation_uri
            assert taxonomy.isco_level(truth.occupation_uri) == truth.isco_level


def test_vacancy_requirements_come_from_esco(result: SynthResult) -> None:
    taxonomy = load_taxonomy()
    for vacancy, truth in zip(result.vacancies, result.truth.vacancies, strict=True):
        assert 3 <= len(vacancy.required_skills) == len(truth.required_skills) <= 6
        assert set(truth.required_skills) <= set(taxonomy.essential_skills(truth.occupation_uri))
    placements = Counter(v.placement_type for v in result.vacancies)
    assert placements[PlacementType.REGULAR] > len(result.vacancies) / 2


def test_hand_made_phrasings_point_at_known_esco_concepts() -> None:
    taxonomy = load_taxonomy()
    assert all(taxonomy.has_occupation(uri) for uri in OCCUPATION_PHRASES)
    assert all(taxonomy.has_skill(uri) for uri in SKILL_PHRASES)
    assert all(taxonomy.has_skill(uri) for uri in SOFT_SKILLS)
    assert "verzorgende IG" in OCCUPATION_PHRASES[_OCC + "1391bdf9-bd61-4fb5-91ca-c29036ab2b60"]
    assert "heftruck rijden" in SKILL_PHRASES[FORKLIFT_SKILLS[0]]


def test_misspell_makes_one_typical_error() -> None:
    rng = random.Random(0)
    for word in ("orderpicker", "medewerker schoonmaak", "hygiëne", "kassa's bedienen"):
        typo = misspell(rng, word)
        assert typo != word
        assert abs(len(typo) - len(word)) <= 1
    assert misspell(rng, "ab") == "ab"  # too short to garble


# -- the hidden truth ----------------------------------------------------------------------------


def test_protected_attributes_do_not_change_suitability(result: SynthResult) -> None:
    history = result.truth.history
    original = result.truth.model.score(history.pool_candidate, history.pool_vacancy)
    rng = random.Random(5)
    swapped = [
        candidate.model_copy(
            update={
                "protected": ProtectedAttributes(
                    birth_year=rng.randint(1958, 2007),
                    gender=rng.choice(["female", "male", "other"]),
                    nationality=rng.choice(["NL", "SY", "PL"]),
                    migration_background=rng.choice(["none", "first_generation"]),
                )
            }
        )
        for candidate in result.candidates
    ]
    model = TruthModel(swapped, result.truth.candidates, result.vacancies, result.truth.vacancies)
    again = model.score(history.pool_candidate, history.pool_vacancy)
    for field in dataclasses.fields(original):
        assert np.array_equal(getattr(original, field.name), getattr(again, field.name))


def test_exempt_candidates_are_never_hired_into_jobs(result: SynthResult) -> None:
    candidates = {c.id: c for c in result.candidates}
    vacancies = {v.id: v for v in result.vacancies}
    exempt_in_pools = 0
    for outcome in result.outcomes:
        candidate, vacancy = candidates[outcome.candidate_id], vacancies[outcome.vacancy_id]
        if candidate.exempt_from_work_obligation:
            exempt_in_pools += 1
            assert vacancy.placement_type is PlacementType.VOLUNTEER
    scores = result.truth.history.pool_scores
    exempt = np.array([candidates[result.candidates[i].id].exempt_from_work_obligation
                       for i in result.truth.history.pool_candidate.tolist()])  # fmt: skip
    volunteer = np.array([result.vacancies[i].placement_type is PlacementType.VOLUNTEER
                          for i in result.truth.history.pool_vacancy.tolist()])  # fmt: skip
    assert exempt.any()
    assert np.all(scores.suitability[exempt & ~volunteer] == 0.0)


def test_truth_files_cover_every_proposal(written: Path, result: SynthResult) -> None:
    with (written / "truth" / "suitability.csv").open(encoding="utf-8") as handle:
        pairs = {(row["candidate_id"], row["vacancy_id"]): row for row in csv.DictReader(handle)}
    proposed = {(o.candidate_id, o.vacancy_id) for o in result.outcomes}
    assert proposed <= set(pairs)
    assert all(int(pairs[pair]["old_rank"]) >= 1 for pair in proposed)
    values = [float(row["suitability"]) for row in pairs.values()]
    assert min(values) >= 0.0 and max(values) <= 1.0
    hired = [
        float(pairs[(o.candidate_id, o.vacancy_id)]["suitability"])
        for o in result.outcomes
        if o.status is OutcomeStatus.HIRED
    ]
    assert min(hired) > 0.0
    assert np.mean(hired) > np.mean(values)  # outcomes are drawn from the truth
    traits = _read_jsonl(written / "truth" / "candidates.jsonl")
    assert [t["candidate_id"] for t in traits] == [c.id for c in result.candidates]
    assert (written / "truth" / "README.md").read_text(encoding="utf-8").startswith("# Hidden")
    config = json.loads((written / "truth" / "config.json").read_text(encoding="utf-8"))
    assert config["config"]["seed"] == SMALL.seed


# -- known answers for the suitability ------------------------------------------------------------


def _forklift_pair(**changes: object) -> tuple[Candidate, CandidateTraits, Vacancy, VacancyTruth]:
    """A Groningen forklift driver and a forklift vacancy a few km away: a good match."""
    candidate = validate_record(
        Candidate,
        {
            "id": "KL1",
            "postcode": "9712",
            "education_level": "mbo2",
            "languages": [{"language": "nl", "level": "native"}],
            "transport_modes": ["walk", "bike"],
            "max_travel_minutes": 90,
            "hours_min": 24,
            "hours_max": 40,
            "participation_rung": 6,
        },
    )
    vacancy = validate_record(
        Vacancy,
        {
            "id": "VAC1",
            "employer_id": "WG1",
            "title": "heftruckchauffeur",
            "postcode": "9723",
            "hours_min": 32,
            "hours_max": 40,
            "shift_start": "08:00",
            "language_min": "B1",
            "education_min": "vmbo",
        },
    )
    traits = CandidateTraits(
        candidate_id="KL1",
        education=EducationLevel.MBO2,
        participation_rung=6,
        skills=FORKLIFT_SKILLS,
        history=(PastJob(FORKLIFT_DRIVER, "8344", 4.0),),
        desired=(),
        desired_isco=(),
        reliability=0.7,
    )
    truth = VacancyTruth(
        vacancy_id="VAC1",
        occupation_uri=FORKLIFT_DRIVER,
        isco_group="8344",
        isco_level=2,
        required_skills=FORKLIFT_SKILLS,
        optional_skills=(),
        open_from=dt.date(2025, 12, 1),
        closed=False,
    )
    candidate_changes = {k[2:]: v for k, v in changes.items() if k.startswith("c_")}
    vacancy_changes = {k[2:]: v for k, v in changes.items() if k.startswith("v_")}
    candidate = validate_record(Candidate, {**candidate.model_dump(), **candidate_changes})
    vacancy = validate_record(Vacancy, {**vacancy.model_dump(), **vacancy_changes})
    return candidate, traits, vacancy, truth


def _score(**changes: object) -> tuple[float, str]:
    pair = suitability(*_forklift_pair(**changes))
    return pair.suitability, pair.knockout


def test_a_good_match_scores_high() -> None:
    pair = suitability(*_forklift_pair())
    assert pair.knockout == ""
    assert pair.skill == 1.0 and pair.experience == 1.0 and pair.education == 1.0
    assert pair.suitability > 0.7


@pytest.mark.parametrize(
    ("changes", "knockout"),
    [
        ({"v_required_licences": ["B"]}, "licence"),
        (
            {"v_physical_demands": ["heavy_lifting"], "c_restrictions": ["no_heavy_lifting"]},
            "restriction",
        ),
        ({"v_placement_type": "wage_subsidy"}, "register"),
        ({"c_exempt_from_work_obligation": True}, "exempt"),
        ({"c_hours_min": 8, "c_hours_max": 16, "v_hours_min": 32}, "hours"),
        # Assen, 25 km away, starting 05:30: no public transport yet and no car.
        (
            {
                "v_postcode": "9401",
                "v_shift_start": "05:30",
                "c_transport_modes": ["public_transport"],
            },
            "travel",
        ),
    ],
)
def test_hard_constraints_knock_out(changes: dict[str, object], knockout: str) -> None:
    assert _score(**changes) == (0.0, knockout)


def test_knock_outs_lift_when_the_constraint_is_met() -> None:
    assert _score(v_required_licences=["B"], c_driving_licences=["B"])[0] > 0.7
    assert _score(v_placement_type="wage_subsidy", c_target_group_register=True)[0] > 0.5
    assert _score(c_exempt_from_work_obligation=True, v_placement_type="volunteer")[0] > 0.0
    by_car = _score(
        v_postcode="9401",
        v_shift_start="05:30",
        c_transport_modes=["public_transport", "car"],
        c_driving_licences=["B"],
    )
    assert by_car[0] > 0.5


def test_weaker_fits_score_lower() -> None:
    good = _score()[0]
    assert _score(c_participation_rung=2)[0] == good  # the record's rung is not the truth's
    assert _score(c_languages=[{"language": "nl", "level": "A2"}])[0] < good
    assert _score(v_education_min="hbo")[0] < good
    assert _score(v_postcode="9401")[0] < good  # far by bike


# -- command line --------------------------------------------------------------------------------


def test_cli_writes_the_files(cli: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    out = tmp_path / "synth"
    status, stdout, _ = cli(
        "synth", "--candidates", "60", "--vacancies", "15", "--employers", "6",
        "--seed", "2", "--municipality", "Groningen", "--out", out,
    )  # fmt: skip
    assert status == 0
    assert "60 candidates" in stdout
    for kind in KINDS:
        assert (out / f"{kind}.jsonl").is_file()
    assert (out / "truth" / "suitability.csv").is_file()


def test_cli_refuses_bad_arguments(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    status, _, stderr = cli("synth", "--candidates", "0", "--out", tmp_path)
    assert status == 2 and "candidates must be at least 1" in stderr
    status, _, stderr = cli("synth", "--municipality", "Atlantis", "--out", tmp_path)
    assert status == 2 and "Atlantis" in stderr
