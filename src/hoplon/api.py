"""The Python API for notebooks and scripts: ``hoplon.load(path).run(...)``.

>>> import hoplon
>>> scenario = hoplon.load("examples/japan-layered-bmd.yaml")
>>> result = scenario.run(trials=2_000, seed=1)
>>> result.to_dict()["metrics"]["p_no_leak"]
{'mean': 0.017, 'ci95': [0.0121907, 0.0236612]}
>>> len(result.to_frame())                             # one row per threat
18
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoplon import __version__
from hoplon.core.metrics import contract_metrics, threat_rows, transfer_rows, value_basis
from hoplon.core.model import Model
from hoplon.core.runner import Outcomes, default_workers, run_trials
from hoplon.errors import InputError
from hoplon.geometry import Compiled, compile_scenario
from hoplon.scenario import LoadedScenario, load_scenario

if TYPE_CHECKING:  # pragma: no cover
    import pandas

#: Version of the JSON result shape (output-contract.md).
CONTRACT = 1


@dataclass
class Result:
    """The outcome of a run: per-trial outcomes and the compiled waves they came from."""

    scenario: LoadedScenario
    waves: list[Model]
    outcomes: Outcomes
    compile_s: float
    engine_s: float
    workers: int
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON result contract (output-contract.md), as plain Python data."""
        spec = self.scenario.spec
        trials = self.outcomes.trials
        return {
            "contract": CONTRACT,
            "hoplon_version": __version__,
            "scenario": {"name": spec.name, "sha256": self.scenario.sha256},
            "seed": self.outcomes.seed,
            "trials": trials,
            "metrics": contract_metrics(self.waves, self.outcomes),
            "value_basis": value_basis(self.waves),
            "threats": threat_rows(self.waves, self.outcomes),
            **(
                {"acsa_transfers": transfer_rows(self.waves, self.outcomes)}
                if len(self.waves) > 1
                else {}
            ),
            "sample_trial": self.sample_trial(),
            **self._campaign_costs(),
            **({"variant": self.notes} if self.notes else {}),
            "timing": {
                "compile_s": round(self.compile_s, 4),
                "engine_s": round(self.engine_s, 4),
                "trials_per_s": round(trials / self.engine_s, 1) if self.engine_s > 0 else None,
                "decision_points": self.outcomes.decision_points,
                "workers": self.outcomes.workers_used,
            },
        }

    def _campaign_costs(self) -> dict[str, Any]:
        """Campaign costs in base-year dollars, when the scenario has `economics:`."""
        if self.scenario.spec.economics is None:
            return {}
        from hoplon.economics.campaign import campaign_costs

        return {"campaign_costs": campaign_costs(self)}

    def sample_trial(self) -> list[dict[str, Any]]:
        """The engagements of trial 0, in launch order (for timelines)."""
        rows = []
        for w, events in enumerate(self.outcomes.events):
            model = self.waves[w]
            for t, u, i, launch, intercept, shots, killed in events:
                rows.append(
                    {
                        "threat": model.threat_ids[t],
                        "unit": model.unit_ids[u],
                        "interceptor": model.interceptor_names[i],
                        "launch_s": round(launch, 3),
                        "intercept_s": round(intercept, 3),
                        "shots": shots,
                        "killed": killed,
                    }
                )
        return sorted(rows, key=lambda r: r["launch_s"])

    def to_frame(self) -> pandas.DataFrame:
        """Per-threat table: id, raid, target, first track, impact, engageable_by, p_leak."""
        import pandas as pd

        rows = []
        for row in threat_rows(self.waves, self.outcomes):
            p = row.pop("p_leak")
            row["engageable_by"] = ", ".join(row["engageable_by"])
            row["p_leak"] = p["mean"]
            row["p_leak_low"], row["p_leak_high"] = p["ci95"]
            rows.append(row)
        return pd.DataFrame(rows)


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

    def compile(self) -> Compiled:
        """The deterministic geometry: threat paths, tracks, engagement windows."""
        return compile_scenario(self.loaded)

    def run(
        self,
        trials: int | None = None,
        seed: int | None = None,
        workers: int | None = 1,
        progress: Callable[[int], None] | None = None,
        without: Sequence[str] = (),
        drop_agreements: Sequence[int] = (),
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
        """
        spec = self.loaded.spec
        n = spec.trials if trials is None else trials
        s = spec.seed if seed is None else seed
        if n < 1:
            raise InputError.single(f"trials must be at least 1 (got {n})", field="trials")
        from hoplon.scenario.checks import memory_refusal

        refusal = memory_refusal(spec, n)
        if refusal:
            raise InputError.single(refusal, file=self.loaded.path, field="--trials")
        if s < 0:
            raise InputError.single(f"seed must be 0 or more (got {s})", field="seed")
        w = default_workers() if workers is None else max(1, workers)
        from hoplon import memory

        memory.check(self.loaded, n, workers=w, field="--trials")
        loaded = self.loaded
        units = sensors = None
        notes: list[str] = []
        if without or drop_agreements:
            from hoplon.coalition import make_variant

            variant = make_variant(self.loaded, without, drop_agreements)
            loaded, units, sensors, notes = (
                variant.loaded,
                variant.units,
                variant.sensors,
                variant.notes,
            )
        compiled = compile_scenario(loaded, units=units, sensors=sensors)
        start = time.perf_counter()
        outcomes = run_trials(
            compiled.waves, n, s, workers=w, resupply=compiled.resupply, progress=progress
        )
        engine_s = time.perf_counter() - start
        return Result(loaded, compiled.waves, outcomes, compiled.compile_s, engine_s, w, notes)


def load(path: str | Path) -> Scenario:
    """Load and validate a scenario file. Raises :class:`hoplon.errors.InputError`."""
    return Scenario(load_scenario(path))
