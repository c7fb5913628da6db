"""Benchmark: the exhaustive Pareto front of the Japan architecture trade, and what
NSGA-II needs to find it.

:func:`hoplon.analysis.trade.trade` on ``examples/japan-architecture-trade.yaml`` (512
architectures: Aegis Ashore at Akita and Yamaguchi, THAAD in Kanto and Kansai, one more
Patriot battery at one of three sites, SM-3 inventory of two destroyers; budget, unit
count and tiers as constraints) evaluated whole at 5,000 trials per architecture on 2
processes, written to a fresh results store. Then NSGA-II with the same seed and trials
(its architectures read back from that store, so it runs nothing again) and, generation
by generation, whether its front matches the exhaustive one within Monte Carlo error
(:func:`hoplon.analysis.pareto.match_fronts`): the evaluations it took to get there.

Run it through ``benchmarks/run.py trade`` (``--quick``: three candidates, 64
architectures, 200 trials).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoplon.analysis.pareto import match_fronts
from hoplon.analysis.trade import TradeResult, trade
from hoplon.io.store import ResultStore

#: The target of the trade-space issue, seconds (256+ architectures x 5,000 trials, 2 cores).
TARGET_S = 60.0
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "japan-architecture-trade.yaml"


@dataclass(frozen=True)
class Config:
    """Trials, processes, and NSGA-II's settings."""

    trials: int = 5000
    workers: int = 2
    population: int = 24
    generations: int = 30
    quick: bool = False


DEFAULT = Config()
QUICK = Config(trials=200, population=8, generations=3, quick=True)


def _file(config: Config, folder: Path) -> Path:
    if not config.quick:
        return EXAMPLE
    text = EXAMPLE.read_text()
    text = text[: text.index("  # SM-3 Block IB for Kongo")] + text[text.index("constraints:") :]
    path = folder / "quick-trade.yaml"
    path.write_text(text)
    return path


def _ref(result: TradeResult, keys: list[str] | None = None) -> list[Any]:
    by_key = {p.key: p for p in result.points}
    chosen = [by_key[k] for k in keys] if keys is not None else result.front
    return [(p.key, p.cost_usd, [p.value("p_no_leak")[0]], [p.value("p_no_leak")[3]])
            for p in chosen]  # fmt: skip


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run(config: Config = DEFAULT, profile: bool = False) -> dict[str, Any]:
    """The exhaustive front (timed), then NSGA-II against it."""
    with tempfile.TemporaryDirectory(prefix="hoplon-bench-trade-") as tmp:
        folder = Path(tmp)
        file = _file(config, folder)
        store = ResultStore(folder / "store")
        wall0, cpu0 = time.perf_counter(), _cpu()
        full = trade(file, trials=config.trials, workers=config.workers, store=store,
                     marginal=False)  # fmt: skip
        wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
        opt = trade(file, trials=config.trials, workers=config.workers, store=store,
                    resume=True, marginal=False, method="nsga2",
                    population=config.population, generations=config.generations)  # fmt: skip
        reference = _ref(full)
        reached = None
        for h in opt.history:
            if match_fronts(reference, _ref(opt, h["front"])).complete:
                reached = h
                break
        final = match_fronts(reference, _ref(opt))
        listing = None
        if profile:
            prof = cProfile.Profile()
            prof.runcall(trade, file, trials=config.trials, workers=1, marginal=False,
                         store=store, resume=True)  # fmt: skip
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(20)
            listing = buf.getvalue()
    return {
        "benchmark": "trade",
        "config": vars(config),
        "space": full.space_size,
        "run": len(full.points),
        "infeasible": full.infeasible,
        "front": len(full.front),
        "wall_s": wall,
        "cpu_s": cpu,
        "load": os.getloadavg(),
        "nsga_evaluations": len(opt.points),
        "nsga_generations": len(opt.history),
        "nsga_front": len(opt.front),
        "nsga_matched": sum(m is not None for m in final.matched),
        "nsga_same_architecture": final.same_architecture,
        "reached": None
        if reached is None
        else {k: reached[k] for k in ("generation", "evaluations")},
        "target_s": TARGET_S,
        "profile": listing,
    }


def report(result: dict[str, Any]) -> str:
    """The figures as Markdown."""
    cfg = result["config"]
    met = "met" if result["wall_s"] < result["target_s"] else "NOT met"
    reached = result["reached"]
    where = (
        f"generation {reached['generation']}, after {reached['evaluations']} architectures run"
        if reached
        else "not within the generations run"
    )
    return "\n".join([
        f"`trade(japan-architecture-trade.yaml{' (quick: 3 candidates)' if cfg['quick'] else ''},"
        f" trials={cfg['trials']}, workers={cfg['workers']})`, exhaustive, a fresh store; "
        f"then NSGA-II (population {cfg['population']}, {cfg['generations']} generations, "
        "the same seed and trials):",
        "",
        "| architectures | run (meet the constraints) | on the front | wall | CPU | load (1, 5, 15 min) | target < 60 s |",
        "|---:|---:|---:|---:|---:|---|---|",
        f"| {result['space']:,} | {result['run']:,} | {result['front']} | "
        f"{result['wall_s']:.1f} s | {result['cpu_s']:.1f} s | "
        f"{', '.join(f'{x:.1f}' for x in result['load'])} | {met} |",
        "",
        f"NSGA-II: {result['nsga_evaluations']} architectures run in "
        f"{result['nsga_generations']} generations; its front matches "
        f"{result['nsga_matched']} of the {result['front']} exhaustive Pareto points "
        f"({result['nsga_same_architecture']} by the same architecture); the whole front "
        f"is matched at {where}.",
        *(["", "```", result["profile"], "```"] if result.get("profile") else []),
    ])  # fmt: skip
