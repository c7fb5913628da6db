"""`hoplon compare` stays readable on an 80-column terminal: no cell is cut."""

from __future__ import annotations

import io

from rich.console import Console

from conftest import EXAMPLES_DIR
from hoplon.analysis.compare import compare
from hoplon.present.studies import print_comparison

FILES = [EXAMPLES_DIR / n for n in
         ("japan-layered-bmd.yaml", "japan-yokosuka-patriot.yaml", "japan-campaign-costs.yaml")]  # fmt: skip


def _render(width: int) -> str:
    data = compare(FILES, trials=300, seed=3).to_dict()
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    print_comparison(data, console)
    return console.export_text()


def test_three_scenarios_at_80_columns_cut_no_cell() -> None:
    text = _render(80)
    assert "…" not in text
    assert all(len(line) <= 80 for line in text.splitlines())
    for label in ("interceptor spend", "cost-exchange", "B − A", "C − A", "shots by JPN"):
        assert label in text, label
    # at 80 columns each scenario is set against A in a table of its own
    assert text.count("Mean [95% interval]; difference from A") == 2
    # and so are the leakers per target and per raid, every target and raid in each
    assert text.count("Leakers per target: mean [95% interval]; difference from A") == 2
    assert text.count("Leakers per raid: mean [95% interval]; difference from A") == 2
    for name in ("tokyo", "yokosuka", "mrbm-tokyo", "mrbm-yokosuka"):
        assert text.count(f"│ {name} ") == 2, name


def test_a_wide_terminal_keeps_one_table() -> None:
    text = _render(200)
    assert "…" not in text and text.count("Mean [95% interval]; difference from A") == 1
    assert text.count("Leakers per target: mean [95% interval]; difference from A") == 1
