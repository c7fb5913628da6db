"""Benchmark: compiling the geometry of a large synthetic scenario.

The scenario is :func:`scenarios.theatre` (by default 1,000 threats, 50 radars, 50
units; the units' own radars come on top of the 50). It reports:

- the time to validate the scenario (``load_data``);
- the time of :func:`hoplon.geometry.compile_scenario`: the first call in the process
  and the best and median of the repeats that follow;
- where that time goes, from one more compile during which the kernels that
  ``compile_raids`` calls are wrapped in timers: *paths* (sampling each raid's path,
  then stacking them in a :class:`~hoplon.core.flight.PathBatch`), *detection*
  (:func:`~hoplon.core.sensing.radar_first_detection_s`), *tracks* (space reports,
  cued radar tracks and each unit's fire-control track), *windows*
  (:func:`~hoplon.core.windows.engagement_windows`, split into intercept points and
  assembling the windows) and *other* (the rest of ``compile_raids``: Python
  bookkeeping, such as the loop over stock × threat pairs);
- the time of :func:`hoplon.core.engine.plan_decision_points` (deterministic too,
  done once per run before the trials, but not part of ``compile``).

Run it through ``benchmarks/run.py geometry`` (``--quick`` for a tiny scenario,
``--profile`` to add a cProfile listing of one compile).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

import numpy as np

import hoplon.geometry
from hoplon.core import flight, sensing, windows
from hoplon.core.engine import plan_decision_points
from hoplon.geometry import compile_scenario
from scenarios import load_theatre

#: The compile target of the flight-and-sensing issue, seconds (on a 2-core machine).
TARGET_S = 5.0


@dataclass(frozen=True)
class Config:
    """Size of the benchmark scenario and how many times to compile it."""

    n_threats: int = 1000
    n_sensors: int = 50
    n_units: int = 50
    repeats: int = 3


DEFAULT = Config()
QUICK = Config(n_threats=40, n_sensors=6, n_units=6, repeats=1)

#: Stage of each wrapped kernel: (owner, attribute name, stage).
_KERNELS: list[tuple[Any, str, str]] = [
    (flight, "ballistic_path", "paths"),
    (flight, "cruise_path", "paths"),
    (flight, "aircraft_path", "paths"),
    (sensing, "radar_first_detection_s", "detection"),
    (sensing, "space_infrared_report_s", "tracks"),
    (sensing, "radar_track_times", "tracks"),
    (sensing, "fire_control_track_times", "tracks"),
    (windows, "intercept_points", "windows: intercept points"),
    (windows, "windows_from_points", "windows: assembly"),
]
STAGES = ["paths", "detection", "tracks", "windows", "other"]


@contextmanager
def timed_kernels() -> Iterator[dict[str, float]]:
    """Wrap the kernels ``compile_raids`` calls in timers; yields seconds per stage."""
    spent: dict[str, float] = defaultdict(float)

    def wrap(fn: Callable[..., Any], stage: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - start

        return timed

    with ExitStack() as stack:
        for owner, name, stage in _KERNELS:
            stack.enter_context(mock.patch.object(owner, name, wrap(getattr(owner, name), stage)))
        stack.enter_context(
            mock.patch.object(
                flight.PathBatch,
                "from_paths",
                staticmethod(wrap(flight.PathBatch.from_paths, "paths")),
            )
        )
        # geometry.py imported engagement_windows by name: wrap it where it is looked up.
        stack.enter_context(
            mock.patch.object(
                hoplon.geometry,
                "engagement_windows",
                wrap(hoplon.geometry.engagement_windows, "windows"),
            )
        )
        yield spent


def run(config: Config = DEFAULT, profile: bool = False) -> dict[str, Any]:
    """Run the benchmark; returns the figures as plain data (seconds, counts)."""
    start = time.perf_counter()
    loaded = load_theatre(
        n_threats=config.n_threats, n_sensors=config.n_sensors, n_units=config.n_units
    )
    load_s = time.perf_counter() - start

    first = compile_scenario(loaded)
    repeats = [compile_scenario(loaded).compile_s for _ in range(config.repeats)]
    with timed_kernels() as spent:
        instrumented = compile_scenario(loaded).compile_s
    stages = dict(spent)
    stages["other"] = instrumented - sum(
        v for k, v in stages.items() if k in ("paths", "detection", "tracks", "windows")
    )

    model = first.waves[0]
    start = time.perf_counter()
    plan = plan_decision_points(model)
    plan_s = time.perf_counter() - start

    spec = loaded.spec
    classes: dict[str, int] = defaultdict(int)
    for c in model.threat_class:
        classes[c] += 1
    platform_radars = sum(1 for u in spec.units if loaded.catalog.platforms[u.type].radar != "none")
    out: dict[str, Any] = {
        "benchmark": "geometry",
        "config": vars(config),
        "scenario": {
            "threats": model.n_threats,
            "threat_classes": dict(sorted(classes.items())),
            "raids": len(spec.threats),
            "sensors": len(spec.sensors),
            "platform_radars": platform_radars,
            "units": model.n_units,
            "stocks": model.n_stocks,
            "windows": model.windows.count,
            "window_points": int(model.windows.launch_s.shape[0]),
            "path_columns": _path_columns(model),
            "never_engageable": sum(1 for e in model.engageable_by() if not e),
            "decision_points": plan.count,
        },
        "load_s": load_s,
        "compile_first_s": first.compile_s,
        "compile_repeats_s": repeats,
        "compile_best_s": min(repeats) if repeats else first.compile_s,
        "compile_median_s": statistics.median(repeats) if repeats else first.compile_s,
        "breakdown_total_s": instrumented,
        "breakdown_s": stages,
        "plan_s": plan_s,
        "target_s": TARGET_S,
    }
    if profile:
        out["profile"] = profile_compile(loaded)
    return out


def _path_columns(model: Any) -> int:
    """Longest path in samples (impact minus launch at 1 s steps), for the record."""
    if model.n_threats == 0:
        return 0
    return int(np.ceil(np.max(model.threat_impact_s - model.threat_launch_s))) + 1


def profile_compile(loaded: Any, lines: int = 25) -> str:
    """A cProfile listing of one compile: the functions with the most own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    compile_scenario(loaded)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(lines)
    return text.getvalue()


def report(result: dict[str, Any]) -> str:
    """The figures as Markdown, for the terminal and for benchmarks/README.md."""
    sc = result["scenario"]
    total = result["breakdown_total_s"]
    best = result["compile_best_s"]
    verdict = "met" if max(best, result["compile_first_s"]) < result["target_s"] else "NOT met"
    rows = [
        "| | |",
        "|---|---|",
        f"| threats | {sc['threats']:,} ({', '.join(f'{k} {v}' for k, v in sc['threat_classes'].items())}) in {sc['raids']} raids |",
        f"| radars | {sc['sensors']} scenario + {sc['platform_radars']} on units |",
        f"| units / stocks | {sc['units']} / {sc['stocks']} |",
        f"| engagement windows / points | {sc['windows']:,} / {sc['window_points']:,} |",
        f"| longest flight | {sc['path_columns']:,} s |",
        f"| threats no unit can engage | {sc['never_engageable']} |",
        f"| decision points | {sc['decision_points']:,} |",
        f"| validate (`load_data`) | {result['load_s']:.2f} s |",
        f"| compile, first call in the process | {result['compile_first_s']:.2f} s |",
        f"| compile, best / median of {len(result['compile_repeats_s'])} more | {best:.2f} s / {result['compile_median_s']:.2f} s |",
        f"| target < {result['target_s']:g} s | {verdict} |",
        f"| `plan_decision_points` (not in compile) | {result['plan_s']:.2f} s |",
    ]
    stages = result["breakdown_s"]
    parts = ["", f"Breakdown of one instrumented compile ({total:.2f} s):", ""]
    parts += ["| stage | seconds | share |", "|---|---:|---:|"]
    for name in STAGES:
        s = stages.get(name, 0.0)
        parts.append(f"| {name} | {s:.2f} | {100 * s / total:.0f} % |")
        if name == "windows":
            for sub in ("windows: intercept points", "windows: assembly"):
                if sub in stages:
                    v = stages[sub]
                    parts.append(f"| &nbsp;&nbsp;{sub[9:]} | {v:.2f} | {100 * v / total:.0f} % |")
    text = "\n".join(rows + parts)
    if "profile" in result:
        text += "\n\ncProfile of one compile (own time):\n\n```\n" + result["profile"] + "```"
    return text
