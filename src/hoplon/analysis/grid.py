"""The grid of a sweep: ``--set PATH=VALUES`` options parsed, checked and expanded.

VALUES is ``a..b`` (integers), ``a..b..step`` or a comma list; every combination of the
options' values is one point, the first option varying slowest.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from hoplon.errors import (
    InputError,
    OverrideError,
    SelectPart,
    format_path,
    parse_path,
)
from hoplon.scenario.paths import field_location

#: Largest grid a sweep accepts.
MAX_POINTS = 10_000


_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_RANGE = re.compile(rf"^\s*({_NUMBER})\s*\.\.\s*({_NUMBER})(?:\s*\.\.\s*({_NUMBER}))?\s*$")
_VALUES_HELP = (
    "VALUES is a..b (integers, inclusive), a..b..step, or a comma list of numbers, "
    "true/false, null or text (quote text that looks like a number: '1')"
)


_FINITE = "give a finite number (quote a text value that reads like one: '{0}')"


def parse_scalar(text: str) -> Any:
    """One value of a comma list: an integer, a decimal number, true/false, null or text.

    Quotes (``'1'``, ``"NO"``) keep a value as text. Unlike YAML 1.1, ``yes``/``no``/
    ``on``/``off`` stay text (``NO`` is Norway).
    """
    s = text.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1]
    if re.fullmatch(r"[-+]?\d+", s):
        return int(s)
    if re.fullmatch(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?", s):
        number = float(s)
        if not math.isfinite(number):
            raise OverrideError(
                f"{s} is beyond the range of numbers (about 1.8e308); {_FINITE.format(s)}"
            )
        return number
    if re.fullmatch(r"[-+]?\.?(inf|infinity|nan)", s, re.IGNORECASE):
        raise OverrideError(f"{s} is not a finite number; {_FINITE.format(s)}")
    low = s.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("null", "none", "~"):
        return None
    return s


def parse_values(text: str) -> list[Any]:
    """Expand VALUES: ``a..b``, ``a..b..step`` or a comma list.

    ``1..5`` is 1, 2, 3, 4, 5; ``10..2..-4`` is 10, 6, 2; ``0.5..1..0.25`` is 0.5,
    0.75, 1.0 (decimal ranges need a step); ``1,2,5`` and ``true,false`` and
    ``earliest-intercept,cheapest-capable`` are lists.

    Raises:
        OverrideError: an empty value, a zero step, or a step that never reaches b.
    """
    s = text.strip()
    if not s:
        raise OverrideError(f"no values given; {_VALUES_HELP}")
    m = _RANGE.match(s)
    if m:
        a_text, b_text, step_text = m.groups()
        if all("." not in t for t in (a_text, b_text, step_text or "")):
            a, b = int(a_text), int(b_text)
            step = int(step_text) if step_text else (1 if b >= a else 0)
            if step == 0:
                raise OverrideError(
                    f"the range {s} needs a step that is not zero "
                    f"(for a descending range give a negative step: {a}..{b}..-1)"
                )
            if (b - a) * step < 0:
                raise OverrideError(f"the step {step} never reaches {b} from {a}")
            values: list[Any] = list(range(a, b + (1 if step > 0 else -1), step))
        else:
            if step_text is None:
                raise OverrideError(
                    f"a..b takes integers; for decimal numbers give a step: {a_text}..{b_text}..0.1"
                )
            try:
                da, db, dstep = Decimal(a_text), Decimal(b_text), Decimal(step_text)
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                raise OverrideError(f"cannot read the range {s}; {_VALUES_HELP}") from None
            if dstep == 0:
                raise OverrideError(f"the range {s} needs a step that is not zero")
            if (db - da) * dstep < 0:
                raise OverrideError(f"the step {step_text} never reaches {b_text} from {a_text}")
            count = int((db - da) / dstep) + 1
            if count > MAX_POINTS:
                raise OverrideError(f"the range {s} has {count:,} values; at most {MAX_POINTS:,}")
            values = [float(da + k * dstep) for k in range(count)]
        if len(values) > MAX_POINTS:
            raise OverrideError(f"the range {s} has {len(values):,} values; at most {MAX_POINTS:,}")
        return values
    items = s.split(",")
    if any(not item.strip() for item in items):
        raise OverrideError(f"an empty item in the list '{s}'; {_VALUES_HELP}")
    return [parse_scalar(item) for item in items]


def show_value(value: Any) -> str:
    """A value the way it is written on the command line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class SetSpec:
    """One ``--set PATH=VALUES`` option: the parsed path and the expanded values."""

    path: str
    """Canonical path text (the key of the point's overrides)."""
    parts: tuple[SelectPart, ...]
    values: tuple[Any, ...]
    option: str
    """The option as given."""
    together: bool = False
    """Given with ``--set-together``: its values go with the other such options' values
    of the same position (one dimension of the grid), not across them."""


def parse_set(option: str, together: bool = False) -> SetSpec:
    """Parse ``PATH=VALUES``.

    Raises:
        InputError: (exit code 2) naming the option and what is accepted.
    """
    name = "set-together" if together else "set"
    if "=" not in option:
        raise InputError.single(
            f"expected PATH=VALUES, e.g. threats[0].count=1..40; {_VALUES_HELP}",
            field=f"{name} {option}",
        )
    path_text, values_text = option.split("=", 1)
    if values_text.lstrip().startswith(("[", "{")):
        raise InputError.single(
            "a swept value is one number, word, true/false or null (values are split at "
            "commas); a list or mapping, such as a position [lat, lon], cannot be swept: "
            "write one scenario per position and compare them",
            field=f"{name} {option}",
        )
    try:
        parts = parse_path(path_text)
        values = parse_values(values_text)
    except OverrideError as exc:
        raise InputError.single(str(exc), field=f"{name} {option}") from None
    return SetSpec(format_path(parts), parts, tuple(values), option, together)


def expand_grid(sets: Sequence[SetSpec]) -> list[dict[str, Any]]:
    """Every combination of the sets' values, the first set varying slowest; the
    ``--set-together`` options form one dimension (their n-th values go together).

    Returns one ``{path: value}`` per point, the paths in the order of ``sets``.

    Raises:
        InputError: a path given twice, or a grid of more than :data:`MAX_POINTS` points.
    """
    seen: dict[str, str] = {}
    for s in sets:
        if s.path in seen:
            raise InputError.single(
                f"the path {s.path} is already set by --set {seen[s.path]}; give each path once "
                "(list all its values in one --set)",
                field=f"set {s.option}",
            )
        seen[s.path] = s.option
    # the dimensions of the grid: each --set, and all --set-together options as one
    dims: list[list[SetSpec]] = []
    linked: list[SetSpec] | None = None
    for s in sets:
        if not s.together:
            dims.append([s])
        elif linked is None:
            linked = [s]
            dims.append(linked)
        else:
            if len(s.values) != len(linked[0].values):
                raise InputError.single(
                    f"{len(s.values)} values, but --set-together {linked[0].option} has "
                    f"{len(linked[0].values)}; linked options take as many values each "
                    "(the n-th values go together)",
                    field=f"set-together {s.option}",
                )
            linked.append(s)
    size = math.prod(len(d[0].values) for d in dims)
    if size > MAX_POINTS:
        raise InputError.single(
            f"the grid has {size:,} points; at most {MAX_POINTS:,} are accepted",
            field="set",
        )
    points = []
    for combo in itertools.product(*(range(len(d[0].values)) for d in dims)):
        chosen = {id(s): s.values[k] for d, k in zip(dims, combo, strict=True) for s in d}
        points.append({s.path: chosen[id(s)] for s in sets})
    return points


def check_distinct_fields(raw: Mapping[str, Any], sets: Sequence[SetSpec]) -> None:
    """Refuse two ``--set`` options that address one field, however each spells it.

    Raises:
        InputError: naming both options; also when one sets a field inside the other's.
    """
    seen: list[tuple[tuple[SelectPart, ...], SetSpec]] = []
    for s in sets:
        here = field_location(raw, s.parts)
        for there, other in seen:
            if s.path == other.path:
                continue  # the same spelling: expand_grid names it
            common = min(len(here), len(there))
            if here[:common] != there[:common]:
                continue
            if len(here) == len(there):
                message = (
                    f"{s.path} and {other.path} (--set {other.option}) are the same field, "
                    f"{format_path(here)}"
                )
            else:
                outer, inner = (other, s) if len(there) < len(here) else (s, other)
                message = f"{inner.path} is a part of {outer.path}, which is set as a whole"
            raise InputError.single(
                f"{message}; give each field once (list all its values in one --set)",
                field=f"set {s.option}",
            )
        seen.append((here, s))
