"""Shipped geographic data: Natural Earth's 1:50m land polygons and the queries on them.

A layer beside the catalog (``docs/architecture.md``): the scenario checks ask it
whether a unit stands on land or far out at sea, and the report draws its coastlines.
"""

from hoplon.geodata.land import (
    LAND_SOURCE,
    continuous_ring,
    decode_arcs,
    inland_beyond_km,
    land_polygons,
    land_rings,
    land_within_km,
    on_land,
    ring_points,
    topology_rings,
)

__all__ = [
    "LAND_SOURCE",
    "continuous_ring",
    "decode_arcs",
    "inland_beyond_km",
    "land_polygons",
    "land_rings",
    "land_within_km",
    "on_land",
    "ring_points",
    "topology_rings",
]
