"""Dutch 4-digit postcodes (PC4) with a centroid, place, municipality (gemeente) and province.

werkmatch records hold a PC4 or PC6 postcode (``"9712"`` or ``"9712 CP"``); a PC6 is looked up
by its PC4 area, which is precise enough for travel-time estimates at the scale of a municipality.
The centroids come from GeoNames (2017 municipal boundaries); PC4 areas GeoNames lists once per
place are merged into one centroid (see ``features/_build_reference_data.py``).

The data are loaded on the first call of :func:`load_postcodes`::

    >>> postcodes = load_postcodes()
    >>> groningen, assen = postcodes.place("9712 CP"), postcodes.place("9401")
    >>> groningen.municipality, round(distance_km(groningen, assen))
    ('Groningen', 25)
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from features._identifiers import normalise_postcode
from features.data import read_json
from features.errors import UnknownEntityError

__all__ = ["EARTH_RADIUS_KM", "Place", "Postcodes", "distance_km", "load_postcodes"]

logger = logging.getLogger(__name__)

#: Mean Earth radius (IUGG), used for great-circle distances.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Place:
    """A PC4 area: its centroid (WGS84 degrees) and the place, municipality and province."""

    pc4: str
    lat: float
    lon: float
    place: str
    municipality: str
    province: str


def distance_km(a: Place, b: Place) -> float:
    """Great-circle (haversine) distance between two centroids, in kilometres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _pc4(postcode: str) -> str:
    """The PC4 part of a PC4 or PC6 postcode; :class:`UnknownEntityError` if it is neither."""
    try:
        return normalise_postcode(postcode)[:4]
    except ValueError as exc:
        raise UnknownEntityError(str(exc)) from None


class Postcodes:
    """Lookup of PC4 areas by postcode and by municipality, and distances between them."""

    def __init__(self, places: Iterable[Place]) -> None:
        self._places = tuple(sorted(places, key=lambda p: p.pc4))
        self._by_pc4 = {place.pc4: place for place in self._places}
        self._index = {place.pc4: i for i, place in enumerate(self._places)}
        by_municipality: dict[str, list[Place]] = {}
        for place in self._places:
            by_municipality.setdefault(place.municipality.casefold(), []).append(place)
        self._by_municipality = {name: tuple(ps) for name, ps in by_municipality.items()}
        self._degrees = np.array([[p.lat, p.lon] for p in self._places], dtype=np.float64).reshape(
            -1, 2
        )
        self._radians = np.radians(self._degrees)

    def __repr__(self) -> str:
        return f"Postcodes({len(self._places)} PC4 areas)"

    def place(self, postcode: str) -> Place:
        """The PC4 area of a PC4 (``"9712"``) or PC6 (``"9712 CP"``, ``"9712cp"``) postcode.

        Raises :class:`UnknownEntityError` when the postcode is malformed or not known.
        """
        pc4 = _pc4(postcode)
        try:
            return self._by_pc4[pc4]
        except KeyError:
            raise UnknownEntityError(f"unknown postcode area {pc4!r} (from {postcode!r})") from None

    def knows(self, postcode: str) -> bool:
        """Whether ``postcode`` is well-formed and its PC4 area is known."""
        try:
            return _pc4(postcode) in self._by_pc4
        except UnknownEntityError:
            return False

    def in_municipality(self, name: str) -> tuple[Place, ...]:
        """The PC4 areas of a municipality (gemeente), name matched case-insensitively, ordered
        by PC4. Raises :class:`UnknownEntityError` when no area carries that name."""
        places = self._by_municipality.get(name.strip().casefold())
        if not places:
            raise UnknownEntityError(f"unknown municipality {name!r}")
        return places

    def within_km(self, postcode: str, km: float) -> tuple[Place, ...]:
        """The PC4 areas whose centroid lies within ``km`` of the postcode's centroid, the area
        itself included, nearest first (ties by PC4)."""
        if not km >= 0:
            raise ValueError(f"km must be zero or more, not {km!r}")
        origin = self._index[self.place(postcode).pc4]
        distances = self._distances_from(self._radians[origin])
        chosen = np.flatnonzero(distances <= km)
        order = chosen[np.argsort(distances[chosen], kind="stable")]
        return tuple(self._places[i] for i in order)

    def all(self) -> Sequence[Place]:
        """Every PC4 area, ordered by PC4."""
        return self._places

    def coordinates(self, postcodes: Sequence[str]) -> np.ndarray:
        """``(n, 2)`` array of centroid latitude/longitude in degrees for PC4 or PC6 postcodes,
        for vectorised distance work; rows of unknown or malformed postcodes are NaN."""
        out = np.full((len(postcodes), 2), np.nan)
        for row, postcode in enumerate(postcodes):
            if self.knows(postcode):
                out[row] = self._degrees[self._index[_pc4(postcode)]]
        return out

    def _distances_from(self, origin: np.ndarray) -> np.ndarray:
        lat, lon = self._radians[:, 0], self._radians[:, 1]
        h = (
            np.sin((lat - origin[0]) / 2) ** 2
            + np.cos(origin[0]) * np.cos(lat) * np.sin((lon - origin[1]) / 2) ** 2
        )
        distances: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
        return distances


@cache
def load_postcodes() -> Postcodes:
    """The shipped PC4 centroids (GeoNames), loaded once on the first call.

    Raises :class:`~features.errors.ArtifactError` when the shipped file is missing or altered.
    """
    payload = read_json("pc4_centroids.json.gz")
    postcodes = Postcodes(
        Place(pc4=pc4, lat=lat, lon=lon, place=place, municipality=municipality, province=province)
        for pc4, lat, lon, place, municipality, province in payload["rows"]
    )
    logger.debug("loaded %r", postcodes)
    return postcodes
