"""``hoplon econ``: burden sharing of co-development programs and consortia."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hoplon.cli.app import (
    AsJson,
    ScenarioFile,
    TableFormat,
    TableOutput,
    app,
    check_format,
    emit_tables,
    out,
)
from hoplon.errors import InputError
from hoplon.io.jsontext import dumps as json_text


@app.command()
def econ(
    file: ScenarioFile,
    join: Annotated[
        list[str] | None,
        typer.Option("--join", help="What-if: CONSORTIUM:NATION joins (repeatable)."),
    ] = None,
    leave: Annotated[
        list[str] | None,
        typer.Option("--leave", help="What-if: CONSORTIUM:NATION leaves (repeatable)."),
    ] = None,
    as_json: AsJson = False,
    table_format: TableFormat = None,
    output: TableOutput = None,
) -> None:
    """Who pays: each nation's contributions, shares and savings in base-year dollars."""
    check_format(table_format, output, as_json)
    from hoplon.economics import (
        WhatIfError,
        parse_membership_change,
        run_economics,
    )
    from hoplon.present.economics import render_economics
    from hoplon.scenario import load_scenario

    loaded = load_scenario(file)
    econ_spec = loaded.spec.economics
    if econ_spec is None:
        raise InputError.single(
            "the scenario has no `economics:` section; see docs/economics.md for its shape",
            file=str(file),
            field="economics",
        )
    try:
        joins = [parse_membership_change(x) for x in join or []]
        leaves = [parse_membership_change(x) for x in leave or []]
        result = run_economics(econ_spec, join=joins, leave=leaves)
    except (WhatIfError, ValueError) as exc:
        option = "--join/--leave"
        raise InputError.single(str(exc), file=str(file), field=option) from None
    if emit_tables("econ", result, table_format, output):
        return
    if as_json:
        sys.stdout.write(json_text(result))
    else:
        render_economics(result, out)
