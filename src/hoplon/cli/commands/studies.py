"""``hoplon compare``, ``hoplon sweep`` and ``hoplon results``: studies and their store."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

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
from hoplon.errors import InputError
from hoplon.safetext import plain, visible

if TYPE_CHECKING:  # pragma: no cover
    from hoplon.analysis.compare import Comparison
    from hoplon.io.store import ResultStore

_DEFAULT_STORE = DEFAULT_STORE

#: How each compared metric is shown: label, scale, format.
_SHOWN: dict[str, tuple[str, float, str]] = {
    "p_no_leak": ("P(no leaker)", 1.0, "{:.4f}"),
    "expected_leakers": ("expected leakers", 1.0, "{:.3f}"),
    "value_protected": ("value protected", 1.0, "{:.4f}"),
    "interceptor_cost_usd": ("interceptor spend (USD M)", 1e-6, "{:,.1f}"),
    "cost_exchange_ratio": ("cost-exchange ratio", 1.0, "{:.3f}"),
}


def _label(metric: str) -> tuple[str, float, str]:
    if metric.startswith("shots_by_nation."):
        return f"shots by {metric.split('.', 1)[1]}", 1.0, "{:.2f}"
    return _SHOWN.get(metric, (metric, 1.0, "{:.4g}"))


def _interval(est: dict[str, Any] | None, scale: float, fmt: str) -> str:
    if est is None or est.get("mean") is None:
        return "—"
    text = fmt.format(est["mean"] * scale)
    if est.get("ci95"):
        lo, hi = est["ci95"]
        text += escape(f"\n[{fmt.format(lo * scale)}, {fmt.format(hi * scale)}]")
    return text


def _signed(fmt: str, x: float) -> str:
    text = fmt.format(x)
    return text if text.startswith("-") else "+" + text


def _p(p: float) -> str:
    return "p<0.0001" if p < 1e-4 else f"p={p:.4f}"


# ------------------------------------------------------------------------------ compare


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
    table = Table(
        title="Mean [95% interval]; difference from A [95% interval], p-value",
        title_justify="left",
    )
    table.add_column("metric")
    table.add_column("A", justify="right")
    for letter in letters[1:]:
        table.add_column(letter, justify="right")
        table.add_column(f"{letter} − A", justify="right")
    for metric, ests in data["metrics"].items():
        label, scale, fmt = _label(metric)
        row = [label, _interval(ests[0], scale, fmt)]
        for est, diff in zip(ests[1:], data["differences"][metric], strict=True):
            row.append(_interval(est, scale, fmt))
            if diff.get("diff") is None:
                row.append("—")
                continue
            lo, hi = diff["ci95"]
            value = _signed(fmt, diff["diff"] * scale)
            interval = escape(f"[{_signed(fmt, lo * scale)}, {_signed(fmt, hi * scale)}]")
            p_value = _p(diff["p_value"])
            if diff["significant"]:
                row.append(f"[bold]{value} *[/bold]\n{interval}\n{p_value}")
            else:
                row.append(f"{value}  \n{interval}\n{p_value}")
        table.add_row(*row)
    console.print(table)
    for letter, s in zip(letters[1:], scenarios[1:], strict=True):
        how = (
            "paired test on the per-trial differences (as many threats: trials pair, common random numbers)"
            if s["test"] == "paired"
            else "Welch's unpaired test (the threats differ, so trials do not pair)"
        )
        console.print(f"{letter} − A: {how}.", style="dim")
    console.print("* significant at 5%, two-sided (each test on its own).", style="dim")


@app.command()
def compare(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Two or more scenario files; the first is the baseline.", show_default=False
        ),
    ],
    trials: Trials = None,
    seed: Seed = None,
    workers: Workers = None,
    as_json: AsJson = False,
    store: StoreDir = _DEFAULT_STORE,
    no_store: NoStore = False,
) -> None:
    """Compare architectures: the same seed and trials for each, differences tested."""
    from hoplon.analysis.compare import compare as run_compare
    from hoplon.api import load
    from hoplon.io.store import ResultStore
    from hoplon.present.text import progress_bar

    if len(files) < 2:
        raise InputError.single("give two or more scenario files to compare", field="FILES")
    per_run = trials if trials is not None else load(files[0]).spec.trials
    with progress_bar(err, per_run * len(files), f"compare: {len(files)} scenarios") as advance:
        comparison = run_compare(files, trials=trials, seed=seed, workers=workers, progress=advance)
    data = comparison.to_dict()
    if not no_store:
        store_comparison(comparison, ResultStore(store))
        data["store"] = str(store)
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
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

    from hoplon.present.text import description_column

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

    def start(todo: int, resumed: int) -> None:
        if resumed:
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


def print_sweep(data: dict[str, Any], console: Console) -> None:
    """The table of a sweep's points (``SweepResult.to_dict()``)."""
    info = data["sweep"]
    from hoplon.analysis.grid import show_value

    console.print(
        Text.assemble(
            plain(info["scenario"], "bold"),
            f": sweep of {len(data['points'])} points, "
            f"{info['trials']:,} trials each, seed {info['seed']}",
        )
    )
    table = Table(title="Per point: mean and 95% interval", title_justify="left")
    paths = list(info["set"])
    for path in paths:
        table.add_column(plain(path), justify="right", overflow="fold")
    for metric in ("p_no_leak", "expected_leakers", "value_protected", "interceptor_cost_usd"):
        table.add_column(_label(metric)[0], justify="right")
    table.add_column("cost-exchange ratio", justify="right")
    if info["resumed"]:
        table.add_column("", justify="left")
    for point in data["points"]:
        m = point["metrics"]
        row: list[str | Text] = [plain(show_value(point["overrides"].get(p))) for p in paths]
        for metric in ("p_no_leak", "expected_leakers", "value_protected", "interceptor_cost_usd"):
            _, scale, fmt = _label(metric)
            row.append(_interval(m.get(metric), scale, fmt))
        ratio = (m.get("cost_exchange_ratio") or {}).get("mean")
        row.append("—" if ratio is None else f"{ratio:.3f}")
        if info["resumed"]:
            row.append("stored" if point["resumed"] else "")
        table.add_row(*row)
    console.print(table)
    where = f"store {info['store']} (study {info['study_id']})" if info["store"] else "not stored"
    console.print(
        plain(
            f"{info['computed']} computed, {info['resumed']} from the store · "
            f"{info['executor']} · {info['wall_s']:.1f} s · {where}",
            "dim",
        )
    )


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
    trials: Trials = None,
    seed: Seed = None,
    workers: Workers = None,
    as_json: AsJson = False,
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
    from hoplon.analysis.sweep import plan_sweep, run_sweep
    from hoplon.compile import memory
    from hoplon.io.store import ResultStore

    memory.set_max_memory(max_memory)

    if not sets:
        raise InputError.single(
            "give at least one --set PATH=VALUES, e.g. --set threats[0].count=1..40",
            field="--set",
        )
    if resume and no_store:
        raise InputError.single(
            "--resume reads the results store; it cannot be used with --no-store",
            field="--resume",
        )
    plan = plan_sweep(file, sets, trials=trials, seed=seed)
    label = f"sweep: {len(plan.points)} points"
    with _points_progress(err, label) as (start, advance):
        result = run_sweep(
            plan,
            workers=workers,
            cluster=cluster,
            store=None if no_store else ResultStore(store),
            resume=resume,
            progress=advance,
            on_start=start,
        )
    data = result.to_dict()
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
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


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1e6 else f"{value:.6g}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
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
        sys.stdout.write(json.dumps({"columns": columns, "rows": records}, indent=2) + "\n")
        return
    cells = [[_cell(v) for v in row] for row in rows]
    table = Table(title_justify="left")
    for j, column in enumerate(columns):
        values = [row[j] for row in rows]
        numeric = all(isinstance(v, int | float) or v is None for v in values)
        table.add_column(
            plain(column), justify="right" if numeric and values else "left", overflow="fold"
        )
    for row in cells:
        table.add_row(*(plain(c) for c in row))
    out.print(table)
    err.print(f"{len(rows)} row(s) · {time.perf_counter() - started:.2f} s", style="dim")
