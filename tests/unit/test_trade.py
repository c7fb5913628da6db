"""The trade study: Pareto front, exhaustive against NSGA-II, marginal analysis, refusals.

A small space (3 x 3 x 2 = 18 architectures of the Japan example) keeps every test to a
few seconds. Monte Carlo: every architecture runs with the same seed and trials (common
random numbers), so one architecture's figures are the same whichever search ran it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES_DIR
from hoplon.analysis.pareto import dominates, match_fronts, pareto_mask
from hoplon.analysis.trade import TradeResult, trade

JAPAN = (EXAMPLES_DIR / "japan-layered-bmd.yaml").read_text()
TRIALS = 1000

CANDIDATES = """
candidates:
  - {unit: patriot-extra, choose: 0..1, at: {yokosuka: [35.30, 139.60], osaka: [34.70, 135.50]}}
  - {unit: ddg-kongo, magazine: SM-3 Block IB, choose: [4, 8, 16]}
  - {unit: patriot-tokyo, magazine: PAC-3 MSE, choose: [8, 16]}
constraints:
  budget: 20_000_000_000
"""
EXTRA = (
    "  - {id: patriot-extra, nation: JPN, type: Patriot battery, at: [35.30, 139.60], "
    "magazine: {PAC-3 MSE: 16}}\n"
)


def scenario(tmp_path: Path, candidates: str = CANDIDATES, units: str = EXTRA) -> Path:
    text = JAPAN.replace("trials: 20000", f"trials: {TRIALS}")
    text = text.replace("\nthreats:", f"\n{units}\nthreats:", 1) + candidates
    path = tmp_path / "trade.yaml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scenario(Path(tmp_path_factory.mktemp("trade")))


@pytest.fixture(scope="module")
def exhaustive(small: Path) -> TradeResult:
    return trade(small, workers=1)


def _ref(result: TradeResult) -> list[tuple[str, float, list[float], list[float]]]:
    return [
        (p.key, p.cost_usd, [p.value("p_no_leak")[0]], [p.value("p_no_leak")[3]])
        for p in result.front
    ]


# ----------------------------------------------------------------------------- Pareto


def test_pareto_mask_keeps_exactly_the_non_dominated_rows() -> None:
    f = pytest.importorskip("numpy").array(
        [[1.0, -0.5], [2.0, -0.9], [2.0, -0.5], [3.0, -0.9], [1.0, -0.5], [0.5, float("nan")]]
    )
    assert pareto_mask(f).tolist() == [True, True, False, False, True, False]
    assert dominates([1, 1], [1, 2]) and not dominates([1, 2], [2, 1])


def test_the_front_is_every_architecture_no_other_dominates(exhaustive: TradeResult) -> None:
    assert exhaustive.method == "exhaustive" and exhaustive.space_size == 18
    assert len(exhaustive.points) == 18 and exhaustive.infeasible == 0

    def objectives(p):  # cost, and P(no leaker) to maximise
        return [p.cost_usd, -p.value("p_no_leak")[0]]

    for p in exhaustive.points:
        dominated = any(dominates(objectives(q), objectives(p)) for q in exhaustive.points)
        assert p.on_front == (not dominated), p.labels
    front = exhaustive.front
    assert [p.cost_usd for p in front] == sorted(p.cost_usd for p in front)
    means = [p.value("p_no_leak")[0] for p in front]
    assert means == sorted(means)  # cheapest first, so security rises along the front


def test_nsga2_finds_the_exhaustive_front_with_the_same_seed(
    small: Path, exhaustive: TradeResult
) -> None:
    """Every exhaustive Pareto point is matched by an NSGA-II front point of the same
    architecture, or by one that costs no more with P(no leaker) within 2 standard errors
    (match_fronts); with the same seed and trials, an architecture's figures are the same
    in both searches, so a match of the same architecture is exact."""
    found = trade(small, workers=1, method="nsga2", population=8, generations=6, marginal=False)
    assert found.method == "nsga2" and found.optimiser is not None
    assert found.optimiser["seed"] == 7 and len(found.history) == 6
    match = match_fronts(_ref(exhaustive), _ref(found))
    assert match.complete, (match, [p.labels for p in found.front])
    assert len(found.points) <= 18
    first = next(h for h in found.history if match_fronts(_ref(exhaustive), [
        (k, *next((p.cost_usd, [p.value("p_no_leak")[0]], [p.value("p_no_leak")[3]])
                  for p in found.points if p.key == k)) for k in h["front"]
    ]).complete)  # fmt: skip
    assert first["evaluations"] <= len(found.points)
    by_key = {p.key: p for p in exhaustive.points}
    for p in found.points:  # common random numbers: the same figures for the same key
        assert p.metrics == by_key[p.key].metrics


def test_a_dominated_candidate_leaves_the_front_as_it_is(
    tmp_path: Path, exhaustive: TradeResult
) -> None:
    """A battery in Hokkaido, where no threat passes, costs money and protects nothing: it
    is dominated, and the front keeps the same architectures with the same figures."""
    useless = "  - {id: patriot-sapporo, nation: JPN, type: Patriot battery, at: [43.06, 141.35], magazine: {PAC-3 MSE: 16}}\n"
    candidates = CANDIDATES.replace(
        "constraints:", "  - {unit: patriot-sapporo, choose: 0..1}\nconstraints:"
    )
    path = scenario(tmp_path, candidates, EXTRA + useless)
    more = trade(path, workers=1, marginal=False)
    assert len(more.points) == 36
    assert all(p.labels["patriot-sapporo"] == "no" for p in more.front)
    strip = [({k: v for k, v in p.labels.items() if k != "patriot-sapporo"},
              p.cost_usd, p.metrics["p_no_leak"]) for p in more.front]  # fmt: skip
    assert strip == [(p.labels, p.cost_usd, p.metrics["p_no_leak"]) for p in exhaustive.front]


def test_the_marginal_table_is_the_paired_difference_of_the_one_step_architectures(
    exhaustive: TradeResult,
) -> None:
    rows = exhaustive.marginal
    assert len(rows) == 2 + 2 + 1  # every option but each decision's first
    by_labels = {json.dumps(p.labels, sort_keys=True): p for p in exhaustive.points}
    base = by_labels[json.dumps(exhaustive.baseline["architecture"], sort_keys=True)]
    for r in rows:
        labels = dict(exhaustive.baseline["architecture"], **{r.decision: r.option})
        step = by_labels[json.dumps(labels, sort_keys=True)]
        diff = step.value("p_no_leak")[0] - base.value("p_no_leak")[0]
        assert r.delta["p_no_leak"]["diff"] == pytest.approx(diff, abs=1e-6)
        assert r.delta["p_no_leak"]["test"] == "paired"
        assert r.delta_cost_usd == pytest.approx(step.cost_usd - base.cost_usd)
    gains = [r.per_billion for r in rows if r.per_billion is not None]
    assert gains == sorted(gains, reverse=True)


def test_a_resumed_trade_reads_every_architecture_from_the_store(
    small: Path, tmp_path: Path, exhaustive: TradeResult
) -> None:
    from hoplon.io.store import ResultStore

    store = ResultStore(tmp_path / "store")
    first = trade(small, workers=1, store=store, marginal=False)
    assert first.computed == 18
    again = trade(small, workers=1, store=store, resume=True, marginal=False)
    assert again.computed == 0 and again.resumed == 18
    assert [p.key for p in again.front] == [p.key for p in exhaustive.front]
    rows = store.query("select kind, count(*) from results group by kind")
    assert ("trade", 18) in [tuple(r) for r in rows[1]]


def test_two_processes_give_the_same_trade_as_one(small: Path, exhaustive: TradeResult) -> None:
    """Pricing overlaps the runs (each architecture is sent to a worker as soon as it is
    priced): the figures are those of one process, architecture by architecture."""
    plans: list[tuple[int, int]] = []
    ticks: list[int] = []
    two = trade(small, workers=2, progress=ticks.append, planned=lambda n, r: plans.append((n, r)))
    assert [p.to_dict(two.metrics) for p in two.points] == [
        p.to_dict(exhaustive.metrics) for p in exhaustive.points
    ]
    assert two.marginal == exhaustive.marginal
    steps = 1 + (3 - 1) + (3 - 1) + (2 - 1)  # the current architecture, each option alone
    assert len(two.marginal) == steps - 1
    assert plans == [(18, 0), (18 + steps, 0)] and ticks == [1] * (18 + steps)


def test_a_store_that_refuses_a_write_stops_the_trade_saying_what_is_kept(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused write stops the trade while the other architectures are still being
    priced and run, with the count of architectures stored; those are resumed."""
    from hoplon.errors import Problem, StoreWriteError
    from hoplon.io.store import ResultStore

    store = ResultStore(tmp_path / "store")
    real = ResultStore.record_point
    calls: list[int] = []

    def refuse_the_fourth(self: ResultStore, result: Any, **meta: Any) -> Any:
        calls.append(1)
        if len(calls) == 4:
            raise StoreWriteError(Problem("disk full", "store"), str(self.root))
        return real(self, result, **meta)

    monkeypatch.setattr(ResultStore, "record_point", refuse_the_fourth)
    with pytest.raises(StoreWriteError) as caught:
        trade(small, workers=1, store=store, marginal=False)
    assert "3 architectures are stored and kept" in str(caught.value.problems[0].message)
    monkeypatch.setattr(ResultStore, "record_point", real)
    again = trade(small, workers=1, store=store, resume=True, marginal=False)
    assert again.resumed == 3 and again.computed == 15


# --------------------------------------------------------------------------- the CLI


def test_cli_table_json_csv_and_report(run_main, small: Path, tmp_path: Path) -> None:
    code, out, err = run_main("trade", str(small), "--no-store", "-n", "500", "--workers", "1")
    assert code == 0, err
    assert "Pareto front" in out and "Marginal" in out and "JPN" in out
    code, out, err = run_main(
        "trade", str(small), "--no-store", "-n", "500", "--workers", "1", "--json"
    )
    data = json.loads(out)
    assert data["trade"]["evaluations"] == 18 and data["front"]
    assert all("architecture" in p and "by_nation_usd" in p for p in data["front"])
    code, csv, err = run_main("trade", str(small), "--no-store", "-n", "500", "--workers", "1",
                              "--format", "csv")  # fmt: skip
    assert code == 0 and "# front" in csv and "# marginal" in csv
    (tmp_path / "t.json").write_text(out)
    code, _, err = run_main("report", str(tmp_path / "t.json"), "-o", str(tmp_path / "t.html"))
    assert code == 0, err
    html = (tmp_path / "t.html").read_text()
    assert html.count('class="front-point"') == len(data["front"])
    assert "<title>front #1: " in html and 'src="http' not in html
    # the gain per dollar of a metric where less is better is what it avoids
    code, out, err = run_main("trade", str(small), "--no-store", "-n", "500", "--workers", "1",
                              "--metric", "expected_leakers", "--metric", "p_no_leak")  # fmt: skip
    assert code == 0, err
    text = " ".join(out.split())
    assert "ranked by expected leakers avoided per USD B" in text and "leakers gained" not in text
    assert "ranked by P(no leaker) gained per USD B" in " ".join(
        run_main("trade", str(small), "--no-store", "-n", "500", "--workers", "1")[1].split()
    )


REFUSALS = [
    ("  - {unit: patriot-extr, choose: 0..1}\n", "candidates[0].unit", "did you mean 'patriot-extra'"),
    ("  - {unit: ddg-kongo, magazine: PAC-3 MSE, choose: [8]}\n", "candidates[0].magazine", "not in the magazine"),
    ("  - {unit: patriot-extra, choose: 0..3, at: [[35.3, 139.6], [34.7, 135.5]]}\n", "candidates[0].choose", "2 sites"),
    ("  - {unit: patriot-extra, choose: 0..1}\n", "candidates[0].unit", "target of raid"),
    ("  - {unit: patriot-extra, choose: 1..0}\n", "candidates[0].choose", "cannot read the range"),
]  # fmt: skip


@pytest.mark.parametrize(("entry", "field", "words"), REFUSALS)
def test_a_bad_candidate_exits_2_naming_its_line(
    run_main, tmp_path: Path, entry: str, field: str, words: str
) -> None:
    path = scenario(tmp_path, "\ncandidates:\n" + entry)
    if "target of raid" in words:  # a raid at the battery itself
        path.write_text(path.read_text().replace("target: yokosuka", "target: patriot-extra"))
    code, _, err = run_main("trade", str(path), "--no-store")
    assert code == 2
    assert re.search(rf"trade\.yaml:\d+:\d+: {re.escape(field)}: ", err), err
    assert words in err and "Traceback" not in err


CONSTRAINTS = [
    ("budget: -5", "constraints.budget", "0 or more (got -5)"),
    ("budget: {KOR: 5}", "constraints.budget.KOR", "not one of the scenario's nations"),
    ("max_units: 3", "constraints.max_units", "at least 5 units"),
    ("require_tiers: [high]", "constraints.require_tiers[0]", "'high' tier"),
    ("budget: 1_000", "constraints.budget", "the cheapest that meets the other constraints"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "field", "words"), CONSTRAINTS)
def test_a_constraint_no_architecture_meets_exits_2_naming_its_line(
    run_main, tmp_path: Path, line: str, field: str, words: str
) -> None:
    candidates = CANDIDATES.replace("  budget: 20_000_000_000", "  " + line)
    code, _, err = run_main("trade", str(scenario(tmp_path, candidates)), "--no-store", "-n", "200")
    assert code == 2
    assert re.search(rf"trade\.yaml:\d+:\d+: {re.escape(field)}: ", err), err
    assert words in err and "Traceback" not in err


def test_an_unknown_metric_or_method_names_the_option(run_main, small: Path) -> None:
    code, _, err = run_main("trade", str(small), "--no-store", "--metric", "p_no_leek")
    assert code == 2 and "--metric" in err and "did you mean 'p_no_leak'" in err
    code, _, err = run_main("trade", str(small), "--no-store", "--method", "genetic")
    assert code == 2 and "--method" in err and "nsga2" in err


def test_a_budget_per_nation_bounds_what_each_nation_pays(
    tmp_path: Path, exhaustive: TradeResult
) -> None:
    """The cheapest architecture with the extra battery costs Japan more than the
    cheapest without it; a Japanese budget between the two keeps only those without."""
    without = min(
        p.by_nation["JPN"] for p in exhaustive.points if p.labels["patriot-extra"] == "no"
    )
    with_it = min(
        p.by_nation["JPN"] for p in exhaustive.points if p.labels["patriot-extra"] != "no"
    )
    assert without < with_it
    limit = (without + with_it) / 2
    candidates = CANDIDATES.replace("  budget: 20_000_000_000", f"  budget: {{JPN: {limit:.0f}}}")
    bounded = trade(scenario(tmp_path, candidates), workers=1, marginal=False)
    assert bounded.infeasible > 0
    assert all(p.by_nation["JPN"] <= limit for p in bounded.points)
    assert {p.key for p in bounded.points} == {
        p.key for p in exhaustive.points if p.by_nation["JPN"] <= limit
    }


def test_validate_refuses_a_bad_candidate_too(run_main, tmp_path: Path) -> None:
    path = scenario(
        tmp_path, "\ncandidates:\n  - {unit: ddg-kongo, magazine: THAAD, choose: [8]}\n"
    )
    code, _, err = run_main("validate", str(path))
    assert code == 2 and re.search(r"trade\.yaml:\d+:\d+: candidates\[0\]\.magazine: ", err), err


def test_the_progress_bar_grows_with_the_total_and_says_resuming_once() -> None:
    """A trade sizes its bar more than once (the space priced, then the marginal runs);
    the bar takes the last total and the resuming line is printed once."""
    import io

    from rich.console import Console

    from hoplon.cli.commands.studies import _points_progress

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=200, emoji=False)
    with _points_progress(console, "trade: architectures") as (start, advance):
        start(3, 2)
        advance(3)
        start(5, 2)
        advance(2)
    text = buffer.getvalue()
    assert text.count("resuming:") == 1
    assert "resuming: 2 point(s) already in the store, 3 to run" in text
    assert "5/5" in text and "7/5" not in text, text
