"""The sweep and comparison reports: a table and charts of every point or scenario."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoplon.present.economics import lifecycle_line
from hoplon.present.html import svg
from hoplon.present.html.mapview import (
    NATION_COLORS,
    RAID_COLORS,
)
from hoplon.present.html.svg import Bar, Series
from hoplon.present.text import (
    SECURITY_METRICS,
    bounds,
    cost_difference_text,
    fmt_number,
    fmt_percent,
    fmt_usd,
    metric_card,
)

if TYPE_CHECKING:  # pragma: no cover
    pass
from hoplon.present.html.page import HEADLINE, Chart, estimate, make_chart, page, write_html

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
    return f"{fmt(mean)} {bounds(low, high, fmt)}"


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
        chart = make_chart(
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
    return page(
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
    return write_html(sweep_html(points), path)


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


def cost_charts(compare: Mapping[str, Any], names: list[str]) -> list[Chart]:
    """Security against life-cycle cost, one chart a security metric, a point an architecture."""
    costs = compare.get("costs") or []
    if not costs or not any(c is not None for c in costs):
        return []
    first = next(c for c in costs if c is not None)
    basis = lifecycle_line(first)
    metrics = compare.get("metrics", {})
    palette = NATION_COLORS
    charts: list[Chart] = []
    for key in SECURITY_METRICS:
        points = []
        for k, value in enumerate(metrics.get(key) or []):
            est = estimate(value)
            cost = costs[k] if k < len(costs) else None
            if est is None or cost is None or k >= len(names):
                continue
            points.append(
                svg.Point(
                    names[k],
                    float(cost["total_usd"]),
                    est[0],
                    est[1],
                    est[2],
                    palette[k % len(palette)],
                )
            )
        label, fmt = metric_card(key)
        chart = make_chart(
            f"cost-{key}",
            f"{label} against life-cycle cost",
            svg.scatter_chart(
                points,
                x_label=f"life-cycle cost ({basis})",
                y_label=label,
                x_fmt=fmt_usd,
                y_fmt=fmt,
            ),
            "Each architecture: its estimate with the 95 % interval, against what its units "
            "cost over the horizon. "
            + (
                "Down and to the left is fewer leakers for less money."
                if key == "expected_leakers"
                else "Up and to the left is more security for less money."
            ),
        )
        if chart:
            charts.append(chart)
    return charts


def _yes_no(flag: Any) -> str:
    return "yes" if flag is True else "no" if flag is False else "—"


def _differences_of(entry: Any) -> dict[int, Mapping[str, Any]]:
    """A leakers entry's differences by scenario index, those that could be computed."""
    out: dict[int, Mapping[str, Any]] = {}
    for d in (entry.get("differences") if isinstance(entry, Mapping) else None) or []:
        if (
            isinstance(d, Mapping)
            and isinstance(d.get("scenario"), int)
            and d.get("diff") is not None
        ):
            out[d["scenario"]] = d
    return out


def signed_fmt(fmt: svg.Formatter) -> svg.Formatter:
    """``fmt`` with a sign in front of positive values (differences)."""
    return lambda x: ("+" if x > 0 else "") + fmt(x)


def _leaker_charts(
    kind: str, title: str, entries: Mapping[str, Any], names: list[str], base: int
) -> list[Chart]:
    """One chart a scenario: its difference in leakers from the baseline per target
    (or raid), with the 95 % interval; a significant difference is outlined."""
    charts: list[Chart] = []
    fmt = fmt_number
    for k in range(len(names)):
        if k == base:
            continue
        bars = []
        for key, entry in entries.items():
            d = _differences_of(entry).get(k)
            if d is None:
                continue
            ci = d.get("ci95") or [None, None]
            low, high = (None, None) if None in ci else (float(ci[0]), float(ci[1]))
            bars.append(
                Bar(
                    str(key),
                    float(d["diff"]),
                    low,
                    high,
                    NATION_COLORS[k % len(NATION_COLORS)],
                    note="significant at 5 %" if d.get("significant") else None,
                    highlight=bool(d.get("significant")),
                )
            )
        if not bars:
            continue
        lows = [min(b.value, b.low if b.low is not None else b.value, 0.0) for b in bars]
        highs = [max(b.value, b.high if b.high is not None else b.value, 0.0) for b in bars]
        lo, hi = min(lows), max(highs)
        ticks = svg.nice_ticks(lo, hi) if hi > lo else [-1.0, 0.0, 1.0]
        axis = "difference in mean leakers"
        chart = make_chart(
            f"compare-leakers-{kind}-{k}",
            f"{title}: {names[k]} − {names[base]}",
            svg.bar_chart(
                bars,
                axis_label=axis,
                fmt=signed_fmt(fmt),
                domain=(ticks[0], ticks[-1]),
                label_width=220.0,
                row_height=26.0,
            ),
            "Difference in mean leakers with its 95 % interval (paired per-trial "
            "differences when trials pair); outlined: significant at 5 %.",
        )
        if chart:
            charts.append(chart)
    return charts


def cost_tables(compare: Mapping[str, Any], names: list[str]) -> list[dict[str, Any]]:
    """The life-cycle cost of each architecture, and each difference and what it buys."""
    costs = compare.get("costs") or []
    if not costs or not any(c is not None for c in costs):
        return []
    rows = []
    for k, cost in enumerate(costs[: len(names)]):
        if cost is None:
            rows.append([names[k], "—", "—", "—", "—", "—"])
            continue
        rows.append(
            [
                names[k],
                fmt_usd(cost["total_usd"]),
                fmt_usd(cost["acquisition_usd"]),
                fmt_usd(cost["operating_usd"]),
                fmt_usd(cost["inventory_usd"]),
                fmt_usd(cost["existing_usd"]),
            ]
        )
    first = next(c for c in costs if c is not None)
    tables: list[dict[str, Any]] = [
        {
            "title": f"Life-cycle cost ({lifecycle_line(first)})",
            "head": ["Scenario", "Total", "Acquisition", "O&S", "Interceptors", "Of it existing"],
            "rows": rows,
            "text_columns": 1,
        }
    ]
    base = int(compare.get("baseline", 0) or 0)
    meaning = []
    differences = compare.get("differences") or {}
    for d in compare.get("cost_differences") or []:
        k = d.get("scenario")
        if not isinstance(k, int) or k >= len(names) or k >= len(costs):
            continue
        if d.get("diff_usd") is None:
            meaning.append([names[k], "—", f"not compared: {d.get('reason')}"])
            continue
        gains = {m: (differences.get(m) or [{}] * k)[k - 1] for m in differences}
        cost = costs[k]
        text = cost_difference_text(
            names[k], names[base], d["diff_usd"], cost["horizon_years"], cost["base_year"], gains
        )
        meaning.append([names[k], fmt_usd(d["diff_usd"]), text])
    if meaning:
        tables.append(
            {
                "title": f"Cost differences from {names[base]}, and what they buy",
                "head": ["Scenario", "Cost difference", "Meaning"],
                "rows": meaning,
                "text_columns": 3,
            }
        )
    return tables


def _leaker_table(
    kind: str, title: str, entries: Mapping[str, Any], names: list[str], base: int
) -> dict[str, Any]:
    """A row per target (or raid) and scenario: the baseline's mean leakers, the
    scenario's, and their difference with its interval, p-value and significance."""
    fmt = fmt_number
    sig = signed_fmt(fmt)
    rows = []
    for key, entry in entries.items():
        ests = entry.get("estimates") if isinstance(entry, Mapping) else None
        ests = list(ests) if isinstance(ests, Sequence) else []
        diffs = _differences_of(entry)
        for k in range(len(names)):
            if k == base:
                continue
            d = diffs.get(k)
            ci = (d.get("ci95") if d else None) or [None, None]
            rows.append(
                [
                    str(key),
                    names[k],
                    _cell(estimate(ests[base]) if base < len(ests) else None, fmt),
                    _cell(estimate(ests[k]) if k < len(ests) else None, fmt),
                    "—" if d is None else sig(float(d["diff"])),
                    "" if None in ci else f"[{sig(float(ci[0]))}, {sig(float(ci[1]))}]",
                    "—" if d is None or d.get("p_value") is None else f"{float(d['p_value']):.3g}",
                    "—" if d is None else _yes_no(d.get("significant")),
                ]
            )
    return {
        "title": f"{title}: differences from {names[base]}",
        "head": [
            kind.capitalize(),
            "Scenario",
            names[base],
            "Scenario's",
            "Difference",
            "95 % interval",
            "p",
            "Significant",
        ],
        "rows": rows,
        "text_columns": 2,
    }


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
        chart = make_chart(
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
    charts += cost_charts(compare, names)
    tables += cost_tables(compare, names)
    for kind, title in (("target", "Leakers per target"), ("raid", "Leakers per raid")):
        by = compare.get(f"leakers_by_{kind}") or {}
        if isinstance(by, Mapping) and by and 0 <= base < len(names):
            charts += _leaker_charts(kind, title, by, names, base)
            tables.append(_leaker_table(kind, title, by, names, base))
    meta = [f"{len(names)} scenarios"]
    for field_name in ("trials", "seed"):
        if compare.get(field_name) is not None:
            meta.append(f"{field_name} {compare[field_name]}")
    return page(
        "study.html",
        title="Comparison: " + " vs ".join(names),
        kicker="Hoplon comparison report",
        meta=meta,
        intro="",
        charts_title="Headline metrics side by side"
        + ("; leakers per target and per raid" if len(charts) > len(chosen) else ""),
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
    return write_html(compare_html(compare_json), path)
