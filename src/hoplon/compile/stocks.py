"""Step 3 of compiling: interceptor stocks (one per unit and interceptor) and ACSA groups.

A stock is what one unit holds of one interceptor; stocks are numbered unit by unit, in
each magazine's order. ACSA (cross-servicing) groups are the stocks of one interceptor
held by the members of one ``acsa`` agreement: between waves the engine rebalances them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hoplon.catalog import Interceptor
from hoplon.core.acsa import AcsaResupply
from hoplon.core.model import Model
from hoplon.scenario.loader import LoadedScenario
from hoplon.scenario.schema import Acsa


@dataclass(frozen=True)
class Stocks:
    """The interceptors in play and the stocks of the units taking part."""

    names: list[str]
    interceptors: list[Interceptor]
    unit: NDArray[np.int64]
    """Each stock's unit (local index among the units taking part)."""
    interceptor: NDArray[np.int64]
    """Each stock's interceptor (index into ``names``)."""
    initial: NDArray[np.int64]


def build_stocks(loaded: LoadedScenario, unit_idx: list[int]) -> Stocks:
    """The stocks of the units ``unit_idx`` (scenario indices), in magazine order."""
    units, cat = loaded.spec.units, loaded.catalog
    names: list[str] = []
    for ui in unit_idx:
        for name in units[ui].magazine:
            if name not in names:
                names.append(name)
    stock_unit, stock_int, stock_init = [], [], []
    for local, ui in enumerate(unit_idx):
        for name, count in units[ui].magazine.items():
            stock_unit.append(local)
            stock_int.append(names.index(name))
            stock_init.append(count)
    return Stocks(
        names=names,
        interceptors=[cat.interceptors[n] for n in names],
        unit=np.asarray(stock_unit, dtype=np.int64),
        interceptor=np.asarray(stock_int, dtype=np.int64),
        initial=np.asarray(stock_init, dtype=np.int64),
    )


def acsa_groups(loaded: LoadedScenario, model: Model) -> AcsaResupply | None:
    """The rebalancing groups of the scenario's ``acsa`` agreements, if any."""
    groups: list[NDArray[np.int64]] = []
    for ag in loaded.spec.agreements:
        if not isinstance(ag, Acsa):
            continue
        members = set(ag.nations)
        for i in range(len(model.interceptor_names)):
            stocks = [
                s
                for s in range(model.n_stocks)
                if model.stock_interceptor[s] == i
                and model.unit_nation[model.stock_unit[s]] in members
            ]
            if len(stocks) > 1:
                groups.append(np.asarray(stocks, dtype=np.int64))
    if not groups:
        return None
    return AcsaResupply(tuple(groups), model.stock_initial.astype(np.int64), model.n_stocks)
