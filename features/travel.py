"""Travel time between postcodes, per transport mode, with the rules a consultant applies.

PRODUCT.md: travel time, not straight-line distance, decides whether a job is within reach, and a
job 25 km away with a 05:30 start is out of reach without a car because public transport (openbaar
vervoer, OV) is not running yet. This module turns two postcodes into minutes per mode and says,
per mode, whether the person can use it (licence, timetable) and whether it fits their maximum.

The model here, :class:`CentroidTravelModel`, is deliberately simple: the great-circle distance
between the two PC4 centroids (``features.postcodes``), stretched by a detour factor per mode and
converted to minutes with the speeds and overheads in :class:`TravelAssumptions`. Every number is
written down there with its reasoning. It sits behind the :class:`TravelTimeModel` protocol so a
real routing engine (OpenTripPlanner, a 9292/OSRM export) can replace it without touching callers.

Scalar API (one pair, with reasons for explanations)::

    model = load_travel_model()
    model.options("9712", "9401", [TransportMode.BIKE, TransportMode.CAR], licences=["B"],
                  shift_start=time(5, 30), max_minutes=45)
    model.best("9712", "9401", [TransportMode.BIKE], max_minutes=45)   # fastest usable mode

Batched API (numpy; one vacancy against every candidate, or one candidate against every vacancy):

- :meth:`CentroidTravelModel.minutes_many` - minutes per origin for one mode (``inf`` where the
  mode cannot be used at that shift). Licences are not checked: it knows modes, not people.
- :meth:`CentroidTravelModel.travellers` / :meth:`~CentroidTravelModel.travellers_from` build a
  :class:`Travellers` table once (PC4 row, usable modes after the licence rule, maximum minutes);
  :meth:`~CentroidTravelModel.sites` / :meth:`~CentroidTravelModel.sites_from` build a
  :class:`Sites` table of workplaces with their shift times.
- :meth:`CentroidTravelModel.best_minutes_many` - the fastest usable mode of every traveller to one
  destination (shortlist for a vacancy: build ``Travellers`` once, call this per vacancy).
- :meth:`CentroidTravelModel.best_minutes_pairs` - the same for aligned pairs, broadcasting a
  length-1 side (recommendations for a candidate: build ``Sites`` once, pass the candidate as a
  one-row ``Travellers``).

Both batched paths compute exactly what the scalar path computes (same numpy code), so a shortlist
and its explanation never disagree.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from features.errors import UnknownEntityError
from features.postcodes import EARTH_RADIUS_KM, Postcodes, load_postcodes
from features.records import Candidate, Vacancy
from features.vocabulary import TransportMode

__all__ = [
    "CAR_LICENCES",
    "MODES",
    "MOPED_LICENCES",
    "NO_LICENCE",
    "PT_NOT_RUNNING",
    "TOO_FAR",
    "BestTravel",
    "CentroidTravelModel",
    "Sites",
    "TravelAssumptions",
    "TravelOption",
    "TravelReason",
    "TravelTimeModel",
    "Travellers",
    "licence_allows",
    "load_travel_model",
]

logger = logging.getLogger(__name__)

MODES: tuple[TransportMode, ...] = tuple(TransportMode)
"""Column order of every mode matrix in this module (and tie-break order of equal times)."""
_MODE_COLUMN = {mode: j for j, mode in enumerate(MODES)}

# Licence categories that allow driving a car (personenauto): B itself and every category that
# can only be held on top of B. Mopeds (bromfiets/snorfiets, category AM) may also be ridden with
# any motorcycle licence (A1, A2, A) or a car licence: Dutch licences A and B include AM.
CAR_LICENCES: frozenset[str] = frozenset(
    {"B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE"}
)
MOPED_LICENCES: frozenset[str] = frozenset({"AM", "A1", "A2", "A"}) | CAR_LICENCES
_LICENCE_NEEDED = {TransportMode.CAR: CAR_LICENCES, TransportMode.MOPED: MOPED_LICENCES}

_DAY = 24 * 60


class TravelReason(StrEnum):
    """Why a mode is not usable or not reachable: language-neutral codes for explanations.

    The values are stable codes; the matching layer words them for users (Dutch first).
    :attr:`TravelOption.detail` carries an English sentence with the specifics.
    """

    NO_LICENCE = "no_licence"  # car needs B (or BE, C, D...); moped needs AM, A or B
    PT_NOT_RUNNING = "pt_not_running"  # the trip to or from the shift falls outside 06:00-00:30
    TOO_FAR = "too_far"  # usable, but longer than the person's maximum travel time


NO_LICENCE = TravelReason.NO_LICENCE
PT_NOT_RUNNING = TravelReason.PT_NOT_RUNNING
TOO_FAR = TravelReason.TOO_FAR


def licence_allows(mode: TransportMode, licences: Iterable[str]) -> bool:
    """Whether someone holding ``licences`` may use ``mode`` (only car and moped need one)."""
    needed = _LICENCE_NEEDED.get(mode)
    return needed is None or any(code.strip().upper() in needed for code in licences)


Bands = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class TravelAssumptions:
    """Every number the centroid model uses, with why. Judgement-based averages, not timetables.

    Distance: the great-circle distance between PC4 centroids, at least ``intra_pc4_km`` (two
    addresses in the same or a neighbouring PC4 are not 0 km apart: an urban PC4 covers about
    1-2 km², where the mean distance between two random points is 0.5-0.75 km; rural ones are far
    larger, so 1 km is a middle value). Road or path distance = that x the mode's detour factor
    (route factor). Road networks in the Netherlands are dense; published route factors lie
    around 1.2-1.4, lower for bike and foot (shortcuts, dense cycle network) than for car, and
    higher for public transport (lines do not run straight).

    Speeds are door-to-door averages including lights and junctions:

    - walk 4.8 km/h: the usual planning value for adults (about 80 m a minute);
    - bike 15 km/h: Dutch studies find average cycling speeds of 15-18 km/h; we take the low end
      because many clients ride old bikes, not e-bikes; plus 1 minute to unlock and park;
    - moped 30 km/h: a snorfiets is capped at 25 km/h, a bromfiets at 30 km/h inside built-up
      areas and 45 km/h outside; 30 is a conservative mix; plus 2 minutes start/park;
    - car: a speed profile over road distance (the first km at urban speed, then regional roads,
      then motorway), so long trips are faster per km; plus 5 minutes to walk to the car, start,
      find parking and walk to the door;
    - public transport door to door = walk to the stop + first waiting time + in-vehicle time
      (a speed profile: city bus for the first km, regional bus / stopping train, then intercity)
      + a transfer penalty growing with distance (expected transfers = road km /
      ``pt_km_per_transfer``, capped) + walk from the stop.

    Public transport runs from ``pt_first_departure`` (06:00) to ``pt_last_departure`` (00:30):
    every departure (to work: shift start minus travel time; home: the shift end) must fall in
    that window; a shift ending overnight (after 00:30, before 06:00) has no trip home.

    Speed bands are ``((up_to_road_km, km_per_hour), ...)`` with increasing limits; the last limit
    must be ``inf``.
    """

    walk_kmh: float = 4.8
    bike_kmh: float = 15.0
    moped_kmh: float = 30.0
    car_bands: Bands = ((3.0, 25.0), (15.0, 50.0), (math.inf, 85.0))
    pt_bands: Bands = ((3.0, 18.0), (15.0, 40.0), (math.inf, 75.0))
    detour_walk: float = 1.25
    detour_bike: float = 1.25
    detour_moped: float = 1.3
    detour_car: float = 1.3
    detour_pt: float = 1.35
    bike_overhead_minutes: float = 1.0
    moped_overhead_minutes: float = 2.0
    car_overhead_minutes: float = 5.0
    pt_access_minutes: float = 5.0  # about 400 m to a stop at walking speed
    pt_egress_minutes: float = 5.0
    pt_wait_minutes: float = 5.0  # half of a 10-minute urban headway; planned trips wait less
    pt_transfer_minutes: float = 5.0  # walking between platforms/stops plus waiting
    pt_km_per_transfer: float = 15.0
    pt_max_transfers: float = 3.0
    pt_first_departure: dt.time = dt.time(6, 0)
    pt_last_departure: dt.time = dt.time(0, 30)
    intra_pc4_km: float = 1.0

    def __post_init__(self) -> None:
        speeds = {"walk_kmh": self.walk_kmh, "bike_kmh": self.bike_kmh, "moped_kmh": self.moped_kmh}
        for name, value in speeds.items():
            if not value > 0:
                raise ValueError(f"TravelAssumptions.{name} must be positive, got {value}")
        for mode in MODES:
            if self.detour(mode) < 1.0:
                raise ValueError(f"detour factor for {mode} must be at least 1, got "
                                 f"{self.detour(mode)}")  # fmt: skip
        for name, bands in (("car_bands", self.car_bands), ("pt_bands", self.pt_bands)):
            limits = [limit for limit, _ in bands]
            if not bands or limits != sorted(limits) or limits[-1] != math.inf or limits[0] <= 0:
                raise ValueError(f"TravelAssumptions.{name} must have increasing limits ending "
                                 f"in inf, got {bands}")  # fmt: skip
            if any(not kmh > 0 for _, kmh in bands):
                raise ValueError(f"TravelAssumptions.{name} speeds must be positive, got {bands}")
        if self.intra_pc4_km <= 0:
            raise ValueError(f"intra_pc4_km must be positive, got {self.intra_pc4_km}")

    def detour(self, mode: TransportMode) -> float:
        """Detour factor (route distance / straight-line distance) of ``mode``."""
        return {
            TransportMode.WALK: self.detour_walk,
            TransportMode.BIKE: self.detour_bike,
            TransportMode.MOPED: self.detour_moped,
            TransportMode.CAR: self.detour_car,
            TransportMode.PUBLIC_TRANSPORT: self.detour_pt,
        }[mode]

    def minutes(self, mode: TransportMode, straight_km: float) -> float:
        """Door-to-door minutes for a straight-line distance (already floored at intra_pc4_km).

        The plain-Python statement of the model, for reading and for tests; the model itself
        evaluates the same piecewise-linear curves with numpy.
        """
        road_km = straight_km * self.detour(mode)
        if mode is TransportMode.WALK:
            return road_km / self.walk_kmh * 60.0
        if mode is TransportMode.BIKE:
            return self.bike_overhead_minutes + road_km / self.bike_kmh * 60.0
        if mode is TransportMode.MOPED:
            return self.moped_overhead_minutes + road_km / self.moped_kmh * 60.0
        if mode is TransportMode.CAR:
            return self.car_overhead_minutes + _banded_minutes(road_km, self.car_bands)
        transfers = min(road_km / self.pt_km_per_transfer, self.pt_max_transfers)
        return (
            self.pt_access_minutes
            + self.pt_wait_minutes
            + _banded_minutes(road_km, self.pt_bands)
            + transfers * self.pt_transfer_minutes
            + self.pt_egress_minutes
        )


def _banded_minutes(road_km: float, bands: Bands) -> float:
    minutes, lower = 0.0, 0.0
    for limit, kmh in bands:
        if road_km <= lower:
            break
        minutes += (min(road_km, limit) - lower) / kmh * 60.0
        lower = limit
    return minutes


@dataclass(frozen=True, slots=True)
class TravelOption:
    """One transport mode for one trip.

    ``minutes`` is the modelled door-to-door time even when the mode cannot be used (so an
    explanation can say "45 min by public transport, but it does not run at 05:30").
    ``reachable`` is True when the mode is usable and fits the person's maximum minutes.
    ``reason`` is None when reachable, else a :class:`TravelReason` code; ``detail`` says it in
    an English sentence with the specifics.
    """

    mode: TransportMode
    minutes: float
    reachable: bool
    reason: TravelReason | None = None
    detail: str | None = None

    @property
    def usable(self) -> bool:
        """The person may and can use this mode for this shift (ignoring their maximum)."""
        return self.reason is None or self.reason is TravelReason.TOO_FAR


@runtime_checkable
class TravelTimeModel(Protocol):
    """What matching needs from a travel-time model; a routing engine can implement it too."""

    def options(
        self,
        origin: str,
        destination: str,
        modes: Sequence[TransportMode],
        *,
        licences: Sequence[str] = (),
        shift_start: dt.time | None = None,
        shift_end: dt.time | None = None,
        max_minutes: float | None = None,
    ) -> list[TravelOption]: ...

    def best(
        self,
        origin: str,
        destination: str,
        modes: Sequence[TransportMode],
        *,
        licences: Sequence[str] = (),
        shift_start: dt.time | None = None,
        shift_end: dt.time | None = None,
        max_minutes: float | None = None,
    ) -> TravelOption | None: ...


@dataclass(frozen=True, eq=False)
class Travellers:
    """Many people's travel profiles as aligned arrays; build once, reuse for every vacancy.

    ``pc4_index`` rows of the model's PC4 table; ``usable_modes`` (n, len(MODES)) bool: the
    person has the mode and the licence it needs; ``max_minutes`` (n,) float, ``inf`` = no limit.
    """

    pc4_index: NDArray[np.intp]
    usable_modes: NDArray[np.bool_]
    max_minutes: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.pc4_index.shape[0])

    def take(self, rows: int | Sequence[int] | NDArray[np.intp]) -> Travellers:
        """A sub-table (e.g. one candidate for :meth:`CentroidTravelModel.best_minutes_pairs`)."""
        idx = np.atleast_1d(np.asarray(rows, dtype=np.intp))
        return Travellers(self.pc4_index[idx], self.usable_modes[idx], self.max_minutes[idx])


@dataclass(frozen=True, eq=False)
class Sites:
    """Many workplaces as aligned arrays: PC4 row and shift start/end in minutes after midnight
    (``nan`` where the vacancy has no shift time)."""

    pc4_index: NDArray[np.intp]
    shift_start_min: NDArray[np.float64]
    shift_end_min: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.pc4_index.shape[0])

    def take(self, rows: int | Sequence[int] | NDArray[np.intp]) -> Sites:
        idx = np.atleast_1d(np.asarray(rows, dtype=np.intp))
        return Sites(self.pc4_index[idx], self.shift_start_min[idx], self.shift_end_min[idx])


@dataclass(frozen=True, eq=False)
class BestTravel:
    """Result of a batched best-mode query, one entry per traveller (or pair).

    ``minutes``: time of the fastest usable mode, ``inf`` when no mode is usable;
    ``mode``: column in :data:`MODES` of that mode, -1 when none; ``reachable``: usable and within
    the traveller's maximum minutes.
    """

    minutes: NDArray[np.float64]
    mode: NDArray[np.int8]
    reachable: NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.minutes.shape[0])

    def mode_of(self, row: int) -> TransportMode | None:
        column = int(self.mode[row])
        return None if column < 0 else MODES[column]


def _time_minutes(value: dt.time | None) -> float:
    if value is None:
        return math.nan
    return value.hour * 60 + value.minute + value.second / 60.0


def _canonical_pc4(code: str) -> str:
    """The PC4 of a postcode already in canonical form ("9712", "9712AB"), else "" so the caller
    takes the slow path through ``Postcodes.place`` (which normalises or raises)."""
    if len(code) == 4:
        return code
    letters = code[4:]
    if len(code) == 6 and letters.isalpha() and letters.isupper() and letters not in _BAD_PC6:
        return code[:4]
    return ""


_BAD_PC6 = frozenset({"SA", "SD", "SS"})  # letter pairs never used in Dutch postcodes


def _fmt(minute_of_day: float) -> str:
    whole = round(minute_of_day) % _DAY
    return f"{whole // 60:02d}:{whole % 60:02d}"


class CentroidTravelModel:
    """Travel time from PC4 centroids with the documented :class:`TravelAssumptions`.

    Implements :class:`TravelTimeModel`. Builds a PC4 -> (lat, lon) table from ``postcodes`` once
    (a few thousand rows), so batched queries are plain numpy over index arrays.
    """

    def __init__(self, postcodes: Postcodes, assumptions: TravelAssumptions | None = None) -> None:
        self.postcodes = postcodes
        self.assumptions = assumptions if assumptions is not None else TravelAssumptions()
        places = list(postcodes.all())
        self._row: dict[str, int] = {}
        lat: list[float] = []
        lon: list[float] = []
        for place in places:
            if place.pc4 in self._row:
                continue
            self._row[place.pc4] = len(lat)
            lat.append(place.lat)
            lon.append(place.lon)
        self._lat = np.radians(np.asarray(lat, dtype=np.float64))
        self._lon = np.radians(np.asarray(lon, dtype=np.float64))
        self._cos_lat = np.cos(self._lat)
        self._curves = {mode: self._curve(mode) for mode in MODES}
        a = self.assumptions
        self._pt_first = _time_minutes(a.pt_first_departure)
        self._pt_last = _time_minutes(a.pt_last_departure)
        logger.debug("travel model over %d PC4 areas", len(lat))

    # ---- lookup ---------------------------------------------------------------------------

    def index_of(self, postcodes: Sequence[str]) -> NDArray[np.intp]:
        """Rows in the PC4 table for PC4 or PC6 postcodes; UnknownEntityError names the unknown."""
        rows = np.empty(len(postcodes), dtype=np.intp)
        get = self._row.get
        for i, code in enumerate(postcodes):
            row = get(_canonical_pc4(code))
            rows[i] = self._lookup(code) if row is None else row
        return rows

    def _lookup(self, postcode: str) -> int:
        # Slow path: let features.postcodes normalise ("9712 ab", " 9712") and raise for unknowns.
        try:
            place = self.postcodes.place(postcode)
        except UnknownEntityError as exc:
            raise UnknownEntityError(
                f"unknown postcode {postcode!r}: no PC4 centroid to compute travel time from"
            ) from exc
        row = self._row.get(place.pc4)
        if row is None:
            raise UnknownEntityError(
                f"unknown postcode {postcode!r}: PC4 {place.pc4} has no centroid"
            )
        return row

    # ---- the model, vectorised ------------------------------------------------------------

    def _curve(self, mode: TransportMode) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Minutes as a piecewise-linear function of straight-line km: (x, y) knots for interp.

        Every mode's minutes are linear between band limits (and the transfer cap), so knots at
        those points plus a far point reproduce :meth:`TravelAssumptions.minutes` exactly.
        """
        a = self.assumptions
        detour = a.detour(mode)
        road_knots = {0.0, 10_000.0}
        bands = a.car_bands if mode is TransportMode.CAR else a.pt_bands
        if mode in (TransportMode.CAR, TransportMode.PUBLIC_TRANSPORT):
            road_knots |= {limit for limit, _ in bands if math.isfinite(limit)}
        if mode is TransportMode.PUBLIC_TRANSPORT:
            road_knots.add(a.pt_km_per_transfer * a.pt_max_transfers)
        xs = np.array(sorted(k / detour for k in road_knots), dtype=np.float64)
        ys = np.array([a.minutes(mode, x) for x in xs], dtype=np.float64)
        return xs, ys

    def _km(
        self, origin_rows: NDArray[np.intp], dest_rows: NDArray[np.intp]
    ) -> NDArray[np.float64]:
        """Straight-line km (haversine, as ``features.postcodes.distance_km``), floored at
        ``intra_pc4_km``."""
        dlat = self._lat[dest_rows] - self._lat[origin_rows]
        dlon = self._lon[dest_rows] - self._lon[origin_rows]
        h = np.sin(dlat * 0.5) ** 2 + self._cos_lat[origin_rows] * self._cos_lat[dest_rows] * (
            np.sin(dlon * 0.5) ** 2
        )
        km = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
        return np.maximum(km, self.assumptions.intra_pc4_km)

    def _mode_minutes(self, mode: TransportMode, km: NDArray[np.float64]) -> NDArray[np.float64]:
        xs, ys = self._curves[mode]
        return np.interp(km, xs, ys)

    def _in_pt_window(self, minute_of_day: NDArray[np.float64]) -> NDArray[np.bool_]:
        first, last = self._pt_first, self._pt_last
        if last < first:  # the window crosses midnight (06:00 .. 00:30)
            return (minute_of_day >= first) | (minute_of_day <= last)
        return (minute_of_day >= first) & (minute_of_day <= last)

    def _pt_runs(
        self,
        pt_minutes: NDArray[np.float64],
        start_min: NDArray[np.float64] | float,
        end_min: NDArray[np.float64] | float,
    ) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        """(trip to work possible, trip home possible); nan shift times impose nothing."""
        start = np.asarray(start_min, dtype=np.float64)
        end = np.asarray(end_min, dtype=np.float64)
        departure = np.mod(start - pt_minutes, _DAY)
        to_work = np.isnan(start) | self._in_pt_window(departure)
        home = np.isnan(end) | self._in_pt_window(np.mod(end, _DAY))
        return np.broadcast_to(to_work, pt_minutes.shape), np.broadcast_to(home, pt_minutes.shape)

    def minutes_many(
        self,
        origins: Sequence[str] | NDArray[np.intp],
        destination: str,
        mode: TransportMode,
        *,
        shift_start: dt.time | None = None,
        shift_end: dt.time | None = None,
    ) -> NDArray[np.float64]:
        """Minutes from every origin to ``destination`` by ``mode``; ``inf`` where public transport
        does not run for the shift. Origins are postcodes or rows from :meth:`index_of` (pass rows
        when you query often: string lookup dominates the cost). Licences are not checked."""
        rows = self._rows(origins)
        km = self._km(rows, np.full_like(rows, self._lookup_fast(destination)))
        minutes = self._mode_minutes(mode, km)
        if mode is TransportMode.PUBLIC_TRANSPORT:
            to_work, home = self._pt_runs(
                minutes, _time_minutes(shift_start), _time_minutes(shift_end)
            )
            minutes = np.where(to_work & home, minutes, np.inf)
        return minutes

    def _rows(self, origins: Sequence[str] | NDArray[np.intp]) -> NDArray[np.intp]:
        if isinstance(origins, np.ndarray) and np.issubdtype(origins.dtype, np.integer):
            return origins.astype(np.intp, copy=False)
        return self.index_of(list(origins))

    def _lookup_fast(self, postcode: str) -> int:
        row = self._row.get(_canonical_pc4(postcode))
        return self._lookup(postcode) if row is None else row

    # ---- batched best mode ----------------------------------------------------------------

    def travellers(
        self,
        postcodes: Sequence[str],
        modes: Sequence[Sequence[TransportMode]],
        licences: Sequence[Sequence[str]],
        max_minutes: Sequence[float | None],
    ) -> Travellers:
        """Build a :class:`Travellers` table: the licence rule is applied here, once."""
        n = len(postcodes)
        if not (len(modes) == len(licences) == len(max_minutes) == n):
            raise ValueError("postcodes, modes, licences and max_minutes must have equal lengths")
        usable = np.zeros((n, len(MODES)), dtype=bool)
        for i, (own, held) in enumerate(zip(modes, licences, strict=True)):
            for mode in own:
                if licence_allows(mode, held):
                    usable[i, _MODE_COLUMN[TransportMode(mode)]] = True
        limits = np.array([np.inf if m is None else m for m in max_minutes], dtype=np.float64)
        return Travellers(self.index_of(postcodes), usable, limits)

    def travellers_from(self, candidates: Sequence[Candidate]) -> Travellers:
        """:meth:`travellers` for candidate records (postcode, transport_modes, licences, max)."""
        return self.travellers(
            [c.postcode for c in candidates],
            [c.transport_modes for c in candidates],
            [c.driving_licences for c in candidates],
            [float(c.max_travel_minutes) for c in candidates],
        )

    def sites(
        self,
        postcodes: Sequence[str],
        shift_starts: Sequence[dt.time | None] | None = None,
        shift_ends: Sequence[dt.time | None] | None = None,
    ) -> Sites:
        """Build a :class:`Sites` table of workplaces with their shift times."""
        n = len(postcodes)
        starts = shift_starts if shift_starts is not None else [None] * n
        ends = shift_ends if shift_ends is not None else [None] * n
        if not (len(starts) == len(ends) == n):
            raise ValueError("postcodes, shift_starts and shift_ends must have equal lengths")
        return Sites(
            self.index_of(postcodes),
            np.array([_time_minutes(t) for t in starts], dtype=np.float64),
            np.array([_time_minutes(t) for t in ends], dtype=np.float64),
        )

    def sites_from(self, vacancies: Sequence[Vacancy]) -> Sites:
        """:meth:`sites` for vacancy records (postcode, shift_start, shift_end)."""
        return self.sites(
            [v.postcode for v in vacancies],
            [v.shift_start for v in vacancies],
            [v.shift_end for v in vacancies],
        )

    def best_minutes_many(
        self,
        travellers: Travellers,
        destination: str,
        *,
        shift_start: dt.time | None = None,
        shift_end: dt.time | None = None,
    ) -> BestTravel:
        """Fastest usable mode of every traveller to one destination (a vacancy's shortlist)."""
        site = Sites(
            np.array([self._lookup_fast(destination)], dtype=np.intp),
            np.array([_time_minutes(shift_start)]),
            np.array([_time_minutes(shift_end)]),
        )
        return self.best_minutes_pairs(travellers, site)

    def best_minutes_pairs(self, travellers: Travellers, sites: Sites) -> BestTravel:
        """Fastest usable mode for aligned (traveller, site) pairs; a side of length 1 is
        broadcast, so one candidate against all vacancies is ``best_minutes_pairs(one, sites)``.

        Same rules as :meth:`best`: licence (already in ``travellers``), public-transport hours
        for the site's shift, then the traveller's maximum minutes.
        """
        n_t, n_s = len(travellers), len(sites)
        if n_t != n_s and 1 not in (n_t, n_s):
            raise ValueError(f"cannot pair {n_t} travellers with {n_s} sites")
        n = max(n_t, n_s)
        origin = np.broadcast_to(travellers.pc4_index, (n,))
        dest = np.broadcast_to(sites.pc4_index, (n,))
        usable = np.broadcast_to(travellers.usable_modes, (n, len(MODES)))
        km = self._km(origin, dest)
        times = np.full((n, len(MODES)), np.inf)
        for j, mode in enumerate(MODES):
            column = usable[:, j]
            if not column.any():
                continue
            minutes = self._mode_minutes(mode, km)
            if mode is TransportMode.PUBLIC_TRANSPORT:
                to_work, home = self._pt_runs(minutes, sites.shift_start_min, sites.shift_end_min)
                column = column & to_work & home
            times[:, j] = np.where(column, minutes, np.inf)
        best = np.argmin(times, axis=1)
        minutes = times[np.arange(n), best]
        found = np.isfinite(minutes)
        limits = np.broadcast_to(travellers.max_minutes, (n,))
        return BestTravel(
            minutes=minutes,
            mode=np.where(found, best, -1).astype(np.int8),
            reachable=found & (minutes <= limits),
        )

    # ---- scalar API with reasons ----------------------------------------------------------

    def options(
        self,
        origin: str,
        destination: str,
        modes: Sequence[TransportMode],
        *,
        licences: Sequence[str] = (),
        shift_start: dt.time | None = None,
        shift_end: dt.time | None = None,
        max_minutes: float | None = None,
    ) -> list[TravelOption]:
        """One :class:`TravelOption` per distinct mode in ``modes`` (in that order)."""
        km = self._km(
            np.array([self._lookup_fast(origin)], dtype=np.intp),
            np.array([self._lookup_fast(destination)], dtype=np.intp),
        )
        start, end = _time_minutes(shift_start), _time_minutes(shift_end)
        limit = math.inf if max_minutes is None else float(max_minutes)
        result: list[TravelOption] = []
        for mode in dict.fromkeys(TransportMode(m) for m in modes):
            minutes_arr = self._mode_minutes(mode, km)
            minutes = float(minutes_arr[0])
            reason: TravelReason | None = None
            detail: str | None = None
            if not licence_allows(mode, licences):
                reason = NO_LICENCE
                needs = "B" if mode is TransportMode.CAR else "AM, A or B"
                detail = f"{mode.value} needs driving licence {needs}"
            elif mode is TransportMode.PUBLIC_TRANSPORT:
                to_work, home = self._pt_runs(minutes_arr, start, end)
                if not to_work[0]:
                    reason = PT_NOT_RUNNING
                    detail = (
                        f"public transport does not run before {_fmt(self._pt_first)}: "
                        f"the {_fmt(start)} start needs a departure at {_fmt(start - minutes)}"
                    )
                elif not home[0]:
                    reason = PT_NOT_RUNNING
                    detail = (
                        f"public transport does not run after {_fmt(self._pt_last)}: "
                        f"no trip home after the shift ends at {_fmt(end)}"
                    )
            if reason is None and minutes > limit:
                reason = TOO_FAR
                detail = f"{minutes:.0f} min by {mode.value}, more than the maximum {limit:.0f} min"
            result.append(TravelOption(mode, minutes, reason is None, reason, detail))
        return result

    def best(
        self,
        origin: str,
        destination: str,
        modes: Sequence[TransportMode],
        *,
        licences: Sequence[str] = (),
        shift_start: dt.time | None = None,
        shift_end: dt.time | None = None,
        max_minutes: float | None = None,
    ) -> TravelOption | None:
        """The fastest usable mode (reachable if any mode is), or None when no mode is usable.

        A usable but too slow option is returned (``reachable=False``, reason ``TOO_FAR``) so an
        explanation can name the time; equal times prefer the earlier mode in :data:`MODES`.
        """
        usable = [
            o
            for o in self.options(
                origin,
                destination,
                modes,
                licences=licences,
                shift_start=shift_start,
                shift_end=shift_end,
                max_minutes=max_minutes,
            )
            if o.usable
        ]
        if not usable:
            return None
        return min(usable, key=lambda o: (o.minutes, _MODE_COLUMN[o.mode]))


@functools.cache
def load_travel_model() -> CentroidTravelModel:
    """The centroid model over the shipped postcodes with default assumptions (cached)."""
    return CentroidTravelModel(load_postcodes())
