"""Agreements change the kill chain; Shapley values; ACSA conserves interceptors."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from conftest import EXAMPLES_DIR as EXAMPLES_DIR_FOR_WAVES
from hoplon import api
from hoplon.analysis.coalition import coalition_analysis, shapley_exact
from hoplon.core.acsa import AcsaResupply, pair_flows, rebalance
from hoplon.errors import InputError
from hoplon.scenario import load_text
from hoplon.scenario.transforms import drop_agreement, without

# A US radar off Japan sees an MRBM aimed at Tokyo; a Japanese launcher with no radar
# of its own ("remote launcher") sits under the trajectory's terminal phase.
BASE = """
hoplon: 1
name: remote engagement test
seed: 3
trials: 4000
nations: {{JPN: {{name: Japan}}, USA: {{name: United States}}}}
agreements:
{agreements}
assets:
  - {{id: tokyo, nation: JPN, kind: city, at: [35.68, 139.69], value: 100}}
sensors:
  - {{id: tpy2, nation: USA, type: AN/TPY-2, at: [35.77, 135.20], facing_deg: 300}}
units:
  - {{id: remote-battery, nation: JPN, type: remote launcher, at: [35.69, 139.75], magazine: {{PAC-3 MSE: 8}}}}
threats:
  - {{id: mrbm, type: notional MRBM, from: [40.0, 127.5], target: tokyo, count: 2, launch: {{at_s: 0, every_s: 20}}}}
catalog:
  platforms:
    remote launcher: {{radar: none, launchers: 4, reaction_s: 5, source: "test platform", notional: true}}
"""
TRANSFER = "  - {kind: technology-transfer, origin: USA, recipient: JPN, items: [PAC-3 MSE]}\n"


def _run(agreements: str, trials: int = 4000) -> dict:
    loaded = load_text(textwrap.dedent(BASE.format(agreements=agreements + TRANSFER)), "t.yaml")
    return api.Scenario(loaded).run(trials=trials).to_dict()


def test_remote_launcher_fires_only_on_a_shared_fire_control_track():
    fc = _run(
        "  - {kind: track-sharing, from: USA, to: JPN, latency_s: 4, quality: fire-control}\n"
    )
    ew = _run(
        "  - {kind: track-sharing, from: USA, to: JPN, latency_s: 4, quality: early-warning}\n"
    )
    none = _run("")
    assert fc["threats"][0]["engageable_by"] == ["remote-battery"]
    assert fc["metrics"]["shots_by_nation"]["JPN"]["mean"] > 0
    for result in (ew, none):
        assert result["threats"][0]["engageable_by"] == []
        assert result["threats"][0]["first_track_s"] is None
        assert result["metrics"]["shots_by_nation"]["JPN"]["mean"] == 0


COLLECTIVE = """
hoplon: 1
name: collective defense test
seed: 5
trials: 3000
nations: {JPN: {name: Japan}, USA: {name: United States}}
agreements:
{agreements}
  - {kind: technology-transfer, origin: USA, recipient: JPN, items: [PAC-3 MSE]}
assets:
  - {id: yokosuka, nation: USA, kind: base, at: [35.28, 139.67], value: 40}
units:
  - {id: patriot-jp, nation: JPN, type: Patriot battery, at: [35.30, 139.65], magazine: {PAC-3 MSE: 16}}
threats:
  - {id: mrbm, type: notional MRBM, from: [40.0, 127.5], target: yokosuka, count: 2, launch: {at_s: 0, every_s: 20}}
"""


def test_without_collective_defense_a_unit_ignores_threats_at_another_nation():
    with_cd = COLLECTIVE.replace(
        "{agreements}", "  - {kind: collective-defense, nations: [JPN, USA]}"
    )
    without = COLLECTIVE.replace("{agreements}", "  []\n").replace(
        "agreements:\n  []\n", "agreements:\n"
    )
    r_with = api.Scenario(load_text(with_cd, "cd.yaml")).run().to_dict()
    r_without = api.Scenario(load_text(without, "nocd.yaml")).run().to_dict()
    assert r_with["threats"][0]["engageable_by"] == ["patriot-jp"]
    assert r_with["metrics"]["shots_by_nation"]["JPN"]["mean"] > 0
    assert r_without["threats"][0]["engageable_by"] == []
    assert r_without["metrics"]["shots_by_nation"]["JPN"]["mean"] == 0


RIGHTS = """
hoplon: 1
name: rights test
nations: {JPN: {name: Japan}, USA: {name: United States}}
agreements:
  - {kind: technology-transfer, origin: USA, recipient: JPN, items: [SM-3 Block IB]}
assets:
  - {id: tokyo, nation: JPN, kind: city, at: [35.68, 139.69], value: 100}
units:
  - {id: ddg, nation: JPN, type: Aegis BMD destroyer, at: [37.8, 134.0], magazine: {SM-3 Block IB: 4, SM-3 Block IIA: 2}}
threats:
  - {id: mrbm, type: notional MRBM, from: [40.0, 127.5], target: tokyo}
"""


def test_fielding_without_the_right_is_refused():
    text = RIGHTS.replace(
        "  - {kind: technology-transfer, origin: USA, recipient: JPN, items: [SM-3 Block IB]}\n", ""
    )
    with pytest.raises(InputError) as info:
        load_text(text, "norights.yaml")
    assert "no right to field 'SM-3 Block IB'" in str(info.value)
    assert "units[0].magazine.SM-3 Block IB" in str(info.value)


def test_dropping_a_transfer_empties_what_it_gave():
    loaded = load_text(RIGHTS, "rights.yaml")
    variant = drop_agreement(loaded, [0])
    # SM-3 Block IIA is co-produced by Japan, so it stays; Block IB came by the transfer
    assert variant.spec.units[0].magazine == {"SM-3 Block IIA": 2}
    assert any("no longer holds SM-3 Block IB" in n for n in variant.variant)
    with pytest.raises(InputError, match="no agreement 7") as info:
        drop_agreement(loaded, [7])
    assert info.value.problems[0].field == "agreements"  # a scenario field, not a CLI flag
    with pytest.raises(InputError, match="'FRA' is not one of the scenario's nations") as info:
        without(loaded, ["FRA"])
    assert info.value.problems[0].field == "nations"
    left_out = without(loaded, ["JPN"])
    assert left_out.absent == {"JPN"} and left_out.spec == loaded.spec
    assert left_out.variant == ["without the units and sensors of JPN"]


# --- Shapley values on constructed games (per-trial arrays of length 1)


def _game(table: dict[frozenset[str], float]):
    return lambda s: np.array([table[frozenset(s)]])


def test_shapley_efficiency_symmetry_and_null_player():
    names = ["A", "B", "C"]
    # A and B symmetric, C a null player: v depends only on how many of A, B are in
    values = {}
    for mask in range(8):
        s = frozenset(n for k, n in enumerate(names) if mask >> k & 1)
        values[s] = {0: 0.0, 1: 0.3, 2: 1.0}[len(s - {"C"})]
    phi = shapley_exact(names, _game(values))
    total = sum(float(v[0]) for v in phi.values())
    assert total == pytest.approx(values[frozenset(names)] - values[frozenset()])
    assert phi["A"][0] == pytest.approx(phi["B"][0])
    assert phi["C"][0] == pytest.approx(0.0)
    assert phi["A"][0] == pytest.approx(0.5)


def test_shapley_of_an_additive_game_is_each_players_own_value():
    own = {"A": 0.1, "B": 0.25, "C": 0.4, "D": 0.05}
    names = list(own)
    values = {}
    for mask in range(16):
        s = frozenset(n for k, n in enumerate(names) if mask >> k & 1)
        values[s] = sum(own[n] for n in s)
    phi = shapley_exact(names, _game(values))
    for n in names:
        assert phi[n][0] == pytest.approx(own[n])


def test_coalition_analysis_on_the_example_is_efficient():
    from hoplon.scenario import load_scenario

    loaded = load_scenario("examples/coalition-defense.yaml")
    result = coalition_analysis(loaded, metric="value_protected", trials=1500, workers=1)
    total = sum(v["mean"] for v in result["shapley"].values())
    assert total == pytest.approx(result["value_all"] - result["value_none"], abs=1e-5)
    assert set(result["shapley"]) == {"JPN", "USA", "AUS"}
    assert len(result["subsets"]) == 8
    assert len(result["agreements"]) == 7


def test_threats_stopped_counts_what_no_leaker_and_value_protected_miss():
    # a raid that saturates the defense: no trial is leak-free, yet each nation stops
    # threats, which the count shows and adds up exactly
    from hoplon.scenario import load_scenario
    from hoplon.scenario.transforms import override

    loaded = load_scenario("examples/coalition-defense.yaml")
    saturated = override(loaded, "waves[0].threats[0].count", 60)
    n = 800
    flat = coalition_analysis(saturated, metric="p_no_leak", trials=n, workers=1)
    assert flat["value_all"] == 0.0  # every trial has a leaker
    result = coalition_analysis(saturated, metric="threats_stopped", trials=n, workers=1)
    total = sum(v["mean"] for v in result["shapley"].values())
    # efficiency, up to the rounding of the reported figures (six significant digits)
    assert total == pytest.approx(result["value_all"] - result["value_none"], rel=1e-5)
    # with no nation, only launch failures stop threats: fewer than one in five here
    threats = sum(r.n_threats for _, r in saturated.spec.raid_entries())
    assert 0 <= result["value_none"] < 0.2 * threats
    japan = result["shapley"]["JPN"]
    assert japan["ci95"][0] > 0  # Japan's interceptors stop threats: an interval above 0


# --- ACSA


def test_rebalance_conserves_and_levels_fill_fractions():
    load = np.array([8, 8, 16])
    counts = np.array([[8, 0, 4], [0, 0, 0], [8, 8, 16], [1, 0, 0]])
    target = rebalance(counts, load)
    assert (target.sum(axis=1) == counts.sum(axis=1)).all()
    assert (target <= load).all() and (target >= 0).all()
    assert target[0].tolist() == [3, 3, 6]
    assert target[2].tolist() == [8, 8, 16]


def test_pair_flows_match_the_change():
    before = np.array([[8, 0, 4]])
    after = rebalance(before, np.array([8, 8, 16]))
    flows = pair_flows(before, after)
    net = flows.sum(axis=0) - flows.sum(axis=1)  # received - given per stock
    assert (net == (after - before)[0]).all()


def test_acsa_moves_only_between_parties_and_never_creates():
    # stocks 0, 1 in one group; stock 2 (another nation, no agreement) stays apart
    resupply = AcsaResupply((np.array([0, 1]),), np.array([8, 8, 8]), 3)
    stock = np.array([[8, 0, 3], [2, 6, 0]], dtype=np.int32)
    new, flows = resupply(stock)
    assert (new.sum(axis=1) == stock.sum(axis=1)).all()
    assert (new[:, 2] == stock[:, 2]).all()
    assert flows[2].sum() == 0 and flows[:, 2].sum() == 0


def test_two_wave_example_reports_transfers_between_parties():
    result = api.load("examples/coalition-defense.yaml").run(trials=2000).to_dict()
    assert {t["wave"] for t in result["threats"]} == {"first-wave", "second-wave"}
    parties = {"JPN", "USA", "AUS"}
    assert result["acsa_transfers"], "expected some cross-servicing between waves"
    for row in result["acsa_transfers"]:
        assert row["from"] in parties and row["to"] in parties


def test_waves_must_be_in_time_order_and_apart(tmp_path):
    from conftest import EXAMPLES_DIR, run_cli

    text = (EXAMPLES_DIR / "coalition-defense.yaml").read_text(encoding="utf-8")
    overlap = tmp_path / "overlap.yaml"
    overlap.write_text(text.replace("start_s: 1800", "start_s: 300"), encoding="utf-8")
    code, _, err = run_cli("validate", str(overlap))
    assert code == 2 and "waves[1].start_s" in err and "before the last threat" in err, err
    code, _, err = run_cli("run", str(overlap), "--trials", "100", "--no-store")
    assert code == 2 and "waves[1].start_s" in err
    order = tmp_path / "order.yaml"
    order.write_text(text.replace("start_s: 1800", "start_s: 0"), encoding="utf-8")
    code, _, err = run_cli("validate", str(order))
    assert code == 2 and "list waves in time order" in err, err


def test_a_single_wave_listed_under_waves_names_its_wave(tmp_path):
    text = (EXAMPLES_DIR_FOR_WAVES / "coalition-defense.yaml").read_text(encoding="utf-8")
    one = text[: text.index("  - id: second-wave")]
    path = tmp_path / "one-wave.yaml"
    path.write_text(one, encoding="utf-8")
    result = api.load(path).run(trials=300).to_dict()
    assert {t["wave"] for t in result["threats"]} == {"first-wave"}
    assert "acsa_transfers" not in result  # no second wave, nothing to rebalance
