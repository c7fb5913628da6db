"""Output files are written whole or not at all, never through a link or onto a device."""

from __future__ import annotations

import errno
import os
import pickle
import stat
from pathlib import Path

import pytest

from hoplon.errors import InputError, Problem
from hoplon.io import outfile
from hoplon.io.outfile import UnsafeTarget, write_bytes_atomic, write_output


def test_a_new_file_and_a_replaced_file_are_written_whole_with_no_temporary(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.html"
    write_output(target, "<p>one</p>")
    assert target.read_text() == "<p>one</p>"
    target.chmod(0o640)
    write_output(target, "<p>two</p>")
    assert target.read_text() == "<p>two</p>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # an existing file keeps its mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]


def test_a_symlink_target_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "link.html"
    link.symlink_to(victim)
    with pytest.raises(InputError, match="symbolic link"):
        write_output(link, "<p>x</p>")
    assert victim.read_text() == "keep me" and link.is_symlink()
    with pytest.raises(UnsafeTarget):
        write_bytes_atomic(link, b"x")
    assert victim.read_text() == "keep me"


def test_a_folder_fifo_and_device_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target, what in ((tmp_path, "folder"), (fifo, "FIFO")):
        with pytest.raises(InputError, match=what):
            write_output(target, "x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    if Path("/dev/null").exists():
        with pytest.raises(InputError, match="device"):
            outfile.check_output("/dev/null")


def test_a_planted_link_under_a_temporary_name_is_never_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "report.html"
    names = iter(["planted", "free"])
    planted = tmp_path / ".report.html.planted.tmp"
    planted.symlink_to(victim)
    monkeypatch.setattr(
        outfile, "temporary_name", lambda path: path.parent / f".{path.name}.{next(names)}.tmp"
    )
    write_output(target, "<p>report</p>")
    assert target.read_text() == "<p>report</p>"
    assert victim.read_text() == "keep me" and planted.is_symlink()


def test_a_full_disk_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")

    def full(fd: int, data: bytes) -> None:
        os.write(fd, data[:3])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outfile, "_write_all", full)
    with pytest.raises(InputError) as info:
        write_output(target, "new and longer")
    assert "no space left on the device" in info.value.render()
    assert info.value.problems[0].field == "output"  # the CLI names it --output
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_an_input_error_survives_pickling_unchanged() -> None:
    exc = InputError(
        [Problem("starts too early", "waves[1].start_s", 12, 5), Problem("second", "x")],
        "scenario.yaml",
    )
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is InputError
    assert again.problems == exc.problems and again.file == "scenario.yaml"
    assert again.render() == exc.render()
