"""``werkmatch occupations ...`` and ``werkmatch skills normalise``: output shapes and fallback."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

import service.cli._occupations as cli_module
from features.taxonomy import Occupation, Skill, Taxonomy
from service.cli import build_parser
from service.settings import Settings

FORKLIFT = "http://data.europa.eu/esco/occupation/forklift"
PICKER = "http://data.europa.eu/esco/occupation/picker"
TOXICOLOGY = "http://data.europa.eu/esco/skill/toxicology"


def tiny_taxonomy() -> Taxonomy:
    return Taxonomy(
        [
            Occupation(
                FORKLIFT,
                "8344",
                "heftruckchauffeur",
                "forklift operator",
                ("vorkheftruckbestuurder",),
                (),
                "",
                "",
            ),
            Occupation(PICKER, "9333", "orderpicker", "warehouse order picker", (), (), "", ""),
            Occupation(
                "http://data.europa.eu/esco/occupation/cook", "5120", "kok", "cook", (), (), "", ""
            ),
        ],
        [
            Skill(
                TOXICOLOGY,
                "perform toxicological studies",
                "toxicologische onderzoeken uitvoeren",
                (),
                (),
                "skill/competence",
                "",
            ),
        ],
        version="tiny",
    )


@pytest.fixture(autouse=True)
def _tiny(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands read the shipped taxonomy; a tiny one keeps these tests quick."""
    monkeypatch.setattr(cli_module, "load_taxonomy", tiny_taxonomy)


def run(argv: list[str], settings: Settings) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args, settings))


@pytest.fixture
def no_model(tmp_path: Path) -> Settings:
    """Settings whose model folder does not exist: lexical linking with a warning."""
    return Settings(model_dir=tmp_path / "no-model", data_dir=tmp_path)


def test_link_jsonl_one_line_per_title(
    tmp_path: Path,
    no_model: Settings,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    titles = tmp_path / "titles.txt"
    titles.write_text("heftruckchauffeur\n\norderpikker (m/v)\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert run(["occupations", "link", str(titles), "--top", "3"], no_model) == 0
    assert "python -m features.model_build --out" in caplog.text  # says how to get the model
    lines = capsys.readouterr().out.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["query"] for r in records] == ["heftruckchauffeur", "", "orderpikker (m/v)"]
    first = records[0]
    assert set(first) == {"query", "matches"}
    assert len(first["matches"]) == 2  # only occupations sharing something with the title
    assert set(first["matches"][0]) == {"uri", "label", "score"}
    assert first["matches"][0]["uri"] == FORKLIFT
    assert 0.0 <= first["matches"][0]["score"] <= 1.0
    assert records[1]["matches"] == []  # a blank line keeps its place
    assert records[2]["matches"][0]["uri"] == PICKER


def test_link_tsv(tmp_path: Path, no_model: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    titles = tmp_path / "titles.txt"
    titles.write_text("heftruckchauffeur\n", encoding="utf-8")
    assert run(["occupations", "link", str(titles), "--top", "2", "--format", "tsv"], no_model) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == ["query", "rank", "uri", "label", "score"]
    assert rows[1][:3] == ["heftruckchauffeur", "1", FORKLIFT]
    assert len(rows) == 3


def test_link_missing_file_is_a_clear_error(tmp_path: Path, no_model: Settings) -> None:
    from features.errors import UnusableFileError

    with pytest.raises(UnusableFileError, match="no such file"):
        run(["occupations", "link", str(tmp_path / "nope.txt")], no_model)


def test_search_prints_a_table(no_model: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["occupations", "search", "heftruck chauffeur", "--top", "2"], no_model) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["#", "score", "occupation", "matched", "label", "uri"]
    assert out[2].startswith("1 ") and FORKLIFT in out[2]


def test_skills_normalise(no_model: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["skills", "normalise", "perform toxicological studies", "zie cv", "--format", "jsonl"]
    assert run(argv, no_model) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (first["method"], first["uri"]) == ("exact", TOXICOLOGY)
    assert second == {
        "text": "zie cv",
        "uri": None,
        "label": None,
        "confidence": 0.0,
        "method": "none",
    }
