"""``report -o`` writes a regular file safely: never onto a device, through a link, or
through a link planted at a temporary name; every other file is left untouched."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR

JAPAN = EXAMPLES_DIR / "japan-layered-bmd.yaml"


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes | str]]:
    """Every entry of a folder: its type and content (a link: where it points)."""
    seen: dict[str, tuple[int, bytes | str]] = {}
    for entry in sorted(folder.iterdir()):
        mode = os.lstat(entry).st_mode
        if stat.S_ISLNK(mode):
            seen[entry.name] = (stat.S_IFMT(mode), os.readlink(entry))
        elif stat.S_ISREG(mode):
            seen[entry.name] = (stat.S_IFMT(mode), entry.read_bytes())
        else:
            seen[entry.name] = (stat.S_IFMT(mode), b"")
    return seen


def _device(path: Path) -> str:
    """A character device like /dev/full (1, 7) at ``path``; a FIFO where mknod is refused."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))
        return "device"
    except (PermissionError, OSError):
        os.mkfifo(path)
        return "FIFO"


def test_report_onto_a_device_node_is_refused(tmp_path: Path, run_main) -> None:
    target = tmp_path / "full"
    what = _device(target)
    before = _snapshot(tmp_path)
    code, _, err = run_main("report", JAPAN, "--trials", "200", "-o", target)
    assert code == 2, err
    assert f"this is a {what}" in err and str(target) in err and "Traceback" not in err
    assert _snapshot(tmp_path) == before


def test_report_onto_dev_full_is_refused_before_anything_runs(run_main) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    from hoplon.errors import InputError
    from hoplon.io.outfile import check_output

    with pytest.raises(InputError, match="this is a device"):
        check_output("/dev/full")


def test_report_onto_a_symlink_is_refused_and_its_target_untouched(
    tmp_path: Path, run_main
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "report.html"
    link.symlink_to(victim)
    before = _snapshot(tmp_path)
    code, _, err = run_main("report", JAPAN, "--trials", "200", "-o", link)
    assert code == 2 and "symbolic link" in err, err
    assert _snapshot(tmp_path) == before


def test_a_symlink_planted_at_the_old_temporary_name_is_never_followed(
    tmp_path: Path, run_main
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    target = tmp_path / "report.html"
    (tmp_path / "report.html.tmp").symlink_to(victim)
    before = _snapshot(tmp_path)
    code, _, err = run_main("report", JAPAN, "--trials", "200", "-o", target)
    assert code == 0, err
    after = _snapshot(tmp_path)
    assert after.pop("report.html")[1].startswith(b"<!DOCTYPE html>")
    assert after == before  # the victim and the planted link are as they were
    assert stat.S_ISREG(os.lstat(target).st_mode)
