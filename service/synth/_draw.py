"""Seeded random streams and the few drawing helpers the generator modules share.

Every part of the generator gets its own stream, derived from the seed and the part's name with
SHA-256 (never Python's salted ``hash``), so adding candidates does not reshuffle the vacancies
and the same seed always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")

__all__ = ["chance", "numpy_stream", "pick", "stream", "weighted"]


def _derive(seed: int, name: str) -> int:
    digest = hashlib.sha256(f"werkmatch-synth:{seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def stream(seed: int, name: str) -> random.Random:
    """A :class:`random.Random` for one named part of the generator."""
    return random.Random(_derive(seed, name))


def numpy_stream(seed: int, name: str) -> np.random.Generator:
    """A numpy :class:`~numpy.random.Generator` for one named part of the generator."""
    return np.random.default_rng(_derive(seed, name))


def chance(rng: random.Random, probability: float) -> bool:
    """True with the given probability."""
    return rng.random() < probability


def pick(rng: random.Random, options: Sequence[T]) -> T:
    """One option, uniformly."""
    return options[rng.randrange(len(options))]


def weighted(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    """One option drawn with the weight paired to it."""
    total = sum(weight for _, weight in options)
    point = rng.random() * total
    for option, weight in options:
        point -= weight
        if point < 0:
            return option
    return options[-1][0]
