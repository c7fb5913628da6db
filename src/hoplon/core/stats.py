"""Estimators with 95 % confidence intervals for Monte Carlo results.

These turn trial-level outcomes (one value per trial) into the
``{"mean": m, "ci95": [low, high]}`` records of the JSON result contract
(``output-contract.md``):

- proportions (e.g. ``p_no_leak``, a threat's ``p_leak``): the Wilson score
  interval, which behaves well near 0 and 1 where Monte Carlo results of a
  good defense live;
- means (e.g. ``expected_leakers``, shots, costs): a normal interval on the
  trial-level values, falling back to the Wilson interval for 0/1 data and to
  a percentile bootstrap with a fixed seed where the distribution is too
  skewed for the normal approximation (see :func:`mean_interval_method`).

Everything here is deterministic: the same values always give the same
interval. Only numpy and the standard library are used.

Sources:

- E. B. Wilson, "Probable inference, the law of succession, and statistical
  inference", *J. Amer. Statist. Assoc.* 22 (1927) 209-212 (the score interval).
- W. G. Cochran, *Sampling Techniques*, 3rd ed. (Wiley, 1977), section 2.15:
  the normal interval for a mean is adequate when ``n > 25 * G1**2``, ``G1``
  the population skewness.
- B. Efron and R. J. Tibshirani, *An Introduction to the Bootstrap*
  (Chapman & Hall, 1993), chapter 13 (percentile interval).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
FloatOrArray = float | FloatArray

#: Two-sided 95 % standard normal quantile, Phi^-1(0.975).
Z95 = 1.959963984540054
#: Resamples in the bootstrap fallback of :func:`mean_interval`.
BOOTSTRAP_RESAMPLES = 2000
#: Fixed seed of the bootstrap fallback, so that intervals are reproducible.
BOOTSTRAP_SEED = 20_240_601
#: Significant digits kept by :meth:`Estimate.to_dict`.
SIGNIFICANT_DIGITS = 6

MeanIntervalMethod = Literal["wilson", "degenerate", "normal", "bootstrap"]

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "BOOTSTRAP_SEED",
    "SIGNIFICANT_DIGITS",
    "Z95",
    "Estimate",
    "mean_estimate",
    "mean_interval",
    "mean_interval_method",
    "proportion_estimate",
    "standard_error_proportion",
    "wilson_interval",
]


def _out(x: ArrayLike) -> FloatOrArray:
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


def _round_significant(x: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    # Rounding to a number of significant digits is monotone, so rounded
    # bounds still bracket the rounded mean; "+ 0.0" turns -0.0 into 0.0.
    return float(f"{x:.{digits}g}") + 0.0


def _normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


# --------------------------------------------------------------------------- proportions


def wilson_interval(
    successes: ArrayLike, n: ArrayLike, z: float = Z95
) -> tuple[FloatOrArray, FloatOrArray]:
    """Wilson score interval for a binomial proportion.

    Formula, with ``p_hat = k / n``::

        centre = (k + z**2 / 2) / (n + z**2)
        half   = z / (n + z**2) * sqrt(k * (n - k) / n + z**2 / 4)
        (low, high) = (centre - half, centre + half)

    Args:
        successes: number of successes ``k``, whole numbers in ``0..n``.
        n: number of trials, whole numbers >= 1 (broadcast against ``successes``).
        z: standard normal quantile; the default gives a two-sided 95 % interval.

    Returns:
        ``(low, high)``, floats for scalar input, else arrays of the broadcast
        shape. ``k = 0`` gives ``low = 0`` exactly and ``k = n`` gives
        ``high = 1`` exactly; the interval always contains ``p_hat``.

    Source: Wilson (1927); it equals
    ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``.
    """
    k = np.asarray(successes, dtype=np.float64)
    trials = np.asarray(n, dtype=np.float64)
    if not (np.all(np.isfinite(k)) and np.all(np.isfinite(trials))):
        raise ValueError("successes and n must be finite")
    if np.any(trials < 1) or np.any(trials != np.floor(trials)):
        raise ValueError(f"n must be a whole number >= 1, got {n!r}")
    if np.any(k < 0) or np.any(k > trials) or np.any(k != np.floor(k)):
        raise ValueError(f"successes must be whole numbers in 0..n, got {successes!r}")
    if not (math.isfinite(z) and z > 0):
        raise ValueError(f"z must be a positive number, got {z!r}")
    z2 = z * z
    centre = (k + z2 / 2.0) / (trials + z2)
    half = z / (trials + z2) * np.sqrt(k * (trials - k) / trials + z2 / 4.0)
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(k == trials, 1.0, np.clip(centre + half, 0.0, 1.0))
    return _out(low), _out(high)


def standard_error_proportion(p: ArrayLike, n: ArrayLike) -> FloatOrArray:
    """Standard error of a proportion estimated from ``n`` independent trials.

    Formula: ``sqrt(p * (1 - p) / n)``. Used to set Monte Carlo test
    tolerances (e.g. 4 standard errors around an analytic value).

    Args:
        p: the true (or expected) proportion, in [0, 1].
        n: number of trials, > 0.
    """
    p_arr = np.asarray(p, dtype=np.float64)
    n_arr = np.asarray(n, dtype=np.float64)
    if np.any(~np.isfinite(p_arr)) or np.any(p_arr < 0) or np.any(p_arr > 1):
        raise ValueError(f"p must be a probability in [0, 1], got {p!r}")
    if np.any(~np.isfinite(n_arr)) or np.any(n_arr <= 0):
        raise ValueError(f"n must be positive, got {n!r}")
    return _out(np.sqrt(p_arr * (1.0 - p_arr) / n_arr))


# --------------------------------------------------------------------------- means


def _trial_values(values: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (one value per trial), got shape {arr.shape}"
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty: at least one trial is needed")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def _skewness(x: FloatArray) -> float:
    """Sample skewness ``g1 = m3 / m2**1.5`` (moments about the mean); 0 if ``m2 = 0``."""
    d = x - x.mean()
    m2 = float(np.mean(d * d))
    if m2 == 0.0:
        return 0.0
    return float(np.mean(d * d * d)) / m2**1.5


def mean_interval_method(values: ArrayLike) -> MeanIntervalMethod:
    """Which interval :func:`mean_interval` uses for these trial-level values.

    In order:

    1. ``"degenerate"``: every value is equal (including a single trial),
       whatever the value (0, 1 or any other); there is no observed spread and
       the interval is the value itself.
    2. ``"wilson"``: every value is 0 or 1, so the mean is a proportion.
    3. ``"normal"``: Cochran's rule ``n > 25 * g1**2`` holds, ``g1`` the
       sample skewness: the sample mean is close enough to normal.
    4. ``"bootstrap"``: otherwise (heavily skewed data, typically counts or
       costs that are zero in all but a few trials).

    Args:
        values: one value per trial, 1-D, finite.
    """
    x = _trial_values(values, "values")
    if np.all(x == x[0]):
        return "degenerate"
    if np.all((x == 0.0) | (x == 1.0)):
        return "wilson"
    if x.size > 25.0 * _skewness(x) ** 2:
        return "normal"
    return "bootstrap"


def _bootstrap_means(x: FloatArray) -> FloatArray:
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    n = x.size
    distinct, counts = np.unique(x, return_counts=True)
    if distinct.size <= 256:
        # Resampling n values with replacement from data with few distinct
        # values is a multinomial draw of how often each value is taken.
        draws = rng.multinomial(n, counts / n, size=BOOTSTRAP_RESAMPLES)
        means: FloatArray = (draws @ distinct) / n
        return means
    chunk = max(1, 4_000_000 // n)
    parts = []
    for start in range(0, BOOTSTRAP_RESAMPLES, chunk):
        size = min(chunk, BOOTSTRAP_RESAMPLES - start)
        parts.append(x[rng.integers(0, n, size=(size, n))].mean(axis=1))
    return np.concatenate(parts)


def mean_interval(values: ArrayLike, z: float = Z95) -> tuple[float, float, float]:
    """Mean of trial-level values with a confidence interval.

    The method depends on the data (:func:`mean_interval_method`):

    - ``"normal"``: ``mean +- z * s / sqrt(n)``, ``s`` the sample standard
      deviation (``ddof = 1``);
    - ``"degenerate"``: ``(mean, mean, mean)``, for any constant value;
    - ``"wilson"``: the Wilson score interval for ``k = sum(values)``
      successes in ``n`` trials (:func:`wilson_interval`);
    - ``"bootstrap"``: the percentile bootstrap interval of the mean from
      ``BOOTSTRAP_RESAMPLES`` resamples drawn with the fixed seed
      ``BOOTSTRAP_SEED`` (Efron and Tibshirani 1993, ch. 13), widened if
      needed so that it contains the sample mean.

    Args:
        values: one value per trial, 1-D, finite, at least one.
        z: standard normal quantile; the default gives a two-sided 95 % interval
            (the bootstrap uses the matching percentiles ``Phi(-z)``, ``Phi(z)``).

    Returns:
        ``(mean, low, high)`` as floats, ``low <= mean <= high``.

    Limits: the normal interval uses ``z``, not Student's t, so with a handful
    of trials it is slightly too narrow; Monte Carlo runs have thousands.
    """
    x = _trial_values(values, "values")
    if not (math.isfinite(z) and z > 0):
        raise ValueError(f"z must be a positive number, got {z!r}")
    method = mean_interval_method(x)
    mean = float(x.mean())
    if method == "wilson":
        low, high = wilson_interval(int(x.sum()), x.size, z)
        return mean, float(low), float(high)
    if method == "degenerate":
        return mean, mean, mean
    if method == "normal":
        half = z * float(x.std(ddof=1)) / math.sqrt(x.size)
        return mean, mean - half, mean + half
    means = _bootstrap_means(x)
    tail = _normal_cdf(-z)
    low_q, high_q = np.quantile(means, [tail, 1.0 - tail])
    return mean, min(float(low_q), mean), max(float(high_q), mean)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo estimate with its 95 % confidence interval.

    The record behind every ``{"mean": m, "ci95": [low, high]}`` of the JSON
    result contract. Full precision is kept here; :meth:`to_dict` rounds.
    """

    mean: float
    """Point estimate, in the unit of the metric."""
    low: float
    """Lower bound of the 95 % confidence interval."""
    high: float
    """Upper bound of the 95 % confidence interval."""

    def __post_init__(self) -> None:
        for name in ("mean", "low", "high"):
            if not math.isfinite(getattr(self, name)):
                raise ValueError(f"Estimate.{name} must be finite, got {getattr(self, name)!r}")
        if not (self.low <= self.mean <= self.high):
            raise ValueError(
                f"Estimate needs low <= mean <= high, got {self.low!r}, {self.mean!r}, {self.high!r}"
            )

    def to_dict(self) -> dict[str, float | list[float]]:
        """``{"mean": m, "ci95": [low, high]}``, each rounded to 6 significant digits.

        Rounding keeps the JSON stable across platforms and numpy versions,
        and keeps ``low <= mean <= high``.
        """
        return {
            "mean": _round_significant(self.mean),
            "ci95": [_round_significant(self.low), _round_significant(self.high)],
        }


def proportion_estimate(outcomes: ArrayLike) -> Estimate:
    """Share of trials in which an event happened, with its Wilson 95 % interval.

    Args:
        outcomes: one boolean (or 0/1 value) per trial, 1-D, at least one trial.

    Returns:
        ``Estimate(k / n, *wilson_interval(k, n))``; when every trial has the same
        outcome (``k = 0`` or ``k = n``), the zero-width ``Estimate(p, p, p)``, as for
        any quantity constant over all trials (:func:`mean_interval_method`).
    """
    x = _trial_values(outcomes, "outcomes")
    if not np.all((x == 0.0) | (x == 1.0)):
        raise ValueError("outcomes must be booleans or 0/1 values")
    k = int(x.sum())
    if k == 0 or k == x.size:
        return Estimate(mean=k / x.size, low=k / x.size, high=k / x.size)
    low, high = wilson_interval(k, x.size)
    return Estimate(mean=k / x.size, low=float(low), high=float(high))


def mean_estimate(values: ArrayLike) -> Estimate:
    """Mean of a per-trial quantity with its 95 % interval (:func:`mean_interval`).

    Args:
        values: one value per trial (e.g. leakers, shots or cost in one
            trial), 1-D, finite, at least one trial.
    """
    mean, low, high = mean_interval(values)
    return Estimate(mean=mean, low=low, high=high)
