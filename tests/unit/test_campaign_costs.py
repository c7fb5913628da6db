"""Campaign costs: spend in base-year dollars, cost-exchange ratio, replacement years.

Hand-computed cases on a small Result-like object (only the attributes
``campaign_costs`` reads), and the example scenario run with few trials.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from rich.console import Console

import hoplon
from hoplon.economics import Economics, ProductionLine, us_gdp_deflator
from hoplon.errors import InputError
from hoplon.present.economics import render_campaign_costs
from hoplon.results.campaign import (
    campaign_costs,
    expended_percentile,
    replacement_rows,
)


def _costs(result):
    return campaign_costs(result.scenario, result.waves, result.outcomes)


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "japan-campaign-costs.yaml"


def _result(
    shots: list[list[int]],
    *,
    stocks: list[tuple[str, str]],
    interceptors: dict[str, tuple[float, int]],
    threats: dict[str, tuple[float, int, int]],
    economics: dict[str, Any] | None,
) -> Any:
    """A Result-like object.

    Args:
        shots: per trial, interceptors fired from each stock.
        stocks: (nation of the firing unit, interceptor) per stock.
        interceptors: name -> (unit cost, cost_year).
        threats: catalog type -> (unit cost, cost_year, count).
        economics: the ``economics:`` section, or None.
    """
    names = list(interceptors)
    nations = list(dict.fromkeys(n for n, _ in stocks))
    raids = [SimpleNamespace(id=f"raid-{k}", type=k) for k in threats]
    raid_of = [f"raid-{k}" for k, (_, _, count) in threats.items() for _ in range(count)]
    wave = SimpleNamespace(
        interceptor_names=tuple(names),
        interceptor_cost_usd=np.array([interceptors[n][0] for n in names]),
        unit_nation=tuple(nations),
        stock_unit=np.array([nations.index(n) for n, _ in stocks], dtype=np.int64),
        stock_interceptor=np.array([names.index(i) for _, i in stocks], dtype=np.int64),
        threat_raid=tuple(raid_of),
        threat_cost_usd=np.array([threats[r[len("raid-") :]][0] for r in raid_of]),
    )
    catalog = SimpleNamespace(
        interceptors={n: SimpleNamespace(cost_year=y) for n, (_, y) in interceptors.items()},
        threats={k: SimpleNamespace(cost_year=y) for k, (_, y, _) in threats.items()},
    )
    econ = None if economics is None else Economics.model_validate(economics)
    spec = SimpleNamespace(economics=econ, threats=raids, waves=[])
    return SimpleNamespace(
        scenario=SimpleNamespace(spec=spec, catalog=catalog),
        waves=[wave],
        outcomes=SimpleNamespace(shots=np.array(shots, dtype=np.int32), trials=len(shots)),
    )


def test_a_2020_cost_in_2025_dollars_is_the_deflator_ratio():
    d = us_gdp_deflator()
    r = _result(
        [[2], [4]],
        stocks=[("JPN", "X")],
        interceptors={"X": (1_000_000.0, 2020)},
        threats={"T": (1_000_000.0, 2025, 1)},
        economics={"base_year": 2025, "deflator": "us-gdp"},
    )
    out = _costs(r)
    x = out["unit_costs"]["interceptors"]["X"]
    assert x["cost_year"] == 2020
    assert x["unit_cost_nominal_usd"] == 1_000_000.0
    assert x["factor"] == pytest.approx(d[2025] / d[2020], rel=1e-12)
    assert x["unit_cost_usd"] == pytest.approx(1_000_000.0 * d[2025] / d[2020], rel=1e-12)
    # Mean of 3 shots a trial at the deflated unit cost (rounded to 6 significant digits).
    assert out["interceptor_spend_usd"]["mean"] == pytest.approx(3 * x["unit_cost_usd"], rel=1e-6)
    # A threat priced in the base year is unchanged.
    assert out["threat_spend_usd"] == pytest.approx(1_000_000.0, rel=1e-12)
    assert out["base_year"] == 2025


def test_deflator_none_keeps_then_year_dollars():
    r = _result(
        [[1]],
        stocks=[("JPN", "X")],
        interceptors={"X": (1_000_000.0, 2020)},
        threats={"T": (500_000.0, 2024, 1)},
        economics={"deflator": "none"},
    )
    out = _costs(r)
    assert out["base_year"] is None
    assert out["unit_costs"]["interceptors"]["X"]["unit_cost_usd"] == 1_000_000.0
    assert out["interceptor_spend_usd"]["mean"] == 1_000_000.0
    assert out["cost_exchange_ratio"]["mean"] == 2.0


def _two_nation_result(**econ: Any) -> Any:
    rng = np.random.default_rng(5)
    shots = rng.integers(0, 5, size=(400, 4)).tolist()
    return _result(
        shots,
        stocks=[("JPN", "A"), ("JPN", "B"), ("USA", "A"), ("JPN", "A")],
        interceptors={"A": (3_000_000.0, 2024), "B": (10_000_000.0, 2021)},
        threats={"T1": (2_000_000.0, 2024, 5), "T2": (1_000_000.0, 2022, 3)},
        economics={"base_year": 2025, **econ},
    )


def test_spend_per_nation_and_type_sums_to_the_total():
    out = _costs(_two_nation_result())
    total = out["interceptor_spend_usd"]["mean"]
    by_nation = out["spend_by_nation_usd"]
    assert set(by_nation) == {"JPN", "USA"}
    assert sum(e["mean"] for e in by_nation.values()) == pytest.approx(total, rel=1e-5)
    rows = out["spend_by_nation_interceptor"]
    # Two JPN magazines of A are one (nation, interceptor) row.
    assert [(r["nation"], r["interceptor"]) for r in rows] == [
        ("JPN", "A"),
        ("JPN", "B"),
        ("USA", "A"),
    ]
    for nation, est in by_nation.items():
        part = sum(r["spend_usd"]["mean"] for r in rows if r["nation"] == nation)
        assert part == pytest.approx(est["mean"], rel=1e-5)
    for e in [out["interceptor_spend_usd"], *by_nation.values()]:
        assert e["ci95"][0] <= e["mean"] <= e["ci95"][1]


def test_cost_exchange_ratio_is_spend_over_attacker_spend():
    r = _two_nation_result()
    out = _costs(r)
    d = us_gdp_deflator()
    attack = 5 * 2e6 * d[2025] / d[2024] + 3 * 1e6 * d[2025] / d[2022]
    assert out["threat_spend_usd"] == pytest.approx(attack, rel=1e-12)
    assert {t["type"]: t["count"] for t in out["threats"]} == {"T1": 5, "T2": 3}
    cer = out["cost_exchange_ratio"]
    spend = out["interceptor_spend_usd"]
    assert cer["mean"] == pytest.approx(spend["mean"] / attack, rel=1e-5)
    # The per-trial ratio is the per-trial spend over a constant: its interval scales the same.
    assert cer["ci95"][0] == pytest.approx(spend["ci95"][0] / attack, rel=1e-5)
    assert cer["ci95"][1] == pytest.approx(spend["ci95"][1] / attack, rel=1e-5)


def test_no_attacker_spend_gives_no_ratio():
    r = _result(
        [[1]],
        stocks=[("JPN", "X")],
        interceptors={"X": (1.0, 2024)},
        threats={"T": (0.0, 2024, 2)},
        economics={"base_year": 2025},
    )
    assert _costs(r)["cost_exchange_ratio"] is None


def test_expended_percentile_is_an_observed_count():
    counts = np.array([0] * 95 + [10] * 5)
    assert expended_percentile(counts) == 0.0  # P(X <= 0) = 0.95
    assert expended_percentile(np.array([0] * 94 + [10] * 6)) == 10.0
    assert expended_percentile(np.array([2, 4])) == 4.0


def _lines(*lines: dict[str, Any]) -> list[ProductionLine]:
    return [ProductionLine.model_validate(x) for x in lines]


def test_replacement_years_with_and_without_a_licensed_line_by_hand():
    production = _lines(
        {"nation": "USA", "interceptor": "X", "units_per_year": 100},
        {"nation": "JPN", "interceptor": "X", "units_per_year": 10, "licensed_from": "USA"},
    )
    expended = {
        ("JPN", "X"): np.array([2, 4]),  # mean 3, p95 4
        ("USA", "X"): np.array([6, 6]),  # mean 6
        ("KOR", "X"): np.array([3, 3]),  # mean 3, no line of its own
    }
    rows = {r["nation"]: r for r in replacement_rows(production, expended)}

    # The producer: its own line, fully.
    usa = rows["USA"]
    assert usa["share"] is None
    assert usa["units_per_year"] == 100
    assert usa["years"] == {"mean": 0.06, "p95": 0.06}
    assert usa["without_licensed_line"] is None

    # Drawing on the US line: USA, JPN, KOR, mean expenditure 6 + 3 + 3 = 12.
    kor = rows["KOR"]
    assert kor["drawing_nations"] == ["USA", "JPN", "KOR"]
    assert kor["share"] == pytest.approx(3 / 12)
    assert kor["units_per_year"] == pytest.approx(25.0)
    assert kor["years"]["mean"] == pytest.approx(3 / 25)
    assert kor["without_licensed_line"] is None

    # Japan: its licensed line (10 a year) plus its share of the US line (25 a year).
    jpn = rows["JPN"]
    assert jpn["own_units_per_year"] == 10
    assert jpn["share"] == pytest.approx(0.25)
    assert jpn["units_per_year"] == pytest.approx(35.0)
    assert jpn["years"]["mean"] == pytest.approx(3 / 35)
    assert jpn["years"]["p95"] == pytest.approx(4 / 35)
    assert jpn["years_own_lines_only"] == {"mean": 0.3, "p95": 0.4}
    assert kor["years_own_lines_only"] is None
    # Without the licensed line: the share of the US line only.
    without = jpn["without_licensed_line"]
    assert without["units_per_year"] == pytest.approx(25.0)
    assert without["years"]["mean"] == pytest.approx(3 / 25)
    assert without["years"]["p95"] == pytest.approx(4 / 25)


def test_replacement_with_only_a_licensed_line_and_no_line_at_all():
    production = _lines(
        {"nation": "JPN", "interceptor": "X", "units_per_year": 8, "licensed_from": "USA"},
    )
    expended = {
        ("JPN", "X"): np.array([4, 4]),
        ("USA", "X"): np.array([2, 2]),
        ("USA", "Y"): np.array([0, 0]),  # nothing expended: no row
    }
    rows = {(r["nation"], r["interceptor"]): r for r in replacement_rows(production, expended)}
    assert set(rows) == {("JPN", "X"), ("USA", "X")}
    jpn = rows[("JPN", "X")]
    assert jpn["share"] is None  # no origin line to draw on
    assert jpn["years"]["mean"] == 0.5
    assert jpn["without_licensed_line"] == {"units_per_year": 0.0, "years": None}
    # A licensed line serves only its own nation: the USA has nothing to replace from.
    assert rows[("USA", "X")]["units_per_year"] == 0.0
    assert rows[("USA", "X")]["years"] is None


def test_campaign_costs_carries_replacement_only_with_production():
    assert _costs(_two_nation_result())["replacement"] is None
    out = _costs(
        _two_nation_result(
            production=[
                {"nation": "USA", "interceptor": "A", "units_per_year": 50},
                {"nation": "JPN", "interceptor": "A", "units_per_year": 5, "licensed_from": "USA"},
                {"nation": "USA", "interceptor": "Z", "units_per_year": 5},
            ]
        )
    )
    rows = {(r["nation"], r["interceptor"]): r for r in out["replacement"]}
    assert set(rows) == {("JPN", "A"), ("JPN", "B"), ("USA", "A")}
    assert rows[("JPN", "B")]["years"] is None
    assert rows[("JPN", "A")]["without_licensed_line"] is not None
    assert any("'Z' is not in the catalog" in w for w in out["warnings"])
    assert any("origin lines" in a for a in out["assumptions"])
    json.dumps(out)


def test_refusals():
    with pytest.raises(ValueError, match="economics"):
        _costs(
            _result(
                [[1]],
                stocks=[("JPN", "X")],
                interceptors={"X": (1.0, 2024)},
                threats={"T": (1.0, 2024, 1)},
                economics=None,
            )
        )
    with pytest.raises(InputError, match="cost_year 1990"):
        _costs(
            _result(
                [[1]],
                stocks=[("JPN", "X")],
                interceptors={"X": (1.0, 1990)},
                threats={"T": (1.0, 2024, 1)},
                economics={"base_year": 2025},
            )
        )


def test_the_example_runs_and_japan_spends():
    result = hoplon.load(EXAMPLE).run(trials=300, seed=3)
    out = _costs(result)
    assert out["base_year"] == 2025
    assert out["spend_by_nation_usd"]["JPN"]["mean"] > 0
    assert out["threat_spend_usd"] > 0
    assert out["cost_exchange_ratio"]["mean"] > 0
    rows = {(r["nation"], r["interceptor"]): r for r in out["replacement"]}
    pac3 = rows[("JPN", "PAC-3 MSE")]
    assert pac3["own_lines"][0]["licensed_from"] == "USA"
    assert pac3["years"]["mean"] < pac3["without_licensed_line"]["years"]["mean"]
    # SM-3 Block IB: no Japanese line; Japan draws on the US line.
    assert rows[("JPN", "SM-3 Block IB")]["own_units_per_year"] == 0
    assert rows[("JPN", "SM-3 Block IB")]["share"] == 1.0
    json.dumps(out)
    console = Console(record=True, width=240)
    render_campaign_costs(out, console)
    text = console.export_text()
    assert "Years to replace" in text
    assert "Cost-exchange ratio" in text


def test_stand_off_missiles_are_their_own_type_in_the_attacker_s_spend():
    # the bombers' cruise missiles used to be counted and named as bombers
    import yaml

    data = yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "data" / "standoff-bombers.yaml").read_text()
    )
    data["economics"] = {"base_year": 2025}
    result = hoplon.load(data).run(trials=50)
    costs = _costs(result)
    rows = {r["type"]: r for r in costs["threats"]}
    assert rows["notional stand-off bomber"]["count"] == 2
    assert rows["notional land-attack cruise missile"]["count"] == 12
    cat = result.scenario.catalog.threats
    for kind, row in rows.items():
        unit = costs["unit_costs"]["threats"][kind]
        assert unit["unit_cost_nominal_usd"] == cat[kind].unit_cost_usd
        assert row["spend_usd"] == pytest.approx(row["count"] * unit["unit_cost_usd"], rel=1e-12)
    assert costs["threat_spend_usd"] == pytest.approx(sum(r["spend_usd"] for r in rows.values()))


def test_magazines_wave_by_wave_add_up(tmp_path):
    # a campaign's magazines were only given at the end of the last wave
    result = hoplon.load(EXAMPLE.parent / "coalition-defense.yaml").run(trials=400)
    rows = result.magazines_by_wave()
    model = result.waves[0]
    waves = [w.id for w in result.scenario.spec.waves]
    assert [r["wave"] for r in rows] == [w for w in waves for _ in range(model.n_stocks)]
    first, last = rows[: model.n_stocks], rows[-model.n_stocks :]
    for s, r in enumerate(first):  # the first wave starts from the file's magazines
        assert r["start_mean"] == pytest.approx(float(model.stock_initial[s]))
    for r in rows:
        assert r["start_mean"] == pytest.approx(r["fired_mean"] + r["held_mean"], abs=1e-5)
        assert 0.0 <= r["empty_share"] <= 1.0
        assert r["empty_share"] == 1.0 or r["held_mean"] > 0  # some trial kept one
    # the last wave's end is the run's end; the waves' fired add up to the run's
    left = result.outcomes.stock_left.mean(axis=0)
    fired = result.outcomes.shots.mean(axis=0)
    for s, r in enumerate(last):
        assert r["held_mean"] == pytest.approx(float(left[s]), abs=1e-5)
        assert sum(rows[w * model.n_stocks + s]["fired_mean"] for w in range(len(waves))) == (
            pytest.approx(float(fired[s]), abs=1e-5)
        )
    assert result.to_dict()["magazines_by_wave"] == rows
    from hoplon.present.html import render_report

    page = tmp_path / "waves.html"
    render_report(result, page)
    html = page.read_text(encoding="utf-8")
    assert "Magazines wave by wave" in html
    assert f"<td>{waves[-1]}</td><td>{last[0]['unit']}</td>" in html
    single = hoplon.load(EXAMPLE.parent / "japan-layered-bmd.yaml").run(trials=50)
    assert single.magazines_by_wave() == [] and "magazines_by_wave" not in single.to_dict()
