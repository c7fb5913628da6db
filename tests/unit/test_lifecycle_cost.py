"""Life-cycle cost: the present-value formulas and an architecture's cost.

Hand-computed cases (docs/economics.md, "Life-cycle cost"): one battery bought for
$1,000,000 with $100,000 a year of operating and support, over 3 years at 5 % real.
"""

from __future__ import annotations

import math

import pytest

from hoplon.analysis.costs import architecture_cost
from hoplon.economics import money_in_base_usd
from hoplon.economics.lifecycle import (
    annuity_factor,
    present_value,
    replacement_years,
)
from hoplon.errors import InputError
from hoplon.scenario.loader import load_text

R = 0.05


def test_one_battery_three_years_to_the_cent() -> None:
    # 1e6 + 1e5 / 1.05 + 1e5 / 1.05^2 + 1e5 / 1.05^3
    # = 1,000,000 + 95,238.10 + 90,702.95 + 86,383.76 = 1,272,324.80
    lc = present_value(1_000_000, 100_000, 3, R, 3)
    assert round(lc.total, 2) == 1_272_324.80
    assert round(lc.operating, 2) == 272_324.80
    assert lc.replacement == 0 and lc.residual == 0 and lc.replacements == 0


def test_replacement_and_residual_by_hand() -> None:
    # service life 2 < horizon 3: a second buy at t = 2 (1e6 / 1.05^2 = 907,029.48);
    # the second buy has 2 + 2 - 3 = 1 of its 2 years left at t = 3: half of it is
    # credited back, 500,000 / 1.05^3 = 431,918.80.
    lc = present_value(1_000_000, 100_000, 3, R, 2)
    assert round(lc.replacement, 2) == 907_029.48
    assert round(lc.residual, 2) == 431_918.80
    assert round(lc.acquisition, 2) == round(1_000_000 + 907_029.48 - 431_918.80, 2)
    assert lc.replacements == 1
    without = present_value(1_000_000, 100_000, 3, R, 2, residual=False)
    assert without.residual == 0
    assert round(without.total, 2) == round(1_272_324.80 + 907_029.48, 2)


def test_residual_value_makes_capital_cost_continuous_in_the_horizon() -> None:
    # no jump when the horizon crosses the service life
    below = present_value(1e6, 0, 9, 0.0, 10).acquisition
    at = present_value(1e6, 0, 10, 0.0, 10).acquisition
    above = present_value(1e6, 0, 11, 0.0, 10).acquisition
    assert below == pytest.approx(0.9e6) and at == pytest.approx(1e6)
    assert above == pytest.approx(1.1e6)


def test_existing_counts_only_operating() -> None:
    lc = present_value(1_000_000, 100_000, 3, R, 2, existing=True)
    assert lc.acquisition == 0 and round(lc.total, 2) == 272_324.80


def test_formula_pieces() -> None:
    assert annuity_factor(3, 0.0) == 3.0
    assert math.isclose(annuity_factor(30, R), (1 - 1.05**-30) / R, rel_tol=1e-12)
    assert replacement_years(20, 5) == [5, 10, 15]
    assert replacement_years(3, 3) == []
    with pytest.raises(ValueError, match="horizon"):
        present_value(1, 1, 0, R, 3)
    with pytest.raises(ValueError, match="discount rate"):
        present_value(1, 1, 3, 0.5, 3)
    with pytest.raises(ValueError, match="service life"):
        present_value(1, 1, 3, R, 0)


BASE = """\
hoplon: 1
name: one battery
nations:
  JPN: {name: Japan}
  USA: {name: United States}
units:
  - id: pat
    nation: JPN
    type: Patriot battery
    at: [35.6, 139.7]
    magazine: {PAC-3 MSE: 0}
    cost: {acquisition: 1_000_000, annual_om: 100_000, service_life_years: 3, year: 2025}
economics:
  base_year: 2025
  horizon_years: 3
  discount_rate: 0.05
"""


def test_architecture_cost_of_one_battery_to_the_cent() -> None:
    cost = architecture_cost(load_text(BASE))
    assert round(cost.total_usd, 2) == 1_272_324.80
    assert cost.horizon_years == 3 and cost.discount_rate == 0.05 and cost.base_year == 2025
    assert cost.by_nation == {"JPN": cost.total_usd}
    assert cost.by_program == {"Patriot battery": cost.total_usd}
    (unit,) = cost.by_unit
    assert unit.status == "candidate" and unit.inventory_usd == 0
    data = cost.to_dict()
    assert data["by_unit"][0]["id"] == "pat" and data["total_usd"] == cost.total_usd
    # the caller's horizon and rate win over the scenario's; at 2 of its 3 years a
    # third of the battery's life is left and credited back
    two = architecture_cost(load_text(BASE), horizon_years=2, discount_rate=0.0)
    assert two.total_usd == pytest.approx(1_000_000 + 2 * 100_000 - 1_000_000 / 3)


def test_existing_unit_is_sunk_and_inventory_priced() -> None:
    text = BASE.replace("{PAC-3 MSE: 0}", "{PAC-3 MSE: 4}")
    candidate = architecture_cost(load_text(text))
    loaded = load_text(text)
    pac3 = loaded.catalog.interceptors["PAC-3 MSE"]
    unit_usd = money_in_base_usd(loaded.spec.economics, pac3.unit_cost_usd, "USD", pac3.cost_year)
    assert candidate.inventory_usd == pytest.approx(4 * unit_usd, rel=1e-15)
    existing = architecture_cost(
        load_text(text.replace("    cost:", "    status: existing\n    cost:"))
    )
    assert existing.inventory_usd == 0 and existing.acquisition_usd == 0
    assert round(existing.total_usd, 2) == 272_324.80
    assert existing.existing_usd == existing.total_usd and existing.candidate_usd == 0


def test_currency_and_year_convert_exactly_as_econ() -> None:
    text = BASE.replace(
        "cost: {acquisition: 1_000_000, annual_om: 100_000, service_life_years: 3, year: 2025}",
        "cost: {acquisition: 134_000_000_000, annual_om: 3_000_000_000, currency: JPY, "
        "year: 2018, service_life_years: 30}",
    )
    loaded = load_text(text)
    econ = loaded.spec.economics
    (unit,) = architecture_cost(loaded).by_unit
    assert unit.initial_usd == money_in_base_usd(econ, 134e9, "JPY", 2018)
    annual = money_in_base_usd(econ, 3e9, "JPY", 2018)
    assert unit.operating_usd == annual * annuity_factor(3, 0.05)


def test_catalog_cost_is_deflated_as_econ() -> None:
    text = BASE.replace(
        "    cost: {acquisition: 1_000_000, annual_om: 100_000, service_life_years: 3, year: 2025}\n",
        "",
    )
    loaded = load_text(text)
    entry = loaded.catalog.platforms["Patriot battery"]
    (unit,) = architecture_cost(loaded).by_unit
    assert entry.cost_year is not None and entry.acquisition_cost_usd is not None
    assert unit.initial_usd == money_in_base_usd(
        loaded.spec.economics, entry.acquisition_cost_usd, "USD", entry.cost_year
    )
    assert unit.basis["source"] == entry.cost_source


def test_consortium_shares_split_by_nation() -> None:
    text = BASE.replace("    cost:", "    program: shared\n    cost:") + (
        "  consortia:\n"
        "    - id: shared\n"
        "      name: shared battery\n"
        "      members: [JPN, USA]\n"
        "      rule: fixed\n"
        "      shares: {JPN: 0.25, USA: 0.75}\n"
        "      program_cost: {amount: 1, currency: USD, year: 2025}\n"
    )
    cost = architecture_cost(load_text(text))
    assert cost.by_nation["JPN"] == pytest.approx(0.25 * cost.total_usd)
    assert cost.by_nation["USA"] == pytest.approx(0.75 * cost.total_usd)
    assert cost.by_program == {"shared": cost.total_usd}


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("horizon_years: 3", "horizon_years: 0", "economics.horizon_years"),
        ("discount_rate: 0.05", "discount_rate: 0.9", "economics.discount_rate"),
        ("year: 2025}", "year: 1990}", "units[0].cost.year"),
        ("year: 2025}", "year: 2025, currency: XYZ}", "units[0].cost.currency"),
        ("    cost:", "    program: nope\n    cost:", "units[0].program"),
        ("    cost:", "    status: sunk\n    cost:", "units[0].status"),
    ],
)
def test_bad_cost_input_names_the_field(old: str, new: str, field: str) -> None:
    with pytest.raises(InputError) as err:
        load_text(BASE.replace(old, new), "s.yaml")
    text = str(err.value)
    assert field in text and "s.yaml:" in text


def test_bad_horizon_argument_names_it() -> None:
    with pytest.raises(InputError, match="horizon_years"):
        architecture_cost(load_text(BASE), horizon_years=0)
    with pytest.raises(InputError, match="discount_rate"):
        architecture_cost(load_text(BASE), discount_rate=-0.1)


def test_program_contribution_shares_split_by_nation() -> None:
    text = BASE.replace("    cost:", "    program: codev\n    cost:") + (
        "  programs:\n"
        "    - id: codev\n"
        "      name: co-development\n"
        "      contributions:\n"
        "        JPN: {currency: USD, by_year: {2024: 100}}\n"
        "        USA: {currency: USD, by_year: {2024: 300}}\n"
    )
    cost = architecture_cost(load_text(text))
    # both contributions are 2024 dollars, so the base-year shares are 1/4 and 3/4
    assert cost.by_nation["JPN"] == pytest.approx(0.25 * cost.total_usd, rel=1e-12)
    assert cost.by_nation["USA"] == pytest.approx(0.75 * cost.total_usd, rel=1e-12)
    assert cost.by_unit[0].payers == pytest.approx({"JPN": 0.25, "USA": 0.75})


def test_a_nation_outside_the_program_is_refused() -> None:
    text = BASE.replace("    cost:", "    program: codev\n    cost:") + (
        "  programs:\n"
        "    - id: codev\n"
        "      name: co-development\n"
        "      contributions:\n"
        "        USA: {currency: USD, by_year: {2024: 300}}\n"
    )
    with pytest.raises(InputError, match=r"units\[0\]\.program: JPN does not pay into 'codev'"):
        load_text(text)


def test_sensor_site_with_a_cost_is_costed_and_without_noted() -> None:
    text = BASE.replace(
        "units:",
        "sensors:\n"
        "  - id: radar\n"
        "    nation: JPN\n"
        "    type: J/FPS-5\n"
        "    at: [35.0, 135.0]\n"
        "    status: existing\n"
        "    cost: {annual_om: 10_000, year: 2025}\n"
        "  - id: other\n"
        "    nation: JPN\n"
        "    type: J/FPS-5\n"
        "    at: [35.0, 135.5]\n"
        "units:",
    )
    cost = architecture_cost(load_text(text))
    kinds = {u.id: u.kind for u in cost.by_unit}
    assert kinds == {"pat": "unit", "radar": "sensor"}  # an existing site: its O&S
    assert cost.by_unit[1].operating_usd == pytest.approx(10_000 * annuity_factor(3, R))
    assert any("other" in w for w in cost.warnings)  # no figures: not costed, noted
    with pytest.raises(InputError, match=r"sensors\[0\]\.cost: an acquisition cost needs"):
        load_text(text.replace("cost: {annual_om", "cost: {acquisition: 1, annual_om"))
    priced = text.replace(
        "cost: {annual_om: 10_000, year: 2025}",
        "cost: {acquisition: 5_000, annual_om: 10_000, year: 2025, service_life_years: 10}",
    )
    cost = architecture_cost(load_text(priced))
    radar = next(u for u in cost.by_unit if u.id == "radar")
    assert radar.kind == "sensor" and radar.acquisition_usd == 0  # existing: sunk
    assert radar.operating_usd == pytest.approx(10_000 * annuity_factor(3, R))
    assert cost.total_usd == pytest.approx(1_272_324.80 + radar.operating_usd, abs=0.01)
    # an AN/TPY-2 site is priced from its catalog entry
    tpy2 = architecture_cost(load_text(text.replace("type: J/FPS-5", "type: AN/TPY-2")))
    entry = load_text(BASE).catalog.sensors["AN/TPY-2"]
    other = next(u for u in tpy2.by_unit if u.id == "other")
    assert entry.acquisition_cost_usd is not None and entry.cost_year is not None
    assert other.initial_usd == money_in_base_usd(
        load_text(BASE).spec.economics, entry.acquisition_cost_usd, "USD", entry.cost_year
    )


def test_the_api_costs_a_scenario() -> None:
    import hoplon

    cost = hoplon.load(BASE).cost(horizon_years=3, discount_rate=0.05)
    assert round(cost.total_usd, 2) == 1_272_324.80


def _sites(kind: str, count: int, magazine: dict[str, int]) -> dict[str, object]:
    units = [
        {"id": f"u{i}", "nation": "JPN", "type": kind, "at": [36.0, 139.0], "magazine": magazine}
        for i in range(count)
    ]
    return {
        "hoplon": 1,
        "name": kind,
        "nations": {"JPN": {"name": "Japan"}},
        "agreements": [
            {
                "kind": "technology-transfer",
                "origin": "USA",
                "recipient": "JPN",
                "items": ["SM-3 Block IIA", "PAC-3 MSE"],
            }
        ],
        "units": units,
    }


def test_two_aegis_ashore_sites_against_six_patriot_batteries() -> None:
    """The issue's case, over 20 years at 2 % in 2025 dollars (docs/economics.md)."""
    from hoplon.analysis.costs import default_economics
    from hoplon.scenario.loader import load_data

    econ = default_economics()
    for kind, count, magazine, total_bn in (
        ("Aegis Ashore", 2, {"SM-3 Block IIA": 24}, 4.79),
        ("Patriot battery", 6, {"PAC-3 MSE": 16}, 7.70),
    ):
        loaded = load_data(_sites(kind, count, magazine))
        cost = architecture_cost(loaded)
        entry = loaded.catalog.platforms[kind]
        assert entry.acquisition_cost_usd is not None and entry.cost_year is not None
        assert entry.annual_om_usd is not None and entry.service_life_years is not None
        one = present_value(
            money_in_base_usd(econ, entry.acquisition_cost_usd, "USD", entry.cost_year),
            money_in_base_usd(econ, entry.annual_om_usd, "USD", entry.cost_year),
            20,
            0.02,
            entry.service_life_years,
        )
        ((name, n),) = magazine.items()
        shot = loaded.catalog.interceptors[name]
        rounds = n * money_in_base_usd(econ, shot.unit_cost_usd, "USD", shot.cost_year)
        assert cost.total_usd == pytest.approx(count * (one.total + rounds), rel=1e-12)
        assert cost.total_usd / 1e9 == pytest.approx(total_bn, abs=0.005)
