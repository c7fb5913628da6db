"""Write (and execute) examples/notebooks/hoplon-walkthrough.ipynb.

Run from the repository root: ``.venv/bin/python examples/notebooks/make_notebook.py``.
The notebook is stored executed, so it can be read on GitHub without running it; the
tests execute it again (tests/e2e/test_notebook.py) so that it cannot go stale.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent

CELLS = [
    ("md", """# Hoplon from Python: load, run, change, sweep, plot, coalition

This notebook walks through the Python API on the bundled Japan example (a notional
layered ballistic missile defense: Aegis destroyers with SM-3, Patriot PAC-3 MSE at the
cities, shared US tracks). Open it with `jupyter lab examples/notebooks/` after
`pip install jupyterlab` in the project's environment; the figures are notional."""),
    ("code", """import hoplon

scenario = hoplon.load("../japan-layered-bmd.yaml")
result = scenario.run(trials=5_000, seed=7)
result.to_dict()["metrics"]["p_no_leak"]"""),
    ("md", "One row per threat: when it is first tracked, when it lands, who may engage it, and its chance to leak."),
    ("code", """result.to_frame().head()"""),
    ("md", """## What if: a field changed, a nation left out

`override` sets one field by its path (the paths of `hoplon sweep --set`) and validates
the scenario again; `without` leaves a nation's units and sensors out. Runs with the same
seed and trials share their random numbers, so differences are tested pairwise."""),
    ("code", """from hoplon.analysis.compare import compare_results

better = scenario.override('catalog.interceptors."PAC-3 MSE".sspk.mrbm', 0.9)
more = better.run(trials=5_000, seed=7)
alone = scenario.without("USA").run(trials=5_000, seed=7)
comparison = compare_results(["as is", "PAC-3 MSE kills an MRBM at 0.9", "without the USA"],
                             [result, more, alone])
{name: [round(e.mean, 4) for e in ests]
 for name, ests in comparison.metrics.items() if name in ("p_no_leak", "value_protected")}"""),
    ("md", "## A sweep: the Yokosuka raid from 1 to 6 missiles"),
    ("code", """from hoplon.analysis.sweep import plan_sweep, run_sweep

plan = plan_sweep("../japan-layered-bmd.yaml", ["threats[3].count=1..6"], trials=3_000)
sweep = run_sweep(plan, workers=1)          # no store given: nothing is written
[(p.point.overrides["threats[3].count"], p.metrics["p_no_leak"]["mean"]) for p in sweep.points]"""),
    ("md", "Plotted with Hoplon's own SVG charts (the report's), so nothing is fetched to draw it:"),
    ("code", """from IPython.display import SVG
from hoplon.present.html.svg import Series, line_chart
from hoplon.present.text import fmt_percent

x = [p.point.overrides["threats[3].count"] for p in sweep.points]
est = [p.metrics["value_protected"] for p in sweep.points]
line = Series("value protected", "#4a78b5", x, [e["mean"] for e in est],
              [e["ci95"][0] for e in est], [e["ci95"][1] for e in est])
SVG(line_chart([line], x_label="missiles at Yokosuka", y_label="value protected",
               y_fmt=fmt_percent))"""),
    ("md", "## What each ally brings: Shapley values"),
    ("code", """from hoplon.analysis.coalition import coalition_analysis

shares = coalition_analysis(scenario.loaded, metric="value_protected", trials=2_000)
{nation: round(v["mean"], 4) for nation, v in shares["shapley"].items()}"""),
]


def build() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, text in CELLS:
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        nb.cells.append(make(text))
    return nb


def execute(nb: nbformat.NotebookNode, timeout: int = 300) -> nbformat.NotebookNode:
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(HERE)}}).execute()  # fmt: skip
    return nb


if __name__ == "__main__":
    notebook = execute(build())
    nbformat.write(notebook, HERE / "hoplon-walkthrough.ipynb")
    print(f"wrote {HERE / 'hoplon-walkthrough.ipynb'}")
