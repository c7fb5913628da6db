"""The self-contained HTML report of a run, a sweep or a comparison.

- :mod:`~hoplon.present.html.page`: templates, inline assets, charts, small helpers;
- :mod:`~hoplon.present.html.sections`: the sections of a run's report;
- :mod:`~hoplon.present.html.render`: the run report put together;
- :mod:`~hoplon.present.html.studies`: the sweep and comparison reports;
- :mod:`~hoplon.present.html.mapview`, :mod:`~hoplon.present.html.basemap`,
  :mod:`~hoplon.present.html.svg`: the map, its land, and the SVG charts.
"""

from hoplon.present.html.render import render_report
from hoplon.present.html.studies import render_compare_report, render_sweep_report

__all__ = ["render_compare_report", "render_report", "render_sweep_report"]
