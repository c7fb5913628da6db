"""Small hand-built compiled models for engine tests (no geometry needed)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hoplon.core.model import TIER_RANK, EngagementWindows, Model


def window_points(launch: Sequence[float], intercept: Sequence[float]) -> tuple[np.ndarray, ...]:
    """Sorted launch times with the suffix-minimum best engagement, as the compile step builds."""
    order = np.argsort(np.asarray(launch, dtype=float), kind="stable")
    lt = np.asarray(launch, dtype=float)[order]
    it = np.asarray(intercept, dtype=float)[order]
    best_l = lt.copy()
    best_i = it.copy()
    for k in range(len(lt) - 2, -1, -1):
        if best_i[k + 1] < best_i[k]:
            best_i[k] = best_i[k + 1]
            best_l[k] = best_l[k + 1]
    return lt, best_l, best_i


def make_model(
    *,
    n_threats: int,
    units: Sequence[dict],
    windows: Sequence[dict],
    threat_reliability: float | Sequence[float] = 1.0,
    targets: Sequence[int] | None = None,
    target_values: Sequence[float] = (1.0,),
    shots_per_engagement: int = 1,
    shoot_look_shoot: bool = False,
    assessment_s: float = 5.0,
    assignment: str = "earliest-intercept",
    layered: bool = False,
    reserve: str = "expected",
    reserve_amount: float = 0.0,
    planned: Sequence[int] | None = None,
    interceptor_tiers: Sequence[str] | None = None,
    threat_parent: Sequence[int] | None = None,
) -> Model:
    """A Model from plain descriptions.

    ``units``: dicts with ``stock`` (mapping interceptor index -> count), optional
    ``capacity``, ``nation``. Interceptors are indexed 0..I-1 with cost ``1e6 * (i + 1)``
    and tier ``upper`` for index 0, ``lower`` otherwise.
    ``windows``: dicts with ``unit``, ``interceptor``, ``threat``, ``p`` and ``points``:
    a list of (launch_s, intercept_s).
    ``threat_parent``: per threat, the threat carrying it as a stand-off missile, or -1.
    """
    stock_unit, stock_int, stock_init = [], [], []
    stock_index: dict[tuple[int, int], int] = {}
    for u, spec in enumerate(units):
        for i, count in spec["stock"].items():
            stock_index[(u, i)] = len(stock_unit)
            stock_unit.append(u)
            stock_int.append(i)
            stock_init.append(count)
    n_int = max(stock_int) + 1 if stock_int else 1
    offsets = [0]
    lt_all, bl_all, bi_all = [], [], []
    w_stock, w_threat, w_p = [], [], []
    for w in windows:
        lt, bl, bi = window_points([p[0] for p in w["points"]], [p[1] for p in w["points"]])
        lt_all.append(lt)
        bl_all.append(bl)
        bi_all.append(bi)
        offsets.append(offsets[-1] + len(lt))
        w_stock.append(stock_index[(w["unit"], w["interceptor"])])
        w_threat.append(w["threat"])
        w_p.append(w["p"])
    cat = np.concatenate if lt_all else (lambda _: np.zeros(0))
    win = EngagementWindows(
        stock=np.asarray(w_stock, dtype=np.int64),
        threat=np.asarray(w_threat, dtype=np.int64),
        p_kill=np.asarray(w_p, dtype=float),
        offsets=np.asarray(offsets, dtype=np.int64),
        launch_s=cat(lt_all),
        best_launch_s=cat(bl_all),
        best_intercept_s=cat(bi_all),
    )
    rel = np.broadcast_to(np.asarray(threat_reliability, dtype=float), (n_threats,)).copy()
    tgt = np.zeros(n_threats, dtype=np.int64) if targets is None else np.asarray(targets)
    return Model(
        threat_ids=tuple(f"t#{k + 1}" for k in range(n_threats)),
        threat_raid=tuple("t" for _ in range(n_threats)),
        threat_target=tgt.astype(np.int64),
        threat_class=tuple("mrbm" for _ in range(n_threats)),
        threat_launch_s=np.zeros(n_threats),
        threat_impact_s=np.full(n_threats, 1000.0),
        threat_reliability=rel,
        threat_cost_usd=np.full(n_threats, 1e6),
        threat_first_track_s=np.zeros(n_threats),
        target_ids=tuple(f"g{k}" for k in range(len(target_values))),
        target_value=np.asarray(target_values, dtype=float),
        unit_ids=tuple(f"u{k}" for k in range(len(units))),
        unit_nation=tuple(spec.get("nation", "USA") for spec in units),
        unit_capacity=np.asarray(
            [spec.get("capacity", 1_000_000) for spec in units], dtype=np.int64
        ),
        interceptor_names=tuple(f"I{k}" for k in range(n_int)),
        interceptor_cost_usd=np.asarray([1e6 * (k + 1) for k in range(n_int)]),
        interceptor_tier=np.asarray(
            [
                TIER_RANK[interceptor_tiers[k]]
                if interceptor_tiers is not None
                else TIER_RANK["upper"]
                if k == 0
                else TIER_RANK["lower"]
                for k in range(n_int)
            ],
            dtype=np.int64,
        ),
        stock_unit=np.asarray(stock_unit, dtype=np.int64),
        stock_interceptor=np.asarray(stock_int, dtype=np.int64),
        stock_initial=np.asarray(stock_init, dtype=np.int64),
        windows=win,
        shots_per_engagement=shots_per_engagement,
        shoot_look_shoot=shoot_look_shoot,
        assessment_s=assessment_s,
        assignment=assignment,
        layered=layered,
        reserve=reserve,
        reserve_amount=reserve_amount,
        planned=None if planned is None else np.asarray(planned, dtype=np.int64),
        threat_parent=None if threat_parent is None else np.asarray(threat_parent, dtype=np.int64),
    )
