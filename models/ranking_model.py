"""A trained ranking model: one ranker per direction, its model card, saved as one artifact.

:class:`RankingModel` is what training produces, the registry stores and the service uses:

- ``shortlist``: the ranker trained with one group per vacancy (candidates for a vacancy);
- ``recommend``: its counterpart with one group per candidate (vacancies for a candidate).

It implements the :class:`~matching.scoring.Scorer` protocol itself through the ``shortlist``
ranker (``name`` is the model id, so every shortlist says which model ranked it), and
:meth:`RankingModel.for_direction` gives the scorer of either direction.

Artifact layout (through :mod:`models.artifacts`)::

    card.json                     model card (see models/README.md)
    shortlist.txt, shortlist.json LightGBM text model + calibration/parameters
    recommend.txt, recommend.json
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from features.errors import ArtifactError
from models.artifacts import open_artifact, write_artifact
from models.rankers import ranker_from_artifact

__all__ = ["DIRECTIONS", "RankingModel"]

DIRECTIONS = ("shortlist", "recommend")
"""``shortlist``: candidates for a vacancy; ``recommend``: vacancies for a candidate."""


class RankingModel:
    """Rankers per direction plus the card (module docstring)."""

    def __init__(self, rankers: Mapping[str, Any], card: Mapping[str, Any]) -> None:
        missing = [d for d in DIRECTIONS if d not in rankers]
        if missing:
            raise ValueError(f"a ranking model needs a ranker per direction; missing {missing}")
        self.rankers = dict(rankers)
        self.card: dict[str, Any] = dict(card)
        names = {tuple(r.feature_names) for r in self.rankers.values()}
        if len(names) != 1:
            raise ValueError("the rankers of one model must read the same features")
        self.feature_names: tuple[str, ...] = names.pop()
        self.name: str = str(self.card.get("id") or self.card.get("name") or "ranker")

    def __repr__(self) -> str:
        return f"RankingModel({self.name!r})"

    @property
    def id(self) -> str:
        return self.name

    def for_direction(self, direction: str) -> Any:
        """The scorer for ``shortlist`` or ``recommend``."""
        try:
            return self.rankers[direction]
        except KeyError:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}") from None

    def score(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """Scores in [0, 1] from the ``shortlist`` ranker."""
        result: NDArray[np.float64] = self.rankers["shortlist"].score(X)
        return result

    def contributions(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """Per-feature parts of :meth:`score`; each row adds up to the score exactly."""
        result: NDArray[np.float64] = self.rankers["shortlist"].contributions(X)
        return result

    def save(self, directory: Path) -> Path:
        """Write the model as an artifact directory (card + checksummed files)."""
        files: dict[str, tuple[str, bytes]] = {}
        for direction in DIRECTIONS:
            files.update(self.rankers[direction].to_files(direction))
        card = dict(self.card)
        card["feature_names"] = list(self.feature_names)
        card["directions"] = {
            d: {"ranker": self.rankers[d].kind, "files": [f"{d}.txt", f"{d}.json"]}
            for d in DIRECTIONS
        }
        return write_artifact(Path(directory), card, files)

    @classmethod
    def load(cls, directory: Path) -> RankingModel:
        """Load a saved model; the format version and every checksum are verified before any
        model file is parsed (:func:`models.artifacts.open_artifact`)."""
        artifact = open_artifact(Path(directory))
        if artifact.card.get("kind") != "ranking-model":
            raise ArtifactError(f"{directory} holds a {artifact.card.get('kind')!r}, not a model")
        rankers = {d: ranker_from_artifact(artifact, d) for d in DIRECTIONS}
        model = cls(rankers, artifact.card)
        for ranker in rankers.values():
            ranker.name = model.name
        return model
