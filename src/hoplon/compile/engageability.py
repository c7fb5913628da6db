"""Why a threat cannot be engaged: the first condition each unit fails, per threat.

A threat no unit can engage (``engageable_by: []``) is the first thing an analyst looks
for; this module says why. For each unit, the reasons are tried in the order the model
applies its conditions (docs/model.md, "Engagement windows"), and the first that fails
is reported:

1. ``class``: none of its interceptors has an ``sspk`` for the threat's class;
2. ``right``: its nation may not defend the target's nation (no ``collective-defense``
   agreement between them);
3. ``track``: it never holds a fire-control track on the threat;
4. ``range``: the threat never comes within its interceptors' ground range (before
   impact);
5. ``altitude``: it comes within range only outside the altitude band;
6. ``earth``: within range and altitude only where the straight fly-out would pass
   through the earth;
7. ``time``: every intercept point needs a launch before the unit's track plus
   reaction time.

Points are found with the same kernel as the engagement windows
(:func:`hoplon.core.windows.intercept_points`), with one condition relaxed at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from hoplon.compile import compile_raids
from hoplon.core.windows import FLYOUT_BELOW_SURFACE_M, intercept_points
from hoplon.scenario.loader import LoadedScenario

#: Reasons in the order they are tried.
REASONS = ("class", "right", "track", "range", "altitude", "earth", "time")


@dataclass(frozen=True)
class Gap:
    """A threat no unit can engage, and why, unit by unit."""

    threat: str
    raid: str
    target: str
    why: dict[str, str]  # unit id -> reason text; empty when the scenario has no unit
    kinds: dict[str, str]  # unit id -> reason key (one of REASONS)


def _pairs_points(diag: dict[str, Any], pairs: list[tuple[int, int]], **relax: Any) -> set[int]:
    """Indices into ``pairs`` (stock, threat) with at least one point under ``relax``."""
    if not pairs:
        return set()
    stock = np.array([p[0] for p in pairs], dtype=np.int64)
    threat = np.array([p[1] for p in pairs], dtype=np.int64)
    unit = diag["stock_unit"][stock]
    icpt = diag["stock_interceptor"][stock]
    env = diag["env"]
    big = 1e12
    a_lo = np.full(stock.shape, -big) if relax.get("altitude") else env["min_alt"][icpt]
    a_hi = np.full(stock.shape, big) if relax.get("altitude") else env["max_alt"][icpt]
    earliest = (
        np.full(stock.shape, -big)
        if relax.get("time")
        else diag["fc_track"][unit, threat] + diag["reaction"][unit]
    )
    pair, _, _ = intercept_points(
        threat,
        diag["unit_lat"][unit],
        diag["unit_lon"][unit],
        diag["unit_alt"][unit],
        env["min_range"][icpt],
        env["max_range"][icpt],
        a_lo,
        a_hi,
        env["speed"][icpt],
        earliest,
        diag["batch"],
        below_surface_m=None if relax.get("earth") else relax.get("below", FLYOUT_BELOW_SURFACE_M),
    )
    return {int(p) for p in np.unique(pair)}


def _band(diag: dict[str, Any], stocks: list[int]) -> str:
    parts = []
    for s in stocks:
        e = diag["interceptors"][int(diag["stock_interceptor"][s])]
        name = diag["interceptor_names"][int(diag["stock_interceptor"][s])]
        parts.append(f"{name} {e.min_alt_km:g}–{e.max_alt_km:g} km")
    return ", ".join(dict.fromkeys(parts))


def _ranges(diag: dict[str, Any], stocks: list[int]) -> str:
    parts = []
    for s in stocks:
        e = diag["interceptors"][int(diag["stock_interceptor"][s])]
        name = diag["interceptor_names"][int(diag["stock_interceptor"][s])]
        parts.append(f"{name} {e.min_range_km:g}–{e.max_range_km:,g} km")
    return ", ".join(dict.fromkeys(parts))


def wave_gaps(
    loaded: LoadedScenario,
    raids: Any,
    wave_start_s: float = 0.0,
    below_surface_m: float = FLYOUT_BELOW_SURFACE_M,
) -> list[Gap]:
    """The unengageable threats of one wave, each with every unit's reason."""
    diag: dict[str, Any] = {}
    model = compile_raids(loaded, raids, wave_start_s=wave_start_s, diagnostics=diag)
    engageable = model.engageable_by()
    gaps = [t for t in range(model.n_threats) if not engageable[t]]
    if not gaps:
        return []
    spec = loaded.spec
    unit_ids = list(model.unit_ids)
    stocks_of: dict[int, list[int]] = {}
    for s, u in enumerate(diag["stock_unit"]):
        stocks_of.setdefault(int(u), []).append(s)
    kinds: dict[tuple[int, int], str] = {}  # (unit, threat) -> reason
    open_pairs: dict[tuple[int, int], list[int]] = {}  # (unit, threat) -> candidate stocks
    for t in gaps:
        klass = diag["threat_class"][t]
        target_nation = diag["target_nation"][diag["threat_target"][t]]
        for u in range(len(unit_ids)):
            stocks = [
                s
                for s in stocks_of.get(u, [])
                if (diag["interceptors"][int(diag["stock_interceptor"][s])].sspk.get(klass) or 0)
                > 0
            ]
            nation = diag["unit_nation"][u]
            if not stocks:
                kinds[(u, t)] = "class"
            elif target_nation not in diag["allowed"].get(nation, {nation}):
                kinds[(u, t)] = "right"
            elif not np.isfinite(diag["fc_track"][u, t]):
                kinds[(u, t)] = "track"
            else:
                open_pairs[(u, t)] = stocks
    pairs = [(s, t) for (u, t), stocks in open_pairs.items() for s in stocks]
    owner = [(u, t) for (u, t), stocks in open_pairs.items() for _ in stocks]
    checks: list[tuple[str, dict[str, Any]]] = [
        ("time", {"time": True, "below": below_surface_m}),
        ("earth", {"time": True, "earth": True}),
        ("altitude", {"time": True, "earth": True, "altitude": True}),
    ]
    decided: set[tuple[int, int]] = set()
    for kind, relax in checks:
        todo = [i for i, key in enumerate(owner) if key not in decided]
        found = _pairs_points(diag, [pairs[i] for i in todo], **relax)
        for j in found:
            key = owner[todo[j]]
            if key not in decided:
                kinds[key] = kind
                decided.add(key)
    for key in open_pairs:
        if key not in decided:
            kinds[key] = "range"

    out: list[Gap] = []
    for t in gaps:
        target = diag["target_ids"][diag["threat_target"][t]]
        why: dict[str, str] = {}
        kind_of: dict[str, str] = {}
        for u, uid in enumerate(unit_ids):
            kind = kinds[(u, t)]
            kind_of[uid] = kind
            why[uid] = _text(kind, diag, spec, u, t, open_pairs.get((u, t), []))
        out.append(Gap(model.threat_ids[t], model.threat_raid[t], target, why, kind_of))
    return out


def _text(kind: str, diag: dict[str, Any], spec: Any, u: int, t: int, stocks: list[int]) -> str:
    klass = diag["threat_class"][t]
    nation = diag["unit_nation"][u]
    target_nation = diag["target_nation"][diag["threat_target"][t]]
    if kind == "class":
        return f"no interceptor it carries can engage class '{klass}'"
    if kind == "right":
        return (
            f"no collective-defense right: {nation} may not defend {target_nation}'s targets "
            f"(add a collective-defense agreement with {nation} and {target_nation})"
        )
    if kind == "track":
        return "no fire-control track (no radar of its own or shared with it sees the threat)"
    if kind == "range":
        return f"never in range before impact ({_ranges(diag, stocks)})"
    if kind == "altitude":
        return f"in range only outside the altitude band ({_band(diag, stocks)})"
    if kind == "earth":
        return "in range and altitude only where the straight fly-out would pass through the earth"
    track = float(diag["fc_track"][u, t])
    ready = track + float(diag["reaction"][u])
    return f"too late: track at {track:,.0f} s, ready to launch at {ready:,.0f} s, after the last launch that could intercept"


def scenario_gaps(loaded: LoadedScenario) -> list[Gap]:
    """Every unengageable threat of every wave, with each unit's reason."""
    out: list[Gap] = []
    for wave in loaded.spec.wave_list():
        out.extend(wave_gaps(loaded, wave.threats, wave.start_s))
    return out


def describe_gaps(gaps: list[Gap]) -> list[str]:
    """One line per group of threats of one raid that share the same reasons."""
    groups: dict[tuple[str, str, tuple[tuple[str, str], ...]], list[str]] = {}
    for g in gaps:
        key = (g.raid, g.target, tuple(g.why.items()))
        groups.setdefault(key, []).append(g.threat)
    lines = []
    for (_raid, target, why), threats in groups.items():
        names = (
            threats[0] if len(threats) == 1 else f"{threats[0]} … {threats[-1]} ({len(threats)})"
        )
        if not why:
            reasons = "no unit in the scenario"
        else:
            reasons = "; ".join(f"{uid}: {text}" for uid, text in why)
        lines.append(f"{names} → {target}: {reasons}")
    return lines
