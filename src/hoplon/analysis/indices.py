"""Estimators of global sensitivity and the samples they need, for any model.

``evaluate`` takes the sampled values (``{path: value}`` per sample) and returns each
metric's value per sample; the scenario's studies (:mod:`hoplon.analysis.uncertain`)
plug the engine there, the validation tests the Ishigami function. The estimators are
SALib's (Saltelli sampling, Sobol' indices with bootstrap intervals, Morris effects).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hoplon.analysis.parameters import Parameter, to_values

#: Bootstrap resamples of SALib's intervals.
RESAMPLES = 200

Evaluate = Callable[[list[dict[str, Any]]], dict[str, NDArray[np.float64]]]


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
            p.path: {k: round6(float(res[k][j])) for k in ("S1", "S1_conf", "ST", "ST_conf")}
            for j, p in enumerate(params)
        }
        if second_order:
            for j, p in enumerate(params):
                indices[metric][p.path]["S2"] = {  # type: ignore[assignment]
                    q.path: [round6(float(res["S2"][j, m])), round6(float(res["S2_conf"][j, m]))]
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
                k: round6(float(res[k][j])) for k in ("mu", "mu_star", "sigma", "mu_star_conf")
            }
            for j, p in enumerate(params)
        }
    return effects, int(unit.shape[0])


def round6(x: float) -> float:
    """Six significant digits (JSON that reads well and compares exactly)."""
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
