"""Generated mutants of every example: each is either accepted or refused cleanly.

From each file under ``examples/`` a fixed-seed generator makes 150 mutants (1,050 in
all): a key deleted; a value swapped for another type (text, integer, list, mapping,
null); a number made negative, zero or 1e12; a number made non-finite (``.inf``,
``-.inf``, ``.nan``, and ``1e400`` / ``1.0e+400`` written as text); a list grown to
10,000 items; an identifier or name made of right-to-left marks, emoji, zero-width
characters or 10,000 characters. Each runs through ``hoplon validate`` in this process
(:func:`hoplon.cli.main` inside :meth:`typer.testing.CliRunner.isolation`, which is
what ``python -m hoplon`` calls), and a sample of those that validate (8 per example)
through ``hoplon run --trials 20 --seed 1 --workers 1``.

Each case must: let no exception escape (``--debug`` is given, so an internal error
would escape as itself rather than as exit code 1); exit with 0 or 2; on exit 2 print
only problem lines, each naming the file with a line and column (``name.yaml:12:5:``),
as :meth:`hoplon.errors.Problem.render` writes them; and finish within 10 s. One test
per example collects every failure and lists the first 20.
"""

from __future__ import annotations

import copy
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conftest import EXAMPLES_DIR

SEED = 20261203
MUTANTS_PER_FILE = 150
RUNS_PER_FILE = 8
#: Each case's limit, in seconds of this process's CPU time (the work, whatever else the
#: machine runs at the same time; the commands run in this process).
CASE_LIMIT_S = 10.0
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
#: The whole mutation run must take under 90 s of CPU time.
TOTAL_LIMIT_S = 90.0
#: CPU seconds each example's mutants took, for the total checked at the end.
TOOK: dict[str, float] = {}

#: Raw YAML tokens put in place of a placeholder after dumping, so that the file holds
#: the text as a user would write it (PyYAML would quote it otherwise).
_RAW = {
    "\x00RAW-1e400\x00": "1e400",
    "\x00RAW-1.0e+400\x00": "1.0e+400",
    "\x00RAW--1.0e+400\x00": "-1.0e+400",
}
_UNICODE = [
    "\u202eevil\u202c",  # right-to-left override
    "\u200fid-\u05d0\u05d1",  # right-to-left mark and Hebrew letters
    "\U0001f680\U0001f4a5",  # emoji
    "a\u200bb\u200dc\ufeff",  # zero-width space, joiner, byte-order mark
    "x" * 10_000,
    "\u0645\u0635\u0631-1",  # Arabic
    "e\u0301\u0301\u0301",  # combining marks
    "\U0001f1ef\U0001f1f5",  # a flag (regional indicators)
]
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): ")


@dataclass(frozen=True)
class Mutant:
    label: str
    text: str


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) in a YAML data structure, the root excluded."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key), value
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield (*path, i), value
            yield from _paths(value, (*path, i))


def _set(root: Any, path: tuple[Any, ...], value: Any) -> None:
    node = root
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _delete(root: Any, path: tuple[Any, ...]) -> None:
    node = root
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]


def _show(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _other_type(value: Any, rng: random.Random) -> Any:
    choices: list[Any] = ["text", 7, [1, "two"], {"k": 1}, None, True, 2.5]
    kinds = [c for c in choices if type(c) is not type(value)]
    return copy.deepcopy(rng.choice(kinds))


def _mutants(path: Path) -> list[Mutant]:
    """The mutants of one example, the same on every run."""
    rng = random.Random(f"{SEED}:{path.name}")
    base = yaml.safe_load(path.read_text(encoding="utf-8"))
    every = list(_paths(base))
    keyed = [(p, v) for p, v in every if isinstance(p[-1], str) or len(p) > 1]
    numbers = [(p, v) for p, v in every if type(v) in (int, float)]
    lists = [(p, v) for p, v in every if isinstance(v, list) and v]
    texts = [(p, v) for p, v in every if isinstance(v, str)]
    ids = [(p, v) for p, v in texts if p[-1] in ("id", "target", "name", "nation")] or texts

    def delete(data: Any) -> str:
        p, _ = rng.choice(keyed)
        _delete(data, p)
        return f"delete {_show(p)}"

    def swap(data: Any) -> str:
        p, v = rng.choice(every)
        new = _other_type(v, rng)
        _set(data, p, new)
        return f"{_show(p)} = {new!r}"

    def out_of_range(data: Any) -> str:
        p, v = rng.choice(numbers)
        new = rng.choice([-abs(v) - 1, -1, 0, 0.0, 1e12, -1e12, 10**12])
        _set(data, p, new)
        return f"{_show(p)} = {new!r}"

    def non_finite(data: Any) -> str:
        p, _ = rng.choice(numbers)
        new = rng.choice([float("inf"), float("-inf"), float("nan"), *_RAW])
        _set(data, p, new)
        return f"{_show(p)} = {_RAW.get(new, new)!r}"

    def huge_list(data: Any) -> str:
        p, v = rng.choice(lists)
        # Items are shared (written as YAML aliases, so the file stays small) except that
        # each mapping with an ``id`` gets its own, so that the list is not refused at
        # once for a duplicate. Raids keep theirs: 10,000 distinct raids are a valid
        # scenario of tens of thousands of threats, whose geometry takes about a minute.
        grown = [v[i % len(v)] for i in range(10_000)]
        if p[-1] not in ("threats", "waves"):
            grown = [
                {**item, "id": f"{item['id']}-{i}"}
                if isinstance(item, dict) and isinstance(item.get("id"), str)
                else item
                for i, item in enumerate(grown)
            ]
        _set(data, p, grown)
        return f"{_show(p)} x 10,000"

    def unicode_id(data: Any) -> str:
        p, _ = rng.choice(ids)
        new = rng.choice(_UNICODE)
        _set(data, p, new)
        return f"{_show(p)} = {new[:12]!r}{'...' if len(new) > 12 else ''}"

    kinds: list[tuple[Callable[[Any], str], int]] = [
        (delete, 30),
        (swap, 40),
        (out_of_range, 25),
        (non_finite, 20),
        (huge_list, 5),
        (unicode_id, 30),
    ]
    assert sum(n for _, n in kinds) == MUTANTS_PER_FILE
    out: list[Mutant] = []
    for mutate, n in kinds:
        for _ in range(n):
            data = copy.deepcopy(base)
            label = mutate(data)
            text = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=200)
            for placeholder, raw in _RAW.items():
                text = text.replace(yaml.safe_dump(placeholder).split("\n")[0], raw)
            assert "\x00" not in text and "\\0" not in text, label
            out.append(Mutant(label, text))
    return out


def _invoke(args: list[str]) -> tuple[int | None, str, BaseException | None, float]:
    """``hoplon ARGS`` in this process: exit code, standard error, escaped exception, CPU
    seconds."""
    from hoplon.cli import main

    runner = CliRunner()
    escaped: BaseException | None = None
    code: int | None = None
    start = time.process_time()
    with runner.isolation() as (_, stderr, _):
        try:
            main(["--debug", *args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException as exc:  # the failure this test exists to find
            escaped = exc
        elapsed = time.process_time() - start
        err = stderr.getvalue().decode("utf-8", "replace")
    return code, err, escaped, elapsed


def _check(label: str, args: list[str], name: str) -> tuple[list[str], int | None, float]:
    code, err, escaped, elapsed = _invoke(args)
    what = f"{args[0]} [{label}]"
    problems = []
    if escaped is not None:
        tb = escaped.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else "?"
        problems.append(f"{what}: {type(escaped).__name__}: {escaped!s:.200} at {where}")
    elif code not in (0, 2):
        problems.append(f"{what}: exit code {code}: {err.strip()[:300]}")
    elif code == 2:
        lines = err.strip().splitlines()
        if not lines:
            problems.append(f"{what}: exit code 2 with nothing printed")
        for line in lines:
            if re.fullmatch(r"\.\.\. and \d+ more problems?", line):
                continue
            match = _LOCATED.match(line)
            if not match or not match["file"].endswith(name):
                problems.append(f"{what}: not located at {name}:line:column: {line[:300]}")
                break
    if elapsed > CASE_LIMIT_S:
        problems.append(f"{what}: took {elapsed:.1f} s of CPU (limit {CASE_LIMIT_S:.0f} s)")
    return problems, code, elapsed


@pytest.fixture
def built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the Click command from the Typer app once, not on every call (40 ms each).

    ``hoplon.cli.main`` calls the app, which rebuilds its Click command each time; a
    user runs one command per process, this test over a thousand.
    """
    import typer.main

    from hoplon.cli import app
    from hoplon.cli.commands import register_all

    register_all()
    command = typer.main.get_command(app)
    original = typer.main.get_command
    monkeypatch.setattr(
        typer.main,
        "get_command",
        lambda typer_app: command if typer_app is app else original(typer_app),
    )


@pytest.mark.usefixtures("built_once")
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_mutants_are_accepted_or_refused_cleanly(example: Path, tmp_path: Path) -> None:
    start = time.process_time()
    mutants = _mutants(example)
    assert len(mutants) == MUTANTS_PER_FILE
    rng = random.Random(f"{SEED}:run:{example.name}")
    failures: list[str] = []
    accepted: list[tuple[Mutant, Path]] = []
    slowest = (0.0, "")
    for i, mutant in enumerate(mutants):
        file = tmp_path / f"{example.stem}-m{i:03d}.yaml"
        file.write_text(mutant.text, encoding="utf-8")
        found, code, elapsed = _check(mutant.label, ["validate", str(file)], file.name)
        failures += found
        slowest = max(slowest, (elapsed, f"validate [{mutant.label}]"))
        if code == 0:
            accepted.append((mutant, file))
    sample = rng.sample(accepted, min(RUNS_PER_FILE, len(accepted)))
    run = ["--trials", "20", "--seed", "1", "--workers", "1", "--no-store", "--json"]
    for mutant, file in sample:
        found, _, elapsed = _check(mutant.label, ["run", str(file), *run], file.name)
        failures += found
        slowest = max(slowest, (elapsed, f"run [{mutant.label}]"))
    print(
        f"\n{example.name}: {len(mutants)} mutants validated, {len(accepted)} accepted, "
        f"{len(sample)} run in {time.process_time() - start:.1f} s of CPU; "
        f"slowest {slowest[0]:.2f} s: {slowest[1][:120]}"
    )
    assert not failures, f"{len(failures)} failing mutants of {example.name}:\n" + "\n".join(
        failures[:20]
    )
    TOOK[example.name] = time.process_time() - start
    assert len(sample) >= 3, f"only {len(sample)} mutants of {example.name} validate"


def test_the_whole_mutation_run_fits_its_budget() -> None:
    """Runs after the examples' tests, in the same process (pytest keeps the file's order,
    and `make test` runs a file's tests in one process: `--dist loadfile`)."""
    if set(TOOK) != {p.name for p in EXAMPLES}:
        pytest.skip("only some examples' mutants ran")
    total = sum(TOOK.values())
    assert total < TOTAL_LIMIT_S, (
        f"{total:.1f} s of CPU in all (limit {TOTAL_LIMIT_S:.0f} s): {TOOK}"
    )


# Regressions for what the mutants found: each took well over 10 s before.


@pytest.mark.usefixtures("built_once")
def test_ten_thousand_sensors_validate_quickly(tmp_path: Path) -> None:
    """10,000 radars: a radars-by-radars cue-latency matrix filled in Python and a
    10,000-row summary table took two minutes; now the latencies are per nation and
    the table shows its first rows and counts the rest."""
    data = yaml.safe_load((EXAMPLES_DIR / "coalition-defense.yaml").read_text(encoding="utf-8"))
    first = data["sensors"][0]
    data["sensors"] = [{**first, "id": f"radar-{i}"} for i in range(10_000)]
    file = tmp_path / "ten-thousand-sensors.yaml"
    file.write_text(yaml.dump(data, Dumper=_DUMPER, sort_keys=False), encoding="utf-8")
    code, err, escaped, elapsed = _invoke(["validate", str(file)])
    assert escaped is None and code == 0, err
    assert elapsed < CASE_LIMIT_S, f"{elapsed:.1f} s"


def test_summary_tables_show_the_first_rows(run_main: Any, tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES_DIR / "japan-layered-bmd.yaml").read_text(encoding="utf-8"))
    first = data["assets"][0]
    data["assets"] = [{**first, "id": f"site-{i}"} for i in range(250)] + data["assets"]
    file = tmp_path / "many-assets.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, out, err = run_main("validate", file)
    assert code == 0, err
    assert "site-99 " in out and "site-100 " not in out
    assert f"… and {len(data['assets']) - 100:,} more assets" in out


@pytest.mark.usefixtures("built_once")
def test_file_near_the_size_limit_is_read_quickly(tmp_path: Path) -> None:
    """A 3.6 MB file (under the 4 MiB limit) took over 10 s to parse in pure Python."""
    from hoplon.scenario.yamlio import MAX_FILE_BYTES

    data = yaml.safe_load((EXAMPLES_DIR / "seasparrow-consortium.yaml").read_text(encoding="utf-8"))
    data["description"] = "notional " * 2000
    data["notes"] = [{"k": i, "text": f"entry {i} " + "x" * 30} for i in range(60_000)]
    text = yaml.dump(data, Dumper=_DUMPER, sort_keys=False)
    assert 0.75 * MAX_FILE_BYTES < len(text.encode()) < MAX_FILE_BYTES
    file = tmp_path / "near-limit.yaml"
    file.write_text(text, encoding="utf-8")
    code, err, escaped, elapsed = _invoke(["validate", str(file)])
    assert escaped is None and code == 2, err
    assert _LOCATED.match(err) and "near-limit.yaml" in err, err
    assert elapsed < CASE_LIMIT_S, f"{elapsed:.1f} s"  # the budget of every case (10 s)
