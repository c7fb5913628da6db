"""The memory model: sizes, count limits, and its estimate against a real run's peak RSS."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES_DIR
from hoplon.compile import memory
from hoplon.errors import InputError
from hoplon.scenario.checks import count_findings
from hoplon.scenario.loader import load_data

JAPAN = EXAMPLES_DIR / "japan-layered-bmd.yaml"


def _japan() -> dict:
    return yaml.safe_load(JAPAN.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "size"),
    [("4GiB", 4 * 1024**3), ("512M", 512 * 1024**2), ("2.5g", int(2.5 * 1024**3)), ("1000", 1000)],
)
def test_memory_sizes(text: str, size: int) -> None:
    assert memory.parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "-1G", "0", "4 GB of RAM", ""])
def test_bad_memory_sizes(text: str) -> None:
    with pytest.raises(ValueError):
        memory.parse_size(text)


def test_available_memory_is_read_from_the_system() -> None:
    room = memory.available_bytes()
    assert room is None or room > 0


def test_estimate_grows_with_threats_trials_and_workers() -> None:
    raw = _japan()
    small = memory.estimate(load_data(raw, "japan.yaml"), 1_000)
    assert memory.estimate(load_data(raw, "japan.yaml"), 1_000_000).total > small.total
    assert memory.estimate(load_data(raw, "japan.yaml"), 100_000, workers=2).total > (
        memory.estimate(load_data(raw, "japan.yaml"), 100_000, workers=1).total
    )
    bigger = copy.deepcopy(raw)
    bigger["threats"][0]["count"] = 5_000
    assert memory.estimate(load_data(bigger, "japan.yaml"), 1_000).total > small.total
    assert small.threats == 18 and small.columns % 64 == 0


@pytest.mark.parametrize(
    ("section", "limit"), [("threats", memory.MAX_THREATS), ("units", memory.MAX_UNITS)]
)
def test_counts_no_scenario_could_mean_are_refused_with_the_limit_named(section, limit) -> None:
    raw = _japan()
    if section == "threats":
        raid = raw["threats"][0]
        raw["threats"] = [
            dict(raid, id=f"raid-{i}", count=100_000) for i in range(limit // 100_000 + 1)
        ]
    else:
        unit = raw["units"][-1]
        raw["units"] = [dict(unit, id=f"unit-{i}") for i in range(limit + 1)]
        raw["threats"] = raw["threats"][:1]
    with pytest.raises(InputError) as info:
        load_data(raw, "big.yaml")
    message = str(info.value)
    assert f"at most {limit:,} are accepted" in message
    assert f"MAX_{section.upper()}" in message


def test_the_sensor_limit_is_named() -> None:
    raw = _japan()
    sensor = next(s for s in raw["sensors"] if "at" in s)
    raw["sensors"] = [dict(sensor, id=f"radar-{i}") for i in range(memory.MAX_SENSORS + 1)]
    findings = count_findings(load_data(_japan(), "j.yaml").spec.model_copy())
    assert findings == []
    with pytest.raises(InputError) as info:
        load_data(raw, "big.yaml")
    assert f"at most {memory.MAX_SENSORS:,} are accepted" in str(info.value)


_CHILD = """
import json, sys
sys.path.insert(0, {bench!r})
import bench_memory
size = bench_memory.Size(**json.loads(sys.argv[1]))
print(json.dumps(bench_memory.child(size)))
"""


@pytest.mark.parametrize(
    "size",
    [
        {"threats": 10, "sensors": 10, "units": 10, "trials": 4096},
        {"threats": 200, "sensors": 20, "units": 20, "trials": 2048},
        {"threats": 2000, "sensors": 6, "units": 6, "trials": 1024, "short": True},
    ],
)
def test_estimate_is_within_a_factor_of_two_of_the_measured_peak(size) -> None:
    """A real compile and run in a fresh process; its peak RSS against the estimate.
    (The benchmark, benchmarks/bench_memory.py, does the same up to 100,000 threats.)"""
    bench = str(Path(__file__).resolve().parents[2] / "benchmarks")
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD.format(bench=bench), json.dumps(size)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    ratio = row["rss_run"] / row["estimate"]
    assert 0.5 <= ratio <= 2.0, row
    compile_ratio = row["rss_compile"] / row["estimate_compile"]
    assert 0.5 <= compile_ratio <= 2.0, row
