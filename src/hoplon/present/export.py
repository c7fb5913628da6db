"""GIS renderers of a feature collection (``hoplon export``): GeoJSON, KML and CSV.

They take :meth:`hoplon.analysis.geography.Geography.to_dict` (a GeoJSON
FeatureCollection in longitude-latitude, exterior rings counter-clockwise, split at the
antimeridian) and return text. GeoJSON follows RFC 7946 (coordinates rounded to 1e-6
degree, about 0.1 m); KML is written with simplekml, one Placemark per feature, the
properties as ExtendedData; CSV has one row per feature with its geometry as WKT.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import shapely
import simplekml

FORMATS = ("geojson", "kml", "csv")
_DIGITS = 6


def _round(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(float(coords), _DIGITS)
    return [_round(c) for c in coords]


def _rounded_geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}


def render_geojson(doc: dict[str, Any]) -> str:
    """An RFC 7946 FeatureCollection."""
    out = {
        "type": "FeatureCollection",
        "name": doc.get("name"),
        "features": [
            {"type": "Feature", "geometry": _rounded_geometry(f["geometry"]),
             "properties": f["properties"]}
            for f in doc["features"]
        ],
    }  # fmt: skip
    return json.dumps(out, ensure_ascii=False, allow_nan=False, indent=1) + "\n"


_COLOURS = {
    "asset": "ff0000ff", "unit": "ffff0000", "sensor": "ff00a5ff",
    "coverage": "4000a5ff", "envelope": "40ff0000", "track": "ff0000ff",
}  # fmt: skip


def _kml_polygon(target: Any, rings: list[list[list[float]]]) -> Any:
    poly = target.newpolygon()
    poly.outerboundaryis = [tuple(p) for p in rings[0]]
    poly.innerboundaryis = [[tuple(p) for p in r] for r in rings[1:]]
    return poly


def render_kml(doc: dict[str, Any]) -> str:
    """A KML document with one Placemark per feature, in a folder per layer."""
    kml = simplekml.Kml(name=str(doc.get("name") or "hoplon"))
    folders: dict[str, Any] = {}
    for f in doc["features"]:
        props = f["properties"]
        layer = str(props["layer"])
        folder = folders.get(layer) or folders.setdefault(layer, kml.newfolder(name=layer))
        g = _rounded_geometry(f["geometry"])
        kind, coords = g["type"], g["coordinates"]
        name = str(props.get("id", layer))
        if kind == "Point":
            mark = folder.newpoint(name=name, coords=[tuple(coords)])
            if len(coords) == 3:  # an airborne position: at its altitude, not on the ground
                mark.altitudemode = simplekml.AltitudeMode.absolute
        elif kind == "LineString":
            mark = folder.newlinestring(name=name, coords=[tuple(p) for p in coords])
        elif kind == "Polygon":
            mark = _kml_polygon(folder, coords)
            mark.name = name
        else:  # Multi*: one Placemark holding a MultiGeometry
            mark = folder.newmultigeometry(name=name)
            for part in coords:
                if kind == "MultiPolygon":
                    _kml_polygon(mark, part)
                else:
                    mark.newlinestring(coords=[tuple(p) for p in part])
        colour = _COLOURS.get(layer, "ffffffff")
        if kind.endswith("Polygon"):
            mark.style.polystyle.color = colour
            mark.style.linestyle.color = colour[2:].rjust(8, "f")
        elif kind.endswith("LineString"):
            mark.style.linestyle.color = colour
            mark.style.linestyle.width = 2
        for key, value in props.items():
            mark.extendeddata.newdata(name=str(key), value=str(value))
    return str(kml.kml())


def render_csv(doc: dict[str, Any]) -> str:
    """One row per feature: layer, id, nation, type, the point or centroid, WKT."""
    keys: list[str] = []
    for f in doc["features"]:
        for k in f["properties"]:
            if k not in keys and k not in ("layer", "id", "nation", "type"):
                keys.append(k)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["layer", "id", "nation", "type", "lat", "lon", *keys, "wkt"])
    for f in doc["features"]:
        p = f["properties"]
        geom = shapely.geometry.shape(_rounded_geometry(f["geometry"]))
        c = geom if geom.geom_type == "Point" else geom.representative_point()
        writer.writerow([
            p["layer"], p.get("id", ""), p.get("nation", ""), p.get("type", ""),
            f"{c.y:.6f}", f"{c.x:.6f}", *(p.get(k, "") for k in keys),
            shapely.to_wkt(geom, rounding_precision=_DIGITS),
        ])  # fmt: skip
    return buf.getvalue()


def render(doc: dict[str, Any], fmt: str) -> str:
    """The collection in one of :data:`FORMATS`."""
    return {"geojson": render_geojson, "kml": render_kml, "csv": render_csv}[fmt](doc)
