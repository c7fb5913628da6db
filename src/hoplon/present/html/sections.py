"""The sections of a run's report: scenario, headline cards, charts, spend, coalition, economics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hoplon.present.html import svg
from hoplon.present.html.mapview import (
    TIER_COLORS,
)
from hoplon.present.html.svg import Bar, Mark, Span
from hoplon.present.text import fmt_number, fmt_percent, fmt_usd
from hoplon.scenario.describe import explain_agreement

if TYPE_CHECKING:  # pragma: no cover
    from hoplon.results.records import Result
    from hoplon.scenario.loader import LoadedScenario
from hoplon.present.html.page import (
    HEADLINE,
    Chart,
    doctrine_text,
    estimate,
    interval_text,
    make_chart,
)

# --------------------------------------------------------------------------------------
# The run report
# --------------------------------------------------------------------------------------


def scenario_section(loaded: LoadedScenario, metrics: dict[str, Any]) -> dict[str, Any]:
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
            {"kind": getattr(a, "kind", "agreement"), "text": explain_agreement(a)}
            for a in spec.agreements
        ],
        "doctrine": doctrine_text(spec.doctrine),
        "units": units,
    }


def cards(data: dict[str, Any]) -> list[dict[str, str]]:
    metrics = data["metrics"]
    threats = data.get("threats", [])
    cards = []
    for key, label, fmt in HEADLINE:
        est = estimate(metrics.get(key))
        if est is None:
            continue
        mean, low, high = est
        ci = interval_text(low, high, fmt)
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


def target_chart(result: Result, data: dict[str, Any], nations: dict[str, str]) -> Chart | None:
    """P(the target is hit by at least one leaker), with Wilson intervals."""
    hits = result.target_hits()
    if not hits:
        return None
    spec = result.scenario.spec
    owner = {a.id: a.nation for a in spec.assets} | {u.id: u.nation for u in spec.units}
    by_target = data["metrics"].get("leakers_by_target", {})
    bars = []
    for tid, (aimed, hit) in hits.items():
        expected = estimate(by_target.get(tid))
        note = f"{aimed} threats aimed at it"
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
    return make_chart(
        "target-leak",
        "Leak probability per target",
        markup,
        "Share of trials in which at least one threat reached the target; bars coloured by"
        " the target's nation, whiskers the 95 % (Wilson) interval.",
    )


def threat_chart(data: dict[str, Any], raids: dict[str, str]) -> Chart | None:
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
    return make_chart(
        "threat-leak",
        "Leak probability per threat",
        markup,
        "Coloured by raid as on the map; outlined in red: no unit can engage it.",
        tall=True,
    )


def kills_chart(data: dict[str, Any], result: Result, nations: dict[str, str]) -> Chart | None:
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
    return make_chart(
        "kills-by-unit",
        "Kills by unit",
        markup,
        "Mean threats killed per trial, coloured by the unit's nation, with 95 % intervals.",
    )


def spend_by(result: Result) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
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


#: Shades of each defense tier's map colour (:data:`TIER_COLORS` first), for the
#: interceptor types of one tier; types of no known tier take the greys.
TIER_SHADES = {
    "upper": (TIER_COLORS["upper"], "#6baed6", "#08306b", "#9ecae1", "#4292c6", "#c6dbef",
              "#2171b5"),
    "high": (TIER_COLORS["high"], "#bc80bd", "#4a1486", "#dadaeb", "#807dba", "#9e9ac8",
             "#54278f"),
    "lower": (TIER_COLORS["lower"], "#74c476", "#00441b", "#c7e9c0", "#41ab5d", "#a1d99b",
              "#006d2c"),
    "point": (TIER_COLORS["point"], "#fdae6b", "#7f2704", "#fdd0a2", "#f16913", "#fd8d3c",
              "#a63603"),
}  # fmt: skip
OTHER_SHADES = ("#555555", "#969696", "#252525", "#cccccc", "#737373", "#bdbdbd", "#404040")


def type_colors(names: list[str], cat: Any) -> dict[str, str]:
    """One colour per interceptor type, the same in every chart: its tier's map colour
    for the first type of a tier, then lighter and darker shades of it."""
    seen: dict[str, int] = {}
    colors = {}
    for name in names:
        icpt = cat.interceptors.get(name)
        tier = icpt.tier if icpt is not None else ""
        shades = TIER_SHADES.get(tier, OTHER_SHADES)
        k = seen.get(tier, 0)
        seen[tier] = k + 1
        colors[name] = shades[k % len(shades)]
    return colors


def spend_section(result: Result, data: dict[str, Any]) -> tuple[list[Chart], list[Any], Any]:
    cat = result.scenario.catalog
    by_nation, _ = spend_by(result)
    metrics = data["metrics"]
    shots = metrics.get("shots_by_interceptor", {})
    names = list(shots)
    colors = type_colors(names, cat)
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
    chart = make_chart(
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
        bars.append(Bar(name, est[0], est[1], est[2], colors[name]))
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
    chart = make_chart(
        "shots-by-interceptor",
        "Interceptors fired by type",
        svg.bar_chart(bars, axis_label="interceptors fired per trial (mean)"),
        "Mean per trial with 95 % intervals; each type in the colour it has in the spend "
        "chart, a shade of its defense tier's colour on the map.",
    )
    if chart:
        charts.append(chart)
    total = {
        "shots": f"{total_shots:,.2f}",
        "spend": fmt_usd(total_spend),
        "none_fired": total_shots == 0,
    }
    return charts, table, total


def timeline_chart(result: Result, data: dict[str, Any], raids: dict[str, str]) -> Chart | None:
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
    chart = make_chart(
        "timeline",
        "Engagement timeline of trial 0",
        markup,
        f"{len(spans)} salvos; bars coloured by the raid of the threat engaged, as on the map.",
    )
    return chart and Chart(chart.id, chart.title, chart.svg, chart.sub, wide=True)
