"""Sub-commands of ``hoplon`` beyond the core ones, one module per family.

Each module registers its commands on :data:`hoplon.cli.app` when imported; the CLI
imports every module of this package at start-up.
"""

from __future__ import annotations

import importlib
import pkgutil


def register_all() -> None:
    """Import every command module so its commands attach to the app."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}")
