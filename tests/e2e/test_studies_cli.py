"""The real `hoplon compare`, `hoplon sweep` and `hoplon results` on the bundled examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR, run_cli, write_japan_with_yokosuka_patriot

JAPAN = EXAMPLES_DIR / "japan-layered-bmd.yaml"
SEASPARROW = EXAMPLES_DIR / "seasparrow-ship-defense.yaml"
HEADLINE = (
    "p_no_leak",
    "expected_leakers",
    "value_protected",
    "interceptor_cost_usd",
    "cost_exchange_ratio",
)


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as on a wide terminal, so that a column's cells are not folded."""
    monkeypatch.setenv("COLUMNS", "220")


@pytest.fixture(scope="module")
def japan_plus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Japan example with a fourth Patriot battery, at Yokosuka (the same threats)."""
    return write_japan_with_yokosuka_patriot(Path(tmp_path_factory.mktemp("variant")))


def _json(run_main, *args: object) -> dict:
    code, out, err = run_main(*map(str, args), "--json")
    assert code == 0, err
    return json.loads(out)


def test_compare_json_pairs_the_same_threats_and_finds_the_battery_significant(
    run_main, japan_plus: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    data = _json(run_main, "compare", JAPAN, japan_plus, "--trials", "2000", "--store", store)
    assert data["seed"] == 7 and data["trials"] == 2000 and data["baseline"] == 0
    names = [s["name"] for s in data["scenarios"]]
    assert names == ["Japan layered BMD (notional)", "Japan with a Patriot battery at Yokosuka"]
    assert [s["test"] for s in data["scenarios"]] == [None, "paired"]
    assert all(len(s["sha256"]) == 64 for s in data["scenarios"])
    for metric in (*HEADLINE, "shots_by_nation.JPN"):
        ests = data["metrics"][metric]
        assert len(ests) == 2
        for est in ests:
            low, high = est["ci95"]
            assert low <= est["mean"] <= high
        (diff,) = data["differences"][metric]
        assert diff["scenario"] == 1 and diff["test"] == "paired"
        assert set(diff) == {"scenario", "diff", "ci95", "p_value", "significant", "test"}
        assert diff["significant"] == (diff["p_value"] < 0.05)
    p = data["differences"]["p_no_leak"][0]
    assert p["diff"] > 0.3 and p["significant"] and p["ci95"][0] > 0
    # each compared run is in the store, as one study of kind "compare"
    code, out, err = run_main(
        "results",
        "SELECT kind, scenario, trials, p_no_leak FROM results ORDER BY point",
        "--store",
        store,
        "--json",
    )
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert [r["scenario"] for r in rows] == names
    assert {r["kind"] for r in rows} == {"compare"} and {r["trials"] for r in rows} == {2000}
    assert [r["p_no_leak"] for r in rows] == [e["mean"] for e in data["metrics"]["p_no_leak"]]


def test_compare_table_says_which_test_and_marks_significance(run_main, japan_plus: Path) -> None:
    code, out, err = run_main(
        "compare", JAPAN, japan_plus, SEASPARROW, "--trials", "1000", "--no-store"
    )
    assert code == 0, err
    text = " ".join(out.split())
    for name in ("Japan layered BMD (notional)", "Ship self-defense against sea-skimmers"):
        assert name in text
    assert "B − A: paired test on the per-trial differences" in text
    assert "C − A: Welch's unpaired test" in text
    assert "P(no leaker)" in text and "shots by AUS" in text
    assert "* significant at 5%, two-sided" in text


def test_compare_refuses_a_single_file_and_a_bad_one(run_main, tmp_path: Path) -> None:
    code, _, err = run_main("compare", JAPAN, "--no-store")
    assert code == 2 and "two or more" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("hoplon: 1\nname: x\nnations: {}\nthreats: 3\n", encoding="utf-8")
    code, _, err = run_main("compare", JAPAN, bad, "--no-store")
    assert code == 2 and "bad.yaml" in err and "Traceback" not in err


def test_sweep_json_gives_each_point_with_intervals_and_stores_it(run_main, tmp_path: Path) -> None:
    store = tmp_path / "store"
    args = ["sweep", JAPAN, "--set", "threats[0].count=2,6", "--set",
            "doctrine.shots_per_engagement=1,2", "--trials", "1000", "--workers", "2",
            "--store", store]  # fmt: skip
    data = _json(run_main, *args)
    sweep = data["sweep"]
    assert sweep["set"] == {"threats[0].count": [2, 6], "doctrine.shots_per_engagement": [1, 2]}
    assert (sweep["computed"], sweep["resumed"], sweep["trials"]) == (4, 0, 1000)
    points = data["points"]
    assert [p["overrides"] for p in points] == [
        {"threats[0].count": 2, "doctrine.shots_per_engagement": 1},
        {"threats[0].count": 2, "doctrine.shots_per_engagement": 2},
        {"threats[0].count": 6, "doctrine.shots_per_engagement": 1},
        {"threats[0].count": 6, "doctrine.shots_per_engagement": 2},
    ]
    for p in points:
        low, high = p["metrics"]["p_no_leak"]["ci95"]
        assert low <= p["metrics"]["p_no_leak"]["mean"] <= high
        assert p["timing"]["engine_s"] > 0 and not p["resumed"]
    # the point that matches the file as written equals a plain run
    code, out, err = run_main("run", JAPAN, "--trials", "1000", "--json")
    assert code == 0, err
    assert points[3]["metrics"] == json.loads(out)["metrics"]
    # the store: one row per point, and the study lists them in order
    code, out, err = run_main(
        "results",
        "SELECT s.point, r.p_no_leak FROM studies s JOIN results r USING (key) ORDER BY s.point",
        "--store",
        store,
        "--json",
    )
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert [r["p_no_leak"] for r in rows] == [p["metrics"]["p_no_leak"]["mean"] for p in points]
    # resumed: nothing recomputed, the same figures read back from the store
    again = _json(run_main, *args, "--resume")
    assert (again["sweep"]["computed"], again["sweep"]["resumed"]) == (0, 4)
    assert [p["metrics"] for p in again["points"]] == [p["metrics"] for p in points]
    assert all(p["resumed"] for p in again["points"])


def test_sweep_table_shows_the_swept_values(run_main, tmp_path: Path) -> None:
    code, out, err = run_main(
        "sweep", JAPAN, "--set", "units[patriot-tokyo].magazine.PAC-3 MSE=4,8",
        "--trials", "500", "--workers", "1", "--store", tmp_path,
    )  # fmt: skip
    assert code == 0, err
    text = " ".join(out.split())
    assert "sweep of 2 points, 500 trials each, seed 7" in text
    assert "2 computed, 0 from the store" in text
    assert "P(no leaker)" in out
    # trials and seed swept: the header says what each point ran, not the file's figures
    code, out, err = run_main(
        "sweep", JAPAN, "--set-together", "trials=100,200", "--set-together", "seed=3,4",
        "--workers", "1", "--no-store",
    )  # fmt: skip
    assert code == 0, err
    text = " ".join(out.split())
    assert (
        "sweep of 2 points, 100 to 200 trials (set per point), seeds 3 to 4 (set per point)" in text
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--set", "threats[7].count=1"], "--set threats[7].count=1: threats has 4 items"),
        (["--set", "doctrine.shots=1,2"], "unknown field 'shots'; accepted: shots_per_engagement"),
        (["--set", "threats[0].count=0..2"], "--set threats[0].count=0: threats[0].count:"),
        (["--set", "threats[0].count"], ": --set threats[0].count: expected PATH=VALUES"),
        (["--set", "threats[0].count=inf"], "(quote a text value that reads like one: 'inf')"),
        ([], "give at least one --set"),
        (["--set", "trials=100", "--resume", "--no-store"], "--resume"),
        (["--set", "trials=100", "--cluster", "nowhere"], "expected a scheduler address"),
        (["--set", "units[0].at=[38.0,134.0]"], "a position [lat, lon], cannot be swept"),
    ],
)
def test_sweep_refuses_bad_options_with_exit_code_2(
    run_main, args: list[str], says: str, tmp_path: Path
) -> None:
    code, out, err = run_main("sweep", JAPAN, *args, "--store", tmp_path)
    assert code == 2, err
    assert says in " ".join(err.split())
    assert "Traceback" not in err and out == ""


def test_results_refuses_bad_sql_and_a_missing_store(run_main, tmp_path: Path) -> None:
    code, _, err = run_main("results", "--store", tmp_path / "nowhere")
    assert code == 2 and "no results store here" in err
    (tmp_path / "s").mkdir()
    code, _, err = run_main("results", "SELEC 1", "--store", tmp_path / "s")
    assert code == 2 and "SQL" in err and "syntax error" in err.lower()
    code, out, err = run_main("results", "--store", tmp_path / "s")
    assert code == 0 and "P(no leak)" in out


def test_the_default_store_is_hoplon_results_in_the_working_folder(tmp_path: Path) -> None:
    code, _, err = run_cli("sweep", JAPAN, "--set", "trials=300", "--workers", "1", cwd=tmp_path)
    assert code == 0, err
    assert len(list((tmp_path / "hoplon-results" / "points").glob("*.parquet"))) == 1
    code, out, err = run_cli("results", "--json", cwd=tmp_path)
    assert code == 0, err
    (row,) = json.loads(out)["rows"]
    assert row["kind"] == "sweep" and row["trials"] == 300
    assert json.loads(row["overrides"]) == {"trials": 300}
