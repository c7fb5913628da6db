"""Static SVG charts for the report: bars with intervals, stacked bars, lines with bands,
a scatter of points with intervals (security against cost), and an engagement timeline.

Each function returns SVG markup (a string) with every piece of text escaped. Charts
are drawn in a fixed ``viewBox`` and scale to their container's width; they need no
script, so they print exactly as they show on screen. Hovering an element shows its
``<title>`` as a tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from hoplon.present.text import Formatter, fmt_number

#: Default chart width in SVG user units: the charts scale down to their container but
#: never above this many CSS pixels, so their text stays at its set size on wide screens.
WIDTH = 560.0
FONT = 12.0
INK = "#222"
MUTED = "#666"
GRID = "#e3e3e3"


def esc(text: object) -> str:
    """Text escaped for SVG/HTML content and attribute values."""
    return escape(str(text), quote=True)


def num(value: float) -> str:
    """A coordinate with at most two decimals (keeps the markup small)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` (about ``count`` of them)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) if low else 1.0)
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    # Round to the step's own precision (a fixed number of decimals would turn the
    # ticks of a tiny range into zeros).
    digits = max(0, 3 - math.floor(math.log10(step)))
    start = math.floor(low / step + 1e-9) * step
    ticks = []
    k = 0
    while start + k * step < high + step * 0.5 - step * 1e-9:
        ticks.append(round(start + k * step, digits))
        k += 1
        if len(ticks) > 50:
            break
    if ticks[-1] < high - step * 1e-9:
        ticks.append(round(start + k * step, digits))
    return ticks


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: float = FONT,
    fill: str = INK,
    weight: str | None = None,
    baseline: str = "middle",
) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{num(x)}" y="{num(y)}" text-anchor="{anchor}" dominant-baseline="{baseline}"'
        f' font-size="{num(size)}" fill="{fill}"{bold}>{esc(text)}</text>'
    )


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (
        f'<svg class="chart-svg" viewBox="0 0 {num(width)} {num(height)}" role="img"'
        f' style="max-width: {num(width)}px"'
        f' aria-label="{esc(label)}"'
        f' preserveAspectRatio="xMinYMin meet">' + "".join(body) + "</svg>"
    )


def _truncate(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(chars - 1, 1)] + "…"


# --------------------------------------------------------------------------------------
# Bars with intervals
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar: a labelled value with an optional 95 % interval."""

    label: str
    value: float
    low: float | None = None
    high: float | None = None
    color: str = "#4a78b5"
    note: str | None = None  # extra tooltip text
    highlight: bool = False  # drawn with a warning outline and label


def bar_chart(
    bars: Sequence[Bar],
    *,
    axis_label: str,
    fmt: Formatter = fmt_number,
    domain: tuple[float, float] | None = None,
    label_width: float = 140.0,
    row_height: float = 22.0,
    width: float = WIDTH,
    title: str = "",
) -> str:
    """Horizontal bars with interval whiskers, one row per bar.

    Args:
        bars: the rows, top to bottom.
        axis_label: what the x axis measures (with its unit).
        fmt: formats tick and value labels.
        domain: fixed x range; default from 0 (or the lowest value) to the highest.
        label_width: room for the row labels, SVG units.
        row_height: height of one row, SVG units.
        width: chart width, SVG units.
        title: accessible label of the chart.
    """
    if not bars:
        return ""
    lows = [min(b.value, b.low if b.low is not None else b.value) for b in bars]
    highs = [max(b.value, b.high if b.high is not None else b.value) for b in bars]
    if domain is None:
        top_value = max(highs)
        ticks = nice_ticks(min(0.0, min(lows)), top_value if top_value > 0 else 1.0)
    else:
        ticks = nice_ticks(*domain)
        ticks = [t for t in ticks if domain[0] - 1e-9 <= t <= domain[1] + 1e-9]
    x_min, x_max = (ticks[0], ticks[-1]) if domain is None else domain
    value_room = 64.0
    left, right = label_width, width - value_room
    top = 8.0
    plot_h = row_height * len(bars)
    height = top + plot_h + 44.0

    def x(v: float) -> float:
        return left + (v - x_min) / (x_max - x_min) * (right - left) if x_max > x_min else left

    body: list[str] = []
    for t in ticks:
        body.append(
            f'<line x1="{num(x(t))}" y1="{num(top)}" x2="{num(x(t))}" y2="{num(top + plot_h)}"'
            f' stroke="{GRID}"/>'
        )
        body.append(_text(x(t), top + plot_h + 14, fmt(t), anchor="middle", fill=MUTED, size=11))
    body.append(_text((left + right) / 2, top + plot_h + 34, axis_label, anchor="middle", size=12))
    zero = x(max(x_min, 0.0))
    body.append(
        f'<line x1="{num(zero)}" y1="{num(top)}" x2="{num(zero)}" y2="{num(top + plot_h)}"'
        f' stroke="#999"/>'
    )
    chars = int(label_width / 6.6)
    for i, bar in enumerate(bars):
        y0 = top + i * row_height
        cy = y0 + row_height / 2
        bh = row_height * 0.62
        x0, x1 = sorted((zero, x(bar.value)))
        interval = ""
        if bar.low is not None and bar.high is not None:
            interval = f" (95% interval {fmt(bar.low)} to {fmt(bar.high)})"
        tip = f"{bar.label}: {fmt(bar.value)}{interval}" + (f". {bar.note}" if bar.note else "")
        label_fill = "#b00020" if bar.highlight else INK
        body.append(
            f"<g><title>{esc(tip)}</title>"
            + _text(left - 8, cy, _truncate(bar.label, chars), anchor="end", fill=label_fill)
            + f'<rect x="{num(x0)}" y="{num(cy - bh / 2)}" width="{num(max(x1 - x0, 0.8))}"'
            f' height="{num(bh)}" fill="{bar.color}"'
            + (' stroke="#b00020" stroke-width="1.5"' if bar.highlight else "")
            + "/>"
        )
        end = x1
        if bar.low is not None and bar.high is not None:
            xl, xh = x(bar.low), x(bar.high)
            body.append(
                f'<path d="M{num(xl)} {num(cy)}H{num(xh)}M{num(xl)} {num(cy - 5)}V{num(cy + 5)}'
                f'M{num(xh)} {num(cy - 5)}V{num(cy + 5)}" stroke="{INK}" stroke-width="1.2"'
                f' fill="none"/>'
            )
            end = max(end, xh)
        body.append(_text(end + 6, cy, fmt(bar.value), size=11, fill=MUTED) + "</g>")
    return _svg(width, height, body, title or axis_label)


# --------------------------------------------------------------------------------------
# Stacked bars
# --------------------------------------------------------------------------------------


def stacked_bar_chart(
    rows: Sequence[tuple[str, Sequence[tuple[str, float]]]],
    colors: dict[str, str],
    *,
    axis_label: str,
    fmt: Formatter = fmt_number,
    label_width: float = 70.0,
    row_height: float = 30.0,
    width: float = WIDTH,
    title: str = "",
) -> str:
    """Horizontal stacked bars: one row per category, one segment per series.

    Args:
        rows: ``(row label, [(series name, value), ...])`` top to bottom.
        colors: series name -> colour (also the legend, in this order).
        axis_label: what the x axis measures.
        fmt: formats ticks and totals.
    """
    if not rows:
        return ""
    totals = [sum(v for _, v in segments) for _, segments in rows]
    # All-zero rows (nothing fired) still get a readable 0-1 axis.
    ticks = nice_ticks(0.0, max(totals) if max(totals) > 0 else 1.0)
    x_max = ticks[-1]
    left, right = label_width, width - 64.0
    per_row = max(1, int((width - left) // 160))
    legend_h = 22.0 * math.ceil(len(colors) / per_row)
    top = legend_h + 6.0
    plot_h = row_height * len(rows)
    height = top + plot_h + 44.0

    def x(v: float) -> float:
        return left + v / x_max * (right - left)

    body: list[str] = []
    for k, (name, color) in enumerate(colors.items()):
        lx = left + (k % per_row) * 160.0
        ly = 10.0 + 22.0 * (k // per_row)
        body.append(
            f'<rect x="{num(lx)}" y="{num(ly - 6)}" width="12" height="12" fill="{color}"/>'
            + _text(lx + 17, ly, _truncate(name, 22), size=11)
        )
    for t in ticks:
        body.append(
            f'<line x1="{num(x(t))}" y1="{num(top)}" x2="{num(x(t))}" y2="{num(top + plot_h)}"'
            f' stroke="{GRID}"/>'
        )
        body.append(_text(x(t), top + plot_h + 14, fmt(t), anchor="middle", fill=MUTED, size=11))
    body.append(_text((left + right) / 2, top + plot_h + 34, axis_label, anchor="middle"))
    for i, ((label, segments), total) in enumerate(zip(rows, totals, strict=True)):
        cy = top + i * row_height + row_height / 2
        bh = row_height * 0.62
        body.append(_text(left - 8, cy, _truncate(label, int(label_width / 6.6)), anchor="end"))
        start = 0.0
        for series, value in segments:
            if value <= 0:
                continue
            x0, x1 = x(start), x(start + value)
            body.append(
                f"<g><title>{esc(f'{label}, {series}: {fmt(value)}')}</title>"
                f'<rect x="{num(x0)}" y="{num(cy - bh / 2)}" width="{num(max(x1 - x0, 0.8))}"'
                f' height="{num(bh)}" fill="{colors.get(series, "#888")}" stroke="#fff"'
                f' stroke-width="0.8"/></g>'
            )
            start += value
        body.append(_text(x(total) + 6, cy, fmt(total), size=11, fill=MUTED))
    return _svg(width, height, body, title or axis_label)


# --------------------------------------------------------------------------------------
# Lines with interval bands
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One line: y (with its 95 % band) against x, in x order."""

    name: str
    color: str
    x: Sequence[float]
    y: Sequence[float]
    low: Sequence[float] | None = None
    high: Sequence[float] | None = None


def line_chart(
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    y_fmt: Formatter = fmt_number,
    x_categories: Sequence[str] | None = None,
    width: float = WIDTH,
    height: float = 280.0,
    title: str = "",
) -> str:
    """Lines with shaded 95 % bands against a numeric (or categorical) x axis.

    Args:
        series: the lines; with ``x_categories``, x values are category indices.
        x_label, y_label: axis titles.
        y_fmt: formats y ticks and tooltips.
        x_categories: names of x positions 0, 1, ... for a categorical axis.
    """
    points = [(x, y) for s in series for x, y in zip(s.x, s.y, strict=True)]
    if not points:
        return ""
    ys = [y for _, y in points]
    for s in series:
        ys += list(s.low or []) + list(s.high or [])
    ys = [y for y in ys if math.isfinite(y)]
    xs = [x for x, _ in points]
    y_ticks = nice_ticks(min(0.0, min(ys)), max(ys) if max(ys) > 0 else 1.0)
    if x_categories is not None:
        x_lo, x_hi = -0.5, len(x_categories) - 0.5
    else:
        x_lo, x_hi = min(xs), max(xs)
        if x_hi == x_lo:
            x_lo, x_hi = x_lo - 1, x_hi + 1
    left, right = 76.0, width - 16.0
    per_row = max(1, int((right - left) // 200))
    legend_h = 20.0 * math.ceil(len(series) / per_row) if len(series) > 1 else 0.0
    top = 10.0 + legend_h
    bottom = height - 46.0

    def px(v: float) -> float:
        return left + (v - x_lo) / (x_hi - x_lo) * (right - left)

    def py(v: float) -> float:
        return bottom - (v - y_ticks[0]) / (y_ticks[-1] - y_ticks[0]) * (bottom - top)

    body: list[str] = []
    if len(series) > 1:
        for k, s in enumerate(series):
            lx = left + (k % per_row) * 200.0
            ly = 10.0 + 20.0 * (k // per_row)
            body.append(
                f'<rect x="{num(lx)}" y="{num(ly - 2)}" width="16" height="4" fill="{s.color}"/>'
                + _text(lx + 21, ly, _truncate(s.name, 28), size=11)
            )
    if x_categories is not None:
        x_marks = [
            _text(px(i), bottom + 14, _truncate(name, 14), anchor="middle", size=11)
            for i, name in enumerate(x_categories)
        ]
    else:
        x_ticks = [t for t in nice_ticks(x_lo, x_hi, 8) if x_lo - 1e-9 <= t <= x_hi + 1e-9]
        x_marks = _x_tick_marks(x_ticks, px, bottom, fmt_number)
    body += _axes(y_ticks, py, (left, right, top, bottom), height, y_fmt, x_marks, x_label, y_label)
    for s in series:
        if s.low is not None and s.high is not None and len(s.x) > 0:
            upper = [f"{num(px(x))} {num(py(h))}" for x, h in zip(s.x, s.high, strict=True)]
            lower = [f"{num(px(x))} {num(py(lo))}" for x, lo in zip(s.x, s.low, strict=True)]
            if len(s.x) == 1:  # a single point: a short band so it still shows
                x0 = px(s.x[0])
                upper = [
                    f"{num(x0 - 4)} {num(py(s.high[0]))}",
                    f"{num(x0 + 4)} {num(py(s.high[0]))}",
                ]
                lower = [f"{num(x0 - 4)} {num(py(s.low[0]))}", f"{num(x0 + 4)} {num(py(s.low[0]))}"]
            body.append(
                f'<path class="band" d="M{"L".join(upper + lower[::-1])}Z" fill="{s.color}"'
                f' fill-opacity="0.18" stroke="none"/>'
            )
        line = [f"{num(px(x))} {num(py(y))}" for x, y in zip(s.x, s.y, strict=True)]
        body.append(
            f'<path d="M{"L".join(line)}" stroke="{s.color}" stroke-width="2" fill="none"/>'
        )
        for i, (x, y) in enumerate(zip(s.x, s.y, strict=True)):
            xl = x_categories[int(x)] if x_categories is not None else fmt_number(x)
            tip = f"{s.name}: {xl} → {y_fmt(y)}"
            if s.low is not None and s.high is not None:
                tip += f" (95% interval {y_fmt(s.low[i])} to {y_fmt(s.high[i])})"
            body.append(
                f'<circle cx="{num(px(x))}" cy="{num(py(y))}" r="3" fill="{s.color}">'
                f"<title>{esc(tip)}</title></circle>"
            )
    return _svg(width, height, body, title or y_label)


# --------------------------------------------------------------------------------------
# Scatter: security against cost
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One labelled point with an optional 95 % interval on y (e.g. an architecture)."""

    label: str
    x: float
    y: float
    low: float | None = None
    high: float | None = None
    color: str = "#4a78b5"


def _xy_frame(
    x_ticks: list[float],
    y_ticks: list[float],
    box: tuple[float, float, float, float],
    height: float,
    x_fmt: Formatter,
    y_fmt: Formatter,
    x_label: str,
    y_label: str,
) -> tuple[Callable[[float], float], Callable[[float], float], list[str]]:
    """Two numeric axes over ``box`` (left, right, top, bottom): the value-to-pixel maps
    and the SVG of the grid lines, ticks, axes and their labels."""
    left, right, top, bottom = box

    def px(v: float) -> float:
        return left + (v - x_ticks[0]) / (x_ticks[-1] - x_ticks[0]) * (right - left)

    def py(v: float) -> float:
        return bottom - (v - y_ticks[0]) / (y_ticks[-1] - y_ticks[0]) * (bottom - top)

    x_marks = _x_tick_marks(x_ticks, px, bottom, x_fmt)
    return px, py, _axes(y_ticks, py, box, height, y_fmt, x_marks, x_label, y_label)


def _x_tick_marks(
    ticks: Sequence[float], px: Callable[[float], float], bottom: float, fmt: Formatter
) -> list[str]:
    """A numeric x axis's tick marks and their values, below ``bottom``."""
    return [
        f'<line x1="{num(px(t))}" y1="{num(bottom)}" x2="{num(px(t))}"'
        f' y2="{num(bottom + 4)}" stroke="#999"/>'
        + _text(px(t), bottom + 14, fmt(t), anchor="middle", size=11)
        for t in ticks
    ]


def _axes(
    y_ticks: Sequence[float],
    py: Callable[[float], float],
    box: tuple[float, float, float, float],
    height: float,
    y_fmt: Formatter,
    x_marks: list[str],
    x_label: str,
    y_label: str,
) -> list[str]:
    """The SVG of a chart's frame over ``box`` (left, right, top, bottom): the y grid
    lines and values, the x axis's marks (``x_marks``), both axes and their titles."""
    left, right, top, bottom = box
    body = [
        f'<line x1="{num(left)}" y1="{num(py(t))}" x2="{num(right)}" y2="{num(py(t))}"'
        f' stroke="{GRID}"/>' + _text(left - 6, py(t), y_fmt(t), anchor="end", fill=MUTED)
        for t in y_ticks
    ]
    body += x_marks
    body.append(
        f'<path d="M{num(left)} {num(top)}V{num(bottom)}H{num(right)}" stroke="#999" fill="none"/>'
    )
    body.append(_text((left + right) / 2, height - 12, x_label, anchor="middle"))
    body.append(
        f'<text transform="translate(12 {num((top + bottom) / 2)}) rotate(-90)"'
        f' text-anchor="middle" font-size="{num(FONT)}" fill="{INK}">{esc(y_label)}</text>'
    )
    return body


def scatter_chart(
    points: Sequence[Point],
    *,
    x_label: str,
    y_label: str,
    x_fmt: Formatter = fmt_number,
    y_fmt: Formatter = fmt_number,
    width: float = WIDTH,
    height: float = 300.0,
    title: str = "",
) -> str:
    """Points with vertical 95 % interval bars, labelled, on two numeric axes (both from 0
    when the values are positive, so distances read as ratios)."""
    pts = [p for p in points if math.isfinite(p.x) and math.isfinite(p.y)]
    if not pts:
        return ""
    xs = [p.x for p in pts]
    ys = [p.y for p in pts] + [v for p in pts for v in (p.low, p.high) if v is not None]
    x_ticks = nice_ticks(min(0.0, min(xs)), max(xs) if max(xs) > 0 else 1.0)
    y_ticks = nice_ticks(min(0.0, min(ys)), max(ys) if max(ys) > 0 else 1.0)
    left, right, top, bottom = 76.0, width - 24.0, 14.0, height - 46.0
    px, py, body = _xy_frame(
        x_ticks, y_ticks, (left, right, top, bottom), height, x_fmt, y_fmt, x_label, y_label
    )
    placed: list[tuple[float, float]] = []
    for p in pts:
        cx, cy = px(p.x), py(p.y)
        label_y = cy - 10
        while any(abs(label_y - y) < 13 and abs(cx - x) < 120 for x, y in placed):
            label_y += 14  # points on top of each other: their labels one under another
        placed.append((cx, label_y))
        tip = f"{p.label}: {x_fmt(p.x)}, {y_fmt(p.y)}"
        if p.low is not None and p.high is not None:
            tip += f" (95% interval {y_fmt(p.low)} to {y_fmt(p.high)})"
            body.append(
                f'<line x1="{num(cx)}" y1="{num(py(p.low))}" x2="{num(cx)}" y2="{num(py(p.high))}"'
                f' stroke="{p.color}" stroke-width="2"/>'
            )
        body.append(
            f'<circle cx="{num(cx)}" cy="{num(cy)}" r="5" fill="{p.color}">'
            f"<title>{esc(tip)}</title></circle>"
        )
        anchor = "end" if cx > (left + right) / 2 else "start"
        dx = -8 if anchor == "end" else 8
        body.append(_text(cx + dx, label_y, _truncate(p.label, 30), anchor=anchor, size=11))
    return _svg(width, height, body, title or f"{y_label} against {x_label}")


# --------------------------------------------------------------------------------------
# Timeline
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A bar on a timeline row from ``start`` to ``end`` seconds."""

    row: str
    start: float
    end: float
    color: str
    tooltip: str
    outcome: str | None = None  # "killed" | "missed": the marker drawn at the end
    label: str | None = None


@dataclass(frozen=True)
class Mark:
    """A point event on a timeline row (for example a threat reaching its target)."""

    row: str
    time: float
    color: str
    tooltip: str


def timeline_chart(
    rows: Sequence[str],
    spans: Sequence[Span],
    marks: Sequence[Mark] = (),
    *,
    x_label: str = "time from first launch (s)",
    label_width: float = 130.0,
    width: float = 1000.0,
    title: str = "",
) -> str:
    """Bars per row along a time axis, each ending in a killed (●) or missed (✕) marker.

    Overlapping spans of one row are stacked in lanes so none hides another.
    """
    if not rows:
        return ""
    times = [t for s in spans for t in (s.start, s.end)] + [m.time for m in marks]
    ticks = nice_ticks(0.0, max(times) if times else 1.0, 8)
    lane_h = 11.0
    # Assign lanes: greedy, per row, in start order.
    lanes: dict[int, int] = {}
    row_lanes: dict[str, int] = {r: 1 for r in rows}
    ends: dict[str, list[float]] = {r: [] for r in rows}
    order = sorted(range(len(spans)), key=lambda k: spans[k].start)
    for k in order:
        s = spans[k]
        lane_ends = ends.setdefault(s.row, [])
        for lane, end in enumerate(lane_ends):
            if s.start >= end + 2.0:
                lane_ends[lane] = s.end
                lanes[k] = lane
                break
        else:
            lane_ends.append(s.end)
            lanes[k] = len(lane_ends) - 1
        row_lanes[s.row] = max(row_lanes.get(s.row, 1), len(lane_ends))
    row_top: dict[str, float] = {}
    y = 8.0
    for r in rows:
        row_top[r] = y
        y += row_lanes[r] * lane_h + 10.0
    plot_bottom = y
    height = plot_bottom + 44.0
    left, right = label_width, width - 20.0

    def x(t: float) -> float:
        return left + t / ticks[-1] * (right - left)

    body: list[str] = []
    for t in ticks:
        body.append(
            f'<line x1="{num(x(t))}" y1="8" x2="{num(x(t))}" y2="{num(plot_bottom)}"'
            f' stroke="{GRID}"/>'
            + _text(x(t), plot_bottom + 14, fmt_number(t), anchor="middle", fill=MUTED, size=11)
        )
    body.append(_text((left + right) / 2, plot_bottom + 34, x_label, anchor="middle"))
    for i, r in enumerate(rows):
        top = row_top[r]
        h = row_lanes[r] * lane_h + 4
        if i % 2 == 0:
            body.append(
                f'<rect x="{num(left)}" y="{num(top - 3)}" width="{num(right - left)}"'
                f' height="{num(h + 2)}" fill="#f6f6f6"/>'
            )
        body.append(
            _text(left - 8, top + h / 2 - 1, _truncate(r, int(label_width / 6.6)), anchor="end")
        )
    for k, s in enumerate(spans):
        span_top = row_top.get(s.row)
        if span_top is None:
            continue
        cy = span_top + lanes[k] * lane_h + lane_h / 2
        x0, x1 = x(s.start), x(s.end)
        marker = ""
        if s.outcome == "killed":
            marker = f'<circle cx="{num(x1)}" cy="{num(cy)}" r="3.6" fill="{s.color}"/>'
        elif s.outcome == "missed":
            d = 3.4
            marker = (
                f'<path d="M{num(x1 - d)} {num(cy - d)}L{num(x1 + d)} {num(cy + d)}'
                f'M{num(x1 - d)} {num(cy + d)}L{num(x1 + d)} {num(cy - d)}" stroke="#b00020"'
                f' stroke-width="2"/>'
            )
        body.append(
            f"<g><title>{esc(s.tooltip)}</title>"
            f'<rect x="{num(x0)}" y="{num(cy - 3)}" width="{num(max(x1 - x0, 1))}" height="6"'
            f' rx="2" fill="{s.color}" fill-opacity="0.75"/>{marker}</g>'
        )
    for m in marks:
        mark_top = row_top.get(m.row)
        if mark_top is None:
            continue
        cx = x(m.time)
        body.append(
            f"<g><title>{esc(m.tooltip)}</title>"
            f'<path d="M{num(cx)} {num(top + 10)}l5 -9h-10z" fill="{m.color}"/></g>'
        )
    return _svg(width, height, body, title or x_label)


# --------------------------------------------------------------------------------------
# A Pareto front over the points it was chosen from
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dot:
    """One point of a scatter: x, y with its 95 % interval, on the front or not, and the
    text its hover shows."""

    x: float
    y: float
    low: float
    high: float
    front: bool
    tip: str
    label: str = ""


def front_chart(
    dots: Sequence[Dot],
    *,
    x_label: str,
    y_label: str,
    x_fmt: Formatter = fmt_number,
    y_fmt: Formatter = fmt_number,
    width: float = WIDTH,
    height: float = 320.0,
    title: str = "",
) -> str:
    """Every point in grey, the front's points in colour joined in x order, each with its
    95 % interval as a vertical bar and its text in a ``<title>`` hover."""
    if not dots:
        return ""
    xs = [d.x for d in dots]
    ys = [v for d in dots for v in (d.low, d.high, d.y) if math.isfinite(v)]
    x_ticks = nice_ticks(min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1, 6)
    y_ticks = nice_ticks(min(ys), max(ys) if max(ys) > min(ys) else min(ys) + 1, 5)
    left, right, top, bottom = 76.0, width - 16.0, 12.0, height - 46.0
    px, py, body = _xy_frame(
        x_ticks, y_ticks, (left, right, top, bottom), height, x_fmt, y_fmt, x_label, y_label
    )
    front = sorted((d for d in dots if d.front), key=lambda d: d.x)
    if len(front) > 1:
        steps = [f"{num(px(front[0].x))} {num(py(front[0].y))}"]
        for prev, d in zip(front, front[1:], strict=False):
            steps.append(f"{num(px(d.x))} {num(py(prev.y))}")
            steps.append(f"{num(px(d.x))} {num(py(d.y))}")
        body.append(
            f'<path class="front" d="M{"L".join(steps)}" stroke="#1f77b4" stroke-width="1.5"'
            ' fill="none"/>'
        )
    # front points that fall on the same spot (tied architectures) share one label
    labels: dict[tuple[float, float], list[str]] = {}
    for d in sorted(dots, key=lambda d: d.front):  # the front drawn last, on top
        color = "#1f77b4" if d.front else "#b0b0b0"
        body.append(
            f'<line x1="{num(px(d.x))}" y1="{num(py(d.low))}" x2="{num(px(d.x))}"'
            f' y2="{num(py(d.high))}" stroke="{color}" stroke-width="1"/>'
            f'<circle class="{"front-point" if d.front else "point"}" cx="{num(px(d.x))}"'
            f' cy="{num(py(d.y))}" r="{4 if d.front else 2.5}" fill="{color}">'
            f"<title>{esc(d.tip)}</title></circle>"
        )
        if d.front and d.label:
            labels.setdefault((round(px(d.x), 1), round(py(d.y), 1)), []).append(d.label)
    for (x, y), names in labels.items():
        body.append(_text(x + 6, y - 8, ", ".join(names), size=10, fill=INK))
    return _svg(width, height, body, title or y_label)
