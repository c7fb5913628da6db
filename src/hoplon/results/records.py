"""Typed result records: what an analysis hands to every edge (terminal, JSON, store, report).

:class:`Result` is one run of the Monte Carlo; its :meth:`Result.to_dict` is the JSON
result contract (docs/output-contract.md, version :data:`hoplon.results.contract.CONTRACT`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from hoplon._version import __version__
from hoplon.core.engine import doctrine_line
from hoplon.core.metrics import contract_metrics, threat_rows, transfer_rows, value_basis
from hoplon.core.model import Model
from hoplon.core.runner import Outcomes
from hoplon.core.stats import Estimate, mean_estimate, proportion_estimate
from hoplon.results.contract import CONTRACT
from hoplon.results.lifecycle import ArchitectureCost
from hoplon.scenario import LoadedScenario

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["Result"]


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
    architecture: ArchitectureCost | None = None
    """The life-cycle cost of the scenario's units (:func:`hoplon.analysis.costs.architecture_cost`),
    when the scenario has ``economics:`` or some unit has cost figures."""

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
            **({"magazines_by_wave": rows} if (rows := self.magazines_by_wave()) else {}),
            "sample_trial": self.sample_trial(),
            **self._campaign_costs(),
            **(
                {"architecture_cost": self.architecture.to_dict()}
                if self.architecture is not None
                else {}
            ),
            **({"variant": self.notes} if self.notes else {}),
            **({"plan": plan} if (plan := self.plan()) else {}),
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
        from hoplon.results.campaign import campaign_costs

        return {"campaign_costs": campaign_costs(self.scenario, self.waves, self.outcomes)}

    def plan(self) -> list[dict[str, Any]]:
        """The planned doctrine's allocation of each wave and how good it is: ``wave``
        (with ``waves:``), ``status`` (``optimal``: within the solver's gap; ``limit``: the
        time limit came first), ``seconds``, ``interceptors`` planned, ``value_at_risk``,
        ``expected_loss`` (the program's objective), ``bound`` (proven: no allocation
        loses less), ``gap`` (expected_loss - bound) and ``gap_share`` (gap ÷
        expected_loss); empty under the other doctrines."""
        rows = []
        for model in self.waves:
            plan = model.extras.get("plan")
            if not isinstance(plan, dict):
                continue
            gap = max(0.0, plan["expected_loss"] - plan["bound"])
            loss = plan["expected_loss"]
            rows.append(
                {
                    **({"wave": model.extras["wave"]} if "wave" in model.extras else {}),
                    "status": plan["status"],
                    "seconds": round(plan["seconds"], 3),
                    "interceptors": plan["interceptors"],
                    "value_at_risk": plan["value_at_risk"],
                    "expected_loss": loss,
                    "bound": plan["bound"],
                    "gap": gap,
                    "gap_share": gap / loss if loss > 0 else 0.0,
                }
            )
        return rows

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

    def target_hits(self) -> dict[str, tuple[int, Estimate]]:
        """For each attacked target: how many threats aim at it, and the chance that at
        least one of them leaks (a proportion over trials, with its Wilson interval)."""
        if not self.waves or self.outcomes.leaked.shape[1] == 0:
            return {}
        aimed = np.concatenate([m.threat_target for m in self.waves])
        out: dict[str, tuple[int, Estimate]] = {}
        for g, tid in enumerate(self.waves[0].target_ids):
            mask = aimed == g
            if mask.any():
                hit = proportion_estimate(self.outcomes.leaked[:, mask].any(axis=1))
                out[tid] = (int(mask.sum()), hit)
        return out

    def held_back(self) -> dict[str, tuple[Estimate, Estimate]]:
        """Per unit: interceptors fired and interceptors still held at the end of the run
        (means per trial over all its interceptor types, with their intervals)."""
        left = self.outcomes.stock_left
        if not self.waves or left is None:
            return {}
        model = self.waves[0]
        out: dict[str, tuple[Estimate, Estimate]] = {}
        for u, uid in enumerate(model.unit_ids):
            mine = model.stock_unit == u
            if mine.any():
                fired = self.outcomes.shots[:, mine].sum(axis=1)
                out[uid] = (mean_estimate(fired), mean_estimate(left[:, mine].sum(axis=1)))
        return out

    def magazines_by_wave(self) -> list[dict[str, Any]]:
        """Runs of several waves: per wave, unit and interceptor, the means per trial of
        the interceptors held at the wave's start (after any ACSA transfer), fired in it
        and held at its end, and the share of trials that ended the wave with that
        magazine empty. Empty for a single wave (``held_back`` says it all)."""
        sums = self.outcomes.wave_magazines
        if sums is None or len(self.waves) < 2:
            return []
        n = float(self.outcomes.trials)
        model = self.waves[0]
        names = [w.id for w in self.scenario.spec.waves] or [
            f"wave {k + 1}" for k in range(len(self.waves))
        ]
        rows = []
        for w, wave in enumerate(names):
            for s in range(model.n_stocks):
                fired, held, empty = (float(x) / n for x in sums[w, :, s])
                rows.append(
                    {
                        "wave": wave,
                        "unit": model.unit_ids[int(model.stock_unit[s])],
                        "interceptor": model.interceptor_names[int(model.stock_interceptor[s])],
                        "start_mean": round(held + fired, 6),
                        "fired_mean": round(fired, 6),
                        "held_mean": round(held, 6),
                        "empty_share": round(empty, 6),
                    }
                )
        return rows

    def doctrine_line(self) -> str:
        """What the scenario's doctrine does, in one line."""
        d = self.scenario.spec.doctrine
        return doctrine_line(d.assignment, d.layered, d.reserve)

    def economics(self) -> dict[str, Any] | None:
        """The burden-sharing result of the scenario's ``economics:`` section, if any
        (:func:`hoplon.economics.run_economics`)."""
        spec = self.scenario.spec.economics
        if spec is None:
            return None
        from hoplon.economics import run_economics

        return run_economics(spec)

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
