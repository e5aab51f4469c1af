"""``werkmatch shortlist | recommend | employers | paths`` on a small synthetic municipality.

Commands run in-process through :func:`service.cli.main` with the settings in the environment,
as a person would run them; each run builds its own Matcher (hashing encoder: the test's data
dir has no model folder).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from service.cli import main
from service.settings import Settings, get_settings
from tests.service import matching_world as mw

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def world_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return mw.fill(tmp_path_factory.mktemp("matching-cli"))


@pytest.fixture
def run(
    world_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[Run]:
    """``run("shortlist", "--vacancy", id)`` → (exit status, stdout, stderr)."""
    monkeypatch.setenv("WERKMATCH_DATABASE_URL", world_settings.database_url)
    monkeypatch.setenv("WERKMATCH_DATA_DIR", str(world_settings.data_dir))
    monkeypatch.setenv("WERKMATCH_MODEL_DIR", str(world_settings.model_dir))
    monkeypatch.setenv("WERKMATCH_TODAY", mw.TODAY.isoformat())
    get_settings.cache_clear()

    def call(*argv: str | Path) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return status, out, err

    yield call
    get_settings.cache_clear()


def _vacancy_with_matches_and_exclusions(run: Run) -> tuple[str, dict]:
    for vacancy_id in mw.world().open_vacancy_ids():
        status, out, _ = run("shortlist", "--vacancy", vacancy_id, "--top", "5", "--json")
        assert status == 0
        body = json.loads(out)
        if len(body["matches"]) == 5 and body["excluded"]["total"]:
            return vacancy_id, body
    raise AssertionError("no open vacancy with 5 matches and some knock-outs")


def test_shortlist_table_in_dutch_and_english(run: Run) -> None:
    vacancy_id, body = _vacancy_with_matches_and_exclusions(run)
    status, out, _ = run("shortlist", "--vacancy", vacancy_id, "--top", "5")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"Vacature {vacancy_id}: ")
    assert lines[1].split()[:3] == ["#", "kandidaat", "score"]
    rows = lines[2:-1]
    assert [row.split()[1] for row in rows] == [m["candidate_id"] for m in body["matches"]]
    assert rows[0].split()[2] == f"{body['matches'][0]['score']:.2f}".replace(".", ",")
    excluded = body["excluded"]
    assert re.fullmatch(rf"{excluded['total']} uitgesloten: \d+ \w+(, \d+ \w+)*", lines[-1])
    parts = dict(
        (word, int(n))
        for n, word in (part.split(" ", 1) for part in lines[-1].split(": ")[1].split(", "))
    )
    assert sum(parts.values()) == excluded["total"]

    status, out, _ = run("shortlist", "--vacancy", vacancy_id, "--top", "5", "--lang", "en")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"Vacancy {vacancy_id}: ")
    assert lines[1].split()[:3] == ["#", "candidate", "score"]
    assert lines[-1].startswith(f"{excluded['total']} excluded: ")


def test_shortlist_all_writes_one_line_per_open_vacancy(run: Run, tmp_path: Path) -> None:
    out_file = tmp_path / "all.jsonl"
    status, out, err = run(
        "shortlist", "--all", "--top", "3", "--format", "jsonl", "--out", out_file
    )
    assert status == 0
    assert out == ""
    lines = out_file.read_text(encoding="utf-8").splitlines()
    open_ids = mw.world().open_vacancy_ids()
    assert len(lines) == len(open_ids) > 0
    bodies = [json.loads(line) for line in lines]
    assert [b["vacancy_id"] for b in bodies] == open_ids
    for body in bodies:
        assert len(body["matches"]) <= 3
        assert body["excluded"]["total"] == sum(body["excluded"]["by_reason"].values())
        for match in body["matches"]:
            assert {"candidate_id", "rank", "score", "explanation"} <= set(match)
            assert 0.0 <= match["score"] <= 1.0
    assert f"{len(open_ids)}/{len(open_ids)} (100%)" in err
    assert not list(tmp_path.glob("*.tmp"))


def test_recommend_employers_and_paths(run: Run) -> None:
    candidate = next(c.id for c in mw.world().candidates[1:] if c.skills and c.work_history)
    status, out, _ = run("recommend", "--candidate", candidate, "--top", "3", "--json")
    assert status == 0
    body = json.loads(out)
    assert body["candidate_id"] == candidate
    assert len(body["matches"]) <= 3
    assert set(m["vacancy_id"] for m in body["matches"]) <= set(mw.world().open_vacancy_ids())

    status, out, _ = run("recommend", "--candidate", candidate, "--top", "3")
    assert status == 0
    assert out.splitlines()[0].startswith(f"Kandidaat {candidate}: ")
    assert re.match(r"(\d+ uitgesloten: |niemand uitgesloten)", out.splitlines()[-1])

    status, out, _ = run("employers", "--candidate", candidate, "--top", "4")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == f"Werkgevers om te benaderen voor {candidate}"
    assert len(lines) <= 2 + 4

    status, out, _ = run("paths", "--candidate", candidate, "--top", "4", "--json")
    assert status == 0
    paths = json.loads(out)
    assert len(paths) <= 4
    for path in paths:
        assert 0.0 < path["skill_overlap"] <= 1.0


@pytest.mark.parametrize(
    "argv",
    [
        ("shortlist", "--vacancy", "NOPE"),
        ("recommend", "--candidate", "NOPE"),
        ("employers", "--candidate", "NOPE"),
        ("paths", "--candidate", "NOPE"),
    ],
)
def test_unknown_id_is_exit_2_with_a_clear_message(run: Run, argv: tuple[str, ...]) -> None:
    status, out, err = run(*argv)
    assert status == 2
    assert out == ""
    assert "werkmatch: unknown" in err and "'NOPE'" in err


@pytest.mark.parametrize("top", ["0", "1001", "ten"])
def test_top_must_be_a_sensible_number(run: Run, top: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        run("shortlist", "--vacancy", "V1", "--top", top)
    assert stopped.value.code == 2


def test_no_output_contains_a_protected_value(run: Run) -> None:
    planted = mw.world().planted.id
    outputs = [run(cmd, "--candidate", planted, "--json")[1]
               for cmd in ("recommend", "employers", "paths")]  # fmt: skip
    for vacancy_id in mw.world().open_vacancy_ids()[:3]:
        outputs.append(run("shortlist", "--vacancy", vacancy_id, "--top", "100", "--json")[1])
    for text in outputs:
        for secret in mw.SECRET_WORDS:
            assert secret not in text


def test_demo_serves_with_the_data_s_date_as_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.cli import _serve, build_parser
    from service.synth import DEFAULT_REFERENCE_DATE

    served: list[Settings] = []
    monkeypatch.setattr(_serve, "serve", served.append)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'demo.db'}", data_dir=tmp_path)
    sizes = ["--candidates", "30", "--vacancies", "10", "--employers", "5", "--seed", "1"]
    args = build_parser().parse_args(["demo", "--dir", str(tmp_path / "demo"), *sizes])
    assert args.func(args, settings) == 0
    assert [s.today for s in served] == [DEFAULT_REFERENCE_DATE]
    # a date set in the settings wins
    fixed = Settings.model_validate({**settings.model_dump(), "today": "2030-01-01"})
    assert args.func(args, fixed) == 0
    assert served[-1].today.isoformat() == "2030-01-01"
