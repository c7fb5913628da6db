"""The command line: ``hoplon validate|run|report|compare|sweep|coalition|econ|...``.

Each command parses its options, makes one library call and hands the record it
gets back to one renderer (``hoplon.present``); see docs/architecture.md.
"""

from hoplon.cli.app import app
from hoplon.cli.main import main

__all__ = ["app", "main"]
