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

    def helper(fn: Callable[..., Any]) -> Callable[..., Any]:
        # no reference counting of the arrays it is passed: it allocates nothing, and
        # counting them at every call is most of the cost of a small helper
        options: dict[str, Any] = {"cache": True, "nogil": True, "_nrt": False}
        return _njit(**options)(fn)

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - numba is a declared dependency

    def jit(fn: Callable[..., Any]) -> Callable[..., Any]:
        return fn

    helper = jit

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


@helper
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


@helper
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


@helper
def _heap_less(ht: Any, hk: Any, a: int, b: int) -> bool:
    return ht[a] < ht[b] or (ht[a] == ht[b] and hk[a] < hk[b])


@helper
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


@helper
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


# Columns of the kernel's per-window integer table ``wi`` (W, W_COLUMNS): one row per
# window, a threat's windows side by side (:func:`hoplon.core.engine.kernel_tables`).
W_LO = 0  # first point of the window
W_HI = 1  # one past its last point
W_STOCK = 2  # the stock (unit's interceptor type) it fires from
W_UNIT = 3
W_INTERCEPTOR = 4
W_SEEN = 5  # index of (threat, unit) in the per-trial "engaged" flags
W_TIER = 6  # tier rank of its interceptor
W_HOLD = 7  # 1: preserve-upper-tier may hold it back
W_COARSE = 8  # first entry of its compact index of launch times (coarse_s)
W_COARSE_END = 9  # one past its last
W_ORDER = 10  # its place among the threat's windows in the plan's order (breaks ties)
W_COLUMNS = 11
# Columns of the per-window float table ``wf`` (W, F_COLUMNS).
F_RANK = 0  # the doctrine's preference, added to the intercept time
F_FIRST_S = 1  # launch_s of its first point
F_FIRST_LAUNCH = 2  # best_launch_s of it
F_FIRST_INTERCEPT = 3  # best_intercept_s of it: the window's earliest intercept
F_LAST_S = 4  # launch_s of its last point
F_COLUMNS = 5
# Two columns are arrays of their own, read for every window a walk passes (so they stay
# in cache where the tables do not): ``w_bound`` (W,), the window's first intercept plus
# its rank, below which none of its engagements' keys can be, and ``w_stock`` (W,).


# Columns of the per-window memo of the last point search (``memo``, (W, M_COLUMNS)):
# the answer ``memo_k[w]`` holds for every earliest launch in (M_AFTER, M_UNTIL].
M_AFTER = 0  # launch_s of the point before it (exclusive bound)
M_UNTIL = 1  # launch_s of the point (inclusive bound)
M_LAUNCH = 2  # best_launch_s of the point
M_INTERCEPT = 3  # best_intercept_s of the point
M_COLUMNS = 4


@helper
def _point(
    w: int,
    start: float,
    wi: Any,
    wf: Any,
    launch_s: Any,
    coarse_s: Any,
    best_s: Any,
    memo: Any,
    memo_k: Any,
) -> int:
    """The point of window ``w`` taken for an earliest launch ``start``: ``-1 - w`` for its
    first point (its copy kept compact, in ``wf``), ``-2 - w`` when no point launches that
    late, else the point ``k``, whose launch and intercept are then in ``memo[w]``.

    The answer is a function of the window's points alone, so the last one is kept per
    window (``memo``) and reused while ``start`` falls in the same interval between two
    launch times: re-evaluating a slot, or the next trial following the same events,
    asks again, and the memo is small enough to stay in cache where the points are not.
    """
    if start <= wf[w, F_FIRST_S]:
        return -1 - w
    if start > wf[w, F_LAST_S]:
        return -2 - w
    if memo[w, M_AFTER] < start <= memo[w, M_UNTIL]:
        return memo_k[w]
    # searchsorted(launch_s[lo:hi], start, "left"): first in the window's compact
    # index of every STRIDE-th launch time, then among at most STRIDE points
    lo = wi[w, W_LO]
    first = wi[w, W_COARSE]
    a = first
    b = wi[w, W_COARSE_END]
    while a < b:
        mid = (a + b) // 2
        if coarse_s[mid] < start:
            a = mid + 1
        else:
            b = mid
    jj = a - first  # coarse points before start (>= 1: start > the first)
    a = lo + (jj - 1) * STRIDE + 1
    b = min(lo + jj * STRIDE, wi[w, W_HI])
    while a < b:
        mid = (a + b) // 2
        if launch_s[mid] < start:
            a = mid + 1
        else:
            b = mid
    memo[w, M_AFTER] = launch_s[a - 1]  # a > lo: start is after the first launch
    memo[w, M_UNTIL] = launch_s[a]
    memo[w, M_LAUNCH] = best_s[a, 0]
    memo[w, M_INTERCEPT] = best_s[a, 1]
    memo_k[w] = a
    return a


@helper
def _engagement(w: int, k: int, wf: Any, memo: Any) -> tuple[float, float]:
    """(launch, intercept) of point ``k`` of window ``w``, just returned by :func:`_point`."""
    if k < 0:
        return wf[w, F_FIRST_LAUNCH], wf[w, F_FIRST_INTERCEPT]
    return memo[w, M_LAUNCH], memo[w, M_INTERCEPT]


@helper
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


@helper
def _evaluate(
    t: int,
    earliest: float,
    lower_than: int,  # -1, or layered: only windows of a lower tier than this window's
    stock_row: Any,
    budget_row: Any,
    claim_row: Any,
    unit_first: Any,
    unit_first_s: Any,
    seen: Any,
    tw_off: Any,
    w_bound: Any,
    w_stock: Any,
    wi: Any,
    wf: Any,
    launch_s: Any,
    coarse_s: Any,
    best_s: Any,
    memo: Any,
    memo_k: Any,
    h_off: Any,
    h_time: Any,
    h_suf: Any,
    spe: int,
    sls: bool,
    assessment_s: float,
) -> tuple[int, int, int, bool]:
    """The doctrine's preferred engagement of threat ``t`` now: (window, point, channel,
    waits); window -1 when none qualifies, channel -1 for a unit without a channel limit;
    point ``-1 - w`` stands for the window's first point. ``waits`` is True when a window
    was passed over only because the plan claims all of its stock and it can still launch
    later: released claims may let it qualify (the threat waits for them).

    With ``lower_than = b`` (``layered``), the earlier-tier engagement that fires before
    window ``b``: a qualifying window of a lower tier rank, of another unit without
    shoot-look-shoot, not held back, whose intercept plus assessment is no later than
    ``b``'s last launch; the same key otherwise.

    A threat's windows are sorted by ``w_bound``, a lower bound of their key, so
    the walk stops at the first window that cannot win; ties on the key go to the
    window first in the plan's order (:data:`W_ORDER`), as if walked in that order.
    """
    best_key = np.inf
    best_order = -1
    bw = -1
    bk = -1
    bc = -1
    waits = False
    layer = lower_than >= 0
    if layer:
        tier = wi[lower_than, W_TIER]
        other = wi[lower_than, W_UNIT]
        last = wf[lower_than, F_LAST_S]
    for w in range(tw_off[t], tw_off[t + 1]):
        if w_bound[w] > best_key:
            break  # neither this window nor any after it can win
        s = w_stock[w]
        left = stock_row[s]
        if left <= 0:
            continue
        if not sls and seen[wi[w, W_SEEN]]:
            continue
        if budget_row[w] == 0 and left <= claim_row[s]:
            # a plan gives it nothing, and the stock is all claimed by the plan
            if earliest <= wf[w, F_LAST_S]:
                waits = True
            continue
        u = wi[w, W_UNIT]
        if layer and (wi[w, W_TIER] >= tier or (not sls and u == other)):
            continue
        start = earliest
        slot = unit_first[u]  # the channel that comes free first, or -1: no limit
        if slot >= 0 and unit_first_s[u] > start:
            start = unit_first_s[u]
        k = _point(w, start, wi, wf, launch_s, coarse_s, best_s, memo, memo_k)
        if k == -2 - w:
            continue
        launch, intercept = _engagement(w, k, wf, memo)
        if layer and intercept + assessment_s > last:
            continue
        key = intercept + wf[w, F_RANK]
        if wi[w, W_HOLD] and _held(s, launch, stock_row, h_off, h_time, h_suf, spe):
            if layer:
                continue
            key += HELD_RANK  # held back: after every window that is not
        order = wi[w, W_ORDER]
        if key < best_key or (key == best_key and order < best_order):
            best_key = key
            best_order = order
            bw = w
            bk = k
            bc = slot
    return bw, bk, bc, waits


@helper
def _release(t: int, tw_off: Any, wi: Any, budget_row: Any, claim_row: Any) -> bool:
    """A planned threat is done (killed, or no engagement left): its unspent planned
    interceptors are no longer claimed, and any window may use them. True when some
    were."""
    freed = False
    for w in range(tw_off[t], tw_off[t + 1]):
        if budget_row[w] > 0:
            claim_row[wi[w, W_STOCK]] -= budget_row[w]
            budget_row[w] = 0
            freed = True
    return freed


@helper
def _wake(
    waiting: Any, n_waiting: int, free_at: Any, ht: Any, hk: Any, size: int, now: float
) -> int:
    """Claims were released at ``now``: every threat waiting for them is queued again at
    ``now``, engageable from then on (not before). Returns the heap's new size."""
    for j in range(n_waiting):
        t = waiting[j]
        if free_at[t] < now:
            free_at[t] = now
        size = _heap_push(ht, hk, size, now, t)
    return size


@jit
def run_block(
    alive: Any,  # (n, T) bool, in: launched; out: alive at the end
    stock: Any,  # (n, S) int32, in: held at the start; out: left
    shots: Any,  # (n, S) int32, out (zeros in)
    kills: Any,  # (n, U) int32, out (zeros in)
    events: Any,  # (E, 7) float64: the first trial's engagements, when E > 0
    n_slots: Any,  # (T,) slots (decision points) per threat
    tw_off: Any,  # (T+1,) each threat's windows: rows tw_off[t]:tw_off[t+1] of wi, wf
    wi: Any,  # (W, W_COLUMNS) int64 per-window table
    wf: Any,  # (W, F_COLUMNS) float64 per-window table
    w_bound: Any,  # (W,) lower bound of each window's key
    w_stock: Any,  # (W,) its stock
    w_budget: Any,  # (W,) planned interceptors per trial, -1: no plan
    salvo_kill: Any,  # (W, spe + 1)
    n_seen: int,
    chan_off: Any,  # (U+1,) CSR of each unit's fire channels (none: unlimited)
    launch_s: Any,  # (N,) every window point's launch time
    coarse_s: Any,  # every STRIDE-th launch_s of each window, from its first
    best_s: Any,  # (N, 2) best_launch_s and best_intercept_s side by side
    h_off: Any,  # (S+1,) CSR of the interceptors each stock keeps back over time
    h_time: Any,
    h_suf: Any,
    initial_stock: Any,  # (S,) the magazines
    spe: int,
    sls: bool,
    assessment_s: float,
    layered: bool,
    parent: Any,  # (T,) the threat carrying each stand-off missile, -1 for none
    k0: np.uint64,
    k1: np.uint64,
    wave: np.uint64,
    max_slots: int,
) -> int:
    """Simulate every trial of a block; returns the number of rows written to ``events``.

    Per trial, the queue of slots is the merge of two sorted sequences, in the order of
    (launch time, threat): the first slots of the threats as the block's schedule has
    them (when the trial starts from the full magazines, every trial's first slots are the
    same: computed once, sorted, then read in order, skipping the threats that failed at
    launch), and a heap of the slots pushed while the trial runs (a threat's later slots,
    and slots that wait again). Each threat has at most one slot queued at a time.
    """
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
    # planned doctrine: threats with nothing to fire now because the plan claims the
    # stock they could use; a release of claims queues them again
    waiting = np.empty(max(n_threats, 1), dtype=np.int64)
    n_events = 0
    # every trial's first slots, from the initial magazines (channels free, none engaged)
    init_stock = initial_stock.astype(np.int32)
    budget_row = w_budget.copy()
    claim_row = np.zeros(stock.shape[1], dtype=np.int64)
    has_plan = w_budget.shape[0] > 0 and w_budget[0] >= 0
    unit_first_s[:] = -np.inf
    for u in range(n_units):
        unit_first[u] = chan_off[u] if chan_off[u + 1] > chan_off[u] else -1
    memo = np.full((wi.shape[0], M_COLUMNS), np.inf)  # empty intervals: no answer yet
    memo_k = np.zeros(wi.shape[0], dtype=np.int64)
    init_when = np.full(n_threats, np.inf)
    for t in range(n_threats):
        if n_slots[t] > 0:
            w, k, c, _ = _evaluate(
                t, -np.inf, -1, init_stock, budget_row, claim_row, unit_first, unit_first_s,
                seen, tw_off, w_bound, w_stock, wi, wf, launch_s, coarse_s, best_s, memo, memo_k, h_off, h_time, h_suf, spe,
                sls, assessment_s,
            )  # fmt: skip
            if layered and w >= 0:
                lw, lk, lc, _ = _evaluate(
                    t, -np.inf, w, init_stock, budget_row, claim_row, unit_first,
                    unit_first_s, seen, tw_off, w_bound, w_stock, wi, wf, launch_s, coarse_s, best_s, memo, memo_k, h_off,
                    h_time, h_suf, spe, sls, assessment_s,
                )  # fmt: skip
                if lw >= 0:
                    w, k = lw, lk
            if w >= 0:
                init_when[t] = _engagement(w, k, wf, memo)[0]
    init_order = np.argsort(init_when, kind="mergesort")  # stable: ties by threat
    n_first = 0
    while n_first < n_threats and init_when[init_order[n_first]] < np.inf:
        n_first += 1
    for i in range(n):
        free_at[:] = -np.inf
        chan_free[:] = -np.inf
        unit_first_s[:] = -np.inf
        for u in range(n_units):
            unit_first[u] = chan_off[u] if chan_off[u + 1] > chan_off[u] else -1
        seen[:] = False
        if has_plan:
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
                    for w in range(tw_off[t], tw_off[t + 1]):
                        if budget_row[w] > 0:
                            claim_row[wi[w, W_STOCK]] += budget_row[w]
        for q in range(stock_row.shape[0]):
            if stock_row[q] != init_stock[q]:
                same = False
                break
        first = 0  # next of the schedule's first slots (same) or threat to evaluate (not)
        n_next = n_first if same else n_threats
        pending = -1  # a threat whose next slot is to be evaluated now (after a salvo)
        ft = 0
        n_waiting = 0
        clock = -np.inf  # the launch time of the slot taken last
        while True:
            # the next slot to evaluate: after a salvo, the threat's next one; else the
            # earliest of the schedule's next first slot and the heap's head
            when = np.inf
            if pending >= 0:
                t = pending
                pending = -1
                popped = False
            else:
                while first < n_next:
                    ft = init_order[first] if same else first
                    if alive_row[ft] and (same or n_slots[ft] > 0):
                        break
                    first += 1
                if first < n_next and not same:
                    t = first  # not as scheduled: evaluate every launched threat first
                    first += 1
                    popped = False
                elif first < n_next and (
                    size == 0 or init_when[ft] < ht[0] or (init_when[ft] == ht[0] and ft < hk[0])
                ):
                    t = ft
                    when = init_when[ft]
                    first += 1
                    popped = True
                elif size > 0:
                    when = ht[0]
                    t = hk[0]
                    size = _heap_pop(ht, hk, size)
                    popped = True
                else:
                    break
            if popped:
                clock = when
            if popped and not alive_row[t]:
                # a planned threat killed by a salvo: its claims come back now that the
                # kill is known (the salvo's intercept plus the assessment time)
                if _release(t, tw_off, wi, budget_row, claim_row):
                    size = _wake(waiting, n_waiting, free_at, ht, hk, size, clock)
                    n_waiting = 0
                continue
            if popped and parent[t] >= 0 and not alive_row[parent[t]]:
                # its slot's time came and its platform died before release: never launched
                alive_row[t] = False
                if has_plan and _release(t, tw_off, wi, budget_row, claim_row):
                    size = _wake(waiting, n_waiting, free_at, ht, hk, size, clock)
                    n_waiting = 0
                continue
            w, k, c, waits = _evaluate(
                t, free_at[t], -1, stock_row, budget_row, claim_row, unit_first,
                unit_first_s, seen, tw_off, w_bound, w_stock, wi, wf, launch_s, coarse_s, best_s, memo, memo_k, h_off,
                h_time, h_suf, spe, sls, assessment_s,
            )  # fmt: skip
            if layered and w >= 0:
                lw, lk, lc, _ = _evaluate(
                    t, free_at[t], w, stock_row, budget_row, claim_row, unit_first,
                    unit_first_s, seen, tw_off, w_bound, w_stock, wi, wf, launch_s, coarse_s, best_s, memo, memo_k, h_off,
                    h_time, h_suf, spe, sls, assessment_s,
                )  # fmt: skip
                if lw >= 0:
                    w, k, c = lw, lk, lc
            if w < 0:  # nothing qualifies now
                if has_plan:
                    if _release(t, tw_off, wi, budget_row, claim_row):
                        # its own claims came back: the waiting threats may use them,
                        # and so may it (weighed again, from now)
                        size = _wake(waiting, n_waiting, free_at, ht, hk, size, clock)
                        n_waiting = 0
                        if free_at[t] < clock:
                            free_at[t] = clock
                        size = _heap_push(ht, hk, size, clock, t)
                    elif waits:  # the plan's claims hold it back: it waits for them
                        waiting[n_waiting] = t
                        n_waiting += 1
                continue  # without a plan, nothing qualifies any more: it never will
            launch, intercept = _engagement(w, k, wf, memo)
            if not popped or launch != when:
                # a new slot, or resources went meanwhile: wait for its launch time
                size = _heap_push(ht, hk, size, launch, t)
                continue
            s = wi[w, W_STOCK]
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
            u = wi[w, W_UNIT]
            if killed:
                alive_row[t] = False
                kills[i, u] += 1
            free_at[t] = intercept + assessment_s
            if not sls:
                seen[wi[w, W_SEEN]] = True
            if c >= 0:  # the engagement holds that channel until its intercept
                chan_free[c] = intercept
                best = chan_off[u]  # then the channel to come free first (lowest on ties)
                soonest = chan_free[best]
                for q in range(chan_off[u] + 1, chan_off[u + 1]):
                    if chan_free[q] < soonest:
                        soonest = chan_free[q]
                        best = q
                unit_first[u] = best
                unit_first_s[u] = soonest
            if i == 0 and n_events < events.shape[0]:
                events[n_events, 0] = t
                events[n_events, 1] = u
                events[n_events, 2] = wi[w, W_INTERCEPTOR]
                events[n_events, 3] = launch
                events[n_events, 4] = intercept
                events[n_events, 5] = fired
                events[n_events, 6] = 1.0 if killed else 0.0
                n_events += 1
            next_slot[t] = slot + 1
            if has_plan and killed:  # its claims come back when the kill is known
                size = _heap_push(ht, hk, size, intercept + assessment_s, t)
            elif (  # no slot left: given back now
                has_plan
                and slot + 1 >= n_slots[t]
                and _release(t, tw_off, wi, budget_row, claim_row)
            ):
                size = _wake(waiting, n_waiting, free_at, ht, hk, size, clock)
                n_waiting = 0
            if not killed and slot + 1 < n_slots[t]:
                pending = t  # its next slot joins the queue, evaluated now
    return n_events
