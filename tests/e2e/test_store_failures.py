"""A full disk, a read-only or unwritable store, a refusal inside a worker, too many
workers: each is exit code 2 with one line, nothing half-written, and a full disk
resumes once space returns."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR
from hoplon.io.store import ResultStore

JAPAN = EXAMPLES_DIR / "japan-layered-bmd.yaml"
COALITION = EXAMPLES_DIR / "coalition-defense.yaml"
POINTS = 6
SWEEP = ["sweep", str(JAPAN), "--set", f"threats[0].count=1..{POINTS}", "--trials", "300",
         "--workers", "1"]  # fmt: skip


def _figures(store: Path) -> dict[str, tuple[str, int, str]]:
    _, rows = ResultStore(store).query("SELECT key, overrides, trials, metrics FROM results")
    return {key: (overrides, trials, metrics) for key, overrides, trials, metrics in rows}


def _leftovers(store: Path) -> list[str]:
    """Temporary or partial files in the store."""
    return [p.name for p in store.rglob("*") if p.is_file() and p.name.endswith(".tmp")]


def _intact(store: Path) -> None:
    """Every file of the store verifies."""
    report = ResultStore(store).check()
    assert report.damaged == [] and report.temporaries == [], report


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from hoplon.analysis.sweep import plan_sweep, run_sweep

    store = tmp_path_factory.mktemp("reference") / "store"
    run_sweep(plan_sweep(JAPAN, [f"threats[0].count=1..{POINTS}"], trials=300), workers=1,
              store=ResultStore(store))  # fmt: skip
    return store


class _FillAfter:
    """Injected into the writer: the disk is full after ``room`` whole files."""

    def __init__(self, room: int, error: int = errno.ENOSPC) -> None:
        from hoplon.io import outfile

        self.room, self.error, self.original = room, error, outfile._write_all

    def __call__(self, fd: int, data: bytes) -> None:
        if self.room <= 0:
            os.write(fd, data[: len(data) // 3])  # part of the file made it to the disk
            raise OSError(self.error, os.strerror(self.error))
        self.room -= 1
        self.original(fd, data)


def test_a_full_disk_during_a_sweep_exits_2_keeps_what_was_stored_and_resumes(
    reference: Path, tmp_path: Path, run_main, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    monkeypatch.setattr(
        "hoplon.io.outfile._write_all", _FillAfter(room=3)
    )  # the manifest, 2 points
    code, out, err = run_main(*SWEEP, "--store", store, "--json")
    assert code == 2, err
    assert out == ""  # no half JSON either
    (line,) = err.strip().splitlines()
    assert line.startswith(f"{store}: --store: cannot write the point")
    assert "no space left on the device" in line and "nothing half-written" in line
    assert f"2 of {POINTS} points are stored and kept" in line and "--resume" in line
    assert _leftovers(store) == []
    _intact(store)
    assert len(_figures(store)) == 2

    monkeypatch.undo()  # space is back
    code, out, err = run_main(*SWEEP, "--store", store, "--resume", "--json")
    assert code == 0, err
    assert json.loads(out)["sweep"]["computed"] == POINTS - 2
    assert _figures(store) == _figures(reference)
    _intact(store)


@pytest.mark.parametrize("command", ["run", "compare"])
def test_a_full_disk_in_run_and_compare_exits_2_with_one_line(
    command: str, tmp_path: Path, run_main, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    monkeypatch.setattr("hoplon.io.outfile._write_all", _FillAfter(room=1))  # the manifest only
    args = [JAPAN] if command == "run" else [JAPAN, JAPAN]
    code, out, err = run_main(command, *args, "--trials", "200", "--store", store, "--json")
    assert code == 2, err
    assert out == ""
    (line,) = err.strip().splitlines()
    assert str(store) in line and "no space left on the device" in line
    assert "were stored and are kept" in line
    assert _leftovers(store) == []


def test_an_unwritable_store_exits_2_with_one_line(
    tmp_path: Path, run_main, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root permissions do not bind, so the refusal is injected; see also the
    read-only tmpfs below."""
    store = tmp_path / "store"
    monkeypatch.setattr("hoplon.io.outfile._write_all", _FillAfter(room=0, error=errno.EACCES))
    code, _, err = run_main("run", JAPAN, "--trials", "200", "--store", store)
    assert code == 2, err
    (line,) = err.strip().splitlines()
    assert str(store) in line and "no permission" in line
    if os.geteuid() != 0:  # a real folder without write permission
        locked = tmp_path / "locked"
        (locked / "points").mkdir(parents=True)
        (locked / "studies").mkdir()
        for folder in (locked / "points", locked / "studies"):
            folder.chmod(0o555)
        code, _, err = run_main("run", JAPAN, "--trials", "200", "--store", locked)
        assert code == 2 and "no permission" in err


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True, check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(folder: Path, leave: int) -> Path:
    """Fill a file system until about ``leave`` bytes remain free."""
    filler = folder / f"filler-{uuid.uuid4().hex}"
    free = shutil.disk_usage(folder).free
    with open(filler, "wb", buffering=0) as handle, contextlib.suppress(OSError):
        handle.write(b"\0" * max(0, free - leave))
        handle.flush()
    return filler


def test_a_real_full_tmpfs_exits_2_and_resumes_after_space_returns(
    reference: Path, tmp_path: Path, run_main
) -> None:
    with _tmpfs(tmp_path / "mnt", "4m") as mnt:
        store = mnt / "store"
        ResultStore(store).prepare()
        one_point = max(p.stat().st_size for p in (reference / "points").glob("*.parquet"))
        filler = _fill(mnt, leave=int(2.5 * one_point) + 8192)
        code, out, err = run_main(*SWEEP, "--store", store, "--json")
        assert code == 2, err
        assert out == ""
        (line,) = err.strip().splitlines()
        assert str(store) in line and "no space left on the device" in line
        stored = len(list((store / "points").glob("*.parquet")))
        assert f"{stored} of {POINTS} points are stored and kept" in line
        assert stored < POINTS
        assert _leftovers(store) == []
        _intact(store)

        filler.unlink()  # space returns
        code, out, err = run_main(*SWEEP, "--store", store, "--resume", "--json")
        assert code == 0, err
        assert json.loads(out)["sweep"]["computed"] == POINTS - stored
        assert _figures(store) == _figures(reference)


def test_a_read_only_store_exits_2_naming_it(reference: Path, tmp_path: Path, run_main) -> None:
    with _tmpfs(tmp_path / "mnt", "8m") as mnt:
        store = mnt / "store"
        shutil.copytree(reference, store)
        remount = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True,
                                 check=False)  # fmt: skip
        if remount.returncode != 0:
            pytest.skip("cannot remount the tmpfs read-only")
        code, _, err = run_main("run", JAPAN, "--trials", "200", "--store", store)
        assert code == 2, err
        (line,) = err.strip().splitlines()
        assert str(store) in line and "read-only" in line
        # reading still works, and a resumed sweep with nothing to do needs no write
        code, out, err = run_main("results", "SELECT count(*) AS n FROM results", "--store", store,
                                  "--json")  # fmt: skip
        assert code == 0 and json.loads(out)["rows"] == [{"n": POINTS}], err


def test_a_refusal_inside_a_worker_exits_2_with_its_message(run_main) -> None:
    """Waves that overlap are refused when the geometry is compiled, in the worker."""
    code, out, err = run_main(
        "sweep", COALITION, "--set", "waves[1].start_s=100,1800", "--trials", "100",
        "--workers", "2", "--no-store",
    )  # fmt: skip
    assert code == 2, err
    assert "internal error" not in err and "Traceback" not in err
    assert "--set waves[1].start_s=100" in err
    assert "starts at 100 s, before the last threat of wave 'first-wave' lands" in err


def test_workers_are_capped(run_main) -> None:
    from hoplon.errors import InputError
    from hoplon.execute import MAX_WORKERS, map_points

    code, _, err = run_main("sweep", JAPAN, "--set", "threats[0].count=1,2", "--workers", "1000",
                            "--no-store")  # fmt: skip
    assert code == 2 and "--workers" in err and "256" in err
    with pytest.raises(InputError, match=f"at most {MAX_WORKERS} processes"):
        list(map_points(abs, [1, 2], workers=MAX_WORKERS + 1))


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_an_unwritable_store_is_refused_before_any_work(
    command: str, tmp_path: Path, run_main, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the store cannot take a file (injected: permissions do not bind root); the refusal
    # comes before the Monte Carlo, which is never started
    store = tmp_path / "store"
    real = Path.write_bytes

    def refuse(self: Path, data: bytes) -> int:
        if self.parent.parent == store:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, data)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the trials ran although the store cannot take their result")

    monkeypatch.setattr(Path, "write_bytes", refuse)
    monkeypatch.setattr("hoplon.core.runner.run_trials", never)
    monkeypatch.setattr("hoplon.analysis.run.run_trials", never)
    args = {"run": ["run", JAPAN], "compare": ["compare", JAPAN, JAPAN], "sweep": SWEEP}[command]
    code, out, err = run_main(*args, "--trials", "200", "--store", store)
    assert code == 2, err
    (line,) = err.strip().splitlines()
    assert line.startswith(f"{store}: --store: cannot write results to the results store")
    assert "no permission" in line
    assert _leftovers(store) == []
