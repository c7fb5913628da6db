"""Pareto dominance and the match of two fronts within Monte Carlo error (pure functions).

Objectives are minimised: cost as it is, a security metric to maximise enters negated.
``a`` dominates ``b`` when ``a`` is no worse in every objective and better in one:

    a ≺ b  ⇔  ∀k a_k ≤ b_k  ∧  ∃k a_k < b_k

The front is the set of points no other point dominates (docs/tradespace.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["FrontMatch", "dominates", "match_fronts", "pareto_mask"]


def dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether ``a`` dominates ``b`` (every objective minimised)."""
    return all(x <= y for x, y in zip(a, b, strict=True)) and any(
        x < y for x, y in zip(a, b, strict=True)
    )


def pareto_mask(objectives: NDArray[np.float64]) -> NDArray[np.bool_]:
    """For an ``(n, k)`` array of objectives to minimise, which rows no other row
    dominates. Rows holding NaN are never on the front. Equal rows are all kept."""
    f = np.asarray(objectives, dtype=np.float64)
    if f.ndim != 2:
        raise ValueError("objectives must be an (n, k) array")
    n = f.shape[0]
    ok = ~np.isnan(f).any(axis=1)
    mask: NDArray[np.bool_] = np.array(ok, dtype=bool)
    for i in np.flatnonzero(ok):
        others = f[ok]
        no_worse = (others <= f[i]).all(axis=1)
        better = (others < f[i]).any(axis=1)
        if (no_worse & better).any():
            mask[i] = False
    return mask if n else np.zeros(0, dtype=np.bool_)


@dataclass(frozen=True)
class FrontMatch:
    """How a front ``found`` covers a ``reference`` front (``matched[i]`` for each
    reference point: the found point that matches it, or None)."""

    matched: tuple[int | None, ...]
    same_architecture: int

    @property
    def complete(self) -> bool:
        return all(m is not None for m in self.matched)


def match_fronts(
    reference: Sequence[tuple[str, float, Sequence[float], Sequence[float]]],
    found: Sequence[tuple[str, float, Sequence[float], Sequence[float]]],
    *,
    z: float = 2.0,
) -> FrontMatch:
    """Match each reference point by a found point, within Monte Carlo error.

    Each point is ``(architecture key, cost, metrics to maximise, their standard
    errors)``. A reference point ``r`` is matched by a found point ``f`` of the same
    architecture, or else by one that costs no more and whose every metric is within
    ``z`` standard errors of ``r``'s: ``cost_f ≤ cost_r`` and ``m_f ≥ m_r − z·se_r``.
    """
    matched: list[int | None] = []
    same = 0
    for key, cost, metrics, ses in reference:
        hit = next((j for j, f in enumerate(found) if f[0] == key), None)
        if hit is not None:
            same += 1
        else:
            hit = next(
                (
                    j
                    for j, (_, c, m, _) in enumerate(found)
                    if c <= cost
                    and all(mf >= mr - z * s for mf, mr, s in zip(m, metrics, ses, strict=True))
                ),
                None,
            )
        matched.append(hit)
    return FrontMatch(tuple(matched), same)
