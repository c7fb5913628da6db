"""``hoplon wta``: the static weapon-target assignment solver on an instance file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from hoplon.cli.app import AsJson, app, out
from hoplon.io.jsontext import dumps as json_text
from hoplon.present.studies import render_wta

WTAFile = Annotated[
    Path,
    typer.Argument(
        help="WTA instance (YAML or JSON: weapons, targets, kill_probability).",
        show_default=False,
        readable=False,  # the loader says why a file cannot be read
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
        sys.stdout.write(json_text(document))
    else:
        render_wta(document, out)
