"""Sweep parameters: a grid of points, each the scenario with some fields overridden.

:func:`plan_sweep` / :func:`run_sweep` expand ``--set PATH=VALUES`` options into a grid
of points (:mod:`hoplon.analysis.grid`), apply each point's overrides to the scenario as
read from its file, validate every point before anything runs, then run the points
(:mod:`hoplon.execute`) and hand each to a point store as it finishes (the results store,
:mod:`hoplon.io.store`, is one), skipping with ``resume`` the points already stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from hoplon._version import __version__
from hoplon.analysis.grid import SetSpec, check_distinct_fields, expand_grid, parse_set, show_value
from hoplon.compile import memory
from hoplon.compile.memory import Estimate as MemoryEstimate
from hoplon.errors import (
    InputError,
    OverrideError,
    Problem,
    StoreWriteError,
)
from hoplon.execute import MAX_WORKERS, map_points
from hoplon.results.contract import CONTRACT
from hoplon.scenario.paths import apply_overrides


@dataclass(frozen=True)
class SweepPoint:
    """One point of a sweep's grid."""

    index: int
    overrides: dict[str, Any]
    """Canonical path -> value, in the order of the ``--set`` options."""
    seed: int
    trials: int
    key: str
    """The results store's key of this point (:func:`hoplon.io.store.point_key`)."""
    scenario_sha256: str
    """The digest of the point's scenario (:func:`hoplon.io.store.scenario_digest`)."""


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep: the base scenario, the grid and each point's key."""

    file: str
    scenario: str
    sha256: str
    raw: dict[str, Any]
    sets: tuple[SetSpec, ...]
    seed: int
    trials: int
    points: tuple[SweepPoint, ...]
    study_id: str
    #: Estimated peak memory of the largest point (one process), from hoplon.compile.memory.
    memory_estimate: MemoryEstimate | None = None
    #: The kind of study the store files it under: a grid ``sweep``, or the samples of an
    #: ``uncertainty`` or ``sensitivity`` study (:mod:`hoplon.analysis.uncertain`).
    kind: str = "sweep"
    #: For a study of samples: what identifies it besides the file, seed and trials.
    design: dict[str, Any] = field(default_factory=dict)

    def definition(self) -> dict[str, Any]:
        """What identifies the study: kind, base file hash, grid, seed and trials."""
        if self.kind != "sweep":
            return {"kind": self.kind, "sha256": self.sha256, **self.design,
                    "seed": self.seed, "trials": self.trials}  # fmt: skip
        return _sweep_definition(self.sha256, self.sets, self.seed, self.trials)


def _sweep_definition(
    sha256: str, sets: Sequence[SetSpec], seed: int, trials: int
) -> dict[str, Any]:
    return {
        "kind": "sweep",
        "sha256": sha256,
        "set": [[s.path, list(s.values)] for s in sets],
        "seed": seed,
        "trials": trials,
    }


def _point_error(exc: InputError, overrides: Mapping[str, Any], file: str) -> InputError:
    """Re-word a point's validation problems: they come from its --set values."""
    named = " ".join(f"set {p}={show_value(v)}" for p, v in overrides.items())
    problems = [
        Problem(f"{p.field}: {p.message}" if p.field else p.message, named) for p in exc.problems
    ]
    return InputError(problems, file)


def plan_sweep(
    file: str | Path,
    sets: Sequence[str | SetSpec],
    *,
    trials: int | None = None,
    seed: int | None = None,
) -> SweepPlan:
    """Parse the ``--set`` options, expand the grid and validate every point.

    A point's seed and trials are its own ``seed``/``trials`` override when the sweep
    sets them, else ``seed``/``trials`` given here, else the scenario file's.

    Raises:
        InputError: the file does not validate; a ``--set`` is malformed, addresses no
            field, or gives a value the scenario refuses (naming the ``--set`` and what
            is accepted).
    """
    from hoplon.results.keys import point_key, scenario_digest, study_id
    from hoplon.scenario.loader import load_data
    from hoplon.scenario.yamlio import parse_yaml, read_text

    path = Path(file)
    name = str(file)
    data, text = read_text(path)
    raw, positions = parse_yaml(text, name)
    base = load_data(raw, name, positions, data)
    try:
        specs = [s if isinstance(s, SetSpec) else parse_set(s) for s in sets]
        if not specs:
            raise InputError.single(
                "give at least one --set PATH=VALUES, e.g. --set threats[0].count=1..40",
                field="set",
            )
        grid = expand_grid(specs)
        check_distinct_fields(raw, specs)
    except InputError as exc:
        raise InputError(exc.problems, name) from None
    base_seed = base.spec.seed if seed is None else seed
    base_trials = base.spec.trials if trials is None else trials
    points = []
    largest: MemoryEstimate | None = None
    for i, overrides in enumerate(grid):
        try:
            point_raw = apply_overrides(raw, overrides)
        except OverrideError as exc:
            culprit = next((s for s in specs if str(exc).startswith(s.path + ": ")), None)
            option = culprit.option if culprit else ", ".join(s.option for s in specs)
            message = str(exc).removeprefix(culprit.path + ": ") if culprit else str(exc)
            raise InputError.single(message, file=name, field=f"set {option}") from None
        try:
            loaded = load_data(point_raw, name)
        except InputError as exc:
            raise _point_error(exc, overrides, name) from None
        p_seed = loaded.spec.seed if "seed" in overrides else base_seed
        p_trials = loaded.spec.trials if "trials" in overrides else base_trials
        est = memory.estimate(loaded, p_trials, workers=1)
        if largest is None or est.total > largest.total:
            largest = est
        digest = scenario_digest(loaded)
        key = point_key(digest, p_seed, p_trials)
        points.append(SweepPoint(i, overrides, p_seed, p_trials, key, digest))
    definition = _sweep_definition(base.sha256, specs, base_seed, base_trials)
    return SweepPlan(
        file=name,
        scenario=base.spec.name,
        sha256=base.sha256,
        raw=raw,
        sets=tuple(specs),
        seed=base_seed,
        trials=base_trials,
        points=tuple(points),
        study_id=study_id(definition),
        memory_estimate=largest,
    )


@dataclass(frozen=True)
class PointTask:
    """What a worker needs to run one point: plain data, cheap to send anywhere."""

    raw: dict[str, Any]
    file: str
    overrides: dict[str, Any]
    seed: int
    trials: int


def run_point(task: PointTask) -> dict[str, Any]:
    """Run one sweep point (in a worker): apply the overrides, validate, run, to JSON.

    Each point runs its trials in one process (parallelism is across points). The
    result depends only on the scenario, seed and trials, never on where it runs.
    """
    from hoplon.analysis.run import run_scenario
    from hoplon.scenario.loader import load_data

    start = time.perf_counter()
    try:
        loaded = load_data(apply_overrides(task.raw, task.overrides), task.file)
        result = run_scenario(loaded, trials=task.trials, seed=task.seed, workers=1).to_dict()
    except InputError as exc:  # e.g. geometry refused (waves that overlap): name the --set
        raise _point_error(exc, task.overrides, task.file) from None
    result["timing"]["wall_s"] = round(time.perf_counter() - start, 4)
    return result


@dataclass(frozen=True)
class PointOutcome:
    """A sweep point's figures: computed now, or read back from the store (resumed)."""

    point: SweepPoint
    metrics: dict[str, Any]
    timing: dict[str, Any]
    resumed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.point.index,
            "key": self.point.key,
            "overrides": self.point.overrides,
            "seed": self.point.seed,
            "trials": self.point.trials,
            "metrics": self.metrics,
            "timing": self.timing,
            "resumed": self.resumed,
        }


@dataclass(frozen=True)
class SweepResult:
    """Every point of a sweep, in grid order."""

    plan: SweepPlan
    points: list[PointOutcome]
    store: str | None
    computed: int
    resumed: int
    wall_s: float
    executor: str

    def to_dict(self) -> dict[str, Any]:
        """The sweep as JSON data (see docs/studies.md)."""
        plan = self.plan
        return {
            "contract": CONTRACT,
            "hoplon_version": __version__,
            "sweep": {
                "file": plan.file,
                "scenario": plan.scenario,
                "sha256": plan.sha256,
                "set": {s.path: list(s.values) for s in plan.sets},
                **(
                    {"together": [s.path for s in plan.sets if s.together]}
                    if any(s.together for s in plan.sets)
                    else {}
                ),
                "seed": plan.seed,
                "trials": plan.trials,
                "study_id": plan.study_id,
                "store": self.store,
                "executor": self.executor,
                "computed": self.computed,
                "resumed": self.resumed,
                "wall_s": round(self.wall_s, 3),
            },
            "points": [p.to_dict() for p in self.points],
        }


def _kept(stored: int, total: int) -> str:
    return (
        f"{stored} of {total} points are stored and kept; when it can be written again, "
        "run the same sweep with --resume to compute the others"
    )


class StoredFigures(Protocol):
    """A point read back from a store."""

    @property
    def metrics(self) -> dict[str, Any]: ...

    @property
    def timing(self) -> dict[str, Any]: ...


class PointStore(Protocol):
    """Where a sweep writes its points as they finish, and finds them again to resume.

    :class:`hoplon.io.store.ResultStore` is one; the analysis does not depend on it.
    """

    root: Path

    def prepare(self) -> None: ...

    def load_point(self, key: str) -> StoredFigures | None: ...

    def write_study(
        self,
        study: str,
        kind: str,
        definition: Mapping[str, Any],
        points: Sequence[tuple[str, Mapping[str, Any]]],
    ) -> Any: ...

    def record_point(self, result: Mapping[str, Any], **meta: Any) -> Any: ...


def run_sweep(
    plan: SweepPlan,
    *,
    workers: int | None = None,
    cluster: str | None = None,
    store: PointStore | None = None,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run a sweep's points and write each to the store as it finishes.

    Args:
        plan: from :func:`plan_sweep`.
        workers: local processes, one point each (default: every core).
        cluster: a Dask scheduler address; points then run there, one task each.
        store: where each point is written as it finishes (``None``: nowhere); the
            results store :class:`hoplon.io.store.ResultStore` is one.
        resume: skip the points whose key is already in the store; their figures are
            read back from it.
        progress: called with 1 as each point finishes.
        on_start: called with (points to compute, points resumed) before running.

    Raises:
        InputError: ``resume`` without a store; an unreachable cluster.
    """
    from hoplon.core.runner import default_workers

    start = time.perf_counter()
    n_workers = default_workers() if workers is None else max(1, workers)
    if cluster is None and plan.memory_estimate is not None:  # refuse before any point runs
        memory.enforce(
            plan.memory_estimate,
            plan.file,
            field="trials",
            parallel=min(n_workers, len(plan.points)),
            what="this sweep (its largest point)",
        )
    db = store
    if resume and db is None:
        raise InputError.single(
            "--resume reads the results store; give --store DIR", field="resume"
        )
    if workers is not None and workers > MAX_WORKERS:
        raise InputError.single(
            f"at most {MAX_WORKERS} processes (got {workers}); more than the cores only "
            "adds memory",
            field="workers",
        )
    first_of: dict[str, SweepPoint] = {}
    for p in plan.points:
        first_of.setdefault(p.key, p)
    figures: dict[str, tuple[dict[str, Any], dict[str, Any], bool]] = {}
    total = len(first_of)
    if db is not None:
        db.prepare()
        if resume:  # each stored point is verified; a damaged one is quarantined and rerun
            for key in first_of:
                stored = db.load_point(key)
                if stored is not None:
                    figures[key] = (stored.metrics, stored.timing, True)
        try:
            db.write_study(
                plan.study_id,
                plan.kind,
                plan.definition(),
                [(p.key, p.overrides) for p in plan.points],
            )
        except StoreWriteError as exc:
            raise exc.kept(_kept(len(figures), total)) from None
    todo = [p for key, p in first_of.items() if key not in figures]
    resumed_keys = [key for key in first_of if key in figures]
    if on_start is not None:
        on_start(len(todo), len(resumed_keys))
    tasks = [PointTask(plan.raw, plan.file, p.overrides, p.seed, p.trials) for p in todo]
    for j, result in map_points(run_point, tasks, n_workers, cluster, progress):
        p = todo[j]
        if db is not None:
            try:
                db.record_point(
                    result,
                    key=p.key,
                    study=plan.study_id,
                    kind=plan.kind,
                    point=p.index,
                    file=plan.file,
                    base_sha256=plan.sha256,
                    scenario_sha256=p.scenario_sha256,
                    overrides=p.overrides,
                )
            except StoreWriteError as exc:
                raise exc.kept(_kept(len(figures), total)) from None
        figures[p.key] = (result["metrics"], result["timing"], False)
    outcomes = [PointOutcome(p, *figures[p.key]) for p in plan.points]
    return SweepResult(
        plan=plan,
        points=outcomes,
        store=None if db is None else str(db.root),
        computed=len(todo),
        resumed=len(resumed_keys),
        wall_s=time.perf_counter() - start,
        executor=f"dask {cluster}"
        if cluster
        else f"local, {min(n_workers, max(1, len(todo)))} process(es)",
    )


def sweep(
    file: str | Path,
    sets: Sequence[str],
    *,
    trials: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    cluster: str | None = None,
    store: PointStore | None = None,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SweepResult:
    """Plan and run a sweep in one call (:func:`plan_sweep` then :func:`run_sweep`)."""
    plan = plan_sweep(file, sets, trials=trials, seed=seed)
    return run_sweep(
        plan, workers=workers, cluster=cluster, store=store, resume=resume, progress=progress
    )
