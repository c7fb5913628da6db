"""The burden-sharing examples against published figures and their recorded results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from hoplon.economics import (
    Economics,
    annual_average_rate,
    check_economics_against_nations,
    run_economics,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SM3 = EXAMPLES / "sm3-block-iia-burden-sharing.yaml"
SEASPARROW = EXAMPLES / "seasparrow-consortium.yaml"


def _load(path: Path) -> tuple[dict[str, Any], Economics]:
    data = yaml.safe_load(path.read_text("utf-8"))
    assert data["hoplon"] == 1 and data["name"]
    assert set(data) <= {"hoplon", "name", "description", "nations", "economics"}
    econ = Economics.model_validate(data["economics"])
    assert check_economics_against_nations(econ, set(data["nations"])) == []
    return data, econ


@pytest.mark.parametrize("path", [SM3, SEASPARROW], ids=lambda p: p.name)
def test_example_loads_through_the_scenario_loader(path):
    from hoplon.scenario.schema import Scenario

    if "economics" not in Scenario.model_fields:
        pytest.skip("the scenario loader does not read economics: yet")
    from hoplon.scenario.loader import load_scenario

    load_scenario(path)


def test_sm3_block_iia_reproduces_the_aaf_headline():
    # American Action Forum, "U.S.-Japan Missile Defense Cooperation: Increasing
    # Security and Cutting Costs", 2 December 2015: cooperation "has saved the
    # United States $431 million so far - or 18 percent of the total program
    # cost to date", yen converted at the annual average rate of the year
    # appropriated. Same basis here: then-year USD at each year's annual average.
    _, econ = _load(SM3)
    program = run_economics(econ)["programs"][0]
    assert program["contributions_nominal_usd"]["JPN"] == pytest.approx(431e6, abs=5e6)
    assert program["savings_nominal_usd"]["USA"] == pytest.approx(431e6, abs=5e6)
    assert program["shares_nominal"]["JPN"] == pytest.approx(0.18, abs=0.005)


def test_sm3_block_iia_recorded_base_year_figures():
    # Recorded result (2025 dollars, shipped BEA deflator and ECB rates).
    _, econ = _load(SM3)
    program = run_economics(econ)["programs"][0]
    assert program["total_nominal_usd"] == pytest.approx(2_394.38e6, rel=1e-5)
    assert program["total_usd"] == pytest.approx(3_370.95e6, rel=1e-5)
    assert program["contributions_usd"]["JPN"] == pytest.approx(618.34e6, rel=1e-5)
    assert program["shares"]["JPN"] == pytest.approx(0.18343, abs=1e-5)


def test_seasparrow_shares_and_japan_joining_by_hand():
    data, econ = _load(SEASPARROW)
    members = econ.consortia[0].members
    assert sorted(members) == sorted(
        ["AUS", "BEL", "CAN", "DNK", "DEU", "GRC", "NLD", "NOR", "PRT", "ESP", "TUR", "USA"]
    )
    result = run_economics(econ, join=[("seasparrow", "JPN")])
    k = result["consortia"][0]
    buys = dict(econ.consortia[0].buys or {})
    total = sum(buys.values())  # 2,420 notional missiles
    # $1.5 B of 2015 in 2025 dollars, BEA NIPA Table 1.1.9: 128.986 / 97.316.
    cost = 1.5e9 * 128.986 / 97.316
    assert k["program_cost_usd"] == pytest.approx(cost, rel=1e-12)
    w = k["what_if"]
    for m in members:
        assert k["shares"][m] == pytest.approx(buys[m] / total)
        assert w["shares"][m] == pytest.approx(buys[m] / (total + 300))
        assert w["saving_vs_baseline_usd"][m] > 0
        assert w["saving_vs_baseline_usd"][m] == pytest.approx(
            cost * (buys[m] / total - buys[m] / (total + 300))
        )
    assert w["shares"]["JPN"] == pytest.approx(300 / 2720)
    assert sum(w["saving_vs_baseline_usd"].values()) == pytest.approx(0.0, abs=1e-3)
    assert "JPN" not in data["nations"]


@pytest.mark.parametrize(
    ("year", "published"),
    [
        (2012, 79.82),
        (2013, 97.60),
        (2014, 105.74),
        (2015, 121.05),
        (2020, 106.7754),
        (2023, 140.5001),
    ],
)
def test_yen_annual_averages_agree_with_the_federal_reserve(year, published):
    # Federal Reserve G.5A annual averages, yen per dollar (releases of 4 January
    # 2016, 1 November 2021 and 1 February 2024). The Fed averages New York noon
    # rates, the ECB fixes at 14:15 CET: agreement within 0.5 %.
    assert annual_average_rate("USD", "JPY", year) == pytest.approx(published, rel=0.005)
