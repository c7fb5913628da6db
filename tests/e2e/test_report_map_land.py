"""The report map fills land and sea where they are, in every part of the world.

Each region's scenario is rendered with :func:`hoplon.present.html.mapview.scenario_map`;
the land path of the SVG is parsed back into polygons and points of known geography
(inland towns, open sea) are projected with the map's own frame and tested with the
non-zero winding rule, which is how SVG fills a path by default. The points are chosen
at least 25 km from any coast of the shipped Natural Earth 1:50m land, so the
simplification of the outline to the pixel cannot move a coast over them.

Regression: a theatre in the Norwegian Sea (68-70°N, 4-15°E) was drawn with
everything south of about 69°N filled as land, under a straight edge: the Eurasia
ring crosses the 180th meridian at Chukotka and its step from +180° to -180° was drawn
as a line across the map. The Bering Sea region draws a frame across that meridian.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from hoplon.present.html.mapview import Frame, scenario_map
from hoplon.scenario import load_scenario

# name: (frame corners (south-west, north-east) as [lat, lon], land points, sea points)
REGIONS: dict[
    str,
    tuple[tuple[list[float], list[float]], list[tuple[float, float]], list[tuple[float, float]]],
] = {
    "Norwegian Sea": (
        ([67.6, 4.0], [70.0, 18.6]),
        [(68.0, 18.5)],
        [(69.0, 6.0), (68.0, 9.0), (68.5, 11.0), (69.5, 8.0), (70.0, 12.0), (68.8, 13.0)],
    ),
    "Baltic Sea": (
        ([54.8, 15.0], [58.6, 25.0]),
        [(57.5, 15.0), (56.5, 25.0), (55.0, 23.0)],
        [(56.0, 18.5), (58.5, 20.0)],
    ),
    "Sea of Japan": (
        ([35.0, 127.0], [43.5, 142.5]),
        [(36.2, 138.2), (40.0, 127.0), (43.5, 142.5)],
        [(40.0, 134.0), (38.0, 132.0)],
    ),
    "Mediterranean": (
        ([31.0, 12.5], [40.5, 18.0]),
        [(37.5, 14.2), (31.0, 13.0), (40.5, 16.0)],
        [(35.0, 17.0), (39.0, 12.5), (34.0, 18.0)],
    ),
    "South China Sea": (
        ([12.0, 108.0], [19.2, 121.0]),
        [(19.2, 109.7), (15.5, 121.0), (14.0, 108.0)],
        [(15.0, 115.0), (12.0, 113.0), (18.0, 116.0)],
    ),
    "Gulf of Alaska": (
        ([57.0, -147.0], [62.0, -135.0]),
        [(62.0, -147.0), (60.0, -135.0)],
        [(57.0, -145.0), (58.5, -140.0)],
    ),
    "Bering Sea, across the 180th meridian": (
        ([60.0, 178.0], [67.5, -168.0]),
        [(67.0, 179.0), (66.0, -175.0), (67.5, 178.0)],
        [(60.0, -178.0), (62.0, -172.0), (64.5, -168.0)],
    ),
    "Ross Sea (Antarctica, closed at the pole)": (
        ([-80.0, 160.0], [-74.0, -170.0]),
        [(-79.0, 158.0), (-78.0, 162.0)],
        [(-77.0, 170.0), (-74.0, 178.0)],
    ),
}

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def region_scenario(folder: Path, south_west: list[float], north_east: list[float]) -> Path:
    """A scenario whose map frames the two corners: a ship at each, a destroyer on
    the first, and one ballistic missile from the second to the first. (A corner may
    be at sea, far from land, where a land unit is refused: the shooter is a ship.)"""
    doc = {
        "hoplon": 1,
        "name": "map region",
        "trials": 10,
        "nations": {"USA": {"name": "United States"}},
        "assets": [
            {"id": "corner-sw", "nation": "USA", "kind": "ship", "at": south_west, "value": 1},
            {"id": "corner-ne", "nation": "USA", "kind": "ship", "at": north_east, "value": 1},
        ],
        "units": [
            {
                "id": "destroyer",
                "nation": "USA",
                "type": "Aegis BMD destroyer",
                "at": south_west,
                "magazine": {"SM-3 Block IIA": 4},
            }
        ],
        "threats": [
            {
                "id": "missile",
                "type": "notional IRBM",
                "from": north_east,
                "target": "corner-sw",
                "count": 1,
            }
        ],
    }
    path = folder / "region.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def land_polygons(svg: str) -> list[np.ndarray]:
    """The subpaths of the map's land path, each an ``(n, 2)`` array of map units."""
    match = re.search(r'<path class="land" d="([^"]*)"', svg)
    assert match is not None, "the map has no land path"
    polygons = []
    for piece in match.group(1).split("M")[1:]:
        values = [float(v) for v in _NUMBER.findall(piece)]
        polygons.append(np.asarray(values).reshape(-1, 2))
    return polygons


def winding(x: float, y: float, polygons: list[np.ndarray]) -> int:
    """Winding number of the path around (x, y): non-zero means SVG fills it."""
    total = 0
    for poly in polygons:
        x0, y0 = poly[:, 0], poly[:, 1]
        x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
        cross = (x1 - x0) * (y - y0) - (x - x0) * (y1 - y0)
        up = (y0 <= y) & (y1 > y) & (cross > 0)
        down = (y0 > y) & (y1 <= y) & (cross < 0)
        total += int(up.sum()) - int(down.sum())
    return total


@pytest.mark.parametrize("region", list(REGIONS))
def test_map_fills_land_and_leaves_sea(region: str, tmp_path: Path) -> None:
    (south_west, north_east), land, sea = REGIONS[region]
    drawn = scenario_map(load_scenario(region_scenario(tmp_path, south_west, north_east)))
    assert drawn is not None
    frame = Frame(*drawn.bounds)
    polygons = land_polygons(drawn.svg)
    assert polygons, f"{region}: no land drawn"
    wrong = []
    for lat, lon in land + sea:
        x, y = frame.point([lat, lon])
        assert 0 <= x <= frame.width and 0 <= y <= frame.height, (region, lat, lon)
        filled = winding(x, y, polygons) != 0
        if filled != ((lat, lon) in land):
            wrong.append(f"{lat}, {lon} drawn as {'land' if filled else 'sea'}")
    assert wrong == [], f"{region}: {wrong}"
