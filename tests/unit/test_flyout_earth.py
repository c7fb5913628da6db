"""Fly-outs through the earth are refused (hoplon.core.windows, hoplon.core.geo)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference_geometry as ref
from hoplon.core import flight, geo, windows
from hoplon.core.flight import PathBatch

SM3_IIA = {"min_range_m": 0.0, "max_range_m": 2500e3, "min_alt_m": 70e3, "max_alt_m": 1000e3}


def _windows_against(altitude_m: float) -> tuple[int, float]:
    """SM-3 IIA-like windows on a target flying at ``altitude_m`` 2,300-2,450 km away."""
    # Along the equator from 20.7° to 22° east: 2,300-2,450 km from a launcher at 0°, 0°.
    path = flight.cruise_path(0.0, 20.7, 0.0, 22.0, 3000.0, altitude_m, dt_s=2.0)
    batch = PathBatch.from_paths([path], [0.0])
    w, _ = windows.engagement_windows(
        [0], [0], [0.8], [0.0], [0.0], [0.0],
        [SM3_IIA["min_range_m"]], [SM3_IIA["max_range_m"]],
        [SM3_IIA["min_alt_m"]], [SM3_IIA["max_alt_m"]],
        [3500.0], [-1e4], batch,
    )  # fmt: skip
    return w.count, float(geo.geodesic_distance_m(0.0, 0.0, 0.0, 20.7))


@pytest.mark.parametrize("altitude_m", [70e3, 85e3, 98e3])
def test_no_intercept_whose_straight_fly_out_passes_through_the_earth(altitude_m: float) -> None:
    # At 2,300 km the straight line to a point 70-98 km up passes some 60-75 km below
    # the surface: the intercept needs a fly-out through the earth.
    count, ground = _windows_against(altitude_m)
    assert 2_290e3 < ground < 2_310e3
    depth = ref.straight_line_depth_m(0.0, 0.0, 0.0, 0.0, 20.7, altitude_m)
    assert depth > 50e3
    assert count == 0


def test_the_same_range_is_engageable_where_the_line_clears_the_earth() -> None:
    # 600 km up, the straight line from the launcher clears the surface all the way.
    assert ref.straight_line_depth_m(0.0, 0.0, 0.0, 0.0, 22.0, 600e3) <= 0
    count, _ = _windows_against(600e3)
    assert count == 1


def test_near_surface_intercepts_are_kept() -> None:
    # A sea-skimmer at 5 m, 30-50 km out: the straight line dips a few tens of metres
    # under the curve of the sea, within the allowance (point defense stays possible).
    depth = ref.straight_line_depth_m(0.0, 0.0, 0.0, 0.0, 0.4, 5.0)
    assert 0 < depth < windows.FLYOUT_BELOW_SURFACE_M
    path = flight.cruise_path(0.0, 0.45, 0.0, 0.01, 300.0, 5.0, dt_s=1.0)
    batch = PathBatch.from_paths([path], [0.0])
    w, _ = windows.engagement_windows(
        [0], [0], [0.7], [0.0], [0.0], [0.0], [1.5e3], [50e3], [0.0], [15e3], [1e3], [-1e4],
        batch,
    )  # fmt: skip
    assert w.count == 1
    first = w.first_intercept_s()[0]
    lon = np.interp(first, path.t_s, path.lon)
    assert geo.geodesic_distance_m(0.0, 0.0, 0.0, lon) == pytest.approx(50e3, abs=400.0)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-80, 80),
    st.floats(-180, 180),
    st.floats(0, 50),
    st.floats(-30, 30),
    st.floats(-30, 30),
    st.floats(0, 1.2e6),
    st.sampled_from([0.0, 100.0, 5e3]),
)
def test_clearance_matches_the_reference(
    lat: float, lon: float, h1: float, dlat: float, dlon: float, h2: float, below: float
) -> None:
    lat2 = float(np.clip(lat + dlat, -89.0, 89.0))
    lon2 = lon + dlon
    depth = ref.straight_line_depth_m(lat, lon, h1, lat2, lon2, h2)
    if abs(depth - below) < 1e-3:  # on the boundary, rounding decides
        return
    _, _, n1 = geo.enu_basis(lat, lon)
    _, _, n2 = geo.enu_basis(lat2, lon2)
    clears = geo.straight_line_clears_sphere(n1, h1, n2, h2, below)
    assert bool(clears) == (depth <= below)
