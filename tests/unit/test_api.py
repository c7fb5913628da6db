"""The Python API: load, run, to_dict, to_frame."""

from __future__ import annotations

import pytest

import hoplon
from conftest import EXAMPLES_DIR
from hoplon.errors import InputError


def test_load_run_to_dict_and_frame():
    scenario = hoplon.load(EXAMPLES_DIR / "japan-layered-bmd.yaml")
    assert scenario.name == "Japan layered BMD (notional)"
    result = scenario.run(trials=2000, seed=1)
    data = result.to_dict()
    assert data["trials"] == 2000 and data["seed"] == 1
    frame = result.to_frame()
    assert len(frame) == 18
    assert list(frame.columns[:3]) == ["id", "raid", "target"]
    assert (
        (frame["p_leak_low"] <= frame["p_leak"]) & (frame["p_leak"] <= frame["p_leak_high"])
    ).all()
    # the frame and the contract agree threat by threat
    for row, threat in zip(frame.to_dict("records"), data["threats"], strict=True):
        assert row["p_leak"] == threat["p_leak"]["mean"]
    # the sample trial's engagements are in launch order and name real units
    launches = [e["launch_s"] for e in data["sample_trial"]]
    assert launches == sorted(launches)
    assert {e["unit"] for e in data["sample_trial"]} <= set(data["metrics"]["kills_by_unit"])


def test_run_defaults_come_from_the_scenario_and_bad_values_are_refused():
    scenario = hoplon.load(EXAMPLES_DIR / "seasparrow-ship-defense.yaml")
    result = scenario.run(trials=500)
    assert result.to_dict()["seed"] == 11
    with pytest.raises(InputError):
        scenario.run(trials=0)
    with pytest.raises(InputError):
        hoplon.load(EXAMPLES_DIR / "no-such-file.yaml")


def test_the_api_docstring_example_runs_as_written(monkeypatch):
    import doctest

    import hoplon.api
    from conftest import REPO_ROOT

    monkeypatch.chdir(REPO_ROOT)
    failures, tried = doctest.testmod(hoplon.api, verbose=False)
    assert tried >= 4 and failures == 0


def test_nations_and_agreements_may_be_given_one_by_one_or_as_lists() -> None:
    s = hoplon.load(EXAMPLES_DIR / "coalition-defense.yaml")
    note = ["without the units and sensors of USA"]
    assert s.without("USA").loaded.variant == note
    assert s.without(["USA"]).loaded.variant == note
    assert s.without(("USA", "AUS")).loaded.variant == s.without("AUS", "USA").loaded.variant
    assert s.drop_agreement([0]).loaded.variant == s.drop_agreement(0).loaded.variant
    assert s.run(trials=20, without="USA").notes == s.run(trials=20, without=["USA"]).notes
    for bad, says in (([1], "nation code 1 is a int; accepted: text"),):
        with pytest.raises(InputError, match=says):
            s.without(bad)
    with pytest.raises(InputError, match="agreement index True is a bool"):
        s.run(trials=20, drop_agreements=[True])
