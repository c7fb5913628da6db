"""The Python API for notebooks and scripts: ``hoplon.load(path).run(...)``.

>>> import hoplon
>>> scenario = hoplon.load("examples/japan-layered-bmd.yaml")
>>> result = scenario.run(trials=2_000, seed=1)
>>> result.to_dict()["metrics"]["p_no_leak"]
{'mean': 0.017, 'ci95': [0.0121907, 0.0236612]}
>>> len(result.to_frame())                             # one row per threat
18

A scenario may also be given as plain data or YAML text, and changed by its field
paths before it runs (each change is validated again):

>>> s = hoplon.load("examples/japan-layered-bmd.yaml")
>>> more = s.override("units[ddg-kongo].magazine.SM-3 Block IB", 12)   # doctest: +SKIP
>>> fewer = s.without("USA")                                           # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from hoplon.analysis.run import run_scenario
from hoplon.compile import Compiled, compile_scenario
from hoplon.errors import InputError
from hoplon.results.contract import CONTRACT
from hoplon.results.lifecycle import ArchitectureCost
from hoplon.results.records import Result
from hoplon.scenario import LoadedScenario, load_data, load_scenario, load_text, transforms

__all__ = ["CONTRACT", "Result", "Scenario", "load"]


def _flat(items: Sequence[Any], kind: type, what: str) -> tuple[Any, ...]:
    """Single values and sequences of them, as one tuple; anything else refused."""
    out: list[Any] = []
    for item in items:
        many = not isinstance(item, str | bytes) and isinstance(item, Sequence | set | frozenset)
        for one in item if many else (item,):
            if not isinstance(one, kind) or isinstance(one, bool):
                accepted = {str: "text", int: "a whole number"}.get(kind, kind.__name__)
                raise InputError.single(
                    f"{what} {one!r} is a {type(one).__name__}; accepted: {accepted}"
                )
            out.append(one)
    return tuple(out)


class Scenario:
    """A validated scenario, ready to compile and run."""

    def __init__(self, loaded: LoadedScenario) -> None:
        self.loaded = loaded

    @property
    def name(self) -> str:
        return self.loaded.spec.name

    @property
    def spec(self) -> Any:
        """The validated scenario model (:class:`hoplon.scenario.Scenario`)."""
        return self.loaded.spec

    @property
    def warnings(self) -> tuple[str, ...]:
        """What validation found suspect but accepted (a ship on land), one line each."""
        return self.loaded.warnings

    def compile(self) -> Compiled:
        """The deterministic geometry: threat paths, tracks, engagement windows."""
        return compile_scenario(self.loaded)

    def without(self, *nations: str | Sequence[str]) -> Scenario:
        """This scenario with the units and sensors of ``nations`` taking no part
        (codes, or lists of codes: ``without("USA", "AUS")`` or ``without(["USA"])``)."""
        return Scenario(transforms.without(self.loaded, _flat(nations, str, "nation code")))

    def drop_agreement(self, *indices: int | Sequence[int]) -> Scenario:
        """This scenario without the agreements at ``indices`` (0-based; numbers, or lists
        of numbers)."""
        picked = _flat(indices, int, "agreement index")
        return Scenario(transforms.drop_agreement(self.loaded, picked))

    def override(self, path: str, value: Any) -> Scenario:
        """This scenario with the field at ``path`` set to ``value`` (validated again)."""
        return Scenario(transforms.override(self.loaded, path, value))

    def cost(
        self, horizon_years: int | None = None, discount_rate: float | None = None
    ) -> ArchitectureCost:
        """The life-cycle cost of this architecture's units and sensor sites
        (:func:`hoplon.analysis.costs.architecture_cost`; docs/economics.md)."""
        from hoplon.analysis.costs import architecture_cost

        return architecture_cost(
            self.loaded, horizon_years=horizon_years, discount_rate=discount_rate
        )

    def run(
        self,
        trials: int | None = None,
        seed: int | None = None,
        workers: int | None = 1,
        progress: Callable[[int], None] | None = None,
        without: Sequence[str] = (),
        drop_agreements: Sequence[int] = (),
        horizon_years: int | None = None,
        discount_rate: float | None = None,
    ) -> Result:
        """Run the Monte Carlo.

        Args:
            trials: number of trials (default: the scenario's ``trials``).
            seed: random seed (default: the scenario's ``seed``).
            workers: processes (default 1; ``None`` for every core). Results do not
                depend on it.
            progress: called with the number of trials finished after each block.
            without: nations whose units and sensors are left out (their assets stay).
            drop_agreements: indices (0-based) of agreements left out.
            horizon_years, discount_rate: the life-cycle cost's horizon and real rate in
                place of the scenario's (docs/economics.md).
        """
        picked = _flat((drop_agreements,), int, "agreement index")
        loaded = transforms.drop_agreement(self.loaded, picked)
        loaded = transforms.without(loaded, _flat((without,), str, "nation code"))
        return run_scenario(
            loaded,
            trials,
            seed,
            workers,
            progress,
            horizon_years=horizon_years,
            discount_rate=discount_rate,
        )


def load(source: str | Path | Mapping[str, Any]) -> Scenario:
    """Load and validate a scenario: a file path, YAML text, or plain data (a mapping).

    A string that holds a newline or starts like a YAML mapping (``hoplon: 1``) is read
    as YAML text; any other string is a path.

    Raises:
        InputError: the scenario does not validate, naming the file, line and field.
    """
    if isinstance(source, Mapping):
        return Scenario(load_data(dict(source)))
    if isinstance(source, str) and ("\n" in source or source.lstrip().startswith("hoplon:")):
        return Scenario(load_text(source))
    return Scenario(load_scenario(source))
