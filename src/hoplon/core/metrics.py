"""Metrics of the result contract, computed from per-trial outcomes.

Proportions carry Wilson score intervals; means carry a normal interval on the
trial-level values (a bootstrap where the distribution is far from normal); see
:mod:`hoplon.core.stats`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from hoplon.core.model import Model
from hoplon.core.runner import Outcomes
from hoplon.core.stats import mean_estimate, proportion_estimate


def _group_sum(values: NDArray[Any], keys: list[str]) -> dict[str, NDArray[np.float64]]:
    """Sum the columns of ``values`` (n, K) by key, preserving first-seen order."""
    out: dict[str, NDArray[np.float64]] = {}
    for j, key in enumerate(keys):
        col = values[:, j].astype(float)
        out[key] = out[key] + col if key in out else col
    return out


def trial_target_hits(waves: list[Model], outcomes: Outcomes) -> NDArray[np.int64]:
    """Leakers reaching each target in each trial, shape (N, G)."""
    targets_all = np.concatenate([m.threat_target for m in waves])
    n_targets = len(waves[0].target_ids)
    hits = np.zeros((outcomes.trials, n_targets), dtype=np.int64)
    for g in range(n_targets):
        mask = targets_all == g
        if mask.any():
            hits[:, g] = outcomes.leaked[:, mask].sum(axis=1)
    return hits


def trial_value_protected(waves: list[Model], outcomes: Outcomes) -> NDArray[np.float64]:
    """Per trial: 1 − (value of the targets hit, each once) ÷ (total value of all targets)."""
    model = waves[0]
    total_value = float(model.target_value.sum())
    if total_value <= 0:
        return np.ones(outcomes.trials)
    lost = (trial_target_hits(waves, outcomes) > 0).astype(float) @ model.target_value
    return np.asarray(1.0 - lost / total_value, dtype=np.float64)


def attacked_targets(waves: list[Model]) -> NDArray[np.bool_]:
    """Whether each target (asset or unit) is the target of at least one threat, (G,)."""
    n_targets = len(waves[0].target_ids)
    attacked = np.zeros(n_targets, dtype=bool)
    for m in waves:
        attacked[m.threat_target] = True
    return attacked


def trial_value_protected_attacked(waves: list[Model], outcomes: Outcomes) -> NDArray[np.float64]:
    """Per trial: 1 − (value of the targets hit) ÷ (value of the attacked targets only).

    Unlike :func:`trial_value_protected`, assets no threat is aimed at do not count as
    protected: only the targets some raid attacks are in the denominator. 1 when no
    attacked target has any value.
    """
    model = waves[0]
    attacked_value = np.where(attacked_targets(waves), model.target_value, 0.0)
    total = float(attacked_value.sum())
    if total <= 0:
        return np.ones(outcomes.trials)
    lost = (trial_target_hits(waves, outcomes) > 0).astype(float) @ attacked_value
    return np.asarray(1.0 - lost / total, dtype=np.float64)


def value_basis(waves: list[Model]) -> dict[str, Any]:
    """Which targets each value metric counts, and their total value.

    ``value_protected`` counts every asset (an unattacked asset counts as protected)
    and the units some raid targets (a unit no raid targets does not count);
    ``value_protected_attacked`` counts only the targets some threat is aimed at.
    """
    model = waves[0]
    attacked = attacked_targets(waves)
    counted = model.target_value > 0
    everything = [tid for g, tid in enumerate(model.target_ids) if counted[g]]
    hit = [tid for g, tid in enumerate(model.target_ids) if counted[g] and attacked[g]]
    return {
        "value_protected": {
            "rule": "every asset, attacked or not (an unattacked asset counts as protected), "
            "and the units some raid targets; units no raid targets do not count",
            "targets": everything,
            "total_value": round(float(model.target_value[counted].sum()), 6),
        },
        "value_protected_attacked": {
            "rule": "only the assets and units some threat is aimed at",
            "targets": hit,
            "total_value": round(float(model.target_value[counted & attacked].sum()), 6),
        },
    }


def value_basis_text(basis: dict[str, Any]) -> str:
    """Which targets the two value-protected figures count, in one sentence each."""
    every = basis["value_protected"]
    attacked = basis["value_protected_attacked"]
    return (
        f"Value protected (all assets) counts {every['rule']}. It counts "
        f"{', '.join(every['targets']) or 'none'} (total value {every['total_value']:g}). "
        f"Value protected (attacked only) counts {attacked['rule']}: "
        f"{', '.join(attacked['targets']) or 'none'} (total value {attacked['total_value']:g})."
    )


def trial_spend_usd(waves: list[Model], outcomes: Outcomes) -> NDArray[np.float64]:
    """Per trial: interceptors fired × unit cost (each entry's cost-year dollars), (N,)."""
    model = waves[0]
    cost = model.interceptor_cost_usd[model.stock_interceptor]
    return np.asarray(outcomes.shots.astype(float) @ cost, dtype=np.float64)


def trial_shots_by_nation(waves: list[Model], outcomes: Outcomes) -> dict[str, NDArray[np.float64]]:
    """Per trial: interceptors fired by each nation's units, in stock order of nations."""
    model = waves[0]
    return _group_sum(outcomes.shots, [model.unit_nation[u] for u in model.stock_unit])


def trial_metric(name: str, waves: list[Model], outcomes: Outcomes) -> NDArray[np.float64]:
    """A per-trial metric by name: ``p_no_leak`` (0/1), ``value_protected``,
    ``value_protected_attacked``, ``expected_leakers``, ``threats_stopped`` (threats that
    did not reach their targets: killed, failed at launch, or never launched)."""
    if name == "p_no_leak":
        return (outcomes.leaked.sum(axis=1) == 0).astype(np.float64)
    if name == "value_protected":
        return trial_value_protected(waves, outcomes)
    if name == "value_protected_attacked":
        return trial_value_protected_attacked(waves, outcomes)
    if name == "expected_leakers":
        return outcomes.leaked.sum(axis=1).astype(np.float64)
    if name == "threats_stopped":  # every threat of the raid that did not reach its target
        return (outcomes.leaked.shape[1] - outcomes.leaked.sum(axis=1)).astype(np.float64)
    raise ValueError(f"unknown metric {name!r}")


def contract_metrics(waves: list[Model], outcomes: Outcomes) -> dict[str, Any]:
    """The ``metrics`` object of the JSON result contract (output-contract.md)."""
    model = waves[0]
    leakers = outcomes.leaked.sum(axis=1)
    targets_all = np.concatenate([m.threat_target for m in waves])
    hits = trial_target_hits(waves, outcomes)
    value_protected = trial_value_protected(waves, outcomes)

    stock_names = [model.interceptor_names[i] for i in model.stock_interceptor]
    by_interceptor = _group_sum(outcomes.shots, stock_names)
    by_nation = trial_shots_by_nation(waves, outcomes)
    spend = trial_spend_usd(waves, outcomes)
    threat_cost = float(sum(m.threat_cost_usd.sum() for m in waves))
    spend_est = mean_estimate(spend)

    metrics: dict[str, Any] = {
        "p_no_leak": proportion_estimate(leakers == 0).to_dict(),
        "expected_leakers": mean_estimate(leakers.astype(float)).to_dict(),
        "value_protected": mean_estimate(value_protected).to_dict(),
        "value_protected_attacked": mean_estimate(
            trial_value_protected_attacked(waves, outcomes)
        ).to_dict(),
        "leakers_by_target": {
            tid: mean_estimate(hits[:, g].astype(float)).to_dict()
            for g, tid in enumerate(model.target_ids)
            if (targets_all == g).any()
        },
        "shots_by_interceptor": {k: mean_estimate(v).to_dict() for k, v in by_interceptor.items()},
        "shots_by_nation": {k: mean_estimate(v).to_dict() for k, v in by_nation.items()},
        "kills_by_unit": {
            uid: mean_estimate(outcomes.kills[:, u].astype(float)).to_dict()
            for u, uid in enumerate(model.unit_ids)
        },
        "interceptor_cost_usd": spend_est.to_dict(),
        "threat_cost_usd": {"mean": threat_cost},
        "cost_exchange_ratio": {
            "mean": round(spend_est.mean / threat_cost, 6) if threat_cost > 0 else None
        },
    }
    return metrics


def threat_rows(waves: list[Model], outcomes: Outcomes) -> list[dict[str, Any]]:
    """The ``threats`` list of the JSON result contract, one row per missile or aircraft."""
    rows: list[dict[str, Any]] = []
    col = 0
    for model in waves:
        engageable = model.engageable_by()
        for t, tid in enumerate(model.threat_ids):
            first = float(model.threat_first_track_s[t])
            row: dict[str, Any] = {
                "id": tid,
                "raid": model.threat_raid[t],
                "target": model.target_ids[int(model.threat_target[t])],
                "first_track_s": round(first, 3) if np.isfinite(first) else None,
                "impact_s": round(float(model.threat_impact_s[t]), 3),
                "engageable_by": engageable[t],
                "p_leak": proportion_estimate(outcomes.leaked[:, col]).to_dict(),
            }
            if "wave" in model.extras:  # scenarios written with `waves:`
                row["wave"] = model.extras["wave"]
            rows.append(row)
            col += 1
    return rows


def transfer_rows(waves: list[Model], outcomes: Outcomes) -> list[dict[str, Any]]:
    """ACSA transfers between waves by (from nation, to nation, interceptor), per trial."""
    if outcomes.transfers is None:
        return []
    model = waves[0]
    totals: dict[tuple[str, str, str], float] = {}
    src, dst = np.nonzero(outcomes.transfers)
    for a, b in zip(src, dst, strict=True):
        key = (
            model.unit_nation[model.stock_unit[a]],
            model.unit_nation[model.stock_unit[b]],
            model.interceptor_names[model.stock_interceptor[a]],
        )
        totals[key] = totals.get(key, 0.0) + float(outcomes.transfers[a, b])
    return [
        {"from": f, "to": t, "interceptor": i, "mean_per_trial": round(v / outcomes.trials, 6)}
        for (f, t, i), v in sorted(totals.items())
    ]
