"""Benchmark: the defended footprint of the Japan example's whole architecture.

:func:`hoplon.analysis.footprint.compute_footprint` on ``examples/japan-layered-bmd.yaml``
(two Aegis destroyers with SM-3, three PAC-3 MSE batteries, their radars and the
scenario's J/FPS-5 and AN/TPY-2) against ``notional MRBM`` launched from
[40.0, 127.5], on a 10 km grid over 1,500 × 1,500 km centred on the units (22,500 aim
points; those beyond the missile's 1,500 km range are not flown). It reports the wall
and CPU time of the best of the repeats (the scenario loaded once, outside the timing),
the aim points flown and the path samples, and the footprint's area, per unit and for
the union.

Run it through ``benchmarks/run.py footprint`` (``--quick``: a 50 km grid, one repeat).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoplon.analysis.footprint import compute_footprint
from hoplon.scenario import load_scenario

#: The footprint target of the footprints issue, seconds (on a 2-core machine).
TARGET_S = 20.0
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "japan-layered-bmd.yaml"


@dataclass(frozen=True)
class Config:
    """Grid of the benchmark and how many times to compute it."""

    grid_km: float = 10.0
    extent_km: float = 1500.0
    threat: str = "notional MRBM"
    launch: tuple[float, float] = (40.0, 127.5)
    repeats: int = 2


DEFAULT = Config()
QUICK = Config(grid_km=50.0, repeats=1)


def run(config: Config = DEFAULT, profile: bool = False) -> dict[str, Any]:
    """Compute the footprint ``repeats`` times; keep the fastest."""
    loaded = load_scenario(EXAMPLE)
    runs = []
    for _ in range(max(1, config.repeats)):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        fp = compute_footprint(
            loaded, config.threat, config.launch, grid_km=config.grid_km,
            extent_km=config.extent_km,
        )  # fmt: skip
        runs.append((time.perf_counter() - wall0, time.process_time() - cpu0, fp))
    wall, cpu, fp = min(runs, key=lambda r: r[0])
    listing = None
    if profile:
        prof = cProfile.Profile()
        prof.runcall(
            compute_footprint, loaded, config.threat, config.launch,
            grid_km=config.grid_km, extent_km=config.extent_km,
        )  # fmt: skip
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(20)
        listing = buf.getvalue()
    return {
        "benchmark": "footprint",
        "config": {**vars(config), "launch": list(config.launch)},
        "wall_s": wall,
        "cpu_s": cpu,
        "wall_all_s": [r[0] for r in runs],
        "aim_points": int(fp.lat.size * fp.lon.size),
        "flown": int(fp.reachable.sum()),
        "defended_cells": fp.cells,
        "area_km2": fp.area_km2,
        "units": [
            {"id": u.id, "type": u.type, "cells": u.cells, "area_km2": u.area_km2} for u in fp.units
        ],
        "target_s": TARGET_S,
        "profile": listing,
    }


def report(result: dict[str, Any]) -> str:
    """The figures as Markdown."""
    cfg = result["config"]
    met = "met" if result["wall_s"] < result["target_s"] else "NOT met"
    lines = [
        f"`compute_footprint(japan-layered-bmd.yaml, {cfg['threat']!r}, from "
        f"{cfg['launch']}, grid {cfg['grid_km']:g} km, extent {cfg['extent_km']:g} km)`, "
        f"the fastest of {cfg['repeats']} run(s):",
        "",
        "| aim points | flown (in range) | wall | CPU | union area | target < 20 s |",
        "|---:|---:|---:|---:|---:|---|",
        f"| {result['aim_points']:,} | {result['flown']:,} | {result['wall_s']:.1f} s | "
        f"{result['cpu_s']:.1f} s | {result['area_km2']:,.0f} km² | {met} |",
        "",
        "| unit | type | defended cells | area |",
        "|---|---|---:|---:|",
    ]
    for u in result["units"]:
        lines.append(f"| {u['id']} | {u['type']} | {u['cells']:,} | {u['area_km2']:,.0f} km² |")
    if result.get("profile"):
        lines += ["", "```", result["profile"], "```"]
    return "\n".join(lines)
