"""Land polygons for the report's map, decoded from the shipped Natural Earth TopoJSON.

The data file is ``assets/land-50m.json`` from the npm package ``world-atlas``
(Natural Earth 1:50m land, public domain; see ``assets/README.md``). TopoJSON stores
shared polygon edges ("arcs") once, quantised to integers and delta-encoded; a ring
is a list of arc indices, ``~i`` meaning arc ``i`` reversed.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: The land data file inside ``hoplon/present/html/assets``.
LAND_FILE = "land-50m.json"
#: Where the coastlines come from, for the report's footer.
LAND_SOURCE = "Natural Earth 1:50m land (public domain), via the world-atlas package 2.0.2"


def decode_arcs(topology: dict[str, Any]) -> list[FloatArray]:
    """Every arc of a TopoJSON topology as an ``(n, 2)`` array of lon/lat degrees.

    Quantised topologies (with a ``transform``) store each arc's first point and then
    differences; unquantised ones store absolute positions.
    """
    transform = topology.get("transform")
    arcs: list[FloatArray] = []
    for raw in topology["arcs"]:
        points = np.asarray(raw, dtype=np.float64).reshape(-1, 2)
        if transform is not None:
            points = np.cumsum(points, axis=0)
            points = points * np.asarray(transform["scale"]) + np.asarray(transform["translate"])
        arcs.append(points)
    return arcs


def ring_points(arcs: list[FloatArray], indices: list[int]) -> FloatArray:
    """The closed ring made of the given arcs, ``(n, 2)`` lon/lat degrees.

    Consecutive arcs share their joining point, which is kept once.
    """
    parts: list[FloatArray] = []
    for k, index in enumerate(indices):
        arc = arcs[~index][::-1] if index < 0 else arcs[index]
        parts.append(arc if k == 0 else arc[1:])
    if not parts:
        return np.zeros((0, 2))
    return np.concatenate(parts, axis=0)


def topology_rings(topology: dict[str, Any], name: str) -> list[FloatArray]:
    """All polygon rings (outer and holes) of one object of a topology.

    Args:
        topology: the parsed TopoJSON document.
        name: the object under ``objects`` (``"land"`` for ``world-atlas``).

    Returns:
        One ``(n, 2)`` lon/lat array per ring, in degrees.
    """
    arcs = decode_arcs(topology)
    rings: list[FloatArray] = []

    def add(geometry: dict[str, Any]) -> None:
        kind = geometry.get("type")
        if kind == "GeometryCollection":
            for child in geometry.get("geometries", []):
                add(child)
        elif kind == "Polygon":
            rings.extend(ring_points(arcs, ring) for ring in geometry["arcs"])
        elif kind == "MultiPolygon":
            for polygon in geometry["arcs"]:
                rings.extend(ring_points(arcs, ring) for ring in polygon)

    add(topology["objects"][name])
    return [r for r in rings if r.shape[0] >= 3]


def continuous_ring(points: FloatArray) -> FloatArray:
    """A ring with no jump of a whole turn in longitude, closed through a pole if it
    goes round one.

    Natural Earth cuts polygons at the 180th meridian, and TopoJSON stitches them
    back: a ring that crosses it (Eurasia at Chukotka, Wrangel Island, Fiji) steps
    from +180° to -180°. Drawn as it is, that step is a straight edge across the
    whole map, and everything on one side of it fills as land. Here each such step
    is undone (longitudes may then run past ±180°). A ring that goes right round a
    pole (Antarctica) ends a whole turn from where it began; it is closed along the
    frame's edge at that pole so that it fills the land side.

    Args:
        points: ``(n, 2)`` lon/lat ring in degrees.

    Returns:
        The same ring, ``(m, 2)``, continuous in longitude, its westernmost point
        in [-180°, 180°).
    """
    lon = np.unwrap(points[:, 0], period=360.0)
    lat = points[:, 1]
    if abs(lon[-1] - lon[0]) >= 180.0:
        pole = -90.0 if lat.mean() < 0 else 90.0
        lon = np.concatenate([lon, [lon[-1], lon[0]]])
        lat = np.concatenate([lat, [pole, pole]])
    # Whole turns so that the ring starts east of -180°: rings then lie within
    # [-180°, 540°), and a frame finds its copy a turn either way.
    lon = lon - 360.0 * math.floor((lon.min() + 180.0) / 360.0)
    return np.column_stack([lon, lat])


@lru_cache(maxsize=1)
def land_rings() -> tuple[FloatArray, ...]:
    """The shipped land polygons' rings, lon/lat degrees (decoded once per process).

    Each ring is continuous in longitude (see :func:`continuous_ring`), so a ring
    may reach past ±180°; a map shifts it by whole turns to bring it over its frame.
    """
    text = (resources.files("hoplon.present.html") / "assets" / LAND_FILE).read_text(
        encoding="utf-8"
    )
    return tuple(continuous_ring(r) for r in topology_rings(json.loads(text), "land"))


def clip_ring(points: FloatArray, x0: float, y0: float, x1: float, y1: float) -> FloatArray:
    """Clip a closed polygon ring to a rectangle (Sutherland-Hodgman).

    The result is a single ring; where a polygon leaves and re-enters the rectangle
    the clipped ring runs along the rectangle's edge, which fills correctly.

    Args:
        points: ``(n, 2)`` ring (x, y) in any units.
        x0, y0, x1, y1: the rectangle, ``x0 < x1`` and ``y0 < y1``, same units.
    """
    out = points
    for axis, bound, keep_above in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        if out.shape[0] == 0:
            break
        value = out[:, axis]
        inside = value >= bound if keep_above else value <= bound
        if inside.all():
            continue
        if not inside.any():
            return np.zeros((0, 2))
        prev = np.roll(out, 1, axis=0)
        prev_inside = np.roll(inside, 1)
        crossing = inside != prev_inside
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = (bound - prev[:, axis]) / (value - prev[:, axis])
        cross_pts = prev + (out - prev) * np.where(crossing, frac, 0.0)[:, None]
        cross_pts[:, axis] = np.where(crossing, bound, cross_pts[:, axis])
        # Each edge contributes its crossing point (if it crosses), then its end point
        # (if inside), in that order.
        candidates = np.stack([cross_pts, out], axis=1).reshape(-1, 2)
        keep = np.stack([crossing, inside], axis=1).reshape(-1)
        out = candidates[keep]
    return out
