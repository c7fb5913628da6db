"""Terminal tables for economics: burden sharing (:func:`run_economics`) and campaign costs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from hoplon.present.text import bounds, fmt_percent, musd, pattern, years_text
from hoplon.results.campaign import EXPENDED_PERCENTILE
from hoplon.safetext import plain

__all__ = [
    "lifecycle_line",
    "render_architecture_cost",
    "render_campaign_costs",
    "render_economics",
]


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _pp(x: float) -> str:
    return f"{100 * x:+.1f} pp"


def _money_label(result: dict[str, Any]) -> str:
    if result.get("deflator") == "us-gdp":
        return f"$M of {result['base_year']}"
    return "then-year $M"


def render_economics(result: dict[str, Any], console: Console) -> None:
    """Print programs, consortia, what-ifs, production and assumptions as rich tables.

    Money is shown in millions of US dollars of the result's base year (or
    then-year dollars with deflator none); shares in percent.
    """
    label = _money_label(result)
    for program in result["programs"]:
        table = Table(
            title=plain(f"Program: {program['name']} ({program['id']})"), title_justify="left"
        )
        table.add_column("Nation")
        table.add_column(f"Contribution ({label})", justify="right")
        table.add_column("Share", justify="right")
        table.add_column(f"Saving vs alone ({label})", justify="right")
        table.add_column("Contribution (then-year $M)", justify="right")
        table.add_column("Share (then-year)", justify="right")
        for nation, usd in program["contributions_usd"].items():
            table.add_row(
                plain(nation),
                musd(usd),
                _pct(program["shares"][nation]),
                musd(program["savings_usd"][nation]),
                musd(program["contributions_nominal_usd"][nation]),
                _pct(program["shares_nominal"][nation]),
            )
        table.add_section()
        table.add_row(
            "Total",
            musd(program["total_usd"]),
            _pct(1.0 if program["total_usd"] > 0 else 0.0),
            "",
            musd(program["total_nominal_usd"]),
            "",
        )
        console.print(table)

    for k in result["consortia"]:
        pc = k["program_cost"]
        caption = (
            f"rule: {k['rule']}; program cost {pc['amount']:,.0f} {pc['currency']} of {pc['year']}"
            f" = {musd(k['program_cost_usd'])} ({label})"
        )
        table = Table(
            title=plain(f"Consortium: {k['name']} ({k['id']})"),
            caption=plain(caption),
            title_justify="left",
            caption_justify="left",
        )
        table.add_column("Member")
        table.add_column("Share", justify="right")
        table.add_column(f"Cost ({label})", justify="right")
        table.add_column(f"Saving vs alone ({label})", justify="right")
        for m in k["members"]:
            table.add_row(
                plain(m), _pct(k["shares"][m]), musd(k["costs_usd"][m]), musd(k["savings_usd"][m])
            )
        console.print(table)

        w = k.get("what_if")
        if w:
            change = ", ".join(
                [f"{n} joins" for n in w["join"]] + [f"{n} leaves" for n in w["leave"]]
            )
            table = Table(title=plain(f"What if {change} ({k['id']})"), title_justify="left")
            table.add_column("Nation")
            table.add_column("Share before", justify="right")
            table.add_column("Share after", justify="right")
            table.add_column("Change", justify="right")
            table.add_column(f"Cost after ({label})", justify="right")
            table.add_column(f"Saving vs baseline ({label})", justify="right")
            for n, delta in w["share_change"].items():
                table.add_row(
                    plain(n),
                    _pct(k["shares"].get(n, 0.0)),
                    _pct(w["shares"].get(n, 0.0)),
                    _pp(delta),
                    musd(w["costs_usd"].get(n, 0.0)),
                    musd(w["saving_vs_baseline_usd"][n]),
                )
            console.print(table)

    if result.get("production"):
        table = Table(title="Production", title_justify="left")
        table.add_column("Nation")
        table.add_column("Interceptor")
        table.add_column("Units per year", justify="right")
        table.add_column("Licensed from")
        for line in result["production"]:
            table.add_row(
                plain(line["nation"]),
                plain(line["interceptor"]),
                f"{line['units_per_year']:g}",
                plain(line["licensed_from"] or ""),
            )
        console.print(table)

    console.print(Text("Assumptions", style="bold"))
    for i, note in enumerate(result["assumptions"], 1):
        console.print(plain(f"  {i}. {note}", newlines=True), highlight=False)
    for name, source in result.get("sources", {}).items():
        if source:
            console.print(
                plain(f"  Source ({name.replace('_', ' ')}): {source}", newlines=True),
                highlight=False,
            )


# --------------------------------------------------------------------------- campaign costs


def _est_musd(e: Mapping[str, Any]) -> tuple[str, str]:
    low, high = e["ci95"]
    return musd(e["mean"]), bounds(low, high, musd, dash=True)


def _num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:,.{digits}f}"


def render_campaign_costs(data: Mapping[str, Any], console: Console) -> None:
    """Print :func:`campaign_costs` as rich tables: spend, attacker spend and CER, replacement.

    Money in millions of US dollars of the base year (then-year with deflator none).
    """
    from rich.table import Table
    from rich.text import Text

    from hoplon.safetext import plain

    label = f"$M of {data['base_year']}" if data.get("base_year") else "then-year $M"
    units = data["unit_costs"]["interceptors"]

    table = Table(
        title=f"Campaign costs: interceptor spend ({data['trials']:,} trials)",
        title_justify="left",
    )
    table.add_column("Nation")
    table.add_column("Interceptor")
    table.add_column("Shots (mean)", justify="right")
    table.add_column(f"Unit cost ({label})", justify="right")
    table.add_column("Catalog cost", justify="right")
    table.add_column(f"Spend ({label})", justify="right")
    table.add_column("95 % interval", justify="right")
    for row in data["spend_by_nation_interceptor"]:
        u = units[row["interceptor"]]
        mean, ci = _est_musd(row["spend_usd"])
        table.add_row(
            plain(row["nation"]),
            plain(row["interceptor"]),
            f"{row['shots']['mean']:,.2f}",
            musd(u["unit_cost_usd"]),
            f"{musd(u['unit_cost_nominal_usd'])} ({u['cost_year']})",
            mean,
            ci,
        )
    table.add_section()
    for nation, est in data["spend_by_nation_usd"].items():
        mean, ci = _est_musd(est)
        table.add_row(plain(nation), "all", "", "", "", mean, ci)
    mean, ci = _est_musd(data["interceptor_spend_usd"])
    table.add_row("Total", "", "", "", "", mean, ci)
    console.print(table)

    table = Table(title="Attacker spend", title_justify="left")
    table.add_column("Threat")
    table.add_column("Count", justify="right")
    table.add_column(f"Unit cost ({label})", justify="right")
    table.add_column(f"Spend ({label})", justify="right")
    for row in data["threats"]:
        u = data["unit_costs"]["threats"][row["type"]]
        table.add_row(
            plain(row["type"]),
            str(row["count"]),
            musd(u["unit_cost_usd"]),
            musd(row["spend_usd"]),
        )
    table.add_section()
    table.add_row("Total", "", "", musd(data["threat_spend_usd"]))
    console.print(table)
    cer = data["cost_exchange_ratio"]
    if cer:
        low, high = cer["ci95"]
        console.print(
            f"Cost-exchange ratio (defender ÷ attacker spend): {cer['mean']:.3g} "
            f"(95 % interval {bounds(low, high, pattern('{:.3g}'), dash=True)})",
            highlight=False,
        )
    else:
        console.print("Cost-exchange ratio: — (the attacker spends nothing)", highlight=False)

    if data.get("replacement"):
        p = f"p{EXPENDED_PERCENTILE}"
        table = Table(
            title="Years to replace what the campaign expended",
            caption="Own lines count fully (licensed included); a nation that is not an origin "
            "producer also gets its share of the origin lines.",
            title_justify="left",
            caption_justify="left",
        )
        table.add_column("Nation")
        table.add_column("Interceptor")
        table.add_column(f"Expended (mean / {p})", justify="right")
        table.add_column("Own lines/yr", justify="right")
        table.add_column("Share of origin lines", justify="right")
        table.add_column("Units/yr", justify="right")
        table.add_column(f"Years (mean / {p})", justify="right")
        table.add_column("Own lines only: years", justify="right")
        table.add_column("Without licensed line: units/yr", justify="right")
        table.add_column(f"years (mean / {p})", justify="right")
        for row in data["replacement"]:
            if row["share"] is None:
                shared = Text("—")
            else:
                producers = ", ".join(dict.fromkeys(x["nation"] for x in row["origin_lines"]))
                shared = plain(
                    f"{fmt_percent(row['share'])} of {producers} = "
                    f"{row['shared_units_per_year']:,.1f}"
                )
            w = row["without_licensed_line"]
            table.add_row(
                plain(row["nation"]),
                plain(row["interceptor"]),
                f"{row['expended']['mean']:.2f} / {row['expended'][p]:g}",
                _num(row["own_units_per_year"], 1),
                shared,
                _num(row["units_per_year"], 1),
                years_text(row["years"], p),
                years_text(row["years_own_lines_only"], p),
                "" if w is None else _num(w["units_per_year"], 1),
                "" if w is None else years_text(w["years"], p),
            )
        console.print(table)

    for note in data.get("warnings", []):
        console.print(
            Text.assemble(("warning:", "yellow"), " ", plain(note, newlines=True)), highlight=False
        )
    console.print(Text("Campaign-cost assumptions", style="bold"))
    for i, note in enumerate(data["assumptions"], 1):
        console.print(plain(f"  {i}. {note}", newlines=True), highlight=False)


def _cost_label(data: Mapping[str, Any]) -> str:
    return f"$M of {data['base_year']}" if data.get("base_year") else "then-year $M"


def lifecycle_line(data: Mapping[str, Any]) -> str:
    """One line: what the horizon, rate and dollars of an ``architecture_cost`` are."""
    money = (
        f"constant {data['base_year']} dollars" if data.get("base_year") else "then-year dollars"
    )
    return (
        f"present value over {data['horizon_years']} years at {100 * data['discount_rate']:.1f} % "
        f"real, {money}"
    )


def render_architecture_cost(data: Mapping[str, Any], console: Console) -> None:
    """Print an ``architecture_cost`` (:class:`~hoplon.results.lifecycle.ArchitectureCost`
    ``.to_dict()``): a row per unit, the totals, who pays, by program, the assumptions."""
    label = _cost_label(data)
    table = Table(
        title=f"Life-cycle cost of the architecture, {label} ({lifecycle_line(data)})",
        title_justify="left",
    )
    table.add_column("Unit", overflow="fold")
    table.add_column("Nation")
    table.add_column("Status")
    for col in ("Acquisition", "O&S", "Rounds", "Total"):
        table.add_column(col, justify="right")
    for row in data["by_unit"]:
        status = row["status"] + ("" if row["priced"] else ", no cost data")
        table.add_row(
            plain(row["id"]),
            plain(row["nation"]),
            status,
            musd(row["acquisition_usd"]),
            musd(row["operating_usd"]),
            musd(row["inventory_usd"]),
            musd(row["total_usd"]),
        )
    table.add_section()
    table.add_row(
        "all",
        "",
        "",
        musd(data["acquisition_usd"]),
        musd(data["operating_usd"]),
        musd(data["inventory_usd"]),
        musd(data["total_usd"]),
    )
    console.print(table)
    if data["existing_usd"]:
        console.print(
            f"Candidate units {musd(data['candidate_usd'])}, existing units (O&S only) "
            f"{musd(data['existing_usd'])} ({label})."
        )
    pays = Table(title=f"Who pays ({label})", title_justify="left")
    pays.add_column("Nation")
    pays.add_column("Total", justify="right")
    pays.add_column("Share", justify="right")
    total = data["total_usd"]
    for nation, usd in data["by_nation"].items():
        pays.add_row(plain(nation), musd(usd), _pct(usd / total) if total else "—")
    console.print(pays)
    programs = Table(title=f"By program ({label})", title_justify="left")
    programs.add_column("Program (or platform type)")
    programs.add_column("Total", justify="right")
    for program, usd in data["by_program"].items():
        programs.add_row(plain(program), musd(usd))
    console.print(programs)
    for note in data.get("warnings", []):
        console.print(Text.assemble(("Note: ", "bold"), plain(note)))
    for note in data.get("assumptions", []):
        console.print(plain(note), style="dim")
