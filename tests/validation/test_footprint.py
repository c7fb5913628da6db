"""Defended footprints (docs/footprints.md): a closed form, monotonicity, ellipsoidal areas.

The constructed case: one launcher on the equator at (0, 0) with its own all-round radar;
a short-range ballistic missile launched about 334 km to the west; an interceptor whose
altitude band is [0, 1 m], so the only sample of a path inside the band near the launcher
is the impact sample, directly above (on) the aim point: the limit of a vertical
approach. Its speed (10 km/s) and the early track (the missile climbs above the radar's
horizon within seconds of launch, about 300 s before impact) make the timing condition
slack, so an aim point is defended exactly when its geodesic distance from the launcher
lies in the interceptor's ground-range envelope [R1, R2] = [5, 40] km.

Closed form: the defended set is a geodesic annulus. Its area on a surface of Gaussian
curvature K is pi (R2² - R1²) (1 + O(K R²)); at R = 40 km, K R² is about 4e-5, so
A = pi (40² - 5²) = 4,948.0 km² to well under a square kilometre.

Grid error: the footprint is the union of the h × h cells whose centre is defended. A cell
counted wrongly has its centre on one side of the boundary and part of itself on the
other, so it lies wholly within the cell diameter d = h sqrt(2) of the boundary; all such
cells lie in the band of half-width d around the two circles, of area
4 pi (R1 + R2) d. Hence |A_grid - A| <= 4 pi (R1 + R2) h sqrt(2) (800 km² at h = 1 km;
the error found is far smaller, as counting errors cancel around a circle).
"""

from __future__ import annotations

import math
import textwrap
from functools import cache

import numpy as np
import pytest
import shapely

from hoplon.analysis.footprint import Footprint, area_km2, compute_footprint, degree_lengths_km
from hoplon.core import geo
from hoplon.scenario.loader import LoadedScenario, load_text
from hoplon.scenario.transforms import override

SCENARIO = """
hoplon: 1
name: footprint closed form
trials: 100
nations:
  NOR: {name: Norway}
assets:
  - {id: city, nation: NOR, kind: city, at: [0.0, 0.3], value: 1}
units:
  - {id: battery, nation: NOR, type: test battery, at: [0.0, 0.0], magazine: {test interceptor: 4}}
threats:
  - {id: raid, type: test SRBM, from: [0.0, -3.0], target: city, count: 1, launch: {at_s: 0, every_s: 1}}
catalog:
  interceptors:
    test interceptor:
      min_range_km: 5
      max_range_km: 40
      min_alt_km: 0
      max_alt_km: 0.001
      avg_speed_kms: 10
      sspk: {srbm: 0.8}
      reliability: 0.9
      unit_cost_usd: 1000000
      cost_year: 2024
      producers: [NOR]
      tier: lower
      source: test interceptor
      notional: true
  sensors:
    test radar:
      kind: radar
      role: fire-control
      range_km: 3000
      field_of_regard_deg: 360
      min_elev_deg: 0
      antenna_height_m: 10
      track_time_s: 1
      source: test radar
      notional: true
  platforms:
    # at 0°N 0°E (Gulf of Guinea), so a ship: a land unit there would be refused
    test battery: {radar: test radar, launchers: 4, reaction_s: 1, domain: sea, source: test platform, notional: true}
  threats:
    test SRBM:
      class: srbm
      flight: ballistic
      max_range_km: 1000
      trajectory: minimum-energy
      burn_time_s: 60
      rcs_m2: 1
      reliability: 1
      unit_cost_usd: 1000000
      cost_year: 2024
      source: test threat
      notional: true
"""
LAUNCH = (0.0, -3.0)
R1_KM, R2_KM = 5.0, 40.0


def _loaded() -> LoadedScenario:
    return load_text(textwrap.dedent(SCENARIO), "footprint.yaml")


def test_point_defense_footprint_is_the_geodesic_annulus_in_closed_form():
    grid_km = 1.0
    fp = compute_footprint(_loaded(), "test SRBM", LAUNCH, grid_km=grid_km, extent_km=90.0)
    closed_form = math.pi * (R2_KM**2 - R1_KM**2)
    bound = 4 * math.pi * (R1_KM + R2_KM) * grid_km * math.sqrt(2)
    assert abs(fp.area_km2 - closed_form) <= bound, (fp.area_km2, closed_form, bound)
    # Cell by cell: defended exactly where the geodesic distance lies in [R1, R2] (to 1 m).
    lat, lon = np.meshgrid(fp.lat, fp.lon, indexing="ij")
    d_km = geo.geodesic_distance_m(0.0, 0.0, lat, lon) / 1000
    inside = (d_km >= R1_KM) & (d_km <= R2_KM)
    clear = (np.abs(d_km - R1_KM) > 1e-3) & (np.abs(d_km - R2_KM) > 1e-3)
    assert np.array_equal(fp.defended[clear], inside[clear])
    assert fp.defended.sum() > 4000
    # One stock, so one opportunity where defended, at reliability × SSPK.
    assert set(np.unique(fp.opportunities[fp.defended])) == {1}
    assert np.allclose(fp.p_kill[fp.defended], 0.9 * 0.8)
    assert np.all(fp.p_kill[~fp.defended] == 0)
    # The area is the cells' count times a cell's area here (1 km² at the equator).
    assert fp.area_km2 == pytest.approx(fp.cells * grid_km**2, rel=2e-3)


def _realistic(loaded: LoadedScenario, speed_kms: float, track_s: float) -> LoadedScenario:
    """The constructed case with a 0-20 km band and 0-60 km ground range."""
    for path, value in (
        ("catalog.interceptors.test interceptor.max_alt_km", 20),
        ("catalog.interceptors.test interceptor.max_range_km", 60),
        ("catalog.interceptors.test interceptor.avg_speed_kms", speed_kms),
        ("catalog.sensors.test radar.track_time_s", track_s),
    ):
        loaded = override(loaded, path, value)
    return loaded


@cache
def _footprint(speed_kms: float, track_s: float) -> Footprint:
    loaded = _realistic(_loaded(), speed_kms, track_s)
    return compute_footprint(loaded, "test SRBM", LAUNCH, grid_km=4.0, extent_km=160.0)


SPEEDS = (0.1, 0.2, 0.4, 0.8, 3.0)
TRACKS = (1.0, 150.0, 220.0, 260.0, 290.0)


@pytest.mark.parametrize("slow, fast", list(zip(SPEEDS, SPEEDS[1:], strict=False)))
def test_footprint_grows_with_interceptor_speed(slow, fast):
    small, large = _footprint(slow, 1.0), _footprint(fast, 1.0)
    assert not np.any(small.defended & ~large.defended)  # nested, cell by cell
    assert small.area_km2 <= large.area_km2


def test_speed_matters_in_the_constructed_case():
    assert _footprint(SPEEDS[0], 1.0).area_km2 < 0.5 * _footprint(SPEEDS[-1], 1.0).area_km2


@pytest.mark.parametrize("early, late", list(zip(TRACKS, TRACKS[1:], strict=False)))
def test_footprint_shrinks_with_a_later_track(early, late):
    big, small = _footprint(0.8, early), _footprint(0.8, late)
    assert not np.any(small.defended & ~big.defended)
    assert small.area_km2 <= big.area_km2


def test_track_time_matters_in_the_constructed_case():
    assert _footprint(0.8, TRACKS[-1]).area_km2 < 0.5 * _footprint(0.8, TRACKS[0]).area_km2


def _zone_area_km2(lat1: float, lat2: float, dlon_deg: float) -> float:
    """Closed-form area of a latitude-longitude cell on the WGS84 ellipsoid, km².

    The area from the equator to latitude phi per radian of longitude is
    S(phi) = b²/2 [sin phi / (1 - e² sin² phi) + ln((1 + e sin phi) / (1 - e sin phi)) / (2e)].
    """
    a, f = 6_378_137.0, 1 / 298.257223563
    b, e = a * (1 - f), math.sqrt(f * (2 - f))

    def s(phi_deg: float) -> float:
        x = math.sin(math.radians(phi_deg))
        return b**2 / 2 * (x / (1 - e**2 * x**2) + math.log((1 + e * x) / (1 - e * x)) / (2 * e))

    return math.radians(dlon_deg) * (s(lat2) - s(lat1)) / 1e6


@pytest.mark.parametrize("lat0", [0.0, 35.0, 60.0])
def test_pyproj_area_of_a_one_degree_cell_matches_the_ellipsoid_closed_form(lat0):
    cell = shapely.box(10.0, lat0, 11.0, lat0 + 1.0)
    expected = _zone_area_km2(lat0, lat0 + 1.0, 1.0)
    assert area_km2(cell, max_segment_deg=0.01) == pytest.approx(expected, rel=1e-6)
    if lat0 == 0.0:
        assert expected == pytest.approx(12_308.8, abs=0.5)  # the textbook 1° cell at the equator


def test_degree_lengths_at_the_equator():
    km_lat, km_lon = degree_lengths_km(0.0)
    assert km_lat == pytest.approx(110.574, abs=1e-3)
    assert km_lon == pytest.approx(111.320, abs=1e-3)


def test_launch_area_footprint_is_the_intersection_over_its_launch_points():
    from hoplon.analysis.footprint import GEOD, compute_area_footprint

    loaded = _realistic(_loaded(), 0.8, 1.0)
    area = compute_area_footprint(loaded, "test SRBM", LAUNCH, 150.0, samples=4, grid_km=4.0,
                                  extent_km=160.0)  # fmt: skip
    assert area.launch_points == 5 and area.to_dict()["threat"]["radius_km"] == 150.0
    expected = _footprint(0.8, 1.0).defended.copy()
    centre = (float(area.lat[0] + area.lat[-1]) / 2, float(area.lon[0] + area.lon[-1]) / 2)
    for az in (0.0, 90.0, 180.0, 270.0):
        lon, lat, _ = GEOD.fwd(LAUNCH[1], LAUNCH[0], az, 150e3)
        one = compute_footprint(loaded, "test SRBM", (lat, lon), grid_km=4.0, extent_km=160.0,
                                centre=centre)  # fmt: skip
        expected &= one.defended
    assert np.array_equal(area.defended, expected)
    assert area.area_km2 < 0.95 * _footprint(0.8, 1.0).area_km2  # approaches differ
    assert np.all(area.p_kill[~area.defended] == 0)


def test_launch_area_changes_nothing_when_only_the_impact_point_matters():
    from hoplon.analysis.footprint import compute_area_footprint

    one = compute_footprint(_loaded(), "test SRBM", LAUNCH, grid_km=2.0, extent_km=90.0)
    area = compute_area_footprint(_loaded(), "test SRBM", LAUNCH, 100.0, samples=3,
                                  grid_km=2.0, extent_km=90.0)  # fmt: skip
    assert np.array_equal(area.defended, one.defended)


def test_an_air_breathing_threat_is_flown_in_smaller_chunks_with_the_same_footprint(monkeypatch):
    # a cruise missile's paths hold many samples: its aim points go in chunks of fewer
    # paths (memory), which changes no cell of the footprint
    from conftest import EXAMPLES_DIR
    from hoplon.analysis import footprint as fp
    from hoplon.scenario import load_scenario

    loaded = load_scenario(EXAMPLES_DIR / "seasparrow-ship-defense.yaml")
    ascm = loaded.catalog.threats["notional sea-skimming ASCM"]
    samples = ascm.max_range_m / ascm.speed_ms
    assert fp.aims_per_chunk(ascm) == min(fp.CHUNK_AIM_POINTS, int(fp.CHUNK_SAMPLES // samples))
    mrbm = loaded.catalog.threats["notional MRBM"]
    assert fp.aims_per_chunk(mrbm) == fp.CHUNK_AIM_POINTS
    args = (loaded, "notional sea-skimming ASCM", (29.0, 136.2))
    whole = fp.compute_footprint(*args, grid_km=10.0, extent_km=300.0)
    monkeypatch.setattr(fp, "CHUNK_SAMPLES", 1.0)  # the smallest chunks: 16 aim points
    assert fp.aims_per_chunk(ascm) == 16
    chunked = fp.compute_footprint(*args, grid_km=10.0, extent_km=300.0)
    assert np.array_equal(whole.unit_defended, chunked.unit_defended)
    assert whole.unit_defended.any()
