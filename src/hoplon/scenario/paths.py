"""Field paths applied to scenario data: set a field, find where a path lands, overrides.

The grammar of a path (``units[patriot-tokyo].magazine.PAC-3 MSE``) is
:func:`hoplon.errors.parse_path`; this module applies parsed paths to the plain data a
scenario file holds, before it is validated again.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from hoplon.catalog import builtin_raw
from hoplon.errors import (
    OverrideError,
    Select,
    SelectPart,
    did_you_mean,
    format_path,
    parse_path,
)


def _ids(items: list[Any]) -> list[str]:
    return [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]


def set_field(raw: dict[str, Any], parts: Sequence[SelectPart], value: Any) -> None:
    """Set the field at ``parts`` in ``raw`` (in place), creating missing mappings.

    A missing key is added (validation then refuses an unknown field and names the
    accepted ones); a list item must exist. ``[*]`` on a list sets the rest of the path
    on every item that already has that field (``units[*].magazine.ESSM``: every unit
    holding ESSM).

    Raises:
        OverrideError: the path does not fit the data (index out of range, no item with
            that id, a field of a single value, a name on a list).
    """
    node: Any = raw
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = format_path(parts[:depth]) or "the scenario"
        if isinstance(node, dict):
            if isinstance(part, int):
                fields = ", ".join(map(str, node)) or "none yet"
                raise OverrideError(
                    f"{where} is a mapping, not a list; address its fields by name "
                    f"(fields: {fields})"
                )
            key = part.text if isinstance(part, Select) else part
            if last:
                node[key] = value
                return
            if node.get(key) is None:
                following = parts[depth + 1]
                if isinstance(following, int | Select):  # an item of a list that is not there
                    here = format_path(parts[: depth + 1])
                    hint = ""
                    if depth == 0 and key == "threats" and isinstance(raw.get("waves"), list):
                        waves = _ids(raw["waves"]) or ["0"]
                        hint = (
                            f"; this scenario's raids are in its waves: "
                            f"waves[{waves[0]}].{format_path(parts)}"
                        )
                    raise OverrideError(f"{where} has no list {here}{hint}")
                node[key] = {}
            node = node[key]
        elif isinstance(node, list):
            if isinstance(part, int):
                if not 0 <= part < len(node):
                    accepted = f"0 to {len(node) - 1}" if node else "none: the list is empty"
                    raise OverrideError(
                        f"{where} has {len(node)} item{'s' if len(node) != 1 else ''}; "
                        f"index {part} is out of range (accepted: {accepted})"
                    )
                index = part
            elif isinstance(part, Select) and part.text == "*":
                rest = parts[depth + 1 :]
                chosen = [item for item in node if _walk(item, rest)[1] is not _MISSING]
                if not chosen:
                    raise OverrideError(
                        f"no item of {where} has the field {format_path(rest) or 'given'}; "
                        f"[*] sets it on every item that has it"
                    )
                for item in chosen:
                    set_field(item, rest, copy.deepcopy(value))
                return
            elif isinstance(part, Select):
                ids = _ids(node)
                found = [
                    k
                    for k, item in enumerate(node)
                    if isinstance(item, dict) and str(item.get("id")) == part.text
                ]
                if not found:
                    raise OverrideError(
                        f"no item of {where} has id '{part.text}'{did_you_mean(part.text, ids)}; "
                        f"ids: {', '.join(ids) or 'none'}; or give an index 0 to {len(node) - 1}"
                    )
                index = found[0]
            else:
                raise OverrideError(
                    f"{where} is a list; address an item by index ({where}[0]) "
                    f"or by id ({where}[{(_ids(node) or ['some-id'])[0]}]), not by '.{part}'"
                )
            if last:
                node[index] = value
                return
            node = node[index]
        else:
            raise OverrideError(f"{where} is a single value ({node!r}); it has no field {part!r}")


#: What a path addresses where the data has nothing (a value may itself be None).
_MISSING = object()


def _walk(raw: Any, parts: Sequence[SelectPart]) -> tuple[tuple[SelectPart, ...], Any]:
    """Where ``parts`` lands in ``raw`` (:func:`field_location`) and what is there
    (:data:`_MISSING` when nothing is)."""
    node: Any = raw
    out: list[SelectPart] = []
    for part in parts:
        key: SelectPart = part
        if isinstance(node, list) and isinstance(part, Select):
            found = [
                k
                for k, item in enumerate(node)
                if isinstance(item, dict) and str(item.get("id")) == part.text
            ]
            key = found[0] if found else part
        elif isinstance(part, Select):
            key = part.text
        out.append(key)
        node = _child(node, key)
    return tuple(out), node


def _child(node: Any, key: SelectPart) -> Any:
    """``node[key]`` for a mapping's key or a list's index, else :data:`_MISSING`."""
    if isinstance(node, dict) and isinstance(key, str):
        return node.get(key, _MISSING)
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return node[key]
    return _MISSING


def field_location(raw: Any, parts: Sequence[SelectPart]) -> tuple[SelectPart, ...]:
    """Where ``parts`` lands in ``raw``: ids resolved to list indexes, ``[key]`` to ``.key``.

    Two spellings of one field (``threats[0]`` and ``threats[mrbm-tokyo]``,
    ``doctrine[assessment_s]`` and ``doctrine.assessment_s``) have the same location. A
    part that addresses nothing yet is kept as it is (:func:`set_field` refuses it or adds
    the key).
    """
    return _walk(raw, parts)[0]


def value_at(raw: Any, parts: Sequence[SelectPart]) -> Any:
    """The value ``parts`` addresses in ``raw`` (ids resolved), or None where there is none."""
    node = _walk(raw, parts)[1]
    return None if node is _MISSING else node


def apply_overrides(raw: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of ``raw`` with each ``path: value`` of ``overrides`` set, in order.

    Raises:
        OverrideError: naming the path that does not fit.
    """
    out = copy.deepcopy(dict(raw))
    for path, value in overrides.items():
        try:
            parts = parse_path(path)
            seed_catalog_entry(out, parts)
            set_field(out, parts, value)
        except OverrideError as exc:
            raise OverrideError(f"{path}: {exc}") from None
    return out


def seed_catalog_entry(raw: dict[str, Any], parts: Sequence[SelectPart]) -> None:
    """Before a field inside a built-in catalog entry is set
    (``catalog.interceptors["SM-3 Block IB"].sspk.mrbm``), copy the entry into the
    scenario's ``catalog:`` so that the one field changes and the entry's other fields
    (its other kill probabilities) stay as built in. A scenario's own entry, or a new
    name, is left as it is."""
    if len(parts) < 4 or parts[0] != "catalog" or not isinstance(parts[1], str):
        return
    kind = parts[1]
    name = parts[2].text if isinstance(parts[2], Select) else parts[2]
    if not isinstance(name, str):
        return
    builtin = builtin_raw().get(kind, {}).get(name)
    section = raw.get("catalog")
    entries = section.get(kind) if isinstance(section, dict) else None
    if builtin is None or (isinstance(entries, dict) and name in entries):
        return
    if section is None:
        raw["catalog"] = section = {}
    if not isinstance(section, dict):
        return
    if entries is None:
        section[kind] = entries = {}
    if isinstance(entries, dict):
        entries[name] = copy.deepcopy(builtin)
