"""A plain scalar reference of Hoplon's physical layer: one point at a time, math only.

Written from the model's definitions (docs/model.md, part 1), independently of the
vectorised kernels in ``hoplon.core``: its own WGS84 conversion to earth-centred
coordinates, Vincenty's inverse formula for the geodesic (agrees with Karney's to
well under a millimetre away from antipodal points), and loops instead of arrays.
Tests compare the kernels against it on random inputs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WGS84_A = 6_378_137.0
WGS84_F = 1.0 / 298.257223563
WGS84_B = WGS84_A * (1.0 - WGS84_F)
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
R_EARTH_M = 6_371_000.0
K_REFRACTION = 4.0 / 3.0


def geodetic_to_ecef(lat: float, lon: float, alt_m: float) -> tuple[float, float, float]:
    """WGS84 geodetic (degrees, metres) to earth-centred, earth-fixed metres."""
    phi, lam = math.radians(lat), math.radians(lon)
    n = WGS84_A / math.sqrt(1.0 - WGS84_E2 * math.sin(phi) ** 2)
    return (
        (n + alt_m) * math.cos(phi) * math.cos(lam),
        (n + alt_m) * math.cos(phi) * math.sin(lam),
        (n * (1.0 - WGS84_E2) + alt_m) * math.sin(phi),
    )


def geodesic_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Vincenty's inverse formula on WGS84, metres."""
    a, b, f = WGS84_A, WGS84_B, WGS84_F
    u1 = math.atan((1.0 - f) * math.tan(math.radians(lat1)))
    u2 = math.atan((1.0 - f) * math.tan(math.radians(lat2)))
    big_l = math.radians(lon2 - lon1)
    lam = big_l
    su1, cu1, su2, cu2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    for _ in range(200):
        sl, cl = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
        if sin_sigma == 0.0:
            return 0.0
        cos_sigma = su1 * su2 + cu1 * cu2 * cl
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cu1 * cu2 * sl / sin_sigma
        cos2_alpha = 1.0 - sin_alpha**2
        cos_2sm = cos_sigma - 2.0 * su1 * su2 / cos2_alpha if cos2_alpha != 0.0 else 0.0
        c = f / 16.0 * cos2_alpha * (4.0 + f * (4.0 - 3.0 * cos2_alpha))
        lam_prev = lam
        lam = big_l + (1.0 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1.0 + 2.0 * cos_2sm**2))
        )
        if abs(lam - lam_prev) < 1e-13:
            break
    u_sq = cos2_alpha * (a * a - b * b) / (b * b)
    big_a = 1.0 + u_sq / 16384.0 * (4096.0 + u_sq * (-768.0 + u_sq * (320.0 - 175.0 * u_sq)))
    big_b = u_sq / 1024.0 * (256.0 + u_sq * (-128.0 + u_sq * (74.0 - 47.0 * u_sq)))
    delta_sigma = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4.0
            * (
                cos_sigma * (-1.0 + 2.0 * cos_2sm**2)
                - big_b / 6.0 * cos_2sm * (-3.0 + 4.0 * sin_sigma**2) * (-3.0 + 4.0 * cos_2sm**2)
            )
        )
    )
    return b * big_a * (sigma - delta_sigma)


def look_angles(
    obs: tuple[float, float, float], tgt: tuple[float, float, float]
) -> tuple[float, float, float]:
    """Azimuth (deg, [0, 360)), geometric elevation (deg) and slant range (m).

    ``obs`` and ``tgt`` are (lat, lon, alt_m).
    """
    ox, oy, oz = geodetic_to_ecef(*obs)
    tx, ty, tz = geodetic_to_ecef(*tgt)
    dx, dy, dz = tx - ox, ty - oy, tz - oz
    phi, lam = math.radians(obs[0]), math.radians(obs[1])
    e = -math.sin(lam) * dx + math.cos(lam) * dy
    n = (
        -math.sin(phi) * math.cos(lam) * dx
        - math.sin(phi) * math.sin(lam) * dy
        + math.cos(phi) * dz
    )
    u = math.cos(phi) * math.cos(lam) * dx + math.cos(phi) * math.sin(lam) * dy + math.sin(phi) * dz
    az = math.degrees(math.atan2(e, n)) % 360.0
    el = math.degrees(math.atan2(u, math.hypot(e, n)))
    return az, el, math.sqrt(dx * dx + dy * dy + dz * dz)


def radar_horizon_m(h_radar_m: float, h_target_m: float) -> float:
    """4/3-earth radar horizon, metres."""
    c = 2.0 * K_REFRACTION * R_EARTH_M
    return math.sqrt(c * max(h_radar_m, 0.0)) + math.sqrt(c * max(h_target_m, 0.0))


@dataclass(frozen=True)
class Radar:
    lat: float
    lon: float
    alt_m: float
    range_m_1m2: float
    facing_deg: float
    fov_deg: float
    min_elev_deg: float


@dataclass(frozen=True)
class Sample:
    t_s: float
    lat: float
    lon: float
    alt_m: float


def radar_detects(radar: Radar, p: Sample, rcs_m2: float) -> bool:
    """The detection rule, stated one condition at a time."""
    az, el, slant = look_angles((radar.lat, radar.lon, radar.alt_m), (p.lat, p.lon, p.alt_m))
    if slant > radar.range_m_1m2 * rcs_m2**0.25:
        return False
    if radar.min_elev_deg > 0.0 and el < radar.min_elev_deg:
        return False
    if radar.fov_deg < 360.0:
        off = abs((az - radar.facing_deg + 180.0) % 360.0 - 180.0)
        if off > radar.fov_deg / 2.0:
            return False
    ground = geodesic_distance_m(radar.lat, radar.lon, p.lat, p.lon)
    return ground <= radar_horizon_m(radar.alt_m, p.alt_m)


def first_detection_s(radar: Radar, samples: Sequence[Sample], rcs_m2: float) -> float:
    """Time of the first sample the radar detects, or inf."""
    for p in samples:
        if radar_detects(radar, p, rcs_m2):
            return p.t_s
    return math.inf


def cued_track_s(detect_s: float, track_time_s: float, cue_s: float) -> float:
    """Own track time: uncued after the search time; cued at the later of visibility and cue."""
    if math.isinf(detect_s):
        return math.inf
    if cue_s <= detect_s:
        return detect_s
    return min(detect_s + track_time_s, cue_s)


def track_times(
    detect: list[list[float]],
    track_time: list[float],
    cue_latency: list[list[float]],
    external: list[list[float]],
) -> list[list[float]]:
    """Radars' track times with cues, by relaxation until nothing changes."""
    n_s, n_t = len(detect), len(detect[0]) if detect else 0
    track = [[math.inf] * n_t for _ in range(n_s)]
    changed = True
    while changed:
        changed = False
        for s in range(n_s):
            for t in range(n_t):
                cue = math.inf
                for q in range(n_s):
                    if q != s:
                        cue = min(cue, track[q][t] + cue_latency[s][q])
                for e, reports in enumerate(external):
                    cue = min(cue, reports[t] + cue_latency[s][n_s + e])
                value = cued_track_s(detect[s][t], track_time[s], cue)
                if value != track[s][t]:
                    track[s][t] = value
                    changed = True
    return track


def straight_line_depth_m(
    lat1: float, lon1: float, h1_m: float, lat2: float, lon2: float, h2_m: float
) -> float:
    """How far the straight line between two points passes below a spherical earth, m.

    Each point stands at its height along its ellipsoid normal over the sphere of
    radius R_EARTH_M; the line is drawn in the plane of the two normals and its closest
    approach to the centre found directly. Negative: the line stays above the surface.
    """

    def normal(lat: float, lon: float) -> tuple[float, float, float]:
        phi, lam = math.radians(lat), math.radians(lon)
        return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))

    n1, n2 = normal(lat1, lon1), normal(lat2, lon2)
    dot = sum(a * b for a, b in zip(n1, n2, strict=True))
    cross = math.sqrt(
        (n1[1] * n2[2] - n1[2] * n2[1]) ** 2
        + (n1[2] * n2[0] - n1[0] * n2[2]) ** 2
        + (n1[0] * n2[1] - n1[1] * n2[0]) ** 2
    )
    theta = math.atan2(cross, dot)
    r1, r2 = R_EARTH_M + h1_m, R_EARTH_M + h2_m
    ax, ay = r1, 0.0
    bx, by = r2 * math.cos(theta), r2 * math.sin(theta)
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    s = 0.0 if length2 == 0.0 else min(1.0, max(0.0, -(ax * dx + ay * dy) / length2))
    closest = math.hypot(ax + s * dx, ay + s * dy)
    return R_EARTH_M - closest


@dataclass(frozen=True)
class Shooter:
    lat: float
    lon: float
    alt_m: float
    min_range_m: float
    max_range_m: float
    min_alt_m: float
    max_alt_m: float
    avg_speed_ms: float
    earliest_launch_s: float
    below_surface_m: float = 100.0  # how far under the surface a straight fly-out may pass


def intercept_points(
    shooter: Shooter, samples: Sequence[Sample], impact_s: float
) -> list[tuple[float, float]]:
    """(launch, intercept) of every feasible intercept point, in sample order."""
    points = []
    ux, uy, uz = geodetic_to_ecef(shooter.lat, shooter.lon, shooter.alt_m)
    for p in samples:
        if p.t_s > impact_s:
            continue
        if not shooter.min_alt_m <= p.alt_m <= shooter.max_alt_m:
            continue
        ground = geodesic_distance_m(shooter.lat, shooter.lon, p.lat, p.lon)
        if not shooter.min_range_m <= ground <= shooter.max_range_m:
            continue
        px, py, pz = geodetic_to_ecef(p.lat, p.lon, p.alt_m)
        fly_out = math.sqrt((px - ux) ** 2 + (py - uy) ** 2 + (pz - uz) ** 2)
        launch = p.t_s - fly_out / shooter.avg_speed_ms
        depth = straight_line_depth_m(
            shooter.lat, shooter.lon, shooter.alt_m, p.lat, p.lon, p.alt_m
        )
        if launch >= shooter.earliest_launch_s and depth <= shooter.below_surface_m:
            points.append((launch, p.t_s))
    return points


def best_engagement(
    points: Sequence[tuple[float, float]], not_before_s: float
) -> tuple[float, float] | None:
    """Among points launching at or after ``not_before_s``, the earliest intercept."""
    allowed = [pt for pt in points if pt[0] >= not_before_s]
    if not allowed:
        return None
    return min(allowed, key=lambda pt: pt[1])
