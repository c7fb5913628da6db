"""Linked sweep parameters (`--set-together`) and `[*]` over the items of a list."""

from __future__ import annotations

import json

from conftest import EXAMPLES_DIR
from hoplon.analysis.grid import expand_grid, parse_set
from hoplon.scenario.paths import apply_overrides

SEASPARROW = EXAMPLES_DIR / "seasparrow-ship-defense.yaml"


def test_a_linked_sweep_of_three_values_runs_three_points(run_main) -> None:
    code, out, err = run_main(
        "sweep", SEASPARROW, "--set-together", "units[*].magazine.ESSM=8,12,16",
        "--trials", "300", "--workers", "1", "--no-store", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert len(data["points"]) == 3
    assert [p["overrides"]["units[*].magazine.ESSM"] for p in data["points"]] == [8, 12, 16]
    assert data["sweep"]["together"] == ["units[*].magazine.ESSM"]
    spend = [p["metrics"]["interceptor_cost_usd"]["mean"] for p in data["points"]]
    assert spend[0] <= spend[1] <= spend[2]  # more ESSM on every ship, no fewer fired


def test_linked_options_zip_and_cross_the_others() -> None:
    a = parse_set("doctrine.shots_per_engagement=1,2", together=True)
    b = parse_set("doctrine.assessment_s=3,6", together=True)
    c = parse_set("trials=100,200,300")
    grid = expand_grid([c, a, b])
    assert len(grid) == 3 * 2
    assert {(g["doctrine.shots_per_engagement"], g["doctrine.assessment_s"]) for g in grid} == {
        (1, 3), (2, 6)
    }  # fmt: skip


def test_linked_options_of_unequal_length_are_refused(run_main) -> None:
    code, _, err = run_main(
        "sweep", SEASPARROW, "--set-together", "doctrine.shots_per_engagement=1,2",
        "--set-together", "doctrine.assessment_s=3,6,9", "--no-store",
    )  # fmt: skip
    assert code == 2 and "--set-together doctrine.assessment_s=3,6,9" in err
    assert "as many values" in err and "Traceback" not in err


def test_a_wildcard_sets_every_item_that_has_the_field() -> None:
    raw = {"units": [{"id": "a", "magazine": {"ESSM": 1}}, {"id": "b", "magazine": {"SM-2": 4}},
                     {"id": "c", "magazine": {"ESSM": 2}}]}  # fmt: skip
    out = apply_overrides(raw, {"units[*].magazine.ESSM": 9})
    assert [u["magazine"] for u in out["units"]] == [{"ESSM": 9}, {"SM-2": 4}, {"ESSM": 9}]
    assert raw["units"][0]["magazine"] == {"ESSM": 1}  # the original is left as it was


def test_a_wildcard_that_matches_nothing_is_refused(run_main) -> None:
    code, _, err = run_main(
        "sweep", SEASPARROW, "--set", "units[*].magazine.Aster 30=8,16", "--no-store"
    )
    assert code == 2 and "no item of units has the field magazine.Aster 30" in err, err
