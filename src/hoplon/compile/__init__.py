"""Compile a validated scenario into the numerical core's inputs, deterministically.

Raid paths (:mod:`~hoplon.compile.raids`), sensor tracks (:mod:`~hoplon.compile.sensors`),
stocks (:mod:`~hoplon.compile.stocks`) and engagement windows
(:mod:`~hoplon.compile.windows`) are computed once per scenario
(:mod:`~hoplon.compile.waves`); the Monte Carlo in ``hoplon.core`` only draws chance over
trials. :mod:`~hoplon.compile.engageability` says why a threat cannot be engaged, and
:mod:`~hoplon.compile.memory` what a run will need before it starts.
"""

from hoplon.compile.raids import raid_path
from hoplon.compile.sensors import RadarSite, radar_site
from hoplon.compile.stocks import acsa_groups
from hoplon.compile.waves import Compiled, compile_raids, compile_scenario
from hoplon.compile.windows import defends

__all__ = [
    "Compiled",
    "RadarSite",
    "acsa_groups",
    "compile_raids",
    "compile_scenario",
    "defends",
    "radar_site",
    "raid_path",
]
