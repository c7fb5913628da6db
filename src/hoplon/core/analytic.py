"""Closed-form layered-defense model: fast estimates and a check on the engine.

Every function here is a pure function of probabilities and counts. Inputs may
be Python floats or numpy arrays (they broadcast against each other); a scalar
input gives a ``float`` back, an array input an ``ndarray`` of ``float64``.
Probabilities are dimensionless numbers in [0, 1]; salvo sizes and threat
counts are non-negative whole numbers (a float array holding whole numbers is
accepted). Invalid inputs raise ``ValueError``.

Common assumptions (the limits of the whole module):

- **Independent shots.** Each interceptor kills a threat with the same single
  shot kill probability ``p``, independently of every other shot; there is no
  common-mode failure except the one a layer's ``rho`` stands for.
- **Independent layers and threats.** A layer's chance to engage (``rho``) and
  its shots do not depend on what happened in other layers or to other threats.
- **No saturation.** Every layer has the interceptors, the time and the fire
  channels to fire its full salvo at every threat. Magazine depth, timelines
  and geometry are what the Monte Carlo engine adds; this module ignores them.
- **Kill assessment.** Between the layers of a stack, assessment is either
  perfect or absent: the probabilities are the same, only the interceptors
  spent differ (see :func:`interceptors_needed`). Imperfect assessment within a
  layer is modelled by :func:`shoot_look_shoot_leak`.

Sources:

- [CALC] the open missile-defense calculator implementing Scott LaFoy's
  specification, https://github.com/jimjkelly/missile-defense, file
  ``src/js/calculations.js`` (functions ``TKP``, ``DefensiveLayer``, ``PW`` and
  the "Standard" ``P0`` model) and its test vectors in
  ``tests/test-calculations.js`` (stored version at commit 140c5b9a9c12).
- [OR82] "Technical Note--Analysis of a Layered Defense Model", *Operations
  Research* 30(3):595 (1982), doi:10.1287/opre.30.3.595: survivors of a stack
  of independent binomial-attrition layers are binomial.
- [SA19] *Scientific American*, June 2019: a 95 % chance of stopping each of
  five missiles stops all five only about 77 % of the time (1 - 0.95**5 =
  0.2262 that at least one gets through).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
#: What the element-wise functions return: ``float`` for scalar input, else an array.
FloatOrArray = float | FloatArray

__all__ = [
    "InterceptorRequirement",
    "Layer",
    "expected_leakers",
    "interceptors_needed",
    "layer_effectiveness",
    "standoff_launches",
    "leaker_distribution",
    "leaker_distribution_each",
    "p_zero_leakers",
    "p_zero_leakers_each",
    "salvo_kill",
    "shoot_look_shoot_leak",
    "shoot_look_shoot_shots",
    "terminal_kill_probability",
    "through_probability",
    "warhead_success_probability",
]


# --------------------------------------------------------------------------- checks


def _probability(x: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0.0) or np.any(arr > 1.0):
        raise ValueError(f"{name} must be a probability in [0, 1], got {x!r}")
    return arr


def _count(x: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0.0) or np.any(arr != np.floor(arr)):
        raise ValueError(f"{name} must be a non-negative whole number, got {x!r}")
    return arr


def _int_count(x: int, name: str) -> int:
    if isinstance(x, bool) or int(x) != x or x < 0:
        raise ValueError(f"{name} must be a non-negative whole number, got {x!r}")
    return int(x)


def _out(x: ArrayLike) -> FloatOrArray:
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


# --------------------------------------------------------------------------- one layer


def salvo_kill(p: ArrayLike, n: ArrayLike) -> FloatOrArray:
    """Probability that a salvo of ``n`` independent shots kills the threat.

    Formula: ``1 - (1 - p)**n``.

    Args:
        p: single-shot kill probability of one interceptor (SSPK), in [0, 1].
        n: interceptors fired at the threat (salvo size), a whole number >= 0.

    Assumes independent shots with equal ``p`` and a perfect fire-control chain
    (every shot is fired and guided). ``n = 0`` gives 0.

    Source: [CALC] ``DefensiveLayer`` with ``tracking = 1``; e.g. ``p = 0.8``,
    ``n = 2`` gives 0.96.
    """
    p_arr = _probability(p, "p")
    n_arr = _count(n, "n")
    return _out(1.0 - (1.0 - p_arr) ** n_arr)


def standoff_launches(
    count: ArrayLike,
    p_kill_before_release: ArrayLike,
    launcher_reliability: ArrayLike = 1.0,
    missile_reliability: ArrayLike = 1.0,
) -> FloatOrArray:
    """Expected stand-off missiles a launch platform launches (docs/model.md, "Stand-off
    launchers").

    Formula: ``count · r_L · (1 − P_k) · r_M``: the platform does not fail (``r_L``),
    survives its engagements before release (``1 − P_k``; one salvo of ``n`` shots gives
    ``P_k = salvo_kill(p, n)``), and each of its ``count`` missiles does not fail at
    launch (``r_M``). A platform killed before release launches none.

    Args:
        count: missiles it carries, a whole number >= 0.
        p_kill_before_release: probability it is killed before its release point.
        launcher_reliability, missile_reliability: probabilities of not failing.
    """
    n_arr = _count(count, "count")
    p_arr = _probability(p_kill_before_release, "p_kill_before_release")
    r_l = _probability(launcher_reliability, "launcher_reliability")
    r_m = _probability(missile_reliability, "missile_reliability")
    return _out(n_arr * r_l * (1.0 - p_arr) * r_m)


def layer_effectiveness(rho: ArrayLike, p: ArrayLike, n: ArrayLike) -> FloatOrArray:
    """Probability that one defensive layer stops a threat that reaches it.

    Formula: ``E = rho * [1 - (1 - p)**n]``.

    Args:
        rho: probability that the layer gets to engage at all: detection,
            tracking, cueing and system reliability, i.e. no common-mode
            failure that would stop every shot at once ([CALC] calls it
            ``tracking``), in [0, 1].
        p: single-shot kill probability of one interceptor, in [0, 1].
        n: interceptors fired at each threat (salvo size), whole number >= 0.

    Assumes the salvo's shots are independent given that the layer engages
    (see :func:`salvo_kill`), and that ``rho`` fails all shots together. As
    ``n`` grows, ``E`` tends to ``rho``, never to 1: more interceptors cannot
    buy back a missed track.

    Source: [CALC] ``DefensiveLayer``: ``tracking * (1 - (1 - sspk)**interceptors)``;
    test vectors ``(0.9, 0.9, 2) -> 0.891`` and ``(0.5, 0.65, 2) -> 0.43875``.
    """
    rho_arr = _probability(rho, "rho")
    return _out(rho_arr * np.asarray(salvo_kill(p, n), dtype=np.float64))


class Layer(NamedTuple):
    """One defensive layer of a stack, as used by :func:`through_probability`.

    Any 3-sequence ``(rho, p, n)`` is accepted where a ``Layer`` is; the fields
    may also be arrays that broadcast together.
    """

    rho: ArrayLike
    """Probability the layer gets to engage (track, cue, reliability), in [0, 1]."""
    p: ArrayLike
    """Single-shot kill probability of one interceptor, in [0, 1]."""
    n: ArrayLike
    """Interceptors fired at each threat by this layer (salvo size, a whole number)."""


# --------------------------------------------------------------------------- a stack


def through_probability(
    layers: Iterable[tuple[ArrayLike, ArrayLike, ArrayLike]],
) -> FloatOrArray:
    """Probability that one threat gets through a stack of independent layers.

    Formula: ``P_through = prod_k (1 - E_k)`` with ``E_k = rho_k * [1 - (1 - p_k)**n_k]``
    (:func:`layer_effectiveness`). An empty stack gives 1.

    Args:
        layers: the layers the threat meets, each a :class:`Layer` or any
            ``(rho, p, n)`` triple; the order does not matter.

    Assumes every layer engages every threat that reaches it, independently of
    the other layers (no shared sensor whose loss blinds two layers, no
    shoot-look-shoot between layers changing salvo sizes), and that the threat
    is reliable (it arrives unless intercepted). For the probability that a
    warhead gets through *and* destroys its target, see
    :func:`warhead_success_probability`.

    Source: [CALC] ``PW`` with ``tkp = 1``; [OR82] for the independence model.
    """
    result: FloatArray = np.asarray(1.0, dtype=np.float64)
    for layer in layers:
        rho, p, n = layer
        result = result * (1.0 - np.asarray(layer_effectiveness(rho, p, n), dtype=np.float64))
    return _out(result)


def terminal_kill_probability(sspk: ArrayLike, reliability: ArrayLike) -> FloatOrArray:
    """The attacker's terminal kill probability (TKP) of one warhead on its target.

    Formula: ``TKP = sspk * reliability``.

    Args:
        sspk: the warhead's single-shot probability of destroying the target if
            it arrives unintercepted (accuracy and lethality against that
            target's hardness), in [0, 1].
        reliability: probability the missile flies and its warhead functions,
            in [0, 1].

    TKP is an *offensive* figure: the chance a warhead that nobody shoots at
    destroys its target. Hoplon takes ``sspk`` as a given number (the
    calculator can also derive it from yield, CEP and target hardness; that
    weapon-effects model is outside Hoplon's scope).

    Source: [CALC] ``TKP`` and the notional branch of ``OffensiveLayer``;
    test vector ``sspk = 0.19019``, ``reliability = 0.8`` gives 0.152152.
    """
    return _out(_probability(sspk, "sspk") * _probability(reliability, "reliability"))


def warhead_success_probability(
    tkp: ArrayLike,
    layers: Iterable[tuple[ArrayLike, ArrayLike, ArrayLike]],
) -> FloatOrArray:
    """Probability that one warhead gets through the defense and destroys its target.

    Formula: ``PW = TKP * prod_k (1 - E_k) = TKP * P_through``.

    Args:
        tkp: the warhead's terminal kill probability
            (:func:`terminal_kill_probability`), in [0, 1]; ``tkp = 1`` makes
            ``PW`` the plain through-probability.
        layers: the defensive layers, as for :func:`through_probability`.

    Assumes the defense and the warhead's own reliability and accuracy are
    independent (a dud is shot at like a live warhead, and an intercept
    attempt does not change the warhead's accuracy).

    Source: [CALC] ``PW``: ``defensiveLayers.reduce((p, c) => p * (1 - c), tkp)``.
    Test vector: ``TKP = 0.152152`` against the single layer
    ``(rho, p, n) = (0.5, 0.65, 2)`` (``E = 0.43875``) gives
    ``0.152152 * 0.56125 = 0.0853953``.
    """
    tkp_arr = _probability(tkp, "tkp")
    return _out(tkp_arr * np.asarray(through_probability(layers), dtype=np.float64))


# --------------------------------------------------------------------------- a raid


def p_zero_leakers(p_through: ArrayLike, n_threats: ArrayLike) -> FloatOrArray:
    """Probability that none of ``N`` identical, independent threats gets through.

    Formula: ``P0 = (1 - P_through)**N``.

    Args:
        p_through: probability each threat gets through
            (:func:`through_probability`, or :func:`warhead_success_probability`
            for "no target destroyed"), in [0, 1].
        n_threats: number of threats ``N``, a whole number >= 0.

    Assumes independent threats and no saturation: each threat faces the full
    defense whatever happens to the others. Real defenses with finite
    magazines and fire channels do worse against large raids.

    Sources: [CALC] "Standard" ``P0`` model (the product over warheads of
    ``1 - PW``); test vectors 0.9146, 0.8365, 0.7651, 0.6997 for 1 to 4
    warheads with ``PW = 0.0853953``. [SA19]: ``1 - P0 = 0.2262`` for
    ``P_through = 0.05`` and ``N = 5``.
    """
    p_arr = _probability(p_through, "p_through")
    n_arr = _count(n_threats, "n_threats")
    return _out((1.0 - p_arr) ** n_arr)


def p_zero_leakers_each(p_through_each: ArrayLike, axis: int = -1) -> FloatOrArray:
    """Probability that no threat gets through when each has its own ``P_through``.

    Formula: ``P0 = prod_i (1 - PW_i)`` over the threats ``i`` along ``axis``.

    Args:
        p_through_each: per-threat probabilities of getting through (or of
            destroying the target), in [0, 1]; an empty axis gives 1.
        axis: the threats axis.

    Assumes independent threats and no saturation (see :func:`p_zero_leakers`).

    Source: [CALC] "Standard" ``P0`` model:
    ``offensiveLayers.reduce((p, c) => p * (1 - PW(c, defensiveLayers)), 1)``.
    Note that the calculator's model takes one factor per offensive layer entry
    and does not multiply by that entry's ``number`` field; here every threat
    is its own element.
    """
    p_arr = _probability(p_through_each, "p_through_each")
    return _out(np.prod(1.0 - p_arr, axis=axis))


def expected_leakers(p_through: ArrayLike, n_threats: ArrayLike) -> FloatOrArray:
    """Expected number of the ``N`` threats that get through.

    Formula: ``E[L] = N * P_through`` (the mean of the binomial of
    :func:`leaker_distribution`). With per-threat probabilities the mean is
    simply their sum, whatever their dependence.

    Args:
        p_through: probability each threat gets through, in [0, 1].
        n_threats: number of threats ``N``, a whole number >= 0.
    """
    return _out(_probability(p_through, "p_through") * _count(n_threats, "n_threats"))


def leaker_distribution(p_through: ArrayLike, n_threats: int) -> FloatArray:
    """Distribution of the number of leakers out of ``N`` identical threats.

    Formula: ``P(L = k) = C(N, k) * P_through**k * (1 - P_through)**(N - k)``,
    ``k = 0..N``: a binomial. Through a stack of independent layers each
    threat gets through with ``P_through = prod_k (1 - E_k)``, so the number
    of survivors after every layer is binomial as well [OR82].

    Args:
        p_through: probability each threat gets through, in [0, 1]; a scalar
            or an array of shape ``S``.
        n_threats: number of threats ``N`` (a whole number >= 0).

    Returns:
        The probability mass function, shape ``S + (N + 1,)``; element ``k`` is
        ``P(L = k)``. ``pmf[..., 0]`` equals :func:`p_zero_leakers`.

    Assumes independent threats and no saturation (see :func:`p_zero_leakers`).
    Source: [OR82].
    """
    p_arr = _probability(p_through, "p_through")[..., np.newaxis]
    n = _int_count(n_threats, "n_threats")
    k = np.arange(n + 1, dtype=np.float64)
    # log C(n, k) built from the ratio C(n, k) / C(n, k - 1) = (n - k + 1) / k,
    # which stays finite for raids far larger than C(n, k) itself allows.
    log_comb = np.concatenate(([0.0], np.cumsum(np.log((n - k[1:] + 1.0) / k[1:]))))
    # 0 * log(0) is taken as 0 so that p = 0 and p = 1 give exact point masses.
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = np.log(p_arr)
        log_q = np.log1p(-p_arr)
        term_p = np.where(k > 0, k * log_p, 0.0)
        term_q = np.where(n - k > 0, (n - k) * log_q, 0.0)
    pmf: FloatArray = np.exp(log_comb + term_p + term_q)
    return pmf


def leaker_distribution_each(p_through_each: ArrayLike) -> FloatArray:
    """Distribution of the number of leakers when each threat has its own ``P_through``.

    Formula: the Poisson-binomial distribution, the convolution over threats
    ``i`` of ``(1 - PW_i, PW_i)``: ``P_i(L = k) = P_{i-1}(L = k) * (1 - PW_i) +
    P_{i-1}(L = k - 1) * PW_i``. With equal ``PW_i`` it is the binomial of
    :func:`leaker_distribution`.

    Args:
        p_through_each: per-threat probabilities of getting through, in [0, 1],
            shape ``S + (N,)`` (threats on the last axis).

    Returns:
        The probability mass function, shape ``S + (N + 1,)``.

    Assumes independent threats and no saturation (see :func:`p_zero_leakers`).
    Cost grows as ``N**2``.
    """
    p_arr = _probability(p_through_each, "p_through_each")
    if p_arr.ndim == 0:
        raise ValueError("p_through_each must have a threats axis (at least one dimension)")
    n = p_arr.shape[-1]
    pmf = np.zeros(p_arr.shape[:-1] + (n + 1,), dtype=np.float64)
    pmf[..., 0] = 1.0
    for i in range(n):
        p_i = p_arr[..., i, np.newaxis]
        shifted = np.zeros_like(pmf)
        shifted[..., 1:] = pmf[..., :-1]
        pmf = pmf * (1.0 - p_i) + shifted * p_i
    return pmf


# --------------------------------------------------------------------------- shoot-look-shoot


def shoot_look_shoot_leak(q1: ArrayLike, q2: ArrayLike, assess: ArrayLike = 1.0) -> FloatOrArray:
    """Probability a threat survives a shoot-look-shoot engagement with imperfect assessment.

    Formula: ``leak = q1 * [a * q2 + (1 - a)]``.

    Args:
        q1: probability the threat survives the first salvo, e.g.
            ``1 - layer_effectiveness(rho1, p1, n1)``, in [0, 1].
        q2: probability the threat survives the second salvo, if fired, in [0, 1].
        assess: ``a``, probability that a threat which survived the first salvo
            is correctly assessed as surviving, so that the second salvo is
            fired, in [0, 1].

    Sequence: fire salvo 1; look; fire salvo 2 only at threats assessed alive.
    A surviving threat wrongly assessed as killed (probability ``1 - a``) is
    not shot at again and leaks. A killed threat wrongly assessed as alive
    wastes interceptors (:func:`shoot_look_shoot_shots`) but cannot leak, so
    the false-alarm rate does not appear here. ``a = 1`` gives the perfect-look
    result ``q1 * q2``; ``a = 0`` gives ``q1`` (a single salvo).

    Assumes the two salvos and the assessment are independent, and that there
    is time for the look and the second salvo (the engine checks the timeline).
    Source: the standard two-stage shoot-look-shoot model with an imperfect
    kill-assessment probability, in the same independence framework as
    [CALC] and [OR82].
    """
    q1_arr = _probability(q1, "q1")
    q2_arr = _probability(q2, "q2")
    a = _probability(assess, "assess")
    return _out(q1_arr * (a * q2_arr + (1.0 - a)))


def shoot_look_shoot_shots(
    q1: ArrayLike,
    n1: ArrayLike,
    n2: ArrayLike,
    assess: ArrayLike = 1.0,
    false_alarm: ArrayLike = 0.0,
) -> FloatOrArray:
    """Expected interceptors fired at one threat in a shoot-look-shoot engagement.

    Formula: ``E[shots] = n1 + n2 * [a * q1 + f * (1 - q1)]``; with no false
    alarms (``f = 0``, the default) ``E[shots] = n1 + a * q1 * n2``.

    Args:
        q1: probability the threat survives the first salvo, in [0, 1].
        n1: interceptors in the first salvo (always fired; if ``q1`` includes
            a layer reliability ``rho`` that stands for not firing at all, this
            is an upper bound).
        n2: interceptors in the second salvo, fired only at threats assessed alive.
        assess: ``a``, probability a surviving threat is correctly assessed as
            surviving, in [0, 1].
        false_alarm: ``f``, probability a killed threat is wrongly assessed as
            surviving and shot at again, in [0, 1].

    Same assumptions as :func:`shoot_look_shoot_leak`. ``a = f = 1`` gives the
    shoot-shoot count ``n1 + n2``.
    """
    q1_arr = _probability(q1, "q1")
    n1_arr = _count(n1, "n1")
    n2_arr = _count(n2, "n2")
    a = _probability(assess, "assess")
    f = _probability(false_alarm, "false_alarm")
    return _out(n1_arr + n2_arr * (a * q1_arr + f * (1.0 - q1_arr)))


# --------------------------------------------------------------------------- sizing


@dataclass(frozen=True)
class InterceptorRequirement:
    """The smallest salvo that meets a goal for P(no leaker); see :func:`interceptors_needed`."""

    salvo: int
    """Interceptors each layer fires at each threat (``n``)."""
    per_threat: int
    """Interceptors committed to each threat across all layers (``n * K``)."""
    total: int
    """Interceptors committed to the raid if every layer fires at every threat (``n * K * N``)."""
    expected_total: float
    """Expected interceptors fired at the raid with perfect kill assessment between
    layers (a layer fires only at threats still alive): ``N * n * sum_k prod_{j<k} (1 - E_j)``."""
    p_zero_leakers: float
    """P(no leaker) achieved with ``salvo`` (at least the goal)."""


def interceptors_needed(
    p0_goal: float,
    n_threats: int,
    p_single: float | Sequence[float],
    *,
    rho: float | Sequence[float] = 1.0,
    n_layers: int | None = None,
    tkp: float = 1.0,
    max_salvo: int = 1000,
) -> InterceptorRequirement:
    """Smallest salvo size that gives P(no leaker) >= ``p0_goal`` against ``N`` threats.

    Finds the least whole ``n >= 0`` such that
    ``P0(n) = (1 - tkp * prod_k [1 - rho_k * (1 - (1 - p_k)**n)])**N >= p0_goal``,
    every one of the ``K`` layers firing the same salvo ``n`` at every threat.
    ``P0(n)`` never decreases as ``n`` grows, so the first ``n`` that meets the
    goal is the minimum; the search is exhaustive over ``0..max_salvo`` and
    compares with a tolerance of 1e-12 to absorb rounding.

    Args:
        p0_goal: required probability that no threat gets through (or, with
            ``tkp < 1``, that no warhead destroys its target), in (0, 1].
        n_threats: number of independent threats ``N``, whole number >= 0.
        p_single: single-shot kill probability, one value for all layers or one
            per layer.
        rho: probability each layer gets to engage, one value or one per layer.
        n_layers: number of layers ``K``; inferred from ``p_single`` or ``rho``
            when they are sequences, else 1.
        tkp: the attacker's terminal kill probability (1 counts every leaker).
        max_salvo: the largest salvo considered.

    Returns:
        An :class:`InterceptorRequirement`: the salvo per threat per layer, the
        interceptors per threat and in total, the expected total with perfect
        kill assessment between layers, and the P0 achieved.

    Raises:
        ValueError: if the goal cannot be met with ``n <= max_salvo``. Because
            ``E_k <= rho_k``, P0 can never exceed
            ``(1 - tkp * prod_k (1 - rho_k))**N``, which the message reports.

    Assumes independent shots, layers and threats and no saturation (the
    module's assumptions): the raid is sized as if magazines were unlimited.
    Source: inverts [CALC]'s ``P0`` model (``DefensiveLayer``, ``PW``, ``P0``).
    """
    goal = float(p0_goal)
    if not (0.0 < goal <= 1.0):
        raise ValueError(f"p0_goal must be in (0, 1], got {p0_goal!r}")
    n_threats = _int_count(n_threats, "n_threats")
    max_salvo = _int_count(max_salvo, "max_salvo")
    tkp_value = float(_probability(tkp, "tkp"))

    p_arr = np.atleast_1d(_probability(p_single, "p_single"))
    rho_arr = np.atleast_1d(_probability(rho, "rho"))
    if p_arr.ndim != 1 or rho_arr.ndim != 1:
        raise ValueError("p_single and rho must be scalars or one value per layer")
    lengths = {len(a) for a in (p_arr, rho_arr) if len(a) != 1}
    if n_layers is not None:
        lengths.add(_int_count(n_layers, "n_layers"))
    if len(lengths) > 1:
        raise ValueError(f"inconsistent numbers of layers: {sorted(lengths)}")
    k_layers = lengths.pop() if lengths else 1
    if k_layers < 1:
        raise ValueError("at least one layer is needed")
    p_arr = np.broadcast_to(p_arr, (k_layers,))
    rho_arr = np.broadcast_to(rho_arr, (k_layers,))

    salvos = np.arange(max_salvo + 1, dtype=np.float64)
    # survive[k, n]: probability a threat survives layer k firing a salvo of n.
    survive = 1.0 - rho_arr[:, np.newaxis] * (1.0 - (1.0 - p_arr[:, np.newaxis]) ** salvos)
    p_through = tkp_value * np.prod(survive, axis=0)
    p0 = (1.0 - p_through) ** n_threats
    meets = np.flatnonzero(p0 >= goal - 1e-12)
    if meets.size == 0:
        ceiling = (1.0 - tkp_value * float(np.prod(1.0 - rho_arr))) ** n_threats
        raise ValueError(
            f"P(no leaker) >= {goal} is not reachable with a salvo of at most {max_salvo}: "
            f"it reaches {float(p0[-1]):.6g}, and no salvo can exceed {ceiling:.6g} "
            "because each layer's reliability rho caps its effectiveness"
        )
    salvo = int(meets[0])
    # Threats reaching layer k (all layers fire with perfect assessment in between).
    reaching = np.concatenate(([1.0], np.cumprod(survive[:-1, salvo])))
    return InterceptorRequirement(
        salvo=salvo,
        per_threat=salvo * k_layers,
        total=salvo * k_layers * n_threats,
        expected_total=float(n_threats * salvo * np.sum(reaching)),
        p_zero_leakers=float(p0[salvo]),
    )
