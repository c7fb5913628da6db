"""The compiled per-trial kernel of the engagement engine, in per-trial time order.

:func:`run_block` runs the trials of one block one after the other; inside a trial it
keeps each live threat's next engagement slot in a priority queue keyed by the launch
time of the engagement the doctrine prefers for it, so magazines and fire channels go
to the engagements that launch first *in that trial* (see ``docs/model.md``,
"Engagement model", and :mod:`hoplon.core.engine`). The work per trial is proportional
to the engagements that happen: dead threats cost nothing.

The kill draws come from the same keyed Philox streams as the rest of the engine
(:func:`hoplon.core.engine.chance_stream`), computed here only for the (trial, slot)
pairs that fire: :func:`philox_uniform` is numpy's ``Philox`` (4×64, 10 rounds) and
``Generator.random``, bit for bit (a test checks it against numpy).

The functions are compiled with numba when it is importable and ``NUMBA_DISABLE_JIT``
is not set; the same source runs as plain Python otherwise (slow, for reference and
debugging): both give identical results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

try:  # pragma: no cover - exercised by the import itself
    from numba import njit as _njit

    def jit(fn: Callable[..., Any]) -> Callable[..., Any]:
        return _njit(cache=True, nogil=True)(fn)

    def inline(fn: Callable[..., Any]) -> Callable[..., Any]:
        return _njit(cache=True, nogil=True, inline="always")(fn)

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - numba is a declared dependency

    def jit(fn: Callable[..., Any]) -> Callable[..., Any]:
        return fn

    inline = jit

    HAVE_NUMBA = False

_M32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_S11 = np.uint64(11)
_PM0 = np.uint64(0xD2E7470EE14C6C93)
_PM1 = np.uint64(0xCA5A826395121157)
_PW0 = np.uint64(0x9E3779B97F4A7C15)
_PW1 = np.uint64(0xBB67AE8584CAA73B)
_ONE = np.uint64(1)
_FOUR = np.uint64(4)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
#: Points per entry of a window's compact index of launch times.
STRIDE = 16
#: Added to the key of a window preserve-upper-tier holds back (seconds: after any other).
HELD_RANK = 1.0e7


def coarse_index(lo: Any, hi: Any, launch_s: Any) -> tuple[Any, Any]:
    """Every :data:`STRIDE`-th launch time of each window (points ``lo:hi``) from its
    first, as CSR (offsets (W+1,), values): small enough to stay in cache."""
    counts = (hi - lo + STRIDE - 1) // STRIDE
    c_off = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    within = np.arange(int(c_off[-1]), dtype=np.int64) - np.repeat(c_off[:-1], counts)
    return c_off, np.ascontiguousarray(launch_s[np.repeat(lo, counts) + within * STRIDE])


@jit
def _mulhi(a: np.uint64, b: np.uint64) -> np.uint64:
    """High 64 bits of the 128-bit product of two uint64."""
    a_lo = a & _M32
    a_hi = a >> _S32
    b_lo = b & _M32
    b_hi = b >> _S32
    p0 = a_lo * b_lo
    p1 = a_lo * b_hi
    p2 = a_hi * b_lo
    p3 = a_hi * b_hi
    mid = (p0 >> _S32) + (p1 & _M32) + (p2 & _M32)
    return p3 + (p1 >> _S32) + (p2 >> _S32) + (mid >> _S32)


@jit
def philox_uniform(
    k0: np.uint64, k1: np.uint64, index: np.uint64, wave: np.uint64, j: np.uint64
) -> float:
    """Draw ``j`` (from 0) of ``Generator(Philox(key=[k0, k1], counter=[0, index, wave, 0]))
    .random(...)``: numpy's Philox4x64-10, four outputs per counter, the counter
    incremented before each block of four."""
    c0 = _ONE + j // _FOUR
    c1 = index
    c2 = wave
    c3 = np.uint64(0)
    for r in range(10):
        if r > 0:
            k0 = k0 + _PW0
            k1 = k1 + _PW1
        lo0 = _PM0 * c0
        hi0 = _mulhi(_PM0, c0)
        lo1 = _PM1 * c2
        hi1 = _mulhi(_PM1, c2)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    lane = j % _FOUR
    if lane == 0:
        x = c0
    elif lane == 1:
        x = c1
    elif lane == 2:
        x = c2
    else:
        x = c3
    return float(x >> _S11) * _TO_UNIT


@jit
def _heap_less(ht: Any, hk: Any, a: int, b: int) -> bool:
    return ht[a] < ht[b] or (ht[a] == ht[b] and hk[a] < hk[b])


@jit
def _heap_push(ht: Any, hk: Any, size: int, when: float, t: int) -> int:
    i = size
    ht[i] = when
    hk[i] = t
    while i > 0:
        parent = (i - 1) // 2
        if _heap_less(ht, hk, i, parent):
            ht[i], ht[parent] = ht[parent], ht[i]
            hk[i], hk[parent] = hk[parent], hk[i]
            i = parent
        else:
            break
    return size + 1


@jit
def _heap_pop(ht: Any, hk: Any, size: int) -> int:
    """Remove the root (read it before calling); returns the new size."""
    size -= 1
    ht[0] = ht[size]
    hk[0] = hk[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and _heap_less(ht, hk, left + 1, left):
            child = left + 1
        if _heap_less(ht, hk, child, i):
            ht[i], ht[child] = ht[child], ht[i]
            hk[i], hk[child] = hk[child], hk[i]
            i = child
        else:
            break
    return size


@jit
def _point(
    w: int,
    start: float,
    w_lo: Any,
    w_hi: Any,
    launch_s: Any,
    w_first_s: Any,
    w_last_s: Any,
    c_off: Any,
    coarse_s: Any,
) -> int:
    """The point of window ``w`` taken for an earliest launch ``start``: ``-1 - w`` for its
    first point (its copy kept compact), ``-2 - w`` when no point launches that late."""
    if start <= w_first_s[w]:
        return -1 - w
    if start > w_last_s[w]:
        return -2 - w
    # searchsorted(launch_s[lo:hi], start, "left"): first in the window's compact
    # index of every STRIDE-th launch time, then among at most STRIDE points
    lo = w_lo[w]
    a = c_off[w]
    b = c_off[w + 1]
    while a < b:
        mid = (a + b) // 2
        if coarse_s[mid] < start:
            a = mid + 1
        else:
            b = mid
    jj = a - c_off[w]  # coarse points before start (>= 1: start > the first)
    a = lo + (jj - 1) * STRIDE + 1
    b = min(lo + jj * STRIDE, w_hi[w])
    while a < b:
        mid = (a + b) // 2
        if launch_s[mid] < start:
            a = mid + 1
        else:
            b = mid
    return a


@jit
def _held(
    s: int, launch: float, stock_row: Any, h_off: Any, h_time: Any, h_suf: Any, spe: int
) -> bool:
    """Preserve-upper-tier: would a salvo from stock ``s`` launched at ``launch`` leave
    fewer interceptors than the stock keeps for the demand from then on?"""
    a = h_off[s]
    b = h_off[s + 1]
    hi = b
    while a < b:
        mid = (a + b) // 2
        if h_time[mid] < launch:
            a = mid + 1
        else:
            b = mid
    reserve = h_suf[a] if a < hi else 0.0
    return stock_row[s] - min(spe, stock_row[s]) < reserve


@jit
def _evaluate(
    t: int,
    earliest: float,
    stock_row: Any,
    budget_row: Any,
    claim_row: Any,
    unit_first: Any,
    unit_first_s: Any,
    seen: Any,
    tw_off: Any,
    tw_idx: Any,
    w_lo: Any,
    w_hi: Any,
    w_stock: Any,
    w_unit: Any,
    w_seen: Any,
    w_rank: Any,
    w_tier: Any,
    w_hold: Any,
    h_off: Any,
    h_time: Any,
    h_suf: Any,
    launch_s: Any,
    w_first_s: Any,
    w_first_launch_s: Any,
    w_first_intercept_s: Any,
    w_last_s: Any,
    c_off: Any,
    coarse_s: Any,
    best_s: Any,
    spe: int,
    sls: bool,
    layered: bool,
    assessment_s: float,
) -> tuple[int, int, int]:
    """The doctrine's preferred engagement of threat ``t`` now: (window, point, channel);
    window -1 when none qualifies, channel -1 for a unit without a channel limit; point
    ``-1 - w`` stands for the window's first point."""
    best_key = np.inf
    bw = -1
    bk = -1
    bc = -1
    for q in range(tw_off[t], tw_off[t + 1]):
        w = tw_idx[q]
        if stock_row[w_stock[w]] <= 0:
            continue
        if budget_row[w] == 0 and stock_row[w_stock[w]] <= claim_row[w_stock[w]]:
            continue  # a plan gives it nothing, and the stock is all claimed by the plan
        if not sls and seen[w_seen[w]]:
            continue
        # best_intercept_s never decreases along a window's points, so its first point
        # bounds the window's key from below: skip the search when it cannot win
        if w_first_intercept_s[w] + w_rank[w] >= best_key:
            continue
        u = w_unit[w]
        start = earliest
        slot = unit_first[u]  # the channel that comes free first, or -1: no limit
        if slot >= 0 and unit_first_s[u] > start:
            start = unit_first_s[u]
        k = _point(w, start, w_lo, w_hi, launch_s, w_first_s, w_last_s, c_off, coarse_s)
        if k == -2 - w:
            continue
        key = (w_first_intercept_s[w] if k < 0 else best_s[k, 1]) + w_rank[w]
        if w_hold[w]:
            launch = w_first_launch_s[w] if k < 0 else best_s[k, 0]
            if _held(w_stock[w], launch, stock_row, h_off, h_time, h_suf, spe):
                key += HELD_RANK  # held back: after every window that is not
        if key < best_key:
            best_key = key
            bw = w
            bk = k
            bc = slot
    if not layered or bw < 0:
        return bw, bk, bc
    # layered: an earlier tier fires first when the chosen window is still open after
    # its intercept and assessment (the later tier is left as a second opportunity)
    last = w_last_s[bw]
    lkey = np.inf
    lw = -1
    lk = -1
    lc = -1
    for q in range(tw_off[t], tw_off[t + 1]):
        w = tw_idx[q]
        if w_tier[w] >= w_tier[bw] or stock_row[w_stock[w]] <= 0:
            continue
        if budget_row[w] == 0 and stock_row[w_stock[w]] <= claim_row[w_stock[w]]:
            continue
        if not sls and (seen[w_seen[w]] or w_unit[w] == w_unit[bw]):
            continue
        u = w_unit[w]
        start = earliest
        slot = unit_first[u]
        if slot >= 0 and unit_first_s[u] > start:
            start = unit_first_s[u]
        k = _point(w, start, w_lo, w_hi, launch_s, w_first_s, w_last_s, c_off, coarse_s)
        if k == -2 - w:
            continue
        intercept = w_first_intercept_s[w] if k < 0 else best_s[k, 1]
        if intercept + assessment_s > last:
            continue
        if w_hold[w]:
            launch = w_first_launch_s[w] if k < 0 else best_s[k, 0]
            if _held(w_stock[w], launch, stock_row, h_off, h_time, h_suf, spe):
                continue
        if intercept + w_rank[w] < lkey:
            lkey = intercept + w_rank[w]
            lw = w
            lk = k
            lc = slot
    if lw >= 0:
        return lw, lk, lc
    return bw, bk, bc


@jit
def _release(
    t: int, tw_off: Any, tw_idx: Any, w_stock: Any, budget_row: Any, claim_row: Any
) -> None:
    """A planned threat is done (killed, or no engagement left): its unspent planned
    interceptors are no longer claimed, and any window may use them."""
    for q in range(tw_off[t], tw_off[t + 1]):
        w = tw_idx[q]
        if budget_row[w] > 0:
            claim_row[w_stock[w]] -= budget_row[w]
            budget_row[w] = 0


@jit
def run_block(
    alive: Any,  # (n, T) bool, in: launched; out: alive at the end
    stock: Any,  # (n, S) int32, in: held at the start; out: left
    shots: Any,  # (n, S) int32, out (zeros in)
    kills: Any,  # (n, U) int32, out (zeros in)
    events: Any,  # (E, 7) float64: the first trial's engagements, when E > 0
    n_slots: Any,  # (T,) slots (decision points) per threat
    tw_off: Any,  # (T+1,) CSR of each threat's windows
    tw_idx: Any,
    w_lo: Any,  # (W,) first point of each window
    w_hi: Any,  # (W,) one past its last point
    w_stock: Any,
    w_unit: Any,
    w_interceptor: Any,
    w_seen: Any,  # (W,) index of (threat, unit) in the per-trial "engaged" flags
    n_seen: int,
    w_rank: Any,
    salvo_kill: Any,  # (W, spe + 1)
    chan_off: Any,  # (U+1,) CSR of each unit's fire channels (none: unlimited)
    launch_s: Any,
    best_launch_s: Any,
    best_intercept_s: Any,
    w_first_s: Any,  # (W,) launch_s of each window's first point
    w_first_launch_s: Any,  # (W,) best_launch_s of it
    w_first_intercept_s: Any,  # (W,) best_intercept_s of it
    w_last_s: Any,  # (W,) launch_s of each window's last point
    c_off: Any,  # (W+1,) CSR of coarse_s
    coarse_s: Any,  # every STRIDE-th launch_s of each window, from its first
    best_s: Any,  # (N, 2) best_launch_s and best_intercept_s side by side
    spe: int,
    sls: bool,
    assessment_s: float,
    initial_stock: Any,  # (S,) the magazines
    w_tier: Any,  # (W,) tier rank of the window's interceptor
    w_hold: Any,  # (W,) bool: preserve-upper-tier may hold it back
    w_budget: Any,  # (W,) planned interceptors per trial, -1: no plan
    h_off: Any,  # (S+1,) CSR of the interceptors each stock keeps back over time
    h_time: Any,
    h_suf: Any,
    layered: bool,
    parent: Any,  # (T,) the threat carrying each stand-off missile, -1 for none
    k0: np.uint64,
    k1: np.uint64,
    wave: np.uint64,
    max_slots: int,
) -> int:
    """Simulate every trial of a block; returns the number of rows written to ``events``."""
    n, n_threats = alive.shape
    free_at = np.empty(n_threats)
    next_slot = np.zeros(n_threats, dtype=np.int64)
    chan_free = np.empty(chan_off[-1])
    n_units = chan_off.shape[0] - 1
    unit_first = np.empty(n_units, dtype=np.int64)
    unit_first_s = np.empty(n_units)
    seen = np.zeros(max(n_seen, 1), dtype=np.bool_)
    ht = np.empty(max(n_threats, 1))
    hk = np.empty(max(n_threats, 1), dtype=np.int64)
    n_events = 0
    # every trial's first slots, from the initial magazines (channels free, none engaged)
    init_stock = initial_stock.astype(np.int32)
    budget_row = w_budget.copy()
    claim_row = np.zeros(stock.shape[1], dtype=np.int64)
    has_plan = w_budget.shape[0] > 0 and w_budget[0] >= 0
    unit_first_s[:] = -np.inf
    for u in range(n_units):
        unit_first[u] = chan_off[u] if chan_off[u + 1] > chan_off[u] else -1
    init_when = np.full(n_threats, np.inf)
    for t in range(n_threats):
        if n_slots[t] > 0:
            w, k, c = _evaluate(
                t, -np.inf, init_stock, budget_row, claim_row, unit_first, unit_first_s, seen, tw_off,
                tw_idx, w_lo, w_hi, w_stock, w_unit, w_seen, w_rank, w_tier, w_hold, h_off, h_time,
                h_suf, launch_s, w_first_s, w_first_launch_s, w_first_intercept_s, w_last_s,
                c_off, coarse_s, best_s, spe, sls, layered, assessment_s,
            )  # fmt: skip
            if w >= 0:
                init_when[t] = w_first_launch_s[w] if k < 0 else best_s[k, 0]
    init_order = np.argsort(init_when, kind="mergesort")  # stable: ties by threat
    for i in range(n):
        free_at[:] = -np.inf
        chan_free[:] = -np.inf
        unit_first_s[:] = -np.inf
        for u in range(n_units):
            unit_first[u] = chan_off[u] if chan_off[u + 1] > chan_off[u] else -1
        seen[:] = False
        budget_row[:] = w_budget
        claim_row[:] = 0
        next_slot[:] = 0
        alive_row = alive[i]
        stock_row = stock[i]
        size = 0
        same = not has_plan  # the trial starts as the schedule was made (a plan's claims
        # depend on which threats launched)
        if has_plan:  # each launched threat claims the interceptors the plan gives it
            for t in range(n_threats):
                if alive_row[t] and n_slots[t] > 0:
                    for q in range(tw_off[t], tw_off[t + 1]):
                        w = tw_idx[q]
                        if budget_row[w] > 0:
                            claim_row[w_stock[w]] += budget_row[w]
        for q in range(stock_row.shape[0]):
            if stock_row[q] != init_stock[q]:
                same = False
                break
        if same:  # the first slots' schedule, already sorted (a sorted array is a heap)
            for j in range(n_threats):
                t = init_order[j]
                if init_when[t] == np.inf:
                    break
                if alive_row[t]:
                    ht[size] = init_when[t]
                    hk[size] = t
                    size += 1
        else:
            for t in range(n_threats):
                if alive_row[t] and n_slots[t] > 0:
                    w, k, c = _evaluate(
                        t, -np.inf, stock_row, budget_row, claim_row, unit_first, unit_first_s, seen,
                        tw_off, tw_idx, w_lo, w_hi, w_stock, w_unit, w_seen, w_rank, w_tier, w_hold, h_off, h_time,
                h_suf, launch_s, w_first_s, w_first_launch_s, w_first_intercept_s, w_last_s,
                c_off, coarse_s, best_s, spe, sls, layered, assessment_s,
                    )  # fmt: skip
                    if w >= 0:
                        when = w_first_launch_s[w] if k < 0 else best_s[k, 0]
                        size = _heap_push(ht, hk, size, when, t)
                    elif has_plan:
                        _release(t, tw_off, tw_idx, w_stock, budget_row, claim_row)
        while size > 0:
            when = ht[0]
            t = hk[0]
            size = _heap_pop(ht, hk, size)
            if parent[t] >= 0 and not alive_row[parent[t]]:
                alive_row[t] = False  # its platform died before release: never launched
                if has_plan:
                    _release(t, tw_off, tw_idx, w_stock, budget_row, claim_row)
                continue
            w, k, c = _evaluate(
                t, free_at[t], stock_row, budget_row, claim_row, unit_first, unit_first_s, seen, tw_off,
                tw_idx, w_lo, w_hi, w_stock, w_unit, w_seen, w_rank, w_tier, w_hold, h_off, h_time,
                h_suf, launch_s, w_first_s, w_first_launch_s, w_first_intercept_s, w_last_s,
                c_off, coarse_s, best_s, spe, sls, layered, assessment_s,
            )  # fmt: skip
            if w < 0:  # nothing qualifies any more: it never will
                if has_plan:
                    _release(t, tw_off, tw_idx, w_stock, budget_row, claim_row)
                continue
            if k < 0:
                launch = w_first_launch_s[w]
                intercept = w_first_intercept_s[w]
            else:
                launch = best_s[k, 0]
                intercept = best_s[k, 1]
            if launch != when:  # resources went meanwhile: wait for its new launch time
                size = _heap_push(ht, hk, size, launch, t)
                continue
            s = w_stock[w]
            fired = min(spe, stock_row[s])
            planned = budget_row[w]
            if planned >= 0:  # a plan: its own interceptors, then what no plan claims
                fired = min(fired, planned + max(0, stock_row[s] - claim_row[s]))
                use = min(fired, planned)
                budget_row[w] = planned - use
                claim_row[s] -= use
            stock_row[s] -= fired
            shots[i, s] += fired
            slot = next_slot[t]
            draw = philox_uniform(k0, k1, np.uint64(t * max_slots + slot), wave, np.uint64(i))
            killed = draw < salvo_kill[w, fired]
            u = w_unit[w]
            if killed:
                alive_row[t] = False
                kills[i, u] += 1
            free_at[t] = intercept + assessment_s
            if not sls:
                seen[w_seen[w]] = True
            if c >= 0:  # the engagement holds that channel until its intercept
                chan_free[c] = intercept
                first = chan_off[u]  # then the channel to come free first (lowest on ties)
                soonest = chan_free[first]
                for q in range(chan_off[u] + 1, chan_off[u + 1]):
                    if chan_free[q] < soonest:
                        soonest = chan_free[q]
                        first = q
                unit_first[u] = first
                unit_first_s[u] = soonest
            if i == 0 and n_events < events.shape[0]:
                events[n_events, 0] = t
                events[n_events, 1] = u
                events[n_events, 2] = w_interceptor[w]
                events[n_events, 3] = launch
                events[n_events, 4] = intercept
                events[n_events, 5] = fired
                events[n_events, 6] = 1.0 if killed else 0.0
                n_events += 1
            next_slot[t] = slot + 1
            if has_plan and (killed or slot + 1 >= n_slots[t]):
                _release(t, tw_off, tw_idx, w_stock, budget_row, claim_row)
            if not killed and slot + 1 < n_slots[t]:
                w, k, c = _evaluate(
                    t, free_at[t], stock_row, budget_row, claim_row, unit_first, unit_first_s, seen,
                    tw_off, tw_idx, w_lo, w_hi, w_stock, w_unit, w_seen, w_rank, w_tier, w_hold, h_off, h_time,
                h_suf, launch_s, w_first_s, w_first_launch_s, w_first_intercept_s, w_last_s,
                c_off, coarse_s, best_s, spe, sls, layered, assessment_s,
                )  # fmt: skip
                if w >= 0:
                    when = w_first_launch_s[w] if k < 0 else best_s[k, 0]
                    size = _heap_push(ht, hk, size, when, t)
                elif has_plan:
                    _release(t, tw_off, tw_idx, w_stock, budget_row, claim_row)
    return n_events
