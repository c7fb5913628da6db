"""Analyses over scenarios: a run, compare, sweep, coalition value, weapon-target assignment.

Each analysis takes validated scenarios (what-ifs are scenario transforms, see
``hoplon.scenario.transforms``), runs them through ``hoplon.execute`` and returns a
typed record from ``hoplon.results``; none of them renders or stores anything.
"""
