"""Benchmark: planning the theatre (``assignment: planned``).

The synthetic theatre of :func:`scenarios.theatre` (1,000 threats, 50 radars, 50 units
by default) is validated and compiled once under its own doctrine, then
:func:`hoplon.core.plan.plan_allocation` is timed on its compiled wave: building the
integer program from the windows and solving it with scipy's ``milp`` (HiGHS) to the
proven gap. The figures are the planning time, the program's size, the solver's status
and the gap between the plan's expected loss and the proven bound.

Run it through ``benchmarks/run.py plan`` (``--quick`` for a tiny version).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from hoplon.compile import compile_scenario
from hoplon.core.plan import plan_allocation
from scenarios import load_theatre

#: Target of the fire-doctrine issue: planning the 1,000-threat theatre.
TARGET_S = 30.0


@dataclass(frozen=True)
class Config:
    n_threats: int = 1000
    n_sensors: int = 50
    n_units: int = 50
    repeats: int = 1
    #: the solver's time limit and relative gap for this run (the library's defaults are
    #: 60 s and 1e-6)
    time_limit_s: float = 25.0
    rel_gap: float = 1e-3


DEFAULT = Config()
QUICK = Config(n_threats=40, n_sensors=6, n_units=6, repeats=1)


def run(config: Config = DEFAULT, profile: bool = False) -> dict[str, Any]:
    """Run the benchmark; times are pairs ``[wall, cpu]`` in seconds."""
    loaded = load_theatre(
        n_threats=config.n_threats, n_sensors=config.n_sensors, n_units=config.n_units
    )
    model = compile_scenario(loaded).waves[0]
    times = []
    allocation = None
    for _ in range(config.repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        allocation = plan_allocation(model, time_limit=config.time_limit_s, rel_gap=config.rel_gap)
        times.append([time.perf_counter() - wall, time.process_time() - cpu])
    assert allocation is not None
    win = model.windows
    pairs = int(np.count_nonzero((win.offsets[1:] > win.offsets[:-1]) & (win.p_kill > 0)))
    return {
        "benchmark": "plan",
        "config": vars(config),
        "scenario": {
            "threats": model.n_threats,
            "units": model.n_units,
            "stocks": model.n_stocks,
            "windows": win.count,
            "pairs": pairs,
            "interceptors": int(model.stock_initial.sum()),
        },
        "plan_s": times,
        "plan_best_s": [min(t[0] for t in times), min(t[1] for t in times)],
        "status": allocation.status,
        "planned_interceptors": int(allocation.interceptors.sum()),
        "value_at_risk": allocation.value_at_risk,
        "expected_loss": allocation.expected_loss,
        "bound": allocation.bound,
        "target_s": TARGET_S,
    }


def report(result: dict[str, Any]) -> str:
    """The figures as Markdown, for the terminal and for benchmarks/README.md."""
    sc = result["scenario"]
    wall, cpu = result["plan_best_s"]
    verdict = "met" if wall < result["target_s"] else "not met"
    gap = result["expected_loss"] - result["bound"]
    return "\n".join(
        [
            f"Scenario: {sc['threats']:,} threats, {sc['units']} units holding "
            f"{sc['stocks']} stocks ({sc['interceptors']:,} interceptors); "
            f"{sc['windows']:,} windows, {sc['pairs']:,} of them with a chance to kill "
            "(the program's integer variables).",
            "",
            "| figure | value |",
            "|---|---:|",
            f"| planning, best of {len(result['plan_s'])} (wall / CPU) | "
            f"{wall:.2f} s / {cpu:.2f} s |",
            f"| solver status | {result['status']} |",
            f"| interceptors planned | {result['planned_interceptors']:,} |",
            f"| value at risk (Σ value × reliability) | {result['value_at_risk']:,.2f} |",
            f"| expected value lost under the plan | {result['expected_loss']:,.4f} |",
            f"| proven bound on the best | {result['bound']:,.4f} |",
            f"| proven gap (share of the expected loss) | {gap:,.4f} "
            f"({gap / max(result['expected_loss'], 1e-300):.2%}) |",
            "",
            f"Target < {result['target_s']:g} s wall (solver limit "
            f"{result['config']['time_limit_s']:g} s, relative gap "
            f"{result['config']['rel_gap']:g}): {verdict}, status {result['status']}.",
        ]
    )
