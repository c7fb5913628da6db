"""Burden-sharing arithmetic on a validated :class:`~hoplon.economics.schema.Economics`.

Pure functions: no I/O beyond the shipped rate and deflator data. Results are
plain dicts (JSON-ready); every money figure is US dollars, either of the base
year (``*_usd``) or then-year (``*_nominal_usd``). The formulas are in
docs/economics.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hoplon.economics.deflators import DEFLATOR_SOURCE, deflate
from hoplon.economics.rates import ecb_data_source, to_usd
from hoplon.economics.schema import Consortium, Economics, Program, check_nation_code

__all__ = [
    "WhatIfError",
    "compute_economics",
    "consortium_result",
    "cost_shares",
    "money_in_base_usd",
    "parse_membership_change",
    "program_result",
    "run_economics",
    "what_if_shares",
]

Change = tuple[str, str]


class WhatIfError(ValueError):
    """A join or leave that the scenario cannot answer (unknown consortium, member, missing data)."""


def _deflation_factor(econ: Economics, year: int) -> float:
    """Multiplier from then-year dollars of ``year`` to the result's dollars."""
    if econ.deflator == "none":
        return 1.0
    assert econ.base_year is not None  # the schema requires it with us-gdp
    return deflate(1.0, year, econ.base_year)


def money_in_base_usd(econ: Economics, amount: float, currency: str, year: int) -> float:
    """``amount`` of ``currency`` in money of ``year`` expressed in the result's US dollars.

    Converted to then-year USD at the annual average rate of ``year`` first,
    then deflated to ``econ.base_year`` dollars (unless ``econ.deflator`` is
    ``none``). This is the one conversion every figure uses, campaign costs included.
    """
    usd, _ = to_usd(amount, currency, year)
    return usd * _deflation_factor(econ, year)


def _shares_of(values: Mapping[str, float]) -> dict[str, float]:
    total = math.fsum(values.values())
    return {k: (v / total if total > 0 else 0.0) for k, v in values.items()}


def program_result(econ: Economics, program: Program) -> dict[str, Any]:
    """Each partner's contributions, shares and savings for one program.

    For partner ``i`` with amounts ``a_{i,y}`` in currency ``c_i``:
    ``C_i = sum_y a_{i,y} / r_{c_i,y} * D(base)/D(y)`` (base-year USD),
    ``T = sum_i C_i``, ``share_i = C_i / T``, ``saving_i = T - C_i`` (the
    others' contributions: what ``i`` would have paid extra funding the whole
    program alone). The same without the deflator factor gives the
    ``*_nominal_usd`` figures (then-year dollars at each year's rate).
    """
    lines: list[dict[str, Any]] = []
    base: dict[str, float] = {}
    nominal: dict[str, float] = {}
    for nation, contribution in program.contributions.items():
        base_terms: list[float] = []
        nominal_terms: list[float] = []
        for year in sorted(contribution.by_year):
            amount = contribution.by_year[year]
            usd, rate = to_usd(amount, contribution.currency, year)
            factor = _deflation_factor(econ, year)
            nominal_terms.append(usd)
            base_terms.append(usd * factor)
            lines.append(
                {
                    "nation": nation,
                    "year": year,
                    "amount": amount,
                    "currency": contribution.currency,
                    "rate_per_usd": rate,
                    "nominal_usd": usd,
                    "deflator_factor": factor,
                    "usd": usd * factor,
                }
            )
        base[nation] = math.fsum(base_terms)
        nominal[nation] = math.fsum(nominal_terms)
    total = math.fsum(base.values())
    total_nominal = math.fsum(nominal.values())
    return {
        "id": program.id,
        "name": program.name,
        "total_usd": total,
        "contributions_usd": base,
        "shares": _shares_of(base),
        "savings_usd": {n: total - c for n, c in base.items()},
        "total_nominal_usd": total_nominal,
        "contributions_nominal_usd": nominal,
        "shares_nominal": _shares_of(nominal),
        "savings_nominal_usd": {n: total_nominal - c for n, c in nominal.items()},
        "lines": lines,
    }


def cost_shares(
    rule: str,
    members: Sequence[str],
    *,
    buys: Mapping[str, float] | None = None,
    gdp_usd: Mapping[str, float] | None = None,
    shares: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Each member's fraction of the cost under ``rule``; the fractions sum to 1.

    equal: ``1/n``; pro-rata-buys: ``b_i / sum b``; gdp: ``g_i / sum g``;
    fixed: the given shares. Raises ValueError when the rule's input is missing
    for a member or sums to zero.
    """
    if not members:
        raise ValueError("a consortium needs at least one member")
    if rule == "equal":
        return {m: 1.0 / len(members) for m in members}
    source = {"pro-rata-buys": buys, "gdp": gdp_usd, "fixed": shares}.get(rule)
    field = {"pro-rata-buys": "buys", "gdp": "gdp_usd", "fixed": "shares"}.get(rule)
    if field is None:
        raise ValueError(
            f"unknown cost-share rule '{rule}'; rules are equal, pro-rata-buys, gdp, fixed"
        )
    if source is None or any(m not in source for m in members):
        lacking = [m for m in members if source is None or m not in source]
        raise ValueError(f"rule {rule} needs {field} for {', '.join(lacking)}")
    values = {m: float(source[m]) for m in members}
    total = math.fsum(values.values())
    if total <= 0:
        raise ValueError(f"{field} of the members sum to {total:g}; they must sum to more than 0")
    # For fixed shares (which sum to 1 within 1e-6) this only removes the rounding.
    return {m: v / total for m, v in values.items()}


def what_if_shares(
    consortium: Consortium, join: Sequence[str] = (), leave: Sequence[str] = ()
) -> tuple[list[str], dict[str, float]]:
    """New membership and shares after ``leave`` nations go and ``join`` nations come.

    The program cost is unchanged and the rule is reapplied to the new
    membership. equal: ``1/n'``. pro-rata-buys and gdp: remaining members keep
    their buys / GDP, joiners bring theirs from ``candidates``. fixed: joiners
    take their candidate ``share``; the remaining members' shares are rescaled
    in proportion so that all sum to 1:
    ``s'_i = s_i / sum_{remaining} s * (1 - sum_{joiners} s_j)``.
    """
    _check_change(consortium, join, leave)
    members = [m for m in consortium.members if m not in set(leave)] + list(join)
    rule = consortium.rule
    if rule == "equal":
        return members, cost_shares(rule, members)
    if rule == "fixed":
        assert consortium.shares is not None
        stay = {m: consortium.shares[m] for m in members if m in consortium.shares}
        joined = {j: _candidate_value(consortium, j, "share") for j in join}
        room = 1.0 - math.fsum(joined.values())
        if room <= 0:
            raise WhatIfError(
                f"{consortium.id}: joiners' shares sum to {1 - room:g}; they must leave room "
                "for the remaining members (sum below 1)"
            )
        kept = math.fsum(stay.values())
        if stay and kept <= 0:
            raise WhatIfError(f"{consortium.id}: the remaining members' fixed shares sum to 0")
        if not stay and abs(room) > 1e-12:
            raise WhatIfError(
                f"{consortium.id}: every member leaves and the joiners' shares sum to "
                f"{1 - room:g}, not 1"
            )
        new = {m: (s / kept * room if kept > 0 else 0.0) for m, s in stay.items()}
        new.update(joined)
        return members, {m: new[m] for m in members}
    field = "buys" if rule == "pro-rata-buys" else "gdp_usd"
    values = dict(getattr(consortium, field))
    for j in join:
        values[j] = _candidate_value(consortium, j, field)
    try:
        return members, cost_shares(rule, members, **{field: values})
    except ValueError as exc:
        raise WhatIfError(f"{consortium.id}: {exc}") from None


def _candidate_value(consortium: Consortium, nation: str, field: str) -> float:
    data = consortium.candidates.get(nation)
    value = None if data is None else getattr(data, field)
    if value is None:
        raise WhatIfError(
            f"{nation} cannot join {consortium.id} in a what-if: rule {consortium.rule} needs its "
            f"{field}; add it under consortia[id={consortium.id}].candidates: "
            f"{{{nation}: {{{field}: ...}}}}"
        )
    return float(value)


def _check_change(consortium: Consortium, join: Sequence[str], leave: Sequence[str]) -> None:
    members = set(consortium.members)
    for nation in join:
        try:
            check_nation_code(nation)
        except ValueError as exc:
            raise WhatIfError(f"join {consortium.id}:{nation}: {exc}") from None
        if nation in members:
            raise WhatIfError(f"{nation} is already a member of {consortium.id}; it cannot join")
    for nation in leave:
        if nation not in members:
            raise WhatIfError(
                f"{nation} is not a member of {consortium.id}; members are "
                + ", ".join(consortium.members)
            )
    for label, seq in (("join", join), ("leave", leave)):
        dup = sorted({n for n in seq if list(seq).count(n) > 1})
        if dup:
            raise WhatIfError(f"{consortium.id}: {', '.join(dup)} named twice in --{label}")
    if not set(members) - set(leave) and not join:
        raise WhatIfError(f"every member leaves {consortium.id}; nobody would pay for it")


def consortium_result(
    econ: Economics,
    consortium: Consortium,
    join: Sequence[str] = (),
    leave: Sequence[str] = (),
) -> dict[str, Any]:
    """Shares, costs and savings of one consortium, and the what-if when ``join``/``leave`` are given.

    ``cost_i = share_i * K`` where ``K`` is the program cost in base-year USD;
    ``saving_i = K - cost_i`` (against paying the whole cost alone). In the
    what-if, for every nation in the old or new membership:
    ``saving_vs_baseline_i = cost_i(before) - cost_i(after)`` (0 for a non-member).
    """
    pc = consortium.program_cost
    cost = money_in_base_usd(econ, pc.amount, pc.currency, pc.year)
    cost_nominal, _ = to_usd(pc.amount, pc.currency, pc.year)
    shares = cost_shares(
        consortium.rule,
        consortium.members,
        buys=consortium.buys,
        gdp_usd=consortium.gdp_usd,
        shares=consortium.shares,
    )
    costs = {m: s * cost for m, s in shares.items()}
    result: dict[str, Any] = {
        "id": consortium.id,
        "name": consortium.name,
        "rule": consortium.rule,
        "members": list(consortium.members),
        "program_cost": {"amount": pc.amount, "currency": pc.currency, "year": pc.year},
        "program_cost_usd": cost,
        "program_cost_nominal_usd": cost_nominal,
        "shares": shares,
        "costs_usd": costs,
        "savings_usd": {m: cost - c for m, c in costs.items()},
        "what_if": None,
    }
    if join or leave:
        new_members, new_shares = what_if_shares(consortium, join, leave)
        new_costs = {m: s * cost for m, s in new_shares.items()}
        everyone = list(consortium.members) + [j for j in join]
        result["what_if"] = {
            "join": list(join),
            "leave": list(leave),
            "members": new_members,
            "shares": new_shares,
            "costs_usd": new_costs,
            "savings_usd": {m: cost - c for m, c in new_costs.items()},
            "share_change": {n: new_shares.get(n, 0.0) - shares.get(n, 0.0) for n in everyone},
            "saving_vs_baseline_usd": {
                n: costs.get(n, 0.0) - new_costs.get(n, 0.0) for n in everyone
            },
        }
    return result


def _group(
    changes: Iterable[Change], consortia: Sequence[Consortium], flag: str
) -> dict[str, list[str]]:
    ids = [k.id for k in consortia]
    grouped: dict[str, list[str]] = {}
    for consortium_id, nation in changes:
        if consortium_id not in ids:
            raise WhatIfError(
                f"--{flag} {consortium_id}:{nation}: no consortium '{consortium_id}'; "
                f"consortia are: {', '.join(ids) or 'none'}"
            )
        grouped.setdefault(consortium_id, []).append(nation)
    return grouped


def parse_membership_change(text: str) -> Change:
    """Parse ``CONSORTIUM:NATION`` (as given to ``--join``/``--leave``) into a pair."""
    consortium_id, sep, nation = text.partition(":")
    if not sep or not consortium_id or not nation or ":" in nation:
        raise WhatIfError(
            f"'{text}' is not CONSORTIUM:NATION; write e.g. seasparrow:JPN "
            "(a consortium id, a colon, an ISO 3166-1 alpha-3 code)"
        )
    return consortium_id, nation


def _assumptions(econ: Economics, has_what_if: bool) -> list[str]:
    notes = [
        "Each amount is converted to US dollars at the annual average exchange rate of the year "
        "it was appropriated (or, for a program cost, of its stated year): the arithmetic mean, "
        "over every ECB publication day of that year, of the daily ECB reference cross rate "
        "quoted as units of the amount's currency per US dollar; amount_usd = amount / rate.",
    ]
    if econ.deflator == "us-gdp":
        notes.append(
            f"Then-year dollars are expressed in constant {econ.base_year} dollars with the US GDP "
            f"implicit price deflator D (BEA NIPA Table 1.1.9, 2017 = 100): "
            f"usd_{econ.base_year} = usd_year * D({econ.base_year}) / D(year); conversion first, "
            "deflation second. *_nominal_usd fields are the same sums without deflation."
        )
    else:
        notes.append(
            "No deflation (deflator: none): figures are then-year US dollars summed across years."
        )
    notes += [
        "A program partner's saving is the sum of the other partners' contributions: it assumes "
        "the partner would otherwise have funded the whole program alone, at the same total cost "
        "and scope.",
        "A consortium member's cost is its share times the program cost; its saving is the "
        "program cost minus its cost, assuming it would otherwise have paid the whole cost alone.",
        "Cost-share rules: equal = 1/n; pro-rata-buys = member's buys / all members' buys; "
        "gdp = member's GDP / all members' GDP (GDP figures as given in the scenario); "
        "fixed = the stated shares.",
    ]
    if has_what_if:
        notes.append(
            "What-if: the program cost stays the same and the consortium's rule is reapplied to "
            "the new membership (under fixed shares, joiners take their candidate share and the "
            "remaining members are rescaled in proportion). saving_vs_baseline = cost before - "
            "cost after; a leaver's saving is what it no longer pays, and it no longer has the "
            "program."
        )
    return notes


def compute_economics(
    econ: Economics, join: Sequence[Change] = (), leave: Sequence[Change] = ()
) -> dict[str, Any]:
    """The full burden-sharing result for an ``economics:`` section (see :func:`run_economics`)."""
    joins = _group(join, econ.consortia, "join")
    leaves = _group(leave, econ.consortia, "leave")
    return {
        "base_year": econ.base_year if econ.deflator == "us-gdp" else None,
        "currency": econ.currency,
        "deflator": econ.deflator,
        "programs": [program_result(econ, p) for p in econ.programs],
        "consortia": [
            consortium_result(econ, k, joins.get(k.id, ()), leaves.get(k.id, ()))
            for k in econ.consortia
        ],
        "production": [
            {
                "nation": line.nation,
                "interceptor": line.interceptor,
                "units_per_year": line.units_per_year,
                "licensed_from": line.licensed_from,
            }
            for line in econ.production
        ],
        "assumptions": _assumptions(econ, bool(join or leave)),
        "sources": {
            "exchange_rates": ecb_data_source(),
            "deflator": DEFLATOR_SOURCE if econ.deflator == "us-gdp" else None,
        },
    }


def run_economics(
    econ: Economics, join: Sequence[Change] = (), leave: Sequence[Change] = ()
) -> dict[str, Any]:
    """Compute programs, consortia and what-ifs; the result of ``hoplon econ FILE``.

    ``join`` and ``leave`` are ``(consortium_id, ISO3)`` pairs, e.g.
    ``join=[("seasparrow", "JPN")]``. Raises :class:`WhatIfError` (a
    ValueError) for a change the scenario cannot answer. Returns a JSON-ready
    dict: ``base_year``, ``currency``, ``deflator``, ``programs``,
    ``consortia``, ``production``, ``assumptions``, ``sources``.
    """
    return compute_economics(econ, join, leave)
