"""`--format csv|md|xlsx`: the tables of run, compare, sweep, coalition and econ hold the
same figures as `--json` (round-trip), and the edges are refused cleanly."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import EXAMPLES_DIR

JAPAN = str(EXAMPLES_DIR / "japan-layered-bmd.yaml")
PATRIOT = str(EXAMPLES_DIR / "japan-yokosuka-patriot.yaml")
COALITION = str(EXAMPLES_DIR / "coalition-defense.yaml")
ECON = str(EXAMPLES_DIR / "seasparrow-consortium.yaml")

CASES = {
    "run": ["run", JAPAN, "-n", "300", "--workers", "1", "--no-store"],
    "run-waves": ["run", COALITION, "-n", "300", "--workers", "1", "--no-store"],
    "run-costs": ["run", str(EXAMPLES_DIR / "japan-campaign-costs.yaml"), "-n", "300",
                  "--workers", "1", "--no-store"],
    "compare": ["compare", JAPAN, PATRIOT, "-n", "300", "--workers", "1", "--no-store"],
    "sweep": ["sweep", JAPAN, "--set", "threats[3].count=1..2", "-n", "300", "--workers", "1",
              "--no-store"],
    "coalition": ["coalition", COALITION, "-n", "200", "--workers", "1"],
    "econ": ["econ", ECON],
}  # fmt: skip


def _csv_sections(text: str) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    name = "table"
    for block in text.split("\n\n"):
        lines = block.strip("\n").splitlines()
        if lines and lines[0].startswith("# "):
            name, lines = lines[0][2:], lines[1:]
        sections[name] = list(csv.reader(lines))
    return sections


def _numbers(value) -> list[float]:
    """Every number in a JSON value (bools left out)."""
    if isinstance(value, dict):
        return [x for v in value.values() for x in _numbers(v)]
    if isinstance(value, list):
        return [x for v in value for x in _numbers(v)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [float(value)]
    return []


@pytest.mark.parametrize("kind", list(CASES))
def test_csv_and_xlsx_hold_the_json_figures(run_main, tmp_path: Path, kind: str) -> None:
    args = CASES[kind]
    code, out, err = run_main(*args, "--json")
    assert code == 0, err
    data = json.loads(out)
    code, text, err = run_main(*args, "--format", "csv")
    assert code == 0, err
    book_path = tmp_path / f"{kind}.xlsx"
    code, _, err = run_main(*args, "--format", "xlsx", "--output", book_path)
    assert code == 0, err
    sections = _csv_sections(text)
    book = load_workbook(book_path)
    assert sorted(book.sheetnames) == sorted(sections) or len(sections) == 1
    # every figure of the tables, in both files, is a figure of the JSON
    from_csv = [float(c) for rows in sections.values() for row in rows[1:] for c in row
                if _is_number(c)]  # fmt: skip
    from_xlsx = [float(c) for ws in book.worksheets for row in ws.iter_rows(min_row=2,
                 values_only=True) for c in row
                 if isinstance(c, int | float) and not isinstance(c, bool)]  # fmt: skip
    # Excel keeps 15 significant digits: the workbook holds the same figures to that
    assert from_csv and sorted(from_xlsx) == pytest.approx(sorted(from_csv), rel=1e-14)
    in_json = set(_numbers(data))
    assert all(x in in_json or x == int(x) for x in from_csv), kind
    if kind == "run":
        head = {r[0]: r for r in sections["headline"][1:]}
        p = data["metrics"]["p_no_leak"]
        assert float(head["p_no_leak"][1]) == p["mean"]
        assert [float(head["p_no_leak"][2]), float(head["p_no_leak"][3])] == p["ci95"]
        assert len(sections["threats"]) == 1 + len(data["threats"])
    if kind.startswith("run"):  # every figure by target, interceptor, nation and unit
        by = {(r[0], r[1]): [float(x) for x in r[2:]] for r in sections["metrics_by"][1:]}
        for key, per in data["metrics"].items():
            if isinstance(per, dict) and "mean" not in per:
                for name, est in per.items():
                    assert by[(key, name)] == [est["mean"], *est["ci95"]], (key, name)
    if kind == "run-waves":
        moved = [[r["from"], r["to"], r["interceptor"], r["mean_per_trial"]]
                 for r in data["acsa_transfers"]]  # fmt: skip
        assert [[*r[:3], float(r[3])] for r in sections["acsa_transfers"][1:]] == moved
        mags = [[r["wave"], r["unit"], r["interceptor"], r["start_mean"], r["fired_mean"],
                 r["held_mean"], r["empty_share"]] for r in data["magazines_by_wave"]]  # fmt: skip
        assert [[*r[:3], *map(float, r[3:])] for r in sections["magazines_by_wave"][1:]] == mags
    if kind == "run-costs":
        costs = data["campaign_costs"]
        rows = sections[f"campaign_spend_usd_{costs['base_year']}"][1:]
        assert float(rows[-1][3]) == costs["interceptor_spend_usd"]["mean"]
        # the attacker's spend, the cost-exchange ratio in constant dollars and the
        # replacement years were only in the terminal and the JSON
        attacker = sections[f"attacker_spend_usd_{costs['base_year']}"][1:]
        assert attacker[-1][0] == "all" and float(attacker[-1][2]) == costs["threat_spend_usd"]
        assert len(attacker) == 1 + len(costs["threats"])
        ratio = sections[f"cost_exchange_usd_{costs['base_year']}"][1]
        cer = costs["cost_exchange_ratio"]
        assert [float(x) for x in ratio[1:]] == [cer["mean"], *cer["ci95"]]
        years = sections["replacement_years"][1:]
        assert len(years) == len(costs["replacement"])
        for row, rep in zip(years, costs["replacement"], strict=True):
            assert row[:2] == [rep["nation"], rep["interceptor"]]
            assert float(row[8]) == rep["years"]["mean"]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text not in ("True", "False") and text.strip() != ""


def test_markdown_tables(run_main) -> None:
    code, out, err = run_main(*CASES["compare"], "--format", "md")
    assert code == 0, err
    assert out.startswith("### comparison") and "| p_no_leak |" in out


def test_bad_format_and_output_are_refused_before_any_run(run_main, tmp_path) -> None:
    code, _, err = run_main("run", JAPAN, "--format", "xls", "--no-store")
    assert code == 2 and "did you mean 'xlsx'" in err
    code, _, err = run_main("run", JAPAN, "--format", "xlsx", "--no-store")
    assert code == 2 and "needs a file" in err
    code, _, err = run_main("run", JAPAN, "--output", tmp_path / "x.csv", "--no-store")
    assert code == 2 and "--output goes with --format" in err
    code, _, err = run_main("run", JAPAN, "--format", "csv", "--output", tmp_path, "--no-store")
    assert code == 2 and "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["run", JAPAN, "--no-store"],
        ["compare", JAPAN, JAPAN, "--no-store"],
        ["econ", EXAMPLES_DIR / "sm3-block-iia-burden-sharing.yaml"],
    ],
    ids=["run", "compare", "econ"],
)
def test_json_and_a_table_format_together_are_refused(run_main, args) -> None:
    code, out, err = run_main(*args, "--json", "--format", "csv")
    assert code == 2 and out == ""
    assert "--json and --format csv are two outputs" in err


def test_output_dash_is_standard_output(run_main, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # a file named "-" would land here
    args = CASES["run"]
    code, text, err = run_main(*args, "--format", "csv", "--output", "-")
    assert code == 0, err
    assert text.startswith("# headline\n") and not (tmp_path / "-").exists()
    code, _, err = run_main(*args, "--format", "xlsx", "--output", "-")
    assert code == 2 and "an xlsx workbook needs a file" in err
    code, _, err = run_main("report", JAPAN, "-o", "-")
    assert code == 2 and "a report is an HTML file with its charts: give -o FILE.html" in err
    assert not (tmp_path / "-").exists()
