"""``hoplon uncertainty`` and ``hoplon sensitivity``: studies over the notional figures."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from hoplon.cli.app import (
    DEFAULT_STORE,
    AsJson,
    MaxMemory,
    NoStore,
    ScenarioFile,
    Seed,
    StoreDir,
    Trials,
    Workers,
    app,
    err,
    out,
)
from hoplon.cli.commands.studies import _points_progress, study_store
from hoplon.io.jsontext import dumps as json_text
from hoplon.present.studies import print_sensitivity, print_uncertainty

if TYPE_CHECKING:  # pragma: no cover
    pass

Resume = Annotated[
    bool,
    typer.Option("--resume", help="Skip the samples already in the store (an interrupted study)."),
]
Cluster = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        help="Run the samples on a Dask cluster: its scheduler's tcp://HOST:PORT.",
        show_default=False,
    ),
]


@app.command()
def uncertainty(
    file: ScenarioFile,
    samples: Annotated[
        int, typer.Option("--samples", min=2, help="Samples of the uncertain parameters.")
    ] = 64,
    method: Annotated[
        str, typer.Option("--method", help="lhs (Latin hypercube) or sobol (scrambled Sobol').")
    ] = "lhs",
    trials: Trials = None,
    seed: Seed = None,
    workers: Workers = None,
    as_json: AsJson = False,
    store: StoreDir = DEFAULT_STORE,
    no_store: NoStore = False,
    resume: Resume = False,
    cluster: Cluster = None,
    max_memory: MaxMemory = None,
) -> None:
    """Each metric's spread over the scenario's uncertain: figures (5/50/95 %), apart
    from the Monte Carlo error."""
    from hoplon.analysis.uncertain import plan_uncertainty
    from hoplon.analysis.uncertain import uncertainty as run_uncertainty
    from hoplon.compile import memory

    memory.set_max_memory(max_memory)
    db = study_store(store, no_store, resume)
    study = plan_uncertainty(file, samples=samples, method=method, trials=trials, seed=seed)
    label = f"uncertainty: {len(study.plan.points)} samples"
    with _points_progress(err, label) as (start, advance):
        result = run_uncertainty(
            study, workers=workers, cluster=cluster, store=db,
            resume=resume, progress=advance, on_start=start,
        )  # fmt: skip
    data = result.to_dict()
    if as_json:
        sys.stdout.write(json_text(data))
    else:
        print_uncertainty(data, out)


@app.command()
def sensitivity(
    file: ScenarioFile,
    method: Annotated[
        str,
        typer.Option(
            "--method", help="sobol (first-order and total indices) or morris (screening)."
        ),
    ] = "sobol",
    n: Annotated[
        int | None,
        typer.Option(
            "--n",
            min=2,
            help="Saltelli base samples, a power of two (sobol; default 512: n (k + 2) runs) "
            "or Morris trajectories (default 20: n (k + 1) runs).",
            show_default=False,
        ),
    ] = None,
    levels: Annotated[int, typer.Option("--levels", min=2, help="Morris grid levels.")] = 4,
    second_order: Annotated[
        bool,
        typer.Option(
            "--second-order", help="Also the second-order Sobol indices (n (2k + 2) runs)."
        ),
    ] = False,
    trials: Trials = None,
    seed: Seed = None,
    workers: Workers = None,
    as_json: AsJson = False,
    store: StoreDir = DEFAULT_STORE,
    no_store: NoStore = False,
    resume: Resume = False,
    cluster: Cluster = None,
    max_memory: MaxMemory = None,
) -> None:
    """Which uncertain figure drives each metric: Sobol' indices or Morris effects (SALib)."""
    from hoplon.analysis.uncertain import plan_sensitivity
    from hoplon.analysis.uncertain import sensitivity as run_sensitivity
    from hoplon.compile import memory

    memory.set_max_memory(max_memory)
    db = study_store(store, no_store, resume)
    study = plan_sensitivity(
        file,
        method=method,
        n=n,
        levels=levels,
        second_order=second_order,
        trials=trials,
        seed=seed,
    )
    label = f"sensitivity ({method}): {len(study.plan.points)} samples"
    with _points_progress(err, label) as (start, advance):
        result = run_sensitivity(
            study, workers=workers, cluster=cluster, store=db,
            resume=resume, progress=advance, on_start=start,
        )  # fmt: skip
    data = result.to_dict()
    if as_json:
        sys.stdout.write(json_text(data))
    else:
        print_sensitivity(data, out)
