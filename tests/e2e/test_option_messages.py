"""Refusals of a command-line option name the option, not a file it did not come from."""

from __future__ import annotations

from conftest import EXAMPLES_DIR
from hoplon.compile.memory import size_text
from hoplon.errors import Problem

JAPAN = EXAMPLES_DIR / "japan-layered-bmd.yaml"


def test_an_option_s_problem_has_no_placeholder_file() -> None:
    assert Problem("unknown format 'pdf'", field="--format").render(None) == (
        "--format: unknown format 'pdf'"
    )
    # a scenario given as text still gets its place
    assert Problem("bad", field="seed", line=4, column=7).render(None) == "<input>:4:7: seed: bad"
    assert Problem("bad", field="seed", line=4).render("a.yaml") == "a.yaml:4: seed: bad"


def test_a_bad_format_option_is_refused_naming_it(run_main) -> None:
    code, out, err = run_main("run", JAPAN, "--format", "pdf", "--no-store")
    assert code == 2 and out == ""
    assert err.strip().startswith("--format: unknown format 'pdf'"), err
    assert "<input>" not in err


def test_a_memory_limit_under_a_mebibyte_is_shown_in_kib(run_main) -> None:
    assert size_text(1024) == "1 KiB"
    assert size_text(64 * 2**20) == "64 MiB"
    code, _, err = run_main("run", JAPAN, "--max-memory", "1KiB", "--no-store")
    assert code == 2
    assert "more than the 1 KiB of" in err and "the 0 MiB" not in err


def test_a_footprint_grid_that_reaches_a_pole_names_both_options(run_main) -> None:
    code, _, err = run_main(
        "footprint", JAPAN, "--threat", "notional MRBM", "--from", "40.0,127.5",
        "--grid-km", "5000",
    )  # fmt: skip
    assert code == 2
    assert "reaches a pole" in err and "--extent-km" in err and "--grid-km" in err
    assert "cells of 5000 km" in err


UNCERTAIN = EXAMPLES_DIR / "japan-uncertain-figures.yaml"
TRADE = EXAMPLES_DIR / "japan-architecture-trade.yaml"


def test_sizes_no_machine_holds_are_refused_before_any_array(run_main) -> None:
    # each used to allocate first and fail with an internal error (or fill the memory)
    cases = [
        (["footprint", JAPAN, "--threat", "notional MRBM", "--from", "40,127.5",
          "--extent-km", "1e15"], "--extent-km: the extent is 1e+15 km; a side in km up to 20,000"),
        (["sensitivity", UNCERTAIN, "--n", "134217728", "--no-store"],
         "--n: 134,217,728 base samples of 6 figures make 1,073,741,824 runs; at most 200,000"),
        (["sensitivity", UNCERTAIN, "--method", "morris", "--n", "1000000", "--no-store"],
         "--n: 1,000,000 trajectories of 6 figures make 7,000,000 runs; at most 200,000"),
        (["uncertainty", UNCERTAIN, "--samples", "100000000", "--no-store"],
         "--samples: 100,000,000 samples; at most 200,000 are accepted"),
        (["trade", TRADE, "--method", "nsga2", "--population", "100000000", "--no-store"],
         "--population: a population of 100,000,000 over 30 generations may run 3,000,000,000"),
    ]  # fmt: skip
    for args, says in cases:
        code, out, err = run_main(*args)
        assert code == 2, (args, err)
        assert err.strip().startswith(says), err
    # the largest accepted still passes the check (and is refused later only for its cells)
    code, _, err = run_main(*cases[0][0][:-1], "20000")
    assert code == 2 and "aim points is more than" in err and "--extent-km: the extent" not in err


def test_no_store_with_a_store_folder_is_refused(run_main, tmp_path, monkeypatch) -> None:
    # --no-store with --store FOLDER used to run and write nothing without a word
    folder = tmp_path / "results"
    for command in (
        ["run", JAPAN, "--trials", "10"],
        ["compare", JAPAN, JAPAN, "--trials", "10"],
        ["sweep", JAPAN, "--set", "threats[0].count=1..2", "--trials", "10"],
    ):
        code, out, err = run_main(*command, "--no-store", "--store", folder)
        assert code == 2 and out == "", (command, err)
        assert "".join(err.split()) == "".join(
            f"--no-store: writes nothing, so --store {folder} cannot be given with it; "
            "give one of the two".split()
        ), err
    assert not folder.exists()
    # a store folder from the environment is a default, which --no-store overrides
    monkeypatch.setenv("HOPLON_STORE", str(folder))
    code, _, err = run_main("run", JAPAN, "--trials", "10", "--no-store", "--json")
    assert code == 0, err
    assert not folder.exists()
