"""The results store detects every kind of damaged file, never reads one as data, and a
resumed sweep computes exactly those points again (docs/studies.md, "Guarantees")."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import EXAMPLES_DIR
from hoplon.io.store import ResultStore

JAPAN = EXAMPLES_DIR / "japan-layered-bmd.yaml"
POINTS = 4
SWEEP = ["sweep", str(JAPAN), "--set", f"threats[0].count=1..{POINTS}", "--trials", "300"]


def _figures(store: Path) -> dict[str, tuple[str, int, str]]:
    _, rows = ResultStore(store, warn=lambda line: None).query(
        "SELECT key, overrides, trials, metrics FROM results"
    )
    return {key: (overrides, trials, metrics) for key, overrides, trials, metrics in rows}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sweep never interrupted: the figures every repaired store must end with."""
    from hoplon.analysis.sweep import plan_sweep, run_sweep

    store = tmp_path_factory.mktemp("reference") / "store"
    plan = plan_sweep(JAPAN, [f"threats[0].count=1..{POINTS}"], trials=300)
    run_sweep(plan, workers=1, store=ResultStore(store))
    return store


def _point_files(store: Path) -> list[Path]:
    return sorted((store / "points").glob("*.parquet"))


def _footer(data: bytes) -> tuple[int, int]:
    """(start, length) of a Parquet file's footer."""
    length = int.from_bytes(data[-8:-4], "little")
    return len(data) - 8 - length, length


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _zero_length(path: Path) -> None:
    path.write_bytes(b"")


def _garbage(path: Path) -> None:
    path.write_bytes(bytes((i * 131 + 7) % 256 for i in range(5000)))


def _flip_footer_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    start, length = _footer(bytes(data))
    data[start + length // 3] ^= 0x04
    path.write_bytes(bytes(data))


def _zero_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle - 32 : middle + 32] = bytes(64)
    path.write_bytes(bytes(data))


def _other_schema(path: Path) -> None:
    pq.write_table(pa.table({"key": [path.stem], "answer": [42]}), path)


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate,
    "zero length": _zero_length,
    "garbage": _garbage,
    "bit flip in the footer": _flip_footer_bit,
    "zeroed middle bytes": _zero_middle,
    "another schema": _other_schema,
}


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_a_damaged_point_is_detected_quarantined_and_recomputed_on_resume(
    kind: str, reference: Path, tmp_path: Path, run_main
) -> None:
    store = tmp_path / "store"
    shutil.copytree(reference, store)
    victim = _point_files(store)[1]
    CORRUPTIONS[kind](victim)

    # results never reads it as data: it warns, names it, and answers over the others
    code, out, err = run_main("results", "SELECT count(*) AS n FROM results", "--store", store,
                              "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["rows"] == [{"n": POINTS - 1}]
    assert str(victim) in err and "not read as data" in err
    assert victim.exists()  # results never writes: the file is only skipped

    # store check lists it
    code, out, _ = run_main("store", "check", "--store", store)
    assert code == 1 and str(victim) in out

    # resume: moved to quarantine with a one-line warning, that point alone computed again
    code, out, err = run_main(*SWEEP, "--workers", "1", "--store", store, "--resume", "--json")
    assert code == 0, err
    warnings = [line for line in err.splitlines() if str(victim) in line]
    assert len(warnings) == 1 and "quarantine" in warnings[0], err
    data = json.loads(out)
    assert (data["sweep"]["computed"], data["sweep"]["resumed"]) == (1, POINTS - 1)
    assert victim.exists()  # computed again
    assert [p.name.endswith(victim.name) for p in (store / "quarantine").iterdir()] == [True]

    # every point exactly once, equal to the uninterrupted sweep, and the store is clean
    _, rows = ResultStore(store).query("SELECT count(*), count(DISTINCT key) FROM results")
    assert rows == [(POINTS, POINTS)]
    assert _figures(store) == _figures(reference)
    code, out, _ = run_main("store", "check", "--store", store)
    assert code == 0, out


def test_a_corrupt_manifest_is_skipped_by_queries_and_rewritten_on_resume(
    reference: Path, tmp_path: Path, run_main
) -> None:
    store = tmp_path / "store"
    shutil.copytree(reference, store)
    (manifest,) = (store / "studies").glob("*.parquet")
    _garbage(manifest)
    code, out, err = run_main("results", "SELECT count(*) AS n FROM studies", "--store", store,
                              "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["rows"] == [{"n": 0}] and str(manifest) in err
    code, out, err = run_main("results", "--store", store, "--json")
    assert code == 0 and len(json.loads(out)["rows"]) == POINTS

    code, out, err = run_main(*SWEEP, "--workers", "1", "--store", store, "--resume", "--json")
    assert code == 0, err
    assert json.loads(out)["sweep"]["computed"] == 0
    assert str(manifest) in err and "quarantine" in err
    _, rows = ResultStore(store).query("SELECT count(*) FROM studies s JOIN results r USING (key)")
    assert rows == [(POINTS,)]
    assert _figures(store) == _figures(reference)


def test_store_check_finds_corrupt_duplicate_orphaned_and_leftover_files_and_repairs(
    reference: Path, tmp_path: Path, run_main
) -> None:
    store = tmp_path / "store"
    shutil.copytree(reference, store)
    code, out, _ = run_main("store", "check", "--store", store)
    assert code == 0 and f"{POINTS + 1} file(s) checked: 0 corrupt" in out

    files = _point_files(store)
    _zero_middle(files[0])
    duplicate = store / "points" / ("f" * 64 + ".parquet")
    shutil.copyfile(files[1], duplicate)
    (manifest,) = (store / "studies").glob("*.parquet")
    manifest.unlink()  # every point is now orphaned
    leftover = store / "points" / f".{files[2].name}.999999999.0123abcd.tmp"
    leftover.write_bytes(b"PAR1 half")

    code, out, _ = run_main("store", "check", "--store", store)
    assert code == 1
    assert f"corrupt: {files[0]}: checksum mismatch" in out
    assert f"duplicate: {duplicate}: a copy of {files[1].name}" in out
    assert sum(line.startswith("orphaned: ") for line in out.splitlines()) == POINTS - 1
    assert f"leftover: {leftover}" in out
    assert "1 corrupt, 0 foreign, 1 duplicate, 3 orphaned, 1 leftover temporary" in out

    code, out, _ = run_main("store", "check", "--store", store, "--repair")
    assert code == 1 and "rebuilt the manifest of study" in out
    assert not files[0].exists() and not duplicate.exists() and not leftover.exists()
    assert len(list((store / "quarantine").iterdir())) == 2
    code, out, _ = run_main("store", "check", "--store", store)
    assert code == 0, out
    _, rows = ResultStore(store).query("SELECT count(*) FROM studies s JOIN results r USING (key)")
    assert rows == [(POINTS - 1,)]

    # a resumed sweep then computes the quarantined point and the store is whole again
    code, out, err = run_main(*SWEEP, "--workers", "1", "--store", store, "--resume", "--json")
    assert code == 0, err
    assert json.loads(out)["sweep"]["computed"] == 1
    assert _figures(store) == _figures(reference)


def test_store_check_refuses_a_missing_store(tmp_path: Path, run_main) -> None:
    code, _, err = run_main("store", "check", "--store", tmp_path / "nowhere")
    assert code == 2 and "no results store here" in err and "Traceback" not in err
    # a folder that is not a store (empty, or of other files) is not reported clean
    (tmp_path / "empty").mkdir()
    shutil.copytree(EXAMPLES_DIR, tmp_path / "examples")
    for folder in ("empty", "examples"):
        code, out, err = run_main("store", "check", "--store", tmp_path / folder)
        assert code == 2 and out == "" and "no results store here" in err


def test_store_check_says_how_to_complete_each_kind_of_study(
    reference: Path, tmp_path: Path, run_main
) -> None:
    from hoplon.io.store import write_atomic

    store = tmp_path / "store"
    shutil.copytree(reference, store)
    _point_files(store)[0].unlink()  # the sweep lost a point
    code, out, _ = run_main("store", "check", "--store", store)
    assert f"{POINTS - 1} of {POINTS} points stored (an interrupted sweep: `hoplon sweep" in out
    (manifest,) = (store / "studies").glob("*.parquet")
    table = pq.read_table(manifest)
    kinds = table.column("kind").to_pylist()
    as_trade = table.set_column(table.schema.get_field_index("kind"), "kind",
                                pa.array(["trade"] * len(kinds)))  # fmt: skip
    write_atomic(as_trade, manifest)
    code, out, _ = run_main("store", "check", "--store", store)
    assert "(an interrupted trade: `hoplon trade ... --resume` completes it)" in out


def test_results_cannot_read_or_write_outside_the_store(
    reference: Path, tmp_path: Path, run_main
) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("user,password\nroot,hunter2\n")
    written = tmp_path / "out.csv"
    attached = tmp_path / "other.duckdb"
    for sql in (
        "SELECT * FROM read_csv('/etc/passwd')",
        f"SELECT * FROM read_csv('{secret}')",
        f"SELECT * FROM read_parquet('{reference}/points/*.parquet')",
        f"COPY (SELECT * FROM results) TO '{written}'",
        f"ATTACH '{attached}' AS other",
        "INSTALL httpfs",
        "SET enable_external_access = true",
    ):
        code, out, err = run_main("results", sql, "--store", reference)
        assert code == 2, (sql, out, err)
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert not written.exists() and not attached.exists()
    # given --allow-external, the SQL may read other files
    code, out, err = run_main("results", f"SELECT password FROM read_csv('{secret}')",
                              "--store", reference, "--allow-external", "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["rows"] == [{"password": "hunter2"}]


def test_results_refuses_an_answer_larger_than_max_rows(reference: Path, run_main) -> None:
    code, _, err = run_main("results", "SELECT * FROM range(50000)", "--store", reference)
    assert code == 2 and "more than 10,000 rows" in err and "--max-rows" in err
    code, _, err = run_main("results", "SELECT * FROM results", "--store", reference,
                            "--max-rows", "3")  # fmt: skip
    assert code == 2 and "more than 3 rows" in err
    code, out, err = run_main("results", "SELECT key FROM results", "--store", reference,
                              "--max-rows", str(POINTS), "--json")  # fmt: skip
    assert code == 0 and len(json.loads(out)["rows"]) == POINTS
    code, _, err = run_main("results", "--store", reference, "--max-rows", "2000000")
    assert code == 2 and "--max-rows" in err


def test_a_file_copied_from_an_old_or_foreign_store_is_not_read(
    reference: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(reference, store)
    victim = _point_files(store)[0]
    table = pq.read_table(victim)  # the same rows, written without a checksum
    pq.write_table(table, victim)
    warned: list[str] = []
    db = ResultStore(store, warn=warned.append)
    assert db.load_point(victim.stem) is None
    assert len(warned) == 1 and "no Hoplon checksum" in warned[0]
    assert not victim.exists() and os.listdir(store / "quarantine")


def test_many_foreign_files_give_a_bounded_number_of_warnings(
    reference: Path, tmp_path: Path, run_main
) -> None:
    from hoplon.io.store import MAX_WARNINGS

    store = tmp_path / "store"
    shutil.copytree(reference, store)
    for i in range(MAX_WARNINGS + 7):
        _garbage(store / "points" / f"{i:064x}.parquet")
    code, out, err = run_main("results", "SELECT count(*) AS n FROM results", "--store", store,
                              "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["rows"] == [{"n": POINTS}]
    lines = err.strip().splitlines()
    assert len(lines) == MAX_WARNINGS + 1  # five files named, one line for the rest
    assert "7 more file(s) skipped" in lines[MAX_WARNINGS]
