"""Build the report's HTML: one self-contained file per run, sweep or comparison.

Everything the page needs is inline: the stylesheet, a few lines of script (map layer
switches), the map and every chart as SVG drawn here in Python. Nothing is fetched
when the file is opened: no CDN, no web fonts, no map tiles. All text from a scenario
goes through Jinja's autoescaping (HTML) or :func:`hoplon.present.html.svg.esc` (SVG).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import numpy as np
from markupsafe import Markup

from hoplon._version import __version__
from hoplon.core.metrics import value_basis_text
from hoplon.core.stats import proportion_estimate
from hoplon.present.html import svg
from hoplon.present.html.basemap import LAND_SOURCE
from hoplon.present.html.mapview import (
    NATION_COLORS,
    RAID_COLORS,
    TIER_COLORS,
    nation_colors,
    raid_colors,
    scenario_map,
)
from hoplon.present.html.svg import Bar, Mark, Series, Span, fmt_number, fmt_percent, fmt_usd

if TYPE_CHECKING:  # pragma: no cover
    from hoplon.results.records import Result
    from hoplon.scenario.loader import LoadedScenario

#: Headline metrics: key, label, formatter, whether it is a share.
HEADLINE: tuple[tuple[str, str, svg.Formatter], ...] = (
    ("p_no_leak", "No threat leaks", fmt_percent),
    ("expected_leakers", "Expected leakers", fmt_number),
    ("value_protected", "Value protected", fmt_percent),
    ("value_protected_attacked", "Value protected (attacked)", fmt_percent),
    ("interceptor_cost_usd", "Interceptor spend", fmt_usd),
    ("cost_exchange_ratio", "Cost-exchange ratio", fmt_number),
)

_SCRIPT = """
document.querySelectorAll('[data-toggle]').forEach(function (box) {
  box.addEventListener('change', function () {
    var layers = document.querySelectorAll(
      '#scenario-map [data-layer="' + box.getAttribute('data-toggle') + '"]');
    layers.forEach(function (g) { g.style.display = box.checked ? '' : 'none'; });
  });
});
""".strip()


# --------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("hoplon.present.html", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _asset_text(name: str) -> str:
    return (resources.files("hoplon.present.html") / "assets" / name).read_text(encoding="utf-8")


def _page(template: str, **context: Any) -> str:
    base: dict[str, Any] = {
        "version": __version__,
        "css": Markup(_asset_text("report.css")),
        "script": "",
        "toc": [],
        "map_source": None,
        "kicker": "Hoplon report",
    }
    base.update(context)
    return _environment().get_template(template).render(**base)


def _write(html: str, path: str | Path | None) -> str:
    if path is not None:
        from hoplon.io.outfile import write_output

        write_output(path, html, field="output")  # safe: see hoplon.io.outfile
    return html


@dataclass(frozen=True)
class Chart:
    """A chart in the page: id (the container's ``data-chart``), caption and SVG."""

    id: str
    title: str
    svg: Markup
    sub: str = ""
    wide: bool = False  # spans the page's width
    tall: bool = False  # spans two rows of the grid


def _chart(
    chart_id: str, title: str, markup: str, sub: str = "", *, tall: bool = False
) -> Chart | None:
    # The SVG builders escape every piece of text they place.
    return Chart(chart_id, title, Markup(markup), sub, tall=tall) if markup else None


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def estimate(value: Any) -> tuple[float, float | None, float | None] | None:
    """``(mean, low, high)`` of a ``{"mean", "ci95"}`` record (bounds ``None`` if absent)."""
    if not isinstance(value, Mapping) or value.get("mean") is None:
        return None
    try:
        mean = float(value["mean"])
    except (TypeError, ValueError):
        return None
    ci = value.get("ci95")
    if isinstance(ci, Sequence) and len(ci) == 2 and None not in ci:
        return mean, float(ci[0]), float(ci[1])
    return mean, None, None


def _interval_text(low: float | None, high: float | None, fmt: svg.Formatter) -> str:
    if low is None or high is None:
        return ""
    return f"95% CI {fmt(low)} – {fmt(high)}"


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _agreement_text(agreement: Any) -> str:
    kind = getattr(agreement, "kind", "")
    if kind == "track-sharing":
        return (
            f"{agreement.from_} shares {agreement.quality} tracks with {agreement.to}"
            f" ({agreement.latency_s:g} s latency)"
        )
    if kind == "collective-defense":
        return f"{', '.join(agreement.nations)} defend each other's assets and units"
    if kind == "technology-transfer":
        consent = ", ".join(agreement.retransfer_consent) or "no third country"
        return (
            f"{agreement.origin} transfers {', '.join(agreement.items)} to {agreement.recipient};"
            f" re-transfer allowed to {consent}"
        )
    if kind == "acsa":
        return (
            f"{', '.join(agreement.nations)} may resupply each other's interceptors between waves"
        )
    fields = agreement.model_dump(exclude={"kind"}) if hasattr(agreement, "model_dump") else {}
    return ", ".join(f"{k}: {v}" for k, v in fields.items())


def _doctrine_text(doctrine: Any) -> str:
    sls = (
        f"shoot-look-shoot ({doctrine.assessment_s:g} s to assess a kill)"
        if doctrine.shoot_look_shoot
        else "no shoot-look-shoot"
    )
    return (
        f"{doctrine.shots_per_engagement} interceptor(s) per engagement; {sls};"
        f" assignment: {doctrine.assignment}."
    )


# --------------------------------------------------------------------------------------
# The run report
# --------------------------------------------------------------------------------------


def _scenario_section(loaded: LoadedScenario, metrics: dict[str, Any]) -> dict[str, Any]:
    spec, cat = loaded.spec, loaded.catalog
    kills = metrics.get("kills_by_unit", {})
    nations = [
        {
            "code": code,
            "name": nation.name,
            "assets": sum(1 for a in spec.assets if a.nation == code),
            "units": sum(1 for u in spec.units if u.nation == code),
            "sensors": sum(1 for s in spec.sensors if s.nation == code),
        }
        for code, nation in spec.nations.items()
    ]
    units = []
    for u in spec.units:
        parts = []
        for name, count in u.magazine.items():
            icpt = cat.interceptors.get(name)
            reach = f", {icpt.max_range_km:,.0f} km" if icpt is not None else ""
            parts.append(f"{name}: {count}{reach}")
        k = estimate(kills.get(u.id))
        kill_text = "—" if k is None else fmt_number(k[0])
        units.append(
            {
                "id": u.id,
                "nation": u.nation,
                "type": u.type,
                "magazine": "; ".join(parts),
                "kills": kill_text,
            }
        )
    return {
        "name": spec.name,
        "description": (spec.description or "").strip(),
        "nations": nations,
        "agreements": [
            {"kind": getattr(a, "kind", "agreement"), "text": _agreement_text(a)}
            for a in spec.agreements
        ],
        "doctrine": _doctrine_text(spec.doctrine),
        "units": units,
    }


def _cards(data: dict[str, Any]) -> list[dict[str, str]]:
    metrics = data["metrics"]
    threats = data.get("threats", [])
    cards = []
    for key, label, fmt in HEADLINE:
        est = estimate(metrics.get(key))
        if est is None:
            continue
        mean, low, high = est
        ci = _interval_text(low, high, fmt)
        value = fmt(mean)
        if key == "value_protected":
            ci = f"all assets · {ci}" if ci else "all assets"
        if key == "value_protected_attacked":
            ci = f"attacked targets only · {ci}" if ci else "attacked targets only"
        if key == "expected_leakers":
            ci = f"of {len(threats)} threats · {ci}" if ci else f"of {len(threats)} threats"
        if key == "cost_exchange_ratio":
            value = f"{mean:.2f} : 1"
            threat_cost = estimate(metrics.get("threat_cost_usd"))
            if threat_cost is not None:
                ci = f"interceptor $ per threat $ · threats {fmt_usd(threat_cost[0])}"
        cards.append({"label": label, "value": value, "ci": ci})
    engageable = sum(1 for t in threats if t.get("engageable_by"))
    cards.append(
        {
            "label": "Threats engageable",
            "value": f"{engageable} of {len(threats)}",
            "ci": "by at least one unit",
        }
    )
    return cards


def _target_chart(result: Result, data: dict[str, Any], nations: dict[str, str]) -> Chart | None:
    """P(the target is hit by at least one leaker), with Wilson intervals."""
    waves, outcomes = result.waves, result.outcomes
    if not waves or outcomes.leaked.shape[1] == 0:
        return None
    spec = result.scenario.spec
    owner = {a.id: a.nation for a in spec.assets} | {u.id: u.nation for u in spec.units}
    targets_all = np.concatenate([m.threat_target for m in waves])
    by_target = data["metrics"].get("leakers_by_target", {})
    bars = []
    for g, tid in enumerate(waves[0].target_ids):
        mask = targets_all == g
        if not mask.any():
            continue
        hit = proportion_estimate(outcomes.leaked[:, mask].any(axis=1))
        expected = estimate(by_target.get(tid))
        note = f"{int(mask.sum())} threats aimed at it"
        if expected is not None:
            note += f"; expected leakers {fmt_number(expected[0])}"
        bars.append(
            Bar(tid, hit.mean, hit.low, hit.high, nations.get(owner.get(tid, ""), "#4a78b5"), note)
        )
    markup = svg.bar_chart(
        bars,
        axis_label="chance that at least one threat reaches the target",
        fmt=fmt_percent,
        title="Leak probability per target",
    )
    return _chart(
        "target-leak",
        "Leak probability per target",
        markup,
        "Share of trials in which at least one threat reached the target; bars coloured by"
        " the target's nation, whiskers the 95 % (Wilson) interval.",
    )


def _threat_chart(data: dict[str, Any], raids: dict[str, str]) -> Chart | None:
    bars = []
    for t in data.get("threats", []):
        est = estimate(t.get("p_leak"))
        if est is None:
            continue
        gap = not t.get("engageable_by")
        note = "no unit can engage it" if gap else f"engageable by {', '.join(t['engageable_by'])}"
        bars.append(
            Bar(
                t["id"],
                est[0],
                est[1],
                est[2],
                raids.get(t.get("raid", ""), "#888"),
                note,
                highlight=gap,
            )
        )
    markup = svg.bar_chart(
        bars,
        axis_label="chance that the threat reaches its target",
        fmt=fmt_percent,
        row_height=18.0,
        title="Leak probability per threat",
    )
    return _chart(
        "threat-leak",
        "Leak probability per threat",
        markup,
        "Coloured by raid as on the map; outlined in red: no unit can engage it.",
        tall=True,
    )


def _kills_chart(data: dict[str, Any], result: Result, nations: dict[str, str]) -> Chart | None:
    nation_of = {u.id: u.nation for u in result.scenario.spec.units}
    bars = []
    for uid, value in data["metrics"].get("kills_by_unit", {}).items():
        est = estimate(value)
        if est is not None:
            bars.append(
                Bar(uid, est[0], est[1], est[2], nations.get(nation_of.get(uid, ""), "#555"))
            )
    markup = svg.bar_chart(
        bars, axis_label="threats killed per trial (mean)", title="Kills by unit"
    )
    return _chart(
        "kills-by-unit",
        "Kills by unit",
        markup,
        "Mean threats killed per trial, coloured by the unit's nation, with 95 % intervals.",
    )


def _spend(result: Result) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Mean spend per trial by nation and interceptor type (USD), and mean shots by type."""
    model = result.waves[0] if result.waves else None
    by_nation: dict[str, dict[str, float]] = {}
    shots_by_type: dict[str, float] = {}
    if model is None or result.outcomes.shots.shape[1] == 0:
        return by_nation, shots_by_type
    mean_shots = result.outcomes.shots.astype(float).mean(axis=0)
    for s in range(model.n_stocks):
        nation = model.unit_nation[int(model.stock_unit[s])]
        i = int(model.stock_interceptor[s])
        name = model.interceptor_names[i]
        spend = float(mean_shots[s] * model.interceptor_cost_usd[i])
        row = by_nation.setdefault(nation, {})
        row[name] = row.get(name, 0.0) + spend
        shots_by_type[name] = shots_by_type.get(name, 0.0) + float(mean_shots[s])
    return by_nation, shots_by_type


def _spend_section(result: Result, data: dict[str, Any]) -> tuple[list[Chart], list[Any], Any]:
    cat = result.scenario.catalog
    by_nation, _ = _spend(result)
    metrics = data["metrics"]
    shots = metrics.get("shots_by_interceptor", {})
    names = list(shots)
    palette = ("#1f4e9c", "#6baed6", "#7b3fa0", "#23803a", "#74c476", "#b86e00", "#fdae6b")
    colors = {n: palette[k % len(palette)] for k, n in enumerate(names)}
    charts: list[Chart] = []
    rows = [
        (nation, [(name, per_type.get(name, 0.0)) for name in names])
        for nation, per_type in by_nation.items()
    ]
    spent = any(value > 0 for _, segments in rows for _, value in segments)
    stacked = (  # no chart of zeros when nothing was fired (the table says so)
        svg.stacked_bar_chart(
            rows, colors, axis_label="mean interceptor spend per trial (US $)", fmt=fmt_usd
        )
        if spent
        else ""
    )
    chart = _chart(
        "spend-by-nation",
        "Interceptor spend by nation and type",
        stacked,
        "Mean spend per trial of each nation's units, split by interceptor type"
        " (catalog unit costs, US dollars of each entry's cost year).",
    )
    if chart:
        charts.append(chart)
    bars = []
    table = []
    total_shots = 0.0
    total_spend = 0.0
    for name in names:
        est = estimate(shots[name])
        if est is None:
            continue
        icpt = cat.interceptors.get(name)
        tier = icpt.tier if icpt is not None else ""
        cost = icpt.unit_cost_usd if icpt is not None else 0.0
        bars.append(Bar(name, est[0], est[1], est[2], TIER_COLORS.get(tier, colors[name])))
        table.append(
            {
                "name": name,
                "tier": tier,
                "unit_cost": fmt_usd(cost),
                "shots": f"{est[0]:,.2f}",
                "ci": "" if est[1] is None else f"{est[1]:,.2f} – {est[2]:,.2f}",
                "spend": fmt_usd(est[0] * cost),
            }
        )
        total_shots += est[0]
        total_spend += est[0] * cost
    chart = _chart(
        "shots-by-interceptor",
        "Interceptors fired by type",
        svg.bar_chart(bars, axis_label="interceptors fired per trial (mean)"),
        "Mean per trial with 95 % intervals, coloured by defense tier as on the map.",
    )
    if chart:
        charts.append(chart)
    total = {
        "shots": f"{total_shots:,.2f}",
        "spend": fmt_usd(total_spend),
        "none_fired": total_shots == 0,
    }
    return charts, table, total


def _timeline_chart(result: Result, data: dict[str, Any], raids: dict[str, str]) -> Chart | None:
    events = data.get("sample_trial") or []
    spec = result.scenario.spec
    rows = [u.id for u in spec.units]
    raid_of = {t["id"]: t.get("raid", "") for t in data.get("threats", [])}
    spans = []
    for e in events:
        outcome = "killed" if e.get("killed") else "missed"
        tip = (
            f"{e['unit']} fires {e.get('shots', 1)} × {e.get('interceptor', '')} at"
            f" {e['threat']}: launch {e['launch_s']:,.1f} s, intercept {e['intercept_s']:,.1f} s,"
            f" {'killed' if e.get('killed') else 'survived'}"
        )
        if e["unit"] not in rows:
            rows.append(e["unit"])
        spans.append(
            Span(
                e["unit"],
                float(e["launch_s"]),
                float(e["intercept_s"]),
                raids.get(raid_of.get(e["threat"], ""), "#555"),
                tip,
                outcome,
            )
        )
    marks = []
    threats = data.get("threats", [])
    if result.outcomes.trials > 0 and result.outcomes.leaked.shape[1] == len(threats):
        leaked0 = result.outcomes.leaked[0]
        for t, row in enumerate(threats):
            if bool(leaked0[t]):
                marks.append(
                    Mark(
                        "reached target",
                        float(row["impact_s"]),
                        raids.get(row.get("raid", ""), "#b00020"),
                        f"{row['id']} reached {row['target']} at {row['impact_s']:,.1f} s",
                    )
                )
    if marks:
        rows.append("reached target")
    if not spans and not marks:
        return None
    markup = svg.timeline_chart(rows, spans, marks, x_label="seconds from the scenario's start")
    chart = _chart(
        "timeline",
        "Engagement timeline of trial 0",
        markup,
        f"{len(spans)} salvos; bars coloured by the raid of the threat engaged, as on the map.",
    )
    return chart and Chart(chart.id, chart.title, chart.svg, chart.sub, wide=True)


def _metric_formatter(metric: str) -> svg.Formatter:
    return fmt_percent if metric in ("p_no_leak", "value_protected") else fmt_number


def coalition_chart(coalition: Mapping[str, Any], nations: dict[str, str]) -> Chart | None:
    """Bar chart of each nation's Shapley contribution (``{"metric", "shapley"}``)."""
    metric = str(coalition.get("metric", "metric"))
    shapley = coalition.get("shapley") or {}
    fmt = _metric_formatter(metric)
    bars = []
    for k, (nation, value) in enumerate(shapley.items()):
        est = estimate(value)
        if est is None:
            continue
        color = nations.get(nation, NATION_COLORS[k % len(NATION_COLORS)])
        bars.append(Bar(str(nation), est[0], est[1], est[2], color))
    markup = svg.bar_chart(bars, axis_label=f"contribution to {metric}", fmt=fmt)
    return _chart(
        "coalition",
        f"Contribution of each nation to {metric}",
        markup,
        "Shapley value with its 95 % interval.",
    )


def _agreements_chart(coalition: Mapping[str, Any]) -> Chart | None:
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
        fmt=_metric_formatter(metric),
        label_width=170.0,
    )
    return _chart(
        "coalition-agreements",
        "Value of each agreement",
        markup,
        "The metric with every agreement minus the metric with this one left out, with 95 %"
        " intervals; hover a bar for the agreement.",
    )


def _coalition_section(
    coalition: Mapping[str, Any], nations: dict[str, str]
) -> tuple[dict[str, Any], list[Chart]]:
    metric = str(coalition.get("metric", "metric"))
    fmt = _metric_formatter(metric)
    charts = [
        c
        for c in (coalition_chart(coalition, nations), _agreements_chart(coalition))
        if c is not None
    ]
    summary = ""
    if coalition.get("value_all") is not None and coalition.get("value_none") is not None:
        summary = (
            f"{metric}: {fmt(float(coalition['value_all']))} with every nation,"
            f" {fmt(float(coalition['value_none']))} with none"
        )
        if coalition.get("method"):
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


def _economics(econ: dict[str, Any]) -> dict[str, Any]:
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


def report_html(
    result: Result,
    *,
    coalition: Mapping[str, Any] | None = None,
    economics: dict[str, Any] | None = None,
    generated: _dt.datetime | None = None,
) -> str:
    """The report of one run as an HTML string (see :func:`render_report`)."""
    loaded = result.scenario
    spec = loaded.spec
    data = result.to_dict()
    coalition = coalition if coalition is not None else data.get("coalition")
    econ_spec = getattr(spec, "economics", None)
    if economics is None and econ_spec is not None:
        from hoplon.economics import run_economics

        economics = run_economics(econ_spec)
    nations = nation_colors(loaded)
    raids = raid_colors(loaded)
    the_map = scenario_map(loaded)
    threats = data.get("threats", [])
    threat_rows = []
    for t in threats:
        mean, low, high = estimate(t.get("p_leak")) or (0.0, None, None)
        threat_rows.append(
            {
                "id": t["id"],
                "raid": t.get("raid", ""),
                "target": t.get("target", ""),
                "first_track": _seconds(t.get("first_track_s")),
                "impact": _seconds(t.get("impact_s")),
                "engageable_by": ", ".join(t.get("engageable_by") or []),
                "p_leak": fmt_percent(mean),
                "ci": _interval_text(low, high, fmt_percent).removeprefix("95% CI "),
            }
        )
    unengageable = [r for r, t in zip(threat_rows, threats, strict=True) if not t["engageable_by"]]
    results = [
        c
        for c in (
            _target_chart(result, data, nations),
            _threat_chart(data, raids),
            _kills_chart(data, result, nations),
        )
        if c is not None
    ]
    spend_charts, spend_rows, spend_total = _spend_section(result, data)
    timeline = _timeline_chart(result, data, raids)
    coalition_info, coalition_charts = (
        _coalition_section(coalition, nations) if coalition else (None, [])
    )
    when = generated or _dt.datetime.now(_dt.UTC)
    space = [
        f"{s.id} ({s.type}, {s.nation})"
        for s in spec.sensors
        if s.at is None or loaded.catalog.sensors[s.type].kind != "radar"
    ]
    has_threats = bool(threats)
    toc = [("results", "Results")] if has_threats else []
    if the_map is not None:
        toc.append(("map", "Map"))
    if has_threats:
        toc += [
            ("leaks", "Leakage"),
            ("gaps", "Gaps"),
            ("spend", "Spend"),
            ("timeline", "Timeline"),
        ]
    if coalition_charts:
        toc.append(("coalition", "Coalition"))
    if economics:
        toc.append(("economics", "Burden sharing"))
    toc.append(("scenario", "Scenario"))
    if has_threats:
        toc.append(("threats", "Every threat"))
    timing = data.get("timing", {})
    return _page(
        "report.html",
        title=spec.name,
        kicker="Hoplon scenario report",
        meta=[
            f"{data['trials']:,} trials",
            f"seed {data['seed']}",
            f"scenario sha256 {str(data['scenario'].get('sha256', ''))[:12]}",
            f"engine {timing.get('engine_s', 0):.2f} s",
            f"generated {when:%Y-%m-%d %H:%M} UTC",
        ],
        toc=toc,
        script=Markup(_SCRIPT) if the_map is not None else "",
        map_source=LAND_SOURCE if the_map is not None else None,
        scenario=_scenario_section(loaded, data["metrics"]),
        map=the_map and {"svg": Markup(the_map.svg), "legend": the_map.legend},
        map_layers=[
            ("coverage", "radar coverage"),
            ("envelopes", "engagement envelopes"),
            ("tracks", "threat tracks"),
        ],
        has_radars=any(s.at is not None for s in spec.sensors),
        space_sensors=", ".join(space),
        trials_text=(
            f"Monte Carlo over {data['trials']:,} trials (seed {data['seed']}). CI: 95 %"
            " confidence interval of the estimate. Spend is the mean per trial."
            + (f" {value_basis_text(data['value_basis'])}" if data.get("value_basis") else "")
        ),
        has_threats=has_threats,
        cards=_cards(data),
        unengageable=unengageable,
        charts_results=results,
        charts_spend=spend_charts,
        spend_rows=spend_rows,
        spend_total=spend_total,
        charts_timeline=[timeline] if timeline else [],
        coalition=coalition_info if coalition_charts else None,
        charts_coalition=coalition_charts,
        economics=_economics(economics) if economics else None,
        threats=threat_rows,
    )


def render_report(
    result: Result,
    path: str | Path | None = None,
    *,
    coalition: Mapping[str, Any] | None = None,
    economics: dict[str, Any] | None = None,
    generated: _dt.datetime | None = None,
) -> str:
    """Write the self-contained HTML report of one run and return its text.

    Args:
        result: a run (:meth:`hoplon.api.Scenario.run`).
        path: where to write it (parent folders are made); ``None`` to only return it.
        coalition: optional ``{"metric": name, "shapley": {nation: {"mean", "ci95"}}}``,
            and if present the rest of :func:`hoplon.analysis.coalition.coalition_analysis`'s
            result (``value_all``, ``value_none``, ``subsets``, ``agreements``); by
            default the result's own ``coalition`` block, if it has one.
        economics: optional burden-sharing result (:func:`hoplon.economics.run_economics`);
            by default computed from the scenario's ``economics:`` section, if any.
        generated: the time stamp shown (default: now, UTC).
    """
    return _write(
        report_html(result, coalition=coalition, economics=economics, generated=generated), path
    )


# --------------------------------------------------------------------------------------
# Sweep and comparison reports
# --------------------------------------------------------------------------------------


def _study_metrics(metric_names: Sequence[str]) -> list[tuple[str, str, svg.Formatter]]:
    known = {key: (label, fmt) for key, label, fmt in HEADLINE}
    return [(m, *known[m]) for m in known if m in metric_names]


def _numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _cell(est: tuple[float, float | None, float | None] | None, fmt: svg.Formatter) -> str:
    if est is None:
        return "—"
    mean, low, high = est
    if low is None or high is None:
        return fmt(mean)
    return f"{fmt(mean)} [{fmt(low)}, {fmt(high)}]"


def sweep_html(sweep: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> str:
    """The HTML of a sweep report (see :func:`render_sweep_report`)."""
    if isinstance(sweep, Mapping):
        points = list(sweep.get("points", []))
        spec = sweep.get("sweep") or {}
    else:
        points, spec = list(sweep), {}
    grid = dict(spec.get("set") or {}) if isinstance(spec, Mapping) else {}
    paths = list(grid)
    for p in points:
        for key in p.get("overrides", {}):
            if key not in paths:
                paths.append(key)
    values = {k: [p.get("overrides", {}).get(k) for p in points] for k in paths}
    varying = [k for k in paths if len({repr(v) for v in values[k]}) > 1] or paths[:1]
    x_path = next((k for k in varying if _numeric(values[k])), varying[0] if varying else "point")
    others = [k for k in varying if k != x_path]
    x_vals = values.get(x_path, list(range(len(points))))
    categorical = not _numeric(x_vals)
    categories = list(dict.fromkeys(str(v) for v in x_vals)) if categorical else None

    def x_of(v: Any) -> float:
        return float(categories.index(str(v))) if categories is not None else float(v)

    groups: dict[str, list[int]] = {}
    for i, p in enumerate(points):
        # Lines are named by the last part of each other path: shots_per_engagement=2.
        key = (
            ", ".join(f"{k.rsplit('.', 1)[-1]}={p.get('overrides', {}).get(k)}" for k in others)
            or "sweep"
        )
        groups.setdefault(key, []).append(i)
    metric_names: list[str] = []
    for p in points:
        metric_names += [m for m in p.get("metrics", {}) if m not in metric_names]
    charts: list[Chart] = []
    for key, label, fmt in _study_metrics(metric_names):
        series = []
        for g, (name, idx) in enumerate(groups.items()):
            rows = []
            for i in idx:
                est = estimate(points[i].get("metrics", {}).get(key))
                if est is not None:
                    rows.append((x_of(x_vals[i]), est))
            rows.sort(key=lambda r: r[0])
            if not rows:
                continue
            has_band = all(r[1][1] is not None for r in rows)
            series.append(
                Series(
                    name,
                    RAID_COLORS[g % len(RAID_COLORS)] if len(groups) > 1 else "#1f4e9c",
                    [r[0] for r in rows],
                    [r[1][0] for r in rows],
                    [float(r[1][1]) for r in rows if r[1][1] is not None] if has_band else None,
                    [float(r[1][2]) for r in rows if r[1][2] is not None] if has_band else None,
                )
            )
        chart = _chart(
            f"sweep-{key}",
            f"{label} against {x_path}",
            svg.line_chart(
                series, x_label=x_path, y_label=label, y_fmt=fmt, x_categories=categories
            ),
            "Line: the estimate at each point; band: its 95 % interval.",
        )
        if chart:
            charts.append(chart)
    head = [*paths, *(label for _, label, _ in _study_metrics(metric_names))]
    table_rows: list[list[str]] = []
    for p in points:
        cells = [str(p.get("overrides", {}).get(k, "")) for k in paths]
        for key, _, fmt in _study_metrics(metric_names):
            cells.append(_cell(estimate(p.get("metrics", {}).get(key)), fmt))
        table_rows.append(cells)
    # Scenario name, trials and seed: in the sweep block, or at the top level.
    info = {**(sweep if isinstance(sweep, Mapping) else {}), **(spec or {})}
    scen = info.get("scenario")
    name = str(scen.get("name", "")) if isinstance(scen, Mapping) else str(scen or "")
    grid_text = "; ".join(f"{k} = {', '.join(str(v) for v in vs)}" for k, vs in grid.items())
    meta = [f"{len(points)} points"]
    for field_name in ("trials", "seed"):
        if info.get(field_name) is not None:
            meta.append(f"{field_name} {info[field_name]}")
    return _page(
        "study.html",
        title=f"Sweep{': ' + name if name else ''}",
        kicker="Hoplon sweep report",
        meta=meta,
        intro=f"Swept: {grid_text}." if grid_text else "",
        charts_title="Headline metrics across the sweep",
        charts=charts,
        tables=[{"title": "Points", "head": head, "rows": table_rows, "text_columns": 0}]
        if table_rows
        else [],
    )


def render_sweep_report(
    points: Mapping[str, Any] | Sequence[Mapping[str, Any]], path: str | Path | None = None
) -> str:
    """Write a sweep's report: each headline metric against the swept value with its band.

    Args:
        points: the sweep JSON, ``{"sweep": {"set": {path: [values]}}, "points":
            [{"overrides": {path: value}, "metrics": {...}}]}`` (or just the points list).
            With several swept paths, the first numeric one is the x axis and each
            combination of the others is a line of its own.
        path: where to write it; ``None`` to only return it.
    """
    return _write(sweep_html(points), path)


def _difference_formatter(fmt: svg.Formatter) -> svg.Formatter:
    """Signed differences: shares in percentage points, others in the metric's unit."""
    if fmt is fmt_percent:
        return lambda x: f"{100 * x:+.2g} pp"
    return lambda x: ("+" if x > 0 else "") + fmt(x)


def _scenario_label(item: Any, k: int) -> str:
    if isinstance(item, Mapping):
        for key in ("name", "label", "path", "file"):
            if item.get(key):
                return str(item[key])
        return f"scenario {k + 1}"
    return str(item)


def compare_html(compare: Mapping[str, Any]) -> str:
    """The HTML of a comparison report (see :func:`render_compare_report`)."""
    names = [_scenario_label(s, k) for k, s in enumerate(compare.get("scenarios", []))]
    metrics = compare.get("metrics", {})
    charts: list[Chart] = []
    chosen = _study_metrics(list(metrics))
    palette = NATION_COLORS
    for key, label, fmt in chosen:
        bars = []
        for k, value in enumerate(metrics.get(key) or []):
            est = estimate(value)
            if est is not None and k < len(names):
                bars.append(Bar(names[k], est[0], est[1], est[2], palette[k % len(palette)]))
        chart = _chart(
            f"compare-{key}",
            label,
            svg.bar_chart(bars, axis_label=label, fmt=fmt, label_width=220.0, row_height=28.0),
            "Each scenario's estimate with its 95 % interval (same seed and trials).",
        )
        if chart:
            charts.append(chart)
    rows = []
    for key, label, fmt in chosen:
        entries = list(metrics.get(key) or [])
        rows.append([label, *(_cell(estimate(e), fmt) for e in entries[: len(names)])])
    tables: list[dict[str, Any]] = (
        [{"title": "Metrics", "head": ["Metric", *names], "rows": rows}] if rows else []
    )
    base = int(compare.get("baseline", 0) or 0)
    diff_rows = []
    differences = compare.get("differences") or {}
    for key, label, fmt in chosen:
        for d in differences.get(key) or []:
            k = d.get("scenario")
            if not isinstance(k, int) or k >= len(names) or d.get("diff") is None:
                continue
            ci = d.get("ci95") or [None, None]
            low, high = ci if len(ci) == 2 else (None, None)
            fmt_diff = _difference_formatter(fmt)
            diff = fmt_diff(float(d["diff"]))
            interval = (
                ""
                if low is None or high is None
                else f"[{fmt_diff(float(low))}, {fmt_diff(float(high))}]"
            )
            p_value = d.get("p_value")
            significant = d.get("significant")
            diff_rows.append(
                [
                    label,
                    names[k],
                    diff,
                    interval,
                    "—" if p_value is None else f"{float(p_value):.3g}",
                    {True: "yes", False: "no"}.get(significant, "—"),
                ]
            )
    if diff_rows and 0 <= base < len(names):
        tables.append(
            {
                "title": f"Differences from {names[base]}",
                "head": ["Metric", "Scenario", "Difference", "95 % interval", "p", "Significant"],
                "rows": diff_rows,
                "text_columns": 2,
            }
        )
    meta = [f"{len(names)} scenarios"]
    for field_name in ("trials", "seed"):
        if compare.get(field_name) is not None:
            meta.append(f"{field_name} {compare[field_name]}")
    return _page(
        "study.html",
        title="Comparison: " + " vs ".join(names),
        kicker="Hoplon comparison report",
        meta=meta,
        intro="",
        charts_title="Headline metrics side by side",
        charts=charts,
        tables=tables,
    )


def render_compare_report(compare_json: Mapping[str, Any], path: str | Path | None = None) -> str:
    """Write a comparison's report: each headline metric per scenario with its interval.

    Args:
        compare_json: ``{"scenarios": [name or {"name", ...}, ...], "metrics": {metric:
            [{"mean", "ci95"}, ... one per scenario]}}``.
        path: where to write it; ``None`` to only return it.
    """
    return _write(compare_html(compare_json), path)
