"""Terminal tables of the studies: compare, sweep, stored results, coalition, WTA.

Each renders the record an analysis returned (its ``to_dict()``); estimates, intervals
and metric names go through :mod:`hoplon.present.text`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from hoplon.analysis.grid import show_value
from hoplon.present.economics import lifecycle_line
from hoplon.present.text import (
    Formatter,
    bounds,
    cost_difference_text,
    estimate,
    metric_column,
    pattern,
    signed,
)
from hoplon.present.text import p_value as text_p_value
from hoplon.safetext import plain

__all__ = [
    "print_coalition",
    "print_comparison",
    "print_query",
    "print_sensitivity",
    "print_sweep",
    "print_uncertainty",
    "render_wta",
]

_SIGNED4 = signed(pattern("{:.4f}"))


def _cell(est: Mapping[str, Any] | None, fmt: Formatter) -> str:
    """A mean over its interval, for a table cell of two lines."""
    return escape(estimate(est, fmt, sep="\n"))


Row = tuple[str | Text, Formatter, Sequence[Any], Sequence[Mapping[str, Any]]]


def _difference_table(
    title: str, first: str, rows: Sequence[Row], letters: list[str], group: list[int]
) -> Table:
    """Rows of A and of the scenarios ``group``, each with its difference from A.

    Each row is (label, formatter, one estimate per scenario, the differences of the
    scenarios after A from A).
    """
    table = Table(title=title, title_justify="left")
    table.add_column(first, overflow="fold", min_width=12)
    table.add_column("A", justify="right", no_wrap=False, overflow="fold")
    for k in group:
        table.add_column(letters[k], justify="right", overflow="fold")
        table.add_column(f"{letters[k]} − A", justify="right", overflow="fold")
    for label, fmt, ests, diffs in rows:
        row: list[str | Text] = [label, _cell(ests[0], fmt)]
        for k in group:
            row.append(_cell(ests[k], fmt))
            diff = diffs[k - 1]
            if diff.get("diff") is None:
                row.append("—")
                continue
            lo, hi = diff["ci95"]
            value = signed(fmt)(diff["diff"])
            interval = escape(bounds(lo, hi, signed(fmt)))
            p_value = text_p_value(diff["p_value"])
            if diff["significant"]:
                row.append(f"[bold]{value} *[/bold]\n{interval}\n{p_value}")
            else:
                row.append(f"{value}  \n{interval}\n{p_value}")
        table.add_row(*row)
    return table


def musd_text(value: float) -> str:
    return f"{value / 1e6:,.1f}"


def _usd_cell(cost: Mapping[str, Any] | None) -> str:
    return "—" if cost is None else musd_text(cost["total_usd"])


def _cost_lines(data: dict[str, Any], letters: list[str], console: Console) -> None:
    """Each architecture's cost difference from A, and what it buys."""
    costs = data.get("costs")
    if not costs:
        return
    for d in data.get("cost_differences", []):
        k = d["scenario"]
        if d.get("diff_usd") is None:
            console.print(f"{letters[k]} − A, cost: not compared: {d.get('reason')}.")
            continue
        gains = {m: data["differences"][m][k - 1] for m in data["differences"]}
        cost = costs[k]
        console.print(
            cost_difference_text(
                letters[k], "A", d["diff_usd"], cost["horizon_years"], cost["base_year"], gains
            )
            + "."
        )
    first = next(c for c in costs if c is not None)
    console.print(
        f"Life-cycle cost: {lifecycle_line(first)} (hoplon run shows each architecture's "
        "units; docs/economics.md).",
        style="dim",
    )


def _comparison_table(data: dict[str, Any], letters: list[str], group: list[int]) -> Table:
    """The metrics of A and of the scenarios ``group``, each with its difference from A."""
    rows: list[Row] = []
    for metric, ests in data["metrics"].items():
        label, fmt = metric_column(metric)
        rows.append((label, fmt, ests, data["differences"][metric]))
    table = _difference_table(
        "Mean [95% interval]; difference from A [95% interval], p-value",
        "metric",
        rows,
        letters,
        group,
    )
    costs = data.get("costs")
    if costs:
        cost_diffs = data.get("cost_differences", [])
        row = ["life-cycle cost (USD M)", _usd_cell(costs[0])]
        for k in group:
            row.append(_usd_cell(costs[k]))
            d = cost_diffs[k - 1]
            row.append("—" if d.get("diff_usd") is None else signed(musd_text)(d["diff_usd"]))
        table.add_section()
        table.add_row(*row)
    return table


#: The per-target and per-raid tables of a comparison: JSON key, title, first column.
LEAKER_TABLES = (
    ("leakers_by_target", "Leakers per target", "target"),
    ("leakers_by_raid", "Leakers per raid", "raid"),
)


def _leaker_tables(data: dict[str, Any], letters: list[str], group: list[int]) -> Iterator[Table]:
    """Leakers per target and per raid of A and the scenarios ``group``, with the
    difference of each from A (tested as the headline metrics are)."""
    fmt = metric_column("expected_leakers")[1]
    for key, title, first in LEAKER_TABLES:
        entries = data.get(key) or {}
        rows: list[Row] = [
            (plain(name), fmt, entry["estimates"], entry["differences"])
            for name, entry in entries.items()
        ]
        if rows:
            yield _difference_table(
                f"{title}: mean [95% interval]; difference from A", first, rows, letters, group
            )


def print_comparison(data: dict[str, Any], console: Console) -> None:
    """The side-by-side table of a comparison (``Comparison.to_dict()``)."""
    scenarios = data["scenarios"]
    letters = [chr(ord("A") + i) if i < 26 else f"S{i}" for i in range(len(scenarios))]
    console.print(
        f"[bold]Comparison[/bold]: {len(scenarios)} scenarios, {data['trials']:,} trials each, "
        f"seed {data['seed']}; each compared with A"
    )
    for letter, s in zip(letters, scenarios, strict=True):
        console.print(
            Text.assemble(f"  {letter}  ", plain(s["name"]), "  ", plain(f"({s['file']})", "dim"))
        )
    # one wide table when it fits the terminal; otherwise one table per scenario against
    # A, so no cell is cut (about 16 columns a scenario pair, 24 for the metric names)
    others = list(range(1, len(scenarios)))
    per_table = max(1, (console.width - 26) // 34) if console.width else len(others)
    groups = [others[i : i + per_table] for i in range(0, len(others), per_table)] or [[]]
    for group in groups:
        console.print(_comparison_table(data, letters, group))
    _cost_lines(data, letters, console)
    for group in groups:
        for table in _leaker_tables(data, letters, group):
            console.print(table)
    for letter, s in zip(letters[1:], scenarios[1:], strict=True):
        how = (
            "paired test on the per-trial differences (as many threats: trials pair, common random numbers)"
            if s["test"] == "paired"
            else "Welch's unpaired test (the threats differ, so trials do not pair)"
        )
        console.print(f"{letter} − A: {how}.", style="dim")
    console.print("* significant at 5%, two-sided (each test on its own).", style="dim")


def print_sweep(data: dict[str, Any], console: Console) -> None:
    """The table of a sweep's points (``SweepResult.to_dict()``)."""
    info = data["sweep"]
    trials = sorted({int(p.get("trials", info["trials"])) for p in data["points"]})
    seeds = sorted({int(p.get("seed", info["seed"])) for p in data["points"]})
    console.print(
        Text.assemble(
            plain(info["scenario"], "bold"),
            f": sweep of {len(data['points'])} points, "
            + (
                f"{trials[0]:,} trials each"
                if len(trials) == 1
                else f"{trials[0]:,} to {trials[-1]:,} trials (set per point)"
            )
            + (
                f", seed {seeds[0]}"
                if len(seeds) == 1
                else f", seeds {seeds[0]} to {seeds[-1]} (set per point)"
            ),
        )
    )
    table = Table(title="Per point: mean and 95% interval", title_justify="left")
    paths = list(info["set"])
    for path in paths:
        table.add_column(plain(path), justify="right", overflow="fold")
    for metric in ("p_no_leak", "expected_leakers", "value_protected", "interceptor_cost_usd"):
        table.add_column(metric_column(metric)[0], justify="right")
    table.add_column("cost-exchange ratio", justify="right")
    if info["resumed"]:
        table.add_column("", justify="left")
    for point in data["points"]:
        m = point["metrics"]
        row: list[str | Text] = [plain(show_value(point["overrides"].get(p))) for p in paths]
        for metric in ("p_no_leak", "expected_leakers", "value_protected", "interceptor_cost_usd"):
            row.append(_cell(m.get(metric), metric_column(metric)[1]))
        ratio = (m.get("cost_exchange_ratio") or {}).get("mean")
        row.append("—" if ratio is None else f"{ratio:.3f}")
        if info["resumed"]:
            row.append("stored" if point["resumed"] else "")
        table.add_row(*row)
    console.print(table)
    _study_line(info, console)


def _query_cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1e6 else f"{value:.6g}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


#: Widest a column is counted when deciding whether a query's rows fit side by side
#: (wider cells fold onto more lines, as the default view's scenario names do).
_QUERY_CELL_CAP = 12


def _query_fits(columns: Sequence[str], cells: list[list[str]], width: int) -> bool:
    """Whether the rows fit as a table of one column per field: each column as wide as
    its header and cells (capped), plus rich's borders and padding (3 per column)."""
    natural = [
        min(_QUERY_CELL_CAP, max([len(c), *(len(row[j]) for row in cells)]))
        for j, c in enumerate(columns)
    ]
    return sum(natural) + 3 * len(columns) + 1 <= width


def print_query(columns: Sequence[str], rows: Sequence[Sequence[Any]], console: Console) -> None:
    """The rows of a ``hoplon results`` query as a table: one column per field where
    they fit the terminal, else each row as a table of field and value (as
    ``SELECT *`` over the wide ``results`` view needs)."""
    cells = [[_query_cell(v) for v in row] for row in rows]
    if columns and not _query_fits(columns, cells, console.width):
        for i, row in enumerate(cells):
            record = Table(title=f"row {i + 1} of {len(cells)}", title_justify="left")
            record.add_column("field", no_wrap=True)
            record.add_column("value", overflow="fold")
            for column, cell in zip(columns, row, strict=True):
                record.add_row(plain(column), plain(cell))
            console.print(record)
        return
    table = Table(title_justify="left")
    for j, column in enumerate(columns):
        values = [row[j] for row in rows]
        numeric = all(isinstance(v, int | float) or v is None for v in values)
        table.add_column(
            plain(column), justify="right" if numeric and values else "left", overflow="fold"
        )
    for row in cells:
        table.add_row(*(plain(c) for c in row))
    console.print(table)


def print_coalition(name: str, result: dict[str, Any], console: Console) -> None:
    """The coalition analysis (``coalition_analysis``): Shapley values, subsets, agreements."""
    console.print(
        Text.assemble(
            plain(name, "bold"),
            plain(
                f": {result['metric']} with every nation "
                f"{result['value_all']:.4f}, with none {result['value_none']:.4f} "
                f"({result['trials']:,} trials per subset, seed {result['seed']}, {result['method']})"
            ),
        )
    )
    shap = Table(
        title="Shapley value: each nation's average marginal contribution", title_justify="left"
    )
    shap.add_column("nation")
    shap.add_column("contribution  [95%]", justify="right")
    shap.add_column("share of the total", justify="right")
    span = result["value_all"] - result["value_none"]
    for nation, est in result["shapley"].items():
        share = f"{est['mean'] / span:.1%}" if span else "—"
        shap.add_row(plain(nation), estimate(est, _SIGNED4), share)
    console.print(shap)
    subsets = Table(title="Coalitions", title_justify="left")
    subsets.add_column("nations")
    subsets.add_column(plain(result["metric"]), justify="right")
    for row in result["subsets"]:
        subsets.add_row(plain(", ".join(row["nations"]) or "(none)"), f"{row['value']:.4f}")
    console.print(subsets)
    if result["agreements"]:
        ags = Table(title="Agreements: the metric with and without each", title_justify="left")
        ags.add_column("#")
        ags.add_column("agreement")
        ags.add_column("without", justify="right")
        ags.add_column("contribution  [95%]", justify="right")
        for row in result["agreements"]:
            ags.add_row(
                str(row["index"]),
                plain(row["description"]),
                f"{row['value_without']:.4f}",
                estimate(row["contribution"], _SIGNED4),
            )
        console.print(ags)


def _fmt(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def render_wta(doc: dict[str, Any], console: Console) -> None:
    """Print a solution document as a table and a summary."""
    inst = doc["instance"]
    title = inst["name"] or inst["file"]
    mode = "continuous relaxation" if doc["relaxed"] else "integer"
    table = Table(title=f"{title} ({mode})", title_justify="left")
    table.add_column("target")
    table.add_column("value", justify="right")
    table.add_column("min", justify="right")
    table.add_column("weapons assigned")
    table.add_column("P(destroyed)", justify="right")
    for t in doc["targets"]:
        assigned = ", ".join(f"{name} {_fmt(n)}" for name, n in t["assigned"].items()) or "-"
        table.add_row(
            str(t["name"]),
            f"{t['value']:g}",
            str(t["min_weapons"]) if t["min_weapons"] else "",
            assigned,
            f"{t['kill_probability']:.4f}",
        )
    console.print(table)
    used = ", ".join(
        f"{name} {_fmt(w['used'])}/{w['available']}" for name, w in doc["weapons_used"].items()
    )
    console.print(f"Weapons used: {used}")
    console.print(
        f"Expected destroyed value {doc['expected_destroyed_value']:.6f} of "
        f"{doc['total_value']:g} (surviving {doc['expected_surviving_value']:.6f}); "
        f"proven bound {doc['bound']:.6f}, gap {doc['gap']:.2e}; "
        f"{doc['status']} after {doc['iterations']} iteration(s), {doc['cuts']} cuts, "
        f"{doc['seconds']:.2f} s."
    )


def _study_line(info: Mapping[str, Any], console: Console) -> None:
    where = (
        f"store {info['store']} (study {info['study_id']})" if info.get("store") else "not stored"
    )
    console.print(
        plain(
            f"{info['computed']} computed, {info['resumed']} from the store · "
            f"{info['executor']} · {info['wall_s']:.1f} s · {where}",
            "dim",
        )
    )


def _parameters(info: Mapping[str, Any], console: Console) -> None:
    table = Table(title="Uncertain parameters", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("field", overflow="fold")
    table.add_column("distribution")
    for i, p in enumerate(info["parameters"], start=1):
        table.add_row(str(i), plain(p["path"]), plain(p["distribution"]))
    console.print(table)


def print_uncertainty(data: dict[str, Any], console: Console) -> None:
    """An uncertainty study (``UncertaintyResult.to_dict()``): each metric's spread."""
    info = data["uncertainty"]
    console.print(
        Text.assemble(
            plain(info["scenario"], "bold"),
            f": {info['samples']} samples ({info['method']}) of {len(info['parameters'])} "
            f"uncertain parameters, {info['trials']:,} trials each, seed {info['seed']}",
        )
    )
    _parameters(info, console)
    table = Table(
        title="Over the uncertain parameters: mean, 5 / 50 / 95 % (Monte Carlo error apart)",
        title_justify="left",
    )
    for col in ("metric", "mean", "5 %", "50 %", "95 %", "Monte Carlo s.e."):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for metric, d in data["metrics"].items():
        label, fmt = metric_column(metric)
        cells = [fmt(d[k]) if d.get(k) is not None else "—" for k in ("mean", "p5", "p50", "p95")]
        table.add_row(label, *cells, fmt(d["monte_carlo_se"]))
    console.print(table)
    _study_line(info, console)


def print_sensitivity(data: dict[str, Any], console: Console) -> None:
    """A sensitivity study (``SensitivityResult.to_dict()``): indices per metric."""
    info = data["sensitivity"]
    sobol = info["method"] == "sobol"
    console.print(
        Text.assemble(
            plain(info["scenario"], "bold"),
            f": {'Sobol indices' if sobol else 'Morris elementary effects'} of "
            f"{len(info['parameters'])} uncertain parameters, {info['evaluations']:,} runs of "
            f"{info['trials']:,} trials, seed {info['seed']}",
        )
    )
    _parameters(info, console)
    three = pattern("{:.3f}")
    for metric, by_path in data["indices"].items():
        label, fmt = metric_column(metric)
        title = f"{label}: " + (
            "first-order S1 and total ST [95% bootstrap interval], largest ST first"
            if sobol
            else "mean absolute effect mu* [95%] and sigma, largest first"
        )
        table = Table(title=title, title_justify="left")
        table.add_column("field", overflow="fold")
        key = "ST" if sobol else "mu_star"
        rows = sorted(by_path.items(), key=lambda kv: -(kv[1].get(key) or 0.0))
        if sobol:
            table.add_column("S1", justify="right")
            table.add_column("ST", justify="right")
            for path, ix in rows:
                table.add_row(
                    plain(path),
                    f"{three(ix['S1'])} ± {three(ix['S1_conf'])}",
                    f"{three(ix['ST'])} ± {three(ix['ST_conf'])}",
                )
        else:
            table.add_column("mu*", justify="right")
            table.add_column("sigma", justify="right")
            for path, ix in rows:
                table.add_row(
                    plain(path),
                    f"{fmt(ix['mu_star'])} ± {fmt(ix['mu_star_conf'])}",
                    fmt(ix["sigma"]),
                )
        console.print(table)
    # each metric's error in the units its table shows (a spend in USD M, not dollars)
    se = ", ".join(
        f"{metric_column(m)[0]} {metric_column(m)[1](v)}" for m, v in info["monte_carlo_se"].items()
    )
    console.print(plain(f"Monte Carlo standard error of one run: {se}", "dim"))
    _study_line(info, console)
