"""Refusals at the edges of the command line: non-finite numbers on any command and in
``--set``, one field set twice under two spellings, cluster addresses Dask cannot use,
and JSON inputs to ``report`` that are not plain files or nest too deeply.

Each is exit code 2 with one line naming the input and what is accepted; none starts
any work (no run, no connection attempt).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

MALFORMED_DIR = Path(__file__).resolve().parents[1] / "malformed"
BASE = MALFORMED_DIR / "_base.yaml"
INF_VALUE = MALFORMED_DIR / "nonfinite_asset_value_inf.yaml"


def one_line_refusal(result: tuple[int, str, str]) -> str:
    code, _, err = result
    assert code == 2, f"exit code {code}: {err}"
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# ------------------------------------------------------------------- non-finite numbers


@pytest.mark.parametrize(
    "args",
    [
        ["run", "-n", "20", "--no-store"],
        ["sweep", "--set", "trials=20", "--no-store"],
        ["coalition", "-n", "20", "-w", "1"],
        ["report", "-n", "20", "-o", "{tmp}/r.html"],
    ],
    ids=["run", "sweep", "coalition", "report"],
)
def test_an_infinite_value_is_refused_by_every_command(run_main, tmp_path: Path, args: list[str]):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    line = one_line_refusal(run_main(args[0], INF_VALUE, *args[1:]))
    assert re.match(rf"{re.escape(str(INF_VALUE))}:\d+:\d+: assets\[0\]\.value: ", line), line
    assert "not a finite number" in line


def test_compare_refuses_an_infinite_value_in_the_second_file(run_main) -> None:
    line = one_line_refusal(run_main("compare", BASE, INF_VALUE, "-n", "20", "--no-store"))
    assert line.startswith(f"{INF_VALUE}:"), line
    assert "assets[0].value" in line and "not a finite number" in line


@pytest.mark.parametrize(
    "value",
    ["inf", "-inf", "+Infinity", ".inf", "nan", "NaN", ".nan", "1e400", "-1.5e309", "1,inf"],
)
def test_sweep_refuses_non_finite_set_values(run_main, value: str) -> None:
    option = f"assets[0].value={value}"
    line = one_line_refusal(run_main("sweep", BASE, "--set", option, "--no-store"))
    assert line.startswith(f"{BASE}: --set {option}: "), line
    assert "finite number" in line


def test_a_quoted_inf_set_value_is_text_and_a_number_field_refuses_it(run_main) -> None:
    """'inf' in quotes is text; a number field then refuses it as not finite."""
    line = one_line_refusal(run_main("sweep", BASE, "--set", "assets[0].value='inf'", "--no-store"))
    assert "assets[0].value" in line and "finite number" in line, line


def test_finite_exponents_are_still_numbers() -> None:
    from hoplon.analysis.grid import parse_values

    assert parse_values("1e3,2.5E-1") == [1000.0, 0.25]


# ------------------------------------------------------- one field under two spellings


@pytest.mark.parametrize(
    ("first", "second", "says"),
    [
        ("threats[0].count=1,2", "threats[mrbm-tokyo].count=3", "are the same field"),
        ("threats[mrbm-tokyo].count=1,2", "threats[0].count=3", "are the same field"),
        ("doctrine[assessment_s]=5,10", "doctrine.assessment_s=20", "are the same field"),
        ('units[1].magazine["PAC-3 MSE"]=4', "units[patriot-tokyo].magazine.PAC-3 MSE=8", "same"),
        ("threats[0]=null", "threats[mrbm-tokyo].count=3", "is a part of threats[0]"),
        ("threats[mrbm-tokyo].launch.at_s=5", "threats[0].launch=null", "is a part of"),
    ],
)
def test_the_same_field_under_two_spellings_is_refused(run_main, first, second, says) -> None:
    line = one_line_refusal(run_main("sweep", BASE, "--set", first, "--set", second, "--no-store"))
    assert line.startswith(f"{BASE}: --set {second}: "), line
    assert says in line
    assert "give each field once" in line


def test_different_fields_of_one_item_are_not_the_same_field() -> None:
    from hoplon.analysis.grid import check_distinct_fields, parse_set
    from hoplon.scenario.yamlio import parse_yaml

    raw, _ = parse_yaml(BASE.read_text(encoding="utf-8"), str(BASE))
    sets = [parse_set("threats[mrbm-tokyo].count=1,2"), parse_set("threats[0].launch.at_s=3")]
    check_distinct_fields(raw, sets)  # no error


def test_field_location_resolves_ids_and_bracketed_keys() -> None:
    from hoplon.errors import parse_path
    from hoplon.scenario.paths import field_location

    raw = {"units": [{"id": "a"}, {"id": "b", "magazine": {"X.Y": 1}}], "doctrine": {}}
    assert field_location(raw, parse_path('units[b].magazine["X.Y"]')) == (
        "units",
        1,
        "magazine",
        "X.Y",
    )
    assert field_location(raw, parse_path("doctrine[assessment_s]")) == ("doctrine", "assessment_s")


# ----------------------------------------------------------------- cluster addresses


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("inproc://x:1", "inproc:// reaches only a scheduler inside this same process"),
        ("tls://127.0.0.1:8786", "tls:// needs certificates"),
        ("wss://127.0.0.1:8786", "wss:// needs certificates"),
        ("ucx://127.0.0.1:8786", "ucx:// needs the optional ucx-py library"),
        ("foo://127.0.0.1:8786", "foo:// is not a Dask transport"),
        ("TCP://127.0.0.1:8786", "write the transport in lower case: tcp://"),
        ("tcp://127.0.0.1:99999", "port 99999 is outside 1..65535"),
        ("tcp://user@127.0.0.1:8786", "expected a scheduler address"),
        ("tcp://127.0.0.1", "expected a scheduler address"),
    ],
)
@pytest.mark.parametrize("command", ["sweep", "coalition"])
def test_cluster_addresses_dask_cannot_use_are_refused_at_once(
    run_main, command: str, address: str, says: str
) -> None:
    extra = ["--set", "trials=20", "--no-store"] if command == "sweep" else ["-n", "20"]
    start = time.perf_counter()
    line = one_line_refusal(run_main(command, BASE, *extra, "--cluster", address))
    assert time.perf_counter() - start < 5.0, "a connection was attempted"
    assert f"--cluster {address}: " in line, line
    assert says in line
    assert "internal error" not in line


def test_tls_with_certificates_configured_passes_the_address_check(tmp_path: Path) -> None:
    import dask.config

    from hoplon.execute import check_cluster_address

    keys = {f"distributed.comm.tls.{k}": str(tmp_path / k) for k in ("ca-file", "client.cert")}
    keys["distributed.comm.tls.client.key"] = str(tmp_path / "key")
    with dask.config.set(keys):
        check_cluster_address("tls://127.0.0.1:8786")  # no error: Dask gets to try


# --------------------------------------------------------------- JSON given to report


def test_report_refuses_deeply_nested_json(run_main, tmp_path: Path) -> None:
    depth = 100_000
    path = tmp_path / "deep.json"
    path.write_text('{"points": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    line = one_line_refusal(run_main("report", path, "-o", tmp_path / "r.html"))
    assert line == f"{path}: the JSON is nested too deeply to be a sweep or compare result"
    assert not (tmp_path / "r.html").exists()


@pytest.mark.skipif(os.name != "posix", reason="/dev and FIFOs are POSIX")
@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom", "folder"])
def test_report_refuses_json_that_is_not_a_regular_file(run_main, tmp_path: Path, target: str):
    link = tmp_path / "study.json"
    if target == "folder":
        (tmp_path / "folder").mkdir()
        target = str(tmp_path / "folder")
    link.symlink_to(target)
    line = one_line_refusal(run_main("report", link, "-o", tmp_path / "r.html"))
    assert line.startswith(f"{link}: this is a "), line
    assert "not a regular file" in line


def test_report_refuses_json_over_the_size_limit(
    run_main, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hoplon.cli.commands import report

    monkeypatch.setattr(report, "MAX_JSON_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_text('{"points": [' + ", ".join(["1"] * 1000) + "]}", encoding="utf-8")
    line = one_line_refusal(run_main("report", path, "-o", tmp_path / "r.html"))
    assert "files up to 1,000 bytes are accepted" in line


@pytest.mark.parametrize("command", ["validate", "run", "wta", "report", "compare"])
def test_an_unreadable_file_is_refused_in_one_line(run_main, tmp_path, monkeypatch, command):
    # as for a user without read permission (the tests may run as root, where chmod 000
    # does not stop a read): the permission check and the open both refuse this file
    import errno
    import shutil

    from conftest import EXAMPLES_DIR

    path = tmp_path / "locked.yaml"
    shutil.copy(EXAMPLES_DIR / "japan-layered-bmd.yaml", path)
    real_access, real_open = os.access, os.open

    def access(p, mode, *a, **k):
        return False if os.fspath(p) == str(path) else real_access(p, mode, *a, **k)

    def open_(p, flags, *a, **k):
        if os.fspath(p) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(p, flags, *a, **k)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(os, "open", open_)
    args = [str(path)] * (2 if command == "compare" else 1)
    code, out, err = run_main(command, *args)
    assert code == 2
    assert err.strip() == f"{path}: cannot read the file: no permission", err
    assert "Usage:" not in err


def _edited(tmp_path: Path, example: str, old: str, new: str, name: str = "s.yaml") -> Path:
    """The bundled example with ``old`` replaced once by ``new``, written to ``tmp_path``."""
    from conftest import EXAMPLES_DIR

    text = (EXAMPLES_DIR / example).read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("trials: 20000", "trials: true", "trials"),
        ("count: 6,", "count: true,", "threats[0].count"),
        ("magazine: {SM-3 Block IIA: 4,", "magazine: {SM-3 Block IIA: false,", "units[0].magazine"),
        ("assessment_s: 10", "assessment_s: true", "doctrine.assessment_s"),
        ("latency_s: 4", "latency_s: true", "agreements[0].latency_s"),  # a tagged member
    ],
)
def test_true_or_false_where_a_number_goes_is_refused(run_main, tmp_path, old, new, field):
    # pydantic's lax mode read them as 1 and 0
    path = _edited(tmp_path, "japan-layered-bmd.yaml", old, new)
    code, _, err = run_main("validate", path)
    assert code == 2, err
    assert f": {field}: true and false are not numbers here; a number is accepted" in err


def test_true_where_a_catalog_number_goes_is_refused(run_main, tmp_path):
    catalog = "catalog:\n  sensors:\n    AN/TPY-2: {range_km: true}\n"
    path = _edited(tmp_path, "japan-layered-bmd.yaml", "\nthreats:", f"\n{catalog}threats:")
    code, _, err = run_main("validate", path)
    assert code == 2
    assert "catalog.sensors.AN/TPY-2.range_km: true and false are not numbers here" in err


def test_a_misspelt_required_field_is_one_message(run_main, tmp_path):
    old = "magazine: {SM-3 Block IIA: 4,"
    path = _edited(tmp_path, "japan-layered-bmd.yaml", old, "magazin: {SM-3 Block IIA: 4,")
    code, _, err = run_main("validate", path)
    assert code == 2
    lines = [x for x in err.strip().splitlines() if x]
    assert len(lines) == 1, err  # not also "units[0].magazine: this required field is missing"
    assert "units[0].magazin: unknown field 'magazin' (did you mean 'magazine'?)" in lines[0]


@pytest.mark.parametrize(("code", "meant"), [("UK", "GBR"), ("DE", "DEU"), ("US", "USA")])
def test_a_two_letter_nation_code_is_told_its_three_letter_one(code, meant):
    from hoplon.economics.schema import check_nation_code

    with pytest.raises(
        ValueError, match=f"did you mean {meant}\\? \\({code} is a two-letter code\\)"
    ):
        check_nation_code(code)


def test_a_date_where_a_year_goes_says_it_reads_as_a_date(run_main, tmp_path):
    path = _edited(tmp_path, "sm3-block-iia-burden-sharing.yaml", "            2006: ",
                   "            2006-02-28: ", "dated.yaml")  # fmt: skip
    code, _, err = run_main("econ", path)
    assert code == 2
    assert "2006-02-28 reads as a date (a year is written 2006; quote the key" in err


@pytest.mark.parametrize(
    ("example", "old", "new", "field", "says"),
    [
        ("sm3-block-iia-burden-sharing.yaml", "            2008: 7_340_000_000",
         "            1950: 7_340_000_000", "contributions.JPN.by_year.1950",
         "no exchange-rate data for JPY in 1950"),
        ("sm3-block-iia-burden-sharing.yaml", "            2008: 150_000_000",
         "            1900: 150_000_000", "contributions.USA.by_year.1900",
         "no US GDP deflator for 1900"),
        ("seasparrow-consortium.yaml", "currency: USD, year: 2015}",
         "currency: USD, year: 1900}", "consortia[0].program_cost.year",
         "no US GDP deflator for 1900"),
        ("seasparrow-consortium.yaml", "currency: USD, year: 2015}",
         "currency: JPY, year: 1950}", "consortia[0].program_cost.year",
         "no exchange-rate data for JPY in 1950"),
    ],
)  # fmt: skip
def test_a_year_without_rate_or_deflator_is_located_at_its_own_line(
    run_main, tmp_path, example, old, new, field, says
):
    # these used to be located at the by_year mapping's first year, or at economics:
    path = _edited(tmp_path, example, old, new)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if new.strip() in text)
    code, out, err = run_main("validate", path)
    assert code == 2 and out == ""
    flat = "".join(err.split())
    assert flat.startswith(f"{path}:{line}:".replace(" ", "")), err
    assert f".{field}:" in flat and "".join(says.split()) in flat, err
