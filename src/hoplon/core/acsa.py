"""Cross-servicing (ACSA) between waves: interceptors rebalanced among partners' units.

Rule (``docs/coalition.md``): between two waves, within each group of stocks that
hold the same interceptor type and belong to units of nations bound by one ``acsa``
agreement, interceptors move from the fuller units to the emptier ones so that every
unit ends as close as possible to the same *fill fraction* (count ÷ its magazine
load at the start of the campaign), never above its load:

    target_i = floor(total · load_i / Σ load),  then the remaining
    total − Σ target_i interceptors go one each to the stocks with the largest
    fractional remainders (ties: lower stock index first), where below load.

Nothing is created or destroyed (Σ target = total), and transfers happen only inside
a group. The flows between stocks are matched greedily in stock order (the donors'
surplus, cumulated, is laid against the receivers' needs, cumulated), which gives
transfers by nation pair and type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]

#: Elements of one (trials, k, k) work array in :func:`pair_flows`.
FLOW_CHUNK_ELEMENTS = 2_000_000


@dataclass(frozen=True)
class AcsaResupply:
    """Rebalancing groups: each an array of stock indices sharing one interceptor type."""

    groups: tuple[IntArray, ...]
    load: IntArray  # (S,) magazine load of each stock at the start of the campaign
    n_stocks: int

    def __call__(
        self, stock: NDArray[np.int32]
    ) -> tuple[NDArray[np.int32], NDArray[np.int32] | None]:
        """Rebalance ``stock`` (n, S); returns the new stock and flows (S, S) summed over trials."""
        new = stock.copy()
        flows = np.zeros((self.n_stocks, self.n_stocks), dtype=np.int64)
        for group in self.groups:
            counts = new[:, group].astype(np.int64)
            target = rebalance(counts, self.load[group])
            new[:, group] = target.astype(np.int32)
            flows[np.ix_(group, group)] += pair_flows(counts, target)
        return new, flows.astype(np.int32)


def rebalance(counts: IntArray, load: IntArray) -> IntArray:
    """Equal fill fractions within one group, vectorised over trials.

    Args:
        counts: (n, k) interceptors held by each of the group's k stocks.
        load: (k,) each stock's magazine load (the most it can hold).

    Returns:
        (n, k) new counts with the same row sums, each at most its load.
    """
    load = np.asarray(load, dtype=np.int64)
    total = counts.sum(axis=1, keepdims=True)
    capacity = int(load.sum())
    if capacity == 0:
        return counts.copy()
    exact = total * load[None, :] / capacity
    target = np.floor(exact).astype(np.int64)
    remainder = (total[:, 0] - target.sum(axis=1)).astype(np.int64)
    frac = exact - target
    frac = np.where(target < load[None, :], frac, -1.0)
    # stable order: largest remainder first, lower index on ties
    order = np.argsort(-frac, axis=1, kind="stable")
    rank = np.empty_like(order)
    rows = np.arange(counts.shape[0])[:, None]
    rank[rows, order] = np.arange(counts.shape[1])[None, :]
    target += (rank < remainder[:, None]).astype(np.int64)
    return target


def pair_flows(before: IntArray, after: IntArray) -> IntArray:
    """Interceptors moved from stock a to stock b, summed over trials, shape (k, k).

    Donors' surpluses and receivers' needs are each cumulated in stock order and laid
    against one another; the overlap of donor a's interval with receiver b's is the
    flow a → b.
    """
    n, k = before.shape
    flows = np.zeros((k, k), dtype=np.int64)
    # (rows, k, k) work arrays: take rows in chunks so memory stays near 16 MB per array
    step = max(1, FLOW_CHUNK_ELEMENTS // max(k * k, 1))
    for start in range(0, n, step):
        b, a = before[start : start + step], after[start : start + step]
        give = np.maximum(b - a, 0)
        take = np.maximum(a - b, 0)
        give_hi = np.cumsum(give, axis=1)
        take_hi = np.cumsum(take, axis=1)
        lo = np.maximum((give_hi - give)[:, :, None], (take_hi - take)[:, None, :])
        hi = np.minimum(give_hi[:, :, None], take_hi[:, None, :])
        flows += np.maximum(hi - lo, 0).sum(axis=0)
    return flows
