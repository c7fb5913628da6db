"""Step 2 of compiling: sensors placed, and each unit's earliest fire-control track.

Scenario radars, then the units' own platform radars, are columns of the sensing
kernels' arrays; space infrared sensors report launches apart. Each radar's first
detection of every threat, the cues and shared early-warning tracks it gets, and its own
track time give its track; a unit's fire-control track on a threat is the earliest of its
own radar's, its nation's fire-control radars', or one shared to its nation at
fire-control quality, ``latency_s`` later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from hoplon.catalog import Sensor
from hoplon.compile.raids import Threats
from hoplon.core import flight, sensing
from hoplon.scenario.loader import LoadedScenario
from hoplon.scenario.schema import Link, Scenario, TrackSharing, lat_lon_alt

_COLUMNS = ("lat", "lon", "alt", "range", "facing", "fov", "elev", "track")


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


def sharing(spec: Scenario) -> dict[tuple[str, str], tuple[float, float]]:
    """(from, to) nation → (cue latency, fire-control latency), inf where none."""
    out: dict[tuple[str, str], tuple[float, float]] = {}
    shared: list[TrackSharing] = []
    for agreement in spec.agreements:
        if isinstance(agreement, TrackSharing):
            shared.append(agreement)
        elif isinstance(agreement, Link):
            shared.extend(agreement.pairs())
    for ag in shared:
        cue, fc = out.get((ag.from_, ag.to), (np.inf, np.inf))
        cue = min(cue, ag.latency_s)
        if ag.quality == "fire-control":
            fc = min(fc, ag.latency_s)
        out[(ag.from_, ag.to)] = (cue, fc)
    return out


@dataclass
class Radars:
    """The radars taking part, as kernel columns, and the space sensors apart."""

    cols: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in _COLUMNS})
    nation: list[str] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    owner_unit: list[int] = field(default_factory=list)
    """The (local) unit index of a platform radar, -1 for a scenario radar."""
    space_nation: list[str] = field(default_factory=list)
    space_latency: list[float] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.nation)

    def add(
        self, entry: Sensor, at: tuple[float, ...], facing: float | None, nation: str, owner: int
    ) -> None:
        site = radar_site(entry, at, facing)
        values = (site.lat, site.lon, site.alt_m, site.range_m, site.facing_deg, site.fov_deg,
                  site.min_elev_deg, site.track_time_s)  # fmt: skip
        for key, value in zip(_COLUMNS, values, strict=True):
            self.cols[key].append(value)
        self.nation.append(nation)
        self.role.append(entry.role)
        self.owner_unit.append(owner)


def place_sensors(loaded: LoadedScenario, unit_idx: list[int], sensor_idx: list[int]) -> Radars:
    """Scenario sensors taking part (radars as columns, space sensors apart), then the
    platform radars of the units taking part."""
    spec, cat = loaded.spec, loaded.catalog
    radars = Radars()
    for index in sensor_idx:
        placement = spec.sensors[index]
        entry = cat.sensors[placement.type]
        if entry.kind == "space-infrared":
            radars.space_nation.append(placement.nation)
            radars.space_latency.append(entry.latency_s)
        else:
            assert placement.at is not None
            radars.add(entry, placement.at, placement.facing_deg, placement.nation, -1)
    for local, ui in enumerate(unit_idx):
        u = spec.units[ui]
        platform = cat.platforms[u.type]
        if platform.radar != "none":
            radars.add(cat.sensors[platform.radar], u.at, u.facing_deg, u.nation, local)
    return radars


def fire_control_tracks(
    loaded: LoadedScenario,
    threats: Threats,
    raid_batch: flight.PathBatch | None,
    radars: Radars,
    unit_idx: list[int],
) -> NDArray[np.float64]:
    """Each unit's earliest fire-control track time on each threat, (units, threats); inf
    where it gets none. ``raid_batch`` is :meth:`Threats.raid_batch`."""
    n_units, n_radars = len(unit_idx), radars.n
    if raid_batch is None or not n_radars:
        return np.full((n_units, threats.n), np.inf)
    launch = threats.launch_s
    # Sensors do not move, so when a radar first sees a threat, counted from its launch,
    # is the same for every threat of a raid: detect once per raid path, then shift by
    # each threat's launch time (min(t) + launch == min(t + launch) in floating point).
    detect_rel = first_detections(radars, raid_batch, np.asarray(threats.raid_rcs))
    detect = detect_rel[:, np.asarray(threats.row_of, dtype=np.int64)] + launch[None, :]
    return tracks_from_detections(
        loaded, radars, unit_idx, detect, launch, np.asarray(threats.ballistic, dtype=bool)
    )


def first_detections(
    radars: Radars, batch: flight.PathBatch, rcs_m2: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Each radar's first detection of each path of ``batch``, (radars, paths), seconds."""
    col = {k: np.asarray(v, dtype=float) for k, v in radars.cols.items()}
    return sensing.radar_first_detection_s(
        col["lat"], col["lon"], col["alt"], col["range"], col["facing"], col["fov"],
        col["elev"], batch, rcs_m2,
    )  # fmt: skip


def tracks_from_detections(
    loaded: LoadedScenario,
    radars: Radars,
    unit_idx: list[int],
    detect: NDArray[np.float64],
    launch: NDArray[np.float64],
    ballistic: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """Each unit's earliest fire-control track on each threat, (units, threats), from the
    radars' first detections ``detect`` (radars, threats), the threats' launch times and
    whether each is ballistic (space sensors report those); inf where it gets none."""
    n_units, n_radars = len(unit_idx), radars.n
    col = {k: np.asarray(v, dtype=float) for k, v in radars.cols.items()}
    share = sharing(loaded.spec)

    def latency(src: str, dst: str, fire_control: bool) -> float:
        if src == dst:
            return 0.0
        cue, fc = share.get((src, dst), (np.inf, np.inf))
        return fc if fire_control else cue

    # Cue latencies depend only on the nations, so they are given per nation: an
    # (S, S) matrix over the radars would be quadratic in time and memory.
    groups = list(dict.fromkeys(radars.nation))
    group_of = {n: i for i, n in enumerate(groups)}
    group = np.array([group_of[n] for n in radars.nation], dtype=np.int64)
    group_latency = np.array(
        [[latency(src, dst, False) for src in groups] for dst in groups], dtype=float
    ).reshape(len(groups), len(groups))
    external_latency = np.array(
        [[latency(src, dst, False) for src in radars.space_nation] for dst in groups], dtype=float
    ).reshape(len(groups), len(radars.space_nation))
    external = (
        sensing.space_infrared_report_s(launch, ballistic, np.asarray(radars.space_latency))
        if radars.space_nation
        else None
    )
    track, _ = sensing.radar_track_times_by_group(
        detect, col["track"], group, group_latency, external_latency, external
    )
    fc_latency = np.full((n_units, n_radars), np.inf)
    for local, ui in enumerate(unit_idx):
        nation = loaded.spec.units[ui].nation
        for r in range(n_radars):
            if radars.owner_unit[r] == local:
                fc_latency[local, r] = 0.0
            elif radars.role[r] == "fire-control":
                fc_latency[local, r] = latency(radars.nation[r], nation, True)
    return sensing.fire_control_track_times(track, fc_latency)
