"""Travel time from PC4 centroids: known answers on real postcodes, the licence and timetable
rules, and the batched paths agreeing with the scalar one."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from features.errors import UnknownEntityError
from features.postcodes import distance_km, load_postcodes
from features.records import Candidate, Vacancy
from features.travel import (
    MODES,
    NO_LICENCE,
    PT_NOT_RUNNING,
    TOO_FAR,
    CentroidTravelModel,
    TravelAssumptions,
    TravelOption,
    TravelTimeModel,
    licence_allows,
    load_travel_model,
)
from features.vocabulary import TransportMode as M

GRONINGEN, ASSEN, APPINGEDAM = "9712", "9401", "9901"  # Appingedam: about 22 km from Groningen
EARLY = dt.time(5, 30)


@pytest.fixture(scope="module")
def model() -> CentroidTravelModel:
    return load_travel_model()


def _by_mode(options: list[TravelOption]) -> dict[M, TravelOption]:
    return {o.mode: o for o in options}


def test_bike_groningen_to_assen_is_distance_times_detour_at_15_kmh(model):
    postcodes = load_postcodes()
    km = distance_km(postcodes.place(GRONINGEN), postcodes.place(ASSEN))
    assert 24 < km < 27  # the centroids are about 25 km apart
    a = model.assumptions
    expected = a.bike_overhead_minutes + km * a.detour_bike / a.bike_kmh * 60
    (bike,) = model.options(GRONINGEN, ASSEN, [M.BIKE])
    assert bike.minutes == pytest.approx(expected, rel=1e-9)
    assert 110 < bike.minutes < 150  # 2 hours by bike is what a person would guess
    assert bike.reachable and bike.reason is None  # no maximum given


def test_longer_trips_take_longer_and_car_beats_bike_far_away(model):
    near = _by_mode(model.options(GRONINGEN, "9761", list(MODES), licences=["B"]))  # Eelde 9 km
    far = _by_mode(model.options(GRONINGEN, ASSEN, list(MODES), licences=["B"]))
    for mode in MODES:
        assert far[mode].minutes > near[mode].minutes
    assert far[M.CAR].minutes < far[M.PUBLIC_TRANSPORT].minutes < far[M.BIKE].minutes


def test_walking_30_km_is_unreachable_in_45_minutes(model):
    postcodes = load_postcodes()
    assert distance_km(postcodes.place(GRONINGEN), postcodes.place("9934")) > 25  # Delfzijl
    (walk,) = model.options(GRONINGEN, "9934", [M.WALK], max_minutes=45)
    assert not walk.reachable
    assert walk.reason == TOO_FAR
    assert walk.usable
    assert walk.minutes > 300


def test_early_shift_20_km_away_needs_car_or_moped(model):
    kwargs = {"shift_start": EARLY, "max_minutes": 75}
    all_modes = list(MODES)
    with_b = _by_mode(model.options(GRONINGEN, APPINGEDAM, all_modes, licences=["B"], **kwargs))
    pt = with_b[M.PUBLIC_TRANSPORT]
    assert not pt.reachable and not pt.usable
    assert pt.reason == PT_NOT_RUNNING
    assert "before 06:00" in (pt.detail or "")
    assert with_b[M.CAR].reachable and with_b[M.CAR].reason is None
    assert model.best(GRONINGEN, APPINGEDAM, all_modes, licences=["B"], **kwargs).mode is M.CAR

    without = _by_mode(model.options(GRONINGEN, APPINGEDAM, all_modes, **kwargs))
    assert not without[M.CAR].reachable and without[M.CAR].reason == NO_LICENCE
    assert not without[M.MOPED].reachable and without[M.MOPED].reason == NO_LICENCE
    # Without a licence only the bike is usable, and it takes far more than an hour.
    best = model.best(GRONINGEN, APPINGEDAM, all_modes, **kwargs)
    assert best is not None and best.mode is M.BIKE and not best.reachable

    moped = model.best(
        GRONINGEN, APPINGEDAM, [M.MOPED, M.PUBLIC_TRANSPORT], licences=["AM"], **kwargs
    )
    assert moped is not None and moped.mode is M.MOPED and moped.reachable


def test_pt_that_departs_just_before_six_is_not_running(model):
    (pt,) = model.options(GRONINGEN, ASSEN, [M.PUBLIC_TRANSPORT], shift_start=dt.time(6, 30))
    assert pt.minutes > 30  # so the departure falls before 06:00
    assert pt.reason == PT_NOT_RUNNING
    (pt,) = model.options(GRONINGEN, ASSEN, [M.PUBLIC_TRANSPORT], shift_start=dt.time(8, 0))
    assert pt.reachable


@pytest.mark.parametrize(
    ("end", "runs"),
    [
        (dt.time(0, 30), True),
        (dt.time(1, 0), False),
        (dt.time(4, 0), False),
        (dt.time(23, 0), True),
    ],
)
def test_pt_home_after_the_shift(model, end, runs):
    (pt,) = model.options(
        GRONINGEN, ASSEN, [M.PUBLIC_TRANSPORT], shift_start=dt.time(16, 0), shift_end=end
    )
    assert pt.reachable is runs
    if not runs:
        assert pt.reason == PT_NOT_RUNNING and "after 00:30" in (pt.detail or "")


def test_same_pc4_is_small_but_not_zero(model):
    options = model.options(GRONINGEN, "9712 CP", list(MODES), licences=["B"])
    a = model.assumptions
    for option in options:
        assert option.minutes == pytest.approx(a.minutes(option.mode, a.intra_pc4_km))
        assert 0 < option.minutes < 25
    assert model.best(GRONINGEN, GRONINGEN, [M.WALK], max_minutes=20).reachable


def test_licences():
    assert licence_allows(M.CAR, ["B"]) and licence_allows(M.CAR, ["AM", "CE"])
    assert not licence_allows(M.CAR, ["AM", "A", "T"])
    assert licence_allows(M.MOPED, ["AM"]) and licence_allows(M.MOPED, ["b"])
    assert licence_allows(M.MOPED, ["A2"]) and not licence_allows(M.MOPED, ["T"])
    assert licence_allows(M.BIKE, []) and licence_allows(M.PUBLIC_TRANSPORT, [])


def test_unknown_postcode_is_named(model):
    with pytest.raises(UnknownEntityError, match="1000"):
        model.options("1000", ASSEN, [M.BIKE])
    with pytest.raises(UnknownEntityError, match="1000"):
        model.minutes_many([GRONINGEN, "1000"], ASSEN, M.BIKE)
    with pytest.raises(UnknownEntityError, match="1000"):
        model.best(GRONINGEN, "1000", [M.BIKE])
    with pytest.raises(UnknownEntityError, match="12"):
        model.options("12", ASSEN, [M.BIKE])


def test_protocol_and_assumption_checks(model):
    assert isinstance(model, TravelTimeModel)
    with pytest.raises(ValueError, match="bike_kmh"):
        TravelAssumptions(bike_kmh=0)
    with pytest.raises(ValueError, match="detour"):
        TravelAssumptions(detour_car=0.9)
    with pytest.raises(ValueError, match="car_bands"):
        TravelAssumptions(car_bands=((10.0, 50.0),))
    slow = CentroidTravelModel(load_postcodes(), TravelAssumptions(bike_kmh=10.0))
    (fast,) = model.options(GRONINGEN, ASSEN, [M.BIKE])
    (slower,) = slow.options(GRONINGEN, ASSEN, [M.BIKE])
    assert slower.minutes > fast.minutes


ORIGINS = [GRONINGEN, "9712CP", ASSEN, APPINGEDAM, "9934", "9761", "9301", "9471", "9601", "1011"]


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize(
    ("start", "end"), [(None, None), (EARLY, dt.time(14, 0)), (dt.time(9, 0), dt.time(17, 0))]
)
def test_minutes_many_equals_scalar_for_every_origin(model, mode, start, end):
    many = model.minutes_many(ORIGINS, ASSEN, mode, shift_start=start, shift_end=end)
    rows = model.minutes_many(
        model.index_of(ORIGINS), ASSEN, mode, shift_start=start, shift_end=end
    )
    assert np.array_equal(many, rows)
    for origin, minutes in zip(ORIGINS, many, strict=True):
        (one,) = model.options(
            origin, ASSEN, [mode], licences=["B"], shift_start=start, shift_end=end
        )
        if one.usable:
            assert minutes == one.minutes
        else:
            assert one.reason == PT_NOT_RUNNING and minutes == np.inf


def _people() -> list[Candidate]:
    profiles = [
        (GRONINGEN, [M.BIKE, M.PUBLIC_TRANSPORT], [], 45),
        ("9712CP", [M.CAR, M.BIKE], ["B"], 60),
        (APPINGEDAM, [M.CAR, M.PUBLIC_TRANSPORT], [], 90),  # car but no licence
        (APPINGEDAM, [M.MOPED], ["AM"], 60),
        ("9934", [M.WALK], [], 240),
        (ASSEN, [M.WALK, M.BIKE], [], 30),
        ("9761", [], [], 45),  # no mode recorded: nothing usable
    ]
    return [
        Candidate(
            id=f"c{i}",
            postcode=pc,
            transport_modes=modes,
            driving_licences=lic,
            max_travel_minutes=limit,
        )
        for i, (pc, modes, lic, limit) in enumerate(profiles)
    ]


@pytest.mark.parametrize(
    ("start", "end"), [(None, None), (EARLY, None), (dt.time(17, 0), dt.time(1, 0))]
)
def test_best_minutes_many_equals_scalar_best(model, start, end):
    people = _people()
    travellers = model.travellers_from(people)
    batch = model.best_minutes_many(travellers, ASSEN, shift_start=start, shift_end=end)
    assert len(batch) == len(people)
    for i, person in enumerate(people):
        one = model.best(
            person.postcode,
            ASSEN,
            person.transport_modes,
            licences=person.driving_licences,
            shift_start=start,
            shift_end=end,
            max_minutes=person.max_travel_minutes,
        )
        if one is None:
            assert batch.mode_of(i) is None and batch.minutes[i] == np.inf
            assert not batch.reachable[i]
        else:
            assert batch.mode_of(i) is one.mode
            assert batch.minutes[i] == one.minutes
            assert bool(batch.reachable[i]) is one.reachable


def test_best_minutes_pairs_one_candidate_against_many_vacancies(model):
    vacancies = [
        Vacancy(id=f"v{i}", employer_id="e", title="t", postcode=pc, shift_start=s, shift_end=e)
        for i, (pc, s, e) in enumerate(
            [
                (ASSEN, None, None),
                (APPINGEDAM, EARLY, dt.time(14, 0)),
                (GRONINGEN, dt.time(9, 0), dt.time(17, 0)),
                ("9934", dt.time(18, 0), dt.time(2, 0)),
            ]
        )
    ]
    sites = model.sites_from(vacancies)
    person = Candidate(
        id="c", postcode="9712", transport_modes=[M.BIKE, M.PUBLIC_TRANSPORT], max_travel_minutes=75
    )
    batch = model.best_minutes_pairs(model.travellers_from([person]), sites)
    assert len(batch) == len(vacancies)
    for i, v in enumerate(vacancies):
        one = model.best(
            person.postcode,
            v.postcode,
            person.transport_modes,
            shift_start=v.shift_start,
            shift_end=v.shift_end,
            max_minutes=75,
        )
        assert one is not None
        assert batch.mode_of(i) is one.mode and batch.minutes[i] == one.minutes
        assert bool(batch.reachable[i]) is one.reachable
    # Assen by PT in a bit over an hour; Appingedam at 05:30 only by bike (too far); Groningen
    # itself by bike; Delfzijl with a 02:00 end has no PT home, so only the (long) bike ride.
    assert [batch.mode_of(i) for i in range(4)] == [M.PUBLIC_TRANSPORT, M.BIKE, M.BIKE, M.BIKE]
    assert batch.reachable.tolist() == [True, False, True, False]


def test_pairs_refuse_mismatched_lengths(model):
    travellers = model.travellers_from(_people()[:3])
    sites = model.sites([ASSEN, GRONINGEN])
    with pytest.raises(ValueError, match="cannot pair 3 travellers with 2 sites"):
        model.best_minutes_pairs(travellers, sites)
