"""Threat flight paths (ballistic, cruise, aircraft) sampled on a time grid.

Ballistic missiles follow a Keplerian ellipse over a spherical, non-rotating earth
with no atmosphere (radius :data:`R_EARTH`, gravitational parameter :data:`MU`).
The free-flight ellipse runs from the launch point to the target, both on the
surface (a surface-to-surface trajectory). Its ground track is the WGS84 geodesic
between them: the fraction of the ellipse's central angle flown is the fraction
of the geodesic's length covered, and the ellipse's central angle is the geodesic
length divided by ``R_EARTH``.

Boost model. During the burn of ``burn_time_s`` (``T_b``) the missile moves along
the first part of the same ellipse, accelerating uniformly from rest: at time
``t <= T_b`` after launch it is where the impulsive ellipse would be at
``tau = t**2 / (2 T_b)``, with speed ``v_ellipse(tau) * t / T_b``. At burnout it has
the ellipse's position and velocity at ``tau = T_b / 2``, and from then on it lags
the impulsive ellipse by ``T_b / 2``; the flight time is therefore
``free_flight_time + T_b / 2``. (A burn longer than the free flight itself is
shortened to it.)

Trajectory kinds. ``minimum-energy`` uses the flight-path angle that needs the
least burnout speed for the range, ``gamma* = (pi - psi) / 4`` (``psi`` the range
angle). ``lofted`` uses ``gamma* + 15 deg`` and ``depressed`` ``gamma* - 15 deg``,
each clipped to ``[5 deg, (pi - psi)/2 - 5 deg]`` (the angles between which the
trajectory is a sub-orbital ellipse), with the burnout speed solved so the range is
unchanged.

Cruise missiles and aircraft fly the geodesic at constant altitude and speed
(no climb, descent or manoeuvre).

Units: metres, seconds, m/s, radians for angles of the ellipse, degrees for
latitude and longitude.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hoplon.core import geo

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

#: Earth's gravitational parameter, m^3/s^2.
MU = 3.986004418e14
#: Radius of the spherical earth of the ballistic model, m.
R_EARTH = 6.371e6

#: Change of flight-path angle from minimum energy for lofted / depressed shots.
LOFT_ANGLE_RAD = math.radians(15.0)
#: Margin kept from the flight-path angles where the ellipse stops being sub-orbital.
ANGLE_MARGIN_RAD = math.radians(5.0)

TRAJECTORIES = ("minimum-energy", "lofted", "depressed")

#: A PathBatch's column count is a multiple of this, so :func:`block_rows` with a block
#: size dividing it (1, 2, 4, ... 64) is a free reshape.
COLUMN_MULTIPLE = 64


# --------------------------------------------------------------------------------------
# Closed forms
# --------------------------------------------------------------------------------------


def minimum_energy_range_m(v_bo_ms: ArrayLike) -> FloatArray:
    """Ground range of a minimum-energy shot with burnout speed ``v_bo_ms`` at the surface.

    ``nu = v**2 R / mu``, ``sin(psi/2) = nu / (2 - nu)``, range ``= R psi``
    (spherical non-rotating earth, no drag). Speeds at or above circular speed
    (``nu >= 1``) give ``nan``.

    Args:
        v_bo_ms: burnout speed, m/s, any shape.

    Returns:
        Range along the surface, metres, same shape.
    """
    nu = np.asarray(v_bo_ms, dtype=np.float64) ** 2 * R_EARTH / MU
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(nu < 1.0, nu / (2.0 - nu), np.nan)
        return np.asarray(R_EARTH * 2.0 * np.arcsin(s), dtype=np.float64)


def minimum_energy_speed_ms(range_m: ArrayLike) -> FloatArray:
    """Burnout speed a minimum-energy shot needs for a ground range (inverse of the above).

    ``s = sin(psi/2)``, ``nu = 2 s / (1 + s)``, ``v = sqrt(nu mu / R)``.

    Args:
        range_m: ground range, metres, ``0 <= range < pi R``.

    Returns:
        Burnout speed, m/s, same shape.
    """
    s = np.sin(np.asarray(range_m, dtype=np.float64) / (2.0 * R_EARTH))
    nu = 2.0 * s / (1.0 + s)
    return np.asarray(np.sqrt(nu * MU / R_EARTH), dtype=np.float64)


def minimum_energy_flight_path_angle(range_m: ArrayLike) -> FloatArray:
    """Flight-path angle of the minimum-energy trajectory, ``(pi - psi) / 4``, radians.

    Args:
        range_m: ground range, metres.

    Returns:
        Angle above the local horizontal at burnout, radians, same shape.
    """
    psi = np.asarray(range_m, dtype=np.float64) / R_EARTH
    return np.asarray((np.pi - psi) / 4.0, dtype=np.float64)


def trajectory_flight_path_angle(range_m: ArrayLike, trajectory: str) -> FloatArray:
    """Flight-path angle of a trajectory kind for a range, radians.

    ``minimum-energy``: ``gamma*``; ``lofted``: ``gamma* + 15 deg``; ``depressed``:
    ``gamma* - 15 deg``; the last two clipped to ``[5 deg, (pi - psi)/2 - 5 deg]``.

    Args:
        range_m: ground range, metres.
        trajectory: ``"minimum-energy"``, ``"lofted"`` or ``"depressed"``.

    Returns:
        Angle, radians, same shape as ``range_m``.
    """
    gamma_star = minimum_energy_flight_path_angle(range_m)
    if trajectory == "minimum-energy":
        return gamma_star
    if trajectory not in TRAJECTORIES:
        raise ValueError(f"unknown trajectory {trajectory!r}; expected one of {TRAJECTORIES}")
    psi = np.asarray(range_m, dtype=np.float64) / R_EARTH
    upper = (np.pi - psi) / 2.0 - ANGLE_MARGIN_RAD
    delta = LOFT_ANGLE_RAD if trajectory == "lofted" else -LOFT_ANGLE_RAD
    return np.asarray(np.clip(gamma_star + delta, ANGLE_MARGIN_RAD, upper), dtype=np.float64)


def burnout_speed_ms(range_m: ArrayLike, flight_path_angle: ArrayLike) -> FloatArray:
    """Burnout speed at the surface that reaches a ground range at a flight-path angle.

    From the free-flight range equation with burnout at the surface:
    ``nu = 2 sin(psi/2) / (sin(2 gamma + psi/2) + sin(psi/2))``, ``v = sqrt(nu mu / R)``.

    Args:
        range_m: ground range, metres.
        flight_path_angle: angle above the horizontal, radians, in
            ``(0, (pi - psi)/2)``. Broadcastable.

    Returns:
        Burnout speed, m/s, of the broadcast shape.
    """
    nu = _nu_for(range_m, flight_path_angle)
    return np.asarray(np.sqrt(nu * MU / R_EARTH), dtype=np.float64)


def _nu_for(range_m: ArrayLike, flight_path_angle: ArrayLike) -> FloatArray:
    psi = np.asarray(range_m, dtype=np.float64) / R_EARTH
    gamma = np.asarray(flight_path_angle, dtype=np.float64)
    s = np.sin(psi / 2.0)
    return np.asarray(2.0 * s / (np.sin(2.0 * gamma + psi / 2.0) + s), dtype=np.float64)


@dataclass(frozen=True)
class _Ellipse:
    """A surface-to-surface free-flight ellipse, symmetric about its apogee."""

    a: float  # semi-major axis, m
    e: float  # eccentricity
    psi: float  # range angle, rad
    n: float  # mean motion, rad/s
    theta_launch: float  # true anomaly at launch, rad (pi - psi/2)
    mean_launch: float  # mean anomaly at launch, rad

    @classmethod
    def for_range(cls, range_m: float, flight_path_angle: float) -> _Ellipse:
        psi = float(range_m) / R_EARTH
        gamma = float(flight_path_angle)
        nu = float(_nu_for(psi * R_EARTH, gamma))
        a = R_EARTH / (2.0 - nu)
        p = R_EARTH * nu * math.cos(gamma) ** 2
        e = math.sqrt(max(0.0, 1.0 - p / a))
        theta_l = math.pi - psi / 2.0
        ecc_l = 2.0 * math.atan2(
            math.sqrt(1.0 - e) * math.sin(theta_l / 2.0),
            math.sqrt(1.0 + e) * math.cos(theta_l / 2.0),
        )
        mean_l = ecc_l - e * math.sin(ecc_l)
        return cls(a, e, psi, math.sqrt(MU / a**3), theta_l, mean_l)

    @property
    def flight_time_s(self) -> float:
        return 2.0 * (math.pi - self.mean_launch) / self.n

    @property
    def apogee_m(self) -> float:
        return self.a * (1.0 + self.e) - R_EARTH

    def state(self, tau_s: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Central angle flown (rad), altitude (m) and speed (m/s) at ellipse time tau."""
        mean = self.mean_launch + self.n * np.asarray(tau_s, dtype=np.float64)
        ecc = _solve_kepler(mean, self.e)
        r = self.a * (1.0 - self.e * np.cos(ecc))
        theta = 2.0 * np.arctan2(
            np.sqrt(1.0 + self.e) * np.sin(ecc / 2.0),
            np.sqrt(1.0 - self.e) * np.cos(ecc / 2.0),
        )
        angle = np.clip(theta - self.theta_launch, 0.0, self.psi)
        speed = np.sqrt(np.maximum(MU * (2.0 / r - 1.0 / self.a), 0.0))
        return angle, np.maximum(r - R_EARTH, 0.0), speed


def _solve_kepler(mean: FloatArray, e: float) -> FloatArray:
    """Eccentric anomaly E with E - e sin E = M, by Newton's method (vectorised).

    Surface-to-surface arcs keep E near pi (around apogee), where Newton's method
    converges fast from the start used here.
    """
    ecc = np.pi + (mean - np.pi) / (1.0 + e)
    for _ in range(50):
        step = (ecc - e * np.sin(ecc) - mean) / (1.0 - e * np.cos(ecc))
        ecc = ecc - step
        if np.all(np.abs(step) < 1e-13):
            break
    return np.asarray(ecc, dtype=np.float64)


def free_flight_time_s(range_m: float, flight_path_angle: float) -> float:
    """Time of flight along a surface-to-surface ellipse, seconds (Kepler's equation).

    Args:
        range_m: ground range, metres.
        flight_path_angle: angle above the horizontal at the launch point, radians
            (use :func:`minimum_energy_flight_path_angle` for the minimum-energy shot).

    Returns:
        Seconds from the launch point to the target on the impulsive ellipse.
    """
    return _Ellipse.for_range(range_m, flight_path_angle).flight_time_s


# --------------------------------------------------------------------------------------
# Sampled paths
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Path:
    """One threat's path, sampled from launch (``t_s = 0``) to impact or release.

    Arrays all have shape ``(K,)``; ``t_s`` is strictly increasing, starts at 0 and ends
    exactly at ``flight_time_s``.
    """

    t_s: FloatArray  # (K,) seconds since launch
    lat: FloatArray  # (K,) degrees
    lon: FloatArray  # (K,) degrees
    alt_m: FloatArray  # (K,) metres above the surface
    speed_ms: FloatArray  # (K,) m/s
    apogee_m: float  # highest altitude, metres
    flight_time_s: float  # launch to impact (or release), seconds
    ground_range_m: float  # geodesic length of the ground track flown, metres

    @property
    def n_samples(self) -> int:
        return int(self.t_s.shape[0])


def _time_grid(total_s: float, dt_s: float) -> FloatArray:
    """0, dt, 2 dt, ... below ``total_s``, then ``total_s`` itself."""
    if dt_s <= 0:
        raise ValueError(f"dt_s must be positive, got {dt_s}")
    if total_s <= 0:
        return np.zeros(1)
    n = int(math.ceil(total_s / dt_s - 1e-9))
    t = np.arange(n, dtype=np.float64) * dt_s
    return np.append(t, total_s)


def ballistic_path(
    launch_lat: float,
    launch_lon: float,
    target_lat: float,
    target_lon: float,
    burn_time_s: float,
    trajectory: str = "minimum-energy",
    dt_s: float = 1.0,
) -> Path:
    """Sampled path of a ballistic missile from launch point to target.

    See the module docstring for the model (Kepler ellipse over a spherical earth,
    uniformly accelerating boost along the ellipse, loft rule).

    Args:
        launch_lat, launch_lon, target_lat, target_lon: degrees.
        burn_time_s: boost duration, seconds (>= 0).
        trajectory: ``"minimum-energy"``, ``"lofted"`` or ``"depressed"``.
        dt_s: sampling step, seconds.

    Returns:
        A :class:`Path`; ``flight_time_s`` = free-flight time + ``burn_time_s / 2``.
    """
    ground_range = float(geo.geodesic_distance_m(launch_lat, launch_lon, target_lat, target_lon))
    if ground_range <= 0.0:
        return _stationary_path(launch_lat, launch_lon, 0.0)
    gamma = float(trajectory_flight_path_angle(ground_range, trajectory))
    ellipse = _Ellipse.for_range(ground_range, gamma)
    t_ff = ellipse.flight_time_s
    burn = min(max(float(burn_time_s), 0.0), t_ff)
    flight_time = t_ff + burn / 2.0
    t = _time_grid(flight_time, dt_s)
    if burn > 0.0:
        boosting = t < burn
        tau = np.where(boosting, t * t / (2.0 * burn), t - burn / 2.0)
        speed_scale = np.where(boosting, t / burn, 1.0)
    else:
        tau, speed_scale = t, np.ones_like(t)
    tau = np.minimum(tau, t_ff)
    angle, alt, speed = ellipse.state(tau)
    fraction = angle / ellipse.psi
    fraction[-1] = 1.0
    alt[-1] = 0.0
    lat, lon = geo.geodesic_points(launch_lat, launch_lon, target_lat, target_lon, fraction)
    return Path(
        t_s=t,
        lat=lat,
        lon=lon,
        alt_m=alt,
        speed_ms=speed * speed_scale,
        apogee_m=ellipse.apogee_m,
        flight_time_s=flight_time,
        ground_range_m=ground_range,
    )


def ballistic_apogee_m(range_m: float, trajectory: str = "minimum-energy") -> float:
    """Apogee altitude of a surface-to-surface shot of a trajectory kind, metres.

    Args:
        range_m: ground range, metres.
        trajectory: ``"minimum-energy"``, ``"lofted"`` or ``"depressed"``.
    """
    gamma = float(trajectory_flight_path_angle(range_m, trajectory))
    return _Ellipse.for_range(range_m, gamma).apogee_m


def _stationary_path(lat: float, lon: float, alt_m: float) -> Path:
    return Path(
        t_s=np.zeros(1),
        lat=np.array([float(lat)]),
        lon=np.array([float(lon)]),
        alt_m=np.array([float(alt_m)]),
        speed_ms=np.zeros(1),
        apogee_m=float(alt_m),
        flight_time_s=0.0,
        ground_range_m=0.0,
    )


def cruise_path(
    launch_lat: float,
    launch_lon: float,
    target_lat: float,
    target_lon: float,
    speed_ms: float,
    altitude_m: float,
    dt_s: float = 2.0,
) -> Path:
    """Sampled path of a cruise missile: the geodesic at constant altitude and speed.

    Args:
        launch_lat, launch_lon, target_lat, target_lon: degrees.
        speed_ms: ground speed, m/s (> 0).
        altitude_m: flight altitude above the surface, metres.
        dt_s: sampling step, seconds.

    Returns:
        A :class:`Path` ending over the target at ``distance / speed`` seconds.
    """
    return _constant_path(
        launch_lat, launch_lon, target_lat, target_lon, speed_ms, altitude_m, 0.0, dt_s
    )


def aircraft_path(
    launch_lat: float,
    launch_lon: float,
    target_lat: float,
    target_lon: float,
    speed_ms: float,
    altitude_m: float,
    release_range_m: float,
    dt_s: float = 2.0,
) -> Path:
    """Sampled path of an aircraft flying at its target until within its release range.

    The aircraft flies the geodesic towards the target at constant altitude and speed
    and the path ends when the remaining ground distance equals ``release_range_m``
    (at once, if it starts closer than that).

    Args:
        launch_lat, launch_lon, target_lat, target_lon: degrees.
        speed_ms: ground speed, m/s (> 0).
        altitude_m: flight altitude above the surface, metres.
        release_range_m: ground distance from the target at which it releases, metres.
        dt_s: sampling step, seconds.

    Returns:
        A :class:`Path` whose ``flight_time_s`` is the time of release.
    """
    return _constant_path(
        launch_lat, launch_lon, target_lat, target_lon, speed_ms, altitude_m, release_range_m, dt_s
    )


def _constant_path(
    launch_lat: float,
    launch_lon: float,
    target_lat: float,
    target_lon: float,
    speed_ms: float,
    altitude_m: float,
    stop_short_m: float,
    dt_s: float,
) -> Path:
    if speed_ms <= 0:
        raise ValueError(f"speed_ms must be positive, got {speed_ms}")
    total = float(geo.geodesic_distance_m(launch_lat, launch_lon, target_lat, target_lon))
    flown = max(total - max(float(stop_short_m), 0.0), 0.0)
    if flown <= 0.0:
        return _stationary_path(launch_lat, launch_lon, altitude_m)
    flight_time = flown / float(speed_ms)
    t = _time_grid(flight_time, dt_s)
    fraction = np.minimum(t * float(speed_ms), flown) / total
    lat, lon = geo.geodesic_points(launch_lat, launch_lon, target_lat, target_lon, fraction)
    return Path(
        t_s=t,
        lat=lat,
        lon=lon,
        alt_m=np.full_like(t, float(altitude_m)),
        speed_ms=np.full_like(t, float(speed_ms)),
        apogee_m=float(altitude_m),
        flight_time_s=flight_time,
        ground_range_m=flown,
    )


# --------------------------------------------------------------------------------------
# Hypersonic boost-glide vehicles
# --------------------------------------------------------------------------------------

#: Scale height of the exponential atmosphere of the glide model, m.
SCALE_HEIGHT_M = 7200.0
#: Circular speed at the surface of the model's earth, sqrt(mu / R), m/s.
CIRCULAR_SPEED_MS = math.sqrt(MU / R_EARTH)
#: Highest glide-entry speed the model accepts, as a share of circular speed.
MAX_ENTRY_FRACTION = 0.995
#: Flight-path angle of the terminal dive from the end of the glide to the target.
DIVE_ANGLE_RAD = math.radians(45.0)


def glide_range_m(
    entry_speed_ms: ArrayLike, end_speed_ms: ArrayLike, lift_to_drag: float
) -> FloatArray:
    """Ground range of an equilibrium glide from one speed down to another, metres.

    With lift balancing weight less the centrifugal relief, ``L = m (g − v²/R)``, and
    ``D = L / E`` (E the lift-to-drag ratio), ``dv/dt = −(g − v²/R) / E``; with
    ``u = v / v_c`` (``v_c = sqrt(g R)``) the range flown is
    ``s = (E R / 2) ln((1 − u_end²) / (1 − u_entry²))``.
    """
    u0 = np.asarray(entry_speed_ms, dtype=np.float64) / CIRCULAR_SPEED_MS
    u1 = np.asarray(end_speed_ms, dtype=np.float64) / CIRCULAR_SPEED_MS
    return np.asarray(0.5 * lift_to_drag * R_EARTH * np.log((1 - u1**2) / (1 - u0**2)))


def glide_time_s(
    entry_speed_ms: ArrayLike, end_speed_ms: ArrayLike, lift_to_drag: float
) -> FloatArray:
    """Duration of the same glide, seconds: ``(E R / v_c) (artanh u_entry − artanh u_end)``."""
    u0 = np.asarray(entry_speed_ms, dtype=np.float64) / CIRCULAR_SPEED_MS
    u1 = np.asarray(end_speed_ms, dtype=np.float64) / CIRCULAR_SPEED_MS
    k = lift_to_drag * R_EARTH / CIRCULAR_SPEED_MS
    return np.asarray(k * (np.arctanh(u0) - np.arctanh(u1)))


def glide_altitude_m(
    speed_ms: ArrayLike, entry_speed_ms: float, entry_altitude_m: float
) -> FloatArray:
    """Equilibrium-glide altitude at a speed, metres (at least 0).

    Lift ``½ ρ v² S C_L = m g (1 − u²)`` at a fixed lift loading ``m / (S C_L)`` over an
    exponential atmosphere ``ρ = ρ₀ exp(−h / H)`` gives
    ``h(u) = h_entry + H ln[(u² / (1 − u²)) / (u_entry² / (1 − u_entry²))]``: the glider
    sinks as it slows.
    """
    u = np.asarray(speed_ms, dtype=np.float64) / CIRCULAR_SPEED_MS
    u0 = float(entry_speed_ms) / CIRCULAR_SPEED_MS
    ratio = (u**2 / (1 - u**2)) / (u0**2 / (1 - u0**2))
    with np.errstate(divide="ignore"):
        h = entry_altitude_m + SCALE_HEIGHT_M * np.log(ratio)
    return np.asarray(np.maximum(h, 0.0))


#: Sea-level density of the exponential atmosphere of the glide model, kg/m³.
SEA_LEVEL_DENSITY = 1.225


def equilibrium_glide_altitude_m(speed_ms: ArrayLike, lift_loading_kg_m2: float) -> FloatArray:
    """Altitude at which lift holds a glider of lift loading ``m / (S C_L)`` at a speed:
    ``½ ρ(h) v² S C_L = m g (1 − u²)`` over ``ρ = ρ₀ exp(−h / H)``, so
    ``h = H ln(ρ₀ v² / (2 (m / S C_L) g (1 − u²)))``, metres.

    With the ballistic coefficient ``β = m / (S C_D)`` and ``E = C_L / C_D``, the lift
    loading is ``β / E``.
    """
    v = np.asarray(speed_ms, dtype=np.float64)
    g = CIRCULAR_SPEED_MS**2 / R_EARTH
    relief = 1.0 - (v / CIRCULAR_SPEED_MS) ** 2
    density = 2.0 * lift_loading_kg_m2 * g * relief / v**2
    return np.asarray(SCALE_HEIGHT_M * np.log(SEA_LEVEL_DENSITY / density))


def glide_track_m(
    range_m: float, cross_range_m: float, n: int = 2001
) -> tuple[FloatArray, FloatArray]:
    """The manoeuvring track: fractions ``f`` of the geodesic and the along-track length
    flown to each, for a sideways offset ``y(f) = C sin(π f)`` (C the cross-range).

    Returns ``(f, s)``, ``s[-1]`` the track's length (``range_m`` when C = 0).
    """
    f = np.linspace(0.0, 1.0, n)
    if cross_range_m <= 0.0 or range_m <= 0.0:
        return f, f * range_m
    slope = cross_range_m * math.pi * np.cos(math.pi * f)  # dy/df, metres
    ds = np.sqrt(range_m**2 + slope**2)
    s = np.concatenate([[0.0], np.cumsum(0.5 * (ds[1:] + ds[:-1]) * np.diff(f))])
    return f, s


@dataclass(frozen=True)
class GlideProfile:
    """The phases of a boost-glide flight along a track of a given length."""

    entry_speed_ms: float  # speed at glide entry (burnout)
    entry_altitude_m: float
    end_speed_ms: float  # speed at the end of the glide (and in the dive)
    end_altitude_m: float
    boost_s: float
    boost_range_m: float  # along-track
    glide_s: float
    glide_range_m: float
    dive_s: float
    dive_range_m: float
    track_m: float

    @property
    def flight_time_s(self) -> float:
        return self.boost_s + self.glide_s + self.dive_s


def _parts(
    v0: float, burn_s: float, h0: float, ld: float, v_end: float
) -> tuple[float, float, float, float]:
    """Along-track boost, glide and dive lengths and the glide's end altitude for a
    glide-entry speed ``v0``."""
    if v0 <= v_end:
        return v0 * burn_s / 2.0, 0.0, h0 / math.tan(DIVE_ANGLE_RAD), h0
    # the scalar forms of glide_altitude_m and glide_range_m (this runs in a bisection)
    u0, u1 = v0 / CIRCULAR_SPEED_MS, v_end / CIRCULAR_SPEED_MS
    r0, r1 = u0 * u0 / (1 - u0 * u0), u1 * u1 / (1 - u1 * u1)
    h_end = max(h0 + SCALE_HEIGHT_M * math.log(r1 / r0), 0.0)
    glide = 0.5 * ld * R_EARTH * math.log((1 - u1 * u1) / (1 - u0 * u0))
    return v0 * burn_s / 2.0, glide, h_end / math.tan(DIVE_ANGLE_RAD), h_end


def _profile_at(
    v0: float, burn_s: float, h0: float, ld: float, v_end: float, track_m: float
) -> GlideProfile:
    boost, glide, dive, h_end = _parts(v0, burn_s, h0, ld, v_end)
    if boost + glide + dive > track_m:  # too short a track for any glide: dive from burnout
        boost = min(boost, 0.5 * track_m)
        glide, h_end, dive = 0.0, h0, track_m - boost
    slant = math.hypot(dive, h_end)
    return GlideProfile(
        entry_speed_ms=v0, entry_altitude_m=h0, end_speed_ms=v_end, end_altitude_m=h_end,
        boost_s=burn_s, boost_range_m=boost, glide_s=float(glide_time_s(v0, v_end, ld)) if glide else 0.0,
        glide_range_m=glide, dive_s=slant / v_end, dive_range_m=dive, track_m=track_m,
    )  # fmt: skip


def glide_reach_m(
    burn_time_s: float, glide_altitude_m_: float, lift_to_drag: float, terminal_speed_ms: float
) -> float:
    """Longest track a glider can fly: glide entry at :data:`MAX_ENTRY_FRACTION` of
    circular speed (boost, glide and dive), metres."""
    v0 = MAX_ENTRY_FRACTION * CIRCULAR_SPEED_MS
    h_end = float(glide_altitude_m(terminal_speed_ms, v0, glide_altitude_m_))
    return float(
        v0 * burn_time_s / 2.0 + glide_range_m(v0, terminal_speed_ms, lift_to_drag)
        + h_end / math.tan(DIVE_ANGLE_RAD)
    )  # fmt: skip


def glide_profile(
    track_m: float, burn_time_s: float, glide_altitude_m_: float, lift_to_drag: float,
    terminal_speed_ms: float,
) -> GlideProfile:  # fmt: skip
    """The boost-glide flight that covers a track exactly: the glide-entry speed is
    solved (bisection) so boost, glide and dive add up to ``track_m``.

    Raises:
        ValueError: the track is longer than :func:`glide_reach_m`.
    """
    args = (
        float(burn_time_s),
        float(glide_altitude_m_),
        float(lift_to_drag),
        float(terminal_speed_ms),
    )
    reach = glide_reach_m(*args)
    if track_m > reach * (1 + 1e-9):
        raise ValueError(
            f"a track of {track_m / 1000:,.0f} km is beyond the glider's reach ({reach / 1000:,.0f} km)"
        )
    lo, hi = float(terminal_speed_ms), MAX_ENTRY_FRACTION * CIRCULAR_SPEED_MS
    if sum(_parts(lo, *args)[:3]) >= track_m:
        return _profile_at(lo, *args, track_m)
    for _ in range(200):  # the flown length grows with the entry speed
        mid = 0.5 * (lo + hi)
        if sum(_parts(mid, *args)[:3]) < track_m:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-9:
            break
    return _profile_at(lo, *args, track_m)


def glide_path(
    launch_lat: float,
    launch_lon: float,
    target_lat: float,
    target_lon: float,
    burn_time_s: float,
    glide_altitude_m_: float,
    lift_to_drag: float,
    terminal_speed_ms: float,
    cross_range_m: float = 0.0,
    dt_s: float = 1.0,
) -> Path:
    """Sampled path of a hypersonic boost-glide vehicle (docs/model.md, "Hypersonic glide
    vehicles").

    Boost for ``burn_time_s``, accelerating uniformly along the track to the glide-entry
    speed while climbing to the glide altitude; an equilibrium glide at the lift-to-drag
    ratio down to ``terminal_speed_ms``, sinking as it slows (:func:`glide_altitude_m`);
    a straight dive at 45° and the terminal speed onto the target. The track is the
    geodesic, offset sideways by ``cross_range_m · sin(π f)`` at fraction ``f``.

    Returns:
        A :class:`Path` ending at the target at zero altitude.
    """
    ground = float(geo.geodesic_distance_m(launch_lat, launch_lon, target_lat, target_lon))
    if ground <= 0.0:
        return _stationary_path(launch_lat, launch_lon, 0.0)
    frac_table, s_table = glide_track_m(ground, float(cross_range_m))
    prof = glide_profile(float(s_table[-1]), burn_time_s, glide_altitude_m_, lift_to_drag,
                         terminal_speed_ms)  # fmt: skip
    t = _time_grid(prof.flight_time_s, dt_s)
    s, alt, speed = _glide_states(prof, t, lift_to_drag)
    f = np.interp(np.minimum(s, s_table[-1]), s_table, frac_table)
    f[-1] = 1.0
    offset = float(cross_range_m) * np.sin(math.pi * f)
    lat, lon = geo.offset_geodesic_points(launch_lat, launch_lon, target_lat, target_lon, f, offset)
    lat[-1], lon[-1] = float(target_lat), float(target_lon)
    alt[-1] = 0.0
    return Path(
        t_s=t, lat=lat, lon=lon, alt_m=alt, speed_ms=speed,
        apogee_m=float(alt.max()), flight_time_s=prof.flight_time_s, ground_range_m=ground,
    )  # fmt: skip


def _glide_states(
    prof: GlideProfile, t: FloatArray, ld: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Along-track distance, altitude and speed at times since launch."""
    tb = prof.boost_s
    x = np.clip(t / tb, 0.0, 1.0) if tb > 0 else np.ones_like(t)
    s = prof.boost_range_m * x**2
    alt = prof.entry_altitude_m * (1.0 - (1.0 - x) ** 2)
    speed = (2.0 * prof.boost_range_m / tb) * x if tb > 0 else np.full_like(t, prof.entry_speed_ms)
    # glide: u(τ) = tanh(a − τ/k), s = E R ln(cosh a / cosh(a − τ/k))
    k = ld * R_EARTH / CIRCULAR_SPEED_MS
    a = math.atanh(prof.entry_speed_ms / CIRCULAR_SPEED_MS)
    tau = np.clip(t - tb, 0.0, prof.glide_s)
    gliding = (t > tb) & (prof.glide_s > 0)
    u = np.tanh(a - tau / k)
    s_glide = ld * R_EARTH * (math.log(math.cosh(a)) - np.log(np.cosh(a - tau / k)))
    s = np.where(gliding, prof.boost_range_m + s_glide, s)
    alt = np.where(gliding, glide_altitude_m(u * CIRCULAR_SPEED_MS, prof.entry_speed_ms,
                                             prof.entry_altitude_m), alt)  # fmt: skip
    speed = np.where(gliding, u * CIRCULAR_SPEED_MS, speed)
    # dive: a straight line at the terminal speed
    t_dive = tb + prof.glide_s
    diving = t > t_dive
    q = np.clip((t - t_dive) / prof.dive_s, 0.0, 1.0) if prof.dive_s > 0 else np.ones_like(t)
    s = np.where(diving, prof.boost_range_m + prof.glide_range_m + q * prof.dive_range_m, s)
    alt = np.where(diving, prof.end_altitude_m * (1.0 - q), alt)
    speed = np.where(diving, prof.end_speed_ms, speed)
    return s, alt, speed


# --------------------------------------------------------------------------------------
# Many paths on one padded grid
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathBatch:
    """Many threats' sampled paths on one padded ``(T, K)`` grid, with ECEF positions and normals.

    Row ``t`` holds threat ``t``'s samples in its first ``n_samples[t]`` columns;
    ``valid`` marks them. Padding repeats the last sample's position and has
    ``t_s = inf``, so a minimum over times ignores it even without the mask.
    """

    t_s: FloatArray  # (T, K) seconds from scenario start (launch time included); inf in padding
    lat: FloatArray  # (T, K) degrees
    lon: FloatArray  # (T, K) degrees
    alt_m: FloatArray  # (T, K) metres
    speed_ms: FloatArray  # (T, K) m/s
    x_m: FloatArray  # (T, K) ECEF metres
    y_m: FloatArray  # (T, K)
    z_m: FloatArray  # (T, K)
    up: FloatArray  # (T, K, 3) ellipsoid normal (local vertical) at each sample
    valid: BoolArray  # (T, K)
    n_samples: IntArray  # (T,)
    launch_s: FloatArray  # (T,) seconds from scenario start
    impact_s: FloatArray  # (T,) launch + flight time (release time for aircraft)
    apogee_m: FloatArray  # (T,)

    @property
    def n_threats(self) -> int:
        return int(self.t_s.shape[0])

    @property
    def n_columns(self) -> int:
        return int(self.t_s.shape[1])

    @classmethod
    def from_paths(cls, paths: Sequence[Path], launch_s: ArrayLike) -> PathBatch:
        """Stack paths (one per threat; the same :class:`Path` may repeat) with launch times.

        Args:
            paths: ``T`` paths; threats of one raid may share one path object.
            launch_s: ``(T,)`` launch times, seconds from scenario start.

        Returns:
            The batch; ``K`` is the longest path's sample count rounded up to a
            multiple of :data:`COLUMN_MULTIPLE` (so blocks of samples are views).
        """
        launch = np.asarray(launch_s, dtype=np.float64).reshape(-1)
        if launch.shape[0] != len(paths):
            raise ValueError(f"{len(paths)} paths but {launch.shape[0]} launch times")
        n_threats = len(paths)
        counts = np.array([p.n_samples for p in paths], dtype=np.int64)
        longest = int(counts.max()) if n_threats else 1
        k = -(-longest // COLUMN_MULTIPLE) * COLUMN_MULTIPLE
        valid = np.arange(k)[None, :] < counts[:, None]

        # Stack the distinct paths once, then gather rows (raids share path objects).
        distinct: dict[int, int] = {}
        order: list[Path] = []
        row_of = np.empty(n_threats, dtype=np.int64)
        for i, p in enumerate(paths):
            key = id(p)
            if key not in distinct:
                distinct[key] = len(order)
                order.append(p)
            row_of[i] = distinct[key]

        def stack(name: str) -> FloatArray:
            # Padding repeats each path's last sample.
            out = np.zeros((len(order), k))
            for j, p in enumerate(order):
                values = getattr(p, name)
                out[j, : values.shape[0]] = values
                out[j, values.shape[0] :] = values[-1]
            return out

        fields = {name: stack(name) for name in ("t_s", "lat", "lon", "alt_m", "speed_ms")}
        distinct_xyz = geo.to_ecef(fields["lat"], fields["lon"], fields["alt_m"])
        distinct_up = geo.enu_basis(fields["lat"], fields["lon"])[2]
        t_abs = np.where(valid, fields["t_s"][row_of] + launch[:, None], np.inf)
        x, y, z = (arr[row_of] for arr in distinct_xyz)
        flight_time = np.array([p.flight_time_s for p in paths], dtype=np.float64)
        return cls(
            t_s=t_abs,
            lat=fields["lat"][row_of],
            lon=fields["lon"][row_of],
            alt_m=fields["alt_m"][row_of],
            speed_ms=fields["speed_ms"][row_of],
            x_m=x,
            y_m=y,
            z_m=z,
            up=distinct_up[row_of],
            valid=valid,
            n_samples=counts,
            launch_s=launch,
            impact_s=launch + flight_time,
            apogee_m=np.array([p.apogee_m for p in paths], dtype=np.float64),
        )


@dataclass(frozen=True)
class PathBlocks:
    """Bounds on consecutive blocks of ``B`` samples of each path, for culling.

    Block ``b`` of threat ``t`` holds columns ``b*B .. b*B+B-1`` (padding repeats
    the last sample). Every sample of the block lies within ``radius_m`` (straight
    line) of the block's centre sample, its ellipsoid normal within
    ``angular_radius`` of the centre's, its altitude in ``[min_alt_m, max_alt_m]``
    and its time (if a valid sample) at most ``t_max_s``.
    Kernels test a block first and look at its samples only when it may pass.
    """

    size: int  # B, samples per block
    x_m: FloatArray  # (T, nb) ECEF of the centre sample
    y_m: FloatArray
    z_m: FloatArray
    up: FloatArray  # (T, nb, 3) ellipsoid normal at the centre sample
    radius_m: FloatArray  # (T, nb)
    angular_radius: FloatArray  # (T, nb) radians
    min_alt_m: FloatArray  # (T, nb)
    max_alt_m: FloatArray  # (T, nb)
    t_max_s: FloatArray  # (T, nb) latest valid sample time in the block; -inf if none

    @property
    def n_blocks(self) -> int:
        return int(self.x_m.shape[1])


def path_blocks(paths: PathBatch, size: int = 32) -> PathBlocks:
    """Summarise a batch's paths in blocks of ``size`` samples (see :class:`PathBlocks`).

    Args:
        paths: the batch, ``(T, K)``.
        size: samples per block.

    Returns:
        The block bounds, arrays ``(T, ceil(K / size))``.
    """
    x, y, z, up, alt = (
        block_rows(a, size) for a in (paths.x_m, paths.y_m, paths.z_m, paths.up, paths.alt_m)
    )
    t_max = block_rows(np.where(paths.valid, paths.t_s, -np.inf), size, fill=-np.inf)
    mid = size // 2
    cx, cy, cz, up_c = x[:, :, mid], y[:, :, mid], z[:, :, mid], up[:, :, mid]
    radius = np.sqrt(
        (x - cx[..., None]) ** 2 + (y - cy[..., None]) ** 2 + (z - cz[..., None]) ** 2
    ).max(axis=-1)
    angular_radius = geo.normal_angle_rad(up, up_c[:, :, None, :]).max(axis=-1)
    return PathBlocks(
        size=size,
        x_m=cx,
        y_m=cy,
        z_m=cz,
        up=up_c,
        radius_m=radius,
        angular_radius=angular_radius,
        min_alt_m=alt.min(axis=-1),
        max_alt_m=alt.max(axis=-1),
        t_max_s=t_max.max(axis=-1),
    )


def block_rows(a: NDArray[Any], size: int, fill: Any = None) -> NDArray[Any]:
    """View a ``(T, K, ...)`` batch array as ``(T, nb, size, ...)`` blocks of samples.

    A free reshape when ``size`` divides ``K``; otherwise a copy whose extra columns
    repeat each row's last column (positions), or hold ``fill`` when given (use
    ``False`` for validity masks and ``inf`` for times, so no sample is counted twice).

    Args:
        a: an array whose first two axes are threats and sample columns.
        size: samples per block.
        fill: value of the extra columns, or None to repeat the last column.

    Returns:
        The blocked array, ``nb = ceil(K / size)``.
    """
    n_t, n_k = a.shape[0], a.shape[1]
    n_b = max(1, -(-n_k // size))
    if n_b * size != n_k:
        cols = np.minimum(np.arange(n_b * size), max(n_k - 1, 0))
        padded = a[:, cols]
        if fill is not None:
            padded[:, n_k:] = fill
        a = padded
    return a.reshape(n_t, n_b, size, *a.shape[2:])
