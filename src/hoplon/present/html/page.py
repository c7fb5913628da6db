"""The report's page: templates, inline assets, charts, and the small helpers every report uses.

Everything the page needs is inline: the stylesheet, a few lines of script (map layer
switches), the map and every chart as SVG drawn here in Python. Nothing is fetched
when the file is opened: no CDN, no web fonts, no map tiles. All text from a scenario
goes through Jinja's autoescaping (HTML) or :func:`hoplon.present.html.svg.esc` (SVG).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from hoplon._version import __version__
from hoplon.present.html import svg
from hoplon.present.text import bounds, metric_card
from hoplon.results.contract import REPORTED

if TYPE_CHECKING:  # pragma: no cover
    pass


#: Headline metrics: key, label, formatter, whether it is a share.
HEADLINE: tuple[tuple[str, str, svg.Formatter], ...] = tuple(
    (key, *metric_card(key)) for key in REPORTED
)

SCRIPT = """
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


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("hoplon.present.html", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def asset_text(name: str) -> str:
    return (resources.files("hoplon.present.html") / "assets" / name).read_text(encoding="utf-8")


def page(template: str, **context: Any) -> str:
    base: dict[str, Any] = {
        "version": __version__,
        "css": Markup(asset_text("report.css")),
        "script": "",
        "toc": [],
        "map_source": None,
        "kicker": "Hoplon report",
    }
    base.update(context)
    return environment().get_template(template).render(**base)


def write_html(html: str, path: str | Path | None) -> str:
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


def make_chart(
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


def interval_text(low: float | None, high: float | None, fmt: svg.Formatter) -> str:
    if low is None or high is None:
        return ""
    return "95% CI " + bounds(low, high, fmt, dash=True)


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def doctrine_text(doctrine: Any) -> str:
    sls = (
        f"shoot-look-shoot ({doctrine.assessment_s:g} s to assess a kill)"
        if doctrine.shoot_look_shoot
        else "no shoot-look-shoot"
    )
    from hoplon.core.engine import doctrine_line

    what = doctrine_line(doctrine.assignment, doctrine.layered, doctrine.reserve)
    return (
        f"{doctrine.shots_per_engagement} interceptor(s) per engagement; {sls};"
        f" assignment: {doctrine.assignment}{', layered' if doctrine.layered else ''}. {what}"
    )
