"""examples/nato-task-group.yaml: a multinational naval task group on one track network,
at sea, against a saturation raid; what the network is worth shows in a paired test."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR
from hoplon.analysis.compare import compare_results, paired_difference, trial_values
from hoplon.api import load
from hoplon.geodata import land_within_km
from hoplon.scenario.checks import LAND_AT_SEA_KM
from hoplon.scenario.schema import Link

EXAMPLE = EXAMPLES_DIR / "nato-task-group.yaml"
TRIALS = 1000


def test_the_task_group_validates_cleanly_at_sea() -> None:
    scenario = load(EXAMPLE)
    spec = scenario.spec
    assert scenario.warnings == () and scenario.loaded.notes == ()
    assert {u.type for u in spec.units} == {
        "Aegis AAW destroyer",
        "Type 45 destroyer",
        "FREMM frigate",
        "F124 frigate",
    }
    assert {u.nation for u in spec.units} == {"USA", "GBR", "FRA", "DEU"}
    fielded = {name for u in spec.units for name in u.magazine}
    assert {"SM-2 Block IIIA", "SM-6", "ESSM Block 2", "Aster 15", "Aster 30"} <= fielded
    assert {"SMART-L", "E-2D"} <= {s.type for s in spec.sensors}
    (link,) = [a for a in spec.agreements if isinstance(a, Link)]
    assert link.quality == "fire-control" and set(link.members) == {"USA", "GBR", "FRA", "DEU"}
    carrier = next(a for a in spec.assets if a.id == "cvn")
    assert carrier.kind == "ship" and carrier.value == 500
    # every ship and the carrier stand in open sea, far from any shipped coast
    places = [u.at for u in spec.units] + [carrier.at]
    near = land_within_km([p[0] for p in places], [p[1] for p in places], LAND_AT_SEA_KM)
    assert not near.any()
    threats = {r.type for r in spec.threats}
    assert threats == {"notional sea-skimming ASCM", "notional strike aircraft"}


@pytest.fixture(scope="module")
def with_and_without_link():
    scenario = load(EXAMPLE)
    return (
        scenario.run(trials=TRIALS, workers=1),
        scenario.drop_agreement(0).run(trials=TRIALS, workers=1),
    )


def test_the_track_network_is_what_holds_the_group(with_and_without_link) -> None:
    linked, alone = with_and_without_link
    a, b = trial_values(linked), trial_values(alone)
    # same threats, same seed and trials: the trials pair (common random numbers)
    comp = compare_results([str(EXAMPLE), "without the link"], [linked, alone])
    assert comp.tests == [None, "paired"]
    diff = paired_difference(a["p_no_leak"], b["p_no_leak"])
    # the 95 % interval of the paired difference lies wholly below zero
    assert diff.high < 0 and diff.significant
    raids = comp.to_dict()["leakers_by_raid"]
    east = raids["ascm-east"]["differences"][0]
    assert east["significant"] and east["ci95"][0] > 0
    # the Type 45 empties its magazine in both: the saturation raid is the limit
    for result in (linked, alone):
        assert result.to_dict()["metrics"]["shots_by_nation"]["GBR"]["mean"] == pytest.approx(48)


def test_the_example_is_in_the_readme_and_the_catalog_notes() -> None:
    root = Path(__file__).resolve().parents[2]
    assert "examples/nato-task-group.yaml" in (root / "README.md").read_text(encoding="utf-8")
    assert "`nato-task-group.yaml`" in (root / "docs" / "catalog.md").read_text(encoding="utf-8")
