"""JSON as strict parsers read it: every ``--json`` output goes through :func:`dumps`.

Python's ``json`` writes ``Infinity`` and ``NaN`` for non-finite floats, which JSON does
not have (RFC 8259 §6; jq and JavaScript refuse them). A figure that is not a finite
number (a cost-exchange ratio over a zero cost, an overflowing sum) is written as
``null``: the same as a ratio with nothing to divide by.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

__all__ = ["dumps", "finite"]


def finite(value: Any) -> Any:
    """``value`` with every non-finite float (at any depth) replaced by None."""
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def dumps(value: Any, indent: int | None = 2) -> str:
    """Strict JSON text of ``value`` (non-finite floats as null), with a final newline."""
    return json.dumps(finite(value), indent=indent, allow_nan=False) + "\n"
