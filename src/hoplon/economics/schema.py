"""The scenario's ``economics:`` section: validated, immutable models.

Everything checkable without the rest of the scenario is checked here: codes,
currencies, years with rate and deflator data, cost-share rules and their
inputs. Whether the nations named here are the scenario's ``nations`` is
checked by :func:`check_economics_against_nations`, which the scenario loader
calls. See docs/economics.md for the YAML shape and every formula.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections import Counter
from typing import Annotated, Literal

import pycountry
from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hoplon.economics.deflators import check_deflator_year, deflator_years
from hoplon.economics.lifecycle import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_HORIZON_YEARS,
    MAX_DISCOUNT_RATE,
    MAX_HORIZON_YEARS,
)
from hoplon.economics.rates import check_currency, check_rate_year, format_years
from hoplon.errors import FieldPath, FieldValueError
from hoplon.numbers import NoBoolNumbers

__all__ = [
    "Candidate",
    "Consortium",
    "Contribution",
    "Economics",
    "Money",
    "ProductionLine",
    "Program",
    "SHARE_RULES",
    "SHARES_TOLERANCE",
    "check_economics_against_nations",
    "check_nation_code",
]

SHARES_TOLERANCE = 1e-6
SHARE_RULES = ("equal", "pro-rata-buys", "gdp", "fixed")
ShareRule = Literal["equal", "pro-rata-buys", "gdp", "fixed"]


@functools.cache
def _iso3_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


#: Two-letter codes in common use that are not ISO 3166-1 alpha-2 (the EU's for the
#: United Kingdom and Greece).
_COMMON_ALPHA2 = {"UK": "GBR", "EL": "GRC"}


def _alpha3_of_alpha2(code: str) -> str | None:
    """The alpha-3 code of a two-letter country code (ISO alpha-2, or UK and EL)."""
    if len(code) != 2:
        return None
    if code in _COMMON_ALPHA2:
        return _COMMON_ALPHA2[code]
    country = pycountry.countries.get(alpha_2=code)
    return None if country is None else str(country.alpha_3)


def check_nation_code(code: str) -> str:
    """Return ``code`` if it is an ISO 3166-1 alpha-3 country code; else ValueError with a hint."""
    if code in _iso3_codes():
        return code
    hint = ""
    close = difflib.get_close_matches(code.upper(), sorted(_iso3_codes()), n=3, cutoff=0.6)
    two = _alpha3_of_alpha2(code.upper())
    if code.upper() in _iso3_codes():
        hint = f"; did you mean {code.upper()}? (codes are upper case)"
    elif two is not None:
        hint = f"; did you mean {two}? ({code} is a two-letter code)"
    elif close:
        hint = "; did you mean " + " or ".join(close) + "?"
    raise ValueError(
        f"'{code}' is not an ISO 3166-1 alpha-3 country code (three capital letters, e.g. JPN){hint}"
    )


def _check_currency_code(code: str) -> str:
    check_currency(code)
    return code


Iso3 = Annotated[
    str,
    AfterValidator(check_nation_code),
    Field(description="ISO 3166-1 alpha-3 country code, e.g. JPN."),
]
CurrencyCode = Annotated[
    str,
    AfterValidator(_check_currency_code),
    Field(description="ISO 4217 code of an ECB reference currency (or EUR), e.g. JPY."),
]
Identifier = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        max_length=64,
        description="Identifier: letters, digits, '-', '_', '.'; no ':' (the CLI splits on it).",
    ),
]
#: Largest amount of money accepted, in any currency: a thousand trillion (1e15), above
#: any defense budget in any currency (sums of such amounts stay finite).
MAX_AMOUNT = 1e15
Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Year = Annotated[int, Field(ge=1900, le=2100)]


class _Frozen(NoBoolNumbers):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Contribution(_Frozen):
    """One nation's contributions to a program, by year of appropriation, in one currency."""

    currency: CurrencyCode = Field(
        description=(
            "ISO 4217 code of the currency the amounts are in (an ECB reference currency, "
            "e.g. USD, JPY, EUR)."
        )
    )
    by_year: dict[Year, Amount] = Field(
        min_length=1,
        description=(
            "Year appropriated -> amount appropriated that year, in then-year units of "
            "`currency` (whole units, not millions)."
        ),
    )

    @field_validator("by_year")
    @classmethod
    def _years_have_rates(cls, by_year: dict[int, float], info: ValidationInfo) -> dict[int, float]:
        currency = info.data.get("currency")
        if currency is not None:
            for year in sorted(by_year):
                try:
                    check_rate_year(currency, year)
                except ValueError as exc:  # located at the year's own line
                    raise FieldValueError(str(exc), (str(year),)) from None
        return by_year


class Program(_Frozen):
    """A co-development program: each partner's contributions by year."""

    id: Identifier = Field(description="Unique program identifier, e.g. sm3-block-iia.")
    name: str = Field(min_length=1, description="Display name of the program.")
    description: str | None = Field(default=None, description="Free text: scope, sources, caveats.")
    contributions: dict[Iso3, Contribution] = Field(
        min_length=1,
        description="Partner nation (ISO 3166-1 alpha-3) -> its contributions by year.",
    )


class Money(_Frozen):
    """An amount of money of a stated currency and year."""

    amount: float = Field(
        gt=0, le=MAX_AMOUNT, allow_inf_nan=False, description="Amount in units of `currency`."
    )
    currency: CurrencyCode = Field(description="ISO 4217 code of an ECB reference currency.")
    year: Year = Field(
        description="Year whose money the amount is in; also the year of the exchange rate used."
    )

    @model_validator(mode="after")
    def _year_has_rate(self) -> Money:
        try:
            check_rate_year(self.currency, self.year)
        except ValueError as exc:  # located at the year, not the amount's mapping
            raise FieldValueError(str(exc), ("year",)) from None
        return self


class Candidate(_Frozen):
    """Data for a nation that may join a consortium in a what-if (see docs/economics.md)."""

    buys: float | None = Field(
        default=None,
        ge=0,
        le=1e9,
        allow_inf_nan=False,
        description="Units the candidate would buy (rule pro-rata-buys).",
    )
    gdp_usd: float | None = Field(
        default=None,
        gt=0,
        le=MAX_AMOUNT,
        allow_inf_nan=False,
        description="The candidate's GDP in US dollars (rule gdp), same year basis as the members'.",
    )
    share: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description=(
            "Fraction of the program cost the candidate would take (rule fixed); "
            "the members' shares are scaled down to make room."
        ),
    )


_RULE_FIELD = {"pro-rata-buys": "buys", "gdp": "gdp_usd", "fixed": "shares"}


class Consortium(_Frozen):
    """A consortium sharing one program cost among its members by a cost-share rule."""

    id: Identifier = Field(description="Unique consortium identifier, e.g. seasparrow.")
    name: str = Field(min_length=1, description="Display name of the consortium.")
    description: str | None = Field(default=None, description="Free text: scope, sources, caveats.")
    members: tuple[Iso3, ...] = Field(
        min_length=1, description="Member nations (ISO 3166-1 alpha-3), each once."
    )
    rule: ShareRule = Field(
        description=(
            "Cost-share rule: equal (1/n each), pro-rata-buys (in proportion to `buys`), "
            "gdp (in proportion to `gdp_usd`), fixed (the stated `shares`)."
        )
    )
    program_cost: Money = Field(
        description="The cost the members share: {amount, currency, year}, in money of that year."
    )
    shares: dict[Iso3, float] | None = Field(
        default=None,
        description="Rule fixed only: member -> fraction of the cost (0..1); they must sum to 1.",
    )
    buys: dict[Iso3, Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]] | None = Field(
        default=None,
        description="Rule pro-rata-buys only: member -> units it buys (missiles); total > 0.",
    )
    gdp_usd: dict[Iso3, Annotated[float, Field(gt=0, allow_inf_nan=False)]] | None = Field(
        default=None,
        description=(
            "Rule gdp only: member -> GDP in US dollars (state the year and source in "
            "`description`); no GDP table is shipped."
        ),
    )
    candidates: dict[Iso3, Candidate] = Field(
        default_factory=dict,
        description=(
            "Non-members that may join in a what-if -> the data the rule needs for them "
            "(buys, gdp_usd or share). Need not be in the scenario's nations."
        ),
    )

    @field_validator("members")
    @classmethod
    def _unique_members(cls, members: tuple[str, ...]) -> tuple[str, ...]:
        dup = sorted(c for c, n in Counter(members).items() if n > 1)
        if dup:
            raise ValueError(f"members listed more than once: {', '.join(dup)}; list each once")
        return members

    @field_validator("shares")
    @classmethod
    def _shares_sum_to_one(cls, shares: dict[str, float] | None) -> dict[str, float] | None:
        if shares is None:
            return None
        bad = sorted(c for c, s in shares.items() if not (0.0 <= s <= 1.0) or math.isnan(s))
        if bad:
            raise ValueError(f"shares of {', '.join(bad)} are outside 0..1; each share is 0..1")
        total = math.fsum(shares.values())
        if abs(total - 1.0) > SHARES_TOLERANCE:
            raise ValueError(
                f"shares sum to {total:.6g}; they must sum to 1 (within {SHARES_TOLERANCE:g})"
            )
        return shares

    @model_validator(mode="after")
    def _rule_inputs(self) -> Consortium:
        needed = _RULE_FIELD.get(self.rule)
        for field in _RULE_FIELD.values():
            given = getattr(self, field)
            if field != needed and given is not None:
                users = [r for r, f in _RULE_FIELD.items() if f == field]
                raise ValueError(
                    f"{field} is used only with rule: {users[0]}, but rule is {self.rule}; "
                    f"remove {field} or set rule: {users[0]}"
                )
        members = set(self.members)
        if needed is not None:
            given = getattr(self, needed)
            if given is None:
                raise ValueError(
                    f"rule {self.rule} needs {needed}: a value for each member "
                    f"({', '.join(self.members)})"
                )
            missing = [m for m in self.members if m not in given]
            extra = sorted(set(given) - members)
            if missing or extra:
                parts = []
                if missing:
                    parts.append(f"missing for {', '.join(missing)}")
                if extra:
                    parts.append(f"given for non-members {', '.join(extra)}")
                raise ValueError(
                    f"{needed} must name exactly the members ({', '.join(self.members)}): "
                    + "; ".join(parts)
                )
            if needed == "buys" and math.fsum(given.values()) <= 0:
                raise ValueError("buys sum to 0; at least one member must buy something")
        clash = sorted(set(self.candidates) & members)
        if clash:
            raise ValueError(
                f"candidates {', '.join(clash)} are already members; a candidate is a non-member"
            )
        candidate_field = {"pro-rata-buys": "buys", "gdp": "gdp_usd", "fixed": "share"}.get(
            self.rule
        )
        if candidate_field is not None:
            lacking = [c for c, d in self.candidates.items() if getattr(d, candidate_field) is None]
            if lacking:
                raise ValueError(
                    f"rule {self.rule} needs {candidate_field} for each candidate; "
                    f"missing for {', '.join(lacking)}"
                )
        return self


class ProductionLine(_Frozen):
    """A nation's production rate of one interceptor (used to compute replacement times)."""

    nation: Iso3 = Field(description="Producing nation (ISO 3166-1 alpha-3).")
    interceptor: str = Field(
        min_length=1, description="Interceptor name as in the catalog, e.g. PAC-3 MSE."
    )
    units_per_year: float = Field(
        gt=0, allow_inf_nan=False, description="Production rate, interceptors per year."
    )
    licensed_from: Iso3 | None = Field(
        default=None,
        description="Origin nation when this is licensed or co-production (ISO 3166-1 alpha-3).",
    )

    @model_validator(mode="after")
    def _licensor_differs(self) -> ProductionLine:
        if self.licensed_from == self.nation:
            raise ValueError(
                f"licensed_from is {self.nation}, the producing nation itself; "
                "name the origin nation or leave licensed_from out"
            )
        return self


class Economics(_Frozen):
    """The ``economics:`` section: programs, consortia and production, with money conventions."""

    currency: str = Field(
        default="USD",
        description="Reporting currency of the results; only USD (results are *_usd fields).",
    )
    deflator: Literal["us-gdp", "none"] = Field(
        default="us-gdp",
        description=(
            "us-gdp: deflate then-year dollars to base_year dollars with the US GDP implicit "
            "price deflator (BEA NIPA Table 1.1.9); none: keep then-year (nominal) dollars."
        ),
    )
    base_year: Year | None = Field(
        default=None,
        description=(
            "Year whose dollars results are expressed in (constant base-year USD). "
            "Required with deflator us-gdp; with deflator none results are then-year USD."
        ),
    )
    programs: tuple[Program, ...] = Field(
        default=(), description="Co-development programs with contributions by nation and year."
    )
    consortia: tuple[Consortium, ...] = Field(
        default=(), description="Consortia sharing a program cost by a cost-share rule."
    )
    production: tuple[ProductionLine, ...] = Field(
        default=(), description="Interceptor production rates, for replacement times."
    )
    horizon_years: int | None = Field(
        default=None,
        ge=1,
        le=MAX_HORIZON_YEARS,
        description=(
            "Life-cycle cost horizon, whole years from the base year (default "
            f"{DEFAULT_HORIZON_YEARS}); see docs/economics.md, 'Life-cycle cost'."
        ),
    )
    discount_rate: float | None = Field(
        default=None,
        ge=0,
        le=MAX_DISCOUNT_RATE,
        allow_inf_nan=False,
        description=(
            "Real discount rate for life-cycle costs, a fraction a year (0.02 = 2 %); default "
            f"{DEFAULT_DISCOUNT_RATE:g} (OMB Circular A-94 practice, docs/economics.md)."
        ),
    )
    residual_value: bool = Field(
        default=True,
        description=(
            "Credit the straight-line value of the life left in each unit's last buy at the "
            "end of the horizon (false: no credit)."
        ),
    )

    @field_validator("base_year")
    @classmethod
    def _base_year_deflatable(cls, base_year: int | None, info: ValidationInfo) -> int | None:
        if base_year is not None and info.data.get("deflator") == "us-gdp":
            try:
                check_deflator_year(base_year)
            except ValueError as exc:
                raise ValueError(f"{exc} (or set deflator: none)") from None
        return base_year

    @field_validator("currency")
    @classmethod
    def _usd_only(cls, currency: str) -> str:
        if currency != "USD":
            raise ValueError(
                f"reporting currency '{currency}' is not supported; accepted: USD (results are "
                "*_usd fields and the shipped deflator is the US GDP deflator). Contributions "
                "may still be in any ECB reference currency"
            )
        return currency

    @model_validator(mode="after")
    def _consistent(self) -> Economics:
        for kind, items in (("programs", self.programs), ("consortia", self.consortia)):
            dup = sorted(i for i, n in Counter(x.id for x in items).items() if n > 1)
            if dup:
                raise ValueError(f"{kind}: duplicate id {', '.join(dup)}; each id must be unique")
        if self.deflator == "us-gdp":
            covered = format_years(deflator_years())
            if self.base_year is None:
                raise ValueError(
                    f"base_year is required with deflator: us-gdp; give a year in {covered} "
                    "or set deflator: none for then-year dollars"
                )
            for i, p in enumerate(self.programs):
                for nation, c in p.contributions.items():
                    for year in sorted(c.by_year):
                        _at(("programs", i, "contributions", nation, "by_year", str(year)), year)
            for i, k in enumerate(self.consortia):
                _at(("consortia", i, "program_cost", "year"), k.program_cost.year)
        return self


def _at(path: FieldPath, year: int) -> None:
    """Check that the deflator covers ``year``; a refusal is located at ``path`` (from the
    economics section), the line of the year itself."""
    try:
        check_deflator_year(year)
    except ValueError as exc:
        raise FieldValueError(f"{exc} (or set deflator: none)", path) from None


def check_economics_against_nations(econ: Economics, nations: set[str]) -> list[tuple[str, str]]:
    """Nations named in ``econ`` that are not in the scenario's ``nations``.

    Returns ``(field path, message)`` pairs, paths like
    ``economics.consortia[0].members[3]``. Consortium ``candidates`` (what-if
    joiners) are exempt: they need only be valid ISO 3166-1 alpha-3 codes.
    """
    known = ", ".join(sorted(nations)) or "none"

    def msg(code: str) -> str:
        return f"'{code}' is not in nations ({known}); add it under nations: or remove it here"

    problems: list[tuple[str, str]] = []
    for i, p in enumerate(econ.programs):
        for code in p.contributions:
            if code not in nations:
                problems.append((f"economics.programs[{i}].contributions.{code}", msg(code)))
    for i, k in enumerate(econ.consortia):
        for j, code in enumerate(k.members):
            if code not in nations:
                problems.append((f"economics.consortia[{i}].members[{j}]", msg(code)))
    for i, line in enumerate(econ.production):
        if line.nation not in nations:
            problems.append((f"economics.production[{i}].nation", msg(line.nation)))
        if line.licensed_from is not None and line.licensed_from not in nations:
            problems.append((f"economics.production[{i}].licensed_from", msg(line.licensed_from)))
    return problems
