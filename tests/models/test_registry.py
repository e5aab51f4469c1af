"""The registry: quality gate, forced activation with who/why, rollback, live reload."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from features.errors import ArtifactError, UnknownEntityError
from models.registry import ActiveModel, ModelRegistry, QualityGateError, quality_gate
from tests.models.helpers import small_model


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four saved models; the cold start scores 0.30 on their validation windows except for
    ``below-cold`` (0.60)."""
    root = tmp_path_factory.mktemp("stored")
    small_model("good", ndcg=(0.60, 0.55, 0.65), cold=0.3).save(root / "good")
    small_model("worse", ndcg=(0.40, 0.35, 0.45), cold=0.3).save(root / "worse")
    small_model("close", ndcg=(0.58, 0.50, 0.66), cold=0.3).save(root / "close")
    small_model("below-cold", ndcg=(0.40, 0.35, 0.45), cold=0.6).save(root / "below-cold")
    return root


@pytest.fixture
def registry(stored: Path, tmp_path: Path) -> ModelRegistry:
    shutil.copytree(stored, tmp_path / "rankers")
    return ModelRegistry(tmp_path / "rankers")


def test_lists_stored_models_and_ignores_other_folders(registry: ModelRegistry) -> None:
    (registry.root.parent / "multilingual-e5-small").mkdir()
    (registry.root / "not-a-model").mkdir()
    assert registry.ids() == ["below-cold", "close", "good", "worse"]
    assert registry.active_id() is None
    entry = next(e for e in registry.entries() if e["id"] == "good")
    assert entry["ndcg@10"]["value"] == 0.60 and entry["active"] is False
    with pytest.raises(UnknownEntityError):
        registry.card("nope")
    with pytest.raises(UnknownEntityError):
        registry.path("../good")


def test_gate_refuses_a_worse_model(registry: ModelRegistry) -> None:
    registry.activate("good", by="ds-anna")
    with pytest.raises(QualityGateError, match="worse than the active model good"):
        registry.activate("worse", by="ds-anna")
    assert registry.active_id() == "good"
    # within the confidence interval is not worse
    activation = registry.activate("close", by="ds-anna")
    assert activation.gate is not None and activation.gate["passed"] is True
    assert registry.active_id() == "close"


def test_without_an_active_model_the_gate_compares_with_the_cold_start(
    registry: ModelRegistry,
) -> None:
    with pytest.raises(QualityGateError, match="worse than the cold-start scorer"):
        registry.activate("below-cold", by="ds-anna")
    assert registry.activate("worse", by="ds-anna").model == "worse"  # cold start 0.3: fine


def test_forced_activation_needs_a_reason_and_is_recorded(registry: ModelRegistry) -> None:
    registry.activate("good", by="ds-anna")
    with pytest.raises(QualityGateError, match="needs a reason"):
        registry.activate("worse", by="ds-bram", force=True)
    activation = registry.activate(
        "worse", by="ds-bram", force=True, reason="incident 42: the good model ranks a group low"
    )
    assert activation.forced and activation.gate is not None and not activation.gate["passed"]
    assert registry.active_id() == "worse"
    last = registry.history()[-1]
    assert last["action"] == "activate" and last["model"] == "worse"
    assert last["previous"] == "good"
    assert last["by"] == "ds-bram" and last["forced"] is True
    assert last["reason"] == "incident 42: the good model ranks a group low"
    assert last["at"].startswith("20")
    lines = (registry.root / "history.jsonl").read_text().splitlines()
    assert [json.loads(line)["model"] for line in lines] == ["good", "worse"]


def test_rollback_restores_the_previous_model(registry: ModelRegistry) -> None:
    registry.activate("good", by="a")
    registry.activate("close", by="b")
    assert registry.rollback(by="c").model == "good"
    assert registry.active_id() == "good"
    assert registry.rollback(by="c").model is None  # back to the cold start
    assert registry.active_id() is None
    with pytest.raises(QualityGateError, match="nothing to roll back"):
        registry.rollback(by="c")
    assert [h["action"] for h in registry.history()] == [
        "activate",
        "activate",
        "rollback",
        "rollback",
    ]


def test_a_tampered_model_is_never_activated(registry: ModelRegistry) -> None:
    path = registry.root / "good" / "shortlist.txt"
    data = bytearray(path.read_bytes())
    data[-20] = (data[-20] + 1) % 256
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="checksum"):
        registry.activate("good", by="a")
    assert registry.active_id() is None


def test_the_active_model_is_picked_up_without_a_restart(registry: ModelRegistry) -> None:
    seen: list[str | None] = []
    active = ActiveModel(registry, on_change=lambda m: seen.append(m.id if m else None))
    assert active.current() is None
    registry.activate("good", by="a")
    model = active.current()
    assert model is not None and model.id == "good"
    assert active.current() is model  # unchanged pointer: no reload
    registry.activate("close", by="a")
    assert active.current().id == "close"  # type: ignore[union-attr]
    registry.rollback(by="a")
    assert active.current().id == "good"  # type: ignore[union-attr]
    assert seen == ["good", "close", "good"]


def test_add_copies_a_verified_artifact(registry: ModelRegistry, tmp_path: Path) -> None:
    folder = small_model("elsewhere").save(tmp_path / "out" / "elsewhere")
    assert registry.add(folder) == "elsewhere"
    assert registry.add(folder) == "elsewhere"  # identical: nothing to do
    assert registry.load("elsewhere").id == "elsewhere"


def test_gate_without_metrics_fails_closed() -> None:
    decision = quality_gate({"id": "x", "metrics": {}}, None)
    assert not decision.passed and "no validation" in decision.reason
