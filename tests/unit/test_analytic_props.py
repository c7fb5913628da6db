"""Properties of the closed-form model in hoplon.core.analytic.

Where a property needs a reference, it is a plain scalar implementation written
from the textbook definition (enumerating events), independent of the vectorised
code under test.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hoplon.core.analytic import (
    Layer,
    expected_leakers,
    interceptors_needed,
    layer_effectiveness,
    leaker_distribution,
    leaker_distribution_each,
    p_zero_leakers,
    p_zero_leakers_each,
    salvo_kill,
    shoot_look_shoot_leak,
    shoot_look_shoot_shots,
    through_probability,
    warhead_success_probability,
)

prob = st.floats(0.0, 1.0, allow_nan=False)
salvo = st.integers(0, 12)
layer = st.tuples(prob, prob, st.integers(0, 6))
FAST = settings(max_examples=60, deadline=None)


@FAST
@given(p=prob, q=prob, n=salvo, m=salvo)
def test_salvo_kill_bounded_and_monotone(p: float, q: float, n: int, m: int) -> None:
    lo_p, hi_p = sorted((p, q))
    lo_n, hi_n = sorted((n, m))
    assert 0.0 <= salvo_kill(p, n) <= 1.0
    assert salvo_kill(lo_p, n) <= salvo_kill(hi_p, n) + 1e-15
    assert salvo_kill(p, lo_n) <= salvo_kill(p, hi_n) + 1e-15


@FAST
@given(rho=prob, p=prob, n=salvo)
def test_layer_effectiveness_capped_by_rho(rho: float, p: float, n: int) -> None:
    e = layer_effectiveness(rho, p, n)
    assert 0.0 <= e <= rho + 1e-15
    assert e == pytest.approx(rho * (1.0 - (1.0 - p) ** n))


@FAST
@given(layers=st.lists(layer, max_size=4), extra=layer, data=st.data())
def test_through_probability_order_free_and_decreasing(
    layers: list[tuple[float, float, int]], extra: tuple[float, float, int], data: st.DataObject
) -> None:
    t = through_probability(layers)
    assert 0.0 <= t <= 1.0
    shuffled = data.draw(st.permutations(layers))
    assert through_probability(shuffled) == pytest.approx(t, abs=1e-15)
    assert through_probability([*layers, extra]) <= t + 1e-15
    assert through_probability([]) == 1.0


def test_functions_broadcast_over_arrays() -> None:
    p = np.array([0.1, 0.5, 0.9])
    n = np.array([[1], [2]])
    out = salvo_kill(p, n)
    assert isinstance(out, np.ndarray) and out.shape == (2, 3)
    assert isinstance(salvo_kill(0.5, 2), float)
    t = through_probability([Layer(0.9, p, 2), Layer(np.array([1.0, 0.5, 0.0]), 0.5, 1)])
    assert isinstance(t, np.ndarray) and t.shape == (3,)
    assert t[2] == pytest.approx(1.0 - layer_effectiveness(0.9, 0.9, 2))


@pytest.mark.parametrize(
    ("func", "args"),
    [
        (salvo_kill, (1.1, 1)),
        (salvo_kill, (0.5, -1)),
        (salvo_kill, (0.5, 1.5)),
        (layer_effectiveness, (np.nan, 0.5, 1)),
        (p_zero_leakers, (0.1, 2.5)),
        (shoot_look_shoot_leak, (0.5, 0.5, 2.0)),
    ],
)
def test_bad_inputs_raise(func: object, args: tuple[float, ...]) -> None:
    with pytest.raises(ValueError):
        func(*args)  # type: ignore[operator]


@FAST
@given(p=prob, n=st.integers(0, 40))
def test_binomial_pmf_sums_to_one_and_matches_moments(p: float, n: int) -> None:
    pmf = leaker_distribution(p, n)
    assert pmf.shape == (n + 1,)
    assert np.all(pmf >= 0.0)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    assert pmf[0] == pytest.approx(p_zero_leakers(p, n), abs=1e-12)
    assert pmf @ np.arange(n + 1) == pytest.approx(expected_leakers(p, n), abs=1e-10)


@FAST
@given(p=prob, n=st.integers(0, 10))
def test_binomial_pmf_matches_enumeration(p: float, n: int) -> None:
    reference = [math.comb(n, k) * p**k * (1.0 - p) ** (n - k) for k in range(n + 1)]
    np.testing.assert_allclose(leaker_distribution(p, n), reference, atol=1e-12)


def test_binomial_pmf_large_raid_is_finite() -> None:
    pmf = leaker_distribution(np.array([0.01, 0.5]), 5000)
    assert pmf.shape == (2, 5001)
    np.testing.assert_allclose(pmf.sum(axis=1), 1.0, atol=1e-9)


@FAST
@given(ps=st.lists(prob, min_size=0, max_size=7))
def test_poisson_binomial_matches_enumeration(ps: list[float]) -> None:
    n = len(ps)
    reference = np.zeros(n + 1)
    for outcome in itertools.product((0, 1), repeat=n):
        weight = 1.0
        for leaked, p in zip(outcome, ps, strict=True):
            weight *= p if leaked else 1.0 - p
        reference[sum(outcome)] += weight
    pmf = leaker_distribution_each(np.array(ps, dtype=float).reshape(n))
    np.testing.assert_allclose(pmf, reference, atol=1e-12)
    assert pmf[0] == pytest.approx(p_zero_leakers_each(ps), abs=1e-12)


@FAST
@given(p=prob, n=st.integers(0, 20))
def test_equal_probabilities_reduce_to_binomial(p: float, n: int) -> None:
    np.testing.assert_allclose(
        leaker_distribution_each(np.full(n, p)), leaker_distribution(p, n), atol=1e-12
    )
    assert p_zero_leakers_each(np.full(n, p)) == pytest.approx(p_zero_leakers(p, n), abs=1e-12)


@FAST
@given(p=prob, n=st.integers(0, 30), m=st.integers(0, 30))
def test_p_zero_leakers_decreases_with_raid_size(p: float, n: int, m: int) -> None:
    small, large = sorted((n, m))
    assert 0.0 <= p_zero_leakers(p, large) <= p_zero_leakers(p, small) <= 1.0


def _sls_reference(
    q1: float, q2: float, a: float, f: float, n1: int, n2: int
) -> tuple[float, float]:
    """Enumerate: first salvo outcome x look outcome x second salvo outcome."""
    leak = 0.0
    shots = 0.0
    for survived1, p_s1 in ((True, q1), (False, 1.0 - q1)):
        p_judged_alive = a if survived1 else f
        for judged_alive, p_look in ((True, p_judged_alive), (False, 1.0 - p_judged_alive)):
            weight = p_s1 * p_look
            shots += weight * (n1 + (n2 if judged_alive else 0))
            if survived1:
                leak += weight * (q2 if judged_alive else 1.0)
    return leak, shots


@FAST
@given(q1=prob, q2=prob, a=prob, f=prob, n1=salvo, n2=salvo)
def test_shoot_look_shoot_matches_enumeration(
    q1: float, q2: float, a: float, f: float, n1: int, n2: int
) -> None:
    leak, shots = _sls_reference(q1, q2, a, f, n1, n2)
    assert shoot_look_shoot_leak(q1, q2, a) == pytest.approx(leak, abs=1e-12)
    assert shoot_look_shoot_shots(q1, n1, n2, a, f) == pytest.approx(shots, abs=1e-9)
    assert q1 * q2 - 1e-15 <= shoot_look_shoot_leak(q1, q2, a) <= q1 + 1e-15


@FAST
@given(q1=prob, q2=prob, a=prob, b=prob)
def test_better_assessment_never_leaks_more(q1: float, q2: float, a: float, b: float) -> None:
    worse, better = sorted((a, b))
    assert shoot_look_shoot_leak(q1, q2, better) <= shoot_look_shoot_leak(q1, q2, worse) + 1e-15


def _p0_reference(n: int, p: list[float], rho: list[float], tkp: float, threats: int) -> float:
    through = tkp
    for p_k, rho_k in zip(p, rho, strict=True):
        through *= 1.0 - rho_k * (1.0 - (1.0 - p_k) ** n)
    return (1.0 - through) ** threats


@settings(max_examples=80, deadline=None)
@given(
    goal=st.floats(0.05, 0.999),
    threats=st.integers(0, 20),
    k_layers=st.integers(1, 3),
    data=st.data(),
)
def test_interceptors_needed_is_minimal(
    goal: float, threats: int, k_layers: int, data: st.DataObject
) -> None:
    p = data.draw(st.lists(st.floats(0.05, 0.99), min_size=k_layers, max_size=k_layers))
    rho = data.draw(st.lists(st.floats(0.5, 1.0), min_size=k_layers, max_size=k_layers))
    tkp = data.draw(st.floats(0.1, 1.0))
    ceiling = _p0_reference(10**6, p, rho, tkp, threats)
    assume(ceiling > goal + 1e-6)
    req = interceptors_needed(goal, threats, p, rho=rho, tkp=tkp, max_salvo=5000)
    assert _p0_reference(req.salvo, p, rho, tkp, threats) >= goal - 1e-12
    if req.salvo > 0:
        assert _p0_reference(req.salvo - 1, p, rho, tkp, threats) < goal - 1e-12
    assert req.p_zero_leakers == pytest.approx(_p0_reference(req.salvo, p, rho, tkp, threats))
    assert req.per_threat == req.salvo * k_layers
    assert req.total == req.per_threat * threats
    assert 0.0 <= req.expected_total <= req.total + 1e-9


def test_interceptors_needed_examples_and_limits() -> None:
    # one layer, p = 0.8: two shots give 0.96 against one threat
    assert interceptors_needed(0.96, 1, 0.8).salvo == 2
    # the same layer against the calculator's layer-with-TKP example
    req = interceptors_needed(0.9, 4, 0.65, rho=0.99, n_layers=2)
    assert req.per_threat == 2 * req.salvo and req.total == 4 * req.per_threat
    p_through = warhead_success_probability(1.0, [(0.99, 0.65, req.salvo)] * 2)
    assert p_zero_leakers(p_through, 4) == pytest.approx(req.p_zero_leakers)
    # a goal that reliability forbids
    with pytest.raises(ValueError, match="reliability"):
        interceptors_needed(0.99, 10, 0.7, rho=0.9)
    # zero threats need no interceptors
    assert interceptors_needed(0.99, 0, 0.5).salvo == 0
    with pytest.raises(ValueError, match="layers"):
        interceptors_needed(0.9, 1, [0.5, 0.6], rho=[0.9, 0.9, 0.9])
    with pytest.raises(ValueError):
        interceptors_needed(0.0, 1, 0.5)
