"""Engagement windows: when each stock (unit × interceptor type) can engage each threat.

A threat sample at time ``tau`` (seconds from scenario start) is an *intercept
point* for a (stock, threat) pair when:

- its ground distance (WGS84 geodesic) from the unit is in ``[min_range_m, max_range_m]``;
- its altitude is in ``[min_alt_m, max_alt_m]``;
- ``tau`` is at most the threat's impact (or release) time;
- the interceptor, flying a straight line from the unit to the point at its average
  speed, launches at ``L = tau - |unit - point| / avg_speed_ms`` (ECEF distance) no
  earlier than the pair's earliest launch (fire-control track + reaction time);
- that straight line does not pass through the earth: over a spherical earth
  (:data:`hoplon.core.geo.R_EARTH_M`) it passes at most :data:`FLYOUT_BELOW_SURFACE_M`
  below the surface (:func:`hoplon.core.geo.straight_line_clears_sphere`). The
  allowance keeps near-surface intercepts (a sea-skimmer tens of kilometres out,
  where the line dips a few tens of metres under the curve of the sea) while refusing
  fly-outs that would cross the solid earth, such as an exo-atmospheric intercept
  at 70-98 km altitude some 2,400 km away (the line would pass some 70 km below
  the surface).

Intercept points are the path's samples, so intercept times are known to one
sampling step (1 s in the compile step; the path kernels default to 2 s for cruise and
aircraft).

The result is :class:`hoplon.core.model.EngagementWindows`: one window per pair
with at least one intercept point, its points sorted by launch time, with the
suffix-minimum best intercept (see that class).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hoplon.core import geo
from hoplon.core.flight import PathBatch, block_rows, path_blocks
from hoplon.core.model import EngagementWindows

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Elements of one work array; about 20 such arrays are alive at once.
DEFAULT_CHUNK_ELEMENTS = 500_000

#: How far below a spherical earth's surface a straight fly-out may pass, metres.
FLYOUT_BELOW_SURFACE_M = 100.0


def _f(a: ArrayLike, n: int) -> FloatArray:
    return np.broadcast_to(np.asarray(a, dtype=np.float64), (n,))


def intercept_points(
    threat: ArrayLike,
    unit_lat: ArrayLike,
    unit_lon: ArrayLike,
    unit_alt_m: ArrayLike,
    min_range_m: ArrayLike,
    max_range_m: ArrayLike,
    min_alt_m: ArrayLike,
    max_alt_m: ArrayLike,
    avg_speed_ms: ArrayLike,
    earliest_launch_s: ArrayLike,
    paths: PathBatch,
    chunk_elements: int = DEFAULT_CHUNK_ELEMENTS,
    block_size: int = 32,
    below_surface_m: float | None = FLYOUT_BELOW_SURFACE_M,
    *,
    impact_slack_s: float = 0.0,
    return_flyout: bool = False,
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Every intercept point of every candidate pair (unsorted).

    Args:
        threat: ``(P,)`` index of each pair's threat into ``paths``.
        unit_lat, unit_lon: ``(P,)`` launcher position, degrees.
        unit_alt_m: ``(P,)`` launcher height, metres.
        min_range_m, max_range_m: ``(P,)`` interceptor ground-range envelope, metres.
        min_alt_m, max_alt_m: ``(P,)`` intercept-altitude envelope, metres.
        avg_speed_ms: ``(P,)`` average fly-out speed, m/s.
        earliest_launch_s: ``(P,)`` earliest launch, seconds from scenario start
            (unit's fire-control track + reaction; inf: never).
        paths: the threats' sampled paths.
        chunk_elements: bound on the elements of one work array.
        block_size: samples per block of the culling stage.
        below_surface_m: how far below the spherical earth's surface the straight
            fly-out may pass, metres; None: no earth test (diagnostics only).
        impact_slack_s: a point counts up to this long after the path's impact (0: the
            exact test; :func:`intercept_points_shifted` widens it, then tests exactly).
        return_flyout: give each point's fly-out time (the interceptor's time of flight,
            ``intercept - launch`` before rounding) in place of its launch time.

    Returns:
        ``(pair, launch_s, intercept_s)``, each ``(N,)``: the pair index of each point,
        its launch time (or fly-out time) and its intercept time, seconds from scenario
        start.
    """
    t_idx = np.atleast_1d(np.asarray(threat, dtype=np.int64))
    n_p = t_idx.shape[0]
    lat, lon, alt, r_lo, r_hi, a_lo, a_hi, speed, earliest = (
        _f(a, n_p)
        for a in (
            unit_lat,
            unit_lon,
            unit_alt_m,
            min_range_m,
            max_range_m,
            min_alt_m,
            max_alt_m,
            avg_speed_ms,
            earliest_launch_s,
        )
    )
    empty = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    if n_p == 0 or paths.n_threats == 0:
        return empty
    ux, uy, uz = geo.to_ecef(lat, lon, alt)
    _, _, u_up = geo.enu_basis(lat, lon)
    blocks = path_blocks(paths, block_size)
    n_b, size = blocks.n_blocks, blocks.size
    # (T, nb, B) views of the samples, so a block's samples are gathered as one row.
    px, py, pz, plat, plon, palt, pup = (
        block_rows(a, size)
        for a in (paths.x_m, paths.y_m, paths.z_m, paths.lat, paths.lon, paths.alt_m, paths.up)
    )
    pt = block_rows(paths.t_s, size, fill=np.inf)
    pvalid = block_rows(paths.valid, size, fill=False)
    eps, slack = geo.SPHERE_RELATIVE_ERROR, 1.0
    impact = paths.impact_s + impact_slack_s if impact_slack_s else paths.impact_s
    live = np.nonzero(np.isfinite(earliest) & (speed > 0) & (r_hi >= r_lo) & (a_hi >= a_lo))[0]

    out_pair: list[IntArray] = []
    out_launch: list[FloatArray] = []
    out_tau: list[FloatArray] = []
    chunk = max(1, int(chunk_elements // n_b))
    for c0 in range(0, live.shape[0], chunk):
        pc = live[c0 : c0 + chunk]
        tc = t_idx[pc]
        # Stage 1: blocks that may hold an intercept point (conservative bounds).
        dist = np.sqrt(
            (blocks.x_m[tc] - ux[pc, None]) ** 2
            + (blocks.y_m[tc] - uy[pc, None]) ** 2
            + (blocks.z_m[tc] - uz[pc, None]) ** 2
        )
        latest_launch = (
            blocks.t_max_s[tc] - np.maximum(dist - blocks.radius_m[tc], 0.0) / speed[pc, None]
        )
        maybe = latest_launch >= earliest[pc, None] - 1e-6  # rounding never culls a sample
        maybe &= (blocks.max_alt_m[tc] >= a_lo[pc, None]) & (blocks.min_alt_m[tc] <= a_hi[pc, None])
        centre = geo.R_EARTH_M * geo.normal_angle_rad(u_up[pc, None, :], blocks.up[tc])
        spread = geo.R_EARTH_M * blocks.angular_radius[tc]
        # Ground distance of any block sample lies within [centre - spread, centre + spread]
        # in the spherical estimate, and within the estimate's band of it on the ellipsoid.
        d_low = (centre - spread) / (1.0 + eps) - slack
        d_high = (centre + spread) / (1.0 - eps) + slack
        maybe &= (d_high >= r_lo[pc, None]) & (d_low <= r_hi[pc, None])
        range_certain_blocks = (d_low >= r_lo[pc, None]) & (d_high <= r_hi[pc, None])
        del dist, latest_launch, centre, spread, d_low, d_high
        rows, bi = np.nonzero(maybe)
        pi = pc[rows]
        range_certain = range_certain_blocks[rows, bi]

        # Stage 2: exact tests on the samples of the surviving blocks.
        step = max(1, int(chunk_elements // size))
        for b0 in range(0, pi.shape[0], step):
            piece = slice(b0, b0 + step)
            p_i, b_i = pi[piece], bi[piece]
            t_i = t_idx[p_i]
            tau = pt[t_i, b_i]  # (M, B)
            ok = pvalid[t_i, b_i] & (tau <= impact[t_i, None])
            p_alt = palt[t_i, b_i]
            ok &= (p_alt >= a_lo[p_i, None]) & (p_alt <= a_hi[p_i, None])
            chord = np.sqrt(
                (px[t_i, b_i] - ux[p_i, None]) ** 2
                + (py[t_i, b_i] - uy[p_i, None]) ** 2
                + (pz[t_i, b_i] - uz[p_i, None]) ** 2
            )
            with np.errstate(invalid="ignore"):
                flyout = chord / speed[p_i, None]
                launch = tau - flyout
            ok &= launch >= earliest[p_i, None]
            if below_surface_m is not None:  # the straight fly-out stays out of the earth
                ok &= geo.straight_line_clears_sphere(
                    u_up[p_i, None, :], alt[p_i, None], pup[t_i, b_i], p_alt, below_surface_m
                )
            r, k = np.nonzero(ok & ~range_certain[piece, None])
            if r.size:  # ground range, exactly, where the block bounds leave it open
                t_r, b_r, p_r = t_i[r], b_i[r], p_i[r]
                estimate = geo.normal_distance_estimate_m(u_up[p_r], pup[t_r, b_r, k])
                ok[r, k] = geo.ground_distance_in_range(
                    lat[p_r],
                    lon[p_r],
                    plat[t_r, b_r, k],
                    plon[t_r, b_r, k],
                    r_lo[p_r],
                    r_hi[p_r],
                    estimate,
                )
            r, k = np.nonzero(ok)
            out_pair.append(p_i[r])
            out_launch.append(flyout[r, k] if return_flyout else launch[r, k])
            out_tau.append(tau[r, k])
    if not out_pair:
        return empty
    return np.concatenate(out_pair), np.concatenate(out_launch), np.concatenate(out_tau)


#: Relative margin of the coarse tests of :func:`intercept_points_shifted`, far above the
#: rounding of a sum of two times (2**-52 of the larger) and far below a sampling step.
SHIFT_MARGIN = 1e-9


def intercept_points_shifted(
    path: ArrayLike,
    launch_s: ArrayLike,
    unit_lat: ArrayLike,
    unit_lon: ArrayLike,
    unit_alt_m: ArrayLike,
    min_range_m: ArrayLike,
    max_range_m: ArrayLike,
    min_alt_m: ArrayLike,
    max_alt_m: ArrayLike,
    avg_speed_ms: ArrayLike,
    earliest_launch_s: ArrayLike,
    paths: PathBatch,
    chunk_elements: int = DEFAULT_CHUNK_ELEMENTS,
    block_size: int = 32,
    below_surface_m: float | None = FLYOUT_BELOW_SURFACE_M,
) -> tuple[IntArray, FloatArray, FloatArray]:
    """:func:`intercept_points` of threats that fly shared paths at their own launch times,
    with the geometry found once per path and launcher.

    Pair ``p``'s threat flies row ``path[p]`` of ``paths`` (times from its own launch:
    a batch launched at 0) from ``launch_s[p]``. The threats of a raid fly one path, so
    every pair of one path, launcher and envelope (bit for bit) has the same candidate
    samples and fly-out times: they are found once, by :func:`intercept_points` with the
    time tests widened by a margin (the earliest launch of the group's pairs, counted
    from their launch, and the impact, :data:`SHIFT_MARGIN` of the largest time, plus
    1 µs, early and late). Each pair's samples are then shifted to its launch and tested
    exactly as :func:`intercept_points` tests them on a batch of absolute times: the
    intercept ``tau = t + launch``, the launch ``tau - flyout``, ``tau`` at most
    ``launch + flight time`` and the launch no earlier than the pair's earliest. The same
    floating-point operations in the same order, so the points are the same, bit for
    bit, and in the same order (by pair, then by sample).

    Args:
        path: ``(P,)`` row of each pair's path in ``paths``.
        launch_s: ``(P,)`` launch time of each pair's threat, seconds from scenario start.
        paths: the shared paths, times counted from launch.
        the rest: as :func:`intercept_points` (times from scenario start).

    Returns:
        ``(pair, launch_s, intercept_s)`` as :func:`intercept_points` on the absolute batch.
    """
    row = np.atleast_1d(np.asarray(path, dtype=np.int64))
    n_p = row.shape[0]
    lat, lon, alt, r_lo, r_hi, a_lo, a_hi, speed, earliest, launch = (
        _f(a, n_p)
        for a in (
            unit_lat,
            unit_lon,
            unit_alt_m,
            min_range_m,
            max_range_m,
            min_alt_m,
            max_alt_m,
            avg_speed_ms,
            earliest_launch_s,
            launch_s,
        )
    )
    empty = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    if n_p == 0 or paths.n_threats == 0:
        return empty
    live = np.nonzero(np.isfinite(earliest) & (speed > 0) & (r_hi >= r_lo) & (a_hi >= a_lo))[0]
    if not live.size:
        return empty
    # Pairs of one path, launcher and envelope, bit for bit, share their geometry.
    columns = (row, lat, lon, alt, r_lo, r_hi, a_lo, a_hi, speed)
    key = np.ascontiguousarray(np.stack([np.asarray(c)[live].view(np.float64) for c in columns], 1))
    _, first, group = np.unique(
        key.view(np.dtype((np.void, 8 * len(columns)))).ravel(),
        return_index=True,
        return_inverse=True,
    )
    group = group.reshape(-1)
    n_g = first.shape[0]
    rep = live[first]
    finite_impact = paths.impact_s[np.isfinite(paths.impact_s)]
    scale = max(
        float(np.abs(launch[live]).max()),
        float(np.abs(earliest[live]).max()),
        float(np.abs(finite_impact).max()) if finite_impact.size else 0.0,
    )
    margin = 1e-6 + SHIFT_MARGIN * scale
    # The earliest launch of each group, counted from its threats' launches, a margin early.
    relative = np.full(n_g, np.inf)
    np.minimum.at(relative, group, earliest[live] - launch[live])
    g_of, flyout, t_rel = intercept_points(
        row[rep], lat[rep], lon[rep], alt[rep], r_lo[rep], r_hi[rep], a_lo[rep], a_hi[rep],
        speed[rep], relative - margin, paths, chunk_elements=chunk_elements,
        block_size=block_size, below_surface_m=below_surface_m, impact_slack_s=margin,
        return_flyout=True,
    )  # fmt: skip
    counts = np.bincount(g_of, minlength=n_g)
    starts = np.zeros(n_g + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    # Each pair's share of its group's samples, shifted and tested exactly, by pieces.
    per_pair = counts[group]
    ends = np.cumsum(per_pair)
    out_pair: list[IntArray] = []
    out_launch: list[FloatArray] = []
    out_tau: list[FloatArray] = []
    lo = 0
    while lo < live.shape[0]:
        done = int(ends[lo - 1]) if lo else 0
        hi = max(lo + 1, int(np.searchsorted(ends, done + chunk_elements, side="right")))
        n_k = per_pair[lo:hi]
        total = int(n_k.sum())
        lo_, lo = lo, hi
        if not total:
            continue
        pair = np.repeat(live[lo_:hi], n_k)
        first_k = starts[group[lo_:hi]] - (np.cumsum(n_k) - n_k)
        k = np.repeat(first_k, n_k) + np.arange(total)
        at = launch[pair]
        tau = t_rel[k] + at
        launched = tau - flyout[k]
        ok = (tau <= at + paths.impact_s[row[pair]]) & (launched >= earliest[pair])
        out_pair.append(pair[ok])
        out_launch.append(launched[ok])
        out_tau.append(tau[ok])
    if not out_pair:
        return empty
    return np.concatenate(out_pair), np.concatenate(out_launch), np.concatenate(out_tau)


def _by_pair_then_launch(pair: IntArray, launch: FloatArray) -> IntArray | None:
    """A permutation sorting points by (pair, launch); None when already sorted.

    :func:`intercept_points` yields points grouped by pair in ascending order and in
    sample order within a pair, where the launch time mostly increases already (it
    decreases only while a threat recedes faster than the interceptor flies), so only
    the points of the pairs out of order are sorted.
    """
    n = pair.shape[0]
    if n < 2:
        return None
    if np.any(pair[1:] < pair[:-1]):
        return np.lexsort((launch, pair))
    descent = (pair[1:] == pair[:-1]) & (launch[1:] < launch[:-1])
    if not np.any(descent):
        return None
    unsorted_pairs = np.unique(pair[1:][descent])
    idx = np.nonzero(np.isin(pair, unsorted_pairs))[0]
    order = np.arange(n)
    order[idx] = idx[np.lexsort((launch[idx], pair[idx]))]
    return order


def windows_from_points(
    pair: ArrayLike, launch_s: ArrayLike, intercept_s: ArrayLike
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]:
    """Group intercept points into CSR windows sorted by launch, with suffix-minimum best.

    Args:
        pair: ``(N,)`` pair index of each point (any order).
        launch_s: ``(N,)`` launch time of each point, seconds.
        intercept_s: ``(N,)`` intercept time of each point, seconds.

    Returns:
        ``(pairs, offsets, launch_s, best_launch_s, best_intercept_s)``: the distinct
        pair indices with points, ascending ``(W,)``; CSR offsets ``(W + 1,)``; and
        per point ``(N,)``, sorted by (pair, launch), the launch time and, among the
        window's points launching at or after it, the earliest intercept and its
        launch time.
    """
    p = np.asarray(pair, dtype=np.int64)
    launch = np.asarray(launch_s, dtype=np.float64)
    tau = np.asarray(intercept_s, dtype=np.float64)
    n = p.shape[0]
    # Points as intercept_points yields them: grouped by pair in ascending order, and in
    # sample order within a pair, so that their intercept times rise.
    same_pair = p[1:] == p[:-1]
    rising = bool(np.all(p[1:] >= p[:-1]) and np.all(~same_pair | (tau[1:] > tau[:-1])))
    launch_in, tau_in = launch, tau
    order = _by_pair_then_launch(p, launch)
    if order is not None:
        p, launch, tau = p[order], launch[order], tau[order]
    new_pair = np.ones(n, dtype=bool)
    new_pair[1:] = p[1:] != p[:-1]
    starts = np.nonzero(new_pair)[0]
    pairs = p[starts]
    offsets = np.append(starts, n).astype(np.int64)
    if n == 0:
        return pairs.astype(np.int64), offsets, launch, launch.copy(), tau.copy()
    first_of_tie = new_pair.copy()
    first_of_tie[1:] |= launch[1:] != launch[:-1]
    tie_start = np.maximum.accumulate(np.where(first_of_tie, np.arange(n), 0))
    if rising:
        # The input position orders a window's points by intercept time (without ties)
        # and every window's points after the previous window's, so its suffix minimum
        # is the suffix minimum below, with no sort by intercept time.
        position = order if order is not None else np.arange(n, dtype=np.int64)
        best_in = np.minimum.accumulate(position[::-1])[::-1][tie_start]
        return pairs.astype(np.int64), offsets, launch, launch_in[best_in], tau_in[best_in]
    # Suffix minimum of tau within each window, exactly: a running minimum over the
    # reversed points of integer keys (window rank * n + rank of tau). A later window's
    # keys are all larger than an earlier one's, so the minimum never crosses a window.
    segment = np.repeat(np.arange(pairs.shape[0], dtype=np.int64), np.diff(offsets))
    by_tau = np.argsort(tau, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[by_tau] = np.arange(n, dtype=np.int64)
    key = segment * n + rank
    best_key = np.minimum.accumulate(key[::-1])[::-1]
    best = by_tau[best_key - segment * n]
    # Points tied on launch time share the best of the first of them, which sees them all.
    best = best[tie_start]
    return pairs.astype(np.int64), offsets, launch, launch[best], tau[best]


def engagement_windows(
    stock: ArrayLike,
    threat: ArrayLike,
    p_kill: ArrayLike,
    unit_lat: ArrayLike,
    unit_lon: ArrayLike,
    unit_alt_m: ArrayLike,
    min_range_m: ArrayLike,
    max_range_m: ArrayLike,
    min_alt_m: ArrayLike,
    max_alt_m: ArrayLike,
    avg_speed_ms: ArrayLike,
    earliest_launch_s: ArrayLike,
    paths: PathBatch,
    chunk_elements: int = DEFAULT_CHUNK_ELEMENTS,
    block_size: int = 32,
    below_surface_m: float | None = FLYOUT_BELOW_SURFACE_M,
    *,
    path: ArrayLike | None = None,
    launch_s: ArrayLike | None = None,
) -> tuple[EngagementWindows, IntArray]:
    """Engagement windows for candidate (stock, threat) pairs.

    Args:
        stock: ``(P,)`` stock index of each candidate pair (passed through).
        threat: ``(P,)`` threat index of each pair, into ``paths`` and the model.
        p_kill: ``(P,)`` single-shot kill probability of each pair (passed through).
        unit_lat, unit_lon, unit_alt_m: ``(P,)`` the stock's unit position, degrees, metres.
        min_range_m, max_range_m: ``(P,)`` interceptor ground-range envelope, metres.
        min_alt_m, max_alt_m: ``(P,)`` intercept-altitude envelope, metres.
        avg_speed_ms: ``(P,)`` interceptor average fly-out speed, m/s.
        earliest_launch_s: ``(P,)`` the unit's fire-control track time on the threat plus
            its reaction time, seconds from scenario start (inf: the unit never tracks it).
        paths: the threats' sampled paths (absolute times).
        chunk_elements: bound on the elements of one work array.
        block_size: samples per block of the culling stage.
        below_surface_m: see :func:`intercept_points`.
        path, launch_s: when given, ``paths`` holds shared paths in times from launch,
            and pair ``p``'s threat flies row ``path[p]`` from ``launch_s[p]``
            (:func:`intercept_points_shifted`: the same windows, bit for bit, with the
            geometry found once per path).

    Returns:
        ``(windows, pair_index)``: the :class:`EngagementWindows` of the pairs that have
        at least one intercept point, in ascending pair order, and ``pair_index``
        ``(W,)``, the input pair each window came from.
    """
    s = np.atleast_1d(np.asarray(stock, dtype=np.int64))
    t = np.atleast_1d(np.asarray(threat, dtype=np.int64))
    pk = np.broadcast_to(np.asarray(p_kill, dtype=np.float64), s.shape)
    geometry = (
        unit_lat,
        unit_lon,
        unit_alt_m,
        min_range_m,
        max_range_m,
        min_alt_m,
        max_alt_m,
        avg_speed_ms,
        earliest_launch_s,
        paths,
    )
    if path is None or launch_s is None:
        pair, launch, tau = intercept_points(
            t, *geometry, chunk_elements, block_size, below_surface_m
        )
    else:
        pair, launch, tau = intercept_points_shifted(
            path, launch_s, *geometry, chunk_elements, block_size, below_surface_m
        )
    pairs, offsets, launch_sorted, best_launch, best_tau = windows_from_points(pair, launch, tau)
    windows = EngagementWindows(
        stock=s[pairs],
        threat=t[pairs],
        p_kill=np.array(pk[pairs], dtype=np.float64),
        offsets=offsets,
        launch_s=launch_sorted,
        best_launch_s=best_launch,
        best_intercept_s=best_tau,
    )
    return windows, pairs
