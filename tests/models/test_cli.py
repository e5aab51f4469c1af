"""``werkmatch train``, ``evaluate`` and ``models`` (in-process, the test's own data dir)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from service.settings import Settings
from tests.models.helpers import small_model

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def models_cli(cli: Cli, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """``werkmatch`` with ``WERKMATCH_DATA_DIR`` set to the test's tmp dir, and no text model
    folder (the hashing encoder: fast, and the same vectors everywhere)."""
    monkeypatch.setenv("WERKMATCH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("WERKMATCH_MODEL_DIR", str(settings.data_dir / "no-model"))
    return cli


@pytest.fixture
def rankers(settings: Settings) -> Path:
    root = settings.data_dir / "models" / "rankers"
    small_model("good", ndcg=(0.60, 0.55, 0.65), cold=0.3).save(root / "good")
    small_model("worse", ndcg=(0.40, 0.35, 0.45), cold=0.3).save(root / "worse")
    return root


def test_models_list_activate_rollback(models_cli: Cli, rankers: Path) -> None:
    status, out, _ = models_cli("models", "list")
    assert status == 0 and "good" in out and "worse" in out
    assert "cold-start scorer" in out
    status, out, _ = models_cli("models", "activate", "good", "--by", "ds-anna")
    assert status == 0 and "active model: good" in out
    status, out, _ = models_cli("models", "list", "--json")
    assert [e["id"] for e in json.loads(out) if e["active"]] == ["good"]
    status, _, err = models_cli("models", "activate", "worse", "--by", "ds-anna")
    assert status == 2 and "refused by the quality gate" in err
    status, _, err = models_cli("models", "activate", "worse", "--force")
    assert status == 2 and "needs a reason" in err
    status, out, _ = models_cli(
        "models", "activate", "worse", "--force", "--reason", "test the alarm", "--by", "ds-bram"
    )
    assert status == 0 and "forced past the quality gate" in out
    status, out, _ = models_cli("models", "history")
    assert "activate FORCED worse (was good) by ds-bram · test the alarm" in out
    status, out, _ = models_cli("models", "rollback", "--by", "ds-anna")
    assert status == 0 and "active model: good (was worse)" in out
    status, out, _ = models_cli("models", "show", "good")
    assert status == 0 and json.loads(out)["id"] == "good"
    status, _, err = models_cli("models", "show", "nope")
    assert status == 2 and "no model 'nope'" in err


@pytest.mark.slow
def test_train_then_evaluate_from_import_files(
    models_cli: Cli, settings: Settings, synth_dir: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(synth_dir, data)
    status, out, err = models_cli("train", "--data", data, "--until", "2025-07-01", "--seed", "0")
    assert status == 0, err
    assert "fit lambdamart shortlist" in err and "100%" in err  # the progress bar
    assert "validation · shortlist" in out and "cold-start" in out
    model_id = out.split()[1]
    folder = settings.data_dir / "models" / "rankers" / model_id
    assert (folder / "card.json").is_file()
    status, out, err = models_cli("train", "--data", data, "--until", "2025-07-01")
    assert status == 2 and "already exists" in err  # deterministic: same id again

    report = tmp_path / "report"
    status, out, err = models_cli(
        "evaluate", model_id, "--data", data, "--report", report, "--bootstrap", "200"
    )
    assert status == 0, err
    for words in (
        "shortlist · relevance from outcomes",
        "recommend · relevance from truth",
        "ndcg@10",
        "precision@5",
        "cold-start",
        "Δ",
    ):
        assert words in out
    assert {p.name for p in report.iterdir()} >= {
        "report.md",
        "metrics.json",
        "metrics.png",
        "scores.png",
        "importance.png",
    }


def test_train_needs_enough_history(models_cli: Cli, synth_dir: Path) -> None:
    status, _, err = models_cli("train", "--data", synth_dir, "--until", "2024-01-20")
    assert status == 2 and "too little to learn from" in err
