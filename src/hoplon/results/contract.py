"""The JSON result contract (docs/output-contract.md), defined once.

``CONTRACT`` is the version of the shape of ``hoplon run --json`` and of every record
derived from it (compare, sweep, the store's rows). ``HEADLINE`` is the one list of
headline metrics: each edge shows a subset of it (the store keeps ``STORED``, compare
tests ``COMPARED``, the report draws ``REPORTED``), and each renderer formats a metric
by its ``kind`` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: Version of the JSON result shape (output-contract.md).
CONTRACT = 1

#: How a metric is read: a share of 1, a count, US dollars, or a ratio.
Kind = Literal["share", "count", "usd", "ratio"]


@dataclass(frozen=True)
class Metric:
    """One headline metric of the contract's ``metrics`` object."""

    key: str
    label: str
    kind: Kind


HEADLINE: tuple[Metric, ...] = (
    Metric("p_no_leak", "P(no leaker)", "share"),
    Metric("expected_leakers", "expected leakers", "count"),
    Metric("value_protected", "value protected", "share"),
    Metric("value_protected_attacked", "value protected (attacked)", "share"),
    Metric("interceptor_cost_usd", "interceptor spend", "usd"),
    Metric("threat_cost_usd", "threat cost", "usd"),
    Metric("cost_exchange_ratio", "cost-exchange ratio", "ratio"),
)

#: Headline metrics by key.
BY_KEY: dict[str, Metric] = {m.key: m for m in HEADLINE}

#: Flattened into the store's columns (mean, and the 95 % bounds where present).
STORED: tuple[str, ...] = (
    "p_no_leak",
    "expected_leakers",
    "value_protected",
    "interceptor_cost_usd",
    "threat_cost_usd",
    "cost_exchange_ratio",
)

#: Compared between scenarios, in the table's order (plus shots by nation).
COMPARED: tuple[str, ...] = (
    "p_no_leak",
    "expected_leakers",
    "value_protected",
    "interceptor_cost_usd",
    "cost_exchange_ratio",
)

#: Drawn as the report's headline cards.
REPORTED: tuple[str, ...] = (
    "p_no_leak",
    "expected_leakers",
    "value_protected",
    "value_protected_attacked",
    "interceptor_cost_usd",
    "cost_exchange_ratio",
)


def label(key: str) -> str:
    """The label of a compared or swept metric (``shots_by_nation.JPN`` included)."""
    if key.startswith("shots_by_nation."):
        return f"shots by {key.split('.', 1)[1]}"
    metric = BY_KEY.get(key)
    return metric.label if metric else key


def kind(key: str) -> Kind | None:
    """The kind of a headline metric (``count`` for shots by nation), else None."""
    if key.startswith("shots_by_nation."):
        return "count"
    metric = BY_KEY.get(key)
    return metric.kind if metric else None
