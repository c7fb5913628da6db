"""WGS84 geodesy, earth-centred coordinates and the 4/3-earth radar horizon.

All geodesy is pyproj's (Karney's geodesic algorithms on the WGS84 ellipsoid, PROJ
for geodetic to earth-centred, earth-fixed conversion). Latitudes, longitudes and
azimuths are degrees; distances and heights are metres (heights above the WGS84
ellipsoid, taken as sea level). Every function broadcasts its array arguments
with numpy's rules and returns arrays of the broadcast shape.

The spherical ground-distance *estimate* below is only a prefilter: tests against
a ground-distance threshold (:func:`ground_distance_in_range`) decide every point
whose estimate falls near the threshold with the exact geodesic, so their answer
is the geodesic's.
"""

from __future__ import annotations

import threading

import numpy as np
import pyproj
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: The WGS84 ellipsoid's geodesic calculator.
GEOD = pyproj.Geod(ellps="WGS84")

#: Mean earth radius (m) of the 4/3-earth radar horizon and of spherical estimates.
R_EARTH_M = 6_371_000.0

#: Effective earth-radius factor for standard atmospheric refraction.
K_REFRACTION = 4.0 / 3.0

#: The spherical estimate of a geodesic distance is within this relative error of
#: the WGS84 geodesic (the true bound is about 0.6 %: the ellipsoid's radii of
#: curvature lie between 6 335 and 6 400 km); tests use it as a safe margin.
SPHERE_RELATIVE_ERROR = 0.01

_local = threading.local()


def _ecef_transformer() -> pyproj.Transformer:
    """The geodetic (EPSG:4979) to ECEF (EPSG:4978) transformer, one per thread.

    PROJ contexts are not shared between threads, so each thread gets its own.
    """
    transformer = getattr(_local, "ecef", None)
    if transformer is None:
        transformer = pyproj.Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
        _local.ecef = transformer
    return transformer


def _as_float(*arrays: ArrayLike) -> list[FloatArray]:
    """Convert to float64 arrays and broadcast them to one shape."""
    return [np.asarray(a, dtype=np.float64) for a in np.broadcast_arrays(*arrays)]


def geodesic_inverse(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Forward azimuth and length of the WGS84 geodesic from point 1 to point 2.

    Args:
        lat1, lon1: start point, degrees, any broadcastable shapes.
        lat2, lon2: end point, degrees.

    Returns:
        ``(azimuth_deg, distance_m)``, each of the broadcast shape: the azimuth at the
        start point, degrees clockwise from north in (-180, 180], and the geodesic
        length in metres.
    """
    la1, lo1, la2, lo2 = _as_float(lat1, lon1, lat2, lon2)
    az, _, dist = GEOD.inv(lo1, la1, lo2, la2, return_back_azimuth=False)
    return np.asarray(az, dtype=np.float64), np.asarray(dist, dtype=np.float64)


def geodesic_distance_m(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> FloatArray:
    """Length of the WGS84 geodesic between two points, metres.

    Args:
        lat1, lon1, lat2, lon2: degrees, any broadcastable shapes.

    Returns:
        Distance in metres, of the broadcast shape.
    """
    return geodesic_inverse(lat1, lon1, lat2, lon2)[1]


def geodesic_points(
    lat0: ArrayLike,
    lon0: ArrayLike,
    lat1: ArrayLike,
    lon1: ArrayLike,
    fractions: ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """Points at given fractions of the WGS84 geodesic from point 0 to point 1.

    Args:
        lat0, lon0: start point(s), degrees, shape ``(...)``.
        lat1, lon1: end point(s), degrees, broadcastable with the start.
        fractions: fraction of the geodesic's length (0 = start, 1 = end; values
            outside [0, 1] extend the geodesic), broadcastable with the end points
            (e.g. end points ``(N, 1)`` and fractions ``(N, K)`` or ``(K,)``).

    Returns:
        ``(lat_deg, lon_deg)`` of the broadcast shape of all arguments.
    """
    az, dist = geodesic_inverse(lat0, lon0, lat1, lon1)
    la0, lo0, az_b, dist_b, frac = _as_float(lat0, lon0, az, dist, fractions)
    lon, lat, _ = GEOD.fwd(lo0, la0, az_b, frac * dist_b, return_back_azimuth=False)
    return np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)


def offset_geodesic_points(
    lat0: float, lon0: float, lat1: float, lon1: float,
    fractions: ArrayLike, offsets_m: ArrayLike,
) -> tuple[FloatArray, FloatArray]:  # fmt: skip
    """Points beside the WGS84 geodesic from point 0 to point 1: at each fraction of its
    length, ``offset`` metres along the geodesic at right angles to it (positive to the
    right of the direction of travel).

    Args:
        lat0, lon0, lat1, lon1: the geodesic's ends, degrees.
        fractions: fractions of its length, shape ``(K,)``.
        offsets_m: sideways offsets, metres, broadcastable with ``fractions``.

    Returns:
        ``(lat_deg, lon_deg)``, shape ``(K,)``.
    """
    az, dist = geodesic_inverse(lat0, lon0, lat1, lon1)
    frac, off = _as_float(fractions, offsets_m)
    n = frac.shape
    lon, lat, az_here = GEOD.fwd(np.full(n, lon0), np.full(n, lat0), np.full(n, float(az)),
                                 frac * float(dist), return_back_azimuth=False)  # fmt: skip
    lon2, lat2, _ = GEOD.fwd(lon, lat, np.asarray(az_here) + 90.0, off, return_back_azimuth=False)
    return np.asarray(lat2, dtype=np.float64), np.asarray(lon2, dtype=np.float64)


def to_ecef(
    lat: ArrayLike, lon: ArrayLike, alt_m: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Earth-centred, earth-fixed coordinates of geodetic points (WGS84).

    Args:
        lat, lon: degrees; alt_m: metres above the ellipsoid; broadcastable shapes.

    Returns:
        ``(x_m, y_m, z_m)``, each of the broadcast shape, metres (EPSG:4978).
    """
    la, lo, h = _as_float(lat, lon, alt_m)
    x, y, z = _ecef_transformer().transform(lo, la, h)
    return (
        np.asarray(x, dtype=np.float64),
        np.asarray(y, dtype=np.float64),
        np.asarray(z, dtype=np.float64),
    )


def enu_basis(lat: ArrayLike, lon: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Local east, north and up unit vectors (ECEF components) at geodetic points.

    Args:
        lat, lon: degrees, broadcastable shapes ``(...)``.

    Returns:
        ``(east, north, up)``, each of shape ``(..., 3)``. ``up`` is the ellipsoid
        normal, so elevation angles are geodetic.
    """
    la, lo = _as_float(lat, lon)
    phi = np.radians(la)
    lam = np.radians(lo)
    sp, cp, sl, cl = np.sin(phi), np.cos(phi), np.sin(lam), np.cos(lam)
    east = np.stack([-sl, cl, np.zeros_like(sl)], axis=-1)
    north = np.stack([-sp * cl, -sp * sl, cp], axis=-1)
    up = np.stack([cp * cl, cp * sl, sp], axis=-1)
    return east, north, up


def azimuth_elevation(
    obs_lat: ArrayLike,
    obs_lon: ArrayLike,
    obs_alt_m: ArrayLike,
    tgt_lat: ArrayLike,
    tgt_lon: ArrayLike,
    tgt_alt_m: ArrayLike,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Azimuth, elevation and slant range of targets seen from observers.

    The line of sight is the straight ECEF vector from observer to target, resolved
    into the observer's local east-north-up frame (geometric angles: no refraction).

    Args:
        obs_lat, obs_lon: observer, degrees; obs_alt_m: metres above the ellipsoid.
        tgt_lat, tgt_lon: target, degrees; tgt_alt_m: metres above the ellipsoid.
        All broadcastable.

    Returns:
        ``(azimuth_deg, elevation_deg, slant_range_m)`` of the broadcast shape;
        azimuth in [0, 360) clockwise from north, elevation in [-90, 90].
    """
    ox, oy, oz = to_ecef(obs_lat, obs_lon, obs_alt_m)
    tx, ty, tz = to_ecef(tgt_lat, tgt_lon, tgt_alt_m)
    east, north, up = enu_basis(obs_lat, obs_lon)
    dx, dy, dz = tx - ox, ty - oy, tz - oz
    e = dx * east[..., 0] + dy * east[..., 1] + dz * east[..., 2]
    n = dx * north[..., 0] + dy * north[..., 1] + dz * north[..., 2]
    u = dx * up[..., 0] + dy * up[..., 1] + dz * up[..., 2]
    azimuth = np.mod(np.degrees(np.arctan2(e, n)), 360.0)
    elevation = np.degrees(np.arctan2(u, np.hypot(e, n)))
    slant = np.sqrt(dx * dx + dy * dy + dz * dz)
    return azimuth, elevation, slant


def radar_horizon_m(h_radar_m: ArrayLike, h_target_m: ArrayLike) -> FloatArray:
    """Radar horizon over a 4/3 earth: the longest ground distance of a visible target.

    ``d = sqrt(2 k R h_r) + sqrt(2 k R h_t)`` with ``k = 4/3`` and ``R = 6 371 000 m``,
    i.e. ``4.1218 (sqrt(h_r) + sqrt(h_t))`` km with heights in metres (the standard
    radar-handbook form). Negative heights count as zero.

    Args:
        h_radar_m: antenna height above the surface, metres.
        h_target_m: target height above the surface, metres. Broadcastable.

    Returns:
        Horizon distance in metres, of the broadcast shape.
    """
    scale = 2.0 * K_REFRACTION * R_EARTH_M
    hr = np.maximum(np.asarray(h_radar_m, dtype=np.float64), 0.0)
    ht = np.maximum(np.asarray(h_target_m, dtype=np.float64), 0.0)
    return np.asarray(np.sqrt(scale * hr) + np.sqrt(scale * ht), dtype=np.float64)


def ground_distance_estimate_m(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> FloatArray:
    """A fast spherical estimate of the geodesic distance, metres (a prefilter only).

    The angle between the two ellipsoid normals times :data:`R_EARTH_M`; within
    :data:`SPHERE_RELATIVE_ERROR` of the WGS84 geodesic. Use it to discard points
    far from a threshold, never as the answer (see :func:`ground_distance_in_range`).

    Args:
        lat1, lon1, lat2, lon2: degrees, broadcastable.

    Returns:
        Estimated distance, metres, of the broadcast shape.
    """
    _, _, n1 = enu_basis(lat1, lon1)
    _, _, n2 = enu_basis(lat2, lon2)
    return normal_distance_estimate_m(n1, n2)


def normal_angle_rad(n1: FloatArray, n2: FloatArray) -> FloatArray:
    """Angle between unit vectors along the last axis, radians (accurate when small).

    Args:
        n1, n2: unit vectors, shapes broadcastable to ``(..., 3)``.

    Returns:
        ``2 asin(|n1 - n2| / 2)``, radians in [0, pi], shape ``(...)``.
    """
    # by component, summed in the order np.sum takes a last axis of three (the same bits)
    a, b = np.asarray(n1, dtype=np.float64), np.asarray(n2, dtype=np.float64)
    dx, dy, dz = (a[..., k] - b[..., k] for k in range(3))
    chord = np.sqrt((dx * dx + dy * dy) + dz * dz)
    return np.asarray(2.0 * np.arcsin(np.minimum(chord / 2.0, 1.0)), dtype=np.float64)


def normal_distance_estimate_m(n1: FloatArray, n2: FloatArray) -> FloatArray:
    """Spherical distance estimate from ellipsoid normals (as from :func:`enu_basis`).

    Args:
        n1, n2: unit normals, shapes broadcastable to ``(..., 3)``.

    Returns:
        ``R_EARTH_M * angle(n1, n2)``, metres, shape ``(...)``.
    """
    return R_EARTH_M * normal_angle_rad(n1, n2)


def ground_distance_in_range(
    lat1: ArrayLike,
    lon1: ArrayLike,
    lat2: ArrayLike,
    lon2: ArrayLike,
    min_m: ArrayLike,
    max_m: ArrayLike,
    estimate_m: ArrayLike | None = None,
) -> BoolArray:
    """Whether the WGS84 geodesic distance lies in ``[min_m, max_m]``, exactly.

    Points whose spherical estimate is clearly inside or outside the interval are
    decided by the estimate; only those within the estimate's error band of a bound
    are computed with the geodesic, so the answer equals the geodesic test while
    most points cost a few floating-point operations.

    Args:
        lat1, lon1, lat2, lon2: degrees.
        min_m, max_m: bounds, metres (``min_m`` may be 0, ``max_m`` may be inf).
        estimate_m: a precomputed :func:`ground_distance_estimate_m` (optional).
        All broadcastable.

    Returns:
        Boolean array of the broadcast shape.
    """
    if estimate_m is None:
        estimate_m = ground_distance_estimate_m(lat1, lon1, lat2, lon2)
    la1, lo1, la2, lo2, lo_m, hi_m, est = _as_float(
        lat1, lon1, lat2, lon2, min_m, max_m, estimate_m
    )
    eps = SPHERE_RELATIVE_ERROR
    slack = 1.0  # metres, for distances near zero
    # The geodesic d satisfies est/(1+eps) - slack <= d <= est/(1-eps) + slack.
    d_low = est / (1.0 + eps) - slack
    d_high = est / (1.0 - eps) + slack
    surely_in = (d_low >= lo_m) & (d_high <= hi_m)
    maybe_in = (d_high >= lo_m) & (d_low <= hi_m)
    result = surely_in.copy()
    unsure = maybe_in & ~surely_in
    if np.any(unsure):
        d = geodesic_distance_m(la1[unsure], lo1[unsure], la2[unsure], lo2[unsure])
        result[unsure] = (d >= lo_m[unsure]) & (d <= hi_m[unsure])
    return result


def straight_line_clears_sphere(
    n1: FloatArray,
    h1_m: ArrayLike,
    n2: FloatArray,
    h2_m: ArrayLike,
    below_m: ArrayLike = 0.0,
) -> BoolArray:
    """Whether the straight line between two points stays above a spherical earth.

    The earth is the sphere of radius :data:`R_EARTH_M`; a point stands at its height
    above the ellipsoid along its normal (as from :func:`enu_basis`). The segment
    between points at radii ``r1``, ``r2`` whose normals are ``theta`` apart stays
    outside the ball of radius ``R' = R_EARTH_M - below_m`` exactly when each point
    sees the other over it::

        theta <= acos(R' / r1) + acos(R' / r2)

    (each term the angle from a point to its horizon on that ball). A point inside
    the ball never clears it.

    Args:
        n1, n2: unit normals, shapes broadcastable to ``(..., 3)``.
        h1_m, h2_m: heights above the surface, metres, broadcastable to ``(...)``.
        below_m: how far below the surface the line may pass, metres (0: not at all).

    Returns:
        Boolean array of the broadcast shape ``(...)``.
    """
    theta = normal_angle_rad(n1, n2)
    floor = R_EARTH_M - np.asarray(below_m, dtype=np.float64)
    r1 = R_EARTH_M + np.asarray(h1_m, dtype=np.float64)
    r2 = R_EARTH_M + np.asarray(h2_m, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        # acos(R'/r) as atan2(sqrt(r^2 - R'^2), R'): accurate near the surface.
        a1 = np.arctan2(np.sqrt((r1 - floor) * (r1 + floor)), floor)
        a2 = np.arctan2(np.sqrt((r2 - floor) * (r2 + floor)), floor)
    above = (r1 >= floor) & (r2 >= floor)
    return np.asarray(above & (theta <= a1 + a2), dtype=np.bool_)
