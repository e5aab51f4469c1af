"""notebooks/retrain.ipynb runs top to bottom on a small synthetic municipality."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from models.registry import ModelRegistry

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "retrain.ipynb"


def test_the_notebook_holds_no_library_code() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    sources = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "\ndef " not in sources and "\nclass " not in sources
    assert "from models" in sources and "from service import ranking" in sources
    tags = [c.metadata.get("tags", []) for c in notebook.cells if c.cell_type == "code"]
    assert tags[0] == ["parameters"]


@pytest.mark.slow
def test_the_notebook_runs_top_to_bottom(
    synth_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    shutil.copytree(synth_dir, data)
    monkeypatch.setenv("WERKMATCH_NOTEBOOK_DATA", str(data))
    monkeypatch.setenv("WERKMATCH_NOTEBOOK_UNTIL", "2025-07-01")
    monkeypatch.setenv("WERKMATCH_NOTEBOOK_BOOTSTRAP", "100")
    monkeypatch.setenv("WERKMATCH_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("WERKMATCH_MODEL_DIR", str(tmp_path / "no-model"))  # hashing encoder
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parents[1])}},
    )
    client.execute()
    outputs = "\n".join(
        str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )
    assert "training cut-off: 2025-07-01" in outputs
    assert "validation · shortlist" in outputs and "relevance from truth" in outputs
    registry = ModelRegistry(tmp_path / "var" / "models" / "rankers")
    assert len(registry.ids()) == 1
    assert ("active model:" in outputs) or ("not activated:" in outputs)
    assert (tmp_path / "var" / "reports" / registry.ids()[0] / "report.md").is_file()
