"""How much memory a run will take, estimated before any work, and refusals of what cannot fit.

The estimate counts the arrays that compiling and simulating a scenario allocate, from
the scenario's counts alone (no geometry is computed), so a run that could not fit is
refused in well under a second instead of being killed by the out-of-memory killer
minutes later. The terms, per wave (waves are compiled one after the other):

- **paths**: every raid's sampled path on one padded ``(R, K)`` grid (``K``: the
  longest flight of the wave in 1 s samples, rounded up to 64), 8 float arrays, the
  local vertical ``(R, K, 3)`` and a mask: 89 bytes per sample, plus the stacking's
  temporaries (:class:`hoplon.core.flight.PathBatch`). The threats of a raid share
  its path: detection and the windows' geometry are found once per raid path and
  shifted by each threat's launch time, so no grid of every threat's path is built
  (a diagnosis of why a threat cannot be engaged builds one, ``(T, K)``);
- **detection**: first detection, track and cue times of every radar (the scenario's
  and the units' own) on every threat, and each unit's fire-control track;
- **candidate pairs**: every (interceptor stock, threat) the unit may defend and the
  interceptor may kill, before geometry (an upper bound), as Python lists and arrays;
- **intercept points**: the engagement windows' points, a calibrated fraction of the
  candidate pairs' path samples (``POINT_FRACTION``), with the work arrays that find them;
- **decision points**: the engine's plan, at most 12 engagement slots per threat;
- **per-block state**: the engine's per-threat state of one block of trials;
- **per-trial results**: which threats leaked in which trial, shots, kills and the
  interceptors left at the end.

With several worker processes each holds the compiled model, the plan and a block's
state. The model was measured against the peak resident memory of real runs from 10
to 100,000 threats (``benchmarks/bench_memory.py``, figures in benchmarks/README.md).

The limit is the memory available (``MemAvailable`` of /proc/meminfo, and the cgroup's
limit when lower), or ``--max-memory`` / ``$HOPLON_MAX_MEMORY`` when given.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from hoplon.errors import InputError
from hoplon.scenario.checks import MAX_SENSORS, MAX_THREATS, MAX_UNITS

if TYPE_CHECKING:  # pragma: no cover
    from hoplon.catalog import Catalog
    from hoplon.scenario.loader import LoadedScenario
    from hoplon.scenario.schema import Raid, Scenario

GIB = 1024**3
MIB = 1024**2


#: Resident memory of the interpreter with Hoplon and its libraries imported, bytes.
BASE_BYTES = 120 * MIB
#: Of a worker process (the libraries are imported, the scenario is not parsed).
WORKER_BASE_BYTES = 100 * MIB
#: The compiled engine (numba's machine code and LLVM), resident in a process once the
#: engine has run there, whatever the scenario's size: measured 125 MiB with numba's
#: cache warm and 210 MiB on a cold cache (10 threats, 4,096 trials, 2026-12-03).
KERNEL_BYTES = 160 * MIB
#: Bytes per path sample: 8 float arrays, the (T, K, 3) local vertical and the mask,
#: plus the temporaries of stacking them (launch-shifted times, gathered rows).
PATH_SAMPLE_BYTES = 89 + 24
#: Bytes per (radar, threat): detection, track, cue and the fixed-point iterations.
RADAR_THREAT_BYTES = 8 * 7
#: Bytes per (unit, threat): fire-control track and the earliest launch.
UNIT_THREAT_BYTES = 8 * 3
#: Bytes per candidate (stock, threat) pair: Python lists and the arrays built from them.
PAIR_BYTES = 220
#: Intercept points per candidate pair's path sample within the interceptor's reach
#: (calibrated on the benchmark theatres, where it lies between 0.26 and 0.56).
POINT_FRACTION = 0.6
#: Bytes per intercept point while windows are assembled (launch, intercept, pair,
#: sort keys, suffix minima) and kept in the model.
POINT_BYTES = 8 * 9
#: Work arrays of the intercept-point search (about 20 arrays of 500,000 elements).
POINT_WORK_BYTES = 20 * 500_000 * 8
#: Bytes per decision point of the engine's plan (and per threat for its window lists).
DECISION_POINT_BYTES = 160
THREAT_PLAN_BYTES = 400
#: Most engagement slots per threat (hoplon.core.engine.MAX_SLOTS).
MAX_SLOTS = 12
#: Bytes per (trial, threat) of one block's state: reliability draws, alive, launched,
#: fire times, engagement flags, the leaked/launched results of the block.
BLOCK_STATE_BYTES = 8 + 1 + 1 + 8 + 2 + 2
#: Bytes per (trial, threat) of the run's results, kept and concatenated once.
RESULT_THREAT_BYTES = 2 * 2
#: Per-threat Python objects kept in the model (ids, raids, classes).
THREAT_OBJECT_BYTES = 250

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": MIB, "g": GIB, "t": 1024 * GIB}


def parse_size(text: str) -> int:
    """``"4GiB"``, ``"512M"``, ``"2.5g"``, ``"1000000"`` (bytes) → bytes (powers of 1024)."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(
            f"'{text}' is not a memory size; give a number with an optional unit, e.g. 4GiB, "
            "512MiB, 2G (units K, M, G, T are powers of 1024)"
        )
    value = float(match.group(1)) * _UNITS[match.group(2).lower()]
    if value < 1:
        raise ValueError(f"'{text}' is not a memory size above zero")
    return int(value)


_override: int | None = None


def set_max_memory(text: str | None) -> None:
    """Set the limit from ``--max-memory`` (None: the memory available, or $HOPLON_MAX_MEMORY).

    Raises:
        InputError: the text is not a memory size.
    """
    global _override
    if text is None:
        _override = None
        return
    try:
        _override = parse_size(text)
    except ValueError as exc:
        raise InputError.single(str(exc), field="max_memory") from None


def _cgroup_room() -> int | None:
    base = Path("/sys/fs/cgroup")
    try:
        limit = (base / "memory.max").read_text().strip()
        if limit == "max":
            return None
        used = int((base / "memory.current").read_text().strip())
        return max(0, int(limit) - used)
    except (OSError, ValueError):
        return None


def available_bytes() -> int | None:
    """The memory this process may still take: MemAvailable, or the cgroup's room if lower."""
    room: int | None = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                room = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError, IndexError):
        room = None
    cgroup = _cgroup_room()
    if cgroup is not None:
        room = cgroup if room is None else min(room, cgroup)
    return room


def limit() -> tuple[int | None, str]:
    """The memory limit in bytes and where it comes from (None: unknown, nothing refused)."""
    if _override is not None:
        return _override, "the --max-memory setting"
    env = os.environ.get("HOPLON_MAX_MEMORY")
    if env:
        try:
            return parse_size(env), "$HOPLON_MAX_MEMORY"
        except ValueError as exc:
            raise InputError.single(str(exc), field="HOPLON_MAX_MEMORY") from None
    return available_bytes(), "the memory available (MemAvailable)"


@dataclass(frozen=True)
class Estimate:
    """Peak resident memory of a compile or a run, bytes, and its largest terms."""

    total: int
    parts: dict[str, int] = field(default_factory=dict)
    threats: int = 0
    largest_wave_threats: int = 0
    columns: int = 0
    trials: int = 0
    workers: int = 1
    pairs: int = 0
    pair_samples: int = 0

    def summary(self, n: int = 3) -> str:
        """``"paths 2.1 GiB, candidate pairs 0.4 GiB, ..."``: the largest terms."""
        top = sorted(self.parts.items(), key=lambda kv: -kv[1])[:n]
        return ", ".join(f"{name} {size_text(b)}" for name, b in top if b > 0)


def size_text(n: float) -> str:
    """Bytes as ``"1.4 GiB"``, ``"320 MiB"`` or, under a mebibyte, ``"64 KiB"``."""
    if n >= GIB:
        return f"{n / GIB:,.1f} GiB"
    return f"{n / MIB:,.0f} MiB" if n >= MIB else f"{n / 1024:,.0f} KiB"


def _samples(distance_m: float, flight: str, entry: object) -> int:
    """Samples (1 s apart) of a path of ``distance_m`` for a catalog threat entry."""
    from hoplon.core import flight as fl

    if distance_m <= 0.0:
        return 1
    if flight == "ballistic":
        gamma = float(fl.trajectory_flight_path_angle(distance_m, str(entry.trajectory)))  # type: ignore[attr-defined]
        t_ff = fl.free_flight_time_s(distance_m, gamma)
        burn = min(max(float(entry.burn_time_s or 0.0), 0.0), t_ff)  # type: ignore[attr-defined]
        seconds = t_ff + burn / 2.0
    elif flight == "glide":
        e = entry
        track = float(fl.glide_track_m(distance_m, e.cross_range_m)[1][-1])  # type: ignore[attr-defined]
        try:
            seconds = fl.glide_profile(
                track, float(e.burn_time_s or 0.0), e.glide_altitude_m,  # type: ignore[attr-defined]
                float(e.lift_to_drag or 0.0), e.terminal_speed_ms,  # type: ignore[attr-defined]
            ).flight_time_s  # fmt: skip
        except ValueError:  # beyond its reach: validation says so
            seconds = 0.0
    else:
        flown = distance_m
        if flight != "cruise":
            flown = max(distance_m - float(entry.release_range_m or 0.0), 0.0)  # type: ignore[attr-defined]
        seconds = flown / float(entry.speed_ms)  # type: ignore[attr-defined]
    return int(math.ceil(seconds - 1e-9)) + 1


def _band_fraction(
    apogee_m: NDArray[np.float64], lo: NDArray[np.float64], hi: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Share of a ballistic flight spent between altitudes ``lo`` and ``hi`` (a parabolic
    altitude profile of apogee ``apogee_m``: time above ``h`` is ``sqrt(1 - h / apogee)``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        above_lo = np.sqrt(np.clip(1.0 - lo / apogee_m, 0.0, 1.0))
        above_hi = np.sqrt(np.clip(1.0 - hi / apogee_m, 0.0, 1.0))
    return np.where(apogee_m > 0, above_lo - above_hi, 0.0)


@dataclass(frozen=True)
class _Stocks:
    unit: NDArray[np.int64]  # (S,) unit of each stock
    lat: NDArray[np.float64]  # (U,)
    lon: NDArray[np.float64]  # (U,)
    nation: tuple[str, ...]  # (S,) the stock's unit's nation
    interceptor: tuple[str, ...]  # (S,)
    max_range: NDArray[np.float64]  # (S,)
    min_alt: NDArray[np.float64]  # (S,)
    max_alt: NDArray[np.float64]  # (S,)


def _stock_arrays(loaded: LoadedScenario) -> _Stocks:
    from hoplon.scenario.schema import lat_lon_alt

    spec, cat = loaded.spec, loaded.catalog
    unit, nation, names = [], [], []
    for i, u in enumerate(spec.units):
        for name in u.magazine:
            if name in cat.interceptors:
                unit.append(i)
                nation.append(u.nation)
                names.append(name)
    icpts = [cat.interceptors[n] for n in names]
    return _Stocks(
        unit=np.asarray(unit, dtype=np.int64),
        lat=np.array([lat_lon_alt(u.at)[0] for u in spec.units], dtype=float),
        lon=np.array([lat_lon_alt(u.at)[1] for u in spec.units], dtype=float),
        nation=tuple(nation),
        interceptor=tuple(names),
        max_range=np.array([e.max_range_m for e in icpts], dtype=float),
        min_alt=np.array([e.min_alt_m for e in icpts], dtype=float),
        max_alt=np.array([e.max_alt_m for e in icpts], dtype=float),
    )


def _path_shapes(
    rows: Sequence[Raid], cat: Catalog, length: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_]]:
    """Each raid's path samples, its top (apogee, or flight altitude; metres) and whether
    it is ballistic; raids of one type and length (1 km buckets) are sized once."""
    from hoplon.core import flight as fl

    k = np.empty(len(rows), dtype=np.int64)
    top = np.empty(len(rows))
    ballistic = np.zeros(len(rows), dtype=bool)
    memo: dict[tuple[str, int], tuple[int, float]] = {}
    for j, r in enumerate(rows):
        entry = cat.threats[r.type]
        key = (r.type, round(float(length[j]) / 1000.0))  # 1 km buckets: ~1 sample
        if key not in memo:
            dist = float(length[j])
            apogee = (
                fl.ballistic_apogee_m(dist, str(entry.trajectory))
                if entry.flight == "ballistic" and dist > 0
                else entry.glide_altitude_m
                if entry.flight == "glide"
                else float(entry.altitude_m or 0.0)
            )
            memo[key] = (_samples(dist, entry.flight, entry), apogee)
        k[j], top[j] = memo[key]
        ballistic[j] = entry.flight in ("ballistic", "glide")  # rises and falls
    return k, top, ballistic


def _standoff_rows(
    loaded: LoadedScenario, rows: Sequence[Raid], places: Mapping[str, tuple[float, ...]]
) -> list[Raid]:
    """The stand-off missiles of the raids as raids of their own, launched from the
    release point (docs/model.md, "Stand-off launchers"), so their pairs are sized too."""
    from hoplon.core.geo import geodesic_distance_m, geodesic_points
    from hoplon.scenario.schema import lat_lon_alt

    out: list[Raid] = []
    for r in rows:
        so = r.standoff
        if so is None or so.missile not in loaded.catalog.threats:
            continue
        lat0, lon0, _ = lat_lon_alt(r.from_)
        lat1, lon1, _ = lat_lon_alt(places[r.target])
        dist = float(geodesic_distance_m(lat0, lon0, lat1, lon1))
        frac = max(dist - so.release_range_m, 0.0) / dist if dist > 0 else 0.0
        lat, lon = geodesic_points(lat0, lon0, lat1, lon1, frac)
        out.append(
            r.model_copy(
                update={"type": so.missile, "from_": (float(lat), float(lon)),
                        "count": r.count * so.count, "standoff": None}
            )
        )  # fmt: skip
    return out


def _wave_pairs(
    loaded: LoadedScenario, raids: Sequence[Raid], stocks: _Stocks
) -> tuple[int, int, float]:
    """Longest path (samples), candidate (stock, threat) pairs, and the path samples of
    those pairs that could hold intercept points (unit within reach of the path, the
    time within reach, the share of the flight inside the altitude band)."""
    from hoplon.core.geo import geodesic_distance_m
    from hoplon.scenario.schema import lat_lon_alt

    spec, cat = loaded.spec, loaded.catalog
    places = {a.id: a.at for a in spec.assets} | {u.id: u.at for u in spec.units}
    target_nation = {a.id: a.nation for a in spec.assets} | {u.id: u.nation for u in spec.units}
    allowed = _defends(spec)
    rows = [r for r in raids if r.type in cat.threats and r.target in places]
    rows += _standoff_rows(loaded, rows, places)
    if not rows:
        return 1, 0, 0.0
    start = np.array([lat_lon_alt(r.from_)[:2] for r in rows], dtype=float)
    end = np.array([lat_lon_alt(places[r.target])[:2] for r in rows], dtype=float)
    length = np.asarray(geodesic_distance_m(start[:, 0], start[:, 1], end[:, 0], end[:, 1]))
    count = np.array([r.count for r in rows], dtype=float)
    k, top, ballistic = _path_shapes(rows, cat, length)
    longest = int(k.max())
    n_s = stocks.unit.shape[0]
    if n_s == 0:
        return longest, 0, 0.0
    # which (raid, stock) pairs are candidates: the interceptor may kill the class and
    # the unit may defend the target's nation
    classes = sorted({cat.threats[r.type].threat_class for r in rows})
    class_of = np.array([classes.index(cat.threats[r.type].threat_class) for r in rows])
    kill = np.array(
        [
            [(cat.interceptors[n].sspk.get(c) or 0.0) > 0 for n in stocks.interceptor]
            for c in classes
        ],
        dtype=bool,
    ).reshape(len(classes), n_s)
    nations = sorted({target_nation[r.target] for r in rows})
    nation_of = np.array([nations.index(target_nation[r.target]) for r in rows])
    defend = np.array(
        [[t in allowed.get(n, {n}) for n in stocks.nation] for t in nations], dtype=bool
    ).reshape(len(nations), n_s)
    pairs = 0.0
    pair_samples = 0.0
    step = max(1, 2_000_000 // max(1, n_s))
    for c0 in range(0, len(rows), step):
        sl = slice(c0, c0 + step)
        ok = kill[class_of[sl]] & defend[nation_of[sl]]  # (r, S)
        pairs += float((ok * count[sl, None]).sum())
        # the unit is within reach of some point of the path only if
        # (d(unit, launch) + d(unit, target) - length) / 2 <= max range
        su, sla, slo = stocks.unit, stocks.lat, stocks.lon
        d_a = np.asarray(
            geodesic_distance_m(start[sl, 0, None], start[sl, 1, None], sla[None, :], slo[None, :])
        )
        d_b = np.asarray(
            geodesic_distance_m(end[sl, 0, None], end[sl, 1, None], sla[None, :], slo[None, :])
        )
        gap = (d_a[:, su] + d_b[:, su] - length[sl, None]) / 2.0
        ok &= gap <= stocks.max_range[None, :]
        kk = k[sl, None].astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            reach = np.where(
                length[sl, None] > 0,
                np.minimum(kk, 2.0 * stocks.max_range[None, :] * (kk - 1) / length[sl, None] + 2),
                kk,
            )
        band = np.where(
            ballistic[sl, None],
            _band_fraction(top[sl, None], stocks.min_alt[None, :], stocks.max_alt[None, :]),
            (top[sl, None] >= stocks.min_alt[None, :]) & (top[sl, None] <= stocks.max_alt[None, :]),
        )
        pair_samples += float((ok * reach * band * count[sl, None]).sum())
    return longest, int(pairs), pair_samples


def _defends(spec: Scenario) -> dict[str, set[str]]:
    from hoplon.scenario.schema import CollectiveDefense

    out = {n: {n} for n in spec.nations}
    for ag in spec.agreements:
        if isinstance(ag, CollectiveDefense):
            for a in ag.nations:
                out.setdefault(a, {a}).update(ag.nations)
    return out


def _radar_count(loaded: LoadedScenario) -> int:
    """Radars as the sensing kernels count them: scenario radars and platform radars."""
    spec, cat = loaded.spec, loaded.catalog
    placed = sum(
        1
        for s in spec.sensors
        if s.type in cat.sensors and cat.sensors[s.type].kind != "space-infrared"
    )
    return placed + sum(
        1 for u in spec.units if u.type in cat.platforms and cat.platforms[u.type].radar != "none"
    )


def _wave_parts(
    t_w: int, n_raids: int, k_w: int, n_radars: int, n_units: int, pairs: int, pair_samples: float
) -> dict[str, int]:
    """Bytes each compile step of one wave holds at its peak."""
    return {
        "paths": n_raids * k_w * PATH_SAMPLE_BYTES,
        "detection": t_w * (n_radars * RADAR_THREAT_BYTES + n_units * UNIT_THREAT_BYTES),
        "candidate pairs": pairs * PAIR_BYTES,
        "intercept points": int(pair_samples * POINT_FRACTION * POINT_BYTES)
        + min(POINT_WORK_BYTES, int(pair_samples) * 80),
    }


def estimate(
    loaded: LoadedScenario,
    trials: int | None = None,
    workers: int = 1,
    compile_only: bool = False,
) -> Estimate:
    """Estimated peak resident memory of compiling (and, unless ``compile_only``, running
    ``trials`` trials in ``workers`` processes of) a validated scenario."""
    from hoplon.core.engine import block_trials

    spec = loaded.spec
    n_trials = spec.trials if trials is None else trials
    n_radars = _radar_count(loaded)
    n_units = len(spec.units)
    stocks = [(u.nation, name) for u in spec.units for name in u.magazine]

    waves = spec.wave_list()
    compile_peaks: list[int] = []
    kept = 0  # compiled models kept for the engine
    plan = 0
    parts: dict[str, int] = {}
    largest = 0
    columns = 0
    all_threats = 0
    total_pairs = 0
    total_pair_samples = 0.0
    stock_geometry = _stock_arrays(loaded)
    for wave in waves:
        raids: Sequence[Raid] = wave.threats
        t_w = sum(r.n_threats for r in raids)
        all_threats += t_w
        if t_w == 0:
            continue
        largest = max(largest, t_w)
        longest, pairs, pair_samples = _wave_pairs(loaded, raids, stock_geometry)
        total_pairs += pairs
        total_pair_samples += pair_samples
        n_raids = len(raids) + sum(1 for r in raids if r.standoff is not None)  # raid paths
        k_w = -(-longest // 64) * 64
        columns = max(columns, k_w)
        wave_parts = _wave_parts(t_w, n_raids, k_w, n_radars, n_units, pairs, pair_samples)
        model_w = int(pair_samples * POINT_FRACTION * 8 * 3) + t_w * THREAT_OBJECT_BYTES
        compile_peaks.append(kept + sum(wave_parts.values()))
        kept += model_w
        plan += t_w * THREAT_PLAN_BYTES + min(pairs, MAX_SLOTS * t_w) * DECISION_POINT_BYTES
        for name, b in wave_parts.items():
            parts[name] = max(parts.get(name, 0), b)
    compile_peak = max(compile_peaks, default=0)
    total = BASE_BYTES + compile_peak
    workers_used = 1
    if not compile_only:
        block = min(n_trials, block_trials(largest))
        n_blocks = -(-n_trials // block)
        workers_used = max(1, min(workers, n_blocks))
        state = block * largest * BLOCK_STATE_BYTES + block * len(stocks) * 4 * 4
        results = n_trials * (all_threats * RESULT_THREAT_BYTES + 8 * (2 * len(stocks) + n_units))
        parts["decision points"] = plan
        parts["per-block state"] = state * workers_used
        parts["per-trial results"] = results
        parts["compiled engine"] = KERNEL_BYTES * workers_used
        engine = kept + plan + results + (state + KERNEL_BYTES if workers_used == 1 else 0)
        total = BASE_BYTES + max(compile_peak, engine)
        if workers_used > 1:
            total += workers_used * (WORKER_BASE_BYTES + KERNEL_BYTES + kept + plan + state)
    return Estimate(
        total=int(total),
        parts=parts,
        threats=all_threats,
        largest_wave_threats=largest,
        columns=columns,
        trials=n_trials,
        workers=workers_used,
        pairs=total_pairs,
        pair_samples=int(total_pair_samples),
    )


def _advice(est: Estimate, budget: int) -> str:
    """What to reduce, from the estimate's largest terms."""
    top = max(est.parts.items(), key=lambda kv: kv[1])[0] if est.parts else "paths"
    hints: list[str] = []
    if top in ("per-trial results", "per-block state") and est.trials > 1:
        per_trial = est.parts.get("per-trial results", 0) / max(est.trials, 1)
        room = budget - (est.total - est.parts.get("per-trial results", 0))
        fit = int(room / per_trial) if per_trial > 0 and room > 0 else 0
        hints.append(f"fewer trials (--trials; about {fit:,} fit)" if fit >= 1 else "fewer trials")
    if est.workers > 1:
        hints.append("fewer worker processes (--workers)")
    if top in ("paths", "detection", "intercept points", "candidate pairs", "decision points"):
        hints.append(
            f"fewer threats per wave (the largest has {est.largest_wave_threats:,}; split raids "
            "into waves that land apart)"
        )
        if top == "paths":
            hints.append(f"shorter flights (the longest takes {est.columns - 1:,} s)")
        if top in ("detection", "candidate pairs", "intercept points"):
            hints.append("fewer units or sensors")
    if not hints:
        hints.append("fewer threats or trials")
    return "; to fit, use " + " or ".join(dict.fromkeys(hints))


def check(
    loaded: LoadedScenario,
    trials: int | None = None,
    workers: int = 1,
    compile_only: bool = False,
    field: str = "trials",
    parallel: int = 1,
    what: str = "this run",
) -> Estimate:
    """Refuse (exit 2) what would not fit in memory; return the estimate otherwise.

    Args:
        loaded: the validated scenario.
        trials, workers, compile_only: as for :func:`estimate`.
        field: the option or field named in the refusal.
        parallel: runs of this size at once (a sweep's or coalition's worker processes).
        what: how the refusal names the work ("this run", "this sweep", ...).
    """
    est = estimate(loaded, trials, workers, compile_only)
    return enforce(est, loaded.path, field, parallel, what, compile_only)


def in_parallel(est: Estimate, parallel: int) -> Estimate:
    """The estimate of ``parallel`` such runs at once, each in its own worker process."""
    if parallel <= 1:
        return est
    one = est.total - BASE_BYTES
    return Estimate(
        total=BASE_BYTES + parallel * (WORKER_BASE_BYTES + one),
        parts={k: v * parallel for k, v in est.parts.items()},
        threats=est.threats,
        largest_wave_threats=est.largest_wave_threats,
        columns=est.columns,
        trials=est.trials,
        workers=parallel,
        pairs=est.pairs,
        pair_samples=est.pair_samples,
    )


def enforce(
    est: Estimate,
    file: str | None,
    field: str = "trials",
    parallel: int = 1,
    what: str = "this run",
    compile_only: bool = False,
) -> Estimate:
    """Raise :class:`InputError` when ``est`` (times ``parallel``) exceeds the limit."""
    est = in_parallel(est, parallel)
    budget, source = limit()
    if budget is None or est.total <= budget:
        return est
    where = f" in {parallel} processes at once" if parallel > 1 else ""
    raise InputError.single(
        f"{what} would need about {size_text(est.total)} of memory{where} "
        f"({est.summary()}; {est.threats:,} threats, paths of {est.columns:,} samples"
        + (f", {est.trials:,} trials" if not compile_only else "")
        + f"), more than the {size_text(budget)} of {source}"
        + _advice(est, budget)
        + " (or raise --max-memory if the memory is there)",
        file=file,
        field=field,
    )


def peak_rss_bytes() -> int:
    """This process's peak resident memory so far, bytes.

    ``VmHWM`` of /proc/self/status where there is one: Linux's ``ru_maxrss`` survives
    ``exec``, so a child started from a large process would report its parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


__all__ = [
    "MAX_SENSORS",
    "MAX_THREATS",
    "MAX_UNITS",
    "Estimate",
    "available_bytes",
    "check",
    "enforce",
    "in_parallel",
    "estimate",
    "limit",
    "parse_size",
    "peak_rss_bytes",
    "set_max_memory",
    "size_text",
]
