"""A sweep killed with SIGKILL resumes: nothing finished is recomputed, lost or duplicated."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES_DIR, REPO_ROOT, run_cli
from hoplon.io.store import ResultStore

JAPAN = EXAMPLES_DIR / "japan-layered-bmd.yaml"
POINTS = 8
SWEEP = ["sweep", str(JAPAN), "--set", f"threats[0].count=1..{POINTS}", "--trials", "2000"]

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; POSIX signals")


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _stored(store: Path) -> int:
    points = store / "points"
    return len(list(points.glob("*.parquet"))) if points.is_dir() else 0


def _figures(store: Path) -> dict[str, tuple[str, int, str]]:
    _, rows = ResultStore(store).query("SELECT key, overrides, trials, metrics FROM results")
    return {key: (overrides, trials, metrics) for key, overrides, trials, metrics in rows}


def _start_sweep(store: Path, workers: int, **popen: Any) -> subprocess.Popen[Any]:
    """The sweep in a process of its own, writing to ``store``; its stderr piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "hoplon", *SWEEP, "--workers", str(workers), "--store", str(store)],
        cwd=REPO_ROOT,
        env=dict(os.environ, PYTHONIOENCODING="utf-8"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        **popen,
    )


def test_a_sweep_killed_with_sigkill_resumes_exactly(tmp_path: Path) -> None:
    killed_store = tmp_path / "killed"
    # its own process group, to clean up whatever is left
    proc = _start_sweep(killed_store, workers=2, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while _stored(killed_store) < 2:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the sweep wrote fewer than 2 points in 60 s"
            workers.update(_children(proc.pid))
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        before = _stored(killed_store)
        assert 2 <= before < POINTS, f"{before} points stored: the kill came too late"

        # the worker processes notice their parent is gone and stop by themselves
        deadline = time.monotonic() + 10
        while any(_running(w) for w in workers):
            assert time.monotonic() < deadline, "worker processes outlived the killed sweep"
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.stderr:
            proc.stderr.close()

    partial = _figures(killed_store)
    assert len(partial) == before

    code, out, err = run_cli(
        *SWEEP, "--workers", "2", "--store", killed_store, "--resume", "--json"
    )
    assert code == 0, err
    resumed = json.loads(out)
    assert resumed["sweep"]["resumed"] == before
    assert resumed["sweep"]["computed"] == POINTS - before
    assert sum(p["resumed"] for p in resumed["points"]) == before

    # every point exactly once: one file per key, one row per key, no temporary left
    files = sorted(p.name for p in (killed_store / "points").iterdir())
    assert len(files) == POINTS and all(f.endswith(".parquet") for f in files)
    _, rows = ResultStore(killed_store).query("SELECT count(*), count(DISTINCT key) FROM results")
    assert rows == [(POINTS, POINTS)]
    final = _figures(killed_store)
    for key, figures in partial.items():  # nothing finished was recomputed or changed
        assert final[key] == figures

    # the same figures as a sweep that was never interrupted
    clean_store = tmp_path / "clean"
    code, out, err = run_cli(*SWEEP, "--workers", "2", "--store", clean_store, "--json")
    assert code == 0, err
    clean = json.loads(out)
    assert _figures(clean_store) == final
    assert [p["metrics"] for p in clean["points"]] == [p["metrics"] for p in resumed["points"]]
    assert [p["overrides"] for p in clean["points"]] == [
        {"threats[0].count": n} for n in range(1, POINTS + 1)
    ]


@pytest.mark.parametrize(
    ("stop", "workers", "group", "code", "says"),
    [
        (signal.SIGINT, 1, False, 130, "interrupted:"),  # Ctrl-C
        (signal.SIGTERM, 2, False, 143, "terminated (SIGTERM):"),  # kill PID
        (signal.SIGTERM, 1, False, 143, "terminated (SIGTERM):"),  # the run in the command
        # a job scheduler stops the whole process group, the workers too (that they
        # take SIGTERM's default is tests/unit/test_worker_signals.py)
        (signal.SIGTERM, 2, True, 143, "terminated (SIGTERM):"),
    ],
)
def test_a_sweep_interrupted_or_terminated_says_so_and_resumes(
    tmp_path: Path, stop: signal.Signals, workers: int, group: bool, code: int, says: str
) -> None:
    # SIGTERM used to end the sweep without a word; it now stops as Ctrl-C does
    store = tmp_path / "interrupted"
    proc = _start_sweep(store, workers=workers, text=True, start_new_session=group)
    try:
        deadline = time.monotonic() + 60
        while _stored(store) < 1:  # interrupted while it works, not while it starts
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the sweep wrote no point in 60 s"
            time.sleep(0.005)
        if group:
            os.killpg(proc.pid, stop)
        else:
            proc.send_signal(stop)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    if proc.returncode == 0:  # pragma: no cover - the sweep finished first
        pytest.skip("the sweep finished before the interrupt")
    assert proc.returncode == code, err
    assert says in err and "Traceback" not in err, err
    assert err.strip().endswith("continues where it stopped with --resume"), err
    assert "Traceback" not in err
    stored = _stored(store)
    code, _, err = run_cli(*SWEEP, "--workers", "1", "--store", str(store), "--resume")
    assert code == 0, err
    assert _stored(store) == POINTS and stored <= POINTS
