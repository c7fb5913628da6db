"""The compiled, deterministic model of one scenario: what the engine consumes.

Everything here is plain numpy arrays and tuples of strings, SI units (metres,
seconds, US dollars of the catalog entry's year), built once per scenario by
:func:`hoplon.compile.waves.compile_scenario` and never modified afterwards. The
engine (:mod:`hoplon.core.engine`) draws chance against it, vectorised over
trials.

Index conventions (all ``int64`` arrays):

- threats ``t`` in ``0..T-1``: each individual missile or aircraft;
- units ``u`` in ``0..U-1``: shooters;
- interceptor types ``i`` in ``0..I-1``;
- stocks ``s`` in ``0..S-1``: one entry of a unit's magazine (unit × interceptor type);
- windows ``w`` in ``0..W-1``: one (stock, threat) pair that geometry allows, with its
  feasible launch/intercept times stored as a CSR list of points.
- targets ``g`` in ``0..G-1``: assets and units that threats aim at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Tier ranks, from the highest layer (first to engage) to the lowest.
TIER_RANK = {"upper": 0, "high": 1, "lower": 2, "point": 3}


@dataclass(frozen=True)
class EngagementWindows:
    """Feasible engagements per (stock, threat), as CSR arrays.

    For window ``w`` its points are ``slice(offsets[w], offsets[w + 1])``. The points
    are sorted by ``launch_s`` ascending. ``best_launch_s[k]`` / ``best_intercept_s[k]``
    give, among all points of the window with launch time >= ``launch_s[k]``, the one with
    the earliest intercept time (a suffix minimum), so that for an earliest permitted
    launch time ``E`` the engagement taken is::

        k = offsets[w] + searchsorted(launch_s[offsets[w]:offsets[w+1]], E, "left")
        if k < offsets[w+1]: launch = best_launch_s[k]; intercept = best_intercept_s[k]

    Launch times already include the unit's fire-control track time and ``reaction_s``
    (no point launches earlier than ``track + reaction``).
    """

    stock: IntArray  # (W,) index into Model.stock_*
    threat: IntArray  # (W,)
    p_kill: FloatArray  # (W,) single-shot kill probability = reliability * sspk[class]
    offsets: IntArray  # (W+1,)
    launch_s: FloatArray  # (N,) seconds from scenario start
    best_launch_s: FloatArray  # (N,)
    best_intercept_s: FloatArray  # (N,)

    @property
    def count(self) -> int:
        return int(self.stock.shape[0])

    def first_launch_s(self) -> FloatArray:
        """Earliest launch time of each window, seconds, shape (W,)."""
        return self.launch_s[self.offsets[:-1]]

    def first_intercept_s(self) -> FloatArray:
        """Earliest intercept time of each window, seconds, shape (W,)."""
        return self.best_intercept_s[self.offsets[:-1]]


@dataclass(frozen=True)
class Model:
    """Arrays describing one wave of one scenario, ready for the engine."""

    # threats (T,)
    threat_ids: tuple[str, ...]
    threat_raid: tuple[str, ...]
    threat_target: IntArray  # index into target_ids
    threat_class: tuple[str, ...]
    threat_launch_s: FloatArray
    threat_impact_s: FloatArray  # reaches its target (or release range, for aircraft)
    threat_reliability: FloatArray
    threat_cost_usd: FloatArray
    threat_first_track_s: FloatArray  # first usable fire-control track by any unit; inf if none

    # targets (G,)
    target_ids: tuple[str, ...]
    target_value: FloatArray

    # units (U,)
    unit_ids: tuple[str, ...]
    unit_nation: tuple[str, ...]
    unit_capacity: IntArray  # engagements in progress at once (min of launchers, fire channels)

    # interceptor types (I,)
    interceptor_names: tuple[str, ...]
    interceptor_cost_usd: FloatArray
    interceptor_tier: IntArray  # TIER_RANK value

    # stocks (S,)
    stock_unit: IntArray
    stock_interceptor: IntArray
    stock_initial: IntArray

    windows: EngagementWindows

    # doctrine
    shots_per_engagement: int
    shoot_look_shoot: bool
    assessment_s: float
    assignment: str  # earliest-intercept | cheapest-capable | preserve-upper-tier | planned
    #: fire an earlier tier first when a later tier is left as a second opportunity
    layered: bool = False
    #: upper-tier interceptors preserve-upper-tier keeps: "expected" (the expected demand
    #: of the threats only the upper tier can reach, later in the raid), "count" (a number
    #: per stock, ``reserve_amount``) or "fraction" (of the stock's load)
    reserve: str = "expected"
    reserve_amount: float = 0.0
    #: (W,) interceptors the planned doctrine gives each window (``assignment: planned``)
    planned: IntArray | None = None
    #: (T,) the threat that carries each threat as a stand-off missile (its launch
    #: platform), -1 for none; None when no threat has one. A missile is launched only if
    #: its platform reached its release point alive, and a platform never leaks itself.
    threat_parent: IntArray | None = None

    extras: dict[str, object] = field(default_factory=dict)

    @property
    def n_threats(self) -> int:
        return len(self.threat_ids)

    @property
    def n_units(self) -> int:
        return len(self.unit_ids)

    @property
    def n_stocks(self) -> int:
        return int(self.stock_unit.shape[0])

    def engageable_by(self) -> list[list[str]]:
        """For each threat, the ids of the units that geometry lets engage it at all."""
        out: list[set[str]] = [set() for _ in range(self.n_threats)]
        for w in range(self.windows.count):
            t = int(self.windows.threat[w])
            u = int(self.stock_unit[self.windows.stock[w]])
            out[t].add(self.unit_ids[u])
        return [sorted(s) for s in out]
