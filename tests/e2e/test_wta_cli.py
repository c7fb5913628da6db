"""`hoplon wta`: an instance file in, the assignment out; bad input exits 2, located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR

SMALL = """\
name: two weapons, three targets
weapons:
  - {name: missile, count: 4}
  - {name: bomber, count: 2, max_per_target: 1}
targets:
  - {name: depot, value: 100, min_weapons: 1}
  - {name: bridge, value: 60}
  - {name: radar, value: 30}
kill_probability:
  missile: [0.3, 0.5, 0.2]
  bomber: {depot: 0.6, radar: 0.9}
"""


def test_small_instance_json_and_table(tmp_path: Path, run_main):
    f = tmp_path / "small.yaml"
    f.write_text(SMALL, encoding="utf-8")
    code, out, err = run_main("wta", f, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["status"] == "optimal" and doc["gap"] <= 1e-6
    used = doc["weapons_used"]
    assert used["missile"]["used"] <= 4 and used["bomber"]["used"] <= 2
    assert all(t["assigned"].get("bomber", 0) <= 1 for t in doc["targets"])
    code, out, err = run_main("wta", f)
    assert code == 0, err
    assert "Expected destroyed value" in out and "depot" in out


@pytest.mark.parametrize(
    ("edit", "field", "line"),
    [
        (("  bomber: {depot", "  bomer: {depot"), "kill_probability.bomer", 11),
        (("[0.3, 0.5, 0.2]", "[0.3, 0.5]"), "kill_probability.missile", 10),
        (
            ("[0.3, 0.5, 0.2]", "[0.3, 1.5, 0.2]"),
            "kill_probability.missile: Input should be less than or equal to 1",
            10,
        ),
        (("min_weapons: 1", "min_weapons: 9"), "targets[0].min_weapons", 6),
        (("count: 4}", "cuont: 4}"), "weapons[0]", 3),
        # a value whose sums overflow was reported as an infeasible minimum
        (("value: 100,", "value: 1.0e308,"), "targets[0].value: Input should be less than", 6),
        (("count: 4}", "count: true}"), "weapons[0].count: true and false are not numbers", 3),
    ],
)
def test_bad_instances_exit_2_naming_file_line_field(tmp_path: Path, run_main, edit, field, line):
    assert edit[0] in SMALL
    f = tmp_path / "bad.yaml"
    f.write_text(SMALL.replace(edit[0], edit[1], 1), encoding="utf-8")
    code, _, err = run_main("wta", f)
    assert code == 2, err
    assert "Traceback" not in err
    assert f"{f}:{line}" in err and field in err, err


def test_missing_file_exits_2(tmp_path: Path, run_main):
    code, _, err = run_main("wta", tmp_path / "nope.yaml")
    assert code == 2 and "no such file" in err


def test_a_scenario_given_to_wta_is_named_for_what_it_is(run_main):
    scenario = EXAMPLES_DIR / "japan-layered-bmd.yaml"
    code, out, err = run_main("wta", scenario)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{scenario}: this is a Hoplon scenario")
    assert "doctrine.assignment: planned" in lines[0]
