"""``hoplon coalition``: each nation's Shapley contribution and each agreement's value."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hoplon.cli.app import (
    AsJson,
    MaxMemory,
    ScenarioFile,
    Seed,
    TableFormat,
    TableOutput,
    Trials,
    Workers,
    app,
    check_format,
    emit_tables,
    err,
    out,
)
from hoplon.io.jsontext import dumps as json_text
from hoplon.present.studies import print_coalition
from hoplon.safetext import plain


@app.command()
def coalition(
    file: ScenarioFile,
    metric: Annotated[
        str,
        typer.Option(
            "--metric",
            "-m",
            help="p_no_leak | value_protected | threats_stopped (a count: it still tells the nations apart when a raid saturates the defense).",
        ),
    ] = "p_no_leak",
    trials: Trials = None,
    seed: Seed = None,
    workers: Workers = None,
    as_json: AsJson = False,
    table_format: TableFormat = None,
    output: TableOutput = None,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", help="Run the subsets on a Dask cluster: tcp://HOST:PORT."),
    ] = None,
    max_memory: MaxMemory = None,
) -> None:
    """What each ally brings: every subset of the nations, Shapley values, agreement values."""
    check_format(table_format, output, as_json)
    from hoplon.analysis.coalition import coalition_analysis
    from hoplon.compile import memory
    from hoplon.core.runner import default_workers
    from hoplon.scenario import load_scenario

    memory.set_max_memory(max_memory)
    loaded = load_scenario(file)
    with err.status("running coalition subsets") as status:

        def tell(what: str) -> None:
            status.update(plain(f"done: {what}"))

        result = coalition_analysis(
            loaded,
            metric=metric,
            trials=trials,
            seed=seed,
            workers=workers or default_workers(),
            progress=tell,
            cluster=cluster,
        )
    if emit_tables("coalition", result, table_format, output):
        return
    if as_json:
        sys.stdout.write(json_text(result))
        return
    print_coalition(loaded.spec.name, result, out)
