"""Compile a validated scenario into the engine's arrays: geometry once, per scenario.

Steps (all deterministic):

1. expand each raid into its missiles or aircraft, with launch times;
2. sample every threat's path (one path per raid: its threats fly the same route);
3. first detection of every threat by every radar (scenario radars and the units'
   own platform radars), cues from space sensors and shared early-warning tracks, and
   each radar's own track time;
4. each unit's earliest fire-control track on each threat: its own radar's, its
   nation's fire-control radars', or one shared to its nation at fire-control quality,
   ``latency_s`` later;
5. engagement windows per (unit's interceptor stock, threat) the unit has the right
   to defend (its nation's, or a collective-defense partner's, target).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hoplon.catalog import Sensor
from hoplon.core import flight, sensing
from hoplon.core.acsa import AcsaResupply
from hoplon.core.model import TIER_RANK, EngagementWindows, Model
from hoplon.core.windows import engagement_windows
from hoplon.scenario.loader import LoadedScenario
from hoplon.scenario.schema import (
    Acsa,
    CollectiveDefense,
    Raid,
    Scenario,
    TrackSharing,
    lat_lon_alt,
)

#: Sampling step of ballistic paths, seconds.
BALLISTIC_DT_S = 1.0
#: Sampling step of cruise missile and aircraft paths, seconds.
AIR_BREATHING_DT_S = 1.0


@dataclass(frozen=True)
class Compiled:
    """The compiled waves of a scenario, and how long compiling took."""

    waves: list[Model]
    compile_s: float
    resupply: AcsaResupply | None = None


@dataclass(frozen=True)
class RadarSite:
    """A radar as the sensing kernels see it (one column of their arrays)."""

    lat: float
    lon: float
    alt_m: float  # antenna height above the surface (an airborne radar: its altitude)
    range_m: float  # detection range against a 1 m² target
    facing_deg: float
    fov_deg: float  # 360 when all round (or when no facing is given)
    min_elev_deg: float
    track_time_s: float


def radar_site(entry: Sensor, at: tuple[float, ...], facing: float | None) -> RadarSite:
    """Where and how a catalog radar placed at ``at`` (facing ``facing``) searches.

    Its height is the antenna height, or the position's altitude when that is higher
    (an airborne radar); without a facing it searches all round.
    """
    lat, lon, alt = lat_lon_alt(at)
    return RadarSite(
        lat=lat,
        lon=lon,
        alt_m=max(alt, entry.antenna_height_m) if alt > 0 else entry.antenna_height_m,
        range_m=entry.range_m,
        facing_deg=0.0 if facing is None else facing,
        fov_deg=entry.field_of_regard_deg if facing is not None else 360.0,
        min_elev_deg=entry.min_elev_deg,
        track_time_s=entry.track_time_s,
    )


def _sharing(spec: Scenario) -> dict[tuple[str, str], tuple[float, float]]:
    """(from, to) nation → (cue latency, fire-control latency), inf where none."""
    out: dict[tuple[str, str], tuple[float, float]] = {}
    for ag in spec.agreements:
        if isinstance(ag, TrackSharing):
            cue, fc = out.get((ag.from_, ag.to), (np.inf, np.inf))
            cue = min(cue, ag.latency_s)
            if ag.quality == "fire-control":
                fc = min(fc, ag.latency_s)
            out[(ag.from_, ag.to)] = (cue, fc)
    return out


def defends(spec: Scenario) -> dict[str, set[str]]:
    """For each nation, the nations whose assets and units its units may defend."""
    nations = set(spec.nations)
    out = {n: {n} for n in nations}
    for ag in spec.agreements:
        if isinstance(ag, CollectiveDefense):
            for a in ag.nations:
                out.setdefault(a, {a}).update(ag.nations)
    return out


def raid_path(loaded: LoadedScenario, raid: Raid) -> flight.Path:
    """The sampled path every threat of a raid flies (from its launch point to its target)."""
    spec, entry = loaded.spec, loaded.catalog.threats[raid.type]
    places = {a.id: a.at for a in spec.assets} | {u.id: u.at for u in spec.units}
    lat0, lon0, _ = lat_lon_alt(raid.from_)
    lat1, lon1, _ = lat_lon_alt(places[raid.target])
    if entry.flight == "ballistic":
        return flight.ballistic_path(
            lat0, lon0, lat1, lon1, float(entry.burn_time_s or 0.0),
            str(entry.trajectory), dt_s=BALLISTIC_DT_S,
        )  # fmt: skip
    if entry.flight == "cruise":
        return flight.cruise_path(
            lat0, lon0, lat1, lon1, entry.speed_ms, float(entry.altitude_m or 0.0),
            dt_s=AIR_BREATHING_DT_S,
        )  # fmt: skip
    return flight.aircraft_path(
        lat0, lon0, lat1, lon1, entry.speed_ms, float(entry.altitude_m or 0.0),
        entry.release_range_m, dt_s=AIR_BREATHING_DT_S,
    )  # fmt: skip


def compile_raids(
    loaded: LoadedScenario,
    raids: Sequence[Raid],
    *,
    wave_start_s: float = 0.0,
    units: Sequence[int] | None = None,
    sensors: Sequence[int] | None = None,
    wave_label: str | None = None,
    diagnostics: dict[str, object] | None = None,
) -> Model:
    """Compile one wave: the given raids against the scenario's (selected) defenders.

    Args:
        loaded: the validated scenario.
        raids: the raids of this wave (launch times relative to ``wave_start_s``).
        wave_start_s: the wave's start, seconds from the scenario start.
        units: indices of the units taking part (default: all).
        sensors: indices of the scenario sensors taking part (default: all).
        diagnostics: if given, filled with the intermediate arrays (fire-control
            tracks, stocks, envelopes, rights) that :mod:`hoplon.engageability` uses
            to say why a threat cannot be engaged.
    """
    spec, cat = loaded.spec, loaded.catalog
    unit_idx = list(range(len(spec.units))) if units is None else list(units)
    sensor_idx = list(range(len(spec.sensors))) if sensors is None else list(sensors)
    all_units = spec.units

    # --- targets: assets and units (ships are targets too), in file order
    target_ids = [a.id for a in spec.assets] + [u.id for u in all_units]
    target_nation = [a.nation for a in spec.assets] + [u.nation for u in all_units]
    target_value = [a.value for a in spec.assets] + [u.value for u in all_units]
    target_index = {tid: g for g, tid in enumerate(target_ids)}
    targeted = {raid.target for _, raid in spec.raid_entries()}

    # --- threats
    paths: list[flight.Path] = []
    ids: list[str] = []
    raid_of: list[str] = []
    klass: list[str] = []
    launch: list[float] = []
    target: list[int] = []
    rel: list[float] = []
    cost: list[float] = []
    rcs: list[float] = []
    ballistic: list[bool] = []
    raid_paths: list[flight.Path] = []  # one per raid: its threats fly the same route
    raid_rcs: list[float] = []
    row_of: list[int] = []  # each threat's raid, an index into raid_paths
    for raid in raids:
        entry = cat.threats[raid.type]
        g = target_index[raid.target]
        path = raid_path(loaded, raid)
        raid_paths.append(path)
        raid_rcs.append(entry.rcs_m2)
        for k in range(raid.count):
            row_of.append(len(raid_paths) - 1)
            paths.append(path)
            ids.append(f"{raid.id}#{k + 1}")
            raid_of.append(raid.id)
            klass.append(entry.threat_class)
            launch.append(wave_start_s + raid.launch.at_s + k * raid.launch.every_s)
            target.append(g)
            rel.append(entry.reliability)
            cost.append(entry.unit_cost_usd)
            rcs.append(entry.rcs_m2)
            ballistic.append(entry.flight == "ballistic")
    n_threats = len(ids)
    launch_arr = np.asarray(launch, dtype=float)
    batch = flight.PathBatch.from_paths(paths, launch_arr) if paths else None

    # --- sensors: scenario radars, then the units' own platform radars; space sensors apart
    radar_nation: list[str] = []
    radar_role: list[str] = []
    radar_cols: dict[str, list[float]] = {
        k: [] for k in ("lat", "lon", "alt", "range", "facing", "fov", "elev", "track")
    }
    radar_owner_unit: list[int] = []  # unit index for platform radars, -1 otherwise
    space_nation: list[str] = []
    space_latency: list[float] = []

    def add_radar(
        name: str, at: tuple[float, ...], facing: float | None, nation: str, owner: int
    ) -> None:
        entry = cat.sensors[name]
        site = radar_site(entry, at, facing)
        radar_cols["lat"].append(site.lat)
        radar_cols["lon"].append(site.lon)
        radar_cols["alt"].append(site.alt_m)
        radar_cols["range"].append(site.range_m)
        radar_cols["facing"].append(site.facing_deg)
        radar_cols["fov"].append(site.fov_deg)
        radar_cols["elev"].append(site.min_elev_deg)
        radar_cols["track"].append(site.track_time_s)
        radar_nation.append(nation)
        radar_role.append(entry.role)
        radar_owner_unit.append(owner)

    for index in sensor_idx:
        placement = spec.sensors[index]
        sensor_entry = cat.sensors[placement.type]
        if sensor_entry.kind == "space-infrared":
            space_nation.append(placement.nation)
            space_latency.append(sensor_entry.latency_s)
        else:
            assert placement.at is not None
            add_radar(placement.type, placement.at, placement.facing_deg, placement.nation, -1)
    for local, ui in enumerate(unit_idx):
        u = all_units[ui]
        platform = cat.platforms[u.type]
        if platform.radar != "none":
            add_radar(platform.radar, u.at, u.facing_deg, u.nation, local)

    n_radars = len(radar_nation)
    n_units = len(unit_idx)
    share = _sharing(spec)

    def latency(src: str, dst: str, fire_control: bool) -> float:
        if src == dst:
            return 0.0
        cue, fc = share.get((src, dst), (np.inf, np.inf))
        return fc if fire_control else cue

    if batch is not None and n_radars:
        col = {k: np.asarray(v, dtype=float) for k, v in radar_cols.items()}
        # Sensors do not move, so when a radar first sees a threat, counted from its launch,
        # is the same for every threat of a raid: detect once per raid path, then shift by
        # each threat's launch time (min(t) + launch == min(t + launch) in floating point).
        raid_batch = flight.PathBatch.from_paths(raid_paths, np.zeros(len(raid_paths)))
        detect_rel = sensing.radar_first_detection_s(
            col["lat"], col["lon"], col["alt"], col["range"], col["facing"], col["fov"],
            col["elev"], raid_batch, np.asarray(raid_rcs),
        )  # fmt: skip
        detect = detect_rel[:, np.asarray(row_of, dtype=np.int64)] + launch_arr[None, :]
        # Cue latencies depend only on the nations, so they are given per nation: an
        # (S, S) matrix over the radars would be quadratic in time and memory.
        groups = list(dict.fromkeys(radar_nation))
        group_of = {n: i for i, n in enumerate(groups)}
        group = np.array([group_of[n] for n in radar_nation], dtype=np.int64)
        group_latency = np.array(
            [[latency(src, dst, False) for src in groups] for dst in groups], dtype=float
        ).reshape(len(groups), len(groups))
        external_latency = np.array(
            [[latency(src, dst, False) for src in space_nation] for dst in groups], dtype=float
        ).reshape(len(groups), len(space_nation))
        external = (
            sensing.space_infrared_report_s(
                launch_arr, np.asarray(ballistic), np.asarray(space_latency)
            )
            if space_nation
            else None
        )
        track, _ = sensing.radar_track_times_by_group(
            detect, col["track"], group, group_latency, external_latency, external
        )
        fc_latency = np.full((n_units, n_radars), np.inf)
        for local, ui in enumerate(unit_idx):
            nation = all_units[ui].nation
            for r in range(n_radars):
                if radar_owner_unit[r] == local:
                    fc_latency[local, r] = 0.0
                elif radar_role[r] == "fire-control":
                    fc_latency[local, r] = latency(radar_nation[r], nation, True)
        fc_track = sensing.fire_control_track_times(track, fc_latency)
    else:
        fc_track = np.full((n_units, n_threats), np.inf)

    # --- interceptors and stocks
    names: list[str] = []
    for ui in unit_idx:
        for name in all_units[ui].magazine:
            if name not in names:
                names.append(name)
    interceptors = [cat.interceptors[n] for n in names]
    stock_unit, stock_int, stock_init = [], [], []
    for local, ui in enumerate(unit_idx):
        for name, count in all_units[ui].magazine.items():
            stock_unit.append(local)
            stock_int.append(names.index(name))
            stock_init.append(count)

    # --- windows: each stock × each threat its unit may defend and its interceptor may kill
    allowed = defends(spec)
    pair_stock: list[int] = []
    pair_threat: list[int] = []
    pair_p: list[float] = []
    for stock_no, (local, int_no) in enumerate(zip(stock_unit, stock_int, strict=True)):
        u = all_units[unit_idx[local]]
        icpt = interceptors[int_no]
        for t in range(n_threats):
            sspk = icpt.sspk.get(klass[t])  # type: ignore[call-overload]
            if sspk is None or sspk <= 0:
                continue
            if target_nation[target[t]] not in allowed.get(u.nation, {u.nation}):
                continue
            if not np.isfinite(fc_track[local, t]):
                continue
            pair_stock.append(stock_no)
            pair_threat.append(t)
            pair_p.append(icpt.reliability * sspk)
    ps = np.asarray(pair_stock, dtype=np.int64)
    pt = np.asarray(pair_threat, dtype=np.int64)
    su = np.asarray(stock_unit, dtype=np.int64)
    si = np.asarray(stock_int, dtype=np.int64)
    unit_lat = np.array([lat_lon_alt(all_units[ui].at)[0] for ui in unit_idx])
    unit_lon = np.array([lat_lon_alt(all_units[ui].at)[1] for ui in unit_idx])
    unit_alt = np.array([lat_lon_alt(all_units[ui].at)[2] for ui in unit_idx])
    reaction = np.array([cat.platforms[all_units[ui].type].reaction_s for ui in unit_idx])
    env = {
        "min_range": np.array([e.min_range_m for e in interceptors]),
        "max_range": np.array([e.max_range_m for e in interceptors]),
        "min_alt": np.array([e.min_alt_m for e in interceptors]),
        "max_alt": np.array([e.max_alt_m for e in interceptors]),
        "speed": np.array([e.avg_speed_ms for e in interceptors]),
    }
    if batch is not None and ps.size:
        uu = su[ps]
        ii = si[ps]
        windows, _ = engagement_windows(
            stock=ps,
            threat=pt,
            p_kill=np.asarray(pair_p, dtype=float),
            unit_lat=unit_lat[uu],
            unit_lon=unit_lon[uu],
            unit_alt_m=unit_alt[uu],
            min_range_m=env["min_range"][ii],
            max_range_m=env["max_range"][ii],
            min_alt_m=env["min_alt"][ii],
            max_alt_m=env["max_alt"][ii],
            avg_speed_ms=env["speed"][ii],
            earliest_launch_s=fc_track[uu, pt] + reaction[uu],
            paths=batch,
        )
    else:
        windows = _no_windows()
    impact = batch.impact_s if batch is not None else np.zeros(0)
    if diagnostics is not None:
        diagnostics.update(
            fc_track=fc_track, reaction=reaction, unit_lat=unit_lat, unit_lon=unit_lon,
            unit_alt=unit_alt, stock_unit=su, stock_interceptor=si, interceptors=interceptors,
            interceptor_names=names, env=env, threat_class=klass, threat_target=target,
            target_ids=target_ids, target_nation=target_nation, allowed=allowed,
            unit_nation=[all_units[ui].nation for ui in unit_idx], batch=batch,
        )  # fmt: skip
    d = spec.doctrine
    return Model(
        threat_ids=tuple(ids),
        threat_raid=tuple(raid_of),
        threat_target=np.asarray(target, dtype=np.int64),
        threat_class=tuple(klass),
        threat_launch_s=launch_arr,
        threat_impact_s=np.asarray(impact, dtype=float),
        threat_reliability=np.asarray(rel, dtype=float),
        threat_cost_usd=np.asarray(cost, dtype=float),
        threat_first_track_s=fc_track.min(axis=0) if n_units else np.full(n_threats, np.inf),
        target_ids=tuple(target_ids),
        target_value=np.asarray(
            [
                v if g < len(spec.assets) or target_ids[g] in targeted else 0.0
                for g, v in enumerate(target_value)
            ],
            dtype=float,
        ),
        unit_ids=tuple(all_units[ui].id for ui in unit_idx),
        unit_nation=tuple(all_units[ui].nation for ui in unit_idx),
        unit_capacity=np.array(
            [cat.platforms[all_units[ui].type].capacity for ui in unit_idx], dtype=np.int64
        ),
        interceptor_names=tuple(names),
        interceptor_cost_usd=np.array([e.unit_cost_usd for e in interceptors], dtype=float),
        interceptor_tier=np.array([TIER_RANK[e.tier] for e in interceptors], dtype=np.int64),
        stock_unit=su,
        stock_interceptor=si,
        stock_initial=np.asarray(stock_init, dtype=np.int64),
        windows=windows,
        shots_per_engagement=d.shots_per_engagement,
        shoot_look_shoot=d.shoot_look_shoot,
        assessment_s=d.assessment_s,
        assignment=d.assignment,
        extras={"wave": wave_label} if wave_label else {},
    )


def _no_windows() -> EngagementWindows:
    empty = np.zeros(0)
    none = np.zeros(0, dtype=np.int64)
    return EngagementWindows(none, none, empty, np.zeros(1, dtype=np.int64), empty, empty, empty)


def acsa_groups(loaded: LoadedScenario, model: Model) -> AcsaResupply | None:
    """The rebalancing groups of the scenario's ``acsa`` agreements, if any."""
    groups: list[NDArray[np.int64]] = []
    for ag in loaded.spec.agreements:
        if not isinstance(ag, Acsa):
            continue
        members = set(ag.nations)
        for i in range(len(model.interceptor_names)):
            stocks = [
                s
                for s in range(model.n_stocks)
                if model.stock_interceptor[s] == i
                and model.unit_nation[model.stock_unit[s]] in members
            ]
            if len(stocks) > 1:
                groups.append(np.asarray(stocks, dtype=np.int64))
    if not groups:
        return None
    return AcsaResupply(tuple(groups), model.stock_initial.astype(np.int64), model.n_stocks)


def _check_waves_apart(loaded: LoadedScenario, waves: Sequence[Model]) -> None:
    """Refuse a wave that starts before every threat of the wave before it has landed.

    Waves run one after the other (magazines carry over, ACSA rebalances between them),
    so overlapping waves would be simulated as if they were apart: a modelling error.
    """
    from hoplon.errors import InputError, Problem

    spec = loaded.spec
    for w in range(1, len(waves)):
        previous = waves[w - 1].threat_impact_s
        if previous.size == 0:
            continue
        last = float(previous.max())
        start = spec.waves[w].start_s
        if start < last:
            line, column = loaded.positions.get(("waves", w, "start_s"), (None, None))
            raise InputError(
                Problem(
                    f"wave '{spec.waves[w].id}' starts at {start:g} s, before the last threat "
                    f"of wave '{spec.waves[w - 1].id}' lands ({last:,.0f} s); waves run one "
                    f"after the other: start it at {last:,.0f} s or later, or put the raids "
                    "in one wave",
                    f"waves[{w}].start_s",
                    line,
                    column,
                ),
                loaded.path,
            )


def compile_scenario(
    loaded: LoadedScenario,
    units: Sequence[int] | None = None,
    sensors: Sequence[int] | None = None,
) -> Compiled:
    """Compile every wave of a scenario (one wave unless it lists ``waves``)."""
    start = time.perf_counter()
    waves = [
        compile_raids(
            loaded, wave.threats, wave_start_s=wave.start_s, units=units, sensors=sensors,
            wave_label=wave.id if loaded.spec.waves else None,
        )
        for wave in loaded.spec.wave_list()
    ]  # fmt: skip
    if not waves:
        waves = [compile_raids(loaded, [], units=units, sensors=sensors)]
    _check_waves_apart(loaded, waves)
    resupply = acsa_groups(loaded, waves[0]) if len(waves) > 1 else None
    return Compiled(waves, time.perf_counter() - start, resupply)
