"""Campaign costs: what a simulated campaign expends, in money and in production time.

Joins a run of the engine (its compiled waves and outcomes) with the scenario's
``economics:`` section. Pure computation on the result: no I/O beyond the
shipped deflator data. The result is a JSON-ready dict; docs/economics.md
("Campaign costs") states every formula and assumption.

- **Interceptor spend.** Trial ``k`` spends ``sum_s shots[k, s] * c(i_s)``
  where ``c(i)`` is interceptor ``i``'s catalog unit cost, US dollars of its
  catalog ``cost_year``, expressed in base-year dollars by
  :func:`~hoplon.economics.compute.money_in_base_usd` (the conversion every
  economics figure uses). Reported per nation (the nation of the firing unit)
  and per (nation, interceptor): the mean over trials with a 95 % interval
  (:func:`hoplon.core.stats.mean_estimate`).
- **Attacker spend** ``A = sum_t a(t)``: every threat of every wave at its
  catalog unit cost, expressed the same way. It is the same in every trial.
- **Cost-exchange ratio**: the mean of ``spend_k / A`` with its interval.
- **Replacement years** (with ``production``): what a nation expended of an
  interceptor divided by the units a year available to it (see
  :func:`replacement_rows` for the rule).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from hoplon.core.stats import mean_estimate
from hoplon.economics.compute import money_in_base_usd
from hoplon.economics.deflators import DEFLATOR_SOURCE, DeflatorError
from hoplon.economics.schema import Economics, ProductionLine
from hoplon.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from hoplon.core.model import Model
    from hoplon.core.runner import Outcomes
    from hoplon.scenario.loader import LoadedScenario

__all__ = [
    "EXPENDED_PERCENTILE",
    "campaign_costs",
    "expended_percentile",
    "replacement_rows",
]

#: The high percentile of the per-trial count expended that replacement times are also given for.
EXPENDED_PERCENTILE = 95


def expended_percentile(counts: NDArray[Any], q: float = EXPENDED_PERCENTILE) -> float:
    """The ``q``-th percentile of per-trial counts: the smallest count ``v`` with ``P(X <= v) >= q/100``.

    An observed count (numpy's ``inverted_cdf`` method), never an interpolation.
    """
    return float(np.quantile(np.asarray(counts, dtype=float), q / 100.0, method="inverted_cdf"))


def _in_base_usd(econ: Economics, amount: float, year: int, what: str) -> tuple[float, float]:
    """``(base-year USD, factor)`` for ``amount`` dollars of ``year``; InputError if undeflatable."""
    try:
        usd = money_in_base_usd(econ, amount, "USD", year)
    except DeflatorError as exc:
        raise InputError.single(
            f"{what} has cost_year {year}: {exc}; use a catalog entry priced in a covered year "
            "or set economics.deflator: none (then-year dollars)",
            field="economics.deflator",
        ) from None
    factor = usd / amount if amount else money_in_base_usd(econ, 1.0, "USD", year)
    return usd, factor


def _raid_types(spec: Any, wave: int) -> dict[str, tuple[str, str | None]]:
    """Raid id -> (catalog threat type, type of the stand-off missiles it carries or None)
    for the raids of compiled wave ``wave``."""
    every: dict[str, tuple[str, str | None]] = {}

    def add(raids: Any) -> None:
        for raid in raids or []:
            standoff = getattr(raid, "standoff", None)
            every[raid.id] = (raid.type, standoff.missile if standoff is not None else None)

    waves = list(getattr(spec, "waves", None) or [])
    for w in waves:
        add(w.threats)
    add(getattr(spec, "threats", None))
    if wave < len(waves):
        add(waves[wave].threats)
    return every


def _line_dict(line: ProductionLine) -> dict[str, Any]:
    return {
        "nation": line.nation,
        "units_per_year": line.units_per_year,
        "licensed_from": line.licensed_from,
    }


def _years(units_per_year: float, mean: float, high: float) -> dict[str, float] | None:
    if units_per_year <= 0:
        return None
    return {"mean": mean / units_per_year, f"p{EXPENDED_PERCENTILE}": high / units_per_year}


def replacement_rows(
    production: Sequence[ProductionLine],
    expended: Mapping[tuple[str, str], NDArray[Any]],
) -> list[dict[str, Any]]:
    """Years each nation needs to replace what it expended of each interceptor.

    Args:
        production: the scenario's production lines.
        expended: ``(nation, interceptor) -> per-trial counts expended`` (1-D).

    The rule (docs/economics.md, "Replacement years"), for nation ``n`` and
    interceptor ``i`` that ``n`` fired in at least one trial, with mean
    expenditure ``m_n`` and ``EXPENDED_PERCENTILE``-th percentile ``q_n``:

    - **own lines** ``L_n``: the units a year of ``n``'s lines for ``i``, its
      own design or licensed/co-production alike, counted fully;
    - **origin lines** ``R``: the units a year of the lines of ``i`` that are
      not licensed from anyone. A nation that holds none of them draws on them
      and gets the share ``s_n = m_n / M``, where ``M`` is the mean
      expenditure of every nation drawing on them: the origin producers and
      every other nation that fired ``i`` (licensees included). An origin
      producer draws only on its own lines (``s_n`` = None). Licensed lines
      serve only their own nation;
    - ``U_n = L_n + s_n * R`` units a year; years = ``m_n / U_n`` (mean) and
      ``q_n / U_n`` (high percentile); ``None`` if ``U_n = 0``.

    ``years_own_lines_only`` is ``m_n / L_n`` and ``q_n / L_n`` (``None`` if
    ``L_n = 0``): the time if no foreign line delivered anything. "Without
    licensed line" is the same as ``years`` with ``n``'s licensed lines taken
    out of ``L_n`` (``s_n`` and every other line unchanged); ``None`` when
    ``n`` has no licensed line for ``i``.
    """
    by_interceptor: dict[str, list[ProductionLine]] = {}
    for line in production:
        by_interceptor.setdefault(line.interceptor, []).append(line)
    means: dict[str, dict[str, float]] = {}
    for (nation, interceptor), counts in expended.items():
        means.setdefault(interceptor, {})[nation] = float(np.mean(counts))

    rows: list[dict[str, Any]] = []
    for (nation, interceptor), counts in expended.items():
        if not np.any(np.asarray(counts) > 0):
            continue
        mean = means[interceptor][nation]
        high = expended_percentile(counts)
        lines = by_interceptor.get(interceptor, [])
        own = [line for line in lines if line.nation == nation]
        licensed = [line for line in own if line.licensed_from is not None]
        origin = [line for line in lines if line.licensed_from is None]
        producers = list(dict.fromkeys(line.nation for line in origin))
        own_rate = math.fsum(line.units_per_year for line in own)
        licensed_rate = math.fsum(line.units_per_year for line in licensed)
        share: float | None = None
        drawing: list[str] = []
        origin_rate = math.fsum(line.units_per_year for line in origin)
        if origin and nation not in producers:
            fired = [n for n, m in means[interceptor].items() if m > 0]
            drawing = list(dict.fromkeys([*producers, *fired]))
            total = math.fsum(means[interceptor].get(n, 0.0) for n in drawing)
            share = mean / total
        shared_rate = origin_rate * share if share is not None else 0.0
        units = own_rate + shared_rate
        row: dict[str, Any] = {
            "nation": nation,
            "interceptor": interceptor,
            "expended": {"mean": mean, f"p{EXPENDED_PERCENTILE}": high},
            "own_lines": [_line_dict(line) for line in own],
            "own_units_per_year": own_rate,
            "origin_lines": [_line_dict(line) for line in origin] if share is not None else [],
            "drawing_nations": drawing,
            "share": share,
            "shared_units_per_year": shared_rate,
            "units_per_year": units,
            "years": _years(units, mean, high),
            "years_own_lines_only": _years(own_rate, mean, high),
            "without_licensed_line": None,
        }
        if licensed:
            without = units - licensed_rate
            row["without_licensed_line"] = {
                "units_per_year": without,
                "years": _years(without, mean, high),
            }
        rows.append(row)
    return rows


def _assumptions(econ: Economics, has_production: bool) -> list[str]:
    money = (
        f"Money is constant {econ.base_year} US dollars: each catalog unit cost, in dollars of "
        f"its cost_year, times D({econ.base_year}) / D(cost_year), D the US GDP implicit price "
        "deflator (BEA NIPA Table 1.1.9), the same conversion as every other economics figure."
        if econ.deflator == "us-gdp"
        else "Money is then-year US dollars (deflator: none): catalog unit costs are added as "
        "they are, whatever their cost_year."
    )
    notes = [
        money,
        "Interceptor spend of a trial = sum over magazines of interceptors fired x the "
        "interceptor's unit cost (an all-up round, procurement cost only: no launcher, support, "
        "transport or replacement-premium costs). A nation's spend is what its units fired, "
        "whoever made the missiles.",
        "Means over trials carry 95 % intervals from hoplon.core.stats.mean_estimate "
        "(normal, or a fixed-seed percentile bootstrap when the trial values are skewed).",
        "Attacker spend = every threat of the scenario at its catalog unit cost, the same in "
        "every trial: a missile that fails in flight or is shot down is still expended.",
        "Cost-exchange ratio = defender spend / attacker spend, per trial; its mean and interval "
        "are those of that per-trial ratio. Above 1 the defender pays more than the attacker.",
    ]
    if has_production:
        notes += [
            "Replacement years = interceptors expended (the mean over trials, and the "
            f"{EXPENDED_PERCENTILE}th percentile of the per-trial count) / units a year "
            "available to the nation, at the stated production rates from the day the campaign "
            "ends: no surge, no stockpiles, no lead time before deliveries start.",
            "Units a year available = the nation's own lines for that interceptor, counted fully "
            "(its own design and licensed or co-production alike: a licensed line replaces "
            "losses without waiting on the origin nation), plus, for a nation that is not an "
            "origin producer, a share of the origin lines (those not licensed from anyone). "
            "Licensed lines serve only their own nation.",
            "Share of the origin lines = the nation's mean expenditure / the mean expenditure of "
            "every nation drawing on them: the origin producers and every other nation that "
            "fired the interceptor, licensees included. Only the campaign's expenditure counts: "
            "the producer's own standing orders and other customers do not, so when the "
            "producers fired little or nothing the share is close to the whole origin line and "
            "the replacement time is optimistic.",
            "Without licensed line = the same nation with its licensed lines taken out and its "
            "share of the origin lines unchanged: the difference is what licensed co-production "
            "adds. Own lines only = the time if no foreign line delivered anything (e.g. the "
            "origin line is committed to other buyers).",
        ]
    return notes


def campaign_costs(
    scenario: LoadedScenario, waves: Sequence[Model], outcomes: Outcomes
) -> dict[str, Any]:
    """Interceptor and attacker spend, cost-exchange ratio and replacement years of a run.

    Args:
        scenario: a scenario with an ``economics:`` section: its ``spec``
            (``economics``; raids' catalog types) and ``catalog`` (each entry's
            ``cost_year``).
        waves: the compiled waves (each wave's threats; stocks, units and
            interceptors of ``waves[0]``).
        outcomes: the run's per-trial outcomes (``shots``: trials x stocks).

    Returns a JSON-ready dict: ``currency``, ``deflator``, ``base_year``
    (``None`` with deflator none), ``trials``, ``unit_costs``
    (``interceptors``/``threats``: name -> ``unit_cost_nominal_usd``,
    ``cost_year``, ``factor``, ``unit_cost_usd``), ``interceptor_spend_usd``
    (``{"mean", "ci95"}``), ``spend_by_nation_usd`` (nation -> same),
    ``spend_by_nation_interceptor`` (rows: ``nation``, ``interceptor``,
    ``shots`` and ``spend_usd`` estimates), ``threat_spend_usd``, ``threats``
    (rows by catalog type: ``type``, ``count``, ``spend_usd``),
    ``cost_exchange_ratio`` (estimate, or ``None`` if the attacker spends
    nothing), ``replacement`` (rows from :func:`replacement_rows`, or ``None``
    without ``production``), ``warnings``, ``assumptions`` and ``sources``.

    Raises:
        ValueError: the scenario has no ``economics:`` section.
        InputError: a catalog cost_year has no deflator value (deflator us-gdp).
    """
    spec = scenario.spec
    econ: Economics | None = spec.economics
    if econ is None:
        raise ValueError("campaign costs need the scenario's economics: section (base_year)")
    catalog = scenario.catalog
    model = waves[0]
    shots = np.asarray(outcomes.shots)
    trials = int(shots.shape[0])

    # --- interceptor unit costs in base-year dollars
    unit_interceptors: dict[str, dict[str, Any]] = {}
    cost_of_type = np.zeros(len(model.interceptor_names))
    for i, name in enumerate(model.interceptor_names):
        nominal = float(model.interceptor_cost_usd[i])
        year = int(catalog.interceptors[name].cost_year)
        usd, factor = _in_base_usd(econ, nominal, year, f"interceptor '{name}'")
        cost_of_type[i] = usd
        unit_interceptors[name] = {
            "unit_cost_nominal_usd": nominal,
            "cost_year": year,
            "factor": factor,
            "unit_cost_usd": usd,
        }

    # --- per-trial spend and shots, by nation and by (nation, interceptor)
    stock_types = np.asarray(model.stock_interceptor, dtype=np.int64)
    stock_nations = [model.unit_nation[int(u)] for u in model.stock_unit]
    stock_cost = cost_of_type[stock_types] if stock_types.size else np.zeros(0)
    spend = shots.astype(float) @ stock_cost if stock_types.size else np.zeros(trials)
    by_nation: dict[str, NDArray[np.float64]] = {}
    pair_shots: dict[tuple[str, str], NDArray[np.float64]] = {}
    for s, nation in enumerate(stock_nations):
        key = (nation, model.interceptor_names[int(stock_types[s])])
        col = shots[:, s].astype(float)
        pair_shots[key] = pair_shots[key] + col if key in pair_shots else col
        by_nation[nation] = by_nation.get(nation, np.zeros(trials)) + col * stock_cost[s]
    pair_rows = [
        {
            "nation": nation,
            "interceptor": name,
            "shots": mean_estimate(counts).to_dict(),
            "spend_usd": mean_estimate(counts * unit_interceptors[name]["unit_cost_usd"]).to_dict(),
        }
        for (nation, name), counts in pair_shots.items()
    ]

    # --- attacker spend, by catalog threat type
    unit_threats: dict[str, dict[str, Any]] = {}
    threat_count: dict[str, int] = {}
    threat_usd: dict[str, list[float]] = {}
    for w, wave in enumerate(waves):
        types = _raid_types(spec, w)
        parent = getattr(wave, "threat_parent", None)
        for t, raid in enumerate(wave.threat_raid):
            platform, carried = types[raid]
            # a stand-off missile is its own type, not its launch platform's
            kind = carried if parent is not None and parent[t] >= 0 and carried else platform
            nominal = float(wave.threat_cost_usd[t])
            year = int(catalog.threats[kind].cost_year)
            usd, factor = _in_base_usd(econ, nominal, year, f"threat '{kind}'")
            unit_threats.setdefault(
                kind,
                {
                    "unit_cost_nominal_usd": nominal,
                    "cost_year": year,
                    "factor": factor,
                    "unit_cost_usd": usd,
                },
            )
            threat_count[kind] = threat_count.get(kind, 0) + 1
            threat_usd.setdefault(kind, []).append(usd)
    attack = math.fsum(math.fsum(v) for v in threat_usd.values())

    replacement = None
    if econ.production:
        counts_of = {k: v.astype(np.int64) for k, v in pair_shots.items()}
        replacement = replacement_rows(econ.production, counts_of)

    warnings = [
        f"economics.production[{j}]: interceptor '{line.interceptor}' is not in the catalog; "
        "the line is not used"
        for j, line in enumerate(econ.production)
        if line.interceptor not in catalog.interceptors
    ]

    return {
        "currency": econ.currency,
        "deflator": econ.deflator,
        "base_year": econ.base_year if econ.deflator == "us-gdp" else None,
        "trials": trials,
        "unit_costs": {"interceptors": unit_interceptors, "threats": unit_threats},
        "interceptor_spend_usd": mean_estimate(spend).to_dict(),
        "spend_by_nation_usd": {n: mean_estimate(v).to_dict() for n, v in by_nation.items()},
        "spend_by_nation_interceptor": pair_rows,
        "threat_spend_usd": attack,
        "threats": [
            {"type": k, "count": threat_count[k], "spend_usd": math.fsum(threat_usd[k])}
            for k in threat_count
        ],
        "cost_exchange_ratio": mean_estimate(spend / attack).to_dict() if attack > 0 else None,
        "replacement": replacement,
        "warnings": warnings,
        "assumptions": _assumptions(econ, replacement is not None),
        "sources": {"deflator": DEFLATOR_SOURCE if econ.deflator == "us-gdp" else None},
    }
