"""Work that would not fit in memory is refused up front, with exit 2 and the estimate.

A scenario of 400,000 threats would take tens of GiB to compile; before the memory
model, ``validate`` and ``run`` started compiling it and were killed by the
out-of-memory killer. Each command now estimates what it needs from the scenario's
counts (:mod:`hoplon.compile.memory`) and refuses in well under 5 s. Limits are given with
``--max-memory`` (or ``$HOPLON_MAX_MEMORY``) so the tests do not depend on the machine.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES_DIR

JAPAN = EXAMPLES_DIR / "japan-layered-bmd.yaml"


def _huge(folder: Path, per_raid: int = 100_000, copies: int = 1) -> Path:
    """The Japan example with its four raids at ``per_raid`` missiles each (``copies``
    times over, under new raid ids)."""
    raw = yaml.safe_load(JAPAN.read_text(encoding="utf-8"))
    raw["trials"] = 100
    for raid in raw["threats"]:
        raid["count"] = per_raid
        raid["launch"]["every_s"] = 0.01
    raw["threats"] = [
        {**copy.deepcopy(raid), "id": f"{raid['id']}-{k}" if k else raid["id"]}
        for k in range(copies)
        for raid in raw["threats"]
    ]
    path = folder / "huge.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def _refused_fast(run_main, *args: object, expect: tuple[str, ...]) -> str:
    start = time.perf_counter()
    code, out, err = run_main(*args)
    took = time.perf_counter() - start
    assert code == 2, (code, out, err)
    assert took < 5.0, f"refused after {took:.1f} s"
    assert "Traceback" not in err and "internal error" not in err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    for word in expect:
        assert word in err, f"{word!r} not in {err!r}"
    return err


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_scenario_that_cannot_fit_is_refused_before_compiling(run_main, tmp_path, command):
    path = _huge(tmp_path)
    args = [command, path, "--max-memory", "4GiB"] + (["--no-store"] if command == "run" else [])
    err = _refused_fast(
        run_main, *args, expect=("GiB of memory", "400,000 threats", "4.0 GiB", "to fit", "paths")
    )
    assert "huge.yaml" in err


def test_the_memory_available_is_the_default_limit(run_main, tmp_path, monkeypatch):
    # 800,000 threats on paths of ~1,000 samples: ~43 GiB to compile (their intercept
    # points), more than any test machine has; no limit given, so the memory available
    # is the limit. (400,000 threats estimate 22 GiB since the geometry is found once
    # per raid path: no grid of every threat's path.)
    monkeypatch.delenv("HOPLON_MAX_MEMORY", raising=False)
    path = _huge(tmp_path, copies=2)
    _refused_fast(run_main, "validate", path, expect=("memory available",))


def test_the_limit_can_come_from_the_environment(run_main, tmp_path, monkeypatch):
    monkeypatch.setenv("HOPLON_MAX_MEMORY", "1GiB")
    path = _huge(tmp_path, per_raid=5_000)
    _refused_fast(run_main, "validate", path, expect=("$HOPLON_MAX_MEMORY", "1.0 GiB"))


def test_what_fits_runs(run_main, monkeypatch):
    monkeypatch.delenv("HOPLON_MAX_MEMORY", raising=False)
    code, _, err = run_main("run", JAPAN, "--trials", "500", "--max-memory", "2GiB", "--no-store")
    assert code == 0, err


def test_too_many_trials_for_memory_says_how_many_fit(run_main):
    err = _refused_fast(
        run_main, "run", JAPAN, "--trials", "10000000", "--max-memory", "1GiB", "--no-store",
        expect=("--trials", "per-trial results", "fewer trials", "fit"),
    )  # fmt: skip
    assert "10,000,000 trials" in err


def test_sweep_beyond_memory_is_refused_before_the_pool_starts(run_main, tmp_path):
    # Before: each worker started its point, the pool was killed (BrokenProcessPool).
    _refused_fast(
        run_main, "sweep", JAPAN, "--set", "threats[0].count=1,2", "--trials", "20000000",
        "--workers", "2", "--max-memory", "3GiB", "--store", tmp_path / "store",
        expect=("this sweep", "2 processes", "--workers"),
    )  # fmt: skip
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").rglob("*.parquet"))


def test_coalition_beyond_memory_is_refused_up_front(run_main):
    _refused_fast(
        run_main, "coalition", EXAMPLES_DIR / "coalition-defense.yaml", "--trials", "2000000",
        "--workers", "2", "--max-memory", "1GiB",
        expect=("coalition analysis", "processes"),
    )  # fmt: skip


def test_a_malformed_memory_size_is_refused(run_main):
    _refused_fast(run_main, "run", JAPAN, "--max-memory", "lots", expect=("--max-memory", "4GiB"))


@pytest.mark.parametrize(
    "sets",
    [
        ["threats[0].count=1..100000"],
        ["threats[0].count=1..400", "threats[1].count=1..250"],
    ],
)
def test_a_sweep_grid_of_100000_points_is_refused_at_once(run_main, sets):
    args: list[object] = ["sweep", JAPAN, "--no-store"]
    for s in sets:
        args += ["--set", s]
    _refused_fast(run_main, *args, expect=("at most 10,000",))


def test_the_file_s_trials_do_not_refuse_a_run_that_sets_its_own(run_main, tmp_path):
    # a file asking for more trials than fit: validate and a run of the file's trials
    # refuse at its line; --trials, or a sweep of trials, runs
    text = Path(JAPAN).read_text(encoding="utf-8")
    assert "trials: 20000\n" in text
    path = tmp_path / "many-trials.yaml"
    path.write_text(text.replace("trials: 20000\n", "trials: 40000000\n"), encoding="utf-8")
    line = text.splitlines().index("trials: 20000") + 1
    for args in (["validate", path], ["run", path, "--no-store"]):
        code, _, err = run_main(*args)
        assert code == 2
        assert err.strip().startswith(f"{path}:{line}:"), err
        assert "trials: 40,000,000 trials would need about" in err
    code, out, err = run_main("run", path, "--trials", "100", "--no-store")
    assert code == 0, err
    code, out, err = run_main("sweep", path, "--set", "trials=100,200", "--no-store")
    assert code == 0, err
