"""The built-in catalog of notional and public systems, each entry with its source."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from hoplon.catalog.models import (
    KIND_MODELS,
    THREAT_CLASSES,
    Entry,
    Interceptor,
    Platform,
    Sensor,
    Threat,
)

__all__ = [
    "KIND_MODELS",
    "THREAT_CLASSES",
    "Catalog",
    "Entry",
    "Interceptor",
    "Platform",
    "Sensor",
    "Threat",
    "builtin_catalog",
    "builtin_raw",
    "catalog_from_raw",
]

KINDS: tuple[str, ...] = ("interceptors", "sensors", "platforms", "threats")


@dataclass(frozen=True)
class Catalog:
    """All catalog entries a scenario can name, by kind and exact name."""

    interceptors: dict[str, Interceptor]
    sensors: dict[str, Sensor]
    platforms: dict[str, Platform]
    threats: dict[str, Threat]

    def kind(self, kind: str) -> dict[str, Any]:
        return dict(getattr(self, kind))


@lru_cache(maxsize=1)
def builtin_raw() -> dict[str, dict[str, dict[str, Any]]]:
    """The built-in catalog data files as plain mappings (kind → name → fields)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    base = resources.files("hoplon.catalog") / "data"
    for kind in KINDS:
        text = (base / f"{kind}.yaml").read_text(encoding="utf-8")
        out[kind] = yaml.safe_load(text) or {}
    return out


def catalog_from_raw(raw: dict[str, dict[str, dict[str, Any]]]) -> Catalog:
    """Validated catalog objects from plain mappings (kind → name → fields)."""
    return Catalog(
        interceptors={n: Interceptor.model_validate(f) for n, f in raw["interceptors"].items()},
        sensors={n: Sensor.model_validate(f) for n, f in raw["sensors"].items()},
        platforms={n: Platform.model_validate(f) for n, f in raw["platforms"].items()},
        threats={n: Threat.model_validate(f) for n, f in raw["threats"].items()},
    )


@lru_cache(maxsize=1)
def builtin_catalog() -> Catalog:
    """The built-in catalog, validated."""
    return catalog_from_raw(builtin_raw())
