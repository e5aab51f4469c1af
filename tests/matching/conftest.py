"""Fixtures of the mini world (see ``world.py``): its taxonomy and ready Matchers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from features.embedding import HashingEncoder
from features.postcodes import Postcodes, load_postcodes
from features.taxonomy import Taxonomy
from matching.matcher import Matcher
from tests.matching import mini_world as world


@pytest.fixture(scope="session")
def mini_taxonomy() -> Taxonomy:
    return world.make_taxonomy()


@pytest.fixture(scope="session")
def postcodes() -> Postcodes:
    return load_postcodes()


@pytest.fixture(scope="session")
def build_world(mini_taxonomy: Taxonomy, postcodes: Postcodes) -> Callable[..., Matcher]:
    """``build_world(candidates=..., ...)``: a fresh Matcher over the mini world (or parts)."""

    def build(**overrides: object) -> Matcher:
        parts: dict[str, object] = {
            "candidates": world.make_candidates(),
            "vacancies": world.make_vacancies(),
            "employers": world.make_employers(),
            "outcomes": world.make_outcomes(),
            "taxonomy": mini_taxonomy,
            "postcodes": postcodes,
            "encoder": HashingEncoder(),
            "today": world.TODAY,
        }
        parts.update(overrides)
        return Matcher.build(**parts)  # type: ignore[arg-type]

    return build


@pytest.fixture(scope="module")
def matcher(build_world: Callable[..., Matcher]) -> Matcher:
    """The mini world, built once per test module; tests must not change it."""
    return build_world()
