"""The planned doctrine: one optimal allocation of interceptors to threats, per wave.

Computed once from the compiled geometry (:class:`hoplon.core.model.Model`), before any
trial, and executed trial by trial by the engine (:mod:`hoplon.core.kernel`). The
formulation (docs/model.md, "The planned doctrine"): a static weapon-target assignment
in which the weapons are the stocks (one unit's interceptor type), the targets the
threats, and a pair exists where an engagement window does. With ``x_{s,t}`` the
interceptors stock ``s`` is planned to fire at threat ``t``:

    minimise   Σ_t V_t r_t Π_s (1 − p_{s,t})^{x_{s,t}}        (expected value lost)
    subject to Σ_t x_{s,t} <= m_s                              (magazines)
               0 <= x_{s,t} <= n · e_{s,t}                     (the window's salvos)
               Σ_{s of unit u} x_{s,t} <= n                    (no shoot-look-shoot)
               x_{s,t} integer

``V_t`` is the value of the threat's target, ``r_t`` its reliability, ``p_{s,t}`` the
single-shot kill probability, ``n`` the shots per engagement, ``m_s`` the magazine and
``e_{s,t}`` the salvos the window allows (1 without shoot-look-shoot; with it, as many
as fit one after the other with the assessment time between). Pairs exist only where a
window does: who may defend whom and the geometry are already in the windows. The
program is solved by :func:`hoplon.core.wta.solve_wta` (outer approximation with
scipy's ``milp``, HiGHS) to a proven gap.

Pure numpy/scipy; no validation, files or output here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_array

from hoplon.core.model import IntArray, Model
from hoplon.core.wta import solve_wta

#: Most salvos per window the plan gives (the engine's slots per threat).
MAX_SALVOS = 12


#: The solver's default time limit per wave, seconds.
TIME_LIMIT_S = 60.0


@dataclass(frozen=True)
class Allocation:
    """A planned allocation and how good it is."""

    #: (W,) interceptors planned for each window (stock, threat).
    interceptors: IntArray
    #: Σ_t V_t r_t: the value the raid puts at risk, in the plan's terms.
    value_at_risk: float
    #: Expected value lost under the plan (the objective, minimised).
    expected_loss: float
    #: Proven lower bound on the expected value lost by any allocation.
    bound: float
    #: ``"optimal"`` (within the gap) or ``"limit"`` (time limit first).
    status: str
    #: Wall-clock seconds, including building the program.
    seconds: float


def window_salvos(model: Model) -> IntArray:
    """Per window, the salvos it allows: 1 without shoot-look-shoot, else as many as fit
    one after the other (each launched at or after the last intercept plus assessment)."""
    win = model.windows
    out = np.zeros(win.count, dtype=np.int64)
    for w in range(win.count):
        lo, hi = int(win.offsets[w]), int(win.offsets[w + 1])
        if hi <= lo:
            continue
        if not model.shoot_look_shoot:
            out[w] = 1
            continue
        launch = win.launch_s[lo:hi]
        earliest = -np.inf
        count = 0
        while count < MAX_SALVOS:
            k = int(np.searchsorted(launch, earliest, side="left"))
            if k >= hi - lo:
                break
            count += 1
            earliest = float(win.best_intercept_s[lo + k]) + model.assessment_s
        out[w] = count
    return out


def plan_allocation(
    model: Model, *, time_limit: float | None = TIME_LIMIT_S, rel_gap: float = 1e-6
) -> Allocation:
    """The allocation maximising expected protected value (module notes), for one wave.

    ``time_limit`` (seconds) bounds the solver; the best allocation found is returned
    with status ``"limit"`` if it ends first.
    """
    start = time.perf_counter()
    win = model.windows
    n_stocks, n_threats = model.n_stocks, model.n_threats
    spe = model.shots_per_engagement
    value = model.target_value[model.threat_target] * model.threat_reliability
    usable = (win.offsets[1:] > win.offsets[:-1]) & (win.p_kill > 0)
    ws = np.flatnonzero(usable)
    s_of, t_of = win.stock[ws], win.threat[ws]
    p = np.zeros((n_stocks, n_threats))
    cap = np.zeros((n_stocks, n_threats))
    p[s_of, t_of] = win.p_kill[ws]
    cap[s_of, t_of] = spe * window_salvos(model)[ws]
    extra = None
    if not model.shoot_look_shoot:  # one engagement per unit and threat
        unit = model.stock_unit[s_of]
        pair = unit * n_threats + t_of
        _, group_of, sizes = np.unique(pair, return_inverse=True, return_counts=True)
        shared = sizes[group_of] > 1
        if shared.any():
            rows = np.unique(group_of[shared], return_inverse=True)[1]
            cols = s_of[shared] * n_threats + t_of[shared]
            a = coo_array(
                (np.ones(int(shared.sum())), (rows, cols)),
                shape=(int(rows.max()) + 1, n_stocks * n_threats),
            ).tocsr()
            extra = (a, np.full(a.shape[0], float(spe)))
    result = solve_wta(
        p,
        model.stock_initial.astype(float),
        value,
        max_per_pair=cap,
        extra=extra,
        rel_gap=rel_gap,
        time_limit=time_limit,
    )
    x = np.zeros(win.count, dtype=np.int64)
    x[ws] = np.round(result.assignment[s_of, t_of]).astype(np.int64)
    return Allocation(
        interceptors=x,
        value_at_risk=float(value.sum()),
        expected_loss=float(result.surviving),
        bound=float(result.total_value - result.bound),
        status=result.status,
        seconds=time.perf_counter() - start,
    )
