"""The command line as a user meets it: validate, schema, catalog, and exit codes.

Exit codes: 0 success, 2 bad input (one located message, no traceback), 1 an internal
error (a one-line apology without a traceback, unless ``--debug``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES_DIR

EXAMPLES = ["japan-layered-bmd.yaml", "seasparrow-ship-defense.yaml"]


def _counts(path: Path) -> dict[str, int]:
    """The example's sections counted straight from the YAML, independently of Hoplon."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        "nations": len(data["nations"]),
        "agreements": len(data.get("agreements", [])),
        "assets": len(data.get("assets", [])),
        "sensors": len(data.get("sensors", [])),
        "units": len(data.get("units", [])),
        "raids": len(data.get("threats", [])),
        "threats": sum(r.get("count", 1) for r in data.get("threats", [])),
        "trials": data.get("trials", 10_000),
    }


@pytest.mark.parametrize("name", EXAMPLES)
def test_validate_example_prints_name_and_counts(name: str, examples_dir: Path, run_cli) -> None:
    path = examples_dir / name
    code, out, err = run_cli("validate", path, env={"COLUMNS": "200"})
    assert code == 0, err
    assert err == ""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["name"] in out
    n = _counts(path)
    summary = " ".join(out.split())  # the counts line may wrap on a narrow terminal
    assert (
        f"{n['nations']} nations · {n['agreements']} agreements · {n['assets']} assets · "
        f"{n['sensors']} sensors · {n['units']} units · {n['raids']} raids "
        f"({n['threats']} threats) · {n['trials']:,} trials"
    ) in summary
    for unit in data["units"]:
        assert unit["id"] in out


def test_validate_counts_and_lists_the_raids_of_every_wave(examples_dir: Path, run_cli) -> None:
    path = examples_dir / "coalition-defense.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    waves = data["waves"]
    raids = [(w, r) for w in waves for r in w["threats"]]
    code, out, err = run_cli("validate", path, env={"COLUMNS": "200"})
    assert code == 0, err
    summary = " ".join(out.split())
    threats = sum(r.get("count", 1) for _, r in raids)
    assert f"{len(waves)} waves of {len(raids)} raids ({threats} threats)" in summary
    rows = {line.split("│")[2].strip(): line for line in out.splitlines() if line.count("│") > 6}
    for wave, raid in raids:  # each raid, with its wave and its launches from the start
        row = rows[raid["id"]]
        first = wave.get("start_s", 0) + raid.get("launch", {}).get("at_s", 0)
        assert wave["id"] in row and f"{first:g}–" in row


def test_validate_on_a_narrow_terminal_still_names_the_scenario(examples_dir: Path, run_cli):
    code, out, _ = run_cli(
        "validate", examples_dir / "japan-layered-bmd.yaml", env={"COLUMNS": "60"}
    )
    assert code == 0
    assert "Japan layered BMD (notional)" in out


def test_schema_is_json_schema_of_the_format(run_cli) -> None:
    code, out, err = run_cli("schema")
    assert code == 0, err
    document = json.loads(out)
    assert document["$schema"].startswith("https://json-schema.org/")
    assert {"hoplon", "nations", "units", "threats"} <= set(document["properties"])
    assert {"hoplon", "name", "nations"} <= set(document["required"])


def test_schema_accepts_the_examples_shape(examples_dir: Path, run_main) -> None:
    """Every top-level key of the examples is a property of the schema."""
    code, out, _ = run_main("schema")
    assert code == 0
    properties = set(json.loads(out)["properties"])
    for name in EXAMPLES:
        data = yaml.safe_load((examples_dir / name).read_text(encoding="utf-8"))
        assert set(data) <= properties


@pytest.mark.parametrize("args", [("catalog",), ("catalog", "interceptors")])
def test_catalog_lists_sm3_block_iia_with_its_source(args: tuple[str, ...], run_cli) -> None:
    from hoplon.catalog import builtin_catalog

    source = " ".join(builtin_catalog().interceptors["SM-3 Block IIA"].source.split())
    # Wide enough that no table cell wraps, so a row is one line.
    code, out, err = run_cli(*args, env={"COLUMNS": "2000"})
    assert code == 0, err
    rows = [line for line in out.splitlines() if "SM-3 Block IIA" in line]
    assert rows, out
    assert any(source in " ".join(row.split()) for row in rows), rows


def test_catalog_of_one_kind_lists_only_that_kind(run_main) -> None:
    code, out, _ = run_main("catalog", "threats")
    assert code == 0
    assert "Threats" in out
    assert "Interceptors" not in out


def test_catalog_unknown_kind_exits_2_with_suggestion(run_cli) -> None:
    code, out, err = run_cli("catalog", "nonsense")
    assert code == 2
    assert "Traceback" not in err
    assert "unknown catalog kind 'nonsense'" in err
    assert "interceptors" in err
    code, _, err = run_cli("catalog", "interceptor")
    assert code == 2
    assert "did you mean 'interceptors'" in err


def test_validate_missing_file_exits_2(tmp_path: Path, run_main) -> None:
    path = tmp_path / "nowhere.yaml"
    code, _, err = run_main("validate", path)
    assert code == 2
    assert err.strip() == f"{path}: no such file"


def test_validate_a_folder_exits_2(tmp_path: Path, run_main) -> None:
    code, _, err = run_main("validate", tmp_path)
    assert code == 2
    assert str(tmp_path) in err
    assert "folder" in err


def test_usage_error_exits_2_without_traceback(run_cli) -> None:
    code, _, err = run_cli("validate")
    assert code == 2
    assert "Traceback" not in err
    assert "Missing argument" in err


def test_version(run_main) -> None:
    from hoplon import __version__

    code, out, _ = run_main("--version")
    assert code == 0
    assert __version__ in out


def _break_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    import hoplon.scenario

    def broken(path: object) -> None:
        raise RuntimeError("simulated failure inside the loader")

    monkeypatch.setattr(hoplon.scenario, "load_scenario", broken)


def test_internal_error_exits_1_without_traceback(
    monkeypatch: pytest.MonkeyPatch, examples_dir: Path, run_main
) -> None:
    _break_loader(monkeypatch)
    code, out, err = run_main("validate", examples_dir / EXAMPLES[0])
    assert code == 1
    assert "Traceback" not in err
    assert "internal error: RuntimeError: simulated failure inside the loader" in err
    assert "--debug" in err
    assert out == ""


def test_internal_error_with_debug_propagates(
    monkeypatch: pytest.MonkeyPatch, examples_dir: Path
) -> None:
    from hoplon.cli import main

    _break_loader(monkeypatch)
    with pytest.raises(RuntimeError, match="simulated failure inside the loader"):
        main(["--debug", "validate", str(examples_dir / EXAMPLES[0])])


def test_input_error_with_debug_is_still_a_clean_refusal(malformed_dir: Path, run_main) -> None:
    """--debug shows tracebacks for bugs, not for bad input."""
    path = malformed_dir / "absurd_trials.yaml"
    code, _, err = run_main("--debug", "validate", path)
    assert code == 2
    assert "Traceback" not in err
    assert err.startswith(f"{path}:5:")


def test_an_unknown_field_is_located_at_its_key(run_main, tmp_path: Path) -> None:
    """A misspelt key is shown where the key is written, not where its value starts."""
    text = (EXAMPLES_DIR / "japan-layered-bmd.yaml").read_text(encoding="utf-8")
    assert "\ndoctrine:\n  shots_per_engagement: " in text
    bad = tmp_path / "typo.yaml"
    bad.write_text(
        text.replace(
            "\ndoctrine:\n  shots_per_engagement: ", "\ndoctrine:\n  shots_per_engagment: "
        ),
        encoding="utf-8",
    )
    line = bad.read_text(encoding="utf-8").splitlines().index("  shots_per_engagment: 2") + 1
    code, _, err = run_main("validate", bad)
    assert code == 2
    assert f"{bad}:{line}:3: doctrine.shots_per_engagment: unknown field" in err, err


@pytest.mark.parametrize(
    ("example", "says"),
    [
        ("japan-architecture-trade.yaml",
         ["Trade space: 5 choices (aegis-ashore, thaad,", "512 architectures; constraints: "
          "budget in all $10.5B, at most 9 units, tiers upper, lower"]),
        ("japan-uncertain-figures.yaml", ["Uncertain figures: 6 ("]),
        ("sm3-block-iia-burden-sharing.yaml",
         ["Economics: constant 2025 dollars (US GDP deflator); 1 co-development program: "
          "sm3-block-iia; 2 production lines"]),
        ("seasparrow-consortium.yaml",
         ["1 consortium: seasparrow (12 members, rule pro-rata-buys)"]),
    ],
)  # fmt: skip
def test_validate_summarises_economics_trade_space_and_uncertain_figures(
    run_main, example: str, says: list[str]
) -> None:
    # validate used to say nothing of these sections
    code, out, err = run_main("validate", EXAMPLES_DIR / example)
    assert code == 0, err
    flat = "".join(out.split())
    for text in says:
        assert "".join(text.split()) in flat, (text, out)
