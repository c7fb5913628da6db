"""The closed-form layered-defense model against published numbers.

Sources:

- [CALC] the open missile-defense calculator after Scott LaFoy's
  specification, https://github.com/jimjkelly/missile-defense:
  ``src/js/calculations.js`` for the formulas, ``tests/test-calculations.js``
  for the test vectors (stored version at commit 140c5b9a9c12). Its tests use
  Jest's ``toBeCloseTo(x, d)``, which passes when ``|error| < 10**-d / 2``;
  we use the same tolerance, and 1e-12 where it uses ``toBe`` (exact).
- [SA19] Scientific American, June 2019.
- [OR82] "Technical Note--Analysis of a Layered Defense Model", Operations
  Research 30(3):595 (1982), doi:10.1287/opre.30.3.595.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from hoplon.core.analytic import (
    Layer,
    layer_effectiveness,
    leaker_distribution,
    p_zero_leakers,
    p_zero_leakers_each,
    salvo_kill,
    terminal_kill_probability,
    through_probability,
    warhead_success_probability,
)

EXACT = 1e-12


def to_be_close_to(digits: int) -> float:
    """Jest's ``toBeCloseTo(x, digits)`` tolerance: half a unit in the last digit."""
    return 10.0**-digits / 2.0


def test_salvo_kill_two_shots_calc() -> None:
    """[CALC] DefensiveLayer with tracking 1: 1 - (1 - 0.8)**2 = 0.96. Tolerance 1e-12."""
    assert salvo_kill(0.8, 2) == pytest.approx(0.96, abs=EXACT)


def test_layer_effectiveness_calc_vectors() -> None:
    """[CALC] tests/test-calculations.js, "tests defensive layer".

    (tracking 0.9, sspk 0.9, 2 interceptors) -> 0.891 with ``toBe`` (1e-12);
    (tracking 0.5, sspk 0.65, 2 interceptors) -> 0.43875 with ``toBeCloseTo(_, 5)``.
    """
    assert layer_effectiveness(0.9, 0.9, 2) == pytest.approx(0.891, abs=EXACT)
    assert layer_effectiveness(0.5, 0.65, 2) == pytest.approx(0.43875, abs=to_be_close_to(5))


def test_terminal_kill_probability_calc_vectors() -> None:
    """[CALC] "tests notional offensive layer": TKP = sspk * reliability.

    (0.9, 0.9) -> 0.81 and (0.19019, 0.8) -> 0.152152, both with ``toBe`` (1e-12).
    """
    assert terminal_kill_probability(0.9, 0.9) == pytest.approx(0.81, abs=EXACT)
    assert terminal_kill_probability(0.19019, 0.8) == pytest.approx(0.152152, abs=EXACT)


def test_warhead_success_calc_vector() -> None:
    """[CALC] "tests pw": PW = TKP * prod(1 - E_k) = 0.085395 (``toBeCloseTo(_, 6)``).

    TKP 0.152152 against ONE layer (tracking 0.5, sspk 0.65, 2 interceptors):
    0.152152 * (1 - 0.43875) = 0.0853953; checked here to 7 digits (5e-8).
    """
    tkp = terminal_kill_probability(0.19019, 0.8)
    pw = warhead_success_probability(tkp, [Layer(rho=0.5, p=0.65, n=2)])
    assert pw == pytest.approx(0.085395, abs=to_be_close_to(6))
    assert pw == pytest.approx(0.0853953, abs=to_be_close_to(7))


def test_p0_notional_offense_calc_vector() -> None:
    """[CALC] "test p0 with notional offense": 0.8461 (``toBeCloseTo(_, 4)``, 5e-5).

    One offensive entry (sspk 0.9, reliability 0.9: TKP 0.81) against one layer
    (tracking 0.9, sspk 0.9, 1 interceptor: E = 0.81): 1 - 0.81 * 0.19.
    The entry's ``number: 2`` does not enter the calculator's P0 model, which
    takes one factor per entry.
    """
    pw = float(warhead_success_probability(terminal_kill_probability(0.9, 0.9), [(0.9, 0.9, 1)]))
    assert p_zero_leakers_each([pw]) == pytest.approx(0.8461, abs=to_be_close_to(4))


@pytest.mark.parametrize(
    ("warheads", "expected"), [(1, 0.9146), (2, 0.8365), (3, 0.7651), (4, 0.6997)]
)
def test_p_zero_leakers_over_warheads_calc_vectors(warheads: int, expected: float) -> None:
    """[CALC] "p0 over multiple warheads": P0 = prod_i (1 - PW_i), 1 to 4 warheads.

    Each warhead TKP 0.152152 (sspk 0.19019, reliability 0.8) against the
    layer (tracking 0.5, sspk 0.65, 2 interceptors). ``toBeCloseTo(_, 4)``: 5e-5.
    """
    tkp = terminal_kill_probability(0.19019, 0.8)
    pw = float(warhead_success_probability(tkp, [(0.5, 0.65, 2)]))
    assert p_zero_leakers(pw, warheads) == pytest.approx(expected, abs=to_be_close_to(4))
    assert p_zero_leakers_each([pw] * warheads) == pytest.approx(expected, abs=to_be_close_to(4))


def test_scientific_american_five_missiles() -> None:
    """[SA19]: a 95 % chance of stopping each of 5 missiles lets at least one
    through with probability 0.2262 (4 printed digits: tolerance 5e-5)."""
    p_through = through_probability([(1.0, 0.95, 1)])
    assert 1.0 - p_zero_leakers(p_through, 5) == pytest.approx(0.2262, abs=to_be_close_to(4))


@pytest.mark.parametrize("n_threats", [1, 4, 12])
def test_leakers_through_layers_are_binomial_or82(n_threats: int) -> None:
    """[OR82]: with a binomial (here fixed) raid entering independent
    binomial-attrition layers, the survivors after each layer are binomial with
    the product of the layers' survival probabilities.

    Thins the raid layer by layer as a Markov chain (survivors j -> Bin(j, 1 - E_k))
    and compares with ``leaker_distribution(prod(1 - E_k), N)`` and with
    ``scipy.stats.binom``. Tolerance 1e-12.
    """
    layers = [(0.95, 0.85, 2), (0.8, 0.6, 1), (0.9, 0.5, 3)]
    survivors = np.zeros(n_threats + 1)
    survivors[n_threats] = 1.0
    for rho, p, n in layers:
        s = 1.0 - layer_effectiveness(rho, p, n)
        transition = np.array(
            [stats.binom.pmf(np.arange(n_threats + 1), j, s) for j in range(n_threats + 1)]
        )
        survivors = survivors @ transition
    p_through = through_probability(layers)
    pmf = leaker_distribution(p_through, n_threats)
    np.testing.assert_allclose(pmf, survivors, atol=EXACT)
    np.testing.assert_allclose(
        pmf, stats.binom.pmf(np.arange(n_threats + 1), n_threats, p_through), atol=EXACT
    )
