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

:func:`sobol_indices` and :func:`morris_effects` take any model (``evaluate``), so the
pipeline is checked on the Ishigami function, whose indices are known in closed form.
See docs/sensitivity.md.
"""

from __future__ import annotations

import copy
import hashlib
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from hoplon._version import __version__
from hoplon.analysis.sweep import PointStore, SweepPlan, SweepPoint, SweepResult, run_sweep
from hoplon.compile import memory
from hoplon.errors import InputError, OverrideError, Problem, format_path, parse_path
from hoplon.results.contract import CONTRACT
from hoplon.results.keys import canonical_json, point_key, study_id
from hoplon.scenario.loader import LoadedScenario, load_data
from hoplon.scenario.paths import apply_overrides, seed_catalog_entry
from hoplon.scenario.schema import (
    BetaDistribution,
    Choice,
    Distribution,
    Normal,
    Triangular,
    Uniform,
)
from hoplon.scenario.yamlio import parse_yaml, read_text

__all__ = [
    "METRICS",
    "Parameter",
    "SensitivityResult",
    "UncertaintyResult",
    "morris_effects",
    "parameters",
    "plan_sensitivity",
    "plan_uncertainty",
    "sensitivity",
    "sobol_indices",
    "uncertainty",
]

#: The metrics a study reports, from each sample's run (their means over trials).
METRICS = ("p_no_leak", "expected_leakers", "value_protected", "interceptor_cost_usd")
#: Most samples (runs) one study accepts.
MAX_SAMPLES = 200_000
#: Bootstrap resamples of SALib's intervals.
RESAMPLES = 200

Evaluate = Callable[[list[dict[str, Any]]], dict[str, NDArray[np.float64]]]


# ============================================================================ parameters


@dataclass(frozen=True)
class Parameter:
    """One uncertain field: its path, its distribution, and whether it takes whole numbers."""

    path: str
    dist: Distribution
    integer: bool = False

    def describe(self) -> str:
        """The distribution as written in the scenario: ``uniform [0.5, 0.9]``."""
        name, values = next(iter(self.dist.model_dump().items()))
        return f"{name} {list(values)}"

    def bounds(self) -> tuple[Any, ...]:
        """The values a sample may reach at its extremes (each value of a choice)."""
        d = self.dist
        if isinstance(d, Choice):
            return tuple(d.choice)
        if isinstance(d, Uniform):
            return self._cast(d.uniform[0]), self._cast(d.uniform[1])
        if isinstance(d, Triangular):
            return self._cast(d.triangular[0]), self._cast(d.triangular[2])
        if isinstance(d, BetaDistribution):
            low, high = (d.beta[2], d.beta[3]) if len(d.beta) == 4 else (0.0, 1.0)
            return self._cast(low), self._cast(high)
        assert isinstance(d, Normal)
        return self._cast(d.normal[2]), self._cast(d.normal[3])

    def values(self, u: NDArray[np.float64]) -> list[Any]:
        """The values at unit-interval points ``u`` (the quantile function)."""
        from scipy import stats

        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        d = self.dist
        if isinstance(d, Choice):
            k = np.minimum((u * len(d.choice)).astype(np.int64), len(d.choice) - 1)
            return [d.choice[int(i)] for i in k]
        if isinstance(d, Uniform):
            low, high = d.uniform
            x = low + (high - low) * u
        elif isinstance(d, Triangular):
            low, mode, high = d.triangular
            c = (mode - low) / (high - low)
            x = stats.triang.ppf(u, c, loc=low, scale=high - low)
        elif isinstance(d, BetaDistribution):
            a, b = d.beta[0], d.beta[1]
            low, high = (d.beta[2], d.beta[3]) if len(d.beta) == 4 else (0.0, 1.0)
            x = low + (high - low) * stats.beta.ppf(u, a, b)
        else:
            mean, sd, low, high = d.normal
            x = stats.truncnorm.ppf(u, (low - mean) / sd, (high - mean) / sd, loc=mean, scale=sd)
        return [self._cast(v) for v in np.asarray(x, dtype=float)]

    def _cast(self, value: float) -> Any:
        return int(round(value)) if self.integer else float(value)


def _value_at(raw: Any, path: str) -> Any:
    """The value at ``path`` in ``raw`` (ids resolved), or None where there is none."""
    from hoplon.errors import Select

    node = raw
    for part in parse_path(path):
        if isinstance(node, list) and isinstance(part, Select):
            node = next(
                (x for x in node if isinstance(x, dict) and str(x.get("id")) == part.text), None
            )
        elif isinstance(node, list) and isinstance(part, int):
            node = node[part] if 0 <= part < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part.text if isinstance(part, Select) else part)
        else:
            return None
    return node


def parameters(loaded: LoadedScenario, raw: Mapping[str, Any]) -> list[Parameter]:
    """The scenario's uncertain parameters, each checked against the scenario.

    A parameter is refused when its path names no field, or when one of its extreme
    values (each value of a ``choice``) is a value the field does not accept: the message
    names the ``uncertain:`` entry's line and what the scenario refused.

    Raises:
        InputError: no ``uncertain:`` section, or a parameter the scenario refuses.
    """
    spec = loaded.spec
    file = loaded.path or "<scenario>"
    if not spec.uncertain:
        raise InputError.single(
            "the scenario has no uncertain: section; add one, e.g. uncertain: "
            '{catalog.interceptors."SM-3 Block IB".sspk.mrbm: {uniform: [0.5, 0.9]}} '
            "(docs/sensitivity.md)",
            file=file,
            field="uncertain",
        )
    out: list[Parameter] = []
    for path, dist in spec.uncertain.items():
        line, column = loaded.positions.get(("uncertain", path), (None, None))
        where = f"uncertain.{path}"
        try:
            key = format_path(parse_path(path))
        except OverrideError as exc:
            raise InputError(Problem(str(exc), where, line, column), file) from None
        seeded = copy.deepcopy(dict(raw))
        seed_catalog_entry(seeded, parse_path(path))
        base = _value_at(seeded, path)
        integer = (
            isinstance(base, int) and not isinstance(base, bool) and not isinstance(dist, Choice)
        )
        param = Parameter(key, dist, integer)
        for value in param.bounds():
            try:
                load_data(apply_overrides(raw, {key: value}), file, loaded.positions)
            except OverrideError as exc:
                raise InputError(
                    Problem(str(exc).removeprefix(f"{key}: "), where, line, column), file
                ) from None
            except InputError as exc:
                p = exc.problems[0]
                what = f"{p.field}: {p.message}" if p.field else p.message
                raise InputError(
                    Problem(
                        f"{param.describe()} reaches {value!r}, which the scenario refuses "
                        f"({what})",
                        where,
                        line,
                        column,
                    ),
                    file,
                ) from None
        out.append(param)
    return out


def to_values(params: Sequence[Parameter], unit: NDArray[np.float64]) -> list[dict[str, Any]]:
    """Each row of unit-cube points as ``{path: value}``."""
    columns = [p.values(unit[:, j]) for j, p in enumerate(params)]
    return [{p.path: columns[j][i] for j, p in enumerate(params)} for i in range(unit.shape[0])]


def _problem(params: Sequence[Parameter]) -> dict[str, Any]:
    """The SALib problem: every parameter on the unit interval (values come from the
    quantile functions, so indices are those of the parameters' own distributions)."""
    return {
        "num_vars": len(params),
        "names": [p.path for p in params],
        "bounds": [[0.0, 1.0]] * len(params),
    }


# ============================================================================ estimators


def sobol_indices(
    params: Sequence[Parameter],
    evaluate: Evaluate,
    n: int,
    seed: int,
    second_order: bool = False,
) -> tuple[dict[str, dict[str, dict[str, float]]], int]:
    """First-order and total Sobol' indices of each metric ``evaluate`` returns.

    Saltelli's sampling (SALib, scrambled Sobol' points, ``n`` base samples, a power of
    two; ``n (k + 2)`` evaluations, ``n (2k + 2)`` with ``second_order``), the
    Jansen/Saltelli estimators and their bootstrap 95 % intervals (SALib
    ``sobol.analyze``). Returns ``{metric: {path: {S1, S1_conf, ST, ST_conf}}}`` (with
    ``second_order``, also ``{"S2": {other path: [S2, S2_conf]}}`` for each later
    parameter) and the number of evaluations.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    problem = _problem(params)
    unit = sobol_sample.sample(problem, n, calc_second_order=second_order, scramble=True, seed=seed)
    outputs = evaluate(to_values(params, unit))
    indices: dict[str, dict[str, dict[str, float]]] = {}
    for metric, y in outputs.items():
        y = np.asarray(y, dtype=float)
        if not np.all(np.isfinite(y)) or float(np.var(y)) == 0.0:
            indices[metric] = {p.path: _constant_sobol() for p in params}
            continue
        res = sobol_analyze.analyze(
            problem, y, calc_second_order=second_order, num_resamples=RESAMPLES,
            conf_level=0.95, seed=seed,
        )  # fmt: skip
        indices[metric] = {
            p.path: {k: _round(float(res[k][j])) for k in ("S1", "S1_conf", "ST", "ST_conf")}
            for j, p in enumerate(params)
        }
        if second_order:
            for j, p in enumerate(params):
                indices[metric][p.path]["S2"] = {  # type: ignore[assignment]
                    q.path: [_round(float(res["S2"][j, m])), _round(float(res["S2_conf"][j, m]))]
                    for m, q in enumerate(params)
                    if m > j
                }
    return indices, int(unit.shape[0])


def _constant_sobol() -> dict[str, float]:
    """A metric that does not vary: no parameter explains any of it."""
    return {"S1": 0.0, "S1_conf": 0.0, "ST": 0.0, "ST_conf": 0.0}


def morris_effects(
    params: Sequence[Parameter],
    evaluate: Evaluate,
    trajectories: int,
    seed: int,
    levels: int = 4,
) -> tuple[dict[str, dict[str, dict[str, float]]], int]:
    """Morris elementary effects of each metric: ``mu``, ``mu_star`` (mean absolute
    effect, with its bootstrap 95 % interval) and ``sigma``, per parameter, from
    ``trajectories`` one-at-a-time trajectories on a ``levels``-level grid of the unit
    cube (SALib ``morris``; ``trajectories (k + 1)`` evaluations). Effects are per unit
    step of each parameter's quantile (its whole range is 1)."""
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    problem = _problem(params)
    unit = morris_sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    outputs = evaluate(to_values(params, unit))
    effects: dict[str, dict[str, dict[str, float]]] = {}
    for metric, y in outputs.items():
        y = np.asarray(y, dtype=float)
        res = morris_analyze.analyze(
            problem, unit, y, num_resamples=RESAMPLES, conf_level=0.95, num_levels=levels, seed=seed
        )
        effects[metric] = {
            p.path: {
                k: _round(float(res[k][j])) for k in ("mu", "mu_star", "sigma", "mu_star_conf")
            }
            for j, p in enumerate(params)
        }
    return effects, int(unit.shape[0])


def _round(x: float) -> float:
    return float(f"{x:.6g}") + 0.0 if math.isfinite(x) else float("nan")


def uncertainty_sample(k: int, n: int, method: str, seed: int) -> NDArray[np.float64]:
    """``n`` points of the unit cube in ``k`` dimensions: Latin hypercube or scrambled Sobol'."""
    from scipy.stats import qmc

    engine = (
        qmc.LatinHypercube(d=k, seed=seed)
        if method == "lhs"
        else qmc.Sobol(d=k, scramble=True, seed=seed)
    )
    return np.asarray(engine.random(n), dtype=float)


# ============================================================================ the scenario


@dataclass(frozen=True)
class Study:
    """A scenario's parameters and the plan of its samples (points of a sweep)."""

    loaded: LoadedScenario
    params: list[Parameter]
    plan: SweepPlan


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
        out[m] = _round(math.sqrt(float(np.mean(np.square(half))))) if half else 0.0
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
    run: SweepResult | None = None
    mc_error: dict[str, float] = field(default_factory=dict)
    wall_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The study as JSON data (docs/sensitivity.md)."""
        head = (
            _head(self.file, self.scenario, self.sha256, self.seed, self.trials, self.run)
            if self.run is not None
            else {
                "file": self.file,
                "scenario": self.scenario,
                "sha256": self.sha256,
                "seed": self.seed,
                "trials": self.trials,
            }  # fmt: skip
        )
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
    return {k: _round(float(v)) for k, v in
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
) -> tuple[Study, Callable[[Evaluate], tuple[dict[str, Any], int]]]:
    """Check the parameters, and the estimator to run on them (Sobol' or Morris).

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
    s = loaded.spec.seed if seed is None else seed
    captured: list[list[dict[str, Any]]] = []

    def capture(values: list[dict[str, Any]]) -> dict[str, NDArray[np.float64]]:
        captured.append(values)
        return {m: np.zeros(len(values)) for m in METRICS}

    estimator: Callable[[Evaluate], tuple[dict[str, Any], int]]
    if method == "sobol":
        sobol_indices(params, capture, size, s, second_order)  # the design: the samples to run
        estimator = lambda ev: sobol_indices(params, ev, size, s, second_order)  # noqa: E731
    else:
        morris_effects(params, capture, size, s, levels)
        estimator = lambda ev: morris_effects(params, ev, size, s, levels)  # noqa: E731
    design = {"method": method, "n": size, "levels": levels, "second_order": second_order,
              "uncertain": {p.path: p.describe() for p in params}}  # fmt: skip
    plan = _plan(loaded, raw, captured[0], "sensitivity", design, trials, seed)
    return Study(loaded, params, plan), estimator


def sensitivity(
    study: Study,
    estimator: Callable[[Evaluate], tuple[dict[str, Any], int]],
    *,
    workers: int | None = None,
    cluster: str | None = None,
    store: PointStore | None = None,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> SensitivityResult:
    """Run the study's samples, then the estimator on the metrics they gave."""
    start = time.perf_counter()
    holder: dict[str, SweepResult] = {}

    def evaluate(values: list[dict[str, Any]]) -> dict[str, NDArray[np.float64]]:
        # the estimator draws the same design as the plan did (same parameters, size, seed)
        assert [p.overrides for p in study.plan.points] == values
        run = run_sweep(study.plan, workers=workers, cluster=cluster, store=store, resume=resume,
                        progress=progress, on_start=on_start)  # fmt: skip
        holder["run"] = run
        return _metric_arrays(run)

    indices, evaluations = estimator(evaluate)
    plan, run = study.plan, holder["run"]
    design = plan.design
    return SensitivityResult(
        plan.file, plan.scenario, plan.sha256, design["method"], plan.seed, plan.trials,
        int(design["n"]), evaluations, study.params, indices, run, _mc_error(run),
        time.perf_counter() - start,
    )  # fmt: skip
