"""Ballistic closed forms against published figures.

Source: the minimum-energy trajectory over a spherical, non-rotating earth without
drag, nu = v^2 R / mu, sin(psi/2) = nu / (2 - nu), range = R psi, and the Kepler
time of flight of the surface-to-surface ellipse (A. D. Wheelon, "Free flight of a
ballistic missile", ARS Journal 29, 1959; F. J. Regan, Re-entry Vehicle Dynamics,
AIAA 1984, ch. 2). Numbers as listed in Hoplon's docs/public-figures.md:
3.0 km/s -> 988.5 km (7.9 min free flight); 7.2 km/s -> 10,012 km (32.2 min);
a 1,000 km minimum-energy shot needs 3.016 km/s. Tolerances are the rounding of
the published figures.
"""

from __future__ import annotations

import math

import pytest

from hoplon.core import flight, geo


def _free_flight_min(v_ms: float) -> float:
    r = float(flight.minimum_energy_range_m(v_ms))
    return flight.free_flight_time_s(r, float(flight.minimum_energy_flight_path_angle(r))) / 60.0


def test_range_3_kms() -> None:
    assert float(flight.minimum_energy_range_m(3_000.0)) / 1e3 == pytest.approx(988.5, abs=0.5)


def test_range_7_2_kms() -> None:
    assert float(flight.minimum_energy_range_m(7_200.0)) / 1e3 == pytest.approx(10_012, abs=5.0)


def test_speed_for_1000_km() -> None:
    assert float(flight.minimum_energy_speed_ms(1_000e3)) / 1e3 == pytest.approx(3.016, abs=0.002)


def test_free_flight_time_3_kms() -> None:
    assert _free_flight_min(3_000.0) == pytest.approx(7.9, abs=0.05)


def test_free_flight_time_7_2_kms() -> None:
    assert _free_flight_min(7_200.0) == pytest.approx(32.2, abs=0.05)


def test_sampled_minimum_energy_1000_km_shot_lands_on_target() -> None:
    # A launch point exactly 1,000 km due east of the target along the geodesic.
    lon, lat, _ = geo.GEOD.fwd(139.69, 35.68, 270.0, 1_000e3)
    path = flight.ballistic_path(lat, lon, 35.68, 139.69, burn_time_s=0.0, dt_s=1.0)
    assert path.ground_range_m == pytest.approx(1_000e3, abs=1e-3)
    landing = float(geo.geodesic_distance_m(path.lat[-1], path.lon[-1], 35.68, 139.69))
    assert landing < 1_000.0
    gamma = float(flight.minimum_energy_flight_path_angle(1_000e3))
    assert path.t_s[-1] == pytest.approx(flight.free_flight_time_s(1_000e3, gamma))
    # Apogee of the minimum-energy ellipse in closed form: r_a = a (1 + e) with
    # a = R / (2 - nu), e^2 = 1 - nu (2 - nu) cos^2(gamma*).
    nu = float(flight.minimum_energy_speed_ms(1_000e3)) ** 2 * flight.R_EARTH / flight.MU
    a = flight.R_EARTH / (2.0 - nu)
    e = math.sqrt(1.0 - nu * (2.0 - nu) * math.cos(gamma) ** 2)
    apogee = a * (1.0 + e) - flight.R_EARTH
    assert path.apogee_m == pytest.approx(apogee, rel=1e-9)
    assert path.alt_m.max() == pytest.approx(apogee, abs=50.0)  # within one 1 s sample
