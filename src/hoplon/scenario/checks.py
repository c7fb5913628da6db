"""Checks that need the whole scenario and the catalog: references, rights, reach.

Each check yields ``(field_path, message)`` pairs; the loader turns them into located
errors. A message says what is wrong and what would be accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pyproj import Geod

from hoplon.catalog import KIND_MODELS, Catalog, builtin_raw
from hoplon.catalog.models import Threat, infer_tier
from hoplon.errors import FieldPath, did_you_mean, parse_field_path
from hoplon.scenario.schema import (
    Acsa,
    CollectiveDefense,
    Link,
    Raid,
    Scenario,
    TechnologyTransfer,
    TrackSharing,
    lat_lon_alt,
)
from hoplon.scenario.tradechecks import check_candidates

Finding = tuple[FieldPath, str]
_GEOD = Geod(ellps="WGS84")

#: Largest memory a run's per-trial results may take, bytes.
MAX_RESULT_BYTES = 6 * 1024**3


#: Most threats in a scenario (all raids of all waves): a scenario could not mean more.
MAX_THREATS = 1_000_000
#: Most units in a scenario.
MAX_UNITS = 10_000
#: Most sensors in a scenario.
MAX_SENSORS = 10_000

#: A ship (unit or asset) on the shipped land this far or more from any sea is warned
#: of, km. The 1:50m coastline is generalised by a few km, and harbours (Yokosuka,
#: Kiel, Pearl Harbor) fall on its land side; 10 km tolerates every one of them.
SHIP_INLAND_KM = 10.0
#: A land unit with no shipped land within this distance is refused, km. The 1:50m
#: land leaves out islands of a few km² (Yonaguni's nearest shipped land is 60 km
#: away); 100 km tolerates them (docs/scenario-format.md, "Ships and land units").
LAND_AT_SEA_KM = 100.0


def merge_catalog(
    scenario: Scenario, notes: list[Finding] | None = None
) -> tuple[dict[str, dict[str, Any]], list[Finding]]:
    """The built-in catalog with the scenario's additions merged in, field by field.

    Returns the raw merged mapping (kind → name → fields) and the problems found in the
    scenario's own entries; invalid entries are left out of the merged mapping. A new
    interceptor without a ``tier`` gets one inferred from its envelope
    (:func:`hoplon.catalog.models.infer_tier`); each inference is appended to ``notes``
    (field path, what was inferred and why) when a list is given.
    """
    from pydantic import ValidationError

    findings: list[Finding] = []
    merged: dict[str, dict[str, Any]] = {k: dict(v) for k, v in builtin_raw().items()}
    for kind in KIND_MODELS:
        for name, fields in getattr(scenario.catalog, kind).items():
            base = merged[kind].get(name, {})
            candidate = {**base, **fields}
            inferred = infer_tier(candidate) if kind == "interceptors" else None
            if kind == "interceptors" and "tier" not in candidate and inferred is not None:
                candidate["tier"] = inferred[0]
            else:
                inferred = None
            try:
                KIND_MODELS[kind].model_validate(candidate)
            except ValidationError as exc:
                model = KIND_MODELS[kind]
                accepted = [info.alias or n for n, info in model.model_fields.items()]
                errors = exc.errors(include_url=False)
                if kind == "interceptors" and "tier" not in candidate and len(errors) > 1:
                    # the tier would be inferred once the envelope is right: one message
                    errors = [e for e in errors if tuple(e["loc"]) != ("tier",)]
                for err in errors:
                    loc = tuple(p for p in err["loc"] if isinstance(p, str | int) and p != "[key]")
                    msg = err["msg"].removeprefix("Value error, ")
                    if err["type"] == "missing" and not base:
                        msg = f"required for a new {kind[:-1]} entry"
                    if err["type"] == "extra_forbidden" and len(loc) == 1:
                        key = str(loc[0])
                        msg = (
                            f"unknown field '{key}'{did_you_mean(key, accepted)}; "
                            f"accepted: {', '.join(accepted)}"
                        )
                    findings.append((("catalog", kind, name, *loc), msg))
                continue
            merged[kind][name] = candidate
            if inferred is not None and notes is not None:
                notes.append(
                    (
                        ("catalog", kind, name, "tier"),
                        f"no tier given: inferred '{inferred[0]}' from the envelope "
                        f"({inferred[1]}); give `tier:` to choose another",
                    )
                )
    return merged, findings


def _refused_entry(scenario: Scenario, kind: str, name: str, catalog: Catalog) -> bool:
    """Whether ``name`` is an entry of the scenario's own catalog that was refused.

    Its own errors already say what is wrong with it, so a reference to it is not
    reported again as an unknown name (one mistake, one message).
    """
    return name in getattr(scenario.catalog, kind) and name not in catalog.kind(kind)


def _unknown(name: str, kind: str, catalog: Catalog) -> str:
    choices = list(catalog.kind(kind))
    return (
        f"'{name}' is not a catalog {kind[:-1]}{did_you_mean(name, choices)}; "
        f"known: {', '.join(sorted(choices))}"
    )


def _ids(scenario: Scenario) -> Iterator[Finding]:
    seen: dict[str, FieldPath] = {}
    for section in ("assets", "sensors", "units"):
        for i, item in enumerate(getattr(scenario, section)):
            path: FieldPath = (section, i, "id")
            if item.id in seen:
                yield (
                    path,
                    f"duplicate id '{item.id}' (also {_fmt(seen[item.id])}); ids must be unique",
                )
            else:
                seen[item.id] = path
    raids: set[str] = set()
    for path, raid in scenario.raid_entries():
        if raid.id in raids:
            yield (*path, "id"), f"duplicate raid id '{raid.id}'; raid ids must be unique"
        raids.add(raid.id)
    waves: set[str] = set()
    for w, wave in enumerate(scenario.waves):
        if wave.id in waves:
            yield ("waves", w, "id"), f"duplicate wave id '{wave.id}'; wave ids must be unique"
        waves.add(wave.id)
        if w > 0 and wave.start_s <= scenario.waves[w - 1].start_s:
            yield (
                ("waves", w, "start_s"),
                (
                    f"wave '{wave.id}' starts at {wave.start_s:g} s, not after the wave before it "
                    f"({scenario.waves[w - 1].start_s:g} s); list waves in time order"
                ),
            )


def _fmt(path: FieldPath) -> str:
    from hoplon.errors import format_path

    return format_path(path)


def _nations(scenario: Scenario) -> Iterator[Finding]:
    known = set(scenario.nations)
    listed = ", ".join(sorted(known))

    def check(code: str, path: FieldPath) -> Iterator[Finding]:
        if code not in known:
            yield path, f"nation '{code}' is not listed under `nations` (listed: {listed})"

    for section in ("assets", "sensors", "units"):
        for i, item in enumerate(getattr(scenario, section)):
            yield from check(item.nation, (section, i, "nation"))
    for i, ag in enumerate(scenario.agreements):
        if isinstance(ag, TrackSharing):
            yield from check(ag.from_, ("agreements", i, "from"))
            yield from check(ag.to, ("agreements", i, "to"))
            if ag.from_ == ag.to:
                yield (
                    ("agreements", i, "to"),
                    "a nation always sees its own tracks; name another nation",
                )
        elif isinstance(ag, Link):
            for j, code in enumerate(ag.members):
                yield from check(code, ("agreements", i, "members", j))
            if len(set(ag.members)) < 2:
                yield ("agreements", i, "members"), "name at least two different nations"
        elif isinstance(ag, CollectiveDefense | Acsa):
            for j, code in enumerate(ag.nations):
                yield from check(code, ("agreements", i, "nations", j))
            if len(set(ag.nations)) < 2:
                yield ("agreements", i, "nations"), "name at least two different nations"
        elif isinstance(ag, TechnologyTransfer):
            yield from check(ag.recipient, ("agreements", i, "recipient"))
            if ag.origin == ag.recipient:
                yield ("agreements", i, "recipient"), "origin and recipient must differ"


def _catalog_names(scenario: Scenario, catalog: Catalog) -> Iterator[Finding]:
    for i, s in enumerate(scenario.sensors):
        if s.type not in catalog.sensors:
            if _refused_entry(scenario, "sensors", s.type, catalog):
                continue
            yield ("sensors", i, "type"), _unknown(s.type, "sensors", catalog)
            continue
        entry = catalog.sensors[s.type]
        if entry.kind == "space-infrared" and s.at is not None:
            yield (
                ("sensors", i, "at"),
                "a space sensor takes no position: it watches the whole theater",
            )
        if entry.kind == "radar" and s.at is None:
            yield (
                ("sensors", i, "at"),
                "a radar needs a position: at: [lat, lon] or [lat, lon, alt_m]",
            )
    for i, u in enumerate(scenario.units):
        if u.type not in catalog.platforms and not _refused_entry(
            scenario, "platforms", u.type, catalog
        ):
            yield ("units", i, "type"), _unknown(u.type, "platforms", catalog)
        for name in u.magazine:
            if name not in catalog.interceptors and not _refused_entry(
                scenario, "interceptors", name, catalog
            ):
                yield ("units", i, "magazine", name), _unknown(name, "interceptors", catalog)
    for path, r in scenario.raid_entries():
        if r.type not in catalog.threats and not _refused_entry(
            scenario, "threats", r.type, catalog
        ):
            yield (*path, "type"), _unknown(r.type, "threats", catalog)
        if (
            r.standoff is not None
            and r.standoff.missile not in catalog.threats
            and not _refused_entry(scenario, "threats", r.standoff.missile, catalog)
        ):
            yield (*path, "standoff", "missile"), _unknown(r.standoff.missile, "threats", catalog)
    for i, ag in enumerate(scenario.agreements):
        if isinstance(ag, TechnologyTransfer):
            for j, item in enumerate(ag.items):
                if item not in catalog.interceptors and not _refused_entry(
                    scenario, "interceptors", item, catalog
                ):
                    yield ("agreements", i, "items", j), _unknown(item, "interceptors", catalog)
    for name, platform in catalog.platforms.items():
        if (
            platform.radar != "none"
            and platform.radar not in catalog.sensors
            and not _refused_entry(scenario, "sensors", platform.radar, catalog)
        ):
            yield (
                ("catalog", "platforms", name, "radar"),
                (_unknown(platform.radar, "sensors", catalog) + "; or 'none'"),
            )


def _targets(scenario: Scenario, catalog: Catalog) -> Iterator[Finding]:
    places: dict[str, tuple[float, ...]] = {a.id: a.at for a in scenario.assets}
    places.update({u.id: u.at for u in scenario.units})
    for path, r in scenario.raid_entries():
        if r.target not in places:
            yield (
                (*path, "target"),
                (
                    f"'{r.target}' names no asset or unit{did_you_mean(r.target, places)}; "
                    f"targets: {', '.join(sorted(places)) or '(none defined)'}"
                ),
            )
            continue
        entry = catalog.threats.get(r.type)
        if entry is None:
            continue
        lat0, lon0, _ = lat_lon_alt(r.from_)
        lat1, lon1, _ = lat_lon_alt(places[r.target])
        _, _, dist_m = _GEOD.inv(lon0, lat0, lon1, lat1)
        if r.standoff is not None:
            yield from _standoff(path, r, entry, catalog, dist_m)
            continue
        if dist_m > entry.max_range_m:
            yield (
                (*path, "from"),
                (
                    f"the launch point is {dist_m / 1000:,.0f} km from '{r.target}', beyond the "
                    f"{entry.max_range_km:,.0f} km range of '{r.type}'; move it within range or pick "
                    "a longer-range threat"
                ),
            )
        if entry.flight == "glide" and (why := glide_out_of_reach(entry, dist_m)):
            yield (
                (*path, "from"),
                f"the launch point is {dist_m / 1000:,.0f} km from '{r.target}'; {why}",
            )
        if entry.flight == "aircraft" and dist_m <= entry.release_range_m:
            yield (
                (*path, "from"),
                (
                    f"the aircraft starts {dist_m / 1000:,.1f} km from its target, already inside its "
                    f"{entry.release_range_km:g} km release range"
                ),
            )


def glide_out_of_reach(entry: Threat, dist_m: float) -> str | None:
    """Why a glide vehicle cannot fly a ground range (its track, with its cross-range
    manoeuvre, beyond what its lift-to-drag ratio reaches), or None."""
    from hoplon.core import flight

    track = float(flight.glide_track_m(dist_m, entry.cross_range_m)[1][-1])
    reach = flight.glide_reach_m(
        float(entry.burn_time_s or 0.0), entry.glide_altitude_m, float(entry.lift_to_drag or 0.0),
        entry.terminal_speed_ms,
    )  # fmt: skip
    if track <= reach:
        return None
    return (
        f"its manoeuvring track of {track / 1000:,.0f} km is beyond the {reach / 1000:,.0f} km "
        f"a glider of lift-to-drag {entry.lift_to_drag:g} reaches from below circular speed"
    )


def _standoff(
    path: FieldPath, r: Raid, entry: Threat, catalog: Catalog, dist_m: float
) -> Iterator[Finding]:
    """A launch platform's stand-off missiles: what launches them, and from where."""
    assert r.standoff is not None
    so = r.standoff
    if entry.flight != "aircraft":
        yield (
            (*path, "standoff"),
            f"'{r.type}' is a {entry.flight} threat; stand-off missiles need a launch "
            "platform (a threat with flight: aircraft: an aircraft, ship or submarine)",
        )
        return
    flown = max(dist_m - so.release_range_m, 0.0)
    if flown > entry.max_range_m:
        yield (
            (*path, "from"),
            f"the release point is {flown / 1000:,.0f} km from the launch point "
            f"({dist_m / 1000:,.0f} km from '{r.target}' less the {so.release_range_km:g} km "
            f"release range), beyond the {entry.max_range_km:,.0f} km range of '{r.type}'; "
            "move it within range or release from farther out",
        )
    missile = catalog.threats.get(so.missile)
    if missile is None:
        return
    if missile.flight == "aircraft":
        yield (
            (*path, "standoff", "missile"),
            f"'{so.missile}' is itself a launch platform (flight: aircraft); a stand-off "
            "missile is a ballistic, cruise or glide threat",
        )
    elif so.release_range_m > missile.max_range_m:
        yield (
            (*path, "standoff", "release_range_km"),
            f"{so.release_range_km:g} km is beyond the {missile.max_range_km:,g} km range of "
            f"'{so.missile}'; at most {missile.max_range_km:,g} km is accepted",
        )
    elif missile.flight == "glide" and (why := glide_out_of_reach(missile, so.release_range_m)):
        yield (*path, "standoff", "release_range_km"), why


def field_rights(scenario: Scenario, catalog: Catalog) -> dict[str, dict[str, str]]:
    """For each nation, the interceptors it may field and why (``produces`` or an agreement).

    A nation may field an interceptor it produces, or one transferred to it by a
    ``technology-transfer`` agreement whose origin may itself field it — directly as a
    producer, or as a recipient passing it on to a nation in ``retransfer_consent`` of
    the agreement it received it under.
    """
    rights: dict[str, dict[str, str]] = {}
    for name, entry in catalog.interceptors.items():
        for producer in entry.producers:
            rights.setdefault(producer, {})[name] = "produces"
    transfers = [
        (i, ag) for i, ag in enumerate(scenario.agreements) if isinstance(ag, TechnologyTransfer)
    ]
    changed = True
    while changed:  # closure: a re-transfer needs the right upstream first
        changed = False
        for i, ag in transfers:
            for item in ag.items:
                if item in rights.get(ag.recipient, {}):
                    continue
                how = rights.get(ag.origin, {}).get(item)
                if how is None:
                    continue
                if how != "produces" and not _consented(scenario, ag.origin, ag.recipient, item):
                    continue
                rights.setdefault(ag.recipient, {})[item] = f"agreements[{i}]"
                changed = True
    return rights


def _consented(scenario: Scenario, holder: str, third: str, item: str) -> bool:
    """Whether some origin that transferred ``item`` to ``holder`` consented to ``third``."""
    return any(
        isinstance(ag, TechnologyTransfer)
        and ag.recipient == holder
        and item in ag.items
        and third in ag.retransfer_consent
        for ag in scenario.agreements
    )


def _rights(scenario: Scenario, catalog: Catalog) -> Iterator[Finding]:
    rights = field_rights(scenario, catalog)
    for i, u in enumerate(scenario.units):
        for name in u.magazine:
            entry = catalog.interceptors.get(name)
            if entry is None or name in rights.get(u.nation, {}):
                continue
            producers = ", ".join(entry.producers)
            received = [
                ag
                for ag in scenario.agreements
                if isinstance(ag, TechnologyTransfer)
                and ag.recipient == u.nation
                and name in ag.items
            ]
            if received:
                ag = received[0]
                why = (
                    f"{u.nation} names it in a technology-transfer from {ag.origin}, but {ag.origin} "
                    f"may not pass it on: it neither produces '{name}' (producers: {producers}) nor "
                    f"holds consent to re-transfer it to {u.nation} (add {u.nation} to the "
                    "retransfer_consent of the agreement that gave it to "
                    f"{ag.origin})"
                )
            else:
                why = (
                    f"{u.nation} neither produces '{name}' (producers: {producers}) nor received it: "
                    f"add a technology-transfer agreement (origin: {entry.producers[0]}, recipient: "
                    f"{u.nation}, items: [{name}])"
                )
            yield ("units", i, "magazine", name), f"no right to field '{name}': {why}"


def _platform_radars(scenario: Scenario, catalog: Catalog) -> Iterator[Finding]:
    for i, u in enumerate(scenario.units):
        platform = catalog.platforms.get(u.type)
        if platform is None or platform.radar == "none":
            continue
        sensor = catalog.sensors.get(platform.radar)
        if sensor is not None and sensor.kind != "radar":
            yield ("units", i, "type"), f"platform radar '{platform.radar}' must be a radar"


def placement(scenario: Scenario, catalog: Catalog) -> tuple[list[Finding], list[Finding]]:
    """Ships on land and ground radars far out at sea (warnings), land units far out at
    sea (refusals).

    A unit's domain is its platform's (:meth:`hoplon.catalog.models.Platform.domain_of`);
    an asset of kind ``ship`` is a ship. A ship standing on the shipped land at least
    :data:`SHIP_INLAND_KM` from any sea is warned of; a land unit with no shipped land
    within :data:`LAND_AT_SEA_KM` is refused, unless it says ``island: true``. A scenario
    sensor is placed by its catalog entry's ``domain``: a ship's radar (``sea``) as a
    ship, a ground radar (``land``) with no shipped land within :data:`LAND_AT_SEA_KM`
    warned of (a sensor has no ``island`` field to say it stands on a small island); an
    airborne sensor, or one whose entry gives no domain, is not placed. The land is only
    loaded when a scenario has something to place.

    Returns:
        ``(errors, warnings)``, each a list of ``(field path, message)``.
    """
    from hoplon.geodata import inland_beyond_km

    ships: list[tuple[FieldPath, str, tuple[float, ...]]] = []
    landed: list[tuple[FieldPath, str, tuple[float, ...]]] = []
    ground: list[tuple[FieldPath, str, tuple[float, ...]]] = []  # ground radars
    for i, a in enumerate(scenario.assets):
        if a.kind == "ship":
            ships.append((("assets", i, "at"), f"asset '{a.id}' (kind ship)", a.at))
    for i, u in enumerate(scenario.units):
        platform = catalog.platforms.get(u.type)
        if platform is None:
            continue
        what = f"unit '{u.id}' ({u.type}"
        if platform.domain_of(u.type) == "sea":
            ships.append((("units", i, "at"), what + ", a ship)", u.at))
        elif not u.island:
            landed.append((("units", i, "at"), what + ", a land unit)", u.at))
    for i, sp in enumerate(scenario.sensors):
        sensor = catalog.sensors.get(sp.type)
        if sensor is None or sp.at is None:
            continue
        what = f"sensor '{sp.id}' ({sp.type}"
        if sensor.domain == "sea":
            ships.append((("sensors", i, "at"), what + ", a ship's radar)", sp.at))
        elif sensor.domain == "land":
            ground.append((("sensors", i, "at"), what + ", a ground radar)", sp.at))
    errors: list[Finding] = []
    warnings: list[Finding] = []
    for path, what in _at_sea(ground):
        warnings.append(
            (
                path,
                f"{what} stands at sea, more than {LAND_AT_SEA_KM:g} km from any coast in "
                "the shipped coastlines (Natural Earth 1:50m); check the position "
                "([latitude, longitude])",
            )
        )
    if ships:
        lat = [lat_lon_alt(at)[0] for _, _, at in ships]
        lon = [lat_lon_alt(at)[1] for _, _, at in ships]
        for (path, what, _), inland in zip(
            ships, inland_beyond_km(lat, lon, SHIP_INLAND_KM), strict=True
        ):
            if inland:
                warnings.append(
                    (
                        path,
                        f"{what} stands on land, {SHIP_INLAND_KM:g} km or more from any sea in "
                        "the shipped coastlines (Natural Earth 1:50m); check the position "
                        "([latitude, longitude])",
                    )
                )
    for path, what in _at_sea(landed):
        errors.append(
            (
                path,
                f"{what} stands at sea, more than {LAND_AT_SEA_KM:g} km from any coast in the "
                "shipped coastlines (Natural Earth 1:50m); accepted: a position ashore "
                "([latitude, longitude]), a ship platform, or `island: true` on an island "
                "too small for those coastlines",
            )
        )
    return errors, warnings


def _at_sea(
    placed: list[tuple[FieldPath, str, tuple[float, ...]]],
) -> list[tuple[FieldPath, str]]:
    """The (field, description) of each placed item with no shipped land within
    :data:`LAND_AT_SEA_KM` (all of them in one vectorised test)."""
    if not placed:
        return []
    from hoplon.geodata import land_within_km

    lat = [lat_lon_alt(at)[0] for _, _, at in placed]
    lon = [lat_lon_alt(at)[1] for _, _, at in placed]
    near = land_within_km(lat, lon, LAND_AT_SEA_KM)
    return [(path, what) for (path, what, _), ok in zip(placed, near, strict=True) if not ok]


def _doctrine(scenario: Scenario) -> Iterator[Finding]:
    d = scenario.doctrine
    if d.reserve != "expected" and d.assignment != "preserve-upper-tier":
        yield (
            ("doctrine", "reserve"),
            f"a reserve applies to 'preserve-upper-tier' only, not to '{d.assignment}': "
            "remove it or set assignment: preserve-upper-tier",
        )


def memory_refusal(scenario: Scenario, trials: int) -> str | None:
    """Why ``trials`` trials of the scenario would not fit in memory, or None if they fit."""
    n_threats = sum(r.n_threats for _, r in scenario.raid_entries())
    interceptors = {name for u in scenario.units for name in u.magazine}
    per_trial = 16 + 8 * (len(interceptors) + len(scenario.nations) + len(scenario.units))
    per_trial += 8 * (len(scenario.assets) + len(scenario.units)) + 2 * n_threats
    estimate = trials * per_trial
    if estimate <= MAX_RESULT_BYTES:
        return None
    return (
        f"{trials:,} trials would need about {estimate / 1024**3:,.1f} GiB for per-trial "
        f"results ({n_threats:,} threats); at most {MAX_RESULT_BYTES // per_trial:,} trials "
        f"fit the {MAX_RESULT_BYTES / 1024**3:.0f} GiB limit"
    )


def trials_findings(scenario: Scenario) -> list[Finding]:
    """The file's own ``trials`` when they would not fit in memory (:func:`memory_refusal`)."""
    refusal = memory_refusal(scenario, scenario.trials)
    return [(("trials",), refusal)] if refusal else []


def _economics(scenario: Scenario, catalog: Catalog) -> Iterator[Finding]:
    if scenario.economics is None:
        return
    from hoplon.economics import check_economics_against_nations

    for path, message in check_economics_against_nations(scenario.economics, set(scenario.nations)):
        yield parse_field_path(path), message
    for i, line in enumerate(scenario.economics.production):
        if line.interceptor not in catalog.interceptors and not _refused_entry(
            scenario, "interceptors", line.interceptor, catalog
        ):
            yield (
                ("economics", "production", i, "interceptor"),
                _unknown(line.interceptor, "interceptors", catalog),
            )


def _payer_ids(scenario: Scenario) -> dict[str, list[str]]:
    """Program and consortium id -> the nations that pay under its shares."""
    econ = scenario.economics
    if econ is None:
        return {}
    out: dict[str, list[str]] = {p.id: list(p.contributions) for p in econ.programs}
    out.update({k.id: list(k.members) for k in econ.consortia})
    return out


def _costs(scenario: Scenario, catalog: Catalog) -> Iterator[Finding]:
    """Life-cycle cost inputs: programs named, and money years the deflator covers."""
    from hoplon.economics.deflators import check_deflator_year

    payers = _payer_ids(scenario)
    deflating = scenario.economics is None or scenario.economics.deflator == "us-gdp"
    for section, kind in (("units", "platforms"), ("sensors", "sensors")):
        for i, item in enumerate(getattr(scenario, section)):
            if item.program is not None:
                if item.program not in payers:
                    known = (
                        ", ".join(sorted(payers)) or "none (add economics.programs or consortia)"
                    )
                    yield (
                        (section, i, "program"),
                        f"'{item.program}' is not an economics program or consortium id"
                        f"{did_you_mean(item.program, list(payers))}; known: {known}",
                    )
                elif item.nation not in payers[item.program]:
                    yield (
                        (section, i, "program"),
                        f"{item.nation} does not pay into '{item.program}' (its nations: "
                        f"{', '.join(payers[item.program])}); name a program it is part of "
                        "or leave program out (its nation then pays)",
                    )
            if item.cost is not None and item.cost.acquisition is not None:
                entry = catalog.kind(kind).get(item.type)
                if (
                    item.cost.service_life_years is None
                    and getattr(entry, "service_life_years", None) is None
                ):
                    yield (
                        (section, i, "cost"),
                        "an acquisition cost needs a service life: give service_life_years "
                        f"here (the catalog entry '{item.type}' has none)",
                    )
            if deflating and item.cost is not None and item.cost.year is not None:
                try:
                    check_deflator_year(item.cost.year)
                except ValueError as exc:
                    yield (section, i, "cost", "year"), f"{exc} (or set economics.deflator: none)"
    if deflating:
        for kind in ("platforms", "sensors"):
            for name in getattr(scenario.catalog, kind):
                entry = catalog.kind(kind).get(name)
                year = getattr(entry, "cost_year", None)
                if year is None:
                    continue
                try:
                    check_deflator_year(year)
                except ValueError as exc:
                    yield (
                        ("catalog", kind, name, "cost_year"),
                        f"{exc} (or set economics.deflator: none)",
                    )


def count_findings(spec: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Counts no scenario could mean: more threats, units or sensors than the limits."""
    findings: list[tuple[tuple[str | int, ...], str]] = []
    n_threats = sum(r.n_threats for _, r in spec.raid_entries())
    if n_threats > MAX_THREATS:
        findings.append(
            (
                ("threats",),
                f"{n_threats:,} threats in all; at most {MAX_THREATS:,} are accepted "
                "(MAX_THREATS, docs/scenario-format.md)",
            )
        )
    if len(spec.units) > MAX_UNITS:
        findings.append(
            (
                ("units",),
                f"{len(spec.units):,} units; at most {MAX_UNITS:,} are accepted "
                "(MAX_UNITS, docs/scenario-format.md)",
            )
        )
    if len(spec.sensors) > MAX_SENSORS:
        findings.append(
            (
                ("sensors",),
                f"{len(spec.sensors):,} sensors; at most {MAX_SENSORS:,} are accepted "
                "(MAX_SENSORS, docs/scenario-format.md)",
            )
        )
    return findings


#: Money figures below this many US dollars are warned of: catalog costs are in dollars,
#: and a figure such as 4.5 is most likely millions.
FEW_DOLLARS = 1_000.0
#: The fields of a threat entry each flight model reads (the rest it ignores).
FLIGHT_FIELDS = {
    "ballistic": {"trajectory", "burn_time_s"},
    "glide": {"burn_time_s", "glide_altitude_km", "lift_to_drag", "terminal_speed_kms",
              "cross_range_km"},
    "cruise": {"speed_kms", "altitude_m"},
    "aircraft": {"speed_kms", "altitude_m", "release_range_km"},
}  # fmt: skip


def default_value_notes(scenario: Scenario) -> list[Finding]:
    """Units a raid targets that keep the default value 1 while the assets are valued
    otherwise: ``value_protected`` and the planned doctrine weigh them at 1, which is
    rarely what was meant beside cities worth 100 (a note, not a warning)."""
    aimed: dict[str, list[str]] = {}
    for r in scenario.raids:
        aimed.setdefault(r.target, []).append(r.id)
    given = [u.value for u in scenario.units if "value" in u.model_fields_set]
    values = sorted({a.value for a in scenario.assets} | set(given))
    if not values or values[-1] <= 1.0:  # nothing is worth more than the default
        return []
    worth = f"{values[0]:g}" if len(values) == 1 else f"{values[0]:g} to {values[-1]:g}"
    out: list[Finding] = []
    for i, u in enumerate(scenario.units):
        if u.id in aimed and "value" not in u.model_fields_set:
            out.append(
                (
                    ("units", i),
                    f"unit '{u.id}' is the target of {', '.join(aimed[u.id])} and has the "
                    f"default value 1, beside targets worth {worth}: value protected and the "
                    "planned doctrine weigh it so; give the unit a `value:` to weigh it "
                    "otherwise",
                )
            )
    return out


def facing_notes(scenario: Scenario, catalog: Catalog) -> list[Finding]:
    """Radars with a limited field of regard placed without ``facing_deg``: they are
    taken to search all round (360°), which is the documented default but rarely what a
    120° single-face array does (a note, not a warning)."""
    out: list[Finding] = []

    def note(path: FieldPath, what: str, name: str) -> None:
        sensor = catalog.sensors.get(name)
        if sensor is None or sensor.kind != "radar" or sensor.field_of_regard_deg >= 360:
            return
        out.append(
            (
                path,
                f"{what}: {name} covers {sensor.field_of_regard_deg:g}° but no facing_deg is "
                "given, so it is taken to search all round (360°); give facing_deg (the "
                "boresight's azimuth, degrees from north) to point it",
            )
        )

    for i, sp in enumerate(scenario.sensors):
        if sp.at is not None and sp.facing_deg is None:
            note(("sensors", i), f"sensor '{sp.id}'", sp.type)
    for i, u in enumerate(scenario.units):
        platform = catalog.platforms.get(u.type)
        if platform is not None and platform.radar != "none" and u.facing_deg is None:
            note(("units", i), f"unit '{u.id}' (its own radar)", platform.radar)
    return out


def no_threats_warning(scenario: Scenario) -> str | None:
    """What a run of a scenario without threats measures (an economics-only file validates,
    and ``hoplon econ`` reads it; running it is a defense against no attack)."""
    if scenario.threats or scenario.waves:
        return None
    return (
        "the scenario has no threats (neither `threats:` nor `waves:`): a run measures a "
        "defense against no attack, so no trial has a leaker; add raids, or use `hoplon "
        "econ` for the economics alone"
    )


def catalog_warnings(scenario: Scenario, catalog: Catalog) -> list[Finding]:
    """What the scenario's own catalog entries say that is suspect but not refused: a
    money figure of a few dollars (millions meant), and a threat field its flight model
    does not read (so it changes nothing)."""
    out: list[Finding] = []
    money = ("unit_cost_usd", "acquisition_cost_usd", "annual_om_usd")
    for kind in KIND_MODELS:
        entries = getattr(catalog, kind)
        for name, fields in getattr(scenario.catalog, kind).items():
            for key in money:
                value = fields.get(key)
                if isinstance(value, int | float) and 0 < value < FEW_DOLLARS:
                    out.append(
                        (
                            ("catalog", kind, name, key),
                            f"{value:g} US dollars: catalog costs are in dollars, not millions "
                            f"(4.2 million dollars is 4200000 or 4.2e6)",
                        )
                    )
            entry = entries.get(name)
            if kind != "threats" or not isinstance(entry, Threat):
                continue
            used = FLIGHT_FIELDS[entry.flight]
            for key in sorted(set(fields) & set().union(*FLIGHT_FIELDS.values()) - used):
                flights = [f for f, keys in FLIGHT_FIELDS.items() if key in keys]
                out.append(
                    (
                        ("catalog", kind, name, key),
                        f"a {entry.flight} threat does not use {key} (only a "
                        f"{' or '.join(flights)} threat does): it changes nothing; fields "
                        f"of a {entry.flight} flight: {', '.join(sorted(used))}",
                    )
                )
    return out


def check_scenario(
    scenario: Scenario, catalog: Catalog, warnings: list[Finding] | None = None
) -> list[Finding]:
    """Every cross-reference problem in the scenario, in file order of sections.

    What is suspect but not refused (a ship on land) is appended to ``warnings`` when a
    list is given.
    """
    findings: list[Finding] = []
    findings.extend(_economics(scenario, catalog))
    findings.extend(count_findings(scenario))
    # (the file's trials are checked against memory by `validate` and by a run that uses
    # them: a run given --trials, or a sweep of trials, must not be refused for the file's)
    for check in (_ids, _nations, _doctrine):
        findings.extend(check(scenario))
    checks = (_catalog_names, _targets, _rights, _platform_radars, _costs, check_candidates)
    for check2 in checks:
        findings.extend(check2(scenario, catalog))
    refused, suspect = placement(scenario, catalog)
    findings.extend(refused)
    if warnings is not None:
        warnings.extend(catalog_warnings(scenario, catalog))
        warnings.extend(suspect)
    return findings
