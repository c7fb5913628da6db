"""Step 1 of compiling: targets, each raid's sampled path, and its threats with launch times.

Every threat of a raid flies the raid's one path (same launch point, same target); only
its launch time differs (``launch.at_s + k * launch.every_s`` within the wave).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from hoplon.catalog import Threat
from hoplon.core import flight, footprint
from hoplon.scenario.loader import LoadedScenario
from hoplon.scenario.schema import Raid, lat_lon_alt

#: Sampling step of ballistic paths, seconds.
BALLISTIC_DT_S = 1.0
#: Sampling step of cruise missile and aircraft paths, seconds.
AIR_BREATHING_DT_S = 1.0


@dataclass(frozen=True)
class Targets:
    """What may be attacked: the assets, then the units (ships are targets too), in file order."""

    ids: list[str]
    nation: list[str]
    value: list[float]
    index: dict[str, int]
    targeted: set[str]
    """Ids some raid of the scenario (any wave) aims at."""


def targets(loaded: LoadedScenario) -> Targets:
    """The scenario's targets: its assets and all its units, in file order."""
    spec = loaded.spec
    ids = [a.id for a in spec.assets] + [u.id for u in spec.units]
    return Targets(
        ids=ids,
        nation=[a.nation for a in spec.assets] + [u.nation for u in spec.units],
        value=[a.value for a in spec.assets] + [u.value for u in spec.units],
        index={tid: g for g, tid in enumerate(ids)},
        targeted={raid.target for _, raid in spec.raid_entries()},
    )


def _target_at(loaded: LoadedScenario, raid: Raid) -> tuple[float, float]:
    spec = loaded.spec
    places = {a.id: a.at for a in spec.assets} | {u.id: u.at for u in spec.units}
    lat1, lon1, _ = lat_lon_alt(places[raid.target])
    return lat1, lon1


def raid_path(loaded: LoadedScenario, raid: Raid) -> flight.Path:
    """The sampled path every threat of a raid flies (from its launch point to its target);
    for a raid of launch platforms with stand-off missiles, to its release point."""
    lat0, lon0, _ = lat_lon_alt(raid.from_)
    return _path(loaded.catalog.threats[raid.type], lat0, lon0, *_target_at(loaded, raid),
                 release_m=raid.standoff.release_range_m if raid.standoff else None)  # fmt: skip


def standoff_path(loaded: LoadedScenario, raid: Raid, launcher: flight.Path) -> flight.Path:
    """The path every stand-off missile of a raid flies: from its launchers' release point
    (the end of ``launcher``, the raid's :func:`raid_path`) to the target."""
    assert raid.standoff is not None
    entry = loaded.catalog.threats[raid.standoff.missile]
    lat0, lon0 = float(launcher.lat[-1]), float(launcher.lon[-1])
    return _path(entry, lat0, lon0, *_target_at(loaded, raid))


def _path(
    entry: Threat,
    lat0: float,
    lon0: float,
    lat1: float,
    lon1: float,
    release_m: float | None = None,
) -> flight.Path:
    if entry.flight == "ballistic":
        return flight.ballistic_path(
            lat0, lon0, lat1, lon1, float(entry.burn_time_s or 0.0),
            str(entry.trajectory), dt_s=BALLISTIC_DT_S,
        )  # fmt: skip
    if entry.flight == "glide":
        return flight.glide_path(
            lat0, lon0, lat1, lon1, float(entry.burn_time_s or 0.0), entry.glide_altitude_m,
            float(entry.lift_to_drag or 0.0), entry.terminal_speed_ms, entry.cross_range_m,
            dt_s=BALLISTIC_DT_S,
        )  # fmt: skip
    if entry.flight == "cruise":
        return flight.cruise_path(
            lat0, lon0, lat1, lon1, entry.speed_ms, float(entry.altitude_m or 0.0),
            dt_s=AIR_BREATHING_DT_S,
        )  # fmt: skip
    return flight.aircraft_path(
        lat0, lon0, lat1, lon1, entry.speed_ms, float(entry.altitude_m or 0.0),
        entry.release_range_m if release_m is None else release_m, dt_s=AIR_BREATHING_DT_S,
    )  # fmt: skip


@dataclass
class Threats:
    """The threats of one wave, one entry per threat, and the raids' paths."""

    ids: list[str] = field(default_factory=list)
    raid: list[str] = field(default_factory=list)
    klass: list[str] = field(default_factory=list)
    launch: list[float] = field(default_factory=list)
    target: list[int] = field(default_factory=list)
    reliability: list[float] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    ballistic: list[bool] = field(default_factory=list)
    paths: list[flight.Path] = field(default_factory=list)
    raid_paths: list[flight.Path] = field(default_factory=list)
    """One per raid: its threats fly the same route."""
    raid_rcs: list[float] = field(default_factory=list)
    row_of: list[int] = field(default_factory=list)
    """Each threat's raid, an index into ``raid_paths``."""
    parent: list[int] = field(default_factory=list)
    """Each threat's launch platform (the index of the threat that carries it), or -1."""

    @property
    def n(self) -> int:
        return len(self.ids)

    def add(
        self, tid: str, raid: str, entry: Threat, path: flight.Path, launch_s: float,
        target: int, parent: int,
    ) -> None:  # fmt: skip
        """One threat of catalog ``entry`` flying ``path`` (a new raid path if it is new)."""
        if not self.raid_paths or self.raid_paths[-1] is not path:
            self.raid_paths.append(path)
            self.raid_rcs.append(entry.rcs_m2)
        self.row_of.append(len(self.raid_paths) - 1)
        self.paths.append(path)
        self.ids.append(tid)
        self.raid.append(raid)
        self.klass.append(entry.threat_class)
        self.launch.append(launch_s)
        self.target.append(target)
        self.reliability.append(entry.reliability)
        self.cost.append(entry.unit_cost_usd)
        self.ballistic.append(entry.boosted)  # space infrared sees its launch
        self.parent.append(parent)

    @property
    def launch_s(self) -> NDArray[np.float64]:
        return np.asarray(self.launch, dtype=float)

    def batch(self) -> flight.PathBatch | None:
        """Every threat's path, with its launch time, for the vectorised kernels."""
        return flight.PathBatch.from_paths(self.paths, self.launch_s) if self.paths else None

    def raid_batch(self) -> flight.PathBatch | None:
        """Each raid path once, launched at 0 (times counted from launch): the geometry
        is found once per path, then shifted by each threat's launch time."""
        if not self.raid_paths:
            return None
        return flight.PathBatch.from_paths(self.raid_paths, np.zeros(len(self.raid_paths)))

    @property
    def impact_s(self) -> NDArray[np.float64]:
        """Each threat's impact (or release) time: launch + its path's flight time, as
        :class:`hoplon.core.flight.PathBatch` gives it."""
        flight_time = np.array([p.flight_time_s for p in self.paths], dtype=np.float64)
        return self.launch_s + flight_time


def expand_raids(
    loaded: LoadedScenario, raids: Sequence[Raid], tg: Targets, wave_start_s: float
) -> Threats:
    """Each raid's path (sampled once) and its ``count`` threats, in raid order."""
    cat = loaded.catalog
    out = Threats()
    for raid in raids:
        entry = cat.threats[raid.type]
        g = tg.index[raid.target]
        path = raid_path(loaded, raid)
        first = out.n
        for k in range(raid.count):
            launch = wave_start_s + raid.launch.at_s + k * raid.launch.every_s
            out.add(f"{raid.id}#{k + 1}", raid.id, entry, path, launch, g, -1)
        if raid.standoff is None:
            continue
        # each launcher's missiles leave its release point together, at its release time
        missile = cat.threats[raid.standoff.missile]
        child = standoff_path(loaded, raid, path)
        for k in range(raid.count):
            release = out.launch[first + k] + path.flight_time_s
            for j in range(raid.standoff.count):
                out.add(
                    f"{raid.id}#{k + 1}/{j + 1}", raid.id, missile, child, release, g, first + k
                )
    return out


def aim_point_paths(
    entry: Threat,
    launch_lat: float,
    launch_lon: float,
    aim_lat: NDArray[np.float64],
    aim_lon: NDArray[np.float64],
) -> flight.PathBatch:
    """The paths a threat of catalog entry ``entry`` flies from one launch point to each
    aim point (each away from the launch point), launched at 0, as one batch: the paths
    :func:`raid_path` gives, sampled on the same steps, computed for all at once."""
    if entry.flight == "glide":  # one path per aim point (no batched glide kernel)
        paths = [
            _path(entry, launch_lat, launch_lon, float(la), float(lo))
            for la, lo in zip(aim_lat, aim_lon, strict=True)
        ]
        return flight.PathBatch.from_paths(paths, np.zeros(len(paths)))
    if entry.flight == "ballistic":
        return footprint.ballistic_batch(
            launch_lat, launch_lon, aim_lat, aim_lon, float(entry.burn_time_s or 0.0),
            str(entry.trajectory), dt_s=BALLISTIC_DT_S,
        )  # fmt: skip
    stop = entry.release_range_m if entry.flight == "aircraft" else 0.0
    return footprint.constant_batch(
        launch_lat, launch_lon, aim_lat, aim_lon, entry.speed_ms,
        float(entry.altitude_m or 0.0), stop, dt_s=AIR_BREATHING_DT_S,
    )  # fmt: skip
