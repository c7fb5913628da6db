"""The sensitivity pipeline reproduces Sobol' indices known in closed form.

1. The Ishigami function f = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi),
   a = 7, b = 0.1 (Ishigami & Homma, "An importance quantification technique in
   uncertainty analysis for computer models", ISUMA '90, 1990, pp. 398-403). Its
   variances in closed form: V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2,
   V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V3 = 0, VT3 = 8 b^2 pi^8/225, so
   S1 = 0.3139, S2 = 0.4424, S3 = 0, ST3 = 0.2437 (the values SALib's documentation and
   Saltelli et al., "Global Sensitivity Analysis: The Primer", 2008, quote).
   The model is plugged where the engine would be: the same sampling, quantile mapping
   and SALib estimators as ``hoplon sensitivity``.
2. Through the real engine: tests/data/one-layer-salvo.yaml, where
   P(no leaker) = f(r, p) = 1 - (1 - r p)^2 = 2 r p - r^2 p^2 with r ~ U(0.5, 1.0) the
   interceptor's reliability and p ~ U(0.4, 0.9) its kill probability. With the moments
   of the uniforms, E[f | r] = 2 r E[p] - r^2 E[p^2], and so on:
   E f = 0.716389, V = 0.0200764, S_r = 0.421827, S_p = 0.576694,
   ST_r = 1 - S_p = 0.423306, ST_p = 1 - S_r = 0.578173 (derived in ``_salvo_indices``).
   The third parameter, the unit cost, does not enter P(no leaker): its total index is 0.

Tolerance: 3 standard errors of each index, taken from SALib's bootstrap 95 % interval
(half-width / 1.96), plus the Monte Carlo bias of the engine's estimates (at most
P(1-P)/trials / V relative, below 0.01 here).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from hoplon.analysis.indices import sobol_indices
from hoplon.analysis.parameters import Parameter
from hoplon.analysis.uncertain import plan_sensitivity, sensitivity
from hoplon.scenario.schema import Uniform

SALVO = Path(__file__).resolve().parents[1] / "data" / "one-layer-salvo.yaml"
R = "catalog.interceptors[PAC-3 MSE].reliability"
P = "catalog.interceptors[PAC-3 MSE].sspk.srbm"
COST = "catalog.interceptors[PAC-3 MSE].unit_cost_usd"


def _tol(conf: float, extra: float = 0.0) -> float:
    return 3.0 * conf / 1.96 + extra


def _ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[str, float]:
    pi = math.pi
    v = a**2 / 8 + b * pi**4 / 5 + b**2 * pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    vt3 = 8 * b**2 * pi**8 / 225
    return {
        "S1": v1 / v,
        "S2": v2 / v,
        "S3": 0.0,
        "ST1": (v1 + vt3) / v,
        "ST2": v2 / v,
        "ST3": vt3 / v,
    }


def test_the_closed_form_ishigami_values_are_the_published_ones() -> None:
    s = _ishigami_indices()
    assert s["S1"] == pytest.approx(0.3139, abs=5e-5)
    assert s["S2"] == pytest.approx(0.4424, abs=5e-5)
    assert s["ST3"] == pytest.approx(0.2437, abs=5e-5)


def test_the_pipeline_reproduces_the_ishigami_indices() -> None:
    params = [Parameter(f"x{i}", Uniform(uniform=(-math.pi, math.pi))) for i in (1, 2, 3)]

    def ishigami(values: list[dict[str, float]]) -> dict[str, np.ndarray]:
        x = np.array([[v["x1"], v["x2"], v["x3"]] for v in values])
        y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
        return {"y": y}

    indices, evaluations = sobol_indices(params, ishigami, 2**13, seed=1)
    assert evaluations == 2**13 * (3 + 2)
    want = _ishigami_indices()
    for i in (1, 2, 3):
        got = indices["y"][f"x{i}"]
        assert abs(got["S1"] - want[f"S{i}"]) <= _tol(got["S1_conf"]), (i, got)
        assert abs(got["ST"] - want[f"ST{i}"]) <= _tol(got["ST_conf"]), (i, got)


def _moment(a: float, b: float, k: int) -> float:
    return (b ** (k + 1) - a ** (k + 1)) / ((k + 1) * (b - a))


def _salvo_indices() -> dict[str, float]:
    r = [_moment(0.5, 1.0, k) for k in range(5)]
    p = [_moment(0.4, 0.9, k) for k in range(5)]
    mean = 2 * r[1] * p[1] - r[2] * p[2]
    v = 4 * r[2] * p[2] - 4 * r[3] * p[3] + r[4] * p[4] - mean**2
    v_r = 4 * p[1] ** 2 * r[2] - 4 * p[1] * p[2] * r[3] + p[2] ** 2 * r[4] - mean**2
    v_p = 4 * r[1] ** 2 * p[2] - 4 * r[1] * r[2] * p[3] + r[2] ** 2 * p[4] - mean**2
    return {"S_r": v_r / v, "S_p": v_p / v, "ST_r": 1 - v_p / v, "ST_p": 1 - v_r / v, "V": v}


def test_the_salvo_closed_form_values() -> None:
    s = _salvo_indices()
    assert s["S_r"] == pytest.approx(0.421827, abs=1e-6)
    assert s["S_p"] == pytest.approx(0.576694, abs=1e-6)
    assert s["ST_r"] == pytest.approx(0.423306, abs=1e-6)


@pytest.mark.slow
def test_the_engine_s_salvo_indices_follow_the_closed_form() -> None:
    study = plan_sensitivity(SALVO, method="sobol", n=256)
    result = sensitivity(study, workers=2)
    ix = result.indices["p_no_leak"]
    want = _salvo_indices()
    bias = 0.25 / study.plan.trials / want["V"]  # Monte Carlo variance added to V, relative
    assert abs(ix[R]["S1"] - want["S_r"]) <= _tol(ix[R]["S1_conf"], bias), ix[R]
    assert abs(ix[P]["S1"] - want["S_p"]) <= _tol(ix[P]["S1_conf"], bias), ix[P]
    assert abs(ix[R]["ST"] - want["ST_r"]) <= _tol(ix[R]["ST_conf"], bias), ix[R]
    assert abs(ix[P]["ST"] - want["ST_p"]) <= _tol(ix[P]["ST_conf"], bias), ix[P]
    # the unit cost does not enter P(no leaker): with common random numbers its total
    # index is 0 within its interval (here exactly: the same draws give the same outcome)
    assert abs(ix[COST]["ST"]) <= _tol(ix[COST]["ST_conf"], 1e-12), ix[COST]
    # ... but it is all of what moves the interceptor spend per trial
    assert result.indices["interceptor_cost_usd"][COST]["ST"] > 0.9
