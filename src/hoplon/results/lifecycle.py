"""Typed records of an architecture's life-cycle cost (made by :mod:`hoplon.analysis.costs`).

Every money figure is a present value in base-year US dollars over the record's
horizon (docs/economics.md, "Life-cycle cost"). ``to_dict()`` is the result's
``architecture_cost`` (docs/output-contract.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["ArchitectureCost", "Status", "UnitCost"]

Status = Literal["existing", "candidate"]


@dataclass(frozen=True)
class UnitCost:
    """One unit's or sensor site's life-cycle cost (present value, base-year US dollars).

    ``acquisition_usd = initial_usd + replacement_usd - residual_usd`` (0 for an
    existing unit); ``total_usd = acquisition_usd + operating_usd + inventory_usd``.
    ``payers``: nation -> fraction of ``total_usd`` it pays (sums to 1).
    """

    id: str
    kind: Literal["unit", "sensor"]
    nation: str
    platform: str
    status: Status
    program: str
    acquisition_usd: float
    operating_usd: float
    inventory_usd: float
    total_usd: float
    initial_usd: float
    replacement_usd: float
    residual_usd: float
    replacements: int
    service_life_years: float | None
    priced: bool
    payers: dict[str, float]
    basis: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "nation": self.nation,
            "platform": self.platform,
            "status": self.status,
            "program": self.program,
            "acquisition_usd": self.acquisition_usd,
            "operating_usd": self.operating_usd,
            "inventory_usd": self.inventory_usd,
            "total_usd": self.total_usd,
            "initial_usd": self.initial_usd,
            "replacement_usd": self.replacement_usd,
            "residual_usd": self.residual_usd,
            "replacements": self.replacements,
            "service_life_years": self.service_life_years,
            "priced": self.priced,
            "payers": dict(self.payers),
            "basis": dict(self.basis),
        }


@dataclass(frozen=True)
class ArchitectureCost:
    """The life-cycle cost of an architecture over ``horizon_years``, base-year US dollars.

    ``total_usd = acquisition_usd + operating_usd + inventory_usd``; ``by_nation`` and
    ``by_program`` each sum to ``total_usd``; ``by_unit`` lists every unit and every
    priced sensor site in file order.
    """

    total_usd: float
    acquisition_usd: float
    operating_usd: float
    inventory_usd: float
    by_nation: dict[str, float]
    by_program: dict[str, float]
    by_unit: list[UnitCost]
    horizon_years: int
    discount_rate: float
    base_year: int | None
    deflator: str
    residual_value: bool
    assumptions: list[str]
    warnings: list[str]
    sources: dict[str, str | None]

    @property
    def candidate_usd(self) -> float:
        """What the candidate units cost (the new spending the architecture asks for)."""
        return math.fsum(u.total_usd for u in self.by_unit if u.status == "candidate")

    @property
    def existing_usd(self) -> float:
        """What keeping the existing units costs (their O&S over the horizon)."""
        return math.fsum(u.total_usd for u in self.by_unit if u.status == "existing")

    def basis_key(self) -> tuple[int, float, int | None, str, bool]:
        """What must agree for two costs to be compared: horizon, rate, dollars, residual."""
        return (
            self.horizon_years,
            self.discount_rate,
            self.base_year,
            self.deflator,
            self.residual_value,
        )

    def summary(self) -> dict[str, Any]:
        """The totals without the per-unit rows (for a comparison of architectures)."""
        data = self.to_dict()
        for key in ("by_unit", "assumptions", "sources"):
            data.pop(key)
        return data

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the result's ``architecture_cost`` (docs/output-contract.md)."""
        return {
            "currency": "USD",
            "base_year": self.base_year,
            "deflator": self.deflator,
            "horizon_years": self.horizon_years,
            "discount_rate": self.discount_rate,
            "residual_value": self.residual_value,
            "total_usd": self.total_usd,
            "acquisition_usd": self.acquisition_usd,
            "operating_usd": self.operating_usd,
            "inventory_usd": self.inventory_usd,
            "candidate_usd": self.candidate_usd,
            "existing_usd": self.existing_usd,
            "by_nation": dict(self.by_nation),
            "by_program": dict(self.by_program),
            "by_unit": [u.to_dict() for u in self.by_unit],
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
            "sources": dict(self.sources),
        }
