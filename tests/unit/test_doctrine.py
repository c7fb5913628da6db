"""The doctrines on hand-built cases: magazine-aware preservation and layered firing.

Expected values are derived in closed form in each test; tolerances are four standard
errors of the estimate.
"""

from __future__ import annotations

import numpy as np

from engine_fixtures import make_model
from hoplon.core.engine import block_key, plan_decision_points, simulate_block

N = 20_000


def _run(model, n: int = N, seed: int = 7):
    plan = plan_decision_points(model)
    return simulate_block(model, plan, block_key(np.random.SeedSequence(seed)), n)


def _magazine_case(**doctrine) -> object:
    """Unit 0: 5 upper-tier interceptors; unit 1: 20 lower-tier ones. Threats 0-3 come
    first and both tiers reach them (the upper tier earlier); threats 4-5 come later and
    only the upper tier reaches them, with a sure kill. Every threat launches with 0.8."""
    windows = []
    for t in range(4):
        windows.append({"unit": 0, "interceptor": 0, "threat": t, "p": 0.7,
                        "points": [(float(t), 50.0 + t)]})  # fmt: skip
        windows.append({"unit": 1, "interceptor": 1, "threat": t, "p": 0.5,
                        "points": [(100.0 + t, 200.0 + t)]})  # fmt: skip
    for t in (4, 5):
        windows.append({"unit": 0, "interceptor": 0, "threat": t, "p": 1.0,
                        "points": [(300.0 + t, 350.0 + t)]})  # fmt: skip
    return make_model(
        n_threats=6,
        units=[{"stock": {0: 5}}, {"stock": {1: 20}}],
        windows=windows,
        threat_reliability=0.8,
        targets=list(range(6)),
        target_values=[1.0] * 6,
        **doctrine,
    )


def test_magazine_aware_preserve_never_keeps_interceptors_a_leaker_needed():
    aware = _run(_magazine_case(assignment="preserve-upper-tier"))
    upper_left = aware.stock_left[:, 0]
    only_upper_leaked = aware.leaked[:, 4:].any(axis=1)
    # the rule's promise, trial by trial: no raid ends with upper-tier stock left while a
    # threat only the upper tier could reach leaked (its windows kill for sure, so it
    # leaks only when it was not engaged)
    assert not np.any(only_upper_leaked & (upper_left > 0))
    # the expected demand of threats 4-5 is 0.8 + 0.8 = 1.6 interceptors, so the rule
    # keeps 2 and they never leak
    assert not only_upper_leaked.any()
    # earliest intercept spends the upper tier on the first threats: threat 5 leaks when
    # all six threats launch, P = 0.8^6
    greedy = _run(_magazine_case(assignment="earliest-intercept"))
    p = 0.8**6
    se = np.sqrt(p * (1 - p) / N)
    assert abs(greedy.leaked[:, 5].mean() - p) < 4 * se
    # holding the whole magazine (reserve: 5) keeps upper-tier interceptors unfired while
    # the first threats leak through the lower tier alone: 0.8 × 0.5 per threat
    hoard = _run(
        _magazine_case(assignment="preserve-upper-tier", reserve="count", reserve_amount=5)
    )
    early = hoard.leaked[:, :4].mean()
    se = np.sqrt(0.4 * 0.6 / (4 * N))
    assert abs(early - 0.4) < 4 * se
    assert np.all(hoard.stock_left[:, 0] >= 3)
    # the magazine-aware rule: three of the first threats get the upper tier (while it
    # keeps at least 1.6 after the salvo), the fourth only when fewer launched before it
    assert aware.leaked[:, :4].mean() < early - 4 * se
    leak_aware = aware.leaked.sum(axis=1)
    for other in (greedy, hoard):
        leak_other = other.leaked.sum(axis=1)
        diff = leak_aware - leak_other  # common random numbers: the same draws
        assert diff.mean() < 4 * diff.std(ddof=1) / np.sqrt(N)


def test_a_reserve_as_a_fraction_of_the_load():
    """reserve: 0.5 keeps 2.5 of 5: two salvos at the first threats, not three."""
    out = _run(_magazine_case(assignment="preserve-upper-tier", reserve="fraction",
                              reserve_amount=0.5), n=2000)  # fmt: skip
    late = out.launched[:, 4:].sum(axis=1)  # each is fired at once: stock is left for it
    at_early = 5 - out.stock_left[:, 0] - late
    assert at_early.max() == 2
    assert not np.any(out.leaked[:, 4:])


def _two_layers(**doctrine) -> object:
    """Ten threats, each reachable first by an expensive upper tier (intercept at 50 s)
    and then by a cheap lower tier (launch 100-150 s); p = 0.6 and 0.5, one shot each."""
    windows = []
    for t in range(10):
        windows.append({"unit": 0, "interceptor": 1, "threat": t, "p": 0.6,
                        "points": [(0.0, 50.0)]})  # fmt: skip
        windows.append({"unit": 1, "interceptor": 0, "threat": t, "p": 0.5,
                        "points": [(100.0, 200.0), (150.0, 210.0)]})  # fmt: skip
    return make_model(
        n_threats=10,
        units=[{"stock": {1: 40}}, {"stock": {0: 40}}],
        windows=windows,
        interceptor_tiers=["lower", "upper"],  # interceptor 0 is the cheaper
        **doctrine,
    )


def test_layered_firing_halves_the_leak_of_the_lower_tier_alone():
    lower_only = _run(_two_layers(assignment="cheapest-capable"))
    layered = _run(_two_layers(assignment="cheapest-capable", layered=True))
    n = lower_only.leaked.size
    expect_lower = 0.5  # 1 - p_lower
    expect_layered = 0.4 * 0.5  # (1 - p_upper)(1 - p_lower)
    for out, expect in ((lower_only, expect_lower), (layered, expect_layered)):
        se = np.sqrt(expect * (1 - expect) / n)
        assert abs(out.leaked.mean() - expect) < 4 * se
    assert np.all(lower_only.shots[:, 0] == 0)  # the upper tier never fired
    # the upper tier fired at every threat, the lower tier at the survivors
    assert np.all(layered.shots[:, 0] == 10)
    ratio = layered.leaked.mean() / lower_only.leaked.mean()
    assert ratio <= 0.5 + 4 * np.sqrt(expect_layered * (1 - expect_layered) / n) / expect_lower


def test_layered_firing_needs_the_later_tier_to_be_left():
    """When the lower tier's last launch comes before the upper tier's intercept plus
    assessment, firing the upper tier first would take away the lower tier's chance."""
    windows = [
        {"unit": 0, "interceptor": 1, "threat": 0, "p": 0.6, "points": [(0.0, 50.0)]},
        {"unit": 1, "interceptor": 0, "threat": 0, "p": 0.5, "points": [(40.0, 200.0)]},
    ]
    model = make_model(
        n_threats=1, units=[{"stock": {1: 4}}, {"stock": {0: 4}}], windows=windows,
        interceptor_tiers=["lower", "upper"], assignment="cheapest-capable", layered=True,
    )  # fmt: skip
    out = _run(model, n=4000)
    assert np.all(out.shots[:, 0] == 0)
    assert np.all(out.shots[:, 1] == 1)


def _planned(model):
    from dataclasses import replace

    from hoplon.core.plan import plan_allocation

    allocation = plan_allocation(model)
    assert allocation.status == "optimal"
    assert allocation.bound <= allocation.expected_loss + 1e-9
    return replace(model, assignment="planned", planned=allocation.interceptors)


def _value_case(**doctrine) -> object:
    """Scarcity: one upper-tier unit with 3 interceptors. Threats 0-2 come first at a
    target worth 1, threats 3-4 later at one worth 10; only the upper tier reaches any."""
    windows = [
        {"unit": 0, "interceptor": 0, "threat": t, "p": 0.8,
         "points": [(10.0 * t, 10.0 * t + 40.0)]}
        for t in range(5)
    ]  # fmt: skip
    return make_model(
        n_threats=5, units=[{"stock": {0: 3}}], windows=windows, threat_reliability=0.9,
        targets=[0, 0, 0, 1, 1], target_values=[1.0, 10.0], **doctrine,
    )  # fmt: skip


def _value_protected(model, out) -> np.ndarray:
    values = model.target_value
    hit = np.zeros((out.leaked.shape[0], values.size), dtype=bool)
    for t in range(model.n_threats):
        hit[:, model.threat_target[t]] |= out.leaked[:, t]
    return 1.0 - (hit * values).sum(axis=1) / values.sum()


def test_planned_is_never_worse_than_a_rule():
    rules = [
        {"assignment": a, "layered": layered}
        for a in ("earliest-intercept", "cheapest-capable", "preserve-upper-tier")
        for layered in (False, True)
    ]
    for case in (_magazine_case, _two_layers, _value_case):
        plan_model = _planned(case())
        planned = _value_protected(plan_model, _run(plan_model))
        for rule in rules:
            model = case(**rule)
            diff = planned - _value_protected(model, _run(model))  # same trials' draws
            se = diff.std(ddof=1) / np.sqrt(N)
            assert diff.mean() > -4 * se - 1e-12, (case.__name__, rule, diff.mean(), se)
    # the scarcity case: every rule spends the three interceptors on the first threats;
    # the plan keeps them for the valuable ones, and frees the share of a threat that
    # failed at launch for the others
    plan_model = _planned(_value_case())
    # (one shot per threat without shoot-look-shoot: one to each valuable threat, the
    # third where it saves most of the rest, 0.9 × 0.8 of 1)
    assert list(plan_model.planned[3:]) == [1, 1] and plan_model.planned[:3].sum() == 1
    gain = _value_protected(plan_model, _run(plan_model)) - _value_protected(
        _value_case(), _run(_value_case())
    )
    assert gain.mean() > 4 * gain.std(ddof=1) / np.sqrt(N)


def test_every_doctrine_says_what_it_does():
    from typing import get_args

    from hoplon.core.engine import DOCTRINE_LINES, doctrine_line
    from hoplon.scenario.schema import Doctrine

    rules = get_args(Doctrine.model_fields["assignment"].annotation)
    assert set(rules) == set(DOCTRINE_LINES)
    for rule in rules:
        line = doctrine_line(rule)
        assert line.endswith(".") and line != rule + "."
    assert "25% of the load" in doctrine_line("preserve-upper-tier", reserve=0.25)
    assert "4 per unit" in doctrine_line("preserve-upper-tier", reserve=4)
    assert "second chance" in doctrine_line("cheapest-capable", layered=True)


def _claimed_case() -> object:
    """One unit, 2 interceptors. Threat 0 (target worth 10) comes first, with room for
    two shots one after the other (p = 0.5 each); threat 1 (worth 1) comes later and a
    shot kills it for sure. The plan gives both interceptors to threat 0, none to 1."""
    windows = [
        {"unit": 0, "interceptor": 0, "threat": 0, "p": 0.5,
         "points": [(0.0, 10.0), (30.0, 40.0)]},
        {"unit": 0, "interceptor": 0, "threat": 1, "p": 1.0, "points": [(100.0, 140.0)]},
    ]  # fmt: skip
    return make_model(
        n_threats=2, units=[{"stock": {0: 2}}], windows=windows, targets=[0, 1],
        target_values=[10.0, 1.0], shoot_look_shoot=True, assessment_s=10.0,
    )  # fmt: skip


def test_a_threat_held_back_by_the_plan_s_claims_fires_when_they_are_released():
    # Threat 1 has nothing of its own in the plan, and threat 0's claims hold the whole
    # magazine when the trial starts. It used to be dropped then, so it always leaked,
    # even when threat 0 died at its first shot and its second interceptor was freed.
    plan_model = _planned(_claimed_case())
    assert list(plan_model.planned) == [2, 0]
    out = _run(plan_model)
    # both interceptors are fired in every trial: when threat 0 dies at its first shot
    # the freed one goes to threat 1 (two kills); otherwise threat 0's second shot takes
    # it (one kill or none) and threat 1 leaks
    assert np.all(out.shots[:, 0] == 2)
    assert np.array_equal(out.leaked[:, 1], out.kills[:, 0] < 2)
    assert np.array_equal(out.leaked[:, 0], out.kills[:, 0] == 0)
    # P(threat 1 leaks) = P(threat 0 survives its first shot) = 0.5, within four
    # standard errors (it was 1)
    p = out.leaked[:, 1].mean()
    assert abs(p - 0.5) < 4 * np.sqrt(0.25 / N), p
