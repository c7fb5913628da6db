"""``hoplon uncertainty`` and ``hoplon sensitivity`` as a user runs them: refusals located
in the file, the JSON they print, the store they write and resume from, the report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from hoplon.analysis.uncertain import plan_sensitivity, sensitivity

SALVO = REPO_ROOT / "tests" / "data" / "one-layer-salvo.yaml"
JAPAN = REPO_ROOT / "examples" / "japan-uncertain-figures.yaml"


def _with_uncertain(tmp_path: Path, entries: str, name: str = "u.yaml") -> tuple[Path, int]:
    """The salvo scenario with its uncertain: section replaced; the first entry's line."""
    text = SALVO.read_text(encoding="utf-8")
    head = text[: text.index("uncertain:")]
    body = head + "uncertain:\n" + entries
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path, head.count("\n") + 2


def _refusal(result: tuple[int, str, str]) -> str:
    code, _, err = result
    assert code == 2, f"exit code {code}: {err}"
    assert "Traceback" not in err, err
    return err.strip()


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("  doctrine.no_such_field: {uniform: [0, 1]}\n", "no_such_field"),
        ('  catalog.interceptors."PAC-3 MSE".sspk.srbm: {uniform: [0.5, 1.2]}\n', "reaches 1.2"),
        ("  threats[srbm].count: {choice: [many, 2]}\n", "reaches 'many'"),
        ("  threats[nothing].count: {choice: [1, 2]}\n", "no item of threats has id 'nothing'"),
    ],
    ids=["no field", "sspk above 1", "choice of the wrong type", "no such id"],
)
def test_a_parameter_the_scenario_refuses_is_named_at_its_line(
    run_main, tmp_path: Path, entry: str, says: str
) -> None:
    path, line = _with_uncertain(tmp_path, entry)
    for command in ("uncertainty", "sensitivity"):
        err = _refusal(run_main(command, path, "--no-store", "-n", "10"))
        assert err.startswith(f"{path}:{line}:"), err
        assert "uncertain." in err and says in err, err


def test_a_malformed_distribution_is_refused_by_validation_with_its_line(
    run_main, tmp_path: Path
) -> None:
    path, line = _with_uncertain(tmp_path, "  trials: {uniform: [5, 2]}\n")
    err = _refusal(run_main("validate", path))
    assert f"{path}:{line}:" in err and "low < high" in err, err


def test_no_uncertain_section_and_a_bad_design_are_refused(run_main) -> None:
    err = _refusal(run_main("sensitivity", REPO_ROOT / "examples" / "japan-layered-bmd.yaml"))
    assert "no uncertain: section" in err
    err = _refusal(run_main("sensitivity", SALVO, "--n", "100", "--no-store"))
    assert "--n" in err and "power of two" in err
    err = _refusal(run_main("uncertainty", SALVO, "--method", "grid", "--no-store"))
    assert "--method" in err and "lhs, sobol" in err


def test_indices_do_not_depend_on_the_number_of_workers() -> None:
    one = sensitivity(plan_sensitivity(SALVO, n=8, trials=500), workers=1)
    two = sensitivity(plan_sensitivity(SALVO, n=8, trials=500), workers=2)
    assert one.indices == two.indices
    assert one.evaluations == two.evaluations == 8 * (3 + 2)


def test_sensitivity_json_store_resume_and_report(run_main, tmp_path: Path) -> None:
    store = tmp_path / "store"
    args = ["sensitivity", SALVO, "--method", "morris", "--n", "4", "-n", "400",
            "--store", store, "--json"]  # fmt: skip
    code, out, err = run_main(*args)
    assert code == 0, err
    first = json.loads(out)
    info = first["sensitivity"]
    assert info["method"] == "morris" and info["evaluations"] == 4 * (3 + 1)
    # Morris trajectories can meet at a point: each distinct point is run once
    assert 0 < info["computed"] <= info["evaluations"] and info["resumed"] == 0
    assert set(first["indices"]) == {"p_no_leak", "expected_leakers", "value_protected",
                                     "interceptor_cost_usd"}  # fmt: skip
    code, out, err = run_main(*args, "--resume")
    assert code == 0, err
    again = json.loads(out)
    assert again["sensitivity"]["resumed"] == info["computed"]
    assert again["sensitivity"]["computed"] == 0
    assert again["indices"] == first["indices"]
    # the table's line gives each metric's Monte Carlo error in the units of its table
    code, out, err = run_main(*args[:-1], "--resume")
    text = " ".join(out.split())
    spend = info["monte_carlo_se"]["interceptor_cost_usd"]
    assert code == 0 and f"interceptor spend (USD M) {spend / 1e6:,.1f}" in text, text
    code, out, _ = run_main("results", "SELECT count(*) FROM results", "--store", store, "--json")
    assert json.loads(out)["rows"][0]["count_star()"] == info["computed"]
    saved = tmp_path / "sensitivity.json"
    saved.write_text(json.dumps(first), encoding="utf-8")
    report = tmp_path / "sensitivity.html"
    code, _, err = run_main("report", saved, "-o", report)
    assert code == 0, err
    html = report.read_text(encoding="utf-8")
    assert "Hoplon sensitivity report" in html and "tornado-p_no_leak" in html
    assert not re.search(r"https?://", html.split("<style>")[0])


def test_uncertainty_reports_the_spread_apart_from_the_monte_carlo_error(run_main) -> None:
    code, out, err = run_main("uncertainty", SALVO, "--samples", "16", "-n", "2000",
                              "--no-store", "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    p = data["metrics"]["p_no_leak"]
    assert p["p5"] <= p["p50"] <= p["p95"]
    # the closed form 1 - (1 - r p)^2 spans 0.36 (r = 0.5, p = 0.4) to 0.99 over the box
    assert p["min"] >= 0.36 and p["max"] <= 0.995
    assert 0 < p["monte_carlo_se"] < p["std"]
    assert data["uncertainty"]["samples"] == 16 and len(data["uncertainty"]["parameters"]) == 3
