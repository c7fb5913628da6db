"""`make test` cannot pass by skipping the browser test.

`make test` runs `browser-deps` before pytest, which installs Debian's Chromium with
apt-get where it is missing (as root) or stops saying how to install it; and pytest runs
with HOPLON_REQUIRE_BROWSER=1, under which a missing browser fails the browser test
instead of skipping it. The recipe's branches are run with stand-in `apt-get` and `id`
commands on PATH and a Chromium path in a temporary folder, so nothing is installed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO_ROOT

MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="needs make")


def _make(*args: str, path_dir: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(path_dir), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [str(MAKE), "-s", "-C", str(REPO_ROOT), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def _stand_in(folder: Path, name: str, body: str) -> None:
    script = folder / name
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(0o755)


def test_make_test_installs_the_browser_and_requires_it() -> None:
    assert MAKE is not None
    dry = subprocess.run(
        [MAKE, "-n", "-C", str(REPO_ROOT), "test"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    deps = next(i for i, line in enumerate(lines) if "apt-get install" in line)
    pytest_line = next(i for i, line in enumerate(lines) if "bin/pytest" in line)
    assert deps < pytest_line, "browser-deps must run before pytest"
    assert "HOPLON_REQUIRE_BROWSER=1" in lines[pytest_line]


def test_browser_deps_without_apt_get_fails_saying_how(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    missing = tmp_path / "no" / "chromium"
    proc = _make("browser-deps", f"CHROMIUM={missing}", path_dir=bin_dir)
    assert proc.returncode != 0
    assert f"{missing} is missing" in proc.stderr
    assert "install Debian's chromium" in proc.stderr


def test_browser_deps_not_as_root_fails_saying_how(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    _stand_in(bin_dir, "apt-get", f'echo "$@" >> {log}')
    _stand_in(bin_dir, "id", "echo 1000")
    proc = _make("browser-deps", f"CHROMIUM={tmp_path / 'chromium'}", path_dir=bin_dir)
    assert proc.returncode != 0
    assert "sudo apt-get install chromium" in proc.stderr
    assert not log.exists(), "apt-get must not run without root"


def test_browser_deps_installs_chromium_with_apt_get_as_root(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    chromium = tmp_path / "chromium"
    _stand_in(
        bin_dir,
        "apt-get",
        f'echo "$@" >> {log}\ncase "$*" in *install*) printf "#!/bin/sh\\n" > {chromium};'
        f" /bin/chmod 755 {chromium};; esac",
    )
    _stand_in(bin_dir, "id", "echo 0")
    proc = _make("browser-deps", f"CHROMIUM={chromium}", path_dir=bin_dir)
    assert proc.returncode == 0, proc.stderr
    calls = log.read_text(encoding="utf-8").splitlines()
    assert calls[0] == "update -qq"
    assert calls[1] == "install -y -qq chromium"
    assert chromium.exists()
    # Once it is there, nothing more is installed.
    log.unlink()
    proc = _make("browser-deps", f"CHROMIUM={chromium}", path_dir=bin_dir)
    assert proc.returncode == 0 and f"chromium: {chromium}" in proc.stdout
    assert not log.exists()


def test_browser_deps_reports_a_failed_install(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _stand_in(bin_dir, "apt-get", "exit 100")
    _stand_in(bin_dir, "id", "echo 0")
    proc = _make("browser-deps", f"CHROMIUM={tmp_path / 'chromium'}", path_dir=bin_dir)
    assert proc.returncode != 0
    assert "could not install chromium" in proc.stderr


def _browser_test_module() -> object:
    path = REPO_ROOT / "tests" / "e2e" / "test_report_browser.py"
    spec = importlib.util.spec_from_file_location("_report_browser_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_missing_browser_fails_under_make_test(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _browser_test_module()
    monkeypatch.setattr(module, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("HOPLON_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="make browser-deps"):
        module._need_browser()  # type: ignore[attr-defined]
    monkeypatch.delenv("HOPLON_REQUIRE_BROWSER")
    with pytest.raises(pytest.skip.Exception):  # a bare pytest still skips
        module._need_browser()  # type: ignore[attr-defined]
