"""Validation of the economics: section: what is refused, where, and with what message."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from hoplon.economics import Economics, check_economics_against_nations
from hoplon.economics.rates import ecb_data_end


def _econ(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "base_year": 2025,
        "programs": [
            {
                "id": "p",
                "name": "Program",
                "contributions": {
                    "USA": {"currency": "USD", "by_year": {2010: 100.0}},
                    "JPN": {"currency": "JPY", "by_year": {2010: 8_000.0}},
                },
            }
        ],
        "consortia": [
            {
                "id": "k",
                "name": "Consortium",
                "members": ["USA", "NOR", "DNK"],
                "rule": "fixed",
                "shares": {"USA": 0.5, "NOR": 0.3, "DNK": 0.2},
                "program_cost": {"amount": 1000.0, "currency": "EUR", "year": 2015},
            }
        ],
    }
    data.update(overrides)
    return data


def _error(data: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    with pytest.raises(ValidationError) as info:
        Economics.model_validate(data)
    first = info.value.errors()[0]
    return first["loc"], first["msg"]


def test_a_valid_section_loads_and_is_frozen():
    econ = Economics.model_validate(_econ())
    assert econ.currency == "USD" and econ.deflator == "us-gdp"
    with pytest.raises(ValidationError):
        econ.base_year = 2020  # type: ignore[misc]


def test_year_keys_given_as_strings_are_accepted():
    # The scenario loader turns every mapping key into a string.
    data = _econ()
    data["programs"][0]["contributions"]["USA"]["by_year"] = {"2010": 100.0}
    econ = Economics.model_validate(data)
    assert econ.programs[0].contributions["USA"].by_year == {2010: 100.0}


def test_unknown_currency_is_refused_at_the_field_with_the_accepted_list():
    data = _econ()
    data["programs"][0]["contributions"]["JPN"]["currency"] = "XYZ"
    loc, msg = _error(data)
    assert loc == ("programs", 0, "contributions", "JPN", "currency")
    assert "unknown currency 'XYZ'; ECB reference currencies are: AUD, BGN" in msg


def test_year_without_rate_data_is_refused_at_by_year():
    data = _econ(deflator="none")
    data["programs"][0]["contributions"]["JPN"]["by_year"] = {1998: 5.0}
    loc, msg = _error(data)
    assert loc == ("programs", 0, "contributions", "JPN", "by_year")
    assert "no exchange-rate data for JPY in 1998; available years for JPY are 1999–" in msg


def test_program_cost_in_the_unfinished_year_of_the_data_is_refused():
    year = ecb_data_end().year
    if ecb_data_end().month == 12 and ecb_data_end().day == 31:
        year += 1
    data = _econ(deflator="none")
    data["consortia"][0]["program_cost"]["year"] = year
    loc, msg = _error(data)
    assert loc[:3] == ("consortia", 0, "program_cost")
    assert f"no exchange-rate data for EUR in {year}" in msg


def test_shares_not_summing_to_one_are_refused_at_shares():
    data = _econ()
    data["consortia"][0]["shares"] = {"USA": 0.5, "NOR": 0.25, "DNK": 0.2}
    loc, msg = _error(data)
    assert loc == ("consortia", 0, "shares")
    assert "shares sum to 0.95; they must sum to 1" in msg


def test_shares_within_tolerance_are_accepted():
    data = _econ()
    data["consortia"][0]["shares"] = {"USA": 0.5, "NOR": 0.3, "DNK": 0.2000004}
    Economics.model_validate(data)


def test_shares_must_name_exactly_the_members():
    data = _econ()
    data["consortia"][0]["shares"] = {"USA": 0.5, "NOR": 0.5}
    loc, msg = _error(data)
    assert loc == ("consortia", 0)
    assert "shares must name exactly the members (USA, NOR, DNK): missing for DNK" in msg


def test_rule_inputs_must_match_the_rule():
    data = _econ()
    data["consortia"][0]["rule"] = "equal"
    _, msg = _error(data)
    assert "shares is used only with rule: fixed, but rule is equal" in msg
    data["consortia"][0].pop("shares")
    data["consortia"][0]["rule"] = "pro-rata-buys"
    _, msg = _error(data)
    assert "rule pro-rata-buys needs buys: a value for each member (USA, NOR, DNK)" in msg


def test_gdp_rule_needs_candidates_gdp():
    data = _econ()
    k = data["consortia"][0]
    k.pop("shares")
    k["rule"] = "gdp"
    k["gdp_usd"] = {"USA": 20e12, "NOR": 0.5e12, "DNK": 0.4e12}
    k["candidates"] = {"JPN": {"buys": 10}}
    _, msg = _error(data)
    assert "rule gdp needs gdp_usd for each candidate; missing for JPN" in msg


def test_bad_nation_code_suggests_close_codes():
    data = _econ()
    data["consortia"][0]["members"] = ["USA", "NOR", "DNX"]
    loc, msg = _error(data)
    assert loc == ("consortia", 0, "members", 2)
    assert "'DNX' is not an ISO 3166-1 alpha-3 country code" in msg and "DNK" in msg


def test_duplicate_members_and_ids_are_refused():
    data = _econ()
    data["consortia"][0]["members"] = ["USA", "NOR", "USA"]
    assert "members listed more than once: USA" in _error(data)[1]
    data = _econ()
    data["programs"] = data["programs"] * 2
    assert "programs: duplicate id p" in _error(data)[1]


def test_base_year_is_required_with_the_deflator_and_must_be_covered():
    assert "base_year is required with deflator: us-gdp" in _error(_econ(base_year=None))[1]
    loc, msg = _error(_econ(base_year=2030))
    assert loc == ("base_year",)
    assert (
        "no US GDP deflator for 2030; the shipped series (BEA NIPA Table 1.1.9) covers 1999–" in msg
    )
    Economics.model_validate(_econ(base_year=None, deflator="none"))


def test_only_usd_is_a_reporting_currency():
    loc, msg = _error(_econ(currency="EUR"))
    assert loc == ("currency",)
    assert "accepted: USD" in msg


def test_negative_amounts_and_unknown_keys_are_refused():
    data = _econ()
    data["programs"][0]["contributions"]["USA"]["by_year"] = {2010: -1.0}
    assert _error(data)[0][:5] == ("programs", 0, "contributions", "USA", "by_year")
    assert _error(_econ(programme=[]))[0] == ("programme",)


def test_nations_not_in_the_scenario_are_reported_with_paths():
    data = _econ(
        production=[
            {
                "nation": "JPN",
                "interceptor": "PAC-3 MSE",
                "units_per_year": 30,
                "licensed_from": "USA",
            }
        ]
    )
    data["consortia"][0]["candidates"] = {"SWE": {"share": 0.1}}
    econ = Economics.model_validate(data)
    problems = check_economics_against_nations(econ, {"USA", "NOR"})
    paths = [p for p, _ in problems]
    assert paths == [
        "economics.programs[0].contributions.JPN",
        "economics.consortia[0].members[2]",
        "economics.production[0].nation",
    ]
    assert "'JPN' is not in nations (NOR, USA)" in problems[0][1]
    assert check_economics_against_nations(econ, {"USA", "NOR", "DNK", "JPN"}) == []
