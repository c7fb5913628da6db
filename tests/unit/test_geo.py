"""WGS84 geodesy, ECEF/ENU and the radar horizon (hoplon.core.geo)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoplon.core import geo
from reference_geometry import geodesic_distance_m as ref_distance
from reference_geometry import geodetic_to_ecef, look_angles


def test_equator_degree_of_longitude() -> None:
    # One degree of longitude on the equator is a * pi / 180 exactly.
    d = geo.geodesic_distance_m(0.0, 0.0, 0.0, 1.0)
    assert d == pytest.approx(6_378_137.0 * math.pi / 180.0, abs=1e-6)


def test_distance_broadcasts() -> None:
    lat = np.zeros((3, 1))
    lon = np.array([0.0, 1.0, 2.0, 3.0])
    d = geo.geodesic_distance_m(lat, 0.0, lat, lon)
    assert d.shape == (3, 4)
    assert np.allclose(d[:, 0], 0.0)


@settings(max_examples=40, deadline=None)
@given(
    st.floats(-80, 80),
    st.floats(-180, 180),
    st.floats(-80, 80),
    st.floats(-180, 180),
)
def test_distance_matches_vincenty(lat1: float, lon1: float, lat2: float, lon2: float) -> None:
    d = float(geo.geodesic_distance_m(lat1, lon1, lat2, lon2))
    if d < 1.5e7:  # Vincenty is unreliable near antipodes
        assert d == pytest.approx(ref_distance(lat1, lon1, lat2, lon2), abs=1e-3)


def test_geodesic_points_divide_the_geodesic() -> None:
    fractions = np.linspace(0.0, 1.0, 11)
    lat, lon = geo.geodesic_points(40.0, 127.5, 35.68, 139.69, fractions)
    total = geo.geodesic_distance_m(40.0, 127.5, 35.68, 139.69)
    along = geo.geodesic_distance_m(40.0, 127.5, lat, lon)
    assert np.allclose(along, fractions * total, atol=1e-3)
    assert lat[-1] == pytest.approx(35.68) and lon[-1] == pytest.approx(139.69)


def test_geodesic_points_many_paths() -> None:
    lat0 = np.array([[0.0], [10.0]])
    lat, lon = geo.geodesic_points(lat0, 0.0, lat0 + 1.0, 1.0, np.array([0.0, 0.5, 1.0]))
    assert lat.shape == (2, 3)
    assert np.allclose(lat[:, 0], [0.0, 10.0]) and np.allclose(lat[:, 2], [1.0, 11.0])


def test_ecef_known_points() -> None:
    x, y, z = geo.to_ecef(0.0, 0.0, 0.0)
    assert (float(x), float(y), float(z)) == pytest.approx((6_378_137.0, 0.0, 0.0), abs=1e-6)
    x, y, z = geo.to_ecef(90.0, 0.0, 100.0)
    assert float(z) == pytest.approx(6_356_752.314245 + 100.0, abs=1e-3)


@settings(max_examples=30, deadline=None)
@given(st.floats(-89, 89), st.floats(-180, 180), st.floats(-100, 1e6))
def test_ecef_matches_closed_form(lat: float, lon: float, alt: float) -> None:
    got = [float(c) for c in geo.to_ecef(lat, lon, alt)]
    assert got == pytest.approx(list(geodetic_to_ecef(lat, lon, alt)), abs=1e-4)


def test_look_angles_simple_cases() -> None:
    az, el, rng = geo.azimuth_elevation(0.0, 0.0, 0.0, 0.0, 0.0, 1000.0)
    assert float(el) == pytest.approx(90.0) and float(rng) == pytest.approx(1000.0)
    az, el, _ = geo.azimuth_elevation(10.0, 20.0, 0.0, 10.1, 20.0, 0.0)
    assert abs((float(az) + 180.0) % 360.0 - 180.0) < 1e-6  # north
    assert float(el) < 0.0  # the earth curves away
    az, _, _ = geo.azimuth_elevation(10.0, 20.0, 0.0, 10.0, 20.1, 0.0)
    assert float(az) == pytest.approx(90.0, abs=0.1)


@settings(max_examples=30, deadline=None)
@given(
    st.floats(-60, 60),
    st.floats(-180, 180),
    st.floats(0, 1e4),
    st.floats(-3, 3),
    st.floats(-3, 3),
    st.floats(0, 5e5),
)
def test_look_angles_match_reference(
    lat: float, lon: float, alt: float, dlat: float, dlon: float, talt: float
) -> None:
    tlat, tlon = lat + dlat, lon + dlon
    az, el, rng = (float(v) for v in geo.azimuth_elevation(lat, lon, alt, tlat, tlon, talt))
    raz, rel, rrng = look_angles((lat, lon, alt), (tlat, tlon, talt))
    assert rng == pytest.approx(rrng, abs=1e-3)
    if rrng > 1.0:
        assert el == pytest.approx(rel, abs=1e-6)
        if abs(rel) < 89.0:
            assert abs((az - raz + 180.0) % 360.0 - 180.0) < 1e-5


def test_radar_horizon_constant() -> None:
    # sqrt(2 k R) with k = 4/3, R = 6 371 km is 4.1218 km per sqrt(metre).
    assert float(geo.radar_horizon_m(1.0, 0.0)) == pytest.approx(4121.8, abs=0.05)
    assert float(geo.radar_horizon_m(-5.0, -1.0)) == 0.0
    assert geo.radar_horizon_m(np.array([25.0, 30.0]), np.array([[0.0], [5.0]])).shape == (2, 2)


def test_spherical_estimate_within_stated_error() -> None:
    rng = np.random.default_rng(3)
    lat1, lon1 = rng.uniform(-85, 85, 20_000), rng.uniform(-180, 180, 20_000)
    dist = np.exp(rng.uniform(np.log(100.0), np.log(1.5e7), 20_000))
    lon2, lat2, _ = geo.GEOD.fwd(lon1, lat1, rng.uniform(0, 360, 20_000), dist)
    ratio = geo.ground_distance_estimate_m(lat1, lon1, lat2, lon2) / dist
    assert np.all(np.abs(ratio - 1.0) < geo.SPHERE_RELATIVE_ERROR)


def test_ground_distance_in_range_is_exact_near_bounds() -> None:
    rng = np.random.default_rng(5)
    n = 5_000
    lat1, lon1 = rng.uniform(-80, 80, n), rng.uniform(-180, 180, n)
    bound = rng.uniform(1e3, 3e6, n)
    # distances within +-2 % of the bound, many within the estimate's error band
    dist = bound * rng.uniform(0.98, 1.02, n)
    lon2, lat2, _ = geo.GEOD.fwd(lon1, lat1, rng.uniform(0, 360, n), dist)
    exact = geo.geodesic_distance_m(lat1, lon1, lat2, lon2)
    lower = bound * 0.5
    got = geo.ground_distance_in_range(lat1, lon1, lat2, lon2, lower, bound)
    assert np.array_equal(got, (exact >= lower) & (exact <= bound))
    got = geo.ground_distance_in_range(lat1, lon1, lat2, lon2, bound, np.inf)
    assert np.array_equal(got, exact >= bound)
