"""Hoplon: an open toolkit for analysing coalition air and missile defense.

>>> import hoplon
>>> result = hoplon.load("examples/japan-layered-bmd.yaml").run(trials=2000)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hoplon._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from hoplon.api import Scenario

__all__ = ["__version__", "load"]


def load(path: Any) -> Scenario:
    """Load and validate a scenario file (see :func:`hoplon.api.load`)."""
    from hoplon.api import load as _load

    return _load(path)
