"""Checks of a trade study's ``candidates:`` and ``constraints:`` against the scenario.

Each yields ``(field_path, message)`` like :mod:`hoplon.scenario.checks`: a candidate
naming no unit, a magazine choice of an interceptor the unit does not hold, a unit left
out that a raid attacks, more copies than sites, copy ids that clash, and constraints no
architecture could meet (a tier nothing fields, fewer units than are always there).
"""

from __future__ import annotations

from collections.abc import Iterator

from hoplon.catalog import Catalog
from hoplon.errors import FieldPath, did_you_mean
from hoplon.scenario.schema import Candidate, Scenario

Finding = tuple[FieldPath, str]


def copy_ids(base: str, copies: int) -> list[str]:
    """The ids of ``copies`` copies of unit ``base``: ``base``, ``base-2``, ``base-3`` ..."""
    return [base if k == 0 else f"{base}-{k + 1}" for k in range(copies)]


def _unit_candidate(
    i: int, c: Candidate, scenario: Scenario, targeted: dict[str, str], ids: set[str]
) -> Iterator[Finding]:
    from hoplon.scenario.schema import MAX_COPIES

    path: FieldPath = ("candidates", i, "choose")
    most = max(c.choose)
    if most > MAX_COPIES:
        yield path, f"at most {MAX_COPIES} copies of a unit are offered (got {most})"
        return
    sites = c.sites()
    if sites and most > len(sites):
        yield (
            path,
            f"{most} copies but {len(sites)} sites in `at`; each copy stands at its own site, "
            f"so choose at most {len(sites)}",
        )
    if c.unit in targeted:
        yield (
            ("candidates", i, "unit"),
            f"unit '{c.unit}' is the target of raid '{targeted[c.unit]}'; a unit that is "
            "attacked cannot be left out, copied or moved (offer its magazine instead)",
        )
    clash = sorted((set(copy_ids(c.unit, most)) - {c.unit}) & ids)
    if clash:
        yield (
            path,
            f"the copies of '{c.unit}' would be named {', '.join(copy_ids(c.unit, most))}, "
            f"and {', '.join(clash)} is already an id; rename that item",
        )


def check_candidates(scenario: Scenario, catalog: Catalog) -> Iterator[Finding]:
    """The problems of the scenario's ``candidates:`` and ``constraints:``, if any."""
    if scenario.candidates is None:
        if scenario.constraints is not None:
            yield (
                ("constraints",),
                "constraints apply to the candidates of a trade study; add a `candidates:` "
                "section (docs/tradespace.md) or remove the constraints",
            )
        return
    units = {u.id: u for u in scenario.units}
    ids = set(units) | {a.id for a in scenario.assets} | {s.id for s in scenario.sensors}
    targeted = {r.target: r.id for _, r in scenario.raid_entries() if r.target in units}
    seen: dict[tuple[str, str | None], int] = {}
    for i, c in enumerate(scenario.candidates):
        unit = units.get(c.unit)
        if unit is None:
            yield (
                ("candidates", i, "unit"),
                f"no unit has id '{c.unit}'{did_you_mean(c.unit, units)}; a candidate names "
                f"a unit of `units` (ids: {', '.join(units) or 'none'})",
            )
            continue
        key = (c.unit, c.magazine)
        if key in seen:
            what = f"the {c.magazine} count of '{c.unit}'" if c.magazine else f"unit '{c.unit}'"
            yield (("candidates", i), f"{what} is already offered by candidates[{seen[key]}]")
            continue
        seen[key] = i
        if c.magazine is None:
            yield from _unit_candidate(i, c, scenario, targeted, ids)
        elif c.magazine not in unit.magazine:
            held = ", ".join(unit.magazine) or "nothing"
            yield (
                ("candidates", i, "magazine"),
                f"'{c.magazine}' is not in the magazine of '{c.unit}' ({unit.type}): a "
                f"magazine choice sets the count of an interceptor the unit's platform is "
                f"loaded with{did_you_mean(c.magazine, unit.magazine)}; it holds {held}",
            )
    yield from _constraints(scenario, catalog)


def _tiers_possible(scenario: Scenario, catalog: Catalog) -> set[str]:
    """Tiers some architecture could field: every interceptor of every unit (a magazine
    choice may set a count to 0, but its largest value fields the tier)."""
    zero = {
        (c.unit, c.magazine)
        for c in scenario.candidates or []
        if c.magazine is not None and max(c.choose) == 0
    }
    tiers: set[str] = set()
    for u in scenario.units:
        for name, count in u.magazine.items():
            entry = catalog.interceptors.get(name)
            offered = any(c.unit == u.id and c.magazine == name for c in scenario.candidates or [])
            if entry is not None and (count > 0 or offered) and (u.id, name) not in zero:
                tiers.add(entry.tier)
    return tiers


def fewest_units(scenario: Scenario) -> int:
    """Units every architecture fields: those no candidate offers, plus the fewest copies
    each unit candidate allows."""
    offered = {c.unit: min(c.choose) for c in scenario.candidates or [] if c.magazine is None}
    return sum(offered.get(u.id, 1) for u in scenario.units)


def _constraints(scenario: Scenario, catalog: Catalog) -> Iterator[Finding]:
    limits = scenario.constraints
    if limits is None:
        return
    if isinstance(limits.budget, dict):
        for nation in limits.budget:
            if nation not in scenario.nations:
                yield (
                    ("constraints", "budget", nation),
                    f"'{nation}' is not one of the scenario's nations"
                    f"{did_you_mean(nation, scenario.nations)}; nations: "
                    f"{', '.join(scenario.nations)}",
                )
    fewest = fewest_units(scenario)
    if limits.max_units is not None and limits.max_units < fewest:
        yield (
            ("constraints", "max_units"),
            f"every architecture fields at least {fewest} units (those no candidate offers, "
            f"and the fewest copies each candidate allows); max_units {limits.max_units} "
            f"leaves none: raise it to {fewest} or more, or let candidates choose 0",
        )
    possible = _tiers_possible(scenario, catalog)
    for j, tier in enumerate(limits.require_tiers or []):
        if tier not in possible:
            yield (
                ("constraints", "require_tiers", j),
                f"no unit or candidate fields an interceptor of the '{tier}' tier, so no "
                f"architecture meets it; the units can field: "
                f"{', '.join(sorted(possible)) or 'no tier'}",
            )
