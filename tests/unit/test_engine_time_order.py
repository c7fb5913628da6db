"""Per-trial time order of the engine: magazines and channels go to what launches first."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine_fixtures import make_model
from hoplon.compile import compile_scenario
from hoplon.core.engine import (
    RELIABILITY_STREAM,
    block_key,
    chance_stream,
    plan_decision_points,
    simulate_block,
    simulate_block_nominal,
)
from hoplon.core.kernel import philox_uniform
from hoplon.scenario.loader import load_scenario
from reference_engine import reference_trials

JAPAN = Path(__file__).resolve().parents[2] / "examples" / "japan-layered-bmd.yaml"


def _delayed_slot_model():
    """Threat 1's nominal slot (at 10 s, on unit 0) is delayed in every trial: unit 0's
    only channel is busy with threat 0 until 100 s, so threat 1 turns to unit 1's single
    interceptor, launching at 50 s. Threat 2 can only be reached by unit 1, at 30 s."""
    return make_model(
        n_threats=3,
        units=[{"stock": {0: 10}, "capacity": 1}, {"stock": {0: 1}}],
        windows=[
            {"unit": 0, "interceptor": 0, "threat": 0, "p": 1.0, "points": [(0.0, 100.0)]},
            {"unit": 0, "interceptor": 0, "threat": 1, "p": 1.0,
             "points": [(10.0, 20.0), (100.0, 300.0)]},
            {"unit": 1, "interceptor": 0, "threat": 1, "p": 1.0, "points": [(50.0, 200.0)]},
            {"unit": 1, "interceptor": 0, "threat": 2, "p": 1.0, "points": [(30.0, 60.0)]},
        ],
    )  # fmt: skip


def test_magazine_goes_to_the_engagement_that_launches_first_in_the_trial():
    model = _delayed_slot_model()
    plan = plan_decision_points(model)
    key = block_key(np.random.SeedSequence(3))
    # nominal order (threat 0 at 0 s, threat 1 at 10 s, threat 2 at 30 s): threat 1 takes
    # unit 1's interceptor for a launch at 50 s, and threat 2, due at 30 s, leaks
    nominal = simulate_block_nominal(model, plan, key, 16)
    assert nominal.leaked[:, 2].all()
    # time order: threat 2 is engaged at 30 s; threat 1 then waits for unit 0 (100 s)
    out = simulate_block(model, plan, key, 16)
    assert not out.leaked.any()
    assert (out.shots == [[2, 1]]).all()  # unit 0: threats 0 and 1; unit 1: threat 2
    assert (out.kills == [[2, 1]]).all()
    for ref in reference_trials(model, plan, key, 16):
        assert ref.leaked == [False, False, False] and ref.shots == [2, 1]


def test_engine_matches_reference_on_the_japan_example():
    model = compile_scenario(load_scenario(JAPAN)).waves[0]
    plan = plan_decision_points(model)
    key = block_key(np.random.SeedSequence(11))
    n = 300
    fast = simulate_block(model, plan, key, n)
    slow = reference_trials(model, plan, key, n)
    for i, ref in enumerate(slow):
        assert fast.leaked[i].tolist() == ref.leaked, f"trial {i}"
        assert fast.shots[i].tolist() == ref.shots, f"trial {i}"
        assert fast.kills[i].tolist() == ref.kills, f"trial {i}"


def test_compiled_philox_draws_are_numpy_philox_bit_for_bit():
    key = block_key(np.random.SeedSequence(2026))
    for index, wave in [(0, 0), (5 * 12 + 3, 1), (RELIABILITY_STREAM, 0), (999 * 12 + 11, 4)]:
        expected = chance_stream(key, wave, index).random(257)
        got = np.array(
            [
                philox_uniform(key[0], key[1], np.uint64(index), np.uint64(wave), np.uint64(j))
                for j in range(257)
            ]
        )
        assert np.array_equal(got, expected)
