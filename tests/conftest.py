"""Shared fixtures: where the repository's files are, and ways to run the command line.

``run_cli`` runs the real ``python -m hoplon`` in a subprocess, the way a user does;
``run_main`` calls :func:`hoplon.cli.main` in this process (much faster, and lets a test
monkeypatch the library) and captures what it prints and the exit code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = REPO_ROOT / "examples"
MALFORMED_DIR = REPO_ROOT / "tests" / "malformed"

CliResult = tuple[int, str, str]

# Tables are laid out for the width of the terminal; tests that depend on it set COLUMNS
# themselves. A COLUMNS inherited from the test runner (pytest-xdist's workers get 80)
# would be read once, when the command line's consoles are made, and would then override
# those settings, so it is dropped before hoplon is imported.
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)

#: Where runs of the real CLI write their results store, so tests leave the tree clean.
_TEST_STORE = tempfile.mkdtemp(prefix="hoplon-test-store-")


def run_cli(
    *args: str | os.PathLike[str],
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 120.0,
) -> CliResult:
    """Run ``python -m hoplon ARGS`` in a subprocess; return (exit code, stdout, stderr)."""
    full_env = dict(os.environ)
    full_env.update({"PYTHONIOENCODING": "utf-8"})
    if cwd is None:  # runs in the repository write their store to a temporary folder
        full_env.setdefault("HOPLON_STORE", _TEST_STORE)
    if env:
        full_env.update(env)
    proc = subprocess.run(
        [sys.executable, "-m", "hoplon", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=full_env,
        cwd=str(cwd or REPO_ROOT),
        timeout=timeout,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's top folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    """The bundled example scenarios."""
    return EXAMPLES_DIR


@pytest.fixture(scope="session")
def malformed_dir() -> Path:
    """The corpus of malformed scenarios, each refused for one reason."""
    return MALFORMED_DIR


@pytest.fixture(name="run_cli")
def run_cli_fixture() -> Callable[..., CliResult]:
    """:func:`run_cli`: the real command line in a subprocess."""
    return run_cli


@pytest.fixture
def run_main(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Call ``hoplon.cli.main(args)`` in this process; return (exit code, stdout, stderr)."""
    from hoplon.cli import main

    def run(*args: str | os.PathLike[str]) -> CliResult:
        capsys.readouterr()  # drop anything printed before
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def write_japan_with_yokosuka_patriot(folder: Path, name: str = "japan-plus-patriot.yaml") -> Path:
    """The Japan example with a fourth Patriot battery, at Yokosuka (the same threats),
    written to ``folder``; the variant the comparison tests measure against the example."""
    import yaml

    raw = yaml.safe_load((EXAMPLES_DIR / "japan-layered-bmd.yaml").read_text(encoding="utf-8"))
    raw["name"] = "Japan with a Patriot battery at Yokosuka"
    raw["units"].append(
        {
            "id": "patriot-yokosuka",
            "nation": "JPN",
            "type": "Patriot battery",
            "at": [35.30, 139.60],
            "magazine": {"PAC-3 MSE": 16},
        }
    )
    path = folder / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path
