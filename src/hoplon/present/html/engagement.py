"""The engagement view's chart: one threat's altitude against time, and what could meet it.

Drawn from :meth:`hoplon.analysis.engagement.EngagementView.to_dict`: the threat's
altitude curve; each interceptor's altitude band (shaded); each radar's first detection
and each unit's fire-control track (vertical marks); each stock's intercept points on
the curve (coloured by unit) and, in lanes under the axis, its launch and intercept
windows; the intercepts of one trial (filled: killed, open: missed).
"""

from __future__ import annotations

from typing import Any

from hoplon.present.html.page import Chart, make_chart
from hoplon.present.html.svg import GRID, INK, MUTED, esc, nice_ticks, num

UNIT_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")
BAND_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd")
W, LEFT, RIGHT, TOP, PLOT_H, LANE_H = 900.0, 190.0, 16.0, 14.0, 300.0, 16.0


def _text(x: float, y: float, text: str, anchor: str = "start", size: float = 11.0,
          fill: str = INK) -> str:  # fmt: skip
    return (
        f'<text x="{num(x)}" y="{num(y)}" text-anchor="{anchor}" dominant-baseline="middle"'
        f' font-size="{num(size)}" fill="{fill}">{esc(text)}</text>'
    )


def engagement_svg(view: dict[str, Any]) -> str:
    """The chart's SVG (empty when the threat has no altitude curve)."""
    curve = view["curve"]
    if len(curve) < 2:
        return ""
    threat = view["threat"]
    t0, t1 = float(curve[0][0]), float(curve[-1][0])
    top_km = max(p[1] for p in curve) * 1.12 or 1.0
    lanes = view["windows"]
    height = TOP + PLOT_H + 40 + LANE_H * len(lanes) + 10
    x_of = lambda t: LEFT + (float(t) - t0) / max(t1 - t0, 1e-9) * (W - LEFT - RIGHT)  # noqa: E731
    y_of = lambda a: TOP + PLOT_H - min(float(a), top_km) / top_km * PLOT_H  # noqa: E731
    body: list[str] = [f'<rect x="{num(LEFT)}" y="{num(TOP)}" width="{num(W - LEFT - RIGHT)}"'
                       f' height="{num(PLOT_H)}" fill="#fff" stroke="{GRID}"/>']  # fmt: skip
    units = list(dict.fromkeys(w["unit"] for w in lanes))
    colour = {u: UNIT_COLORS[i % len(UNIT_COLORS)] for i, u in enumerate(units)}
    # Altitude bands, one per interceptor type.
    bands = list(dict.fromkeys((w["interceptor"], w["min_alt_km"], w["max_alt_km"]) for w in lanes))
    for i, (name, lo, hi) in enumerate(bands):
        if lo >= top_km:
            continue
        y_hi, y_lo = y_of(hi), y_of(lo)
        body.append(
            f'<rect class="band" x="{num(LEFT)}" y="{num(y_hi)}" width="{num(W - LEFT - RIGHT)}"'
            f' height="{num(max(y_lo - y_hi, 1.0))}" fill="{BAND_COLORS[i % len(BAND_COLORS)]}"'
            f' fill-opacity="0.08"><title>{esc(f"{name}: intercept altitude {lo:g}-{hi:g} km")}'
            "</title></rect>"
        )
        y_label = (y_hi if hi < top_km else TOP) + 9 + 12 * i
        body.append(_text(W - RIGHT - 4, y_label, f"{name} band", "end", 10.0, MUTED))
    # Axes.
    for v in nice_ticks(0.0, top_km):
        if 0 <= v <= top_km:
            y = y_of(v)
            body.append(f'<line x1="{num(LEFT)}" x2="{num(W - RIGHT)}" y1="{num(y)}" y2="{num(y)}"'
                        f' stroke="{GRID}"/>')  # fmt: skip
            body.append(_text(LEFT - 6, y, f"{v:,.0f}", "end", 10.0, MUTED))
    for v in nice_ticks(t0, t1):
        if t0 <= v <= t1:
            body.append(_text(x_of(v), TOP + PLOT_H + 12, f"{v:,.0f}", "middle", 10.0, MUTED))
    body.append(_text(LEFT - 40, TOP + PLOT_H / 2, "altitude, km", "end", 10.0, MUTED))
    body.append(_text((LEFT + W) / 2, TOP + PLOT_H + 26, "seconds from the scenario's start",
                      "middle", 10.0, MUTED))  # fmt: skip
    # Detections and fire-control tracks.
    marks = [(s["first_detection_s"], f"{s['id']} ({s['role']}) first detects", "#c9a227")
             for s in view["sensors"] if s["first_detection_s"] is not None]  # fmt: skip
    marks += [(u["fire_control_track_s"], f"{u['id']} fire-control track", "#555")
              for u in view["units"] if u["fire_control_track_s"] is not None]  # fmt: skip
    for when, label, col in marks:
        x = x_of(when)
        body.append(
            f'<line class="mark" x1="{num(x)}" x2="{num(x)}" y1="{num(TOP)}"'
            f' y2="{num(TOP + PLOT_H)}" stroke="{col}" stroke-dasharray="3 3">'
            f"<title>{esc(f'{label} at {when:,.1f} s')}</title></line>"
        )
    # The threat's altitude curve, then each stock's intercept points on it.
    d = "M" + "L".join(f"{num(x_of(t))} {num(y_of(a))}" for t, a in curve)
    tip = f"{threat['id']} ({threat['type']}) → {threat['target']}, apogee {threat['apogee_km']:,.0f} km"
    body.append(f'<path class="threat" d="{d}" fill="none" stroke="{INK}" stroke-width="1.6">'
                f"<title>{esc(tip)}</title></path>")  # fmt: skip
    for w in lanes:
        pts = w["points"]
        if not pts:
            continue
        d = "M" + "L".join(f"{num(x_of(t))} {num(y_of(a))}" for t, a in pts)
        tip = (f"{w['unit']} {w['interceptor']}: intercepts from {w['intercept_from_s']:,.0f}"
               f" to {w['intercept_to_s']:,.0f} s, P(kill) {w['p_kill']:.2f}")  # fmt: skip
        body.append(f'<path class="window" d="{d}" fill="none" stroke="{colour[w["unit"]]}"'
                    f' stroke-width="5" stroke-opacity="0.45"><title>{esc(tip)}</title></path>')  # fmt: skip
    for e in view["trial"]:
        x, y = x_of(e["intercept_s"]), y_of(e["alt_km"])
        fill = colour.get(e["unit"], INK) if e.get("killed") else "#fff"
        tip = (f"trial 0: {e['unit']} fires {e.get('shots', 1)} × {e['interceptor']} at"
               f" {e['launch_s']:,.1f} s, intercept at {e['intercept_s']:,.1f} s,"
               f" {e['alt_km']:,.0f} km: {'killed' if e.get('killed') else 'missed'}")  # fmt: skip
        body.append(f'<circle class="intercept" cx="{num(x)}" cy="{num(y)}" r="5" fill="{fill}"'
                    f' stroke="{colour.get(e["unit"], INK)}" stroke-width="2">'
                    f"<title>{esc(tip)}</title></circle>")  # fmt: skip
    # Lanes: each stock's launch window (thin) and intercept window (thick).
    y = TOP + PLOT_H + 40
    for w in lanes:
        col = colour[w["unit"]]
        body.append(_text(LEFT - 6, y + LANE_H / 2, f"{w['unit']} {w['interceptor']}", "end", 9.5))
        if w["launch_from_s"] is not None:
            a, b = x_of(w["launch_from_s"]), x_of(w["launch_to_s"])
            body.append(f'<rect class="lane-launch" x="{num(a)}" y="{num(y + 6)}"'
                        f' width="{num(max(b - a, 1.5))}" height="3" fill="{col}">'
                        f"<title>{esc(w['unit'] + ' may launch from ' + format(w['launch_from_s'], ',.1f') + ' to ' + format(w['launch_to_s'], ',.1f') + ' s')}</title></rect>")  # fmt: skip
            a, b = x_of(w["intercept_from_s"]), x_of(w["intercept_to_s"])
            body.append(f'<rect class="lane-intercept" x="{num(a)}" y="{num(y + 3)}"'
                        f' width="{num(max(b - a, 1.5))}" height="9" fill="{col}"'
                        ' fill-opacity="0.45"/>')  # fmt: skip
        y += LANE_H
    label = f"Engagement view of {threat['id']}"
    return (
        f'<svg class="chart-svg" viewBox="0 0 {num(W)} {num(height)}" role="img"'
        f' style="max-width: {num(W)}px" aria-label="{esc(label)}"'
        ' preserveAspectRatio="xMinYMin meet">' + "".join(body) + "</svg>"
    )


def engagement_chart(view: dict[str, Any]) -> Chart | None:
    """The view as a wide chart of the report."""
    threat = view["threat"]
    chart = make_chart(
        "engagement",
        f"Engagement view of {threat['id']} ({threat['type']} → {threat['target']})",
        engagement_svg(view),
        "Altitude against time with each interceptor's altitude band; dashed: first "
        "detections (gold) and fire-control tracks (grey); thick: where each unit's "
        "interceptor can meet the threat; dots: trial 0's intercepts (filled: killed). "
        "Lanes: when each can launch (thin) and intercept (thick).",
    )
    return chart and Chart(chart.id, chart.title, chart.svg, chart.sub, wide=True)
