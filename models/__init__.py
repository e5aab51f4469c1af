"""Ranking models: labels from outcomes, rankers, training, evaluation, artifacts, registry.

- :mod:`models.labels`: graded relevance per pair from the outcome history (time cut-off);
- :mod:`models.propensity`: position-bias correction (inverse propensity by shown rank);
- :mod:`models.dataset`, :mod:`models.sets`: pair features for training and evaluation;
- :mod:`models.rankers`: LambdaMART and pointwise LightGBM rankers (estimators and scorers);
- :mod:`models.ranking_model`: a trained model, one ranker per direction, with its card;
- :mod:`models.training`: the training recipe; :mod:`models.evaluation`: metrics and reports;
- :mod:`models.artifacts`: the one way models are saved and loaded (card + checksums);
- :mod:`models.registry`: stored models, the active one, the quality gate, the history.

See ``models/README.md`` for the choices and why. ``models`` never imports ``matching`` or
``service``: the cold-start scorer and the knock-out rule are passed in.
"""

from models.artifacts import FORMAT_VERSION, open_artifact, write_artifact
from models.labels import GRADES, PairLabels, label_outcomes
from models.propensity import PositionPropensity, estimate_propensity
from models.rankers import LambdaMARTRanker, PointwiseRanker
from models.ranking_model import DIRECTIONS, RankingModel
from models.registry import ActiveModel, ModelRegistry, QualityGateError

__all__ = [
    "DIRECTIONS",
    "FORMAT_VERSION",
    "GRADES",
    "ActiveModel",
    "LambdaMARTRanker",
    "ModelRegistry",
    "PairLabels",
    "PointwiseRanker",
    "PositionPropensity",
    "QualityGateError",
    "RankingModel",
    "estimate_propensity",
    "label_outcomes",
    "open_artifact",
    "write_artifact",
]
