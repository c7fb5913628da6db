"""``hoplon compare``, ``hoplon sweep`` and ``hoplon results``: studies and their store."""

from __future__ import annotations

import datetime as dt
import decimal
import math
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from hoplon.cli.app import (
    DEFAULT_STORE,
    AsJson,
    DiscountRate,
    Horizon,
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
    check_store_options,
    emit_tables,
    err,
    out,
)
from hoplon.errors import InputError
from hoplon.io.jsontext import dumps as json_text
from hoplon.present.studies import print_comparison, print_query, print_sweep
from hoplon.safetext import plain, visible

if TYPE_CHECKING:  # pragma: no cover
    from hoplon.analysis.compare import Comparison
    from hoplon.io.store import ResultStore

_DEFAULT_STORE = DEFAULT_STORE

# ------------------------------------------------------------------------------ compare


@app.command()
def compare(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Two or more scenario files; the first is the baseline.",
            show_default=False,
            readable=False,  # the loader says why a file cannot be read
        ),
    ],
    trials: Trials = None,
    seed: Seed = None,
    workers: Workers = None,
    as_json: AsJson = False,
    table_format: TableFormat = None,
    output: TableOutput = None,
    store: StoreDir = _DEFAULT_STORE,
    no_store: NoStore = False,
    horizon: Horizon = None,
    discount_rate: DiscountRate = None,
) -> None:
    """Compare architectures: the same seed and trials for each, differences tested."""
    check_format(table_format, output, as_json)
    check_store_options(no_store, store, _DEFAULT_STORE)
    from hoplon.analysis.compare import compare as run_compare
    from hoplon.api import load
    from hoplon.io.store import ResultStore
    from hoplon.present.terminal import progress_bar

    if len(files) < 2:
        raise InputError.single("give two or more scenario files to compare", field="FILES")
    per_run = trials if trials is not None else load(files[0]).spec.trials
    if not no_store:
        ResultStore(store).ensure_writable()  # before any scenario is run
    with progress_bar(err, per_run * len(files), f"compare: {len(files)} scenarios") as advance:
        comparison = run_compare(
            files,
            trials=trials,
            seed=seed,
            workers=workers,
            progress=advance,
            horizon_years=horizon,
            discount_rate=discount_rate,
        )
    data = comparison.to_dict()
    if not no_store:
        store_comparison(comparison, ResultStore(store))
        data["store"] = str(store)
    if emit_tables("compare", data, table_format, output):
        return
    if as_json:
        sys.stdout.write(json_text(data))
    else:
        print_comparison(data, out)


def store_comparison(comparison: Comparison, store: ResultStore) -> list[str]:
    """Write each compared scenario's result to the store, as one study of kind ``compare``."""
    from hoplon.io.store import point_key, record_points, scenario_digest, study_id

    digests = [scenario_digest(r.scenario) for r in comparison.results]
    definition = {
        "kind": "compare",
        "scenarios": digests,
        "seed": comparison.seed,
        "trials": comparison.trials,
    }
    items: list[tuple[dict[str, Any], str, str | None, str, str, dict[str, Any]]] = []
    for file, result, digest in zip(comparison.files, comparison.results, digests, strict=True):
        key = point_key(digest, comparison.seed, comparison.trials)
        items.append((result.to_dict(), key, file, result.scenario.sha256, digest, {}))
    return record_points(
        store, items, study=study_id(definition), kind="compare", definition=definition
    )


# -------------------------------------------------------------------------------- sweep


@contextmanager
def _points_progress(
    console: Console, label: str
) -> Iterator[tuple[Callable[[int, int], None], Callable[[int], None]]]:
    """A progress bar over sweep points with an ETA, on standard error when it is a terminal."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from hoplon.present.terminal import description_column

    progress = Progress(
        description_column(),
        BarColumn(),
        MofNCompleteColumn(),
        "points",
        TimeElapsedColumn(),
        "ETA",
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    task = progress.add_task(visible(label), total=None)

    said: list[bool] = []

    def start(todo: int, resumed: int) -> None:
        """Size the bar (again, as a study learns its total: a trade's generations)."""
        if resumed and not said:
            said.append(True)
            console.print(
                plain(f"resuming: {resumed} point(s) already in the store, {todo} to run")
            )
        progress.update(task, total=todo)
        progress.start()

    def advance(n: int) -> None:
        progress.advance(task, n)

    try:
        yield start, advance
    finally:
        progress.stop()


def study_store(store: Path, no_store: bool, resume: bool) -> ResultStore | None:
    """The results store a study writes its points to (None with --no-store); --resume
    without a store is refused."""
    from hoplon.io.store import ResultStore

    if resume and no_store:
        raise InputError.single(
            "--resume reads the results store; it cannot be used with --no-store",
            field="--resume",
        )
    check_store_options(no_store, store, _DEFAULT_STORE)
    if no_store:
        return None
    db = ResultStore(store)
    if not resume:  # before any point is computed (a resumed study may have none to write)
        db.ensure_writable()
    return db


@app.command()
def sweep(
    file: ScenarioFile,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help=(
                "PATH=VALUES (repeatable; several make a grid). PATH: threats[0].count, "
                "doctrine.shots_per_engagement, units[2].magazine.PAC-3 MSE, trials. "
                "VALUES: a..b, a..b..step, or a comma list."
            ),
            show_default=False,
        ),
    ] = None,
    together: Annotated[
        list[str] | None,
        typer.Option(
            "--set-together",
            help=(
                "PATH=VALUES linked with the other --set-together options: their n-th "
                "values go together (one dimension of the grid, not a product). PATH may "
                "hold [*]: units[*].magazine.ESSM sets every unit holding ESSM."
            ),
            show_default=False,
        ),
    ] = None,
    trials: Trials = None,
    seed: Seed = None,
    workers: Workers = None,
    as_json: AsJson = False,
    table_format: TableFormat = None,
    output: TableOutput = None,
    store: StoreDir = _DEFAULT_STORE,
    no_store: NoStore = False,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume", help="Skip the points already in the store (an interrupted sweep)."
        ),
    ] = False,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            help="Run the points on a Dask cluster: its scheduler's tcp://HOST:PORT.",
            show_default=False,
        ),
    ] = None,
    max_memory: MaxMemory = None,
) -> None:
    """Sweep scenario fields over a grid: results per point with intervals, stored as they finish."""
    check_format(table_format, output, as_json)
    from hoplon.analysis.grid import parse_set
    from hoplon.analysis.sweep import plan_sweep, run_sweep
    from hoplon.compile import memory

    memory.set_max_memory(max_memory)

    if not sets and not together:
        raise InputError.single(
            "give at least one --set PATH=VALUES, e.g. --set threats[0].count=1..40",
            field="--set",
        )
    db = study_store(store, no_store, resume)
    try:
        specs = [parse_set(s) for s in sets or []] + [parse_set(s, True) for s in together or []]
    except InputError as exc:
        raise InputError(exc.problems, str(file)) from None
    plan = plan_sweep(file, specs, trials=trials, seed=seed)
    label = f"sweep: {len(plan.points)} points"
    with _points_progress(err, label) as (start, advance):
        result = run_sweep(
            plan,
            workers=workers,
            cluster=cluster,
            store=db,
            resume=resume,
            progress=advance,
            on_start=start,
        )
    data = result.to_dict()
    if emit_tables("sweep", data, table_format, output):
        return
    if as_json:
        sys.stdout.write(json_text(data))
    else:
        print_sweep(data, out)


# ------------------------------------------------------------------------------ results


def _plain(value: Any) -> Any:
    """A DuckDB value as JSON data."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@app.command()
def results(
    sql: Annotated[
        str | None,
        typer.Argument(
            help=(
                "SQL over the views `results` (one row per stored point) and `studies` "
                "(the points of each study). Default: the latest 20 points."
            ),
            show_default=False,
        ),
    ] = None,
    store: StoreDir = _DEFAULT_STORE,
    as_json: AsJson = False,
    max_rows: Annotated[
        int | None,
        typer.Option(
            "--max-rows",
            min=1,
            help=(
                "Refuse an answer of more rows than this (default 10,000, at most "
                "1,000,000): add LIMIT or aggregate."
            ),
            show_default=False,
        ),
    ] = None,
    allow_external: Annotated[
        bool,
        typer.Option(
            "--allow-external",
            help=(
                "Let the SQL read and write files outside the store, ATTACH databases and "
                "install extensions (off by default: the SQL sees only the store)."
            ),
        ),
    ] = False,
) -> None:
    """Query the results store with DuckDB SQL (read-only: it sees only the store)."""
    from hoplon.io.store import DEFAULT_QUERY, ResultStore

    started = time.perf_counter()
    columns, rows = ResultStore(store).query(
        sql or DEFAULT_QUERY, max_rows=max_rows, allow_external=allow_external
    )
    if as_json:
        records = [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in rows]
        sys.stdout.write(json_text({"columns": columns, "rows": records}))
        return
    print_query(columns, rows, out)
    err.print(f"{len(rows)} row(s) · {time.perf_counter() - started:.2f} s", style="dim")
