"""Uncertain parameters: a field path with a distribution, checked against its scenario.

A parameter maps a point of the unit interval to a value of its field through its
distribution's quantile function (:meth:`Parameter.values`); :func:`parameters` reads a
scenario's ``uncertain:`` section and refuses, at the entry's line, a path that names no
field or a distribution whose extremes the field does not accept.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hoplon.errors import InputError, OverrideError, Problem, format_path, parse_path
from hoplon.scenario.loader import LoadedScenario, load_data
from hoplon.scenario.paths import apply_overrides, seed_catalog_entry, value_at
from hoplon.scenario.schema import (
    BetaDistribution,
    Choice,
    Distribution,
    Normal,
    Triangular,
    Uniform,
)


@dataclass(frozen=True)
class Parameter:
    """One uncertain field: its path, its distribution, and whether it takes whole numbers."""

    path: str
    dist: Distribution
    integer: bool = False

    def describe(self) -> str:
        """The distribution as written in the scenario: ``uniform [0.5, 0.9]``."""
        name, values = next(iter(self.dist.model_dump().items()))
        return f"{name} {list(values)}"

    def bounds(self) -> tuple[Any, ...]:
        """The values a sample may reach at its extremes (each value of a choice)."""
        d = self.dist
        if isinstance(d, Choice):
            return tuple(d.choice)
        if isinstance(d, Uniform):
            return self._cast(d.uniform[0]), self._cast(d.uniform[1])
        if isinstance(d, Triangular):
            return self._cast(d.triangular[0]), self._cast(d.triangular[2])
        if isinstance(d, BetaDistribution):
            low, high = (d.beta[2], d.beta[3]) if len(d.beta) == 4 else (0.0, 1.0)
            return self._cast(low), self._cast(high)
        assert isinstance(d, Normal)
        return self._cast(d.normal[2]), self._cast(d.normal[3])

    def values(self, u: NDArray[np.float64]) -> list[Any]:
        """The values at unit-interval points ``u`` (the quantile function)."""
        from scipy import stats

        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        d = self.dist
        if isinstance(d, Choice):
            k = np.minimum((u * len(d.choice)).astype(np.int64), len(d.choice) - 1)
            return [d.choice[int(i)] for i in k]
        if isinstance(d, Uniform):
            low, high = d.uniform
            x = low + (high - low) * u
        elif isinstance(d, Triangular):
            low, mode, high = d.triangular
            c = (mode - low) / (high - low)
            x = stats.triang.ppf(u, c, loc=low, scale=high - low)
        elif isinstance(d, BetaDistribution):
            a, b = d.beta[0], d.beta[1]
            low, high = (d.beta[2], d.beta[3]) if len(d.beta) == 4 else (0.0, 1.0)
            x = low + (high - low) * stats.beta.ppf(u, a, b)
        else:
            mean, sd, low, high = d.normal
            x = stats.truncnorm.ppf(u, (low - mean) / sd, (high - mean) / sd, loc=mean, scale=sd)
        return [self._cast(v) for v in np.asarray(x, dtype=float)]

    def _cast(self, value: float) -> Any:
        return int(round(value)) if self.integer else float(value)


def parameters(loaded: LoadedScenario, raw: Mapping[str, Any]) -> list[Parameter]:
    """The scenario's uncertain parameters, each checked against the scenario.

    A parameter is refused when its path names no field, or when one of its extreme
    values (each value of a ``choice``) is a value the field does not accept: the message
    names the ``uncertain:`` entry's line and what the scenario refused.

    Raises:
        InputError: no ``uncertain:`` section, or a parameter the scenario refuses.
    """
    spec = loaded.spec
    file = loaded.path or "<scenario>"
    if not spec.uncertain:
        raise InputError.single(
            "the scenario has no uncertain: section; add one, e.g. uncertain: "
            '{catalog.interceptors."SM-3 Block IB".sspk.mrbm: {uniform: [0.5, 0.9]}} '
            "(docs/sensitivity.md)",
            file=file,
            field="uncertain",
        )
    out: list[Parameter] = []
    for path, dist in spec.uncertain.items():
        line, column = loaded.positions.get(("uncertain", path), (None, None))
        where = f"uncertain.{path}"
        try:
            key = format_path(parse_path(path))
        except OverrideError as exc:
            raise InputError(Problem(str(exc), where, line, column), file) from None
        seeded = copy.deepcopy(dict(raw))
        seed_catalog_entry(seeded, parse_path(path))
        base = value_at(seeded, parse_path(path))
        integer = (
            isinstance(base, int) and not isinstance(base, bool) and not isinstance(dist, Choice)
        )
        param = Parameter(key, dist, integer)
        for value in param.bounds():
            try:
                load_data(apply_overrides(raw, {key: value}), file, loaded.positions)
            except OverrideError as exc:
                raise InputError(
                    Problem(str(exc).removeprefix(f"{key}: "), where, line, column), file
                ) from None
            except InputError as exc:
                p = exc.problems[0]
                what = f"{p.field}: {p.message}" if p.field else p.message
                raise InputError(
                    Problem(
                        f"{param.describe()} reaches {value!r}, which the scenario refuses "
                        f"({what})",
                        where,
                        line,
                        column,
                    ),
                    file,
                ) from None
        out.append(param)
    return out


def to_values(params: Sequence[Parameter], unit: NDArray[np.float64]) -> list[dict[str, Any]]:
    """Each row of unit-cube points as ``{path: value}``."""
    columns = [p.values(unit[:, j]) for j, p in enumerate(params)]
    return [{p.path: columns[j][i] for j, p in enumerate(params)} for i in range(unit.shape[0])]
