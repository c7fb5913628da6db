"""Run Hoplon's benchmarks and print their figures as Markdown.

Usage (from the repository root; ``make bench`` runs every benchmark)::

    .venv/bin/python benchmarks/run.py                  # all benchmarks
    .venv/bin/python benchmarks/run.py geometry         # one of them
    .venv/bin/python benchmarks/run.py engine --quick   # a tiny version (seconds)
    .venv/bin/python benchmarks/run.py --profile        # add cProfile listings
    .venv/bin/python benchmarks/run.py --json out.json  # also save the raw figures

Each benchmark prints a section shaped as in ``benchmarks/README.md``: the command, a
"Machine" subsection (cores, CPU, memory, versions, commit, date, load average) and
the figures, so a run can be pasted there as it is.
Each benchmark module offers ``DEFAULT`` and ``QUICK`` configurations, ``run(config,
profile=...)`` returning plain data and ``report(result)`` returning Markdown; add a
new one to :data:`BENCHMARKS`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import bench_coalition  # noqa: E402
import bench_engine  # noqa: E402
import bench_footprint  # noqa: E402
import bench_geometry  # noqa: E402
import bench_kernel  # noqa: E402
import bench_memory  # noqa: E402
import bench_plan  # noqa: E402
import bench_sensitivity  # noqa: E402
import bench_sweep  # noqa: E402
import bench_trade  # noqa: E402

#: name -> (module, title of its README section)
BENCHMARKS: dict[str, tuple[ModuleType, str]] = {
    "geometry": (bench_geometry, "Geometry compile"),
    "engine": (bench_engine, "Engine"),
    "kernel": (bench_kernel, "Engine kernel: time order, compiled"),
    "coalition": (bench_coalition, "Coalition analysis"),
    "sweep": (bench_sweep, "Sweep: local processes"),
    "memory": (bench_memory, "Memory model"),
    "sensitivity": (bench_sensitivity, "Sensitivity: Sobol' indices and a Morris screen"),
    "plan": (bench_plan, "Planned doctrine: planning the theatre"),
    "footprint": (bench_footprint, "Defended footprint"),
    "trade": (bench_trade, "Trade space: the exhaustive front and NSGA-II"),
}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return None


def _git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "src"],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' (src/ modified)' if dirty else ''}" if head else "unknown"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import numpy
    import pyproj

    import hoplon

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return {
        "nproc": cores,
        "cpu": _cpu_model(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "pyproj": pyproj.__version__,
        "hoplon": hoplon.__version__,
        "commit": _git_commit(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "loadavg_start": os.getloadavg(),
    }


def machine_report(info: dict[str, Any]) -> str:
    """The machine as a Markdown list."""
    mem = f"{info['memory_gib']:.1f} GiB" if info["memory_gib"] else "unknown"
    start, end = info["loadavg_start"][0], info.get("loadavg_end", (float("nan"),))[0]
    return "\n".join(
        [
            f"- cores (`nproc`): {info['nproc']}; CPU: {info['cpu']}; memory: {mem}",
            f"- Python {info['python']}, numpy {info['numpy']}, pyproj {info['pyproj']}, "
            f"hoplon {info['hoplon']} at commit {info['commit']}",
            f"- date: {info['date']}; 1-minute load average at start → end: "
            f"{start:.2f} → {end:.2f} (other work on the machine shows here)",
        ]
    )


def section(title: str, command: str, info: dict[str, Any], body: str, seconds: float) -> str:
    """One benchmark's recorded run, shaped as in benchmarks/README.md."""
    return "\n\n".join(
        [
            f"## {title}",
            f"### Run of {info['date']}",
            f"Command: `{command}` (the benchmark took {seconds:.0f} s)",
            "#### Machine",
            machine_report(info),
            "#### Figures",
            body,
        ]
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options; ``names`` comes back as the benchmarks to run, in order."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "names",
        nargs="*",
        metavar="BENCHMARK",
        help=f"benchmarks to run: {', '.join(BENCHMARKS)} or all (default: all)",
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--profile", action="store_true", help="add cProfile listings")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write raw figures")
    args = parser.parse_args(argv)
    # (argparse's `choices` refuses an empty list with nargs="*", so check by hand.)
    unknown = [n for n in args.names if n not in BENCHMARKS and n != "all"]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}, all")
    if not args.names or "all" in args.names:
        args.names = list(BENCHMARKS)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    names = args.names

    results: dict[str, Any] = {"quick": args.quick}
    sections = []
    for name in names:
        module, title = BENCHMARKS[name]
        config = module.QUICK if args.quick else module.DEFAULT
        info = machine()
        start = time.perf_counter()
        result = module.run(config, profile=args.profile)
        seconds = time.perf_counter() - start
        info["loadavg_end"] = os.getloadavg()
        result["machine"] = info
        result["benchmark_s"] = seconds
        results[name] = result
        flags = " --quick" * args.quick + " --profile" * args.profile
        command = f".venv/bin/python benchmarks/run.py {name}{flags}"
        title += " (quick)" * args.quick
        sections.append(section(title, command, info, module.report(result), seconds))
        print(f"{name}: done in {seconds:.1f} s", file=sys.stderr)
    print("\n\n".join(sections))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
