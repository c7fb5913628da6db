"""Weapon-target assignment instances: read, validate, solve, report as plain data.

An instance file (YAML, or JSON, which the same reader accepts) lists weapon types
with their counts, targets with their values and optional minimum weapons, and
the single-shot kill probability of each weapon type against each target::

    name: two weapons, three targets       # optional
    source: where the figures come from    # optional
    weapons:
      - {name: missile, count: 4}
      - {name: bomber, count: 2, max_per_target: 1}   # optional cap per target
    targets:
      - {name: depot, value: 100, min_weapons: 1}     # min_weapons optional
      - {name: bridge, value: 60}
      - {name: radar, value: 30}
    kill_probability:          # per weapon: a list in target order, or a mapping
      missile: [0.3, 0.5, 0.2]                        # target -> p (absent = 0)
      bomber: {depot: 0.6, radar: 0.9}

Every refusal is an :class:`~hoplon.errors.InputError` naming the file, line, field
and what is accepted. The solver is :func:`hoplon.core.wta.solve_wta`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import ConfigDict, Field, ValidationError

from hoplon.core.wta import WTAInfeasibleError, WTAResult, solve_wta
from hoplon.errors import FieldPath, InputError, Problem, did_you_mean, format_path
from hoplon.numbers import NoBoolNumbers
from hoplon.scenario.loader import locate, validation_problems
from hoplon.scenario.yamlio import Positions, parse_yaml, read_text

Name = Annotated[str, Field(min_length=1, max_length=100)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(NoBoolNumbers):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Weapon(_Strict):
    """A weapon type and how many of it there are."""

    name: Name | int
    count: Annotated[int, Field(ge=0, le=10**9)]
    max_per_target: Annotated[int, Field(ge=0, le=10**9)] | None = None


class Target(_Strict):
    """A target, its value and the fewest weapons it must receive."""

    name: Name | int
    # bounded so that the program's sums stay finite: a value of 1e308 overflowed the
    # solver's objective, which then reported the instance infeasible
    value: Annotated[float, Field(ge=0.0, le=1e12, allow_inf_nan=False)]
    min_weapons: Annotated[int, Field(ge=0, le=10**9)] = 0


class WTAInstance(_Strict):
    """A static weapon-target assignment problem."""

    name: str = ""
    source: str = ""
    weapons: Annotated[list[Weapon], Field(min_length=1, max_length=10_000)]
    targets: Annotated[list[Target], Field(min_length=1, max_length=10_000)]
    kill_probability: dict[str, list[Probability] | dict[str, Probability]]


@dataclass(frozen=True)
class LoadedWTA:
    """A validated instance as arrays, in the order of the file."""

    spec: WTAInstance
    weapon_names: list[str]
    target_names: list[str]
    p: np.ndarray
    counts: np.ndarray
    values: np.ndarray
    min_weapons: np.ndarray
    max_per_pair: np.ndarray | None
    file: str
    positions: Positions


def _problem(message: str, path: FieldPath, positions: Positions) -> Problem:
    line, column = locate(positions, path)
    return Problem(message, format_path(path), line, column)


def load_wta_data(raw: Any, file: str = "<wta>", positions: Positions | None = None) -> LoadedWTA:
    """Validate an instance given as plain data (the mapping a YAML file gives)."""
    positions = positions or {}
    if not isinstance(raw, dict):
        raise InputError.single(
            "a WTA instance is a mapping with weapons:, targets: and kill_probability:",
            file=file,
        )
    if "hoplon" in raw and not {"weapons", "targets"} & set(raw):
        raise InputError.single(
            "this is a Hoplon scenario (it has hoplon:), not a weapon-target assignment "
            "instance: hoplon wta takes weapons:, targets: and kill_probability: "
            "(docs/wta.md); to plan a scenario's fire, set doctrine.assignment: planned "
            "and use hoplon run",
            file=file,
        )
    try:
        spec = WTAInstance.model_validate(raw)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, positions, WTAInstance), file) from None
    problems: list[Problem] = []
    weapon_names = [str(w.name) for w in spec.weapons]
    target_names = [str(t.name) for t in spec.targets]
    for kind, names in (("weapons", weapon_names), ("targets", target_names)):
        seen: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in seen:
                problems.append(
                    _problem(
                        f"the name '{name}' is already used by {kind}[{seen[name]}]; "
                        "names must be unique",
                        (kind, i, "name"),
                        positions,
                    )
                )
            seen.setdefault(name, i)
    w_index = {n: i for i, n in enumerate(weapon_names)}
    t_index = {n: j for j, n in enumerate(target_names)}
    p = np.zeros((len(weapon_names), len(target_names)))
    for wname, row in spec.kill_probability.items():
        path: FieldPath = ("kill_probability", wname)
        if wname not in w_index:
            problems.append(
                _problem(
                    f"unknown weapon '{wname}'{did_you_mean(wname, weapon_names)}; "
                    f"accepted: the weapons' names ({', '.join(weapon_names[:10])})",
                    path,
                    positions,
                )
            )
            continue
        i = w_index[wname]
        if isinstance(row, list):
            if len(row) != len(target_names):
                problems.append(
                    _problem(
                        f"the list has {len(row)} kill probabilities; one per target "
                        f"({len(target_names)}) in the order of targets: is accepted, "
                        "or a mapping target name -> probability",
                        path,
                        positions,
                    )
                )
                continue
            p[i, :] = row
        else:
            for tname, prob in row.items():
                if tname not in t_index:
                    problems.append(
                        _problem(
                            f"unknown target '{tname}'{did_you_mean(tname, target_names)}; "
                            "accepted: the targets' names",
                            (*path, tname),
                            positions,
                        )
                    )
                    continue
                p[i, t_index[tname]] = prob
    if problems:
        raise InputError(problems, file)
    caps = [w.max_per_target for w in spec.weapons]
    max_per_pair = None
    if any(c is not None for c in caps):
        col = np.array([np.inf if c is None else c for c in caps], dtype=float)
        max_per_pair = np.broadcast_to(col[:, None], p.shape).copy()
    return LoadedWTA(
        spec=spec,
        weapon_names=weapon_names,
        target_names=target_names,
        p=p,
        counts=np.array([w.count for w in spec.weapons], dtype=float),
        values=np.array([t.value for t in spec.targets], dtype=float),
        min_weapons=np.array([t.min_weapons for t in spec.targets], dtype=float),
        max_per_pair=max_per_pair,
        file=file,
        positions=positions,
    )


def load_wta(path: str | Path) -> LoadedWTA:
    """Read and validate an instance file (YAML or JSON). Raises InputError on any problem."""
    p = Path(path)
    _, text = read_text(p)
    raw, positions = parse_yaml(text, str(p))
    return load_wta_data(raw, str(p), positions)


def solve_loaded(loaded: LoadedWTA, *, relaxed: bool = False) -> WTAResult:
    """Solve a loaded instance; minimums that cannot be met become an InputError."""
    try:
        return solve_wta(
            loaded.p,
            loaded.counts,
            loaded.values,
            min_weapons=loaded.min_weapons,
            max_per_pair=loaded.max_per_pair,
            relaxed=relaxed,
        )
    except WTAInfeasibleError as exc:
        path: FieldPath = (
            ("targets",) if exc.target is None else ("targets", exc.target, "min_weapons")
        )
        raise InputError(_problem(str(exc), path, loaded.positions), loaded.file) from None


def result_document(loaded: LoadedWTA, result: WTAResult) -> dict[str, Any]:
    """The solution as plain data (the ``--json`` output of ``hoplon wta``)."""
    x = result.assignment
    whole = not result.relaxed

    def number(v: float) -> float | int:
        return int(round(v)) if whole else float(v)

    return {
        "instance": {
            "file": loaded.file,
            "name": loaded.spec.name,
            "weapons": len(loaded.weapon_names),
            "targets": len(loaded.target_names),
        },
        "relaxed": result.relaxed,
        "status": result.status,
        "expected_destroyed_value": result.destroyed,
        "expected_surviving_value": result.surviving,
        "total_value": result.total_value,
        "bound": result.bound,
        "gap": result.gap,
        "iterations": result.iterations,
        "cuts": result.cuts,
        "seconds": result.seconds,
        "targets": [
            {
                "name": name,
                "value": float(loaded.values[j]),
                "min_weapons": int(loaded.min_weapons[j]),
                "kill_probability": float(result.kill_probability[j]),
                "assigned": {
                    loaded.weapon_names[i]: number(x[i, j])
                    for i in range(x.shape[0])
                    if x[i, j] > 0
                },
            }
            for j, name in enumerate(loaded.target_names)
        ],
        "weapons_used": {
            name: {"used": number(x[i].sum()), "available": int(loaded.counts[i])}
            for i, name in enumerate(loaded.weapon_names)
        },
    }


def solve_wta_file(path: str | Path, *, relaxed: bool = False) -> dict[str, Any]:
    """Load, solve and describe an instance file: the one call behind ``hoplon wta``."""
    loaded = load_wta(path)
    return result_document(loaded, solve_loaded(loaded, relaxed=relaxed))
