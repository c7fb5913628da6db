"""``hoplon report``: one self-contained HTML file for a run, a sweep or a comparison."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from hoplon.cli.app import (
    DropAgreement,
    Seed,
    Trials,
    Without,
    Workers,
    app,
    err,
    print_no_threats,
)
from hoplon.errors import InputError, format_path
from hoplon.safetext import plain

#: Largest JSON input read, in bytes (a sweep of 100,000 points writes well under this).
MAX_JSON_BYTES = 256 * 1024 * 1024


def _study_json(file: Path) -> dict[str, Any]:
    """A sweep or compare result (``--json`` output) read from a file."""
    from hoplon.scenario.yamlio import read_regular_file

    raw = read_regular_file(file, MAX_JSON_BYTES, "the JSON output of `hoplon sweep` or `compare`")

    def not_json(constant: str) -> None:
        raise InputError.single(
            f"{constant} is not JSON (Hoplon writes a figure that is not a number as null)",
            file=str(file),
        )

    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=not_json)
    except UnicodeDecodeError as exc:
        raise InputError.single(
            f"the file is not valid UTF-8 text (byte {exc.start})", file=str(file)
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError.single(
            f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", file=str(file)
        ) from None
    except RecursionError:
        raise InputError.single(
            "the JSON is nested too deeply to be a sweep or compare result", file=str(file)
        ) from None
    if not isinstance(data, dict) or not (
        ("trade" in data and "front" in data)
        or "points" in data
        or ("scenarios" in data and "metrics" in data)
        or ("sensitivity" in data and "indices" in data)
        or ("uncertainty" in data and "metrics" in data)
    ):
        raise InputError.single(
            "a JSON input must be the output of `hoplon sweep --json` (with `points`),"
            " `hoplon compare --json` (with `scenarios` and `metrics`), or `hoplon"
            " sensitivity --json`, `hoplon uncertainty --json` or `hoplon trade --json`",
            file=str(file),
        )
    bad = _not_a_figure(data, ())
    if bad is not None:
        where, value = bad
        raise InputError.single(
            f"{format_path(where)} is {value!r}; an estimate's mean and interval are numbers "
            "(or null)",
            file=str(file),
        )
    return data


def _not_a_figure(
    value: Any, where: tuple[str | int, ...]
) -> tuple[tuple[str | int, ...], Any] | None:
    """The first estimate (a mapping with ``mean``) whose mean or interval is not a
    number or null, with its path; None when every one is."""
    if isinstance(value, dict):
        if "mean" in value:
            mean, ci = value["mean"], value.get("ci95")
            if mean is not None and (not isinstance(mean, int | float) or isinstance(mean, bool)):
                return (*where, "mean"), mean
            if ci is not None and (
                not isinstance(ci, list)
                or len(ci) != 2
                or any(c is not None and (not isinstance(c, int | float) or isinstance(c, bool))
                       for c in ci)
            ):  # fmt: skip
                return (*where, "ci95"), ci
        for key, item in value.items():
            found = _not_a_figure(item, (*where, str(key)))
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _not_a_figure(item, (*where, i))
            if found is not None:
                return found
    return None


@app.command()
def report(
    file: Annotated[
        Path,
        typer.Argument(
            help="Scenario file (YAML), or the JSON output of `hoplon sweep`, `compare`, "
            "`trade`, `sensitivity` or `uncertainty`.",
            show_default=False,
            readable=False,  # the loader says why a file cannot be read
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    trials: Trials = None,
    seed: Seed = None,
    workers: Workers = None,
    without: Without = None,
    drop_agreement: DropAgreement = None,
    coalition: Annotated[
        str | None,
        typer.Option(
            "--coalition",
            help="Also compute each nation's Shapley contribution to this metric"
            " (p_no_leak, value_protected or threats_stopped) and each agreement's value.",
            show_default=False,
        ),
    ] = None,
    footprints: Annotated[
        bool,
        typer.Option(
            "--footprints",
            help="Also draw the architecture's defended footprint against each raid's threat"
            " type from its launch point (docs/footprints.md; a 25 km grid).",
        ),
    ] = False,
    engagement: Annotated[
        str | None,
        typer.Option(
            "--engagement",
            help="Also draw the engagement view of this threat (RAID#N, e.g. mrbm-tokyo#1):"
            " altitude against time, altitude bands, tracks, windows, trial 0's intercepts.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a self-contained HTML report: map, results with intervals, spend, timeline."""
    from hoplon.present.html import render_compare_report, render_report, render_sweep_report
    from hoplon.present.html.sensitivity import render_sensitivity_report

    start = time.perf_counter()
    from hoplon.io.outfile import check_output

    if str(output) == "-":  # standard output, as it means elsewhere: a report is a file
        raise InputError.single(
            "a report is an HTML file with its charts: give -o FILE.html", field="--output"
        )
    check_output(output, field="--output")  # a link, folder or device: refused before any run
    if coalition is not None:
        from hoplon.analysis.coalition import METRICS
        from hoplon.errors import did_you_mean

        if coalition not in METRICS:
            raise InputError.single(
                f"unknown metric '{coalition}'{did_you_mean(coalition, METRICS)}; accepted: "
                f"{', '.join(METRICS)}",
                field="--coalition",
            )
    if file.suffix.lower() == ".json":
        data = _study_json(file)
        try:
            if "trade" in data:
                from hoplon.present.html.trade import render_trade_report

                render_trade_report(data, output)
            elif "points" in data:
                render_sweep_report(data, output)
            elif "sensitivity" in data or "uncertainty" in data:
                render_sensitivity_report(data, output)
            else:
                render_compare_report(data, output)
        except (TypeError, KeyError, ValueError, AttributeError, IndexError, RecursionError) as exc:
            what = (
                f"the field {exc.args[0]!r} it needs is missing"
                if isinstance(exc, KeyError) and exc.args
                else "a field holds another kind of value than the command writes"
            )
            raise InputError.single(
                f"this JSON does not have the shape of the `--json` output of `hoplon sweep`, "
                f"`compare`, `sensitivity`, `uncertainty` or `trade` ({what}); write it with "
                "one of those",
                file=str(file),
            ) from None
    else:
        from hoplon.api import load
        from hoplon.present.terminal import planning_notice, progress_bar

        scenario = load(file)
        if drop_agreement:  # the what-if, for the run and everything drawn with it
            scenario = scenario.drop_agreement(drop_agreement)
        if without:
            scenario = scenario.without(without)
        if engagement is not None:  # a threat that is not there: refused before the run
            from hoplon.analysis.engagement import find_threat

            find_threat(scenario.loaded, engagement)
        print_no_threats(scenario.spec, file)
        n = trials or scenario.spec.trials
        planning_notice(scenario.loaded, err)
        with progress_bar(err, n, scenario.name) as advance:
            result = scenario.run(trials=trials, seed=seed, workers=workers, progress=advance)
        contributions = None
        if coalition is not None:
            from hoplon.analysis.coalition import coalition_analysis
            from hoplon.core.runner import default_workers

            err.print(plain(f"coalition: every subset of nations, metric {coalition}"))
            contributions = coalition_analysis(
                scenario.loaded,
                metric=coalition,
                trials=trials,
                seed=seed,
                workers=default_workers() if workers is None else workers,
            )
        drawn = []
        if footprints:
            from hoplon.analysis.footprint import raid_footprints

            err.print(plain("footprints: each raid's threat type from its launch point"))

            def said(k: int, total: int, what: str) -> None:
                err.print(plain(f"  footprint {k} of {total}: {what}"), style="dim")

            drawn = [fp.to_dict() for fp in raid_footprints(scenario.loaded, progress=said)]
        view = None
        if engagement is not None:
            from hoplon.analysis.engagement import engagement_view

            view = engagement_view(scenario.loaded, engagement, result.sample_trial()).to_dict()
        render_report(result, output, coalition=contributions, footprints=drawn, engagement=view)
    size_kb = output.stat().st_size / 1024
    took = time.perf_counter() - start
    err.print(plain(f"wrote {output} ({size_kb:,.0f} KB) in {took:.1f} s"))
