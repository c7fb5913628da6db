"""The README and the docs say what the code does.

- every example file, doc and source file the README and docs/ name exists;
- the README's commands run as written (in this process, with few trials where
  they run the Monte Carlo), and its comparison shows the figures it prints;
- the tables of docs/catalog.md hold the figures of the built-in catalog that
  `hoplon catalog` lists, entry by entry;
- the metrics docs/report.md offers for `--coalition` are the ones the command takes;
- the example built for the comparison tests is the shipped example.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES_DIR, REPO_ROOT, CliResult, write_japan_with_yokosuka_patriot
from hoplon.catalog import KINDS, builtin_catalog

README = REPO_ROOT / "README.md"
DOCS = sorted((REPO_ROOT / "docs").glob("*.md"))
Run = Callable[..., CliResult]

# --------------------------------------------------------------------------- files


def _named_paths(text: str) -> set[str]:
    """Repository files a text names (examples/*.yaml, docs/*.md, src/hoplon/...,
    tests/...), leaving out quoted error messages (``examples/bad.yaml:50:49: ...``)
    and files of other projects (``src/js/...``)."""
    pattern = (
        r"(?<![\w/.-])((?:examples|docs|src/hoplon|tests|benchmarks|design)/[\w./-]*"
        r"\.(?:py|yaml|md|json|csv|txt|html|png))(?![\w.]|:\d)"
    )
    return set(re.findall(pattern, text))


@pytest.mark.parametrize("doc", [README, *DOCS], ids=lambda p: p.name)
def test_every_path_a_doc_names_exists(doc: Path) -> None:
    missing = sorted(
        p for p in _named_paths(doc.read_text(encoding="utf-8")) if not (REPO_ROOT / p).exists()
    )
    assert missing == [], f"{doc.name} names files that are not in the repository: {missing}"


@pytest.mark.parametrize("path", sorted(EXAMPLES_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_path_an_example_names_exists(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    missing = sorted(p for p in _named_paths(text) if not (REPO_ROOT / p).exists())
    assert missing == [], f"{path.name} names files that are not in the repository: {missing}"
    assert "design/public-figures.md" not in text


def test_no_doc_cites_the_design_folder() -> None:
    """Design notes are not shipped; docs cite docs/public-figures.md instead."""
    for doc in [README, *DOCS, *EXAMPLES_DIR.glob("*.yaml")]:
        assert "design/public-figures.md" not in doc.read_text(encoding="utf-8"), doc.name
    assert (REPO_ROOT / "docs" / "public-figures.md").is_file()


def test_public_figures_doc_holds_the_figures_the_validation_tests_use() -> None:
    text = (REPO_ROOT / "docs" / "public-figures.md").read_text(encoding="utf-8")
    for figure in ("988.5 km", "10,012 km", "4.1218", "0.2262", "$431 million", "500→650"):
        assert figure in text, figure


def test_yokosuka_example_is_the_tests_variant(tmp_path: Path) -> None:
    built = write_japan_with_yokosuka_patriot(tmp_path)
    shipped = EXAMPLES_DIR / "japan-yokosuka-patriot.yaml"
    assert yaml.safe_load(shipped.read_text(encoding="utf-8")) == yaml.safe_load(
        built.read_text(encoding="utf-8")
    )


# ------------------------------------------------------------------ README commands


def readme_commands() -> list[list[str]]:
    """The `hoplon` commands of the README: its shell blocks, and its table of next
    steps (with FILE read as the Japan example, and `[a|b]` choices left out)."""
    text = README.read_text(encoding="utf-8")
    commands: list[str] = []
    for block in re.findall(r"```(?:sh|console)?\n(.*?)```", text, flags=re.S):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.strip()
            for prefix in ("$ ", ".venv/bin/"):
                line = line.removeprefix(prefix)
            if line.startswith("hoplon "):
                commands.append(line.split("#")[0])
    for row in text.splitlines():
        if row.startswith("|"):
            commands.extend(re.findall(r"`(hoplon [^`]*)`", row))
    out = []
    for command in commands:
        command = command.replace("FILE", "examples/japan-layered-bmd.yaml")
        command = re.sub(r"\s+\[[^\]]*\]", "", command)
        words = shlex.split(command)[1:]
        if any("..." in w for w in words):  # a placeholder such as "SELECT ... FROM"
            continue
        out.append(words)
    return out


def _fast(words: list[str], tmp: Path) -> list[str]:
    """The command with few trials and one worker (not changing what it checks) and
    its results store in a temporary folder."""
    command = words[0]
    extra: list[str] = []
    if command in ("run", "report", "coalition", "sweep", "compare"):
        if "--trials" not in words:
            extra += ["--trials", "200"]
        extra += ["--workers", "1"]
    if command in ("run", "sweep", "compare"):
        extra += ["--store", str(tmp / "store")]
    if command == "trade":  # every architecture still priced and run, with few trials
        extra += ["--trials", "100", "--workers", "1", "--no-store"]
    if command in ("sensitivity", "uncertainty"):  # the design kept small, the shape kept
        small = {"--n": "4", "--trials": "200", "--samples": "4"}
        words = [small.get(words[i - 1], w) if i else w for i, w in enumerate(words)]
        extra += ["--workers", "1", "--no-store"]
        if "--trials" not in words:
            extra += ["--trials", "200"]
    return [w.replace("report.html", str(tmp / "report.html")) for w in words] + extra


README_COMMANDS = readme_commands()


def test_the_readme_has_its_commands() -> None:
    names = {words[0] for words in README_COMMANDS}
    assert {"validate", "run", "compare", "sweep", "coalition", "econ", "catalog"} <= names


@pytest.mark.parametrize("words", README_COMMANDS, ids=lambda w: " ".join(w)[:70])
def test_readme_command_runs(
    words: list[str], run_main: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO_ROOT)
    code, out, err = run_main(*_fast(words, tmp_path))
    assert code == 0, err
    assert out.strip() or "wrote" in err


def test_readme_comparison_shows_its_figures(
    run_main: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's comparison, run as written (20,000 trials, seed 7)."""
    text = README.read_text(encoding="utf-8")
    block = text.split("$ hoplon compare ", 1)[1].split("```", 1)[0]
    command, table = block.split("\n", 1)
    figures = re.findall(r"│ P\(no leaker\)\s+│\s+([\d.]+) │\s+([\d.]+) │", table)
    assert figures, "the README's comparison has no P(no leaker) row"
    monkeypatch.chdir(REPO_ROOT)
    code, out, err = run_main(
        "compare", *shlex.split(command), "--store", tmp_path / "store", "--workers", "1"
    )
    assert code == 0, err
    for value in figures[0]:
        assert value in out, (value, out)


# ------------------------------------------------------------ docs/report.md


def test_report_doc_offers_the_coalition_metrics_the_command_takes(run_main: Run) -> None:
    from hoplon.analysis.coalition import METRICS

    text = (REPO_ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    after = text.split("`--coalition METRIC`", 1)[1]
    sentence = after.split("Shapley contribution to that metric", 1)[1].split(")", 1)[0]
    offered = re.findall(r"`(\w+)`", sentence)
    assert sorted(offered) == sorted(METRICS), sentence
    code, _, err = run_main("report", "x.yaml", "--coalition", "expected_leakers")
    assert code == 2 and "accepted: " + ", ".join(METRICS) in err


# ----------------------------------------------------------- docs/catalog.md


def catalog_doc_tables() -> dict[str, list[dict[str, str]]]:
    """The entry tables of docs/catalog.md, by kind: one dict per row, by column."""
    text = (REPO_ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    tables: dict[str, list[dict[str, str]]] = {}
    for kind in KINDS:
        section = text.split(f"### {kind.capitalize()}\n", 1)[1]
        lines = [ln for ln in section.lstrip("\n").split("\n\n", 1)[0].splitlines()]
        header = [c.strip() for c in lines[0].strip("|").split("|")]
        rows = []
        for line in lines[2:]:
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            assert len(cells) == len(header), line
            rows.append(dict(zip(header, cells, strict=True)))
        tables[kind] = rows
    return tables


def _numbers(cell: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", cell)]


def _cost(cell: str) -> tuple[float, int]:
    match = re.fullmatch(r"\$([\d.,]+) M \((\d{4})\)", cell)
    assert match, cell
    return float(match.group(1).replace(",", "")) * 1e6, int(match.group(2))


def _expected(kind: str, e: Any) -> dict[str, Any]:
    """What each column of the doc must say of a catalog entry, parsed."""
    common = {"source": e.source, "notional": "yes" if e.notional else "no"}
    if kind == "interceptors":
        return common | {
            "tier": e.tier,
            "ground range km": [e.min_range_km, e.max_range_km],
            "intercept alt km": [e.min_alt_km, e.max_alt_km],
            "avg speed km/s": [e.avg_speed_kms],
            "SSPK (notional)": {str(c): p for c, p in e.sspk.items()},
            "reliability": [e.reliability],
            "unit cost": (e.unit_cost_usd, e.cost_year),
            "producers": ", ".join(e.producers),
        }
    if kind == "sensors":
        return common | {
            "kind": e.kind,
            "role": e.role,
            "range km (1 m²)": [e.range_km],
            "field of regard °": [e.field_of_regard_deg],
            "min elev °": [e.min_elev_deg],
            "antenna m": [e.antenna_height_m],
            "track s": [e.track_time_s],
            "latency s": [e.latency_s],
        }
    if kind == "platforms":
        salvos = e.launchers if e.fire_channels is None else min(e.launchers, e.fire_channels)
        return common | {
            "radar": e.radar,
            "launchers": [e.launchers],
            "fire channels": "unlimited" if e.fire_channels is None else [e.fire_channels],
            "salvos at once": [salvos],
            "reaction s": [e.reaction_s],
        }
    ballistic = e.flight == "ballistic"
    if e.flight == "glide":  # L/D and boost; end-of-glide speed and glide-entry altitude
        shape: Any = f"glide L/D {e.lift_to_drag:g}, {e.burn_time_s:g}"
        flying: Any = [e.terminal_speed_kms, e.glide_altitude_m]
    else:
        shape = f"{e.trajectory}, {e.burn_time_s:g}" if ballistic else "—"
        flying = "—" if ballistic else [e.speed_kms, e.altitude_m]
    return common | {
        "class": e.threat_class,
        "flight": e.flight,
        "max range km": [e.max_range_km],
        "trajectory / burn s": shape,
        "speed km/s / altitude m": flying,
        "release km": "—" if e.release_range_km is None else [e.release_range_km],
        "RCS m²": [e.rcs_m2],
        "reliability": [e.reliability],
        "unit cost": (e.unit_cost_usd, e.cost_year),
    }


def _parsed(column: str, cell: str, want: Any) -> Any:
    if isinstance(want, list):
        return _numbers(cell)
    if isinstance(want, tuple):
        return _cost(cell)
    if isinstance(want, dict):
        return {k: float(v) for k, v in (part.split() for part in cell.split(", "))}
    return cell


@pytest.mark.parametrize("kind", KINDS)
def test_catalog_doc_tables_match_the_catalog(kind: str) -> None:
    cat = builtin_catalog()
    entries = cat.kind(kind)
    rows = catalog_doc_tables()[kind]
    assert [r["name"] for r in rows] == list(entries), "the doc lists other entries"
    wrong = []
    for row in rows:
        expected = _expected(kind, entries[row["name"]])
        assert set(expected) == set(row) - {"name"}, (kind, sorted(row))
        for column, want in expected.items():
            got = _parsed(column, row[column], want)
            if got != want:
                wrong.append(f"{row['name']}: {column} is {row[column]!r}, catalog {want!r}")
    assert wrong == [], "docs/catalog.md disagrees with the catalog:\n" + "\n".join(wrong)


def test_catalog_command_lists_the_frigate_launchers_the_doc_gives() -> None:
    """`hoplon catalog platforms` (its printer, on a wide console) and the doc agree."""
    import io

    from rich.console import Console

    from hoplon.present.terminal import print_catalog

    buffer = io.StringIO()
    print_catalog(Console(file=buffer, width=1000), "platforms")
    row = next(r for r in catalog_doc_tables()["platforms"] if r["name"] == "ESSM frigate")
    listed = next(line for line in buffer.getvalue().splitlines() if "ESSM frigate" in line)
    assert f"{row['launchers']} launchers; {row['fire channels']} fire channels" in listed


def test_the_readme_counts_the_catalog_entries_there_are():
    # the README said "six interceptors, nine sensors" long after the catalog grew
    import re

    from hoplon.catalog import builtin_catalog

    catalog = builtin_catalog()
    found = re.search(
        r"built-in catalog \((\d+) interceptors, (\d+) sensors, (\d+) platforms, (\d+) threats\)",
        README.read_text(encoding="utf-8"),
    )
    assert found is not None
    counts = [len(catalog.interceptors), len(catalog.sensors), len(catalog.platforms)]
    assert [int(x) for x in found.groups()] == [*counts, len(catalog.threats)]
