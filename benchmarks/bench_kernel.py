"""Benchmark: the compiled time-order kernel against the nominal-order numpy engine.

Measured in one process, back to back, repeated (so a shared machine's load hits both
alike and the ratios hold):

1. **Kernel vs nominal**: ``simulate_block`` (the compiled per-trial kernel, per-trial
   time order) against ``simulate_block_nominal`` (the vectorised numpy engine in the
   nominal order, the engine before the kernel) on the same block of trials of the
   Japan example and of the 1,000-threat synthetic theatre; CPU time per trial.
2. **Random draws**: on the Japan example, the CPU time of drawing one Philox uniform
   per trial and decision point (what the nominal engine draws), against the kernel.
3. **Cost per decision point**: both engines and the draws per trial and decision point
   on the Japan example and on theatres of 50, 200 and 1,000 threats (the same synthetic
   theatre, cut short), with what 10× the nominal engine leaves the kernel: how the
   kernel's cost grows with the theatre, and how far the 10× target is from what it
   costs where its tables fit in cache.
4. **Peak memory**: ``run_trials`` on the Japan example with 1,000,000 trials in a
   fresh process, one worker; its peak resident memory (``ru_maxrss``).

Run it through ``benchmarks/run.py kernel`` (``--quick`` for a tiny version).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hoplon.compile import compile_scenario
from hoplon.core.engine import (
    MAX_SLOTS,
    block_key,
    chance_stream,
    plan_decision_points,
    simulate_block,
    simulate_block_nominal,
)
from hoplon.core.model import Model
from hoplon.scenario.loader import load_scenario
from scenarios import load_theatre

REPO = Path(__file__).resolve().parent.parent
JAPAN = REPO / "examples" / "japan-layered-bmd.yaml"
TARGET_THEATRE_SPEEDUP = 10.0
TARGET_DRAW_RATIO = 5.0
TARGET_PEAK_GIB = 2.0


@dataclass(frozen=True)
class Config:
    seed: int = 7
    japan_trials: int = 32_768
    theatre_threats: int = 1_000
    theatre_trials: int = 4_096  # the block size the runner uses at 1,000 threats
    repeats: int = 3
    memory_trials: int = 1_000_000
    scale_threats: tuple[int, ...] = (50, 200)  # smaller theatres, for the cost per point


DEFAULT = Config()
QUICK = Config(
    japan_trials=512,
    theatre_threats=20,
    theatre_trials=64,
    repeats=1,
    memory_trials=5_000,
    scale_threats=(5,),
)


def _cpu(fn: Any) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def kernel_vs_nominal(model: Model, n: int, seed: int, repeats: int) -> dict[str, Any]:
    """CPU seconds per trial of both engines on one block, alternating, ``repeats`` times."""
    plan = plan_decision_points(model)
    key = block_key(np.random.SeedSequence(seed))
    simulate_block(model, plan, key, 8)  # compile (or load the cached kernel) first
    rows = []
    for _ in range(repeats):
        nominal = _cpu(lambda: simulate_block_nominal(model, plan, key, n))
        kernel = _cpu(lambda: simulate_block(model, plan, key, n))
        rows.append({"nominal_s": nominal, "kernel_s": kernel, "ratio": nominal / kernel})
    draws = []
    for _ in range(repeats):

        def draw() -> None:
            for t, k in zip(plan.dp_threat, plan.dp_slot, strict=True):
                chance_stream(key, 0, int(t) * MAX_SLOTS + int(k)).random(n)

        draws.append(_cpu(draw))
    return {
        "threats": model.n_threats,
        "decision_points": plan.count,
        "trials": n,
        "runs": rows,
        "draws_s": draws,
    }


def peak_memory(trials: int, seed: int) -> dict[str, Any]:
    """Peak resident memory of a fresh process running ``trials`` Japan trials."""
    code = (
        "import resource, sys, time\n"
        "from hoplon.core.runner import run_trials\n"
        "from hoplon.compile import compile_scenario\n"
        "from hoplon.scenario.loader import load_scenario\n"
        f"waves = compile_scenario(load_scenario({str(JAPAN)!r})).waves\n"
        "start = time.perf_counter()\n"
        f"out = run_trials(waves, {trials}, {seed}, workers=1)\n"
        "wall = time.perf_counter() - start\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, wall, out.leaked.shape[1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    return {
        "trials": trials,
        "peak_gib": int(done[0]) / 2**20,  # ru_maxrss is in KiB on Linux
        "wall_s": float(done[1]),
        "threats": int(done[2]),
    }


def run(config: Config = DEFAULT, profile: bool = False) -> dict[str, Any]:
    del profile
    japan = compile_scenario(load_scenario(JAPAN)).waves[0]
    theatre = compile_scenario(load_theatre(n_threats=config.theatre_threats)).waves[0]
    scale = []
    for n_threats in config.scale_threats:
        small = compile_scenario(load_theatre(n_threats=n_threats)).waves[0]
        scale.append(kernel_vs_nominal(small, config.theatre_trials, config.seed, config.repeats))
    return {
        "benchmark": "kernel",
        "config": vars(config),
        "japan": kernel_vs_nominal(japan, config.japan_trials, config.seed, config.repeats),
        "theatre": kernel_vs_nominal(theatre, config.theatre_trials, config.seed, config.repeats),
        "scale": scale,
        "memory": peak_memory(config.memory_trials, config.seed),
        "maxrss_self_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(result: dict[str, Any]) -> str:
    lines = [
        "**Kernel vs nominal** (one block, CPU seconds per trial, the two engines "
        "alternating in one process):",
        "",
        "| scenario | threats | decision points | trials | run | nominal (numpy) | kernel | "
        "speed-up |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("japan", "theatre"):
        r = result[name]
        for i, row in enumerate(r["runs"]):
            lines.append(
                f"| {name} | {r['threats']:,} | {r['decision_points']:,} | {r['trials']:,} | "
                f"{i + 1} | {row['nominal_s'] / r['trials'] * 1e6:.1f} µs | "
                f"{row['kernel_s'] / r['trials'] * 1e6:.2f} µs | {row['ratio']:.2f}× |"
            )
    th = result["theatre"]
    best = max(row["ratio"] for row in th["runs"])
    median = float(np.median([row["ratio"] for row in th["runs"]]))
    lines += [
        "",
        f"Theatre speed-up (median of runs) {median:.2f}× (best {best:.2f}×); target "
        f"≥ {TARGET_THEATRE_SPEEDUP:g}×: {_met(median >= TARGET_THEATRE_SPEEDUP)}.",
        "",
    ]
    jp = result["japan"]
    ratios = [row["kernel_s"] / d for row, d in zip(jp["runs"], jp["draws_s"], strict=True)]
    lines += [
        "**Random draws** (Japan example: one Philox uniform per trial and decision point, "
        f"{jp['decision_points']} × {jp['trials']:,}, against the kernel on the same block):",
        "",
        "| run | draws | kernel | kernel / draws |",
        "|---:|---:|---:|---:|",
    ]
    for i, (row, d) in enumerate(zip(jp["runs"], jp["draws_s"], strict=True)):
        lines.append(
            f"| {i + 1} | {d:.3f} s | {row['kernel_s']:.3f} s | {row['kernel_s'] / d:.2f}× |"
        )
    med = float(np.median(ratios))
    lines += [
        "",
        f"Kernel within {med:.2f}× of the draws (median); target ≤ {TARGET_DRAW_RATIO:g}×: "
        f"{_met(med <= TARGET_DRAW_RATIO)}.",
        "",
    ]
    lines += _per_point(result)
    mem = result["memory"]
    lines += [
        f"**Peak memory**: `run_trials` on the Japan example ({mem['threats']} threats), "
        f"{mem['trials']:,} trials, one worker, fresh process: peak resident "
        f"{mem['peak_gib']:.2f} GiB in {mem['wall_s']:.1f} s wall; target < "
        f"{TARGET_PEAK_GIB:g} GB: {_met(mem['peak_gib'] * 2**30 / 1e9 < TARGET_PEAK_GIB)}.",
    ]
    return "\n".join(lines)


def _per_point(result: dict[str, Any]) -> list[str]:
    """The cost per trial and decision point of each case, best of its runs."""
    lines = [
        "**Cost per decision point** (ns per trial and decision point, best of the runs; "
        "the budget is a tenth of the nominal engine's, what the 10× target leaves the "
        "kernel):",
        "",
        "| scenario | threats | decision points | trials | nominal (numpy) | kernel | "
        "draws | kernel / draws | 10× budget | budget / draws |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    cases = [("japan", result["japan"])]
    cases += [("theatre", r) for r in [*result.get("scale", []), result["theatre"]]]
    for name, r in cases:
        per = 1e9 / (r["trials"] * r["decision_points"])
        nominal = min(row["nominal_s"] for row in r["runs"]) * per
        kernel = min(row["kernel_s"] for row in r["runs"]) * per
        draws = min(r["draws_s"]) * per
        budget = nominal / TARGET_THEATRE_SPEEDUP
        lines.append(
            f"| {name} | {r['threats']:,} | {r['decision_points']:,} | {r['trials']:,} | "
            f"{nominal:.1f} | {kernel:.1f} | {draws:.1f} | {kernel / draws:.2f}× | "
            f"{budget:.1f} | {budget / draws:.2f}× |"
        )
    return [*lines, ""]
