"""Sweeps and coalition subsets on a Dask cluster give the same figures as local processes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR, run_cli
from hoplon.io.store import ResultStore

JAPAN = EXAMPLES_DIR / "japan-layered-bmd.yaml"
SWEEP = [
    "sweep", str(JAPAN), "--set", "threats[0].count=2,8",
    "--set", "doctrine.shoot_look_shoot=true,false", "--trials", "1000", "--seed", "11", "--json",
]  # fmt: skip


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A two-worker LocalCluster on loopback, in separate processes, for this module."""
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        host="127.0.0.1",
    ) as cluster:
        yield cluster.scheduler_address


def test_sweep_on_a_dask_cluster_equals_the_local_sweep(scheduler: str, tmp_path: Path) -> None:
    assert scheduler.startswith("tcp://127.0.0.1:")
    code, out, err = run_cli(*SWEEP, "--cluster", scheduler, "--store", tmp_path / "dask")
    assert code == 0, err
    remote = json.loads(out)
    code, out, err = run_cli(*SWEEP, "--workers", "2", "--store", tmp_path / "local")
    assert code == 0, err
    local = json.loads(out)

    assert remote["sweep"]["executor"] == f"dask {scheduler}"
    assert local["sweep"]["executor"].startswith("local")
    assert remote["sweep"]["computed"] == local["sweep"]["computed"] == 4
    assert [p["overrides"] for p in remote["points"]] == [p["overrides"] for p in local["points"]]
    assert [p["key"] for p in remote["points"]] == [p["key"] for p in local["points"]]
    assert [p["metrics"] for p in remote["points"]] == [p["metrics"] for p in local["points"]]

    sql = "SELECT key, metrics, threats FROM results ORDER BY key"
    _, remote_rows = ResultStore(tmp_path / "dask").query(sql)
    _, local_rows = ResultStore(tmp_path / "local").query(sql)
    assert len(remote_rows) == 4
    assert remote_rows == local_rows


def test_a_malformed_cluster_address_is_an_input_error(run_main) -> None:
    code, out, err = run_main(
        "sweep", JAPAN, "--set", "trials=100", "--cluster", "tcp://localhost", "--no-store"
    )
    assert code == 2
    assert "expected a scheduler address such as tcp://" in err


def test_coalition_subsets_on_a_dask_cluster_equal_the_local_run(scheduler: str) -> None:
    args = ["coalition", str(EXAMPLES_DIR / "coalition-defense.yaml"), "--trials", "800"]
    args += ["--metric", "value_protected", "--json"]
    code, out, err = run_cli(*args, "--cluster", scheduler)
    assert code == 0, err
    remote = json.loads(out)
    code, out, err = run_cli(*args, "--workers", "1")
    assert code == 0, err
    assert remote == json.loads(out)
