"""``hoplon coalition``: each nation's Shapley contribution and each agreement's value."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from hoplon.cli.app import AsJson, MaxMemory, ScenarioFile, Seed, Trials, Workers, app, err, out
from hoplon.safetext import plain


@app.command()
def coalition(
    file: ScenarioFile,
    metric: Annotated[
        str, typer.Option("--metric", "-m", help="p_no_leak | value_protected.")
    ] = "p_no_leak",
    trials: Trials = None,
    seed: Seed = None,
    workers: Workers = None,
    as_json: AsJson = False,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", help="Run the subsets on a Dask cluster: tcp://HOST:PORT."),
    ] = None,
    max_memory: MaxMemory = None,
) -> None:
    """What each ally brings: every subset of the nations, Shapley values, agreement values."""
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
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    out.print(
        Text.assemble(
            plain(loaded.spec.name, "bold"),
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
        lo, hi = est["ci95"]
        share = f"{est['mean'] / span:.1%}" if span else "—"
        shap.add_row(plain(nation), f"{est['mean']:+.4f}  [{lo:+.4f}, {hi:+.4f}]", share)
    out.print(shap)
    subsets = Table(title="Coalitions", title_justify="left")
    subsets.add_column("nations")
    subsets.add_column(plain(result["metric"]), justify="right")
    for row in result["subsets"]:
        subsets.add_row(plain(", ".join(row["nations"]) or "(none)"), f"{row['value']:.4f}")
    out.print(subsets)
    if result["agreements"]:
        ags = Table(title="Agreements: the metric with and without each", title_justify="left")
        ags.add_column("#")
        ags.add_column("agreement")
        ags.add_column("without", justify="right")
        ags.add_column("contribution  [95%]", justify="right")
        for row in result["agreements"]:
            lo, hi = row["contribution"]["ci95"]
            ags.add_row(
                str(row["index"]),
                plain(row["description"]),
                f"{row['value_without']:.4f}",
                f"{row['contribution']['mean']:+.4f}  [{lo:+.4f}, {hi:+.4f}]",
            )
        out.print(ags)
