"""What to buy under a budget: the Pareto front of security against life-cycle cost.

:func:`trade` reads a scenario's ``candidates:`` and ``constraints:``
(:mod:`hoplon.analysis.tradespace`), builds every architecture as a scenario variant,
prices it (:func:`hoplon.analysis.costs.architecture_cost`), and runs the architectures
that meet the constraints with the same seed and trials, so that they share their random
numbers (common random numbers: the same threat draws the same chance in every
architecture, and differences between architectures are paired). A space of at most
:data:`~hoplon.analysis.tradespace.EXHAUSTIVE_MAX` architectures is evaluated whole;
a larger one is searched by NSGA-II (pymoo) with a fixed seed. Each architecture is
sent to a worker as soon as it is priced, so pricing overlaps the runs, and the
workers are forked from a process whose engine kernel is already compiled. Each architecture run is
written to the results store as it finishes and found there again with ``resume``,
like a sweep point. The front is the set of architectures no other evaluated one
dominates (:mod:`hoplon.analysis.pareto`); the marginal analysis adds each option alone
to the current architecture and ranks the security gained per dollar.
See docs/tradespace.md.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hoplon._version import __version__
from hoplon.analysis.marginal import MarginalRow, marginal_steps, marginal_table
from hoplon.analysis.pareto import pareto_mask
from hoplon.analysis.sweep import PointStore, PointTask, run_point
from hoplon.analysis.tradespace import (
    EXHAUSTIVE_MAX,
    Architecture,
    Space,
    budget_refusal,
    none_feasible,
    plan_space,
)
from hoplon.compile import memory
from hoplon.core.stats import Z95
from hoplon.errors import InputError, StoreWriteError, did_you_mean
from hoplon.execute import map_stream
from hoplon.results.contract import CONTRACT

__all__ = ["METRICS", "TradePoint", "TradeResult", "trade"]

#: The security metrics a trade may use, and their direction (+1: more is better).
METRICS: dict[str, int] = {
    "p_no_leak": 1,
    "value_protected": 1,
    "value_protected_attacked": 1,
    "expected_leakers": -1,
}
#: NSGA-II defaults: population and generations.
POPULATION = 24
GENERATIONS = 30
#: The most architectures NSGA-II may run (population × generations), as a study's samples.
MAX_EVALUATIONS = 200_000

CostOf = Callable[[Any], Any]


def default_cost(loaded: Any) -> Any:
    """The architecture's life-cycle cost (:func:`hoplon.analysis.costs.architecture_cost`)."""
    from hoplon.analysis.costs import architecture_cost

    return architecture_cost(loaded)


@dataclass(frozen=True)
class TradePoint:
    """One evaluated architecture."""

    choice: tuple[int, ...]
    labels: dict[str, str]
    key: str
    units: int
    cost_usd: float
    by_nation: dict[str, float]
    cost: dict[str, Any]
    metrics: dict[str, Any]
    resumed: bool
    on_front: bool = False

    def value(self, metric: str) -> tuple[float, float, float, float]:
        """(mean, low, high, standard error) of a metric of the point's run."""
        est = self.metrics.get(metric) or {}
        mean = est.get("mean")
        if mean is None:
            return (math.nan,) * 4
        low, high = est.get("ci95") or (mean, mean)
        return float(mean), float(low), float(high), (float(high) - float(low)) / (2 * Z95)

    def to_dict(self, metrics: Sequence[str]) -> dict[str, Any]:
        return {
            "key": self.key,
            "architecture": self.labels,
            "choice": list(self.choice),
            "units": self.units,
            "cost_usd": self.cost_usd,
            "by_nation_usd": self.by_nation,
            "on_front": self.on_front,
            "metrics": {m: self.metrics.get(m) for m in metrics},
            "cost": self.cost,
            "resumed": self.resumed,
        }


@dataclass(frozen=True)
class TradeResult:
    """A trade study: every architecture evaluated, its front, the marginal table."""

    file: str
    scenario: str
    sha256: str
    metrics: tuple[str, ...]
    seed: int
    trials: int
    method: str
    space_size: int
    distinct: int
    infeasible: int
    points: list[TradePoint]
    marginal: list[MarginalRow]
    baseline: dict[str, Any]
    study_id: str
    store: str | None
    computed: int
    resumed: int
    wall_s: float
    executor: str
    optimiser: dict[str, Any] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    constraints: dict[str, Any] = field(default_factory=dict)
    cost_basis: dict[str, Any] = field(default_factory=dict)
    """The life-cycle cost conventions (horizon, discount rate, base year, assumptions)."""

    @property
    def front(self) -> list[TradePoint]:
        """The Pareto points, cheapest first."""
        return sorted((p for p in self.points if p.on_front), key=lambda p: p.cost_usd)

    def to_dict(self) -> dict[str, Any]:
        """The trade as JSON data (docs/tradespace.md)."""
        return {
            "contract": CONTRACT,
            "hoplon_version": __version__,
            "trade": {
                "file": self.file,
                "scenario": self.scenario,
                "sha256": self.sha256,
                "metrics": list(self.metrics),
                "seed": self.seed,
                "trials": self.trials,
                "method": self.method,
                "space_size": self.space_size,
                "distinct": self.distinct,
                "infeasible": self.infeasible,
                "evaluations": len(self.points),
                "optimiser": self.optimiser,
                "constraints": self.constraints,
                "cost_basis": self.cost_basis,
                "decisions": self.baseline.get("decisions", []),
                "study_id": self.study_id,
                "store": self.store,
                "executor": self.executor,
                "computed": self.computed,
                "resumed": self.resumed,
                "wall_s": round(self.wall_s, 3),
            },
            "front": [p.to_dict(self.metrics) for p in self.front],
            "points": [p.to_dict(self.metrics) for p in self.points],
            "marginal": {
                "baseline": {k: v for k, v in self.baseline.items() if k != "decisions"},
                "rows": [r.to_dict() for r in self.marginal],
            },
            "history": self.history,
        }


# ------------------------------------------------------------------------- evaluation


@dataclass
class _Evaluator:
    """Runs architectures once each (by key), through the store when one is given."""

    space: Space
    seed: int
    trials: int
    study: str
    workers: int
    cluster: str | None
    store: PointStore | None
    resume: bool
    progress: Callable[[int], None] | None
    on_plan: Callable[[int, int], None] | None = None
    """Called with (architectures to run, read back from the store) so far, each time
    the architectures of a batch are all known."""
    figures: dict[str, tuple[dict[str, Any], bool]] = field(default_factory=dict)
    order: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    computed: int = 0
    planned: int = 0
    resumed: int = 0

    def key(self, arch: Architecture) -> tuple[str, str]:
        from hoplon.results.keys import point_key

        return point_key(arch.digest, self.seed, self.trials), arch.digest

    def run(self, archs: Iterable[Architecture]) -> list[tuple[dict[str, Any], bool]]:
        """The figures of each architecture, in the order given. The architectures may
        still be being priced: each is sent to a worker as soon as it is given
        (:func:`hoplon.execute.map_stream`), so that pricing overlaps the runs."""
        keyed: list[str] = []
        todo: list[tuple[str, Architecture, str]] = []
        queued: set[str] = set()
        file = self.space.loaded.path or "<scenario>"
        resumed = 0

        def tasks() -> Iterator[PointTask]:
            nonlocal resumed
            for arch in archs:
                key, digest = self.key(arch)
                keyed.append(key)
                if key in self.figures or key in queued:
                    continue
                self.order.append((key, arch.labels(self.space)))
                stored = self.store.load_point(key) if self.store and self.resume else None
                if stored is not None:
                    self.figures[key] = (stored.metrics, True)
                    resumed += 1
                    continue
                queued.add(key)
                todo.append((key, arch, digest))
                yield PointTask(self.space.raw, file, arch.overrides, self.seed, self.trials)
            self.planned += len(todo)
            self.resumed += resumed
            if self.on_plan is not None:
                self.on_plan(self.planned, self.resumed)

        for j, result in map_stream(run_point, tasks(), self.workers, self.cluster, self.progress):
            key, arch, digest = todo[j]
            if self.store is not None:
                try:
                    self.store.record_point(
                        result, key=key, study=self.study, kind="trade",
                        point=len(self.figures), file=file,
                        base_sha256=self.space.loaded.sha256, scenario_sha256=digest,
                        overrides=arch.labels(self.space),
                    )  # fmt: skip
                except StoreWriteError as exc:
                    raise exc.kept(
                        f"{len(self.figures)} architectures are stored and kept; run the "
                        "same trade with --resume to compute the others"
                    ) from None
            self.figures[key] = (result["metrics"], False)
            self.computed += 1
        return [self.figures[key] for key in keyed]


#: What a point keeps of its cost record (the conventions are the trade's, once).
_BREAKDOWN = ("total_usd", "acquisition_usd", "operating_usd", "inventory_usd",
              "extra_inventory_usd", "candidate_usd", "existing_usd", "by_nation", "by_program")  # fmt: skip
#: The cost record's conventions, the same for every architecture of a trade.
_BASIS = ("currency", "base_year", "deflator", "horizon_years", "discount_rate",
          "residual_value", "assumptions", "sources")  # fmt: skip


def _cost_breakdown(cost: dict[str, Any]) -> dict[str, Any]:
    out = {k: cost[k] for k in _BREAKDOWN if k in cost}
    out["by_unit"] = [
        {k: u.get(k) for k in ("id", "status", "total_usd", "payers")}
        for u in cost.get("by_unit", [])
    ]
    if cost.get("warnings"):
        out["warnings"] = cost["warnings"]
    return out


def _point(
    space: Space, arch: Architecture, key: str, figs: tuple[dict[str, Any], bool]
) -> TradePoint:
    by_nation = {str(n): float(v) for n, v in dict(arch.cost.by_nation).items()}
    return TradePoint(
        arch.choice, arch.labels(space), key, arch.units, float(arch.cost.total_usd),
        by_nation, _cost_breakdown(arch.cost.to_dict()), figs[0], figs[1],
    )  # fmt: skip


def _objectives(points: Sequence[TradePoint], metrics: Sequence[str]) -> np.ndarray:
    rows = [[p.cost_usd, *(-METRICS[m] * p.value(m)[0] for m in metrics)] for p in points]
    return np.asarray(rows, dtype=np.float64).reshape(len(points), 1 + len(metrics))


def _with_front(points: list[TradePoint], metrics: Sequence[str]) -> list[TradePoint]:
    import dataclasses

    mask = pareto_mask(_objectives(points, metrics)) if points else np.zeros(0, dtype=bool)
    return [dataclasses.replace(p, on_front=bool(m)) for p, m in zip(points, mask, strict=True)]


# --------------------------------------------------------------------------- search


def _extreme(space: Space, most: bool) -> tuple[int, ...]:
    """The choice with the most (or fewest) copies and interceptors of every decision."""
    out = []
    for d in space.decisions:
        sizes = [(o.copies if o.copies is not None else o.count or 0) for o in d.options]
        out.append(int(np.argmax(sizes) if most else np.argmin(sizes)))
    return tuple(out)


def _exhaustive(space: Space, ev: _Evaluator, cost_of: CostOf) -> tuple[list[TradePoint], int, int]:
    seen: set[str] = set()
    archs: list[Architecture] = []
    every: list[Architecture] = []

    def feasible() -> Iterator[Architecture]:
        """Each distinct architecture that meets the constraints, priced as it is asked
        for (the runs of the first ones start while the others are priced)."""
        for choice in space.choices():
            arch = space.architecture(choice, cost_of)
            key = ev.key(arch)[0]
            if key in seen:
                continue
            seen.add(key)
            every.append(arch)
            if not space.violations(arch):
                archs.append(arch)
                yield arch

    figures = ev.run(feasible())
    if not archs:
        raise none_feasible(space, every)
    points = [_point(space, a, ev.key(a)[0], f) for a, f in zip(archs, figures, strict=True)]
    return points, len(every), len(every) - len(archs)


def _nsga2(
    space: Space, ev: _Evaluator, cost_of: CostOf, metrics: Sequence[str],
    population: int, generations: int, seed: int,
) -> tuple[list[TradePoint], int, list[dict[str, Any]]]:  # fmt: skip
    """NSGA-II (pymoo) over the option indexes, with constraint domination; each
    generation's new architectures are run together."""
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.evaluator import Evaluator
    from pymoo.core.problem import Problem as MooProblem
    from pymoo.operators.crossover.sbx import SBX
    from pymoo.operators.mutation.pm import PM
    from pymoo.operators.repair.rounding import RoundingRepair
    from pymoo.operators.sampling.rnd import IntegerRandomSampling
    from pymoo.problems.static import StaticProblem

    upper = np.array([len(d.options) - 1 for d in space.decisions], dtype=float)
    problem = MooProblem(
        n_var=len(space.decisions), n_obj=1 + len(metrics), n_ieq_constr=1,
        xl=np.zeros_like(upper), xu=upper, vtype=int,
    )  # fmt: skip
    algorithm = NSGA2(
        pop_size=population,
        sampling=IntegerRandomSampling(),
        crossover=SBX(prob=1.0, eta=3.0, vtype=float, repair=RoundingRepair()),
        mutation=PM(prob=1.0, eta=3.0, vtype=float, repair=RoundingRepair()),
        eliminate_duplicates=True,
    )
    algorithm.setup(problem, termination=("n_gen", generations), seed=seed, verbose=False)
    cache: dict[tuple[int, ...], Architecture] = {}
    points: dict[str, TradePoint] = {}
    infeasible: set[tuple[int, ...]] = set()
    history: list[dict[str, Any]] = []
    while algorithm.has_next():
        pop = algorithm.ask()
        if pop is None or len(pop) == 0:  # no new offspring left (a small space is spent)
            break
        choices = [tuple(int(v) for v in np.rint(x)) for x in pop.get("X")]
        for c in choices:
            if c not in cache:
                cache[c] = space.architecture(c, cost_of)
        archs = [cache[c] for c in choices]
        ok = [a for a in archs if not space.violations(a)]
        infeasible.update(a.choice for a in archs if space.violations(a))
        for arch, figs in zip(ok, ev.run(ok), strict=True):
            key = ev.key(arch)[0]
            points.setdefault(key, _point(space, arch, key, figs))
        f_rows, g_rows = [], []
        for arch in archs:
            excess = space.excess(arch)
            if excess > 0:
                f_rows.append([arch.cost.total_usd] + [0.0] * len(metrics))
            else:
                p = points[ev.key(arch)[0]]
                f_rows.append([p.cost_usd, *(-METRICS[m] * p.value(m)[0] for m in metrics)])
            g_rows.append([excess])
        static = StaticProblem(problem, F=np.asarray(f_rows), G=np.asarray(g_rows))
        Evaluator().eval(static, pop)
        algorithm.tell(infills=pop)
        front = _with_front(list(points.values()), metrics)
        history.append({
            "generation": len(history) + 1,
            "evaluations": len(points),
            "front": [p.key for p in front if p.on_front],
        })  # fmt: skip
    if not points:
        raise none_feasible(space, list(cache.values()))
    return list(points.values()), len(infeasible), history


# ----------------------------------------------------------------------------- trade


def _warm(loaded: Any, seed: int) -> None:
    """Compile (or load from numba's cache) the engine's kernel in this process before
    the worker processes start, when they are forked from it: they inherit it compiled,
    instead of each compiling it (a cold cache, after an upgrade) or loading it (about a
    second each). A two-trial run of the largest architecture, thrown away: it calls
    every kernel function with the argument types every architecture passes."""
    import multiprocessing

    from hoplon.analysis.run import run_scenario

    if multiprocessing.get_start_method(allow_none=False) == "fork":
        run_scenario(loaded, trials=2, seed=seed, workers=1)


def _check_metrics(metrics: Sequence[str]) -> tuple[str, ...]:
    if not metrics:
        raise InputError.single("give at least one metric", field="metric")
    for m in metrics:
        if m not in METRICS:
            raise InputError.single(
                f"unknown metric '{m}'{did_you_mean(m, METRICS)}; accepted: {', '.join(METRICS)}",
                field="metric",
            )
    if len(set(metrics)) != len(metrics):
        raise InputError.single("a metric is given twice; give each once", field="metric")
    return tuple(metrics)


def trade(
    file: str | Path,
    *,
    metrics: Sequence[str] = ("p_no_leak",),
    trials: int | None = None,
    seed: int | None = None,
    method: str = "auto",
    population: int = POPULATION,
    generations: int = GENERATIONS,
    optimiser_seed: int | None = None,
    workers: int | None = None,
    cluster: str | None = None,
    store: PointStore | None = None,
    resume: bool = False,
    marginal: bool = True,
    cost_of: CostOf | None = None,
    progress: Callable[[int], None] | None = None,
    planned: Callable[[int, int], None] | None = None,
) -> TradeResult:
    """Search a scenario's candidates for the front of security against life-cycle cost.

    Args:
        file: a scenario with ``candidates:`` (and optionally ``constraints:``).
        metrics: security metrics (:data:`METRICS`); the front is over cost and these.
        method: ``exhaustive``, ``nsga2``, or ``auto`` (exhaustive up to
            :data:`~hoplon.analysis.tradespace.EXHAUSTIVE_MAX` architectures).
        population, generations, optimiser_seed: NSGA-II's (its seed defaults to the
            run seed).
        cost_of: prices a validated architecture (default :func:`default_cost`).
        store, resume: as for a sweep; every architecture run is a point of kind ``trade``.
        progress: called with 1 as each architecture's run finishes (the marginal
            table's runs included).
        planned: called with (runs to do, architectures read back from the store) once
            the exhaustive space is priced, after each NSGA-II generation is (the totals
            so far), and with the marginal table's runs added before they start, e.g.
            to size a progress bar.

    Raises:
        InputError: bad candidates or constraints (located in the file), a budget below
            the cheapest architecture, an unknown metric or method.
    """
    from hoplon.core.runner import default_workers
    from hoplon.results.keys import study_id
    from hoplon.scenario.loader import load_data
    from hoplon.scenario.yamlio import parse_yaml, read_text

    start = time.perf_counter()
    metrics = _check_metrics(metrics)
    if method not in ("auto", "exhaustive", "nsga2"):
        raise InputError.single(
            f"unknown method '{method}'; accepted: auto, exhaustive, nsga2", field="method"
        )
    for name, value, low in (("population", population, 4), ("generations", generations, 1)):
        if value < low:
            raise InputError.single(f"{name} must be at least {low} (got {value})", field=name)
    if population * generations > MAX_EVALUATIONS:
        raise InputError.single(
            f"a population of {population:,} over {generations:,} generations may run "
            f"{population * generations:,} architectures; at most {MAX_EVALUATIONS:,} are "
            "accepted",
            field="population",
        )
    if resume and store is None:
        raise InputError.single(
            "--resume reads the results store; give --store DIR", field="resume"
        )
    name = str(file)
    data, text = read_text(Path(file))
    raw, positions = parse_yaml(text, name)
    loaded = load_data(raw, name, positions, data)
    space = plan_space(loaded, raw)
    cost_fn: CostOf = cost_of or default_cost
    n = loaded.spec.trials if trials is None else trials
    s = loaded.spec.seed if seed is None else seed
    if n < 2:
        raise InputError.single(f"a trade needs at least 2 trials (got {n})", field="trials")
    chosen = (
        method if method != "auto" else ("exhaustive" if space.size <= EXHAUSTIVE_MAX else "nsga2")
    )
    if chosen == "exhaustive" and space.size > EXHAUSTIVE_MAX:
        raise InputError.single(
            f"the space has {space.size:,} architectures; exhaustive evaluation takes at most "
            f"{EXHAUSTIVE_MAX:,} (use --method nsga2)",
            field="method",
        )
    opt: dict[str, Any] | None = None
    if chosen == "nsga2":
        opt = {"algorithm": "NSGA-II (pymoo)", "population": population,
               "generations": generations, "seed": s if optimiser_seed is None else optimiser_seed}  # fmt: skip
    limits = loaded.spec.constraints
    constraints = limits.model_dump(exclude_none=True) if limits is not None else {}
    definition = {"kind": "trade", "sha256": loaded.sha256, "metrics": list(metrics),
                  "method": chosen, "optimiser": opt, "seed": s, "trials": n}  # fmt: skip
    study = study_id(definition)
    n_workers = default_workers() if workers is None else max(1, workers)
    largest = space.architecture(_extreme(space, most=True), cost_fn)
    whole = largest.cost.to_dict()
    cost_basis = {k: whole[k] for k in _BASIS if k in whole}
    if cluster is None:
        memory.enforce(memory.estimate(largest.loaded, n, workers=1), name, field="trials",
                       parallel=n_workers, what="this trade (its largest architecture)")  # fmt: skip
    if chosen == "nsga2" and limits is not None and limits.budget is not None:
        cheapest = space.architecture(_extreme(space, most=False), cost_fn)
        if [v for v in space.violations(cheapest) if "budget" in v] and not [
            v for v in space.violations(cheapest) if "budget" not in v
        ]:
            raise budget_refusal(space, cheapest)
    if store is not None:
        store.prepare()
    if cluster is None and n_workers > 1:
        _warm(largest.loaded, s)
    ev = _Evaluator(space, s, n, study, n_workers, cluster, store, resume, progress, planned)
    history: list[dict[str, Any]] = []
    if chosen == "exhaustive":
        points, distinct, infeasible = _exhaustive(space, ev, cost_fn)
    else:
        assert opt is not None
        points, infeasible, history = _nsga2(
            space, ev, cost_fn, metrics, population, generations, int(opt["seed"])
        )
        distinct = len(points) + infeasible
    points = _with_front(points, metrics)
    rows: list[MarginalRow] = []
    baseline: dict[str, Any] = {}
    if marginal:
        if planned is not None:  # the marginal table's runs join the bar's total
            planned(ev.planned + len(marginal_steps(space)), ev.resumed)
        rows, baseline = marginal_table(
            space, cost_fn, metrics, METRICS, seed=s, trials=n,
            workers=n_workers, cluster=cluster, progress=progress,
        )  # fmt: skip
    baseline["decisions"] = [
        {"name": d.name, "options": [o.label for o in d.options]} for d in space.decisions
    ]
    if store is not None:
        try:
            store.write_study(study, "trade", definition, ev.order)
        except StoreWriteError as exc:
            raise exc.kept(
                "every architecture run is stored; only the study's list was not"
            ) from None
    resumed = sum(1 for p in points if p.resumed)
    return TradeResult(
        file=name, scenario=loaded.spec.name, sha256=loaded.sha256, metrics=metrics,
        seed=s, trials=n, method=chosen, space_size=space.size, distinct=distinct,
        infeasible=infeasible, points=points, marginal=rows, baseline=baseline,
        study_id=study, store=None if store is None else str(store.root),
        computed=ev.computed, resumed=resumed, wall_s=time.perf_counter() - start,
        executor=f"dask {cluster}" if cluster else f"local, {n_workers} process(es)",
        optimiser=opt, history=history, constraints=constraints, cost_basis=cost_basis,
    )  # fmt: skip
