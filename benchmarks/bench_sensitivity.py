"""Benchmark: global sensitivity studies on the Japan example, on every core.

- **Sobol'**: the six uncertain figures of ``examples/japan-uncertain-figures.yaml``,
  Saltelli sampling with second-order indices, ``N (2k + 2)`` runs with N = 512
  (7,168 runs), 5,000 trials each, as ``hoplon sensitivity FILE --n 512
  --second-order --trials 5000``.
- **Morris**: a screen of 20 uncertain figures (the six, plus kill probabilities
  against SRBMs, reliabilities, radar ranges and track times, magazines, a raid's size
  and the assessment time), 20 trajectories (``20 (k + 1)`` = 420 runs), 5,000 trials
  each.

No results store (``--no-store``): the figures measured are the sampling, the runs and
the estimators. Run it with ``.venv/bin/python benchmarks/run.py sensitivity [--quick]``.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "japan-uncertain-figures.yaml"

#: The 14 figures the Morris screen adds to the example's six.
MORE = """\
  catalog.interceptors."SM-3 Block IB".sspk.srbm: {uniform: [0.5, 0.9]}
  catalog.interceptors."SM-3 Block IIA".sspk.srbm: {uniform: [0.6, 0.95]}
  catalog.interceptors."PAC-3 MSE".sspk.srbm: {uniform: [0.5, 0.9]}
  catalog.interceptors."SM-3 Block IB".reliability: {uniform: [0.8, 0.98]}
  catalog.interceptors."SM-3 Block IIA".reliability: {uniform: [0.8, 0.98]}
  catalog.threats."notional SRBM".reliability: {uniform: [0.7, 0.95]}
  catalog.sensors."J/FPS-5".range_km: {uniform: [1500, 2500]}
  catalog.sensors."SPY-1D".range_km: {uniform: [300, 600]}
  catalog.sensors."AN/TPY-2".track_time_s: {uniform: [5, 20]}
  catalog.sensors."J/FPS-5".track_time_s: {uniform: [10, 30]}
  units[patriot-tokyo].magazine.PAC-3 MSE: {uniform: [8, 24]}
  units[ddg-kongo].magazine.SM-3 Block IB: {choice: [4, 8, 12]}
  threats[mrbm-tokyo].count: {choice: [4, 6, 8]}
  doctrine.assessment_s: {uniform: [5, 20]}
"""


@dataclass(frozen=True)
class Config:
    """How large each study is."""

    sobol_n: int = 512
    second_order: bool = True
    morris_trajectories: int = 20
    trials: int = 5_000
    seed: int = 7
    workers: int = os.cpu_count() or 1


DEFAULT = Config()
QUICK = Config(sobol_n=4, second_order=False, morris_trajectories=2, trials=200)


def _twenty(folder: Path) -> Path:
    path = folder / "japan-twenty-uncertain.yaml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").rstrip() + "\n" + MORE, encoding="utf-8")
    return path


def _top(indices: dict[str, dict[str, float]], key: str) -> list[tuple[str, float]]:
    return sorted(((p, ix[key]) for p, ix in indices.items()), key=lambda kv: -kv[1])[:3]


def run(config: Config = DEFAULT, profile: bool = False) -> dict[str, Any]:
    """Time the Sobol' study and the Morris screen (``profile`` is ignored: the work is
    in worker processes)."""
    from hoplon.analysis.uncertain import plan_sensitivity, sensitivity

    out: dict[str, Any] = {"benchmark": "sensitivity", "config": asdict(config)}
    start = time.perf_counter()
    study = plan_sensitivity(
        EXAMPLE, method="sobol", n=config.sobol_n, second_order=config.second_order,
        trials=config.trials, seed=config.seed,
    )  # fmt: skip
    sobol = sensitivity(study, workers=config.workers)
    out["sobol"] = {
        "parameters": len(sobol.params),
        "runs": sobol.evaluations,
        "wall_s": time.perf_counter() - start,
        "top_p_no_leak": _top(sobol.indices["p_no_leak"], "ST"),
        "top_value_protected": _top(sobol.indices["value_protected"], "ST"),
    }
    with tempfile.TemporaryDirectory(prefix="hoplon-bench-sens-") as folder:
        start = time.perf_counter()
        study = plan_sensitivity(
            _twenty(Path(folder)), method="morris", n=config.morris_trajectories,
            trials=config.trials, seed=config.seed,
        )  # fmt: skip
        morris = sensitivity(study, workers=config.workers)
        out["morris"] = {
            "parameters": len(morris.params),
            "runs": morris.evaluations,
            "computed": morris.run.computed if morris.run else None,
            "wall_s": time.perf_counter() - start,
            "top_p_no_leak": _top(morris.indices["p_no_leak"], "mu_star"),
        }
    return out


def report(result: dict[str, Any]) -> str:
    """The figures as Markdown."""
    cfg, s, m = result["config"], result["sobol"], result["morris"]

    def top(rows: list[tuple[str, float]]) -> str:
        return "; ".join(f"{p} {v:.3f}" for p, v in rows)

    return "\n".join(
        [
            f"`hoplon sensitivity examples/japan-uncertain-figures.yaml --n {cfg['sobol_n']}"
            f"{' --second-order' if cfg['second_order'] else ''} --trials {cfg['trials']} "
            f"--workers {cfg['workers']} --no-store`, and a Morris screen of 20 figures "
            f"(`--method morris --n {cfg['morris_trajectories']}`).",
            "",
            "| study | parameters | runs | wall time |",
            "|---|---:|---:|---:|",
            f"| Sobol' (first, total{', second order' if cfg['second_order'] else ''}) | "
            f"{s['parameters']} | {s['runs']:,} | {s['wall_s']:.1f} s |",
            f"| Morris | {m['parameters']} | {m['runs']:,} ({m['computed']:,} distinct) | "
            f"{m['wall_s']:.1f} s |",
            "",
            f"Largest total Sobol indices of P(no leaker): {top(s['top_p_no_leak'])}.",
            f"Of value protected: {top(s['top_value_protected'])}.",
            f"Largest Morris mu* of P(no leaker): {top(m['top_p_no_leak'])}.",
        ]
    )
