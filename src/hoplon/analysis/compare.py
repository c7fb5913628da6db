"""Compare architectures: several scenarios run with the same seed and trials.

:func:`compare` runs each scenario and tests each difference from the first (the
baseline) on the per-trial values.

Common random numbers. The engine draws chance from streams keyed by the block of
trials, the wave, and the threat and engagement slot it decides (never by the order of
the draws), so two scenarios run with the same seed and trials see the same chance for
the same threat index and slot. The launch-reliability draws of a wave form one
``(trials, threats)`` matrix, so trial ``i`` of two scenarios uses the same numbers,
and no number of any other trial, exactly when each wave they share has the same number
of threats. Then the pairs (trial ``i`` of A, trial ``i`` of B) are independent from
one pair to the next, and differences are tested with the paired test on the per-trial
differences. Otherwise the unpaired (Welch) test is used. See ``docs/studies.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hoplon._version import __version__
from hoplon.analysis.run import run_scenario
from hoplon.core.stats import Z95, Estimate, mean_estimate, proportion_estimate
from hoplon.errors import (
    InputError,
)
from hoplon.results.contract import COMPARED, CONTRACT
from hoplon.results.records import Result
from hoplon.scenario.loader import load_scenario

FloatArray = NDArray[np.float64]

#: Two-sided significance level of the compare tests.
ALPHA = 0.05


def trial_values(result: Result) -> dict[str, FloatArray]:
    """The contract's headline metrics per trial, each an array of shape (trials,).

    Keys: ``p_no_leak`` (1.0 when no threat leaked), ``expected_leakers`` (threats that
    leaked), ``value_protected``, ``interceptor_cost_usd`` (US dollars of the catalog
    entries' years), ``cost_exchange_ratio`` (interceptor spend ÷ the raid's cost; absent
    when the raid costs nothing), and ``shots_by_nation.<NATION>`` (interceptors fired).
    Their means are the contract's means (output-contract.md).
    """
    from hoplon.core.metrics import trial_metric, trial_shots_by_nation, trial_spend_usd

    waves, outcomes = result.waves, result.outcomes
    spend = trial_spend_usd(waves, outcomes)
    values: dict[str, FloatArray] = {
        name: trial_metric(name, waves, outcomes)
        for name in ("p_no_leak", "expected_leakers", "value_protected")
    }
    values["interceptor_cost_usd"] = spend
    threat_cost = float(sum(float(m.threat_cost_usd.sum()) for m in waves))
    if threat_cost > 0:
        values["cost_exchange_ratio"] = np.asarray(spend / threat_cost, dtype=np.float64)
    for nation, shots in trial_shots_by_nation(waves, outcomes).items():
        values[f"shots_by_nation.{nation}"] = shots
    return values


def draws_aligned(a: Result, b: Result) -> bool:
    """Whether trial ``i`` of ``a`` and of ``b`` used the same random numbers, and no others.

    True when both ran with the same seed and trials, in blocks of the same size (so
    trial ``i`` lies in the same block, with the same key, in both), and every wave
    present in both has the same number of threats (the reliability draws are a (trials,
    threats) matrix; the kill draws are keyed by threat index and slot, one number per
    trial). Then the pairs (a_i, b_i) are independent and identically distributed, and a
    paired test is exact.
    """
    from hoplon.core.engine import block_trials

    if a.outcomes.seed != b.outcomes.seed or a.outcomes.trials != b.outcomes.trials:
        return False

    def block(result: Result) -> int:
        return block_trials(max((m.n_threats for m in result.waves), default=0))

    if block(a) != block(b):
        return False
    return all(wa.n_threats == wb.n_threats for wa, wb in zip(a.waves, b.waves, strict=False))


@dataclass(frozen=True)
class Difference:
    """A difference of means (scenario − baseline) with its 95 % interval and test."""

    diff: float
    low: float
    high: float
    p_value: float
    test: str
    """``paired`` (z test on the per-trial differences) or ``welch`` (unpaired)."""

    @property
    def significant(self) -> bool:
        """Two-sided test at the 5 % level."""
        return self.p_value < ALPHA

    def to_dict(self) -> dict[str, Any]:
        return {
            "diff": _sig(self.diff),
            "ci95": [_sig(self.low), _sig(self.high)],
            "p_value": _sig(self.p_value),
            "significant": self.significant,
            "test": self.test,
        }


#: A difference that cannot be computed (the metric is undefined in one scenario).
_NO_DIFFERENCE: dict[str, Any] = {
    "diff": None,
    "ci95": None,
    "p_value": None,
    "significant": None,
    "test": None,
}


def _sig(x: float) -> float:
    return float(f"{x:.6g}") + 0.0


def _z_difference(diff: float, se: float, test: str) -> Difference:
    if not (math.isfinite(se) and se > 0):
        p = 1.0 if diff == 0 else 0.0
        return Difference(diff, diff, diff, p, test)
    z = diff / se
    p = math.erfc(abs(z) / math.sqrt(2.0))
    return Difference(diff, diff - Z95 * se, diff + Z95 * se, p, test)


def paired_difference(baseline: FloatArray, other: FloatArray) -> Difference:
    """``mean(other − baseline)`` by the paired z test on the per-trial differences.

    ``d_i = other_i − baseline_i``; ``se = sd(d) / sqrt(n)`` (``ddof = 1``); ``z = mean(d)
    / se``; ``p = 2 (1 − Φ(|z|))``; the interval is ``mean(d) ± 1.96 se``. With thousands
    of trials this is the paired t test; on 0/1 values it is asymptotically McNemar's
    test. When every
    ``d_i`` is the same, ``p`` is 1 if that value is 0, else 0.
    """
    a = np.asarray(baseline, dtype=np.float64)
    b = np.asarray(other, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1 or a.size < 2:
        raise ValueError("a paired test needs two 1-D arrays of the same length, at least 2")
    d = b - a
    se = float(d.std(ddof=1)) / math.sqrt(d.size)
    return _z_difference(float(d.mean()), se, "paired")


def welch_difference(baseline: FloatArray, other: FloatArray) -> Difference:
    """``mean(other) − mean(baseline)`` by the unpaired (Welch) z test.

    ``se = sqrt(s_a² / n_a + s_b² / n_b)`` (``ddof = 1``); ``p = 2 (1 − Φ(|z|))``; the
    interval is ``diff ± 1.96 se``. When both samples are constant, ``p`` is 1 if the
    means are equal, else 0.
    """
    a = np.asarray(baseline, dtype=np.float64)
    b = np.asarray(other, dtype=np.float64)
    if a.ndim != 1 or b.ndim != 1 or a.size < 2 or b.size < 2:
        raise ValueError("a two-sample test needs two 1-D arrays of at least 2 values")
    se = math.sqrt(float(a.var(ddof=1)) / a.size + float(b.var(ddof=1)) / b.size)
    return _z_difference(float(b.mean() - a.mean()), se, "welch")


def _estimate(name: str, values: FloatArray) -> Estimate:
    return proportion_estimate(values) if name == "p_no_leak" else mean_estimate(values)


@dataclass
class Comparison:
    """Several scenarios run with the same seed and trials, each compared with the first."""

    files: list[str]
    results: list[Result]
    seed: int
    trials: int
    metrics: dict[str, list[Estimate | None]] = field(default_factory=dict)
    differences: dict[str, list[Difference | None]] = field(default_factory=dict)
    tests: list[str | None] = field(default_factory=list)
    """Per scenario, the test against the baseline (``None`` for the baseline)."""

    def to_dict(self) -> dict[str, Any]:
        """The comparison as JSON data (see docs/studies.md)."""
        return {
            "contract": CONTRACT,
            "hoplon_version": __version__,
            "seed": self.seed,
            "trials": self.trials,
            "baseline": 0,
            "scenarios": [
                {
                    "name": r.scenario.spec.name,
                    "file": f,
                    "sha256": r.scenario.sha256,
                    "test": t,
                }
                for f, r, t in zip(self.files, self.results, self.tests, strict=True)
            ],
            "metrics": {
                m: [None if e is None else e.to_dict() for e in ests]
                for m, ests in self.metrics.items()
            },
            "differences": {
                m: [
                    {"scenario": i, **(d.to_dict() if d is not None else _NO_DIFFERENCE)}
                    for i, d in enumerate(diffs[1:], start=1)
                ]
                for m, diffs in self.differences.items()
            },
            **self._costs(),
        }

    def _costs(self) -> dict[str, Any]:
        """Each architecture's life-cycle cost and its difference from the baseline's.

        ``costs[i]``: the totals of scenario ``i`` (``None`` when it has nothing to
        cost); ``cost_differences``: for each scenario after the first, ``diff_usd`` =
        its total − the baseline's, exact (no chance in it), with ``comparable`` false
        (and ``diff_usd`` null) when the two are not costed on one basis (horizon,
        discount rate, dollars, residual rule), saying why.
        """
        costs = [r.architecture for r in self.results]
        if all(c is None for c in costs):
            return {}
        base = costs[0]
        diffs = []
        for i, c in enumerate(costs[1:], start=1):
            entry: dict[str, Any] = {"scenario": i, "diff_usd": None, "comparable": False}
            if base is None or c is None:
                entry["reason"] = "one of the two has nothing to cost"
            elif base.basis_key() != c.basis_key():
                entry["reason"] = (
                    "costed on another basis (horizon, discount rate, base year, deflator or "
                    "residual rule differ); give both files the same economics settings"
                )
            else:
                entry.update(
                    diff_usd=c.total_usd - base.total_usd,
                    diff_candidate_usd=c.candidate_usd - base.candidate_usd,
                    comparable=True,
                    reason=None,
                )
            diffs.append(entry)
        return {
            "costs": [None if c is None else c.summary() for c in costs],
            "cost_differences": diffs,
        }


def compare_results(files: Sequence[str], results: Sequence[Result]) -> Comparison:
    """Estimates and tested differences from the first result, for results already run.

    All results must have the same seed and number of trials.
    """
    if len(results) < 2:
        raise ValueError("a comparison needs at least two results")
    seeds = {r.outcomes.seed for r in results}
    trials = {r.outcomes.trials for r in results}
    if len(seeds) != 1 or len(trials) != 1:
        raise ValueError("compared results must share one seed and one number of trials")
    values = [trial_values(r) for r in results]
    names = list(COMPARED)
    for v in values:
        names += [k for k in v if k.startswith("shots_by_nation.") and k not in names]
    base = results[0]
    tests: list[str | None] = [None] + [
        "paired" if draws_aligned(base, r) else "welch" for r in results[1:]
    ]
    n = base.outcomes.trials
    comp = Comparison(list(files), list(results), base.outcomes.seed, n, tests=tests)
    for name in names:
        series: list[FloatArray | None] = []
        for v in values:
            if name in v:
                series.append(v[name])
            elif name.startswith("shots_by_nation."):
                series.append(np.zeros(n))  # that nation fields nothing in this scenario
            else:
                series.append(None)
        comp.metrics[name] = [None if s is None else _estimate(name, s) for s in series]
        diffs: list[Difference | None] = [None]
        for s, test in zip(series[1:], tests[1:], strict=True):
            if s is None or series[0] is None:
                diffs.append(None)
            elif test == "paired":
                diffs.append(paired_difference(series[0], s))
            else:
                diffs.append(welch_difference(series[0], s))
        comp.differences[name] = diffs
    return comp


def compare(
    files: Sequence[str | Path],
    *,
    trials: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    progress: Callable[[int], None] | None = None,
    on_result: Callable[[int, Result], None] | None = None,
    horizon_years: int | None = None,
    discount_rate: float | None = None,
) -> Comparison:
    """Run every scenario with the same seed and trials and compare each with the first.

    Args:
        files: two or more scenario files; the first is the baseline.
        trials: trials per scenario (default: the first scenario's).
        seed: the seed (default: the first scenario's).
        workers: processes for each run's trials (``None``: every core).
        progress: called with the number of trials finished.
        on_result: called with (index, result) after each run (e.g. to store it).
        horizon_years, discount_rate: one life-cycle cost horizon and real rate for every
            architecture, in place of each scenario's own.

    Raises:
        InputError: fewer than two files, or a scenario that does not validate.
    """
    if len(files) < 2:
        raise InputError.single("compare needs two or more scenario files", field="FILES")
    scenarios = [load_scenario(f) for f in files]  # every file is checked before anything runs
    n = scenarios[0].spec.trials if trials is None else trials
    s = scenarios[0].spec.seed if seed is None else seed
    if n < 2:
        raise InputError.single(
            f"a comparison needs at least 2 trials per scenario to test differences (got {n})",
            field="trials",
        )
    results = []
    for i, scenario in enumerate(scenarios):
        result = run_scenario(
            scenario,
            trials=n,
            seed=s,
            workers=workers,
            progress=progress,
            horizon_years=horizon_years,
            discount_rate=discount_rate,
        )
        if on_result is not None:
            on_result(i, result)
        results.append(result)
    return compare_results([str(f) for f in files], results)
