"""Catalog figures in the wrong unit: refused when impossible, warned of when suspect.

A range typed in metres where kilometres are asked (35,000 for PAC-3 MSE's 35 km), a
radar range no radar has, a cost typed in millions where dollars are asked (4.5 for
4.5 million), a field the threat's flight model never reads.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR

JAPAN = EXAMPLES_DIR / "japan-layered-bmd.yaml"


def _squashed(text: str) -> str:
    return "".join(text.split())


def _with_catalog(tmp_path: Path, block: str) -> Path:
    text = JAPAN.read_text(encoding="utf-8")
    assert "\ncatalog:" not in text
    path = tmp_path / "scenario.yaml"
    path.write_text(text.rstrip("\n") + "\ncatalog:\n" + block, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("block", "field", "accepted"),
    [
        ("  interceptors:\n    PAC-3 MSE: {max_range_km: 35000}\n",
         "catalog.interceptors.PAC-3 MSE.max_range_km", "a ground range in km up to 20,000"),
        ("  interceptors:\n    SM-3 Block IIA: {max_alt_km: 1000000}\n",
         "catalog.interceptors.SM-3 Block IIA.max_alt_km", "an intercept altitude in km up to 5,000"),
        ("  threats:\n    notional MRBM: {max_range_km: 1500000}\n",
         "catalog.threats.notional MRBM.max_range_km", "a ground range in km up to 20,000"),
        ("  sensors:\n    AN/TPY-2: {range_km: 700000}\n",
         "catalog.sensors.AN/TPY-2.range_km", "a radar range in km up to 10,000"),
    ],
)  # fmt: skip
def test_an_impossible_figure_is_refused_at_its_field(
    run_main, tmp_path: Path, block: str, field: str, accepted: str
) -> None:
    path = _with_catalog(tmp_path, block)
    code, _, err = run_main("validate", str(path))
    assert code == 2, err
    assert "Traceback" not in err
    (line,) = [x for x in err.splitlines() if field in x]
    assert line.startswith(f"{path}:") and accepted in line


def test_the_largest_figures_of_the_shipped_catalog_stay_accepted(run_main, tmp_path):
    block = (
        "  interceptors:\n    SM-3 Block IIA: {max_range_km: 20000, max_alt_km: 5000}\n"
        "  sensors:\n    AN/TPY-2: {range_km: 10000}\n"
    )
    code, _, err = run_main("validate", str(_with_catalog(tmp_path, block)))
    assert code == 0, err


@pytest.mark.parametrize(
    ("block", "field", "says"),
    [
        ("  interceptors:\n    PAC-3 MSE: {unit_cost_usd: 4.5}\n",
         "catalog.interceptors.PAC-3 MSE.unit_cost_usd", "catalog costs are in dollars, not millions"),
        ("  threats:\n    notional SRBM: {speed_kms: 2.0}\n",
         "catalog.threats.notional SRBM.speed_kms", "a ballistic threat does not use speed_kms"),
    ],
)  # fmt: skip
def test_a_suspect_figure_is_warned_of_and_the_run_goes_on(
    run_main, tmp_path: Path, block: str, field: str, says: str
) -> None:
    path = _with_catalog(tmp_path, block)
    code, out, err = run_main("validate", str(path))
    assert code == 0, err
    # the terminal wraps a long line anywhere, even inside a path: compare without spaces
    text = _squashed(out + err)
    assert _squashed(f"Warning: {path}:") in text
    assert _squashed(f"{field}: ") in text and _squashed(says) in text
    code, out, err = run_main("run", str(path), "--trials", "50", "--no-store", "--json")
    assert code == 0 and _squashed(f"{field}: ") in _squashed(err)  # on standard error


def test_a_cost_in_dollars_is_not_warned_of(run_main, tmp_path: Path) -> None:
    path = _with_catalog(tmp_path, "  interceptors:\n    PAC-3 MSE: {unit_cost_usd: 4500000}\n")
    code, out, err = run_main("validate", str(path))
    assert code == 0 and "unit_cost_usd" not in out + err


def test_a_cost_no_budget_holds_is_refused_at_its_field(run_main, tmp_path: Path) -> None:
    # 1e308 passed validation once, then overflowed the spend sums (exit 1)
    path = _with_catalog(tmp_path, "  interceptors:\n    PAC-3 MSE: {unit_cost_usd: 1.0e308}\n")
    code, _, err = run_main("run", str(path), "--trials", "50", "--no-store")
    assert code == 2 and "Traceback" not in err
    assert (
        "catalog.interceptors.PAC-3 MSE.unit_cost_usd: Input should be less than or equal to" in err
    )


def test_json_output_is_strict_json_when_a_figure_is_not_finite(run_main, tmp_path: Path) -> None:
    # a threat cost of the smallest float: the cost-exchange ratio overflows to infinity
    import json

    block = "  threats:\n    notional MRBM: {unit_cost_usd: 5.0e-324}\n    notional SRBM: {unit_cost_usd: 0}\n"
    path = _with_catalog(tmp_path, block)
    code, out, err = run_main("run", str(path), "--trials", "50", "--no-store", "--json")
    assert code == 0, err

    def refuse(constant: str) -> None:
        raise AssertionError(f"not JSON: {constant}")

    data = json.loads(out, parse_constant=refuse)  # Infinity and NaN are not JSON
    assert data["metrics"]["cost_exchange_ratio"]["mean"] is None
