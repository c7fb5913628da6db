"""``hoplon export``: a scenario's geography for GIS tools (GeoJSON, KML, CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hoplon.cli.app import ScenarioFile, app, err
from hoplon.errors import InputError


@app.command()
def export(
    file: ScenarioFile,
    fmt: Annotated[str, typer.Option("--format", help="geojson, kml or csv.")] = "geojson",
    output: Annotated[
        Path, typer.Option("-o", "--output", help="File to write.", show_default=False)
    ] = Path("-"),
    footprints: Annotated[
        bool,
        typer.Option(
            "--footprints",
            help="Add the defended footprint against each raid's threat type from its launch"
            " point (docs/footprints.md; a 25 km grid).",
        ),
    ] = False,
) -> None:
    """Assets, units, sensors with coverage, threat tracks and envelopes, for QGIS or Google Earth."""
    from hoplon.analysis.geography import scenario_geography
    from hoplon.io.outfile import write_output
    from hoplon.present.export import FORMATS, render
    from hoplon.scenario import load_scenario

    if fmt not in FORMATS:
        raise InputError.single(
            f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}", field="--format"
        )
    if str(output) == "-":
        raise InputError.single("give the file to write with -o FILE", field="--output")
    loaded = load_scenario(file)
    drawn = []
    if footprints:
        from hoplon.analysis.footprint import raid_footprints

        drawn = raid_footprints(loaded)
    geography = scenario_geography(loaded, drawn)
    write_output(output, render(geography.to_dict(), fmt), field="--output")
    err.print(f"Wrote {len(geography.features)} features to {output} ({fmt}).")
