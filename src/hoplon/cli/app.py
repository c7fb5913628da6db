"""The ``hoplon`` command: a thin layer over the Python API.

Exit codes: 0 success; 2 bad input (the message names the file, line, field and what
would be accepted); 1 an internal error (a traceback only with ``--debug``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from hoplon._version import __version__
from hoplon.errors import InputError
from hoplon.io.jsontext import dumps as json_text
from hoplon.safetext import plain

app = typer.Typer(
    name="hoplon",
    help="Coalition air and missile defense analysis: how much security, at what cost, paid by whom.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# Text from files is printed as rich Text objects (hoplon.safetext.plain); emoji codes
# are off everywhere, so a name with ':100:' is printed as written.
out = Console(highlight=False, soft_wrap=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

MaxMemory = Annotated[
    str | None,
    typer.Option(
        "--max-memory",
        help="Refuse work estimated to need more memory than this (e.g. 4GiB, 512MiB; "
        "default: the memory available, or $HOPLON_MAX_MEMORY).",
        show_default=False,
    ),
]

ScenarioFile = Annotated[
    Path,
    # readable=False: the loader says why a file cannot be read, in the project's words
    typer.Argument(
        help="Scenario file (YAML, format version 1).", show_default=False, readable=False
    ),
]


def _version(value: bool) -> None:
    if value:
        out.print(f"hoplon {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show Python tracebacks for internal errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Hoplon: coalition air and missile defense analysis."""


@app.command()
def validate(file: ScenarioFile, max_memory: MaxMemory = None) -> None:
    """Check a scenario and print a summary of what it holds."""
    from hoplon.compile import compile_scenario, memory
    from hoplon.present.terminal import print_gaps, print_summary
    from hoplon.scenario import load_scenario
    from hoplon.scenario.checks import trials_findings
    from hoplon.scenario.loader import findings_to_error

    memory.set_max_memory(max_memory)
    loaded = load_scenario(file)
    too_many = trials_findings(loaded.spec)  # the file's trials, as a run of it would take
    if too_many:
        raise findings_to_error(too_many, loaded.positions, str(file))
    memory.check(loaded, compile_only=True, field="threats", what="compiling this scenario")
    compiled = compile_scenario(loaded)  # geometry refusals (overlapping waves) show here too
    print_summary(loaded, out)
    from hoplon.present.text import sections_text

    size = None
    if loaded.spec.candidates:
        from hoplon.analysis.tradespace import plan_space

        size = plan_space(loaded, loaded.raw).size
    for line in sections_text(loaded.spec, size):
        out.print(plain(line))
    threats = sum(m.n_threats for m in compiled.waves)
    windows = sum(m.windows.count for m in compiled.waves)
    gaps = sum(1 for m in compiled.waves for who in m.engageable_by() if not who)
    out.print(
        f"Geometry: {threats} threats, {windows} engagement windows"
        + (f", [bold red]{gaps} threat(s) no unit can engage[/bold red]" if gaps else "")
        + f" (compiled in {compiled.compile_s:.2f} s)."
    )
    if gaps:
        print_gaps(loaded, out)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors) on standard output."""
    from hoplon.scenario.schema import Scenario

    document = Scenario.model_json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "Hoplon scenario (format version 1)"
    sys.stdout.write(json_text(document))


@app.command()
def catalog(
    kind: Annotated[
        str | None,
        typer.Argument(help="interceptors | sensors | platforms | threats (default: all)."),
    ] = None,
) -> None:
    """List the built-in catalog entries with their key figures and sources."""
    from hoplon.catalog import KINDS
    from hoplon.present.terminal import print_catalog

    if kind is not None and kind not in KINDS:
        from hoplon.errors import did_you_mean

        raise InputError.single(
            f"unknown catalog kind '{kind}'{did_you_mean(kind, KINDS)}; accepted: {', '.join(KINDS)}",
            field="KIND",
        )
    print_catalog(out, kind)


Trials = Annotated[
    int | None, typer.Option("--trials", "-n", min=1, help="Trials (default: the scenario's).")
]
Seed = Annotated[
    int | None,
    typer.Option(
        "--seed", "-s", min=0, max=2**63 - 1, help="Random seed (default: the scenario's)."
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-w",
        min=1,
        max=256,  # hoplon.execute.MAX_WORKERS
        help="Processes (default: every core; at most 256). Results do not depend on it.",
    ),
]
Horizon = Annotated[
    int | None,
    typer.Option(
        "--horizon",
        help="Life-cycle cost horizon, years (default: economics.horizon_years, else 20).",
    ),
]
DiscountRate = Annotated[
    float | None,
    typer.Option(
        "--discount-rate",
        help="Real discount rate of the life-cycle cost, a fraction (0.02 = 2 %; default: "
        "economics.discount_rate, else 0.02).",
    ),
]
AsJson = Annotated[
    bool, typer.Option("--json", help="Print the JSON result contract on standard output.")
]
StoreDir = Annotated[
    Path,
    typer.Option(
        "--store",
        envvar="HOPLON_STORE",
        help="Results store folder: every result is written there as Parquet (created if missing).",
    ),
]
NoStore = Annotated[bool, typer.Option("--no-store", help="Write nothing to the results store.")]
Without = Annotated[
    list[str] | None,
    typer.Option("--without", help="Leave out a nation's units and sensors (repeatable)."),
]
DropAgreement = Annotated[
    list[int] | None,
    typer.Option(
        "--drop-agreement", min=0, help="Leave out agreement INDEX (0-based; repeatable)."
    ),
]
TableFormat = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="Write the tables as csv, md (Markdown) or xlsx (Excel; needs --output) "
        "instead of the terminal's text: the same figures as --json, unrounded.",
        show_default=False,
    ),
]
TableOutput = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="File for --format (default: standard output; xlsx needs a file).",
        show_default=False,
    ),
]


def print_no_threats(spec: Any, file: Path) -> None:
    """Warn, on standard error, before running a scenario that has no threats."""
    from hoplon.scenario.checks import no_threats_warning

    text = no_threats_warning(spec)
    if text:
        err.print(plain(f"Warning: {file}: {text}", newlines=True))


def check_store_options(no_store: bool, store: Path, default: Path) -> None:
    """Refuse ``--no-store`` with a ``--store`` folder: one says to write nothing, the
    other where to write. The command's default folder and ``HOPLON_STORE`` in the
    environment are defaults, which ``--no-store`` overrides."""
    if not no_store:
        return
    given = os.environ.get("HOPLON_STORE")
    if store != default and (not given or store != Path(given)):
        raise InputError.single(
            f"writes nothing, so --store {store} cannot be given with it; give one of the two",
            field="--no-store",
        )


def _file_or_stdout(output: Path | None) -> Path | None:
    """``--output -`` is standard output, as is no --output (None)."""
    return None if output is not None and str(output) == "-" else output


def check_format(fmt: str | None, output: Path | None, as_json: bool = False) -> None:
    """Refuse a --format or --output that cannot be written, and --format with --json
    (two outputs for one standard output), before any work."""
    from hoplon.errors import did_you_mean
    from hoplon.io.outfile import check_output
    from hoplon.present.tabular import FORMATS

    if as_json and fmt is not None:
        raise InputError.single(
            f"--json and --format {fmt} are two outputs; give one of them", field="--format"
        )
    output = _file_or_stdout(output)
    if fmt is None:
        if output is not None:
            raise InputError.single(
                f"--output goes with --format ({', '.join(FORMATS)})", field="--output"
            )
        return
    if fmt not in FORMATS:
        raise InputError.single(
            f"unknown format '{fmt}'{did_you_mean(fmt, FORMATS)}; accepted: {', '.join(FORMATS)}"
            " (or --json)",
            field="--format",
        )
    if fmt == "xlsx" and output is None:
        raise InputError.single(
            "an xlsx workbook needs a file: give --output FILE.xlsx", field="--format"
        )
    if output is not None:
        check_output(output, field="--output")


def emit_tables(kind: str, data: dict[str, object], fmt: str | None, output: Path | None) -> bool:
    """Write the record's tables in ``fmt`` (to ``output`` or standard output); False when
    no --format was given."""
    if fmt is None:
        return False
    from hoplon.io.outfile import write_output
    from hoplon.present.tabular import render

    content = render(kind, data, fmt)
    output = _file_or_stdout(output)
    if output is None:
        sys.stdout.write(content if isinstance(content, str) else content.decode())
    else:
        write_output(output, content, field="--output")
        err.print(plain(f"wrote {output}"))
    return True


#: The results store used when --store is not given (also $HOPLON_STORE).
DEFAULT_STORE = Path("hoplon-results")


@app.command()
def run(
    file: ScenarioFile,
    trials: Trials = None,
    seed: Seed = None,
    workers: Workers = None,
    as_json: AsJson = False,
    table_format: TableFormat = None,
    output: TableOutput = None,
    without: Without = None,
    drop_agreement: DropAgreement = None,
    store: StoreDir = DEFAULT_STORE,
    no_store: NoStore = False,
    max_memory: MaxMemory = None,
    horizon: Horizon = None,
    discount_rate: DiscountRate = None,
) -> None:
    """Run the Monte Carlo: leak probabilities, interceptors spent, costs, per threat."""
    from hoplon.api import load
    from hoplon.compile import memory
    from hoplon.present.terminal import planning_notice, print_result, progress_bar

    check_format(table_format, output, as_json)
    check_store_options(no_store, store, DEFAULT_STORE)
    memory.set_max_memory(max_memory)
    scenario = load(file)
    for warning in scenario.warnings:  # on standard error: --json output stays clean
        err.print(f"Warning: {warning}", markup=False)
    print_no_threats(scenario.spec, file)
    n = trials or scenario.spec.trials
    if not no_store:
        from hoplon.io.store import ResultStore

        ResultStore(store).ensure_writable()  # before the run, not after it
    planning_notice(scenario.loaded, err)
    with progress_bar(err, n, f"{scenario.name}") as advance:
        result = scenario.run(
            trials=trials,
            seed=seed,
            workers=workers,
            progress=advance,
            without=without or (),
            drop_agreements=drop_agreement or (),
            horizon_years=horizon,
            discount_rate=discount_rate,
        )
    if not no_store:
        from hoplon.io.store import record_run

        record_run(result, store)
    data = result.to_dict()
    if emit_tables("run", data, table_format, output):
        return
    if as_json:
        sys.stdout.write(json_text(data))
    else:
        print_result(data, out, result.doctrine_line(), result.held_back())
        if "campaign_costs" in data:
            from hoplon.present.economics import render_campaign_costs

            render_campaign_costs(data["campaign_costs"], out)
        if "architecture_cost" in data:
            from hoplon.present.economics import render_architecture_cost

            render_architecture_cost(data["architecture_cost"], out)
