"""Golden JSON of every example: a change of any figure fails here until it is regenerated
on purpose (``make golden``) and explained in the commit."""

from __future__ import annotations

import json

import pytest

from golden_cases import CASES, golden_path, run_case


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_the_golden_file(name: str) -> None:
    path = golden_path(name)
    assert path.exists(), f"no golden file for {name}: run `make golden`"
    expected = json.loads(path.read_text())
    actual = json.loads(json.dumps(run_case(name), sort_keys=True))
    assert actual == expected, f"{name} differs from {path.name}; if on purpose, `make golden`"


def test_every_example_has_a_golden_case() -> None:
    from golden_cases import REPO_ROOT

    named = {arg for args in CASES.values() for arg in args if arg.endswith(".yaml")}
    examples = {f"examples/{p.name}" for p in (REPO_ROOT / "examples").glob("*.yaml")}
    assert examples <= named, f"examples without a golden case: {sorted(examples - named)}"
