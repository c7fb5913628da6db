"""Benchmark: the vectorised engagement engine.

Five measurements, all on one worker unless said otherwise:

1. **End to end**: ``hoplon run examples/japan-layered-bmd.yaml --trials 200000
   --workers 1 --json`` as a subprocess, wall time (start-up, load, compile, engine,
   metrics and JSON), with the compile and engine times the result reports.
2. **Trials**: :func:`hoplon.core.runner.run_trials` on the Japan example's compiled
   model at 1k, 10k, 100k and 200k trials; engine throughput as
   trials × decision points per second.
3. **Vectorised vs scalar**: the scalar per-trial reference engine of the tests
   (``tests/reference_engine.py``, :func:`reference_trials`) on a few thousand trials of
   the same compiled model, against the vectorised engine's time per trial at 200k
   trials. Both engines are first run on one shared stream to check they agree trial by
   trial, so the two timings are of the same work.
4. **Raid size**: the synthetic theatre (:func:`scenarios.theatre`) with 1, 10, 100 and
   1,000 threats against its fixed defense (50 radars, 50 units), a fixed number of
   trials each.
5. **Workers**: the Japan example at 200k trials with 1 and 2 worker processes (the
   outcomes must be identical).

Run it through ``benchmarks/run.py engine`` (``--quick`` for a tiny version).
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hoplon.compile import compile_scenario
from hoplon.core.engine import BLOCK_TRIALS, block_key, plan_decision_points, simulate_block
from hoplon.core.model import Model
from hoplon.core.runner import Outcomes, run_trials
from hoplon.scenario.loader import load_scenario
from scenarios import load_theatre

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from reference_engine import reference_trials  # noqa: E402

JAPAN = REPO / "examples" / "japan-layered-bmd.yaml"
#: Targets of the engine issue.
TARGET_END_TO_END_S = 10.0
TARGET_SPEEDUP = 100.0


@dataclass(frozen=True)
class Config:
    """Sizes of the engine benchmark's runs."""

    seed: int = 7
    cli_trials: int = 200_000
    cli_repeats: int = 2
    trials: tuple[int, ...] = (1_000, 10_000, 100_000, 200_000)
    reference_trials: int = 2_000
    raid_sizes: tuple[int, ...] = (1, 10, 100, 1_000)
    raid_trials: int = 2_048
    worker_counts: tuple[int, ...] = (1, 2)
    workers_trials: int = 200_000


DEFAULT = Config()
QUICK = Config(
    cli_trials=2_000,
    cli_repeats=1,
    trials=(500, 2_000),
    reference_trials=50,
    raid_sizes=(1, 10),
    raid_trials=256,
    workers_trials=8_193,  # three blocks, so two workers really share them
)


def _hoplon_command() -> list[str]:
    script = Path(sys.executable).parent / "hoplon"
    return [str(script)] if script.exists() else [sys.executable, "-m", "hoplon"]


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """``fn()``, its wall-clock seconds, and the CPU seconds of this process and of any
    child processes it waited for (one core's work on an idle machine takes about its
    CPU time in wall time)."""
    wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu_s()
    out = fn()
    cpu_s = time.process_time() - cpu + _children_cpu_s() - children
    return out, time.perf_counter() - wall, cpu_s


def end_to_end(trials: int, seed: int, repeats: int = 1) -> dict[str, Any]:
    """The CLI on the Japan example, one worker: the fastest of ``repeats`` runs."""
    cmd = [*_hoplon_command(), "run", str(JAPAN), "--trials", str(trials), "--seed", str(seed)]
    cmd += ["--workers", "1", "--json"]
    runs = []
    for _ in range(max(1, repeats)):
        proc, wall, cpu = timed(
            lambda: subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
        runs.append((wall, cpu, json.loads(proc.stdout)["timing"]))
    wall, cpu, timing = min(runs, key=lambda r: r[0])
    return {
        "command": "hoplon run examples/japan-layered-bmd.yaml "
        f"--trials {trials} --seed {seed} --workers 1 --json",
        "trials": trials,
        "wall_s": wall,
        "cpu_s": cpu,
        "wall_all_s": [r[0] for r in runs],
        "compile_s": timing["compile_s"],
        "engine_s": timing["engine_s"],
        "decision_points": timing["decision_points"],
        "throughput": trials * timing["decision_points"] / timing["engine_s"],
        "target_s": TARGET_END_TO_END_S,
    }


def _engine_row(n: int, out: Outcomes, wall: float, cpu: float) -> dict[str, Any]:
    work = n * out.decision_points
    return {
        "trials": n,
        "decision_points": out.decision_points,
        "engine_s": wall,
        "cpu_s": cpu,
        "us_per_trial": 1e6 * wall / n,
        "throughput": work / wall if work else 0.0,
        "throughput_cpu": work / cpu if work and cpu > 0 else 0.0,
    }


def trial_scaling(
    waves: list[Model], sizes: tuple[int, ...], seed: int
) -> tuple[list[dict[str, Any]], dict[int, tuple[float, float, Outcomes]]]:
    """Engine time at each trial count, one worker (plan included, as in a run).

    Returns the rows and, per trial count, (wall, CPU, outcomes) for reuse.
    """
    rows = []
    runs: dict[int, tuple[float, float, Outcomes]] = {}
    for n in sizes:
        out, wall, cpu = timed(lambda n=n: run_trials(waves, n, seed, workers=1))
        runs[n] = (wall, cpu, out)
        rows.append(_engine_row(n, out, wall, cpu))
    return rows, runs


def versus_reference(
    model: Model, n_reference: int, vector_row: dict[str, Any], seed: int
) -> dict[str, Any]:
    """Scalar reference engine against the vectorised one on the same compiled model."""
    plan = plan_decision_points(model)
    # Same key, same trials: the two must agree trial by trial.
    check = min(n_reference, 512)
    key = block_key(np.random.SeedSequence(seed))
    block = simulate_block(model, plan, key, check)
    ref = reference_trials(model, plan, key, check)
    agree = bool(
        np.array_equal(block.leaked, np.array([r.leaked for r in ref], dtype=bool))
        and np.array_equal(block.shots, np.array([r.shots for r in ref], dtype=np.int32))
    )
    key = block_key(np.random.SeedSequence(seed + 1))
    _, ref_wall, ref_cpu = timed(lambda: reference_trials(model, plan, key, n_reference))
    _, same_wall, same_cpu = timed(lambda: simulate_block(model, plan, key, n_reference))
    per_trial = {
        "reference": (ref_wall / n_reference, ref_cpu / n_reference),
        "vector": (
            vector_row["engine_s"] / vector_row["trials"],
            vector_row["cpu_s"] / vector_row["trials"],
        ),
    }
    return {
        "reference_trials": n_reference,
        "reference_s": [ref_wall, ref_cpu],
        "reference_us_per_trial": [1e6 * t for t in per_trial["reference"]],
        "vector_trials": vector_row["trials"],
        "vector_s": [vector_row["engine_s"], vector_row["cpu_s"]],
        "vector_us_per_trial": [1e6 * t for t in per_trial["vector"]],
        "speedup": [
            r / v for r, v in zip(per_trial["reference"], per_trial["vector"], strict=True)
        ],
        "vector_same_n_s": [same_wall, same_cpu],
        "speedup_same_n": [ref_wall / same_wall, ref_cpu / same_cpu],
        "agree_trials": check,
        "agree": agree,
        "target": TARGET_SPEEDUP,
    }


def raid_scaling(sizes: tuple[int, ...], trials: int, seed: int) -> list[dict[str, Any]]:
    """The synthetic theatre with N threats against a fixed defense, one worker."""
    rows = []
    for n in sizes:
        loaded = load_theatre(n_threats=n)
        compiled, compile_wall, compile_cpu = timed(lambda loaded=loaded: compile_scenario(loaded))
        model = compiled.waves[0]
        _, plan_wall, plan_cpu = timed(lambda model=model: plan_decision_points(model))
        out, wall, cpu = timed(lambda c=compiled: run_trials(c.waves, trials, seed, workers=1))
        row = _engine_row(trials, out, wall, cpu)
        row |= {
            "threats": n,
            "windows": model.windows.count,
            "compile_s": [compile_wall, compile_cpu],
            "plan_s": [plan_wall, plan_cpu],
        }
        rows.append(row)
    return rows


def worker_scaling(
    waves: list[Model],
    counts: tuple[int, ...],
    trials: int,
    seed: int,
    known: dict[int, tuple[float, float, Outcomes]],
) -> dict[str, Any]:
    """Engine time with 1, 2, ... processes; outcomes must not change."""
    rows = []
    first: Outcomes | None = None
    identical = True
    for w in counts:
        if w in known:
            wall, cpu, out = known[w]
        else:
            out, wall, cpu = timed(lambda w=w: run_trials(waves, trials, seed, workers=w))
        if first is None:
            first = out
        else:
            identical &= bool(
                np.array_equal(first.leaked, out.leaked) and np.array_equal(first.shots, out.shots)
            )
        rows.append({"workers": w, "trials": trials, "engine_s": wall, "cpu_s": cpu})
    base = rows[0]["engine_s"]
    for row in rows:
        row["speedup"] = base / row["engine_s"]
    return {"rows": rows, "identical": identical}


def profile_engine(waves: list[Model], trials: int, seed: int, lines: int = 25) -> str:
    """A cProfile listing of ``run_trials`` on one worker: the calls with the most own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    run_trials(waves, trials, seed, workers=1)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(lines)
    return text.getvalue()


def run(config: Config = DEFAULT, profile: bool = False) -> dict[str, Any]:
    """Run the benchmark; returns the figures as plain data (seconds, counts)."""
    cli = end_to_end(config.cli_trials, config.seed, config.cli_repeats)
    loaded = load_scenario(JAPAN)
    waves = compile_scenario(loaded).waves
    trial_rows, runs = trial_scaling(waves, config.trials, config.seed)
    # The one-worker run at the workers' trial count, if the trial sweep made it.
    known = {1: runs[config.workers_trials]} if config.workers_trials in runs else {}
    largest = max(trial_rows, key=lambda r: r["trials"])
    reference = versus_reference(waves[0], config.reference_trials, largest, config.seed)
    raids = raid_scaling(config.raid_sizes, config.raid_trials, config.seed)
    workers = worker_scaling(waves, config.worker_counts, config.workers_trials, config.seed, known)
    out = {
        "benchmark": "engine",
        "config": vars(config),
        "end_to_end": cli,
        "trials": trial_rows,
        "reference": reference,
        "raid_size": raids,
        "workers": workers,
    }
    if profile:
        trials = min(config.trials[-1], 10 * BLOCK_TRIALS)
        out["profile_trials"] = trials
        out["profile"] = profile_engine(waves, trials, config.seed)
    return out


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _is_default(result: dict[str, Any]) -> bool:
    return bool(result["config"] == vars(DEFAULT))


def report(result: dict[str, Any]) -> str:
    """The figures as Markdown, for the terminal and for benchmarks/README.md.

    Times are wall clock; "CPU" is the CPU time of the processes involved (on a
    machine shared with other work, one core's work takes about its CPU time on an
    idle one). Throughput is trials × decision points per wall (CPU) second.
    """
    judged = _is_default(result)
    cli = result["end_to_end"]
    ref = result["reference"]
    tries = ", ".join(f"{t:.2f}" for t in cli["wall_all_s"])
    verdict = (
        f"Target < {cli['target_s']:g} s end to end: {_met(cli['wall_s'] < cli['target_s'])} "
        f"(wall), {_met(cli['cpu_s'] < cli['target_s'])} (CPU)."
        if judged
        else "(The targets are for the default sizes; not judged in a quick run.)"
    )
    lines = [
        "**End to end** (one worker; the fastest of the runs):",
        "",
        "```",
        cli["command"],
        "```",
        "",
        "| wall | CPU | compile | engine | decision points | throughput |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {cli['wall_s']:.2f} s | {cli['cpu_s']:.2f} s | {cli['compile_s']:.3f} s | "
        f"{cli['engine_s']:.2f} s | {cli['decision_points']} | "
        f"{cli['throughput'] / 1e6:.2f} M / s |",
        "",
        f"Wall times of the runs: {tries} s. {verdict}",
        "",
        "**Trials** (Japan example compiled once; `run_trials`, one worker):",
        "",
        "| trials | wall | CPU | µs / trial (wall) | throughput (wall) | throughput (CPU) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["trials"]:
        lines.append(
            f"| {r['trials']:,} | {r['engine_s']:.3f} s | {r['cpu_s']:.3f} s | "
            f"{r['us_per_trial']:.1f} | {r['throughput'] / 1e6:.2f} M / s | "
            f"{r['throughput_cpu'] / 1e6:.2f} M / s |"
        )
    same_us = [1e6 * t / ref["reference_trials"] for t in ref["vector_same_n_s"]]
    lines += [
        "",
        "**Vectorised vs scalar reference** (Japan example, the same compiled model):",
        "",
        "| engine | trials | wall | CPU | µs / trial (wall) | µs / trial (CPU) |",
        "|---|---:|---:|---:|---:|---:|",
        f"| scalar `reference_trials` | {ref['reference_trials']:,} | "
        f"{ref['reference_s'][0]:.2f} s | {ref['reference_s'][1]:.2f} s | "
        f"{ref['reference_us_per_trial'][0]:,.0f} | {ref['reference_us_per_trial'][1]:,.0f} |",
        f"| vectorised, `run_trials` | {ref['vector_trials']:,} | {ref['vector_s'][0]:.2f} s | "
        f"{ref['vector_s'][1]:.2f} s | {ref['vector_us_per_trial'][0]:,.1f} | "
        f"{ref['vector_us_per_trial'][1]:,.1f} |",
        f"| vectorised, one `simulate_block` | {ref['reference_trials']:,} | "
        f"{ref['vector_same_n_s'][0]:.3f} s | {ref['vector_same_n_s'][1]:.3f} s | "
        f"{same_us[0]:,.1f} | {same_us[1]:,.1f} |",
        "",
        f"Speed-up per trial at {ref['vector_trials']:,} trials: **{ref['speedup'][0]:,.1f}×** "
        f"(wall), {ref['speedup'][1]:,.1f}× (CPU); in one block of "
        f"{ref['reference_trials']:,} trials: {ref['speedup_same_n'][0]:,.1f}× (wall), "
        f"{ref['speedup_same_n'][1]:,.1f}× (CPU). "
        + (
            f"Target ≥ {ref['target']:g}×: {_met(min(ref['speedup']) >= ref['target'])}. "
            if judged
            else ""
        )
        + f"The two engines agree trial by trial on one shared key ({ref['agree_trials']} "
        f"trials): {'yes' if ref['agree'] else 'NO'}.",
        "",
        f"**Raid size** (synthetic theatre, its 50 radars and 50 units fixed, "
        f"{result['raid_size'][0]['trials']:,} trials, one worker):",
        "",
        "| threats | windows | decision points | compile (CPU) | plan (CPU) | engine wall "
        "| engine CPU | µs / trial (CPU) | throughput (CPU) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["raid_size"]:
        lines.append(
            f"| {r['threats']:,} | {r['windows']:,} | {r['decision_points']:,} | "
            f"{r['compile_s'][1]:.2f} s | {r['plan_s'][1]:.2f} s | {r['engine_s']:.2f} s | "
            f"{r['cpu_s']:.2f} s | {1e6 * r['cpu_s'] / r['trials']:,.0f} | "
            f"{r['throughput_cpu'] / 1e6:.2f} M / s |"
        )
    w = result["workers"]
    lines += [
        "",
        f"**Workers** (Japan example, {w['rows'][0]['trials']:,} trials, `run_trials`; CPU "
        "summed over the worker processes):",
        "",
        "| workers | wall | CPU | speed-up (wall) |",
        "|---:|---:|---:|---:|",
    ]
    for r in w["rows"]:
        lines.append(
            f"| {r['workers']} | {r['engine_s']:.2f} s | {r['cpu_s']:.2f} s | {r['speedup']:.2f}× |"
        )
    lines += ["", f"Outcomes identical across worker counts: {'yes' if w['identical'] else 'NO'}."]
    if "profile" in result:
        lines += [
            "",
            f"cProfile of `run_trials` on the Japan example, {result['profile_trials']:,} "
            "trials, one worker (own time):",
            "",
            "```",
            result["profile"].strip(),
            "```",
        ]
    return "\n".join(lines)
