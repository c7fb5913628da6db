"""What identifies a result: the scenario as run, a point of a study, a study.

Keys are SHA-256 digests of canonical JSON, so the same question always gets the same
key wherever it is asked; the results store (:mod:`hoplon.io.store`) files points by them
and a sweep resumes by them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from hoplon._version import __version__
from hoplon.results.contract import CONTRACT
from hoplon.scenario.loader import LoadedScenario

__all__ = ["canonical_json", "point_key", "scenario_digest", "study_id"]


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same data always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def scenario_digest(loaded: LoadedScenario) -> str:
    """SHA-256 (hex) of a validated scenario as it runs: the scenario and its catalog.

    The scenario's ``seed`` and ``trials`` are left out (a run's own seed and trials go
    into :func:`point_key`), so the digest says *what* is simulated: two files, or two
    sweep points reached by different ``--set`` options, that validate to the same
    scenario have the same digest, whatever their comments, key order or defaults
    written out.
    """
    spec = loaded.spec.model_dump(mode="json", by_alias=True)
    spec.pop("seed", None)
    spec.pop("trials", None)
    for study_section in ("uncertain", "candidates", "constraints"):
        spec.pop(study_section, None)  # what a study varies, not what a run simulates
    _drop_new_defaults(spec)
    named = _named_entries(loaded)
    catalog = {
        kind: {
            name: _entry_material(entry.model_dump(mode="json", exclude=_PLACEMENT_ONLY.get(kind)))
            for name, entry in loaded.catalog.kind(kind).items()
            if (kind, name) not in NEW_BUILTIN_ENTRIES or name in named
        }
        for kind in ("interceptors", "sensors", "platforms", "threats")
    }
    drop_new_cost_defaults(spec, catalog)
    material = canonical_json({"scenario": spec, "catalog": catalog})
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


#: Catalog fields that only validation reads (where a platform may stand), never the
#: simulation: left out of the digest, so adding them kept every key.
_PLACEMENT_ONLY: dict[str, set[str]] = {"platforms": {"domain"}}

#: Doctrine fields added after the store's first keys, with the default each had implied.
_NEW_DOCTRINE_DEFAULTS = {"layered": False, "reserve": "expected"}


#: Built-in catalog entries added after format-1 keys were first written: a scenario's
#: digest holds them only when it names them (an entry no raid or unit names cannot
#: change what is simulated), so every scenario that names none keeps its key.
NEW_BUILTIN_ENTRIES = frozenset(
    {
        ("threats", "notional stand-off bomber"),
        ("threats", "notional cruise-missile submarine"),
        ("threats", "notional hypersonic glide vehicle"),
        ("interceptors", "notional glide-phase interceptor"),
    }
)
#: Catalog fields added later, left out of an entry's digest while unset (None).
_NEW_ENTRY_FIELDS = ("glide_altitude_km", "lift_to_drag", "terminal_speed_kms", "cross_range_km")


def _named_entries(loaded: LoadedScenario) -> set[str]:
    """Names of the catalog entries a scenario names (raids, stand-off missiles, units,
    magazines, sensors) or defines under ``catalog:``."""
    spec = loaded.spec
    names: set[str] = set()
    for _, raid in spec.raid_entries():
        names.add(raid.type)
        if raid.standoff is not None:
            names.add(raid.standoff.missile)
    for unit in spec.units:
        names.add(unit.type)
        names.update(unit.magazine)
    names.update(s.type for s in spec.sensors)
    if spec.catalog is not None:
        for kind in ("interceptors", "sensors", "platforms", "threats"):
            names.update(getattr(spec.catalog, kind, None) or {})
    return names


def _entry_material(entry: dict[str, Any]) -> dict[str, Any]:
    for name in _NEW_ENTRY_FIELDS:
        if name in entry and entry[name] is None:
            del entry[name]
    return entry


#: Cost fields added after the store's first keys (docs/economics.md, "Life-cycle cost"),
#: with their defaults: per unit and sensor site, per economics section, per catalog entry.
_NEW_ITEM_DEFAULTS: dict[str, Any] = {"status": "candidate", "program": None, "cost": None}
_NEW_ECONOMICS_DEFAULTS: dict[str, Any] = {
    "horizon_years": None,
    "discount_rate": None,
    "residual_value": True,
}
_NEW_ENTRY_DEFAULTS: dict[str, Any] = {
    "acquisition_cost_usd": None,
    "annual_om_usd": None,
    "service_life_years": None,
    "cost_year": None,
    "cost_source": None,
    "cost_notional": False,
}


def _drop(data: Any, defaults: dict[str, Any]) -> None:
    if isinstance(data, dict):
        for name, default in defaults.items():
            if name in data and data[name] == default:
                del data[name]


def drop_new_cost_defaults(spec: dict[str, Any], catalog: dict[str, Any]) -> None:
    """Leave out the cost fields while at their defaults, so a scenario whose result is as
    before (nothing to cost) keeps its key; a priced architecture gets a new one, since
    its result now carries the cost."""
    for section in ("units", "sensors"):
        for item in spec.get(section) or []:
            _drop(item, _NEW_ITEM_DEFAULTS)
    _drop(spec.get("economics"), _NEW_ECONOMICS_DEFAULTS)
    for kind in ("platforms", "sensors"):
        for entry in (catalog.get(kind) or {}).values():
            _drop(entry, _NEW_ENTRY_DEFAULTS)


def _drop_new_defaults(spec: dict[str, Any]) -> None:
    """Leave out fields added later while at their defaults (a raid's ``standoff``, a
    unit's ``island``, and doctrine fields), so a scenario that simulates as before keeps
    its key; preserve-upper-tier became magazine-aware when they were added, so its
    scenarios keep every field (their figures changed)."""
    raids = list(spec.get("threats") or [])
    for wave in spec.get("waves") or []:
        raids.extend(wave.get("threats") or [])
    for raid in raids:
        if isinstance(raid, dict) and raid.get("standoff", 0) is None:
            del raid["standoff"]
    for unit in spec.get("units") or []:
        # `island` (placement only) at its default simulates as before
        if isinstance(unit, dict) and unit.get("island") is False:
            del unit["island"]
    doctrine = spec.get("doctrine")
    if not isinstance(doctrine, dict) or doctrine.get("assignment") == "preserve-upper-tier":
        return
    for name, default in _NEW_DOCTRINE_DEFAULTS.items():
        if name in doctrine and doctrine[name] == default:
            del doctrine[name]


def point_key(scenario: str, seed: int, trials: int, variant: Sequence[str] | None = None) -> str:
    """The key of a point: SHA-256 (hex) of everything its figures depend on.

    Args:
        scenario: :func:`scenario_digest` of the scenario as run (overrides applied).
        seed: random seed of the run.
        trials: number of trials.
        variant: for a run with nations or agreements left out, what was left out.

    The Hoplon version and the contract number are part of the key, so a new release
    recomputes rather than reuses. (A development checkout keeps its version number, so
    results of an older engine in the same version are taken as current.)
    """
    material = canonical_json(
        {
            "scenario": scenario,
            "seed": int(seed),
            "trials": int(trials),
            "variant": list(variant or []),
            "hoplon": __version__,
            "contract": CONTRACT,
        }
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def study_id(definition: Mapping[str, Any]) -> str:
    """A study's id: the first 16 hex digits of the SHA-256 of its definition.

    The same study (same kind, files, grid, seed and trials) always gets the same id, so
    an interrupted sweep resumed later continues the same study.
    """
    material = canonical_json({**definition, "hoplon": __version__})
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]
