"""Static weapon-target assignment (WTA), solved to a proven optimum.

The problem. Weapon types ``i = 0..m-1`` with ``c_i`` weapons each, targets
``j = 0..n-1`` worth ``V_j``, and the probability ``p_ij`` that one weapon of type
``i`` destroys target ``j`` (shots independent). Assign ``x_ij`` weapons of type
``i`` to target ``j`` to

    maximise   D(x) = sum_j V_j (1 - prod_i (1 - p_ij) ** x_ij)

(the expected destroyed value), which is the same as minimising the expected
surviving value ``S(x) = sum_j V_j prod_i (1 - p_ij) ** x_ij = sum_V - D(x)``,
subject to

    sum_j x_ij <= c_i               (no more weapons than there are)
    sum_i x_ij >= m_j               (optional minimum weapons per target)
    0 <= x_ij <= u_ij               (optional cap per weapon type and target)
    x_ij integer                    (or continuous, ``relaxed=True``)

Pairs with ``p_ij = 0`` get no variable (the weapon cannot reach the target) and
do not count toward the target's minimum.

The method: outer approximation (Kelley's cutting planes). Writing
``a_ij = ln(1 - p_ij) <= 0`` and ``z_j = sum_i a_ij x_ij``, the surviving value of
target ``j`` is ``f_j(z_j) = V_j exp(z_j)``, a convex function of a linear form of
``x``. Every tangent ``f_j(z0) (1 + z_j - z0)`` is therefore below ``f_j`` for all
``x``. The solver keeps one epigraph variable ``s_j`` per target and solves the
mixed-integer linear program

    minimise sum_j s_j   subject to the constraints above and
    s_j >= V_j e^{z0} (1 + z_j - z0)    for every tangent point z0 kept so far

with :func:`scipy.optimize.milp` (HiGHS). The program relaxes the true one, so
its proven dual bound is a lower bound ``L`` on the optimal surviving value; the
true surviving value ``S(x)`` of its solution is an upper bound ``U``. Tangents at
the solution's ``z_j`` are added wherever ``s_j`` underestimates ``f_j``, and the
loop repeats until ``U - L <= max(abs_gap, rel_gap * U)``.

Guarantees and limits:

- The returned ``bound`` is a proven upper bound on the best expected destroyed
  value (``sum_V - L``) and ``gap = bound - destroyed >= 0``: the assignment is
  within ``gap`` of the optimum whatever the status.
- In integer mode the loop ends in finitely many iterations: the feasible set is
  finite, and a solution met twice has exact tangents, so its bound equals its
  value. In relaxed mode it converges (Kelley) but only to the tolerance.
- Each iteration solves one MILP from scratch; the instance size that is
  practical is set by HiGHS on that MILP (thousands of variables solve in
  seconds to minutes; see docs/wta.md for measured times).
- A kill probability of 1 has ``ln(1 - p) = -inf``: it is modelled as
  :data:`P_MAX` ``= 1 - 1e-9``, here and in the reported objective. One such shot
  leaves at most ``1e-9 V_j`` of the target's value instead of 0, so the objective
  and bound differ from the exact ``p = 1`` values by at most ``1e-9 V_j`` for each
  target with a sure-kill pair and an integer assignment (the relaxed problem
  with ``p = 1`` has no optimum: any fraction of a sure shot would destroy the
  target, so there the capped model is the one solved).

Every function here is pure: arrays in, numbers out. Invalid input raises
``ValueError``; minimums that cannot be met raise :class:`WTAInfeasibleError`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array, vstack

#: Largest kill probability modelled; ``p = 1`` is treated as this (see the module notes).
P_MAX = 1.0 - 1e-9
#: Tangent points of the first program, in ``z = ln(survival)``: 0, -0.5, ..., down to
#: the most a target can be hit or :data:`_Z_FLOOR`, whichever is nearer 0.
_Z_STEP = 0.5
_Z_FLOOR = -14.0  # survival e^-14 ~ 8e-7
_OBJ_SCALE = 1e3


class WTAInfeasibleError(ValueError):
    """The minimum weapons per target cannot all be met with the weapons there are."""

    def __init__(self, message: str, target: int | None = None) -> None:
        super().__init__(message)
        #: The target whose minimum alone cannot be met, if one is to blame.
        self.target = target


@dataclass(frozen=True)
class WTAResult:
    """An assignment with its value, the proven bound and how it was reached."""

    #: ``x[i, j]``: weapons of type ``i`` assigned to target ``j`` (whole numbers unless relaxed).
    assignment: np.ndarray
    #: Expected destroyed value ``D(x)`` of the assignment (the objective, maximised).
    destroyed: float
    #: Expected surviving value ``S(x) = total_value - destroyed``.
    surviving: float
    #: Proven upper bound on the best achievable expected destroyed value.
    bound: float
    #: ``bound - destroyed`` (>= 0): how far from optimal the assignment can be.
    gap: float
    #: ``sum_j V_j``.
    total_value: float
    #: Probability that each target is destroyed under the assignment.
    kill_probability: np.ndarray
    #: Outer-approximation iterations (MILP or LP solves).
    iterations: int
    #: Tangent cuts in the last program.
    cuts: int
    #: ``"optimal"`` (gap within tolerance) or ``"limit"`` (iteration or time limit first).
    status: str
    #: True when the continuous relaxation was solved.
    relaxed: bool
    #: Wall-clock seconds.
    seconds: float


def _as_inputs(
    p: np.ndarray,
    counts: np.ndarray,
    values: np.ndarray,
    min_weapons: np.ndarray | None,
    max_per_pair: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    p = np.asarray(p, dtype=float)
    if p.ndim != 2:
        raise ValueError(f"p must be a matrix (weapon types x targets), got shape {p.shape}")
    m, n = p.shape
    counts = np.asarray(counts, dtype=float)
    values = np.asarray(values, dtype=float)
    if counts.shape != (m,):
        raise ValueError(f"counts must have one entry per weapon type ({m}), got {counts.shape}")
    if values.shape != (n,):
        raise ValueError(f"values must have one entry per target ({n}), got {values.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
        raise ValueError("kill probabilities must be numbers in [0, 1]")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("target values must be finite and >= 0")
    if not np.all(np.isfinite(counts)) or np.any(counts < 0) or np.any(counts != np.round(counts)):
        raise ValueError("weapon counts must be whole numbers >= 0")
    mins = np.zeros(n) if min_weapons is None else np.asarray(min_weapons, dtype=float)
    if mins.shape != (n,):
        raise ValueError(f"min_weapons must have one entry per target ({n}), got {mins.shape}")
    if not np.all(np.isfinite(mins)) or np.any(mins < 0) or np.any(mins != np.round(mins)):
        raise ValueError("minimum weapons per target must be whole numbers >= 0")
    cap = np.broadcast_to(counts[:, None], (m, n)).copy()
    if max_per_pair is not None:
        u = np.asarray(max_per_pair, dtype=float)
        if u.shape != (m, n):
            raise ValueError(f"max_per_pair must have shape {(m, n)}, got {u.shape}")
        if np.any(np.isnan(u)) or np.any(u < 0) or np.any((u != np.round(u)) & np.isfinite(u)):
            raise ValueError("the cap per weapon type and target must be whole numbers >= 0")
        cap = np.minimum(cap, u)
    return p, counts, values, mins, cap


def survival_log(p: np.ndarray) -> np.ndarray:
    """``ln(1 - p)`` elementwise, with ``p`` capped at :data:`P_MAX` (finite, <= 0)."""
    return np.log1p(-np.minimum(np.asarray(p, dtype=float), P_MAX))


def expected_destroyed(p: np.ndarray, values: np.ndarray, x: np.ndarray) -> float:
    """``sum_j V_j (1 - prod_i (1 - p_ij) ** x_ij)`` for an assignment ``x`` (``p`` capped)."""
    a = survival_log(p)
    x = np.asarray(x, dtype=float)
    used = x > 0  # 0 * ln(1 - p) is 0 even where p is 0 or capped
    z = np.where(used, a * np.where(used, x, 0.0), 0.0).sum(axis=0)
    values = np.asarray(values, dtype=float)
    return float(np.sum(values * -np.expm1(z)))


def solve_wta(
    p: np.ndarray,
    counts: np.ndarray,
    values: np.ndarray,
    *,
    min_weapons: np.ndarray | None = None,
    max_per_pair: np.ndarray | None = None,
    extra: tuple[csr_array, np.ndarray] | None = None,
    relaxed: bool = False,
    rel_gap: float = 1e-7,
    abs_gap: float | None = None,
    max_iterations: int = 500,
    time_limit: float | None = None,
) -> WTAResult:
    """Maximise expected destroyed value; see the module notes for the model and method.

    ``p`` is ``(m, n)``: weapon types by targets; ``counts`` ``(m,)`` whole numbers;
    ``values`` ``(n,)``; ``min_weapons`` ``(n,)`` whole numbers (default none);
    ``max_per_pair`` ``(m, n)`` (default no cap; ``inf`` allowed); ``extra`` further
    constraints ``A · vec(x) <= b`` as ``(A, b)``, ``A`` sparse ``(k, m·n)`` over ``x``
    flattened row by row (weapon type major). The loop stops when
    the proven gap is at most ``max(abs_gap, rel_gap * surviving value)``; ``abs_gap``
    defaults to ``1e-8 * sum(values)``. ``time_limit`` (seconds) and ``max_iterations``
    end it earlier with status ``"limit"`` and the best assignment found.
    """
    start = time.perf_counter()
    p, counts, values, mins, cap = _as_inputs(p, counts, values, min_weapons, max_per_pair)
    if not (0 <= rel_gap < 1):
        raise ValueError("rel_gap must be in [0, 1)")
    if max_iterations < 1:
        raise ValueError("max_iterations must be at least 1")
    m, n = p.shape
    total = float(values.sum())
    abs_tol = 1e-8 * total if abs_gap is None else float(abs_gap)
    # HiGHS sees the objective times _OBJ_SCALE, so its fixed absolute MIP gap (1e-6)
    # is negligible against the tolerance.
    unit = 1.0
    w = values / unit

    # One variable per pair that can matter: the weapon reaches the target and may go there.
    wi, tj = np.nonzero((p > 0) & (cap > 0))
    npair = len(wi)
    a = survival_log(p)[wi, tj]
    reach = np.zeros(n)
    np.add.at(reach, tj, cap[wi, tj])
    short = np.nonzero(mins > reach)[0]
    if len(short):
        j = int(short[0])
        raise WTAInfeasibleError(
            f"target {j} needs at least {int(mins[j])} weapons but only "
            f"{int(reach[j]) if math.isfinite(reach[j]) else 0} can reach it",
            target=j,
        )
    # Targets that no weapon reaches keep their whole value; the others get an s variable.
    active = np.unique(tj)
    k_of = np.full(n, -1)
    k_of[active] = np.arange(len(active))
    nk = len(active)
    constant = float(w.sum() - w[active].sum())
    nvar = npair + nk

    c = np.concatenate([np.zeros(npair), np.full(nk, _OBJ_SCALE)])
    lower = np.zeros(nvar)
    upper = np.concatenate([cap[wi, tj], w[active]])
    integrality = np.concatenate(
        [np.zeros(npair) if relaxed else np.ones(npair), np.zeros(nk)]
    ).astype(np.uint8)
    bounds = Bounds(lower, upper)

    fixed: list[LinearConstraint] = []
    if npair:
        cap_rows = coo_array((np.ones(npair), (wi, np.arange(npair))), shape=(m, nvar))
        fixed.append(LinearConstraint(cap_rows.tocsr(), -np.inf, counts))
        need = np.nonzero(mins > 0)[0]
        if len(need):
            row_of = np.full(n, -1)
            row_of[need] = np.arange(len(need))
            sel = row_of[tj] >= 0
            min_rows = coo_array(
                (np.ones(int(sel.sum())), (row_of[tj[sel]], np.nonzero(sel)[0])),
                shape=(len(need), nvar),
            )
            fixed.append(LinearConstraint(min_rows.tocsr(), mins[need], np.inf))
        if extra is not None:
            rows_a = csr_array(extra[0])
            if rows_a.shape[1] != m * n or np.shape(extra[1]) != (rows_a.shape[0],):
                raise ValueError(f"extra must be (A, b) with A of {m * n} columns and b per row")
            picked = coo_array(rows_a[:, wi * n + tj])
            extra_rows = coo_array(
                (picked.data, (picked.row, picked.col)), shape=(rows_a.shape[0], nvar)
            )
            fixed.append(
                LinearConstraint(extra_rows.tocsr(), -np.inf, np.asarray(extra[1], dtype=float))
            )

    # Pairs grouped by target, for the cuts: z_k = sum over the target's pairs of a * x.
    pair_k = k_of[tj]
    by_target = np.argsort(pair_k, kind="stable")
    degree = np.bincount(pair_k, minlength=nk)
    first = np.concatenate([[0], np.cumsum(degree)[:-1]]).astype(int)
    cut_blocks: list[csr_array] = []
    cut_lb: list[np.ndarray] = []
    ncuts = 0

    def add_cuts(ks: np.ndarray, z0: np.ndarray) -> None:
        """Tangents of V_k e^z at z0 for targets ks: s_k - g sum a x >= g (1 - z0)."""
        nonlocal ncuts
        g = w[active[ks]] * np.exp(z0)
        lens = degree[ks]
        rows = np.repeat(np.arange(len(ks)), lens)
        within = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
        pairs = by_target[first[ks][rows] + within]
        block = coo_array(
            (
                np.concatenate([-g[rows] * a[pairs], np.ones(len(ks))]),
                (np.concatenate([rows, np.arange(len(ks))]), np.concatenate([pairs, npair + ks])),
            ),
            shape=(len(ks), nvar),
        ).tocsr()
        cut_blocks.append(block)
        cut_lb.append(g * (1.0 - z0))
        ncuts += len(ks)

    # First tangents: a grid in z from 0 down to what the target can reach at most.
    if nk:
        zmin = np.zeros(nk)
        np.add.at(zmin, pair_k, a * np.minimum(cap[wi, tj], counts[wi]))
        depth = np.maximum(zmin, _Z_FLOOR)
        steps = np.floor(-depth / _Z_STEP).astype(int)
        ks0 = np.repeat(np.arange(nk), steps + 1)
        z0 = -_Z_STEP * (
            np.arange(len(ks0)) - np.repeat(np.cumsum(steps + 1) - (steps + 1), steps + 1)
        )
        add_cuts(ks0, z0)

    best_x = np.zeros(npair)
    best_s = math.inf
    lower_bound = -math.inf
    status = "limit"
    iterations = 0
    mip_gap = max(rel_gap / 10.0, 1e-12)
    while iterations < max_iterations:
        options: dict[str, float | bool] = {"disp": False, "mip_rel_gap": mip_gap}
        if time_limit is not None:
            left = time_limit - (time.perf_counter() - start)
            if left <= 0:
                break
            options["time_limit"] = left
        constraints = list(fixed)
        if cut_blocks:
            constraints.append(
                LinearConstraint(vstack(cut_blocks).tocsr(), np.concatenate(cut_lb), np.inf)
            )
        if not constraints:  # nothing to assign: every target out of reach
            status = "optimal"
            lower_bound = best_s = constant
            break
        res = milp(
            c, constraints=constraints, integrality=integrality, bounds=bounds, options=options
        )
        iterations += 1
        if res.status == 2:
            raise WTAInfeasibleError(
                "the minimum weapons per target cannot all be met together with the weapons "
                f"there are (they ask for {int(mins.sum())} weapons in all)"
            )
        if res.x is None:  # time limit before any feasible point
            break
        x = res.x[:npair]
        if not relaxed:
            x = np.round(x)
        dual = getattr(res, "mip_dual_bound", None)
        bound_it = res.fun if relaxed or dual is None or not math.isfinite(dual) else dual
        lower_bound = max(lower_bound, float(bound_it) / _OBJ_SCALE + constant)
        z = np.zeros(nk)
        np.add.at(z, pair_k, a * x)
        f = w[active] * np.exp(z)
        s_true = float(f.sum()) + constant
        if s_true < best_s:
            best_s, best_x = s_true, x
        tol = max(abs_tol / unit, rel_gap * best_s)
        if best_s - lower_bound <= tol:
            status = "optimal"
            break
        s_model = res.x[npair:]
        # Add a tangent only where it is off by more than a share of the tolerance: the
        # gap is at most the sum of these errors plus the MILP's own gap.
        violated = np.nonzero(f - s_model > tol / (2 * nk))[0]
        if len(violated):
            add_cuts(violated, z[violated])
        elif mip_gap > 1e-12:
            mip_gap = max(mip_gap / 100.0, 1e-12)  # exact tangents: only the MILP gap is left
        else:
            break
        if res.status == 1:  # the MILP hit the time limit: its bound is all there is
            break

    assignment = np.zeros((m, n))
    assignment[wi, tj] = best_x
    destroyed = expected_destroyed(p, values, assignment) if npair else 0.0
    surviving = total - destroyed
    bound = total - min(lower_bound * unit, surviving) if math.isfinite(lower_bound) else total
    z_all = np.where(assignment > 0, survival_log(p) * assignment, 0.0).sum(axis=0)
    return WTAResult(
        assignment=assignment,
        destroyed=destroyed,
        surviving=surviving,
        bound=bound,
        gap=bound - destroyed,
        total_value=total,
        kill_probability=-np.expm1(z_all),
        iterations=iterations,
        cuts=ncuts,
        status=status,
        relaxed=relaxed,
        seconds=time.perf_counter() - start,
    )
