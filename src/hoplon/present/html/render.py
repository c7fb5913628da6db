"""Build the report's HTML: one self-contained file per run, sweep or comparison.

The run report is assembled here from :mod:`~hoplon.present.html.sections`; the sweep
and comparison reports are in :mod:`~hoplon.present.html.studies`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from hoplon.core.metrics import value_basis_text
from hoplon.present.html.basemap import LAND_SOURCE
from hoplon.present.html.engagement import engagement_chart
from hoplon.present.html.mapview import (
    nation_colors,
    raid_colors,
    scenario_map,
)
from hoplon.present.text import (
    fmt_percent,
    fmt_usd,
    money_basis_text,
    plan_text,
    unchanged_text,
    years_text,
)

if TYPE_CHECKING:  # pragma: no cover
    from hoplon.results.records import Result
from hoplon.present.html.allies import coalition_section, economics_section, lifecycle_section
from hoplon.present.html.page import SCRIPT, estimate, interval_text, page, seconds, write_html
from hoplon.present.html.sections import (
    cards,
    kills_chart,
    scenario_section,
    spend_section,
    target_chart,
    threat_chart,
    timeline_chart,
)


def report_html(
    result: Result,
    *,
    coalition: Mapping[str, Any] | None = None,
    economics: dict[str, Any] | None = None,
    generated: _dt.datetime | None = None,
    footprints: Sequence[Mapping[str, Any]] = (),
    engagement: dict[str, Any] | None = None,
) -> str:
    """The report of one run as an HTML string (see :func:`render_report`)."""
    loaded = result.scenario
    spec = loaded.spec
    data = result.to_dict()
    coalition = coalition if coalition is not None else data.get("coalition")
    if economics is None:
        economics = result.economics()
    nations = nation_colors(loaded)
    raids = raid_colors(loaded)
    the_map = scenario_map(loaded, footprints)
    threats = data.get("threats", [])
    threat_rows = []
    for t in threats:
        mean, low, high = estimate(t.get("p_leak")) or (0.0, None, None)
        threat_rows.append(
            {
                "id": t["id"],
                "raid": t.get("raid", ""),
                "target": t.get("target", ""),
                "first_track": seconds(t.get("first_track_s")),
                "impact": seconds(t.get("impact_s")),
                "engageable_by": ", ".join(t.get("engageable_by") or []),
                "p_leak": fmt_percent(mean),
                "ci": interval_text(low, high, fmt_percent).removeprefix("95% CI "),
            }
        )
    unengageable = [r for r, t in zip(threat_rows, threats, strict=True) if not t["engageable_by"]]
    results = [
        c
        for c in (
            target_chart(result, data, nations),
            threat_chart(data, raids),
            kills_chart(data, result, nations),
        )
        if c is not None
    ]
    spend_charts, spend_rows, spend_total = spend_section(result, data)
    timeline = timeline_chart(result, data, raids)
    coalition_info, coalition_charts = (
        coalition_section(coalition, nations) if coalition else (None, [])
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
    lifecycle = lifecycle_section(data.get("architecture_cost"))
    if lifecycle:
        toc.append(("lifecycle", "Life-cycle cost"))
    toc.append(("scenario", "Scenario"))
    if has_threats:
        toc.append(("threats", "Every threat"))
    timing = data.get("timing", {})
    return page(
        "report.html",
        title=spec.name,
        kicker="Hoplon scenario report",
        meta=[
            f"{data['trials']:,} trials",
            f"seed {data['seed']}",
            f"scenario sha256 {str(data['scenario'].get('sha256', ''))[:12]}",
            f"engine {timing.get('engine_s', 0):.2f} s",
            f"generated {when:%Y-%m-%d %H:%M} UTC",
            *(f"what-if: {note}" for note in data.get("variant", ())),
            *(plan_text(row) for row in data.get("plan", ())),
        ],
        toc=toc,
        script=Markup(SCRIPT) if the_map is not None else "",
        map_source=LAND_SOURCE if the_map is not None else None,
        scenario=scenario_section(loaded, data["metrics"]),
        map=the_map and {"svg": Markup(the_map.svg), "legend": the_map.legend},
        map_layers=[
            *([("footprints", "defended footprints")] if the_map and footprints else []),
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
            + f" {money_basis_text(data)}"
            + (f" {same}" if (same := unchanged_text(data)) else "")
        ),
        has_threats=has_threats,
        cards=cards(data),
        unengageable=unengageable,
        charts_results=results,
        charts_spend=spend_charts,
        spend_rows=spend_rows,
        spend_total=spend_total,
        unit_rows=[
            {"unit": uid, "fired": f"{fired.mean:,.2f}", "held": f"{held.mean:,.2f}"}
            for uid, (fired, held) in result.held_back().items()
        ],
        campaign=_campaign(data.get("campaign_costs")),
        wave_rows=[
            {
                "wave": r["wave"],
                "unit": r["unit"],
                "interceptor": r["interceptor"],
                "start": f"{r['start_mean']:,.2f}",
                "fired": f"{r['fired_mean']:,.2f}",
                "left": f"{r['held_mean']:,.2f}",
                "empty": fmt_percent(r["empty_share"]),
            }
            for r in data.get("magazines_by_wave", [])
        ],
        transfer_rows=[
            {
                "from": r["from"],
                "to": r["to"],
                "interceptor": r["interceptor"],
                "mean": f"{r['mean_per_trial']:,.3f}",
            }
            for r in data.get("acsa_transfers", ())
        ],  # fmt: skip
        charts_timeline=[
            c
            for c in (timeline, engagement_chart(engagement) if engagement else None)
            if c is not None
        ],
        coalition=coalition_info if coalition_charts else None,
        charts_coalition=coalition_charts,
        economics=economics_section(economics) if economics else None,
        lifecycle=lifecycle,
        threats=threat_rows,
    )


def _campaign(costs: dict[str, Any] | None) -> dict[str, Any] | None:
    """The campaign costs (constant base-year dollars) as the report's table shows them."""
    if not costs or costs.get("base_year") is None:
        return None

    def money(est: dict[str, Any]) -> tuple[str, str]:
        ci = est.get("ci95")
        interval = f"{fmt_usd(ci[0])} – {fmt_usd(ci[1])}" if ci else ""
        return fmt_usd(est["mean"]), interval

    rows = []
    for row in costs["spend_by_nation_interceptor"]:
        spend, ci = money(row["spend_usd"])
        rows.append({"nation": row["nation"], "interceptor": row["interceptor"],
                     "shots": f"{row['shots']['mean']:,.2f}", "spend": spend, "ci": ci})  # fmt: skip
    nations = []
    for nation, est in costs["spend_by_nation_usd"].items():
        spend, ci = money(est)
        nations.append({"nation": nation, "spend": spend, "ci": ci})
    total, total_ci = money(costs["interceptor_spend_usd"])
    ratio = (costs.get("cost_exchange_ratio") or {}).get("mean")  # None: no attacker cost
    attacker = [
        {"type": t["type"], "count": f"{t['count']:,}", "spend": fmt_usd(t["spend_usd"])}
        for t in costs.get("threats", [])
    ]
    from hoplon.results.campaign import EXPENDED_PERCENTILE

    pct = f"p{EXPENDED_PERCENTILE}"

    replacement = [
        {
            "nation": r["nation"],
            "interceptor": r["interceptor"],
            "expended": f"{r['expended']['mean']:,.2f} / {r['expended'][pct]:g}",
            "units": f"{r['units_per_year']:,.1f}",
            "years": years_text(r.get("years"), pct),
            "own": years_text(r.get("years_own_lines_only"), pct),
        }
        for r in costs.get("replacement") or []
    ]
    return {
        "base_year": costs["base_year"],
        "deflator": {"us-gdp": "US GDP deflator"}.get(costs["deflator"], costs["deflator"]),
        "rows": rows,
        "nations": nations if len(nations) > 1 else [],
        "total": total,
        "total_ci": total_ci,
        "threat_spend": fmt_usd(costs["threat_spend_usd"]),
        "ratio": "—" if ratio is None else f"{ratio:.2f}",
        "attacker": attacker,
        "replacement": replacement,
        "percentile": EXPENDED_PERCENTILE,
    }


def render_report(
    result: Result,
    path: str | Path | None = None,
    *,
    coalition: Mapping[str, Any] | None = None,
    economics: dict[str, Any] | None = None,
    generated: _dt.datetime | None = None,
    footprints: Sequence[Mapping[str, Any]] = (),
    engagement: dict[str, Any] | None = None,
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
        footprints: defended footprints to draw on the map
            (:meth:`hoplon.analysis.footprint.Footprint.to_dict`), in a layer of their own.
        engagement: an engagement view to draw under the timeline
            (:meth:`hoplon.analysis.engagement.EngagementView.to_dict`).
    """
    return write_html(
        report_html(
            result,
            coalition=coalition,
            economics=economics,
            generated=generated,
            footprints=footprints,
            engagement=engagement,
        ),
        path,
    )
