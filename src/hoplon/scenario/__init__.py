"""The scenario format: schema, safe loading with precise errors, JSON Schema export."""

from hoplon.scenario.loader import LoadedScenario, load_data, load_scenario, load_text
from hoplon.scenario.schema import FORMAT_VERSION, Scenario

__all__ = [
    "FORMAT_VERSION",
    "LoadedScenario",
    "Scenario",
    "load_data",
    "load_scenario",
    "load_text",
]
