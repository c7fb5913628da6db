"""The life-cycle cost as run, compare, the tables and the report show it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from hoplon.analysis.costs import architecture_cost
from hoplon.cli import main
from hoplon.present.html.studies import compare_html
from hoplon.present.tabular import render
from hoplon.present.text import cost_difference_text
from hoplon.scenario.loader import load_text

ONE = """\
hoplon: 1
name: {name}
trials: 200
nations:
  JPN: {{name: Japan}}
assets:
  - {{id: tokyo, nation: JPN, kind: city, at: [35.68, 139.69], value: 10}}
units:
{units}
threats:
  - id: srbm
    type: notional SRBM
    from: [38.0, 133.0]
    target: tokyo
    count: 2
economics:
  base_year: 2025
  horizon_years: 3
  discount_rate: 0.05
"""

BATTERY = """\
  - id: {id}
    nation: JPN
    type: Patriot battery
    at: [35.69, 139.75]
    magazine: {{PAC-3 MSE: 0}}
    cost: {{acquisition: 1_000_000, annual_om: 100_000, service_life_years: 3, year: 2025}}
"""


def _files(tmp_path: Path) -> tuple[Path, Path]:
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text(ONE.format(name="one battery", units=BATTERY.format(id="p1")))
    b.write_text(
        ONE.format(name="two batteries", units=BATTERY.format(id="p1") + BATTERY.format(id="p2"))
    )
    return a, b


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out, out.err


def test_run_shows_and_carries_the_lifecycle_cost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, _ = _files(tmp_path)
    code, out, _ = _cli(["run", str(a), "--no-store", "--json"], capsys)
    assert code == 0
    cost = json.loads(out)["architecture_cost"]
    assert round(cost["total_usd"], 2) == 1_272_324.80
    assert cost["by_nation"] == {"JPN": cost["total_usd"]}
    code, out, _ = _cli(["run", str(a), "--no-store"], capsys)
    assert "Life-cycle cost of the architecture" in out and "1.3" in out  # $M column
    assert "over 3 years at 5.0 % real" in out


def test_compare_puts_cost_beside_security(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _files(tmp_path)
    code, out, _ = _cli(["compare", str(a), str(b), "--no-store", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    (diff,) = data["cost_differences"]
    assert diff["comparable"] and round(diff["diff_usd"], 2) == 1_272_324.80
    assert [round(c["total_usd"], 2) for c in data["costs"]] == [
        1_272_324.80,
        2_544_649.61,
    ]  # 2 x 1,272,324.8039
    code, text, _ = _cli(["compare", str(a), str(b), "--no-store"], capsys)
    assert "life-cycle cost" in text
    assert "B costs $1.27M more than A over 3 years" in text
    code, table, _ = _cli(["compare", str(a), str(b), "--no-store", "--format", "csv"], capsys)
    # several tables, each after a line "# <name>": the comparison's is the first
    (comparison,) = [b for b in table.split("\n\n") if b.startswith("# comparison\n")]
    rows = list(csv.DictReader(io.StringIO(comparison.split("\n", 1)[1])))
    assert {r["metric"] for r in rows} >= {"p_no_leak", "value_protected"}
    for r in rows:
        assert r["lifecycle_cost_usd"] and r["horizon_years"] == "3"
        if r["scenario"] == "two batteries":
            assert float(r["lifecycle_cost_diff_usd"]) == pytest.approx(1_272_324.80)
    html = compare_html(data)
    assert 'data-chart="cost-value_protected"' in html
    assert "against life-cycle cost" in html and "http" not in html.split("<body")[1]
    assert "two batteries costs $1.27M more than one battery" in html
    # the leakers chart reads the other way up: fewer is better
    assert html.count("Up and to the left is more security for less money.") == 2
    assert html.count("Down and to the left is fewer leakers for less money.") == 1


def test_compare_refuses_to_subtract_costs_on_different_bases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _files(tmp_path)
    b.write_text(b.read_text().replace("horizon_years: 3", "horizon_years: 4"))
    code, out, _ = _cli(["compare", str(a), str(b), "--no-store", "--json"], capsys)
    (diff,) = json.loads(out)["cost_differences"]
    assert diff["diff_usd"] is None and not diff["comparable"] and "horizon" in diff["reason"]


def test_run_sheets_list_each_unit(tmp_path: Path) -> None:
    a, _ = _files(tmp_path)
    record = {
        "metrics": {},
        "architecture_cost": architecture_cost(load_text(a.read_text())).to_dict(),
    }
    text = render("run", record, "md")
    assert isinstance(text, str)
    assert "### lifecycle_cost" in text and "| p1 | unit | JPN | Patriot battery |" in text
    assert "### cost_by_nation" in text


def test_bad_cost_input_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, _ = _files(tmp_path)
    a.write_text(a.read_text().replace("discount_rate: 0.05", "discount_rate: -0.01"))
    code, _, err = _cli(["run", str(a), "--no-store"], capsys)
    assert code == 2 and "economics.discount_rate" in err and "a.yaml:" in err
    assert "Traceback" not in err


def test_meaning_of_a_cost_difference() -> None:
    gains = {
        "value_protected": {"diff": 0.12, "significant": True},
        "p_no_leak": {"diff": 0.01, "significant": False},
    }
    assert cost_difference_text("B", "A", 2.1e9, 20, 2025, gains) == (
        "B costs $2.1B more than A over 20 years (present value, 2025 dollars) for "
        "+0.1200 value protected, +0.0100 P(no leaker) (n.s.)"
    )
    assert cost_difference_text("C", "A", -5e8, 20, None, {}).startswith(
        "C costs $500M less than A over 20 years (present value, then-year dollars)"
    )


def test_run_report_has_a_lifecycle_section(tmp_path: Path) -> None:
    import hoplon
    from hoplon.present.html import render_report

    a, _ = _files(tmp_path)
    result = hoplon.load(a).run(trials=50)
    html = render_report(result)
    section = html[html.index('id="lifecycle"') :]
    assert "Life-cycle cost" in section and "<td>p1</td>" in section
    assert "1.3</td>" in section  # $1,272,324.80 in millions


def test_horizon_and_rate_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = _files(tmp_path)
    a.write_text(a.read_text().replace("horizon_years: 3", "horizon_years: 30"))
    args = ["--horizon", "3", "--discount-rate", "0.05", "--no-store", "--json"]
    code, out, _ = _cli(["run", str(a), *args], capsys)
    data = json.loads(out)
    assert code == 0 and round(data["architecture_cost"]["total_usd"], 2) == 1_272_324.80
    assert any("3 years" in note for note in data["variant"])
    code, out, _ = _cli(["compare", str(a), str(b), *args], capsys)
    (diff,) = json.loads(out)["cost_differences"]
    assert diff["comparable"]  # both costed over the 3 years given
    code, _, err = _cli(["run", str(a), "--horizon", "0", "--no-store"], capsys)
    assert code == 2 and "--horizon" in err and "1 to 100" in err
    code, _, err = _cli(["compare", str(a), str(b), "--discount-rate", "2", "--no-store"], capsys)
    assert code == 2 and "--discount-rate" in err
