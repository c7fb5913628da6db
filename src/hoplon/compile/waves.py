"""Compile a validated scenario into the engine's arrays: geometry once, per scenario.

Each wave is compiled in four deterministic steps, one module each:

1. :mod:`~hoplon.compile.raids`: targets, and each raid's threats with their launch
   times along the raid's one sampled path;
2. :mod:`~hoplon.compile.sensors`: sensors placed; first detection of every threat by
   every radar, cues from space sensors and shared early-warning tracks, each radar's
   own track time, and each unit's earliest fire-control track;
3. :mod:`~hoplon.compile.stocks`: interceptor stocks of the units taking part;
4. :mod:`~hoplon.compile.windows`: engagement windows per (stock, threat) the unit has
   the right to defend and its interceptor may kill.

Then the waves are checked apart and ACSA groups are formed (this module).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from hoplon.compile.raids import Targets, Threats, expand_raids, targets
from hoplon.compile.sensors import fire_control_tracks, place_sensors
from hoplon.compile.stocks import Stocks, acsa_groups, build_stocks
from hoplon.compile.windows import defends, engageable_pairs, envelopes, launchers, pair_windows
from hoplon.core.acsa import AcsaResupply
from hoplon.core.model import TIER_RANK, EngagementWindows, Model
from hoplon.core.plan import plan_allocation
from hoplon.errors import InputError, Problem
from hoplon.scenario.loader import LoadedScenario
from hoplon.scenario.schema import Raid


@dataclass(frozen=True)
class Compiled:
    """The compiled waves of a scenario, and how long compiling took."""

    waves: list[Model]
    compile_s: float
    resupply: AcsaResupply | None = None


def compile_raids(
    loaded: LoadedScenario,
    raids: Sequence[Raid],
    *,
    wave_start_s: float = 0.0,
    wave_label: str | None = None,
    diagnostics: dict[str, object] | None = None,
) -> Model:
    """Compile one wave: the given raids against the scenario's defenders (the units and
    sensors of the nations :attr:`LoadedScenario.absent` names take no part).

    Args:
        loaded: the validated scenario.
        raids: the raids of this wave (launch times relative to ``wave_start_s``).
        wave_start_s: the wave's start, seconds from the scenario start.
        diagnostics: if given, filled with the intermediate arrays (fire-control
            tracks, stocks, envelopes, rights) that :mod:`hoplon.compile.engageability` uses
            to say why a threat cannot be engaged.
    """
    spec = loaded.spec
    unit_idx = [i for i, u in enumerate(spec.units) if u.nation not in loaded.absent]
    sensor_idx = [i for i, s in enumerate(spec.sensors) if s.nation not in loaded.absent]
    tg = targets(loaded)
    threats = expand_raids(loaded, raids, tg, wave_start_s)
    raid_batch = threats.raid_batch()
    radars = place_sensors(loaded, unit_idx, sensor_idx)
    fc_track = fire_control_tracks(loaded, threats, raid_batch, radars, unit_idx)
    stocks = build_stocks(loaded, unit_idx)
    allowed = defends(spec)
    pairs = engageable_pairs(loaded, unit_idx, stocks, threats, tg, fc_track, allowed)
    where = launchers(loaded, unit_idx)
    env = envelopes(stocks)
    windows = pair_windows(pairs, stocks, env, where, fc_track, threats, raid_batch)
    if diagnostics is not None:
        diagnostics.update(
            fc_track=fc_track, reaction=where.reaction, unit_lat=where.lat, unit_lon=where.lon,
            unit_alt=where.alt, stock_unit=stocks.unit, stock_interceptor=stocks.interceptor,
            interceptors=stocks.interceptors, interceptor_names=stocks.names, env=env,
            threat_class=threats.klass, threat_target=threats.target, target_ids=tg.ids,
            target_nation=tg.nation, allowed=allowed,
            unit_nation=[spec.units[ui].nation for ui in unit_idx], batch=threats.batch(),
        )  # fmt: skip
    impact = threats.impact_s
    model = _model(loaded, unit_idx, tg, threats, stocks, fc_track, impact, windows, wave_label)
    if model.assignment == "planned":  # the plan is made once, from this geometry
        allocation = plan_allocation(model)
        extras = {
            **model.extras,
            "plan": {
                "status": allocation.status,
                "seconds": allocation.seconds,
                "interceptors": int(allocation.interceptors.sum()),
                "value_at_risk": allocation.value_at_risk,
                "expected_loss": allocation.expected_loss,
                "bound": allocation.bound,
            },
        }
        model = replace(model, planned=allocation.interceptors, extras=extras)
    return model


def _model(
    loaded: LoadedScenario,
    unit_idx: list[int],
    tg: Targets,
    threats: Threats,
    stocks: Stocks,
    fc_track: np.ndarray,
    impact: np.ndarray,
    windows: EngagementWindows,
    wave_label: str | None,
) -> Model:
    """The engine's model of one wave from its compiled parts."""
    spec, cat = loaded.spec, loaded.catalog
    units = [spec.units[ui] for ui in unit_idx]
    n_assets = len(spec.assets)
    d = spec.doctrine
    return Model(
        threat_ids=tuple(threats.ids),
        threat_raid=tuple(threats.raid),
        threat_target=np.asarray(threats.target, dtype=np.int64),
        threat_class=tuple(threats.klass),
        threat_launch_s=threats.launch_s,
        threat_impact_s=np.asarray(impact, dtype=float),
        threat_reliability=np.asarray(threats.reliability, dtype=float),
        threat_cost_usd=np.asarray(threats.cost, dtype=float),
        threat_first_track_s=fc_track.min(axis=0) if units else np.full(threats.n, np.inf),
        target_ids=tuple(tg.ids),
        target_value=np.asarray(
            [
                v if g < n_assets or tg.ids[g] in tg.targeted else 0.0
                for g, v in enumerate(tg.value)
            ],
            dtype=float,
        ),
        unit_ids=tuple(u.id for u in units),
        unit_nation=tuple(u.nation for u in units),
        unit_capacity=np.array([cat.platforms[u.type].capacity for u in units], dtype=np.int64),
        interceptor_names=tuple(stocks.names),
        interceptor_cost_usd=np.array([e.unit_cost_usd for e in stocks.interceptors], dtype=float),
        interceptor_tier=np.array([TIER_RANK[e.tier] for e in stocks.interceptors], dtype=np.int64),
        stock_unit=stocks.unit,
        stock_interceptor=stocks.interceptor,
        stock_initial=stocks.initial,
        windows=windows,
        shots_per_engagement=d.shots_per_engagement,
        shoot_look_shoot=d.shoot_look_shoot,
        assessment_s=d.assessment_s,
        assignment=d.assignment,
        layered=d.layered,
        reserve=(
            "expected"
            if d.reserve == "expected"
            else "count"
            if isinstance(d.reserve, int)
            else "fraction"
        ),
        reserve_amount=0.0 if isinstance(d.reserve, str) else float(d.reserve),
        extras={"wave": wave_label} if wave_label else {},
        threat_parent=(
            np.asarray(threats.parent, dtype=np.int64)
            if any(p >= 0 for p in threats.parent)
            else None
        ),
    )


def _check_waves_apart(loaded: LoadedScenario, waves: Sequence[Model]) -> None:
    """Refuse a wave that starts before every threat of the wave before it has landed.

    Waves run one after the other (magazines carry over, ACSA rebalances between them),
    so overlapping waves would be simulated as if they were apart: a modelling error.
    """
    spec = loaded.spec
    for w in range(1, len(waves)):
        previous = waves[w - 1].threat_impact_s
        if previous.size == 0:
            continue
        last = float(previous.max())
        start = spec.waves[w].start_s
        if start < last:
            line, column = loaded.positions.get(("waves", w, "start_s"), (None, None))
            raise InputError(
                Problem(
                    f"wave '{spec.waves[w].id}' starts at {start:g} s, before the last threat "
                    f"of wave '{spec.waves[w - 1].id}' lands ({last:,.0f} s); waves run one "
                    f"after the other: start it at {last:,.0f} s or later, or put the raids "
                    "in one wave",
                    f"waves[{w}].start_s",
                    line,
                    column,
                ),
                loaded.path,
            )


def compile_scenario(loaded: LoadedScenario) -> Compiled:
    """Compile every wave of a scenario (one wave unless it lists ``waves``)."""
    start = time.perf_counter()
    waves = [
        compile_raids(
            loaded, wave.threats, wave_start_s=wave.start_s,
            wave_label=wave.id if loaded.spec.waves else None,
        )
        for wave in loaded.spec.wave_list()
    ]  # fmt: skip
    if not waves:
        waves = [compile_raids(loaded, [])]
    _check_waves_apart(loaded, waves)
    resupply = acsa_groups(loaded, waves[0]) if len(waves) > 1 else None
    return Compiled(waves, time.perf_counter() - start, resupply)
