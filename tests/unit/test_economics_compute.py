"""Burden-sharing sums on hand-computed cases."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rich.console import Console

from hoplon.economics import (
    Economics,
    WhatIfError,
    annual_average_rate,
    cost_shares,
    money_in_base_usd,
    parse_membership_change,
    run_economics,
)
from hoplon.present.economics import render_economics


def _program(contributions: dict[str, Any], **econ: Any) -> Economics:
    return Economics.model_validate(
        {"programs": [{"id": "p", "name": "P", "contributions": contributions}], **econ}
    )


def _consortium(**k: Any) -> Economics:
    base = {
        "id": "k",
        "name": "K",
        "program_cost": {"amount": 1200.0, "currency": "USD", "year": 2015},
    }
    return Economics.model_validate({"deflator": "none", "consortia": [{**base, **k}]})


def test_program_shares_and_savings_by_hand():
    econ = _program(
        {
            "USA": {"currency": "USD", "by_year": {2010: 300.0, 2011: 100.0}},
            "NOR": {"currency": "USD", "by_year": {2012: 100.0}},
        },
        deflator="none",
    )
    p = run_economics(econ)["programs"][0]
    assert p["total_usd"] == 500.0
    assert p["contributions_usd"] == {"USA": 400.0, "NOR": 100.0}
    assert p["shares"] == {"USA": 0.8, "NOR": 0.2}
    # Each partner's saving = the others' contributions.
    assert p["savings_usd"] == {"USA": 100.0, "NOR": 400.0}
    assert p["total_nominal_usd"] == 500.0


def test_conversion_then_deflation_by_hand():
    # BEA NIPA Table 1.1.9 (shipped file): 2010 = 89.632, 2015 = 97.316, 2017 = 100.
    econ = _program(
        {
            "USA": {"currency": "USD", "by_year": {2010: 100.0}},
            "JPN": {"currency": "JPY", "by_year": {2015: 12_000.0}},
        },
        base_year=2017,
    )
    p = run_economics(econ)["programs"][0]
    usa = 100.0 * 100.0 / 89.632
    jpn = 12_000.0 / annual_average_rate("USD", "JPY", 2015) * 100.0 / 97.316
    assert p["contributions_usd"]["USA"] == pytest.approx(usa, rel=1e-12)
    assert p["contributions_usd"]["JPN"] == pytest.approx(jpn, rel=1e-12)
    assert p["shares"]["JPN"] == pytest.approx(jpn / (usa + jpn))
    assert p["contributions_nominal_usd"]["USA"] == 100.0
    line = next(x for x in p["lines"] if x["nation"] == "JPN")
    assert line["deflator_factor"] == pytest.approx(100.0 / 97.316)
    assert money_in_base_usd(econ, 100.0, "USD", 2010) == pytest.approx(usa)


@pytest.mark.parametrize(
    ("rule", "inputs", "expected"),
    [
        ("equal", {}, {"A": 1 / 3, "B": 1 / 3, "C": 1 / 3}),
        ("pro-rata-buys", {"buys": {"A": 1, "B": 3, "C": 4}}, {"A": 0.125, "B": 0.375, "C": 0.5}),
        ("gdp", {"gdp_usd": {"A": 2, "B": 6, "C": 2}}, {"A": 0.2, "B": 0.6, "C": 0.2}),
        ("fixed", {"shares": {"A": 0.5, "B": 0.3, "C": 0.2}}, {"A": 0.5, "B": 0.3, "C": 0.2}),
    ],
)
def test_each_cost_share_rule(rule, inputs, expected):
    got = cost_shares(rule, ["A", "B", "C"], **inputs)
    assert got == pytest.approx(expected)
    assert sum(got.values()) == pytest.approx(1.0)


def test_consortium_costs_and_savings_vs_alone():
    econ = _consortium(members=["USA", "NOR", "DNK"], rule="equal")
    k = run_economics(econ)["consortia"][0]
    assert k["costs_usd"] == pytest.approx({"USA": 400.0, "NOR": 400.0, "DNK": 400.0})
    assert k["savings_usd"] == pytest.approx({"USA": 800.0, "NOR": 800.0, "DNK": 800.0})
    assert k["what_if"] is None


def test_equal_join_and_leave():
    econ = _consortium(members=["USA", "NOR", "DNK"], rule="equal")
    k = run_economics(econ, join=[("k", "JPN")])["consortia"][0]
    w = k["what_if"]
    assert w["members"] == ["USA", "NOR", "DNK", "JPN"]
    assert w["shares"] == pytest.approx({n: 0.25 for n in w["members"]})
    assert w["saving_vs_baseline_usd"] == pytest.approx(
        {"USA": 100.0, "NOR": 100.0, "DNK": 100.0, "JPN": -300.0}
    )
    assert w["share_change"]["JPN"] == pytest.approx(0.25)
    w = run_economics(econ, leave=[("k", "DNK")])["consortia"][0]["what_if"]
    assert w["shares"] == pytest.approx({"USA": 0.5, "NOR": 0.5})
    assert w["saving_vs_baseline_usd"] == pytest.approx(
        {"USA": -200.0, "NOR": -200.0, "DNK": 400.0}
    )


def test_pro_rata_join_uses_the_candidates_buys():
    econ = _consortium(
        members=["USA", "NOR"],
        rule="pro-rata-buys",
        buys={"USA": 6, "NOR": 2},
        candidates={"JPN": {"buys": 4}},
    )
    k = run_economics(econ, join=[("k", "JPN")])["consortia"][0]
    assert k["shares"] == pytest.approx({"USA": 0.75, "NOR": 0.25})
    assert k["what_if"]["shares"] == pytest.approx({"USA": 0.5, "NOR": 1 / 6, "JPN": 1 / 3})
    assert k["what_if"]["saving_vs_baseline_usd"]["USA"] == pytest.approx(1200 * 0.25)


def test_gdp_leave():
    econ = _consortium(
        members=["USA", "NOR", "DNK"], rule="gdp", gdp_usd={"USA": 8, "NOR": 1, "DNK": 1}
    )
    w = run_economics(econ, leave=[("k", "USA")])["consortia"][0]["what_if"]
    assert w["shares"] == pytest.approx({"NOR": 0.5, "DNK": 0.5})


def test_fixed_join_rescales_the_members_and_leave_renormalises():
    econ = _consortium(
        members=["USA", "NOR", "DNK"],
        rule="fixed",
        shares={"USA": 0.5, "NOR": 0.3, "DNK": 0.2},
        candidates={"JPN": {"share": 0.2}},
    )
    w = run_economics(econ, join=[("k", "JPN")])["consortia"][0]["what_if"]
    assert w["shares"] == pytest.approx({"USA": 0.4, "NOR": 0.24, "DNK": 0.16, "JPN": 0.2})
    w = run_economics(econ, leave=[("k", "DNK")])["consortia"][0]["what_if"]
    assert w["shares"] == pytest.approx({"USA": 0.625, "NOR": 0.375})


@pytest.mark.parametrize(
    ("join", "leave", "message"),
    [
        ([("nope", "JPN")], [], "no consortium 'nope'; consortia are: k"),
        ([("k", "USA")], [], "USA is already a member of k"),
        ([], [("k", "JPN")], "JPN is not a member of k; members are USA, NOR"),
        ([("k", "XXX")], [], "'XXX' is not an ISO 3166-1 alpha-3"),
        ([("k", "SWE")], [], "rule pro-rata-buys needs its buys"),
        ([], [("k", "USA"), ("k", "NOR")], "every member leaves k"),
    ],
)
def test_impossible_what_ifs_are_refused(join, leave, message):
    econ = _consortium(
        members=["USA", "NOR"],
        rule="pro-rata-buys",
        buys={"USA": 6, "NOR": 2},
        candidates={"JPN": {"buys": 4}},
    )
    with pytest.raises(WhatIfError, match=message):
        run_economics(econ, join=join, leave=leave)


def test_parse_membership_change():
    assert parse_membership_change("seasparrow:JPN") == ("seasparrow", "JPN")
    for bad in ("seasparrow", "seasparrow:", ":JPN", "a:b:c"):
        with pytest.raises(ValueError, match="is not CONSORTIUM:NATION"):
            parse_membership_change(bad)


def test_result_is_json_and_states_its_assumptions():
    econ = _program({"USA": {"currency": "USD", "by_year": {2010: 1.0}}}, base_year=2025)
    result = run_economics(econ)
    json.dumps(result)
    assert result["base_year"] == 2025 and result["deflator"] == "us-gdp"
    text = " ".join(result["assumptions"])
    assert "others' contributions" in text or "other partners' contributions" in text
    assert "conversion first, deflation second" in text
    assert "BEA NIPA Table 1.1.9" in result["sources"]["deflator"]


def test_render_prints_every_table():
    econ = _consortium(
        members=["USA", "NOR"],
        rule="fixed",
        shares={"USA": 0.6, "NOR": 0.4},
        candidates={"JPN": {"share": 0.1}},
    )
    console = Console(record=True, width=160)
    render_economics(run_economics(econ, join=[("k", "JPN")]), console)
    out = console.export_text()
    assert "Consortium: K (k)" in out and "What if JPN joins (k)" in out and "Assumptions" in out
