"""The report of an uncertainty or sensitivity study: tornado charts and index tables."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hoplon.present.html import svg
from hoplon.present.html.page import Chart, make_chart, page, write_html
from hoplon.present.html.svg import Bar
from hoplon.present.text import metric_column, pattern

_THREE = pattern("{:.3f}")


def _meta(info: Mapping[str, Any], what: str) -> list[str]:
    return [what, f"trials {info.get('trials')}", f"seed {info.get('seed')}"]


def _parameter_table(info: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "title": "Uncertain parameters",
        "head": ["#", "Field", "Distribution"],
        "rows": [
            [str(i), p["path"], p["distribution"]]
            for i, p in enumerate(info.get("parameters", []), start=1)
        ],
        "text_columns": 3,
    }


def sensitivity_html(data: Mapping[str, Any]) -> str:
    """The HTML of a sensitivity study (``hoplon sensitivity --json``): per metric, a
    tornado chart of the total index (Sobol') or mean absolute effect (Morris), largest
    first, and the table of every index with its bootstrap interval."""
    info = data["sensitivity"]
    sobol = info["method"] == "sobol"
    key, conf = ("ST", "ST_conf") if sobol else ("mu_star", "mu_star_conf")
    charts: list[Chart] = []
    tables: list[dict[str, Any]] = [_parameter_table(info)]
    for metric, by_path in data["indices"].items():
        label, fmt = metric_column(metric)
        rows = sorted(by_path.items(), key=lambda kv: -(kv[1].get(key) or 0.0))
        bars = [
            Bar(
                path,
                float(ix[key]),
                float(ix[key]) - float(ix[conf]),
                float(ix[key]) + float(ix[conf]),
            )  # fmt: skip
            for path, ix in rows
        ]
        axis = (
            "total Sobol index ST (share of the variance)"
            if sobol
            else "mean |elementary effect| mu*"
        )
        markup = svg.bar_chart(
            bars, axis_label=axis, fmt=_THREE if sobol else fmt, label_width=260.0,
            title=f"{label}: what drives it",
        )  # fmt: skip
        chart = make_chart(f"tornado-{metric}", f"{label}: what drives it", markup,
                           "largest first, with 95 % bootstrap intervals")  # fmt: skip
        if chart is not None:
            charts.append(chart)
        if sobol:
            head = ["Field", "S1", "S1 ± (95 %)", "ST", "ST ± (95 %)"]
            body = [[p, _THREE(ix["S1"]), _THREE(ix["S1_conf"]), _THREE(ix["ST"]),
                     _THREE(ix["ST_conf"])] for p, ix in rows]  # fmt: skip
        else:
            head = ["Field", "mu*", "mu* ± (95 %)", "mu", "sigma"]
            body = [[p, fmt(ix["mu_star"]), fmt(ix["mu_star_conf"]), fmt(ix["mu"]),
                     fmt(ix["sigma"])] for p, ix in rows]  # fmt: skip
        tables.append({"title": label, "head": head, "rows": body})
    what = (
        f"Sobol indices, {info['evaluations']:,} runs" if sobol
        else f"Morris effects, {info['evaluations']:,} runs"
    )  # fmt: skip
    se = ", ".join(
        f"{metric_column(m)[0]} {v:.2g}" for m, v in info.get("monte_carlo_se", {}).items()
    )
    intro = (
        "S1 is the share of a metric's variance over the uncertain figures that one figure "
        "explains alone; ST adds its interactions with the others. A figure with ST near 0 "
        "may be fixed anywhere in its range. "
        if sobol
        else "mu* is the mean absolute change of a metric when one figure moves one step of "
        "its range; sigma, how much that change depends on the other figures. "
    ) + (f"Monte Carlo standard error of one run: {se}." if se else "")
    return page(
        "study.html",
        title=f"Sensitivity: {info['scenario']}",
        kicker="Hoplon sensitivity report",
        meta=_meta(info, what),
        intro=intro,
        charts_title="Which uncertain figure drives each metric",
        charts=charts,
        tables=tables,
    )


def uncertainty_html(data: Mapping[str, Any]) -> str:
    """The HTML of an uncertainty study (``hoplon uncertainty --json``): each metric's
    5-95 % range over the uncertain figures, and the table of its percentiles."""
    info = data["uncertainty"]
    charts: list[Chart] = []
    rows = []
    for metric, d in data["metrics"].items():
        label, fmt = metric_column(metric)
        bar = Bar(label, float(d["p50"]), float(d["p5"]), float(d["p95"]))
        markup = svg.bar_chart([bar], axis_label=label, fmt=fmt, label_width=180.0, title=label)
        chart = make_chart(f"spread-{metric}", label, markup, "median, and 5 to 95 %")
        if chart is not None:
            charts.append(chart)
        rows.append([label, *(fmt(d[k]) for k in ("mean", "p5", "p50", "p95")),
                     fmt(d["monte_carlo_se"])])  # fmt: skip
    tables = [
        _parameter_table(info),
        {
            "title": "Over the uncertain figures",
            "rows": rows,
            "head": ["Metric", "Mean", "5 %", "50 %", "95 %", "Monte Carlo s.e."],
        },  # fmt: skip
    ]
    return page(
        "study.html",
        title=f"Uncertainty: {info['scenario']}",
        kicker="Hoplon uncertainty report",
        meta=_meta(info, f"{info['samples']} samples ({info['method']})"),
        intro="Each metric's spread when the uncertain figures range over their "
        "distributions, apart from the Monte Carlo error of one run (last column).",
        charts_title="Spread of each metric over the uncertain figures",
        charts=charts,
        tables=tables,
    )


def render_sensitivity_report(data: Mapping[str, Any], path: str | Path | None = None) -> str:
    """Write (or return) the report of a sensitivity or uncertainty study's JSON."""
    html = sensitivity_html(data) if "sensitivity" in data else uncertainty_html(data)
    return write_html(html, path)
