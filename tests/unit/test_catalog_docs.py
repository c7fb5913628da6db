"""docs/catalog.md and the built-in catalog agree: every entry has a row in its kind's
table, and the row's key figures and source are the entry's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from hoplon.catalog import KINDS, builtin_catalog

DOC = Path(__file__).resolve().parents[2] / "docs" / "catalog.md"

#: The heading of each kind's table in docs/catalog.md.
HEADINGS = {
    "interceptors": "### Interceptors",
    "sensors": "### Sensors",
    "platforms": "### Platforms",
    "threats": "### Threats",
}


def _tables() -> dict[str, dict[str, dict[str, str]]]:
    """kind -> entry name -> column -> cell, from the tables of the Entries section."""
    text = DOC.read_text(encoding="utf-8")
    out: dict[str, dict[str, dict[str, str]]] = {}
    for kind, heading in HEADINGS.items():
        start = text.index(heading + "\n")
        lines = text[start:].splitlines()[1:]
        # the table is the first run of "|" lines after the heading
        first = next(i for i, line in enumerate(lines) if line.startswith("|"))
        rows = []
        for line in lines[first:]:
            if not line.startswith("|"):
                break
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        header, body = rows[0], rows[2:]
        table = {}
        for cells in body:
            assert len(cells) == len(header), cells
            row = dict(zip(header, cells, strict=True))
            assert row["name"] not in table, f"{row['name']} listed twice under {heading}"
            table[row["name"]] = row
        out[kind] = table
    return out


TABLES = _tables()


def _num(cell: str) -> float:
    return float(cell.replace(",", ""))


def _span(cell: str) -> tuple[float, float]:
    low, high = cell.split("–")
    return _num(low), _num(high)


def _cost(cell: str) -> tuple[float, int]:
    m = re.fullmatch(r"\$([\d.,]+) M \((\d{4})\)", cell)
    assert m, cell
    return _num(m.group(1)) * 1e6, int(m.group(2))


def _sspk(cell: str) -> dict[str, float]:
    return {c: float(p) for c, p in (part.split() for part in cell.split(", "))}


def _source(text: str) -> str:
    return " ".join(text.split())


def _expected(kind: str, e: Any) -> dict[str, Any]:
    """The figures a row must show, parsed the same way as the row."""
    common = {"source": _source(e.source), "notional": "yes" if e.notional else "no"}
    if kind == "interceptors":
        return common | {
            "tier": e.tier,
            "ground range km": (e.min_range_km, e.max_range_km),
            "intercept alt km": (e.min_alt_km, e.max_alt_km),
            "avg speed km/s": e.avg_speed_kms,
            "SSPK (notional)": dict(e.sspk),
            "reliability": e.reliability,
            "unit cost": (e.unit_cost_usd, e.cost_year),
            "producers": ", ".join(e.producers),
        }
    if kind == "sensors":
        return common | {
            "kind": e.kind,
            "role": e.role,
            "range km (1 m²)": e.range_km,
            "field of regard °": e.field_of_regard_deg,
            "min elev °": e.min_elev_deg,
            "antenna m": e.antenna_height_m,
            "track s": e.track_time_s,
            "latency s": e.latency_s,
        }
    if kind == "platforms":
        return common | {
            "radar": e.radar,
            "launchers": e.launchers,
            "fire channels": "unlimited" if e.fire_channels is None else e.fire_channels,
            "salvos at once": e.capacity,
            "reaction s": e.reaction_s,
        }
    ballistic = e.flight == "ballistic"
    if e.flight == "glide":  # glide: L/D and boost; speed at the glide's end / entry altitude
        shape = f"glide L/D {e.lift_to_drag:g}, {e.burn_time_s:g}"
        flying = f"{e.terminal_speed_kms:g} / {e.glide_altitude_m:g}"
    else:
        shape = f"{e.trajectory}, {e.burn_time_s:g}" if ballistic else "—"
        flying = "—" if ballistic else f"{e.speed_kms:g} / {e.altitude_m:g}"
    return common | {
        "class": e.threat_class,
        "flight": e.flight,
        "max range km": e.max_range_km,
        "trajectory / burn s": shape,
        "speed km/s / altitude m": flying,
        "release km": "—" if e.release_range_km is None else e.release_range_km,
        "RCS m²": e.rcs_m2,
        "reliability": e.reliability,
        "unit cost": (e.unit_cost_usd, e.cost_year),
    }


def _parsed(column: str, cell: str, want: Any) -> Any:
    """The cell, parsed to the type of the figure it must equal."""
    if isinstance(want, tuple) and isinstance(want[1], int) and column == "unit cost":
        return _cost(cell)
    if isinstance(want, tuple):
        return _span(cell)
    if isinstance(want, dict):
        return _sspk(cell)
    if isinstance(want, bool | str):
        return cell
    if isinstance(want, int | float):
        return _num(cell)
    raise AssertionError(f"no parser for {column}")  # pragma: no cover


CASES = [(kind, name) for kind in KINDS for name in builtin_catalog().kind(kind)]


@pytest.mark.parametrize(("kind", "name"), CASES, ids=[f"{k}:{n}" for k, n in CASES])
def test_docs_row_matches_the_catalog_entry(kind: str, name: str) -> None:
    entry = builtin_catalog().kind(kind)[name]
    row = TABLES[kind].get(name)
    assert row is not None, f"docs/catalog.md has no row for {kind} '{name}'"
    for column, want in _expected(kind, entry).items():
        assert column in row, f"docs/catalog.md {kind} table has no column '{column}'"
        got = _parsed(column, row[column], want)
        approximate = isinstance(want, float) or (isinstance(want, tuple) and column != "unit cost")
        if approximate:
            assert got == pytest.approx(want), (name, column, row[column])
        else:
            assert got == want, (name, column, row[column])


@pytest.mark.parametrize("kind", KINDS)
def test_docs_list_no_entry_the_catalog_lacks(kind: str) -> None:
    assert set(TABLES[kind]) <= set(builtin_catalog().kind(kind))
