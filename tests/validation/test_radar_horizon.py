"""Radar horizon against the published 4/3-earth figures.

Source: 4/3-earth radar horizon, standard radar-handbook form
d = 4.1218 (sqrt(h_r) + sqrt(h_t)) km with heights in metres (equivalently
1.23 sqrt(h) nautical miles with h in feet; e.g. M. I. Skolnik, Introduction to
Radar Systems); Hoplon docs/public-figures.md. Tolerance +-0.05 km (the figures'
rounding), +-0.1 km for the 244.2 km case.
"""

from __future__ import annotations

import numpy as np
import pytest

from hoplon.core import flight, geo, sensing


@pytest.mark.parametrize(
    ("h_radar", "h_target", "km", "tol"),
    [
        (25.0, 0.0, 20.61, 0.05),
        (25.0, 5.0, 29.83, 0.05),
        (30.0, 15.0, 38.54, 0.05),
        (20.0, 3000.0, 244.2, 0.1),
    ],
)
def test_horizon_figures(h_radar: float, h_target: float, km: float, tol: float) -> None:
    assert float(geo.radar_horizon_m(h_radar, h_target)) / 1e3 == pytest.approx(km, abs=tol)


def test_sea_skimmer_first_seen_at_the_horizon() -> None:
    # A 5 m sea-skimmer flying at 300 m/s straight at a ship whose radar is 25 m up.
    # The radar's range (1,000 km against 1 m^2) is far beyond the horizon, so the
    # horizon binds: first detection about 29.83 km out, late by at most one step.
    ship = (30.0, 135.0)
    speed, dt = 300.0, 1.0
    start_lon, start_lat, _ = geo.GEOD.fwd(ship[1], ship[0], 120.0, 80e3)
    path = flight.cruise_path(start_lat, start_lon, *ship, speed, 5.0, dt_s=dt)
    batch = flight.PathBatch.from_paths([path], [0.0])
    first = sensing.radar_first_detection_s(
        [ship[0]], [ship[1]], [25.0], [1_000e3], [0.0], [360.0], [0.0], batch, [0.1]
    )[0, 0]
    k = int(np.searchsorted(path.t_s, first))
    distance = float(geo.geodesic_distance_m(path.lat[k], path.lon[k], *ship))
    assert distance == pytest.approx(29.83e3, abs=speed * dt)
    assert distance <= float(geo.radar_horizon_m(25.0, 5.0))
