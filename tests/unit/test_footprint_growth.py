"""A footprint's grid grows while its footprint reaches the edge, and stops short of a
pole: it used to double into one and fail, naming an --extent-km the user never gave."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from hoplon.analysis import footprint
from hoplon.errors import InputError
from hoplon.scenario import load_scenario

JAPAN = Path(__file__).resolve().parents[2] / "examples" / "japan-layered-bmd.yaml"


def test_the_growing_grid_stops_before_a_pole(monkeypatch) -> None:
    grids: list[float] = []

    def on_grid(loaded, threat, launch, unit_idx, centre, extent_km, grid_km, start):
        if footprint._reaches_pole(centre, extent_km, grid_km):
            raise InputError.single("reaches a pole", field="--extent-km")  # as the real one
        grids.append(extent_km)
        return SimpleNamespace(reaches_edge=True, extent_km=extent_km)  # always at the edge

    monkeypatch.setattr(footprint, "_on_grid", on_grid)
    fp = footprint.compute_footprint(
        load_scenario(JAPAN), "notional MRBM", (40.0, 127.5), grid_km=200.0, centre=(20.0, 130.0)
    )
    assert fp.extent_km == grids[-1] and len(grids) >= 2  # it grew, then stopped
    assert grids == [grids[0] * 2**k for k in range(len(grids))]
    assert footprint._reaches_pole((20.0, 130.0), 2 * grids[-1], 200.0)
    assert not footprint._reaches_pole((20.0, 130.0), grids[-1], 200.0)
