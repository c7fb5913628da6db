"""Text of figures, once for every renderer: estimates with intervals, money, metric names.

The terminal tables (:mod:`hoplon.present.terminal`, :mod:`hoplon.present.studies`,
:mod:`hoplon.present.economics`) and the HTML report (:mod:`hoplon.present.html`) format
every estimate, interval, dollar amount and headline metric through these functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from hoplon.results.contract import BY_KEY, kind, label

#: A number -> its text.
Formatter = Callable[[float], str]


def fmt_number(value: float) -> str:
    """A number for an axis or label: thousands separated, at most 3 significant digits."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 1:
        return f"{value:.3g}"
    return f"{value:.2g}"


def fmt_percent(value: float) -> str:
    """A share as a percentage: ``0.91`` -> ``91%``, keeping small values visible, and
    values just short of 100 % short of it (``0.9958`` -> ``99.6%``, not ``100%``)."""
    pct = 100.0 * value
    if pct == 0:
        return "0%"
    if 99.5 <= abs(pct) < 100:
        for digits in (1, 2, 3):
            text = f"{pct:.{digits}f}"
            if abs(float(text)) < 100:
                return f"{text}%"
        return f"{'-' if pct < 0 else ''}>99.999%"
    if abs(pct) < 1:
        # three significant digits at most: an axis tick at 0.025 % reads 0.025 %, not 0.03 %
        return f"{pct:.3g}%"
    if abs(pct) < 10:
        return f"{pct:.1f}%"
    return f"{pct:.0f}%"


def fmt_usd(value: float) -> str:
    """US dollars in thousands, millions or billions to three significant digits: ``$279M``,
    ``$1.2B`` (and ``T`` for trillions); a value that rounds up to the next unit is written
    in it (999.7 million is ``$1B``, not ``$1e+03M``)."""
    for scale, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(float(f"{value:.3g}")) >= scale:
            return f"${value / scale:.3g}{unit}"
    return f"${value:.0f}"


def musd(value: float) -> str:
    """Dollars as millions with one decimal, for tables headed "$M": ``1,234.5``."""
    return f"{value / 1e6:,.1f}"


def pattern(fmt: str, scale: float = 1.0) -> Formatter:
    """A formatter from a format pattern (``"{:.4f}"``) and a scale (1e-6: millions)."""
    return lambda x: fmt.format(x * scale)


def signed(fmt: Formatter) -> Formatter:
    """The same formatter with a ``+`` before what is not negative."""

    def text(x: float) -> str:
        shown = fmt(x)
        return shown if shown.startswith("-") else "+" + shown

    return text


def bounds(low: float, high: float, fmt: Formatter, *, dash: bool = False) -> str:
    """A 95 % interval: ``[low, high]``, or ``low – high`` with ``dash``."""
    return f"{fmt(low)} – {fmt(high)}" if dash else f"[{fmt(low)}, {fmt(high)}]"


def estimate(
    est: Mapping[str, Any] | None, fmt: Formatter, *, sep: str = "  ", dash: bool = False
) -> str:
    """An estimate of the contract (``{"mean", "ci95"}``): ``mean  [low, high]``; the mean
    alone when it has no interval; ``—`` when there is none."""
    if est is None or est.get("mean") is None:
        return "—"
    text = fmt(est["mean"])
    if est.get("ci95"):
        low, high = est["ci95"]
        text += sep + bounds(low, high, fmt, dash=dash)
    return text


def p_value(p: float) -> str:
    """A p-value as the tables show it."""
    return "p<0.0001" if p < 1e-4 else f"p={p:.4f}"


#: How a table shows each kind of headline metric: format and scale.
_TABLE_FORMAT: dict[str, tuple[str, float]] = {
    "share": ("{:.4f}", 1.0),
    "count": ("{:.3f}", 1.0),
    "usd": ("{:,.1f}", 1e-6),
    "ratio": ("{:.3f}", 1.0),
}

#: How the report shows each kind of headline metric.
_CARD_FORMAT: dict[str, Formatter] = {
    "share": fmt_percent,
    "count": fmt_number,
    "usd": fmt_usd,
    "ratio": fmt_number,
}


def metric_column(key: str) -> tuple[str, Formatter]:
    """A metric's column heading and formatter in a terminal table (money in USD M)."""
    if key.startswith("shots_by_nation."):
        return label(key), pattern("{:.2f}")
    k = kind(key)
    if k is None:
        return key, pattern("{:.4g}")
    fmt, scale = _TABLE_FORMAT[k]
    heading = label(key) + (" (USD M)" if k == "usd" else "")
    return heading, pattern(fmt, scale)


def metric_card(key: str) -> tuple[str, Formatter]:
    """A headline metric's title and formatter on the report's cards."""
    name = BY_KEY[key].label
    return name[0].upper() + name[1:], _CARD_FORMAT[BY_KEY[key].kind]


#: The security metrics a cost difference is read against, in the order they are named.
SECURITY_METRICS: tuple[str, ...] = ("value_protected", "p_no_leak", "expected_leakers")


def cost_difference_text(
    letter: str,
    base: str,
    diff_usd: float,
    horizon_years: int,
    base_year: int | None,
    gains: Mapping[str, Mapping[str, Any]],
) -> str:
    """What a difference of life-cycle cost means beside the security it buys.

    ``gains``: metric key -> that metric's difference entry of the comparison (``diff``,
    ``significant``). E.g. "B costs $2.1B more than A over 20 years (present value, 2025
    dollars) for +0.1200 value protected, +0.0500 P(no leaker)".
    """
    money = f"{base_year} dollars" if base_year else "then-year dollars"
    if diff_usd == 0:
        head = f"{letter} costs the same as {base} over {horizon_years} years"
    else:
        more = "more" if diff_usd > 0 else "less"
        head = (
            f"{letter} costs {fmt_usd(abs(diff_usd))} {more} than {base} over {horizon_years} "
            f"years (present value, {money})"
        )
    parts = []
    for key in SECURITY_METRICS:
        d = gains.get(key)
        if not d or d.get("diff") is None:
            continue
        shown = signed(pattern("{:.4f}"))(d["diff"])
        parts.append(f"{shown} {label(key)}" + ("" if d.get("significant") else " (n.s.)"))
    if not parts:
        return head
    return f"{head} for {', '.join(parts)}"


def money_basis_text(result: dict[str, Any]) -> str:
    """What dollars the headline's spend, threat cost and cost-exchange ratio are in."""
    text = (
        "Spend, threat cost and the cost-exchange ratio add each catalog entry's unit cost "
        "in dollars of its own cost year"
    )
    campaign = result.get("campaign_costs")
    if campaign and campaign.get("base_year") is not None:
        return text + f"; the campaign costs below are in constant {campaign['base_year']} dollars."
    return text + " (an economics: section puts them in one base year: docs/economics.md)."


def years_text(years: Mapping[str, float] | None, p: str) -> str:
    """Replacement years as ``mean / percentile`` (``p``: the key of the percentile), each
    to three significant digits, under a hundredth of a year (about 4 days) ``< 0.01``,
    not ``4.74e-05``; ``no supply`` without any production line."""
    if years is None:
        return "no supply"

    def one(value: float) -> str:
        return "< 0.01" if 0 < value < 0.01 else f"{value:.3g}"

    return f"{one(years['mean'])} / {one(years[p])}"


def _many(n: int, one: str, more: str | None = None) -> str:
    """``1 consortium``, ``2 consortia``; ``more`` defaults to ``one`` + s."""
    return f"{n:,} {one if n == 1 else more or one + 's'}"


def sections_text(spec: Any, architectures: int | None = None) -> list[str]:
    """What validate says of a scenario's economics, trade space and uncertain figures
    (``architectures``: the trade space's size, when it has one), a line each."""
    lines = []
    e = spec.economics
    if e is not None:
        money = (
            f"constant {e.base_year} dollars (US GDP deflator)"
            if e.deflator == "us-gdp"
            else "then-year dollars (no deflator)"
        )
        parts = [f"Economics: {money}"]
        if e.horizon_years is not None or e.discount_rate is not None:
            from hoplon.economics.lifecycle import DEFAULT_DISCOUNT_RATE, DEFAULT_HORIZON_YEARS

            horizon = e.horizon_years if e.horizon_years is not None else DEFAULT_HORIZON_YEARS
            rate = e.discount_rate if e.discount_rate is not None else DEFAULT_DISCOUNT_RATE
            parts.append(f"life-cycle costs over {horizon} years at {100 * rate:g} % real")
        if e.programs:
            parts.append(
                f"{_many(len(e.programs), 'co-development program')}: "
                + ", ".join(p.id for p in e.programs)
            )
        if e.consortia:
            parts.append(
                f"{_many(len(e.consortia), 'consortium', 'consortia')}: "
                + ", ".join(
                    f"{k.id} ({len(k.members)} members, rule {k.rule})" for k in e.consortia
                )
            )
        if e.production:
            parts.append(_many(len(e.production), "production line"))
        lines.append("; ".join(parts) + " (hoplon econ; docs/economics.md).")
    if spec.candidates:
        text = (
            f"Trade space: {_many(len(spec.candidates), 'choice')} ("
            + ", ".join(c.unit + (f" {c.magazine}" if c.magazine else "") for c in spec.candidates)
            + ")"
        )
        if architectures is not None:
            text += f", {_many(architectures, 'architecture')}"
        c = spec.constraints
        limits = []
        if c is not None:
            if c.budget is not None:
                budget = c.budget if isinstance(c.budget, dict) else {"in all": c.budget}
                limits += [f"budget {k} {fmt_usd(v)}" for k, v in budget.items()]
            if c.max_units is not None:
                limits.append(f"at most {c.max_units} units")
            if c.require_tiers:
                limits.append("tiers " + ", ".join(c.require_tiers))
        text += f"; constraints: {', '.join(limits)}" if limits else "; no constraints"
        lines.append(text + " (hoplon trade; docs/tradespace.md).")
    if spec.uncertain:
        lines.append(
            f"Uncertain figures: {len(spec.uncertain)} ({', '.join(spec.uncertain)}); "
            "hoplon uncertainty and hoplon sensitivity sample them, a run uses the file's "
            "values (docs/sensitivity.md)."
        )
    return lines


def unchanged_text(result: dict[str, Any]) -> str | None:
    """What a zero-width interval of a leak figure means, when the run shows one: the
    same outcome in every trial, not a certainty (docs/model.md, the rule of three)."""
    m = result.get("metrics", {})
    figures = [m.get("p_no_leak"), *m.get("leakers_by_target", {}).values()]
    figures += [t.get("p_leak") for t in result.get("threats", ())]
    if not any(f and f["ci95"][0] == f["ci95"][1] for f in figures):
        return None
    n = int(result.get("trials", 0))
    if n < 2:
        return None
    bound = 3.0 / n
    return (
        f"An interval [p, p] means no trial differed: an event never seen in {n:,} trials "
        f"may still have a chance up to about 3/{n:,} = {bound:.2g} (the rule of three, "
        "one-sided 95 %); more trials bound it more tightly."
    )


def plan_text(row: Mapping[str, Any]) -> str:
    """One wave's planned allocation (:meth:`hoplon.results.records.Result.plan`) in a
    sentence: whether it is optimal or was stopped by the time limit, and how far from
    the best it can be."""
    wave = f" ({row['wave']})" if row.get("wave") else ""
    figures = (
        f"{row['interceptors']:,} interceptors planned, expected value lost "
        f"{row['expected_loss']:,.2f} of {row['value_at_risk']:,.2f} at risk, and no "
        f"allocation loses less than {row['bound']:,.2f}"
    )
    share = "below 0.0001%" if row["gap_share"] < 1e-6 else fmt_percent(row["gap_share"])
    if row["status"] == "optimal":
        return (
            f"Plan{wave}: optimal (within the solver's tolerance: proven gap {share}) "
            f"after {row['seconds']:,.1f} s: {figures}."
        )
    return (
        f"Plan{wave}: NOT proven optimal: the solver's time limit came first after "
        f"{row['seconds']:,.1f} s; the plan is within a proven {share} of the best: {figures}."
    )
