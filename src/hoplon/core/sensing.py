"""When each sensor first sees, tracks and reports each threat; who may fire on which track.

Three steps, each a pure array function:

1. :func:`radar_first_detection_s` — the first sample time at which each radar
   detects each threat, from geometry alone: ``(S, T)``.
2. :func:`radar_track_times` — each radar's own track time, with cues. A radar
   that has detected a threat needs ``track_time_s`` of search and confirmation
   before its track is usable; a cue (another sensor's report of that threat,
   shared with the radar's nation) removes that search time. Cues may come from
   other radars' tracks or from external reporters such as space infrared sensors
   (:func:`space_infrared_report_s`).
3. :func:`fire_control_track_times` — for each firing unit, the earliest track it
   may launch on: ``(U, T)``.

Detection rule (radar ``s``, threat sample ``k`` of threat ``t``; all must hold):

- slant range (straight line, ECEF) ``<= range_m_1m2[s] * rcs_m2[t] ** 0.25``;
- ground distance (WGS84 geodesic) ``<= radar_horizon_m(alt_m[s], target alt)``
  (4/3 earth; a surface radar's ``alt_m`` is its antenna height, an airborne
  radar's its flight altitude);
- field of regard: ``fov_deg[s] >= 360``, or the azimuth from the radar lies within
  ``facing_deg[s] +- fov_deg[s] / 2``;
- elevation mask: ``min_elev_deg[s] <= 0``, or the geometric elevation from the
  radar is ``>= min_elev_deg[s]``. A mask of zero or below means the radar looks
  down to its horizon, which the horizon test bounds: a ship's or an airborne
  radar sees low targets below its local horizontal.

Detection is judged at the sample times only, so a first detection is late by
up to one sampling step.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hoplon.core import geo
from hoplon.core.flight import PathBatch, block_rows, path_blocks

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Elements of one work array in the chunked kernels; about 20 such arrays are alive at once.
DEFAULT_CHUNK_ELEMENTS = 500_000


def _f(a: ArrayLike) -> FloatArray:
    return np.atleast_1d(np.asarray(a, dtype=np.float64))


def radar_first_detection_s(
    lat: ArrayLike,
    lon: ArrayLike,
    alt_m: ArrayLike,
    range_m_1m2: ArrayLike,
    facing_deg: ArrayLike,
    fov_deg: ArrayLike,
    min_elev_deg: ArrayLike,
    paths: PathBatch,
    rcs_m2: ArrayLike,
    chunk_elements: int = DEFAULT_CHUNK_ELEMENTS,
    block_size: int = 32,
) -> FloatArray:
    """First time each radar detects each threat (geometry only), seconds.

    Args:
        lat, lon: radar positions, degrees, shape ``(S,)``.
        alt_m: antenna height above the surface (flight altitude if airborne), metres, ``(S,)``.
        range_m_1m2: detection range against a 1 m^2 target, metres, ``(S,)``.
        facing_deg: boresight azimuth, degrees clockwise from north, ``(S,)``.
        fov_deg: field of regard in azimuth, degrees (``>= 360`` for all round), ``(S,)``.
        min_elev_deg: elevation mask, degrees (``<= 0``: none, see module docstring), ``(S,)``.
        paths: the threats' sampled paths, ``T`` threats × ``K`` samples.
        rcs_m2: radar cross-section of each threat, m^2, ``(T,)``.
        chunk_elements: bound on the elements of one work array; memory stays near
            ``20 × 8 × chunk_elements`` bytes whatever ``S``, ``T`` and ``K``.
        block_size: samples per block of the culling stage (see below).

    Returns:
        ``(S, T)`` array of seconds from scenario start (a sample time of the path);
        ``inf`` where the radar never detects the threat.

    The work is done in two stages: blocks of ``block_size`` consecutive samples
    (:func:`hoplon.core.flight.path_blocks`) are first tested against each radar with
    conservative bounds (range and horizon), then only the samples of the blocks that
    may hold a detection are tested exactly. The answer is the same as testing every
    sample; the cost follows the number of samples near each radar.
    """
    s_lat, s_lon, s_alt, s_rng, s_face, s_fov, s_elev = (
        _f(a) for a in (lat, lon, alt_m, range_m_1m2, facing_deg, fov_deg, min_elev_deg)
    )
    n_s = s_lat.shape[0]
    n_t = paths.n_threats
    rcs = _f(rcs_m2)
    if rcs.shape[0] != n_t:
        raise ValueError(f"rcs_m2 has {rcs.shape[0]} entries for {n_t} threats")
    out = np.full((n_s, n_t), np.inf)
    if n_s == 0 or n_t == 0:
        return out

    sx, sy, sz = geo.to_ecef(s_lat, s_lon, s_alt)
    east, north, up = geo.enu_basis(s_lat, s_lon)
    horizon_radar = geo.radar_horizon_m(s_alt, 0.0)  # the radar's share of the horizon
    all_round = s_fov >= 360.0
    cos_half_fov = np.cos(np.radians(np.minimum(s_fov, 360.0) / 2.0))
    sin_face, cos_face = np.sin(np.radians(s_face)), np.cos(np.radians(s_face))
    use_mask = s_elev > 0.0
    sin_elev = np.sin(np.radians(np.where(use_mask, s_elev, 0.0)))
    reach = s_rng[:, None] * rcs[None, :] ** 0.25  # (S, T) slant-range limit
    blocks = path_blocks(paths, block_size)
    n_b, size = blocks.n_blocks, blocks.size
    eps, slack = geo.SPHERE_RELATIVE_ERROR, 1.0
    # (T, nb, B) views of the samples, so a block's samples are gathered as one row.
    px, py, pz, plat, plon, palt, pup = (
        block_rows(a, size)
        for a in (paths.x_m, paths.y_m, paths.z_m, paths.lat, paths.lon, paths.alt_m, paths.up)
    )
    pt = block_rows(paths.t_s, size, fill=np.inf)
    pvalid = block_rows(paths.valid, size, fill=False)

    # Stage 1: blocks of samples that may hold a detection (range and horizon bounds),
    # and whether the horizon could bind for any sample of the block.
    chunk = max(1, int(chunk_elements // max(1, n_s * n_b)))
    for start in range(0, n_t, chunk):
        sl = slice(start, min(start + chunk, n_t))
        dx = blocks.x_m[sl][None] - sx[:, None, None]
        dy = blocks.y_m[sl][None] - sy[:, None, None]
        dz = blocks.z_m[sl][None] - sz[:, None, None]
        near = np.sqrt(dx * dx + dy * dy + dz * dz) - blocks.radius_m[sl][None]
        maybe = near <= reach[:, sl, None] + 1.0  # 1 m: rounding never culls a sample
        del dx, dy, dz, near
        centre = geo.R_EARTH_M * geo.normal_angle_rad(up[:, None, None, :], blocks.up[sl][None])
        spread = geo.R_EARTH_M * blocks.angular_radius[sl][None]
        h_low = horizon_radar[:, None, None] + geo.radar_horizon_m(0.0, blocks.min_alt_m[sl])
        h_high = horizon_radar[:, None, None] + geo.radar_horizon_m(0.0, blocks.max_alt_m[sl])
        # Ground distances of the block's samples lie in
        # [(centre - spread) / (1 + eps) - slack, (centre + spread) / (1 - eps) + slack].
        maybe &= (centre - spread) / (1.0 + eps) - slack <= h_high
        horizon_binds = (centre + spread) / (1.0 - eps) + slack > h_low
        del centre, spread, h_low, h_high
        si, ti, bi = np.nonzero(maybe)
        check_horizon = horizon_binds[si, ti, bi]
        ti += start

        # Stage 2: the samples of the surviving blocks, in bounded pieces.
        step = max(1, int(chunk_elements // size))
        for b0 in range(0, si.shape[0], step):
            piece = slice(b0, b0 + step)
            s_i, t_i, b_i = si[piece], ti[piece], bi[piece]
            seen = pvalid[t_i, b_i]  # (M, B)
            dx = px[t_i, b_i] - sx[s_i, None]
            dy = py[t_i, b_i] - sy[s_i, None]
            dz = pz[t_i, b_i] - sz[s_i, None]
            slant2 = dx * dx + dy * dy + dz * dz
            seen &= slant2 <= reach[s_i, t_i, None] ** 2
            if np.any(use_mask[s_i]):  # elevation >= el_min <=> up >= sin(el_min) * slant
                u = dx * up[s_i, 0, None] + dy * up[s_i, 1, None] + dz * up[s_i, 2, None]
                seen &= ~use_mask[s_i, None] | (u >= sin_elev[s_i, None] * np.sqrt(slant2))
            if not np.all(all_round[s_i]):  # |az - facing| <= fov/2 <=> cos >= cos(fov/2)
                e = dx * east[s_i, 0, None] + dy * east[s_i, 1, None] + dz * east[s_i, 2, None]
                n = dx * north[s_i, 0, None] + dy * north[s_i, 1, None] + dz * north[s_i, 2, None]
                along = e * sin_face[s_i, None] + n * cos_face[s_i, None]
                seen &= all_round[s_i, None] | (along >= cos_half_fov[s_i, None] * np.hypot(e, n))
            rows = np.nonzero(check_horizon[piece])[0]
            if rows.size:
                s_h, t_h, b_h = s_i[rows], t_i[rows], b_i[rows]
                horizon = horizon_radar[s_h, None] + geo.radar_horizon_m(0.0, palt[t_h, b_h])
                estimate = geo.normal_distance_estimate_m(up[s_h, None, :], pup[t_h, b_h])
                seen[rows] &= geo.ground_distance_in_range(
                    s_lat[s_h, None],
                    s_lon[s_h, None],
                    plat[t_h, b_h],
                    plon[t_h, b_h],
                    0.0,
                    horizon,
                    estimate,
                )
            first = np.min(np.where(seen, pt[t_i, b_i], np.inf), axis=1)
            np.minimum.at(out, (s_i, t_i), first)
    return out


def space_infrared_report_s(
    launch_s: ArrayLike, is_ballistic: ArrayLike, latency_s: ArrayLike
) -> FloatArray:
    """Report times of space infrared sensors: launch + latency, ballistic threats only.

    A space infrared sensor watches the whole theatre, sees every ballistic missile's
    boost and reports it ``latency_s`` after launch. It gives cues only, never a
    fire-control track; cruise missiles and aircraft are not reported.

    Args:
        launch_s: threat launch times, seconds, ``(T,)``.
        is_ballistic: whether each threat is a ballistic missile, ``(T,)`` bool.
        latency_s: each space sensor's report latency, seconds, ``(E,)``.

    Returns:
        ``(E, T)`` report times, seconds from scenario start; ``inf`` for other threats.
    """
    launch = _f(launch_s)
    ballistic = np.atleast_1d(np.asarray(is_ballistic, dtype=bool))
    lat = _f(latency_s)
    return np.where(ballistic[None, :], launch[None, :] + lat[:, None], np.inf)


def _min_plus(latency: FloatArray, reports: FloatArray, chunk: int = 4096) -> FloatArray:
    """``out[a, t] = min_q latency[a, q] + reports[q, t]`` (a min-plus product), chunked."""
    n_a, n_q = latency.shape
    n_t = reports.shape[1]
    out = np.full((n_a, n_t), np.inf)
    if n_q == 0 or n_a == 0:
        return out
    step = max(1, chunk * 64 // max(1, n_a * n_q))
    for start in range(0, n_t, step):
        sl = slice(start, min(start + step, n_t))
        out[:, sl] = np.min(latency[:, :, None] + reports[None, :, sl], axis=1)
    return out


def cued_track_time_s(
    first_detection_s: ArrayLike, track_time_s: ArrayLike, cue_s: ArrayLike
) -> FloatArray:
    """A radar's own track time given its first detection and the cue available to it.

    Uncued, a radar holds a track ``track_time_s`` after first detection. A cue removes
    the search: the track is at the later of first visibility and the cue's arrival,
    but never later than the uncued track::

        track = min(detect + track_time, max(detect, cue))

    so a cue received before the threat becomes visible gives a track at first
    visibility, and one arriving during the search ends it at the cue's arrival.

    Args:
        first_detection_s: ``(S, T)`` first detection, seconds (inf: never).
        track_time_s: ``(S,)`` search-to-track time of each radar, seconds.
        cue_s: ``(S, T)`` earliest cue available to each radar, seconds (inf: none).

    Returns:
        ``(S, T)`` track times, seconds; inf where the radar never detects the threat.
    """
    detect = np.asarray(first_detection_s, dtype=np.float64)
    tt = _f(track_time_s)[:, None]
    cue = np.asarray(cue_s, dtype=np.float64)
    return np.asarray(np.minimum(detect + tt, np.maximum(detect, cue)), dtype=np.float64)


def radar_track_times(
    first_detection_s: ArrayLike,
    track_time_s: ArrayLike,
    cue_latency_s: ArrayLike,
    external_report_s: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Every radar's own track time on every threat, with cues shared between sensors.

    A radar's track is a report that may cue other radars, whose cued tracks may cue
    others in turn; the result is the fixed point, reached by repeating
    :func:`cued_track_time_s` until no track time changes (track times only decrease,
    and a chain of cues visits each radar at most once, so at most ``S + 1`` rounds).

    Sources of reports are indexed ``q = 0..S-1`` for the radars themselves, then
    ``q = S..S+E-1`` for external reporters (space infrared, see
    :func:`space_infrared_report_s`). A radar's report time is its own track time.

    Args:
        first_detection_s: ``(S, T)`` from :func:`radar_first_detection_s`.
        track_time_s: ``(S,)`` search-to-track time, seconds.
        cue_latency_s: ``(S, S + E)`` delay, seconds, before source ``q``'s report reaches
            radar ``s`` as a cue; ``inf`` where it never does (no agreement). Typically
            0 within one nation and the agreement's ``latency_s`` for a track-sharing
            agreement of either quality from ``q``'s nation to ``s``'s. The diagonal
            (a radar cueing itself) is ignored.
        external_report_s: ``(E, T)`` report times of external reporters, or None.

    Returns:
        ``(track_s, cue_s)``, each ``(S, T)`` seconds: each radar's own track time and
        the earliest cue it received (inf: none).
    """
    detect = np.asarray(first_detection_s, dtype=np.float64)
    n_s, n_t = detect.shape
    ext = (
        np.zeros((0, n_t))
        if external_report_s is None
        else np.asarray(external_report_s, dtype=np.float64).reshape(-1, n_t)
    )
    latency = np.array(cue_latency_s, dtype=np.float64).reshape(n_s, n_s + ext.shape[0])
    latency[np.arange(n_s), np.arange(n_s)] = np.inf
    cue_external = _min_plus(latency[:, n_s:], ext)
    radar_latency = latency[:, :n_s]
    track = cued_track_time_s(detect, track_time_s, cue_external)
    cue = cue_external
    for _ in range(n_s + 1):
        cue = np.minimum(cue_external, _min_plus(radar_latency, track))
        new_track = cued_track_time_s(detect, track_time_s, cue)
        if np.array_equal(new_track, track):
            break
        track = new_track
    return track, cue


def radar_track_times_by_group(
    first_detection_s: ArrayLike,
    track_time_s: ArrayLike,
    group: ArrayLike,
    group_latency_s: ArrayLike,
    external_latency_s: ArrayLike | None = None,
    external_report_s: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """:func:`radar_track_times` where the cue latency depends only on the radars' groups.

    The same fixed point, without the ``(S, S)`` latency matrix: with radars in ``G``
    groups (their nations), a radar's cue from the radars of group ``n`` is the
    earliest track among them (the second earliest for the radar that holds the
    earliest of its own group, since a radar does not cue itself) plus the group
    latency. Each round costs ``O(S T + G^2 T)`` instead of ``O(S^2 T)``, so thousands
    of radars take seconds and ``S^2`` floats are never held.

    Args:
        first_detection_s: ``(S, T)`` as for :func:`radar_track_times`.
        track_time_s: ``(S,)`` search-to-track time, seconds.
        group: ``(S,)`` each radar's group, ``0..G-1``.
        group_latency_s: ``(G, G)`` delay before a report from a radar of group ``n``
            reaches a radar of group ``m`` as a cue, at ``[m, n]``; ``inf``: never.
        external_latency_s: ``(G, E)`` delay before external reporter ``e``'s report
            reaches a radar of group ``m``, or None.
        external_report_s: ``(E, T)`` report times of external reporters, or None.

    Returns:
        ``(track_s, cue_s)`` as :func:`radar_track_times` returns them.
    """
    detect = np.asarray(first_detection_s, dtype=np.float64)
    n_s, n_t = detect.shape
    g = np.asarray(group, dtype=np.int64).reshape(n_s)
    lat = np.asarray(group_latency_s, dtype=np.float64)
    n_g = lat.shape[0]
    lat = lat.reshape(n_g, n_g)
    if external_report_s is None or external_latency_s is None:
        cue_external = np.full((n_s, n_t), np.inf)
    else:
        ext = np.asarray(external_report_s, dtype=np.float64).reshape(-1, n_t)
        ext_lat = np.asarray(external_latency_s, dtype=np.float64).reshape(n_g, ext.shape[0])
        cue_external = _min_plus(ext_lat, ext)[g]
    members = [np.flatnonzero(g == n) for n in range(n_g)]
    other_lat = lat.copy()
    other_lat[np.arange(n_g), np.arange(n_g)] = np.inf
    own_lat = np.diag(lat)[g][:, None]
    cols = np.arange(n_t)

    def cues(track: FloatArray) -> FloatArray:
        first = np.full((n_g, n_t), np.inf)
        second = np.full((n_g, n_t), np.inf)
        holder = np.full((n_g, n_t), -1, dtype=np.int64)
        for n, idx in enumerate(members):
            if idx.size == 0:
                continue
            sub = track[idx]
            at = np.argmin(sub, axis=0)
            holder[n] = idx[at]
            first[n] = sub[at, cols]
            if idx.size > 1:
                second[n] = np.partition(sub, 1, axis=0)[1]
        from_others = _min_plus(other_lat, first)[g]
        own_best = np.where(holder[g] == np.arange(n_s)[:, None], second[g], first[g])
        return np.minimum(cue_external, np.minimum(from_others, own_lat + own_best))

    track = cued_track_time_s(detect, track_time_s, cue_external)
    cue = cue_external
    for _ in range(n_s + 1):
        cue = cues(track)
        new_track = cued_track_time_s(detect, track_time_s, cue)
        if np.array_equal(new_track, track):
            break
        track = new_track
    return track, cue


def fire_control_track_times(track_s: ArrayLike, fire_control_latency_s: ArrayLike) -> FloatArray:
    """Earliest fire-control track each unit may launch on, per threat.

    ``fc[u, t] = min_s track_s[s, t] + fire_control_latency_s[u, s]``.

    Args:
        track_s: ``(S, T)`` each radar's own track time (from :func:`radar_track_times`).
        fire_control_latency_s: ``(U, S)`` delay, seconds, before radar ``s``'s track is
            usable by unit ``u`` for fire control, ``inf`` where it never is. The compile
            step sets 0 for the unit's own platform radar and its nation's fire-control
            radars, the agreement's ``latency_s`` for a fire-control radar of a nation
            that shares tracks with the unit's nation at ``fire-control`` quality, and
            inf otherwise (early-warning radars, early-warning-quality sharing and space
            sensors give cues, not fire-control tracks).

    Returns:
        ``(U, T)`` seconds from scenario start; inf where the unit never holds a track.
    """
    tracks = np.asarray(track_s, dtype=np.float64)
    latency = np.asarray(fire_control_latency_s, dtype=np.float64)
    return _min_plus(latency.reshape(-1, tracks.shape[0]), tracks)
