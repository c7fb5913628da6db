"""The weapon-target assignment solver against brute-force enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoplon.core.wta import P_MAX, WTAInfeasibleError, expected_destroyed, solve_wta


def exact_destroyed(p: np.ndarray, values: np.ndarray, x: np.ndarray) -> float:
    """sum_j V_j (1 - prod_i (1 - p_ij)^x_ij) with exact powers (0**0 = 1)."""
    return float(np.sum(values * (1.0 - np.prod((1.0 - p) ** x, axis=0))))


def splits(total: int, parts: int):
    """Every way to put at most ``total`` whole weapons on ``parts`` targets."""
    for combo in itertools.product(range(total + 1), repeat=parts):
        if sum(combo) <= total:
            yield combo


def brute_force(p, counts, values, mins, cap):
    m, n = p.shape
    best = None
    per_type = [
        [s for s in splits(int(counts[i]), n) if all(s[j] <= cap[i, j] for j in range(n))]
        for i in range(m)
    ]
    for rows in itertools.product(*per_type):
        x = np.array(rows, dtype=float).reshape(m, n)
        if np.any(x.sum(axis=0) < mins) or np.any(x[p == 0] > 0):
            continue
        value = exact_destroyed(p, values, x)
        if best is None or value > best:
            best = value
    return best


probability = st.sampled_from([0.0, 0.0, 0.1, 0.3, 0.5, 0.75, 0.9, 1.0]) | st.floats(0.0, 1.0)


@st.composite
def instances(draw):
    m = draw(st.integers(1, 3))
    n = draw(st.integers(1, 3))
    p = np.array(draw(st.lists(probability, min_size=m * n, max_size=m * n))).reshape(m, n)
    counts = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)), dtype=float)
    values = np.array(
        draw(st.lists(st.sampled_from([0.0, 1.0, 5.0, 10.0, 37.5]), min_size=n, max_size=n))
    )
    mins = np.array(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)), dtype=float)
    if draw(st.booleans()):
        mins[:] = 0
    cap = np.array(
        draw(st.lists(st.sampled_from([0, 1, 2, np.inf]), min_size=m * n, max_size=m * n)),
        dtype=float,
    ).reshape(m, n)
    if draw(st.booleans()):
        cap[:] = np.inf
    return p, counts, values, mins, cap


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_integer_optimum_equals_brute_force(inst):
    p, counts, values, mins, cap = inst
    best = brute_force(p, counts, values, mins, cap)
    kwargs = {"min_weapons": mins, "max_per_pair": cap}
    if best is None:
        with pytest.raises(WTAInfeasibleError):
            solve_wta(p, counts, values, **kwargs)
        return
    r = solve_wta(p, counts, values, **kwargs)
    # p = 1 is modelled as P_MAX: at most (1 - P_MAX) * V_j apart per target
    tol = 1e-6 * max(values.sum(), 1.0) + (1 - P_MAX) * values.sum() * 2
    assert r.status == "optimal"
    assert r.destroyed == pytest.approx(best, abs=tol)
    assert r.bound >= r.destroyed - 1e-12 and r.gap <= tol
    x = r.assignment
    assert np.array_equal(x, np.round(x))
    assert np.all(x >= 0) and np.all(x <= cap)
    assert np.all(x.sum(axis=1) <= counts)
    assert np.all(x.sum(axis=0) >= mins)
    assert np.all(x[p == 0] == 0)
    assert exact_destroyed(p, values, x) == pytest.approx(r.destroyed, abs=tol)


@settings(max_examples=30, deadline=None)
@given(instances())
def test_relaxed_optimum_is_at_least_the_integer_one(inst):
    p, counts, values, mins, cap = inst
    kwargs = {"min_weapons": mins, "max_per_pair": cap}
    try:
        integer = solve_wta(p, counts, values, **kwargs)
    except WTAInfeasibleError:
        return
    relaxed = solve_wta(p, counts, values, relaxed=True, **kwargs)
    assert relaxed.relaxed and not integer.relaxed
    assert relaxed.bound >= integer.destroyed - 1e-9
    assert relaxed.destroyed >= integer.destroyed - relaxed.gap - 1e-9
    x = relaxed.assignment
    assert np.all(x >= -1e-9) and np.all(x <= cap + 1e-9)
    assert np.all(x.sum(axis=1) <= counts + 1e-7)
    assert np.all(x.sum(axis=0) >= mins - 1e-7)


def test_relaxed_matches_the_closed_form_of_one_weapon_type():
    """One weapon type, two equal-p targets: the optimum splits to equalise marginal value.

    With survival q = 1 - p, V_1 q^x1 ln q = V_2 q^x2 ln q at the optimum, so
    x1 - x2 = ln(V_2 / V_1) / ln q and x1 + x2 = c.
    """
    p, c, v = 0.4, 6.0, np.array([100.0, 50.0])
    q = 1 - p
    diff = np.log(v[1] / v[0]) / np.log(q)
    x1 = (c + diff) / 2
    expected = float(np.sum(v * (1 - q ** np.array([x1, c - x1]))))
    r = solve_wta(np.full((1, 2), p), [c], v, relaxed=True, rel_gap=1e-10)
    assert r.destroyed == pytest.approx(expected, abs=1e-6)
    assert r.assignment[0, 0] == pytest.approx(x1, abs=1e-3)


def test_infeasible_minimums_are_refused_clearly():
    p = np.array([[0.5, 0.0], [0.5, 0.5]])
    with pytest.raises(WTAInfeasibleError, match="target 1 needs at least 3 weapons") as exc:
        solve_wta(p, [5, 2], [1.0, 1.0], min_weapons=[0, 3])
    assert exc.value.target == 1
    # each target alone is reachable, both together are not
    with pytest.raises(WTAInfeasibleError, match="cannot all be met together"):
        solve_wta(p, [1, 2], [1.0, 1.0], min_weapons=[2, 2])


def test_pairs_out_of_reach_and_unreachable_targets():
    p = np.array([[0.0, 0.0, 0.6]])
    r = solve_wta(p, [4], [10.0, 20.0, 30.0])
    assert r.assignment.tolist() == [[0.0, 0.0, 4.0]]
    assert r.destroyed == pytest.approx(30 * (1 - 0.4**4))
    assert r.surviving == pytest.approx(60 - 30 * (1 - 0.4**4))
    empty = solve_wta(np.zeros((2, 2)), [3, 3], [1.0, 2.0])
    assert empty.destroyed == 0.0 and empty.status == "optimal" and empty.bound == 0.0


def test_sure_kill_is_capped_as_documented():
    r = solve_wta(np.array([[1.0, 0.5]]), [2], [100.0, 10.0])
    assert r.assignment.tolist() == [[1.0, 1.0]]
    assert r.destroyed == pytest.approx(105.0, abs=1e-6)
    assert expected_destroyed(np.array([[1.0]]), [1.0], np.array([[1.0]])) == pytest.approx(P_MAX)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"p": [[1.5]]}, "kill probabilities"),
        ({"counts": [1.5]}, "whole numbers"),
        ({"values": [-1.0]}, "target values"),
        ({"min_weapons": [0.5]}, "minimum weapons"),
        ({"p": [0.5]}, "matrix"),
    ],
)
def test_bad_arguments_raise_value_error(kwargs, message):
    args = {"p": [[0.5]], "counts": [1], "values": [1.0]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        solve_wta(args.pop("p"), args.pop("counts"), args.pop("values"), **args)
