"""The marginal view of a trade study: each option added alone to the current
architecture, with its extra cost and the paired difference of each metric.

The current architecture is every decision at its first option; each other option is
run beside it with the same seed and trials (common random numbers), keeping the
per-trial values, so the differences are paired (:func:`hoplon.analysis.compare.
paired_difference`). Options are ranked by the first metric's gain per dollar, the
inverse of the incremental cost-effectiveness ratio ΔC / ΔE (docs/tradespace.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hoplon.analysis.sweep import PointTask
from hoplon.analysis.tradespace import Space
from hoplon.execute import map_points

__all__ = ["MarginalRow", "marginal_table"]


@dataclass(frozen=True)
class MarginalRow:
    """One option added alone to the current architecture."""

    decision: str
    option: str
    delta_cost_usd: float
    delta: dict[str, Any]
    """Metric -> the paired difference from the current architecture (compare's)."""
    feasible: bool
    per_billion: float | None
    """Gain in the first metric per 1e9 US dollars (None when it costs nothing more)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "option": self.option,
            "delta_cost_usd": self.delta_cost_usd,
            "delta": self.delta,
            "gain_per_billion_usd": self.per_billion,
            "meets_constraints": self.feasible,
        }


def trial_values(task: PointTask) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run one architecture (in a worker) and keep its per-trial headline values."""
    from hoplon.analysis.compare import trial_values
    from hoplon.analysis.run import run_scenario
    from hoplon.scenario.loader import load_data
    from hoplon.scenario.paths import apply_overrides

    loaded = load_data(apply_overrides(task.raw, task.overrides), task.file)
    result = run_scenario(loaded, trials=task.trials, seed=task.seed, workers=1)
    values = trial_values(result)
    return result.to_dict()["metrics"], dict(values)


def marginal_steps(space: Space) -> list[tuple[tuple[int, ...], str, str]]:
    """The architectures the marginal table runs: the current one (every decision at
    option 0), then each other option alone, as (choice, decision, option)."""
    base_choice = tuple(0 for _ in space.decisions)
    steps = [(base_choice, "", "")]
    for j, d in enumerate(space.decisions):
        for i in range(1, len(d.options)):
            c = list(base_choice)
            c[j] = i
            steps.append((tuple(c), d.name, d.options[i].label))
    return steps


def marginal_table(
    space: Space,
    cost_of: Callable[[Any], Any],
    metrics: Sequence[str],
    directions: Mapping[str, int],
    *,
    seed: int,
    trials: int,
    workers: int = 1,
    cluster: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[MarginalRow], dict[str, Any]]:
    """Each option added alone to the current architecture (every decision at option 0):
    its extra cost and the paired difference of each metric, ranked by the first
    metric's gain per dollar."""
    from hoplon.analysis.compare import paired_difference

    steps = marginal_steps(space)
    archs = [space.architecture(c, cost_of) for c, _, _ in steps]
    file = space.loaded.path or "<scenario>"
    tasks = [PointTask(space.raw, file, a.overrides, seed, trials) for a in archs]
    runs: dict[int, tuple[dict[str, Any], dict[str, Any]]] = dict(
        map_points(trial_values, tasks, workers, cluster, progress)
    )
    base, base_values = runs[0]
    rows = []
    for k in range(1, len(steps)):
        arch, (_, values) = archs[k], runs[k]
        dcost = float(arch.cost.total_usd) - float(archs[0].cost.total_usd)
        delta = {
            m: paired_difference(base_values[m], values[m]).to_dict()
            for m in metrics if m in values and m in base_values
        }  # fmt: skip
        gain = (
            directions[metrics[0]] * delta[metrics[0]]["diff"] if metrics[0] in delta else math.nan
        )
        per_billion = gain / dcost * 1e9 if dcost > 0 else None
        rows.append(MarginalRow(steps[k][1], steps[k][2], dcost, delta,
                                not space.violations(arch), per_billion))  # fmt: skip

    def rank(r: MarginalRow) -> tuple[int, float]:
        if r.per_billion is None:  # free: first if it helps
            return (
                0
                if (r.delta.get(metrics[0], {}).get("diff") or 0) * directions[metrics[0]] > 0
                else 2,
                0.0,
            )
        return (1, -r.per_billion)

    rows.sort(key=rank)
    baseline = {
        "architecture": archs[0].labels(space),
        "cost_usd": float(archs[0].cost.total_usd),
        "metrics": {m: base.get(m) for m in metrics},
        "meets_constraints": not space.violations(archs[0]),
    }
    return rows, baseline
