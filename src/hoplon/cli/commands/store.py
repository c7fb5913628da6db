"""``hoplon store check [--repair]``: verify every file of the results store."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hoplon.cli.app import DEFAULT_STORE, StoreDir, app
from hoplon.errors import InputError

#: Study kinds whose command has --resume.
RESUMABLE = ("sweep", "sensitivity", "uncertainty", "trade")


def _line(text: str) -> None:
    sys.stdout.write(text + "\n")


store_app = typer.Typer(
    name="store",
    help="Look after the results store: verify its files, quarantine damaged ones.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
app.add_typer(store_app, name="store")


@store_app.command("check")
def check(
    store: StoreDir = DEFAULT_STORE,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help=(
                "Move damaged, foreign and duplicate files to quarantine/, remove temporary "
                "files of dead writers, rebuild the manifests of orphaned points."
            ),
        ),
    ] = False,
) -> None:
    """Verify every file's checksum; list what is corrupt, duplicate or orphaned.

    Exit code 0: the store is clean; 1: something was found (and, with --repair, put
    right: run again to see it clean); 2: no store there.
    """
    from hoplon.io.store import ResultStore

    db = ResultStore(store, warn=lambda line: None)  # findings are listed below instead
    if not (db.points_dir.is_dir() or db.studies_dir.is_dir()):  # missing, a file, or a
        # folder that holds no store (neither points/ nor studies/)
        raise InputError.single(
            "no results store here (a folder written by `hoplon sweep`, `compare` or `run`)",
            file=str(db.root),
            field="--store",
        )
    report = db.check(repair=repair)
    for damage in report.damaged:
        _line(f"{damage.kind}: {damage.path}: {damage.reason}")
    for path in report.orphaned:
        _line(f"orphaned: {path}: intact, but no study manifest lists it")
    for path in report.temporaries:
        _line(f"leftover: {path}: temporary file of a writer no longer running")
    for study, stored, asked, kind in report.incomplete:
        again = (
            f"`hoplon {kind} ... --resume` completes it"
            if kind in RESUMABLE
            else f"`hoplon {kind} ...` again computes the rest"
        )
        _line(
            f"note: study {study}: {stored} of {asked} points stored (an interrupted {kind}: {again})"
        )
    for action in report.actions:
        _line(f"repaired: {action}")
    counts = (
        f"{report.checked} file(s) checked: "
        f"{sum(d.kind == 'corrupt' for d in report.damaged)} corrupt, "
        f"{sum(d.kind == 'foreign' for d in report.damaged)} foreign, "
        f"{sum(d.kind == 'duplicate' for d in report.damaged)} duplicate, "
        f"{len(report.orphaned)} orphaned, {len(report.temporaries)} leftover temporary"
    )
    _line(counts)
    if report.findings:
        if not repair:
            _line(
                f"run `hoplon store check --repair --store {db.root}` to quarantine and rebuild",
            )
        raise typer.Exit(1)
