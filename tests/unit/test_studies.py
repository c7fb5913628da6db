"""Studies: paths and values of --set, grids, overrides, the compare statistics, executors."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from conftest import EXAMPLES_DIR, write_japan_with_yokosuka_patriot
from hoplon.analysis.compare import (
    compare_results,
    draws_aligned,
    paired_difference,
    trial_values,
    welch_difference,
)
from hoplon.analysis.grid import expand_grid, parse_scalar, parse_set, parse_values
from hoplon.analysis.sweep import plan_sweep
from hoplon.errors import InputError, OverrideError, Select, format_path, parse_path
from hoplon.execute import map_points, map_stream
from hoplon.scenario.paths import apply_overrides

JAPAN = EXAMPLES_DIR / "japan-layered-bmd.yaml"


# ----------------------------------------------------------------------------- paths


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("trials", ("trials",)),
        ("threats[0].count", ("threats", 0, "count")),
        ("doctrine.shots_per_engagement", ("doctrine", "shots_per_engagement")),
        ("units[2].magazine.PAC-3 MSE", ("units", 2, "magazine", "PAC-3 MSE")),
        ("units[patriot-tokyo].at[0]", ("units", Select("patriot-tokyo"), "at", 0)),
        ('units[1].magazine["SM-3 Block IIA"]', ("units", 1, "magazine", Select("SM-3 Block IIA"))),
        ("catalog.threats['my.threat'].reliability", ("catalog", "threats", Select("my.threat"), "reliability")),
        ("  threats[ 3 ].launch.at_s ", ("threats", 3, "launch", "at_s")),
    ],
)  # fmt: skip
def test_parse_path_reads_names_indices_ids_and_quoted_keys(text: str, parts: tuple) -> None:
    assert parse_path(text) == parts


@pytest.mark.parametrize(
    "text", ["", "   ", "[0].count", "threats[0", "threats..count", "threats[]", "threats[-1]",
             ".threats", "threats[0]count", "threats.", "a]b"],
)  # fmt: skip
def test_parse_path_refuses_malformed_paths_and_says_what_a_path_is(text: str) -> None:
    with pytest.raises(OverrideError) as info:
        parse_path(text)
    message = str(info.value)
    assert "path" in message or "index" in message


def test_format_parts_gives_back_a_path_that_parses_to_the_same_parts() -> None:
    for text in [
        "threats[0].count",
        "units[patriot-tokyo].magazine.PAC-3 MSE",
        'catalog.threats["a.b"].reliability',
        'x["12"]',
    ]:
        parts = parse_path(text)
        assert parse_path(format_path(parts)) == parts


# ---------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("1..5", [1, 2, 3, 4, 5]),
        ("3..3", [3]),
        ("0..10..5", [0, 5, 10]),
        ("1..10..4", [1, 5, 9]),
        ("10..2..-4", [10, 6, 2]),
        ("-2..1", [-2, -1, 0, 1]),
        ("0.5..1..0.25", [0.5, 0.75, 1.0]),
        ("0.1..0.3..0.1", [0.1, 0.2, 0.3]),  # decimal steps, no 0.30000000000000004
        ("1,2,5", [1, 2, 5]),
        ("0.85, 0.9", [0.85, 0.9]),
        ("true,false", [True, False]),
        ("earliest-intercept,cheapest-capable", ["earliest-intercept", "cheapest-capable"]),
        ("NO,'1'", ["NO", "1"]),
        ("7", [7]),
        ("null", [None]),
    ],
)
def test_parse_values_expands_ranges_and_lists(text: str, values: list[Any]) -> None:
    got = parse_values(text)
    assert got == values
    assert [type(v) for v in got] == [type(v) for v in values]


def test_scalars_follow_stated_rules_not_yaml_1_1() -> None:
    assert parse_scalar("NO") == "NO"  # Norway, not False
    assert parse_scalar("yes") == "yes"
    assert parse_scalar("'1'") == "1"
    assert parse_scalar('"true"') == "true"
    assert parse_scalar("True") is True
    assert parse_scalar("1e3") == 1000.0
    assert parse_scalar("-4") == -4
    assert parse_scalar(" PAC-3 MSE ") == "PAC-3 MSE"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "no values"),
        ("1..5..0", "not zero"),
        ("5..1", "not zero"),
        ("1..5..-1", "never reaches"),
        ("0.5..1", "give a step"),
        ("1,,2", "empty item"),
        ("1..1000000", "at most"),
    ],
)
def test_parse_values_refuses_what_it_cannot_expand(text: str, says: str) -> None:
    with pytest.raises(OverrideError, match=says):
        parse_values(text)


def test_parse_set_splits_at_the_first_equals_sign_and_names_the_option() -> None:
    spec = parse_set("units[0].magazine.SM-3 Block IIA=2,4")
    assert spec.path == "units[0].magazine.SM-3 Block IIA"
    assert spec.values == (2, 4)
    spec = parse_set("description=a=b")
    assert spec.values == ("a=b",)
    with pytest.raises(InputError) as info:
        parse_set("threats[0].count")
    assert info.value.problems[0].field == "set threats[0].count"  # the CLI: --set
    assert "PATH=VALUES" in info.value.problems[0].message


# ------------------------------------------------------------------------------ grid


def test_grid_is_the_full_product_with_the_first_set_varying_slowest() -> None:
    grid = expand_grid([parse_set("a=1..3"), parse_set("b=x,y")])
    assert grid == [
        {"a": 1, "b": "x"}, {"a": 1, "b": "y"},
        {"a": 2, "b": "x"}, {"a": 2, "b": "y"},
        {"a": 3, "b": "x"}, {"a": 3, "b": "y"},
    ]  # fmt: skip
    assert list(grid[0]) == ["a", "b"]


def test_grid_refuses_a_path_set_twice_even_when_written_differently() -> None:
    with pytest.raises(InputError, match="already set"):
        expand_grid([parse_set("t[0].count=1"), parse_set("t[ 0 ].count=2")])


def test_grid_refuses_more_than_the_largest_accepted_size() -> None:
    with pytest.raises(InputError, match="at most"):
        expand_grid([parse_set(f"p{i}=1..10") for i in range(6)])


# ------------------------------------------------------------------------- overrides

RAW = {
    "name": "x",
    "units": [
        {"id": "a", "magazine": {"PAC-3 MSE": 16}},
        {"id": "b", "magazine": {"SM-3 Block IB": 8}},
    ],
    "threats": [{"id": "r", "count": 4}],
}


def test_overrides_set_fields_by_index_by_id_and_add_missing_mappings() -> None:
    raw = copy.deepcopy(RAW)
    out = apply_overrides(
        raw,
        {
            "threats[0].count": 9,
            "units[b].magazine.SM-3 Block IB": 2,
            "units[0].magazine.PAC-3 MSE": 4,
            "doctrine.shots_per_engagement": 1,
        },
    )
    assert out["threats"][0]["count"] == 9
    assert out["units"][1]["magazine"] == {"SM-3 Block IB": 2}
    assert out["units"][0]["magazine"] == {"PAC-3 MSE": 4}
    assert out["doctrine"] == {"shots_per_engagement": 1}
    assert raw == RAW  # the original is never changed


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("threats[3].count", "threats has 1 item; index 3 is out of range (accepted: 0 to 0)"),
        ("units[c].magazine", "no item of units has id 'c'"),
        ("units.magazine", "units is a list; address an item by index"),
        ("name.first", "name is a single value"),
        ("threats[0][1]", "threats[0] is a mapping, not a list"),
    ],
)
def test_overrides_that_do_not_fit_the_data_say_why(path: str, says: str) -> None:
    with pytest.raises(OverrideError) as info:
        apply_overrides(RAW, {path: 1})
    assert str(info.value).startswith(f"{path}: ")
    assert says in str(info.value)


def test_plan_sweep_validates_every_point_and_names_the_failing_set() -> None:
    with pytest.raises(InputError) as info:
        plan_sweep(JAPAN, ["threats[0].count=2..0..-1"])  # the last point, 0, is refused
    problem = info.value.problems[0]
    assert info.value.file == str(JAPAN)
    assert problem.field == "set threats[0].count=0"  # the CLI: --set
    assert problem.message.startswith("threats[0].count: ")
    assert "greater than or equal to 1" in problem.message

    with pytest.raises(InputError) as info:
        plan_sweep(JAPAN, ["doctrine.shots_per_engagment=1"])
    assert "did you mean 'shots_per_engagement'" in info.value.render()
    with pytest.raises(InputError) as info:
        plan_sweep(JAPAN, ["units[9].magazine.PAC-3 MSE=4"])
    assert info.value.problems[0].field == "set units[9].magazine.PAC-3 MSE=4"
    assert "accepted: 0 to 4" in info.value.problems[0].message
    with pytest.raises(InputError, match="at least one --set"):
        plan_sweep(JAPAN, [])


def test_plan_sweep_keys_depend_on_overrides_seed_and_trials() -> None:
    plan = plan_sweep(JAPAN, ["threats[0].count=1..3", "trials=500,600"], seed=3)
    assert len(plan.points) == 6
    assert len({p.key for p in plan.points}) == 6
    assert [p.trials for p in plan.points[:2]] == [500, 600]  # a swept `trials` wins
    assert {p.seed for p in plan.points} == {3}
    again = plan_sweep(JAPAN, ["threats[0].count=1..3", "trials=500,600"], seed=3)
    assert [p.key for p in again.points] == [p.key for p in plan.points]
    assert again.study_id == plan.study_id
    other = plan_sweep(JAPAN, ["threats[0].count=1..3", "trials=500,600"], seed=4)
    assert not {p.key for p in other.points} & {p.key for p in plan.points}
    assert other.study_id != plan.study_id


def test_points_that_run_the_same_scenario_share_a_key_whatever_the_path() -> None:
    by_index = plan_sweep(JAPAN, ["threats[0].count=5,6"], trials=500)
    by_id = plan_sweep(
        JAPAN, ["threats[mrbm-tokyo].count=6", "doctrine.shoot_look_shoot=true"], trials=500
    )
    assert by_index.points[1].key == by_id.points[0].key  # 6 and true are the file's values
    assert by_index.points[0].key != by_index.points[1].key
    assert by_index.study_id != by_id.study_id


# ------------------------------------------------------------------- compare: tests


def _z_p(z: float) -> float:
    """Two-sided normal p-value, written independently of the module."""
    return 2.0 * (1.0 - 0.5 * (1.0 + math.erf(abs(z) / math.sqrt(2.0))))


def test_paired_difference_matches_the_textbook_formula() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(10.0, 3.0, 500)
    b = a + rng.normal(0.2, 1.0, 500)  # strongly correlated with a
    d = b - a
    se = d.std(ddof=1) / math.sqrt(d.size)
    got = paired_difference(a, b)
    assert got.test == "paired"
    assert got.diff == pytest.approx(d.mean(), rel=1e-12)
    assert got.low == pytest.approx(d.mean() - 1.959963984540054 * se, rel=1e-12)
    assert got.high == pytest.approx(d.mean() + 1.959963984540054 * se, rel=1e-12)
    assert got.p_value == pytest.approx(_z_p(d.mean() / se), rel=1e-9, abs=1e-15)
    scipy_stats = pytest.importorskip("scipy.stats")
    # with 500 pairs the z test and the paired t test agree closely
    assert got.p_value == pytest.approx(scipy_stats.ttest_rel(b, a).pvalue, rel=0.05)


def test_welch_difference_matches_the_textbook_formula() -> None:
    rng = np.random.default_rng(2)
    a = rng.normal(1.0, 1.0, 400)
    b = rng.normal(1.3, 2.0, 300)
    se = math.sqrt(a.var(ddof=1) / 400 + b.var(ddof=1) / 300)
    got = welch_difference(a, b)
    assert got.test == "welch"
    assert got.diff == pytest.approx(b.mean() - a.mean(), rel=1e-12)
    assert got.p_value == pytest.approx(_z_p((b.mean() - a.mean()) / se), rel=1e-9)
    scipy_stats = pytest.importorskip("scipy.stats")
    welch = scipy_stats.ttest_ind(b, a, equal_var=False).pvalue
    assert got.p_value == pytest.approx(welch, rel=0.05)


def test_pairing_finds_a_difference_that_the_unpaired_test_cannot() -> None:
    # Common random numbers: a small shift on top of a large shared variation.
    rng = np.random.default_rng(3)
    base = rng.normal(0.0, 5.0, 1000)
    other = base + 0.05 + rng.normal(0.0, 0.1, 1000)
    assert paired_difference(base, other).significant
    assert not welch_difference(base, other).significant


def test_degenerate_differences() -> None:
    same = np.full(100, 4.0)
    d = paired_difference(same, same)
    assert (d.diff, d.low, d.high, d.p_value, d.significant) == (0.0, 0.0, 0.0, 1.0, False)
    d = paired_difference(same, same + 2.0)  # always two more shots: certain
    assert (d.diff, d.low, d.high, d.p_value, d.significant) == (2.0, 2.0, 2.0, 0.0, True)
    d = welch_difference(same, same + 2.0)
    assert d.significant and d.p_value == 0.0
    with pytest.raises(ValueError):
        paired_difference(same, np.ones(99))


def test_significance_is_at_five_percent_two_sided_and_calibrated_under_no_difference() -> None:
    rng = np.random.default_rng(4)
    reps, n = 2000, 400
    x = rng.random((reps, n)) < 0.3  # 0/1 outcomes, same distribution for both
    y = rng.random((reps, n)) < 0.3
    paired = np.mean([paired_difference(x[i], y[i]).significant for i in range(reps)])
    welch = np.mean([welch_difference(x[i], y[i]).significant for i in range(reps)])
    # binomial standard error of a 5 % rate over 2000 repetitions is 0.5 %
    assert abs(paired - 0.05) < 0.015
    assert abs(welch - 0.05) < 0.015


def test_draws_align_when_every_shared_wave_has_as_many_threats() -> None:
    def fake(threats: list[int], seed: int = 1, trials: int = 100) -> Any:
        return SimpleNamespace(
            outcomes=SimpleNamespace(seed=seed, trials=trials),
            waves=[SimpleNamespace(n_threats=t) for t in threats],
        )

    assert draws_aligned(fake([18]), fake([18]))
    assert draws_aligned(fake([18, 4]), fake([18]))
    assert not draws_aligned(fake([18]), fake([19]))
    assert not draws_aligned(fake([18]), fake([18], seed=2))
    assert not draws_aligned(fake([18]), fake([18], trials=99))


# -------------------------------------------------------- compare on real runs


@pytest.fixture(scope="module")
def japan_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[Any]]:
    """The Japan example and a variant with a fourth Patriot battery, run with one seed."""
    import hoplon

    variant = write_japan_with_yokosuka_patriot(
        Path(tmp_path_factory.mktemp("variant")), "japan-plus.yaml"
    )
    files = [str(JAPAN), str(variant)]
    results = [hoplon.load(f).run(trials=1500, seed=5) for f in files]
    return files, results


def test_trial_values_average_to_the_contract_metrics(japan_pair) -> None:
    _, results = japan_pair
    for result in results:
        values = trial_values(result)
        m = result.to_dict()["metrics"]
        for name in ("p_no_leak", "expected_leakers", "value_protected", "interceptor_cost_usd"):
            assert values[name].mean() == pytest.approx(m[name]["mean"], rel=1e-5)
        assert values["cost_exchange_ratio"].mean() == pytest.approx(
            m["cost_exchange_ratio"]["mean"], rel=1e-5
        )
        for nation, est in m["shots_by_nation"].items():
            assert values[f"shots_by_nation.{nation}"].mean() == pytest.approx(
                est["mean"], rel=1e-5
            )


def test_same_threats_share_their_draws_and_are_tested_paired(japan_pair) -> None:
    files, (base, plus) = japan_pair
    # common random numbers: the same threats fail at launch in the same trials
    assert np.array_equal(base.outcomes.launched, plus.outcomes.launched)
    comp = compare_results(files, [base, plus])
    assert comp.tests == [None, "paired"]
    data = comp.to_dict()
    assert [s["test"] for s in data["scenarios"]] == [None, "paired"]
    diff = data["differences"]["p_no_leak"][0]
    assert diff["scenario"] == 1 and diff["test"] == "paired"
    assert diff["diff"] > 0 and diff["significant"]
    lo, hi = diff["ci95"]
    assert lo <= diff["diff"] <= hi
    means = [e["mean"] for e in data["metrics"]["p_no_leak"]]
    assert diff["diff"] == pytest.approx(means[1] - means[0], abs=1e-9)
    assert set(data["metrics"]) >= {
        "p_no_leak", "expected_leakers", "value_protected", "interceptor_cost_usd",
        "cost_exchange_ratio", "shots_by_nation.JPN",
    }  # fmt: skip


# ------------------------------------------------------------------------ executors


def _square(x: int) -> int:
    return x * x


def _fail_on_three(x: int) -> int:
    if x == 3:
        raise ArithmeticError("three")
    return x


@pytest.mark.parametrize("workers", [1, 2])
def test_map_points_yields_every_index_once_with_progress(workers: int) -> None:
    ticks: list[int] = []
    got = dict(map_points(_square, list(range(7)), workers=workers, progress=ticks.append))
    assert got == {i: i * i for i in range(7)}
    assert ticks == [1] * 7


def test_map_points_passes_errors_on_and_handles_no_items() -> None:
    assert list(map_points(_square, [], workers=2)) == []
    with pytest.raises(ArithmeticError):
        list(map_points(_fail_on_three, list(range(6)), workers=2))


@pytest.mark.parametrize("workers", [1, 2])
def test_map_stream_runs_items_while_they_are_still_given(workers: int) -> None:
    given: list[int] = []

    def items() -> Iterator[int]:
        for i in range(9):
            given.append(i)
            yield i

    ticks: list[int] = []
    got = {}
    for i, value in map_stream(_square, items(), workers=workers, progress=ticks.append):
        got[i] = value
        if workers == 1:  # one process: each item runs as soon as it is given
            assert len(given) == i + 1
    assert got == {i: i * i for i in range(9)} and ticks == [1] * 9


def test_map_stream_passes_errors_on_and_handles_no_items() -> None:
    assert list(map_stream(_square, iter([]), workers=2)) == []
    with pytest.raises(ArithmeticError):
        list(map_stream(_fail_on_three, iter(range(6)), workers=2))


def test_trials_pair_only_when_blocks_and_threat_counts_match() -> None:
    from types import SimpleNamespace

    from hoplon.analysis.compare import draws_aligned

    def result(*threats: int, seed: int = 1, trials: int = 40_000) -> SimpleNamespace:
        waves = [SimpleNamespace(n_threats=n) for n in threats]
        return SimpleNamespace(outcomes=SimpleNamespace(seed=seed, trials=trials), waves=waves)

    assert draws_aligned(result(14), result(14))
    assert not draws_aligned(result(14), result(15))
    assert not draws_aligned(result(14), result(14, seed=2))
    # an extra large wave changes the block size, so trial i falls in another block
    assert not draws_aligned(result(14), result(14, 200))
    assert draws_aligned(result(14), result(14, 20))


def test_a_path_to_the_raids_of_a_scenario_in_waves_says_where_they_are() -> None:
    from hoplon.errors import OverrideError, parse_path
    from hoplon.scenario.paths import set_field

    raw = {"waves": [{"id": "first", "threats": [{"id": "a", "count": 1}]}]}
    with pytest.raises(OverrideError) as caught:
        set_field(raw, parse_path("threats[0].count"), 2)
    assert str(caught.value) == (
        "the scenario has no list threats; this scenario's raids are in its waves: "
        "waves[first].threats[0].count"
    )
    set_field(raw, parse_path("waves[first].threats[a].count"), 2)
    assert raw["waves"][0]["threats"][0]["count"] == 2
    with pytest.raises(OverrideError, match="the scenario has no list sensors$"):
        set_field(raw, parse_path("sensors[0].range_km"), 2)
    set_field(raw, parse_path("doctrine.assessment_s"), 5)  # a missing mapping is made
    assert raw["doctrine"] == {"assessment_s": 5}
