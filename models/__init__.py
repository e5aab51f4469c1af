"""Ranking models: training, evaluation, fairness audit, artifacts with model cards, registry."""
