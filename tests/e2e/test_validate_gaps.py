"""`hoplon validate` says why each threat no unit can engage cannot be engaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoplon.scenario import load_text

#: One SRBM raid (224 km, apogee about 55 km) on Sasebo that six units each fail to
#: engage for a different reason.
EVERY_REASON = """\
hoplon: 1
name: Every reason
trials: 500
nations:
  JPN: {name: Japan}
  USA: {name: United States}
  AUS: {name: Australia}
agreements:
  - {kind: collective-defense, nations: [JPN, USA]}
  - {kind: technology-transfer, origin: USA, recipient: AUS, items: [THAAD]}
assets:
  - {id: sasebo, nation: JPN, kind: base, at: [33.17, 129.75], value: 40}
sensors:
  - {id: tpy2, nation: JPN, type: AN/TPY-2, at: [33.4, 129.9], facing_deg: 320}
units:
  - {id: ddg-near, nation: JPN, type: Aegis BMD destroyer, at: [33.5, 129.0], magazine: {SM-3 Block IIA: 4}}
  - {id: ddg-far, nation: JPN, type: Aegis BMD destroyer, at: [14.0, 145.0], magazine: {SM-3 Block IIA: 4}}
  - {id: slow, nation: JPN, type: Slow battery, at: [33.2, 129.8], magazine: {PAC-3 MSE: 4}}
  - {id: usa-blind, nation: USA, type: Blind launcher, at: [33.2, 129.8], magazine: {PAC-3 MSE: 4}}
  - {id: aus-thaad, nation: AUS, type: THAAD battery, at: [33.3, 129.9], magazine: {THAAD: 8}}
  - {id: aus-essm, nation: AUS, type: ESSM frigate, at: [33.0, 129.5], magazine: {ESSM: 8}}
threats:
  - {id: srbm, type: notional SRBM, from: [34.9, 128.5], target: sasebo, count: 2}
catalog:
  platforms:
    Blind launcher: {radar: none, launchers: 4, reaction_s: 10, source: notional test platform}
    Slow battery: {radar: AN/MPQ-65, launchers: 4, reaction_s: 3000, source: notional test platform}
"""

#: An MRBM on Sasebo and an SM-3 Block IIA ship 2,320 km away: in range and altitude
#: only where the straight fly-out would pass through the earth.
THROUGH_THE_EARTH = """\
hoplon: 1
name: Through the earth
trials: 500
nations:
  JPN: {name: Japan}
assets:
  - {id: sasebo, nation: JPN, kind: base, at: [33.17, 129.75], value: 40}
sensors:
  - {id: tpy2, nation: JPN, type: AN/TPY-2, at: [33.4, 129.9], facing_deg: 320}
units:
  - {id: ddg-far, nation: JPN, type: Aegis BMD destroyer, at: [16.0, 143.0], magazine: {SM-3 Block IIA: 4}}
threats:
  - {id: mrbm, type: notional MRBM, from: [40.0, 127.5], target: sasebo, count: 1}
"""

EXPECTED = {
    "ddg-near": ("altitude", "in range only outside the altitude band (SM-3 Block IIA 70–1000 km)"),
    "ddg-far": ("range", "never in range before impact (SM-3 Block IIA 0–2,500 km)"),
    "slow": ("time", "too late: track at"),
    "usa-blind": ("track", "no fire-control track"),
    "aus-thaad": ("right", "no collective-defense right: AUS may not defend JPN's targets"),
    "aus-essm": ("class", "no interceptor it carries can engage class 'srbm'"),
}


def test_each_unit_gets_its_reason() -> None:
    from hoplon.compile.engageability import scenario_gaps

    gaps = scenario_gaps(load_text(EVERY_REASON))
    assert [g.threat for g in gaps] == ["srbm#1", "srbm#2"]
    for gap in gaps:
        assert gap.kinds == {uid: kind for uid, (kind, _) in EXPECTED.items()}
        for uid, (_, text) in EXPECTED.items():
            assert gap.why[uid].startswith(text), (uid, gap.why[uid])


def test_a_fly_out_through_the_earth_is_named() -> None:
    from hoplon.compile.engageability import scenario_gaps

    (gap,) = scenario_gaps(load_text(THROUGH_THE_EARTH))
    assert gap.kinds == {"ddg-far": "earth"}
    assert "pass through the earth" in gap.why["ddg-far"]


@pytest.mark.parametrize("text", [EVERY_REASON, THROUGH_THE_EARTH], ids=["six", "earth"])
def test_validate_prints_why(text: str, tmp_path: Path, run_main) -> None:
    path = tmp_path / "gaps.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run_main("validate", path)
    assert code == 0, err
    flat = " ".join(out.split())
    assert "no unit can engage" in flat
    assert "Threats no unit can engage, and why (per unit):" in flat
    if text is EVERY_REASON:
        assert "srbm#1 … srbm#2 (2) → sasebo:" in flat  # one line for the raid
        for uid, (_, reason) in EXPECTED.items():
            assert f"{uid}: {reason}" in flat
    else:
        assert "mrbm#1 → sasebo: ddg-far: in range and altitude only where" in flat


def test_validate_prints_no_reasons_when_every_threat_is_engageable(
    examples_dir: Path, run_main
) -> None:
    code, out, _ = run_main("validate", examples_dir / "japan-layered-bmd.yaml")
    assert code == 0
    assert "and why" not in out
