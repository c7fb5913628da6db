"""The scenario map: coastlines, assets, units with their engagement envelopes, radar
coverage and threat ground tracks, drawn as one static SVG.

Projection: equirectangular around the scenario's bounding box (x = longitude times
the cosine of the middle latitude, y = latitude), which keeps shapes right to within
a few percent over a regional theatre. Circles and sectors are geodesics drawn on the
WGS84 ellipsoid (pyproj), so a 2,500 km envelope is as wide on the map as on the
ground. Everything outside the frame is clipped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pyproj import Geod

from hoplon.compile import RadarSite, radar_site, raid_path
from hoplon.compile.raids import standoff_path
from hoplon.core import flight, sensing
from hoplon.core.flight import Path
from hoplon.present.html.basemap import clip_ring, land_rings
from hoplon.present.html.svg import esc, num
from hoplon.scenario.loader import LoadedScenario
from hoplon.scenario.schema import lat_lon_alt

FloatArray = NDArray[np.float64]

_GEOD = Geod(ellps="WGS84")

#: Map width in SVG user units.
MAP_WIDTH = 1000.0
#: Height-to-width limits: a box outside them is widened or heightened to fit.
MIN_ASPECT, MAX_ASPECT = 0.5, 0.7
#: Smallest half-extent of the frame, degrees of latitude.
MIN_HALF_SPAN_DEG = 1.0

#: Colours of the defense tiers (engagement envelopes).
TIER_COLORS = {"upper": "#1f4e9c", "high": "#7b3fa0", "lower": "#23803a", "point": "#b86e00"}
TIER_NAMES = {
    "upper": "upper tier (mid-course)",
    "high": "high terminal tier",
    "lower": "lower tier",
    "point": "point defense",
}
#: Colours of nations (assets and units), in scenario order: twelve, so that a coalition
#: of up to twelve nations never shows two in one colour (they repeat after that).
NATION_COLORS = (
    "#1f5fa8", "#2a9d8f", "#6a4c93", "#3d7a1f", "#9c6644", "#4a4e69", "#0081a7",
    "#b5838d", "#7f8c1a", "#2b2d42", "#c08b2c", "#5c946e",
)  # fmt: skip
#: Colours of raids (threat ground tracks), in scenario order.
RAID_COLORS = (
    "#d62728",
    "#ff7f0e",
    "#9d2a8f",
    "#8c564b",
    "#e6550d",
    "#c51b7d",
    "#a50f15",
    "#bf812d",
    "#7a0177",
    "#636363",
)


@dataclass(frozen=True)
class LegendItem:
    """One line of the map legend."""

    kind: str  # "raid" | "tier" | "nation" | "radar" | "footprint" | "note"
    label: str
    color: str = "#000"


@dataclass
class ScenarioMap:
    """The map's SVG and the legend that goes with it."""

    svg: str
    legend: list[LegendItem] = field(default_factory=list)
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # lon0, lat0, lon1, lat1


class Frame:
    """Equirectangular projection of a lon/lat box onto ``MAP_WIDTH`` × height units."""

    def __init__(self, lon0: float, lat0: float, lon1: float, lat1: float) -> None:
        self.lon0, self.lat0, self.lon1, self.lat1 = lon0, lat0, lon1, lat1
        self.kx = math.cos(math.radians((lat0 + lat1) / 2.0))
        self.scale = MAP_WIDTH / ((lon1 - lon0) * self.kx)
        self.width = MAP_WIDTH
        self.height = (lat1 - lat0) * self.scale
        self.center_lon = (lon0 + lon1) / 2.0

    def wrap(self, lon: FloatArray) -> FloatArray:
        """Longitudes moved by whole turns to lie within 180° of the frame's centre."""
        return (
            (np.asarray(lon, dtype=float) - self.center_lon + 180.0) % 360.0
            - 180.0
            + (self.center_lon)
        )

    def xy(self, lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Map units of positions (lon already wrapped)."""
        x = (np.asarray(lon, dtype=float) - self.lon0) * self.kx * self.scale
        y = (self.lat1 - np.asarray(lat, dtype=float)) * self.scale
        return x, y

    def point(self, at: Sequence[float]) -> tuple[float, float]:
        """Map units of one ``[lat, lon(, alt)]`` position (longitude wrapped here)."""
        x, y = self.xy(self.wrap(np.array([at[1]])), np.array([at[0]]))
        return float(x[0]), float(y[0])


def frame_for(points_lon: Sequence[float], points_lat: Sequence[float]) -> Frame:
    """A frame around the points, padded by 12 % (at least ``MIN_HALF_SPAN_DEG``).

    Longitudes are taken around their circular mean, so a theatre across the 180th
    meridian stays in one piece.
    """
    lat = np.asarray(points_lat, dtype=float)
    lon = np.asarray(points_lon, dtype=float)
    rad = np.radians(lon)
    centre = math.degrees(math.atan2(np.sin(rad).mean(), np.cos(rad).mean()))
    lon = (lon - centre + 180.0) % 360.0 - 180.0 + centre
    lat0, lat1 = float(lat.min()), float(lat.max())
    lon0, lon1 = float(lon.min()), float(lon.max())
    pad_lat = max((lat1 - lat0) * 0.12, MIN_HALF_SPAN_DEG / 2)
    pad_lon = max((lon1 - lon0) * 0.12, MIN_HALF_SPAN_DEG / 2)
    lat0, lat1 = max(lat0 - pad_lat, -85.0), min(lat1 + pad_lat, 85.0)
    lon0, lon1 = lon0 - pad_lon, lon1 + pad_lon
    if lat1 - lat0 < 2 * MIN_HALF_SPAN_DEG:
        mid = (lat0 + lat1) / 2
        lat0, lat1 = mid - MIN_HALF_SPAN_DEG, mid + MIN_HALF_SPAN_DEG
    kx = math.cos(math.radians((lat0 + lat1) / 2.0))
    width_deg = (lon1 - lon0) * kx
    height_deg = lat1 - lat0
    if height_deg > width_deg * MAX_ASPECT:  # too tall: widen
        extra = (height_deg / MAX_ASPECT / kx - (lon1 - lon0)) / 2
        lon0, lon1 = lon0 - extra, lon1 + extra
    elif height_deg < width_deg * MIN_ASPECT:  # too wide: heighten
        extra = (width_deg * MIN_ASPECT - height_deg) / 2
        lat0, lat1 = max(lat0 - extra, -85.0), min(lat1 + extra, 85.0)
    return Frame(lon0, lat0, lon1, lat1)


def geodesic_circle(
    lat: float, lon: float, radius_m: float, start_deg: float = 0.0, end_deg: float = 360.0
) -> tuple[FloatArray, FloatArray]:
    """Points of a geodesic circle (or sector, including its centre) on WGS84.

    Args:
        lat, lon: centre, degrees.
        radius_m: ground distance, metres.
        start_deg, end_deg: azimuth limits, degrees clockwise from north; a full circle
            when they span 360°, else a sector closed through the centre.

    Returns:
        ``(lon, lat)`` arrays in degrees.
    """
    full = end_deg - start_deg >= 360.0 - 1e-9
    steps = max(int(abs(end_deg - start_deg) / 2.0), 8)
    az = np.linspace(start_deg, end_deg, steps + 1)
    lons, lats, _ = _GEOD.fwd(
        np.full(az.shape, lon), np.full(az.shape, lat), az, np.full(az.shape, radius_m)
    )
    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    # Keep longitudes continuous along the outline (no jump at the 180th meridian).
    lons = np.degrees(np.unwrap(np.radians(lons)))
    if full:
        return lons, lats
    return np.concatenate([[lon], lons, [lon]]), np.concatenate([[lat], lats, [lat]])


@dataclass(frozen=True)
class LowThreat:
    """The threat radar coverage is drawn against: the scenario's lowest-flying."""

    name: str  # catalog threat type
    altitudes_m: tuple[float, ...]  # heights it is drawn at (coverage: the farthest of them)
    rcs_m2: float
    label: str  # e.g. "at 5 m" or "at 20-158 km along its path"


#: Fractions of a ballistic threat's apogee its coverage is drawn at (the farthest wins).
BALLISTIC_LEVELS = (0.125, 0.25, 0.5, 1.0)


def lowest_threat(loaded: LoadedScenario, paths: dict[str, Path]) -> LowThreat | None:
    """The scenario's lowest-flying threat, or None when it has no threat.

    Cruise missiles and aircraft fly at their catalog ``altitude_m``: the lowest of
    them (smallest RCS among equals) is taken. A scenario of ballistic missiles only
    takes the one of smallest RCS (lowest apogee among equals) at several heights up
    to its apogee (:data:`BALLISTIC_LEVELS`), since it is seen farthest at some height
    along its path.
    """
    air: list[tuple[float, float, str]] = []
    ballistic: list[tuple[float, float, str]] = []
    for raid in loaded.spec.raids:
        entry = loaded.catalog.threats[raid.type]
        if entry.flight in ("ballistic", "glide"):
            ballistic.append((entry.rcs_m2, float(paths[raid.id].apogee_m), raid.type))
        else:
            air.append((float(entry.altitude_m or 0.0), entry.rcs_m2, raid.type))
    if air:
        alt, rcs, name = min(air)
        return LowThreat(name, (alt,), rcs, f"at {alt:,.0f} m")
    if ballistic:
        rcs, apogee, name = min(ballistic)
        levels = tuple(apogee * f for f in BALLISTIC_LEVELS)
        label = f"at {levels[0] / 1000:,.0f}–{apogee / 1000:,.0f} km along its path"
        return LowThreat(name, levels, rcs, label)
    return None


#: Azimuth step of radar coverage outlines, degrees.
COVERAGE_STEP_DEG = 4.0
#: Samples along each radial of a coverage outline.
COVERAGE_SAMPLES = 250


def detection_outline(
    site: RadarSite, altitudes_m: Sequence[float], rcs_m2: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Where the model's radar detects a target flying at one of ``altitudes_m``.

    For each azimuth, a target flies inbound at constant altitude towards the radar
    from far enough out that it is first seen on the way in; the model's detection kernel
    (:func:`hoplon.core.sensing.radar_first_detection_s`: range scaled by RCS^¼, the
    4/3-earth horizon, field of regard and elevation mask) gives the first sample at
    which it is seen, whose distance from the radar is the coverage in that direction
    (0 outside the field of regard); with several altitudes, the farthest. A second
    pass from just beyond the farthest detection refines it: distances are good to
    one sample, about ``1 / COVERAGE_SAMPLES`` of the coverage radius.

    Returns:
        ``(lon, lat, reach_m)``: the outline's points (the radar position between
        azimuths where nothing is detected) and the detection distance per azimuth.
    """
    az = np.arange(0.0, 360.0, COVERAGE_STEP_DEG)
    dist = np.zeros(az.shape)
    best_alt, best_start = float(altitudes_m[0]), site.range_m + 10_000.0
    for altitude_m in altitudes_m:
        start = site.range_m + 10_000.0
        for _ in range(8):  # start beyond detection on every radial: seen on the way in
            coarse, seen_at_start = _detection_distances(site, altitude_m, rcs_m2, az, start)
            if not seen_at_start:
                break
            start *= 2.0
        if coarse.max() > dist.max():
            best_alt, best_start = float(altitude_m), start
        dist = np.maximum(dist, coarse)
    if np.any(dist > 0):  # a second, finer pass from just beyond the farthest detection
        finer = float(dist.max()) + 2.0 * best_start / COVERAGE_SAMPLES
        fine, seen_at_start = _detection_distances(site, best_alt, rcs_m2, az, finer)
        if not seen_at_start:
            dist = np.maximum(dist, fine)  # both fall short by under one sample
    lons, lats, _ = _GEOD.fwd(np.full(az.shape, site.lon), np.full(az.shape, site.lat), az, dist)
    lons = np.degrees(np.unwrap(np.radians(np.asarray(lons, dtype=float))))
    return lons, np.asarray(lats, dtype=float), dist


_RADIALS: dict[tuple[float, float, float, int], tuple[FloatArray, FloatArray]] = {}


def _radials(site: RadarSite, az: FloatArray, start: float) -> tuple[FloatArray, FloatArray]:
    """Lon, lat ``(A, K)`` of the geodesics out from the radar, from ``start`` inwards."""
    key = (site.lat, site.lon, start, az.shape[0])
    if key not in _RADIALS:
        if len(_RADIALS) > 64:
            _RADIALS.clear()
        out = np.linspace(start, 0.0, COVERAGE_SAMPLES + 1)
        n_az, n_k = az.shape[0], out.shape[0]
        lon_r, lat_r, _ = _GEOD.fwd(
            np.full((n_az, n_k), site.lon), np.full((n_az, n_k), site.lat),
            np.repeat(az[:, None], n_k, axis=1), np.tile(out, (n_az, 1)),
        )  # fmt: skip
        _RADIALS[key] = (np.asarray(lon_r, dtype=float), np.asarray(lat_r, dtype=float))
    return _RADIALS[key]


def _detection_distances(
    site: RadarSite, altitude_m: float, rcs_m2: float, az: FloatArray, start: float
) -> tuple[FloatArray, bool]:
    """First-detection distance along inbound radials from ``start`` metres, and whether
    some radial was seen at its very first sample (``start`` too short)."""
    # Inbound radials: the geodesic out from the radar at each azimuth, flown backwards
    # at constant altitude, one sample per second.
    lon_r, lat_r = _radials(site, az, start)
    n_az, n_k = lon_r.shape
    t = np.arange(n_k, dtype=float)
    speed = np.full(n_k, start / COVERAGE_SAMPLES)
    radials = [
        Path(t, lat_r[k], lon_r[k], np.full(n_k, altitude_m), speed, altitude_m, t[-1], start)
        for k in range(n_az)
    ]
    batch = flight.PathBatch.from_paths(radials, np.zeros(n_az))
    first = sensing.radar_first_detection_s(
        [site.lat], [site.lon], [site.alt_m], [site.range_m], [site.facing_deg],
        [site.fov_deg], [site.min_elev_deg], batch, np.full(len(radials), rcs_m2),
    )[0]  # fmt: skip
    dist = np.zeros(az.shape)
    for k, (path, t) in enumerate(zip(radials, first, strict=True)):
        if np.isfinite(t):
            i = int(np.searchsorted(path.t_s, t))
            _, _, d = _GEOD.inv(site.lon, site.lat, path.lon[i], path.lat[i])
            dist[k] = d
    return dist, bool(np.any(first == 0.0))


def nation_colors(loaded: LoadedScenario) -> dict[str, str]:
    """A colour for each nation of the scenario, in its order."""
    return {
        code: NATION_COLORS[k % len(NATION_COLORS)] for k, code in enumerate(loaded.spec.nations)
    }


def raid_colors(loaded: LoadedScenario) -> dict[str, str]:
    """A colour for each raid of the scenario, in its order."""
    raids = loaded.spec.raids
    return {r.id: RAID_COLORS[k % len(RAID_COLORS)] for k, r in enumerate(raids)}


def _polyline(frame: Frame, lon: FloatArray, lat: FloatArray, min_step: float = 0.7) -> str:
    """SVG path data through the points, dropping points closer than ``min_step`` units."""
    x, y = frame.xy(lon, lat)
    if x.size == 0:
        return ""
    keep = [0]
    lx, ly = x[0], y[0]
    for i in range(1, x.size):
        if abs(x[i] - lx) + abs(y[i] - ly) >= min_step or i == x.size - 1:
            keep.append(i)
            lx, ly = x[i], y[i]
    pts = [f"{num(x[i])} {num(y[i])}" for i in keep]
    return "M" + "L".join(pts)


def _land_paths(frame: Frame) -> str:
    """Coastlines inside the frame, as one SVG path (clipped, thinned to the pixel)."""
    pieces: list[str] = []
    margin = 0.5
    box = (frame.lon0 - margin, frame.lat0 - margin, frame.lon1 + margin, frame.lat1 + margin)
    for ring in land_rings():
        lon, lat = ring[:, 0], ring[:, 1]
        if lat.max() < box[1] or lat.min() > box[3]:
            continue
        # Rings are continuous in longitude and may run past ±180° (basemap); draw
        # every copy, a whole turn apart, that falls over the frame.
        for shift in (-360.0, 0.0, 360.0):
            if lon.max() + shift < box[0] or lon.min() + shift > box[2]:
                continue
            clipped = clip_ring(np.column_stack([lon + shift, lat]), *box)
            if clipped.shape[0] < 3:
                continue
            d = _polyline(frame, clipped[:, 0], clipped[:, 1], min_step=0.8)
            if d.count("L") >= 2:
                pieces.append(d + "Z")
    return "".join(pieces)


def _graticule(frame: Frame) -> list[str]:
    span = max(frame.lat1 - frame.lat0, (frame.lon1 - frame.lon0) * frame.kx)
    step = next(s for s in (0.5, 1, 2, 5, 10, 15, 30, 45) if span / s <= 9)
    out: list[str] = []
    d: list[str] = []
    labels: list[str] = []
    lat = math.ceil(frame.lat0 / step) * step
    while lat <= frame.lat1:
        _, y = frame.xy(np.array([frame.lon0]), np.array([lat]))
        d.append(f"M0 {num(float(y[0]))}H{num(frame.width)}")
        hemi = "N" if lat >= 0 else "S"
        labels.append(
            f'<text x="4" y="{num(float(y[0]) - 3)}" class="grat-label">{abs(lat):g}°{hemi}</text>'
        )
        lat += step
    lon = math.ceil(frame.lon0 / step) * step
    while lon <= frame.lon1:
        x, _ = frame.xy(np.array([lon]), np.array([frame.lat0]))
        d.append(f"M{num(float(x[0]))} 0V{num(frame.height)}")
        wrapped = (lon + 180) % 360 - 180
        hemi = "E" if wrapped >= 0 else "W"
        labels.append(
            f'<text x="{num(float(x[0]) + 3)}" y="{num(frame.height - 5)}" class="grat-label">'
            f"{abs(wrapped):g}°{hemi}</text>"
        )
        lon += step
    out.append(f'<path class="graticule" d="{"".join(d)}"/>')
    out.extend(labels)
    return out


class _Labels:
    """Greedy placement of point labels so they do not overlap each other."""

    def __init__(self, frame: Frame) -> None:
        self.frame = frame
        self.boxes: list[tuple[float, float, float, float]] = []

    def place(self, x: float, y: float, text: str, size: float = 12.0) -> str:
        w = 0.58 * size * len(text)
        h = size
        options = [
            (x + 8, y + h * 0.35, "start", (x + 8, y - h / 2, x + 8 + w, y + h / 2)),
            (x - 8, y + h * 0.35, "end", (x - 8 - w, y - h / 2, x - 8, y + h / 2)),
            (x, y - 9, "middle", (x - w / 2, y - 9 - h, x + w / 2, y - 9)),
            (x, y + 9 + h * 0.8, "middle", (x - w / 2, y + 9, x + w / 2, y + 9 + h)),
            (x + 8, y + h * 1.3, "start", (x + 8, y + h * 0.5, x + 8 + w, y + h * 1.5)),
            (x + 8, y - h * 0.6, "start", (x + 8, y - h * 1.5, x + 8 + w, y - h * 0.5)),
        ]
        chosen = options[0]
        for option in options:
            bx0, by0, bx1, by1 = option[3]
            inside = bx0 >= 0 and by0 >= 0 and bx1 <= self.frame.width and by1 <= self.frame.height
            free = all(
                bx1 < ox0 or bx0 > ox1 or by1 < oy0 or by0 > oy1
                for ox0, oy0, ox1, oy1 in self.boxes
            )
            if inside and free:
                chosen = option
                break
        tx, ty, anchor, box = chosen
        self.boxes.append(box)
        return (
            f'<text x="{num(tx)}" y="{num(ty)}" text-anchor="{anchor}" class="map-label"'
            f' font-size="{num(size)}">{esc(text)}</text>'
        )

    def block(self, x: float, y: float, r: float) -> None:
        """Keep labels off a marker."""
        self.boxes.append((x - r, y - r, x + r, y + r))


#: Fill colours of defended footprints, in order.
FOOTPRINT_COLORS = ("#2e8b57", "#6a5acd", "#d2691e", "#008b8b")


def _outline_rings(doc: Mapping[str, Any]) -> list[Sequence[Sequence[float]]]:
    """The rings of a footprint record's outline (a GeoJSON Polygon or MultiPolygon),
    each a list of ``[lon, lat]``."""
    geom = doc.get("outline") or {}
    polys = [geom["coordinates"]] if geom.get("type") == "Polygon" else geom.get("coordinates", [])
    return [ring for poly in polys for ring in poly if ring]


def _footprint_paths(frame: Frame, doc: Mapping[str, Any], color: str) -> str:
    """One footprint record's outline as a filled path."""
    d = "".join(
        _polyline(frame, frame.wrap(np.array([p[0] for p in ring])), np.array([p[1] for p in ring]))
        + "Z"
        for ring in _outline_rings(doc)
    )
    if not d:
        return ""
    threat = doc["threat"]
    tip = (
        f"defended footprint against {threat['type']} from {threat['from'][0]:.2f},"
        f" {threat['from'][1]:.2f}: {doc['area_km2']:,.0f} km² ({doc['grid']['step_km']:g} km grid)"
    )
    return f'<path class="footprint" fill="{color}" d="{d}"><title>{esc(tip)}</title></path>'


def scenario_map(
    loaded: LoadedScenario, footprints: Sequence[Mapping[str, Any]] = ()
) -> ScenarioMap | None:
    """Draw the scenario's map; ``None`` when nothing in it has a position.

    ``footprints`` are :meth:`hoplon.analysis.footprint.Footprint.to_dict` records, drawn
    filled (their ``outline``) in a layer of their own under the coverage.
    """
    spec, cat = loaded.spec, loaded.catalog
    raids_all = spec.raids
    paths = {raid.id: raid_path(loaded, raid) for raid in raids_all}
    lons: list[float] = []
    lats: list[float] = []
    for at in [a.at for a in spec.assets] + [u.at for u in spec.units]:
        lats.append(at[0])
        lons.append(at[1])
    for s in spec.sensors:
        if s.at is not None:
            lats.append(s.at[0])
            lons.append(s.at[1])
    for p in paths.values():
        lats.extend(p.lat.tolist())
        lons.extend(p.lon.tolist())
    for doc in footprints:  # the footprints asked for are drawn whole
        for ring in _outline_rings(doc):
            lons.extend(float(q[0]) for q in ring)
            lats.extend(float(q[1]) for q in ring)
    if not lats:
        return None
    frame = frame_for(lons, lats)
    nations = nation_colors(loaded)
    raids = raid_colors(loaded)
    legend: list[LegendItem] = []
    body: list[str] = [
        f'<rect class="sea" x="0" y="0" width="{num(frame.width)}" height="{num(frame.height)}"/>',
        f'<path class="land" d="{_land_paths(frame)}"/>',
        *_graticule(frame),
    ]

    drawn = []
    for k, doc in enumerate(footprints):
        color = FOOTPRINT_COLORS[k % len(FOOTPRINT_COLORS)]
        path = _footprint_paths(frame, doc, color)
        if path:
            drawn.append(path)
            threat = doc["threat"]
            legend.append(
                LegendItem(
                    "footprint",
                    f"defended footprint against {threat['type']} from"
                    f" {threat['from'][0]:.2f}, {threat['from'][1]:.2f}: where the units can"
                    f" engage one aimed there ({doc['area_km2']:,.0f} km²)",
                    color,
                )
            )
    if drawn:
        body.append('<g class="layer" data-layer="footprints">' + "".join(drawn) + "</g>")

    # Radar coverage against the lowest-flying threat (range and 4/3-earth horizon, as
    # the model detects it): scenario radars filled, the units' own radars as outlines.
    low = lowest_threat(loaded, paths)
    coverage: list[str] = []
    radars: list[tuple[str, str, tuple[float, float, float], float | None, bool]] = [
        (s.id, s.type, lat_lon_alt(s.at), s.facing_deg, True)
        for s in spec.sensors
        if s.at is not None
    ]
    for u in spec.units:
        radar = cat.platforms[u.type].radar
        if radar != "none":
            radars.append((u.id, radar, lat_lon_alt(u.at), u.facing_deg, False))
    for rid, rtype, at, facing, fixed in radars:
        entry = cat.sensors[rtype]
        if entry.kind != "radar" or entry.range_m <= 0 or low is None:
            continue
        site = radar_site(entry, at, facing)
        clon, clat, reach = detection_outline(site, low.altitudes_m, low.rcs_m2)
        sector = (
            f"{site.fov_deg:g}° sector facing {site.facing_deg:g}°"
            if site.fov_deg < 360
            else "all round"
        )
        tip = (
            f"{rid}: {rtype} ({entry.role}), detects {low.name} ({low.label},"
            f" {low.rcs_m2:g} m²) out to {reach.max() / 1000:,.0f} km, {sector}"
        )
        klass = "coverage" if fixed else "coverage own"
        coverage.append(
            f'<path class="{klass}" d="{_polyline(frame, frame.wrap(clon), clat)}Z">'
            f"<title>{esc(tip)}</title></path>"
        )
    if coverage:
        body.append('<g class="layer" data-layer="coverage">' + "".join(coverage) + "</g>")
        assert low is not None
        legend.append(
            LegendItem(
                "radar",
                f"radar coverage against {low.name} ({low.label}; the lowest-flying threat"
                f" in the scenario, RCS {low.rcs_m2:g} m²): where the model detects it,"
                " limited by range and the 4/3-earth horizon; outlined: the units' own radars",
                "#c9a227",
            )
        )

    # Engagement envelopes: one circle per interceptor type a unit carries.
    envelopes: list[str] = []
    tiers_used: list[str] = []
    for u in spec.units:
        lat, lon, _ = lat_lon_alt(u.at)
        for name in u.magazine:
            icpt = cat.interceptors[name]
            clon, clat = geodesic_circle(lat, lon, icpt.max_range_m)
            color = TIER_COLORS.get(icpt.tier, "#555")
            if icpt.tier not in tiers_used:
                tiers_used.append(icpt.tier)
            tip = f"{u.id}: {name}, maximum range {icpt.max_range_km:,.0f} km ({icpt.tier} tier)"
            envelopes.append(
                f'<path class="envelope" stroke="{color}"'
                f' d="{_polyline(frame, frame.wrap(clon), clat)}Z"><title>{esc(tip)}</title></path>'
            )
    if envelopes:
        body.append('<g class="layer" data-layer="envelopes">' + "".join(envelopes) + "</g>")
    for tier in ("upper", "high", "lower", "point"):
        if tier in tiers_used:
            legend.append(
                LegendItem("tier", f"engagement envelope, {TIER_NAMES[tier]}", TIER_COLORS[tier])
            )

    # Threat ground tracks, one per raid, with launch point and direction.
    tracks: list[str] = []
    for raid in raids_all:
        p = paths[raid.id]
        color = raids[raid.id]
        d = _polyline(frame, frame.wrap(p.lon), p.lat, min_step=1.5)
        tip = (
            f"{raid.id}: {raid.count} × {raid.type} → {raid.target}, "
            f"{p.ground_range_m / 1000:,.0f} km, {p.flight_time_s:,.0f} s"
        )
        x, y = frame.xy(frame.wrap(p.lon[[0, -1]]), p.lat[[0, -1]])
        tracks.append(
            f'<g class="track"><title>{esc(tip)}</title>'
            f'<path d="{d}" stroke="{color}" marker-end="url(#arrow-{raids[raid.id][1:]})"/>'
            f'<circle cx="{num(float(x[0]))}" cy="{num(float(y[0]))}" r="3.5" fill="{color}"/></g>'
        )
        legend.append(LegendItem("raid", f"{raid.id}: {raid.count} × {raid.type}", color))
        if raid.standoff is not None:  # its stand-off missiles, from the release point
            m = standoff_path(loaded, raid, p)
            dm = _polyline(frame, frame.wrap(m.lon), m.lat, min_step=1.5)
            tip = (
                f"{raid.id}: {raid.count * raid.standoff.count} × {raid.standoff.missile} "
                f"released {raid.standoff.release_range_km:g} km from {raid.target}, "
                f"{m.flight_time_s:,.0f} s"
            )
            tracks.append(
                f'<g class="track"><title>{esc(tip)}</title><path d="{dm}" stroke="{color}" '
                f'stroke-dasharray="4 3" marker-end="url(#arrow-{raids[raid.id][1:]})"/></g>'
            )
    markers = "".join(
        f'<marker id="arrow-{c[1:]}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"'
        f' markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="{c}"/>'
        f"</marker>"
        for c in dict.fromkeys(raids.values())
    )
    if tracks:
        body.append('<g class="layer" data-layer="tracks">' + "".join(tracks) + "</g>")

    # Markers and labels last, on top.
    labels = _Labels(frame)
    points: list[str] = []
    for s in spec.sensors:
        if s.at is None:
            continue
        cx, cy = frame.point(s.at)
        labels.block(cx, cy, 6)
        tip = f"{s.id}: {s.type} ({s.nation})"
        points.append(
            f'<g class="sensor"><title>{esc(tip)}</title><path d="M{num(cx)} {num(cy - 6)}'
            f'l5.5 9.5h-11z" fill="#fff" stroke="{nations.get(s.nation, "#333")}"'
            f' stroke-width="2"/></g>'
        )
    for a in spec.assets:
        cx, cy = frame.point(a.at)
        labels.block(cx, cy, 6)
        tip = f"{a.id}: {a.kind} ({a.nation}), value {a.value:g}"
        points.append(
            f'<g class="asset"><title>{esc(tip)}</title><circle cx="{num(cx)}" cy="{num(cy)}"'
            f' r="5.5" fill="#fff" stroke="{nations.get(a.nation, "#333")}" stroke-width="3"/></g>'
        )
    for u in spec.units:
        cx, cy = frame.point(u.at)
        labels.block(cx, cy, 6)
        mag = ", ".join(f"{n} × {name}" for name, n in u.magazine.items())
        tip = f"{u.id}: {u.type} ({u.nation}); {mag}"
        points.append(
            f'<g class="unit"><title>{esc(tip)}</title><rect x="{num(cx - 4)}" y="{num(cy - 4)}"'
            f' width="8" height="8" transform="rotate(45 {num(cx)} {num(cy)})"'
            f' fill="{nations.get(u.nation, "#333")}" stroke="#fff" stroke-width="1.5"/></g>'
        )
    text: list[str] = []
    for a in spec.assets:
        text.append(labels.place(*frame.point(a.at), a.id, 13.0))
    for u in spec.units:
        text.append(labels.place(*frame.point(u.at), u.id, 11.5))
    for s in spec.sensors:
        if s.at is not None:
            text.append(labels.place(*frame.point(s.at), s.id, 11.0))
    body.append('<g class="points">' + "".join(points) + "</g>")
    body.append('<g class="labels">' + "".join(text) + "</g>")
    for code, color in nations.items():
        legend.append(LegendItem("nation", f"{code}: {spec.nations[code].name}", color))
    svg = (
        f'<svg id="scenario-map" class="map-svg" viewBox="0 0 {num(frame.width)}'
        f' {num(frame.height)}" role="img" aria-label="Scenario map"'
        f'><defs><clipPath id="map-clip"><rect x="0" y="0"'
        f' width="{num(frame.width)}" height="{num(frame.height)}"/></clipPath>{markers}</defs>'
        f'<g clip-path="url(#map-clip)">' + "".join(body) + "</g>"
        f'<rect class="map-frame" x="0.5" y="0.5" width="{num(frame.width - 1)}"'
        f' height="{num(frame.height - 1)}"/></svg>'
    )
    return ScenarioMap(svg, legend, (frame.lon0, frame.lat0, frame.lon1, frame.lat1))
