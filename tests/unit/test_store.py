"""The results store: atomic Parquet writes, one file per key, DuckDB queries."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from conftest import EXAMPLES_DIR
from hoplon.errors import InputError, StoreWriteError
from hoplon.io import outfile
from hoplon.io.store import (
    DEFAULT_QUERY,
    HEADLINE,
    POINT_SCHEMA,
    ResultStore,
    point_row,
    record_run,
)
from hoplon.results.keys import point_key, scenario_digest, study_id


def _result(p: float = 0.9, trials: int = 1000, seed: int = 7) -> dict[str, Any]:
    """A JSON result in the contract's shape (output-contract.md)."""
    return {
        "contract": 1,
        "hoplon_version": "0.1.0",
        "scenario": {"name": "demo", "sha256": "ab" * 32},
        "seed": seed,
        "trials": trials,
        "metrics": {
            "p_no_leak": {"mean": p, "ci95": [p - 0.01, p + 0.01]},
            "expected_leakers": {"mean": 0.2, "ci95": [0.1, 0.3]},
            "value_protected": {"mean": 0.95, "ci95": [0.94, 0.96]},
            "shots_by_nation": {"JPN": {"mean": 20.0, "ci95": [19.0, 21.0]}},
            "interceptor_cost_usd": {"mean": 1.0e8, "ci95": [0.9e8, 1.1e8]},
            "threat_cost_usd": {"mean": 2.0e7},
            "cost_exchange_ratio": {"mean": 5.0},
        },
        "threats": [{"id": "t#1", "p_leak": {"mean": 0.1, "ci95": [0.09, 0.11]}}],
        "timing": {"compile_s": 0.05, "engine_s": 0.4, "trials_per_s": 2500.0, "workers": 1},
    }


def _row(key: str, p: float = 0.9, point: int = 0, overrides: dict | None = None) -> dict:
    return point_row(
        _result(p),
        key=key,
        study="s1",
        kind="sweep",
        point=point,
        file="demo.yaml",
        base_sha256="ab" * 32,
        scenario_sha256="ef" * 32,
        overrides=overrides or {},
    )


def test_point_key_is_stable_and_changes_with_every_input() -> None:
    digest = "ab" * 32
    key = point_key(digest, 7, 1000)
    assert len(key) == 64 and key == point_key(digest, 7, 1000)
    others = {
        point_key("cd" * 32, 7, 1000),
        point_key(digest, 8, 1000),
        point_key(digest, 7, 1001),
        point_key(digest, 7, 1000, ["without the units and sensors of USA"]),
    }
    assert key not in others and len(others) == 4
    assert study_id({"kind": "sweep", "x": 1}) == study_id({"x": 1, "kind": "sweep"})


def test_scenario_digest_is_what_runs_not_how_the_file_is_written(tmp_path: Path) -> None:
    from hoplon.scenario import load_scenario

    text = (EXAMPLES_DIR / "japan-layered-bmd.yaml").read_text(encoding="utf-8")
    base = load_scenario(EXAMPLES_DIR / "japan-layered-bmd.yaml")
    same = tmp_path / "same.yaml"  # a comment, other seed and trials, a default written out
    same.write_text(
        "# a comment\n"
        + text.replace("seed: 7", "seed: 99").replace("trials: 20000", "trials: 5")
        + "\n",
        encoding="utf-8",
    )
    other = tmp_path / "other.yaml"
    other.write_text(text.replace("count: 6", "count: 5"), encoding="utf-8")
    assert scenario_digest(load_scenario(same)) == scenario_digest(base)
    assert load_scenario(same).sha256 != base.sha256  # the file's own hash differs
    assert scenario_digest(load_scenario(other)) != scenario_digest(base)


def test_point_row_flattens_the_headline_and_keeps_the_full_metrics() -> None:
    row = _row("a" * 64, overrides={"threats[0].count": 3})
    assert set(row) == set(POINT_SCHEMA.names)
    assert row["p_no_leak"] == 0.9 and row["p_no_leak_low"] == pytest.approx(0.89)
    assert row["cost_exchange_ratio"] == 5.0 and row["cost_exchange_ratio_low"] is None
    assert json.loads(row["metrics"])["shots_by_nation"]["JPN"]["mean"] == 20.0
    assert json.loads(row["overrides"]) == {"threats[0].count": 3}
    for name in HEADLINE:
        assert name in row


def test_write_atomic_leaves_no_temporary_file_and_a_readable_table(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "store")
    store.prepare()
    path = store.write_point(_row("a" * 64))
    assert path.name == "a" * 64 + ".parquet"
    assert [p.name for p in store.points_dir.iterdir()] == [path.name]
    assert pq.read_table(path).schema.equals(POINT_SCHEMA)


def test_a_failed_write_keeps_the_old_file_and_removes_its_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ResultStore(tmp_path)
    store.prepare()
    store.write_point(_row("b" * 64, p=0.5))

    def broken(fd: int, data: bytes) -> None:  # half the file, then the disk is full
        os.write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outfile, "_write_all", broken)
    with pytest.raises(StoreWriteError, match="no space left on the device"):
        store.write_point(_row("b" * 64, p=0.7))
    assert [p.name for p in store.points_dir.iterdir()] == ["b" * 64 + ".parquet"]
    assert store.read_point("b" * 64).metrics["p_no_leak"]["mean"] == 0.5


def test_temporaries_of_dead_writers_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.prepare()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = store.points_dir / f".{'c' * 64}.parquet.{int(dead.stdout)}.0123abcd.tmp"
    live = store.points_dir / f".{'d' * 64}.parquet.{os.getpid()}.4567abcd.tmp"
    stale.write_bytes(b"PAR1 half a file")
    live.write_bytes(b"PAR1 being written")
    assert store.keys() == set()  # temporaries are never points
    store.prepare()
    assert not stale.exists()
    assert live.exists()
    cols, rows = store.query("SELECT count(*) FROM results")
    assert rows == [(0,)]


def test_the_same_key_is_stored_once_and_duckdb_sees_each_point_once(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.prepare()
    for i in range(3):
        store.write_point(_row(f"{i}" * 64, p=0.1 * (i + 1), point=i))
    store.write_point(_row("1" * 64, p=0.2, point=1))  # written again: replaced, not added
    assert store.keys() == {"0" * 64, "1" * 64, "2" * 64}
    cols, rows = store.query("SELECT key, p_no_leak FROM results ORDER BY point")
    assert cols == ["key", "p_no_leak"]
    assert [r[1] for r in rows] == pytest.approx([0.1, 0.2, 0.3])
    _, rows = store.query("SELECT count(*), count(DISTINCT key) FROM results")
    assert rows == [(3, 3)]


def test_default_query_and_studies_view(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.prepare()
    keys = [f"{i}" * 64 for i in range(2)]
    store.write_study("s1", "sweep", {"kind": "sweep"}, [(k, {"a": i}) for i, k in enumerate(keys)])
    for i, k in enumerate(keys):
        store.write_point(_row(k, point=i, overrides={"a": i}))
    cols, rows = store.query(DEFAULT_QUERY)
    assert cols[:3] == ["created (UTC)", "kind", "scenario"] and len(rows) == 2
    _, rows = store.query(
        "SELECT s.point, r.p_no_leak FROM studies s JOIN results r USING (key) ORDER BY s.point"
    )
    assert rows == [(0, 0.9), (1, 0.9)]


def test_an_empty_store_answers_with_no_rows_and_a_missing_one_is_an_input_error(
    tmp_path: Path,
) -> None:
    store = ResultStore(tmp_path / "empty")
    store.prepare()
    cols, rows = store.query(DEFAULT_QUERY)
    assert "P(no leak)" in cols and rows == []
    with pytest.raises(InputError, match="no results store here"):
        ResultStore(tmp_path / "nowhere").query("SELECT 1")
    with pytest.raises(InputError) as info:
        store.query("SELECT nonsense FROM results")
    assert info.value.problems[0].field == "SQL"
    assert "nonsense" in info.value.render()


def test_a_file_is_refused_as_a_store(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="--store takes a folder"):
        ResultStore(tmp_path / "f").prepare()


def test_record_run_writes_a_plain_run_that_reads_back_the_same(tmp_path: Path) -> None:
    import hoplon

    result = hoplon.load(EXAMPLES_DIR / "japan-layered-bmd.yaml").run(trials=600, seed=2)
    key = record_run(result, tmp_path)
    store = ResultStore(tmp_path)
    assert store.keys() == {key}
    stored = store.read_point(key)
    data = result.to_dict()
    assert stored.kind == "run" and stored.overrides == {}
    assert stored.metrics == json.loads(json.dumps(data["metrics"]))
    assert (stored.seed, stored.trials) == (2, 600)
    assert key == point_key(scenario_digest(result.scenario), 2, 600)
    _, rows = store.query("SELECT scenario, sha256, scenario_sha256, kind FROM results")
    digest = scenario_digest(result.scenario)
    assert rows == [(data["scenario"]["name"], result.scenario.sha256, digest, "run")]
