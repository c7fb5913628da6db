"""The space of a trade study: a scenario's ``candidates:`` as decisions, each architecture
as a scenario variant.

Each candidate is one decision with a list of options (:class:`Decision`): how many
copies of a unit to field, and at which of its sites, or the count of one interceptor in
a unit's magazine. An architecture is one option per decision (a tuple of option
indexes); :meth:`Space.overrides` turns it into the scenario's ``units`` list, set on
the file's data with :func:`hoplon.scenario.paths.apply_overrides` (so every variant is
the file with one field set, validated again like a sweep point). Option 0 of every
decision is the current architecture.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from hoplon.errors import InputError, Problem, Select
from hoplon.scenario.loader import LoadedScenario, load_data
from hoplon.scenario.paths import apply_overrides, set_field
from hoplon.scenario.schema import Candidate
from hoplon.scenario.tradechecks import copy_ids

__all__ = ["Architecture", "Cost", "Decision", "Option", "Space", "plan_space"]

#: Spaces up to this many architectures are evaluated whole; larger ones are searched.
EXHAUSTIVE_MAX = 4096


class Cost(Protocol):
    """What a trade needs of an architecture's cost
    (:func:`hoplon.analysis.costs.architecture_cost` gives one)."""

    @property
    def total_usd(self) -> float: ...

    @property
    def by_nation(self) -> Mapping[str, float]: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Option:
    """One value a decision may take: copies and their sites, or a magazine count."""

    label: str
    copies: int | None = None
    sites: tuple[int, ...] = ()
    count: int | None = None


@dataclass(frozen=True)
class Decision:
    """One candidate of the file: its options, option 0 the current architecture's."""

    index: int
    name: str
    candidate: Candidate
    options: tuple[Option, ...]


def _decision(index: int, c: Candidate) -> Decision:
    if c.magazine is not None:
        options = tuple(Option(str(n), count=n) for n in c.choose)
        return Decision(index, f"{c.unit} {c.magazine}", c, options)
    sites = c.sites()
    out: list[Option] = []
    for n in c.choose:
        if not sites:
            label = "no" if n == 0 else ("yes" if n == 1 else f"{n} units")
            out.append(Option(label, copies=n))
            continue
        for combo in itertools.combinations(range(len(sites)), n):
            label = "+".join(sites[j][0] for j in combo) if combo else "no"
            out.append(Option(label, copies=n, sites=combo))
    return Decision(index, c.unit, c, tuple(out))


@dataclass(frozen=True)
class TradeCost:
    """An architecture's life-cycle cost (``base``, from the cost function) plus the
    interceptors a magazine choice adds to an existing unit's magazine: its rounds are
    sunk, but rounds beyond the file's count are bought (at year 0, at the catalog unit
    cost in base-year dollars, paid as the unit is)."""

    base: Cost
    extra_inventory_usd: float
    extra_by_nation: dict[str, float]

    @property
    def total_usd(self) -> float:
        return float(self.base.total_usd) + self.extra_inventory_usd

    @property
    def by_nation(self) -> dict[str, float]:
        out = {str(n): float(v) for n, v in dict(self.base.by_nation).items()}
        for n, v in self.extra_by_nation.items():
            out[n] = out.get(n, 0.0) + v
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.base.to_dict(),
            "total_usd": self.total_usd,
            "by_nation": self.by_nation,
            "extra_inventory_usd": self.extra_inventory_usd,
        }


def _extra_inventory(
    space: Space, loaded: LoadedScenario, base: Cost, choice: Sequence[int]
) -> tuple[float, dict[str, float]]:
    from hoplon.economics.compute import money_in_base_usd

    econ = loaded.spec.economics
    if econ is None:
        from hoplon.analysis.costs import default_economics

        econ = default_economics()
    file_units = {str(u.get("id")): u for u in space.raw.get("units") or [] if isinstance(u, dict)}
    payers = {
        getattr(r, "id", None): getattr(r, "payers", None) for r in getattr(base, "by_unit", [])
    }
    total = 0.0
    by_nation: dict[str, float] = {}
    units = {u.id: u for u in loaded.spec.units}
    for d, i in zip(space.decisions, choice, strict=True):
        c, count = d.candidate, d.options[i].count
        unit = units.get(c.unit)
        if c.magazine is None or count is None or unit is None or unit.status != "existing":
            continue
        had = int((file_units.get(c.unit, {}).get("magazine") or {}).get(c.magazine, 0))
        if count <= had:
            continue
        entry = loaded.catalog.interceptors[c.magazine]
        usd = (count - had) * money_in_base_usd(econ, entry.unit_cost_usd, "USD", entry.cost_year)
        total += usd
        for nation, share in (payers.get(c.unit) or {unit.nation: 1.0}).items():
            by_nation[nation] = by_nation.get(nation, 0.0) + share * usd
    return total, by_nation


@dataclass(frozen=True)
class Architecture:
    """One validated architecture: its choices, scenario, size and cost."""

    choice: tuple[int, ...]
    overrides: dict[str, Any]
    loaded: LoadedScenario
    units: int
    tiers: frozenset[str]
    cost: Cost
    digest: str
    """The scenario's digest (:func:`hoplon.results.keys.scenario_digest`)."""

    def labels(self, space: Space) -> dict[str, str]:
        """Decision name -> the option chosen."""
        return {
            d.name: d.options[i].label for d, i in zip(space.decisions, self.choice, strict=True)
        }


@dataclass(frozen=True)
class Space:
    """A trade study's decisions over the file's data."""

    loaded: LoadedScenario
    raw: dict[str, Any]
    """The file's data without ``candidates:`` and ``constraints:``."""
    decisions: tuple[Decision, ...]

    @property
    def size(self) -> int:
        return math.prod(len(d.options) for d in self.decisions)

    def choices(self) -> Iterator[tuple[int, ...]]:
        """Every architecture, the first decision varying slowest."""
        return itertools.product(*(range(len(d.options)) for d in self.decisions))

    def overrides(self, choice: Sequence[int]) -> dict[str, Any]:
        """The ``units`` list of an architecture, as the override of the file's data."""
        holder = {"units": copy.deepcopy(self.raw.get("units") or [])}
        for d, i in zip(self.decisions, choice, strict=True):
            c, option = d.candidate, d.options[i]
            if option.count is not None and c.magazine is not None:
                set_field(holder, ("units", Select(c.unit), "magazine", c.magazine), option.count)
        units: list[Any] = []
        presence = {
            d.candidate.unit: d.options[i]
            for d, i in zip(self.decisions, choice, strict=True)
            if d.candidate.magazine is None
        }
        sites = {d.candidate.unit: d.candidate.sites() for d in self.decisions}
        for item in holder["units"]:
            chosen = presence.get(str(item.get("id")))
            if chosen is None or chosen.copies is None:
                units.append(item)
                continue
            for k, uid in enumerate(copy_ids(str(item["id"]), chosen.copies)):
                unit = copy.deepcopy(item)
                unit["id"] = uid
                if k > 0:  # a second copy of a unit is bought, whatever the first is
                    unit["status"] = "candidate"
                if chosen.sites:
                    unit["at"] = list(sites[str(item["id"])][chosen.sites[k]][1])
                units.append(unit)
        return {"units": units}

    def architecture(self, choice: Sequence[int], cost_of: Any) -> Architecture:
        """The validated scenario of one architecture and its cost.

        Raises:
            InputError: the variant does not validate (naming the candidates' choices).
        """
        overrides = self.overrides(choice)
        file = self.loaded.path or "<scenario>"
        try:
            loaded = load_data(apply_overrides(self.raw, overrides), file)
        except InputError as exc:
            named = ", ".join(
                f"{d.name}={d.options[i].label}"
                for d, i in zip(self.decisions, choice, strict=True)
            )
            raise InputError(
                [
                    Problem(f"with {named}: {p.field}: {p.message}", "candidates")
                    for p in exc.problems
                ],
                file,
            ) from None
        tiers = frozenset(
            loaded.catalog.interceptors[name].tier
            for u in loaded.spec.units
            for name, n in u.magazine.items()
            if n > 0 and name in loaded.catalog.interceptors
        )
        base = cost_of(loaded)
        extra, extra_by = _extra_inventory(self, loaded, base, choice)
        cost = TradeCost(base, extra, extra_by)
        from hoplon.results.keys import scenario_digest

        return Architecture(
            tuple(choice), overrides, loaded, len(loaded.spec.units), tiers, cost,
            scenario_digest(loaded),
        )  # fmt: skip

    def violations(self, arch: Architecture) -> list[str]:
        """Why ``arch`` breaks the constraints (empty when it meets them)."""
        limits = self.loaded.spec.constraints
        if limits is None:
            return []
        out = []
        if limits.max_units is not None and arch.units > limits.max_units:
            out.append(f"{arch.units} units > max_units {limits.max_units}")
        missing = [t for t in limits.require_tiers or [] if t not in arch.tiers]
        if missing:
            out.append(f"no {', '.join(missing)} tier")
        budget = limits.budget
        if isinstance(budget, int | float) and arch.cost.total_usd > budget:
            out.append(f"cost {arch.cost.total_usd:,.0f} > budget {budget:,.0f}")
        elif isinstance(budget, dict):
            for nation, limit in budget.items():
                paid = float(arch.cost.by_nation.get(nation, 0.0))
                if paid > limit:
                    out.append(f"{nation} pays {paid:,.0f} > budget {limit:,.0f}")
        return out

    def excess(self, arch: Architecture) -> float:
        """How far ``arch`` is from meeting the constraints (0 when it meets them): the
        sum of the relative excesses, for the optimiser's constraint handling."""
        limits = self.loaded.spec.constraints
        if limits is None:
            return 0.0
        total = 0.0
        if limits.max_units is not None:
            total += max(0, arch.units - limits.max_units)
        total += sum(1.0 for t in limits.require_tiers or [] if t not in arch.tiers)
        budget = limits.budget
        pairs = (
            [(arch.cost.total_usd, float(budget))]
            if isinstance(budget, int | float)
            else [(float(arch.cost.by_nation.get(n, 0.0)), v) for n, v in (budget or {}).items()]
        )
        for paid, limit in pairs:
            if paid > limit:
                total += (paid - limit) / max(limit, 1.0)
        return total


# --------------------------------------------------------------------- refusals


def _locate(space: Space, *path: str | int) -> tuple[int | None, int | None]:
    from hoplon.scenario.loader import locate

    return locate(space.loaded.positions, tuple(path))


def budget_refusal(space: Space, cheapest: Architecture) -> InputError:
    limits = space.loaded.spec.constraints
    assert limits is not None
    line, column = _locate(space, "constraints", "budget")
    what = ", ".join(f"{k}={v}" for k, v in cheapest.labels(space).items())
    problem = (
        f"no architecture fits the budget: the cheapest that meets the other constraints "
        f"({what}) costs {cheapest.cost.total_usd:,.0f} USD"
    )
    if isinstance(limits.budget, dict):
        shares = ", ".join(f"{n} {float(v):,.0f}" for n, v in dict(cheapest.cost.by_nation).items())
        problem += f" ({shares})"
    return InputError(
        Problem(problem + "; raise the budget or offer cheaper candidates",
                "constraints.budget", line, column),
        space.loaded.path or "<scenario>",
    )  # fmt: skip


def none_feasible(space: Space, archs: Sequence[Architecture]) -> InputError:
    """Why no architecture meets the constraints, located at the constraint at fault."""
    without_budget = [a for a in archs if not [v for v in space.violations(a) if "budget" in v]]
    if archs and len(without_budget) < len(archs):
        ok = [a for a in archs if not [v for v in space.violations(a) if "budget" not in v]]
        if ok:
            return budget_refusal(space, min(ok, key=lambda a: a.cost.total_usd))
    first = space.violations(archs[0]) if archs else ["no architecture"]
    line, column = _locate(space, "constraints")
    return InputError(
        Problem(f"no architecture meets the constraints together (e.g. {first[0]}); relax one",
                "constraints", line, column),
        space.loaded.path or "<scenario>",
    )  # fmt: skip


def plan_space(loaded: LoadedScenario, raw: Mapping[str, Any]) -> Space:
    """The decisions of a validated scenario's ``candidates:``.

    Raises:
        InputError: the scenario has no candidates (field ``candidates``).
    """
    if not loaded.spec.candidates:
        raise InputError.single(
            "the scenario has no candidates: section; add one, e.g. candidates: "
            "[{unit: thaad-west, choose: 0..1}] (docs/tradespace.md)",
            file=loaded.path,
            field="candidates",
        )
    base = {k: v for k, v in raw.items() if k not in ("candidates", "constraints")}
    decisions = tuple(_decision(i, c) for i, c in enumerate(loaded.spec.candidates))
    return Space(loaded, base, decisions)
