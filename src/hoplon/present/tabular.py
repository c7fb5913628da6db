"""The tables of a record as plain rows, written as CSV, Markdown or an Excel workbook.

Each command's record (its ``--json`` data) becomes one or more :class:`Sheet` s of raw
numbers (not rounded for display), so a spreadsheet holds the same figures as the JSON:
``run`` (headline metrics, threats), ``compare`` (every metric of every scenario with its
difference from the first, then the leakers per target and per raid likewise), ``sweep`` (a row a point), ``coalition`` (Shapley values,
subsets, agreements) and ``econ`` (every figure under its field path).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: The formats besides the terminal's text and JSON.
FORMATS = ("csv", "md", "xlsx")


@dataclass(frozen=True)
class Sheet:
    """One table: a name, its column names and its rows of plain values."""

    name: str
    header: list[str]
    rows: list[list[Any]]


def _interval(est: Mapping[str, Any] | None) -> list[Any]:
    if not isinstance(est, Mapping):
        return [None, None, None]
    ci = est.get("ci95") or [None, None]
    return [est.get("mean"), ci[0], ci[1]]


def run_sheets(data: Mapping[str, Any]) -> list[Sheet]:
    """``hoplon run``: the headline metrics with their intervals, the metrics by target,
    interceptor, nation and unit, every threat, and where the run has them, the plan,
    the ACSA transfers, the campaign costs and the life-cycle cost."""
    head = []
    by: list[list[Any]] = []
    for key, est in data["metrics"].items():
        if isinstance(est, Mapping) and "mean" in est:
            head.append([key, *_interval(est)])
        elif isinstance(est, Mapping):  # leakers by target, shots by interceptor, ...
            by.extend([key, name, *_interval(e)] for name, e in est.items())
    extra: list[Sheet] = []
    if data.get("plan"):
        cols = ["wave", "status", "seconds", "interceptors", "value_at_risk", "expected_loss",
                "bound", "gap", "gap_share"]  # fmt: skip
        extra.append(Sheet("plan", cols, [[p.get(c) for c in cols] for p in data["plan"]]))
    if data.get("magazines_by_wave"):
        cols = ["wave", "unit", "interceptor", "start_mean", "fired_mean", "held_mean",
                "empty_share"]  # fmt: skip
        rows = [[r[c] for c in cols] for r in data["magazines_by_wave"]]
        extra.append(Sheet("magazines_by_wave", cols, rows))
    if data.get("acsa_transfers"):
        cols = ["from", "to", "interceptor", "mean_per_trial"]
        rows = [[t[c] for c in cols] for t in data["acsa_transfers"]]
        extra.append(Sheet("acsa_transfers", cols, rows))
    campaign = data.get("campaign_costs")
    if campaign:
        rows = [[r["nation"], r["interceptor"], r["shots"]["mean"], *_interval(r["spend_usd"])]
                for r in campaign["spend_by_nation_interceptor"]]  # fmt: skip
        rows += [
            [n, "all", None, *_interval(e)] for n, e in campaign["spend_by_nation_usd"].items()
        ]
        rows.append(["all", "all", None, *_interval(campaign["interceptor_spend_usd"])])
        extra.append(Sheet(
            f"campaign_spend_usd_{campaign.get('base_year') or 'then_year'}",
            ["nation", "interceptor", "shots", "spend_usd", "low", "high"], rows,
        ))  # fmt: skip
        extra += campaign_sheets(campaign)
    threats = []
    for t in data.get("threats", []):
        threats.append([
            t["id"], t["raid"], t["target"], t.get("first_track_s"), t.get("impact_s"),
            ", ".join(t.get("engageable_by", [])), *_interval(t.get("p_leak")),
        ])  # fmt: skip
    return [
        Sheet("headline", ["metric", "mean", "low", "high"], head),
        Sheet("metrics_by", ["metric", "of", "mean", "low", "high"], by),
        *extra,
        *lifecycle_sheets(data.get("architecture_cost")),
        Sheet(
            "threats",
            [
                "threat",
                "raid",
                "target",
                "first_track_s",
                "impact_s",
                "engageable_by",
                "p_leak",
                "p_leak_low",
                "p_leak_high",
            ],
            threats,
        ),  # fmt: skip
    ]


def campaign_sheets(campaign: Mapping[str, Any]) -> list[Sheet]:
    """A run's campaign costs beyond the defender's spend: the attacker's spend by threat
    type, the cost-exchange ratio in the campaign's dollars, and the years to replace
    what was expended (the terminal's tables, unrounded)."""
    year = campaign.get("base_year") or "then_year"
    attacker = [[t["type"], t["count"], t["spend_usd"]] for t in campaign.get("threats", [])]
    attacker.append(["all", sum(t["count"] for t in campaign.get("threats", [])),
                     campaign.get("threat_spend_usd")])  # fmt: skip
    sheets = [
        Sheet(f"attacker_spend_usd_{year}", ["threat_type", "count", "spend_usd"], attacker),
        Sheet(
            f"cost_exchange_usd_{year}",
            ["metric", "mean", "low", "high"],
            [["cost_exchange_ratio", *_interval(campaign.get("cost_exchange_ratio"))]],
        ),
    ]
    replacement = campaign.get("replacement") or []
    if replacement:
        from hoplon.results.campaign import EXPENDED_PERCENTILE

        pct = f"p{EXPENDED_PERCENTILE}"

        def years(y: Mapping[str, Any] | None) -> list[Any]:
            return [None, None] if y is None else [y.get("mean"), y.get(pct)]

        rows = []
        for r in replacement:
            w = r.get("without_licensed_line")
            rows.append([
                r["nation"], r["interceptor"], r["expended"]["mean"], r["expended"][pct],
                r["own_units_per_year"], r["share"], r["shared_units_per_year"],
                r["units_per_year"], *years(r.get("years")),
                *years(r.get("years_own_lines_only")),
                None if w is None else w["units_per_year"],
                *years(None if w is None else w.get("years")),
            ])  # fmt: skip
        cols = ["nation", "interceptor", "expended_mean", f"expended_{pct}",
                "own_units_per_year", "share_of_origin_lines", "shared_units_per_year",
                "units_per_year", "years_mean", f"years_{pct}", "own_lines_only_years_mean",
                f"own_lines_only_years_{pct}", "without_licensed_units_per_year",
                "without_licensed_years_mean", f"without_licensed_years_{pct}"]  # fmt: skip
        sheets.append(Sheet("replacement_years", cols, rows))
    return sheets


def lifecycle_sheets(cost: Mapping[str, Any] | None) -> list[Sheet]:
    """A run's ``architecture_cost``: a row per unit, and a row per paying nation."""
    if not cost:
        return []
    units = [
        [u["id"], u["kind"], u["nation"], u["platform"], u["status"], u["program"],
         u["acquisition_usd"], u["operating_usd"], u["inventory_usd"], u["total_usd"],
         u["initial_usd"], u["replacement_usd"], u["residual_usd"], u["priced"]]
        for u in cost["by_unit"]
    ]  # fmt: skip
    units.append(["all", "", "", "", "", "", cost["acquisition_usd"], cost["operating_usd"],
                  cost["inventory_usd"], cost["total_usd"], None, None, None, None])  # fmt: skip
    basis = [cost["horizon_years"], cost["discount_rate"], cost["base_year"]]
    return [
        Sheet("lifecycle_cost",
              ["unit", "kind", "nation", "platform", "status", "program", "acquisition_usd",
               "operating_usd", "inventory_usd", "total_usd", "initial_usd", "replacement_usd",
               "residual_usd", "priced"], units),
        Sheet("cost_by_nation", ["nation", "total_usd", "horizon_years", "discount_rate",
                                 "base_year"],
              [[n, v, *basis] for n, v in cost["by_nation"].items()]),
    ]  # fmt: skip


def compare_sheets(data: Mapping[str, Any]) -> list[Sheet]:
    """``hoplon compare``: a row per metric and scenario, with the difference from the first,
    and beside each the scenario's life-cycle cost and its difference from the first's."""
    rows = []
    scenarios = data["scenarios"]
    costs = data.get("costs") or [None] * len(scenarios)
    cost_diffs = {d["scenario"]: d for d in data.get("cost_differences", [])}
    for metric, ests in data["metrics"].items():
        diffs = {d["scenario"]: d for d in data["differences"].get(metric, [])}
        for i, (s, est) in enumerate(zip(scenarios, ests, strict=True)):
            d = diffs.get(i, {})
            ci = d.get("ci95") or [None, None]
            cost = costs[i]
            rows.append([
                metric, s["name"], s["file"], *_interval(est), d.get("diff"), ci[0], ci[1],
                d.get("p_value"), d.get("significant"), s.get("test"),
                None if cost is None else cost["total_usd"],
                cost_diffs.get(i, {}).get("diff_usd"),
                None if cost is None else cost["horizon_years"],
            ])  # fmt: skip
    header = ["metric", "scenario", "file", "mean", "low", "high", "diff_from_first",
              "diff_low", "diff_high", "p_value", "significant", "test", "lifecycle_cost_usd",
              "lifecycle_cost_diff_usd", "horizon_years"]  # fmt: skip
    sheets = [Sheet("comparison", header, rows)]
    for kind in ("target", "raid"):
        entries = data.get(f"leakers_by_{kind}") or {}
        if entries:
            sheets.append(Sheet(f"leakers_by_{kind}", [kind, *header[1:12]],
                                _leaker_rows(entries, scenarios)))  # fmt: skip
    return sheets


def _leaker_rows(entries: Mapping[str, Any], scenarios: Sequence[Any]) -> list[list[Any]]:
    """A row per target (or raid) and scenario: mean leakers, difference from the first."""
    rows = []
    for key, entry in entries.items():
        diffs = {d["scenario"]: d for d in entry.get("differences", [])}
        for i, (s, est) in enumerate(zip(scenarios, entry["estimates"], strict=True)):
            d = diffs.get(i, {})
            ci = d.get("ci95") or [None, None]
            rows.append([
                key, s["name"], s["file"], *_interval(est), d.get("diff"), ci[0], ci[1],
                d.get("p_value"), d.get("significant"), s.get("test"),
            ])  # fmt: skip
    return rows


def sweep_sheets(data: Mapping[str, Any]) -> list[Sheet]:
    """``hoplon sweep``: a row a point, its overrides then each metric with its interval."""
    points = data["points"]
    paths: list[str] = []
    metrics: list[str] = []
    for p in points:
        paths += [k for k in p["overrides"] if k not in paths]
        metrics += [m for m, e in p["metrics"].items()
                    if isinstance(e, Mapping) and "mean" in e and m not in metrics]  # fmt: skip
    header = ["point", *paths] + [f"{m}{s}" for m in metrics for s in ("", "_low", "_high")]
    rows = []
    for p in points:
        row: list[Any] = [p["index"], *(p["overrides"].get(k) for k in paths)]
        for m in metrics:
            row += _interval(p["metrics"].get(m))
        rows.append(row)
    return [Sheet("points", header, rows)]


def coalition_sheets(data: Mapping[str, Any]) -> list[Sheet]:
    """``hoplon coalition``: Shapley values, every subset's value, each agreement's value."""
    return [
        Sheet("shapley", ["nation", "mean", "low", "high"],
              [[n, *_interval(e)] for n, e in data["shapley"].items()]),
        Sheet("subsets", ["nations", "value"],
              [[", ".join(s["nations"]), s["value"]] for s in data["subsets"]]),
        Sheet("agreements", ["index", "kind", "description", "value_without", "contribution",
                             "contribution_low", "contribution_high"],
              [[a["index"], a["kind"], a["description"], a["value_without"],
                *_interval(a["contribution"])] for a in data["agreements"]]),
    ]  # fmt: skip


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from _leaves(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, value


def fields_sheet(data: Mapping[str, Any], name: str) -> list[Sheet]:
    """Any record as one table of ``field`` (its JSON path) and ``value``."""
    return [Sheet(name, ["field", "value"], [[p, v] for p, v in _leaves(data)])]


def trade_sheets(data: Mapping[str, Any]) -> list[Sheet]:
    """``hoplon trade``: the front, every evaluated architecture, the marginal table."""
    info = data["trade"]
    names = [d["name"] for d in info["decisions"]]
    nations = sorted({n for p in data["points"] for n in p.get("by_nation_usd") or {}})

    def rows(points: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
        out = []
        for p in points:
            row: list[Any] = [p["on_front"], p["cost_usd"]]
            row += [(p.get("by_nation_usd") or {}).get(n) for n in nations]
            for m in info["metrics"]:
                row += _interval(p["metrics"].get(m))
            out.append(row + [p["architecture"].get(k) for k in names])
        return out

    header = ["on_front", "cost_usd", *(f"paid_usd_{n}" for n in nations)]
    header += [f"{m}{s}" for m in info["metrics"] for s in ("", "_low", "_high")] + names
    metric = info["metrics"][0]
    marginal = [
        [r["decision"], r["option"], r["delta_cost_usd"], *_delta(r["delta"].get(metric)),
         r["gain_per_billion_usd"], r["meets_constraints"]]
        for r in data["marginal"]["rows"]
    ]  # fmt: skip
    return [
        Sheet("front", header, rows(data["front"])),
        Sheet("architectures", header, rows(data["points"])),
        Sheet("marginal", ["decision", "option", "delta_cost_usd", f"delta_{metric}",
                           "delta_low", "delta_high", "gain_per_billion_usd",
                           "meets_constraints"], marginal),
    ]  # fmt: skip


def _delta(d: Mapping[str, Any] | None) -> list[Any]:
    return [None, None, None] if not d else [d["diff"], d["ci95"][0], d["ci95"][1]]


SHEETS = {
    "trade": trade_sheets,
    "run": run_sheets,
    "compare": compare_sheets,
    "sweep": sweep_sheets,
    "coalition": coalition_sheets,
    "econ": lambda data: fields_sheet(data, "economics"),
}


def to_csv(sheets: Sequence[Sheet]) -> str:
    """CSV: one table; several are written one after the other, each after a line
    ``# <name>`` and separated by an empty line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for k, sheet in enumerate(sheets):
        if len(sheets) > 1:
            buffer.write(("\n" if k else "") + f"# {sheet.name}\n")
        writer.writerow(sheet.header)
        writer.writerows([["" if v is None else v for v in row] for row in sheet.rows])
    return buffer.getvalue()


def _md_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(sheets: Sequence[Sheet]) -> str:
    """Markdown tables (GitHub style), each under a heading with its name."""
    out = []
    for sheet in sheets:
        out.append(f"### {sheet.name}\n")
        out.append("| " + " | ".join(_md_cell(h) for h in sheet.header) + " |")
        out.append("|" + "---|" * len(sheet.header))
        out += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in sheet.rows]
        out.append("")
    return "\n".join(out)


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """An Excel workbook (openpyxl), one worksheet a table, numbers as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31])
        ws.append(sheet.header)
        for row in sheet.rows:
            ws.append([v if v is None or isinstance(v, int | float | str | bool) else str(v)
                       for v in row])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(kind: str, data: Mapping[str, Any], fmt: str) -> str | bytes:
    """The record of command ``kind`` in format ``fmt`` (csv, md or xlsx)."""
    sheets = SHEETS[kind](data)
    if fmt == "csv":
        return to_csv(sheets)
    if fmt == "md":
        return to_markdown(sheets)
    return to_xlsx(sheets)
