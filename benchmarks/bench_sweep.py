"""Benchmark: a sweep's points run in local processes, one process against two.

The sweep is ``hoplon sweep examples/japan-layered-bmd.yaml --set threats[0].count=1..40
--trials 10000``: 40 points (the Tokyo raid from 1 to 40 missiles), 10,000 trials per
point, each point written to a results store in a temporary folder as it finishes,
exactly as the command does. It is run with ``workers=1`` (every point in this process)
and with ``workers=2`` (a pool of two processes, one point at a time each); the
figures of the two runs must be identical, point by point.

Run it with ``.venv/bin/python benchmarks/run.py sweep [--quick]`` (the module follows
the protocol of ``benchmarks/run.py``: ``DEFAULT``, ``QUICK``, ``run``, ``report``).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Config:
    """What to sweep, and with how many processes."""

    scenario: str = "examples/japan-layered-bmd.yaml"
    set: str = "threats[0].count=1..40"
    trials: int = 10_000
    seed: int = 7
    workers: tuple[int, ...] = (1, 2)
    repeat: int = 2
    """Times each configuration is run; the fastest counts (others' load only slows)."""


DEFAULT = Config()
QUICK = Config(set="threats[0].count=1..4", trials=500, repeat=1)


def run(config: Config = DEFAULT, profile: bool = False) -> dict[str, Any]:
    """Time the sweep once per entry of ``config.workers``; check the figures agree.

    ``profile`` is accepted for the protocol of ``benchmarks/run.py`` and ignored: the
    work happens in other processes.
    """
    from hoplon.analysis.sweep import PointTask, plan_sweep, run_point, run_sweep
    from hoplon.io.store import ResultStore

    plan = plan_sweep(REPO / config.scenario, [config.set], trials=config.trials, seed=config.seed)
    # Warm up: import and compile once in this process, so that neither run pays for it.
    first = plan.points[0]
    run_point(PointTask(plan.raw, plan.file, first.overrides, first.seed, 100))
    runs = []
    figures = None
    for workers in config.workers:
        walls, engines = [], []
        for _ in range(config.repeat):
            with tempfile.TemporaryDirectory(prefix="hoplon-bench-sweep-") as store:
                start = time.perf_counter()
                result = run_sweep(plan, workers=workers, store=ResultStore(store))
                walls.append(time.perf_counter() - start)
                engines.append(sum(p.timing["engine_s"] for p in result.points))
                stored = len(list((Path(store) / "points").glob("*.parquet")))
            if stored != len(plan.points):
                raise AssertionError(f"{stored} points stored of {len(plan.points)}")
            metrics = [p.metrics for p in result.points]
            if figures is None:
                figures = metrics
            elif metrics != figures:
                raise AssertionError(f"workers={workers} changed the figures")
        runs.append(
            {
                "workers": workers,
                "wall_s": min(walls),
                "wall_s_all": walls,
                "points": len(result.points),
                "engine_s_sum": engines[walls.index(min(walls))],
            }
        )
    base = runs[0]["wall_s"]
    for r in runs:
        r["speedup"] = base / r["wall_s"]
        r["efficiency"] = r["speedup"] / r["workers"]
    first, last = figures[0] if figures else {}, figures[-1] if figures else {}
    return {
        "benchmark": "sweep",
        "config": asdict(config),
        "points": len(plan.points),
        "runs": runs,
        "identical": True,
        "p_no_leak_first_last": [
            first.get("p_no_leak", {}).get("mean"),
            last.get("p_no_leak", {}).get("mean"),
        ],
    }


def report(result: dict[str, Any]) -> str:
    """The figures as Markdown."""
    cfg = result["config"]
    lines = [
        f"`hoplon sweep {cfg['scenario']} --set {cfg['set']} --trials {cfg['trials']} "
        f"--seed {cfg['seed']} --workers N`: {result['points']} points, each written to a "
        "results store as it finishes.",
        "",
        f"| processes | wall time (best of {cfg['repeat']}) | per point | speedup | efficiency "
        "| engine time, summed over points (same run) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["runs"]:
        lines.append(
            f"| {r['workers']} | {r['wall_s']:.1f} s | {r['wall_s'] / r['points']:.2f} s | "
            f"{r['speedup']:.2f}× | {r['efficiency']:.0%} | {r['engine_s_sum']:.1f} s |"
        )
    lo, hi = result["p_no_leak_first_last"]
    lines += [
        "",
        "Figures identical for every number of processes (checked point by point). "
        f"P(no leaker) goes from {lo:.4f} (first point) to {hi:.4f} (last).",
    ]
    return "\n".join(lines)
