"""Terminal tables for a burden-sharing result (the dict from :func:`run_economics`)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from hoplon.safetext import plain

__all__ = ["render_economics"]


def _musd(x: float) -> str:
    return f"{x / 1e6:,.1f}"


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
                _musd(usd),
                _pct(program["shares"][nation]),
                _musd(program["savings_usd"][nation]),
                _musd(program["contributions_nominal_usd"][nation]),
                _pct(program["shares_nominal"][nation]),
            )
        table.add_section()
        table.add_row(
            "Total",
            _musd(program["total_usd"]),
            _pct(1.0 if program["total_usd"] > 0 else 0.0),
            "",
            _musd(program["total_nominal_usd"]),
            "",
        )
        console.print(table)

    for k in result["consortia"]:
        pc = k["program_cost"]
        caption = (
            f"rule: {k['rule']}; program cost {pc['amount']:,.0f} {pc['currency']} of {pc['year']}"
            f" = {_musd(k['program_cost_usd'])} ({label})"
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
                plain(m), _pct(k["shares"][m]), _musd(k["costs_usd"][m]), _musd(k["savings_usd"][m])
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
                    _musd(w["costs_usd"].get(n, 0.0)),
                    _musd(w["saving_vs_baseline_usd"][n]),
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
