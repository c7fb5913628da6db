"""Run a compiled scenario over many trials: fixed-size blocks, one random stream each.

The trials are cut into blocks (:func:`~hoplon.core.engine.block_trials`: 32,768 trials,
fewer for large raids, a fixed function of the scenario); block ``b``
draws from ``SeedSequence(seed).spawn(n_blocks)[b]``. Blocks may run in several
processes, and their outcomes are put back in block order, so a result depends on the
seed and the number of trials only, never on the number of workers.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from hoplon.core.engine import (
    BlockOutcome,
    Plan,
    block_key,
    block_sizes,
    block_streams,
    block_trials,
    plan_decision_points,
    simulate_block,
)
from hoplon.core.model import Model

#: Between waves: stock (n, S) -> (new stock, flows (S, S) summed over trials, or None).
Resupply = Callable[[NDArray[np.int32]], tuple[NDArray[np.int32], NDArray[np.int32] | None]]


@dataclass
class Outcomes:
    """Per-trial outcomes of a whole run, all waves (threat axes concatenated)."""

    trials: int
    seed: int
    leaked: NDArray[np.bool_]  # (N, T_all)
    launched: NDArray[np.bool_]  # (N, T_all)
    shots: NDArray[np.int32]  # (N, S) summed over waves
    kills: NDArray[np.int32]  # (N, U) summed over waves
    transfers: NDArray[np.int64] | None  # (S, S) interceptors moved between waves, summed
    events: list[list[tuple[int, int, int, float, float, int, bool]]] = field(default_factory=list)
    decision_points: int = 0
    workers_used: int = 1  # processes that ran blocks (1: all in this process)
    stock_left: NDArray[np.int32] | None = None  # (N, S) held at the end of the last wave
    # (W, 3, S), runs of several waves: per wave and stock, summed over the trials, the
    # interceptors fired, those held at the wave's end, and the trials that ended it empty
    wave_magazines: NDArray[np.float64] | None = None


@dataclass(frozen=True)
class _Job:
    waves: tuple[Model, ...]
    plans: tuple[Plan, ...]
    resupply: Resupply | None


_JOB: _Job | None = None


def _init_worker(job: _Job) -> None:
    global _JOB
    _JOB = job


def _init_pool_worker(job: _Job) -> None:
    """A pool's worker process: the job, and SIGTERM's default (a forked worker inherits
    the command's handler; a stopped process group should end its workers quietly)."""
    _init_worker(job)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_one(
    args: tuple[int, np.random.SeedSequence, int],
) -> tuple[int, list[BlockOutcome], NDArray[np.int64] | None]:
    index, seq, n = args
    assert _JOB is not None
    return (index, *_simulate_waves(_JOB, seq, n, record_first=index == 0))


def _simulate_waves(
    job: _Job, seq: np.random.SeedSequence, n: int, record_first: bool
) -> tuple[list[BlockOutcome], NDArray[np.int64] | None]:
    key = block_key(seq)
    outs: list[BlockOutcome] = []
    stock: NDArray[np.int32] | None = None
    moved: NDArray[np.int64] | None = None
    for w, (model, plan) in enumerate(zip(job.waves, job.plans, strict=True)):
        if w > 0 and job.resupply is not None and stock is not None:
            stock, flows = job.resupply(stock)
            if flows is not None:
                total = flows.astype(np.int64)
                moved = total if moved is None else moved + total
        out = simulate_block(model, plan, key, n, stock0=stock, record_first=record_first, wave=w)
        stock = out.stock_left
        outs.append(out)
    return outs, moved


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_trials(
    waves: Sequence[Model],
    trials: int,
    seed: int,
    workers: int = 1,
    resupply: Resupply | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcomes:
    """Simulate ``trials`` trials of the waves in order, magazines carried between them.

    Args:
        waves: compiled waves sharing the same units and stocks.
        trials: number of trials (>= 1).
        seed: random seed.
        workers: processes to use (1 runs in this process).
        resupply: applied to the stocks between waves (ACSA rebalancing), if any.
        progress: called with the number of trials finished after each block.
    """
    job = _Job(tuple(waves), tuple(plan_decision_points(m) for m in waves), resupply)
    sizes = block_sizes(trials, block_trials(max((m.n_threats for m in waves), default=0)))
    seqs = block_streams(seed, len(sizes))
    tasks = [(i, seqs[i], n) for i, n in enumerate(sizes)]
    results: list[tuple[list[BlockOutcome], NDArray[np.int64] | None] | None] = [None] * len(tasks)
    if workers <= 1 or len(tasks) == 1:
        _init_worker(job)
        for task in tasks:
            i, outs, moved = _run_one(task)
            results[i] = (outs, moved)
            if progress:
                progress(task[2])
    else:
        with ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)), initializer=_init_pool_worker, initargs=(job,)
        ) as pool:
            for i, outs, moved in pool.map(_run_one, tasks):
                results[i] = (outs, moved)
                if progress:
                    progress(sizes[i])
    done = [r for r in results if r is not None]
    leaked = np.concatenate(
        [np.concatenate([o.leaked for o in outs], axis=1) for outs, _ in done], axis=0
    )
    launched = np.concatenate(
        [np.concatenate([o.launched for o in outs], axis=1) for outs, _ in done], axis=0
    )
    shots = np.concatenate([sum(o.shots for o in outs) for outs, _ in done], axis=0)
    kills = np.concatenate([sum(o.kills for o in outs) for outs, _ in done], axis=0)
    transfers = None
    moved_all = [m for _, m in done if m is not None]
    if moved_all:
        transfers = np.sum(moved_all, axis=0)
    stock_left = np.concatenate([outs[-1].stock_left for outs, _ in done], axis=0)
    wave_magazines = None
    if len(job.waves) > 1:  # sums, so the per-wave view costs (W, 3, S) whatever the trials
        wave_magazines = np.zeros((len(job.waves), 3, stock_left.shape[1]))
        for outs, _ in done:
            for w, o in enumerate(outs):
                wave_magazines[w, 0] += o.shots.sum(axis=0)
                wave_magazines[w, 1] += o.stock_left.sum(axis=0)
                wave_magazines[w, 2] += (o.stock_left == 0).sum(axis=0)
    events = [o.events for o in done[0][0]]
    return Outcomes(
        trials=trials,
        seed=seed,
        leaked=leaked,
        launched=launched,
        shots=shots.astype(np.int32),
        kills=kills.astype(np.int32),
        transfers=transfers,
        events=events,
        decision_points=sum(p.count for p in job.plans),
        workers_used=1 if workers <= 1 or len(tasks) == 1 else min(workers, len(tasks)),
        stock_left=stock_left.astype(np.int32),
        wave_magazines=wave_magazines,
    )
