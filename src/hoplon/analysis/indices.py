"""Estimators of global sensitivity and the samples they need, for any model.

``evaluate`` takes the sampled values (``{path: value}`` per sample) and returns each
metric's value per sample; the scenario's studies (:mod:`hoplon.analysis.uncertain`)
plug the engine there, the validation tests the Ishigami function. The estimators are
SALib's (Saltelli sampling, Sobol' indices with bootstrap intervals, Morris effects).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Design:
    """The points of the unit cube an estimator needs, and how it reads their outputs.

    Drawn once (:func:`sobol_design`, :func:`morris_design`): a study runs the points
    (``to_values(params, design.unit)``) however it likes, then :meth:`analyze` turns
    each metric's outputs, in the points' order, into indices.
    """

    method: str
    """``sobol`` or ``morris``."""
    unit: NDArray[np.float64]
    seed: int
    second_order: bool = False
    levels: int = 4

    @property
    def evaluations(self) -> int:
        return int(self.unit.shape[0])

    def analyze(
        self, params: Sequence[Parameter], outputs: Mapping[str, NDArray[np.float64]]
    ) -> dict[str, dict[str, dict[str, float]]]:
        """Sobol' indices or Morris effects of each metric, per parameter."""
        if self.method == "sobol":
            return {m: self._sobol(params, np.asarray(y, dtype=float)) for m, y in outputs.items()}
        return {m: self._morris(params, np.asarray(y, dtype=float)) for m, y in outputs.items()}

    def _sobol(self, params: Sequence[Parameter], y: NDArray[np.float64]) -> dict[str, Any]:
        from SALib.analyze import sobol as sobol_analyze

        if not np.all(np.isfinite(y)) or float(np.var(y)) == 0.0:
            return {p.path: _constant_sobol() for p in params}
        res = sobol_analyze.analyze(
            _problem(params), y, calc_second_order=self.second_order, num_resamples=RESAMPLES,
            conf_level=0.95, seed=self.seed,
        )  # fmt: skip
        out: dict[str, Any] = {
            p.path: {k: round6(float(res[k][j])) for k in ("S1", "S1_conf", "ST", "ST_conf")}
            for j, p in enumerate(params)
        }
        if self.second_order:
            for j, p in enumerate(params):
                out[p.path]["S2"] = {
                    q.path: [round6(float(res["S2"][j, m])), round6(float(res["S2_conf"][j, m]))]
                    for m, q in enumerate(params)
                    if m > j
                }
        return out

    def _morris(self, params: Sequence[Parameter], y: NDArray[np.float64]) -> dict[str, Any]:
        from SALib.analyze import morris as morris_analyze

        res = morris_analyze.analyze(
            _problem(params), self.unit, y, num_resamples=RESAMPLES, conf_level=0.95,
            num_levels=self.levels, seed=self.seed,
        )  # fmt: skip
        return {
            p.path: {
                k: round6(float(res[k][j])) for k in ("mu", "mu_star", "sigma", "mu_star_conf")
            }
            for j, p in enumerate(params)
        }


def sobol_design(
    params: Sequence[Parameter], n: int, seed: int, second_order: bool = False
) -> Design:
    """Saltelli's sampling (SALib, scrambled Sobol' points, ``n`` base samples, a power of
    two): ``n (k + 2)`` points, ``n (2k + 2)`` with ``second_order``. Its indices are
    the Jansen/Saltelli estimators with bootstrap 95 % intervals (SALib ``sobol.analyze``):
    ``{metric: {path: {S1, S1_conf, ST, ST_conf}}}`` (with ``second_order``, also
    ``{"S2": {other path: [S2, S2_conf]}}`` for each later parameter)."""
    from SALib.sample import sobol as sobol_sample

    unit = sobol_sample.sample(
        _problem(params), n, calc_second_order=second_order, scramble=True, seed=seed
    )
    return Design("sobol", unit, seed, second_order=second_order)


def morris_design(
    params: Sequence[Parameter], trajectories: int, seed: int, levels: int = 4
) -> Design:
    """``trajectories`` one-at-a-time Morris trajectories on a ``levels``-level grid of the
    unit cube (SALib ``morris``; ``trajectories (k + 1)`` points). Its effects are ``mu``,
    ``mu_star`` (mean absolute effect, with its bootstrap 95 % interval) and ``sigma``,
    per unit step of each parameter's quantile (its whole range is 1)."""
    from SALib.sample import morris as morris_sample

    unit = morris_sample.sample(_problem(params), trajectories, num_levels=levels, seed=seed)
    return Design("morris", unit, seed, levels=levels)


def sobol_indices(
    params: Sequence[Parameter],
    evaluate: Evaluate,
    n: int,
    seed: int,
    second_order: bool = False,
) -> tuple[dict[str, dict[str, dict[str, float]]], int]:
    """First-order and total Sobol' indices of each metric ``evaluate`` returns, and the
    number of evaluations (:func:`sobol_design`, then :meth:`Design.analyze`)."""
    design = sobol_design(params, n, seed, second_order)
    return design.analyze(params, evaluate(to_values(params, design.unit))), design.evaluations


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
    """Morris elementary effects of each metric ``evaluate`` returns, and the number of
    evaluations (:func:`morris_design`, then :meth:`Design.analyze`)."""
    design = morris_design(params, trajectories, seed, levels)
    return design.analyze(params, evaluate(to_values(params, design.unit))), design.evaluations


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
