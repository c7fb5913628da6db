"""Step 4 of compiling: engagement windows, per (stock, threat) pair that may engage.

A pair may engage when the stock's unit has the right to defend the threat's target (its
nation's, or a collective-defense partner's), its interceptor can kill the threat's class
(``sspk`` above 0), and the unit gets a fire-control track on the threat. Its windows are
the launch times from which the interceptor meets the threat inside its envelope
(:func:`hoplon.core.windows.engagement_windows`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hoplon.compile.raids import Targets, Threats
from hoplon.compile.stocks import Stocks
from hoplon.core import flight
from hoplon.core.model import EngagementWindows
from hoplon.core.windows import engagement_windows
from hoplon.scenario.loader import LoadedScenario
from hoplon.scenario.schema import CollectiveDefense, Scenario, lat_lon_alt


def defends(spec: Scenario) -> dict[str, set[str]]:
    """For each nation, the nations whose assets and units its units may defend."""
    nations = set(spec.nations)
    out = {n: {n} for n in nations}
    for ag in spec.agreements:
        if isinstance(ag, CollectiveDefense):
            for a in ag.nations:
                out.setdefault(a, {a}).update(ag.nations)
    return out


@dataclass(frozen=True)
class Launchers:
    """Where the units taking part stand, and how fast they react, by local index."""

    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    alt: NDArray[np.float64]
    reaction: NDArray[np.float64]


def launchers(loaded: LoadedScenario, unit_idx: list[int]) -> Launchers:
    units, cat = loaded.spec.units, loaded.catalog
    at = [lat_lon_alt(units[ui].at) for ui in unit_idx]
    return Launchers(
        lat=np.array([p[0] for p in at]),
        lon=np.array([p[1] for p in at]),
        alt=np.array([p[2] for p in at]),
        reaction=np.array([cat.platforms[units[ui].type].reaction_s for ui in unit_idx]),
    )


def envelopes(stocks: Stocks) -> dict[str, NDArray[np.float64]]:
    """Each interceptor's envelope and mean fly-out speed, by interceptor index."""
    icpt = stocks.interceptors
    return {
        "min_range": np.array([e.min_range_m for e in icpt]),
        "max_range": np.array([e.max_range_m for e in icpt]),
        "min_alt": np.array([e.min_alt_m for e in icpt]),
        "max_alt": np.array([e.max_alt_m for e in icpt]),
        "speed": np.array([e.avg_speed_ms for e in icpt]),
    }


def engageable_pairs(
    loaded: LoadedScenario,
    unit_idx: list[int],
    stocks: Stocks,
    threats: Threats,
    tg: Targets,
    fc_track: NDArray[np.float64],
    allowed: dict[str, set[str]],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """The (stock, threat) pairs that may engage, and each pair's single-shot kill chance,
    by stock, then threat."""
    classes = list(dict.fromkeys(threats.klass))
    class_of = np.array([classes.index(k) for k in threats.klass], dtype=np.int64)
    nations = list(dict.fromkeys(tg.nation))
    nation_of = np.array([nations.index(tg.nation[g]) for g in threats.target], dtype=np.int64)
    tracked = np.isfinite(fc_track)
    pair_stock: list[NDArray[np.int64]] = []
    pair_threat: list[NDArray[np.int64]] = []
    pair_p: list[NDArray[np.float64]] = []
    for stock_no, (local, int_no) in enumerate(zip(stocks.unit, stocks.interceptor, strict=True)):
        u = loaded.spec.units[unit_idx[local]]
        icpt = stocks.interceptors[int_no]
        sspk = [icpt.sspk.get(k) for k in classes]
        kills = np.array([x is not None and x > 0 for x in sspk], dtype=bool)
        chance = np.array([x if x is not None and x > 0 else 0.0 for x in sspk], dtype=float)
        rights = allowed.get(u.nation, {u.nation})
        may = np.array([n in rights for n in nations], dtype=bool)
        t = np.nonzero(kills[class_of] & may[nation_of] & tracked[local])[0]
        pair_stock.append(np.full(t.shape, stock_no, dtype=np.int64))
        pair_threat.append(t)
        pair_p.append(icpt.reliability * chance[class_of[t]])
    if not pair_stock:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return (
        np.concatenate(pair_stock).astype(np.int64),
        np.concatenate(pair_threat).astype(np.int64),
        np.concatenate(pair_p).astype(float),
    )


def no_windows() -> EngagementWindows:
    """The windows of a wave where no pair may engage."""
    empty = np.zeros(0)
    none = np.zeros(0, dtype=np.int64)
    return EngagementWindows(none, none, empty, np.zeros(1, dtype=np.int64), empty, empty, empty)


def pair_windows(
    pairs: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]],
    stocks: Stocks,
    env: dict[str, NDArray[np.float64]],
    where: Launchers,
    fc_track: NDArray[np.float64],
    threats: Threats,
    raid_batch: flight.PathBatch | None,
) -> EngagementWindows:
    """The engagement windows of every pair that may engage, with the geometry found once
    per raid path and launcher, then shifted by each threat's launch time (the same
    windows, bit for bit, as on every threat's own path: see
    :func:`hoplon.core.windows.intercept_points_shifted`). ``raid_batch`` is
    :meth:`Threats.raid_batch`."""
    ps, pt, p_kill = pairs
    if raid_batch is None or not ps.size:
        return no_windows()
    uu = stocks.unit[ps]
    ii = stocks.interceptor[ps]
    windows, _ = engagement_windows(
        stock=ps,
        threat=pt,
        p_kill=p_kill,
        unit_lat=where.lat[uu],
        unit_lon=where.lon[uu],
        unit_alt_m=where.alt[uu],
        min_range_m=env["min_range"][ii],
        max_range_m=env["max_range"][ii],
        min_alt_m=env["min_alt"][ii],
        max_alt_m=env["max_alt"][ii],
        avg_speed_ms=env["speed"][ii],
        earliest_launch_s=fc_track[uu, pt] + where.reaction[uu],
        paths=raid_batch,
        path=np.asarray(threats.row_of, dtype=np.int64)[pt],
        launch_s=threats.launch_s[pt],
    )
    return windows
