"""``hoplon wta``: the static weapon-target assignment solver on an instance file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from hoplon.cli.app import AsJson, app, out

WTAFile = Annotated[
    Path,
    typer.Argument(
        help="WTA instance (YAML or JSON: weapons, targets, kill_probability).",
        show_default=False,
    ),
]


@app.command()
def wta(
    file: WTAFile,
    relaxed: Annotated[
        bool,
        typer.Option("--relaxed", help="Solve the continuous relaxation (fractional weapons)."),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Optimal weapon-target assignment: maximise expected destroyed value (docs/wta.md)."""
    from hoplon.analysis.wta import solve_wta_file

    document = solve_wta_file(file, relaxed=relaxed)
    if as_json:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        render_wta(document)


def _fmt(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def render_wta(doc: dict[str, Any]) -> None:
    """Print a solution document as a table and a summary."""
    from rich.table import Table

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
    out.print(table)
    used = ", ".join(
        f"{name} {_fmt(w['used'])}/{w['available']}" for name, w in doc["weapons_used"].items()
    )
    out.print(f"Weapons used: {used}")
    out.print(
        f"Expected destroyed value {doc['expected_destroyed_value']:.6f} of "
        f"{doc['total_value']:g} (surviving {doc['expected_surviving_value']:.6f}); "
        f"proven bound {doc['bound']:.6f}, gap {doc['gap']:.2e}; "
        f"{doc['status']} after {doc['iterations']} iteration(s), {doc['cuts']} cuts, "
        f"{doc['seconds']:.2f} s."
    )
