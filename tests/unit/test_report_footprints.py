"""The report's map draws defended footprints in a layer of their own, with its switch."""

from __future__ import annotations

from hoplon import api
from hoplon.analysis.footprint import raid_footprints
from hoplon.present.html.render import report_html


def test_footprint_layer_drawn_only_when_given(repo_root):
    scenario = api.load(repo_root / "examples" / "japan-layered-bmd.yaml")
    result = scenario.run(trials=200, workers=1)
    footprints = [fp.to_dict() for fp in raid_footprints(scenario.loaded, grid_km=100.0)]
    # One per distinct (threat type, launch point): the MRBMs share theirs.
    assert [(f["threat"]["type"], f["threat"]["from"]) for f in footprints] == [
        ("notional MRBM", [40.0, 127.5]),
        ("notional SRBM", [38.5, 126.5]),
    ]
    html = report_html(result, footprints=footprints)
    assert html.count('class="footprint"') == 2
    assert 'data-layer="footprints"' in html and 'data-toggle="footprints"' in html
    assert "defended footprint against notional MRBM" in html
    plain = report_html(result)
    assert 'class="footprint"' not in plain and 'data-toggle="footprints"' not in plain
