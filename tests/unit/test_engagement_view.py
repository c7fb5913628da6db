"""The engagement view of one threat agrees with the compiled model and trial 0."""

from __future__ import annotations

import pytest

from hoplon import api
from hoplon.analysis.engagement import engagement_view, find_threat
from hoplon.errors import InputError
from hoplon.present.html.render import report_html


@pytest.fixture(scope="module")
def japan(repo_root):
    scenario = api.load(repo_root / "examples" / "japan-layered-bmd.yaml")
    return scenario, scenario.run(trials=300, workers=1)


def test_view_of_an_mrbm(japan):
    scenario, result = japan
    view = engagement_view(scenario.loaded, "mrbm-tokyo#1", result.sample_trial()).to_dict()
    threat = view["threat"]
    row = next(t for t in result.to_dict()["threats"] if t["id"] == "mrbm-tokyo#1")
    assert threat["impact_s"] == pytest.approx(row["impact_s"], abs=1e-3)
    assert view["curve"][0][1] == 0.0 and view["curve"][-1][1] == 0.0
    assert max(a for _, a in view["curve"]) == pytest.approx(threat["apogee_km"], rel=0.01)
    # Units with a window are those the result says can engage it.
    assert sorted({w["unit"] for w in view["windows"]}) == sorted(row["engageable_by"])
    first_track = min(u["fire_control_track_s"] for u in view["units"] if u["fire_control_track_s"])
    assert first_track == pytest.approx(row["first_track_s"], abs=1e-3)
    for w in view["windows"]:
        assert w["points"], w["unit"]
        for t, alt in w["points"]:  # every intercept point inside the band and the flight
            assert w["min_alt_km"] - 1e-6 <= alt <= w["max_alt_km"] + 1e-6
            assert w["intercept_from_s"] <= t <= w["intercept_to_s"] <= threat["impact_s"]
        unit = next(u for u in view["units"] if u["id"] == w["unit"])
        assert w["launch_from_s"] >= unit["earliest_launch_s"] - 1e-6
    # Trial 0's engagements of this threat lie in the windows of their unit and interceptor.
    mine = [e for e in result.sample_trial() if e["threat"] == "mrbm-tokyo#1"]
    assert len(view["trial"]) == len(mine)
    for e in view["trial"]:
        w = next(
            w
            for w in view["windows"]
            if (w["unit"], w["interceptor"]) == (e["unit"], e["interceptor"])
        )
        assert w["launch_from_s"] - 1e-6 <= e["launch_s"] <= w["launch_to_s"] + 1e-6
        assert w["min_alt_km"] <= e["alt_km"] <= w["max_alt_km"]
    html = report_html(result, engagement=view)
    assert 'data-chart="engagement"' in html and 'class="threat"' in html
    assert html.count('class="window"') == len(view["windows"])
    assert 'data-chart="engagement"' not in report_html(result)


def test_a_raid_id_means_its_first_threat_and_unknown_ids_are_refused(japan):
    scenario, _ = japan
    assert find_threat(scenario.loaded, "srbm-fukuoka")[2] == 1
    for bad in ("mrbm-tokyo#7", "mrbm-tokyo#0", "nothing#1", "mrbm-tokyo#x"):
        with pytest.raises(InputError) as info:
            find_threat(scenario.loaded, bad)
        assert "--engagement" in str(info.value)


def test_report_refuses_an_unknown_threat_before_running(repo_root, run_main, tmp_path):
    code, _, err = run_main(
        "report", repo_root / "examples" / "japan-layered-bmd.yaml", "-o", tmp_path / "r.html",
        "--engagement", "mrbm-tokio#1",
    )  # fmt: skip
    assert code == 2 and "mrbm-tokyo#1" in err and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()
