"""`hoplon compare` per target and per raid: the leakers of each scenario and the
difference of each from the baseline, with its interval from the paired per-trial
differences, in the record, the terminal, the tables and the report."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from rich.console import Console

from conftest import EXAMPLES_DIR
from hoplon.analysis.compare import compare, paired_difference, trial_leakers_by
from hoplon.present.html import render_compare_report
from hoplon.present.studies import print_comparison
from hoplon.present.tabular import render

JAPAN = EXAMPLES_DIR / "japan-layered-bmd.yaml"
PATRIOT = EXAMPLES_DIR / "japan-yokosuka-patriot.yaml"
SEASPARROW = EXAMPLES_DIR / "seasparrow-ship-defense.yaml"
TRIALS = 400


@pytest.fixture(scope="module")
def comparison():
    return compare([JAPAN, PATRIOT], trials=TRIALS, seed=5)


def test_each_target_and_raid_matches_its_run(comparison) -> None:
    data = comparison.to_dict()
    for k, result in enumerate(comparison.results):
        run = result.to_dict()
        by_target = run["metrics"]["leakers_by_target"]
        assert list(data["leakers_by_target"]) == list(by_target)
        for tid, est in by_target.items():
            assert data["leakers_by_target"][tid]["estimates"][k] == est
        # a raid's leakers are the sum of its threats' chances of leaking
        for raid, entry in data["leakers_by_raid"].items():
            p_leak = sum(t["p_leak"]["mean"] for t in run["threats"] if t["raid"] == raid)
            assert entry["estimates"][k]["mean"] == pytest.approx(p_leak, abs=1e-5)


def test_differences_are_the_paired_test_of_the_per_trial_values(comparison) -> None:
    a, b = (trial_leakers_by(r) for r in comparison.results)
    data = comparison.to_dict()
    for kind in ("target", "raid"):
        for key, entry in data[f"leakers_by_{kind}"].items():
            (d,) = entry["differences"]
            expected = paired_difference(a[kind][key], b[kind][key]).to_dict()
            assert d == {"scenario": 1, **expected}
    # the battery at Yokosuka: fewer leakers there, significantly; Tokyo the same
    yokosuka = data["leakers_by_target"]["yokosuka"]["differences"][0]
    assert yokosuka["significant"] and yokosuka["ci95"][1] < 0
    tokyo = data["leakers_by_target"]["tokyo"]["differences"][0]
    assert not tokyo["significant"]


def test_per_raid_differences_add_up_to_the_headline_difference(comparison) -> None:
    data = comparison.to_dict()
    total = data["differences"]["expected_leakers"][0]["diff"]
    parts = [e["differences"][0]["diff"] for e in data["leakers_by_raid"].values()]
    # every threat belongs to one raid and aims at one target: the means add up
    assert math.fsum(parts) == pytest.approx(total, abs=1e-5)
    by_target = [e["differences"][0]["diff"] for e in data["leakers_by_target"].values()]
    assert math.fsum(by_target) == pytest.approx(total, abs=1e-5)


def test_a_target_one_scenario_lacks_has_no_difference() -> None:
    data = compare([JAPAN, SEASPARROW], trials=50, seed=1).to_dict()
    tokyo = data["leakers_by_target"]["tokyo"]
    assert tokyo["estimates"][1] is None
    assert tokyo["differences"] == [
        {
            "scenario": 1,
            "diff": None,
            "ci95": None,
            "p_value": None,
            "significant": None,
            "test": None,
        }
    ]
    # the Welch test where the threats differ
    ship_raid = next(k for k, e in data["leakers_by_raid"].items() if e["estimates"][0] is None)
    assert data["leakers_by_raid"][ship_raid]["estimates"][1] is not None


def test_terminal_tables_per_target_and_raid(comparison) -> None:
    console = Console(width=80, file=io.StringIO(), record=True, color_system=None)
    print_comparison(comparison.to_dict(), console)
    text = console.export_text()
    assert "Leakers per target: mean [95% interval]; difference from A" in text
    assert "Leakers per raid: mean [95% interval]; difference from A" in text
    rows = [line for line in text.splitlines() if line.startswith("│ yokosuka ")]
    assert rows and "*" in rows[0]  # the significant difference is marked
    assert all(len(line) <= 80 for line in text.splitlines()) and "…" not in text


def test_csv_and_markdown_hold_the_per_target_rows(comparison) -> None:
    data = comparison.to_dict()
    text = render("compare", data, "csv")
    assert isinstance(text, str)
    sections = {
        block.splitlines()[0][2:]: list(csv.reader(block.splitlines()[1:]))
        for block in text.strip().split("\n\n")
    }
    assert list(sections) == ["comparison", "leakers_by_target", "leakers_by_raid"]
    header, *rows = sections["leakers_by_target"]
    assert header[0] == "target" and header[6] == "diff_from_first"
    row = next(r for r in rows if r[0] == "yokosuka" and r[6])
    d = data["leakers_by_target"]["yokosuka"]["differences"][0]
    assert float(row[6]) == d["diff"] and [float(row[7]), float(row[8])] == d["ci95"]
    assert len(rows) == 2 * len(data["leakers_by_target"])
    md = render("compare", data, "md")
    assert "### leakers_by_raid" in md and "| mrbm-yokosuka |" in md


def test_report_charts_and_tables_per_target_and_raid(comparison, tmp_path) -> None:
    html = render_compare_report(comparison.to_dict(), tmp_path / "c.html")
    assert 'data-chart="compare-leakers-target-1"' in html
    assert 'data-chart="compare-leakers-raid-1"' in html
    assert "Leakers per target: differences from Japan layered BMD (notional)" in html
    assert "Leakers per raid: differences from" in html
    d = comparison.to_dict()["leakers_by_target"]["yokosuka"]["differences"][0]
    assert f"{d['diff']:.3g}".lstrip("-") in html


def test_trial_values_are_per_trial_counts(comparison) -> None:
    by = trial_leakers_by(comparison.results[0])
    total = sum(by["raid"].values())
    leaked = comparison.results[0].outcomes.leaked.sum(axis=1)
    assert np.array_equal(total, leaked)
    assert np.array_equal(sum(by["target"].values()), leaked)
