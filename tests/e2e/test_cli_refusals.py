"""Bad command-line input exits 2 with a clear message, never a traceback or exit 1."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import EXAMPLES_DIR, run_cli

JAPAN = str(EXAMPLES_DIR / "japan-layered-bmd.yaml")


def _refused(*args: str, expect: str) -> None:
    code, _, err = run_cli(*args)
    assert code == 2, (code, err)
    assert "Traceback" not in err, err
    assert expect in err, err


def test_compare_needs_two_trials():
    _refused("compare", JAPAN, JAPAN, "--trials", "1", "--no-store", expect="at least 2 trials")


def test_report_output_must_be_a_writable_file(tmp_path: Path):
    _refused("report", JAPAN, "-o", str(tmp_path), expect="this is a folder")
    _refused(
        "report", JAPAN, "-o", "/proc/hoplon/report.html", "--trials", "100", expect="--output"
    )


def test_report_json_of_the_wrong_shape(tmp_path: Path):
    bad = tmp_path / "sweep.json"
    bad.write_text(json.dumps({"points": 3}), encoding="utf-8")
    _refused("report", str(bad), "-o", str(tmp_path / "r.html"), expect="does not have the shape")
    # a figure that is not a number, or not JSON at all, is refused before any page is made
    point = {"overrides": {}, "metrics": {"p_no_leak": {"mean": "abc", "ci95": [0, 1]}}}
    bad.write_text(json.dumps({"sweep": {}, "points": [point]}), encoding="utf-8")
    _refused("report", str(bad), "-o", str(tmp_path / "r.html"),
             expect="points[0].metrics.p_no_leak.mean is 'abc'; an estimate's mean")  # fmt: skip
    bad.write_text('{"sweep": {}, "points": [{"metrics": {"p_no_leak": {"mean": NaN}}}]}')
    _refused("report", str(bad), "-o", str(tmp_path / "r.html"), expect="NaN is not JSON")
    assert not (tmp_path / "r.html").exists()


def test_report_coalition_metric_is_checked_before_running(tmp_path: Path):
    _refused(
        "report", JAPAN, "--coalition", "expected_leakers", "-o", str(tmp_path / "r.html"),
        expect="--coalition",
    )  # fmt: skip


def test_seed_beyond_64_bits_is_refused():
    _refused("run", JAPAN, "--seed", str(2**64), "--no-store", expect="--seed")


def test_trials_on_the_command_line_get_the_memory_check(tmp_path: Path):
    text = Path(JAPAN).read_text(encoding="utf-8")
    big = text.replace("target: tokyo, count: 6", "target: tokyo, count: 2000")
    path = tmp_path / "big.yaml"
    path.write_text(big, encoding="utf-8")
    _refused("run", str(path), "--trials", "2000000", "--no-store", expect="GiB")


def test_results_json_is_valid_json_and_handles_time_zones(tmp_path: Path):
    store = tmp_path / "store"
    code, _, err = run_cli("run", JAPAN, "--trials", "200", "--store", str(store))
    assert code == 0, err
    code, out, err = run_cli(
        "results", "select now() is not null as t, 1/0 as inf, 'nan'::double as nan",
        "--store", str(store), "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["rows"] == [{"t": True, "inf": None, "nan": None}]


def test_doctrine_reserve_is_checked(tmp_path: Path):
    text = Path(JAPAN).read_text(encoding="utf-8")
    assert "assignment: earliest-intercept" in text
    other = tmp_path / "reserve-other-rule.yaml"
    other.write_text(text.replace("assignment: earliest-intercept",
                                  "assignment: earliest-intercept\n  reserve: 4"))  # fmt: skip
    _refused("validate", str(other), expect="doctrine.reserve: a reserve applies to")
    bad = tmp_path / "reserve-not-a-count.yaml"
    bad.write_text(text.replace("assignment: earliest-intercept",
                                "assignment: preserve-upper-tier\n  reserve: 2.5"))  # fmt: skip
    _refused("validate", str(bad), expect="neither a whole number of interceptors nor a fraction")


def test_a_full_standard_output_is_said_plainly():
    # a real process: standard output is the device that is always full
    import subprocess
    import sys

    if not Path("/dev/full").exists():  # pragma: no cover - Linux has it
        return
    for args in (["schema"], ["run", str(EXAMPLES_DIR / "japan-layered-bmd.yaml"), "-n", "50",
                              "-w", "1", "--no-store", "--json"]):  # fmt: skip
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "hoplon", *args],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
                timeout=120,
            )
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip().endswith("cannot write standard output: No space left on device")
        assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
