"""Soak: a 200-point sweep killed with SIGKILL at random moments, restarted five times,
ends with every point stored exactly once, intact, and equal to an uninterrupted sweep.

Bounded: the kill moments come from a seeded generator (each after a random number of
new points, plus a random delay that lands in the middle of writes), the checks are
exact, and the whole test runs in well under two minutes on two cores."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR, REPO_ROOT
from hoplon.io.store import ResultStore

SCENARIO = EXAMPLES_DIR / "sm3-block-iia-burden-sharing.yaml"
POINTS = 200
SETS = [f"seed=1..{POINTS}"]
TRIALS = 500
RESTARTS = 5

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="POSIX signals")


def _stored(store: Path) -> int:
    points = store / "points"
    return len(list(points.glob("*.parquet"))) if points.is_dir() else 0


def _figures(store: Path) -> dict[str, tuple[str, int, str]]:
    _, rows = ResultStore(store).query(
        "SELECT key, overrides, trials, metrics FROM results", max_rows=POINTS
    )
    return {key: (overrides, trials, metrics) for key, overrides, trials, metrics in rows}


def _sweep(store: Path, *extra: str) -> list[str]:
    sets = [arg for s in SETS for arg in ("--set", s)]
    return [sys.executable, "-m", "hoplon", "sweep", str(SCENARIO), *sets, "--trials",
            str(TRIALS), "--workers", "2", "--store", str(store), "--resume", *extra]  # fmt: skip


def test_a_sweep_killed_five_times_at_random_ends_with_every_point_once(tmp_path: Path) -> None:
    from hoplon.analysis.sweep import plan_sweep, run_sweep

    started = time.monotonic()
    rng = random.Random(19)
    reference = tmp_path / "reference"
    run_sweep(plan_sweep(SCENARIO, SETS, trials=TRIALS), workers=2, store=ResultStore(reference))

    store = tmp_path / "soak"
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    kills = 0
    for _ in range(RESTARTS):
        before = _stored(store)
        target = min(POINTS - 1, before + rng.randint(1, 40))
        proc = subprocess.Popen(_sweep(store), cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while _stored(store) < target and proc.poll() is None:
                assert time.monotonic() < deadline, "the sweep stalled"
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.03))  # somewhere in the next point's write
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                kills += 1
            proc.wait(timeout=10)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        assert _stored(store) >= before  # a kill never loses a stored point
    assert kills == RESTARTS

    done = subprocess.run(_sweep(store, "--json"), cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, check=False, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    final = json.loads(done.stdout)["sweep"]
    assert final["computed"] + final["resumed"] == POINTS
    assert final["resumed"] >= RESTARTS  # every restart kept what it had stored

    report = ResultStore(store).check()
    assert report.damaged == [] and report.orphaned == [] and report.temporaries == []
    _, rows = ResultStore(store).query("SELECT count(*), count(DISTINCT key) FROM results")
    assert rows == [(POINTS, POINTS)]
    assert _figures(store) == _figures(reference)
    assert time.monotonic() - started < 120
