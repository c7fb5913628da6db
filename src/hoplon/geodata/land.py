"""Land polygons decoded from the shipped Natural Earth TopoJSON, and point queries on them.

The data file is ``data/land-50m.json`` from the npm package ``world-atlas``
(Natural Earth 1:50m land, public domain; see ``data/README.md``). TopoJSON stores
shared polygon edges ("arcs") once, quantised to integers and delta-encoded; a ring
is a list of arc indices, ``~i`` meaning arc ``i`` reversed.

Two uses: the report draws the rings (:func:`land_rings`), and the scenario checks ask
whether a position is on land (:func:`on_land`) or has land within a distance
(:func:`land_within_km`). Both queries are vectorised over positions with shapely's
prepared geometries, so a scenario of thousands of units is checked in milliseconds.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: The land data file inside ``hoplon/geodata/data``.
LAND_FILE = "land-50m.json"
#: Where the coastlines come from, for the report's footer and the checks' messages.
LAND_SOURCE = "Natural Earth 1:50m land (public domain), via the world-atlas package 2.0.2"

_GEOD = Geod(ellps="WGS84")
#: Vertices of the geodesic circle of :func:`land_within_km`.
_CIRCLE_VERTICES = 72


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


def _polygons(topology: dict[str, Any], name: str) -> list[list[FloatArray]]:
    """Each polygon of one object of a topology as its rings (outer first, then holes)."""
    arcs = decode_arcs(topology)
    polygons: list[list[FloatArray]] = []

    def add(geometry: dict[str, Any]) -> None:
        kind = geometry.get("type")
        if kind == "GeometryCollection":
            for child in geometry.get("geometries", []):
                add(child)
        elif kind == "Polygon":
            polygons.append([ring_points(arcs, ring) for ring in geometry["arcs"]])
        elif kind == "MultiPolygon":
            for polygon in geometry["arcs"]:
                polygons.append([ring_points(arcs, ring) for ring in polygon])

    add(topology["objects"][name])
    return polygons


def topology_rings(topology: dict[str, Any], name: str) -> list[FloatArray]:
    """All polygon rings (outer and holes) of one object of a topology.

    Args:
        topology: the parsed TopoJSON document.
        name: the object under ``objects`` (``"land"`` for ``world-atlas``).

    Returns:
        One ``(n, 2)`` lon/lat array per ring, in degrees.
    """
    rings = [ring for polygon in _polygons(topology, name) for ring in polygon]
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
    lon = points[:, 0]
    if lon.size > 1 and float(np.abs(np.diff(lon)).max()) > 180.0:
        lon = np.unwrap(lon, period=360.0)  # only rings that cross the 180th meridian
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
def _topology() -> dict[str, Any]:
    text = (resources.files("hoplon.geodata") / "data" / LAND_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def land_rings() -> tuple[FloatArray, ...]:
    """The shipped land polygons' rings, lon/lat degrees (decoded once per process).

    Each ring is continuous in longitude (see :func:`continuous_ring`), so a ring
    may reach past ±180°; a map shifts it by whole turns to bring it over its frame.
    """
    return tuple(continuous_ring(r) for r in topology_rings(_topology(), "land"))


@lru_cache(maxsize=1)
def land_polygons() -> shapely.Geometry:
    """All land as one prepared shapely geometry in lon/lat degrees (built once).

    Each polygon's rings are made continuous in longitude like :func:`land_rings`, so
    the geometry lies within [-180°, 540°): a position is looked up at its longitude
    in [-180°, 180°) and a whole turn east of it.
    """
    parts: list[shapely.Polygon] = []
    for rings in _polygons(_topology(), "land"):
        rings = [continuous_ring(r) for r in rings if r.shape[0] >= 3]
        if not rings:
            continue
        polygon = shapely.Polygon(rings[0], holes=rings[1:])
        if not polygon.is_valid:
            # Antarctica, closed through the pole, touches itself there; a sliver of
            # four points in the Kara Sea has no area. Only those are repaired.
            repaired = shapely.make_valid(polygon)
            parts.extend(g for g in shapely.get_parts(repaired) if isinstance(g, shapely.Polygon))
            continue
        parts.append(polygon)
    land = shapely.MultiPolygon(parts)
    shapely.prepare(land)
    return land


def _positions(lat: ArrayLike, lon: ArrayLike) -> tuple[FloatArray, FloatArray]:
    la = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    lo = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    lo = (lo + 180.0) % 360.0 - 180.0
    return la, lo


def on_land(lat: ArrayLike, lon: ArrayLike) -> BoolArray:
    """Whether each position (degrees) lies on the shipped land polygons.

    Vectorised: one prepared point-in-polygon test per position and longitude copy.
    """
    la, lo = _positions(lat, lon)
    land = land_polygons()
    hit: BoolArray = shapely.contains_xy(land, lo, la) | shapely.contains_xy(land, lo + 360.0, la)
    return hit


def _discs(la: FloatArray, lo: FloatArray, km: float) -> FloatArray:
    """Geodesic circles of radius ``km`` round each position, ``(n, 72, 2)`` lon/lat,
    continuous in longitude round their centre (across the 180th meridian)."""
    n = la.size
    az = np.linspace(0.0, 360.0, _CIRCLE_VERTICES, endpoint=False)
    lon0 = np.repeat(lo, az.size)
    lat0 = np.repeat(la, az.size)
    clon, clat, _ = _GEOD.fwd(lon0, lat0, np.tile(az, n), np.full(lon0.size, km * 1000.0))
    clon = np.asarray(clon).reshape(n, az.size)
    clat = np.asarray(clat).reshape(n, az.size)
    clon = lo[:, None] + (clon - lo[:, None] + 180.0) % 360.0 - 180.0
    coords: FloatArray = np.stack([clon, clat], axis=2)
    return coords


def land_within_km(lat: ArrayLike, lon: ArrayLike, km: float) -> BoolArray:
    """Whether the shipped land comes within ``km`` kilometres of each position.

    The disc of radius ``km`` round a position is a geodesic circle on the WGS84
    ellipsoid of 72 vertices (its edges cut inside the true circle by at most
    ``km × (1 − cos 2.5°)``, 0.1 % of the radius); land within it counts. The
    discs are tested against the prepared land in one vectorised call.
    """
    la, lo = _positions(lat, lon)
    if la.size == 0:
        return np.zeros(0, dtype=bool)
    coords = _discs(la, lo, km)
    land = land_polygons()
    hit = on_land(la, lo)
    for shift in (-360.0, 0.0, 360.0):
        hit |= shapely.intersects(land, shapely.polygons(coords + np.array([shift, 0.0])))
    return hit


def inland_beyond_km(lat: ArrayLike, lon: ArrayLike, km: float) -> BoolArray:
    """Whether each position is on land with no sea within ``km`` kilometres.

    True where the whole geodesic disc of radius ``km`` (as in :func:`land_within_km`)
    lies on the shipped land: a position on land but nearer the coast than ``km``
    (a harbour the 1:50m coastline puts ashore) is False.
    """
    la, lo = _positions(lat, lon)
    if la.size == 0:
        return np.zeros(0, dtype=bool)
    coords = _discs(la, lo, km)
    land = land_polygons()
    inside = np.zeros(la.size, dtype=bool)
    for shift in (-360.0, 0.0, 360.0):
        inside |= shapely.covers(land, shapely.polygons(coords + np.array([shift, 0.0])))
    result: BoolArray = inside & on_land(la, lo)
    return result
