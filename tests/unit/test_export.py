"""``hoplon export``: GeoJSON valid per RFC 7946, KML with one Placemark per feature, CSV."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from hoplon.analysis.geography import disc, scenario_geography, track
from hoplon.present.export import render_csv, render_geojson, render_kml
from hoplon.scenario import load_scenario

KML_NS = {"k": "http://www.opengis.net/kml/2.2"}
GEOMETRY_TYPES = {"Point", "LineString", "Polygon", "MultiPolygon", "MultiLineString"}


def _positions(coords):
    if isinstance(coords[0], (int, float)):
        yield coords
    else:
        for c in coords:
            yield from _positions(c)


def check_rfc7946(doc: dict) -> None:
    """The structure RFC 7946 asks for, and its geometry rules (checked with shapely)."""
    assert doc["type"] == "FeatureCollection" and isinstance(doc["features"], list)
    for f in doc["features"]:
        assert set(f) == {"type", "geometry", "properties"} and f["type"] == "Feature"
        assert isinstance(f["properties"], dict)
        g = f["geometry"]
        assert set(g) == {"type", "coordinates"} and g["type"] in GEOMETRY_TYPES
        for pos in _positions(g["coordinates"]):
            assert len(pos) in (2, 3)
            lon, lat = pos[0], pos[1]  # RFC 7946 §3.1.1: longitude first
            assert -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0
        geom = shape(g)
        assert geom.is_valid, (f["properties"], shapely.is_valid_reason(geom))
        polygons = [geom] if g["type"] == "Polygon" else list(getattr(geom, "geoms", []))
        for poly in polygons if g["type"].endswith("Polygon") else []:
            assert poly.exterior.is_ccw  # §3.1.6: exterior rings counter-clockwise
            assert all(not r.is_ccw for r in poly.interiors)  # holes clockwise
        if g["type"] in ("LineString", "MultiLineString"):  # §3.1.9: no antimeridian jump
            lines = [geom] if g["type"] == "LineString" else list(geom.geoms)
            for line in lines:
                xs = np.array(line.coords)[:, 0]
                assert np.all(np.abs(np.diff(xs)) < 180)


@pytest.fixture(scope="module")
def japan():
    loaded = load_scenario("examples/japan-layered-bmd.yaml")
    return loaded, scenario_geography(loaded).to_dict()


def test_geojson_of_the_japan_example_is_valid(japan):
    loaded, doc = japan
    out = json.loads(render_geojson(doc))
    check_rfc7946(out)
    layers = [f["properties"]["layer"] for f in out["features"]]
    spec = loaded.spec
    assert layers.count("asset") == len(spec.assets)
    assert layers.count("unit") == len(spec.units)
    assert layers.count("track") == len(spec.threats)
    assert layers.count("envelope") == sum(len(u.magazine) for u in spec.units)
    units = {
        f["properties"]["id"]: f for f in out["features"] if f["properties"]["layer"] == "unit"
    }
    assert units["ddg-atago"]["geometry"]["coordinates"] == [134.0, 37.8]  # lon, lat
    assert units["ddg-atago"]["properties"]["nation"] == "JPN"
    tracks = [f for f in out["features"] if f["properties"]["layer"] == "track"]
    first = tracks[0]["geometry"]["coordinates"]
    assert first[0] == pytest.approx([127.5, 40.0]) and first[-1] == pytest.approx([139.69, 35.68])
    # The PAC-3 MSE envelope is the annulus 3-35 km: its geodesic area in closed form.
    from hoplon.analysis.footprint import area_km2

    env = next(f for f in out["features"] if f["properties"]["id"] == "patriot-tokyo PAC-3 MSE")
    assert area_km2(shape(env["geometry"])) == pytest.approx(np.pi * (35**2 - 3**2), rel=2e-3)


def test_rings_and_tracks_across_the_antimeridian_are_split():
    ring = disc(-16.0, 179.5, 300e3)
    assert ring.geom_type == "MultiPolygon" and ring.is_valid
    sector = disc(52.0, -179.8, 500e3, 0.0, 200.0, 120.0)
    line = track(np.array([50.0, 51.0, 52.0]), np.array([178.0, 179.9, -178.0]))
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": shapely.geometry.mapping(g), "properties": {"layer": "x"}}
        for g in (ring, sector, line)
    ]}  # fmt: skip
    check_rfc7946(json.loads(render_geojson(doc)))
    whole = disc(-16.0, 0.0, 300e3)  # the same ring away from the antimeridian
    from hoplon.analysis.footprint import area_km2

    assert area_km2(ring) == pytest.approx(area_km2(whole), rel=1e-6)


def test_kml_parses_back_with_one_placemark_per_feature(japan):
    _, doc = japan
    root = ET.fromstring(render_kml(doc))
    marks = root.findall(".//k:Placemark", KML_NS)
    assert len(marks) == len(doc["features"])
    names = [m.findtext("k:name", namespaces=KML_NS) for m in marks]
    assert names == [f["properties"]["id"] for f in doc["features"]]
    for mark, f in zip(marks, doc["features"], strict=True):
        data = {
            d.get("name"): d.findtext("k:value", namespaces=KML_NS)
            for d in mark.iter(f"{{{KML_NS['k']}}}Data")
        }
        assert data["layer"] == f["properties"]["layer"]
        kind = f["geometry"]["type"]
        tag = {"Point": "Point", "LineString": "LineString", "Polygon": "Polygon"}.get(
            kind, "MultiGeometry"
        )
        assert mark.find(f".//k:{tag}", KML_NS) is not None
        coords = mark.find(".//k:coordinates", KML_NS).text.split()
        lon, lat = (float(v) for v in coords[0].split(",")[:2])
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_csv_has_a_row_per_feature_with_wkt(japan):
    _, doc = japan
    rows = list(csv.DictReader(io.StringIO(render_csv(doc))))
    assert len(rows) == len(doc["features"])
    for row, f in zip(rows, doc["features"], strict=True):
        assert row["layer"] == f["properties"]["layer"] and row["id"] == f["properties"]["id"]
        assert shapely.from_wkt(row["wkt"]).geom_type == f["geometry"]["type"]


def test_export_command_writes_each_format(tmp_path, repo_root, monkeypatch, run_main):
    monkeypatch.chdir(repo_root)
    for fmt in ("geojson", "kml", "csv"):
        target = tmp_path / f"out.{fmt}"
        code, _, stderr = run_main(
            "export", "examples/japan-layered-bmd.yaml", "--format", fmt, "-o", target
        )
        assert code == 0, stderr
        assert target.stat().st_size > 1000
    code, _, stderr = run_main(
        "export", "examples/japan-layered-bmd.yaml", "--format", "shp", "-o", tmp_path / "x"
    )
    assert code == 2 and "--format" in stderr and "Traceback" not in stderr
    code, _, stderr = run_main("export", "examples/japan-layered-bmd.yaml", "-o", tmp_path)
    assert code == 2 and "Traceback" not in stderr


def test_footprints_export_as_valid_polygons_of_their_area(
    repo_root, monkeypatch, run_main, tmp_path
):
    from hoplon.analysis.footprint import area_km2, raid_footprints

    monkeypatch.chdir(repo_root)
    loaded = load_scenario("examples/japan-layered-bmd.yaml")
    records = raid_footprints(loaded, grid_km=50.0)
    doc = scenario_geography(loaded, records).to_dict()
    out = json.loads(render_geojson(doc))
    check_rfc7946(out)
    found = [f for f in out["features"] if f["properties"]["layer"] == "footprint"]
    assert [f["properties"]["type"] for f in found] == ["notional MRBM", "notional SRBM"]
    for f, fp in zip(found, records, strict=True):
        assert area_km2(shape(f["geometry"])) == pytest.approx(fp.area_km2, rel=1e-4)
        assert f["properties"]["area_km2"] == pytest.approx(fp.area_km2, abs=0.1)
    root = ET.fromstring(render_kml(doc))
    assert len(root.findall(".//k:Placemark", KML_NS)) == len(doc["features"])
    target = tmp_path / "fp.geojson"
    code, _, err = run_main(
        "export", "examples/japan-layered-bmd.yaml", "--footprints", "-o", target
    )
    assert code == 0, err
    assert (
        sum(
            f["properties"]["layer"] == "footprint"
            for f in json.loads(target.read_text())["features"]
        )
        == 2
    )
