"""What each ally brings: what-if variants, coalition subsets and Shapley values.

- A **variant** of a scenario drops nations' shooters and sensors (their assets stay
  defended targets) and/or agreements. Dropping a ``technology-transfer`` also takes
  the items it transferred out of the magazines of the units that held them only
  through it.
- The **value** of a coalition S is a metric (``p_no_leak`` or ``value_protected``)
  of the scenario run with only the units and sensors of the nations in S, with the
  same seed and trials for every S. Chance is keyed by (wave, threat, slot), so all
  subsets share their random numbers (common random numbers) and differences between
  them are sharp.
- Each nation's **Shapley value** is its average marginal contribution over all
  orders in which the coalition could form:
  ``φ_i = Σ_{S ⊆ N \\ {i}} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S))``.
  It is computed per trial (v per trial is the trial's metric), so the interval is a
  normal interval on the per-trial values. Exact for up to :data:`EXACT_LIMIT`
  nations; beyond, permutation sampling with an interval across permutations.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hoplon.compile import compile_scenario
from hoplon.core.metrics import trial_metric
from hoplon.core.runner import run_trials
from hoplon.core.stats import mean_estimate
from hoplon.errors import InputError, did_you_mean
from hoplon.scenario import LoadedScenario
from hoplon.scenario.describe import describe_agreement
from hoplon.scenario.transforms import drop_agreement, dropped_note, only

#: Most nations for the exact Shapley value (2^n subsets).
EXACT_LIMIT = 10
#: A coalition's value: a share of trials or of value, or a count of threats stopped (the
#: one that still separates the nations when a raid saturates the defense, where no
#: trial is leak-free and value protected counts a target lost after its first leaker).
METRICS = ("p_no_leak", "value_protected", "threats_stopped")


def players(loaded: LoadedScenario) -> list[str]:
    """Nations that field units or sensors, in the order of ``nations``."""
    spec = loaded.spec
    active = {u.nation for u in spec.units} | {s.nation for s in spec.sensors}
    return [n for n in spec.nations if n in active]


def subset_metric(
    loaded: LoadedScenario,
    nations: Sequence[str],
    metric: str,
    trials: int,
    seed: int,
    workers: int = 1,
) -> NDArray[np.float64]:
    """Per-trial metric with only the given nations' units and sensors."""
    return _run_metric(only(loaded, nations), metric, trials, seed, workers)


def _run_metric(
    loaded: LoadedScenario, metric: str, trials: int, seed: int, workers: int = 1
) -> NDArray[np.float64]:
    """Compile, run, and return the per-trial metric."""
    compiled = compile_scenario(loaded)
    outcomes = run_trials(compiled.waves, trials, seed, workers=workers, resupply=compiled.resupply)
    return trial_metric(metric, compiled.waves, outcomes)


def shapley_exact(
    names: Sequence[str], value: Callable[[frozenset[str]], NDArray[np.float64]]
) -> dict[str, NDArray[np.float64]]:
    """Exact per-trial Shapley values from a per-trial value function of coalitions."""
    n = len(names)
    cache: dict[frozenset[str], NDArray[np.float64]] = {}

    def v(s: frozenset[str]) -> NDArray[np.float64]:
        if s not in cache:
            cache[s] = value(s)
        return cache[s]

    out: dict[str, NDArray[np.float64]] = {}
    for i, name in enumerate(names):
        others = [x for j, x in enumerate(names) if j != i]
        total: NDArray[np.float64] | None = None
        for mask in range(1 << (n - 1)):
            s = frozenset(o for k, o in enumerate(others) if mask >> k & 1)
            weight = math.factorial(len(s)) * math.factorial(n - len(s) - 1) / math.factorial(n)
            term = weight * (v(s | {name}) - v(s))
            total = term if total is None else total + term
        assert total is not None
        out[name] = total
    return out


Task = tuple[LoadedScenario, str, tuple[str, ...], int, str, int, int]


def _task(task: Task) -> tuple[NDArray[np.float64], list[str]]:
    """One run of the analysis: a coalition subset, or the full coalition less one
    agreement; returns the per-trial metric and the variant's notes."""
    loaded, kind, key, index, metric, trials, seed = task
    if kind == "subset":
        return subset_metric(loaded, key, metric, trials, seed), []
    variant = drop_agreement(loaded, [index])
    # the entry names its agreement already: its notes are what else leaving it out changed
    left_out = dropped_note(index, loaded.spec.agreements[index])
    notes = [n for n in variant.variant if n != left_out]
    return _run_metric(variant, metric, trials, seed), notes


def coalition_analysis(
    loaded: LoadedScenario,
    metric: str = "p_no_leak",
    trials: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    permutation_samples: int = 200,
    progress: Callable[[str], None] | None = None,
    cluster: str | None = None,
) -> dict[str, Any]:
    """Every subset's value, each nation's Shapley value, and each agreement's value.

    The runs (one per coalition subset, one per agreement left out) are independent and
    go to ``workers`` local processes, or to a Dask cluster (``cluster``, a scheduler
    address); each run uses the same seed and trials, so where it runs does not matter.
    """
    if metric not in METRICS:
        raise InputError.single(
            f"unknown metric '{metric}'{did_you_mean(metric, METRICS)}; accepted: {', '.join(METRICS)}",
            field="metric",
        )
    spec = loaded.spec
    n_trials = spec.trials if trials is None else trials
    s = spec.seed if seed is None else seed
    names = players(loaded)
    exact = len(names) <= EXACT_LIMIT
    orders: list[list[str]] = []
    if exact:
        coalitions = [
            frozenset(n for k, n in enumerate(names) if mask >> k & 1)
            for mask in range(1 << len(names))
        ]
    else:
        rng = np.random.default_rng(s)
        orders = [
            [names[k] for k in rng.permutation(len(names))] for _ in range(permutation_samples)
        ]
        wanted = {frozenset(), frozenset(names)}
        for order in orders:
            wanted.update(frozenset(order[: j + 1]) for j in range(len(order)))
        coalitions = sorted(wanted, key=lambda c: (len(c), sorted(c)))
    tasks: list[Task] = [
        (loaded, "subset", tuple(sorted(c)), -1, metric, n_trials, s) for c in coalitions
    ]
    tasks += [
        (loaded, "agreement", (), i, metric, n_trials, s) for i in range(len(spec.agreements))
    ]
    if cluster is None:  # refuse before any subset runs: each task is one full-size run
        from hoplon.compile import memory

        memory.check(
            loaded,
            n_trials,
            workers=1,
            parallel=min(max(1, workers), len(tasks)),
            what="this coalition analysis",
        )
    from hoplon.execute import map_points

    found: dict[int, tuple[NDArray[np.float64], list[str]]] = {}
    for i, value_i in map_points(_task, tasks, workers=workers, cluster=cluster):
        found[i] = value_i
        if progress:
            progress(f"{_label(tasks[i])} ({len(found)} of {len(tasks)})")
    values = [found[i][0] for i in range(len(tasks))]
    notes = [found[i][1] for i in range(len(coalitions), len(tasks))]
    runs = {c: v for c, v in zip(coalitions, values, strict=False)}
    without = values[len(coalitions) :]

    def value(coalition: frozenset[str]) -> NDArray[np.float64]:
        return runs[coalition]

    shapley: dict[str, dict[str, Any]] = {}
    if exact:
        for name, per_trial in shapley_exact(names, value).items():
            shapley[name] = mean_estimate(per_trial).to_dict()
    else:
        for name, samples in _shapley_from_orders(names, orders, value).items():
            shapley[name] = mean_estimate(samples).to_dict()
    v_all = value(frozenset(names))
    v_none = value(frozenset())

    agreements = []
    for index, ag in enumerate(spec.agreements):
        agreements.append(
            {
                "index": index,
                "kind": ag.kind,
                "description": describe_agreement(ag),
                "value_without": round(float(without[index].mean()), 6),
                "contribution": mean_estimate(v_all - without[index]).to_dict(),
                "notes": notes[index],
            }
        )
    subsets = sorted(runs.items(), key=lambda kv: (len(kv[0]), sorted(kv[0])))
    return {
        "metric": metric,
        "trials": n_trials,
        "seed": s,
        "method": "exact" if exact else f"permutation sampling ({permutation_samples} orders)",
        "nations": names,
        "value_all": round(float(v_all.mean()), 6),
        "value_none": round(float(v_none.mean()), 6),
        "shapley": shapley,
        "subsets": [{"nations": sorted(k), "value": round(float(v.mean()), 6)} for k, v in subsets],
        "agreements": agreements,
    }


def _label(task: Task) -> str:
    kind, key, index = task[1], task[2], task[3]
    if kind == "subset":
        return ", ".join(key) or "(no nation)"
    return f"without agreement {index}"


def _shapley_from_orders(
    names: Sequence[str],
    orders: Sequence[Sequence[str]],
    value: Callable[[frozenset[str]], NDArray[np.float64]],
) -> dict[str, NDArray[np.float64]]:
    """Marginal contributions (means over trials) along sampled orders: (orders,) each."""
    out: dict[str, list[float]] = {name: [] for name in names}
    for order in orders:
        prefix: frozenset[str] = frozenset()
        for name in order:
            out[name].append(float(np.mean(value(prefix | {name}) - value(prefix))))
            prefix = prefix | {name}
    return {k: np.asarray(x) for k, x in out.items()}
