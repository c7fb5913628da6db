"""`hoplon econ` through the real command: the two examples, what-ifs, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR

SM3 = EXAMPLES_DIR / "sm3-block-iia-burden-sharing.yaml"
SEASPARROW = EXAMPLES_DIR / "seasparrow-consortium.yaml"


def test_sm3_example_reproduces_the_published_headline(run_main):
    # American Action Forum, 2 December 2015: Japan's contributions saved the US
    # $431 million, 18 percent of the total program cost to date (then-year dollars).
    code, out, err = run_main("econ", str(SM3), "--json")
    assert code == 0, err
    program = json.loads(out)["programs"][0]
    assert program["contributions_nominal_usd"]["JPN"] == pytest.approx(431e6, abs=5e6)
    assert program["shares_nominal"]["JPN"] == pytest.approx(0.18, abs=0.005)


def test_join_what_if_and_table(run_main):
    code, out, err = run_main("econ", str(SEASPARROW), "--join", "seasparrow:JPN", "--json")
    assert code == 0, err
    what_if = json.loads(out)["consortia"][0]["what_if"]
    assert "JPN" in what_if["members"]
    assert sum(what_if["shares"].values()) == pytest.approx(1.0)
    code, out, _ = run_main("econ", str(SEASPARROW))
    assert code == 0 and "USA" in out


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (("currency: JPY", "currency: JPX"), "economics.programs[0].contributions.JPN.currency"),
        (("2006: 3_150_000_000", "1990: 3_150_000_000"), "economics.programs[0].contributions.JPN"),
        (("      interceptor: SM-3 Block IIA", "      interceptor: SM-3 Block 2A"), "economics.production[0].interceptor"),
    ],
)  # fmt: skip
def test_bad_economics_input_exits_2_naming_the_field(run_main, tmp_path: Path, edit, field):
    text = SM3.read_text(encoding="utf-8")
    assert edit[0] in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    code, _, err = run_main("econ", str(bad))
    assert code == 2, err
    assert "Traceback" not in err
    assert str(bad) in err and field in err, err


def test_shares_not_summing_to_one_and_member_not_in_nations(run_main, tmp_path: Path):
    text = SEASPARROW.read_text(encoding="utf-8")
    fixed = text.replace("rule: pro-rata-buys", "rule: fixed\n      shares: {AUS: 0.5, USA: 0.4}")
    bad = tmp_path / "shares.yaml"
    bad.write_text(fixed, encoding="utf-8")
    code, _, err = run_main("validate", str(bad))
    assert code == 2 and "economics.consortia[0]" in err and "Traceback" not in err
    nations_cut = text.replace("  BEL: {name: Belgium}\n", "")
    assert nations_cut != text
    bad2 = tmp_path / "members.yaml"
    bad2.write_text(nations_cut, encoding="utf-8")
    code, _, err = run_main("validate", str(bad2))
    assert code == 2 and "economics.consortia[0].members[1]" in err, err


def test_unknown_what_if_and_missing_section(run_main):
    code, _, err = run_main("econ", str(SEASPARROW), "--join", "nosuch:JPN")
    assert code == 2 and "--join" in err and "Traceback" not in err
    code, _, err = run_main("econ", str(EXAMPLES_DIR / "japan-layered-bmd.yaml"))
    assert code == 2 and "economics" in err
