"""One run of the Monte Carlo: compile a scenario once, draw chance over the trials.

What-ifs (nations left out, agreements dropped) are applied before, as scenario
transforms (:mod:`hoplon.scenario.transforms`); this module only compiles and runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from hoplon.analysis.costs import architecture_cost
from hoplon.compile import compile_scenario, memory
from hoplon.core.runner import default_workers, run_trials
from hoplon.errors import InputError
from hoplon.results.lifecycle import ArchitectureCost
from hoplon.results.records import Result
from hoplon.scenario.checks import memory_refusal, trials_findings
from hoplon.scenario.loader import LoadedScenario, findings_to_error

__all__ = ["costed", "run_scenario"]


def run_scenario(
    loaded: LoadedScenario,
    trials: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    progress: Callable[[int], None] | None = None,
    *,
    horizon_years: int | None = None,
    discount_rate: float | None = None,
) -> Result:
    """Run the Monte Carlo of a validated scenario.

    Args:
        loaded: the scenario (with any what-if transforms applied).
        trials: number of trials (default: the scenario's ``trials``).
        seed: random seed (default: the scenario's ``seed``).
        workers: processes (default 1; ``None`` for every core). Results do not
            depend on it.
        progress: called with the number of trials finished after each block.
        horizon_years, discount_rate: the life-cycle cost's horizon and real rate, in
            place of the scenario's ``economics`` settings (each noted in ``variant``).

    Raises:
        InputError: trials below 1, a negative seed, a run that would not fit in
            memory (field ``trials``), or a horizon or rate out of range
            (``horizon_years``, ``discount_rate``).
    """
    spec = loaded.spec
    n = spec.trials if trials is None else trials
    s = spec.seed if seed is None else seed
    if n < 1:
        raise InputError.single(f"trials must be at least 1 (got {n})", field="trials")
    if trials is None:  # the file's own trials: refused at their line, as validate does
        too_many = trials_findings(spec)
        if too_many:
            raise findings_to_error(too_many, loaded.positions, loaded.path or "<scenario>")
    else:
        refusal = memory_refusal(spec, n)
        if refusal:
            raise InputError.single(refusal, file=loaded.path, field="trials")
    if s < 0:
        raise InputError.single(f"seed must be 0 or more (got {s})", field="seed")
    architecture = costed(loaded, horizon_years, discount_rate)  # refused before the run
    notes = list(loaded.variant)
    if architecture is not None and (horizon_years is not None or discount_rate is not None):
        notes.append(
            f"life-cycle cost over {architecture.horizon_years} years at a real discount rate "
            f"of {architecture.discount_rate:.2%} (given for this run)"
        )
    w = default_workers() if workers is None else max(1, workers)
    memory.check(loaded, n, workers=w, field="trials")
    compiled = compile_scenario(loaded)
    start = time.perf_counter()
    outcomes = run_trials(
        compiled.waves, n, s, workers=w, resupply=compiled.resupply, progress=progress
    )
    engine_s = time.perf_counter() - start
    return Result(
        loaded,
        compiled.waves,
        outcomes,
        compiled.compile_s,
        engine_s,
        w,
        notes,
        architecture=architecture,
    )


def costed(
    loaded: LoadedScenario,
    horizon_years: int | None = None,
    discount_rate: float | None = None,
) -> ArchitectureCost | None:
    """The architecture's life-cycle cost, when the scenario has ``economics:`` or some
    unit or sensor site has cost figures; else None (nothing to cost)."""
    cost = architecture_cost(loaded, horizon_years=horizon_years, discount_rate=discount_rate)
    if loaded.spec.economics is None and not any(u.priced for u in cost.by_unit):
        return None
    return cost
