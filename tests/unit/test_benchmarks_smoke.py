"""The benchmarks still run: each one in its tiny ``--quick`` mode, through ``run.py``.

No timing is asserted (that is what the benchmarks report); these tests only keep the
benchmark code working as the library changes.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCHMARKS_DIR = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS_DIR))

import scenarios  # noqa: E402

# benchmarks/run.py under a distinctive module name (a bare "run" could shadow another).
_spec = importlib.util.spec_from_file_location("hoplon_benchmarks_run", BENCHMARKS_DIR / "run.py")
assert _spec is not None and _spec.loader is not None
bench_run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_run)


@pytest.mark.parametrize("name", list(bench_run.BENCHMARKS))
def test_quick_benchmark_runs_and_reports(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "figures.json"
    assert bench_run.main([name, "--quick", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"## {bench_run.BENCHMARKS[name][1]} (quick)")
    assert "#### Machine" in text and "#### Figures" in text
    figures = json.loads(out.read_text())
    assert figures["quick"] is True
    assert figures[name]["benchmark"] == name
    assert figures[name]["machine"]["nproc"] >= 1


def test_run_selects_benchmarks() -> None:
    assert bench_run.parse_args([]).names == list(bench_run.BENCHMARKS)
    assert bench_run.parse_args(["all", "--quick"]).names == list(bench_run.BENCHMARKS)
    assert bench_run.parse_args(["engine"]).names == ["engine"]
    with pytest.raises(SystemExit):
        bench_run.parse_args(["nonsense"])


def test_quick_engine_agrees_with_reference_and_across_workers() -> None:
    import bench_engine

    result = bench_engine.run(bench_engine.QUICK)
    assert result["reference"]["agree"]
    assert result["workers"]["identical"]
    assert [r["threats"] for r in result["raid_size"]] == list(bench_engine.QUICK.raid_sizes)


def test_geometry_breakdown_covers_every_stage() -> None:
    import bench_geometry

    result = bench_geometry.run(bench_geometry.QUICK, profile=True)
    stages = result["breakdown_s"]
    assert set(bench_geometry.STAGES) <= set(stages)
    assert all(stages[s][0] > 0 for s in ("paths", "detection", "tracks", "windows"))
    assert "hoplon/compile/" in result["profile"]  # the listing is of the compile step


def test_theatre_is_valid_and_grows_by_prefix() -> None:
    small = scenarios.theatre(n_threats=25, n_sensors=8, n_units=10)
    large = scenarios.theatre(n_threats=60, n_sensors=8, n_units=10)
    assert sum(r["count"] for r in small["threats"]) == 25
    assert sum(r["count"] for r in large["threats"]) == 60
    k = len(small["threats"]) - 1
    assert small["threats"][:k] == large["threats"][:k]
    cut, whole = small["threats"][k], large["threats"][k]
    assert {**cut, "count": 0} == {**whole, "count": 0} and cut["count"] <= whole["count"]
    loaded = scenarios.load_theatre(n_threats=25, n_sensors=8, n_units=10)
    assert len(loaded.spec.sensors) == 8 and len(loaded.spec.units) == 10
