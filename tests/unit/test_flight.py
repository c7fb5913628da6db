"""Threat flight paths (hoplon.core.flight)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoplon.core import flight, geo


@settings(max_examples=50, deadline=None)
@given(st.floats(50e3, 15e6))
def test_minimum_energy_speed_inverts_range(range_m: float) -> None:
    v = float(flight.minimum_energy_speed_ms(range_m))
    assert float(flight.minimum_energy_range_m(v)) == pytest.approx(range_m, rel=1e-10)


def test_orbital_speed_has_no_range() -> None:
    v_circular = math.sqrt(flight.MU / flight.R_EARTH)
    assert np.isnan(flight.minimum_energy_range_m(v_circular * 1.01))


@settings(max_examples=30, deadline=None)
@given(st.floats(50e3, 12e6), st.sampled_from(["lofted", "depressed"]))
def test_off_minimum_trajectories_need_more_speed(range_m: float, kind: str) -> None:
    gamma_star = float(flight.minimum_energy_flight_path_angle(range_m))
    v_min = float(flight.burnout_speed_ms(range_m, gamma_star))
    assert v_min == pytest.approx(float(flight.minimum_energy_speed_ms(range_m)), rel=1e-12)
    gamma = float(flight.trajectory_flight_path_angle(range_m, kind))
    assert float(flight.burnout_speed_ms(range_m, gamma)) > v_min


def _integrate_two_body(v: float, gamma: float, t_end: float, steps: int = 20_000) -> np.ndarray:
    """Planar two-body motion from the surface by RK4: an independent check of Kepler."""
    state = np.array([flight.R_EARTH, 0.0, v * math.sin(gamma), v * math.cos(gamma)])

    def deriv(s: np.ndarray) -> np.ndarray:
        r3 = (s[0] ** 2 + s[1] ** 2) ** 1.5
        return np.array([s[2], s[3], -flight.MU * s[0] / r3, -flight.MU * s[1] / r3])

    h = t_end / steps
    for _ in range(steps):
        k1 = deriv(state)
        k2 = deriv(state + h / 2 * k1)
        k3 = deriv(state + h / 2 * k2)
        k4 = deriv(state + h * k3)
        state = state + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return state


@pytest.mark.parametrize("kind", flight.TRAJECTORIES)
def test_free_flight_time_lands_at_range(kind: str) -> None:
    range_m = 1_300e3
    gamma = float(flight.trajectory_flight_path_angle(range_m, kind))
    v = float(flight.burnout_speed_ms(range_m, gamma))
    t_ff = flight.free_flight_time_s(range_m, gamma)
    x, y, _, _ = _integrate_two_body(v, gamma, t_ff, steps=4_000)
    assert math.hypot(x, y) == pytest.approx(flight.R_EARTH, abs=5.0)  # back at the surface
    assert flight.R_EARTH * math.atan2(y, x) == pytest.approx(range_m, abs=20.0)


def test_loft_rule_orders_apogee_and_time() -> None:
    r = 1_000e3
    apogee = {k: flight.ballistic_apogee_m(r, k) for k in flight.TRAJECTORIES}
    assert apogee["lofted"] > apogee["minimum-energy"] > apogee["depressed"]
    times = {
        k: flight.free_flight_time_s(r, float(flight.trajectory_flight_path_angle(r, k)))
        for k in flight.TRAJECTORIES
    }
    assert times["lofted"] > times["minimum-energy"] > times["depressed"]
    assert math.degrees(float(flight.trajectory_flight_path_angle(r, "lofted"))) == pytest.approx(
        math.degrees(float(flight.minimum_energy_flight_path_angle(r))) + 15.0
    )


def test_loft_rule_clips_at_long_range() -> None:
    r = 15_000e3
    psi = r / flight.R_EARTH
    low = float(flight.trajectory_flight_path_angle(r, "depressed"))
    high = float(flight.trajectory_flight_path_angle(r, "lofted"))
    assert low == pytest.approx(math.radians(5.0))
    assert high <= (math.pi - psi) / 2 - math.radians(5.0) + 1e-12
    with pytest.raises(ValueError, match="unknown trajectory"):
        flight.trajectory_flight_path_angle(r, "skip-glide")


@pytest.mark.parametrize("kind", flight.TRAJECTORIES)
def test_ballistic_path_shape_and_boost(kind: str) -> None:
    burn = 60.0
    p = flight.ballistic_path(40.0, 127.5, 35.68, 139.69, burn, kind, dt_s=1.0)
    assert np.all(np.diff(p.t_s) > 0) and p.t_s[0] == 0.0
    assert p.t_s[-1] == pytest.approx(p.flight_time_s)
    gamma = float(flight.trajectory_flight_path_angle(p.ground_range_m, kind))
    t_ff = flight.free_flight_time_s(p.ground_range_m, gamma)
    assert p.flight_time_s == pytest.approx(t_ff + burn / 2.0)
    assert p.alt_m[0] == 0.0 and p.alt_m[-1] == 0.0 and p.speed_ms[0] == 0.0
    assert p.alt_m.max() == pytest.approx(p.apogee_m, rel=1e-4)
    assert float(geo.geodesic_distance_m(p.lat[-1], p.lon[-1], 35.68, 139.69)) < 1.0
    # The speed ramps up during the boost and is continuous at burnout.
    i = int(burn)
    assert np.all(np.diff(p.speed_ms[: i + 1]) > 0)
    assert abs(p.speed_ms[i + 1] - p.speed_ms[i]) < 0.02 * p.speed_ms[i]
    # Samples move along the ground track monotonically.
    along = geo.geodesic_distance_m(40.0, 127.5, p.lat, p.lon)
    assert np.all(np.diff(along) >= -1e-6)


def test_ballistic_path_zero_burn_is_the_ellipse() -> None:
    p = flight.ballistic_path(0.0, 0.0, 0.0, 9.0, 0.0, dt_s=5.0)
    gamma = float(flight.minimum_energy_flight_path_angle(p.ground_range_m))
    assert p.flight_time_s == pytest.approx(flight.free_flight_time_s(p.ground_range_m, gamma))
    assert p.speed_ms[0] == pytest.approx(float(flight.minimum_energy_speed_ms(p.ground_range_m)))


def test_cruise_path() -> None:
    p = flight.cruise_path(29.0, 136.2, 30.0, 135.0, 300.0, 5.0, dt_s=2.0)
    total = float(geo.geodesic_distance_m(29.0, 136.2, 30.0, 135.0))
    assert p.flight_time_s == pytest.approx(total / 300.0)
    assert np.all(p.alt_m == 5.0) and np.all(p.speed_ms == 300.0)
    steps = geo.geodesic_distance_m(p.lat[:-1], p.lon[:-1], p.lat[1:], p.lon[1:])
    assert np.allclose(steps[:-1], 600.0, atol=1e-3)
    assert float(geo.geodesic_distance_m(p.lat[-1], p.lon[-1], 30.0, 135.0)) < 1e-3


def test_aircraft_path_stops_at_release_range() -> None:
    p = flight.aircraft_path(28.5, 136.5, 30.0, 135.0, 250.0, 8000.0, 50e3, dt_s=2.0)
    remaining = float(geo.geodesic_distance_m(p.lat[-1], p.lon[-1], 30.0, 135.0))
    assert remaining == pytest.approx(50e3, abs=1e-3)
    inside = flight.aircraft_path(29.9, 135.0, 30.0, 135.0, 250.0, 8000.0, 50e3)
    assert inside.n_samples == 1 and inside.flight_time_s == 0.0


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        flight.cruise_path(0, 0, 0, 1, 0.0, 10.0)
    with pytest.raises(ValueError):
        flight.cruise_path(0, 0, 0, 1, 100.0, 10.0, dt_s=0.0)


def test_path_batch_pads_and_shares() -> None:
    a = flight.ballistic_path(40.0, 127.5, 35.68, 139.69, 60.0, dt_s=2.0)
    c = flight.cruise_path(29.0, 136.2, 30.0, 135.0, 300.0, 5.0, dt_s=2.0)
    b = flight.PathBatch.from_paths([a, c, a], [0.0, 10.0, 20.0])
    assert b.t_s.shape[0] == 3 and b.n_columns % flight.COLUMN_MULTIPLE == 0
    assert max(a.n_samples, c.n_samples) <= b.n_columns < max(a.n_samples, c.n_samples) + 64
    assert list(b.n_samples) == [a.n_samples, c.n_samples, a.n_samples]
    assert np.array_equal(b.valid.sum(axis=1), b.n_samples)
    assert np.all(np.isinf(b.t_s[~b.valid]))
    assert np.allclose(b.t_s[2, : a.n_samples], a.t_s + 20.0)
    assert np.allclose(b.impact_s, [a.flight_time_s, 10.0 + c.flight_time_s, 20 + a.flight_time_s])
    x, y, z = geo.to_ecef(b.lat, b.lon, b.alt_m)
    assert np.allclose(x, b.x_m) and np.allclose(y, b.y_m) and np.allclose(z, b.z_m)
    assert np.allclose(np.linalg.norm(b.up, axis=-1), 1.0)
    # padding repeats the last sample
    assert b.lat[1, -1] == c.lat[-1] and b.alt_m[1, -1] == c.alt_m[-1]
    with pytest.raises(ValueError):
        flight.PathBatch.from_paths([a], [0.0, 1.0])


@pytest.mark.parametrize("size", [1, 7, 32])
def test_path_blocks_bound_their_samples(size: int) -> None:
    a = flight.ballistic_path(40.0, 127.5, 35.68, 139.69, 60.0, "lofted", dt_s=1.0)
    c = flight.cruise_path(29.0, 136.2, 30.0, 135.0, 300.0, 5.0, dt_s=2.0)
    b = flight.PathBatch.from_paths([a, c], [0.0, 5.0])
    blocks = flight.path_blocks(b, size)
    for t in range(b.n_threats):
        for k in range(b.n_columns):
            j = k // size
            d = math.dist(
                (b.x_m[t, k], b.y_m[t, k], b.z_m[t, k]),
                (blocks.x_m[t, j], blocks.y_m[t, j], blocks.z_m[t, j]),
            )
            assert d <= blocks.radius_m[t, j] + 1e-6
            angle = float(geo.normal_angle_rad(b.up[t, k], blocks.up[t, j]))
            assert angle <= blocks.angular_radius[t, j] + 1e-12
            assert blocks.min_alt_m[t, j] <= b.alt_m[t, k] <= blocks.max_alt_m[t, j]
            if b.valid[t, k]:
                assert b.t_s[t, k] <= blocks.t_max_s[t, j]


def test_block_rows_pads_with_fill() -> None:
    a = np.arange(6.0).reshape(1, 6)
    assert flight.block_rows(a, 3).shape == (1, 2, 3)
    assert flight.block_rows(a, 3).base is not None  # a view when the size divides
    padded = flight.block_rows(a, 4)
    assert padded.tolist() == [[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 5.0, 5.0]]]
    mask = flight.block_rows(np.ones((1, 6), dtype=bool), 4, fill=False)
    assert mask.sum() == 6
