"""Life-cycle cost of one item over a horizon: pure present-value formulas.

Every amount is constant base-year US dollars (already converted and deflated with
:func:`hoplon.economics.compute.money_in_base_usd`); the discount rate is a **real**
rate, as OMB Circular A-94 prescribes for constant-dollar flows. The conventions
(docs/economics.md, "Life-cycle cost"):

- the horizon is ``H`` whole years, year 0 being the base year;
- the acquisition ``A`` of a candidate item is paid at year 0, undiscounted;
- operating and support (O&S) ``S`` a year is paid at the **end** of years 1..H:
  ``PV(O&S) = S * sum_{t=1..H} (1 + r)^-t``;
- an item lasts its service life ``L`` years; when the horizon exceeds it, a
  replacement is bought at ``t = L, 2L, ...`` for every ``k L < H``, each at the
  acquisition cost, discounted ``A (1 + r)^-(k L)``;
- with ``residual=True`` (the default) the life left in the last buy at the end of
  the horizon is credited back at straight-line value, discounted from year H:
  ``A * (t_last + L - H) / L * (1 + r)^-H`` where ``t_last`` is the year of the
  last buy (0 without a replacement). So the capital cost grows smoothly with the
  horizon, with no jump when ``H`` crosses ``L``;
- an **existing** item's acquisition is sunk: no acquisition, replacement or
  residual is counted, only its O&S over the horizon (its age is not known, so it
  is assumed to last the horizon).

No I/O, no catalog, no scenario: the analysis layer (``hoplon.analysis.costs``)
applies these to each unit of an architecture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "DEFAULT_DISCOUNT_RATE",
    "DEFAULT_HORIZON_YEARS",
    "DISCOUNT_RATE_SOURCE",
    "MAX_DISCOUNT_RATE",
    "MAX_HORIZON_YEARS",
    "LifeCycle",
    "annuity_factor",
    "discount_factor",
    "present_value",
    "replacement_years",
]

#: Horizon when neither the scenario (``economics.horizon_years``) nor the caller gives one.
DEFAULT_HORIZON_YEARS = 20
#: Real discount rate when neither the scenario (``economics.discount_rate``) nor the caller
#: gives one: 2 % a year (see :data:`DISCOUNT_RATE_SOURCE`).
DEFAULT_DISCOUNT_RATE = 0.02
DISCOUNT_RATE_SOURCE = (
    "OMB Circular A-94 (1992, reinstated by OMB memorandum M-25-23 in 2025), section 8.c: "
    "cost-effectiveness analyses of constant-dollar flows discount at the real Treasury "
    "borrowing rate of Appendix C for the program's term (interpolated between maturities; "
    "the 30-year rate beyond 30 years), Appendix C updated yearly in the Federal Register "
    "(notices 2023-03920 of 27 Feb 2023 and 2023-28727 of 29 Dec 2023). The default 2.0 % "
    "real is notional, of the order of those rates for 20-30 year terms; the Appendix C "
    "table is not shipped: set economics.discount_rate to the current rate for the horizon"
)
#: Longest horizon accepted, years.
MAX_HORIZON_YEARS = 100
#: Highest real discount rate accepted (a fraction: 0.25 is 25 % a year).
MAX_DISCOUNT_RATE = 0.25


@dataclass(frozen=True)
class LifeCycle:
    """The present value of one item's costs over the horizon, by component (base-year USD).

    ``acquisition = initial + replacement - residual``;
    ``total = acquisition + operating``.
    """

    initial: float
    replacement: float
    residual: float
    operating: float
    replacements: int

    @property
    def acquisition(self) -> float:
        """Net capital cost: the buys less the residual value credited at the horizon."""
        return self.initial + self.replacement - self.residual

    @property
    def total(self) -> float:
        return self.acquisition + self.operating


def _check(years: int, rate: float) -> None:
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_HORIZON_YEARS:
        raise ValueError(
            f"horizon {years!r} years: a whole number of years from 1 to {MAX_HORIZON_YEARS} "
            "is accepted"
        )
    if not (math.isfinite(rate) and 0.0 <= rate <= MAX_DISCOUNT_RATE):
        raise ValueError(
            f"discount rate {rate!r}: a real rate from 0 to {MAX_DISCOUNT_RATE:g} (a fraction, "
            "0.02 = 2 % a year) is accepted"
        )


def discount_factor(t: float, rate: float) -> float:
    """``(1 + rate)^-t``: the present value of one dollar paid at year ``t``."""
    return float((1.0 + rate) ** -t)


def annuity_factor(years: int, rate: float) -> float:
    """``sum_{t=1..years} (1 + rate)^-t``: one dollar a year paid at the end of each year."""
    _check(years, rate)
    return math.fsum(discount_factor(t, rate) for t in range(1, years + 1))


def replacement_years(years: int, service_life: float) -> list[float]:
    """Years of the replacement buys: ``k L`` for ``k = 1, 2, ...`` while ``k L < years``."""
    if not (math.isfinite(service_life) and service_life > 0):
        raise ValueError(f"service life {service_life!r} years: a number above 0 is accepted")
    out: list[float] = []
    k = 1
    while k * service_life < years:
        out.append(k * service_life)
        k += 1
    return out


def present_value(
    acquisition: float,
    annual: float,
    years: int,
    rate: float,
    service_life: float,
    *,
    existing: bool = False,
    residual: bool = True,
) -> LifeCycle:
    """The present value of an item bought for ``acquisition`` costing ``annual`` a year.

    ``years``: horizon H (whole years, 1..100); ``rate``: real discount rate r (a
    fraction); ``service_life``: L years (> 0). Conventions in the module docstring:
    acquisition at year 0, O&S at the end of years 1..H discounted by ``(1 + r)^t``,
    replacements at ``k L < H``, straight-line residual value of the last buy credited
    at year H (``residual=False`` credits nothing). ``existing=True``: the acquisition
    is sunk and only the O&S counts. Raises ValueError naming the argument for a value
    out of range.
    """
    _check(years, rate)
    for name, value in (("acquisition", acquisition), ("annual", annual)):
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} cost {value!r}: a finite amount of 0 or more is accepted")
    buys = replacement_years(years, service_life)
    operating = annual * annuity_factor(years, rate)
    if existing:
        return LifeCycle(0.0, 0.0, 0.0, operating, 0)
    replacement = math.fsum(acquisition * discount_factor(t, rate) for t in buys)
    credit = 0.0
    if residual:
        last = buys[-1] if buys else 0.0
        left = last + service_life - years
        credit = acquisition * left / service_life * discount_factor(years, rate)
    return LifeCycle(float(acquisition), replacement, credit, operating, len(buys))
