"""Ships and land units against the shipped coastlines (hoplon.geodata): a ship on land
is warned of, a land unit far out at sea is refused at its `at` field, harbours and the
shipped examples pass, and the check stays fast."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from hoplon.api import load
from hoplon.catalog import builtin_catalog
from hoplon.errors import InputError
from hoplon.geodata import inland_beyond_km, land_within_km, on_land
from hoplon.scenario.checks import LAND_AT_SEA_KM, SHIP_INLAND_KM
from hoplon.scenario.loader import load_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

BASE = """\
hoplon: 1
name: placement
nations: {{JPN: {{name: Japan}}}}
assets:
  - {{id: tokyo, nation: JPN, kind: city, at: [35.68, 139.69]}}
{extra_assets}units:
{units}threats:
  - {{id: r, type: notional MRBM, from: [40.0, 127.5], target: tokyo, count: 1}}
"""


def _scenario(units: str, extra_assets: str = "") -> str:
    return BASE.format(units=units, extra_assets=extra_assets)


def test_known_places_on_and_off_the_shipped_land() -> None:
    lat = [35.68, 40.4, 30.0, 39.0, -80.0, 66.0, -17.8]
    lon = [139.69, -3.7, -150.0, 134.0, 0.0, -175.0, 178.0]
    # Tokyo, Madrid, mid-Pacific, Sea of Japan, Antarctica, Chukotka, Fiji (the last
    # three on rings that cross the 180th meridian or close through the pole)
    assert on_land(lat, lon).tolist() == [True, True, False, False, True, True, True]
    # a whole turn of longitude changes nothing
    assert on_land([35.68], [139.69 - 360.0]).tolist() == [True]
    # a point of the Sea of Japan off Oki is within 200 km of land; the mid-Pacific is not
    assert land_within_km([37.0, 30.0], [134.0, -150.0], 200.0).tolist() == [True, False]
    # Madrid is far inland; Yokosuka's harbour is within 10 km of the sea
    assert inland_beyond_km([40.4, 35.29], [-3.7, 139.67], 10.0).tolist() == [True, False]


def test_a_land_unit_in_mid_ocean_is_refused_at_its_field() -> None:
    text = _scenario(
        "  - {id: pac, nation: JPN, type: Patriot battery, at: [30.0, 150.0],"
        " magazine: {PAC-3 MSE: 4}}\n"
    )
    with pytest.raises(InputError) as info:
        load_text(text, "mid-ocean.yaml")
    (problem,) = info.value.problems
    rendered = problem.render("mid-ocean.yaml")
    assert rendered.startswith("mid-ocean.yaml:7:")
    assert "units[0].at" in rendered
    assert "'pac' (Patriot battery, a land unit) stands at sea" in rendered
    assert f"more than {LAND_AT_SEA_KM:g} km from any coast" in rendered
    assert "`island: true`" in rendered


def test_the_refusal_exits_2_on_the_command_line(tmp_path: Path, run_main) -> None:
    path = tmp_path / "mid-ocean.yaml"
    path.write_text(
        _scenario(
            "  - {id: thaad, nation: JPN, type: THAAD battery, at: [30.0, 150.0],"
            " magazine: {THAAD: 8}}\n"
        ).replace("JPN: {name: Japan}", "JPN: {name: Japan}, USA: {name: United States}"),
        encoding="utf-8",
    )
    code, out, err = run_main("validate", str(path))
    assert code == 2
    assert f"{path}:7:" in err and "units[0].at" in err and "stands at sea" in err
    assert "Traceback" not in err


def test_an_island_unit_and_a_coastal_battery_are_accepted() -> None:
    # Wake Island is too small for the 1:50m land: accepted when the unit says so
    load_text(
        _scenario(
            "  - {id: wake, nation: JPN, type: Patriot battery, at: [19.28, 166.65],"
            " island: true, magazine: {PAC-3 MSE: 4}}\n"
        )
    )
    # a battery on a small island 60 km from the nearest shipped land (Yonaguni)
    loaded = load_text(
        _scenario(
            "  - {id: yonaguni, nation: JPN, type: Patriot battery, at: [24.47, 123.0],"
            " magazine: {PAC-3 MSE: 4}}\n"
        )
    )
    assert loaded.warnings == ()


def test_a_ship_on_land_is_warned_of_not_refused(run_main, tmp_path: Path) -> None:
    text = _scenario(
        "  - {id: ddg, nation: JPN, type: Aegis BMD destroyer, at: [36.5, 138.5],"
        " magazine: {SM-3 Block IIA: 4}}\n",
        "  - {id: cvn, nation: JPN, kind: ship, at: [40.4, -3.7]}\n",
    )
    loaded = load_text(text, "inland.yaml")
    assert len(loaded.warnings) == 2
    asset, unit = loaded.warnings  # in file order
    assert asset.startswith("inland.yaml:6:") and "assets[1].at" in asset
    assert "asset 'cvn' (kind ship) stands on land" in asset
    assert unit.startswith("inland.yaml:8:") and "units[0].at" in unit
    assert "'ddg' (Aegis BMD destroyer, a ship) stands on land" in unit
    assert f"{SHIP_INLAND_KM:g} km or more from any sea" in unit
    path = tmp_path / "inland.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run_main("validate", str(path))
    assert code == 0
    assert "Warning:" in out and "stands on land" in " ".join(out.split())


def test_run_warns_on_standard_error_and_keeps_its_json(run_main, tmp_path: Path) -> None:
    import json

    path = tmp_path / "inland.yaml"
    path.write_text(
        _scenario("", "  - {id: cvn, nation: JPN, kind: ship, at: [40.4, -3.7]}\n"),
        encoding="utf-8",
    )
    code, out, err = run_main("run", str(path), "-n", "20", "--no-store", "--json")
    assert code == 0, err
    assert "Warning:" in err and "assets[1].at" in err
    assert json.loads(out)["trials"] == 20


def test_a_ship_moored_in_a_harbour_is_not_warned_of() -> None:
    # Yokosuka and Kiel fall on the land side of the 1:50m coastline
    for at in ("[35.29, 139.67]", "[54.33, 10.15]"):
        loaded = load_text(
            _scenario(
                f"  - {{id: ddg, nation: JPN, type: Aegis BMD destroyer, at: {at},"
                " magazine: {SM-3 Block IIA: 4}}\n"
            )
        )
        assert loaded.warnings == (), at


def test_every_builtin_platform_states_its_domain() -> None:
    catalog = builtin_catalog()
    domains = {name: p.domain for name, p in catalog.platforms.items()}
    assert None not in domains.values()
    assert domains["Type 45 destroyer"] == "sea" and domains["Aegis Ashore"] == "land"
    # the name rule agrees with every stated domain (so a new entry is inferred alike)
    for name, platform in catalog.platforms.items():
        inferred = platform.model_copy(update={"domain": None}).domain_of(name)
        assert inferred == platform.domain, name


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_examples_place_every_unit_cleanly(path: Path) -> None:
    assert load(path).warnings == ()


def test_placement_of_many_units_is_fast() -> None:
    load_text(_scenario(""))  # the land is built once per process
    rng = np.random.default_rng(3)
    lat = rng.uniform(34.0, 40.0, 2000)
    lon = rng.uniform(130.0, 140.0, 2000)
    start = time.perf_counter()
    land_within_km(lat, lon, LAND_AT_SEA_KM)
    inland_beyond_km(lat, lon, SHIP_INLAND_KM)
    elapsed = time.perf_counter() - start
    # a vectorised query over prepared geometry: well under a second for 2,000 places
    # (measured 0.1 s on the 2-core reference machine)
    assert elapsed < 2.0


def test_sensors_are_placed_by_their_catalog_domain() -> None:
    # a ground radar with its position mistyped used to pass without a word
    sensors = (
        "sensors:\n"
        "  - {id: at-sea, nation: JPN, type: AN/TPY-2, at: [30.0, 150.0]}\n"
        "  - {id: ashore, nation: JPN, type: AN/TPY-2, at: [35.77, 135.20]}\n"
        "  - {id: inland, nation: JPN, type: SMART-L, at: [36.2, 138.25]}\n"
        "  - {id: afloat, nation: JPN, type: SMART-L, at: [30.0, 150.0]}\n"
        "  - {id: aloft, nation: JPN, type: E-2D, at: [30.0, 150.0, 9000]}\n"
        "  - {id: unknown, nation: JPN, type: SMART-L EWC, at: [36.2, 138.25]}\n"
    )
    unit = (
        "  - {id: pac, nation: JPN, type: Patriot battery, at: [35.6, 139.7],"
        " magazine: {PAC-3 MSE: 4}}\n"
    )
    text = _scenario(unit).replace("units:\n", sensors + "units:\n")
    catalog = builtin_catalog()
    assert catalog.sensors["AN/TPY-2"].domain == "land"
    assert catalog.sensors["SMART-L"].domain == "sea"
    assert catalog.sensors["E-2D"].domain == "air"
    assert catalog.sensors["SMART-L EWC"].domain is None  # also built as a ground site
    loaded = load_text(text, "radars.yaml")
    found = [w for w in loaded.warnings if "sensor" in w]
    assert len(found) == 2, loaded.warnings
    sea, land = found
    assert sea.startswith("radars.yaml:")
    assert (
        "sensors[0].at: sensor 'at-sea' (AN/TPY-2, a ground radar) stands at sea, more "
        f"than {LAND_AT_SEA_KM:g} km from any coast" in sea
    )
    assert (
        "sensors[2].at: sensor 'inland' (SMART-L, a ship's radar) stands on land, "
        f"{SHIP_INLAND_KM:g} km or more from any sea" in land
    )


def test_a_targeted_unit_left_at_the_default_value_is_noted() -> None:
    # a destroyer at value 1 beside cities at 100 was written off by the planned doctrine
    # without a word
    unit = "  - {id: pac, nation: JPN, type: Patriot battery, at: [35.6, 139.7], magazine: {PAC-3 MSE: 4}%s}\n"
    text = _scenario(unit % "").replace("at: [35.68, 139.69]}", "at: [35.68, 139.69], value: 100}")
    text += "  - {id: r2, type: notional MRBM, from: [40.0, 127.5], target: pac, count: 2}\n"
    notes = [n for n in load_text(text, "v.yaml").notes if "default value" in n]
    assert len(notes) == 1
    assert notes[0].startswith("v.yaml:") and "units[0]: unit 'pac' is the target of r2" in notes[0]
    assert "beside targets worth 100" in notes[0]
    # a value given, even 1, is a choice: no note; nor when every asset is worth 1
    assert not [
        n
        for n in load_text(text.replace("4}}", "4}, value: 1}"), "v.yaml").notes
        if "default value" in n
    ]
    plain = (
        _scenario(unit % "")
        + "  - {id: r2, type: notional MRBM, from: [40.0, 127.5], target: pac, count: 2}\n"
    )
    assert not [n for n in load_text(plain, "v.yaml").notes if "default value" in n]
    # nor when nothing is worth more than the default (assets at 0.5 and 1)
    low = _scenario(unit % "").replace("at: [35.68, 139.69]}", "at: [35.68, 139.69], value: 0.5}")
    low += "  - {id: r2, type: notional MRBM, from: [40.0, 127.5], target: pac, count: 2}\n"
    assert not [n for n in load_text(low, "v.yaml").notes if "default value" in n]


def test_a_limited_radar_without_a_facing_is_noted() -> None:
    # a THAAD battery's 120° AN/TPY-2 searched all round without a word
    units = (
        "  - {id: thaad, nation: JPN, type: THAAD battery, at: [35.6, 139.7], magazine: {THAAD: 8}}\n"
        "  - {id: pointed, nation: JPN, type: THAAD battery, at: [35.6, 139.7], facing_deg: 300,"
        " magazine: {THAAD: 8}}\n"
        "  - {id: pac, nation: JPN, type: Patriot battery, at: [35.6, 139.7], magazine: {PAC-3 MSE: 4}}\n"
    )
    sensors = (
        "sensors:\n"
        "  - {id: tpy2, nation: JPN, type: AN/TPY-2, at: [35.77, 135.20]}\n"
        "  - {id: fps5, nation: JPN, type: J/FPS-5, at: [38.03, 138.24], facing_deg: 290}\n"
    )
    text = _scenario(units.replace("nation: JPN, type: THAAD", "nation: USA, type: THAAD"))
    text = text.replace("units:\n", sensors + "units:\n").replace(
        "nations: {JPN: {name: Japan}}", "nations: {JPN: {name: Japan}, USA: {name: United States}}"
    )
    notes = [n for n in load_text(text, "f.yaml").notes if "facing_deg" in n]
    assert len(notes) == 2, notes
    assert "sensors[0]: sensor 'tpy2': AN/TPY-2 covers 120° but no facing_deg is given" in notes[0]
    assert "units[0]: unit 'thaad' (its own radar): AN/TPY-2 covers 120°" in notes[1]
    assert "taken to search all round (360°)" in notes[1]
