"""Renderers: terminal text, economics tables and the HTML report.

They only render the records produced by ``hoplon.analysis`` and ``hoplon.results``;
none recomputes geometry, estimates or costs.
"""
