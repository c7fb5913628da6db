"""``hoplon trade``: the Pareto front of security against life-cycle cost, and the
marginal table, over a scenario's ``candidates:`` under its ``constraints:``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hoplon.cli.app import (
    DEFAULT_STORE,
    AsJson,
    MaxMemory,
    NoStore,
    ScenarioFile,
    Seed,
    StoreDir,
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


@app.command()
def trade(
    file: ScenarioFile,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            "-m",
            help="Security metric of the front (repeatable): p_no_leak (default), "
            "value_protected, value_protected_attacked, expected_leakers.",
            show_default=False,
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="auto (exhaustive up to 4,096 architectures, else NSGA-II), exhaustive, nsga2.",
        ),
    ] = "auto",
    population: Annotated[int, typer.Option("--population", help="NSGA-II population size.")] = 24,
    generations: Annotated[int, typer.Option("--generations", help="NSGA-II generations.")] = 30,
    optimiser_seed: Annotated[
        int | None,
        typer.Option(
            "--optimiser-seed",
            min=0,
            help="NSGA-II's seed (default: the run seed).",
            show_default=False,
        ),
    ] = None,  # fmt: skip
    no_marginal: Annotated[
        bool, typer.Option("--no-marginal", help="Leave out the marginal table.")
    ] = False,
    trials: Trials = None,
    seed: Seed = None,
    workers: Workers = None,
    as_json: AsJson = False,
    table_format: TableFormat = None,
    output: TableOutput = None,
    store: StoreDir = DEFAULT_STORE,
    no_store: NoStore = False,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Take the architectures already run from the store."),
    ] = False,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            help="Run on a Dask cluster: its scheduler's tcp://HOST:PORT.",
            show_default=False,
        ),
    ] = None,  # fmt: skip
    max_memory: MaxMemory = None,
) -> None:
    """What to buy under a budget: the Pareto front of security against life-cycle cost."""
    check_format(table_format, output, as_json)
    from hoplon.analysis.trade import trade as run_trade
    from hoplon.cli.commands.studies import _points_progress, study_store
    from hoplon.compile import memory
    from hoplon.present.trade import print_trade

    memory.set_max_memory(max_memory)
    db = study_store(store, no_store, resume)
    with _points_progress(err, "trade: architectures") as (start, advance):
        result = run_trade(
            file,
            metrics=metric or ["p_no_leak"],
            trials=trials,
            seed=seed,
            method=method,
            population=population,
            generations=generations,
            optimiser_seed=optimiser_seed,
            workers=workers,
            cluster=cluster,
            store=db,
            resume=resume,
            marginal=not no_marginal,
            progress=advance,
            planned=start,
        )
    data = result.to_dict()
    if emit_tables("trade", data, table_format, output):
        return
    if as_json:
        sys.stdout.write(json_text(data))
    else:
        print_trade(data, out)
