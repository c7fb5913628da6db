"""The walk-through notebook executes from top to bottom (nbclient), so it cannot rot."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR

NOTEBOOKS = EXAMPLES_DIR / "notebooks"


def test_the_walkthrough_notebook_executes_without_error() -> None:
    nbformat = pytest.importorskip("nbformat")
    sys.path.insert(0, str(NOTEBOOKS))
    try:
        from make_notebook import build, execute
    finally:
        sys.path.remove(str(NOTEBOOKS))
    stored = nbformat.read(NOTEBOOKS / "hoplon-walkthrough.ipynb", as_version=4)
    fresh = build()
    # the stored notebook is the one the script writes (its code unchanged)
    assert [c.source for c in stored.cells] == [c.source for c in fresh.cells]
    executed = execute(fresh, timeout=240)  # raises CellExecutionError on any failing cell
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]  # fmt: skip
    assert not errors, errors
    shapley = executed.cells[-1].outputs[0]["data"]["text/plain"]
    assert "'JPN'" in shapley and "'USA'" in shapley
    assert Path(NOTEBOOKS / "hoplon-walkthrough.ipynb").stat().st_size > 0
