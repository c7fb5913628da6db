"""Annual average rates and the deflator, checked against independent computations."""

from __future__ import annotations

import csv
import io
import statistics
import zipfile

import pytest
from currency_converter import CURRENCY_FILE

from hoplon.economics.deflators import deflate, deflator_years, us_gdp_deflator
from hoplon.economics.rates import (
    RateDataError,
    annual_average_rate,
    available_years,
    check_rate_year,
    ecb_currencies,
    format_years,
    to_usd,
)


def _ecb_rows() -> tuple[list[str], list[list[str]]]:
    """The raw ECB history, parsed here with csv/zipfile, independently of hoplon."""
    with zipfile.ZipFile(CURRENCY_FILE) as z:
        name = z.namelist()[0]
        rows = list(csv.reader(io.TextIOWrapper(z.open(name), "utf-8")))
    return [h.strip() for h in rows[0]], rows[1:]


def _independent_annual_average(base: str, quote: str, year: int) -> float:
    header, rows = _ecb_rows()
    ib, iq = header.index(base), header.index(quote)
    daily = [
        float(r[iq]) / float(r[ib])
        for r in rows
        if r[0].startswith(f"{year}-") and r[ib] not in ("", "N/A") and r[iq] not in ("", "N/A")
    ]
    return statistics.fmean(daily)


@pytest.mark.parametrize(
    ("base", "quote", "year"),
    [("USD", "JPY", 2015), ("USD", "JPY", 2008), ("USD", "NOK", 2020), ("GBP", "CAD", 2011)],
)
def test_annual_average_matches_an_independent_parse_of_the_ecb_file(base, quote, year):
    expected = _independent_annual_average(base, quote, year)
    assert annual_average_rate(base, quote, year) == pytest.approx(expected, rel=1e-12)


def test_usd_jpy_2015_is_about_121():
    # Published ballpark: 2015 annual average 121.05 yen per dollar
    # (Federal Reserve G.5A, release of 4 January 2016); ECB fixings differ slightly.
    assert annual_average_rate("USD", "JPY", 2015) == pytest.approx(121.0, abs=1.0)


def test_euro_rate_is_the_reciprocal_average_of_the_usd_quote():
    header, rows = _ecb_rows()
    i = header.index("USD")
    daily = [1.0 / float(r[i]) for r in rows if r[0].startswith("2019-")]
    assert annual_average_rate("USD", "EUR", 2019) == pytest.approx(statistics.fmean(daily))


def test_same_currency_is_one_in_any_year():
    assert annual_average_rate("USD", "USD", 1950) == 1.0
    assert to_usd(5.0, "USD", 1990) == (5.0, 1.0)


def test_to_usd_divides_by_currency_per_usd():
    usd, rate = to_usd(121_000_000.0, "JPY", 2015)
    assert rate == annual_average_rate("USD", "JPY", 2015)
    assert usd == pytest.approx(121_000_000.0 / rate)


def test_unknown_currency_lists_the_accepted_ones():
    with pytest.raises(
        RateDataError, match=r"unknown currency 'XYZ'; ECB reference currencies are: AUD, BGN"
    ):
        annual_average_rate("USD", "XYZ", 2015)
    assert "EUR" in ecb_currencies() and "USD" in ecb_currencies()


def test_year_before_the_data_names_the_available_years():
    with pytest.raises(
        RateDataError,
        match=r"no exchange-rate data for JPY in 1998; available years for JPY are 1999–",
    ):
        check_rate_year("JPY", 1998)


def test_partial_years_have_no_annual_average():
    # RON started on 1 July 2005; ISK was not quoted from December 2008 to 2018.
    assert 2005 not in available_years("RON") and 2006 in available_years("RON")
    isk = available_years("ISK")
    assert 2007 in isk and 2008 not in isk and 2018 not in isk and 2019 in isk
    with pytest.raises(RateDataError, match="ISK in 2010"):
        check_rate_year("ISK", 2010)


def test_format_years_compacts_runs():
    assert format_years([1999, 2000, 2001, 2005, 2007, 2008]) == "1999–2001, 2005, 2007–2008"
    assert format_years([]) == "none"


def test_deflator_is_indexed_to_2017_and_covers_1999_on():
    table = us_gdp_deflator()
    assert table[2017] == 100.0
    assert deflator_years()[0] == 1999
    # Strictly rising over 1999-2025 (no deflation year in the US GDP deflator there).
    values = [table[y] for y in deflator_years()]
    assert all(a < b for a, b in zip(values, values[1:], strict=False))


@pytest.mark.parametrize(("year", "base"), [(2006, 2025), (1999, 2017), (2025, 2010), (2015, 2015)])
def test_deflation_round_trips(year, base):
    amount = 123_456_789.0
    there = deflate(amount, year, base)
    assert there == pytest.approx(amount * us_gdp_deflator()[base] / us_gdp_deflator()[year])
    assert deflate(there, base, year) == pytest.approx(amount, rel=1e-12)


def test_deflation_outside_the_series_is_refused():
    with pytest.raises(
        ValueError,
        match=r"no US GDP deflator for 1990; the shipped series \(BEA NIPA Table 1.1.9\) covers 1999–",
    ):
        deflate(1.0, 1990, 2025)
