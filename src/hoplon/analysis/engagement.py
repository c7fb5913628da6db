"""The engagement view of one threat: why it was engaged where it was, or why it leaked.

For one threat of a scenario (``raid#k``), from its compiled wave: its altitude against
time, each radar's first detection of it, each unit's fire-control track on it, each
stock's engagement window (the intercept points of
:func:`hoplon.core.windows.intercept_points`: when and at what altitude the interceptor
can meet it) with the interceptor's altitude band, and the intercepts of one trial (the
report's trial 0). Deterministic but for the trial's events, which are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hoplon.compile.raids import raid_path, standoff_path
from hoplon.compile.sensors import first_detections, place_sensors
from hoplon.compile.waves import compile_raids
from hoplon.core import flight
from hoplon.core.windows import intercept_points
from hoplon.errors import InputError, did_you_mean
from hoplon.scenario.loader import LoadedScenario
from hoplon.scenario.schema import Raid

#: Most samples kept of the threat's altitude curve, and of a window's points.
CURVE_POINTS = 400


def _thin(n: int, most: int = CURVE_POINTS) -> np.ndarray:
    step = max(1, int(np.ceil(n / most)))
    return np.unique(np.append(np.arange(0, n, step), n - 1)) if n else np.zeros(0, dtype=int)


def _seconds(value: float) -> float | None:
    return round(float(value), 3) if np.isfinite(value) else None


@dataclass(frozen=True)
class EngagementView:
    """The view's figures for one threat; see the module docstring."""

    threat: dict[str, Any]
    curve: list[tuple[float, float]]
    """(seconds from the scenario start, altitude km)."""
    sensors: list[dict[str, Any]]
    units: list[dict[str, Any]]
    windows: list[dict[str, Any]]
    trial: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "engagement-view",
            "threat": self.threat,
            "curve": [list(p) for p in self.curve],
            "sensors": self.sensors,
            "units": self.units,
            "windows": self.windows,
            "trial": self.trial,
        }


def find_threat(loaded: LoadedScenario, threat_id: str) -> tuple[int, Raid, int]:
    """The wave index, raid and number of threat ``RAID#N`` (a raid id alone: its first).

    Raises:
        InputError: no such threat (naming the closest ones).
    """
    raid_id, _, k = threat_id.partition("#")
    k, _, j = k.partition("/")  # RAID#K/J: stand-off missile J of launcher K
    waves = loaded.spec.wave_list()
    found = [(w, r) for w, wave in enumerate(waves) for r in wave.threats if r.id == raid_id]
    number = int(k) if k.isdigit() else (1 if not k else 0)
    so = found[0][1].standoff if found else None
    missile_ok = not j or (so is not None and j.isdigit() and 1 <= int(j) <= so.count)
    if not found or not 1 <= number <= found[0][1].count or not missile_ok:
        ids = [f"{r.id}#{i + 1}" for wave in waves for r in wave.threats for i in range(r.count)]
        raise InputError.single(
            f"no threat {threat_id!r} in the scenario{did_you_mean(threat_id, ids)}; threats "
            "are RAID#N (e.g. " + (ids[0] if ids else "raid#1") + ")"
            + ("; stand-off missiles RAID#N/J" if any(r.standoff for _, r in
               loaded.spec.raid_entries()) else ""),
            file=loaded.path, field="--engagement",
        )  # fmt: skip
    return found[0][0], found[0][1], number


def engagement_view(
    loaded: LoadedScenario, threat_id: str, trial_events: Sequence[dict[str, Any]] = ()
) -> EngagementView:
    """The engagement view of threat ``threat_id`` (``raid#k``; a raid id alone: its first).

    Args:
        loaded: the validated scenario.
        threat_id: a threat (``mrbm-tokyo#2``) or a raid (``mrbm-tokyo``: its first threat).
        trial_events: the engagements of one trial (``Result.sample_trial()``); those
            at this threat are drawn.
    """
    spec = loaded.spec
    w, raid, number = find_threat(loaded, threat_id)
    waves = spec.wave_list()
    wave = waves[w]
    d: dict[str, Any] = {}
    model = compile_raids(loaded, wave.threats, wave_start_s=wave.start_s, diagnostics=d)
    missile = threat_id.partition("#")[2].partition("/")[2]
    tid = f"{raid.id}#{number}" + (f"/{missile}" if missile else "")
    t = model.threat_ids.index(tid)
    path = raid_path(loaded, raid)
    entry = loaded.catalog.threats[raid.type]
    if missile and raid.standoff is not None:  # it flies from its launcher's release point
        path = standoff_path(loaded, raid, path)
        entry = loaded.catalog.threats[raid.standoff.missile]
    batch: flight.PathBatch = d["batch"]
    n = int(batch.n_samples[t])
    ts, alt = batch.t_s[t, :n], batch.alt_m[t, :n]
    keep = _thin(n)
    curve = [(round(float(ts[i]), 2), round(float(alt[i]) / 1000, 3)) for i in keep]

    unit_idx = [i for i, u in enumerate(spec.units) if u.nation not in loaded.absent]
    sensor_idx = [i for i, s in enumerate(spec.sensors) if s.nation not in loaded.absent]
    radars = place_sensors(loaded, unit_idx, sensor_idx)
    names = [
        (spec.sensors[i].id, spec.sensors[i].nation, spec.sensors[i].type)
        for i in sensor_idx
        if loaded.catalog.sensors[spec.sensors[i].type].kind != "space-infrared"
    ] + [
        (f"{spec.units[ui].id} radar", spec.units[ui].nation,
         loaded.catalog.platforms[spec.units[ui].type].radar)
        for ui in unit_idx
        if loaded.catalog.platforms[spec.units[ui].type].radar != "none"
    ]  # fmt: skip
    sensors = []
    if radars.n:
        one = flight.PathBatch.from_paths([path], [model.threat_launch_s[t]])
        rcs = np.array([entry.rcs_m2])
        detect = first_detections(radars, one, rcs)[:, 0]
        for (sid, nation, stype), role, first in zip(names, radars.role, detect, strict=True):
            sensors.append(
                {"id": sid, "nation": nation, "type": stype, "role": role,
                 "first_detection_s": _seconds(first)}
            )  # fmt: skip
    fc = d["fc_track"][:, t]
    units = [
        {"id": uid, "nation": model.unit_nation[u], "fire_control_track_s": _seconds(fc[u]),
         "earliest_launch_s": _seconds(fc[u] + d["reaction"][u])}
        for u, uid in enumerate(model.unit_ids)
    ]  # fmt: skip

    win = model.windows
    rows = np.nonzero(win.threat == t)[0]
    env = d["env"]
    stocks = win.stock[rows]
    su, si = model.stock_unit[stocks], model.stock_interceptor[stocks]
    pair, launch, tau = intercept_points(
        np.full(rows.size, t), d["unit_lat"][su], d["unit_lon"][su], d["unit_alt"][su],
        env["min_range"][si], env["max_range"][si], env["min_alt"][si], env["max_alt"][si],
        env["speed"][si], fc[su] + d["reaction"][su], batch,
    )  # fmt: skip
    windows = []
    for j, r in enumerate(rows):
        mine = pair == j
        lt, it = launch[mine], tau[mine]
        order = np.argsort(it)
        lt, it = lt[order], it[order]
        ia = np.interp(it, ts, alt) / 1000
        pick = _thin(it.size)
        windows.append(
            {
                "unit": model.unit_ids[int(su[j])],
                "interceptor": model.interceptor_names[int(si[j])],
                "p_kill": round(float(win.p_kill[r]), 4),
                "min_alt_km": float(env["min_alt"][si[j]]) / 1000,
                "max_alt_km": float(env["max_alt"][si[j]]) / 1000,
                "launch_from_s": _seconds(lt.min()) if lt.size else None,
                "launch_to_s": _seconds(lt.max()) if lt.size else None,
                "intercept_from_s": _seconds(it.min()) if it.size else None,
                "intercept_to_s": _seconds(it.max()) if it.size else None,
                "points": [[round(float(it[i]), 2), round(float(ia[i]), 3)] for i in pick],
            }
        )
    trial = []
    for e in trial_events:
        if e.get("threat") != tid:
            continue
        trial.append(
            {**{k: e.get(k) for k in ("unit", "interceptor", "launch_s", "intercept_s",
                                       "shots", "killed")},
             "alt_km": round(float(np.interp(float(e["intercept_s"]), ts, alt)) / 1000, 3)}
        )  # fmt: skip
    kind = raid.standoff.missile if missile and raid.standoff is not None else raid.type
    threat = {
        "id": tid, "raid": raid.id, "type": kind, "class": entry.threat_class,
        "target": raid.target, "launch_s": _seconds(model.threat_launch_s[t]),
        "impact_s": _seconds(model.threat_impact_s[t]),
        "apogee_km": round(float(batch.apogee_m[t]) / 1000, 1),
    }  # fmt: skip
    return EngagementView(threat, curve, sensors, units, windows, trial)
