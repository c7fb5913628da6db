"""The report's sections on the allies: what each brings (coalition) and who pays (economics)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hoplon.present.html import svg
from hoplon.present.html.mapview import (
    NATION_COLORS,
)
from hoplon.present.html.svg import Bar
from hoplon.present.text import fmt_number, fmt_percent
from hoplon.results.contract import kind

if TYPE_CHECKING:  # pragma: no cover
    pass
from hoplon.present.html.page import (
    Chart,
    estimate,
    make_chart,
)

# --------------------------------------------------------------------------------------
# The run report
# --------------------------------------------------------------------------------------


def metric_formatter(metric: str) -> svg.Formatter:
    return fmt_percent if kind(metric) == "share" else fmt_number


def coalition_chart(coalition: Mapping[str, Any], nations: dict[str, str]) -> Chart | None:
    """Bar chart of each nation's Shapley contribution (``{"metric", "shapley"}``)."""
    metric = str(coalition.get("metric", "metric"))
    shapley = coalition.get("shapley") or {}
    fmt = metric_formatter(metric)
    bars = []
    for k, (nation, value) in enumerate(shapley.items()):
        est = estimate(value)
        if est is None:
            continue
        color = nations.get(nation, NATION_COLORS[k % len(NATION_COLORS)])
        bars.append(Bar(str(nation), est[0], est[1], est[2], color))
    markup = svg.bar_chart(bars, axis_label=f"contribution to {metric}", fmt=fmt)
    return make_chart(
        "coalition",
        f"Contribution of each nation to {metric}",
        markup,
        "Shapley value with its 95 % interval.",
    )


def agreements_chart(coalition: Mapping[str, Any]) -> Chart | None:
    """Each agreement's value: the metric with every agreement less the metric without it."""
    metric = str(coalition.get("metric", "metric"))
    bars = []
    for row in coalition.get("agreements") or []:
        est = estimate(row.get("contribution"))
        if est is None:
            continue
        label = f"{row.get('index', '')}: {row.get('kind', 'agreement')}"
        note = str(row.get("description") or "")
        bars.append(Bar(label, est[0], est[1], est[2], "#6a4c93", note))
    markup = svg.bar_chart(
        bars,
        axis_label=f"{metric} lost without the agreement",
        fmt=metric_formatter(metric),
        label_width=170.0,
    )
    return make_chart(
        "coalition-agreements",
        "Value of each agreement",
        markup,
        "The metric with every agreement minus the metric with this one left out, with 95 %"
        " intervals; hover a bar for the agreement.",
    )


def coalition_section(
    coalition: Mapping[str, Any], nations: dict[str, str]
) -> tuple[dict[str, Any], list[Chart]]:
    metric = str(coalition.get("metric", "metric"))
    fmt = metric_formatter(metric)
    charts = [
        c
        for c in (coalition_chart(coalition, nations), agreements_chart(coalition))
        if c is not None
    ]
    summary = ""
    if coalition.get("value_all") is not None and coalition.get("value_none") is not None:
        summary = (
            f"{metric}: {fmt(float(coalition['value_all']))} with every nation,"
            f" {fmt(float(coalition['value_none']))} with none"
        )
        if coalition.get("method") == "exact":
            summary += "; Shapley values exact (every subset of nations run)"
        elif coalition.get("method"):
            summary += f"; Shapley values by {coalition['method']}"
        summary += "."
    subsets = [
        {
            "nations": ", ".join(row.get("nations") or []) or "(none)",
            "value": fmt(float(row["value"])),
        }
        for row in coalition.get("subsets") or []
        if row.get("value") is not None
    ]
    return {"metric": metric, "summary": summary, "subsets": subsets}, charts


def economics_section(econ: dict[str, Any]) -> dict[str, Any]:
    """The burden-sharing result (``run_economics``) as rows of formatted cells."""

    def musd(x: float) -> str:
        return f"{x / 1e6:,.1f}"

    def pct(x: float) -> str:
        return f"{100 * x:.1f} %"

    label = (
        f"millions of {econ['base_year']} US dollars"
        if econ.get("deflator") == "us-gdp"
        else "millions of then-year US dollars"
    )
    programs = []
    for p in econ.get("programs", []):
        programs.append(
            {
                "name": f"{p['name']} ({p['id']})",
                "rows": [
                    {
                        "nation": n,
                        "contribution": musd(usd),
                        "share": pct(p["shares"][n]),
                        "saving": musd(p["savings_usd"][n]),
                        "nominal": musd(p["contributions_nominal_usd"][n]),
                        "nominal_share": pct(p["shares_nominal"][n]),
                    }
                    for n, usd in p["contributions_usd"].items()
                ],
                "total": musd(p["total_usd"]),
                "total_nominal": musd(p["total_nominal_usd"]),
            }
        )
    consortia = []
    for k in econ.get("consortia", []):
        pc = k["program_cost"]
        entry: dict[str, Any] = {
            "name": f"{k['name']} ({k['id']})",
            "caption": f"Rule: {k['rule']}; program cost {pc['amount']:,.0f} {pc['currency']}"
            f" of {pc['year']} = {musd(k['program_cost_usd'])}.",
            "rows": [
                {
                    "nation": m,
                    "share": pct(k["shares"][m]),
                    "cost": musd(k["costs_usd"][m]),
                    "saving": musd(k["savings_usd"][m]),
                }
                for m in k["members"]
            ],
            "what_if": None,
        }
        w = k.get("what_if")
        if w:
            change = ", ".join(
                [f"{n} joins" for n in w.get("join", [])]
                + [f"{n} leaves" for n in w.get("leave", [])]
            )
            entry["what_if"] = {
                "change": change,
                "rows": [
                    {
                        "nation": n,
                        "before": pct(k["shares"].get(n, 0.0)),
                        "after": pct(w["shares"].get(n, 0.0)),
                        "change": f"{100 * delta:+.1f} pp",
                        "cost": musd(w["costs_usd"].get(n, 0.0)),
                        "saving": musd(w["saving_vs_baseline_usd"][n]),
                    }
                    for n, delta in w["share_change"].items()
                ],
            }
        consortia.append(entry)
    sources = "; ".join(
        f"{name.replace('_', ' ')}: {src}"
        for name, src in (econ.get("sources") or {}).items()
        if src
    )
    return {
        "label": label,
        "note": f"Sources — {sources}." if sources else "",
        "programs": programs,
        "consortia": consortia,
        "production": [
            {**line, "units_per_year": f"{line['units_per_year']:g}"}
            for line in econ.get("production") or []
        ],
        "assumptions": list(econ.get("assumptions") or []),
    }


def lifecycle_section(cost: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A run's ``architecture_cost`` as rows of formatted cells (millions of dollars)."""
    if not cost:
        return None
    from hoplon.present.economics import lifecycle_line
    from hoplon.present.text import musd

    total = cost["total_usd"]
    return {
        "label": (
            f"millions of {cost['base_year']} US dollars"
            if cost.get("base_year")
            else "millions of then-year US dollars"
        ),
        "basis": lifecycle_line(cost),
        "units": [
            {
                "id": u["id"],
                "nation": u["nation"],
                "platform": u["platform"],
                "status": u["status"] + ("" if u["priced"] else ", no cost data"),
                "acquisition": musd(u["acquisition_usd"]),
                "operating": musd(u["operating_usd"]),
                "inventory": musd(u["inventory_usd"]),
                "total": musd(u["total_usd"]),
            }
            for u in cost["by_unit"]
        ],
        "total": {
            "acquisition": musd(cost["acquisition_usd"]),
            "operating": musd(cost["operating_usd"]),
            "inventory": musd(cost["inventory_usd"]),
            "total": musd(total),
        },
        "nations": [
            {
                "nation": n,
                "total": musd(v),
                "share": f"{100 * v / total:.1f} %" if total else "—",
            }
            for n, v in cost["by_nation"].items()
        ],
        "programs": [{"program": p, "total": musd(v)} for p, v in cost["by_program"].items()],
        "notes": list(cost.get("warnings") or []) + list(cost.get("assumptions") or []),
    }
