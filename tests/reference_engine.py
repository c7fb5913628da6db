"""A plain, per-trial reference of the engagement engine, written for clarity not speed.

It follows the rules in ``hoplon.core.engine``'s docstring one trial at a time, with
ordinary Python loops, lists and a ``heapq`` queue of slots in time order, and draws its chance from the same keyed streams
(``hoplon.core.engine.chance_stream``: reliability per wave, kills per threat and
slot), so on the same key the two must agree trial by trial.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

from hoplon.core.engine import MAX_SLOTS, RELIABILITY_STREAM, Plan, chance_stream
from hoplon.core.model import Model


@dataclass
class TrialResult:
    leaked: list[bool]
    shots: list[int]
    kills: list[int]
    stock_left: list[int]
    launched: list[bool] | None = None


def _engagement(model: Model, w: int, earliest: float) -> tuple[float, float] | None:
    win = model.windows
    lo, hi = int(win.offsets[w]), int(win.offsets[w + 1])
    for k in range(lo, hi):
        if win.launch_s[k] >= earliest:
            return float(win.best_launch_s[k]), float(win.best_intercept_s[k])
    return None


def _reserve(plan: Plan, s: int, launch: float) -> float:
    """Interceptors stock ``s`` keeps for the demand at or after ``launch``."""
    lo, hi = int(plan.reserve_offsets[s]), int(plan.reserve_offsets[s + 1])
    for j in range(lo, hi):
        if plan.reserve_time_s[j] >= launch:
            return float(plan.reserve_suffix[j])
    return 0.0


def _held(model: Model, plan: Plan, w: int, s: int, launch: float, stock: list[int]) -> bool:
    if not plan.window_hold[w]:
        return False
    left = stock[s] - min(model.shots_per_engagement, stock[s])
    return left < _reserve(plan, s, launch)


def _candidates(model, plan, t, free_at, channels, stock, engaged, budget, claim):
    """Every qualifying engagement of threat ``t`` now: (w, s, u, launch, intercept, slot)."""
    out = []
    for w in plan.threat_windows[t]:
        w = int(w)
        s = int(model.windows.stock[w])
        u = int(model.stock_unit[s])
        earliest = free_at[t]
        slot = None
        if u in channels:  # the channel that comes free first (lowest index on ties)
            slot = min(range(len(channels[u])), key=lambda c, u=u: channels[u][c])
            earliest = max(earliest, channels[u][slot])
        eng = _engagement(model, w, earliest)
        if eng is None or stock[s] <= 0:
            continue
        if budget[w] == 0 and stock[s] <= claim[s]:  # planned: none of its own, none free
            continue
        if not model.shoot_look_shoot and (u, t) in engaged:
            continue
        out.append((w, s, u, eng[0], eng[1], slot))
    return out


def _waits(model, plan, t, free_at, stock, engaged, budget, claim) -> bool:
    """Planned doctrine: a window of threat ``t`` passed over only because the plan claims
    all of its stock, that can still launch later (released claims may let it fire)."""
    for w in plan.threat_windows[t]:
        w = int(w)
        s = int(model.windows.stock[w])
        u = int(model.stock_unit[s])
        if stock[s] <= 0 or (not model.shoot_look_shoot and (u, t) in engaged):
            continue
        hi = int(model.windows.offsets[w + 1])
        if budget[w] == 0 and stock[s] <= claim[s] and free_at[t] <= model.windows.launch_s[hi - 1]:
            return True
    return False


def _preferred(
    model: Model,
    plan: Plan,
    t: int,
    free_at: list[float],
    channels: dict[int, list[float]],
    stock: list[int],
    engaged: set[tuple[int, int]],
    budget: list[int],
    claim: list[int],
) -> tuple | None:
    """The engagement the doctrine prefers for threat ``t`` now, or None."""
    best = None
    cands = _candidates(model, plan, t, free_at, channels, stock, engaged, budget, claim)
    for w, s, u, launch, intercept, slot in cands:
        rank = intercept + float(plan.window_rank[w])
        if _held(model, plan, w, s, launch, stock):
            rank += 1.0e7
        if best is None or rank < best[0]:
            best = (rank, w, s, u, launch, intercept, slot)
    if best is None or not model.layered:
        return best
    bw, bu = best[1], best[3]
    lo, hi = int(model.windows.offsets[bw]), int(model.windows.offsets[bw + 1])
    last = float(model.windows.launch_s[hi - 1]) if hi > lo else -math.inf
    first = None
    for w, s, u, launch, intercept, slot in cands:
        if plan.window_tier[w] >= plan.window_tier[bw]:
            continue
        if not model.shoot_look_shoot and u == bu:
            continue
        if intercept + model.assessment_s > last or _held(model, plan, w, s, launch, stock):
            continue
        rank = intercept + float(plan.window_rank[w])
        if first is None or rank < first[0]:
            first = (rank, w, s, u, launch, intercept, slot)
    return first if first is not None else best


def reference_trials(
    model: Model, plan: Plan, key: np.ndarray, n: int, wave: int = 0
) -> list[TrialResult]:
    """Simulate ``n`` trials one by one, with the engine's keyed random streams.

    Within a trial the slots are taken in time order: each live threat's next slot waits
    in a queue at the launch time of the engagement the doctrine prefers for it; the
    earliest (ties: lowest threat index) is re-evaluated against what is left, and fires
    if its launch time is unchanged, or waits again at its new launch time.
    """
    n_threats = model.n_threats
    u_rel = chance_stream(key, wave, RELIABILITY_STREAM).random((n, n_threats))
    u_slot = {
        (int(t), int(k)): chance_stream(key, wave, int(t) * MAX_SLOTS + int(k)).random(n)
        for t, k in zip(plan.dp_threat, plan.dp_slot, strict=True)
    }
    n_slots = [0] * n_threats
    for t in plan.dp_threat:
        n_slots[int(t)] += 1
    results = []
    for i in range(n):
        alive = [bool(u_rel[i, t] < model.threat_reliability[t]) for t in range(n_threats)]
        launched = list(alive)
        free_at = [-math.inf] * n_threats
        stock = [int(x) for x in model.stock_initial]
        shots = [0] * model.n_stocks
        kills = [0] * model.n_units
        channels: dict[int, list[float]] = {}  # when each fire channel comes free
        for u, cap in enumerate(model.unit_capacity):
            if 0 < int(cap) < 1_000_000:
                channels[u] = [-math.inf] * int(cap)
        engaged: set[tuple[int, int]] = set()
        budget = [int(b) for b in plan.window_budget]
        has_plan = model.planned is not None
        claim = [0] * model.n_stocks  # planned interceptors of live threats, per stock
        if has_plan:
            for w, b in enumerate(budget):
                t = int(model.windows.threat[w])
                if b > 0 and alive[t] and n_slots[t] > 0:
                    claim[int(model.windows.stock[w])] += b

        queue: list[tuple[float, int]] = []
        waiting: list[int] = []  # planned: held back by the plan's claims on the stocks

        def release(
            t: int,
            now: float,
            budget: list[int] = budget,
            claim: list[int] = claim,
            waiting: list[int] = waiting,
            free_at: list[float] = free_at,
            queue: list[tuple[float, int]] = queue,
        ) -> bool:
            """A planned threat gives back its unspent claims; if any, every threat that
            waits for claims is queued again at ``now``, engageable from then on. True
            when some were given back."""
            freed = False
            for w in plan.threat_windows[t]:
                w = int(w)
                if budget[w] > 0:
                    claim[int(model.windows.stock[w])] -= budget[w]
                    budget[w] = 0
                    freed = True
            if freed:
                for other in waiting:
                    free_at[other] = max(free_at[other], now)
                    heapq.heappush(queue, (now, other))
                waiting.clear()
            return freed

        state = (free_at, channels, stock, engaged, budget, claim)

        def preferred(t: int, state: tuple = state) -> tuple | None:
            return _preferred(model, plan, t, *state)

        def nothing_now(
            t: int,
            now: float,
            state: tuple = state,
            has_plan: bool = has_plan,
            waiting: list[int] = waiting,
            queue: list[tuple[float, int]] = queue,
        ) -> None:
            """Nothing qualifies for ``t`` now: without a plan it never will; with one it
            gives back its claims, and waits if only the plan's claims hold it back."""
            if not has_plan:
                return
            free_at, _, stock, engaged, budget, claim = state
            if release(t, now):  # its own claims came back: it is weighed again, from now
                free_at[t] = max(free_at[t], now)
                heapq.heappush(queue, (now, t))
            elif _waits(model, plan, t, free_at, stock, engaged, budget, claim):
                waiting.append(t)

        for t in range(n_threats):
            if alive[t] and n_slots[t] > 0:
                first = preferred(t)
                if first is not None:
                    heapq.heappush(queue, (first[4], t))
                else:
                    nothing_now(t, -math.inf)
        taken = [0] * n_threats
        parent = [-1] * n_threats if model.threat_parent is None else list(model.threat_parent)
        while queue:
            when, t = heapq.heappop(queue)
            if not alive[t]:  # a planned threat killed: its claims, now the kill is known
                release(t, when)
                continue
            if parent[t] >= 0 and not alive[parent[t]]:
                alive[t] = False  # its platform died before release: it is never launched
                if has_plan:
                    release(t, when)
                continue
            best = preferred(t)
            if best is None:
                nothing_now(t, when)
                continue
            _, w, s, u, launch, intercept, slot = best
            if launch != when:
                heapq.heappush(queue, (launch, t))
                continue
            fired = min(model.shots_per_engagement, stock[s])
            if budget[w] >= 0:
                fired = min(fired, budget[w] + max(0, stock[s] - claim[s]))
                use = min(fired, budget[w])
                budget[w] -= use
                claim[s] -= use
            stock[s] -= fired
            shots[s] += fired
            p = float(model.windows.p_kill[w])
            if u_slot[(t, taken[t])][i] < 1.0 - (1.0 - p) ** fired:
                alive[t] = False
                kills[u] += 1
            free_at[t] = intercept + model.assessment_s
            engaged.add((u, t))
            if slot is not None:
                channels[u][slot] = intercept
            taken[t] += 1
            if has_plan and not alive[t]:  # its claims come back when the kill is known
                heapq.heappush(queue, (intercept + model.assessment_s, t))
            elif has_plan and taken[t] >= n_slots[t]:
                release(t, when)
            if alive[t] and taken[t] < n_slots[t]:
                again = preferred(t)
                if again is not None:
                    heapq.heappush(queue, (again[4], t))
                else:
                    nothing_now(t, when)
        # a stand-off missile is launched only if its platform reached release alive
        # (alive at the end); a platform carrying missiles never leaks itself
        for t in range(n_threats):
            if parent[t] >= 0 and not alive[parent[t]]:
                launched[t] = False
        carriers = {p for p in parent if p >= 0}
        leaked = [alive[t] and launched[t] and t not in carriers for t in range(n_threats)]
        results.append(TrialResult(leaked, shots, kills, stock, launched))
    return results
