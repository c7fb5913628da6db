"""Which unknown matters: uncertainty and global sensitivity over a scenario's notional figures.

A scenario's ``uncertain:`` section names field paths with distributions. Both studies
draw points of the unit hypercube, map each coordinate through its parameter's quantile
function, set the values on the scenario (:func:`hoplon.scenario.paths.apply_overrides`)
and run every sample with the same seed and trials (common random numbers), through the
sweep's executor and store (:func:`hoplon.analysis.sweep.run_sweep`):

- :func:`plan_uncertainty` / :func:`uncertainty`: a Latin hypercube or scrambled Sobol'
  sample; each metric's distribution over the parameters (mean, 5/50/95 percentiles),
  beside the Monte Carlo error of one sample's estimate;
- :func:`plan_sensitivity` / :func:`sensitivity`: Saltelli's sampling and the first-order
  and total Sobol' indices with bootstrap intervals, or Morris elementary effects; the
  estimators are SALib's.

The parameters are :mod:`hoplon.analysis.parameters`; the estimators,
:mod:`hoplon.analysis.indices`, take any model (``evaluate``), so the pipeline is
checked on the Ishigami function, whose indices are known in closed form.
See docs/sensitivity.md.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from hoplon._version import __version__
from hoplon.analysis.indices import (
    Design,
    morris_design,
    round6,
    sobol_design,
    uncertainty_sample,
)
from hoplon.analysis.parameters import Parameter, parameters, to_values
from hoplon.analysis.sweep import PointStore, SweepPlan, SweepPoint, SweepResult, run_sweep
from hoplon.compile import memory
from hoplon.errors import InputError
from hoplon.results.contract import CONTRACT
from hoplon.results.keys import canonical_json, point_key, study_id
from hoplon.scenario.loader import LoadedScenario, load_data
from hoplon.scenario.yamlio import parse_yaml, read_text

__all__ = [
    "METRICS",
    "SensitivityResult",
    "Study",
    "UncertaintyResult",
    "plan_sensitivity",
    "plan_uncertainty",
    "sensitivity",
    "uncertainty",
]

#: The metrics a study reports, from each sample's run (their means over trials).
METRICS = ("p_no_leak", "expected_leakers", "value_protected", "interceptor_cost_usd")
#: Most samples (runs) one study accepts.
MAX_SAMPLES = 200_000


# ============================================================================ the scenario


@dataclass(frozen=True)
class Study:
    """A scenario's parameters and the plan of its samples (points of a sweep)."""

    loaded: LoadedScenario
    params: list[Parameter]
    plan: SweepPlan
    design: Design | None = None
    """A sensitivity study's estimator design (its points are the plan's)."""


def _base(file: str | Path) -> tuple[LoadedScenario, dict[str, Any]]:
    name = str(file)
    data, text = read_text(Path(file))
    raw, positions = parse_yaml(text, name)
    return load_data(raw, name, positions, data), raw


def _plan(
    loaded: LoadedScenario,
    raw: dict[str, Any],
    samples: list[dict[str, Any]],
    kind: str,
    design: dict[str, Any],
    trials: int | None,
    seed: int | None,
) -> SweepPlan:
    """The samples as the points of a study the sweep's executor and store run."""
    name = loaded.path or "<scenario>"
    if len(samples) > MAX_SAMPLES:
        raise InputError.single(
            f"the study has {len(samples):,} samples; at most {MAX_SAMPLES:,} are accepted",
            file=name,
            field="samples",
        )
    s = loaded.spec.seed if seed is None else seed
    n = loaded.spec.trials if trials is None else trials
    if n < 2:
        raise InputError.single(
            f"a study needs at least 2 trials per sample (got {n})", field="trials"
        )
    points = []
    for i, overrides in enumerate(samples):
        what = hashlib.sha256(
            canonical_json({"scenario": loaded.sha256, "overrides": overrides}).encode()
        ).hexdigest()
        points.append(SweepPoint(i, overrides, s, n, point_key(what, s, n), what))
    definition = {"kind": kind, "sha256": loaded.sha256, **design, "seed": s, "trials": n}
    return SweepPlan(
        file=name,
        scenario=loaded.spec.name,
        sha256=loaded.sha256,
        raw=raw,
        sets=(),
        seed=s,
        trials=n,
        points=tuple(points),
        study_id=study_id(definition),
        memory_estimate=memory.estimate(loaded, n, workers=1),
        kind=kind,
        design=design,
    )


def _metric_arrays(result: SweepResult) -> dict[str, NDArray[np.float64]]:
    out: dict[str, list[float]] = {m: [] for m in METRICS}
    for point in result.points:
        for m in METRICS:
            est = point.metrics.get(m) or {}
            mean = est.get("mean")
            out[m].append(float("nan") if mean is None else float(mean))
    return {m: np.asarray(v, dtype=float) for m, v in out.items()}


def _mc_error(result: SweepResult) -> dict[str, float]:
    """The typical Monte Carlo standard error of one sample's estimate, per metric (the
    root mean square over samples of each interval's half-width / 1.96)."""
    out: dict[str, float] = {}
    for m in METRICS:
        half = []
        for point in result.points:
            ci = (point.metrics.get(m) or {}).get("ci95")
            if ci:
                half.append((ci[1] - ci[0]) / 2.0 / 1.959964)
        out[m] = round6(math.sqrt(float(np.mean(np.square(half))))) if half else 0.0
    return out


@dataclass
class UncertaintyResult:
    """Each metric's distribution over the uncertain parameters."""

    file: str
    scenario: str
    sha256: str
    method: str
    seed: int
    trials: int
    params: list[Parameter]
    distribution: dict[str, dict[str, float]]
    run: SweepResult
    wall_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The study as JSON data (docs/sensitivity.md)."""
        return {
            "contract": CONTRACT,
            "hoplon_version": __version__,
            "uncertainty": {
                **_head(self.file, self.scenario, self.sha256, self.seed, self.trials, self.run),
                "method": self.method,
                "samples": len(self.run.points),
                "parameters": [{"path": p.path, "distribution": p.describe()} for p in self.params],
                "wall_s": round(self.wall_s, 3),
            },
            "metrics": self.distribution,
        }


@dataclass
class SensitivityResult:
    """Sobol' indices or Morris effects of each metric, per uncertain parameter."""

    file: str
    scenario: str
    sha256: str
    method: Literal["sobol", "morris"]
    seed: int
    trials: int
    n: int
    evaluations: int
    params: list[Parameter]
    indices: dict[str, dict[str, dict[str, float]]]
    run: SweepResult
    mc_error: dict[str, float] = field(default_factory=dict)
    wall_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The study as JSON data (docs/sensitivity.md)."""
        head = _head(self.file, self.scenario, self.sha256, self.seed, self.trials, self.run)
        return {
            "contract": CONTRACT,
            "hoplon_version": __version__,
            "sensitivity": {
                **head,
                "method": self.method,
                ("n" if self.method == "sobol" else "trajectories"): self.n,
                "evaluations": self.evaluations,
                "parameters": [{"path": p.path, "distribution": p.describe()} for p in self.params],
                "monte_carlo_se": self.mc_error,
                "wall_s": round(self.wall_s, 3),
            },
            "indices": self.indices,
        }


def _head(
    file: str, scenario: str, sha256: str, seed: int, trials: int, run: SweepResult
) -> dict[str, Any]:
    return {
        "file": file,
        "scenario": scenario,
        "sha256": sha256,
        "seed": seed,
        "trials": trials,
        "study_id": run.plan.study_id,
        "store": run.store,
        "executor": run.executor,
        "computed": run.computed,
        "resumed": run.resumed,
    }


def _percentiles(y: NDArray[np.float64]) -> dict[str, float]:
    y = y[np.isfinite(y)]
    if y.size == 0:
        return {"mean": float("nan")}
    p5, p50, p95 = np.percentile(y, [5, 50, 95])
    return {k: round6(float(v)) for k, v in
            (("mean", y.mean()), ("std", y.std(ddof=1) if y.size > 1 else 0.0),
             ("p5", p5), ("p50", p50), ("p95", p95), ("min", y.min()), ("max", y.max()))}  # fmt: skip


def plan_uncertainty(
    file: str | Path,
    *,
    samples: int = 64,
    method: str = "lhs",
    trials: int | None = None,
    seed: int | None = None,
) -> Study:
    """Check the parameters and draw the samples of an uncertainty study.

    Raises:
        InputError: no ``uncertain:`` section, a parameter the scenario refuses, fewer
            than 2 samples, or an unknown method.
    """
    if method not in ("lhs", "sobol"):
        raise InputError.single(f"unknown method '{method}'; accepted: lhs, sobol", field="method")
    if samples < 2:
        raise InputError.single(f"give at least 2 samples (got {samples})", field="samples")
    if samples > MAX_SAMPLES:  # before drawing them
        raise InputError.single(
            f"{samples:,} samples; at most {MAX_SAMPLES:,} are accepted", field="samples"
        )
    loaded, raw = _base(file)
    params = parameters(loaded, raw)
    s = loaded.spec.seed if seed is None else seed
    unit = uncertainty_sample(len(params), samples, method, s)
    design = {"method": method, "samples": samples,
              "uncertain": {p.path: p.describe() for p in params}}  # fmt: skip
    plan = _plan(loaded, raw, to_values(params, unit), "uncertainty", design, trials, seed)
    return Study(loaded, params, plan)


def uncertainty(
    study: Study,
    *,
    workers: int | None = None,
    cluster: str | None = None,
    store: PointStore | None = None,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> UncertaintyResult:
    """Run every sample of an uncertainty study; each metric's distribution over them."""
    start = time.perf_counter()
    run = run_sweep(study.plan, workers=workers, cluster=cluster, store=store, resume=resume,
                    progress=progress, on_start=on_start)  # fmt: skip
    arrays = _metric_arrays(run)
    mc = _mc_error(run)
    distribution = {m: {**_percentiles(arrays[m]), "monte_carlo_se": mc[m]} for m in METRICS}
    plan = study.plan
    return UncertaintyResult(
        plan.file, plan.scenario, plan.sha256, str(plan.design["method"]), plan.seed,
        plan.trials, study.params, distribution, run, time.perf_counter() - start,
    )  # fmt: skip


def plan_sensitivity(
    file: str | Path,
    *,
    method: str = "sobol",
    n: int | None = None,
    levels: int = 4,
    second_order: bool = False,
    trials: int | None = None,
    seed: int | None = None,
) -> Study:
    """Check the parameters and draw the points of the estimator (Sobol' or Morris).

    ``n`` is the number of Saltelli base samples (a power of two; default 512) or of
    Morris trajectories (default 20).

    Raises:
        InputError: as :func:`plan_uncertainty`; ``n`` not a power of two for Sobol'.
    """
    if method not in ("sobol", "morris"):
        raise InputError.single(
            f"unknown method '{method}'; accepted: sobol, morris", field="method"
        )
    size = n if n is not None else (512 if method == "sobol" else 20)
    if method == "sobol" and (size < 2 or size & (size - 1)):
        raise InputError.single(
            f"Saltelli sampling takes a power of two of base samples (got {size}; e.g. 256, 512)",
            field="n",
        )
    if method == "morris" and size < 2:
        raise InputError.single(f"give at least 2 trajectories (got {size})", field="n")
    if levels < 2 or levels % 2:
        raise InputError.single(
            f"Morris takes an even number of levels, 2 or more (got {levels})", field="levels"
        )
    loaded, raw = _base(file)
    params = parameters(loaded, raw)
    k = len(params)
    per_sample = (2 * k + 2 if second_order else k + 2) if method == "sobol" else k + 1
    runs = size * per_sample
    if runs > MAX_SAMPLES:  # before drawing the design
        raise InputError.single(
            f"{size:,} {'base samples' if method == 'sobol' else 'trajectories'} of {k} "
            f"figures make {runs:,} runs; at most {MAX_SAMPLES:,} are accepted",
            field="n",
        )
    s = loaded.spec.seed if seed is None else seed
    estimator = (
        sobol_design(params, size, s, second_order)
        if method == "sobol"
        else morris_design(params, size, s, levels)
    )
    design = {"method": method, "n": size, "levels": levels, "second_order": second_order,
              "uncertain": {p.path: p.describe() for p in params}}  # fmt: skip
    samples = to_values(params, estimator.unit)
    plan = _plan(loaded, raw, samples, "sensitivity", design, trials, seed)
    return Study(loaded, params, plan, estimator)


def sensitivity(
    study: Study,
    *,
    workers: int | None = None,
    cluster: str | None = None,
    store: PointStore | None = None,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> SensitivityResult:
    """Run the study's samples, then its estimator on the metrics they gave."""
    if study.design is None:
        raise ValueError("a sensitivity study comes from plan_sensitivity (it has a design)")
    start = time.perf_counter()
    run = run_sweep(study.plan, workers=workers, cluster=cluster, store=store, resume=resume,
                    progress=progress, on_start=on_start)  # fmt: skip
    indices = study.design.analyze(study.params, _metric_arrays(run))
    plan = study.plan
    return SensitivityResult(
        plan.file, plan.scenario, plan.sha256, plan.design["method"], plan.seed, plan.trials,
        int(plan.design["n"]), study.design.evaluations, study.params, indices, run,
        _mc_error(run), time.perf_counter() - start,
    )  # fmt: skip
