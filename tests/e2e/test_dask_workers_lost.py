"""A Dask sweep whose cluster loses every worker stops with exit code 2 after a timeout,
instead of waiting silently."""

from __future__ import annotations

import threading
import time

import pytest

from hoplon.errors import InputError


def test_losing_every_dask_worker_is_reported_after_the_timeout() -> None:
    distributed = pytest.importorskip("dask.distributed")
    from hoplon.execute import _map_dask

    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        dashboard_address=None,
        host="127.0.0.1",
    ) as cluster:
        address = cluster.scheduler_address
        seen: list[int] = []
        started = time.monotonic()
        lost = threading.Timer(1.5, cluster.scale, args=(0,))
        points = _map_dask(
            time.sleep, [0.2, 4.0, 4.0], address, None, worker_timeout_s=2.0, poll_s=0.2
        )
        lost.start()
        try:
            with pytest.raises(InputError) as info:
                for index, _ in points:
                    seen.append(index)
        finally:
            lost.cancel()
        took = time.monotonic() - started
    message = info.value.render()
    assert "has had no worker for 2 s" in message
    assert "1 of 3 points finished" in message and "--resume" in message
    assert f"cluster {address}" in message  # the library names its argument; the CLI, --cluster
    assert seen == [0]
    assert took < 15, f"took {took:.1f} s to notice"


def test_a_refusal_on_a_dask_worker_reaches_the_caller_unchanged() -> None:
    distributed = pytest.importorskip("dask.distributed")
    from conftest import EXAMPLES_DIR
    from hoplon.analysis.sweep import PointTask, plan_sweep, run_point
    from hoplon.execute import _map_dask

    plan = plan_sweep(EXAMPLES_DIR / "coalition-defense.yaml", ["waves[1].start_s=100"],
                      trials=50)  # fmt: skip
    (point,) = plan.points
    task = PointTask(plan.raw, plan.file, point.overrides, point.seed, point.trials)
    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,  # the refusal crosses a process boundary, pickled
            dashboard_address=None,
            host="127.0.0.1",
        ) as cluster,
        pytest.raises(InputError) as info,
    ):
        list(_map_dask(run_point, [task], cluster.scheduler_address, None))
    (problem,) = info.value.problems
    assert problem.field == "set waves[1].start_s=100"  # the CLI names it --set
    assert "starts at 100 s, before the last threat of wave 'first-wave' lands" in problem.message


def test_the_documented_dask_commands_bind_an_address_and_the_risk_is_stated() -> None:
    from conftest import REPO_ROOT

    text = (REPO_ROOT / "docs" / "studies.md").read_text(encoding="utf-8")
    commands = [
        line.strip()
        for line in text.splitlines()
        if line.strip().startswith(("$ dask scheduler", "$ dask worker"))
    ]
    assert len(commands) >= 4
    for command in commands:
        assert "--host " in command, command  # never every interface by default
        assert "--dashboard-address " in command, command  # nor its HTTP server
    assert "runs anyone's code" in text and "--protocol tls" in text
    assert "DASK_DISTRIBUTED__COMM__TLS__CA_FILE" in text
