"""Terminal tables and sheets of a trade study (``TradeResult.to_dict()``): the Pareto
front with each point's architecture, intervals and who pays, and the marginal table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from hoplon.present.text import estimate, metric_column, musd, signed
from hoplon.safetext import plain

__all__ = ["architecture_text", "print_trade"]


def architecture_text(point: Mapping[str, Any], decisions: Sequence[Mapping[str, Any]]) -> str:
    """What an architecture changes from the current one (every decision at its first
    option): ``patriot-extra: yokosuka; ddg-kongo SM-3 Block IB: 16``, or ``as is``."""
    first = {d["name"]: d["options"][0] for d in decisions}
    changed = [f"{k}: {v}" for k, v in point["architecture"].items() if first.get(k) != v]
    return "; ".join(changed) or "as is (current architecture)"


def _payers(point: Mapping[str, Any]) -> str:
    by = point.get("by_nation_usd") or {}
    return ", ".join(f"{n} {musd(v)}" for n, v in by.items() if v) or "—"


def _front_table(data: Mapping[str, Any]) -> Table:
    info = data["trade"]
    table = Table(
        title="Pareto front, cheapest first: life-cycle cost (USD M), metric and 95% interval",
        title_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("cost", justify="right")
    for m in info["metrics"]:
        table.add_column(metric_column(m)[0], justify="right", overflow="fold")
    table.add_column("architecture (change from current) · who pays (USD M)", overflow="fold")
    for i, p in enumerate(data["front"], start=1):
        cells = [escape(estimate(p["metrics"].get(m), metric_column(m)[1], sep="\n"))
                 for m in info["metrics"]]  # fmt: skip
        what = Text.assemble(
            plain(architecture_text(p, info["decisions"])), "\n", plain(_payers(p), "dim")
        )
        table.add_row(str(i), musd(p["cost_usd"]), *cells, what)
    return table


def gain_words(metric: str, label: str) -> str:
    """What the marginal table's gain per dollar counts: a metric where less is better
    (expected leakers) gains by going down, so its gain is what is avoided."""
    from hoplon.analysis.trade import METRICS

    return f"{label} avoided" if METRICS.get(metric, 1) < 0 else f"{label} gained"


def _marginal_table(data: Mapping[str, Any]) -> Table:
    info = data["trade"]
    metric = info["metrics"][0]
    label, fmt = metric_column(metric)
    table = Table(
        title=f"Marginal: each option added alone to the current architecture, ranked by "
        f"{gain_words(metric, label)} per USD B (paired, common random numbers)",
        title_justify="left",
    )
    table.add_column("option", overflow="fold")
    table.add_column("+cost (USD M)", justify="right")
    table.add_column(f"Δ {label} [95%]", justify="right", overflow="fold")
    table.add_column("per USD B", justify="right")
    for row in data["marginal"]["rows"]:
        d = row["delta"].get(metric) or {}
        s4 = signed(fmt)
        diff = f"{s4(d['diff'])}\n[{s4(d['ci95'][0])}, {s4(d['ci95'][1])}]" if d else "—"
        gain = row["gain_per_billion_usd"]
        name = f"{row['decision']}: {row['option']}" + ("" if row["meets_constraints"] else " ✗")
        table.add_row(plain(name), musd(row["delta_cost_usd"]), escape(diff),
                      "—" if gain is None else f"{gain:+.4f}")  # fmt: skip
    return table


def print_trade(data: Mapping[str, Any], console: Console) -> None:
    """The trade's heading, front, marginal table and study line."""
    info = data["trade"]
    how = (
        f"all {info['distinct']:,} distinct architectures"
        if info["method"] == "exhaustive"
        else f"NSGA-II, {info['evaluations']:,} architectures run "
        f"(population {info['optimiser']['population']}, "
        f"{info['optimiser']['generations']} generations, seed {info['optimiser']['seed']})"
    )
    console.print(
        Text.assemble(
            plain(info["scenario"], "bold"),
            f": trade of {info['space_size']:,} architectures; {how}; "
            f"{info['infeasible']:,} outside the constraints; "
            f"{info['trials']:,} trials each, seed {info['seed']}",
        )
    )
    console.print(_front_table(data))
    base = data["marginal"].get("baseline") or {}
    if data["marginal"]["rows"]:
        m0 = info["metrics"][0]
        console.print(
            plain(
                f"Current architecture: cost {musd(base['cost_usd'])} USD M, "
                f"{metric_column(m0)[0]} {estimate(base['metrics'].get(m0), metric_column(m0)[1])}"
            )
        )
        console.print(_marginal_table(data))
    store = f"store {info['store']} (study {info['study_id']})" if info["store"] else "no store"
    console.print(
        plain(
            f"{info['computed']} computed, {info['resumed']} from the store · "
            f"{info['executor']} · {info['wall_s']:.1f} s · {store}"
        )
    )
