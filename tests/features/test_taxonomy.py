"""The shipped ESCO/ISCO taxonomy: known answers from the real data, and the data files' guards."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

import features.data
from features.data import ATTRIBUTION, read_json
from features.errors import ArtifactError, UnknownEntityError
from features.taxonomy import Occupation, Skill, Taxonomy, load_taxonomy

ESCO = "http://data.europa.eu/esco/"
BUILDING_CLEANER = ESCO + "occupation/303a1e34-cb16-4054-b323-81e5eec17397"
AI_ENGINEER = ESCO + "occupation/35553663-deab-4d9a-bf22-15c1625d28e8"
BIOPHYSICIST = ESCO + "occupation/1738173e-ef9c-4222-88c8-b6aa9bad3cf7"
CLEAN_SURFACES = ESCO + "skill/6ff01827-907d-43d8-b6e4-7162c1cf0aca"
REMOVE_DUST = ESCO + "skill/329d7233-7231-4082-8ca4-0b5e295785aa"
STEM_CELLS = ESCO + "skill/7b85473a-d609-4da4-92b7-a66cfaa86302"
DATA_SCIENCE = ESCO + "skill/edebd83d-35f6-4ed5-a940-6c203d178c01"  # in v1.2.0 relations only
REPO_ROOT = Path(__file__).resolve().parents[2]
# CI clones the repo with ../shared beside it, as on a developer machine.
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def test_counts_and_version(taxonomy: Taxonomy) -> None:
    assert taxonomy.version == "ESCO v1.2.0"
    assert len(taxonomy.occupations()) == 3039
    # all 13,896 skills of the v1.1.1 file plus 232 that only the v1.2.0 relations name
    assert len(taxonomy.skills()) == 14_128
    assert load_taxonomy() is taxonomy


def test_known_occupation(taxonomy: Taxonomy) -> None:
    cleaner = taxonomy.occupation(BUILDING_CLEANER)
    assert cleaner.label_nl == "schoonmaker gebouwen"
    assert cleaner.label_en == "building cleaner"
    assert cleaner.label("en") == "building cleaner"
    assert cleaner.isco_group == "9112"
    assert "poetsvrouw" in cleaner.alt_labels_nl
    assert cleaner.description_nl.startswith("Schoonmakers houden")
    assert cleaner.description_en


def test_isco_groups_are_four_digits(taxonomy: Taxonomy) -> None:
    groups = {occupation.isco_group for occupation in taxonomy.occupations()}
    assert all(len(group) == 4 and group.isdigit() for group in groups)
    assert "0110" in groups  # officers keep their leading zero


def test_known_skill_with_and_without_dutch_label(taxonomy: Taxonomy) -> None:
    clean = taxonomy.skill(CLEAN_SURFACES)
    assert (clean.label_en, clean.label_nl) == ("clean surfaces", "oppervlakken schoonmaken")
    assert clean.label() == "oppervlakken schoonmaken"
    assert clean.skill_type == "skill/competence"
    assert clean.reuse_level == "cross-sector"
    dust = taxonomy.skill(REMOVE_DUST)
    assert dust.label_nl is None
    assert dust.label("nl") == "remove dust"  # falls back to English


def test_skill_only_in_v120_relations_is_known(taxonomy: Taxonomy) -> None:
    skill = taxonomy.skill(DATA_SCIENCE)
    assert skill.label_en == "data science"
    assert skill.label_nl == "datawetenschap"
    assert AI_ENGINEER in taxonomy.occupations_requiring(DATA_SCIENCE)


def test_essential_and_optional_skills(taxonomy: Taxonomy) -> None:
    essential = taxonomy.essential_skills(BUILDING_CLEANER)
    assert len(essential) == 24
    assert CLEAN_SURFACES in essential
    assert REMOVE_DUST in essential
    optional = taxonomy.optional_skills(BUILDING_CLEANER)
    assert len(optional) == 29
    assert not set(essential) & set(optional)
    assert BUILDING_CLEANER in taxonomy.occupations_requiring(CLEAN_SURFACES)


def test_pair_listed_both_ways_stays_essential_only(taxonomy: Taxonomy) -> None:
    assert STEM_CELLS in taxonomy.essential_skills(BIOPHYSICIST)
    assert STEM_CELLS not in taxonomy.optional_skills(BIOPHYSICIST)


def test_every_relation_refers_to_known_occupation_and_skill(taxonomy: Taxonomy) -> None:
    essential = optional = 0
    for occupation in taxonomy.occupations():
        ess = taxonomy.essential_skills(occupation.uri)
        opt = taxonomy.optional_skills(occupation.uri)
        assert all(taxonomy.has_skill(uri) for uri in ess + opt), occupation.uri
        essential += len(ess)
        optional += len(opt)
    # the source's 67,622 / 61,382 rows, less 2 without a skill URI and 17 essential duplicates
    assert (essential, optional) == (67_621, 61_364)


def test_isco_levels(taxonomy: Taxonomy) -> None:
    assert taxonomy.isco_level(BUILDING_CLEANER) == 1
    assert taxonomy.isco_level(AI_ENGINEER) == 4
    assert taxonomy.isco_unit_level("9112") == 1
    assert taxonomy.isco_unit_level("C0110") == 4
    assert taxonomy.isco_unit_level("110") == 4  # zero-padded
    assert taxonomy.isco_unit_level("1000") is None  # CBS level 0: managers n.e.c.
    assert taxonomy.isco_unit_level("9999") is None  # CBS "Onbekend", level 7 in the source
    assert taxonomy.isco_unit_level("abc") is None


def test_isco_group_labels(taxonomy: Taxonomy) -> None:
    assert taxonomy.isco_group_label("9112") == "Schoonmakers in hotels, kantoren e.d."
    assert taxonomy.isco_group_label("C9112", "en").startswith("Cleaners and helpers in offices")
    assert taxonomy.isco_group_label("9") == "Elementaire beroepen"
    assert taxonomy.isco_group_label("91") == "Huishoudelijke hulpen en schoonmakers"
    assert taxonomy.isco_group_label("1000") == "Managers z.n.d."  # CBS-only group, nl only
    assert taxonomy.isco_group_label("1000", "en") == "Managers z.n.d."
    with pytest.raises(UnknownEntityError):
        taxonomy.isco_group_label("12345")
    with pytest.raises(ValueError, match="language"):
        taxonomy.isco_group_label("9", "de")


def test_occupations_in_group(taxonomy: Taxonomy) -> None:
    cleaners = taxonomy.occupations_in_group("9112")
    assert len(cleaners) == 6
    assert BUILDING_CLEANER in cleaners
    assert set(cleaners) <= set(taxonomy.occupations_in_group("91"))
    assert len(taxonomy.occupations_in_group("1")) > 100
    with pytest.raises(ValueError):
        taxonomy.occupations_in_group("9x")


def test_unknown_uris_raise(taxonomy: Taxonomy) -> None:
    missing = ESCO + "occupation/00000000-0000-0000-0000-000000000000"
    assert not taxonomy.has_occupation(missing)
    assert not taxonomy.has_skill(missing)
    for call in (
        taxonomy.occupation,
        taxonomy.skill,
        taxonomy.essential_skills,
        taxonomy.optional_skills,
        taxonomy.occupations_requiring,
        taxonomy.isco_level,
    ):
        with pytest.raises(UnknownEntityError):
            call(missing)


def _tiny() -> tuple[list[Occupation], list[Skill]]:
    occupation = Occupation("o:1", "9112", "schoonmaker", "cleaner", (), (), "", "")
    skills = [
        Skill("s:1", "clean", "schoonmaken", (), (), "skill/competence", "cross-sector"),
        Skill("s:2", "dust", None, (), (), "skill/competence", "sector-specific"),
    ]
    return [occupation], skills


def test_tiny_taxonomy_from_plain_data() -> None:
    occupations, skills = _tiny()
    tiny = Taxonomy(
        occupations,
        skills,
        essential={"o:1": ["s:1"]},
        optional={"o:1": ["s:1", "s:2"]},
        unit_levels={"9112": 1},
    )
    assert tiny.essential_skills("o:1") == ("s:1",)
    assert tiny.optional_skills("o:1") == ("s:2",)
    assert tiny.occupations_requiring("s:2") == ()
    assert tiny.isco_level("o:1") == 1


def test_tiny_taxonomy_refuses_relation_to_unknown_skill() -> None:
    occupations, skills = _tiny()
    with pytest.raises(UnknownEntityError, match="s:9"):
        Taxonomy(occupations, skills, essential={"o:1": ["s:9"]})


def test_nothing_loads_at_import() -> None:
    # a fresh interpreter: importing the modules must not read any shipped file
    code = (
        "import features.data, features.postcodes, features.taxonomy\n"
        "assert features.data._manifest.cache_info().currsize == 0\n"
        "assert features.taxonomy.load_taxonomy.cache_info().currsize == 0\n"
        "assert features.postcodes.load_postcodes.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT)


def test_altered_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = features.data._manifest()
    altered = {
        **manifest,
        "files": {
            **manifest["files"],
            "isco_groups.json.gz": {
                **manifest["files"]["isco_groups.json.gz"],
                "sha256": hashlib.sha256(b"something else").hexdigest(),
            },
        },
    }
    monkeypatch.setattr(features.data, "_manifest", lambda: altered)
    with pytest.raises(ArtifactError, match="checksum"):
        read_json("isco_groups.json.gz")
    with pytest.raises(ArtifactError, match="not listed"):
        read_json("nonexistent.json.gz")


def test_notice_carries_the_attribution() -> None:
    notice = (REPO_ROOT / "NOTICE").read_text(encoding="utf-8")
    for line in ATTRIBUTION.splitlines():
        assert line in notice
    assert "This service uses the ESCO classification of the European Commission." in ATTRIBUTION
    assert "2011/833/EU" in ATTRIBUTION
    assert "Bron: CBS" in ATTRIBUTION
    assert "Postcode locations © GeoNames (geonames.org), CC BY 4.0" in ATTRIBUTION


@pytest.mark.slow
@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="the source data folder is not available")
def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    from features._build_reference_data import build

    manifest = build(SHARED_DATA, tmp_path)
    shipped = Path(features.data.__file__).parent
    for name in [*manifest["files"], "manifest.json"]:
        assert (tmp_path / name).read_bytes() == (shipped / name).read_bytes(), name
