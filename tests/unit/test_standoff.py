"""Stand-off launchers: a platform flies to its release range and launches its missiles
there; a platform killed before release launches none (docs/model.md, "Stand-off
launchers")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from engine_fixtures import make_model
from hoplon.compile import compile_scenario
from hoplon.core import geo
from hoplon.core.analytic import salvo_kill, standoff_launches
from hoplon.core.engine import (
    block_key,
    plan_decision_points,
    simulate_block,
    simulate_block_nominal,
)
from hoplon.core.runner import run_trials
from hoplon.scenario.loader import load_scenario, load_text

DATA = Path(__file__).resolve().parents[1] / "data" / "standoff-bombers.yaml"


def _invoke(args: list[str]) -> tuple[int | None, str]:
    from hoplon.cli import main

    code: int | None = None
    with CliRunner().isolation() as (_, stderr, _):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        err = stderr.getvalue().decode("utf-8", "replace")
    return code, err


def test_kill_before_release_matches_the_closed_form():
    """Each bomber meets one salvo of n = 2 SM-6 before release (no shoot-look-shoot) and
    nothing ever engages its missiles: the expected missiles launched per raid is
    count · standoff · r_L · (1 − P_k) · r_M with P_k = 1 − (1 − r_I·sspk)^n, the salvo
    formula of hoplon.core.analytic. The engine's mean is within 4 standard errors."""
    loaded = load_scenario(DATA)
    cat = loaded.catalog
    bomber = cat.threats["notional stand-off bomber"]
    missile = cat.threats["notional land-attack cruise missile"]
    sm6 = cat.interceptors["SM-6"]
    p_k = float(salvo_kill(sm6.reliability * sm6.sspk["aircraft"], 2))
    expected = 2 * float(standoff_launches(6, p_k, bomber.reliability, missile.reliability))
    assert expected == pytest.approx(2 * 6 * bomber.reliability * (1 - p_k) * missile.reliability)
    model = compile_scenario(loaded).waves[0]
    trials = 20_000
    out = run_trials([model], trials, seed=11)
    kids = np.asarray(model.threat_parent) >= 0
    per_trial = out.launched[:, kids].sum(axis=1)
    se = per_trial.std(ddof=1) / np.sqrt(trials)
    assert abs(per_trial.mean() - expected) < 4 * se, (per_trial.mean(), expected, se)
    # the platforms never leak themselves; every leaker is a launched missile
    assert not out.leaked[:, ~kids].any()
    assert (out.leaked[:, kids] <= out.launched[:, kids]).all()
    # a platform that failed at launch launches no missile
    for k in range(2):
        carried = out.launched[:, np.asarray(model.threat_parent) == k].any(axis=1)
        assert not (carried & ~out.launched[:, k]).any()


def test_missiles_of_a_killed_platform_draw_no_interceptor():
    """Threat 0 carries threats 1-3; unit 0 engages the platform, unit 1 the missiles
    (their windows open after every engagement of the platform). In a trial the platform
    dies in, unit 1 fires nothing; the share of trials it fires in is the platform's
    survival, r_L·(1 − P_k)."""
    p, n, r_l = 0.5, 2, 0.9
    model = make_model(
        n_threats=4,
        units=[{"stock": {0: 4}}, {"stock": {1: 30}}],
        windows=[{"unit": 0, "interceptor": 0, "threat": 0, "p": p, "points": [(0.0, 20.0)]}]
        + [
            {"unit": 1, "interceptor": 1, "threat": t, "p": 0.3, "points": [(100.0 + t, 130.0)]}
            for t in (1, 2, 3)
        ],
        threat_reliability=[r_l, 1.0, 1.0, 1.0],
        shots_per_engagement=n,
        threat_parent=[-1, 0, 0, 0],
    )
    trials = 20_000
    out = simulate_block(
        model, plan_decision_points(model), block_key(np.random.SeedSequence(5)), trials
    )
    assert not out.leaked[:, 0].any()  # a platform is never a leaker itself
    missiles_out = out.launched[:, 1:].all(axis=1)
    assert (missiles_out == out.launched[:, 1:].any(axis=1)).all()  # all or none
    fired_at_missiles = out.shots[:, 1] > 0
    assert not (fired_at_missiles & ~missiles_out).any()
    assert (fired_at_missiles == missiles_out).all()  # p > 0 salvos at every launched one
    want = r_l * (1.0 - float(salvo_kill(p, n)))
    share = missiles_out.mean()
    assert abs(share - want) < 4 * np.sqrt(want * (1 - want) / trials), (share, want)
    # the nominal-order engine (nothing competes here) gives the same trials
    nominal = simulate_block_nominal(
        model, plan_decision_points(model), block_key(np.random.SeedSequence(5)), trials
    )
    assert (nominal.launched == out.launched).all() and (nominal.leaked == out.leaked).all()
    assert (nominal.shots == out.shots).all()


def test_release_point_and_time():
    loaded = load_scenario(DATA)
    model = compile_scenario(loaded).waves[0]
    ids = model.threat_ids
    assert ids[:2] == ("bombers#1", "bombers#2")
    assert ids[2:8] == tuple(f"bombers#1/{j}" for j in range(1, 7))
    parent = np.asarray(model.threat_parent)
    assert parent.tolist() == [-1, -1] + [0] * 6 + [1] * 6
    bomber = loaded.catalog.threats["notional stand-off bomber"]
    flown = geo.geodesic_distance_m(0.0, 0.0, 0.0, 10.0) - 400_000.0
    release = flown / bomber.speed_ms
    assert model.threat_impact_s[0] == pytest.approx(release, abs=1e-6)
    assert model.threat_impact_s[1] == pytest.approx(600.0 + release, abs=1e-6)
    assert np.allclose(model.threat_launch_s[2:8], release)
    assert np.allclose(model.threat_launch_s[8:], 600.0 + release)
    lacm = loaded.catalog.threats["notional land-attack cruise missile"]
    assert np.allclose(model.threat_impact_s[2:8], release + 400_000.0 / lacm.speed_ms, atol=1e-3)


def _variant(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    edit(data["threats"][0])
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        (lambda r: r["standoff"].update(missile="notional LACM"), "standoff.missile", "threats"),
        (lambda r: r["standoff"].update(count=0), "standoff.count", "greater than or equal to 1"),
        (lambda r: r["standoff"].update(release_range_km=1600), "standoff.release_range_km",
         "beyond the 1,500 km range"),
        (lambda r: r.update({"from": [0.0, -40.0]}), "threats[0].from", "release point"),
        (lambda r: r.update(type="notional MRBM", **{"from": [0.0, 1.0]}), "threats[0].standoff",
         "launch platform"),
        (lambda r: r["standoff"].update(missile="notional strike aircraft"), "standoff.missile",
         "itself a launch platform"),
    ],
)  # fmt: skip
def test_bad_standoff_is_refused_naming_the_field(tmp_path, edit, field, words):
    code, err = _invoke(["validate", str(_variant(tmp_path, edit))])
    assert code == 2, err
    assert "Traceback" not in err
    assert field in err and words in err, err


def test_a_platform_inside_its_release_range_launches_at_once():
    text = DATA.read_text(encoding="utf-8").replace("from: [0.0, 0.0]", "from: [0.0, 7.0]")
    model = compile_scenario(load_text(text)).waves[0]
    assert model.threat_impact_s[0] == 0.0
    assert np.allclose(model.threat_launch_s[2:8], 0.0)


def test_a_submarine_launches_ballistic_missiles_from_its_station():
    """A submarine that starts within its release range launches at once; its ballistic
    missiles fly from its position to the target; nothing engages the submarine."""
    text = DATA.read_text(encoding="utf-8")
    text = text.replace(
        "type: notional stand-off bomber", "type: notional cruise-missile submarine"
    )
    text = text.replace("from: [0.0, 0.0]", "from: [0.0, 3.0]")
    text = text.replace(
        "{missile: notional land-attack cruise missile, count: 6, release_range_km: 400}",
        "{missile: notional SRBM, count: 4, release_range_km: 900}",
    )
    loaded = load_text(text)
    model = compile_scenario(loaded).waves[0]
    assert model.threat_impact_s[0] == 0.0 and model.threat_impact_s[1] == 600.0
    assert np.allclose(model.threat_launch_s[2:6], 0.0) and np.allclose(
        model.threat_launch_s[6:], 600.0
    )
    assert set(model.threat_class[2:]) == {"srbm"}
    assert not (model.windows.threat < 2).any()  # no interceptor has a submarine SSPK
    from hoplon.compile.raids import raid_path, standoff_path

    raid = loaded.spec.threats[0]
    missile = standoff_path(loaded, raid, raid_path(loaded, raid))
    assert (missile.lat[0], missile.lon[0]) == pytest.approx((0.0, 3.0))
    assert missile.apogee_m > 100_000.0  # a ballistic arc from the release point


def test_engagement_view_of_a_stand_off_missile():
    from hoplon.analysis.engagement import engagement_view
    from hoplon.errors import InputError

    loaded = load_scenario(DATA)
    view = engagement_view(loaded, "bombers#2/3")
    assert view.threat["type"] == "notional land-attack cruise missile"
    assert view.threat["apogee_km"] < 1.0  # the missile at 50 m, not its launcher at 9 km
    model = compile_scenario(loaded).waves[0]
    assert view.threat["launch_s"] == pytest.approx(float(model.threat_launch_s[8 + 2]), abs=1e-3)
    with pytest.raises(InputError, match="RAID#N/J"):
        engagement_view(loaded, "bombers#1/7")
