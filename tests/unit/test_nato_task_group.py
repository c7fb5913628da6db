"""The naval and medium-range air-defense catalog entries in use: a NATO carrier task
group (tests/data/nato-task-group.yaml) and a Chu-SAM battery
(tests/data/chu-sam-battery.yaml) validate and run, and what the entries allow or forbid
shows in the result."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from hoplon.api import load
from hoplon.catalog import builtin_catalog

DATA = Path(__file__).resolve().parents[1] / "data"
TASK_GROUP = DATA / "nato-task-group.yaml"
CHU_SAM = DATA / "chu-sam-battery.yaml"
DOCS = Path(__file__).resolve().parents[2] / "docs"

TRIALS = 400


@pytest.fixture(scope="module")
def task_group_result():
    return load(TASK_GROUP).run(trials=TRIALS)


def test_task_group_uses_the_naval_entries() -> None:
    spec = load(TASK_GROUP).spec
    types = {u.type for u in spec.units}
    assert {
        "Aegis AAW destroyer",
        "Aegis destroyer Flight III",
        "Type 45 destroyer",
        "FREMM frigate",
        "F124 frigate",
        "F125 frigate",
        "SAMP/T battery",
    } <= types
    fielded = {name for u in spec.units for name in u.magazine}
    assert {
        "SM-2 Block IIIA",
        "SM-2 Block IIIC",
        "SM-6",
        "ESSM Block 2",
        "Aster 15",
        "Aster 30",
        "RAM Block 2",
    } <= fielded
    assert "SMART-L" in {s.type for s in spec.sensors}


def test_task_group_runs(task_group_result) -> None:
    data = task_group_result.to_dict()
    assert data["trials"] == TRIALS
    json.dumps(data)  # the result is plain JSON
    frame = task_group_result.to_frame()
    assert len(frame) == 24
    assert ((frame["p_leak"] >= 0) & (frame["p_leak"] <= 1)).all()


def test_f125_defends_only_what_ram_reaches(task_group_result) -> None:
    """The F125 has no area air-defense missile: 3 km from the carrier it can engage
    the missiles aimed at the carrier, but not those aimed at the Type 45 about 16 km
    away, nor aircraft that release their weapons 30 km out."""
    frame = task_group_result.to_frame().set_index("id")
    engageable = {tid: row.split(", ") for tid, row in frame["engageable_by"].items()}
    assert all("f125" in engageable[f"ascm-cvn#{i}"] for i in range(1, 13))
    assert not any("f125" in engageable[f"ascm-t45#{i}"] for i in range(1, 5))
    assert not any("f125" in engageable[f"strike-cvn#{i}"] for i in range(1, 5))


def test_samp_t_against_srbm_matches_one_salvo_closed_form(task_group_result) -> None:
    """Only the SAMP/T can reach the SRBMs aimed at Augusta, inside Aster 30's 20 km
    ceiling, and there is time for one salvo of two: P(leak) = r_threat * (1 - r * sspk)^2
    with the catalog's figures (threat reliability 0.9, Aster 30 reliability 0.9, sspk
    against srbm 0.5). Tolerance: 4 standard errors of the pooled mean."""
    cat = builtin_catalog()
    aster = cat.interceptors["Aster 30"]
    srbm = cat.threats["notional SRBM"]
    expected = srbm.reliability * (1 - aster.reliability * aster.sspk["srbm"]) ** 2
    frame = task_group_result.to_frame()
    rows = frame[frame["id"].str.startswith("srbm-augusta")]
    assert set(rows["engageable_by"]) == {"samp-t"}
    mean = rows["p_leak"].mean()
    se = math.sqrt(expected * (1 - expected) / (TRIALS * len(rows)))
    assert abs(mean - expected) < 4 * se, (mean, expected, se)


def test_task_group_runs_through_the_cli(run_main, tmp_path: Path) -> None:
    code, out, err = run_main(
        "run",
        TASK_GROUP,
        "--trials",
        "300",
        "--workers",
        "1",
        "--json",
        "--store",
        tmp_path / "store",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["trials"] == 300


def test_carrier_asset_snippet_in_docs_is_the_test_scenarios() -> None:
    """docs/catalog.md shows the carrier as a defended asset (assets are not catalog
    entries); the snippet is the asset the task-group scenario defends."""
    text = (DOCS / "catalog.md").read_text(encoding="utf-8")
    start = text.index("```yaml\nassets:")
    block = text[start + len("```yaml\n") : text.index("```", start + 7)]
    snippet = yaml.safe_load(block)["assets"][0]
    scenario = yaml.safe_load(TASK_GROUP.read_text(encoding="utf-8"))
    assert snippet in scenario["assets"]
    assert snippet["kind"] == "ship" and snippet["value"] > 0


def test_chu_sam_battery_runs() -> None:
    scenario = load(CHU_SAM)
    assert {u.type for u in scenario.spec.units} == {"Chu-SAM battery"}
    frame = scenario.run(trials=300).to_frame()
    # the battery's own radar sees the cruise missiles and aircraft in time to engage
    assert all(row == "chu-sam" for row in frame["engageable_by"])
    assert (frame["p_leak"] < 1).all()
