"""The engagement engine: chance drawn for all trials at once, decision point by decision point.

Model (see ``docs/model.md``, "Engagement model"):

- A threat fails at launch with probability ``1 - reliability``; a failed threat is never
  engaged and never leaks.
- Each threat ``t`` has a short list of *slots* ``k = 0, 1, ...``: its first, second, ...
  engagement. A **decision point** is one slot of one threat; the plan lists them in
  the order of their *nominal* launch time (the time the slot would launch if every
  earlier slot of that threat had been fired by the doctrine's preferred shooter).
- Each trial takes the slots in its own time order (:mod:`hoplon.core.kernel`): a live
  threat's next slot waits in a queue at the launch time of its preferred engagement; at
  the head of the queue it is evaluated again and fires if that launch time still holds,
  else waits again at its new launch time. :func:`simulate_block_nominal` keeps the
  earlier rule (every trial in the one nominal order, vectorised over trials).
- At a slot, each window
  ``w`` (a unit's interceptor type able to reach the threat) offers its earliest
  engagement whose launch is at or after the threat's *free time* (``-inf`` at first;
  after a salvo, its intercept time plus ``assessment_s``: no two salvos at one threat
  overlap), and — for a unit with a limited number of fire channels
  (``min(launchers, fire_channels)``) — at or after the first of its channels comes
  free; the engagement then holds that channel until its intercept. The window
  qualifies when its unit still holds that interceptor and (without
  shoot-look-shoot) has not engaged this threat before.
  The doctrine picks one qualifying window per trial:
  ``earliest-intercept`` the earliest intercept; ``cheapest-capable`` the cheapest
  interceptor, then the earliest intercept; ``preserve-upper-tier`` the earliest
  intercept, an upper-tier window after every other while the salvo would leave its stock
  below the reserve (:func:`reserve_schedule`). With ``layered``, a qualifying window of
  an earlier tier fires first when the chosen window is still open after its intercept
  and assessment. With a plan (``assignment: planned``), a window fires no more
  interceptors per trial than the plan gives it.
- The chosen unit fires ``min(shots_per_engagement, stock)`` interceptors; the salvo
  kills with probability ``1 - (1 - p)^n`` where ``p = reliability × sspk`` (shots
  independent). Interceptors are counted whether or not they kill.
- A threat alive after its last slot is a leaker.

:func:`simulate_block` runs the compiled kernel over the trials of a block;
:func:`simulate_block_nominal` is vectorised over them (the Python loop runs over
decision points and, inside each, over that threat's few windows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from hoplon.core.model import TIER_RANK, FloatArray, IntArray, Model

#: Most trials per block. The block size is a fixed function of the scenario's raid size
#: (:func:`block_trials`), so results depend only on the seed and the trial count.
BLOCK_TRIALS = 32768
#: Budget of (trials × threats) per block: the per-threat state stays near 32 MB.
BLOCK_STATE_ELEMENTS = 2**22
#: Fewest trials per block.
MIN_BLOCK_TRIALS = 1024
#: Most engagement slots per threat.
MAX_SLOTS = 12
_BIG = 1.0e7


@dataclass(frozen=True)
class Plan:
    """The decision points of a model, in the order the engine walks them."""

    dp_threat: IntArray  # (D,)
    dp_slot: IntArray  # (D,)
    dp_nominal_s: FloatArray  # (D,)
    threat_windows: tuple[IntArray, ...]  # per threat, its window indices
    window_unit: IntArray  # (W,)
    window_interceptor: IntArray  # (W,)
    window_rank: FloatArray  # (W,) doctrine preference added to the intercept time
    threat_units: tuple[IntArray, ...]  # per threat, distinct units among its windows
    window_local_unit: IntArray  # (W,) index of the window's unit in threat_units[t]
    # flat forms for the compiled kernel (hoplon.core.kernel)
    threat_slots: IntArray  # (T,) decision points (slots) of each threat
    threat_window_offsets: IntArray  # (T+1,) CSR over threat_window_index
    threat_window_index: IntArray  # window indices, threat by threat
    window_seen: IntArray  # (W,) index of the window's (threat, unit) pair
    channel_offsets: IntArray  # (U+1,) CSR of each unit's fire channels (none: unlimited)
    # doctrine state the kernel reads (hoplon.core.kernel): tiers, the windows the
    # magazine-aware preserve rule may hold back, the planned interceptors per window
    window_tier: IntArray  # (W,) TIER_RANK of the window's interceptor
    window_hold: NDArray[np.bool_]  # (W,) an upper-tier window under preserve-upper-tier
    window_budget: IntArray  # (W,) planned interceptors per trial; -1: no plan (unlimited)
    reserve_offsets: IntArray  # (S+1,) CSR over reserve_time_s / reserve_suffix
    reserve_time_s: FloatArray  # per stock, launch times of the demand it keeps for, sorted
    reserve_suffix: FloatArray  # per stock, interceptors kept for the demand at and after

    @property
    def count(self) -> int:
        return int(self.dp_threat.shape[0])


def _engagement(model: Model, w: int, earliest: float) -> tuple[float, float] | None:
    """Scalar: the window's engagement for an earliest launch time (launch, intercept)."""
    win = model.windows
    lo, hi = int(win.offsets[w]), int(win.offsets[w + 1])
    k = lo + int(np.searchsorted(win.launch_s[lo:hi], earliest, side="left"))
    if k >= hi:
        return None
    return float(win.best_launch_s[k]), float(win.best_intercept_s[k])


def doctrine_rank(model: Model) -> FloatArray:
    """Per window, the preference the doctrine adds to its intercept time (lower is preferred)."""
    win = model.windows
    interceptor = model.stock_interceptor[win.stock]
    if model.assignment == "cheapest-capable":
        costs = model.interceptor_cost_usd
        ranks = np.searchsorted(np.unique(costs), costs).astype(float)  # equal costs, equal rank
        return ranks[interceptor] * _BIG
    return np.zeros(win.count)


#: What each assignment rule does, in one line (docs/model.md, "Decision points").
DOCTRINE_LINES = {
    "earliest-intercept": "each threat goes to the unit that can intercept it earliest",
    "cheapest-capable": "each threat goes to the cheapest interceptor that can reach it, "
    "then the earliest intercept",
    "preserve-upper-tier": "earliest intercept, but upper-tier interceptors are held back "
    "from threats another tier can reach while the stock left would fall below its reserve",
    "planned": "an optimal allocation of each unit's interceptors to the threats, made "
    "once from the geometry; interceptors of threats that failed or died go to the next",
}


def doctrine_line(assignment: str, layered: bool = False, reserve: object = "expected") -> str:
    """One line saying what a doctrine does (its rule, ``layered`` and the reserve)."""
    line = DOCTRINE_LINES.get(assignment, assignment)
    if assignment == "preserve-upper-tier":
        if reserve == "expected":
            line += " (the expected demand of the threats only they can reach, later on)"
        elif isinstance(reserve, float) and reserve < 1:
            line += f" ({reserve:.0%} of the load)"
        else:
            line += f" ({reserve} per unit)"
    if layered:
        line += "; an earlier tier fires first while a later tier is left as a second chance"
    return line[0].upper() + line[1:] + "."


def held_windows(model: Model) -> NDArray[np.bool_]:
    """Per window, whether preserve-upper-tier may hold it back (an upper-tier interceptor)."""
    win = model.windows
    if model.assignment != "preserve-upper-tier":
        return np.zeros(win.count, dtype=bool)
    return model.interceptor_tier[model.stock_interceptor[win.stock]] == TIER_RANK["upper"]


def upper_only_threats(model: Model) -> NDArray[np.bool_]:
    """Per threat: some window reaches it and every window is of the upper tier."""
    win = model.windows
    tier = model.interceptor_tier[model.stock_interceptor[win.stock]]
    any_w = np.bincount(win.threat, minlength=model.n_threats) > 0
    lower = np.bincount(
        win.threat, weights=(tier != TIER_RANK["upper"]).astype(float), minlength=model.n_threats
    )
    return any_w & (lower == 0)


def reserve_schedule(model: Model, slots: IntArray) -> tuple[IntArray, FloatArray, FloatArray]:
    """Per stock, the interceptors preserve-upper-tier keeps as a step function of time.

    ``reserve: expected`` (docs/model.md, "Magazine-aware preservation"): each threat
    ``t`` that only the upper tier can reach needs, in expectation,
    ``d_t = r_t · n · Σ_{k<c_t} q_t^k`` interceptors (``r_t`` its reliability, ``n``
    shots per engagement, ``c_t`` its slots, ``q_t = (1 - p_t)^n`` the chance that a
    salvo of its best window misses); the demand is shared equally among the upper-tier
    stocks that can reach it and dated at the first launch of that stock's window. A
    stock keeps ``R_s(τ) = Σ d_{s,t}`` over the threats whose window opens at or after
    ``τ``. ``count`` keeps a fixed number per stock and ``fraction`` a share of its load,
    at every time (dated +inf: always still to come). Returned as CSR: offsets (S+1,), times (sorted per stock), suffix sums.
    """
    hold = held_windows(model)
    win = model.windows
    n_stocks = model.n_stocks
    per_stock: list[list[tuple[float, float]]] = [[] for _ in range(n_stocks)]
    upper_stock = np.zeros(n_stocks, dtype=bool)
    upper_stock[win.stock[hold]] = True
    if model.reserve == "count":
        for s in np.flatnonzero(upper_stock):
            per_stock[int(s)].append((np.inf, float(model.reserve_amount)))
    elif model.reserve == "fraction":
        for s in np.flatnonzero(upper_stock):
            amount = float(model.reserve_amount) * float(model.stock_initial[s])
            per_stock[int(s)].append((np.inf, amount))
    elif hold.any():
        spe = model.shots_per_engagement
        only = upper_only_threats(model)
        first = win.first_launch_s()
        for t in np.flatnonzero(only):
            ws = np.flatnonzero((win.threat == t) & (win.offsets[1:] > win.offsets[:-1]))
            if ws.size == 0:
                continue
            miss = (1.0 - float(win.p_kill[ws].max())) ** spe
            salvos = float(np.sum(miss ** np.arange(max(int(slots[t]), 1))))
            demand = float(model.threat_reliability[t]) * spe * salvos
            stocks = np.unique(win.stock[ws])
            for s in stocks:
                when = float(first[ws[win.stock[ws] == s]].min())
                per_stock[int(s)].append((when, demand / stocks.size))
    offsets = [0]
    times: list[float] = []
    suffix: list[float] = []
    for entries in per_stock:
        entries.sort()
        amounts = np.array([a for _, a in entries], dtype=float)
        times.extend(w for w, _ in entries)
        suffix.extend(np.cumsum(amounts[::-1])[::-1].tolist())
        offsets.append(len(times))
    return (
        np.asarray(offsets, dtype=np.int64),
        np.asarray(times, dtype=float),
        np.asarray(suffix, dtype=float),
    )


def plan_decision_points(model: Model) -> Plan:
    """Slots per threat and the fixed order of decision points (deterministic)."""
    win = model.windows
    n_threats = model.n_threats
    window_unit = model.stock_unit[win.stock].astype(np.int64)
    window_interceptor = model.stock_interceptor[win.stock].astype(np.int64)
    rank = doctrine_rank(model)
    hold = held_windows(model)
    budget = (
        np.full(win.count, -1, dtype=np.int64)
        if model.planned is None
        else np.asarray(model.planned, dtype=np.int64)
    )
    by_threat: list[list[int]] = [[] for _ in range(n_threats)]
    for w in range(win.count):
        by_threat[int(win.threat[w])].append(w)
    threat_windows = tuple(np.asarray(ws, dtype=np.int64) for ws in by_threat)
    threat_units: list[IntArray] = []
    local = np.zeros(win.count, dtype=np.int64)
    for ws in threat_windows:
        units = np.unique(window_unit[ws]) if ws.size else np.zeros(0, dtype=np.int64)
        threat_units.append(units.astype(np.int64))
        if ws.size:
            local[ws] = np.searchsorted(units, window_unit[ws])

    dps: list[tuple[float, int, int]] = []
    for t, ws in enumerate(threat_windows):
        if ws.size == 0:
            continue
        held = rank + hold * _BIG  # the rule's chain when it holds every upper window back
        chains = [
            _nominal_chain(model, ws, window_unit, held, model.shoot_look_shoot),
            _nominal_chain(model, ws, window_unit, np.zeros_like(rank), True),
            _nominal_chain(model, ws, window_unit, np.zeros_like(rank), model.shoot_look_shoot),
        ]
        longest = max(chains, key=len)
        nominal = chains[0] + longest[len(chains[0]) :]
        if model.planned is not None:  # as many salvos as the plan gives the threat
            spe = model.shots_per_engagement
            salvos = int(np.sum(-(-np.maximum(budget[ws], 0) // spe)))
            while nominal and len(nominal) < min(salvos, MAX_SLOTS):
                nominal.append(np.nextafter(nominal[-1], np.inf))
        for k, when in enumerate(nominal[:MAX_SLOTS]):
            dps.append((when, t, k))
    dps.sort()
    slots = np.zeros(n_threats, dtype=np.int64)
    for _, t, _ in dps:
        slots[t] += 1
    sizes = np.array([ws.size for ws in threat_windows], dtype=np.int64)
    unit_counts = np.array([u.size for u in threat_units], dtype=np.int64)
    seen_base = np.concatenate([[0], np.cumsum(unit_counts)]).astype(np.int64)
    capacity = np.asarray(model.unit_capacity, dtype=np.int64)
    channels = np.where((capacity > 0) & (capacity < 1_000_000), capacity, 0)
    r_off, r_time, r_suffix = reserve_schedule(model, slots)
    return Plan(
        dp_threat=np.array([d[1] for d in dps], dtype=np.int64),
        dp_slot=np.array([d[2] for d in dps], dtype=np.int64),
        dp_nominal_s=np.array([d[0] for d in dps], dtype=float),
        threat_windows=threat_windows,
        window_unit=window_unit,
        window_interceptor=window_interceptor,
        window_rank=rank,
        threat_units=tuple(threat_units),
        window_local_unit=local,
        threat_slots=slots,
        threat_window_offsets=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        threat_window_index=(
            np.concatenate(threat_windows).astype(np.int64)
            if threat_windows
            else np.zeros(0, dtype=np.int64)
        ),
        window_seen=(seen_base[win.threat] + local).astype(np.int64),
        channel_offsets=np.concatenate([[0], np.cumsum(channels)]).astype(np.int64),
        window_tier=model.interceptor_tier[window_interceptor].astype(np.int64),
        window_hold=hold,
        window_budget=budget,
        reserve_offsets=r_off,
        reserve_time_s=r_time,
        reserve_suffix=r_suffix,
    )


def _nominal_chain(
    model: Model, ws: IntArray, window_unit: IntArray, rank: FloatArray, sls: bool
) -> list[float]:
    """Launch times of a threat's slots if the preferred window always fires and misses."""
    times: list[float] = []
    earliest = -np.inf
    used: set[int] = set()
    last_launch = -np.inf
    while len(times) < MAX_SLOTS:
        best: tuple[float, float, float] | None = None
        for w in ws:
            if not sls and int(window_unit[w]) in used:
                continue
            eng = _engagement(model, int(w), earliest)
            if eng is None:
                continue
            key = rank[w] + eng[1]
            if best is None or key < best[0]:
                best = (key, eng[0], eng[1])
                chosen = int(w)
        if best is None:
            break
        # strictly increasing within one chain (the decision points are also sorted by
        # slot, so a later chain appended in plan_decision_points may tie, never reorder)
        launch = max(best[1], np.nextafter(last_launch, np.inf))
        times.append(launch)
        last_launch = launch
        used.add(int(window_unit[chosen]))
        earliest = best[2] + model.assessment_s
    return times


@dataclass
class BlockOutcome:
    """Per-trial outcomes of one block of trials (arrays shaped (n, ...))."""

    leaked: NDArray[np.bool_]  # (n, T)
    launched: NDArray[np.bool_]  # (n, T) threat did not fail at launch
    shots: NDArray[np.int32]  # (n, S) interceptors fired from each stock
    kills: NDArray[np.int32]  # (n, U) threats killed by each unit
    stock_left: NDArray[np.int32]  # (n, S)
    events: list[tuple[int, int, int, float, float, int, bool]] = field(default_factory=list)
    """Engagements of the block's first trial: (threat, unit, interceptor, launch_s,
    intercept_s, shots, killed), when recorded."""


def chance_stream(key: NDArray[np.uint64], wave: int, index: int) -> np.random.Generator:
    """The random stream of one (wave, index) of a block: Philox keyed by the block.

    Index :data:`RELIABILITY_STREAM` holds the threats' launch-reliability draws;
    index ``t * MAX_SLOTS + k`` the kill draws of slot ``k`` of threat ``t``. Keying
    draws by what they decide, rather than by the order they are made in, gives common
    random numbers: two variants of a scenario (a coalition subset, a dropped agreement)
    see the same chance for the same threat and slot.
    """
    return np.random.Generator(np.random.Philox(key=key, counter=[0, index, wave, 0]))


#: Stream index of the threats' reliability draws.
RELIABILITY_STREAM = 2**63


def block_key(seq: np.random.SeedSequence) -> NDArray[np.uint64]:
    """The Philox key of a block, from its seed sequence."""
    return np.asarray(seq.generate_state(2, dtype=np.uint64), dtype=np.uint64)


_TABLES: dict[int, tuple[Plan, tuple[object, ...]]] = {}


def kernel_tables(model: Model, plan: Plan) -> tuple[object, ...]:
    """The model and plan as the kernel's flat arguments, built once per plan.

    Windows are renumbered threat by threat (a threat's windows side by side, in the
    plan's order, windows without points dropped), so the kernel reads them in sequence.
    """
    cached = _TABLES.get(id(plan))
    if cached is not None and cached[0] is plan:
        return cached[1]
    from hoplon.core import kernel as kn

    win = model.windows
    order = plan.threat_window_index
    order = order[win.offsets[order + 1] > win.offsets[order]]
    threat = win.threat[order]
    counts = np.bincount(threat, minlength=model.n_threats)
    tw_off = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    place = np.arange(order.size, dtype=np.int64) - np.repeat(tw_off[:-1], counts)
    # a threat's windows sorted by their key's lower bound (the earliest intercept plus
    # the doctrine's rank); ``place``, the window's place in the plan's order, breaks ties
    bound = win.best_intercept_s[win.offsets[order]] + plan.window_rank[order]
    by_bound = np.lexsort((place, bound, threat))
    order = order[by_bound]
    place = place[by_bound]
    lo = np.ascontiguousarray(win.offsets[order])
    hi = np.ascontiguousarray(win.offsets[order + 1])
    spe = model.shots_per_engagement
    p = win.p_kill[order]
    salvo_kill = 1.0 - (1.0 - p[:, None]) ** np.arange(spe + 1)[None, :]
    n_seen = int(plan.window_seen.max()) + 1 if plan.window_seen.size else 0
    c_off, coarse_s = kn.coarse_index(lo, hi, win.launch_s)
    wi = np.zeros((order.size, kn.W_COLUMNS), dtype=np.int64)
    wi[:, kn.W_LO] = lo
    wi[:, kn.W_HI] = hi
    wi[:, kn.W_STOCK] = win.stock[order]
    wi[:, kn.W_UNIT] = plan.window_unit[order]
    wi[:, kn.W_INTERCEPTOR] = plan.window_interceptor[order]
    wi[:, kn.W_SEEN] = plan.window_seen[order]
    wi[:, kn.W_TIER] = plan.window_tier[order]
    wi[:, kn.W_HOLD] = plan.window_hold[order]
    wi[:, kn.W_COARSE] = c_off[:-1]
    wi[:, kn.W_COARSE_END] = c_off[1:]
    wi[:, kn.W_ORDER] = place
    wf = np.zeros((order.size, kn.F_COLUMNS))
    wf[:, kn.F_RANK] = plan.window_rank[order]
    wf[:, kn.F_FIRST_S] = win.launch_s[lo]
    wf[:, kn.F_FIRST_LAUNCH] = win.best_launch_s[lo]
    wf[:, kn.F_FIRST_INTERCEPT] = win.best_intercept_s[lo]
    wf[:, kn.F_LAST_S] = win.launch_s[np.maximum(hi - 1, 0)]
    w_bound = wf[:, kn.F_FIRST_INTERCEPT] + wf[:, kn.F_RANK]
    tables: tuple[object, ...] = (
        plan.threat_slots, tw_off, wi, wf, w_bound, np.ascontiguousarray(wi[:, kn.W_STOCK]),
        np.ascontiguousarray(plan.window_budget[order]),
        np.ascontiguousarray(salvo_kill), n_seen, plan.channel_offsets, win.launch_s, coarse_s,
        np.ascontiguousarray(np.stack([win.best_launch_s, win.best_intercept_s], axis=1)),
        plan.reserve_offsets, plan.reserve_time_s, plan.reserve_suffix,
        model.stock_initial.astype(np.int32), int(spe), bool(model.shoot_look_shoot),
        float(model.assessment_s), bool(model.layered),
        threat_parents(model),
    )  # fmt: skip
    if len(_TABLES) > 64:
        _TABLES.clear()
    _TABLES[id(plan)] = (plan, tables)
    return tables


def threat_parents(model: Model) -> IntArray:
    """(T,) each threat's launch platform (the threat carrying it), -1 for none."""
    if model.threat_parent is None:
        return np.full(model.n_threats, -1, dtype=np.int64)
    return np.asarray(model.threat_parent, dtype=np.int64)


def standoff_outcome(
    model: Model, alive: NDArray[np.bool_], launched: NDArray[np.bool_]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Leakers and launches, (n, T) each, once stand-off missiles are accounted for.

    ``alive`` is each threat's state at the end of the trial (a launched threat not
    killed). A stand-off missile is launched only when its launch platform is alive at the
    end: every engagement of a platform intercepts at or before its release (its path
    ends there), so alive at the end is alive at release. A platform that carries
    missiles has done its harm through them and is never a leaker itself.
    """
    if model.threat_parent is None:
        return alive & launched, launched
    parent = np.asarray(model.threat_parent, dtype=np.int64)
    kids = np.flatnonzero(parent >= 0)
    launched = launched.copy()
    survived = alive[:, parent[kids]] & launched[:, parent[kids]]
    launched[:, kids] &= survived
    leaked = alive & launched
    leaked[:, np.unique(parent[kids])] = False
    return leaked, launched


def simulate_block(
    model: Model,
    plan: Plan,
    key: NDArray[np.uint64],
    n: int,
    stock0: NDArray[np.int32] | None = None,
    record_first: bool = False,
    wave: int = 0,
) -> BlockOutcome:
    """Run ``n`` trials of one wave, each in its own time order (the compiled kernel).

    Args:
        model: the compiled scenario wave.
        plan: its decision points (:func:`plan_decision_points`).
        key: the block's Philox key (:func:`block_key`); draws come from
            :func:`chance_stream` by (wave, threat, slot).
        n: trials in this block.
        stock0: interceptors held at the start, (n, S); the magazines when None.
        record_first: keep the first trial's engagements in ``events``.
        wave: index of the wave, which separates the waves' streams.
    """
    from hoplon.core.kernel import run_block

    n_threats = model.n_threats
    draws = chance_stream(key, wave, RELIABILITY_STREAM).random((n, n_threats))
    launched = draws < model.threat_reliability[None, :]
    alive = launched.copy()
    if stock0 is None:
        stock = np.repeat(model.stock_initial.astype(np.int32)[None, :], n, axis=0)
    else:
        stock = np.array(stock0, dtype=np.int32, order="C")
    shots = np.zeros((n, model.n_stocks), dtype=np.int32)
    kills = np.zeros((n, model.n_units), dtype=np.int32)
    events = np.zeros((plan.count if record_first else 0, 7))
    written = run_block(
        alive, stock, shots, kills, events, *kernel_tables(model, plan),
        np.uint64(key[0]), np.uint64(key[1]), np.uint64(wave), MAX_SLOTS,
    )  # fmt: skip
    recorded = [
        (int(e[0]), int(e[1]), int(e[2]), float(e[3]), float(e[4]), int(e[5]), bool(e[6]))
        for e in events[:written]
    ]
    leaked, launched = standoff_outcome(model, alive, launched)
    return BlockOutcome(leaked, launched, shots, kills, stock, recorded)


def simulate_block_nominal(
    model: Model,
    plan: Plan,
    key: NDArray[np.uint64],
    n: int,
    stock0: NDArray[np.int32] | None = None,
    record_first: bool = False,
    wave: int = 0,
) -> BlockOutcome:
    """Run ``n`` trials of one wave in the nominal order, vectorised over trials (numpy).

    The engine before per-trial time order: every trial walks the decision points in
    the one nominal order of the plan, so a slot whose launch is delayed in a trial (its
    unit's channels busy, its preferred magazine empty) still takes magazines and
    channels before slots that launch earlier in that trial. Kept as the pure-numpy
    baseline of the benchmarks; it agrees with :func:`simulate_block` wherever the two
    orders do not compete for a magazine or a channel. It knows the static ranks of the
    rules only: not the reserve of preserve-upper-tier, ``layered`` or a plan (with
    those it runs as earliest-intercept or cheapest-capable would).

    Args:
        model: the compiled scenario wave.
        plan: its decision points (:func:`plan_decision_points`).
        key: the block's Philox key (:func:`block_key`); draws come from
            :func:`chance_stream` by (wave, threat, slot).
        n: trials in this block.
        stock0: interceptors held at the start, (n, S); the magazines when None.
        record_first: keep the first trial's engagements in ``events``.
        wave: index of the wave, which separates the waves' streams.
    """
    n_threats = model.n_threats
    win = model.windows
    # per-threat state is stored threat-major, (T, n), so one threat's trials are contiguous
    draws = chance_stream(key, wave, RELIABILITY_STREAM).random((n, n_threats))
    alive = np.ascontiguousarray((draws < model.threat_reliability[None, :]).T)
    launched = alive.copy()
    free_at = np.full((n_threats, n), -np.inf)
    # stocks and counters are stock-major / unit-major, (S, n) and (U, n)
    if stock0 is None:
        stock = np.repeat(model.stock_initial.astype(np.int32)[:, None], n, axis=1)
    else:
        stock = np.ascontiguousarray(stock0.T, dtype=np.int32)
    shots_fired = np.zeros((model.n_stocks, n), dtype=np.int32)
    kills = np.zeros((model.n_units, n), dtype=np.int32)
    # unit -> when each of its fire channels comes free, (channels, n); and, kept up to
    # date, which channel comes free first and when, (n,) each
    limited = {
        u: np.full((int(c), n), -np.inf)
        for u, c in enumerate(model.unit_capacity)
        if 0 < int(c) < 1_000_000
    }
    first_free = {u: np.zeros(n, dtype=np.int64) for u in limited}
    first_free_s = {u: np.full(n, -np.inf) for u in limited}
    engaged: dict[int, NDArray[np.bool_]] = {}
    spe = model.shots_per_engagement
    # salvo kill probability by window and number of shots: 1 - (1 - p)^shots
    salvo_kill = 1.0 - (1.0 - win.p_kill[:, None]) ** np.arange(spe + 1)[None, :]
    events: list[tuple[int, int, int, float, float, int, bool]] = []

    parent = threat_parents(model)
    for d in range(plan.count):
        t = int(plan.dp_threat[d])
        ws = plan.threat_windows[t]
        if parent[t] >= 0:  # a stand-off missile whose platform died before release
            alive[t] &= alive[parent[t]]
        rows = np.flatnonzero(alive[t])  # only the trials where the threat is still alive
        if rows.size == 0 or ws.size == 0:
            continue
        r = rows.size
        earliest = free_at[t, rows]
        m = ws.size
        keys = np.full((m, r), np.inf)
        launch = np.empty((m, r))
        intercept = np.empty((m, r))
        if not model.shoot_look_shoot:
            seen = engaged.setdefault(t, np.zeros((plan.threat_units[t].size, n), dtype=bool))
        channel: dict[int, FloatArray] = {}
        for j, w in enumerate(ws):
            lo, hi = int(win.offsets[w]), int(win.offsets[w + 1])
            u = int(plan.window_unit[w])
            start_after = earliest
            if u in limited:  # wait for the channel that comes free first
                if u not in channel:
                    channel[u] = first_free_s[u][rows]
                start_after = np.maximum(earliest, channel[u])
            if start_after.max() <= win.launch_s[lo]:  # all take the window's first point
                ok = np.ones(r, dtype=bool)
                launch[j] = win.best_launch_s[lo]
                intercept[j] = win.best_intercept_s[lo]
            else:
                k = lo + np.searchsorted(win.launch_s[lo:hi], start_after, side="left")
                ok = k < hi
                k = np.minimum(k, hi - 1)
                launch[j] = win.best_launch_s[k]
                intercept[j] = win.best_intercept_s[k]
            ok &= stock[win.stock[w], rows] > 0
            if not model.shoot_look_shoot:
                ok &= ~seen[plan.window_local_unit[w], rows]
            keys[j] = np.where(ok, intercept[j] + plan.window_rank[w], np.inf)
        # the preferred window per trial: a running minimum (the first on ties, as argmin)
        best = keys[0]
        choice = np.zeros(r, dtype=np.int64)
        for j in range(1, m):
            better = keys[j] < best
            choice[better] = j
            best = np.minimum(best, keys[j])
        sel = np.flatnonzero(np.isfinite(best))
        if sel.size == 0:
            continue
        idx = rows[sel]  # trials that fire at this decision point (unique)
        cw = choice[sel]
        w_sel = ws[cw]
        stocks = win.stock[w_sel]
        shots = np.minimum(spe, stock[stocks, idx])
        stock[stocks, idx] -= shots
        shots_fired[stocks, idx] += shots
        p_salvo = salvo_kill[w_sel, shots]
        uniform = chance_stream(key, wave, t * MAX_SLOTS + int(plan.dp_slot[d])).random(n)
        killed = uniform[idx] < p_salvo
        t_launch = launch[cw, sel]
        t_intercept = intercept[cw, sel]
        alive[t, idx[killed]] = False
        units = plan.window_unit[w_sel]
        kills[units[killed], idx[killed]] += 1
        free_at[t, idx] = t_intercept + model.assessment_s
        if not model.shoot_look_shoot:
            seen[plan.window_local_unit[w_sel], idx] = True
        for u in channel:
            mine = units == u
            if mine.any():  # the engagement holds that channel until its intercept
                took = idx[mine]
                ends = limited[u]
                ends[first_free[u][took], took] = t_intercept[mine]
                first = np.zeros(took.size, dtype=np.int64)
                soonest = ends[0, took]
                for c in range(
                    1, ends.shape[0]
                ):  # first channel to come free (lowest index on ties)
                    later = ends[c, took]
                    sooner = later < soonest
                    first[sooner] = c
                    soonest = np.minimum(soonest, later)
                first_free[u][took] = first
                first_free_s[u][took] = soonest
        if record_first and idx[0] == 0:
            events.append(
                (
                    t,
                    int(units[0]),
                    int(plan.window_interceptor[w_sel[0]]),
                    float(t_launch[0]),
                    float(t_intercept[0]),
                    int(shots[0]),
                    bool(killed[0]),
                )
            )

    leaked, launched = standoff_outcome(model, alive.T, launched.T)
    shots_fired, kills, stock = shots_fired.T, kills.T, stock.T
    return BlockOutcome(leaked, launched, shots_fired, kills, stock, events)


def block_trials(n_threats: int) -> int:
    """Trials per block for a wave of ``n_threats``: large blocks amortise the per-decision-
    point overhead; large raids get smaller ones so memory stays bounded."""
    n = BLOCK_TRIALS
    while n > MIN_BLOCK_TRIALS and n * max(n_threats, 1) > BLOCK_STATE_ELEMENTS:
        n //= 2
    return n


def block_sizes(trials: int, block: int = BLOCK_TRIALS) -> list[int]:
    """How ``trials`` split into fixed-size blocks (the last may be shorter)."""
    full, rest = divmod(trials, block)
    return [block] * full + ([rest] if rest else [])


def block_streams(seed: int, n_blocks: int) -> list[np.random.SeedSequence]:
    """One independent seed sequence per block, spawned from ``SeedSequence(seed)``."""
    return np.random.SeedSequence(seed).spawn(n_blocks)
