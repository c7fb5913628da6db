"""The US-Japan Glide Phase Interceptor program snippet of docs/economics.md validates
and gives the figures the document states.

Public figures in the snippet: MDA's GPI budget requests of $209 M (FY2024; Defense
News, 20 Mar 2023) and $182 M (FY2025; Defense Daily, Apr 2024), and Japan's FY2024
GPI budget of 75.7 billion yen (Breaking Defense, May 2024). The program is notional:
those budget lines only, not the cost to completion.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from hoplon.economics import (
    Economics,
    annual_average_rate,
    check_economics_against_nations,
    run_economics,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "economics.md"
HEADING = "## Example: the Glide Phase Interceptor"


def _snippet() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(HEADING) :]
    start = section.index("```yaml\n") + len("```yaml\n")
    return section[start : section.index("```", start)]


def _program() -> tuple[dict[str, Any], dict[str, Any]]:
    data = yaml.safe_load(_snippet())
    econ = Economics.model_validate(data["economics"])
    assert check_economics_against_nations(econ, set(data["nations"])) == []
    return data, run_economics(econ)["programs"][0]


def test_gpi_snippet_is_marked_notional() -> None:
    data, program = _program()
    assert "notional" in data["name"].lower()
    assert "notional" in program["name"].lower()


def test_gpi_snippet_holds_the_public_budget_figures() -> None:
    data, _ = _program()
    contributions = data["economics"]["programs"][0]["contributions"]
    assert contributions["USA"] == {"currency": "USD", "by_year": {2024: 209e6, 2025: 182e6}}
    assert contributions["JPN"] == {"currency": "JPY", "by_year": {2024: 75.7e9}}


def test_gpi_figures_are_those_the_docs_state() -> None:
    _, program = _program()
    rate = annual_average_rate("USD", "JPY", 2024)
    assert rate == pytest.approx(151.43, abs=0.005)
    assert program["contributions_nominal_usd"]["JPN"] == pytest.approx(75.7e9 / rate)
    assert program["contributions_nominal_usd"]["JPN"] == pytest.approx(499.9e6, abs=0.05e6)
    assert program["contributions_nominal_usd"]["USA"] == pytest.approx(391.0e6)
    assert program["total_nominal_usd"] == pytest.approx(890.9e6, abs=0.05e6)
    assert program["shares_nominal"]["JPN"] == pytest.approx(0.561, abs=0.0005)
    assert program["total_usd"] == pytest.approx(911.0e6, abs=0.05e6)
    assert program["contributions_usd"]["JPN"] == pytest.approx(514.1e6, abs=0.05e6)
    assert program["shares"]["JPN"] == pytest.approx(0.564, abs=0.0005)


def test_gpi_snippet_runs_through_hoplon_econ(run_main, tmp_path: Path) -> None:
    path = tmp_path / "gpi.yaml"
    path.write_text(_snippet(), encoding="utf-8")
    code, out, err = run_main("econ", path, "--json")
    assert code == 0, err
    program = json.loads(out)["programs"][0]
    assert program["id"] == "gpi"
    assert program["total_nominal_usd"] == pytest.approx(890.9e6, abs=0.05e6)
