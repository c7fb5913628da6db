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
