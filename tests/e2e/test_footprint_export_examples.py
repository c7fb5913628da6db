"""``hoplon export`` and ``hoplon footprint`` on every example: valid output, exit 0."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR, REPO_ROOT, CliResult
from hoplon.scenario import load_scenario

sys.path.insert(0, str(REPO_ROOT / "tests" / "unit"))
from test_export import check_rfc7946  # noqa: E402

FILES = sorted(EXAMPLES_DIR.glob("*.yaml"))
Run = Callable[..., CliResult]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_export_every_example_as_valid_geojson(path: Path, run_main: Run, tmp_path: Path) -> None:
    target = tmp_path / "out.geojson"
    code, _, err = run_main("export", path, "--format", "geojson", "-o", target)
    assert code == 0, err
    doc = json.loads(target.read_text(encoding="utf-8"))
    check_rfc7946(doc)
    spec = load_scenario(path).spec  # an economics-only example has no geography
    places = len(spec.assets) + len(spec.units) + len(spec.raid_entries())
    assert len(doc["features"]) >= places


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_footprint_of_every_example_against_its_first_raid(path: Path, run_main: Run) -> None:
    spec = load_scenario(path).spec
    if not (spec.units and spec.raid_entries()):
        pytest.skip("an economics-only example: no units or raids")
    raid = spec.raid_entries()[0][1]
    lat, lon = raid.from_[0], raid.from_[1]
    code, out, err = run_main(
        "footprint", path, "--threat", raid.type, "--from", f"{lat},{lon}",
        "--grid-km", "50", "--extent-km", "1000", "--json",
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert 0 <= doc["cells"] <= doc["reachable_cells"] <= doc["grid"]["rows"] * doc["grid"]["cols"]
    assert all(0.0 <= p <= 1.0 for row in doc["p_kill"] for p in row)
    assert doc["area_km2"] >= 0 and len(doc["units"]) == len(spec.units)


def test_an_airborne_sensor_is_exported_at_its_altitude(run_main: Run, tmp_path: Path) -> None:
    # the E-2D at 8,000 m used to be written on the ground (KML 0, GeoJSON two coordinates)
    nato = EXAMPLES_DIR / "nato-task-group.yaml"
    e2d = next(s for s in load_scenario(nato).spec.sensors if s.id == "e2d")
    lat, lon, alt = e2d.at
    assert alt > 0
    geo, kml = tmp_path / "n.geojson", tmp_path / "n.kml"
    assert run_main("export", nato, "--format", "geojson", "-o", geo)[0] == 0
    assert run_main("export", nato, "--format", "kml", "-o", kml)[0] == 0
    point = next(
        f for f in json.loads(geo.read_text(encoding="utf-8"))["features"]
        if f["properties"]["layer"] == "sensor" and f["properties"]["id"] == "e2d"
    )  # fmt: skip
    assert point["geometry"]["coordinates"] == [lon, lat, alt]
    text = kml.read_text(encoding="utf-8")
    mark = text[text.index("<name>e2d</name>") :]
    mark = mark[: mark.index("</Placemark>")]
    assert f"<coordinates>{lon},{lat},{alt}</coordinates>" in mark
    assert "<altitudeMode>absolute</altitudeMode>" in mark
    # a surface position keeps two coordinates
    assert all(
        len(f["geometry"]["coordinates"]) == 2
        for f in json.loads(geo.read_text(encoding="utf-8"))["features"]
        if f["properties"]["layer"] == "unit"
    )
