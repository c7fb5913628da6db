"""Burden sharing: co-development programs, consortia, exchange rates and constant dollars.

Public API:

- :class:`Economics` (and its parts) — the validated ``economics:`` section;
- :func:`check_economics_against_nations` — nations named here but not in the scenario;
- :func:`run_economics` — the result dict of ``hoplon econ FILE``;
- :func:`parse_membership_change` — ``"seasparrow:JPN"`` -> ``("seasparrow", "JPN")``;
- :func:`money_in_base_usd` — any amount, currency and year in the result's dollars;
- rates and deflators: :func:`annual_average_rate`, :func:`deflate`.
"""

from hoplon.economics.compute import (
    WhatIfError,
    compute_economics,
    consortium_result,
    cost_shares,
    money_in_base_usd,
    parse_membership_change,
    program_result,
    run_economics,
    what_if_shares,
)
from hoplon.economics.deflators import DeflatorError, deflate, deflator_years, us_gdp_deflator
from hoplon.economics.rates import (
    RateDataError,
    annual_average_rate,
    available_years,
    ecb_currencies,
    to_usd,
)
from hoplon.economics.schema import (
    Candidate,
    Consortium,
    Contribution,
    Economics,
    Money,
    ProductionLine,
    Program,
    check_economics_against_nations,
    check_nation_code,
)

__all__ = [
    "Candidate",
    "Consortium",
    "Contribution",
    "DeflatorError",
    "Economics",
    "Money",
    "ProductionLine",
    "Program",
    "RateDataError",
    "WhatIfError",
    "annual_average_rate",
    "available_years",
    "check_economics_against_nations",
    "check_nation_code",
    "compute_economics",
    "consortium_result",
    "cost_shares",
    "deflate",
    "deflator_years",
    "ecb_currencies",
    "money_in_base_usd",
    "parse_membership_change",
    "program_result",
    "run_economics",
    "to_usd",
    "us_gdp_deflator",
    "what_if_shares",
]
