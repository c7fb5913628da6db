"""``hoplon footprint``: where the units can engage a threat aimed there (docs/footprints.md)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hoplon.cli.app import AsJson, ScenarioFile, app, out
from hoplon.io.jsontext import dumps as json_text


@app.command()
def footprint(
    file: ScenarioFile,
    threat: Annotated[
        str, typer.Option("--threat", help="Catalog threat type (e.g. 'notional MRBM').")
    ],
    launch: Annotated[
        str, typer.Option("--from", help="Launch point LAT,LON in degrees (e.g. 40.0,127.5).")
    ],
    unit: Annotated[
        list[str] | None,
        typer.Option("--unit", help="A unit whose footprint is wanted (repeat; default: all)."),
    ] = None,
    grid_km: Annotated[float, typer.Option("--grid-km", help="Grid cell size, km.")] = 25.0,
    extent_km: Annotated[
        float | None,
        typer.Option(
            "--extent-km",
            help="Side of the square grid, km (default: the units' spread plus twice "
            "their longest interceptor range).",
            show_default=False,
        ),
    ] = None,
    radius_km: Annotated[
        float | None,
        typer.Option(
            "--from-radius-km",
            help="A launch area: a circle of this radius about --from; an aim point is"
            " defended only if defended against every launch point sampled in it.",
            show_default=False,
        ),
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", help="Launch points on the area's circle.")
    ] = 8,
    as_json: AsJson = False,
) -> None:
    """Defended footprint: the aim points the units can engage a threat flying to (no Monte Carlo)."""
    from hoplon.analysis.footprint import footprint_file
    from hoplon.present.footprint import render_footprint

    record = footprint_file(
        file, threat, launch, unit or (), grid_km=grid_km, extent_km=extent_km,
        radius_km=radius_km, samples=samples,
    )  # fmt: skip
    doc = record.to_dict()
    if as_json:
        sys.stdout.write(json_text(doc, indent=None))
    else:
        render_footprint(doc, out)
