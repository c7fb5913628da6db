"""What an architecture costs: the life-cycle cost of a scenario's units and sensor sites.

Joins the scenario (which units, of which nation, existing or candidate, with what
magazines), the catalog (each platform's and sensor's acquisition, operating and
support cost and service life; each interceptor's unit cost) and the ``economics:``
section (base year, deflator, horizon, discount rate, programs and consortia) into one
typed record, :class:`ArchitectureCost`. The formulas are
:func:`hoplon.economics.lifecycle.present_value`; every figure is converted exactly as
``hoplon econ`` converts (:func:`hoplon.economics.money_in_base_usd`). docs/economics.md,
"Life-cycle cost", states every convention.

**Who pays.** A unit's nation pays for it. A unit (or sensor site) whose ``program``
names an ``economics.programs`` entry or an ``economics.consortia`` entry is paid by
that program's nations in its shares: a consortium's cost-share rule
(:func:`hoplon.economics.cost_shares`, the shares ``hoplon econ`` reports) or a
program's base-year contribution shares (``program_result(...)["shares"]``). The
program's own development cost is not added: only its split is used.
``by_program`` groups units by that id, or by their catalog type when they name none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from hoplon.catalog.models import Costed
from hoplon.economics.compute import cost_shares, money_in_base_usd, program_result
from hoplon.economics.deflators import DEFLATOR_SOURCE, DeflatorError, deflator_years
from hoplon.economics.lifecycle import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_HORIZON_YEARS,
    DISCOUNT_RATE_SOURCE,
    MAX_DISCOUNT_RATE,
    MAX_HORIZON_YEARS,
    present_value,
)
from hoplon.economics.rates import RateDataError, ecb_data_source
from hoplon.economics.schema import Economics
from hoplon.errors import InputError
from hoplon.results.lifecycle import ArchitectureCost, UnitCost
from hoplon.scenario import LoadedScenario
from hoplon.scenario.schema import CostOverride

__all__ = ["ArchitectureCost", "UnitCost", "architecture_cost", "default_economics"]


def default_economics() -> Economics:
    """The conventions of a scenario without ``economics:``: constant dollars of the
    deflator's last year (us-gdp), default horizon and discount rate."""
    return Economics(base_year=max(deflator_years()))


def _resolve(
    econ: Economics, horizon_years: int | None, discount_rate: float | None
) -> tuple[int, float]:
    horizon = horizon_years if horizon_years is not None else econ.horizon_years
    rate = discount_rate if discount_rate is not None else econ.discount_rate
    horizon = DEFAULT_HORIZON_YEARS if horizon is None else horizon
    rate = DEFAULT_DISCOUNT_RATE if rate is None else rate
    if (
        isinstance(horizon, bool)
        or not isinstance(horizon, int)
        or not 1 <= horizon <= MAX_HORIZON_YEARS
    ):
        raise InputError.single(
            f"{horizon!r} years: a whole number of years from 1 to {MAX_HORIZON_YEARS} is accepted",
            field="horizon_years",
        )
    if not (
        isinstance(rate, int | float) and math.isfinite(rate) and 0 <= rate <= MAX_DISCOUNT_RATE
    ):
        raise InputError.single(
            f"{rate!r}: a real rate from 0 to {MAX_DISCOUNT_RATE:g} (a fraction, 0.02 = 2 % a "
            "year) is accepted",
            field="discount_rate",
        )
    return horizon, float(rate)


def _payers(econ: Economics, program: str | None, nation: str) -> dict[str, float]:
    if program is None:
        return {nation: 1.0}
    for k in econ.consortia:
        if k.id == program:
            return cost_shares(k.rule, k.members, buys=k.buys, gdp_usd=k.gdp_usd, shares=k.shares)
    for p in econ.programs:
        if p.id == program:
            shares: dict[str, float] = program_result(econ, p)["shares"]
            return shares
    return {nation: 1.0}  # the loader refuses an unknown id; kept total for a dict scenario


def _money(econ: Economics, amount: float, currency: str, year: int, where: str) -> float:
    try:
        return money_in_base_usd(econ, amount, currency, year)
    except (DeflatorError, RateDataError) as exc:
        raise InputError.single(
            f"{exc}; give money of a year the shipped rates and deflator cover or set "
            "economics.deflator: none",
            field=where,
        ) from None


@dataclass(frozen=True)
class _Figures:
    acquisition: float
    annual: float
    life: float | None
    priced: bool
    basis: dict[str, Any]


def _figures(
    econ: Economics,
    entry: Costed | None,
    override: CostOverride | None,
    kind: str,
    name: str,
    path: str,
) -> _Figures:
    """Acquisition and O&S a year in base-year USD, and the service life, of one item."""
    basis: dict[str, Any] = {}
    acq = annual = 0.0
    life: float | None = None
    priced = bought = False
    if entry is not None and entry.priced:
        assert entry.cost_year is not None
        where = f"catalog.{kind}.{name}.cost_year"
        acq = _money(econ, entry.acquisition_cost_usd or 0.0, "USD", entry.cost_year, where)
        annual = _money(econ, entry.annual_om_usd or 0.0, "USD", entry.cost_year, where)
        life = entry.service_life_years
        priced, bought = True, entry.acquisition_cost_usd is not None
        basis = {
            "acquisition": entry.acquisition_cost_usd,
            "annual_om": entry.annual_om_usd,
            "currency": "USD",
            "year": entry.cost_year,
            "source": entry.cost_source,
            "notional": entry.cost_notional,
        }
    if override is not None:
        where = f"{path}.cost.year"
        if override.acquisition is not None:
            assert override.year is not None
            acq = _money(econ, override.acquisition, override.currency, override.year, where)
            priced = bought = True
        if override.annual_om is not None:
            assert override.year is not None
            annual = _money(econ, override.annual_om, override.currency, override.year, where)
            priced = True
        if override.service_life_years is not None:
            life = override.service_life_years
        basis = {
            **basis,
            "override": {k: v for k, v in override.model_dump().items() if v is not None},
        }
    if bought and life is None:  # the loader refuses it, located; kept for dict scenarios
        raise InputError.single(
            "an acquisition cost needs a service life: give service_life_years in the "
            "unit's cost or its catalog entry",
            field=f"{path}.cost.service_life_years",
        )
    return _Figures(acq, annual, life if bought else None, priced, basis)


def _inventory(econ: Economics, scenario: LoadedScenario, magazine: Mapping[str, int]) -> float:
    terms = []
    for name, count in magazine.items():
        interceptor = scenario.catalog.interceptors[name]
        unit = _money(
            econ,
            interceptor.unit_cost_usd,
            "USD",
            interceptor.cost_year,
            f"catalog.interceptors.{name}.cost_year",
        )
        terms.append(count * unit)
    return math.fsum(terms)


def architecture_cost(
    scenario: LoadedScenario,
    *,
    horizon_years: int | None = None,
    discount_rate: float | None = None,
) -> ArchitectureCost:
    """The life-cycle cost of ``scenario``'s units and sensor sites over the horizon.

    ``horizon_years`` and ``discount_rate`` override the scenario's
    ``economics.horizon_years`` / ``economics.discount_rate`` (defaults 20 years and
    :data:`hoplon.economics.lifecycle.DEFAULT_DISCOUNT_RATE`). A scenario without
    ``economics:`` is costed in constant dollars of the deflator's last year. Units
    and sensors of nations left out by ``without`` are not costed. Raises
    :class:`~hoplon.errors.InputError` naming the field for a horizon or rate out of
    range, or money of a year with no rate or deflator.
    """
    spec = scenario.spec
    econ = spec.economics if spec.economics is not None else default_economics()
    horizon, rate = _resolve(econ, horizon_years, discount_rate)
    rows: list[UnitCost] = []
    unpriced: list[str] = []
    unpriced_sensors: list[str] = []
    for u in spec.units:
        if u.nation in scenario.absent:
            continue
        entry = scenario.catalog.platforms.get(u.type)
        fig = _figures(econ, entry, u.cost, "platforms", u.type, f"units[{u.id}]")
        if not fig.priced:
            unpriced.append(f"{u.id} ({u.type})")
        rows.append(_row(econ, scenario, u, "unit", fig, horizon, rate))
    for s in spec.sensors:
        if s.nation in scenario.absent:
            continue
        sensor = scenario.catalog.sensors.get(s.type)
        fig = _figures(econ, sensor, s.cost, "sensors", s.type, f"sensors[{s.id}]")
        if not fig.priced:
            unpriced_sensors.append(s.id)
            continue
        rows.append(_row(econ, scenario, s, "sensor", fig, horizon, rate))
    return _record(econ, rows, horizon, rate, unpriced, unpriced_sensors)


def _row(
    econ: Economics,
    scenario: LoadedScenario,
    item: Any,
    kind: Literal["unit", "sensor"],
    fig: _Figures,
    horizon: int,
    rate: float,
) -> UnitCost:
    existing = item.status == "existing"
    if fig.priced:
        lc = present_value(
            fig.acquisition,
            fig.annual,
            horizon,
            rate,
            fig.life if fig.life is not None else float(horizon),  # nothing bought: no effect
            existing=existing,
            residual=econ.residual_value,
        )
        initial, replacement, residual, operating, n = (
            lc.initial,
            lc.replacement,
            lc.residual,
            lc.operating,
            lc.replacements,
        )
    else:
        initial = replacement = residual = operating = 0.0
        n = 0
    magazine = getattr(item, "magazine", {}) if kind == "unit" else {}
    inventory = 0.0 if existing else _inventory(econ, scenario, magazine)
    acquisition = initial + replacement - residual
    total = acquisition + operating + inventory
    return UnitCost(
        id=item.id,
        kind=kind,
        nation=item.nation,
        platform=item.type,
        status=item.status,
        program=item.program or item.type,
        acquisition_usd=acquisition,
        operating_usd=operating,
        inventory_usd=inventory,
        total_usd=total,
        initial_usd=initial,
        replacement_usd=replacement,
        residual_usd=residual,
        replacements=n,
        service_life_years=fig.life,
        priced=fig.priced,
        payers=_payers(econ, item.program, item.nation),
        basis=fig.basis,
    )


def _record(
    econ: Economics,
    rows: list[UnitCost],
    horizon: int,
    rate: float,
    unpriced: list[str],
    unpriced_sensors: list[str],
) -> ArchitectureCost:
    nation_terms: dict[str, list[float]] = {}
    program_terms: dict[str, list[float]] = {}
    for r in rows:
        for nation, share in r.payers.items():
            nation_terms.setdefault(nation, []).append(share * r.total_usd)
        program_terms.setdefault(r.program, []).append(r.total_usd)
    warnings = []
    if unpriced:
        warnings.append(
            "No cost figures (acquisition_cost_usd or annual_om_usd) for "
            + ", ".join(unpriced)
            + ": their platform and O&S are counted as 0 (their magazines are still counted); "
            "give them in the catalog entry or the unit's `cost:`"
        )
    if unpriced_sensors:
        warnings.append(
            f"{len(unpriced_sensors)} sensor site(s) have no cost figures and are not costed: "
            + ", ".join(unpriced_sensors)
        )
    return ArchitectureCost(
        total_usd=math.fsum(r.total_usd for r in rows),
        acquisition_usd=math.fsum(r.acquisition_usd for r in rows),
        operating_usd=math.fsum(r.operating_usd for r in rows),
        inventory_usd=math.fsum(r.inventory_usd for r in rows),
        by_nation={n: math.fsum(t) for n, t in sorted(nation_terms.items())},
        by_program={p: math.fsum(t) for p, t in program_terms.items()},
        by_unit=rows,
        horizon_years=horizon,
        discount_rate=rate,
        base_year=econ.base_year if econ.deflator == "us-gdp" else None,
        deflator=econ.deflator,
        residual_value=econ.residual_value,
        assumptions=_assumptions(econ, horizon, rate),
        warnings=warnings,
        sources={
            "discount_rate": DISCOUNT_RATE_SOURCE,
            "exchange_rates": ecb_data_source(),
            "deflator": DEFLATOR_SOURCE if econ.deflator == "us-gdp" else None,
        },
    )


def _assumptions(econ: Economics, horizon: int, rate: float) -> list[str]:
    money = (
        f"constant {econ.base_year} US dollars (US GDP deflator; other currencies at the ECB "
        "annual average rate of the figure's year, as hoplon econ converts)"
        if econ.deflator == "us-gdp"
        else "then-year US dollars of each figure's year, undeflated (deflator: none)"
    )
    notes = [
        f"Life-cycle cost over {horizon} years at a real discount rate of {rate:.2%}, in {money}.",
        "Acquisition of a candidate unit at year 0; operating and support (O&S) at the end of "
        "each year 1..H, discounted by (1 + r)^t; a replacement at every multiple of the "
        "service life before the horizon.",
        "Existing units: acquisition and magazine sunk (0); their O&S over the horizon counts, "
        "and they are assumed to last it (no replacement).",
        "Interceptor inventory: each candidate unit's magazine bought at year 0 at the "
        "interceptor's catalog unit cost (no shelf-life replacement, no O&S of the rounds).",
        "Who pays: the unit's nation, or, for a unit naming an economics program or consortium, "
        "its nations in that program's shares (a consortium's cost-share rule, a program's "
        "contribution shares); the program's own development cost is not added.",
    ]
    if econ.residual_value:
        notes.insert(
            2,
            "Residual value: the straight-line value of the life left in the last buy at the "
            "horizon is credited at year H (acquisition is net of it).",
        )
    return notes
