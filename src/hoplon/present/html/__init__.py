"""Presentation of results: the self-contained HTML report."""

from hoplon.present.html.render import (
    render_compare_report,
    render_report,
    render_sweep_report,
)

__all__ = ["render_compare_report", "render_report", "render_sweep_report"]
