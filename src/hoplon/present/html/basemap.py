"""Clipping of the shipped land polygons to the report's map frame.

The land itself (Natural Earth 1:50m, decoded from TopoJSON) is :mod:`hoplon.geodata`,
which the scenario checks use too; it is re-exported here for the map.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hoplon.geodata import LAND_SOURCE, land_rings

FloatArray = NDArray[np.float64]

__all__ = ["LAND_SOURCE", "clip_ring", "land_rings"]


def clip_ring(points: FloatArray, x0: float, y0: float, x1: float, y1: float) -> FloatArray:
    """Clip a closed polygon ring to a rectangle (Sutherland-Hodgman).

    The result is a single ring; where a polygon leaves and re-enters the rectangle
    the clipped ring runs along the rectangle's edge, which fills correctly.

    Args:
        points: ``(n, 2)`` ring (x, y) in any units.
        x0, y0, x1, y1: the rectangle, ``x0 < x1`` and ``y0 < y1``, same units.
    """
    out = points
    for axis, bound, keep_above in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        if out.shape[0] == 0:
            break
        value = out[:, axis]
        inside = value >= bound if keep_above else value <= bound
        if inside.all():
            continue
        if not inside.any():
            return np.zeros((0, 2))
        prev = np.roll(out, 1, axis=0)
        prev_inside = np.roll(inside, 1)
        crossing = inside != prev_inside
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = (bound - prev[:, axis]) / (value - prev[:, axis])
        cross_pts = prev + (out - prev) * np.where(crossing, frac, 0.0)[:, None]
        cross_pts[:, axis] = np.where(crossing, bound, cross_pts[:, axis])
        # Each edge contributes its crossing point (if it crosses), then its end point
        # (if inside), in that order.
        candidates = np.stack([cross_pts, out], axis=1).reshape(-1, 2)
        keep = np.stack([crossing, inside], axis=1).reshape(-1)
        out = candidates[keep]
    return out
