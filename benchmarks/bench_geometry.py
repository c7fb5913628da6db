"""Benchmark: compiling the geometry of a large synthetic scenario.

The scenario is :func:`scenarios.theatre` (by default 1,000 threats, 50 radars, 50
units; the units' own radars come on top of the 50). It reports:

- the time to validate the scenario (``load_data``);
- the time of :func:`hoplon.compile.waves.compile_scenario`: the first call in the process
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

import hoplon.compile.windows
from hoplon.compile import compile_scenario
from hoplon.core import flight, sensing, windows
from hoplon.core.engine import plan_decision_points
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
    (flight, "glide_path", "paths"),
    (sensing, "radar_first_detection_s", "detection"),
    (sensing, "space_infrared_report_s", "tracks"),
    (sensing, "radar_track_times", "tracks"),
    (sensing, "fire_control_track_times", "tracks"),
    (windows, "intercept_points", "windows: intercept points"),
    (windows, "intercept_points_shifted", "windows: intercept points"),
    (windows, "windows_from_points", "windows: assembly"),
]
STAGES = ["paths", "detection", "tracks", "windows", "other"]


@contextmanager
def timed_kernels() -> Iterator[dict[str, list[float]]]:
    """Wrap the kernels ``compile_raids`` calls in timers.

    Yields ``{stage: [wall seconds, CPU seconds]}``, filled as the kernels run.
    """
    spent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])

    running: set[str] = set()

    def wrap(fn: Callable[..., Any], stage: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if stage in running:  # called from a kernel of the same stage: counted there
                return fn(*args, **kwargs)
            running.add(stage)
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[stage][0] += time.perf_counter() - wall
                spent[stage][1] += time.process_time() - cpu
                running.discard(stage)

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
        # compile/windows.py imported engagement_windows by name: wrap it where it is looked up.
        stack.enter_context(
            mock.patch.object(
                hoplon.compile.windows,
                "engagement_windows",
                wrap(hoplon.compile.windows.engagement_windows, "windows"),
            )
        )
        yield spent


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """``fn()``, with the wall-clock and CPU seconds it took."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def run(config: Config = DEFAULT, profile: bool = False) -> dict[str, Any]:
    """Run the benchmark; returns the figures as plain data (seconds, counts).

    Times are pairs ``[wall, cpu]``: wall-clock seconds, and the CPU seconds of this
    process (close to what the wall time would be on an otherwise idle machine,
    since compiling runs on one core).
    """
    loaded, load_wall, load_cpu = timed(
        lambda: load_theatre(
            n_threats=config.n_threats, n_sensors=config.n_sensors, n_units=config.n_units
        )
    )
    first, first_wall, first_cpu = timed(lambda: compile_scenario(loaded))
    repeats = []
    for _ in range(config.repeats):
        _, wall, cpu = timed(lambda: compile_scenario(loaded))
        repeats.append([wall, cpu])
    with timed_kernels() as spent:
        _, total_wall, total_cpu = timed(lambda: compile_scenario(loaded))
    stages = {k: list(v) for k, v in spent.items()}
    kernels = [stages.get(k, [0.0, 0.0]) for k in ("paths", "detection", "tracks", "windows")]
    stages["other"] = [
        total_wall - sum(k[0] for k in kernels),
        total_cpu - sum(k[1] for k in kernels),
    ]

    model = first.waves[0]
    plan, plan_wall, plan_cpu = timed(lambda: plan_decision_points(model))

    spec = loaded.spec
    classes: dict[str, int] = defaultdict(int)
    for c in model.threat_class:
        classes[c] += 1
    platform_radars = sum(1 for u in spec.units if loaded.catalog.platforms[u.type].radar != "none")
    every = [[first_wall, first_cpu], *repeats]
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
            "longest_flight_s": _longest_flight_s(model),
            "never_engageable": sum(1 for e in model.engageable_by() if not e),
            "decision_points": plan.count,
        },
        "load_s": [load_wall, load_cpu],
        "compile_first_s": [first_wall, first_cpu],
        "compile_repeats_s": repeats,
        "compile_best_s": [min(t[0] for t in every), min(t[1] for t in every)],
        "compile_median_s": [
            statistics.median(t[0] for t in every),
            statistics.median(t[1] for t in every),
        ],
        "breakdown_total_s": [total_wall, total_cpu],
        "breakdown_s": stages,
        "plan_s": [plan_wall, plan_cpu],
        "target_s": TARGET_S,
    }
    if profile:
        out["profile"] = profile_compile(loaded)
    return out


def _longest_flight_s(model: Any) -> float:
    """The longest flight (impact, or release, minus launch), seconds."""
    if model.n_threats == 0:
        return 0.0
    return float(np.max(model.threat_impact_s - model.threat_launch_s))


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


def _pair(t: list[float]) -> str:
    return f"{t[0]:.2f} s | {t[1]:.2f} s"


def _verdict(result: dict[str, Any]) -> str:
    target, first, best = result["target_s"], result["compile_first_s"], result["compile_best_s"]
    if result["config"] != vars(DEFAULT) | {"repeats": result["config"]["repeats"]}:
        return f"(The target, < {target:g} s, is for the default 1,000 × 50 × 50 scenario.)"

    def met(t: float) -> str:
        return "met" if t < target else "NOT met"

    return (
        f"Target < {target:g} s: best {best[0]:.2f} s wall ({met(best[0])}), "
        f"{best[1]:.2f} s CPU ({met(best[1])}); first call {first[0]:.2f} s wall "
        f"({met(first[0])}), {first[1]:.2f} s CPU ({met(first[1])})."
    )


def report(result: dict[str, Any]) -> str:
    """The figures as Markdown, for the terminal and for benchmarks/README.md."""
    sc = result["scenario"]
    wall, cpu = result["breakdown_total_s"]
    first, best = result["compile_first_s"], result["compile_best_s"]
    n = len(result["compile_repeats_s"]) + 1
    classes = ", ".join(f"{k} {v}" for k, v in sc["threat_classes"].items())
    lines = [
        f"Scenario: {sc['threats']:,} threats ({classes}) in {sc['raids']} raids; "
        f"{sc['sensors']} radars in the scenario and {sc['platform_radars']} on the units; "
        f"{sc['units']} units holding {sc['stocks']} interceptor stocks; longest flight "
        f"{sc['longest_flight_s']:,.0f} s. Compiled: {sc['windows']:,} engagement windows "
        f"with {sc['window_points']:,} points; {sc['never_engageable']} threats no unit can "
        f"engage; {sc['decision_points']:,} decision points.",
        "",
        "| step | wall | CPU |",
        "|---|---:|---:|",
        f"| validate (`load_data`) | {_pair(result['load_s'])} |",
        f"| compile, first call in the process | {_pair(first)} |",
        f"| compile, best of {n} | {_pair(best)} |",
        f"| compile, median of {n} | {_pair(result['compile_median_s'])} |",
        f"| `plan_decision_points` (engine set-up, not in compile) | {_pair(result['plan_s'])} |",
        "",
        _verdict(result),
        "",
        f"Where one compile's time goes (kernels timed inside the real compile; {wall:.2f} s "
        f"wall, {cpu:.2f} s CPU):",
        "",
        "| stage | wall | CPU | share of CPU |",
        "|---|---:|---:|---:|",
    ]
    stages = result["breakdown_s"]
    for name in STAGES:
        t = stages.get(name, [0.0, 0.0])
        lines.append(f"| {name} | {_pair(t)} | {100 * t[1] / cpu:.0f} % |")
        if name == "windows":
            for sub in ("windows: intercept points", "windows: assembly"):
                if sub in stages:
                    v = stages[sub]
                    lines.append(
                        f"| &nbsp;&nbsp;{sub[9:]} | {_pair(v)} | {100 * v[1] / cpu:.0f} % |"
                    )
    text = "\n".join(lines)
    if "profile" in result:
        text += (
            "\n\ncProfile of one compile (own time):\n\n```\n" + result["profile"].strip() + "\n```"
        )
    return text
