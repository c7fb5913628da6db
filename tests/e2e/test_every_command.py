"""Every command on every example, and on a scenario in which no unit fires.

``hoplon validate``, ``run``, ``report``, ``compare``, ``sweep``, ``coalition`` and
``econ`` run in this process (:func:`hoplon.cli.main`) on each file under
``examples/`` and on ``tests/data/no-one-fires.yaml`` (a Patriot battery next to an
allied base with no collective-defense agreement, so no one may engage: zero shots,
zero engageable threats, zero interceptor spend). Each must exit 0 with output that
makes sense: strict JSON (no NaN or infinity), probabilities within [0, 1], a file
compared with itself differing by exactly zero, Shapley values summing to the grand
coalition's gain, an HTML report that a browser can open. ``econ`` applies only to a
file with an ``economics:`` section; elsewhere it must refuse with exit 2 and one line.
Few trials (20, and 1 for the one-trial cases), one worker: the whole file runs in
seconds.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES_DIR, REPO_ROOT, CliResult

NO_ONE_FIRES = REPO_ROOT / "tests" / "data" / "no-one-fires.yaml"
FILES = [*sorted(EXAMPLES_DIR.glob("*.yaml")), NO_ONE_FIRES]
COMMANDS = ("validate", "run", "report", "compare", "sweep", "coalition", "econ")
TRIALS = "20"
Run = Callable[..., CliResult]


def _ids(path: Path) -> str:
    return path.stem


def strict_json(text: str) -> Any:
    """Parse JSON, refusing NaN and infinities (which `json.dumps` would write)."""

    def refuse(name: str) -> None:
        raise AssertionError(f"non-finite number {name} in the JSON output")

    return json.loads(text, parse_constant=refuse)


def estimates(node: Any) -> list[dict[str, Any]]:
    """Every ``{"mean": ..., "ci95": [lo, hi]}`` in a JSON result."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "mean" in node and "ci95" in node:
            found.append(node)
        for value in node.values():
            found.extend(estimates(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(estimates(value))
    return found


def check_metrics(metrics: dict[str, Any]) -> None:
    """Means inside their intervals; the probabilities within [0, 1]."""
    for est in estimates(metrics):
        lo, hi = est["ci95"]
        assert lo - 1e-9 <= est["mean"] <= hi + 1e-9, est
    for name in ("p_no_leak", "value_protected"):
        est = metrics[name]
        assert 0.0 <= est["ci95"][0] <= est["mean"] <= est["ci95"][1] <= 1.0, (name, est)
    assert metrics["interceptor_cost_usd"]["mean"] >= 0.0
    assert metrics["expected_leakers"]["mean"] >= 0.0


def check_html(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html"), html[:80]
    assert html.rstrip().endswith("</html>")
    for bad in ("NaN", "Infinity", "undefined"):
        assert bad not in html, f"{bad} in the report"
    return html


def has_economics(path: Path) -> bool:
    return "economics" in yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_command_on_file(path: Path, command: str, run_main: Run, tmp_path: Path) -> None:
    store = ("--store", str(tmp_path / "store"))
    fast = ("--trials", TRIALS, "--workers", "1")
    if command == "validate":
        code, out, err = run_main("validate", path)
        assert code == 0, err
        assert "Geometry:" in out
    elif command == "run":
        code, out, err = run_main("run", path, *fast, *store, "--json")
        assert code == 0, err
        data = strict_json(out)
        assert data["trials"] == int(TRIALS)
        check_metrics(data["metrics"])
        for threat in data["threats"]:
            assert 0.0 <= threat["p_leak"]["mean"] <= 1.0, threat
        code, out, err = run_main("run", path, *fast, *store)
        assert code == 0, err
        assert "P(no leaker)" in out
    elif command == "report":
        html = tmp_path / "report.html"
        code, _, err = run_main("report", path, "-o", html, *fast)
        assert code == 0, err
        assert "wrote" in err
        check_html(html)
    elif command == "compare":
        code, out, err = run_main("compare", path, path, *fast, *store, "--json")
        assert code == 0, err
        data = strict_json(out)
        for metric, values in data["metrics"].items():
            assert values[0] == values[1], metric  # the same file, the same trials
        for metric, diffs in data["differences"].items():
            first = data["metrics"][metric][0]
            defined = first is not None and first.get("mean") is not None
            for diff in diffs:  # undefined only where the metric is (no threat: no ratio)
                assert diff["diff"] == (0.0 if defined else None), (metric, diff)
        saved = tmp_path / "compare.json"
        saved.write_text(out, encoding="utf-8")
        code, _, err = run_main("report", saved, "-o", tmp_path / "compare.html")
        assert code == 0, err
        check_html(tmp_path / "compare.html")
    elif command == "sweep":
        code, out, err = run_main(
            "sweep", path, "--set", "doctrine.shots_per_engagement=1,2", *fast, *store, "--json"
        )
        assert code == 0, err
        data = strict_json(out)
        assert [p["overrides"] for p in data["points"]] == [
            {"doctrine.shots_per_engagement": 1},
            {"doctrine.shots_per_engagement": 2},
        ]
        for point in data["points"]:
            check_metrics(point["metrics"])
        saved = tmp_path / "sweep.json"
        saved.write_text(out, encoding="utf-8")
        code, _, err = run_main("report", saved, "-o", tmp_path / "sweep.html")
        assert code == 0, err
        check_html(tmp_path / "sweep.html")
    elif command == "coalition":
        code, out, err = run_main("coalition", path, "--metric", "value_protected", *fast, "--json")
        assert code == 0, err
        data = strict_json(out)
        assert 0.0 <= data["value_none"] <= 1.0 and 0.0 <= data["value_all"] <= 1.0
        if data["method"] == "exact":  # efficiency: the values share the whole gain
            total = sum(v["mean"] for v in data["shapley"].values())
            assert math.isclose(total, data["value_all"] - data["value_none"], abs_tol=1e-4), data
    else:
        code, out, err = run_main("econ", path, "--json")
        if has_economics(path):
            assert code == 0, err
            data = strict_json(out)
            assert data["base_year"] and "assumptions" in data
        else:
            assert code == 2, err
            assert err.strip().count("\n") == 0, err
            assert "economics" in err and "Traceback" not in err


def test_no_one_fires_is_what_it_says(run_main: Run, tmp_path: Path) -> None:
    """The scenario really has no engageable threat, no shot and no spend."""
    code, out, err = run_main("run", NO_ONE_FIRES, "--trials", "50", "--no-store", "--json")
    assert code == 0, err
    data = strict_json(out)
    assert all(t["engageable_by"] == [] for t in data["threats"])
    assert data["sample_trial"] == []
    metrics = data["metrics"]
    assert metrics["interceptor_cost_usd"]["mean"] == 0.0
    assert all(v["mean"] == 0.0 for v in metrics["shots_by_interceptor"].values())
    assert all(v["mean"] == 0.0 for v in metrics["kills_by_unit"].values())


def test_report_when_no_one_fires(run_main: Run, tmp_path: Path) -> None:
    """The report of a run with no shot at all is written (it crashed dividing by
    the largest spend, zero) and says that nothing was spent."""
    html_path = tmp_path / "none.html"
    code, _, err = run_main("report", NO_ONE_FIRES, "-o", html_path, "--trials", "50")
    assert code == 0, err
    html = check_html(html_path)
    assert "No interceptor was fired in any trial, so nothing was spent." in html
    assert 'data-chart="spend-by-nation"' not in html  # no chart of zeros
    assert re.search(
        r'<tr class="total"><td colspan="3">All interceptors</td>'
        r'<td class="num">0.00</td><td class="num"></td><td class="num">\$0</td>',
        html,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("run", "--no-store"),
        ("run", "--no-store", "--json"),
        ("report", "-o", "{tmp}/one.html"),
        ("report", "-o", "{tmp}/one-coalition.html", "--coalition", "p_no_leak"),
        ("sweep", "--set", "threats[0].count=1,2", "--no-store"),
        ("coalition",),
        ("coalition", "--metric", "value_protected", "--json"),
    ],
    ids=lambda a: " ".join(a).replace("{tmp}/", ""),
)
@pytest.mark.parametrize("path", [NO_ONE_FIRES, EXAMPLES_DIR / "japan-layered-bmd.yaml"], ids=_ids)
def test_one_trial(path: Path, args: tuple[str, ...], run_main: Run, tmp_path: Path) -> None:
    """One trial: intervals from a single draw must not divide by zero."""
    command, *rest = (a.replace("{tmp}", str(tmp_path)) for a in args)
    code, out, err = run_main(command, path, *rest, "--trials", "1", "--workers", "1")
    assert code == 0, err
    if "--json" in rest:
        strict_json(out)


def test_compare_one_trial_is_refused_cleanly(run_main: Run) -> None:
    code, _, err = run_main("compare", NO_ONE_FIRES, NO_ONE_FIRES, "--trials", "1", "--no-store")
    assert code == 2
    assert err.strip().count("\n") == 0 and "--trials" in err
