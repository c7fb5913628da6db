"""The Monte Carlo engine agrees with the closed-form layered-defense model.

Sources of the closed forms: salvo kill 1 - (1 - p)^n and layer effectiveness
rho * [1 - (1 - p)^n], the open jimjkelly/missile-defense calculator (src/js/calculations.js)
after Scott LaFoy's model; leakers through independent layers are binomial (Operations
Research 30(3), 1982, "Analysis of a Layered Defense Model"). Tolerance: 4 standard
errors of the Monte Carlo estimate (computed from the closed-form probability and the
number of trials); the chi-square test rejects at p < 0.001.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from engine_fixtures import make_model
from hoplon.core import analytic
from hoplon.core.runner import run_trials

TRIALS = 100_000


def _within(estimate: float, expected: float, n: int, what: str) -> None:
    se = math.sqrt(max(expected * (1 - expected), 1e-12) / n)
    assert abs(estimate - expected) <= 4 * se, (
        f"{what}: {estimate} vs {expected} (4 SE = {4 * se:.5f})"
    )


def _layers_model(
    n_threats: int, layers: list[tuple[float, int]], reliability: float, spe: int = 1
):
    """Independent layers: layer k is unit k with one engagement per threat, in time order."""
    windows = []
    for k, (p, _) in enumerate(layers):
        for t in range(n_threats):
            launch = 100.0 * (k + 1) + t
            windows.append({"unit": k, "interceptor": k, "threat": t, "p": p,
                            "points": [(launch, launch + 20.0)]})  # fmt: skip
    units = [{"stock": {k: 10 * n_threats * spe}} for k in range(len(layers))]  # ample
    return make_model(
        n_threats=n_threats, units=units, windows=windows, threat_reliability=reliability,
        shots_per_engagement=spe, shoot_look_shoot=False,
    )  # fmt: skip


def test_one_layer_salvo_matches_closed_form():
    p, n = 0.8, 2  # 1 - (1 - 0.8)^2 = 0.96, the calculator's first test vector
    model = _layers_model(1, [(p, n)], reliability=1.0, spe=n)
    out = run_trials([model], TRIALS, seed=11)
    kill = 1 - out.leaked[:, 0].mean()
    assert analytic.salvo_kill(p, n) == pytest.approx(0.96)
    _within(kill, 0.96, TRIALS, "salvo kill")


def test_two_independent_layers_match_closed_form():
    # layers (p, n) with threat reliability 0.9: through = 0.9 * (1-0.6)^2 * (1-0.5)^2
    layers = [(0.6, 2), (0.5, 2)]
    model = _layers_model(4, layers, reliability=0.9, spe=2)
    out = run_trials([model], TRIALS, seed=12)
    through = 0.9 * analytic.through_probability([(1.0, 0.6, 2), (1.0, 0.5, 2)])
    _within(out.leaked.mean(axis=0)[0], through, TRIALS, "through probability")
    p0 = analytic.p_zero_leakers(through, 4)
    _within((out.leaked.sum(axis=1) == 0).mean(), p0, TRIALS, "P(zero leakers)")
    # interceptors: layer 1 fires 2 at every launched threat, layer 2 at its survivors
    shots = out.shots.mean(axis=0)
    assert shots[0] == pytest.approx(4 * 0.9 * 2, rel=0.01)
    assert shots[1] == pytest.approx(4 * 0.9 * 0.16 * 2, rel=0.03)


def test_shoot_look_shoot_matches_closed_form():
    # one unit, two opportunities separated by more than intercept + assessment
    p1 = 0.7
    model = make_model(
        n_threats=1,
        units=[{"stock": {0: 10}}],
        windows=[{"unit": 0, "interceptor": 0, "threat": 0, "p": p1,
                  "points": [(0.0, 30.0), (50.0, 80.0)]}],
        shots_per_engagement=1, shoot_look_shoot=True, assessment_s=10.0,
    )  # fmt: skip
    out = run_trials([model], TRIALS, seed=13)
    q1 = q2 = 1 - p1
    _within(out.leaked.mean(), analytic.shoot_look_shoot_leak(q1, q2, 1.0), TRIALS, "SLS leak")
    expected_shots = analytic.shoot_look_shoot_shots(q1, 1, 1, 1.0)
    sd = math.sqrt(q1 * (1 - q1))
    assert abs(out.shots[:, 0].mean() - expected_shots) <= 4 * sd / math.sqrt(TRIALS)


def test_leakers_through_independent_layers_are_binomial():
    n_threats = 6
    layers = [(0.5, 1), (0.4, 1)]
    model = _layers_model(n_threats, layers, reliability=1.0)
    out = run_trials([model], 50_000, seed=14)
    q = analytic.through_probability([(1.0, 0.5, 1), (1.0, 0.4, 1)])
    counts = np.bincount(out.leaked.sum(axis=1), minlength=n_threats + 1)
    pmf = analytic.leaker_distribution(q, n_threats)
    expected = pmf * counts.sum()
    # pool sparse tail cells so each expected count is at least 5
    keep = expected >= 5
    obs = np.append(counts[keep], counts[~keep].sum())
    exp = np.append(expected[keep], expected[~keep].sum())
    if exp[-1] == 0:
        obs, exp = obs[:-1], exp[:-1]
    _, p_value = stats.chisquare(obs, exp)
    assert p_value > 0.001, (counts, expected)


def test_exhausted_magazine_leaks_the_rest():
    # 3 threats, 2 interceptors, p = 1: exactly one leaker per trial
    model = make_model(
        n_threats=3,
        units=[{"stock": {0: 2}}],
        windows=[{"unit": 0, "interceptor": 0, "threat": t, "p": 1.0, "points": [(t, t + 5.0)]}
                 for t in range(3)],
    )  # fmt: skip
    out = run_trials([model], 1000, seed=3)
    assert (out.leaked.sum(axis=1) == 1).all()
    assert out.leaked[:, 2].all()
