"""A scenario's geography as features for GIS export (``hoplon export``, docs/footprints.md).

With ``--footprints``, the defended footprint of all the units against each raid's
threat type from its launch point is added as a ``footprint`` polygon.

Assets, units and sensors are points; each radar's coverage (its range against a 1 m²
target, over its field of regard) and each unit's interceptor envelopes (the ground-range
annulus ``[min_range, max_range]``) are geodesic polygons; each raid's track is the ground
track of the path its threats fly (:func:`hoplon.compile.raids.raid_path`). Geometry is
longitude-latitude (WGS84) with counter-clockwise exterior rings, and is split at the
antimeridian, as RFC 7946 asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyproj
import shapely
from shapely import affinity
from shapely.geometry import mapping
from shapely.geometry.polygon import orient

from hoplon.analysis.footprint import Footprint
from hoplon.compile.raids import raid_path, standoff_path
from hoplon.scenario.loader import LoadedScenario
from hoplon.scenario.schema import lat_lon_alt

GEOD = pyproj.Geod(ellps="WGS84")
#: Vertices of a full circle.
CIRCLE_VERTICES = 144
#: Most vertices of a threat track.
TRACK_VERTICES = 200
_WORLDS = (-360.0, 0.0, 360.0)


def _unwrap(lon: np.ndarray, about: float) -> np.ndarray:
    """Longitudes made continuous around ``about`` (no jump of 360 between neighbours)."""
    return np.asarray(about + (np.unwrap(np.radians(lon - about)) * 180 / np.pi), dtype=float)


def _split(geom: shapely.Geometry) -> shapely.Geometry:
    """A geometry in unwrapped longitudes cut at ±180 and shifted back into [-180, 180]."""
    lo, _, hi, _ = geom.bounds
    if lo >= -180.0 and hi <= 180.0:
        return geom
    polygonal = geom.geom_type.endswith("Polygon")
    kind = "Polygon" if polygonal else "LineString"
    parts: list[shapely.Geometry] = []
    for shift in _WORLDS:
        piece = geom.intersection(shapely.box(-180.0 + shift, -90.0, 180.0 + shift, 90.0))
        piece = affinity.translate(piece, xoff=-shift)
        parts.extend(
            g for g in getattr(piece, "geoms", [piece]) if g.geom_type == kind and not g.is_empty
        )
    return shapely.MultiPolygon(parts) if polygonal else shapely.MultiLineString(parts)


def _oriented(geom: shapely.Geometry) -> shapely.Geometry:
    if geom.geom_type == "Polygon":
        return orient(geom)
    if geom.geom_type == "MultiPolygon":
        return shapely.MultiPolygon([orient(p) for p in geom.geoms])
    return geom


def ring(
    lat: float, lon: float, radius_m: float, start_deg: float = 0.0, width_deg: float = 360.0
) -> list[tuple[float, float]]:
    """The geodesic circle (or sector, from ``start_deg`` clockwise over ``width_deg``)
    of a radius about a point, as (lon, lat) vertices in unwrapped longitudes."""
    full = width_deg >= 360.0
    n = CIRCLE_VERTICES if full else max(8, int(CIRCLE_VERTICES * width_deg / 360.0))
    az = start_deg + np.linspace(0.0, width_deg, n, endpoint=not full)
    lons, lats, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, radius_m))
    lons = _unwrap(np.asarray(lons), lon)
    pts = list(zip(lons.tolist(), np.asarray(lats).tolist(), strict=True))
    return pts if full else [(lon, lat), *pts]


def disc(
    lat: float,
    lon: float,
    outer_m: float,
    inner_m: float = 0.0,
    start_deg: float = 0.0,
    width_deg: float = 360.0,
) -> shapely.Geometry:
    """A geodesic disc, annulus or sector, oriented and split at the antimeridian."""
    poly = shapely.Polygon(ring(lat, lon, outer_m, start_deg, width_deg))
    if inner_m > 0:
        poly = poly.difference(shapely.Polygon(ring(lat, lon, inner_m)))
    return _oriented(_split(poly))


def track(lat: np.ndarray, lon: np.ndarray) -> shapely.Geometry:
    """A ground track as a LineString (a MultiLineString once split at the antimeridian)."""
    step = max(1, int(np.ceil(lat.size / TRACK_VERTICES)))
    idx = np.unique(np.append(np.arange(0, lat.size, step), lat.size - 1))
    lons = _unwrap(lon[idx], float(lon[0]))
    return _split(shapely.LineString(list(zip(lons.tolist(), lat[idx].tolist(), strict=True))))


@dataclass(frozen=True)
class Feature:
    """One exported feature: its layer, geometry (lon-lat) and properties."""

    layer: str
    geometry: shapely.Geometry
    properties: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "Feature",
            "geometry": dict(mapping(self.geometry)),
            "properties": {"layer": self.layer, **self.properties},
        }


@dataclass(frozen=True)
class Geography:
    """A scenario's features, in layer order: assets, units, sensors, coverage,
    envelopes, tracks."""

    scenario: str | None
    features: tuple[Feature, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "FeatureCollection",
            "name": self.scenario,
            "features": [f.to_dict() for f in self.features],
        }


def _point(at: tuple[float, ...]) -> shapely.Point:
    """A position as a point, with its altitude (metres) when it has one above the
    surface (an airborne radar): GeoJSON's third coordinate, KML's absolute altitude."""
    lat, lon, alt = lat_lon_alt(at)
    return shapely.Point(lon, lat, alt) if alt else shapely.Point(lon, lat)


def scenario_geography(loaded: LoadedScenario, footprints: Sequence[Footprint] = ()) -> Geography:
    """Every feature of a scenario for GIS export (see the module docstring), and the
    given defended footprints (:mod:`hoplon.analysis.footprint`) as polygons."""
    spec, cat = loaded.spec, loaded.catalog
    out: list[Feature] = []
    for a in spec.assets:
        out.append(
            Feature(
                "asset",
                _point(a.at),
                {"id": a.id, "nation": a.nation, "type": a.kind, "value": a.value},
            )
        )
    for u in spec.units:
        out.append(Feature("unit", _point(u.at), {
            "id": u.id, "nation": u.nation, "type": u.type,
            "magazine": ", ".join(f"{k} {v}" for k, v in u.magazine.items()),
        }))  # fmt: skip
    radars: list[tuple[str, str, str, tuple[float, ...], float | None]] = []
    for s in spec.sensors:
        entry = cat.sensors[s.type]
        if s.at is None:  # a space sensor watches the theatre; it has no place
            continue
        out.append(
            Feature(
                "sensor",
                _point(s.at),
                {"id": s.id, "nation": s.nation, "type": s.type, "role": entry.role},
            )
        )
        radars.append((s.id, s.nation, s.type, s.at, s.facing_deg))
    for u in spec.units:
        radar = cat.platforms[u.type].radar
        if radar != "none":
            radars.append((f"{u.id} radar", u.nation, radar, u.at, u.facing_deg))
    for rid, nation, rtype, at, facing in radars:
        entry = cat.sensors[rtype]
        lat, lon, _ = lat_lon_alt(at)
        width = entry.field_of_regard_deg if facing is not None else 360.0
        start = (facing or 0.0) - width / 2
        out.append(Feature("coverage", disc(lat, lon, entry.range_m, 0.0, start, width), {
            "id": rid, "nation": nation, "type": rtype, "role": entry.role,
            "range_km": entry.range_m / 1000, "field_of_regard_deg": width,
            "note": "detection range against a 1 m² target; the horizon and the target's RCS shorten it",
        }))  # fmt: skip
    for u in spec.units:
        lat, lon, _ = lat_lon_alt(u.at)
        for name in u.magazine:
            e = cat.interceptors[name]
            out.append(Feature("envelope", disc(lat, lon, e.max_range_m, e.min_range_m), {
                "id": f"{u.id} {name}", "unit": u.id, "nation": u.nation, "type": name,
                "min_range_km": e.min_range_m / 1000, "max_range_km": e.max_range_m / 1000,
                "min_alt_km": e.min_alt_m / 1000, "max_alt_km": e.max_alt_m / 1000,
            }))  # fmt: skip
    for _, raid in spec.raid_entries():
        path = raid_path(loaded, raid)
        threat = cat.threats[raid.type]
        out.append(Feature("track", track(path.lat, path.lon), {
            "id": raid.id, "nation": raid.nation or "", "type": raid.type,
            "class": threat.threat_class, "target": raid.target, "count": raid.count,
            "apogee_km": round(path.apogee_m / 1000, 1),
            "flight_time_s": round(path.flight_time_s, 1),
        }))  # fmt: skip
        if raid.standoff is not None:  # its missiles' track, from the release point
            so = raid.standoff
            m = standoff_path(loaded, raid, path)
            out.append(Feature("track", track(m.lat, m.lon), {
                "id": f"{raid.id} missiles", "nation": raid.nation or "", "type": so.missile,
                "class": cat.threats[so.missile].threat_class, "target": raid.target,
                "count": raid.count * so.count, "apogee_km": round(m.apogee_m / 1000, 1),
                "flight_time_s": round(m.flight_time_s, 1),
            }))  # fmt: skip
    for fp in footprints:
        geom = shapely.geometry.shape(fp.outline())
        if geom.is_empty:
            continue
        lat, lon = fp.launch
        out.append(Feature("footprint", _oriented(_split(geom)), {
            "id": f"{fp.threat} from {lat:g},{lon:g}", "nation": "", "type": fp.threat,
            "class": fp.threat_class, "from": f"{lat:g},{lon:g}",
            "area_km2": round(fp.area_km2, 1), "grid_km": fp.grid_km,
            "units": ", ".join(u.id for u in fp.units),
        }))  # fmt: skip
    return Geography(spec.name, tuple(out))
