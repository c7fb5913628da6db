"""The report of a trade study (``hoplon trade --json``): the Pareto front of security
against life-cycle cost, every point's architecture in its hover and in the tables, who
pays, and the marginal table."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hoplon.present.html import svg
from hoplon.present.html.page import Chart, make_chart, page, write_html
from hoplon.present.html.svg import Dot
from hoplon.present.text import estimate, metric_column, musd, pattern, signed
from hoplon.present.trade import architecture_text, gain_words

_BILLIONS = pattern("{:,.1f}", 1e-9)


def _dots(data: Mapping[str, Any], metric: str) -> list[Dot]:
    info = data["trade"]
    _, fmt = metric_column(metric)
    order = {p["key"]: i for i, p in enumerate(data["front"], start=1)}
    dots = []
    for p in data["points"]:
        est = p["metrics"].get(metric) or {}
        if est.get("mean") is None:
            continue
        low, high = est.get("ci95") or (est["mean"], est["mean"])
        what = architecture_text(p, info["decisions"])
        tip = (
            f"{'front #' + str(order[p['key']]) + ': ' if p['key'] in order else ''}{what} · "
            f"cost {musd(p['cost_usd'])} USD M · {metric_column(metric)[0]} "
            f"{estimate(est, fmt)}"
        )
        dots.append(Dot(p["cost_usd"], est["mean"], low, high, p["on_front"], tip,
                        f"#{order[p['key']]}" if p["key"] in order and len(order) <= 12
                        else ""))  # fmt: skip
    return dots


def trade_html(data: Mapping[str, Any]) -> str:
    """The HTML of a trade: one front chart per metric, the front's table (architecture,
    intervals, who pays) and the marginal table."""
    info = data["trade"]
    charts: list[Chart] = []
    for m in info["metrics"]:
        label, fmt = metric_column(m)
        markup = svg.front_chart(
            _dots(data, m), x_label="life-cycle cost (USD B)", y_label=label,
            x_fmt=_BILLIONS, y_fmt=fmt, title=f"{label} against life-cycle cost",
        )  # fmt: skip
        chart = make_chart(f"front-{m}", f"{label} against life-cycle cost", markup,
                           "blue: the Pareto front; grey: the other architectures run; "
                           "bars: 95 % intervals; hover a point for its architecture")  # fmt: skip
        if chart is not None:
            charts.append(chart)
    nations = sorted({n for p in data["front"] for n in p.get("by_nation_usd") or {}})
    head = ["#", "Architecture (change from current)", "Cost (USD M)"]
    head += [f"{n} pays (USD M)" for n in nations] + [metric_column(m)[0] for m in info["metrics"]]
    rows = []
    for i, p in enumerate(data["front"], start=1):
        row = [str(i), architecture_text(p, info["decisions"]), musd(p["cost_usd"])]
        row += [musd((p.get("by_nation_usd") or {}).get(n, 0.0)) for n in nations]
        row += [estimate(p["metrics"].get(m), metric_column(m)[1]) for m in info["metrics"]]
        rows.append(row)
    tables: list[dict[str, Any]] = [
        {"title": "The Pareto front, cheapest first", "head": head, "rows": rows,
         "text_columns": 2},
    ]  # fmt: skip
    m0 = info["metrics"][0]
    label0, fmt0 = metric_column(m0)
    if data["marginal"]["rows"]:
        s = signed(fmt0)
        marginal = [
            [f"{r['decision']}: {r['option']}", musd(r["delta_cost_usd"]),
             (f"{s(r['delta'][m0]['diff'])} [{s(r['delta'][m0]['ci95'][0])}, "
              f"{s(r['delta'][m0]['ci95'][1])}]") if m0 in r["delta"] else "—",
             "—" if r["gain_per_billion_usd"] is None else f"{r['gain_per_billion_usd']:+.4f}",
             "yes" if r["meets_constraints"] else "no"]
            for r in data["marginal"]["rows"]
        ]  # fmt: skip
        tables.append({
            "title": f"Marginal: each option added alone to the current architecture, "
                     f"ranked by {gain_words(m0, label0)} per USD B",
            "head": ["Option", "+Cost (USD M)", f"Δ {label0} [95 %], paired",
                     "Per USD B", "Meets constraints"],
            "rows": marginal,
        })  # fmt: skip
    how = (
        f"exhaustive: {info['distinct']:,} distinct architectures"
        if info["method"] == "exhaustive"
        else f"NSGA-II: {info['evaluations']:,} architectures run"
    )
    return page(
        "study.html",
        title=f"Trade: {info['scenario']}",
        kicker="Hoplon trade report",
        meta=[
            how,
            f"{info['infeasible']:,} outside the constraints",
            f"trials {info['trials']:,}",
            f"seed {info['seed']}",
        ],  # fmt: skip
        intro="Each point is an architecture run with the same seed and trials as every "
        "other (common random numbers). An architecture is on the front when no other "
        "costs no more and protects at least as well, and one of the two strictly. "
        "Costs are life-cycle present values in base-year US dollars; who pays follows "
        "the scenario's programs and consortia.",
        charts_title="Security against life-cycle cost",
        charts=charts,
        tables=tables,
    )


def render_trade_report(data: Mapping[str, Any], path: str | Path | None = None) -> str:
    """Write (or return) the report of a trade's JSON."""
    return write_html(trade_html(data), path)
