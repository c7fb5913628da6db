"""Synthetic large scenarios for the benchmarks, built as plain data and validated.

:func:`theatre` builds a notional Japan–Korea theatre: up to 50 radars of mixed catalog
types and facings, up to 50 shooters (Aegis destroyers and Aegis Ashore with SM-3,
Patriot batteries with PAC-3, THAAD batteries, ESSM destroyers and frigates) with
magazines of the sizes open sources give for those platforms, and ``n_threats``
notional SRBMs, MRBMs and cruise missiles in raids from a few launch areas against
cities, bases and ships. Every position, count and choice is fixed by ``seed``, so a
benchmark measures the same scenario each time.

The first ``n`` threats of ``theatre(n_threats=N)`` are the same for every ``N >= n``
(raids are drawn in order and the last one is cut short), so the raid-size sweep grows
one attack against one fixed defense. All figures are notional.
"""

from __future__ import annotations

import random
from typing import Any

from pyproj import Geod

from hoplon.scenario.loader import LoadedScenario, load_data

_GEOD = Geod(ellps="WGS84")

#: (id, nation, kind, lat, lon, value): cities, then US bases, in Japan and Korea.
ASSETS: list[tuple[str, str, str, float, float, float]] = [
    ("tokyo", "JPN", "city", 35.68, 139.69, 100),
    ("yokohama", "JPN", "city", 35.44, 139.64, 60),
    ("osaka", "JPN", "city", 34.69, 135.50, 70),
    ("nagoya", "JPN", "city", 35.18, 136.91, 60),
    ("sapporo", "JPN", "city", 43.06, 141.35, 40),
    ("fukuoka", "JPN", "city", 33.59, 130.40, 40),
    ("kobe", "JPN", "city", 34.69, 135.20, 40),
    ("kyoto", "JPN", "city", 35.01, 135.77, 40),
    ("hiroshima", "JPN", "city", 34.39, 132.46, 30),
    ("sendai", "JPN", "city", 38.27, 140.87, 30),
    ("niigata", "JPN", "city", 37.92, 139.04, 20),
    ("kitakyushu", "JPN", "city", 33.88, 130.88, 20),
    ("nagasaki", "JPN", "city", 32.75, 129.87, 15),
    ("kagoshima", "JPN", "city", 31.60, 130.56, 15),
    ("kanazawa", "JPN", "city", 36.56, 136.66, 15),
    ("matsue", "JPN", "city", 35.47, 133.05, 10),
    ("yokosuka", "USA", "base", 35.28, 139.67, 40),
    ("misawa", "USA", "base", 40.70, 141.37, 30),
    ("iwakuni", "USA", "base", 34.15, 132.24, 30),
    ("sasebo", "USA", "base", 33.16, 129.72, 30),
    ("yokota", "USA", "base", 35.75, 139.35, 30),
    ("seoul", "KOR", "city", 37.57, 126.98, 100),
    ("busan", "KOR", "city", 35.18, 129.08, 60),
    ("incheon", "KOR", "city", 37.46, 126.71, 40),
    ("daegu", "KOR", "city", 35.87, 128.60, 40),
    ("daejeon", "KOR", "city", 36.35, 127.38, 30),
    ("gwangju", "KOR", "city", 35.16, 126.85, 30),
    ("ulsan", "KOR", "city", 35.54, 129.31, 30),
    ("pohang", "KOR", "site", 36.02, 129.34, 15),
    ("humphreys", "USA", "base", 36.96, 127.03, 40),
    ("osan", "USA", "base", 37.09, 127.03, 30),
    ("gunsan", "USA", "base", 35.90, 126.62, 20),
]

#: Notional launch areas: (lat, lon).
LAUNCH_AREAS: list[tuple[float, float]] = [
    (39.0, 125.7),
    (40.0, 127.5),
    (41.3, 129.3),
    (39.2, 127.4),
]

#: (catalog threat, share of raids, shortest and longest raid).
THREAT_MIX: list[tuple[str, float, int, int]] = [
    ("notional SRBM", 0.40, 4, 16),
    ("notional MRBM", 0.25, 2, 10),
    ("notional land-attack cruise missile", 0.25, 4, 16),
    ("notional sea-skimming ASCM", 0.10, 2, 8),
]

_RANGE_KM = {
    "notional SRBM": 1000.0,
    "notional MRBM": 1500.0,
    "notional land-attack cruise missile": 1500.0,
    "notional sea-skimming ASCM": 200.0,
}

#: Radars: (catalog type, nation, how many, airborne altitude in metres or 0).
RADAR_MIX: list[tuple[str, str, int, float]] = [
    ("J/FPS-5", "JPN", 4, 0.0),
    ("AN/TPY-2", "USA", 8, 0.0),
    ("E-2D", "JPN", 6, 9000.0),
    ("E-7 Wedgetail", "KOR", 4, 9000.0),
    ("AN/MPQ-65", "JPN", 8, 0.0),
    ("AN/MPQ-65", "KOR", 4, 0.0),
    ("AN/MPQ-65", "USA", 4, 0.0),
    ("SPY-1D", "JPN", 4, 0.0),
    ("FCS-3A", "JPN", 4, 0.0),
    ("CEAFAR", "KOR", 4, 0.0),
]

#: Sea stations for ships (Sea of Japan, Tsushima Strait, East China Sea): (lat, lon).
SEA_STATIONS: list[tuple[float, float]] = [
    (37.8, 134.0), (39.5, 136.5), (36.5, 132.0), (35.5, 131.0), (38.6, 137.6),
    (34.2, 129.0), (40.5, 138.5), (33.2, 128.2), (37.5, 130.8), (36.2, 129.9),
    (33.0, 126.0), (41.5, 139.3), (38.8, 133.0), (35.9, 130.2), (32.5, 128.8),
    (39.0, 134.8), (34.6, 130.2), (37.0, 135.2), (40.0, 132.5), (36.9, 131.2),
]  # fmt: skip

_SHIPS = ("Aegis BMD destroyer", "ESSM destroyer", "ESSM frigate")


def _units(n_units: int) -> list[dict[str, Any]]:
    """Up to 50 shooters, in a fixed order so a smaller defense is a prefix of a larger one."""
    specs: list[tuple[str, str, dict[str, int], tuple[float, float] | None]] = []
    aegis = [("JPN", {"SM-3 Block IB": 8, "SM-3 Block IIA": 4})] * 5 + [
        ("USA", {"SM-3 Block IIA": 8, "SM-3 Block IB": 4})
    ] * 3
    for nation, mag in aegis:
        specs.append(("Aegis BMD destroyer", nation, mag, None))
    specs.append(("Aegis Ashore", "JPN", {"SM-3 Block IIA": 24}, (39.67, 140.07)))
    specs.append(("Aegis Ashore", "JPN", {"SM-3 Block IIA": 24}, (34.37, 131.55)))
    # Patriot batteries at the most valuable cities and bases first.
    for _, nation, kind, lat, lon, _ in sorted(ASSETS, key=lambda a: -a[5]):
        if kind == "site":
            continue
        mag = {
            "JPN": {"PAC-3 MSE": 16, "PAC-3 CRI": 16},
            "KOR": {"PAC-3 MSE": 16},
            "USA": {"PAC-3 MSE": 32},
        }[nation]
        specs.append(("Patriot battery", nation, mag, (lat + 0.03, lon + 0.04)))
    for lat, lon in [(35.95, 128.13), (35.70, 135.25), (34.20, 132.30), (40.65, 141.30)]:
        specs.append(("THAAD battery", "USA", {"THAAD": 48}, (lat, lon)))
    for _ in range(10):
        specs.append(("ESSM destroyer", "JPN", {"ESSM": 32}, None))
    for _ in range(2):
        specs.append(("ESSM frigate", "KOR", {"ESSM": 32}, None))
    # 8 Aegis + 2 Ashore + 31 Patriot + 4 THAAD + 12 ESSM ships = 57; keep the Aegis,
    # Ashore and THAAD units, the ships, and as many Patriot batteries as fit.
    n_patriot = max(0, min(n_units, 50) - 26)
    kept: list[tuple[str, str, dict[str, int], tuple[float, float] | None]] = []
    patriots = 0
    for spec in specs:
        if spec[0] == "Patriot battery":
            if patriots >= n_patriot:
                continue
            patriots += 1
        kept.append(spec)
    # Order: interleave so that a prefix mixes tiers.
    kept.sort(key=lambda s: ("Aegis", "THAAD", "Patriot", "ESSM").index(s[0].split()[0]))
    kept = kept[:n_units]
    out: list[dict[str, Any]] = []
    station = 0
    for k, (platform, nation, mag, at) in enumerate(kept):
        if at is None:
            at = SEA_STATIONS[station % len(SEA_STATIONS)]
            station += 1
        out.append(
            {
                "id": f"{platform.split()[0].lower()}-{nation.lower()}-{k + 1}",
                "nation": nation,
                "type": platform,
                "at": [round(at[0], 4), round(at[1], 4)],
                "magazine": dict(mag),
            }
        )
    return out


def _sensors(n_sensors: int, rng: random.Random) -> list[dict[str, Any]]:
    """Up to 50 radars of mixed types, spread over Japan, Korea and the seas between."""
    land = [(a[3], a[4]) for a in ASSETS]
    out: list[dict[str, Any]] = []
    for radar, nation, count, altitude in RADAR_MIX:
        for _ in range(count):
            if altitude > 0 or radar in ("FCS-3A", "CEAFAR"):
                lat, lon = rng.choice(SEA_STATIONS)
            else:
                lat, lon = rng.choice(land)
            lat += rng.uniform(-0.3, 0.3)
            lon += rng.uniform(-0.3, 0.3)
            at = [round(lat, 4), round(lon, 4)] + ([altitude] if altitude else [])
            out.append(
                {
                    "id": f"radar-{len(out) + 1}",
                    "nation": nation,
                    "type": radar,
                    "at": at,
                    # Most face the launch areas to the west and north-west; some elsewhere.
                    "facing_deg": round(
                        rng.uniform(250.0, 340.0)
                        if rng.random() < 0.8
                        else rng.uniform(0.0, 360.0),
                        1,
                    ),
                }
            )
    rng.shuffle(out)
    return out[:n_sensors]


def _raids(n_threats: int, units: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """Raids in a fixed order until ``n_threats`` threats; the last raid is cut short."""
    ships = [u for u in units if u["type"] in _SHIPS]
    weights = [w for _, w, _, _ in THREAT_MIX]
    raids: list[dict[str, Any]] = []
    total = 0
    while total < n_threats:
        kind, _, lo, hi = rng.choices(THREAT_MIX, weights=weights)[0]
        count = min(rng.randint(lo, hi), n_threats - total)
        launch = {
            "at_s": float(rng.randrange(0, 1800, 5)),
            "every_s": float(rng.choice([5, 10, 15, 20])),
        }
        if kind == "notional sea-skimming ASCM":
            if not ships:
                continue
            ship = rng.choice(ships)
            lat1, lon1 = ship["at"]
            lon0, lat0, _ = _GEOD.fwd(
                lon1, lat1, rng.uniform(270.0, 330.0), rng.uniform(90e3, 180e3)
            )
            origin, target = [round(lat0, 4), round(lon0, 4)], ship["id"]
        else:
            area = rng.choice(LAUNCH_AREAS)
            reachable = [
                a for a in ASSETS if _distance_km(area, (a[3], a[4])) <= _RANGE_KM[kind] - 20
            ]
            if not reachable:
                continue
            asset = rng.choices(reachable, weights=[a[5] for a in reachable])[0]
            origin, target = [area[0], area[1]], asset[0]
        raids.append(
            {
                "id": f"raid-{len(raids) + 1}",
                "nation": "PRK",
                "type": kind,
                "from": origin,
                "target": target,
                "count": count,
                "launch": launch,
            }
        )
        total += count
    return raids


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    _, _, d = _GEOD.inv(a[1], a[0], b[1], b[0])
    return float(d) / 1000.0


def theatre(
    n_threats: int = 1000, n_sensors: int = 50, n_units: int = 50, seed: int = 0
) -> dict[str, Any]:
    """A notional Japan–Korea theatre as plain data (a mapping as YAML would give).

    Args:
        n_threats: threats in all (missiles, summed over raids), at least 1.
        n_sensors: scenario radars, at most 50 (units' own radars come on top).
        n_units: shooters, at most 50.
        seed: fixes every random choice (positions, facings, raids).
    """
    if n_threats < 1 or not 0 <= n_sensors <= 50 or not 1 <= n_units <= 50:
        raise ValueError("need n_threats >= 1, 0 <= n_sensors <= 50 and 1 <= n_units <= 50")
    rng = random.Random(seed)
    units = _units(n_units)
    sensors = _sensors(n_sensors, random.Random(rng.random()))
    raids = _raids(n_threats, units, random.Random(rng.random()))
    return {
        "hoplon": 1,
        "name": f"Synthetic Japan-Korea theatre: {n_threats} threats, {n_sensors} radars, {n_units} units",
        "description": "Generated by benchmarks/scenarios.py; all figures notional.",
        "seed": seed,
        "trials": 10_000,
        "nations": {
            "JPN": {"name": "Japan"},
            "KOR": {"name": "Republic of Korea"},
            "USA": {"name": "United States"},
            "PRK": {"name": "Notional attacker"},
        },
        "agreements": [
            {
                "kind": "track-sharing",
                "from": "USA",
                "to": "JPN",
                "latency_s": 4,
                "quality": "fire-control",
            },
            {
                "kind": "track-sharing",
                "from": "JPN",
                "to": "USA",
                "latency_s": 4,
                "quality": "fire-control",
            },
            {
                "kind": "track-sharing",
                "from": "USA",
                "to": "KOR",
                "latency_s": 4,
                "quality": "fire-control",
            },
            {
                "kind": "track-sharing",
                "from": "KOR",
                "to": "USA",
                "latency_s": 6,
                "quality": "early-warning",
            },
            {
                "kind": "track-sharing",
                "from": "JPN",
                "to": "KOR",
                "latency_s": 10,
                "quality": "early-warning",
            },
            {
                "kind": "track-sharing",
                "from": "KOR",
                "to": "JPN",
                "latency_s": 10,
                "quality": "early-warning",
            },
            {"kind": "collective-defense", "nations": ["JPN", "USA"]},
            {"kind": "collective-defense", "nations": ["KOR", "USA"]},
            {
                "kind": "technology-transfer",
                "origin": "USA",
                "recipient": "JPN",
                "items": ["SM-3 Block IB", "ESSM"],
                "retransfer_consent": [],
            },
            {
                "kind": "technology-transfer",
                "origin": "USA",
                "recipient": "KOR",
                "items": ["PAC-3 MSE", "ESSM"],
                "retransfer_consent": [],
            },
        ],
        "assets": [
            {"id": i, "nation": n, "kind": k, "at": [lat, lon], "value": v}
            for i, n, k, lat, lon, v in ASSETS
        ],
        "sensors": sensors,
        "units": units,
        "threats": raids,
        "doctrine": {
            "shots_per_engagement": 2,
            "shoot_look_shoot": True,
            "assessment_s": 10,
            "assignment": "earliest-intercept",
        },
    }


def load_theatre(**kwargs: Any) -> LoadedScenario:
    """:func:`theatre`, validated with :func:`hoplon.scenario.loader.load_data`."""
    return load_data(theatre(**kwargs), file="<benchmarks/scenarios.py>")
