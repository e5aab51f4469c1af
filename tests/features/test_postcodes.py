"""The shipped PC4 centroids: known answers from the real GeoNames data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from features.errors import UnknownEntityError
from features.postcodes import Place, Postcodes, distance_km, load_postcodes


@pytest.fixture(scope="module")
def postcodes() -> Postcodes:
    return load_postcodes()


def test_counts(postcodes: Postcodes) -> None:
    # 4,304 source rows, 4,064 distinct PC4 after merging duplicates
    assert len(postcodes.all()) == 4064
    assert [p.pc4 for p in postcodes.all()] == sorted(p.pc4 for p in postcodes.all())
    assert load_postcodes() is postcodes


def test_pc4_and_pc6_give_the_same_place(postcodes: Postcodes) -> None:
    expected = Place("9712", 53.2215, 6.5628, "Groningen", "Groningen", "Groningen")
    assert postcodes.place("9712") == expected
    assert postcodes.place("9712 CP") == expected
    assert postcodes.place("9712cp") == expected
    assert postcodes.knows("9712 CP")


def test_unknown_or_malformed_postcodes(postcodes: Postcodes) -> None:
    for bad in ("0123", "12345", "9712 C", "Groningen", ""):
        assert not postcodes.knows(bad)
        with pytest.raises(UnknownEntityError):
            postcodes.place(bad)


def test_duplicate_pc4_is_merged(postcodes: Postcodes) -> None:
    # GeoNames lists 9489 twice (Assen 53.0167/6.5453, Zeijerveen 53.0135/6.521): averaged,
    # and the place named like the municipality wins the tie
    merged = postcodes.place("9489")
    assert (merged.lat, merged.lon) == (53.0151, 6.53315)
    assert (merged.place, merged.municipality, merged.province) == ("Assen", "Assen", "Drenthe")


def test_municipality(postcodes: Postcodes) -> None:
    groningen = postcodes.in_municipality("groningen")
    assert "9712" in {p.pc4 for p in groningen}
    assert "9401" not in {p.pc4 for p in groningen}
    assert all(p.municipality == "Groningen" for p in groningen)
    assert postcodes.in_municipality(" GRONINGEN ") == groningen
    with pytest.raises(UnknownEntityError):
        postcodes.in_municipality("Atlantis")


def test_distance_groningen_assen(postcodes: Postcodes) -> None:
    groningen, assen = postcodes.place("9712"), postcodes.place("9401")
    # 53.2215/6.5628 to 52.9936/6.5621: 0.2279 degrees of latitude, almost due south
    assert 25.30 < distance_km(groningen, assen) < 25.38
    assert distance_km(groningen, assen) == pytest.approx(distance_km(assen, groningen))
    assert distance_km(groningen, groningen) == 0.0


def test_within_km(postcodes: Postcodes) -> None:
    near = postcodes.within_km("9712 CP", 1.5)
    assert near[0].pc4 == "9712"
    origin = postcodes.place("9712")
    distances = [distance_km(origin, p) for p in near]
    assert distances == sorted(distances)
    assert all(d <= 1.5 for d in distances)
    outside = set(postcodes.all()) - set(near)
    assert all(distance_km(origin, p) > 1.5 for p in outside)
    assert "9401" not in {p.pc4 for p in postcodes.within_km("9712", 25.0)}
    assert "9401" in {p.pc4 for p in postcodes.within_km("9712", 25.5)}
    with pytest.raises(ValueError):
        postcodes.within_km("9712", -1)


def test_coordinates(postcodes: Postcodes) -> None:
    coords = postcodes.coordinates(["9712 CP", "0000", "9401"])
    assert coords.shape == (3, 2)
    assert coords[0].tolist() == [53.2215, 6.5628]
    assert np.isnan(coords[1]).all()
    assert coords[2].tolist() == [52.9936, 6.5621]


def test_all_centroids_lie_in_the_netherlands(postcodes: Postcodes) -> None:
    assert all(50.7 < p.lat < 53.6 and 3.3 < p.lon < 7.3 for p in postcodes.all())
    assert all(p.place and p.municipality and p.province for p in postcodes.all())


def test_tiny_postcodes_from_plain_data() -> None:
    a = Place("1000", 52.0, 5.0, "A", "Aa", "P")
    b = Place("2000", 52.0, 6.0, "B", "Bb", "P")
    tiny = Postcodes([b, a])
    assert [p.pc4 for p in tiny.all()] == ["1000", "2000"]
    # one degree of longitude at 52° N: 2*pi*R/360 * cos(52°) ≈ 68.5 km
    expected = math.radians(1.0) * 6371.0088 * math.cos(math.radians(52.0))
    assert distance_km(a, b) == pytest.approx(expected, rel=1e-3)
    assert tiny.within_km("1000", 60) == (a,)
