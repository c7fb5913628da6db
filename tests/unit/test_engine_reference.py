"""The vectorised engine agrees with the scalar per-trial reference, trial by trial."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_fixtures import make_model
from hoplon.core.engine import block_key, plan_decision_points, simulate_block
from reference_engine import reference_trials


@st.composite
def small_models(draw: st.DrawFn):
    n_threats = draw(st.integers(1, 4))
    n_int = draw(st.integers(1, 2))
    n_units = draw(st.integers(1, 3))
    units = []
    for _ in range(n_units):
        kinds = draw(st.lists(st.integers(0, n_int - 1), min_size=1, max_size=n_int, unique=True))
        stock = {i: draw(st.integers(0, 6)) for i in kinds}
        cap = draw(st.sampled_from([1, 2, 1_000_000]))
        units.append({"stock": stock, "capacity": cap})
    # stand-off missiles: threat 0 may carry some of the others, which launch after every
    # engagement of it (its path ends at release, their windows open after it)
    parents = [-1] * n_threats
    if n_threats > 1 and draw(st.booleans()):
        parents = [-1] + [0 if draw(st.booleans()) else -1 for _ in range(n_threats - 1)]
    windows = []
    for t in range(n_threats):
        for u, spec in enumerate(units):
            for i in spec["stock"]:
                if not draw(st.booleans()):
                    continue
                k = draw(st.integers(1, 4))
                pts = []
                for _ in range(k):
                    launch = draw(st.integers(0, 60)) + (101 if parents[t] >= 0 else 0)
                    pts.append((float(launch), float(launch + draw(st.integers(1, 40)))))
                windows.append(
                    {"unit": u, "interceptor": i, "threat": t,
                     "p": draw(st.sampled_from([0.0, 0.3, 0.7, 1.0])), "points": pts}
                )  # fmt: skip
    reserve = draw(st.sampled_from(["expected", "count", "fraction"]))
    planned = None
    if draw(st.integers(0, 4)) == 0:
        planned = [draw(st.integers(0, 3)) for _ in windows]
    return make_model(
        n_threats=n_threats,
        layered=draw(st.booleans()),
        reserve=reserve,
        reserve_amount={"expected": 0.0, "count": 2.0, "fraction": 0.5}[reserve],
        planned=planned,
        units=units,
        windows=windows,
        threat_parent=parents if max(parents) >= 0 else None,
        threat_reliability=draw(st.sampled_from([1.0, 0.8])),
        shots_per_engagement=draw(st.integers(1, 3)),
        shoot_look_shoot=draw(st.booleans()),
        assessment_s=float(draw(st.sampled_from([0, 3, 10]))),
        assignment=draw(
            st.sampled_from(["earliest-intercept", "cheapest-capable", "preserve-upper-tier"])
        ),
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=small_models(), seed=st.integers(0, 2**32 - 1))
def test_vectorised_engine_matches_scalar_reference(model, seed):
    plan = plan_decision_points(model)
    n = 64
    key = block_key(np.random.SeedSequence(seed))
    fast = simulate_block(model, plan, key, n)
    slow = reference_trials(model, plan, key, n)
    for i, ref in enumerate(slow):
        assert fast.leaked[i].tolist() == ref.leaked, f"trial {i}"
        assert fast.shots[i].tolist() == ref.shots, f"trial {i}"
        assert fast.kills[i].tolist() == ref.kills, f"trial {i}"
        assert fast.stock_left[i].tolist() == ref.stock_left, f"trial {i}"
        assert fast.launched[i].tolist() == ref.launched, f"trial {i}"


def test_magazine_and_interceptors_conserved():
    model = make_model(
        n_threats=5,
        units=[{"stock": {0: 3}}],
        windows=[
            {"unit": 0, "interceptor": 0, "threat": t, "p": 0.0, "points": [(t, t + 10)]}
            for t in range(5)
        ],
        shots_per_engagement=2,
    )
    out = simulate_block(
        model, plan_decision_points(model), block_key(np.random.SeedSequence(1)), 100
    )
    assert (out.shots.sum(axis=1) + out.stock_left.sum(axis=1) == 3).all()
    assert (out.stock_left >= 0).all()
    # p = 0: every launched threat leaks; 2 + 1 interceptors go to the first two threats
    assert out.leaked.all()
    assert (out.shots[:, 0] == 3).all()


def test_no_overlapping_salvos_and_assessment_delay():
    # one unit, shoot-look-shoot, points every second: each re-engagement waits for
    # intercept + assessment, so at most floor((60 - 10) / (10 + 5)) + 1 salvos
    model = make_model(
        n_threats=1,
        units=[{"stock": {0: 100}}],
        windows=[{"unit": 0, "interceptor": 0, "threat": 0, "p": 0.0,
                  "points": [(float(s), float(s + 10)) for s in range(0, 51)]}],
        shoot_look_shoot=True,
        assessment_s=5.0,
    )  # fmt: skip
    out = simulate_block(
        model, plan_decision_points(model), block_key(np.random.SeedSequence(2)), 10
    )
    assert (out.shots[:, 0] == 4).all()  # launches at 0, 15, 30, 45


def test_block_size_shrinks_for_large_raids_and_results_ignore_workers():
    from hoplon.core.engine import BLOCK_STATE_ELEMENTS, BLOCK_TRIALS, block_trials
    from hoplon.core.runner import run_trials

    assert block_trials(18) == BLOCK_TRIALS
    assert block_trials(1000) * 1000 <= BLOCK_STATE_ELEMENTS
    assert block_trials(10**7) >= 1024
    model = make_model(
        n_threats=2,
        units=[{"stock": {0: 3}, "capacity": 1}],
        windows=[{"unit": 0, "interceptor": 0, "threat": t, "p": 0.5, "points": [(t, t + 5.0)]}
                 for t in range(2)],
    )  # fmt: skip
    trials = 2 * BLOCK_TRIALS + 10
    one = run_trials([model], trials, seed=9, workers=1)
    two = run_trials([model], trials, seed=9, workers=2)
    assert (one.leaked == two.leaked).all() and (one.shots == two.shots).all()


def test_a_threat_waiting_for_released_claims_agrees_with_the_reference():
    # the planned case where a threat waits for another's claims to be released
    # (tests/unit/test_doctrine.py): both engines, trial by trial
    from test_doctrine import _claimed_case, _planned

    model = _planned(_claimed_case())
    plan = plan_decision_points(model)
    key = block_key(np.random.SeedSequence(3))
    fast = simulate_block(model, plan, key, 256)
    slow = reference_trials(model, plan, key, 256)
    assert [r.leaked for r in slow] == fast.leaked.tolist()
    assert [r.kills for r in slow] == fast.kills.tolist()
    assert [r.shots for r in slow] == fast.shots.tolist()
    assert any(r.leaked == [False, False] for r in slow)  # the wait happened
