"""Defended footprints: where on the ground the chosen units can engage a threat aimed there.

For a grid of aim points around the units, a threat of one catalog type is flown from one
launch point to every aim point (one :class:`~hoplon.core.flight.PathBatch` per chunk of
aim points, :func:`hoplon.compile.raids.aim_point_paths`); the scenario's sensors and the
units' own radars give each unit's fire-control track on each (compile step 2), and the
engagement-window kernel (:func:`hoplon.core.windows.engagement_windows`) gives, for every
(stock, aim point), whether the interceptor can meet the threat inside its envelope after
that track. An aim point is defended by a unit when one of its stocks has a window; the
architecture's footprint is the union over the units. No Monte Carlo: geometry and timing
only (docs/footprints.md gives the method, its equations and its limits).

Areas are geodesic: the union of the defended grid cells (latitude-longitude rectangles)
as one polygon (shapely), its edges densified, measured on the WGS84 ellipsoid
(:meth:`pyproj.Geod.geometry_area_perimeter`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import shapely
from numpy.typing import NDArray
from shapely.geometry import mapping
from shapely.geometry.polygon import orient

from hoplon.catalog.models import MAX_GROUND_RANGE_KM
from hoplon.compile.raids import AIR_BREATHING_DT_S, aim_point_paths
from hoplon.compile.sensors import first_detections, place_sensors, tracks_from_detections
from hoplon.compile.stocks import build_stocks
from hoplon.compile.windows import envelopes, launchers
from hoplon.core.windows import engagement_windows
from hoplon.errors import InputError, did_you_mean
from hoplon.scenario.loader import LoadedScenario

GEOD = pyproj.Geod(ellps="WGS84")
#: Aim points flown at once (one path batch and one call of the windows kernel each).
CHUNK_AIM_POINTS = 1024
#: Path samples flown at once: a chunk of aim points is cut down so that its paths hold
#: about this many samples (a cruise missile's hour-long flight has ten times the samples
#: of a ballistic one; 1,024 of its paths took gigabytes and most of the time in paging).
CHUNK_SAMPLES = 1_000_000
#: Largest grid accepted (aim points).
MAX_AIM_POINTS = 250_000
_A, _E2 = 6_378_137.0, 6.69437999014e-3


def aims_per_chunk(entry: Any) -> int:
    """Aim points per path batch: :data:`CHUNK_AIM_POINTS`, fewer for an air-breathing
    threat, whose longest path (its range at its speed, a sample a second) would
    otherwise make a batch of more than about :data:`CHUNK_SAMPLES` samples."""
    if entry.flight not in ("cruise", "aircraft") or not entry.speed_ms:
        return CHUNK_AIM_POINTS
    samples = max(1.0, entry.max_range_m / entry.speed_ms / AIR_BREATHING_DT_S)
    return int(min(CHUNK_AIM_POINTS, max(16, CHUNK_SAMPLES // samples)))


def degree_lengths_km(lat_deg: float) -> tuple[float, float]:
    """Length of one degree of latitude and of longitude at a latitude, km (WGS84).

    ``M = a (1 - e²) / (1 - e² sin² φ)^(3/2)`` and ``N cos φ = a cos φ / (1 - e² sin² φ)^(1/2)``,
    times ``π / 180``.
    """
    s2 = math.sin(math.radians(lat_deg)) ** 2
    m = _A * (1 - _E2) / (1 - _E2 * s2) ** 1.5
    n = _A / math.sqrt(1 - _E2 * s2)
    k = math.pi / 180 / 1000
    return m * k, n * math.cos(math.radians(lat_deg)) * k


def area_km2(geometry: shapely.Geometry, max_segment_deg: float = 0.05) -> float:
    """Geodesic area of a longitude-latitude geometry on the WGS84 ellipsoid, km².

    Edges are densified to ``max_segment_deg`` first, so an edge along a parallel (a
    grid cell's) is followed, not replaced by the geodesic between its ends.
    """
    if geometry.is_empty:
        return 0.0
    dense = shapely.segmentize(geometry, max_segment_deg)
    area, _ = GEOD.geometry_area_perimeter(orient(dense) if dense.geom_type == "Polygon" else dense)
    return abs(float(area)) / 1e6


@dataclass(frozen=True)
class UnitFootprint:
    """One unit's part of a footprint."""

    id: str
    nation: str
    type: str
    lat: float
    lon: float
    interceptors: tuple[str, ...]
    cells: int
    area_km2: float
    max_p_kill: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "nation": self.nation, "type": self.type,
            "at": [self.lat, self.lon], "interceptors": list(self.interceptors),
            "cells": self.cells, "area_km2": round(self.area_km2, 1),
            "max_p_kill": round(self.max_p_kill, 4),
        }  # fmt: skip


@dataclass(frozen=True)
class Footprint:
    """The defended footprint of some units against one threat type from one launch point.

    Grid arrays are ``(rows, cols)``: row ``i`` at latitude ``lat[i]``, column ``j`` at
    longitude ``lon[j]`` (cell centres; cells are ``dlat_deg`` × ``dlon_deg``).
    """

    scenario: str | None
    threat: str
    threat_class: str
    launch: tuple[float, float]
    grid_km: float
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    dlat_deg: float
    dlon_deg: float
    reachable: NDArray[np.bool_]
    """Aim points the threat can reach (its range, away from the launch point)."""
    defended: NDArray[np.bool_]
    p_kill: NDArray[np.float64]
    """Best single-engagement kill probability (reliability × SSPK) over the stocks with a window."""
    opportunities: NDArray[np.int64]
    """Stocks (unit × interceptor) with an engagement window on the threat."""
    unit_defended: NDArray[np.bool_]
    """``(units, rows, cols)``: each unit's own footprint."""
    units: tuple[UnitFootprint, ...]
    area_km2: float
    compute_s: float = field(compare=False)
    launch_radius_km: float = 0.0
    """A launch area's radius (0: one launch point); see :func:`compute_area_footprint`."""
    launch_points: int = 1

    @property
    def cells(self) -> int:
        return int(self.defended.sum())

    @property
    def reaches_edge(self) -> bool:
        """Whether a cell on the grid's border is defended (the footprint may go on beyond)."""
        d = self.defended
        return bool(d[0].any() or d[-1].any() or d[:, 0].any() or d[:, -1].any())

    def cell_polygon(self, mask: NDArray[np.bool_], valid: bool = False) -> shapely.Geometry:
        """The union of the grid cells where ``mask`` holds, longitude-latitude.

        The fast coverage union may leave a ring touching itself where two cells meet at a
        corner only (right for the area, not a valid OGC polygon); ``valid`` asks for the
        full overlay union, whose rings are valid (for export).
        """
        i, j = np.nonzero(mask)
        if not i.size:
            return shapely.Polygon()
        # Cell edges computed once, so neighbours share their edge exactly.
        lon_e = np.append(self.lon - self.dlon_deg / 2, self.lon[-1] + self.dlon_deg / 2)
        lat_e = np.append(self.lat - self.dlat_deg / 2, self.lat[-1] + self.dlat_deg / 2)
        boxes = shapely.box(lon_e[j], lat_e[i], lon_e[j + 1], lat_e[i + 1])
        return shapely.union_all(boxes) if valid else shapely.coverage_union_all(boxes)

    def outline(self, mask: NDArray[np.bool_] | None = None) -> dict[str, Any]:
        """The defended area as a GeoJSON geometry (counter-clockwise exteriors)."""
        geom = self.cell_polygon(self.defended if mask is None else mask, valid=True)
        if geom.geom_type == "Polygon":
            geom = orient(geom)
        elif geom.geom_type == "MultiPolygon":
            geom = shapely.MultiPolygon([orient(p) for p in geom.geoms])
        return dict(mapping(geom))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "footprint",
            "scenario": self.scenario,
            "threat": {"type": self.threat, "class": self.threat_class,
                       "from": list(self.launch), "radius_km": self.launch_radius_km,
                       "launch_points": self.launch_points},
            "grid": {
                "step_km": self.grid_km, "rows": int(self.lat.size), "cols": int(self.lon.size),
                "dlat_deg": self.dlat_deg, "dlon_deg": self.dlon_deg,
                "lat": [round(float(v), 6) for v in self.lat],
                "lon": [round(float(v), 6) for v in self.lon],
            },
            "area_km2": round(self.area_km2, 1),
            "cells": self.cells,
            "reachable_cells": int(self.reachable.sum()),
            "reaches_edge": self.reaches_edge,
            "units": [u.to_dict() for u in self.units],
            "defended": self.defended.astype(int).tolist(),
            "p_kill": np.round(self.p_kill, 4).tolist(),
            "opportunities": self.opportunities.tolist(),
            "outline": self.outline(),
            "compute_s": round(self.compute_s, 3),
        }  # fmt: skip


def parse_lat_lon(
    text: str, field_name: str = "--from", file: str | Path | None = None
) -> tuple[float, float]:
    """``"LAT,LON"`` in degrees, checked; a bad one is an :class:`InputError`."""
    parts = [p.strip() for p in text.split(",")]
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise InputError.single(
            f"{text!r} is not LAT,LON in degrees (e.g. 40.0,127.5)", field=field_name, file=file
        ) from None
    if not (math.isfinite(lat) and -90 <= lat <= 90 and math.isfinite(lon) and -180 <= lon <= 180):
        raise InputError.single(
            f"{text!r}: latitude must be in [-90, 90] and longitude in [-180, 180]",
            field=field_name,
            file=file,
        )
    return lat, lon


def _select_units(loaded: LoadedScenario, unit_ids: Sequence[str]) -> list[int]:
    units = loaded.spec.units
    present = [i for i, u in enumerate(units) if u.nation not in loaded.absent]
    if not unit_ids:
        if not present:
            raise InputError.single("the scenario has no units", file=loaded.path, field="units")
        return present
    index = {units[i].id: i for i in present}
    chosen: list[int] = []
    for uid in unit_ids:
        if uid not in index:
            raise InputError.single(
                f"no unit {uid!r} in the scenario{did_you_mean(uid, index)}",
                file=loaded.path, field="--unit",
            )  # fmt: skip
        if index[uid] not in chosen:
            chosen.append(index[uid])
    return chosen


def footprint_grid(
    centre: tuple[float, float], extent_km: float, grid_km: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], float, float]:
    """Cell centres of a square grid ``extent_km`` on a side around ``centre``: latitudes,
    longitudes and the cell size in degrees (``grid_km`` at the centre's latitude)."""
    km_lat, km_lon = degree_lengths_km(centre[0])
    n = max(1, int(math.ceil(extent_km / grid_km - 1e-9)))
    dlat, dlon = grid_km / km_lat, grid_km / km_lon
    offsets = np.arange(n, dtype=np.float64) - (n - 1) / 2
    lat = np.asarray(centre[0] + offsets * dlat, dtype=np.float64)
    lon = np.asarray(centre[1] + offsets * dlon, dtype=np.float64)
    return lat, lon, dlat, dlon


def compute_footprint(
    loaded: LoadedScenario,
    threat: str,
    launch: tuple[float, float],
    unit_ids: Sequence[str] = (),
    grid_km: float = 25.0,
    extent_km: float | None = None,
    centre: tuple[float, float] | None = None,
) -> Footprint:
    """The defended footprint of the chosen units (default: all) against ``threat``.

    Args:
        loaded: the validated scenario (its sensors, units and agreements).
        threat: a catalog threat type (built in or the scenario's own).
        launch: the launch point, (lat, lon) degrees.
        unit_ids: the units whose footprint is wanted; empty: every unit taking part.
        grid_km: cell size, km.
        extent_km: side of the square grid, km; default: the units' spread plus twice
            the longest interceptor range among them, doubled until no cell on the
            grid's border is defended (or the grid would pass :data:`MAX_AIM_POINTS`).
        centre: the grid's centre; default: the middle of the units' bounding box.
    """
    start = time.perf_counter()
    cat = loaded.catalog
    if threat not in cat.threats:
        raise InputError.single(
            f"no threat type {threat!r} in the catalog{did_you_mean(threat, cat.threats)}",
            file=loaded.path, field="--threat",
        )  # fmt: skip
    if not (math.isfinite(grid_km) and grid_km > 0):
        raise InputError.single(f"the grid step must be positive, got {grid_km}", field="--grid-km")
    unit_idx = _select_units(loaded, unit_ids)
    where = launchers(loaded, unit_idx)
    stocks = build_stocks(loaded, unit_idx)
    env = envelopes(stocks)
    if centre is None:
        centre = (
            float((where.lat.min() + where.lat.max()) / 2),
            float((where.lon.min() + where.lon.max()) / 2),
        )
    grow = extent_km is None
    if extent_km is None:
        km_lat, km_lon = degree_lengths_km(centre[0])
        spread = max(float(np.ptp(where.lat)) * km_lat, float(np.ptp(where.lon)) * km_lon)
        reach = float(env["max_range"].max()) / 1000 if env["max_range"].size else 0.0
        extent_km = spread + 2 * reach + 2 * grid_km
    if not (math.isfinite(extent_km) and extent_km > 0):
        raise InputError.single(
            f"the extent must be positive, got {extent_km}", field="--extent-km"
        )
    if extent_km > MAX_GROUND_RANGE_KM:
        raise InputError.single(
            f"the extent is {extent_km:,.6g} km; a side in km up to {MAX_GROUND_RANGE_KM:,g} "
            "(half the earth's circumference) is accepted",
            field="--extent-km",
        )
    while True:
        fp = _on_grid(loaded, threat, launch, unit_idx, centre, extent_km, grid_km, start)
        # A footprint may reach past the units' ranges (a threat aimed beyond a unit
        # passes over it): by default the grid doubles until no border cell is defended.
        bigger = math.ceil(2 * extent_km / grid_km) ** 2
        if not (grow and fp.reaches_edge and bigger <= MAX_AIM_POINTS):
            return fp
        if _reaches_pole(centre, 2 * extent_km, grid_km):
            return fp  # as far as a grid goes (it says it reaches its edge)
        extent_km *= 2


def _reaches_pole(centre: tuple[float, float], extent_km: float, grid_km: float) -> bool:
    """Whether the square grid reaches within a degree of a pole (its cells would fold)."""
    lat, _, dlat, _ = footprint_grid(centre, extent_km, grid_km)
    return _pole_in(lat, dlat)


def _pole_in(lat: Any, dlat: float) -> bool:
    """Whether grid rows at ``lat`` (cells ``dlat`` high) reach within a degree of a pole."""
    return bool(abs(lat[0] - dlat / 2) > 89.0 or abs(lat[-1] + dlat / 2) > 89.0)


def _on_grid(
    loaded: LoadedScenario,
    threat: str,
    launch: tuple[float, float],
    unit_idx: list[int],
    centre: tuple[float, float],
    extent_km: float,
    grid_km: float,
    start: float,
) -> Footprint:
    """The footprint on one square grid (see :func:`compute_footprint`)."""
    spec, entry = loaded.spec, loaded.catalog.threats[threat]
    where = launchers(loaded, unit_idx)
    stocks = build_stocks(loaded, unit_idx)
    env = envelopes(stocks)
    side = math.ceil(extent_km / grid_km - 1e-9)  # cells on a side, counted before any array
    if side * side > MAX_AIM_POINTS:
        raise InputError.single(
            f"{side * side:,} aim points is more than {MAX_AIM_POINTS:,}; "
            "use a larger --grid-km or a smaller --extent-km",
            field="--grid-km",
        )
    lat, lon, dlat, dlon = footprint_grid(centre, extent_km, grid_km)
    if _pole_in(lat, dlat):
        raise InputError.single(
            f"the grid ({extent_km:g} km across, cells of {grid_km:g} km) reaches a pole; "
            "use a smaller --extent-km or --grid-km",
            field="--grid-km" if grid_km >= extent_km else "--extent-km",
        )
    aim_lat, aim_lon = (a.ravel() for a in np.meshgrid(lat, lon, indexing="ij"))
    aim_lon_wrapped = (aim_lon + 180.0) % 360.0 - 180.0
    dist = GEOD.inv(np.full_like(aim_lat, launch[1]), np.full_like(aim_lat, launch[0]),
                    aim_lon_wrapped, aim_lat)[2]  # fmt: skip
    reach_m = entry.max_range_m
    reachable = (np.asarray(dist) > 1.0) & (np.asarray(dist) <= reach_m)
    if entry.flight == "aircraft":
        reachable &= np.asarray(dist) > entry.release_range_m

    n_aim, n_units = aim_lat.size, len(unit_idx)
    p_kill = np.zeros(n_aim)
    opportunities = np.zeros(n_aim, dtype=np.int64)
    unit_def = np.zeros((n_units, n_aim), dtype=bool)
    unit_best = np.zeros(n_units)
    sensor_idx = [i for i, s in enumerate(spec.sensors) if s.nation not in loaded.absent]
    radars = place_sensors(loaded, unit_idx, sensor_idx)
    stock_p = np.array(
        [e.reliability * (e.sspk.get(entry.threat_class) or 0.0) for e in stocks.interceptors]
    )[stocks.interceptor] if stocks.interceptor.size else np.zeros(0)  # fmt: skip
    capable = np.nonzero(stock_p > 0)[0]
    todo = np.nonzero(reachable)[0]
    if capable.size and radars.n:
        chunk = aims_per_chunk(entry)
        for c0 in range(0, todo.size, chunk):
            aims = todo[c0 : c0 + chunk]
            batch = aim_point_paths(
                entry, launch[0], launch[1], aim_lat[aims], aim_lon_wrapped[aims]
            )
            n = aims.size
            detect = first_detections(radars, batch, np.full(n, entry.rcs_m2))
            fc = tracks_from_detections(
                loaded, radars, unit_idx, detect, np.zeros(n),
                np.full(n, entry.boosted),
            )  # fmt: skip
            ps = np.repeat(capable, n)
            pt = np.tile(np.arange(n), capable.size)
            uu = stocks.unit[ps]
            keep = np.isfinite(fc[uu, pt])
            ps, pt, uu = ps[keep], pt[keep], uu[keep]
            if not ps.size:
                continue
            ii = stocks.interceptor[ps]
            windows, _ = engagement_windows(
                stock=ps, threat=pt, p_kill=stock_p[ps],
                unit_lat=where.lat[uu], unit_lon=where.lon[uu], unit_alt_m=where.alt[uu],
                min_range_m=env["min_range"][ii], max_range_m=env["max_range"][ii],
                min_alt_m=env["min_alt"][ii], max_alt_m=env["max_alt"][ii],
                avg_speed_ms=env["speed"][ii],
                earliest_launch_s=fc[uu, pt] + where.reaction[uu], paths=batch,
            )  # fmt: skip
            ws, wt = windows.stock, aims[windows.threat]
            np.maximum.at(p_kill, wt, windows.p_kill)
            np.add.at(opportunities, wt, 1)
            wu = stocks.unit[ws]
            unit_def[wu, wt] = True
            np.maximum.at(unit_best, wu, windows.p_kill)
    shape = (lat.size, lon.size)
    defended = opportunities > 0
    fp = Footprint(
        scenario=loaded.spec.name,
        threat=threat,
        threat_class=entry.threat_class,
        launch=(float(launch[0]), float(launch[1])),
        grid_km=float(grid_km),
        lat=lat,
        lon=lon,
        dlat_deg=dlat,
        dlon_deg=dlon,
        reachable=reachable.reshape(shape),
        defended=defended.reshape(shape),
        p_kill=p_kill.reshape(shape),
        opportunities=opportunities.reshape(shape),
        unit_defended=unit_def.reshape((n_units, *shape)),
        units=(),
        area_km2=0.0,
        compute_s=0.0,
    )
    units = []
    for local, ui in enumerate(unit_idx):
        u = spec.units[ui]
        mask = fp.unit_defended[local]
        units.append(
            UnitFootprint(
                id=u.id, nation=u.nation, type=u.type, lat=float(where.lat[local]),
                lon=float(where.lon[local]), interceptors=tuple(u.magazine),
                cells=int(mask.sum()), area_km2=area_km2(fp.cell_polygon(mask)),
                max_p_kill=float(unit_best[local]),
            )
        )  # fmt: skip
    total = area_km2(fp.cell_polygon(fp.defended))
    return Footprint(
        **{**fp.__dict__, "units": tuple(units), "area_km2": total,
           "compute_s": time.perf_counter() - start},
    )  # fmt: skip


def _unit_footprints(
    fp: Footprint, loaded: LoadedScenario, best: NDArray[np.float64]
) -> tuple[UnitFootprint, ...]:
    return tuple(
        UnitFootprint(
            id=u.id, nation=u.nation, type=u.type, lat=u.lat, lon=u.lon,
            interceptors=u.interceptors, cells=int(fp.unit_defended[k].sum()),
            area_km2=area_km2(fp.cell_polygon(fp.unit_defended[k])), max_p_kill=float(best[k]),
        )
        for k, u in enumerate(fp.units)
    )  # fmt: skip


def compute_area_footprint(
    loaded: LoadedScenario,
    threat: str,
    launch: tuple[float, float],
    radius_km: float,
    samples: int = 8,
    unit_ids: Sequence[str] = (),
    grid_km: float = 25.0,
    extent_km: float | None = None,
) -> Footprint:
    """The footprint against a launch *area*: a circle of ``radius_km`` about ``launch``.

    An aim point is defended only if it is defended against every launch point sampled
    in the area: the centre and ``samples`` points on the circle (geodesic, evenly spaced
    in azimuth from north). Its P(kill) and opportunities are the least over them; all
    footprints share the centre's grid.
    """
    if not (math.isfinite(radius_km) and radius_km > 0):
        raise InputError.single(f"the launch radius must be positive, got {radius_km}",
                                field="--from-radius-km")  # fmt: skip
    if not 1 <= samples <= 64:
        raise InputError.single(f"give 1 to 64 launch samples, got {samples}", field="--samples")
    start = time.perf_counter()
    first = compute_footprint(loaded, threat, launch, unit_ids, grid_km, extent_km)
    centre = (float(first.lat[0] + first.lat[-1]) / 2, float(first.lon[0] + first.lon[-1]) / 2)
    az = np.arange(samples) * 360.0 / samples
    lons, lats, _ = GEOD.fwd(np.full(samples, launch[1]), np.full(samples, launch[0]), az,
                             np.full(samples, radius_km * 1000.0))  # fmt: skip
    defended, reachable = first.defended.copy(), first.reachable.copy()
    p_kill, opportunities = first.p_kill.copy(), first.opportunities.copy()
    unit_def = first.unit_defended.copy()
    best = np.array([u.max_p_kill for u in first.units])
    for la, lo in zip(np.asarray(lats), np.asarray(lons), strict=True):
        lo = (float(lo) + 180.0) % 360.0 - 180.0
        fp = compute_footprint(
            loaded, threat, (float(la), lo), unit_ids, grid_km, first.lat.size * grid_km, centre
        )
        if fp.defended.shape != defended.shape:  # pragma: no cover - the same grid by construction
            raise RuntimeError("launch-area footprints on different grids")
        defended &= fp.defended
        reachable &= fp.reachable
        unit_def &= fp.unit_defended
        p_kill = np.minimum(p_kill, fp.p_kill)
        opportunities = np.minimum(opportunities, fp.opportunities)
        best = np.minimum(best, [u.max_p_kill for u in fp.units])
    p_kill = np.where(defended, p_kill, 0.0)
    merged = Footprint(**{
        **first.__dict__, "defended": defended, "reachable": reachable, "p_kill": p_kill,
        "opportunities": np.where(defended, opportunities, 0), "unit_defended": unit_def,
        "launch_radius_km": float(radius_km), "launch_points": samples + 1,
    })  # fmt: skip
    units = _unit_footprints(merged, loaded, best)
    return Footprint(**{
        **merged.__dict__, "units": units,
        "area_km2": area_km2(merged.cell_polygon(defended)),
        "compute_s": time.perf_counter() - start,
    })  # fmt: skip


def raid_footprints(
    loaded: LoadedScenario,
    grid_km: float = 25.0,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Footprint]:
    """The footprint of every unit taking part against each distinct (threat type, launch
    point) of the scenario's raids, in raid order (for the report's map).

    ``progress`` is called before each footprint with its number (from 1), how many there
    are, and what it is (``"notional SRBM from 38.50, 126.50"``).
    """
    if not any(u.nation not in loaded.absent for u in loaded.spec.units):
        return []
    seen: dict[tuple[str, float, float], None] = {}
    for _, raid in loaded.spec.raid_entries():
        seen.setdefault((raid.type, float(raid.from_[0]), float(raid.from_[1])), None)
    out = []
    for k, (t, la, lo) in enumerate(seen, start=1):
        if progress is not None:
            progress(k, len(seen), f"{t} from {la:.2f}, {lo:.2f}")
        out.append(compute_footprint(loaded, t, (la, lo), grid_km=grid_km))
    return out


def footprint_file(
    path: str | Path,
    threat: str,
    launch: str,
    unit_ids: Sequence[str] = (),
    grid_km: float = 25.0,
    extent_km: float | None = None,
    radius_km: float | None = None,
    samples: int = 8,
) -> Footprint:
    """:func:`compute_footprint` on a scenario file, with the launch point as ``LAT,LON``
    (:func:`compute_area_footprint` when a launch radius is given)."""
    from hoplon.scenario import load_scenario

    point = parse_lat_lon(launch, file=path)
    loaded = load_scenario(path)
    if radius_km is not None:
        return compute_area_footprint(
            loaded, threat, point, radius_km, samples, unit_ids, grid_km, extent_km
        )
    return compute_footprint(loaded, threat, point, unit_ids, grid_km=grid_km, extent_km=extent_km)


__all__ = [
    "Footprint",
    "UnitFootprint",
    "area_km2",
    "compute_area_footprint",
    "compute_footprint",
    "footprint_file",
    "raid_footprints",
]
