"""Many threat paths from one launch point to many aim points, as one :class:`PathBatch`.

The same model as :mod:`hoplon.core.flight` (:func:`~hoplon.core.flight.ballistic_path`,
:func:`~hoplon.core.flight.cruise_path`, :func:`~hoplon.core.flight.aircraft_path`),
sampled on the same time grid, but computed for every aim point at once: the Kepler
ellipse of each aim point's range, one vectorised solve of Kepler's equation over
``(aim points, samples)``, and the WGS84 geodesic forward problem at
:data:`GEODESIC_NODES` nodes of each ground track, interpolated between them.
Row ``i`` of the batch is the path to aim point ``i``, launched at time 0.

ECEF positions and ellipsoid normals are the closed forms of EPSG:4978 (the same as
:func:`hoplon.core.geo.to_ecef` and :func:`hoplon.core.geo.enu_basis`, to rounding),
written out in numpy because they are evaluated for millions of samples.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hoplon.core import flight, geo

FloatArray = NDArray[np.float64]

#: WGS84 semi-major axis (m) and first eccentricity squared.
WGS84_A = 6_378_137.0
WGS84_E2 = 6.69437999014e-3


def ecef_and_up(
    lat: FloatArray, lon: FloatArray, alt_m: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """ECEF position (m) and ellipsoid normal of geodetic points (WGS84).

    ``N = a / sqrt(1 - e² sin² φ)``, ``x = (N + h) cos φ cos λ``, ``y = (N + h) cos φ sin λ``,
    ``z = (N (1 - e²) + h) sin φ``; the normal is ``(cos φ cos λ, cos φ sin λ, sin φ)``.

    Returns:
        ``(x, y, z, up)``: arrays of the input shape, and ``up`` with a last axis of 3.
    """
    phi, lam = np.radians(lat), np.radians(lon)
    sp, cp, sl, cl = np.sin(phi), np.cos(phi), np.sin(lam), np.cos(lam)
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * sp * sp)
    x = (n + alt_m) * cp * cl
    y = (n + alt_m) * cp * sl
    z = (n * (1.0 - WGS84_E2) + alt_m) * sp
    up = np.stack((cp * cl, cp * sl, sp), axis=-1)
    return x, y, z, up


def _time_grid(flight_s: FloatArray, dt_s: float) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Per row ``0, dt, 2 dt, ...`` below its flight time, then the flight time itself.

    Columns past a row's last sample repeat its flight time (padding); the mask marks
    the samples. The column count is a multiple of :data:`flight.COLUMN_MULTIPLE`.
    """
    n = np.where(flight_s > 0, np.ceil(flight_s / dt_s - 1e-9), 0).astype(np.int64)
    longest = int(n.max()) + 1 if n.size else 1
    k = -(-longest // flight.COLUMN_MULTIPLE) * flight.COLUMN_MULTIPLE
    col = np.arange(k)[None, :]
    t = np.where(col < n[:, None], col * dt_s, flight_s[:, None])
    return t, col <= n[:, None]


#: Nodes per path at which the geodesic forward problem is solved exactly; positions
#: between them are cubic (Lagrange) interpolants of the ellipsoid normal. Over a
#: geodesic of length L the interpolation error is about (L / 64)^4 / (384 R^3): under a
#: millimetre for any L up to half the earth's circumference.
GEODESIC_NODES = 65


def _ground_track(
    launch_lat: float,
    launch_lon: float,
    aim_lat: FloatArray,
    aim_lon: FloatArray,
    fraction: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Latitude, longitude and ellipsoid normal of the points at ``fraction`` (rows, K) of
    each row's geodesic from the launch point to its aim point."""
    m = GEODESIC_NODES
    nodes = np.linspace(0.0, 1.0, m)
    node_lat, node_lon = geo.geodesic_points(
        launch_lat, launch_lon, aim_lat[:, None], aim_lon[:, None], nodes[None, :]
    )
    _, _, _, node_up = ecef_and_up(node_lat, node_lon, np.zeros_like(node_lat))
    pos = fraction * (m - 1)
    i0 = np.clip(np.floor(pos).astype(np.int64) - 1, 0, m - 4)
    u = pos - i0
    weights = (
        -(u - 1) * (u - 2) * (u - 3) / 6,
        u * (u - 2) * (u - 3) / 2,
        -u * (u - 1) * (u - 3) / 2,
        u * (u - 1) * (u - 2) / 6,
    )
    flat = (np.arange(fraction.shape[0]) * m)[:, None] + i0
    up = np.empty((*fraction.shape, 3))
    for c in range(3):
        comp = np.ascontiguousarray(node_up[..., c]).ravel()
        acc = weights[0] * comp.take(flat)
        for k in (1, 2, 3):
            acc += weights[k] * comp.take(flat + k)
        up[..., c] = acc
    up /= np.linalg.norm(up, axis=-1, keepdims=True)
    lat = np.degrees(np.arcsin(np.clip(up[..., 2], -1.0, 1.0)))
    lon = np.degrees(np.arctan2(up[..., 1], up[..., 0]))
    return lat, lon, up


def _batch(
    launch_lat: float,
    launch_lon: float,
    aim_lat: FloatArray,
    aim_lon: FloatArray,
    t: FloatArray,
    valid: NDArray[np.bool_],
    fraction: FloatArray,
    alt: FloatArray,
    speed: FloatArray,
    flight_s: FloatArray,
    apogee_m: FloatArray,
) -> flight.PathBatch:
    lat, lon, up = _ground_track(launch_lat, launch_lon, aim_lat, aim_lon, fraction)
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * up[..., 2] ** 2)
    x = (n + alt) * up[..., 0]
    y = (n + alt) * up[..., 1]
    z = (n * (1.0 - WGS84_E2) + alt) * up[..., 2]
    return flight.PathBatch(
        t_s=np.where(valid, t, np.inf),
        lat=lat,
        lon=lon,
        alt_m=alt,
        speed_ms=speed,
        x_m=x,
        y_m=y,
        z_m=z,
        up=up,
        valid=valid,
        n_samples=valid.sum(axis=1).astype(np.int64),
        launch_s=np.zeros(aim_lat.shape[0]),
        impact_s=flight_s.copy(),
        apogee_m=apogee_m,
    )


def ballistic_batch(
    launch_lat: float,
    launch_lon: float,
    aim_lat: ArrayLike,
    aim_lon: ArrayLike,
    burn_time_s: float,
    trajectory: str = "minimum-energy",
    dt_s: float = 1.0,
) -> flight.PathBatch:
    """Ballistic paths from one launch point to each aim point (each at a positive range).

    Row ``i`` equals :func:`hoplon.core.flight.ballistic_path` to aim point ``i`` (same
    samples, to rounding), launched at time 0.
    """
    la = np.atleast_1d(np.asarray(aim_lat, dtype=np.float64))
    lo = np.atleast_1d(np.asarray(aim_lon, dtype=np.float64))
    rng = geo.geodesic_distance_m(launch_lat, launch_lon, la, lo)
    if np.any(rng <= 0):
        raise ValueError("every aim point must lie away from the launch point")
    r_e = flight.R_EARTH
    gamma = flight.trajectory_flight_path_angle(rng, trajectory)
    psi = rng / r_e
    nu = 2.0 * np.sin(psi / 2) / (np.sin(2 * gamma + psi / 2) + np.sin(psi / 2))
    a = r_e / (2.0 - nu)
    p = r_e * nu * np.cos(gamma) ** 2
    e = np.sqrt(np.maximum(0.0, 1.0 - p / a))
    theta_l = np.pi - psi / 2.0
    ecc_l = 2.0 * np.arctan2(
        np.sqrt(1 - e) * np.sin(theta_l / 2), np.sqrt(1 + e) * np.cos(theta_l / 2)
    )
    mean_l = ecc_l - e * np.sin(ecc_l)
    mean_motion = np.sqrt(flight.MU / a**3)
    t_ff = 2.0 * (np.pi - mean_l) / mean_motion
    burn = np.minimum(max(float(burn_time_s), 0.0), t_ff)
    flight_s = t_ff + burn / 2.0
    t, valid = _time_grid(flight_s, dt_s)
    b = burn[:, None]
    if float(burn_time_s) > 0.0:
        boosting = t < b
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = np.where(boosting, t * t / (2.0 * b), t - b / 2.0)
            scale = np.where(boosting, t / b, 1.0)
    else:
        tau, scale = t.copy(), np.ones_like(t)
    tau = np.minimum(tau, t_ff[:, None])
    mean = mean_l[:, None] + mean_motion[:, None] * tau
    ec = e[:, None]
    ecc = np.pi + (mean - np.pi) / (1.0 + ec)
    for _ in range(50):
        step = (ecc - ec * np.sin(ecc) - mean) / (1.0 - ec * np.cos(ecc))
        ecc = ecc - step
        if np.all(np.abs(step) < 1e-13):
            break
    r = a[:, None] * (1.0 - ec * np.cos(ecc))
    theta = 2.0 * np.arctan2(np.sqrt(1 + ec) * np.sin(ecc / 2), np.sqrt(1 - ec) * np.cos(ecc / 2))
    angle = np.clip(theta - theta_l[:, None], 0.0, psi[:, None])
    speed = np.sqrt(np.maximum(flight.MU * (2.0 / r - 1.0 / a[:, None]), 0.0)) * scale
    alt = np.maximum(r - r_e, 0.0)
    fraction = angle / psi[:, None]
    last = t >= flight_s[:, None]  # the impact sample and the padding that repeats it
    fraction[last] = 1.0
    alt[last] = 0.0
    apogee = a * (1.0 + e) - r_e
    return _batch(launch_lat, launch_lon, la, lo, t, valid, fraction, alt, speed, flight_s, apogee)


def constant_batch(
    launch_lat: float,
    launch_lon: float,
    aim_lat: ArrayLike,
    aim_lon: ArrayLike,
    speed_ms: float,
    altitude_m: float,
    stop_short_m: float = 0.0,
    dt_s: float = 1.0,
) -> flight.PathBatch:
    """Cruise (``stop_short_m = 0``) or aircraft (its release range) paths to each aim point.

    Row ``i`` equals :func:`hoplon.core.flight.cruise_path` or
    :func:`~hoplon.core.flight.aircraft_path` to aim point ``i``, launched at time 0;
    an aim point within the release range gives a one-sample path at the launch point.
    """
    la = np.atleast_1d(np.asarray(aim_lat, dtype=np.float64))
    lo = np.atleast_1d(np.asarray(aim_lon, dtype=np.float64))
    total = geo.geodesic_distance_m(launch_lat, launch_lon, la, lo)
    if np.any(total <= 0):
        raise ValueError("every aim point must lie away from the launch point")
    flown = np.maximum(total - max(float(stop_short_m), 0.0), 0.0)
    flight_s = flown / float(speed_ms)
    t, valid = _time_grid(flight_s, dt_s)
    fraction = np.minimum(t * float(speed_ms), flown[:, None]) / total[:, None]
    alt = np.full_like(t, float(altitude_m))
    speed = np.where(flown[:, None] > 0, float(speed_ms), 0.0) * np.ones_like(t)
    apogee = np.full(la.shape[0], float(altitude_m))
    return _batch(launch_lat, launch_lon, la, lo, t, valid, fraction, alt, speed, flight_s, apogee)
