"""Where people live and work: postcodes in and around the municipality, and travel times.

Clients of a municipality live inside it (plus the villages just around it, for municipalities
that merged since the 2017 boundaries of the postcode data); employers sit in the municipality
or within commuting distance. Travel times for the hidden truth come from a deliberately simple
model of our own (straight line times a detour factor, a speed per mode, no public transport
before 06:30), independent of whatever travel model a ranker uses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from features.postcodes import Place, Postcodes
from features.vocabulary import TransportMode
from service.synth._draw import chance, pick

__all__ = ["EARLY_START_MINUTES", "Area", "TravelModel"]

_PC6_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
_FORBIDDEN_PC6 = frozenset({"SA", "SD", "SS"})  # not used in Dutch postcodes

EARLY_START_MINUTES = 6 * 60 + 30
"""Shifts starting before 06:30 cannot be reached by public transport (it barely runs yet)."""


class Area:
    """The municipality's postcodes and the region around it."""

    def __init__(self, postcodes: Postcodes, municipality: str) -> None:
        self.postcodes = postcodes
        self.home = postcodes.in_municipality(municipality)  # UnknownEntityError if unknown
        self.municipality = self.home[0].municipality
        lat = sum(p.lat for p in self.home) / len(self.home)
        lon = sum(p.lon for p in self.home) / len(self.home)
        self.centre = min(self.home, key=lambda p: ((p.lat - lat) ** 2 + (p.lon - lon) ** 2, p.pc4))
        home_codes = {p.pc4 for p in self.home}
        self.fringe = tuple(
            p for p in postcodes.within_km(self.centre.pc4, 10) if p.pc4 not in home_codes
        )
        self.region = tuple(
            p for p in postcodes.within_km(self.centre.pc4, 30) if p.pc4 not in home_codes
        )

    def home_place(self, rng: random.Random) -> Place:
        """Where a client lives: inside the municipality, now and then just outside it."""
        if self.fringe and chance(rng, 0.08):
            return pick(rng, self.fringe)
        return pick(rng, self.home)

    def business_place(self, rng: random.Random) -> Place:
        """Where an employer or a workplace is: mostly in the municipality, else in the region."""
        if self.region and chance(rng, 0.3):
            return pick(rng, self.region)
        return pick(rng, self.home)

    @staticmethod
    def postcode(rng: random.Random, place: Place, pc6_share: float) -> str:
        """The PC4 of ``place``, or with ``pc6_share`` probability a PC6 inside it."""
        if not chance(rng, pc6_share):
            return place.pc4
        while True:
            letters = pick(rng, _PC6_LETTERS) + pick(rng, _PC6_LETTERS)
            if letters not in _FORBIDDEN_PC6:
                return place.pc4 + letters


def _haversine_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(a) for a in (lat1, lon1, lat2, lon2))
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


@dataclass(frozen=True, slots=True)
class TravelModel:
    """Door-to-door minutes per mode from PC4 centroids (the truth's own, simple model).

    Road distance is the straight line times ``detour``; inside one PC4 area it is
    ``same_area_km``. Minutes are a fixed start-up time plus minutes per km.
    """

    detour: float = 1.3
    same_area_km: float = 1.0
    walk: tuple[float, float] = (0.0, 12.0)  # (fixed minutes, minutes per km): 5 km/h
    bike: tuple[float, float] = (3.0, 4.0)  # 15 km/h
    moped: tuple[float, float] = (3.0, 2.4)  # 25 km/h
    public_transport: tuple[float, float] = (12.0, 2.5)  # waiting and walking included
    car: tuple[float, float] = (5.0, 1.3)
    transfer_km: float = 15.0
    transfer_minutes: float = 10.0

    def road_km(
        self, lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
    ) -> np.ndarray:
        """Road distance in km between centroids (vectorised)."""
        straight = _haversine_km(lat1, lon1, lat2, lon2)
        return np.where(straight < 0.05, self.same_area_km, straight * self.detour)

    def minutes(
        self, km: np.ndarray, modes: dict[TransportMode, np.ndarray], early_start: np.ndarray
    ) -> np.ndarray:
        """Fastest usable minutes per pair; ``inf`` where no mode is usable.

        ``modes`` maps each mode to a boolean array saying whether the person can use it (the
        car only with a licence). Public transport is unusable for an ``early_start``.
        """
        best = np.full(km.shape, np.inf)
        for mode, (fixed, per_km) in (
            (TransportMode.WALK, self.walk),
            (TransportMode.BIKE, self.bike),
            (TransportMode.MOPED, self.moped),
            (TransportMode.CAR, self.car),
            (TransportMode.PUBLIC_TRANSPORT, self.public_transport),
        ):
            usable = modes[mode]
            minutes = fixed + per_km * km
            if mode is TransportMode.PUBLIC_TRANSPORT:
                minutes = minutes + np.where(km > self.transfer_km, self.transfer_minutes, 0.0)
                usable = usable & ~early_start
            best = np.where(usable, np.minimum(best, minutes), best)
        return best
