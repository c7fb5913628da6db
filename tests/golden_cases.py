"""The golden cases: every example through every command that applies to it.

Each case is a list of command-line arguments whose ``--json`` output is stored in
``tests/golden/NAME.json``. ``tests/test_golden.py`` runs them and compares; after a
deliberate change of figures, regenerate with ``make golden`` (which runs
``python tests/golden_cases.py``) and say in the commit why the figures moved.

Fields that describe the machine or the moment, not the result (timings, the version, the
executor, the ``resumed`` flag of a sweep point) are removed before comparing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = REPO_ROOT / "tests" / "golden"
EX = "examples"

#: Trials for the Monte Carlo cases: small enough to be quick, large enough to cover blocks.
TRIALS = "3000"

CASES: dict[str, list[str]] = {
    "run-japan-layered-bmd": ["run", f"{EX}/japan-layered-bmd.yaml", "-n", TRIALS],
    "run-japan-campaign-costs": ["run", f"{EX}/japan-campaign-costs.yaml", "-n", TRIALS],
    "run-seasparrow-ship-defense": ["run", f"{EX}/seasparrow-ship-defense.yaml", "-n", TRIALS],
    "run-coalition-defense": ["run", f"{EX}/coalition-defense.yaml", "-n", TRIALS],
    "run-nato-task-group": ["run", f"{EX}/nato-task-group.yaml", "-n", TRIALS],
    "run-nato-task-group-without-link": [
        "run", f"{EX}/nato-task-group.yaml", "-n", TRIALS, "--drop-agreement", "0",
    ],
    "run-japan-without-usa": [
        "run", f"{EX}/japan-layered-bmd.yaml", "-n", TRIALS, "--without", "USA",
    ],
    "run-coalition-drop-agreement": [
        "run", f"{EX}/coalition-defense.yaml", "-n", TRIALS, "--drop-agreement", "0",
    ],
    "coalition-defense-p-no-leak": ["coalition", f"{EX}/coalition-defense.yaml", "-n", "2000"],
    "coalition-defense-value": [
        "coalition", f"{EX}/coalition-defense.yaml", "-n", "2000", "--metric", "value_protected",
    ],
    "econ-sm3-block-iia": ["econ", f"{EX}/sm3-block-iia-burden-sharing.yaml"],
    "econ-seasparrow-consortium": ["econ", f"{EX}/seasparrow-consortium.yaml"],
    "econ-seasparrow-japan-joins": [
        "econ", f"{EX}/seasparrow-consortium.yaml", "--join", "seasparrow:JPN",
    ],
    "econ-japan-campaign-costs": ["econ", f"{EX}/japan-campaign-costs.yaml"],
    "compare-japan-campaign": [
        "compare", f"{EX}/japan-layered-bmd.yaml", f"{EX}/japan-campaign-costs.yaml", "-n", TRIALS,
    ],
    "compare-japan-yokosuka-patriot": [
        "compare", f"{EX}/japan-layered-bmd.yaml", f"{EX}/japan-yokosuka-patriot.yaml", "-n", TRIALS,
    ],
    "sweep-japan-yokosuka-raid": [
        "sweep", f"{EX}/japan-layered-bmd.yaml", "--set", "threats[3].count=1..3", "-n", "2000",
    ],
    "uncertainty-japan-lhs": [
        "uncertainty", f"{EX}/japan-uncertain-figures.yaml", "--samples", "8", "-n", "500",
        "--workers", "1",
    ],
    "run-japan-architecture-trade": ["run", f"{EX}/japan-architecture-trade.yaml", "-n", TRIALS],
    "trade-japan-architecture-nsga2": [
        "trade", f"{EX}/japan-architecture-trade.yaml", "--method", "nsga2", "--population", "8",
        "--generations", "3", "-n", "300", "--workers", "1",
    ],
    "sensitivity-japan-morris": [
        "sensitivity", f"{EX}/japan-uncertain-figures.yaml", "--method", "morris", "--n", "4",
        "-n", "500", "--workers", "1",
    ],
}  # fmt: skip

#: Options added to every case that writes to the results store.
NO_STORE = {"run", "compare", "sweep", "uncertainty", "sensitivity", "trade"}

VOLATILE = {"timing", "hoplon_version", "resumed", "wall_s", "executor"}


def argv(name: str) -> list[str]:
    """The full argument list of case ``name`` (with ``--json``, without the store)."""
    args = list(CASES[name])
    args.append("--json")
    if args[0] in NO_STORE:
        args.append("--no-store")
    return args


def normalise(value: Any) -> Any:
    """``value`` without the fields that vary from machine to machine or run to run."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def golden_path(name: str) -> Path:
    """Where case ``name`` keeps its recorded output."""
    return GOLDEN_DIR / f"{name}.json"


def run_case(name: str) -> Any:
    """Run case ``name`` through :func:`hoplon.cli.main` in this process; its parsed JSON."""
    import contextlib
    import io
    import os

    from hoplon.cli import main

    buffer = io.StringIO()
    cwd = os.getcwd()
    os.chdir(REPO_ROOT)
    try:
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(io.StringIO()):
            try:
                main(argv(name))
            except SystemExit as exc:
                if exc.code not in (0, None):
                    raise RuntimeError(f"golden case {name} exited {exc.code}") from exc
    finally:
        os.chdir(cwd)
    return normalise(json.loads(buffer.getvalue()))


def regenerate(names: list[str]) -> None:
    """Run the named cases (all when empty) and write their golden files."""
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for name in names or sorted(CASES):
        data = run_case(name)
        golden_path(name).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"wrote {golden_path(name).relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    regenerate(sys.argv[1:])
