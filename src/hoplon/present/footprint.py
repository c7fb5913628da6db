"""The terminal table of a defended footprint (``hoplon footprint``), from its record's dict."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from hoplon.safetext import plain


def render_footprint(doc: dict[str, Any], console: Console) -> None:
    """Print each unit's footprint and the architecture's union."""
    threat, grid = doc["threat"], doc["grid"]
    lat, lon = threat["from"]
    title = (
        f"Defended footprint against {threat['type']} ({threat['class']}) from {lat:.2f}, {lon:.2f}"
    )
    table = Table(title=plain(title), title_justify="left")
    for name, justify in (
        ("unit", "left"), ("nation", "left"), ("type", "left"), ("interceptors", "left"),
        ("cells", "right"), ("area km²", "right"), ("best P(kill)", "right"),
    ):  # fmt: skip
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for u in doc["units"]:
        table.add_row(
            plain(u["id"]), plain(u["nation"]), plain(u["type"]),
            plain(", ".join(u["interceptors"])), f"{u['cells']:,}",
            f"{u['area_km2']:,.0f}", f"{u['max_p_kill']:.3f}" if u["cells"] else "-",
        )  # fmt: skip
    best = max((u["max_p_kill"] for u in doc["units"] if u["cells"]), default=0.0)
    table.add_section()
    table.add_row(
        "union", "", "", "", f"{doc['cells']:,}", f"{doc['area_km2']:,.0f}",
        f"{best:.3f}" if doc["cells"] else "-",
    )  # fmt: skip
    console.print(table)
    console.print(
        f"Grid: {grid['rows']} × {grid['cols']} cells of {grid['step_km']:g} km "
        f"({doc['reachable_cells']:,} within the threat's range); areas on the WGS84 "
        f"ellipsoid; computed in {doc['compute_s']:.1f} s."
    )
    if not doc["cells"]:
        console.print(
            "No aim point is defended: "
            + (
                "the threat cannot reach any cell of the grid from this launch point (move "
                "--from nearer, or widen --extent-km)."
                if not doc["reachable_cells"]
                else f"of the {doc['reachable_cells']:,} cells it can reach, none is one a "
                "unit can engage it flying to (range, altitude, a usable track in time)."
            )
        )
    if doc["reaches_edge"]:
        console.print(
            "The footprint reaches the grid's edge, so it may go on beyond it: widen --extent-km."
        )
