"""Estimators and intervals of hoplon.core.stats."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from hoplon.core.stats import (
    BOOTSTRAP_SEED,
    Z95,
    Estimate,
    mean_estimate,
    mean_interval,
    mean_interval_method,
    proportion_estimate,
    standard_error_proportion,
    wilson_interval,
)

# --------------------------------------------------------------------------- Wilson


@pytest.mark.parametrize(
    ("k", "n"),
    [(0, 1), (1, 1), (0, 10), (3, 10), (10, 10), (1, 20000), (18290, 20000), (500, 1000)],
)
def test_wilson_matches_scipy(k: int, n: int) -> None:
    low, high = wilson_interval(k, n)
    ref = sps.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert low == pytest.approx(ref.low, rel=1e-12, abs=1e-15)
    assert high == pytest.approx(ref.high, rel=1e-12, abs=1e-15)


def test_wilson_vectorised_matches_scalar() -> None:
    k = np.array([[0, 5, 10], [1, 2, 3]])
    n = np.array([10, 10, 10])
    low, high = wilson_interval(k, n)
    assert isinstance(low, np.ndarray) and low.shape == (2, 3)
    assert isinstance(high, np.ndarray)
    for idx in np.ndindex(k.shape):
        lo, hi = wilson_interval(int(k[idx]), int(n[idx[1]]))
        assert low[idx] == lo and high[idx] == hi


def test_wilson_ends_are_exact() -> None:
    assert wilson_interval(0, 50)[0] == 0.0
    assert wilson_interval(50, 50)[1] == 1.0
    assert isinstance(wilson_interval(3, 7)[0], float)


@pytest.mark.parametrize(("k", "n"), [(0, 0), (-1, 5), (6, 5), (1.5, 5), (1, 2.5), (np.nan, 5)])
def test_wilson_rejects_bad_counts(k: float, n: float) -> None:
    with pytest.raises(ValueError):
        wilson_interval(k, n)


@pytest.mark.parametrize("n", [50, 400])
def test_wilson_exact_coverage_near_nominal(n: int) -> None:
    """Exact coverage (summed over the binomial pmf) averaged over p in
    (0.01, 0.99) is close to 95 %, and never collapses (Wilson's known
    oscillation dips a few points below nominal at some p)."""
    k = np.arange(n + 1)
    low, high = wilson_interval(k, n)
    ps = np.linspace(0.01, 0.99, 197)
    coverage = np.array([np.sum(sps.binom.pmf(k, n, p) * ((low <= p) & (p <= high))) for p in ps])
    assert 0.94 < coverage.mean() < 0.96
    assert coverage.min() > 0.83


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 10_000), data=st.data())
def test_wilson_contains_estimate(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, n))
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_standard_error_proportion() -> None:
    assert standard_error_proportion(0.5, 100) == pytest.approx(0.05)
    assert standard_error_proportion(0.0, 10) == 0.0
    np.testing.assert_allclose(
        standard_error_proportion(np.array([0.1, 0.9]), 10_000), [0.003, 0.003]
    )
    with pytest.raises(ValueError):
        standard_error_proportion(1.2, 10)
    with pytest.raises(ValueError):
        standard_error_proportion(0.5, 0)


# --------------------------------------------------------------------------- means


def test_mean_interval_normal_matches_formula() -> None:
    x = np.random.default_rng(3).normal(10.0, 2.0, 500)
    assert mean_interval_method(x) == "normal"
    mean, low, high = mean_interval(x)
    half = Z95 * x.std(ddof=1) / math.sqrt(x.size)
    assert mean == pytest.approx(x.mean())
    assert (low, high) == pytest.approx((x.mean() - half, x.mean() + half))


def test_mean_interval_normal_coverage() -> None:
    """2000 samples of 100 normal values: coverage 95 % within 4 standard errors."""
    rng = np.random.default_rng(11)
    hits = 0
    reps = 2000
    for sample in rng.normal(1.0, 3.0, size=(reps, 100)):
        _, low, high = mean_interval(sample)
        hits += low <= 1.0 <= high
    tol = 4 * standard_error_proportion(0.95, reps)
    assert abs(hits / reps - 0.95) < tol


def test_mean_interval_zero_one_data_is_wilson() -> None:
    x = np.zeros(1000)
    x[:7] = 1.0
    assert mean_interval_method(x) == "wilson"
    assert mean_interval(x) == pytest.approx((0.007, *wilson_interval(7, 1000)))


@pytest.mark.parametrize("value", [0.0, 1.0, 2.0, 0.75, 3e8])
def test_constant_quantity_gets_zero_width_interval_whatever_its_value(value: float) -> None:
    """A quantity equal in every trial has no observed spread, 0 and 1 included.

    (Before, an all-ones run got the Wilson interval [0.99981, 1] at 20 000 trials while
    an all-twos run got [2, 2].)
    """
    x = np.full(20_000, value)
    assert mean_interval_method(x) == "degenerate"
    assert mean_interval(x) == (value, value, value)
    assert mean_estimate(x).to_dict()["ci95"] == [value, value]


@pytest.mark.parametrize("outcome", [False, True])
def test_constant_proportion_gets_zero_width_interval(outcome: bool) -> None:
    est = proportion_estimate(np.full(20_000, outcome))
    assert est == Estimate(float(outcome), float(outcome), float(outcome))
    assert est.to_dict() == {"mean": float(outcome), "ci95": [float(outcome)] * 2}


def test_mean_interval_degenerate() -> None:
    assert mean_interval_method([3.0, 3.0, 3.0]) == "degenerate"
    assert mean_interval([3.0, 3.0]) == (3.0, 3.0, 3.0)
    assert mean_interval([2.5]) == (2.5, 2.5, 2.5)


def test_mean_interval_skewed_counts_use_bootstrap() -> None:
    """Leaker counts that are zero in all but a handful of 20 000 trials."""
    x = np.zeros(20_000)
    x[:3] = 1.0
    x[3] = 2.0
    assert mean_interval_method(x) == "bootstrap"
    mean, low, high = mean_interval(x)
    assert mean == pytest.approx(5.0 / 20_000)
    assert 0.0 <= low < mean < high
    # the normal interval would dip below zero or nearly so; the bootstrap keeps
    # to the support and is asymmetric, wider above the mean
    assert high - mean > mean - low
    assert mean_interval(x) == (mean, low, high)  # deterministic


def test_mean_interval_bootstrap_many_distinct_values() -> None:
    x = np.random.default_rng(5).lognormal(0.0, 3.0, 4000)
    assert mean_interval_method(x) == "bootstrap"
    mean, low, high = mean_interval(x)
    assert low <= mean <= high
    assert mean_interval(x) == (mean, low, high)
    assert BOOTSTRAP_SEED == 20_240_601  # changing it changes recorded results


@pytest.mark.parametrize(
    "bad", [[], [[1.0, 2.0]], [1.0, np.nan], [np.inf, 1.0]], ids=["empty", "2d", "nan", "inf"]
)
def test_mean_interval_rejects_bad_input(bad: list[object]) -> None:
    with pytest.raises(ValueError):
        mean_interval(np.asarray(bad, dtype=float))


# --------------------------------------------------------------------------- records


def test_proportion_estimate_contract_shape() -> None:
    outcomes = np.zeros(20_000, dtype=bool)
    outcomes[:18_200] = True
    est = proportion_estimate(outcomes)
    low, high = wilson_interval(18_200, 20_000)
    assert est == Estimate(0.91, float(low), float(high))
    d = est.to_dict()
    assert set(d) == {"mean", "ci95"}
    assert d["mean"] == 0.91
    assert d["ci95"] == [float(f"{low:.6g}"), float(f"{high:.6g}")]
    assert json.loads(json.dumps(d)) == d


def test_proportion_estimate_rejects_non_binary_and_2d() -> None:
    with pytest.raises(ValueError):
        proportion_estimate([0.0, 0.5])
    with pytest.raises(ValueError):
        proportion_estimate(np.zeros((3, 2), dtype=bool))


def test_mean_estimate_uses_mean_interval() -> None:
    x = np.random.default_rng(2).poisson(3.0, 5000).astype(float)
    assert mean_estimate(x) == Estimate(*mean_interval(x))


def test_to_dict_rounds_to_six_significant_digits() -> None:
    est = Estimate(mean=1.23456789e8, low=1.2e8, high=1.3456789e8)
    assert est.to_dict() == {"mean": 123457000.0, "ci95": [120000000.0, 134568000.0]}
    tiny = Estimate(mean=0.000123456789, low=-0.0, high=0.0002)
    d = tiny.to_dict()
    assert d["mean"] == 0.000123457
    assert json.dumps(d["ci95"]) == "[0.0, 0.0002]"  # no "-0.0"


def test_estimate_validates() -> None:
    with pytest.raises(ValueError):
        Estimate(mean=1.0, low=2.0, high=3.0)
    with pytest.raises(ValueError):
        Estimate(mean=float("nan"), low=0.0, high=1.0)
    est = Estimate(0.5, 0.4, 0.6)
    with pytest.raises(AttributeError):
        est.mean = 0.7  # type: ignore[misc]
