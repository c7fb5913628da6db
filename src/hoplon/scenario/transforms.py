"""What-ifs as scenario transforms: each takes a validated scenario and gives a new one.

- :func:`without` leaves out nations' units and sensors (their units stay targets: a ship
  left out of the defence can still be attacked);
- :func:`drop_agreement` leaves out agreements by index, and with a technology transfer
  the interceptors the recipient may no longer hold;
- :func:`override` sets one field by its path and validates the scenario again.

Compile (:func:`hoplon.compile.compile_scenario`) takes only a scenario, so ``run
--without``, ``--drop-agreement``, sweep ``--set`` and coalition subsets all run through
here. Errors name scenario fields (``nations``, ``agreements``, the path), never a
command-line option; the command line renames them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from hoplon.errors import InputError, OverrideError, did_you_mean, format_path, parse_path
from hoplon.scenario.checks import check_scenario, field_rights
from hoplon.scenario.describe import describe_agreement
from hoplon.scenario.loader import LoadedScenario, load_data
from hoplon.scenario.paths import apply_overrides
from hoplon.scenario.schema import TechnologyTransfer

__all__ = ["drop_agreement", "dropped_note", "override", "without"]


def without(
    loaded: LoadedScenario, nations: Sequence[str], *, fielding: bool = True
) -> LoadedScenario:
    """The scenario with the units and sensors of ``nations`` taking no part.

    With ``fielding`` (a what-if asked for), each nation must field a unit or a sensor:
    leaving out one that fields nothing would change nothing but the run's label.

    Raises:
        InputError: (field ``nations``) a code that is not one of the scenario's nations,
            or (with ``fielding``) a nation that fields no unit and no sensor.
    """
    spec = loaded.spec
    active = {u.nation for u in spec.units} | {s.nation for s in spec.sensors}
    for code in nations:
        if code not in spec.nations:
            raise InputError.single(
                f"'{code}' is not one of the scenario's nations{did_you_mean(code, spec.nations)}; "
                f"nations: {', '.join(spec.nations)}",
                field="nations",
            )
        if fielding and code not in active:
            fields = [n for n in spec.nations if n in active]
            raise InputError.single(
                f"{code} fields no unit and no sensor in this scenario, so leaving it out "
                f"changes nothing; nations that field some: {', '.join(fields) or 'none'}",
                field="nations",
            )
    if not nations:
        return loaded
    return dataclasses.replace(loaded, absent=loaded.absent | frozenset(nations))


def only(loaded: LoadedScenario, nations: Sequence[str]) -> LoadedScenario:
    """The scenario with only the units and sensors of ``nations`` taking part."""
    keep = set(nations)
    return without(loaded, [n for n in loaded.spec.nations if n not in keep], fielding=False)


def dropped_note(index: int, agreement: object) -> str:
    """The variant note of agreement ``index`` left out: what it was."""
    return f"without agreement {index}: {describe_agreement(agreement)}"


def drop_agreement(loaded: LoadedScenario, indices: Sequence[int]) -> LoadedScenario:
    """The scenario without the agreements at ``indices`` (0-based, in file order).

    Dropping a technology transfer also takes from each unit the interceptors its nation
    may no longer field; each such change is noted in :attr:`LoadedScenario.variant`.

    Raises:
        InputError: (field ``agreements``) an index the scenario does not have.
    """
    spec = loaded.spec
    for index in indices:
        if not 0 <= index < len(spec.agreements):
            raise InputError.single(
                f"there is no agreement {index}; the scenario has agreements 0 to "
                f"{len(spec.agreements) - 1}"
                if spec.agreements
                else "the scenario has no agreements",
                field="agreements",
            )
    if not indices:
        return loaded
    dropped = set(indices)
    notes = [dropped_note(i, spec.agreements[i]) for i in sorted(dropped)]
    agreements = [a for i, a in enumerate(spec.agreements) if i not in dropped]
    # a trade study's candidates describe the file's choices, not this run: not kept
    trimmed = spec.model_copy(
        update={"agreements": agreements, "candidates": None, "constraints": None}
    )
    if any(isinstance(spec.agreements[i], TechnologyTransfer) for i in dropped):
        rights = field_rights(trimmed, loaded.catalog)
        units = []
        for u in trimmed.units:
            keep = {k: v for k, v in u.magazine.items() if k in rights.get(u.nation, {})}
            lost = sorted(set(u.magazine) - set(keep))
            if lost:
                notes.append(f"{u.id} no longer holds {', '.join(lost)} (transfer dropped)")
            units.append(u.model_copy(update={"magazine": keep}))
        trimmed = trimmed.model_copy(update={"units": units})
    findings = check_scenario(trimmed, loaded.catalog)
    if findings:  # pragma: no cover - dropping never adds references
        raise InputError.single(findings[0][1], field="agreements")
    return dataclasses.replace(
        loaded, spec=trimmed, changes=loaded.changes + tuple(notes), raw=None
    )


def override(loaded: LoadedScenario, path: str, value: Any) -> LoadedScenario:
    """The scenario with the field at ``path`` set to ``value``, validated again.

    ``path`` is written as in ``hoplon sweep --set``:
    ``override(s, "units[ddg-kongo].magazine.SM-3 Block IB", 12)``. Nations left out by
    :func:`without` stay left out.

    Raises:
        InputError: the path addresses no field (naming it and what is accepted), or the
            value is refused by validation (located in the scenario's file).
    """
    if loaded.raw is None:
        raise InputError.single(
            "this scenario has no file data to override (an agreement was dropped); "
            "override the fields first, then drop the agreement",
            file=loaded.path,
            field=path,
        )
    try:
        key = format_path(parse_path(path))
        raw = apply_overrides(loaded.raw, {key: value})
    except OverrideError as exc:
        message = str(exc).split(": ", 1)[-1] if str(exc).startswith(path) else str(exc)
        raise InputError.single(message, file=loaded.path, field=path) from None
    changed = load_data(raw, loaded.path or "<scenario>", loaded.positions)
    return dataclasses.replace(changed, absent=loaded.absent, changes=loaded.changes)
