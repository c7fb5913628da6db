"""The vectorised aim-point paths equal the scalar path kernels; the footprint CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hoplon.core import flight, footprint, geo

AIMS = (np.array([36.0, 34.5, 38.9, 40.3]), np.array([139.7, 135.5, 129.0, 127.6]))
FIELDS = ("t_s", "lat", "lon", "alt_m", "speed_ms", "x_m", "y_m", "z_m", "up")
TOLERANCE = {"x_m": 1e-5, "y_m": 1e-5, "z_m": 1e-5, "alt_m": 1e-6}


def _same(batch: flight.PathBatch, paths: list[flight.Path]) -> None:
    ref = flight.PathBatch.from_paths(paths, np.zeros(len(paths)))
    assert np.array_equal(batch.n_samples, ref.n_samples)
    assert np.allclose(batch.impact_s, ref.impact_s, rtol=0, atol=1e-9)
    for i, n in enumerate(ref.n_samples):
        for name in FIELDS:
            got, want = getattr(batch, name)[i, :n], getattr(ref, name)[i, :n]
            assert np.allclose(got, want, rtol=0, atol=TOLERANCE.get(name, 1e-9)), name


@pytest.mark.parametrize("trajectory", ["minimum-energy", "lofted", "depressed"])
def test_ballistic_batch_equals_ballistic_path(trajectory):
    batch = footprint.ballistic_batch(40.0, 127.5, *AIMS, 110.0, trajectory, dt_s=1.0)
    paths = [
        flight.ballistic_path(40.0, 127.5, la, lo, 110.0, trajectory, dt_s=1.0)
        for la, lo in zip(*AIMS, strict=True)
    ]
    _same(batch, paths)


def test_constant_batch_equals_cruise_and_aircraft_paths():
    cruise = footprint.constant_batch(40.0, 127.5, *AIMS, 250.0, 50.0, 0.0, dt_s=1.0)
    _same(
        cruise,
        [
            flight.cruise_path(40.0, 127.5, la, lo, 250.0, 50.0, 1.0)
            for la, lo in zip(*AIMS, strict=True)
        ],
    )
    plane = footprint.constant_batch(40.0, 127.5, *AIMS, 250.0, 9000.0, 80e3, dt_s=1.0)
    _same(
        plane,
        [
            flight.aircraft_path(40.0, 127.5, la, lo, 250.0, 9000.0, 80e3, 1.0)
            for la, lo in zip(*AIMS, strict=True)
        ],
    )


def test_ecef_and_up_equal_the_geo_transforms():
    lat, lon, alt = (
        np.array([0.0, 35.0, -60.0, 89.0]),
        np.array([0.0, 139.0, -70.0, 10.0]),
        np.array([0.0, 1e3, 5e5, 10.0]),
    )
    x, y, z, up = footprint.ecef_and_up(lat, lon, alt)
    gx, gy, gz = geo.to_ecef(lat, lon, alt)
    assert np.allclose([x, y, z], [gx, gy, gz], rtol=0, atol=1e-6)
    assert np.allclose(up, geo.enu_basis(lat, lon)[2], rtol=0, atol=1e-12)


def test_aim_point_at_the_launch_point_is_refused():
    with pytest.raises(ValueError):
        footprint.ballistic_batch(40.0, 127.5, [40.0], [127.5], 110.0)


JAPAN = "examples/japan-layered-bmd.yaml"
BASE = ["footprint", JAPAN, "--threat", "notional MRBM", "--from", "40.0,127.5"]


def test_footprint_json_and_table(repo_root, monkeypatch, run_main):
    monkeypatch.chdir(repo_root)
    args = [*BASE, "--unit", "patriot-tokyo", "--grid-km", "10"]
    code, stdout, stderr = run_main(*args, "--json")
    assert code == 0, stderr
    doc = json.loads(stdout)
    assert doc["kind"] == "footprint" and [u["id"] for u in doc["units"]] == ["patriot-tokyo"]
    grid = np.array(doc["defended"])
    assert grid.shape == (doc["grid"]["rows"], doc["grid"]["cols"]) and grid.sum() == doc["cells"]
    assert doc["cells"] > 0 and doc["area_km2"] == pytest.approx(doc["cells"] * 100, rel=0.05)
    assert doc["outline"]["type"] in ("Polygon", "MultiPolygon")
    assert np.all(np.array(doc["p_kill"])[grid == 1] > 0)
    code, stdout, _ = run_main(*args)
    assert code == 0 and "union" in stdout and "patriot-t" in stdout


@pytest.mark.parametrize(
    "extra, field",
    [
        (["--threat", "notional MRBX", "--from", "40,127.5"], "--threat"),
        (["--threat", "notional MRBM", "--from", "40,east"], "--from"),
        (["--threat", "notional MRBM", "--from", "95,127.5"], "--from"),
        (["--threat", "notional MRBM", "--from", "40,127.5", "--unit", "nope"], "--unit"),
        (["--threat", "notional MRBM", "--from", "40,127.5", "--grid-km", "0"], "--grid-km"),
        (["--threat", "notional MRBM", "--from", "40,127.5", "--grid-km", "0.01"], "--grid-km"),
        (
            ["--threat", "notional MRBM", "--from", "40,127.5", "--from-radius-km", "0"],
            "--from-radius-km",
        ),
        (
            [
                "--threat",
                "notional MRBM",
                "--from",
                "40,127.5",
                "--from-radius-km",
                "50",
                "--samples",
                "0",
            ],
            "--samples",
        ),
    ],
)
def test_footprint_refusals_are_one_line_exit_2(repo_root, monkeypatch, run_main, extra, field):
    monkeypatch.chdir(repo_root)
    code, stdout, stderr = run_main("footprint", JAPAN, *extra)
    assert code == 2
    assert field in stderr and "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
