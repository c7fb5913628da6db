"""Benchmark: the memory model's estimate against the measured peak resident memory.

Target (untrusted-input issue): the estimate of :mod:`hoplon.compile.memory` is within a factor of
2 of the peak resident memory (RSS) of a real run, on at least five scenario sizes from
10 to 100,000 threats.

Each size runs in a fresh child process (``python bench_memory.py --child SIZE``), so the
peak of one does not hide the next: the child builds and validates the scenario, takes
the estimate, compiles it and runs its trials in that process (one worker), and reports
its peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) after each step.

The scenarios are the synthetic Japan–Korea theatre of ``scenarios.py``: its full
defense (50 radars, 50 units) up to 1,000 threats; from 10,000 threats a smaller defense
and ballistic raids only, from launch points near their targets (short flights keep the
padded path grid of 100,000 threats within a few GiB, so the largest size can be
measured on an ordinary machine).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


@dataclass(frozen=True)
class Size:
    threats: int
    sensors: int
    units: int
    trials: int
    short: bool = False  # ballistic raids from launch points 150-300 km from the target

    @property
    def label(self) -> str:
        kind = "short-range ballistic" if self.short else "mixed"
        return f"{self.threats:,} threats ({kind}), {self.sensors} radars, {self.units} units"


@dataclass(frozen=True)
class Config:
    sizes: tuple[Size, ...]


DEFAULT = Config(
    sizes=(
        Size(10, 50, 50, 10_000),
        Size(100, 50, 50, 10_000),
        Size(1_000, 50, 50, 4_096),
        Size(10_000, 20, 20, 1_024, short=True),
        Size(30_000, 10, 10, 512, short=True),
        Size(100_000, 6, 6, 256, short=True),
    )
)
QUICK = Config(sizes=(Size(10, 10, 10, 1_000), Size(100, 10, 10, 1_000)))


def scenario(size: Size) -> dict[str, Any]:
    """The theatre of ``size`` as plain data (short: every raid a nearby SRBM raid)."""
    import random

    from pyproj import Geod

    from scenarios import ASSETS, theatre

    data = theatre(n_threats=size.threats, n_sensors=size.sensors, n_units=size.units)
    if size.short:
        geod = Geod(ellps="WGS84")
        places = {a[0]: (a[3], a[4]) for a in ASSETS} | {u["id"]: u["at"] for u in data["units"]}
        rng = random.Random(1)
        for raid in data["threats"]:
            lat1, lon1 = places[raid["target"]]
            lon0, lat0, _ = geod.fwd(
                lon1, lat1, rng.uniform(240.0, 330.0), rng.uniform(150e3, 300e3)
            )
            raid["type"] = "notional SRBM"
            raid["from"] = [round(lat0, 4), round(lon0, 4)]
        data["name"] += " (short-range ballistic raids)"
    data["trials"] = size.trials
    return data


def child(size: Size) -> dict[str, Any]:
    """Measure one size in this process: estimate, compile, run; peak RSS after each."""
    from hoplon.api import Scenario
    from hoplon.compile import memory
    from hoplon.scenario.loader import load_data

    after_import = memory.peak_rss_bytes()
    loaded = load_data(scenario(size), file="<benchmarks/bench_memory.py>")
    after_load = memory.peak_rss_bytes()
    start = time.perf_counter()
    est_compile = memory.estimate(loaded, size.trials, compile_only=True)
    est = memory.estimate(loaded, size.trials, workers=1)
    estimate_s = time.perf_counter() - start
    scen = Scenario(loaded)
    start = time.perf_counter()
    compiled = scen.compile()
    compile_s = time.perf_counter() - start
    after_compile = memory.peak_rss_bytes()
    waves = compiled.waves
    windows = sum(w.windows.count for w in waves)
    points = sum(int(w.windows.launch_s.shape[0]) for w in waves)
    del compiled
    start = time.perf_counter()
    result = scen.run(trials=size.trials, workers=1)
    run_s = time.perf_counter() - start
    after_run = memory.peak_rss_bytes()
    return {
        "label": size.label,
        "threats": size.threats,
        "sensors": size.sensors,
        "units": size.units,
        "trials": size.trials,
        "columns": est.columns,
        "windows": windows,
        "points": points,
        "decision_points": result.outcomes.decision_points,
        "estimate_s": estimate_s,
        "compile_s": compile_s,
        "run_s": run_s,
        "rss_import": after_import,
        "rss_load": after_load,
        "rss_compile": after_compile,
        "rss_run": after_run,
        "estimate_compile": est_compile.total,
        "estimate": est.total,
        "parts": est.parts,
        "pairs": est.pairs,
        "pair_samples": est.pair_samples,
    }


def _measure(size: Size) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(size.__dict__)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{size.label}: child failed ({proc.returncode}): {proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(config: Config = DEFAULT, profile: bool = False) -> dict[str, Any]:
    """Measure every size in its own child process."""
    rows = [_measure(size) for size in config.sizes]
    return {"benchmark": "memory", "rows": rows}


def _gib(n: float) -> str:
    return f"{n / 1024**3:.2f}"


def report(result: dict[str, Any]) -> str:
    lines = [
        "Peak RSS of one child process per size (validate, estimate, compile, run with one "
        "worker); the estimate is `hoplon.compile.memory.estimate(loaded, trials, workers=1)`.",
        "",
        "| scenario | trials | path columns | windows | points | compile | run "
        "| estimate compile (GiB) | peak after compile (GiB) | estimate run (GiB) "
        "| peak RSS (GiB) | measured / estimate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    worst = 1.0
    for r in result["rows"]:
        ratio = r["rss_run"] / r["estimate"]
        worst = max(worst, ratio, 1 / ratio)
        lines.append(
            f"| {r['label']} | {r['trials']:,} | {r['columns']:,} | {r['windows']:,} "
            f"| {r['points']:,} | {r['compile_s']:.1f} s | {r['run_s']:.1f} s "
            f"| {_gib(r['estimate_compile'])} | {_gib(r['rss_compile'])} "
            f"| {_gib(r['estimate'])} | {_gib(r['rss_run'])} | {ratio:.2f} |"
        )
    lines += [
        "",
        f"Largest factor between estimate and measurement: {worst:.2f} "
        f"(target ≤ 2: {'met' if worst <= 2 else 'NOT met'}). Estimating took at most "
        f"{max(r['estimate_s'] for r in result['rows']):.2f} s.",
        "",
        "Largest terms of each estimate:",
        "",
    ]
    from hoplon.compile.memory import size_text

    for r in result["rows"]:
        top = sorted(r["parts"].items(), key=lambda kv: -kv[1])[:4]
        lines.append(
            f"- {r['label']}: " + ", ".join(f"{k} {size_text(v)}" for k, v in top if v > 0)
        )
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.path.insert(0, str(HERE))
        print(json.dumps(child(Size(**json.loads(sys.argv[2])))))
    else:
        print(report(run()))
