"""Load a scenario file: read safely, validate, merge the catalog, check references.

Every refusal becomes an :class:`~hoplon.errors.InputError` naming the file, the line and
column, the field path and what would be accepted.
"""

from __future__ import annotations

import hashlib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from hoplon.catalog import Catalog, catalog_from_raw
from hoplon.errors import (
    FieldPath,
    FieldValueError,
    InputError,
    Problem,
    closest,
    did_you_mean,
    format_path,
)
from hoplon.scenario.checks import (
    Finding,
    check_scenario,
    default_value_notes,
    facing_notes,
    merge_catalog,
)
from hoplon.scenario.schema import Scenario
from hoplon.scenario.yamlio import KEY, Positions, parse_yaml, read_text


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with the catalog it was checked against."""

    spec: Scenario
    catalog: Catalog
    sha256: str
    path: str | None
    positions: Positions
    notes: tuple[str, ...] = ()
    """What validation inferred (e.g. an interceptor's tier), located like errors."""
    warnings: tuple[str, ...] = ()
    """What validation found suspect but accepted (a ship on land), located like errors."""
    absent: frozenset[str] = frozenset()
    """Nations whose units and sensors take no part (their units stay targets); set by
    :func:`hoplon.scenario.transforms.without`."""
    changes: tuple[str, ...] = ()
    """What the what-if transforms changed besides ``absent``, in the order applied."""
    raw: Any = None
    """The plain data the scenario was validated from (for :func:`~hoplon.scenario.transforms.override`)."""

    @property
    def variant(self) -> list[str]:
        """What this scenario leaves out of the file's, as the result's ``variant`` notes."""
        notes = list(self.changes)
        if self.absent:
            notes.append(f"without the units and sensors of {', '.join(sorted(self.absent))}")
        return notes


def _strip(annotation: Any) -> Any:
    """Remove Annotated/Optional wrappers around a type."""
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation


def _union_member(annotation: Any, tag: str) -> Any | None:
    for arg in get_args(annotation):
        arg = _strip(arg)
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            kind = arg.model_fields.get("kind")
            if kind is not None and tag in get_args(kind.annotation):
                return arg
        if isinstance(arg, type) and tag == getattr(arg, "__name__", None):
            return arg
    return None


def _field(model: type[BaseModel], key: str) -> Any | None:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.annotation
    return None


def _walk(root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[FieldPath, Any]:
    """Follow a pydantic error location through the model types.

    Returns the user-facing path (union tags dropped) and the type found at the end.
    """
    path: list[str | int] = []
    current: Any = root
    for part in loc:
        current = _strip(current)
        origin = get_origin(current)
        if origin in (Union, types.UnionType) and isinstance(part, str):
            member = _union_member(current, part)
            if member is not None:
                current = member
                continue
            return tuple(path), None
        if isinstance(part, str) and (part.startswith(("tuple[", "function-")) or part == "[key]"):
            continue
        path.append(part)
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            current = _field(current, part)
        elif origin in (list, tuple) and isinstance(part, int):
            args = get_args(current)
            current = args[0] if args else None
        elif origin is dict:
            current = get_args(current)[1]
        else:
            current = None
    return tuple(path), _strip(current) if current is not None else None


def _accepted(model: Any) -> list[str]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [info.alias or name for name, info in model.model_fields.items()]
    return []


def _message(err: Any, parent: Any, key: str | None) -> str:
    kind = err["type"]
    msg: str = err["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden" and key is not None:
        accepted = _accepted(parent)
        return (
            f"unknown field '{key}'{did_you_mean(key, accepted)}; accepted: {', '.join(accepted)}"
        )
    if any(isinstance(p, str) and p.startswith("tuple[") for p in err["loc"]):
        return "a position is [lat, lon] or [lat, lon, altitude_m], numbers in degrees and metres"
    if kind == "missing":
        return "this required field is missing"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx") or {}
        tag = str(ctx.get("tag", ""))
        expected = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        return (
            f"unknown {ctx.get('discriminator', 'kind').strip(chr(39))} '{tag}'"
            f"{did_you_mean(tag, expected)}; accepted: {', '.join(expected)}"
        )
    if kind == "union_tag_not_found":
        return "this entry needs a 'kind' (track-sharing, collective-defense, technology-transfer or acsa)"
    if kind in ("model_type", "dict_type") and key is None:
        return f"expected a mapping of fields here, got {type(err.get('input')).__name__}"
    got = err.get("input")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        shown = repr(got)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"{msg} (got {shown})"
    if (
        isinstance(got, int | float | str | bool)
        and not isinstance(got, str)
        or (isinstance(got, str) and len(got) <= 40)
    ):
        return f"{msg} (got {got!r})"
    return msg


def locate(positions: Positions, path: FieldPath) -> tuple[int | None, int | None]:
    """(line, column) of ``path`` in the file, or of the nearest field around it."""
    for cut in range(len(path), -1, -1):
        pos = positions.get(path[:cut])
        if pos is not None:
            return pos
    return None, None


def validation_problems(
    exc: ValidationError, positions: Positions, root: type[BaseModel]
) -> list[Problem]:
    """Located, readable problems from a pydantic ValidationError (deduplicated by field)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    errors = exc.errors(include_url=False)
    # A misspelt required field is one mistake: its "unknown field" message names the
    # field it was meant to be, so that field's "missing" message is not repeated.
    meant: set[tuple[Any, ...]] = set()
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden" and loc and isinstance(loc[-1], str):
            _, parent = _walk(root, loc[:-1])
            close = closest(loc[-1], _accepted(parent), n=1)  # the field it names
            if close:
                meant.add((*loc[:-1], close[0]))
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "missing" and loc in meant:
            continue
        path, _ = _walk(root, loc)
        cause = (err.get("ctx") or {}).get("error")
        key = None
        parent = None
        if isinstance(cause, FieldValueError):  # an entry inside the field: its own line
            path = (*path, *cause.at)
        if err["type"] == "union_tag_invalid":
            path = (*path, "kind")
        if err["type"] == "extra_forbidden" and path:
            key = str(path[-1])
            _, parent = _walk(root, loc[:-1])
        shown = format_path(path)
        if shown in seen:
            continue
        seen.add(shown)
        line, column = locate(positions, path)
        if (key is not None or isinstance(cause, FieldValueError)) and (*path, KEY) in positions:
            line, column = positions[(*path, KEY)]
        problems.append(Problem(_message(err, parent, key), shown, line, column))
    return problems


def findings_to_error(findings: list[Finding], positions: Positions, file: str) -> InputError:
    problems = []
    for path, message in findings:
        line, column = locate(positions, path)
        problems.append(Problem(message, format_path(path), line, column))
    return InputError(problems, file)


def load_data(
    raw: Any,
    file: str = "<scenario>",
    positions: Positions | None = None,
    data: bytes | None = None,
) -> LoadedScenario:
    """Validate a scenario given as plain data (a mapping as YAML would give).

    ``positions`` maps field paths to (line, column) for messages; ``data`` is hashed
    for the result's ``scenario.sha256`` (default: the canonical JSON of ``raw``).
    """
    positions = positions or {}
    if not isinstance(raw, dict):
        kind = {list: "list", int: "number", float: "number", type(None): "null value"}.get(
            type(raw), "single value"
        )
        raise InputError.single(
            f"a scenario is a mapping (hoplon: 1, name: ..., nations: ...); this file holds a {kind}",
            file=file,
            line=positions.get((), (None, None))[0],
        )
    try:
        spec = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, positions, Scenario), file) from None
    inferred: list[Finding] = []
    merged, findings = merge_catalog(spec, inferred)
    catalog = catalog_from_raw(merged)
    suspect: list[Finding] = []
    findings += check_scenario(spec, catalog, suspect)
    if findings:
        raise findings_to_error(findings, positions, file)
    if data is None:
        import json

        data = json.dumps(raw, sort_keys=True, default=str).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    inferred += default_value_notes(spec)
    inferred += facing_notes(spec, catalog)
    notes = tuple(p.render(file) for p in findings_to_error(inferred, positions, file).problems)
    warnings = tuple(p.render(file) for p in findings_to_error(suspect, positions, file).problems)
    return LoadedScenario(
        spec,
        catalog,
        digest,
        None if file == "<scenario>" else file,
        positions,
        notes,
        warnings,
        raw=raw,
    )


def load_text(text: str, file: str = "<scenario>", data: bytes | None = None) -> LoadedScenario:
    """Validate a scenario given as YAML text. Raises InputError on any problem."""
    raw, positions = parse_yaml(text, file)
    return load_data(raw, file, positions, data if data is not None else text.encode("utf-8"))


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read and validate a scenario file. Raises InputError on any problem."""
    p = Path(path)
    data, text = read_text(p)
    return load_text(text, str(p), data)
