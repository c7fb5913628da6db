"""The report's map draws defended footprints in a layer of their own, with its switch."""

from __future__ import annotations

from hoplon import api
from hoplon.analysis.footprint import raid_footprints
from hoplon.present.html.render import report_html


def test_footprint_layer_drawn_only_when_given(repo_root):
    scenario = api.load(repo_root / "examples" / "japan-layered-bmd.yaml")
    result = scenario.run(trials=200, workers=1)
    said: list[tuple[int, int, str]] = []
    found = raid_footprints(scenario.loaded, grid_km=100.0, progress=lambda *a: said.append(a))
    footprints = [fp.to_dict() for fp in found]
    # progress before each one, for the report's line per footprint
    assert said == [
        (1, 2, "notional MRBM from 40.00, 127.50"),
        (2, 2, "notional SRBM from 38.50, 126.50"),
    ]
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


def test_the_map_frames_the_footprints_it_draws(repo_root):
    """A footprint reaching beyond the units, assets and threat tracks is drawn whole:
    the map's frame is widened to hold it."""
    from hoplon.present.html.mapview import scenario_map

    scenario = api.load(repo_root / "examples" / "japan-layered-bmd.yaml")
    plain = scenario_map(scenario.loaded)
    assert plain is not None
    lon0, lat0, lon1, lat1 = plain.bounds
    # a square footprint east of everything in the scenario
    east = lon1 + 5.0
    ring = [[east, 30.0], [east + 2.0, 30.0], [east + 2.0, 32.0], [east, 32.0], [east, 30.0]]
    doc = {
        "outline": {"type": "Polygon", "coordinates": [ring]},
        "threat": {"type": "notional MRBM", "from": [40.0, 127.5]},
        "area_km2": 40_000.0,
        "grid": {"step_km": 50.0},
    }
    framed = scenario_map(scenario.loaded, [doc])
    assert framed is not None
    f_lon0, f_lat0, f_lon1, f_lat1 = framed.bounds
    assert f_lon1 >= east + 2.0 and f_lat0 <= 30.0 <= 32.0 <= f_lat1
    assert 'class="footprint"' in framed.svg
