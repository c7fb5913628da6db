"""``hoplon init``: write a commented, valid starter scenario."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from hoplon.cli.app import app, err
from hoplon.errors import InputError, did_you_mean
from hoplon.safetext import plain

#: The starter scenarios, by template name (files in hoplon/scenario/templates/).
TEMPLATES = {
    "bmd": "layered ballistic missile defense: an Aegis destroyer and Patriot batteries",
    "ship": "ship self-defense against sea-skimming missiles",
    "coalition": "two allies: a track network and collective defense",
}


def template_text(name: str) -> str:
    """The text of a starter scenario."""
    if name not in TEMPLATES:
        raise InputError.single(
            f"unknown template '{name}'{did_you_mean(name, TEMPLATES)}; accepted: "
            f"{', '.join(TEMPLATES)}",
            field="--template",
        )
    return (resources.files("hoplon.scenario") / "templates" / f"{name}.yaml").read_text(
        encoding="utf-8"
    )


@app.command()
def init(
    file: Annotated[Path, typer.Argument(help="Scenario file to write.", show_default=True)] = Path(
        "scenario.yaml"
    ),
    template: Annotated[
        str, typer.Option("--template", "-t", help="bmd | ship | coalition.")
    ] = "bmd",
    force: Annotated[bool, typer.Option("--force", help="Replace a file already there.")] = False,
) -> None:
    """Write a commented starter scenario that validates and runs as it is."""
    from hoplon.io.outfile import write_output

    text = template_text(template)
    if file.exists() and not force:
        raise InputError.single(
            "the file exists; give another name, or --force to replace it", file=str(file)
        )
    write_output(file, text, field="--output")
    err.print(plain(f"wrote {file} ({TEMPLATES[template]}); next: hoplon validate {file}"))
