"""The shipped US GDP implicit price deflator and conversions between dollar years.

A then-year dollar amount ``A`` of year ``Y`` is worth
``A * D(base) / D(Y)`` base-year dollars, where ``D`` is the annual US GDP
implicit price deflator (BEA NIPA Table 1.1.9, line 1, index 2017 = 100). The
series, its source and the date it was taken are in
``data/us_gdp_deflator.csv``.
"""

from __future__ import annotations

import csv
import functools
from importlib.resources import files

from hoplon.economics.rates import format_years

__all__ = [
    "DEFLATOR_SOURCE",
    "DeflatorError",
    "check_deflator_year",
    "deflate",
    "deflator_years",
    "us_gdp_deflator",
]

DEFLATOR_SOURCE = (
    "US GDP implicit price deflator, BEA NIPA Table 1.1.9 'Implicit Price Deflators for "
    "Gross Domestic Product', line 1, annual, 2017 = 100 (FRED A191RD3A086NBEA); "
    "taken 2026-11-22; shipped as hoplon/economics/data/us_gdp_deflator.csv"
)


class DeflatorError(ValueError):
    """A year outside the shipped deflator series."""


@functools.cache
def us_gdp_deflator() -> dict[int, float]:
    """The shipped series as {year: index (2017 = 100)}."""
    text = files("hoplon.economics").joinpath("data/us_gdp_deflator.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {int(row["year"]): float(row["index_2017_100"]) for row in rows}


def deflator_years() -> tuple[int, ...]:
    """Years the shipped deflator covers, ascending."""
    return tuple(sorted(us_gdp_deflator()))


def check_deflator_year(year: int) -> None:
    """Raise DeflatorError naming the covered years unless ``year`` is in the series."""
    if year not in us_gdp_deflator():
        raise DeflatorError(
            f"no US GDP deflator for {year}; the shipped series (BEA NIPA Table 1.1.9) "
            f"covers {format_years(deflator_years())}"
        )


def deflate(amount_usd: float, from_year: int, to_year: int) -> float:
    """Express ``amount_usd`` then-year dollars of ``from_year`` in ``to_year`` dollars.

    ``amount * D(to_year) / D(from_year)``; the inverse is ``deflate(x, to_year, from_year)``.
    """
    check_deflator_year(from_year)
    check_deflator_year(to_year)
    table = us_gdp_deflator()
    return amount_usd * table[to_year] / table[from_year]
